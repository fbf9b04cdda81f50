/* chipset.c - the PIIX3 and ICH9 as data: their own functions, the devices they pin, USB2 sets. */
#include "config.h"

#include "engine.h"

/*
 * What libvirt 9.0 does for each chipset before it places anything else
 * (qemuDomainValidateDevicePCISlotsPIIX3 / ...Q35):
 *   1. each pinned controller, in controller-list order: a required one must
 *      be at its address (else libvirt's message) and gets it; an optional
 *      one gets it when it has no <address> and the slot is free;
 *   2. the chipset's own functions are reserved;
 *   3. the primary video gets video_slot when free (else the first free slot);
 *   4. the first wanted device of each other pinned kind gets its slot when
 *      free (the ICH9's sound).
 * assign-chipset.c runs it; the linter reads .own_slot (function 0 there is
 * the chipset's own, so the slot needs no device at function 0).
 */
const struct pcifix_chipset pcifix_chipset_piix3 = {
	.name = "PIIX3",
	.own_slot = 0x01,
	.own = {
		{ .slot = 0x01, .fn = 0, .what = "ISA/LPC bridge" },
		{ .slot = 0x01, .fn = 3, .what = "SMBus/ACPI function" },
	},
	.video_slot = 0x02,
	.ide = true,
	.pins = {
		{ .kind = PCIFIX_KIND_CONTROLLER, .type = "ide", .index = 0, .slot = 0x01, .fn = 1,
		  .how = PCIFIX_PIN_REQUIRED,
		  .must = "primary IDE controller must have PCI address 0:0:1.1" },
		{ .kind = PCIFIX_KIND_CONTROLLER, .type = "usb", .model = "piix3-uhci", .index = 0,
		  .slot = 0x01, .fn = 2, .how = PCIFIX_PIN_REQUIRED,
		  .must = "PIIX3 USB controller at index 0 must have PCI address 0:0:1.2" },
	},
};

const struct pcifix_chipset pcifix_chipset_ich9 = {
	.name = "ICH9",
	.own_slot = 0x1f,
	.own = {
		{ .slot = 0x1f, .fn = 0, .what = "ISA/LPC bridge" },
		{ .slot = 0x1f, .fn = 3, .what = "SMBus/ACPI function" },
	},
	.video_slot = 0x01,
	.pins = {
		/* Set, not reserved: the real pass collects it. */
		{ .kind = PCIFIX_KIND_CONTROLLER, .type = "sata", .index = 0, .slot = 0x1f, .fn = 2,
		  .how = PCIFIX_PIN_REQUIRED_SET,
		  .must = "primary SATA controller must have PCI address 0:0:1f.2" },
		{ .kind = PCIFIX_KIND_CONTROLLER, .type = "usb", .model = "ich9-uhci1", .index = -1,
		  .slot = 0x1d, .alt_slot = 0x1a, .fn = 0, .multi = true,
		  .how = PCIFIX_PIN_IF_NO_ADDRESS },
		{ .kind = PCIFIX_KIND_CONTROLLER, .type = "pci", .model = "dmi-to-pci-bridge",
		  .index = -1, .slot = 0x1e, .fn = 0, .how = PCIFIX_PIN_IF_NO_ADDRESS },
		{ .kind = PCIFIX_KIND_SOUND, .model = "ich9", .index = -1, .slot = 0x1b, .fn = 0,
		  .how = PCIFIX_PIN_FIRST_WANTED },
	},
};

/* The functions of a USB2 set (an EHCI and its UHCI companions) in their shared slot. */
static const struct {
	const char *model;
	unsigned fn;
} usb2_functions[] = {
	{ "ich9-ehci1", 7 },
	{ "ich9-uhci1", 0 },
	{ "ich9-uhci2", 1 },
	{ "ich9-uhci3", 2 },
};

int
pcifix_usb2_function(const char *model)
{
	size_t i;

	for (i = 0; i < sizeof(usb2_functions) / sizeof(usb2_functions[0]); i++)
		if (pcifix_streq(model, usb2_functions[i].model))
			return (int)usb2_functions[i].fn;
	return -1;
}
