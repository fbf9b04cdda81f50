/* check_model.c - unit tests for model.c: machine family, devices, addresses, controllers. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* ---- helpers -------------------------------------------------------- */

struct fixture {
	struct pcifix_diags diags;
	struct pcifix_doc *doc;
	struct pcifix_domain *dom;
};

/* Load and model `xml`; dom is NULL when the model refuses it. */
static void
build(struct fixture *f, const char *xml)
{
	size_t len = strlen(xml);

	pcifix_diags_init(&f->diags);
	f->dom = NULL;
	f->doc = pcifix_xml_load(pcifix_xstrndup(xml, len), len, "m.xml", &f->diags);
	ck_assert_msg(f->doc != NULL, "XML refused: %s", f->diags.n ? f->diags.v[0].message : "");
	f->dom = pcifix_model_build(f->doc, &f->diags);
}

static void
build_ok(struct fixture *f, const char *xml)
{
	build(f, xml);
	ck_assert_msg(f->dom != NULL, "model refused: %s [%s]",
		      f->diags.n ? f->diags.v[0].message : "", f->diags.n ? f->diags.v[0].rule->id : "");
	ck_assert_uint_eq(f->diags.n, 0);
}

static void
done(struct fixture *f)
{
	pcifix_domain_free(f->dom);
	pcifix_doc_free(f->doc);
	pcifix_diags_free(&f->diags);
}

/* A domain with `devices` inside <devices> (the devices start on line 4). */
static char *
domain_with(const char *devices)
{
	return pcifix_xasprintf("<domain type='kvm'>\n"
				"  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n"
				"  <devices>\n"
				"%s\n"
				"  </devices>\n"
				"</domain>\n", devices);
}

/* ---- machine families ----------------------------------------------- */

static const struct {
	const char *virt;          /* NULL: no type= on <domain> */
	const char *type_attrs;    /* attributes of <os><type>, NULL: no <os> at all */
	const char *family;
	const char *arch;
	const char *machine;
} family_cases[] = {
	{ "kvm", "arch='x86_64' machine='pc'", "pc", "x86_64", "pc" },
	{ "kvm", "arch='x86_64' machine='pc-i440fx-7.2'", "pc", "x86_64",
	  "pc-i440fx-7.2" },
	{ "kvm", "arch='x86_64' machine='pc-1.2'", "pc", "x86_64", "pc-1.2" },
	{ "kvm", "arch='x86_64' machine='pc-0.15'", "pc", "x86_64", "pc-0.15" },
	{ "qemu", "arch='x86_64' machine='q35'", "q35", "x86_64", "q35" },
	{ "qemu", "arch='x86_64' machine='pc-q35-8.0'", "q35", "x86_64",
	  "pc-q35-8.0" },
	{ "kvm", "arch='x86_64'", "pc", "x86_64", NULL },
	{ "kvm", "machine='q35'", "q35", "x86_64", "q35" },
	{ "kvm", NULL, "pc", "x86_64", NULL },
	{ "kvm", "arch='i686' machine='pc'", "pc", "i686", "pc" },
	{ "kvm", "arch='x86_64' machine='isapc'", "isapc", "x86_64", "isapc" },
	{ "kvm", "arch='x86_64' machine='microvm'", "microvm", "x86_64", "microvm" },
	{ "qemu", "arch='aarch64' machine='virt'", "virt", "aarch64", "virt" },
	{ "qemu", "arch='aarch64' machine='virt-7.2'", "virt", "aarch64",
	  "virt-7.2" },
	{ "qemu", "arch='aarch64'", "virt", "aarch64", NULL },
	{ "qemu", "arch='armv7l' machine='virt'", "virt", "armv7l", "virt" },
	{ "qemu", "arch='riscv64' machine='virt'", "virt", "riscv64", "virt" },
	{ "qemu", "arch='ppc64' machine='pseries'", "pseries", "ppc64", "pseries" },
	{ "qemu", "arch='ppc64le' machine='pseries-7.2'", "pseries", "ppc64le",
	  "pseries-7.2" },
	{ "qemu", "arch='ppc64'", "pseries", "ppc64", NULL },
	{ "qemu", "arch='s390x'", "s390-ccw-virtio", "s390x", NULL },
	{ "qemu", "arch='s390x' machine='s390-ccw-virtio'", "s390-ccw-virtio", "s390x",
	  "s390-ccw-virtio" },
	{ "ch", "arch='x86_64'", "cloud-hypervisor", "x86_64", NULL },
	{ "ch", NULL, "cloud-hypervisor", "x86_64", NULL },
	{ "kvm", "arch='x86_64' machine='foo'", "unknown", "x86_64", "foo" },
	{ "kvm", "arch='x86_64' machine='virt'", "unknown", "x86_64", "virt" },
	{ "qemu", "arch='aarch64' machine='pc'", "unknown", "aarch64", "pc" },
	{ "kvm", "arch='x86_64' machine='pcx'", "unknown", "x86_64", "pcx" },
	{ "qemu", "arch='mips64'", "unknown", "mips64", NULL },
};

START_TEST(test_family)
{
	struct fixture f;
	char *xml, *os;

	os = family_cases[_i].type_attrs ?
	     pcifix_xasprintf("<os><type %s>hvm</type></os>", family_cases[_i].type_attrs) :
	     pcifix_xstrdup("");
	if (family_cases[_i].virt)
		xml = pcifix_xasprintf("<domain type='%s'><name>x</name>%s<devices/></domain>",
				       family_cases[_i].virt, os);
	else
		xml = pcifix_xasprintf("<domain>%s</domain>", os);
	build_ok(&f, xml);
	ck_assert_msg(strcmp(f.dom->family, family_cases[_i].family) == 0,
		      "%s: family %s, want %s", xml, f.dom->family, family_cases[_i].family);
	ck_assert_str_eq(f.dom->arch, family_cases[_i].arch);
	ck_assert_pstr_eq(f.dom->machine, family_cases[_i].machine);
	ck_assert_ptr_eq(f.dom->doc, f.doc);
	done(&f);
	free(xml);
	free(os);
}
END_TEST

static const struct {
	const char *attr;
	enum pcifix_virt virt;
	const char *name;
} virt_cases[] = {
	{ " type='kvm'", PCIFIX_VIRT_KVM, "kvm" },
	{ " type='qemu'", PCIFIX_VIRT_QEMU, "qemu" },
	{ " type='ch'", PCIFIX_VIRT_CH, "ch" },
	{ " type='xen'", PCIFIX_VIRT_OTHER, "xen" },
	{ " type='KVM'", PCIFIX_VIRT_OTHER, "KVM" },
	{ "", PCIFIX_VIRT_OTHER, NULL },
};

START_TEST(test_virt)
{
	struct fixture f;
	char *xml = pcifix_xasprintf("<domain%s><devices/></domain>", virt_cases[_i].attr);

	build_ok(&f, xml);
	ck_assert_int_eq(f.dom->virt, virt_cases[_i].virt);
	ck_assert_pstr_eq(f.dom->virt_name, virt_cases[_i].name);
	done(&f);
	free(xml);
}
END_TEST

/* ---- device kinds --------------------------------------------------- */

START_TEST(test_kind_names)
{
	int k;

	for (k = PCIFIX_KIND_OTHER + 1; k < PCIFIX_KIND__COUNT; k++) {
		const char *n = pcifix_kind_name((enum pcifix_kind)k);

		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(pcifix_kind_from_name(n), k);
	}
	ck_assert_str_eq(pcifix_kind_name(PCIFIX_KIND_DISK), "disk");
	ck_assert_str_eq(pcifix_kind_name(PCIFIX_KIND_MEMBALLOON), "memballoon");
	ck_assert_str_eq(pcifix_kind_name(PCIFIX_KIND_OTHER), "device");
	ck_assert_int_eq(pcifix_kind_from_name("emulator"), PCIFIX_KIND_OTHER);
	ck_assert_int_eq(pcifix_kind_from_name("Disk"), PCIFIX_KIND_OTHER);
	ck_assert_int_eq(pcifix_kind_from_name(""), PCIFIX_KIND_OTHER);
}
END_TEST

static const char devices_xml[] =
	"<domain type='kvm'>\n"
	"  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
	"  <devices>\n"
	"    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
	"    <disk type='file' device='cdrom'>\n"
	"      <target dev='sda' bus='sata'/>\n"
	"      <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n"
	"    </disk>\n"
	"    <disk type='file' device='disk' model='virtio-transitional'>\n"
	"      <target dev='vda' bus='virtio'/>\n"
	"    </disk>\n"
	"    <interface type='network'>\n"
	"      <mac address='52:54:00:aa:bb:cc'/>\n"
	"      <model type='virtio'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
	"    </interface>\n"
	"    <controller type='pci' index='1' model='pcie-root-port'>\n"
	"      <model name='pcie-root-port'/>\n"
	"      <target chassis='1' port='0x10' hotplug='off'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='2' model='pci-bridge'>\n"
	"      <model name='pci-bridge'/>\n"
	"      <target chassisNr='2'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='3' model='pcie-expander-bus'>\n"
	"      <target busNr='254'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='4' model='pci-root'>\n"
	"      <model name='spapr-pci-host-bridge'/>\n"
	"      <target index='1'/>\n"
	"    </controller>\n"
	"    <controller type='usb' index='0' model='qemu-xhci'/>\n"
	"    <controller type='sata'/>\n"
	"    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
	"      <source><address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/></source>\n"
	"      <address type='unassigned'/>\n"
	"    </hostdev>\n"
	"    <hostdev mode='subsystem' type='usb'>\n"
	"      <source><vendor id='0x1234'/><product id='0xbeef'/></source>\n"
	"    </hostdev>\n"
	"    <video><model type='virtio' heads='1' primary='yes'/></video>\n"
	"    <memballoon model='virtio'>\n"
	"      <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>\n"
	"    </memballoon>\n"
	"    <input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/></input>\n"
	"    <serial type='pty'><target type='isa-serial' port='0'><model name='isa-serial'/></target></serial>\n"
	"    <console type='pty'><target type='serial' port='0'/></console>\n"
	"    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>\n"
	"    <filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/><target dir='share'/></filesystem>\n"
	"    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>\n"
	"    <shmem name='ivshmem0'><model type='ivshmem-plain'/></shmem>\n"
	"    <sound model='ich9'/>\n"
	"    <watchdog model='i6300esb' action='reset'/>\n"
	"    <panic model='isa'/>\n"
	"    <iommu model='intel'/>\n"
	"    <vsock model='virtio'/>\n"
	"    <tpm model='tpm-crb'/>\n"
	"    <crypto model='virtio' type='qemu'/>\n"
	"    <graphics type='vnc' port='-1'/>\n"
	"    <audio id='1' type='none'/>\n"
	"    <redirdev bus='usb' type='spicevmc'/>\n"
	"    <hub type='usb'/>\n"
	"    <memory model='dimm'><target><size unit='KiB'>524288</size></target></memory>\n"
	"    <pstore backend='acpi-erst'/>\n"
	"    <nvram/>\n"
	"    <smartcard mode='passthrough' type='spicevmc'/>\n"
	"    <parallel type='pty'/>\n"
	"    <lease><lockspace>x</lockspace></lease>\n"
	"    <redirfilter/>\n"
	"    <frobnicator model='x'/>\n"
	"    <my:disk xmlns:my='urn:my' type='file'/>\n"
	"  </devices>\n"
	"</domain>\n";

static const struct {
	enum pcifix_kind kind;
	unsigned line;
	const char *type, *model, *bus, *name, *driver;
	enum pcifix_addr_type addr;
} device_cases[] = {
	{ PCIFIX_KIND_DISK, 5, "cdrom", NULL, "sata", "sda", NULL, PCIFIX_ADDR_DRIVE },
	{ PCIFIX_KIND_DISK, 9, "disk", "virtio-transitional", "virtio", "vda", NULL,
	  PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_INTERFACE, 12, "network", "virtio", NULL, "52:54:00:aa:bb:cc", NULL,
	  PCIFIX_ADDR_PCI },
	{ PCIFIX_KIND_CONTROLLER, 17, "pci", "pcie-root-port", NULL, "1", NULL, PCIFIX_ADDR_PCI },
	{ PCIFIX_KIND_CONTROLLER, 22, "pci", "pci-bridge", NULL, "2", NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_CONTROLLER, 26, "pci", "pcie-expander-bus", NULL, "3", NULL,
	  PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_CONTROLLER, 29, "pci", "pci-root", NULL, "4", NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_CONTROLLER, 33, "usb", "qemu-xhci", NULL, "0", NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_CONTROLLER, 34, "sata", NULL, NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_HOSTDEV, 35, "pci", NULL, NULL, NULL, "subsystem", PCIFIX_ADDR_UNASSIGNED },
	{ PCIFIX_KIND_HOSTDEV, 39, "usb", NULL, NULL, NULL, "subsystem", PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_VIDEO, 42, NULL, "virtio", NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_MEMBALLOON, 43, NULL, "virtio", NULL, NULL, NULL, PCIFIX_ADDR_PCI },
	{ PCIFIX_KIND_INPUT, 46, "tablet", NULL, "usb", NULL, NULL, PCIFIX_ADDR_USB },
	{ PCIFIX_KIND_SERIAL, 47, "pty", "isa-serial", "isa-serial", NULL, NULL,
	  PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_CONSOLE, 48, "pty", NULL, "serial", NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_CHANNEL, 49, "unix", NULL, "virtio", "org.qemu.guest_agent.0", NULL,
	  PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_FILESYSTEM, 50, "mount", NULL, NULL, "share", "virtiofs",
	  PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_RNG, 51, NULL, "virtio", NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_SHMEM, 52, NULL, "ivshmem-plain", NULL, "ivshmem0", NULL,
	  PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_SOUND, 53, NULL, "ich9", NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_WATCHDOG, 54, NULL, "i6300esb", NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_PANIC, 55, NULL, "isa", NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_IOMMU, 56, NULL, "intel", NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_VSOCK, 57, NULL, "virtio", NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_TPM, 58, NULL, "tpm-crb", NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_CRYPTO, 59, "qemu", "virtio", NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_GRAPHICS, 60, "vnc", NULL, NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_AUDIO, 61, "none", NULL, NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_REDIRDEV, 62, "spicevmc", NULL, "usb", NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_HUB, 63, "usb", NULL, NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_MEMORY, 64, NULL, "dimm", NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_PSTORE, 65, NULL, "acpi-erst", NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_NVRAM, 66, NULL, NULL, NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_SMARTCARD, 67, "passthrough", NULL, NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_PARALLEL, 68, "pty", NULL, NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_LEASE, 69, NULL, NULL, NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
	{ PCIFIX_KIND_REDIRFILTER, 70, NULL, NULL, NULL, NULL, NULL, PCIFIX_ADDR_ABSENT },
};

START_TEST(test_devices)
{
	struct fixture f;
	size_t i, n = sizeof(device_cases) / sizeof(device_cases[0]);

	build_ok(&f, devices_xml);
	ck_assert_str_eq(f.dom->family, "q35");
	ck_assert_ptr_nonnull(f.dom->devices_node);
	ck_assert_str_eq(f.dom->devices_node->name, "devices");
	/* <emulator>, <frobnicator> and <my:disk> are not devices. */
	ck_assert_uint_eq(f.dom->ndevs, n);
	for (i = 0; i < n; i++) {
		const struct pcifix_device *d = &f.dom->devs[i];

		ck_assert_msg(d->kind == device_cases[i].kind, "device %zu: kind %s, want %s", i,
			      pcifix_kind_name(d->kind), pcifix_kind_name(device_cases[i].kind));
		ck_assert_msg(d->line == device_cases[i].line, "device %zu: line %u, want %u", i,
			      d->line, device_cases[i].line);
		ck_assert_uint_eq(d->node->line, d->line);
		ck_assert_str_eq(d->node->name, pcifix_kind_name(d->kind));
		ck_assert_pstr_eq(d->type, device_cases[i].type);
		ck_assert_pstr_eq(d->model, device_cases[i].model);
		ck_assert_pstr_eq(d->bus, device_cases[i].bus);
		ck_assert_pstr_eq(d->name, device_cases[i].name);
		ck_assert_pstr_eq(d->driver, device_cases[i].driver);
		ck_assert_msg(d->addr.type == device_cases[i].addr, "device %zu: address type %d",
			      i, d->addr.type);
		if (d->addr.type == PCIFIX_ADDR_ABSENT) {
			ck_assert_ptr_null(d->addr.node);
			ck_assert_ptr_null(d->addr.type_name);
		} else {
			ck_assert_ptr_nonnull(d->addr.node);
			ck_assert_str_eq(d->addr.node->name, "address");
			ck_assert_ptr_eq(d->addr.node->parent, d->node);
		}
		if (d->kind != PCIFIX_KIND_CONTROLLER)
			ck_assert_int_eq(d->index, -1);
	}
	done(&f);
}
END_TEST

START_TEST(test_controllers)
{
	struct fixture f;
	const struct pcifix_device *d;

	build_ok(&f, devices_xml);
	d = &f.dom->devs[3];     /* pcie-root-port */
	ck_assert_int_eq(d->index, 1);
	ck_assert_str_eq(d->model_name, "pcie-root-port");
	ck_assert_int_eq(d->target.chassis, 1);
	ck_assert_int_eq(d->target.port, 0x10);
	ck_assert_int_eq(d->target.chassis_nr, -1);
	ck_assert_int_eq(d->target.bus_nr, -1);
	ck_assert_int_eq(d->target.index, -1);
	ck_assert_int_eq(d->target.hotplug, PCIFIX_TRI_OFF);
	ck_assert_ptr_nonnull(d->target.node);
	ck_assert_str_eq(d->target.node->name, "target");
	ck_assert_uint_eq(d->addr.pci.slot, 2);
	ck_assert_int_eq(d->addr.multifunction, PCIFIX_TRI_ON);

	d = &f.dom->devs[4];     /* pci-bridge */
	ck_assert_int_eq(d->index, 2);
	ck_assert_str_eq(d->model_name, "pci-bridge");
	ck_assert_int_eq(d->target.chassis_nr, 2);
	ck_assert_int_eq(d->target.chassis, -1);
	ck_assert_int_eq(d->target.port, -1);
	ck_assert_int_eq(d->target.hotplug, PCIFIX_TRI_ABSENT);

	d = &f.dom->devs[5];     /* pcie-expander-bus */
	ck_assert_int_eq(d->index, 3);
	ck_assert_ptr_null(d->model_name);
	ck_assert_int_eq(d->target.bus_nr, 254);

	d = &f.dom->devs[6];     /* pseries PHB */
	ck_assert_int_eq(d->index, 4);
	ck_assert_str_eq(d->model_name, "spapr-pci-host-bridge");
	ck_assert_int_eq(d->target.index, 1);

	d = &f.dom->devs[7];     /* usb */
	ck_assert_int_eq(d->index, 0);
	ck_assert_ptr_null(d->target.node);
	ck_assert_int_eq(d->target.chassis, -1);
	ck_assert_int_eq(d->target.port, -1);

	d = &f.dom->devs[8];     /* sata without index */
	ck_assert_int_eq(d->index, -1);
	done(&f);
}
END_TEST

START_TEST(test_controller_numbers)
{
	struct fixture f;
	/*
	 * libvirt 9.0 reads <target> numbers like strtoul base 0 (chassis='010' is
	 * 8), but the controller index in base 10: index='010' is 10.
	 */
	char *xml = domain_with("    <controller type='pci' index='010' model='pcie-root-port'>\n"
				"      <target chassis='010' port='0x1d' hotplug='on'/>\n"
				"    </controller>\n"
				"    <controller type='pci' index=' 7' model='pci-bridge'>\n"
				"      <target chassisNr='255'/>\n"
				"    </controller>");

	build_ok(&f, xml);
	ck_assert_uint_eq(f.dom->ndevs, 2);
	ck_assert_int_eq(f.dom->devs[0].index, 10);
	ck_assert_int_eq(f.dom->devs[0].target.chassis, 8);
	ck_assert_int_eq(f.dom->devs[0].target.port, 0x1d);
	ck_assert_int_eq(f.dom->devs[0].target.hotplug, PCIFIX_TRI_ON);
	ck_assert_int_eq(f.dom->devs[1].index, 7);
	ck_assert_int_eq(f.dom->devs[1].target.chassis_nr, 255);
	done(&f);
	free(xml);
}
END_TEST

START_TEST(test_hostdev_host_address)
{
	struct fixture f;
	char *xml = domain_with(
		"    <hostdev mode='subsystem' type='pci'>\n"
		"      <source><address domain='0x0001' bus='0xff' slot='0x1f' function='0x7'/></source>\n"
		"    </hostdev>\n"
		"    <hostdev mode='subsystem' type='pci'>\n"
		"      <source><address domain='0' bus='0' slot='0' function='0'/></source>\n"
		"      <address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x0'/>\n"
		"    </hostdev>\n"
		"    <hostdev mode='subsystem' type='pci'>\n"
		"      <source/>\n"
		"    </hostdev>\n"
		"    <hostdev mode='subsystem' type='scsi'>\n"
		"      <source><address bus='0' target='0' unit='0'/></source>\n"
		"    </hostdev>");

	build_ok(&f, xml);
	ck_assert_uint_eq(f.dom->ndevs, 4);
	ck_assert(f.dom->devs[0].has_host_addr);
	ck_assert_uint_eq(f.dom->devs[0].host_addr.domain, 1);
	ck_assert_uint_eq(f.dom->devs[0].host_addr.bus, 0xff);
	ck_assert_uint_eq(f.dom->devs[0].host_addr.slot, 0x1f);
	ck_assert_uint_eq(f.dom->devs[0].host_addr.function, 7);
	ck_assert_int_eq(f.dom->devs[0].addr.type, PCIFIX_ADDR_ABSENT);
	/* 0000:00:00.0 is a real host address, not "empty". */
	ck_assert(f.dom->devs[1].has_host_addr);
	ck_assert_uint_eq(f.dom->devs[1].host_addr.slot, 0);
	ck_assert_int_eq(f.dom->devs[1].addr.type, PCIFIX_ADDR_PCI);
	ck_assert_uint_eq(f.dom->devs[1].addr.pci.slot, 7);
	ck_assert(!f.dom->devs[2].has_host_addr);
	ck_assert(!f.dom->devs[3].has_host_addr);
	done(&f);
	free(xml);
}
END_TEST

START_TEST(test_two_devices_elements)
{
	struct fixture f;

	build_ok(&f, "<domain type='kvm'>\n"
		     "  <devices>\n"
		     "    <disk type='file'><target dev='vda' bus='virtio'/></disk>\n"
		     "  </devices>\n"
		     "  <x:devices xmlns:x='urn:x'><interface type='user'/></x:devices>\n"
		     "  <devices>\n"
		     "    <interface type='user'/>\n"
		     "    <memballoon model='none'/>\n"
		     "  </devices>\n"
		     "</domain>\n");
	ck_assert_uint_eq(f.dom->ndevs, 3);
	ck_assert_int_eq(f.dom->devs[0].kind, PCIFIX_KIND_DISK);
	ck_assert_int_eq(f.dom->devs[1].kind, PCIFIX_KIND_INTERFACE);
	ck_assert_uint_eq(f.dom->devs[1].line, 7);
	ck_assert_int_eq(f.dom->devs[2].kind, PCIFIX_KIND_MEMBALLOON);
	ck_assert_uint_eq(f.dom->devices_node->line, 2);
	done(&f);
}
END_TEST

START_TEST(test_no_devices)
{
	struct fixture f;

	build_ok(&f, "<domain type='kvm'><name>x</name></domain>");
	ck_assert_ptr_null(f.dom->devices_node);
	ck_assert_uint_eq(f.dom->ndevs, 0);
	done(&f);
}
END_TEST

START_TEST(test_many_devices)
{
	struct pcifix_buf b;
	struct fixture f;
	char *xml;
	int i;

	pcifix_buf_init(&b);
	for (i = 0; i < 300; i++)
		pcifix_buf_printf(&b, "    <interface type='user'><mac address='52:54:00:00:%02x:%02x'/></interface>\n",
				  i / 256, i % 256);
	xml = domain_with(b.data);
	build_ok(&f, xml);
	ck_assert_uint_eq(f.dom->ndevs, 300);
	ck_assert_str_eq(f.dom->devs[299].name, "52:54:00:00:01:2b");
	ck_assert_uint_eq(f.dom->devs[299].line, 4 + 299);
	done(&f);
	free(xml);
	pcifix_buf_free(&b);
}
END_TEST

/* ---- addresses ------------------------------------------------------ */

static const struct {
	const char *attrs;
	enum pcifix_addr_type type;
	unsigned domain, bus, slot, function;
	bool empty;
	enum pcifix_tristate multi;
} addr_cases[] = {
	{ "type='pci' domain='0x0000' bus='0x01' slot='0x1f' function='0x7'", PCIFIX_ADDR_PCI,
	  0, 1, 0x1f, 7, false, PCIFIX_TRI_ABSENT },
	{ "type='pci' domain='0' bus='10' slot='31' function='7'", PCIFIX_ADDR_PCI,
	  0, 10, 31, 7, false, PCIFIX_TRI_ABSENT },
	{ "type='pci' bus='010' slot='017' function='07'", PCIFIX_ADDR_PCI,
	  0, 8, 15, 7, false, PCIFIX_TRI_ABSENT },
	{ "type='pci' bus='0XFF' slot='0X1F'", PCIFIX_ADDR_PCI, 0, 0xff, 0x1f, 0, false,
	  PCIFIX_TRI_ABSENT },
	{ "type='pci' slot=' 5'", PCIFIX_ADDR_PCI, 0, 0, 5, 0, false, PCIFIX_TRI_ABSENT },
	{ "type='pci' domain='0xffff' bus='0' slot='0'", PCIFIX_ADDR_PCI, 0xffff, 0, 0, 0, false,
	  PCIFIX_TRI_ABSENT },
	{ "type='pci' domain='1'", PCIFIX_ADDR_PCI, 1, 0, 0, 0, false, PCIFIX_TRI_ABSENT },
	{ "type='pci' bus='1'", PCIFIX_ADDR_PCI, 0, 1, 0, 0, false, PCIFIX_TRI_ABSENT },
	/* "Empty": domain, bus and slot all 0 asks for assignment, whatever the function. */
	{ "type='pci'", PCIFIX_ADDR_PCI, 0, 0, 0, 0, true, PCIFIX_TRI_ABSENT },
	{ "type='pci' domain='0x0000' bus='0x00' slot='0x00' function='0x0'", PCIFIX_ADDR_PCI,
	  0, 0, 0, 0, true, PCIFIX_TRI_ABSENT },
	{ "type='pci' function='3'", PCIFIX_ADDR_PCI, 0, 0, 0, 3, true, PCIFIX_TRI_ABSENT },
	{ "type='pci' slot='0' function='8'", PCIFIX_ADDR_PCI, 0, 0, 0, 8, true,
	  PCIFIX_TRI_ABSENT },
	{ "type='pci' multifunction='on'", PCIFIX_ADDR_PCI, 0, 0, 0, 0, true, PCIFIX_TRI_ON },
	{ "type='pci' slot='0x03' multifunction='on'", PCIFIX_ADDR_PCI, 0, 0, 3, 0, false,
	  PCIFIX_TRI_ON },
	{ "type='pci' slot='0x03' function='0x1' multifunction='off'", PCIFIX_ADDR_PCI,
	  0, 0, 3, 1, false, PCIFIX_TRI_OFF },
	{ "type='unassigned'", PCIFIX_ADDR_UNASSIGNED, 0, 0, 0, 0, false, PCIFIX_TRI_ABSENT },
	{ "type='none'", PCIFIX_ADDR_NONE, 0, 0, 0, 0, false, PCIFIX_TRI_ABSENT },
	{ "type='drive' controller='0' bus='0' target='0' unit='1'", PCIFIX_ADDR_DRIVE,
	  0, 0, 0, 0, false, PCIFIX_TRI_ABSENT },
	{ "type='usb' bus='0' port='1.2'", PCIFIX_ADDR_USB, 0, 0, 0, 0, false, PCIFIX_TRI_ABSENT },
	{ "type='virtio-serial' controller='0' bus='0' port='1'", PCIFIX_ADDR_VIRTIO_SERIAL,
	  0, 0, 0, 0, false, PCIFIX_TRI_ABSENT },
	{ "type='ccid' controller='0' slot='0'", PCIFIX_ADDR_CCID, 0, 0, 0, 0, false,
	  PCIFIX_TRI_ABSENT },
	{ "type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'", PCIFIX_ADDR_CCW, 0, 0, 0, 0, false,
	  PCIFIX_TRI_ABSENT },
	{ "type='spapr-vio' reg='0x00003000'", PCIFIX_ADDR_SPAPR_VIO, 0, 0, 0, 0, false,
	  PCIFIX_TRI_ABSENT },
	{ "type='virtio-mmio'", PCIFIX_ADDR_VIRTIO_MMIO, 0, 0, 0, 0, false, PCIFIX_TRI_ABSENT },
	{ "type='isa' iobase='0x505'", PCIFIX_ADDR_ISA, 0, 0, 0, 0, false, PCIFIX_TRI_ABSENT },
	{ "type='dimm' slot='0'", PCIFIX_ADDR_DIMM, 0, 0, 0, 0, false, PCIFIX_TRI_ABSENT },
	/* Non-PCI types are not read as numbers, whatever they hold. */
	{ "type='drive' bus='zz' slot='0x999'", PCIFIX_ADDR_DRIVE, 0, 0, 0, 0, false,
	  PCIFIX_TRI_ABSENT },
	{ "type='frob' slot='zz'", PCIFIX_ADDR_OTHER, 0, 0, 0, 0, false, PCIFIX_TRI_ABSENT },
	{ "type='PCI'", PCIFIX_ADDR_OTHER, 0, 0, 0, 0, false, PCIFIX_TRI_ABSENT },
};

START_TEST(test_address)
{
	struct fixture f;
	char *dev = pcifix_xasprintf("    <disk type='file'>\n"
				     "      <target dev='vda' bus='virtio'/>\n"
				     "      <address %s/>\n"
				     "    </disk>", addr_cases[_i].attrs);
	char *xml = domain_with(dev);
	const struct pcifix_address *a;
	char *want_type;

	build_ok(&f, xml);
	ck_assert_uint_eq(f.dom->ndevs, 1);
	a = &f.dom->devs[0].addr;
	ck_assert_msg(a->type == addr_cases[_i].type, "%s: type %d", addr_cases[_i].attrs, a->type);
	want_type = pcifix_xstrndup(addr_cases[_i].attrs + 6,
				    strcspn(addr_cases[_i].attrs + 6, "'"));
	ck_assert_str_eq(a->type_name, want_type);
	ck_assert_ptr_nonnull(a->node);
	ck_assert_uint_eq(a->node->line, 6);
	if (a->type == PCIFIX_ADDR_PCI) {
		ck_assert_uint_eq(a->pci.domain, addr_cases[_i].domain);
		ck_assert_uint_eq(a->pci.bus, addr_cases[_i].bus);
		ck_assert_uint_eq(a->pci.slot, addr_cases[_i].slot);
		if (!addr_cases[_i].empty)
			ck_assert_uint_eq(a->pci.function, addr_cases[_i].function);
	}
	ck_assert_msg(a->empty == addr_cases[_i].empty, "%s: empty %d", addr_cases[_i].attrs,
		      a->empty);
	ck_assert_int_eq(a->multifunction, addr_cases[_i].multi);
	done(&f);
	free(want_type);
	free(xml);
	free(dev);
}
END_TEST

/* ---- refusals ------------------------------------------------------- */

static const struct {
	const char *what;
	const char *devices;       /* starts on line 4 */
	const char *rule;
	unsigned line;
	const char *message;       /* a substring of the message, or NULL */
} bad_cases[] = {
	{ "slot not a number",
	  "    <disk type='file'>\n      <target dev='vda' bus='virtio'/>\n"
	  "      <address type='pci' domain='0x0000' bus='0x00' slot='zz' function='0x0'/>\n"
	  "    </disk>", "bad-number", 6, "slot='zz'" },
	{ "negative bus",
	  "    <interface type='user'><address type='pci' bus='-1' slot='2'/></interface>",
	  "bad-number", 4, "bus='-1'" },
	{ "trailing junk",
	  "\n\n    <interface type='user'><address type='pci' slot='0x1g'/></interface>",
	  "bad-number", 6, "slot='0x1g'" },
	{ "octal with 8", "    <video><address type='pci' slot='08'/></video>", "bad-number", 4,
	  "slot='08'" },
	{ "empty function", "    <video><address type='pci' slot='1' function=''/></video>",
	  "bad-number", 4, "function=''" },
	/* Read wide, so that a value above UINT_MAX gets the range message too. */
	{ "slot above UINT_MAX",
	  "    <video><address type='pci' slot='0x100000000'/></video>", "address-range", 4,
	  "invalid PCI address slot='0x100000000', must be <= 0x1F" },
	{ "bus 0x100",
	  "    <video>\n      <address type='pci' domain='0x0000' bus='0x100' slot='0x01' function='0x0'/>\n    </video>",
	  "address-range", 5, "invalid PCI address bus='0x100', must be <= 0xFF" },
	{ "slot 0x20",
	  "    <disk type='file'><target dev='vda' bus='virtio'/><address type='pci' domain='0x0000' bus='0x00' slot='0x20' function='0x0'/></disk>",
	  "address-range", 4, "invalid PCI address slot='0x20', must be <= 0x1F" },
	/* libvirt shows the value in hex however it was written. */
	{ "slot 32 in decimal", "    <video><address type='pci' slot='32'/></video>",
	  "address-range", 4, "invalid PCI address slot='0x20', must be <= 0x1F" },
	{ "bus 256 in decimal", "    <video><address type='pci' bus='256' slot='1'/></video>",
	  "address-range", 4, "invalid PCI address bus='0x100', must be <= 0xFF" },
	/* libvirt: "Invalid PCI address function=0x8, must be <= 7" (no quotes). */
	{ "function 8", "    <video><address type='pci' slot='1' function='8'/></video>",
	  "address-range", 4, "invalid PCI address function=0x8, must be <= 7" },
	{ "multifunction yes",
	  "    <video>\n\n      <address type='pci' slot='1' multifunction='yes'/>\n    </video>",
	  "bad-value", 6, "multifunction='yes'" },
	{ "multifunction default",
	  "    <video><address type='pci' slot='1' multifunction='default'/></video>",
	  "bad-value", 4, NULL },
	{ "controller index x", "\n    <controller type='pci' index='x' model='pci-bridge'/>",
	  "bad-number", 5, "index='x'" },
	{ "controller index negative", "    <controller type='usb' index='-1'/>", "bad-number", 4,
	  NULL },
	/* libvirt: "Invalid value for attribute 'index' in element 'controller': '0x0'". */
	{ "controller index in hex", "    <controller type='usb' index='0x0'/>", "bad-number", 4,
	  "index='0x0'" },
	{ "controller index too large",
	  "    <controller type='usb' index='4294967296'/>", "bad-number", 4, NULL },
	{ "chassis not a number",
	  "    <controller type='pci' index='1' model='pcie-root-port'>\n"
	  "      <target chassis='one' port='0x10'/>\n    </controller>",
	  "bad-number", 5, "chassis='one'" },
	{ "hotplug yes",
	  "    <controller type='pci' index='1' model='pcie-root-port'>\n"
	  "      <target chassis='1' port='0x10' hotplug='yes'/>\n    </controller>",
	  "bad-value", 5, "hotplug='yes'" },
	{ "hostdev source bus not a number",
	  "    <hostdev mode='subsystem' type='pci'>\n"
	  "      <source><address domain='0' bus='zz' slot='1' function='0'/></source>\n"
	  "    </hostdev>", "bad-number", 5, "bus='zz'" },
	{ "hostdev source slot out of range",
	  "    <hostdev mode='subsystem' type='pci'>\n"
	  "      <source><address domain='0' bus='0' slot='0x20' function='0'/></source>\n"
	  "    </hostdev>", "address-range", 5, "slot='0x20'" },
};

START_TEST(test_refused)
{
	struct fixture f;
	char *xml = domain_with(bad_cases[_i].devices);

	build(&f, xml);
	ck_assert_msg(f.dom == NULL, "%s: accepted", bad_cases[_i].what);
	ck_assert_msg(f.diags.n == 1, "%s: %zu diagnostics", bad_cases[_i].what, f.diags.n);
	ck_assert_msg(strcmp(f.diags.v[0].rule->id, bad_cases[_i].rule) == 0,
		      "%s: rule %s, want %s", bad_cases[_i].what, f.diags.v[0].rule->id,
		      bad_cases[_i].rule);
	ck_assert_msg(f.diags.v[0].line == bad_cases[_i].line, "%s: line %u, want %u",
		      bad_cases[_i].what, f.diags.v[0].line, bad_cases[_i].line);
	ck_assert_str_eq(f.diags.v[0].file, "m.xml");
	if (bad_cases[_i].message)
		ck_assert_msg(strstr(f.diags.v[0].message, bad_cases[_i].message) != NULL,
			      "%s: message \"%s\" lacks \"%s\"", bad_cases[_i].what,
			      f.diags.v[0].message, bad_cases[_i].message);
	ck_assert_int_eq(pcifix_diags_status(&f.diags), PCIFIX_EXIT_INPUT);
	done(&f);
	free(xml);
}
END_TEST

START_TEST(test_every_error_reported)
{
	struct fixture f;
	char *xml = domain_with(
		"    <disk type='file'><address type='pci' bus='x' slot='y' function='0'/></disk>\n"
		"    <interface type='user'><address type='pci' slot='0x20'/></interface>\n"
		"    <video><address type='pci' slot='1' multifunction='yes'/></video>");
	size_t i;
	static const struct {
		const char *rule;
		unsigned line;
	} want[] = {
		{ "bad-number", 4 }, { "bad-number", 4 }, { "address-range", 5 }, { "bad-value", 6 },
	};

	build(&f, xml);
	ck_assert_ptr_null(f.dom);
	ck_assert_uint_eq(f.diags.n, 4);
	for (i = 0; i < 4; i++) {
		ck_assert_str_eq(f.diags.v[i].rule->id, want[i].rule);
		ck_assert_uint_eq(f.diags.v[i].line, want[i].line);
	}
	done(&f);
	free(xml);
}
END_TEST

static const struct {
	const char *xml;
	unsigned line;
	const char *name;
} not_domain_cases[] = {
	{ "<network><name>default</name></network>", 1, "<network>" },
	{ "<?xml version='1.0'?>\n<!-- c -->\n<capabilities/>", 3, "<capabilities>" },
	{ "<domain xmlns='urn:not-libvirt'><devices/></domain>", 1, NULL },
	{ "<x:domain xmlns:x='urn:x'/>", 1, NULL },
	{ "<Domain/>", 1, "<Domain>" },
};

START_TEST(test_not_domain)
{
	struct fixture f;

	build(&f, not_domain_cases[_i].xml);
	ck_assert_ptr_null(f.dom);
	ck_assert_uint_eq(f.diags.n, 1);
	ck_assert_str_eq(f.diags.v[0].rule->id, "not-domain");
	ck_assert_uint_eq(f.diags.v[0].line, not_domain_cases[_i].line);
	if (not_domain_cases[_i].name)
		ck_assert_ptr_nonnull(strstr(f.diags.v[0].message, not_domain_cases[_i].name));
	done(&f);
}
END_TEST

/* ---- formatting ----------------------------------------------------- */

static const struct {
	const char *device;
	const char *want;
} describe_cases[] = {
	{ "<disk type='file'><target dev='vda' bus='virtio'/></disk>", "disk vda (virtio)" },
	{ "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>", "disk hdc (ide)" },
	{ "<disk type='file'/>", "disk ? (no bus)" },
	{ "<controller type='pci' index='1' model='pcie-root-port'/>",
	  "controller pci 1 (pcie-root-port)" },
	{ "<controller type='usb' index='0'/>", "controller usb 0" },
	{ "<interface type='network'><mac address='52:54:00:aa:bb:cc'/><model type='virtio'/></interface>",
	  "interface 52:54:00:aa:bb:cc (virtio)" },
	{ "<interface type='network'><mac address='52:54:00:aa:bb:cc'/></interface>",
	  "interface 52:54:00:aa:bb:cc" },
	{ "<interface type='user'><model type='e1000'/></interface>", "interface (e1000)" },
	{ "<interface type='user'/>", "interface user" },
	{ "<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='6' slot='0x12' function='5'/></source></hostdev>",
	  "hostdev pci host=0000:06:12.5" },
	{ "<hostdev mode='subsystem' type='usb'/>", "hostdev usb" },
	{ "<memballoon model='virtio'/>", "memballoon (virtio)" },
	{ "<video><model type='qxl'/></video>", "video (qxl)" },
	{ "<graphics type='vnc'/>", "graphics vnc" },
	{ "<shmem name='ivshmem0'><model type='ivshmem-plain'/></shmem>",
	  "shmem ivshmem0 (ivshmem-plain)" },
	{ "<filesystem type='mount'><target dir='share'/></filesystem>", "filesystem share" },
	{ "<nvram/>", "nvram" },
};

START_TEST(test_describe)
{
	struct fixture f;
	char *xml = domain_with(describe_cases[_i].device);
	char *s;

	build_ok(&f, xml);
	ck_assert_uint_eq(f.dom->ndevs, 1);
	s = pcifix_device_describe(&f.dom->devs[0]);
	ck_assert_str_eq(s, describe_cases[_i].want);
	free(s);
	done(&f);
	free(xml);
}
END_TEST

START_TEST(test_describe_other)
{
	struct pcifix_device d;
	char *s;

	memset(&d, 0, sizeof(d));
	d.kind = PCIFIX_KIND_OTHER;
	s = pcifix_device_describe(&d);
	ck_assert_str_eq(s, "device");
	free(s);
	d.name = "n";
	d.model = "m";
	s = pcifix_device_describe(&d);
	ck_assert_str_eq(s, "device n (m)");
	free(s);
}
END_TEST

START_TEST(test_pci_addr_fmt)
{
	static const struct {
		struct pcifix_pci_addr a;
		const char *want;
	} cases[] = {
		{ { 0, 0, 2, 0 }, "0000:00:02.0" },
		{ { 0, 1, 0x1f, 7 }, "0000:01:1f.7" },
		{ { 0xffff, 0xff, 0x1f, 7 }, "ffff:ff:1f.7" },
		{ { 1, 2, 3, 4 }, "0001:02:03.4" },
		{ { 0x10000, 0x100, 0x20, 8 }, "10000:100:20.8" },
	};
	char buf[32];
	char small[8];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		ck_assert_ptr_eq(pcifix_pci_addr_fmt(&cases[i].a, buf, sizeof(buf)), buf);
		ck_assert_str_eq(buf, cases[i].want);
	}
	/* Never writes past the buffer, always terminates it. */
	memset(small, 'x', sizeof(small));
	pcifix_pci_addr_fmt(&cases[0].a, small, sizeof(small));
	ck_assert_str_eq(small, "0000:00");
}
END_TEST

/* What the assigners read from the model instead of the XML nodes. */
START_TEST(test_assigner_facts)
{
	struct fixture f;
	char *xml = pcifix_xasprintf(
		"<domain type='kvm'>\n"
		"  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
		"  <cpu><numa><cell id='0'/><cell/><cell id='7'/></numa></cpu>\n"
		"  <devices>\n"
		"    <controller type='usb' index='0' model='ich9-uhci1'><master startport='0'/></controller>\n"
		"    <video><model type='qxl' primary='yes'/></video>\n"
		"    <disk type='file'><target dev='sda' bus='sata'/><boot order='1'/>\n"
		"      <address type='drive' controller='3' bus='0' unit='0'/></disk>\n"
		"    <channel type='pty'><target type='virtio'/><address type='virtio-serial' controller='x'/></channel>\n"
		"    <controller type='pci' index='1' model='pcie-root-port'><target><node>7</node></target></controller>\n"
		"    <interface type='user'><address type='pci' domain='0x0001'/></interface>\n"
		"    <video><model type='vga'/></video>\n"
		"  </devices>\n"
		"</domain>\n");

	build_ok(&f, xml);
	ck_assert_uint_eq(f.dom->ndevs, 7);
	ck_assert(f.dom->devs[0].usb_master);
	ck_assert(f.dom->devs[1].primary);
	ck_assert(!f.dom->devs[6].primary);
	ck_assert(f.dom->devs[2].boot_first);
	ck_assert(!f.dom->devs[3].boot_first);
	ck_assert_int_eq(f.dom->devs[2].addr.controller, 3);
	ck_assert_uint_eq(f.dom->devs[2].addr.line, 8);
	ck_assert_int_eq(f.dom->devs[3].addr.controller, -1);
	ck_assert_int_eq(f.dom->devs[4].target.numa_node, 7);
	ck_assert_int_eq(f.dom->devs[0].target.numa_node, -1);
	ck_assert(!f.dom->devs[5].addr.has_slot);
	ck_assert_int_eq(f.dom->devs[5].addr.controller, -1);
	ck_assert_uint_eq(f.dom->devs[6].addr.line, 0);
	ck_assert_uint_eq(f.dom->n_numa_cells, 3);
	done(&f);
	free(xml);
}
END_TEST

START_TEST(test_free_null)
{
	struct fixture f;

	pcifix_domain_free(NULL);
	build_ok(&f, "<domain/>");
	ck_assert_uint_eq(f.dom->ndevs, 0);
	ck_assert_str_eq(f.dom->family, "pc");
	done(&f);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc;

	tc = tcase_create("machine");
	tcase_add_loop_test(tc, test_family, 0, N(family_cases));
	tcase_add_loop_test(tc, test_virt, 0, N(virt_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("devices");
	tcase_add_test(tc, test_kind_names);
	tcase_add_test(tc, test_devices);
	tcase_add_test(tc, test_controllers);
	tcase_add_test(tc, test_controller_numbers);
	tcase_add_test(tc, test_hostdev_host_address);
	tcase_add_test(tc, test_two_devices_elements);
	tcase_add_test(tc, test_no_devices);
	tcase_add_test(tc, test_many_devices);
	tcase_add_test(tc, test_free_null);
	tcase_add_test(tc, test_assigner_facts);
	suite_add_tcase(s, tc);

	tc = tcase_create("address");
	tcase_add_loop_test(tc, test_address, 0, N(addr_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_loop_test(tc, test_refused, 0, N(bad_cases));
	tcase_add_test(tc, test_every_error_reported);
	tcase_add_loop_test(tc, test_not_domain, 0, N(not_domain_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_describe, 0, N(describe_cases));
	tcase_add_test(tc, test_describe_other);
	tcase_add_test(tc, test_pci_addr_fmt);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(model_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
