/* machine.c - one row per machine: names and arches, chipset, root bus, implicit devices, defaults, assigner. */
#include "config.h"

#include <string.h>

#include "engine.h"

/*
 * The machines libvirt 9.0's QEMU driver knows, and Cloud Hypervisor.  A
 * domain takes the first row whose virtualization, arch and machine name
 * match (a name pattern ending in '*' is a prefix; an arch is a prefix, so
 * "ppc64" covers ppc64le); with no machine written, the row marked
 * .is_default for its arch.  A row without .assign is a machine pcifix
 * knows but leaves alone.  Adding a machine is adding a row (and, for a
 * chipset that pins devices, a chipset in chipset.c).
 */
/*
 * A board libvirt gives a plain pci-root (PowerPC but pseries, Alpha,
 * SuperH): conventional PCI, its implicit USB controller (the model also
 * for a <controller type='usb'/> without one) and a memballoon.
 */
#define PLAIN_PCI_BOARD(usb, video) \
	.assign = pcifix_assign, .root_model = "pci-root", .implicit_usb = (usb), \
	.implicit_memballoon = true, .default_nic = "rtl8139", .default_video = (video), \
	.default_usb = (usb), .default_scsi = "lsilogic", .expansion_slot = true

static const struct pcifix_machine rows[] = {
	{
		.family = "cloud-hypervisor",
		.virt = PCIFIX_VIRT_CH,
		.assign = pcifix_assign_ch,
		.segments = true,
	},
	{
		.family = "pc",
		.arches = { "x86_64", "i686" },
		.names = { "pc", "pc-i440fx-*", "pc-0.*", "pc-1.*", "rhel*" },
		.is_default = true,
		.assign = pcifix_assign,
		.root_model = "pci-root",
		.chipset = &pcifix_chipset_piix3,
		.implicit_usb = "piix3-uhci",
		.implicit_memballoon = true,
		.default_nic = "rtl8139",
		.default_video = "cirrus",
		.default_usb = "piix3-uhci",
		.default_scsi = "lsilogic",
		.expansion_slot = true,
		.pci_expander_bus = true,
	},
	{
		.family = "q35",
		.arches = { "x86_64", "i686" },
		.names = { "q35", "pc-q35-*" },
		.assign = pcifix_assign,
		.root_model = "pcie-root",
		.chipset = &pcifix_chipset_ich9,
		.implicit_usb = "qemu-xhci",
		.implicit_sata = true,
		.implicit_memballoon = true,
		.default_nic = "rtl8139",
		.default_video = "cirrus",
		.default_usb = "piix3-uhci",
		.default_scsi = "lsilogic",
		.spare_root_port = true,
		.pcie_expander_bus = true,
	},
	{
		.family = "isapc",
		.arches = { "x86_64", "i686" },
		.names = { "isapc" },
	},
	{
		.family = "microvm",
		.arches = { "x86_64" },
		.names = { "microvm" },
	},
	{
		/* No chipset slots, no default USB and no balloon on aarch64. */
		.family = "virt",
		.arches = { "aarch64" },
		.names = { "virt", "virt-*" },
		.is_default = true,
		.assign = pcifix_assign,
		.root_model = "pcie-root",
		.default_nic = "virtio",
		.default_video = "virtio",
		.default_usb = "qemu-xhci",
		.default_scsi = "lsilogic",
		.spare_root_port = true,
		.virtio_mmio = true,
		.pcie_expander_bus = true,
	},
	{
		.family = "virt",
		.arches = { "armv7l" },
		.names = { "virt", "virt-*" },
		.is_default = true,
		.assign = pcifix_assign,
		.root_model = "pcie-root",
		.default_nic = "virtio",
		.default_video = "virtio",
		.default_usb = "piix3-uhci",
		.default_scsi = "lsilogic",
		.spare_root_port = true,
		.virtio_mmio = true,
		.pcie_expander_bus = true,
	},
	{
		/* Like aarch64, but with a memballoon, and piix3-uhci for a bare USB. */
		.family = "virt",
		.arches = { "riscv64", "riscv32" },
		.names = { "virt", "virt-*" },
		.is_default = true,
		.assign = pcifix_assign,
		.root_model = "pcie-root",
		.implicit_memballoon = true,
		.default_nic = "virtio",
		.default_video = "virtio",
		.default_usb = "piix3-uhci",
		.default_scsi = "lsilogic",
		.spare_root_port = true,
		.virtio_mmio = true,
	},
	{
		/* Every pci-root is a PHB; growth adds PHBs, never bridges. */
		.family = "pseries",
		.arches = { "ppc64" },
		.names = { "pseries", "pseries-*" },
		.is_default = true,
		.assign = pcifix_assign,
		.root_model = "pci-root",
		.implicit_usb = "qemu-xhci",
		.implicit_memballoon = true,
		.default_nic = "rtl8139",
		.default_video = "vga",
		.default_usb = "qemu-xhci",
		.default_scsi = "ibmvscsi",
		.expansion_slot = true,
		.phbs = true,
		.sees_each_function = true,
	},
	{
		/* The Power Macintosh G3 has its IDE on the board (libvirt's "builtin IDE"). */
		.family = "ppc",
		.arches = { "ppc64" },
		.names = { "g3beige" },
		PLAIN_PCI_BOARD("qemu-xhci", "vga"),
		.builtin_ide = true,
	},
	{
		/*
		 * Every other ppc64 board (powernv*, ppce500, mac99...): libvirt
		 * gives the arch a plain pci-root, whatever QEMU's board has.
		 */
		.family = "ppc",
		.arches = { "ppc64" },
		PLAIN_PCI_BOARD("qemu-xhci", "vga"),
	},
	{
		/* 32-bit PowerPC's default board, with its IDE on the board. */
		.family = "ppc",
		.arches = { "ppc" },
		.names = { "g3beige" },
		.is_default = true,
		PLAIN_PCI_BOARD("piix3-uhci", "cirrus"),
		.builtin_ide = true,
	},
	{
		/* Other 32-bit PowerPC boards (mac99, ppce500...): the same, no IDE. */
		.family = "ppc",
		.arches = { "ppc" },
		PLAIN_PCI_BOARD("piix3-uhci", "cirrus"),
	},
	{
		/*
		 * ARM Versatile/PB: PCI only under a pci-root the file writes
		 * (libvirt adds none); no USB or balloon of its own.
		 */
		.family = "versatilepb",
		.arches = { "armv7l", "armv6l" },
		.names = { "versatilepb" },
		.assign = pcifix_assign,
		.root_model = "pci-root",
		.root_if_written = true,
		.default_nic = "scm91c111",
		.default_video = "cirrus",
		.default_usb = "piix3-uhci",
		.default_scsi = "lsilogic",
		.expansion_slot = true,
	},
	{
		/* Alpha and SuperH boards: libvirt gives the arch a plain pci-root too. */
		.family = "pci-root",
		.arches = { "alpha", "sh4" },
		.is_default = true,
		PLAIN_PCI_BOARD("piix3-uhci", "cirrus"),
	},
	{
		/* Virtio devices use ccw; PCI (zPCI) only where a device asks or must. */
		.family = "s390-ccw-virtio",
		.arches = { "s390x" },
		.names = { "s390-ccw-virtio", "s390-ccw-virtio-*" },
		.is_default = true,
		.assign = pcifix_assign,
		.root_model = "pci-root",
		.implicit_memballoon = true,
		.default_nic = "virtio",
		.default_video = "virtio",
		.default_usb = "none",
		.default_scsi = "virtio-scsi",
		.expansion_slot = true,
		.ccw = true,
		.zpci_functions = true,
	},
};

static bool
arch_matches(const struct pcifix_machine *m, const char *arch)
{
	size_t i;

	for (i = 0; i < PCIFIX_MACHINE_ARCHES && m->arches[i]; i++)
		if (strncmp(arch, m->arches[i], strlen(m->arches[i])) == 0)
			return true;
	return i == 0;   /* no arches: any */
}

static bool
name_matches(const struct pcifix_machine *m, const char *machine)
{
	size_t i;

	for (i = 0; i < PCIFIX_MACHINE_NAMES && m->names[i]; i++) {
		const char *p = m->names[i];
		size_t n = strlen(p);

		if (n && p[n - 1] == '*' ? strncmp(machine, p, n - 1) == 0 : strcmp(machine, p) == 0)
			return true;
	}
	return i == 0;   /* no names: any */
}

const struct pcifix_machine *
pcifix_machine_find(enum pcifix_virt virt, const char *arch, const char *machine)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct pcifix_machine *m = &rows[i];

		if ((virt == PCIFIX_VIRT_CH) != (m->virt == PCIFIX_VIRT_CH) || !arch_matches(m, arch))
			continue;
		if (machine ? name_matches(m, machine) : m->is_default || m->virt == PCIFIX_VIRT_CH)
			return m;
	}
	return NULL;
}

size_t
pcifix_machine_rows(const struct pcifix_machine **v)
{
	*v = rows;
	return sizeof(rows) / sizeof(rows[0]);
}
