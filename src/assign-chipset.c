/* assign-chipset.c - the chipset step (chipset.c's data) and USB2 companion sets. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

static bool
pin_matches(const struct pcifix_pin *p, const struct pcifix_adev *a)
{
	return a->kind == p->kind && (p->type == NULL || pcifix_streq(a->type, p->type)) &&
	       (p->model == NULL || pcifix_streq(a->model, p->model)) &&
	       (p->index < 0 || a->index == p->index);
}

static bool
at_pin(const struct pcifix_pin *p, const struct pcifix_adev *a)
{
	return !a->addr.domain && !a->addr.bus && a->addr.slot == p->slot &&
	       a->addr.function == p->fn;
}

bool
pcifix_chipset_reserved_by_pin(const struct pcifix_actx *c, const struct pcifix_adev *a)
{
	const struct pcifix_chipset *cs = c->t->chipset;
	size_t i;

	for (i = 0; cs && i < sizeof(cs->pins) / sizeof(cs->pins[0]) && cs->pins[i].kind; i++)
		if (cs->pins[i].how == PCIFIX_PIN_REQUIRED && pin_matches(&cs->pins[i], a) &&
		    at_pin(&cs->pins[i], a))
			return true;
	return false;
}

/* What owns 00:slot.fn: a pinned device `a`, or the chipset itself. */
static char *
owner_of(const struct pcifix_actx *c, const struct pcifix_adev *a, unsigned slot, unsigned fn)
{
	const struct pcifix_chipset *cs = c->t->chipset;
	const char *what = "built-in function";
	size_t i;

	if (a && a->kind == PCIFIX_KIND_CONTROLLER)
		return pcifix_xasprintf("the %s %s controller (index %lld)", cs->name,
					a->model ? a->model : a->type, a->index);
	if (a)
		return pcifix_xasprintf("the primary %s", pcifix_kind_name(a->kind));
	for (i = 0; i < sizeof(cs->own) / sizeof(cs->own[0]) && cs->own[i].what; i++)
		if (cs->own[i].slot == slot && cs->own[i].fn == fn)
			what = cs->own[i].what;
	return pcifix_xasprintf("the %s chipset's %s", cs->name, what);
}

/* Reserve 00:slot.fn for `a` (NULL: the chipset's own); name what is in the way. */
static int
reserve_fixed(struct pcifix_actx *c, struct pcifix_addrset *s, struct pcifix_adev *a,
	      unsigned slot, unsigned fn)
{
	struct pcifix_pci_addr addr = { 0, 0, slot, fn };
	char *err;
	size_t i;

	if (pcifix_addrset_reserve(s, &addr, PCIFIX_CF_PCI_DEVICE, true, &err) == PCIFIX_AFAIL_NONE) {
		if (a && a->state != PCIFIX_A_PCI) {
			a->state = PCIFIX_A_PCI;
			a->addr = addr;
			a->assigned = true;
		}
		return 0;
	}
	for (i = 0; i < c->plan->ndevs; i++) {
		struct pcifix_adev *o = c->plan->devs[i];
		char buf[32], *owner;

		if (o == a || o->state != PCIFIX_A_PCI || o->addr.domain || o->addr.bus ||
		    o->addr.slot != slot || o->addr.function != fn)
			continue;
		owner = owner_of(c, a, slot, fn);
		pcifix_actx_report(c, o, PCIFIX_R_PCI_DUPLICATE, pcifix_xasprintf(
			"PCI address %s belongs to %s", pcifix_pci_addr_fmt(&o->addr, buf, sizeof(buf)),
			owner));
		free(owner);
		free(err);
		return -1;
	}
	if (a) {
		pcifix_actx_report(c, a, PCIFIX_R_PCI_DUPLICATE, err);
		return -1;
	}
	free(err);
	pcifix_diag_add(c->diags, PCIFIX_R_PCI_DUPLICATE, c->file, 0,
			"attempted double use of PCI address 0000:00:%02x.%x", slot, fn);
	return -1;
}

/* Step 1 for one controller and the pin it matches. */
static int
pin_controller(struct pcifix_actx *c, struct pcifix_addrset *s, const struct pcifix_pin *p,
	       struct pcifix_adev *a)
{
	bool no_address = a->dev == NULL || a->dev->addr.type == PCIFIX_ADDR_ABSENT;
	unsigned slot;

	switch (p->how) {
	case PCIFIX_PIN_REQUIRED:
	case PCIFIX_PIN_REQUIRED_SET:
		if (a->state == PCIFIX_A_PCI && !at_pin(p, a)) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_ADDRESS, pcifix_xstrdup(p->must));
			return -1;
		}
		if (p->how == PCIFIX_PIN_REQUIRED)
			return reserve_fixed(c, s, a, p->slot, p->fn);
		if (a->state != PCIFIX_A_PCI) {
			/* Set, not reserved: collected by the real pass. */
			a->state = PCIFIX_A_PCI;
			a->addr.slot = p->slot;
			a->addr.function = p->fn;
			a->assigned = true;
		}
		return 0;
	case PCIFIX_PIN_IF_NO_ADDRESS:
		if (!no_address || a->state != PCIFIX_A_WANTED)
			return 0;
		slot = !pcifix_addrset_slot_in_use(s, 0, p->slot) ? p->slot :
		       p->alt_slot && !pcifix_addrset_slot_in_use(s, 0, p->alt_slot) ? p->alt_slot : 0;
		if (slot == 0)
			return 0;
		if (reserve_fixed(c, s, a, slot, p->fn) < 0)
			return -1;
		if (p->multi)
			a->multi = PCIFIX_TRI_ON;
		return 0;
	case PCIFIX_PIN_FIRST_WANTED:
		break;
	}
	return 0;
}

/* Steps 1 and 2: pinned controllers in list order, then the chipset's own functions. */
static int
pin_controllers(struct pcifix_actx *c, struct pcifix_addrset *s)
{
	const struct pcifix_chipset *cs = c->t->chipset;
	const size_t npins = sizeof(cs->pins) / sizeof(cs->pins[0]);
	size_t i, k;

	for (i = 0; i < c->plan->nctrls; i++) {
		struct pcifix_adev *a = c->plan->ctrls[i];

		for (k = 0; k < npins && cs->pins[k].kind; k++)
			if (cs->pins[k].kind == PCIFIX_KIND_CONTROLLER && pin_matches(&cs->pins[k], a)) {
				if (pin_controller(c, s, &cs->pins[k], a) < 0)
					return -1;
				break;
			}
	}
	for (k = 0; k < sizeof(cs->own) / sizeof(cs->own[0]) && cs->own[k].what; k++)
		if (reserve_fixed(c, s, NULL, cs->own[k].slot, cs->own[k].fn) < 0)
			return -1;
	return 0;
}

/* Step 4: the first wanted device of each other pinned kind, when its slot is free. */
static int
pin_devices(struct pcifix_actx *c, struct pcifix_addrset *s)
{
	const struct pcifix_chipset *cs = c->t->chipset;
	size_t i, k;

	for (k = 0; k < sizeof(cs->pins) / sizeof(cs->pins[0]) && cs->pins[k].kind; k++) {
		const struct pcifix_pin *p = &cs->pins[k];

		if (p->how != PCIFIX_PIN_FIRST_WANTED || pcifix_addrset_slot_in_use(s, 0, p->slot))
			continue;
		for (i = 0; i < c->ncls[p->kind]; i++) {
			struct pcifix_adev *a = c->cls[p->kind][i];

			if (pin_matches(p, a) && a->state == PCIFIX_A_WANTED) {
				if (reserve_fixed(c, s, a, p->slot, p->fn) < 0)
					return -1;
				break;
			}
		}
	}
	return 0;
}

int
pcifix_chipset_reserve(struct pcifix_actx *c, struct pcifix_addrset *s)
{
	const struct pcifix_chipset *cs = c->t->chipset;
	struct pcifix_adev *v;
	int r;

	if (cs == NULL)
		return 0;
	if (pin_controllers(c, s) < 0)
		return -1;
	/* Step 3: the primary video. */
	v = c->ncls[PCIFIX_KIND_VIDEO] ? c->cls[PCIFIX_KIND_VIDEO][0] : NULL;
	if (v && pcifix_adev_wanted(v)) {
		if (pcifix_addrset_slot_in_use(s, 0, cs->video_slot))
			r = pcifix_actx_place(c, s, v, -1);
		else
			r = reserve_fixed(c, s, v, cs->video_slot, 0);
		if (r != 0)
			return r;
	}
	return pin_devices(c, s);
}

/* USB2 sets share one slot on fixed functions. */
int
pcifix_place_usb2(struct pcifix_actx *c, struct pcifix_addrset *s, struct pcifix_adev *a)
{
	struct pcifix_plan *plan = c->plan;
	int f = pcifix_usb2_function(a->model);
	unsigned fn = f < 0 ? 0 : (unsigned)f;
	size_t i;
	char *err;

	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *p = plan->ctrls[i];
		struct pcifix_pci_addr addr;

		if (p == a || !pcifix_adev_is_usb2(p) || p->index != a->index || p->state != PCIFIX_A_PCI)
			continue;
		addr = p->addr;
		addr.function = fn;
		if (pcifix_addrset_reserve(s, &addr, a->flags, true, &err)) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_DUPLICATE, err);
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
