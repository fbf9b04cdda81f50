/* augment.c - write the plan into the file: new addresses, values and devices, as edits. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

/*
 * New XML goes where a person would put it: an <address> as the last child
 * of its device, a new controller after the last <controller>, a new device
 * after the last one of its kind, or else after the element libvirt's own
 * order puts before it.  New text is written with "\n" and '\t' per level;
 * edit.c turns those into the file's own line ends and indentation.
 */

/* libvirt's order of device elements (kinds.c), used to place new ones. */
static int
rank(const struct pcifix_node *n)
{
	enum pcifix_kind k;

	if (n->in_namespace)
		return -1;
	if (strcmp(n->name, "emulator") == 0)
		return 0;
	k = pcifix_kind_from_name(n->name);
	return k == PCIFIX_KIND_OTHER ? -1 : (int)pcifix_kind_row(k)->element;
}

static int
kind_rank(enum pcifix_kind k)
{
	unsigned r = pcifix_kind_row(k)->element;

	return r ? (int)r : 1000;
}

/* `digits` hex digits of v (at least), as libvirt writes them. */
static void
hex(struct pcifix_buf *b, unsigned v, int digits)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v || n < digits);
	while (n)
		pcifix_buf_add(b, &tmp[--n], 1);
}

static void
dec(struct pcifix_buf *b, long long v)
{
	char tmp[24];
	int n = 0;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		pcifix_buf_add(b, "-", 1);
	while (n)
		pcifix_buf_add(b, &tmp[--n], 1);
}

/* s390x: <zpci uid='0x0001' fid='0x00000000'/>, as libvirt writes it. */
static void
zpci_xml(struct pcifix_buf *b, const struct pcifix_adev *a)
{
	pcifix_buf_puts(b, "<zpci uid='0x");
	hex(b, (unsigned)a->zpci_uid, 4);
	pcifix_buf_puts(b, "' fid='0x");
	hex(b, (unsigned)a->zpci_fid, 8);
	pcifix_buf_puts(b, "'/>");
}

static void
pci_addr_xml(struct pcifix_buf *b, const struct pcifix_adev *a)
{
	/* Hand-formatted: this runs once per device, printf dominated big files. */
	pcifix_buf_puts(b, "<address type='pci' domain='0x");
	hex(b, a->addr.domain, 4);
	pcifix_buf_puts(b, "' bus='0x");
	hex(b, a->addr.bus, 2);
	pcifix_buf_puts(b, "' slot='0x");
	hex(b, a->addr.slot, 2);
	pcifix_buf_puts(b, "' function='0x");
	hex(b, a->addr.function, 1);
	pcifix_buf_puts(b, "'");
	if (a->multi == PCIFIX_TRI_ON)
		pcifix_buf_puts(b, " multifunction='on'");
	else if (a->multi == PCIFIX_TRI_OFF)
		pcifix_buf_puts(b, " multifunction='off'");
	if (a->zpci_uid < 0) {
		pcifix_buf_puts(b, "/>");
		return;
	}
	pcifix_buf_puts(b, ">\n\t");
	zpci_xml(b, a);
	pcifix_buf_puts(b, "\n</address>");
}

/* The address values on an <address> element the file has, attribute by attribute. */
static void
set_pci_attrs(struct pcifix_edits *e, const struct pcifix_node *an, const struct pcifix_adev *a)
{
	const struct {
		const char *name;
		unsigned v;
		int digits;
	} f[] = {
		{ "domain", a->addr.domain, 4 }, { "bus", a->addr.bus, 2 },
		{ "slot", a->addr.slot, 2 }, { "function", a->addr.function, 1 },
	};
	struct pcifix_buf b;
	size_t i;

	pcifix_buf_init(&b);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		b.len = 0;
		pcifix_buf_puts(&b, "0x");
		hex(&b, f[i].v, f[i].digits);
		pcifix_edit_set_attr(e, an, f[i].name, b.data);
	}
	pcifix_buf_free(&b);
	if (a->multi != PCIFIX_TRI_ABSENT)
		pcifix_edit_set_attr(e, an, "multifunction", a->multi == PCIFIX_TRI_ON ? "on" : "off");
}

static void
target_xml(struct pcifix_buf *b, const struct pcifix_adev *a)
{
	const struct pcifix_pci_model *m = pcifix_pci_model_find(a->model);

	if (m == NULL)
		return;
	if (a->target_index >= 0) {
		/* A pseries PHB. */
		pcifix_buf_puts(b, "<target index='");
		dec(b, a->target_index);
		pcifix_buf_puts(b, "'/>");
		return;
	}
	switch (m->target) {
	case PCIFIX_TARGET_CHASSIS_NR:
		pcifix_buf_puts(b, "<target chassisNr='");
		dec(b, a->chassis_nr);
		pcifix_buf_puts(b, "'/>");
		break;
	case PCIFIX_TARGET_CHASSIS_PORT:
	case PCIFIX_TARGET_CHASSIS_SLOT:
		pcifix_buf_puts(b, "<target chassis='");
		dec(b, a->chassis);
		pcifix_buf_puts(b, "'");
		if (a->port >= 0) {
			/* Without a PCI address of its own, a port has no port number. */
			pcifix_buf_puts(b, " port='0x");
			hex(b, (unsigned)a->port, 1);
			pcifix_buf_puts(b, "'");
		}
		pcifix_buf_puts(b, "/>");
		break;
	case PCIFIX_TARGET_BUS_NR:
		pcifix_buf_printf(b, "<target busNr='%lld'/>", a->bus_nr);
		break;
	case PCIFIX_TARGET_NONE:
		break;
	}
}

/* The XML of a device pcifix adds. */
static char *
new_device_xml(const struct pcifix_adev *a)
{
	struct pcifix_buf b;
	bool has_addr = a->state == PCIFIX_A_PCI;

	pcifix_buf_init(&b);
	pcifix_buf_reserve(&b, 320);
	switch (a->kind) {
	case PCIFIX_KIND_CONTROLLER:
		pcifix_buf_puts(&b, "<controller type='");
		pcifix_buf_puts(&b, a->type);
		pcifix_buf_puts(&b, "' index='");
		dec(&b, a->index);
		pcifix_buf_puts(&b, "'");
		if (a->model) {
			pcifix_buf_puts(&b, " model='");
			pcifix_buf_puts(&b, a->model);
			pcifix_buf_puts(&b, "'");
		}
		if (!has_addr && a->model_name == NULL) {
			pcifix_buf_puts(&b, "/>");
			return pcifix_buf_steal(&b);
		}
		pcifix_buf_puts(&b, ">");
		if (a->model_name) {
			pcifix_buf_puts(&b, "\n\t<model name='");
			pcifix_buf_puts(&b, a->model_name);
			pcifix_buf_puts(&b, "'/>");
		}
		if (a->model_name || a->targets_added) {
			size_t before = b.len;

			pcifix_buf_puts(&b, "\n\t");
			target_xml(&b, a);
			if (b.len == before + 2)
				b.len = before;   /* no <target> for this model */
			b.data[b.len] = '\0';
		}
		break;
	case PCIFIX_KIND_MEMBALLOON:
		pcifix_buf_printf(&b, "<memballoon model='%s'>", a->model);
		break;
	case PCIFIX_KIND_VIDEO:
		/* libvirt's default video RAM: none for virtio, 16 MiB for the VGA kinds. */
		pcifix_buf_printf(&b, "<video>\n\t<model type='%s'%s heads='1' primary='yes'/>",
				  a->model, pcifix_streq(a->model, "virtio") ? "" : " vram='16384'");
		break;
	default:
		pcifix_buf_printf(&b, "<%s>", pcifix_kind_name(a->kind));
		break;
	}
	if (has_addr) {
		pcifix_buf_puts(&b, "\n\t");
		pci_addr_xml(&b, a);
	}
	pcifix_buf_printf(&b, "\n</%s>", pcifix_kind_name(a->kind));
	return pcifix_buf_steal(&b);
}

/* Element ranks run from 1 to at most the number of kinds (a loop test holds them to it). */
#define NRANKS ((size_t)PCIFIX_KIND__COUNT + 1)

/* For each rank, the last child of <devices> of that rank or below: one pass. */
static void
anchors(const struct pcifix_domain *dom, struct pcifix_node **anchor)
{
	struct pcifix_node *n, *last[NRANKS];
	size_t r;

	memset(last, 0, sizeof(last));
	if (dom->devices_node)
		for (n = dom->devices_node->first_child; n; n = n->next) {
			int k = rank(n);

			if (k >= 0 && (size_t)k < NRANKS)
				last[k] = n;
		}
	for (r = 0; r < NRANKS; r++) {
		anchor[r] = last[r];
		if (r > 0 && anchor[r - 1] &&
		    (anchor[r] == NULL || anchor[r - 1]->start > anchor[r]->start))
			anchor[r] = anchor[r - 1];
	}
}

/* Where a new element of kind `k` goes among the children of <devices>. */
static void
insert_device(struct pcifix_edits *e, const struct pcifix_domain *dom,
	      struct pcifix_node *const *anchor, enum pcifix_kind k, const char *xml,
	      struct pcifix_buf *no_devices)
{
	struct pcifix_node *devices = dom->devices_node, *after;
	int want = kind_rank(k);

	if (devices == NULL) {
		/* No <devices> at all: collect, for one new <devices> at the end. */
		pcifix_buf_puts(no_devices, "\n\t");
		for (; *xml; xml++) {
			pcifix_buf_add(no_devices, xml, 1);
			if (*xml == '\n')
				pcifix_buf_puts(no_devices, "\t");
		}
		return;
	}
	after = (size_t)want < NRANKS ? anchor[want] : anchor[NRANKS - 1];
	if (after)
		pcifix_edit_insert_after(e, after, xml);
	else if (devices->first_child)
		pcifix_edit_insert_before(e, devices->first_child, xml);
	else
		pcifix_edit_append_child(e, devices, xml);
}

/* The first child of `n` among `names` (in the order libvirt writes children). */
static struct pcifix_node *
first_of(const struct pcifix_node *n, const char *const *names)
{
	struct pcifix_node *c;
	size_t i;

	for (c = n->first_child; c; c = c->next)
		for (i = 0; names[i]; i++)
			if (!c->in_namespace && strcmp(c->name, names[i]) == 0)
				return c;
	return NULL;
}

/* Insert `xml` as a child of `n` before the first of `before`, or at the end. */
static void
insert_child(struct pcifix_edits *e, const struct pcifix_node *n, const char *const *before,
	     const char *xml)
{
	struct pcifix_node *b = first_of(n, before);

	if (b)
		pcifix_edit_insert_before(e, b, xml);
	else
		pcifix_edit_append_child(e, n, xml);
}

static size_t
augment_controller_values(const struct pcifix_adev *a, struct pcifix_edits *e)
{
	static const char *const after_model[] = { "target", "alias", "address", NULL };
	static const char *const after_target[] = { "alias", "address", NULL };
	struct pcifix_node *n = a->dev->node, *t;
	size_t changes = 0;
	char num[32];

	if (a->model_name_added && pcifix_node_child(n, "model")) {
		/* A <model/> without a name: name it, don't add a second one. */
		pcifix_edit_set_attr(e, pcifix_node_child(n, "model"), "name", a->model_name);
		changes++;
	} else if (a->model_name_added) {
		char *x = pcifix_xasprintf("<model name='%s'/>", a->model_name);

		insert_child(e, n, after_model, x);
		free(x);
		changes++;
	}
	if (!a->targets_added)
		return changes;
	t = pcifix_node_child(n, "target");
	if (t == NULL) {
		struct pcifix_buf b;

		pcifix_buf_init(&b);
		target_xml(&b, a);
		insert_child(e, n, after_target, b.data);
		pcifix_buf_free(&b);
		return changes + 1;
	}
	if (a->targets_added & PCIFIX_TGT_CHASSIS_NR) {
		snprintf(num, sizeof(num), "%lld", a->chassis_nr);
		pcifix_edit_set_attr(e, t, "chassisNr", num);
	}
	if (a->targets_added & PCIFIX_TGT_CHASSIS) {
		snprintf(num, sizeof(num), "%lld", a->chassis);
		pcifix_edit_set_attr(e, t, "chassis", num);
	}
	if (a->targets_added & PCIFIX_TGT_PORT) {
		snprintf(num, sizeof(num), "0x%llx", a->port);
		pcifix_edit_set_attr(e, t, "port", num);
	}
	if (a->targets_added & PCIFIX_TGT_INDEX) {
		snprintf(num, sizeof(num), "%lld", a->target_index);
		pcifix_edit_set_attr(e, t, "index", num);
	}
	if (a->targets_added & PCIFIX_TGT_BUS_NR) {
		snprintf(num, sizeof(num), "%lld", a->bus_nr);
		pcifix_edit_set_attr(e, t, "busNr", num);
	}
	return changes + 1;
}

/* The model libvirt fills in, where it writes one: model= or <model type=>. */
static size_t
write_model(const struct pcifix_adev *a, struct pcifix_edits *e)
{
	if (a->kind == PCIFIX_KIND_INTERFACE || a->kind == PCIFIX_KIND_VIDEO) {
		const struct pcifix_node *m = pcifix_node_child(a->dev->node, "model");
		char *x;

		if (m) {   /* <model type='default'/>, or <model heads='2'/> */
			pcifix_edit_set_attr_after(e, m, "type", a->model, NULL);
			return 1;
		}
		x = pcifix_xasprintf("<model type='%s'/>", a->model);
		pcifix_edit_append_child(e, a->dev->node, x);
		free(x);
	} else {
		pcifix_edit_set_attr_after(e, a->dev->node, "model", a->model, "index");
	}
	return 1;
}

size_t
pcifix_augment(const struct pcifix_plan *plan, struct pcifix_edits *e)
{
	const struct pcifix_domain *dom = plan->dom;
	size_t changes = 0, i, k, norder;
	enum pcifix_kind order[PCIFIX_KIND__COUNT];
	struct pcifix_node *last_ctrl = NULL;
	struct pcifix_buf no_devices;
	struct pcifix_node *anchor[NRANKS];

	if (plan->machine == NULL)
		return 0;
	pcifix_buf_init(&no_devices);
	anchors(dom, anchor);
	for (i = 0; i < dom->ndevs; i++)
		if (dom->devs[i].kind == PCIFIX_KIND_CONTROLLER)
			last_ctrl = dom->devs[i].node;

	/* Devices of the file. */
	for (i = 0; i < plan->ndevs; i++) {
		const struct pcifix_adev *a = plan->devs[i];
		struct pcifix_node *an;
		char buf[32];

		if (a->dev == NULL)
			continue;
		an = a->dev->addr.node;
		if (a->kind == PCIFIX_KIND_CONTROLLER && a->dev->index < 0 && a->index >= 0) {
			/* libvirt numbers it; writing the number keeps it stable. */
			snprintf(buf, sizeof(buf), "%lld", a->index);
			pcifix_edit_set_attr_after(e, a->dev->node, "index", buf, "type");
			changes++;
		}
		if (a->kind == PCIFIX_KIND_CONTROLLER && a->model &&
		    strcmp(a->type ? a->type : "", "pci") == 0)
			changes += augment_controller_values(a, e);
		if (a->model_default)
			changes += write_model(a, e);
		if (a->state != PCIFIX_A_PCI)
			continue;
		if (a->assigned && an && !an->self_closing) {
			/* <address type='pci'>...</address>: what is inside stays. */
			set_pci_attrs(e, an, a);
			changes++;
		} else if (a->assigned) {
			struct pcifix_buf b;

			pcifix_buf_init(&b);
			pci_addr_xml(&b, a);
			if (an)
				pcifix_edit_replace(e, an, b.data);
			else
				pcifix_edit_append_child(e, a->dev->node, b.data);
			pcifix_buf_free(&b);
			changes++;
			continue;
		} else if (a->multi_added) {
			pcifix_edit_set_attr(e, an, "multifunction", "on");
			changes++;
		}
		if (a->zpci_added && a->dev->addr.zpci == NULL) {
			struct pcifix_buf z;

			pcifix_buf_init(&z);
			zpci_xml(&z, a);
			pcifix_edit_append_child(e, an, z.data);
			pcifix_buf_free(&z);
			changes++;
		} else if (a->zpci_added) {
			struct pcifix_buf z;

			pcifix_buf_init(&z);
			if (a->zpci_added & 1) {
				pcifix_buf_puts(&z, "0x");
				hex(&z, (unsigned)a->zpci_uid, 4);
				pcifix_edit_set_attr(e, a->dev->addr.zpci, "uid", z.data);
			}
			if (a->zpci_added & 2) {
				z.len = 0;
				pcifix_buf_puts(&z, "0x");
				hex(&z, (unsigned)a->zpci_fid, 8);
				pcifix_edit_set_attr(e, a->dev->addr.zpci, "fid", z.data);
			}
			pcifix_buf_free(&z);
			changes++;
		}
		if (a->bus_moved) {
			snprintf(buf, sizeof(buf), "0x%02x", a->addr.bus);
			pcifix_edit_set_attr(e, an, "bus", buf);
			changes++;
		}
	}

	/* New controllers, in libvirt's list order, after the last controller. */
	for (i = 0; i < plan->nctrls; i++) {
		const struct pcifix_adev *a = plan->ctrls[i];
		char *x;

		if (a->dev)
			continue;
		x = new_device_xml(a);
		if (last_ctrl)
			pcifix_edit_insert_after(e, last_ctrl, x);
		else
			insert_device(e, dom, anchor, PCIFIX_KIND_CONTROLLER, x, &no_devices);
		free(x);
		changes++;
	}
	/* Other new devices, in libvirt's element order. */
	norder = pcifix_kind_order(PCIFIX_ORDER_ELEMENT, order);
	for (k = 0; k < norder; k++) {
		for (i = 0; i < plan->ndevs; i++) {
			const struct pcifix_adev *a = plan->devs[i];
			char *x;

			/* Only what takes a PCI address (s390x's ccw balloon does not). */
			if (a->dev || a->phantom || a->kind == PCIFIX_KIND_CONTROLLER ||
			    a->kind != order[k] || a->state != PCIFIX_A_PCI)
				continue;
			x = new_device_xml(a);
			insert_device(e, dom, anchor, a->kind, x, &no_devices);
			free(x);
			changes++;
		}
	}
	if (no_devices.len) {
		char *x = pcifix_xasprintf("<devices>%s\n</devices>", no_devices.data);

		pcifix_edit_append_child(e, dom->doc->root, x);
		free(x);
	}
	pcifix_buf_free(&no_devices);
	return changes;
}
