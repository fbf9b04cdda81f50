/* target.c - per machine family: root bus, implicit devices, default models, growth rules. */
#include "config.h"

#include <string.h>

#include "pcifix.h"

/*
 * One entry per machine family whose PCI addresses pcifix assigns the way
 * libvirt 9.0's QEMU driver does.  Adding a family is adding an entry (and,
 * if its chipset pins devices to fixed slots, a chipset routine).
 */
static const struct pcifix_target targets[] = {
	{
		.family = PCIFIX_FAMILY_PC,
		.arch = "x86_64",
		.root_model = "pci-root",
		.chipset = PCIFIX_CHIPSET_PIIX3,
		.implicit_usb = "piix3-uhci",
		.implicit_sata = false,
		.implicit_memballoon = true,
		.default_nic = "rtl8139",
		.default_video = "cirrus",
		.default_usb = "piix3-uhci",
		.default_scsi = "lsilogic",
		.expansion_slot = true,
		.spare_root_port = false,
	},
	{
		.family = PCIFIX_FAMILY_PC,
		.arch = "i686",
		.root_model = "pci-root",
		.chipset = PCIFIX_CHIPSET_PIIX3,
		.implicit_usb = "piix3-uhci",
		.implicit_memballoon = true,
		.default_nic = "rtl8139",
		.default_video = "cirrus",
		.default_usb = "piix3-uhci",
		.default_scsi = "lsilogic",
		.expansion_slot = true,
	},
	{
		.family = PCIFIX_FAMILY_Q35,
		.arch = "x86_64",
		.root_model = "pcie-root",
		.chipset = PCIFIX_CHIPSET_ICH9,
		.implicit_usb = "qemu-xhci",
		.implicit_sata = true,
		.implicit_memballoon = true,
		.default_nic = "rtl8139",
		.default_video = "cirrus",
		.default_usb = "piix3-uhci",
		.default_scsi = "lsilogic",
		.expansion_slot = false,
		.spare_root_port = true,
	},
	{
		.family = PCIFIX_FAMILY_Q35,
		.arch = "i686",
		.root_model = "pcie-root",
		.chipset = PCIFIX_CHIPSET_ICH9,
		.implicit_usb = "qemu-xhci",
		.implicit_sata = true,
		.implicit_memballoon = true,
		.default_nic = "rtl8139",
		.default_video = "cirrus",
		.default_usb = "piix3-uhci",
		.default_scsi = "lsilogic",
		.expansion_slot = false,
		.spare_root_port = true,
	},
	{
		/* No chipset slots, no default USB and no balloon on aarch64. */
		.family = PCIFIX_FAMILY_VIRT,
		.arch = "aarch64",
		.root_model = "pcie-root",
		.default_nic = "virtio",
		.default_video = "virtio",
		.default_usb = "qemu-xhci",
		.default_scsi = "lsilogic",
		.spare_root_port = true,
		.virtio_mmio = true,
	},
	{
		.family = PCIFIX_FAMILY_VIRT,
		.arch = "armv7l",
		.root_model = "pcie-root",
		.default_nic = "virtio",
		.default_video = "virtio",
		.default_usb = "piix3-uhci",
		.default_scsi = "lsilogic",
		.spare_root_port = true,
		.virtio_mmio = true,
	},
	{
		/* Like aarch64, but with a memballoon, and piix3-uhci for a bare USB. */
		.family = PCIFIX_FAMILY_VIRT,
		.arch = "riscv64",
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
		.family = PCIFIX_FAMILY_PSERIES,
		.arch = "ppc64",
		.root_model = "pci-root",
		.implicit_usb = "qemu-xhci",
		.implicit_memballoon = true,
		.default_nic = "rtl8139",
		.default_video = "vga",
		.default_usb = "qemu-xhci",
		.default_scsi = "ibmvscsi",
		.expansion_slot = true,
		.phbs = true,
	},
	{
		/* Virtio devices use ccw; PCI (zPCI) only where a device asks or must. */
		.family = PCIFIX_FAMILY_S390_CCW,
		.arch = "s390x",
		.root_model = "pci-root",
		.implicit_memballoon = true,
		.default_nic = "virtio",
		.default_video = "virtio",
		.default_usb = "none",
		.default_scsi = "virtio-scsi",
		.expansion_slot = true,
		.ccw = true,
	},
};

const struct pcifix_target *
pcifix_target_find(const struct pcifix_domain *dom)
{
	size_t i;

	if (dom->virt != PCIFIX_VIRT_QEMU && dom->virt != PCIFIX_VIRT_KVM)
		return NULL;
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (targets[i].family == dom->family &&
		    (targets[i].arch == NULL ||
		     strncmp(dom->arch, targets[i].arch, strlen(targets[i].arch)) == 0))
			return &targets[i];
	return NULL;
}

/*
 * Connect flags of a device kind and model (libvirt's table).  `pci`,
 * `pcie` and `virtio` are the domain's three endpoint flag sets: on a
 * machine without pcie-root all three are conventional PCI.
 */
struct flag_rule {
	enum pcifix_kind kind;
	const char *model;           /* NULL: any model not matched before */
	enum { F_NONE, F_PCI, F_PCIE, F_VIRTIO } set;
	unsigned extra;
};

static const struct flag_rule flag_rules[] = {
	{ PCIFIX_KIND_FILESYSTEM, "virtio-transitional", F_PCI, 0 },
	{ PCIFIX_KIND_FILESYSTEM, NULL, F_VIRTIO, 0 },
	{ PCIFIX_KIND_INTERFACE, "virtio", F_VIRTIO, 0 },
	{ PCIFIX_KIND_INTERFACE, "virtio-non-transitional", F_VIRTIO, 0 },
	{ PCIFIX_KIND_INTERFACE, "virtio-transitional", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "e1000e", F_PCIE, 0 },
	{ PCIFIX_KIND_INTERFACE, "igb", F_PCIE, 0 },
	{ PCIFIX_KIND_INTERFACE, "usb-net", F_NONE, 0 },
	{ PCIFIX_KIND_INTERFACE, "spapr-vlan", F_NONE, 0 },   /* the spapr-vio bus */
	{ PCIFIX_KIND_INTERFACE, NULL, F_PCI, 0 },
	{ PCIFIX_KIND_SOUND, "es1370", F_PCI, 0 },
	{ PCIFIX_KIND_SOUND, "ac97", F_PCI, 0 },
	{ PCIFIX_KIND_SOUND, "ich6", F_PCI, 0 },
	{ PCIFIX_KIND_SOUND, "ich9", F_PCI, 0 },
	{ PCIFIX_KIND_SOUND, NULL, F_NONE, 0 },
	{ PCIFIX_KIND_DISK, "virtio-transitional", F_PCI, 0 },
	{ PCIFIX_KIND_DISK, NULL, F_VIRTIO, 0 },     /* bus='virtio' only: see below */
	{ PCIFIX_KIND_MEMBALLOON, "virtio", F_VIRTIO, 0 },
	{ PCIFIX_KIND_MEMBALLOON, "virtio-non-transitional", F_VIRTIO, 0 },
	{ PCIFIX_KIND_MEMBALLOON, "virtio-transitional", F_PCI, 0 },
	{ PCIFIX_KIND_MEMBALLOON, NULL, F_NONE, 0 },
	{ PCIFIX_KIND_RNG, "virtio-transitional", F_PCI, 0 },
	{ PCIFIX_KIND_RNG, NULL, F_VIRTIO, 0 },
	{ PCIFIX_KIND_WATCHDOG, "i6300esb", F_PCI, 0 },
	{ PCIFIX_KIND_WATCHDOG, NULL, F_NONE, 0 },
	{ PCIFIX_KIND_VIDEO, "virtio", F_VIRTIO, 0 },
	{ PCIFIX_KIND_VIDEO, "bochs", F_PCIE, 0 },
	{ PCIFIX_KIND_VIDEO, "none", F_NONE, 0 },
	{ PCIFIX_KIND_VIDEO, "ramfb", F_NONE, 0 },
	{ PCIFIX_KIND_VIDEO, "gop", F_NONE, 0 },
	{ PCIFIX_KIND_VIDEO, NULL, F_PCI, 0 },
	{ PCIFIX_KIND_SHMEM, NULL, F_PCI, 0 },
	{ PCIFIX_KIND_INPUT, "virtio-transitional", F_PCI, 0 },
	{ PCIFIX_KIND_INPUT, NULL, F_VIRTIO, 0 },     /* bus='virtio' only */
	{ PCIFIX_KIND_SERIAL, NULL, F_PCI, 0 },       /* target pci-serial only */
	{ PCIFIX_KIND_IOMMU, "virtio", F_VIRTIO, PCIFIX_CF_INTEGRATED },
	{ PCIFIX_KIND_IOMMU, NULL, F_NONE, 0 },
	{ PCIFIX_KIND_VSOCK, "virtio-transitional", F_PCI, 0 },
	{ PCIFIX_KIND_VSOCK, NULL, F_VIRTIO, 0 },
	{ PCIFIX_KIND_MEMORY, "virtio-pmem", F_VIRTIO, 0 },
	{ PCIFIX_KIND_MEMORY, "virtio-mem", F_VIRTIO, 0 },
	{ PCIFIX_KIND_MEMORY, NULL, F_NONE, 0 },
};

/* Controllers other than type='pci', by type and model. */
struct ctrl_rule {
	const char *type;
	const char *model;           /* NULL: any other model */
	int set;
};

static const struct ctrl_rule ctrl_rules[] = {
	{ "sata", NULL, F_PCI },
	{ "ide", NULL, F_PCI },
	{ "usb", "nec-xhci", F_PCIE },
	{ "usb", "qemu-xhci", F_PCIE },
	{ "usb", "none", F_NONE },
	{ "usb", "qusb1", F_NONE },
	{ "usb", "qusb2", F_NONE },
	{ "usb", NULL, F_PCI },
	{ "scsi", "virtio-scsi", F_VIRTIO },
	{ "scsi", "virtio-non-transitional", F_VIRTIO },
	{ "scsi", "ncr53c90", F_NONE },
	{ "scsi", "ibmvscsi", F_NONE },      /* the spapr-vio bus */
	{ "scsi", NULL, F_PCI },
	{ "virtio-serial", "virtio-transitional", F_PCI },
	{ "virtio-serial", NULL, F_VIRTIO },
};

static unsigned
flag_set(int set, unsigned pci, unsigned pcie, unsigned virtio)
{
	switch (set) {
	case F_PCI:
		return pci;
	case F_PCIE:
		return pcie;
	case F_VIRTIO:
		return virtio;
	default:
		return 0;
	}
}

static bool
model_is(const char *rule, const char *model)
{
	return rule == NULL || (model != NULL && strcmp(rule, model) == 0);
}

/* Whether the device is a virtio one (on s390x it then uses ccw, not PCI). */
bool
pcifix_device_is_virtio(enum pcifix_kind kind, const char *type, const char *model,
			const char *bus)
{
	size_t i;

	switch (kind) {
	case PCIFIX_KIND_CONTROLLER:
		for (i = 0; i < sizeof(ctrl_rules) / sizeof(ctrl_rules[0]); i++)
			if (type && strcmp(ctrl_rules[i].type, type) == 0 &&
			    model_is(ctrl_rules[i].model, model))
				return ctrl_rules[i].set == F_VIRTIO;
		return false;
	case PCIFIX_KIND_DISK:
	case PCIFIX_KIND_INPUT:
		if (bus == NULL || strcmp(bus, "virtio") != 0)
			return false;
		break;
	case PCIFIX_KIND_HOSTDEV:
		return type && strcmp(type, "scsi_host") == 0;
	default:
		break;
	}
	for (i = 0; i < sizeof(flag_rules) / sizeof(flag_rules[0]); i++)
		if (flag_rules[i].kind == kind && model_is(flag_rules[i].model, model))
			return flag_rules[i].set == F_VIRTIO;
	return false;
}

unsigned
pcifix_device_flags(enum pcifix_kind kind, const char *type, const char *model,
		    const char *bus, bool pcie_root)
{
	unsigned pci = PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_AUTOASSIGN;
	unsigned pcie = pcie_root ? PCIFIX_CF_PCIE_DEVICE | PCIFIX_CF_AUTOASSIGN : pci;
	unsigned virtio = pcie;
	size_t i;

	switch (kind) {
	case PCIFIX_KIND_CONTROLLER:
		if (type && strcmp(type, "pci") == 0) {
			const struct pcifix_pci_model *m = pcifix_pci_model_find(model);

			return m ? m->upstream : 0;
		}
		for (i = 0; i < sizeof(ctrl_rules) / sizeof(ctrl_rules[0]); i++)
			if (type && strcmp(ctrl_rules[i].type, type) == 0 &&
			    model_is(ctrl_rules[i].model, model))
				return flag_set(ctrl_rules[i].set, pci, pcie, virtio);
		return 0;
	case PCIFIX_KIND_DISK:
	case PCIFIX_KIND_INPUT:
		if (bus == NULL || strcmp(bus, "virtio") != 0)
			return 0;
		break;
	case PCIFIX_KIND_SERIAL:
		if (bus == NULL || strcmp(bus, "pci-serial") != 0)
			return 0;
		break;
	case PCIFIX_KIND_HOSTDEV:
		/* PCI and mdev hostdevs; offline, a host device counts as PCIe. */
		if (type && (strcmp(type, "pci") == 0 || strcmp(type, "mdev") == 0))
			return pcie;
		if (type && strcmp(type, "scsi_host") == 0)
			return model && strcmp(model, "virtio-transitional") == 0 ? pci : virtio;
		return 0;
	default:
		break;
	}
	for (i = 0; i < sizeof(flag_rules) / sizeof(flag_rules[0]); i++)
		if (flag_rules[i].kind == kind && model_is(flag_rules[i].model, model))
			return flag_set(flag_rules[i].set, pci, pcie, virtio) | flag_rules[i].extra;
	return 0;
}
