/* model.c - build the domain model (machine, devices, addresses, controllers) from the tree. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* ---- values --------------------------------------------------------- */

struct build {
	struct pcifix_domain *dom;
	struct pcifix_diags *diags;
	const char *file;
	int errors;
};

static const char *
path_value(const struct pcifix_node *n, const char *path)
{
	const char *slash;

	if (path == NULL)
		return NULL;
	while ((slash = strchr(path, '/')) != NULL) {
		char child[64];
		size_t len = (size_t)(slash - path);

		if (len >= sizeof(child))
			return NULL;
		memcpy(child, path, len);
		child[len] = '\0';
		n = pcifix_node_child(n, child);
		if (n == NULL)
			return NULL;
		path = slash + 1;
	}
	return pcifix_node_attr(n, path + 1);
}

/*
 * Read attribute `name` of `n` as a number no larger than `max`.  Absent:
 * *out = dflt and 0.  Not a number, or too large: a bad-number diagnostic and -1.
 */
static int
number_attr_base(struct build *b, const struct pcifix_node *n, const char *name,
		 unsigned base, unsigned long long max, long long dflt, long long *out)
{
	const char *v = pcifix_node_attr(n, name);
	unsigned long long u;

	*out = dflt;
	if (v == NULL)
		return 0;
	if (pcifix_parse_uint_base(v, base, max, &u) < 0) {
		pcifix_diag_add(b->diags, PCIFIX_R_BAD_NUMBER, b->file, n->line,
				"%s='%s' in <%s> is not %s", name, v, n->name,
				pcifix_parse_uint_base(v, base, ULLONG_MAX, &u) == 0 ?
				"in the range libvirt accepts" :
				base == 10 ? "a non-negative decimal number" :
				"a number (decimal, 0x hex or 0 octal)");
		b->errors++;
		return -1;
	}
	*out = (long long)u;
	return 0;
}

static int
number_attr(struct build *b, const struct pcifix_node *n, const char *name,
	    unsigned long long max, long long dflt, long long *out)
{
	return number_attr_base(b, n, name, 0, max, dflt, out);
}

static int
tristate_attr(struct build *b, const struct pcifix_node *n, const char *name,
	      enum pcifix_tristate *out)
{
	const char *v = pcifix_node_attr(n, name);

	*out = PCIFIX_TRI_ABSENT;
	if (v == NULL)
		return 0;
	if (strcmp(v, "on") == 0) {
		*out = PCIFIX_TRI_ON;
		return 0;
	}
	if (strcmp(v, "off") == 0) {
		*out = PCIFIX_TRI_OFF;
		return 0;
	}
	pcifix_diag_add(b->diags, PCIFIX_R_BAD_VALUE, b->file, n->line,
			"%s='%s' in <%s> must be 'on' or 'off'", name, v, n->name);
	b->errors++;
	return -1;
}

static const struct {
	const char *name;
	enum pcifix_addr_type type;
} addr_types[] = {
	{ "pci", PCIFIX_ADDR_PCI },
	{ "unassigned", PCIFIX_ADDR_UNASSIGNED },
	{ "none", PCIFIX_ADDR_NONE },
	{ "drive", PCIFIX_ADDR_DRIVE },
	{ "usb", PCIFIX_ADDR_USB },
	{ "virtio-serial", PCIFIX_ADDR_VIRTIO_SERIAL },
	{ "ccid", PCIFIX_ADDR_CCID },
	{ "ccw", PCIFIX_ADDR_CCW },
	{ "spapr-vio", PCIFIX_ADDR_SPAPR_VIO },
	{ "virtio-mmio", PCIFIX_ADDR_VIRTIO_MMIO },
	{ "isa", PCIFIX_ADDR_ISA },
	{ "dimm", PCIFIX_ADDR_DIMM },
};

/* PCI address limits, with libvirt's wording of the message. */
/* In libvirt's wording: values in hex, the function without quotes. */
static const struct {
	const char *attr;
	unsigned max;
	const char *quote;
	const char *shown_max;
} pci_limits[] = {
	{ "bus", 0xff, "'", "0xFF" },
	{ "slot", 0x1f, "'", "0x1F" },
	{ "function", 7, "", "7" },
};

static int
parse_pci_address(struct build *b, struct pcifix_node *n, struct pcifix_address *a,
		  bool guest)
{
	long long v[4];
	static const char *const names[4] = { "domain", "bus", "slot", "function" };
	size_t i;
	int rc = 0;

	/* Read wide, so that a value too large gets the range message. */
	for (i = 0; i < 4; i++)
		if (number_attr(b, n, names[i], LLONG_MAX, 0, &v[i]) < 0)
			rc = -1;
	if (tristate_attr(b, n, "multifunction", &a->multifunction) < 0)
		rc = -1;
	if (rc < 0)
		return -1;
	if (v[0] > (long long)UINT_MAX) {
		pcifix_diag_add(b->diags, PCIFIX_R_ADDRESS_RANGE, b->file, n->line,
				"invalid PCI address domain='0x%llx', must be <= 0xFFFFFFFF",
				(unsigned long long)v[0]);
		b->errors++;
		return -1;
	}
	a->pci.domain = (unsigned)v[0];
	a->pci.bus = (unsigned)v[1];
	a->pci.slot = (unsigned)v[2];
	a->pci.function = (unsigned)v[3];
	a->empty = guest && v[0] == 0 && v[1] == 0 && v[2] == 0;
	if (a->empty)
		return 0;
	for (i = 0; i < sizeof(pci_limits) / sizeof(pci_limits[0]); i++) {
		unsigned long long val = (unsigned long long)v[i + 1];

		if (val > pci_limits[i].max) {
			pcifix_diag_add(b->diags, PCIFIX_R_ADDRESS_RANGE, b->file, n->line,
					"invalid PCI address %s=%s0x%llx%s, must be <= %s",
					pci_limits[i].attr, pci_limits[i].quote, val,
					pci_limits[i].quote, pci_limits[i].shown_max);
			b->errors++;
			rc = -1;
		}
	}
	return rc;
}

/* A plain number up to 65535, or -1: for values libvirt reads leniently. */
static long long
uint_or_none(const char *s)
{
	unsigned long long v;

	return s && pcifix_parse_uint(s, 65535, &v) == 0 ? (long long)v : -1;
}

static int
parse_address(struct build *b, struct pcifix_node *n, struct pcifix_address *a)
{
	const char *type = pcifix_node_attr(n, "type");
	size_t i;

	memset(a, 0, sizeof(*a));
	a->node = n;
	a->line = n->line;
	a->type_name = type;
	a->type = PCIFIX_ADDR_OTHER;
	a->has_slot = pcifix_node_attr(n, "slot") != NULL;
	a->controller = uint_or_none(pcifix_node_attr(n, "controller"));
	a->port = uint_or_none(pcifix_node_attr(n, "port"));
	if (type == NULL)
		return 0;  /* libvirt ignores an <address> without a type */
	for (i = 0; i < sizeof(addr_types) / sizeof(addr_types[0]); i++)
		if (strcmp(addr_types[i].name, type) == 0)
			a->type = addr_types[i].type;
	a->zpci_uid = a->zpci_fid = -1;
	if (a->type == PCIFIX_ADDR_PCI) {
		a->zpci = pcifix_node_child(n, "zpci");
		if (a->zpci && (number_attr(b, a->zpci, "uid", 0xffff, -1, &a->zpci_uid) < 0 ||
				number_attr(b, a->zpci, "fid", 0xffffffff, -1, &a->zpci_fid) < 0))
			return -1;
		return parse_pci_address(b, n, a, true);
	}
	return 0;
}

static void
parse_controller(struct build *b, struct pcifix_device *d)
{
	struct pcifix_node *n = d->node, *t, *m;

	/* libvirt reads a controller index as decimal ("010" is 10, "0x1" an error). */
	number_attr_base(b, n, "index", 10, INT_MAX, -1, &d->index);
	m = pcifix_node_child(n, "model");
	d->model_name = m ? pcifix_node_attr(m, "name") : NULL;
	d->ports = uint_or_none(pcifix_node_attr(n, "ports"));
	d->target.chassis_nr = d->target.chassis = d->target.port = -1;
	d->target.bus_nr = d->target.index = d->target.numa_node = -1;
	d->usb_master = pcifix_node_child(n, "master") != NULL;
	t = pcifix_node_child(n, "target");
	d->target.node = t;
	if (t == NULL)
		return;
	m = pcifix_node_child(t, "node");
	d->target.numa_node = m ? uint_or_none(m->text) : -1;
	number_attr(b, t, "chassisNr", INT_MAX, -1, &d->target.chassis_nr);
	number_attr(b, t, "chassis", INT_MAX, -1, &d->target.chassis);
	number_attr(b, t, "port", INT_MAX, -1, &d->target.port);
	number_attr(b, t, "busNr", INT_MAX, -1, &d->target.bus_nr);
	number_attr(b, t, "index", INT_MAX, -1, &d->target.index);
	tristate_attr(b, t, "hotplug", &d->target.hotplug);
}

static void
parse_hostdev_source(struct build *b, struct pcifix_device *d)
{
	struct pcifix_node *src = pcifix_node_child(d->node, "source"), *a;
	struct pcifix_address tmp;

	if (src == NULL || (a = pcifix_node_child(src, "address")) == NULL)
		return;
	if (d->type == NULL || strcmp(d->type, "pci") != 0)
		return;
	memset(&tmp, 0, sizeof(tmp));
	if (parse_pci_address(b, a, &tmp, false) == 0) {
		d->host_addr = tmp.pci;
		d->has_host_addr = true;
	}
}

/*
 * A disk without <target bus=...>: libvirt takes the bus from the device
 * (a floppy is on the fdc) or the target name's prefix; NULL when neither says.
 */
static const char *
disk_bus_from_name(const char *device, const char *dev)
{
	static const struct {
		const char *prefix, *bus;
	} prefixes[] = {
		{ "hd", "ide" }, { "sd", "scsi" }, { "vd", "virtio" }, { "xvd", "xen" },
		{ "ubd", "uml" },
	};
	size_t i;

	if (pcifix_streq(device, "floppy"))
		return "fdc";
	for (i = 0; dev && i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(dev, prefixes[i].prefix, strlen(prefixes[i].prefix)) == 0)
			return prefixes[i].bus;
	return NULL;
}

static void
add_device(struct build *b, struct pcifix_node *n, enum pcifix_kind k, size_t *cap)
{
	struct pcifix_domain *dom = b->dom;
	const struct pcifix_kind_row *kd = pcifix_kind_row(k);
	struct pcifix_device *d;
	struct pcifix_node *addr, *flag;

	if (dom->ndevs == *cap)
		dom->devs = pcifix_xgrow(dom->devs, cap, 32, sizeof(*dom->devs));
	d = &dom->devs[dom->ndevs++];
	memset(d, 0, sizeof(*d));
	d->kind = k;
	d->node = n;
	d->line = n->line;
	d->index = -1;
	d->type = path_value(n, kd->type);
	d->model = path_value(n, kd->model);
	d->bus = path_value(n, kd->bus);
	d->name = path_value(n, kd->name);
	d->driver = path_value(n, kd->driver);
	if (k == PCIFIX_KIND_DISK && d->bus == NULL) {
		d->bus = disk_bus_from_name(d->type, d->name);
		d->bus_implied = true;
	}
	addr = pcifix_node_child(n, "address");
	if (addr)
		parse_address(b, addr, &d->addr);
	else
		d->addr.controller = d->addr.port = -1;
	flag = pcifix_node_child(n, "boot");
	d->boot_first = flag && pcifix_streq(pcifix_node_attr(flag, "order"), "1");
	flag = k == PCIFIX_KIND_VIDEO ? pcifix_node_child(n, "model") : NULL;
	d->primary = flag && pcifix_streq(pcifix_node_attr(flag, "primary"), "yes");
	if (k == PCIFIX_KIND_CONTROLLER)
		parse_controller(b, d);
	else if (k == PCIFIX_KIND_HOSTDEV)
		parse_hostdev_source(b, d);
}

/* How many <cpu><numa><cell>s (libvirt numbers them by position). */
static void
parse_numa_cells(struct pcifix_domain *dom, const struct pcifix_node *root)
{
	struct pcifix_node *cpu = pcifix_node_child(root, "cpu"), *numa, *cell;

	numa = cpu ? pcifix_node_child(cpu, "numa") : NULL;
	for (cell = numa ? numa->first_child : NULL; cell; cell = cell->next)
		dom->n_numa_cells += !cell->in_namespace && strcmp(cell->name, "cell") == 0;
}

struct pcifix_domain *
pcifix_model_build(struct pcifix_doc *doc, struct pcifix_diags *diags)
{
	struct pcifix_domain *dom;
	struct pcifix_node *root = doc->root, *os, *type, *devs;
	struct build b;
	size_t cap = 0;

	if (root && root->in_namespace && strcmp(root->name, "domain") == 0) {
		pcifix_diag_add(diags, PCIFIX_R_NOT_DOMAIN, doc->file, root->line,
				"the root <domain> is in an XML namespace; libvirt's <domain> "
				"has none (remove the xmlns attribute)");
		return NULL;
	}
	if (root == NULL || root->in_namespace || strcmp(root->name, "domain") != 0) {
		pcifix_diag_add(diags, PCIFIX_R_NOT_DOMAIN, doc->file, root ? root->line : 1,
				"the root element is <%s>, not <domain>: this is not a "
				"libvirt domain XML", root ? root->name : "");
		return NULL;
	}
	dom = pcifix_xcalloc(1, sizeof(*dom));
	dom->doc = doc;
	b.dom = dom;
	b.diags = diags;
	b.file = doc->file;
	b.errors = 0;

	dom->virt_name = pcifix_node_attr(root, "type");
	if (dom->virt_name == NULL)
		dom->virt = PCIFIX_VIRT_OTHER;
	else if (strcmp(dom->virt_name, "qemu") == 0)
		dom->virt = PCIFIX_VIRT_QEMU;
	else if (strcmp(dom->virt_name, "kvm") == 0)
		dom->virt = PCIFIX_VIRT_KVM;
	else if (strcmp(dom->virt_name, "ch") == 0)
		dom->virt = PCIFIX_VIRT_CH;
	else
		dom->virt = PCIFIX_VIRT_OTHER;

	os = pcifix_node_child(root, "os");
	type = os ? pcifix_node_child(os, "type") : NULL;
	dom->arch = type ? pcifix_node_attr(type, "arch") : NULL;
	dom->machine = type ? pcifix_node_attr(type, "machine") : NULL;
	if (dom->arch == NULL)
		dom->arch = "x86_64";   /* libvirt takes the host's; pcifix assumes x86_64 */
	dom->row = pcifix_machine_find(dom->virt, dom->arch, dom->machine);
	dom->family = dom->row ? dom->row->family : "unknown";

	/* libvirt reads devices from every <devices> child, in order. */
	for (devs = root->first_child; devs; devs = devs->next) {
		struct pcifix_node *n;

		if (devs->in_namespace || strcmp(devs->name, "devices") != 0)
			continue;
		if (dom->devices_node == NULL)
			dom->devices_node = devs;
		for (n = devs->first_child; n; n = n->next) {
			enum pcifix_kind k;

			if (n->in_namespace)
				continue;
			k = pcifix_kind_from_name(n->name);
			if (k != PCIFIX_KIND_OTHER)
				add_device(&b, n, k, &cap);
		}
	}
	parse_numa_cells(dom, root);
	if (b.errors) {
		pcifix_domain_free(dom);
		return NULL;
	}
	return dom;
}

void
pcifix_domain_free(struct pcifix_domain *dom)
{
	if (dom == NULL)
		return;
	free(dom->devs);
	free(dom);
}

int
pcifix_pci_addr_cmp(const struct pcifix_pci_addr *a, const struct pcifix_pci_addr *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->function != b->function)
		return a->function < b->function ? -1 : 1;
	return 0;
}

const char *
pcifix_pci_addr_fmt(const struct pcifix_pci_addr *a, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%x", a->domain, a->bus, a->slot, a->function);
	return buf;
}

char *
pcifix_device_describe(const struct pcifix_device *d)
{
	const char *k = pcifix_kind_name(d->kind);
	char host[32];

	switch (d->kind) {
	case PCIFIX_KIND_CONTROLLER:
		if (d->index < 0)
			return d->model ? pcifix_xasprintf("controller %s (%s)", d->type ? d->type : "?",
							   d->model) :
					  pcifix_xasprintf("controller %s", d->type ? d->type : "?");
		if (d->model)
			return pcifix_xasprintf("controller %s %lld (%s)", d->type ? d->type : "?",
						d->index, d->model);
		return pcifix_xasprintf("controller %s %lld", d->type ? d->type : "?", d->index);
	case PCIFIX_KIND_DISK:
		return pcifix_xasprintf("disk %s (%s)", d->name ? d->name : "?",
					d->bus ? d->bus : "no bus");
	case PCIFIX_KIND_HOSTDEV:
		if (d->has_host_addr)
			return pcifix_xasprintf("hostdev %s host=%s", d->type ? d->type : "?",
						pcifix_pci_addr_fmt(&d->host_addr, host,
								    sizeof(host)));
		return pcifix_xasprintf("hostdev %s", d->type ? d->type : "?");
	default:
		break;
	}
	if (d->name && d->model)
		return pcifix_xasprintf("%s %s (%s)", k, d->name, d->model);
	if (d->name)
		return pcifix_xasprintf("%s %s", k, d->name);
	if (d->model)
		return pcifix_xasprintf("%s (%s)", k, d->model);
	if (d->type)
		return pcifix_xasprintf("%s %s", k, d->type);
	return pcifix_xstrdup(k);
}
