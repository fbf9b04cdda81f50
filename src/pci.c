/* pci.c - PCI controller models and the connect flags that decide which bus takes what. */
#include "config.h"

#include <string.h>

#include "pcifix.h"

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
