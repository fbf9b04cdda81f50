/* assign-chipset.c - the fixed slots of the PIIX3 and ICH9 chipsets, USB2 companion sets. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

bool
pcifix_piix3_builtin(const struct pcifix_actx *c, const struct pcifix_adev *a)
{
	if (c->t->chipset != PCIFIX_CHIPSET_PIIX3 || a->kind != PCIFIX_KIND_CONTROLLER ||
	    a->addr.domain || a->addr.bus || a->addr.slot != 1 || a->index != 0)
		return false;
	return (pcifix_streq(a->type, "ide") && a->addr.function == 1) ||
	       (pcifix_streq(a->type, "usb") && pcifix_streq(a->model, "piix3-uhci") &&
		a->addr.function == 2);
}

static int
reserve_fixed(struct pcifix_actx *c, struct pcifix_addrset *s, struct pcifix_adev *a,
	      unsigned slot, unsigned fn, bool store)
{
	struct pcifix_pci_addr addr = { 0, 0, slot, fn };
	char *err;

	if (pcifix_addrset_reserve(s, &addr, PCIFIX_CF_PCI_DEVICE, true, &err)) {
		/* A fixed chipset address: name the device that is in the way. */
		size_t i;

		for (i = 0; i < c->plan->ndevs; i++) {
			struct pcifix_adev *o = c->plan->devs[i];
			const char *chip = c->t->chipset == PCIFIX_CHIPSET_PIIX3 ? "PIIX3" : "ICH9";
			char buf[32], *owner;

			if (o == a || o->state != PCIFIX_A_PCI || o->addr.domain || o->addr.bus ||
			    o->addr.slot != slot || o->addr.function != fn)
				continue;
			if (a && a->kind == PCIFIX_KIND_CONTROLLER)
				owner = pcifix_xasprintf("the %s %s controller (index %lld)", chip,
							 a->model ? a->model : a->type, a->index);
			else if (a)
				owner = pcifix_xasprintf("the primary %s", pcifix_kind_name(a->kind));
			else
				owner = pcifix_xasprintf("the %s chipset's %s", chip,
							 fn == 0 ? "ISA/LPC bridge" :
							 fn == 3 ? "SMBus/ACPI function" : "built-in function");
			pcifix_actx_report(c, o, "pci-duplicate", pcifix_xasprintf(
				"PCI address %s belongs to %s",
				pcifix_pci_addr_fmt(&o->addr, buf, sizeof(buf)), owner));
			free(owner);
			free(err);
			return -1;
		}
		if (a) {
			pcifix_actx_report(c, a, "pci-duplicate", err);
			return -1;
		}
		free(err);
		pcifix_diag_add(c->diags, "pci-duplicate", c->file, 0,
				"attempted double use of PCI address 0000:00:%02x.%x", slot, fn);
		return -1;
	}
	if (a && store && a->state != PCIFIX_A_PCI) {
		a->state = PCIFIX_A_PCI;
		a->addr = addr;
		a->assigned = true;
	}
	return 0;
}

static int
chipset_piix3(struct pcifix_actx *c, struct pcifix_addrset *s)
{
	struct pcifix_plan *plan = c->plan;
	struct pcifix_adev *v;
	size_t i;

	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *a = plan->ctrls[i];
		unsigned fn;

		if (a->index != 0)
			continue;
		if (pcifix_streq(a->type, "ide"))
			fn = 1;
		else if (pcifix_streq(a->type, "usb") && pcifix_streq(a->model, "piix3-uhci"))
			fn = 2;
		else
			continue;
		if (a->state == PCIFIX_A_PCI && (a->addr.domain || a->addr.bus ||
						 a->addr.slot != 1 || a->addr.function != fn)) {
			pcifix_actx_report(c, a, "pci-address",
			       pcifix_xasprintf(fn == 1 ? "primary IDE controller must have PCI "
					        "address 0:0:1.1" :
					        "PIIX3 USB controller at index 0 must have PCI "
					        "address 0:0:1.2"));
			return -1;
		}
		if (reserve_fixed(c, s, a, 1, fn, true) < 0)
			return -1;
	}
	/* The ISA bridge and the ACPI/SMBus function of the PIIX3. */
	if (reserve_fixed(c, s, NULL, 1, 0, false) < 0 || reserve_fixed(c, s, NULL, 1, 3, false) < 0)
		return -1;
	v = c->ncls[PCIFIX_KIND_VIDEO] ? c->cls[PCIFIX_KIND_VIDEO][0] : NULL;
	if (v && pcifix_adev_wanted(v)) {
		if (pcifix_addrset_slot_in_use(s, 0, 2))
			return pcifix_actx_place(c, s, v, -1);
		return reserve_fixed(c, s, v, 2, 0, true);
	}
	return 0;
}

static int
chipset_ich9(struct pcifix_actx *c, struct pcifix_addrset *s)
{
	struct pcifix_plan *plan = c->plan;
	struct pcifix_adev *v;
	size_t i;

	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *a = plan->ctrls[i];

		if (pcifix_streq(a->type, "sata") && a->index == 0) {
			if (a->state == PCIFIX_A_PCI && (a->addr.domain || a->addr.bus ||
							 a->addr.slot != 0x1f || a->addr.function != 2)) {
				pcifix_actx_report(c, a, "pci-address", pcifix_xstrdup(
					"primary SATA controller must have PCI address 0:0:1f.2"));
				return -1;
			}
			if (a->state != PCIFIX_A_PCI) {
				/* Set, not reserved: collected by the real pass. */
				a->state = PCIFIX_A_PCI;
				a->addr.slot = 0x1f;
				a->addr.function = 2;
				a->assigned = true;
			}
		} else if (pcifix_streq(a->type, "usb") && pcifix_streq(a->model, "ich9-uhci1") &&
			   (a->dev == NULL || a->dev->addr.type == PCIFIX_ADDR_ABSENT) &&
			   a->state == PCIFIX_A_WANTED) {
			unsigned slot = !pcifix_addrset_slot_in_use(s, 0, 0x1d) ? 0x1d :
					!pcifix_addrset_slot_in_use(s, 0, 0x1a) ? 0x1a : 0;

			if (slot) {
				if (reserve_fixed(c, s, a, slot, 0, true) < 0)
					return -1;
				a->multi = PCIFIX_TRI_ON;
			}
		} else if (pcifix_streq(a->type, "pci") && pcifix_streq(a->model, "dmi-to-pci-bridge") &&
			   (a->dev == NULL || a->dev->addr.type == PCIFIX_ADDR_ABSENT) &&
			   a->state == PCIFIX_A_WANTED && !pcifix_addrset_slot_in_use(s, 0, 0x1e)) {
			if (reserve_fixed(c, s, a, 0x1e, 0, true) < 0)
				return -1;
		}
	}
	/* The LPC/ISA bridge and the SMBus. */
	if (reserve_fixed(c, s, NULL, 0x1f, 0, false) < 0 ||
	    reserve_fixed(c, s, NULL, 0x1f, 3, false) < 0)
		return -1;
	v = c->ncls[PCIFIX_KIND_VIDEO] ? c->cls[PCIFIX_KIND_VIDEO][0] : NULL;
	if (v && pcifix_adev_wanted(v)) {
		int r;

		if (pcifix_addrset_slot_in_use(s, 0, 1))
			r = pcifix_actx_place(c, s, v, -1);
		else
			r = reserve_fixed(c, s, v, 1, 0, true);
		if (r != 0)
			return r;
	}
	if (!pcifix_addrset_slot_in_use(s, 0, 0x1b)) {
		for (i = 0; i < c->ncls[PCIFIX_KIND_SOUND]; i++) {
			struct pcifix_adev *a = c->cls[PCIFIX_KIND_SOUND][i];

			if (pcifix_streq(a->model, "ich9") && a->state == PCIFIX_A_WANTED)
				return reserve_fixed(c, s, a, 0x1b, 0, true);
		}
	}
	return 0;
}

/* USB2 sets share one slot on fixed functions. */
int
pcifix_place_usb2(struct pcifix_actx *c, struct pcifix_addrset *s, struct pcifix_adev *a)
{
	static const struct {
		const char *model;
		unsigned fn;
	} fns[] = { { "ich9-ehci1", 7 }, { "ich9-uhci1", 0 }, { "ich9-uhci2", 1 },
		    { "ich9-uhci3", 2 } };
	struct pcifix_plan *plan = c->plan;
	unsigned fn = 0;
	size_t i;
	char *err;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (pcifix_streq(a->model, fns[i].model))
			fn = fns[i].fn;
	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *p = plan->ctrls[i];
		struct pcifix_pci_addr addr;

		if (p == a || !pcifix_adev_is_usb2(p) || p->index != a->index || p->state != PCIFIX_A_PCI)
			continue;
		addr = p->addr;
		addr.function = fn;
		if (pcifix_addrset_reserve(s, &addr, a->flags, true, &err)) {
			pcifix_actx_report(c, a, "pci-duplicate", err);
			return -1;
		}
		if (!s->dry_run) {
			a->state = PCIFIX_A_PCI;
			a->addr = addr;
			a->assigned = true;
			if (fn == 0)
				a->multi = PCIFIX_TRI_ON;
		}
		return 0;
	}
	if (pcifix_actx_place(c, s, a, (int)fn) != 0)
		return -1;
	if (!s->dry_run && fn == 0)
		a->multi = PCIFIX_TRI_ON;
	return 0;
}

int
pcifix_chipset_reserve(struct pcifix_actx *c, struct pcifix_addrset *s)
{
	switch (c->t->chipset) {
	case PCIFIX_CHIPSET_PIIX3:
		return chipset_piix3(c, s);
	case PCIFIX_CHIPSET_ICH9:
		return chipset_ich9(c, s);
	case PCIFIX_CHIPSET_NONE:
		break;
	}
	return 0;
}
