/* pci.c - PCI controller models and the connect flags that decide which bus takes what. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "engine.h"

/*
 * What each PCI controller model offers downstream (its bus) and needs
 * upstream (the slot it plugs into), as libvirt's QEMU driver models them.
 */
static const struct pcifix_pci_model pci_models[] = {
	{ .model = "pci-root", .is_root = true,
	  .bus_flags = PCIFIX_CF_AUTOASSIGN | PCIFIX_CF_HOTPLUG | PCIFIX_CF_PCI_DEVICE |
		       PCIFIX_CF_PCI_BRIDGE | PCIFIX_CF_PCI_EXPANDER,
	  .min_slot = 1, .max_slot = 31, .upstream = 0, .target = PCIFIX_TARGET_NONE },
	{ .model = "pcie-root", .is_root = true,
	  .bus_flags = PCIFIX_CF_PCIE_DEVICE | PCIFIX_CF_ROOT_PORT | PCIFIX_CF_DMI_BRIDGE |
		       PCIFIX_CF_PCIE_EXPANDER,
	  .min_slot = 1, .max_slot = 31, .upstream = 0, .target = PCIFIX_TARGET_NONE },
	{ .model = "pci-bridge", .model_name = "pci-bridge",
	  .bus_flags = PCIFIX_CF_AUTOASSIGN | PCIFIX_CF_HOTPLUG | PCIFIX_CF_PCI_DEVICE |
		       PCIFIX_CF_PCI_BRIDGE,
	  .min_slot = 1, .max_slot = 31, .upstream = PCIFIX_CF_PCI_BRIDGE,
	  .target = PCIFIX_TARGET_CHASSIS_NR },
	{ .model = "dmi-to-pci-bridge", .model_name = "i82801b11-bridge",
	  .bus_flags = PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_PCI_BRIDGE,
	  .min_slot = 0, .max_slot = 31, .upstream = PCIFIX_CF_DMI_BRIDGE,
	  .target = PCIFIX_TARGET_NONE },
	{ .model = "pcie-root-port", .model_name = "pcie-root-port", .alt_name = "ioh3420",
	  .bus_flags = PCIFIX_CF_AUTOASSIGN | PCIFIX_CF_HOTPLUG | PCIFIX_CF_PCIE_DEVICE |
		       PCIFIX_CF_SWITCH_UP | PCIFIX_CF_PCIE_TO_PCI_BRIDGE,
	  .min_slot = 0, .max_slot = 0, .upstream = PCIFIX_CF_ROOT_PORT | PCIFIX_CF_AGGREGATE,
	  .target = PCIFIX_TARGET_CHASSIS_PORT },
	{ .model = "pcie-switch-upstream-port", .model_name = "x3130-upstream",
	  .bus_flags = PCIFIX_CF_SWITCH_DOWN,
	  .min_slot = 0, .max_slot = 31, .upstream = PCIFIX_CF_SWITCH_UP,
	  .target = PCIFIX_TARGET_NONE },
	{ .model = "pcie-switch-downstream-port", .model_name = "xio3130-downstream",
	  .bus_flags = PCIFIX_CF_AUTOASSIGN | PCIFIX_CF_HOTPLUG | PCIFIX_CF_PCIE_DEVICE |
		       PCIFIX_CF_SWITCH_UP | PCIFIX_CF_PCIE_TO_PCI_BRIDGE,
	  .min_slot = 0, .max_slot = 0, .upstream = PCIFIX_CF_SWITCH_DOWN,
	  .target = PCIFIX_TARGET_CHASSIS_SLOT },
	{ .model = "pci-expander-bus", .model_name = "pxb",
	  .bus_flags = PCIFIX_CF_AUTOASSIGN | PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_PCI_BRIDGE,
	  .min_slot = 0, .max_slot = 31, .upstream = PCIFIX_CF_PCI_EXPANDER,
	  .target = PCIFIX_TARGET_BUS_NR },
	{ .model = "pcie-expander-bus", .model_name = "pxb-pcie",
	  .bus_flags = PCIFIX_CF_ROOT_PORT | PCIFIX_CF_DMI_BRIDGE,
	  .min_slot = 0, .max_slot = 31, .upstream = PCIFIX_CF_PCIE_EXPANDER,
	  .target = PCIFIX_TARGET_BUS_NR },
	{ .model = "pcie-to-pci-bridge", .model_name = "pcie-pci-bridge",
	  .bus_flags = PCIFIX_CF_AUTOASSIGN | PCIFIX_CF_HOTPLUG | PCIFIX_CF_PCI_DEVICE |
		       PCIFIX_CF_PCI_BRIDGE,
	  .min_slot = 1, .max_slot = 31, .upstream = PCIFIX_CF_PCIE_TO_PCI_BRIDGE,
	  .target = PCIFIX_TARGET_NONE },
};

const struct pcifix_pci_model *
pcifix_pci_model_find(const char *model)
{
	size_t i;

	if (model == NULL)
		return NULL;
	for (i = 0; i < sizeof(pci_models) / sizeof(pci_models[0]); i++)
		if (strcmp(pci_models[i].model, model) == 0)
			return &pci_models[i];
	return NULL;
}

/* In the order libvirt names the requirement in its messages. */
static const struct {
	unsigned flag;
	const char *what;
} flag_names[] = {
	{ PCIFIX_CF_PCI_DEVICE, "standard PCI device" },
	{ PCIFIX_CF_PCIE_DEVICE, "PCI Express device" },
	{ PCIFIX_CF_ROOT_PORT, "pcie-root-port" },
	{ PCIFIX_CF_SWITCH_UP, "pcie-switch-upstream-port" },
	{ PCIFIX_CF_SWITCH_DOWN, "pcie-switch-downstream-port" },
	{ PCIFIX_CF_DMI_BRIDGE, "dmi-to-pci-bridge" },
	{ PCIFIX_CF_PCIE_TO_PCI_BRIDGE, "pcie-to-pci-bridge" },
	{ PCIFIX_CF_PCI_EXPANDER, "pci-expander-bus" },
	{ PCIFIX_CF_PCIE_EXPANDER, "pcie-expander-bus" },
	{ PCIFIX_CF_PCI_BRIDGE, "pci-bridge" },
};

const char *
pcifix_flags_describe(unsigned flags)
{
	size_t i;

	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (flags & flag_names[i].flag)
			return flag_names[i].what;
	return "PCI device";
}

enum pcifix_compat
pcifix_flags_compatible(unsigned bus, unsigned dev, bool from_config, bool on_bus0)
{
	if (dev & PCIFIX_CF_INTEGRATED) {
		if (!on_bus0)
			return PCIFIX_COMPAT_NOT_INTEGRATED;
		bus |= PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_PCIE_DEVICE | PCIFIX_CF_AUTOASSIGN;
	}
	if (from_config) {
		/* A user may put any endpoint on any bus that takes endpoints,
		 * and a pci-bridge wherever a PCI endpoint fits. */
		if (bus & PCIFIX_CF_ENDPOINTS)
			bus |= PCIFIX_CF_ENDPOINTS;
		if (bus & PCIFIX_CF_PCI_DEVICE)
			bus |= PCIFIX_CF_PCI_BRIDGE;
		dev &= ~(unsigned)PCIFIX_CF_HOTPLUG;
	} else if ((dev & PCIFIX_CF_AUTOASSIGN) && !(bus & PCIFIX_CF_AUTOASSIGN)) {
		return PCIFIX_COMPAT_NO_AUTOASSIGN;
	}
	if ((dev & PCIFIX_CF_HOTPLUG) && !(bus & PCIFIX_CF_HOTPLUG))
		return PCIFIX_COMPAT_NO_HOTPLUG;
	if (!(dev & bus & PCIFIX_CF_TYPES))
		return PCIFIX_COMPAT_TYPE;
	return PCIFIX_COMPAT_OK;
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
	/* The other models libvirt 9.0 names are conventional PCI... */
	{ PCIFIX_KIND_INTERFACE, "rtl8139", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "e1000", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "netfront", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "vlance", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "vmxnet", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "vmxnet2", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "vmxnet3", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "Am79C970A", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "Am79C973", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "82540EM", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "82545EM", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "82543GC", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "lan9118", F_PCI, 0 },
	{ PCIFIX_KIND_INTERFACE, "scm91c111", F_PCI, 0 },   /* libvirt's spelling */
	/* ... and one it does not name is PCI Express (pcnet, ne2k_pci, a typo). */
	{ PCIFIX_KIND_INTERFACE, NULL, F_PCIE, 0 },
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

/* A device's rule; libvirt reads a NIC model in any case ("ViRtIo" is virtio). */
static bool
rule_matches(const struct flag_rule *r, enum pcifix_kind kind, const char *model)
{
	if (r->kind != kind)
		return false;
	if (kind == PCIFIX_KIND_INTERFACE)
		return r->model == NULL || (model != NULL && strcasecmp(r->model, model) == 0);
	return model_is(r->model, model);
}

bool
pcifix_nic_model_known(const char *model)
{
	size_t i;

	for (i = 0; model && i < sizeof(flag_rules) / sizeof(flag_rules[0]); i++)
		if (flag_rules[i].kind == PCIFIX_KIND_INTERFACE && flag_rules[i].model &&
		    strcasecmp(flag_rules[i].model, model) == 0)
			return true;
	return false;
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
		if (rule_matches(&flag_rules[i], kind, model))
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
		/*
		 * PCI hostdevs and vfio-pci mediated devices (vfio-ccw ones
		 * take a ccw address, vfio-ap ones none); offline, a host
		 * device counts as PCIe.
		 */
		if (type && (strcmp(type, "pci") == 0 ||
			     (strcmp(type, "mdev") == 0 && model && strcmp(model, "vfio-pci") == 0)))
			return pcie;
		if (type && strcmp(type, "scsi_host") == 0)
			return model && strcmp(model, "virtio-transitional") == 0 ? pci : virtio;
		return 0;
	default:
		break;
	}
	for (i = 0; i < sizeof(flag_rules) / sizeof(flag_rules[0]); i++)
		if (rule_matches(&flag_rules[i], kind, model))
			return flag_set(flag_rules[i].set, pci, pcie, virtio) | flag_rules[i].extra;
	return 0;
}
