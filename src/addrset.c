/* addrset.c - the PCI address set: buses by index, functions in use, free-slot search, growth. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

/*
 * Searching never rescans what cannot have changed: every bus keeps the
 * lowest slot that may still be wholly free (and one for root ports, which
 * share slots), and the set keeps, per set of connect flags, the first bus
 * that may still take such a device.  Reservations only ever fill slots, so
 * these hints only move forward, and a whole pass costs linear time.
 */

void
pcifix_addrset_init(struct pcifix_addrset *s, size_t nbuses, bool dry_run)
{
	memset(s, 0, sizeof(*s));
	s->dry_run = dry_run;
	s->cap = nbuses > 8 ? nbuses : 8;
	s->buses = pcifix_xcalloc(s->cap, sizeof(*s->buses));
	s->nbuses = nbuses;
}

void
pcifix_addrset_free(struct pcifix_addrset *s)
{
	free(s->buses);
	s->buses = NULL;
	s->nbuses = s->cap = 0;
}

void
pcifix_addrset_set_model(struct pcifix_addrset *s, size_t bus,
			 const struct pcifix_pci_model *m, bool hotplug)
{
	struct pcifix_bus *b = &s->buses[bus];

	b->model = m;
	b->flags = m->bus_flags;
	if (!hotplug)
		b->flags &= ~(unsigned)PCIFIX_CF_HOTPLUG;
	b->min_slot = m->min_slot;
	b->max_slot = m->max_slot;
	b->free_hint = b->agg_hint = m->min_slot;
	if (strcmp(m->model, "pcie-root") == 0)
		s->has_pcie_root = true;
}

static struct pcifix_bus *
add_buses(struct pcifix_addrset *s, size_t n)
{
	size_t first = s->nbuses;

	if (s->nbuses + n > s->cap) {
		while (s->nbuses + n > s->cap)
			s->cap *= 2;
		s->buses = pcifix_xrealloc(s->buses, s->cap * sizeof(*s->buses));
	}
	memset(&s->buses[first], 0, n * sizeof(*s->buses));
	s->nbuses += n;
	return &s->buses[first];
}

static bool
any_bus_takes(const struct pcifix_addrset *s, unsigned flags)
{
	size_t i;

	for (i = 0; i < s->nbuses; i++)
		if (s->buses[i].flags & flags)
			return true;
	return false;
}

/*
 * Dry run only: add buses so that bus `want` exists (want == nbuses: "one
 * more, anywhere"), choosing the controller by what the device needs, as
 * libvirt does.  Returns how many buses were added, or -1.
 */
static int
grow(struct pcifix_addrset *s, unsigned *want, unsigned flags, char **err)
{
	const struct pcifix_pci_model *m;
	bool need_bridge = false;
	size_t add, i, first;

	if (*want < s->nbuses)
		return 0;
	add = *want - s->nbuses + 1;
	if (flags & PCIFIX_CF_PCI_DEVICE) {
		if (s->multiple_roots) {
			m = pcifix_pci_model_find("pci-root");
		} else {
			m = pcifix_pci_model_find("pci-bridge");
			/*
			 * A pure PCIe topology needs a root port and a
			 * pcie-to-pci-bridge first.  When only one bus was
			 * asked for, that makes two, and the device moves
			 * to the second (libvirt rewrites the bus number).
			 */
			if (!any_bus_takes(s, PCIFIX_CF_PCI_BRIDGE)) {
				need_bridge = true;
				if (add == 1) {
					add++;
					(*want)++;
				}
			}
		}
	} else if (flags & (PCIFIX_CF_PCIE_DEVICE | PCIFIX_CF_SWITCH_UP)) {
		m = pcifix_pci_model_find("pcie-root-port");
	} else {
		*err = pcifix_xasprintf("a PCI slot is needed to connect a PCI controller "
					"model='%s', but none is available, and it cannot be "
					"automatically added", pcifix_flags_describe(flags));
		return -1;
	}
	if (s->nbuses + add > 256) {
		*err = pcifix_xasprintf("no PCI slot is left and no more buses can be added: "
					"PCI controller indexes end at 255");
		return -1;
	}
	first = s->nbuses;
	add_buses(s, add);
	i = first;
	if (need_bridge) {
		/* The root port may take only the bridge, in the dry run. */
		pcifix_addrset_set_model(s, i, pcifix_pci_model_find("pcie-root-port"), true);
		s->buses[i].flags = PCIFIX_CF_PCIE_TO_PCI_BRIDGE;
		s->buses[i].added = true;
		i++;
		pcifix_addrset_set_model(s, i, pcifix_pci_model_find("pcie-to-pci-bridge"), true);
		s->buses[i].added = true;
		i++;
	}
	for (; i < s->nbuses; i++) {
		pcifix_addrset_set_model(s, i, m, true);
		s->buses[i].added = true;
	}
	return (int)add;
}

static char *
addr_str(const struct pcifix_pci_addr *a)
{
	char buf[32];

	return pcifix_xstrdup(pcifix_pci_addr_fmt(a, buf, sizeof(buf)));
}

static char *
compat_error(const struct pcifix_addrset *s, const struct pcifix_pci_addr *a, unsigned flags,
	     enum pcifix_compat c)
{
	char *as = addr_str(a), *msg;

	switch (c) {
	case PCIFIX_COMPAT_NOT_INTEGRATED:
		msg = pcifix_xasprintf("the device at PCI address %s needs to be an integrated "
				       "device (bus=0)", as);
		break;
	case PCIFIX_COMPAT_NO_AUTOASSIGN:
		msg = pcifix_xasprintf("the device at PCI address %s was auto-assigned this "
				       "address, but the PCI controller with index='%u' doesn't "
				       "allow auto-assignment", as, a->bus);
		break;
	case PCIFIX_COMPAT_NO_HOTPLUG:
		msg = pcifix_xasprintf("the device at PCI address %s requires hotplug capability, "
				       "but the PCI controller with index='%u' doesn't support "
				       "hotplug", as, a->bus);
		break;
	default:
		msg = pcifix_xasprintf("the device at PCI address %s cannot be plugged into the PCI "
				       "controller with index='%u' (%s); it requires a controller "
				       "that accepts a %s", as, a->bus,
				       s->buses[a->bus].model ? s->buses[a->bus].model->model : "?",
				       pcifix_flags_describe(flags));
		break;
	}
	free(as);
	return msg;
}

static void
take(struct pcifix_bus *b, const struct pcifix_pci_addr *a, unsigned flags)
{
	if (b->fn[a->slot] == 0 && (flags & PCIFIX_CF_AGGREGATE))
		b->aggregate |= 1u << a->slot;
	b->fn[a->slot] |= (unsigned char)(1u << a->function);
}

enum pcifix_afail
pcifix_addrset_reserve(struct pcifix_addrset *s, struct pcifix_pci_addr *a, unsigned flags,
		       bool from_config, char **err)
{
	struct pcifix_bus *b;
	enum pcifix_compat c;
	char *as;

	*err = NULL;
	if (s->segments) {
		/* Cloud Hypervisor: segments are PCI domains, each with one bus. */
		if (a->bus != 0) {
			as = addr_str(a);
			*err = pcifix_xasprintf("invalid PCI address %s: Cloud Hypervisor has "
						"only bus 0 in each PCI segment", as);
			free(as);
			return PCIFIX_AFAIL_INVALID;
		}
		if (a->domain >= s->nbuses) {
			as = addr_str(a);
			*err = pcifix_xasprintf("invalid PCI address %s: segment %u is beyond the "
						"%zu PCI segment%s configured (--pci-segments)", as,
						a->domain, s->nbuses, s->nbuses == 1 ? "" : "s");
			free(as);
			return PCIFIX_AFAIL_INVALID;
		}
		b = &s->buses[a->domain];
		if (a->slot < b->min_slot || a->slot > b->max_slot || a->function != 0) {
			as = addr_str(a);
			*err = a->function != 0 ?
			       pcifix_xasprintf("invalid PCI address %s: Cloud Hypervisor devices "
						"use function 0 only", as) :
			       pcifix_xasprintf("invalid PCI address %s: slot must be %u-%u on "
						"segment %u", as, b->min_slot, b->max_slot,
						a->domain);
			free(as);
			return PCIFIX_AFAIL_INVALID;
		}
		if (b->fn[a->slot]) {
			as = addr_str(a);
			*err = pcifix_xasprintf("attempted double use of PCI address %s", as);
			free(as);
			return PCIFIX_AFAIL_DUPLICATE;
		}
		take(b, a, flags);
		return PCIFIX_AFAIL_NONE;
	}
	if (a->domain != 0) {
		as = addr_str(a);
		*err = pcifix_xasprintf("invalid PCI address %s: only PCI domain 0 is available",
					as);
		free(as);
		return PCIFIX_AFAIL_INVALID;
	}
	if (s->dry_run && a->bus >= s->nbuses && grow(s, &a->bus, flags, err) < 0)
		return PCIFIX_AFAIL_FULL;
	if (a->bus >= s->nbuses || s->buses[a->bus].model == NULL) {
		as = addr_str(a);
		*err = pcifix_xasprintf("invalid PCI address %s: only PCI buses up to %zu are "
					"available", as, s->nbuses ? s->nbuses - 1 : 0);
		free(as);
		return PCIFIX_AFAIL_INVALID;
	}
	b = &s->buses[a->bus];
	c = pcifix_flags_compatible(b->flags, flags, from_config, a->bus == 0);
	if (c != PCIFIX_COMPAT_OK) {
		*err = compat_error(s, a, flags, c);
		return PCIFIX_AFAIL_INVALID;
	}
	if (a->slot < b->min_slot || a->slot > b->max_slot || a->function > 7) {
		as = addr_str(a);
		if (a->slot < b->min_slot)
			*err = pcifix_xasprintf("invalid PCI address %s: slot must be >= %u "
						"on %s", as, b->min_slot, b->model->model);
		else if (a->slot > b->max_slot)
			*err = pcifix_xasprintf("invalid PCI address %s: slot must be <= %u "
						"on %s", as, b->max_slot, b->model->model);
		else
			*err = pcifix_xasprintf("invalid PCI address %s: function must be <= 7",
						as);
		free(as);
		return PCIFIX_AFAIL_INVALID;
	}
	if (b->fn[a->slot] & (1u << a->function)) {
		as = addr_str(a);
		*err = pcifix_xasprintf("attempted double use of PCI address %s", as);
		free(as);
		return PCIFIX_AFAIL_DUPLICATE;
	}
	take(b, a, flags);
	return PCIFIX_AFAIL_NONE;
}

/*
 * The lowest usable slot of bus `b` for `flags`: a wholly free slot, or for
 * aggregating devices a free function of a shared slot.  Advances the hints.
 */
static bool
find_on_bus(struct pcifix_bus *b, unsigned flags, int function, unsigned *slot,
	    unsigned *fn)
{
	bool agg = (flags & PCIFIX_CF_AGGREGATE) != 0;
	unsigned s;

	while (b->free_hint <= b->max_slot && b->fn[b->free_hint] != 0)
		b->free_hint++;
	while (b->agg_hint <= b->max_slot && b->fn[b->agg_hint] != 0 &&
	       !((b->aggregate & (1u << b->agg_hint)) && b->fn[b->agg_hint] != 0xff))
		b->agg_hint++;
	s = agg ? b->agg_hint : b->free_hint;
	if (s > b->max_slot)
		return false;
	if (b->fn[s] == 0) {
		*slot = s;
		*fn = function < 0 ? 0 : (unsigned)function;
		return true;
	}
	/* An aggregate slot with a free function. */
	if (function >= 0) {
		/* A specific function of a shared slot: look further (rare). */
		for (; s <= b->max_slot; s++) {
			if (b->fn[s] == 0 || ((b->aggregate & (1u << s)) &&
					      !(b->fn[s] & (1u << function)))) {
				*slot = s;
				*fn = (unsigned)function;
				return true;
			}
		}
		return false;
	}
	for (*fn = 0; *fn < 8; (*fn)++)
		if (!(b->fn[s] & (1u << *fn)))
			break;
	*slot = s;
	return true;
}

static size_t *
cursor_for(struct pcifix_addrset *s, unsigned flags)
{
	size_t i;

	for (i = 0; i < s->ncursor; i++)
		if (s->cursor[i].flags == flags)
			return &s->cursor[i].bus;
	if (s->ncursor == sizeof(s->cursor) / sizeof(s->cursor[0]))
		return NULL;
	s->cursor[s->ncursor].flags = flags;
	s->cursor[s->ncursor].bus = 0;
	return &s->cursor[s->ncursor++].bus;
}

enum pcifix_afail
pcifix_addrset_reserve_next(struct pcifix_addrset *s, unsigned flags, int function,
			    struct pcifix_pci_addr *a, char **err)
{
	size_t *cursor = cursor_for(s, flags), i, start = cursor ? *cursor : 0;
	unsigned slot, fn;

	*err = NULL;
	if (s->nbuses == 0) {
		*err = pcifix_xstrdup("no PCI buses available");
		return PCIFIX_AFAIL_INVALID;
	}
	for (i = start; i < s->nbuses; i++) {
		struct pcifix_bus *b = &s->buses[i];

		if (b->model != NULL &&
		    pcifix_flags_compatible(b->flags, flags, false, i == 0) == PCIFIX_COMPAT_OK &&
		    find_on_bus(b, flags, function, &slot, &fn))
			goto found;
		/* This bus will never take such a device again. */
		if (cursor && *cursor == i && function < 0)
			*cursor = i + 1;
	}
	if (!s->dry_run || s->segments) {
		*err = s->segments ?
		       (s->nbuses == 1 ?
			pcifix_xstrdup("no free slot left on PCI segment 0 (more segments: "
				       "--pci-segments)") :
			pcifix_xasprintf("no free slot left on any of the %zu PCI segments "
					 "(--pci-segments)", s->nbuses)) :
		       pcifix_xasprintf("no more available PCI slots for a %s",
					pcifix_flags_describe(flags));
		return PCIFIX_AFAIL_FULL;
	}
	/* The dry run adds a bus and uses its first slot. */
	{
		unsigned want = (unsigned)s->nbuses;

		if (grow(s, &want, flags, err) < 0)
			return PCIFIX_AFAIL_FULL;
	}
	i = s->nbuses - 1;
	slot = s->buses[i].min_slot;
	fn = function < 0 ? 0 : (unsigned)function;
found:
	memset(a, 0, sizeof(*a));
	if (s->segments)
		a->domain = (unsigned)i;
	else
		a->bus = (unsigned)i;
	a->slot = slot;
	a->function = fn;
	take(&s->buses[i], a, flags);
	return PCIFIX_AFAIL_NONE;
}

bool
pcifix_addrset_slot_in_use(const struct pcifix_addrset *s, unsigned bus, unsigned slot)
{
	return bus < s->nbuses && slot < 32 && s->buses[bus].fn[slot] != 0;
}

bool
pcifix_addrset_any_empty_slot(const struct pcifix_addrset *s)
{
	size_t i;
	unsigned slot;

	for (i = 0; i < s->nbuses; i++) {
		const struct pcifix_bus *b = &s->buses[i];

		if (b->model == NULL)
			continue;
		for (slot = b->min_slot; slot <= b->max_slot; slot++)
			if (b->fn[slot] == 0)
				return true;
	}
	return false;
}
