/* list.c - --list: the PCI topology after assignment, a tree of controllers and what sits on each bus. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define MAX_BUSES 256   /* PCI controller indexes go up to 255 */

struct entry {
	const struct pcifix_adev *a;
	struct pcifix_pci_addr addr;
};

struct topo {
	const struct pcifix_plan *plan;
	struct entry *e;            /* everything with a PCI address, sorted by address */
	size_t n;
	const struct pcifix_adev *ctrl[MAX_BUSES];   /* PCI controllers by index */
	bool shown[MAX_BUSES];
};

static bool
is_pci_controller(const struct pcifix_adev *a)
{
	return a->kind == PCIFIX_KIND_CONTROLLER && a->type && strcmp(a->type, "pci") == 0;
}

static int
entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	return pcifix_pci_addr_cmp(&a->addr, &b->addr);
}

static void
topo_build(struct topo *t, const struct pcifix_plan *plan)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->plan = plan;
	t->e = pcifix_xcalloc(plan->ndevs, sizeof(*t->e));
	for (i = 0; i < plan->ndevs; i++) {
		const struct pcifix_adev *a = plan->devs[i];

		if (is_pci_controller(a) && a->index >= 0 && a->index < MAX_BUSES &&
		    t->ctrl[a->index] == NULL)
			t->ctrl[a->index] = a;
		if (a->state == PCIFIX_A_PCI) {
			t->e[t->n].a = a;
			t->e[t->n].addr = a->addr;
			t->n++;
		}
	}
	/* Stable enough: equal addresses are duplicates, reported elsewhere. */
	qsort(t->e, t->n, sizeof(*t->e), entry_cmp);
}

/* What the device is, for a person. */
static char *
describe(const struct pcifix_adev *a)
{
	if (a->dev && a->kind != PCIFIX_KIND_CONTROLLER)
		return pcifix_device_describe(a->dev);
	if (a->kind == PCIFIX_KIND_CONTROLLER)
		return a->model ? pcifix_xasprintf("controller %s %lld (%s)", a->type, a->index,
						   a->model) :
				  pcifix_xasprintf("controller %s %lld", a->type, a->index);
	return a->model ? pcifix_xasprintf("%s (%s)", pcifix_kind_name(a->kind), a->model) :
			  pcifix_xstrdup(pcifix_kind_name(a->kind));
}

static const char *
origin(const struct pcifix_adev *a)
{
	if (a->phantom)
		return "reserved for Cloud Hypervisor's default virtio-console";
	if (a->dev == NULL)
		return "added";
	if (a->assigned)
		return "assigned";
	return NULL;
}

static void
ctrl_details(struct pcifix_buf *out, const struct pcifix_adev *c)
{
	if (c->model_name)
		pcifix_buf_printf(out, " name=%s", c->model_name);
	if (c->chassis_nr >= 0)
		pcifix_buf_printf(out, " chassisNr=%lld", c->chassis_nr);
	if (c->chassis >= 0)
		pcifix_buf_printf(out, " chassis=%lld", c->chassis);
	if (c->port >= 0)
		pcifix_buf_printf(out, " port=0x%llx", c->port);
	if (c->bus_nr >= 0)
		pcifix_buf_printf(out, " busNr=%lld", c->bus_nr);
	if (c->target_index >= 0)
		pcifix_buf_printf(out, " targetIndex=%lld", c->target_index);
	if (!c->hotplug)
		pcifix_buf_puts(out, " hotplug=off");
}

static void
line_tail(struct pcifix_buf *out, const struct pcifix_adev *a)
{
	const char *o = origin(a);

	if (a->dev)
		pcifix_buf_printf(out, "  (line %u%s%s)\n", a->dev->line, o ? ", " : "", o ? o : "");
	else
		pcifix_buf_printf(out, "  (%s)\n", o);
}

static void
indent(struct pcifix_buf *out, int depth)
{
	int i;

	for (i = 0; i < depth; i++)
		pcifix_buf_puts(out, "  ");
}

/* First entry on `bus` of domain 0 (binary search over the sorted entries). */
static size_t
first_on_bus(const struct topo *t, unsigned bus)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->e[mid].addr.domain == 0 && t->e[mid].addr.bus < bus)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void print_bus_text(struct topo *t, unsigned bus, int depth, struct pcifix_buf *out);

static void
print_entry_text(struct topo *t, const struct entry *en, int depth, struct pcifix_buf *out)
{
	const struct pcifix_adev *a = en->a;
	char *desc = describe(a);

	indent(out, depth);
	if (en->addr.domain)
		pcifix_buf_printf(out, "%04x:", en->addr.domain);
	pcifix_buf_printf(out, "%02x:%02x.%x  %s", en->addr.bus, en->addr.slot, en->addr.function,
			  desc);
	if (a->multi == PCIFIX_TRI_ON)
		pcifix_buf_puts(out, " multifunction=on");
	else if (a->multi == PCIFIX_TRI_OFF)
		pcifix_buf_puts(out, " multifunction=off");
	if (is_pci_controller(a))
		ctrl_details(out, a);
	line_tail(out, a);
	free(desc);
	if (is_pci_controller(a) && a->index > 0 && a->index < MAX_BUSES && !t->shown[a->index] &&
	    t->ctrl[a->index] == a)
		print_bus_text(t, (unsigned)a->index, depth + 1, out);
}

static void
print_bus_text(struct topo *t, unsigned bus, int depth, struct pcifix_buf *out)
{
	size_t i;

	t->shown[bus] = true;
	for (i = first_on_bus(t, bus);
	     i < t->n && t->e[i].addr.domain == 0 && t->e[i].addr.bus == bus; i++)
		print_entry_text(t, &t->e[i], depth, out);
}

/* Takes a PCI address but has none (only where pcifix does not assign). */
static bool
unaddressed(const struct pcifix_adev *a)
{
	return a->state == PCIFIX_A_WANTED && a->flags != 0;
}

static bool
unassigned(const struct pcifix_adev *a)
{
	return a->dev && (a->dev->addr.type == PCIFIX_ADDR_UNASSIGNED ||
			  a->dev->addr.type == PCIFIX_ADDR_NONE);
}

static void
list_text(struct topo *t, struct pcifix_buf *out)
{
	const struct pcifix_plan *plan = t->plan;
	const struct pcifix_domain *dom = plan->dom;
	size_t i;
	bool any, segments = plan->machine && plan->machine->segments;

	pcifix_buf_printf(out, "%s: %s %s, machine %s (%s)\n", dom->doc->file,
			  dom->virt_name ? dom->virt_name : "?", dom->arch,
			  dom->machine ? dom->machine : "default",
			  dom->family);
	if (segments) {
		/* Cloud Hypervisor: one flat bus per PCI segment. */
		for (i = 0; i < t->n; i++) {
			if (i == 0 || t->e[i].addr.domain != t->e[i - 1].addr.domain)
				pcifix_buf_printf(out, "segment %u:\n", t->e[i].addr.domain);
			print_entry_text(t, &t->e[i], 1, out);
		}
		for (i = 0; i < MAX_BUSES; i++)
			t->shown[i] = true;
		for (i = 0; i < t->n; i++)
			t->e[i].addr.bus = 0;
	}
	for (i = 0; i < MAX_BUSES && !segments; i++) {
		const struct pcifix_adev *c = t->ctrl[i];

		if (c == NULL || t->shown[i])
			continue;
		/* Roots, and controllers whose own address is missing or dangling. */
		if (c->state == PCIFIX_A_PCI && c->addr.domain == 0 && c->addr.bus < MAX_BUSES &&
		    t->ctrl[c->addr.bus] && c->addr.bus != i)
			continue;
		pcifix_buf_printf(out, "bus %zu: %s", i, c->model ? c->model : "pci");
		ctrl_details(out, c);
		if (c->state == PCIFIX_A_PCI)
			pcifix_buf_printf(out, " at bus %u, which has no controller", c->addr.bus);
		line_tail(out, c);
		print_bus_text(t, (unsigned)i, 1, out);
	}
	any = false;
	for (i = 0; i < t->n && !segments; i++) {
		unsigned bus = t->e[i].addr.bus;

		if (t->e[i].addr.domain == 0 && bus < MAX_BUSES && t->shown[bus])
			continue;
		if (!any)
			pcifix_buf_puts(out, "on buses without a controller:\n");
		any = true;
		print_entry_text(t, &t->e[i], 1, out);
	}
	any = false;
	for (i = 0; i < plan->ndevs; i++) {
		const struct pcifix_adev *a = plan->devs[i];
		char *desc;

		if (!unaddressed(a))
			continue;
		if (!any)
			pcifix_buf_puts(out, "without a PCI address:\n");
		any = true;
		desc = describe(a);
		pcifix_buf_printf(out, "  %s", desc);
		line_tail(out, a);
		free(desc);
	}
	any = false;
	for (i = 0; i < plan->ndevs; i++) {
		const struct pcifix_adev *a = plan->devs[i];
		char *desc;

		if (!unassigned(a))
			continue;
		if (!any)
			pcifix_buf_puts(out, "unassigned (managed by libvirt, not visible to the guest):\n");
		any = true;
		desc = describe(a);
		pcifix_buf_printf(out, "  %s  type=%s", desc, a->dev->addr.type_name);
		line_tail(out, a);
		free(desc);
	}
}

static void
json_device(struct pcifix_buf *out, const struct pcifix_adev *a)
{
	char *desc = describe(a);
	char buf[32];

	pcifix_buf_puts(out, "{\"kind\":");
	pcifix_buf_json_string(out, pcifix_kind_name(a->kind));
	pcifix_buf_puts(out, ",\"description\":");
	pcifix_buf_json_string(out, desc);
	pcifix_buf_printf(out, ",\"line\":%u,\"origin\":", a->dev ? a->dev->line : 0);
	pcifix_buf_json_string(out, a->phantom ? "reserved" : origin(a) ? origin(a) : "file");
	pcifix_buf_puts(out, ",\"address\":");
	pcifix_buf_json_string(out, a->state == PCIFIX_A_PCI ?
				    pcifix_pci_addr_fmt(&a->addr, buf, sizeof(buf)) : NULL);
	pcifix_buf_puts(out, ",\"multifunction\":");
	pcifix_buf_json_string(out, a->multi == PCIFIX_TRI_ON ? "on" :
				    a->multi == PCIFIX_TRI_OFF ? "off" : NULL);
	if (is_pci_controller(a)) {
		pcifix_buf_printf(out, ",\"provides_bus\":%lld,\"model\":", a->index);
		pcifix_buf_json_string(out, a->model);
		pcifix_buf_puts(out, ",\"model_name\":");
		pcifix_buf_json_string(out, a->model_name);
		pcifix_buf_printf(out, ",\"chassisNr\":%lld,\"chassis\":%lld,\"port\":%lld,"
				  "\"busNr\":%lld,\"targetIndex\":%lld,\"hotplug\":%s",
				  a->chassis_nr, a->chassis, a->port, a->bus_nr, a->target_index,
				  a->hotplug ? "true" : "false");
	}
	if (unassigned(a)) {
		pcifix_buf_puts(out, ",\"address_type\":");
		pcifix_buf_json_string(out, a->dev->addr.type_name);
	}
	pcifix_buf_puts(out, "}");
	free(desc);
}

static void
json_list(struct pcifix_buf *out, const char *name, const struct pcifix_plan *plan,
	  bool (*pick)(const struct pcifix_adev *))
{
	size_t i;
	bool first = true;

	pcifix_buf_printf(out, ",\"%s\":[", name);
	for (i = 0; i < plan->ndevs; i++) {
		if (!pick(plan->devs[i]))
			continue;
		pcifix_buf_puts(out, first ? "" : ",");
		first = false;
		json_device(out, plan->devs[i]);
	}
	pcifix_buf_puts(out, "]");
}

static void
list_json(struct topo *t, struct pcifix_buf *out)
{
	const struct pcifix_domain *dom = t->plan->dom;
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
	pcifix_buf_json_string(out, dom->family);
	pcifix_buf_printf(out, ",\"assigned\":%s", t->plan->machine ? "true" : "false");
	pcifix_buf_puts(out, ",\"buses\":[");
	first = true;
	for (i = 0; i < MAX_BUSES; i++) {
		const struct pcifix_adev *c = t->ctrl[i];
		size_t f;

		if (c == NULL)
			continue;
		pcifix_buf_printf(out, "%s{\"index\":%zu,\"controller\":", first ? "" : ",", i);
		first = false;
		json_device(out, c);
		pcifix_buf_puts(out, ",\"devices\":[");
		f = first_on_bus(t, (unsigned)i);
		for (j = f; j < t->n && t->e[j].addr.domain == 0 && t->e[j].addr.bus == i; j++) {
			pcifix_buf_puts(out, j == f ? "" : ",");
			json_device(out, t->e[j].a);
		}
		pcifix_buf_puts(out, "]}");
	}
	pcifix_buf_puts(out, "],\"orphans\":[");
	first = true;
	for (i = 0; i < t->n; i++) {
		unsigned bus = t->e[i].addr.bus;

		if (t->e[i].addr.domain == 0 && bus < MAX_BUSES && t->ctrl[bus])
			continue;
		pcifix_buf_puts(out, first ? "" : ",");
		first = false;
		json_device(out, t->e[i].a);
	}
	pcifix_buf_puts(out, "]");
	json_list(out, "unaddressed", t->plan, unaddressed);
	json_list(out, "unassigned", t->plan, unassigned);
	pcifix_buf_puts(out, "}\n");
}

void
pcifix_list_print(const struct pcifix_plan *plan, enum pcifix_format fmt,
		  struct pcifix_buf *out)
{
	struct topo t;

	topo_build(&t, plan);
	if (fmt == PCIFIX_FORMAT_JSON)
		list_json(&t, out);
	else
		list_text(&t, out);
	free(t.e);
}
