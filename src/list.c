/* list.c - --list: the PCI topology as a tree of controllers and the devices on each bus. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

struct entry {
	const struct pcifix_device *dev;
	struct pcifix_pci_addr a;
};

struct topo {
	const struct pcifix_domain *dom;
	struct entry *e;            /* devices with a PCI address, sorted */
	size_t n;
	const struct pcifix_device **ctrl_by_index;  /* PCI controllers by index */
	size_t nctrl;
	bool *shown;                /* per bus index: already printed */
};

/* Kinds that never take a PCI address, whatever they say. */
static bool
never_pci(const struct pcifix_device *d)
{
	switch (d->kind) {
	case PCIFIX_KIND_LEASE:
	case PCIFIX_KIND_GRAPHICS:
	case PCIFIX_KIND_AUDIO:
	case PCIFIX_KIND_REDIRFILTER:
	case PCIFIX_KIND_SMARTCARD:
	case PCIFIX_KIND_PARALLEL:
	case PCIFIX_KIND_CONSOLE:
	case PCIFIX_KIND_CHANNEL:
	case PCIFIX_KIND_TPM:
	case PCIFIX_KIND_NVRAM:
	case PCIFIX_KIND_HUB:
	case PCIFIX_KIND_REDIRDEV:
		return true;
	default:
		return false;
	}
}

static bool
is_pci_controller(const struct pcifix_device *d)
{
	return d->kind == PCIFIX_KIND_CONTROLLER && d->type && strcmp(d->type, "pci") == 0;
}

static int
entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	if (a->a.domain != b->a.domain)
		return a->a.domain < b->a.domain ? -1 : 1;
	if (a->a.bus != b->a.bus)
		return a->a.bus < b->a.bus ? -1 : 1;
	if (a->a.slot != b->a.slot)
		return a->a.slot < b->a.slot ? -1 : 1;
	if (a->a.function != b->a.function)
		return a->a.function < b->a.function ? -1 : 1;
	return a->dev < b->dev ? -1 : a->dev > b->dev;
}

static void
topo_build(struct topo *t, const struct pcifix_domain *dom)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->dom = dom;
	t->e = pcifix_xcalloc(dom->ndevs, sizeof(*t->e));
	for (i = 0; i < dom->ndevs; i++) {
		const struct pcifix_device *d = &dom->devs[i];

		if (is_pci_controller(d) && d->index >= 0 && (size_t)d->index + 1 > t->nctrl)
			t->nctrl = (size_t)d->index + 1;
		if (d->addr.type == PCIFIX_ADDR_PCI && !d->addr.empty) {
			t->e[t->n].dev = d;
			t->e[t->n].a = d->addr.pci;
			t->n++;
		}
	}
	qsort(t->e, t->n, sizeof(*t->e), entry_cmp);
	t->ctrl_by_index = pcifix_xcalloc(t->nctrl, sizeof(*t->ctrl_by_index));
	t->shown = pcifix_xcalloc(t->nctrl, sizeof(*t->shown));
	for (i = 0; i < dom->ndevs; i++) {
		const struct pcifix_device *d = &dom->devs[i];

		if (is_pci_controller(d) && d->index >= 0 && !t->ctrl_by_index[d->index])
			t->ctrl_by_index[d->index] = d;
	}
}

static void
topo_free(struct topo *t)
{
	free(t->e);
	free(t->ctrl_by_index);
	free(t->shown);
}

/* First entry on `bus` (binary search over the sorted entries). */
static size_t
first_on_bus(const struct topo *t, unsigned bus)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->e[mid].a.domain == 0 && t->e[mid].a.bus < bus)
			lo = mid + 1;
		else if (t->e[mid].a.domain == 0 && t->e[mid].a.bus >= bus)
			hi = mid;
		else
			hi = mid;
	}
	return lo;
}

static void
ctrl_details(struct pcifix_buf *out, const struct pcifix_device *c)
{
	if (c->model_name)
		pcifix_buf_printf(out, " name=%s", c->model_name);
	if (c->target.chassis_nr >= 0)
		pcifix_buf_printf(out, " chassisNr=%lld", c->target.chassis_nr);
	if (c->target.chassis >= 0)
		pcifix_buf_printf(out, " chassis=%lld", c->target.chassis);
	if (c->target.port >= 0)
		pcifix_buf_printf(out, " port=0x%llx", c->target.port);
	if (c->target.bus_nr >= 0)
		pcifix_buf_printf(out, " busNr=%lld", c->target.bus_nr);
	if (c->target.index >= 0)
		pcifix_buf_printf(out, " targetIndex=%lld", c->target.index);
	if (c->target.hotplug == PCIFIX_TRI_OFF)
		pcifix_buf_puts(out, " hotplug=off");
}

static void
indent(struct pcifix_buf *out, int depth)
{
	int i;

	for (i = 0; i < depth; i++)
		pcifix_buf_puts(out, "  ");
}

static void print_bus_text(struct topo *t, unsigned bus, int depth, struct pcifix_buf *out);

static void
print_entry_text(struct topo *t, const struct entry *en, int depth, struct pcifix_buf *out)
{
	char *desc = pcifix_device_describe(en->dev);

	indent(out, depth);
	if (en->a.domain)
		pcifix_buf_printf(out, "%04x:", en->a.domain);
	pcifix_buf_printf(out, "%02x:%02x.%x  %s", en->a.bus, en->a.slot, en->a.function, desc);
	if (en->dev->addr.multifunction == PCIFIX_TRI_ON)
		pcifix_buf_puts(out, " multifunction=on");
	else if (en->dev->addr.multifunction == PCIFIX_TRI_OFF)
		pcifix_buf_puts(out, " multifunction=off");
	if (is_pci_controller(en->dev))
		ctrl_details(out, en->dev);
	pcifix_buf_printf(out, "  (line %u)\n", en->dev->line);
	free(desc);
	if (is_pci_controller(en->dev) && en->dev->index > 0 &&
	    (size_t)en->dev->index < t->nctrl && !t->shown[en->dev->index])
		print_bus_text(t, (unsigned)en->dev->index, depth + 1, out);
}

static void
print_bus_text(struct topo *t, unsigned bus, int depth, struct pcifix_buf *out)
{
	size_t i;

	if (bus < t->nctrl)
		t->shown[bus] = true;
	for (i = first_on_bus(t, bus); i < t->n && t->e[i].a.domain == 0 && t->e[i].a.bus == bus;
	     i++)
		print_entry_text(t, &t->e[i], depth, out);
}

static bool
unaddressed(const struct pcifix_device *d)
{
	if (never_pci(d))
		return false;
	if (d->kind == PCIFIX_KIND_CONTROLLER && d->type && strcmp(d->type, "pci") == 0 &&
	    d->model && (strcmp(d->model, "pci-root") == 0 || strcmp(d->model, "pcie-root") == 0))
		return false;
	return d->addr.type == PCIFIX_ADDR_ABSENT ||
	       (d->addr.type == PCIFIX_ADDR_PCI && d->addr.empty);
}

static void
list_text(struct topo *t, struct pcifix_buf *out)
{
	const struct pcifix_domain *dom = t->dom;
	size_t i;
	bool any;

	pcifix_buf_printf(out, "%s: %s %s, machine %s (%s)\n", dom->doc->file,
			  dom->virt_name ? dom->virt_name : "?", dom->arch,
			  dom->machine ? dom->machine : "default",
			  pcifix_family_name(dom->family));
	for (i = 0; i < t->nctrl; i++) {
		const struct pcifix_device *c = t->ctrl_by_index[i];

		if (c == NULL || t->shown[i])
			continue;
		/* Roots, and controllers whose own address is missing or dangling. */
		if (c->addr.type == PCIFIX_ADDR_PCI && !c->addr.empty &&
		    c->addr.pci.bus < t->nctrl && t->ctrl_by_index[c->addr.pci.bus])
			continue;
		pcifix_buf_printf(out, "bus %zu: %s index %lld", i, c->model ? c->model : "pci",
				  c->index);
		ctrl_details(out, c);
		if (c->addr.type == PCIFIX_ADDR_PCI && !c->addr.empty)
			pcifix_buf_printf(out, " at bus %u, which has no controller",
					  c->addr.pci.bus);
		pcifix_buf_printf(out, "  (line %u)\n", c->line);
		print_bus_text(t, (unsigned)i, 1, out);
	}
	/* Devices on buses no controller provides. */
	any = false;
	for (i = 0; i < t->n; i++) {
		unsigned bus = t->e[i].a.bus;

		if (t->e[i].a.domain == 0 && bus < t->nctrl && t->shown[bus])
			continue;
		if (!any)
			pcifix_buf_puts(out, "on buses without a controller:\n");
		any = true;
		print_entry_text(t, &t->e[i], 1, out);
	}
	any = false;
	for (i = 0; i < dom->ndevs; i++) {
		const struct pcifix_device *d = &dom->devs[i];
		char *desc;

		if (!unaddressed(d))
			continue;
		if (!any)
			pcifix_buf_puts(out, "without a PCI address:\n");
		any = true;
		desc = pcifix_device_describe(d);
		pcifix_buf_printf(out, "  %s  (line %u)\n", desc, d->line);
		free(desc);
	}
	any = false;
	for (i = 0; i < dom->ndevs; i++) {
		const struct pcifix_device *d = &dom->devs[i];
		char *desc;

		if (d->addr.type != PCIFIX_ADDR_UNASSIGNED && d->addr.type != PCIFIX_ADDR_NONE)
			continue;
		if (!any)
			pcifix_buf_puts(out, "unassigned (managed by libvirt, not visible to the guest):\n");
		any = true;
		desc = pcifix_device_describe(d);
		pcifix_buf_printf(out, "  %s  type=%s  (line %u)\n", desc, d->addr.type_name,
				  d->line);
		free(desc);
	}
}

static void
json_device(struct pcifix_buf *out, const struct pcifix_device *d, bool with_addr)
{
	char *desc = pcifix_device_describe(d);
	char a[32];

	pcifix_buf_puts(out, "{\"kind\":");
	pcifix_buf_json_string(out, pcifix_kind_name(d->kind));
	pcifix_buf_puts(out, ",\"description\":");
	pcifix_buf_json_string(out, desc);
	pcifix_buf_printf(out, ",\"line\":%u", d->line);
	if (with_addr) {
		pcifix_buf_puts(out, ",\"address\":");
		pcifix_buf_json_string(out, pcifix_pci_addr_fmt(&d->addr.pci, a, sizeof(a)));
		pcifix_buf_puts(out, ",\"multifunction\":");
		pcifix_buf_json_string(out, d->addr.multifunction == PCIFIX_TRI_ON ? "on" :
					    d->addr.multifunction == PCIFIX_TRI_OFF ? "off" : NULL);
	}
	if (is_pci_controller(d))
		pcifix_buf_printf(out, ",\"provides_bus\":%lld", d->index);
	if (d->addr.type == PCIFIX_ADDR_UNASSIGNED || d->addr.type == PCIFIX_ADDR_NONE) {
		pcifix_buf_puts(out, ",\"address_type\":");
		pcifix_buf_json_string(out, d->addr.type_name);
	}
	pcifix_buf_puts(out, "}");
	free(desc);
}

static void
list_json(struct topo *t, struct pcifix_buf *out)
{
	const struct pcifix_domain *dom = t->dom;
	size_t i, j;
	bool first;

	pcifix_buf_puts(out, "{\"file\":");
	pcifix_buf_json_string(out, dom->doc->file);
	pcifix_buf_puts(out, ",\"type\":");
	pcifix_buf_json_string(out, dom->virt_name);
	pcifix_buf_puts(out, ",\"arch\":");
	pcifix_buf_json_string(out, dom->arch);
	pcifix_buf_puts(out, ",\"machine\":");
	pcifix_buf_json_string(out, dom->machine);
	pcifix_buf_puts(out, ",\"family\":");
	pcifix_buf_json_string(out, pcifix_family_name(dom->family));
	pcifix_buf_puts(out, ",\"buses\":[");
	first = true;
	for (i = 0; i < t->nctrl; i++) {
		const struct pcifix_device *c = t->ctrl_by_index[i];
		char a[32];

		if (c == NULL)
			continue;
		pcifix_buf_printf(out, "%s{\"index\":%zu,\"model\":", first ? "" : ",", i);
		first = false;
		pcifix_buf_json_string(out, c->model);
		pcifix_buf_puts(out, ",\"model_name\":");
		pcifix_buf_json_string(out, c->model_name);
		pcifix_buf_puts(out, ",\"address\":");
		pcifix_buf_json_string(out, c->addr.type == PCIFIX_ADDR_PCI && !c->addr.empty ?
					    pcifix_pci_addr_fmt(&c->addr.pci, a, sizeof(a)) : NULL);
		pcifix_buf_printf(out, ",\"line\":%u,\"devices\":[", c->line);
		for (j = first_on_bus(t, (unsigned)i);
		     j < t->n && t->e[j].a.domain == 0 && t->e[j].a.bus == i; j++) {
			if (j != first_on_bus(t, (unsigned)i))
				pcifix_buf_puts(out, ",");
			json_device(out, t->e[j].dev, true);
		}
		pcifix_buf_puts(out, "]}");
	}
	pcifix_buf_puts(out, "],\"orphans\":[");
	first = true;
	for (i = 0; i < t->n; i++) {
		unsigned bus = t->e[i].a.bus;

		if (t->e[i].a.domain == 0 && bus < t->nctrl && t->ctrl_by_index[bus])
			continue;
		pcifix_buf_puts(out, first ? "" : ",");
		first = false;
		json_device(out, t->e[i].dev, true);
	}
	pcifix_buf_puts(out, "],\"unaddressed\":[");
	first = true;
	for (i = 0; i < dom->ndevs; i++) {
		if (!unaddressed(&dom->devs[i]))
			continue;
		pcifix_buf_puts(out, first ? "" : ",");
		first = false;
		json_device(out, &dom->devs[i], false);
	}
	pcifix_buf_puts(out, "],\"unassigned\":[");
	first = true;
	for (i = 0; i < dom->ndevs; i++) {
		const struct pcifix_device *d = &dom->devs[i];

		if (d->addr.type != PCIFIX_ADDR_UNASSIGNED && d->addr.type != PCIFIX_ADDR_NONE)
			continue;
		pcifix_buf_puts(out, first ? "" : ",");
		first = false;
		json_device(out, d, false);
	}
	pcifix_buf_puts(out, "]}\n");
}

void
pcifix_list_print(const struct pcifix_domain *dom, enum pcifix_format fmt,
		  struct pcifix_buf *out)
{
	struct topo t;

	topo_build(&t, dom);
	if (fmt == PCIFIX_FORMAT_JSON)
		list_json(&t, out);
	else
		list_text(&t, out);
	topo_free(&t);
}
