/* assign.c - give devices the PCI addresses libvirt's QEMU driver would: implicit devices, dry run, real pass. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

/*
 * This follows what libvirt 9.0 does at `virsh define`, step by step:
 *  1. controllers get their list order and missing indexes;
 *  2. implicit devices are added (root bus, USB, SATA, memballoon, disk
 *     and virtio-serial controllers, a video for graphics);
 *  3. a dry run places everything, growing buses where needed, and its
 *     only lasting result is the list of controllers to add;
 *  4. the real pass places PCI controllers first, then devices in libvirt's
 *     class order, on the lowest compatible bus and the lowest free slot;
 *  5. controller values and multifunction='on' are filled in.
 * Where libvirt would give up although a layout exists, pcifix adds the
 * missing bridges itself and says so (plan->relaxed).
 */

/* How many bridges beyond libvirt's count pcifix may add before it gives up. */
#define MAX_EXTRA_BRIDGES 64

struct ctx {
	struct pcifix_plan *plan;
	const struct pcifix_domain *dom;
	const struct pcifix_target *t;
	struct pcifix_diags *diags;
	const char *file;
	bool pcie_root;
	int max_idx;                     /* highest PCI controller index before the dry run */
	/* Per class, in libvirt's order. */
	struct pcifix_adev **cls[PCIFIX_KIND__COUNT];
	size_t ncls[PCIFIX_KIND__COUNT];
	size_t capcls[PCIFIX_KIND__COUNT];
	size_t extra_bridges;            /* relaxed mode: bridges beyond libvirt's count */
	bool relaxed;
};

/* ---- building the device list ---------------------------------------- */

static struct pcifix_adev *adev_new(struct pcifix_plan *plan);

struct pcifix_adev *
pcifix_plan_new_adev(struct pcifix_plan *plan)
{
	return adev_new(plan);
}

static struct pcifix_adev *
adev_new(struct pcifix_plan *plan)
{
	struct pcifix_adev *a;

	if (plan->ndevs == plan->cap)
		plan->devs = pcifix_xgrow(plan->devs, &plan->cap, 64, sizeof(*plan->devs));
	/* Each on its own, so that pointers to it stay valid. */
	a = pcifix_xcalloc(1, sizeof(*a));
	plan->devs[plan->ndevs++] = a;
	a->index = -1;
	a->chassis_nr = a->chassis = a->port = a->bus_nr = a->target_index = -1;
	a->zpci_uid = a->zpci_fid = -1;
	a->want_segment = -1;
	a->hotplug = true;
	return a;
}

static bool
streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool
is_pci_ctrl(const struct pcifix_adev *a)
{
	return a->kind == PCIFIX_KIND_CONTROLLER && streq(a->type, "pci");
}

static bool
is_usb2(const struct pcifix_adev *a)
{
	return a->kind == PCIFIX_KIND_CONTROLLER && streq(a->type, "usb") && a->model &&
	       (strcmp(a->model, "ich9-ehci1") == 0 || strcmp(a->model, "ich9-uhci1") == 0 ||
		strcmp(a->model, "ich9-uhci2") == 0 || strcmp(a->model, "ich9-uhci3") == 0);
}

static void
adev_from_device(struct ctx *c, struct pcifix_device *d)
{
	struct pcifix_adev *a = adev_new(c->plan);

	a->dev = d;
	a->kind = d->kind;
	a->type = d->type;
	a->model = d->model;
	a->bus = d->bus;
	a->index = d->index;
	switch (d->addr.type) {
	case PCIFIX_ADDR_ABSENT:
		a->state = PCIFIX_A_WANTED;
		break;
	case PCIFIX_ADDR_PCI:
		if (d->addr.empty) {
			a->state = PCIFIX_A_WANTED;
		} else {
			a->state = PCIFIX_A_PCI;
			a->addr = d->addr.pci;
			a->multi = d->addr.multifunction;
			a->from_file = true;
		}
		a->zpci_uid = d->addr.zpci_uid;
		a->zpci_fid = d->addr.zpci_fid;
		break;
	default:
		a->state = PCIFIX_A_OTHER;
		break;
	}
	/* The defaults libvirt fills in before it assigns anything. */
	switch (c->t ? d->kind : PCIFIX_KIND_OTHER) {
	case PCIFIX_KIND_INTERFACE:
		if (a->model == NULL && !streq(a->type, "hostdev"))
			a->model = c->t->default_nic;
		break;
	case PCIFIX_KIND_VIDEO:
		if (a->model == NULL || strcmp(a->model, "default") == 0)
			a->model = c->t->default_video;
		break;
	case PCIFIX_KIND_CONTROLLER:
		if (streq(a->type, "usb") && a->model == NULL)
			a->model = c->t->default_usb;
		else if (streq(a->type, "scsi") && a->model == NULL)
			a->model = c->t->default_scsi;
		else if (streq(a->type, "pci") && a->model == NULL && a->index == 0)
			a->model = c->t->root_model;
		break;
	default:
		break;
	}
	if (d->kind == PCIFIX_KIND_CONTROLLER && streq(a->type, "pci")) {
		/* What the file wrote; libvirt's defaults are filled in later. */
		a->model_name = d->model_name;
		a->chassis_nr = d->target.chassis_nr;
		a->chassis = d->target.chassis;
		a->port = d->target.port;
		a->bus_nr = d->target.bus_nr;
		a->target_index = d->target.index;
		a->hotplug = d->target.hotplug != PCIFIX_TRI_OFF;
	}
}

/*
 * libvirt keeps controllers sorted by type of first appearance, then by
 * index; a controller without index goes after the last one of its type.
 */
static void
insert_controller(struct pcifix_plan *plan, struct pcifix_adev *a, bool companion)
{
	long i;
	long at = -1;

	for (i = (long)plan->nctrls - 1; i >= 0; i--) {
		struct pcifix_adev *cur = plan->ctrls[i];

		if (!streq(cur->type, a->type))
			continue;
		if (a->index == -1) {
			at = i + 1;
			break;
		}
		if (cur->index > a->index) {
			at = i;
		} else if (!companion && cur->dev && pcifix_node_child(cur->dev->node, "master") &&
			   cur->index == a->index) {
			at = i;
		} else if (at == -1) {
			/* No break: an earlier one with a higher index still wins. */
			at = i + 1;
		}
	}
	if (at == -1)
		at = (long)plan->nctrls;
	memmove(&plan->ctrls[at + 1], &plan->ctrls[at],
		(plan->nctrls - (size_t)at) * sizeof(*plan->ctrls));
	plan->ctrls[at] = a;
	plan->nctrls++;
}

static bool
index_used(const struct pcifix_plan *plan, const char *type, long long idx)
{
	size_t i;

	for (i = 0; i < plan->nctrls; i++)
		if (streq(plan->ctrls[i]->type, type) && plan->ctrls[i]->index == idx)
			return true;
	return false;
}

static void
fill_indexes(struct pcifix_plan *plan)
{
	size_t i, j;

	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *a = plan->ctrls[i];

		if (a->index != -1)
			continue;
		if (is_usb2(a)) {
			/* A companion joins the USB2 controller just before it. */
			for (j = i; j-- > 0;) {
				struct pcifix_adev *p = plan->ctrls[j];
				size_t k;
				bool taken = false;

				if (!is_usb2(p) || p->index < 0)
					continue;
				for (k = 0; k < plan->nctrls; k++)
					if (is_usb2(plan->ctrls[k]) && plan->ctrls[k]->index == p->index &&
					    streq(plan->ctrls[k]->model, a->model))
						taken = true;
				if (!taken)
					a->index = p->index;
				break;
			}
			if (a->index != -1)
				continue;
		}
		{
			long long idx = 0;

			/* a->index is still -1, so it does not count itself. */
			while (index_used(plan, a->type, idx))
				idx++;
			a->index = idx;
		}
	}
}

static struct pcifix_adev *
find_ctrl(const struct pcifix_plan *plan, const char *type, long long idx)
{
	size_t i;

	for (i = 0; i < plan->nctrls; i++)
		if (streq(plan->ctrls[i]->type, type) && plan->ctrls[i]->index == idx)
			return plan->ctrls[i];
	return NULL;
}

static struct pcifix_adev *
add_controller(struct ctx *c, const char *type, long long idx, const char *model)
{
	struct pcifix_adev *a = adev_new(c->plan);

	a->kind = PCIFIX_KIND_CONTROLLER;
	a->type = type;
	a->model = model;
	a->index = idx;
	a->state = PCIFIX_A_WANTED;
	if (c->plan->nctrls == c->plan->ctrl_cap)
		c->plan->ctrls = pcifix_xgrow(c->plan->ctrls, &c->plan->ctrl_cap, 64,
					      sizeof(*c->plan->ctrls));
	c->plan->ctrls[c->plan->nctrls++] = a;
	return a;
}

static void
maybe_add_controller(struct ctx *c, const char *type, long long idx, const char *model)
{
	if (find_ctrl(c->plan, type, idx) == NULL)
		add_controller(c, type, idx, model);
}

/* Index of a disk from its target name as libvirt reads it: hda -> 0, sdb -> 1,
 * vdaa -> 26, xvdc -> 2; -1 when the name is not a disk name. */
static long
disk_index(const char *dev)
{
	static const char *const prefixes[] = { "fd", "hd", "vd", "sd", "xvd", "ubd" };
	const char *p = NULL;
	long idx = 0;
	size_t i;

	if (dev == NULL)
		return -1;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]) && p == NULL; i++)
		if (strncmp(dev, prefixes[i], strlen(prefixes[i])) == 0)
			p = dev + strlen(prefixes[i]);
	if (p == NULL)
		return -1;
	for (i = 0; *p >= 'a' && *p <= 'z'; i++, p++) {
		if (idx > 100000000)
			return -1;
		idx = (idx + (i < 1 ? 0 : 1)) * 26 + (*p - 'a');
	}
	while (*p >= '0' && *p <= '9')   /* a partition number */
		p++;
	if (i == 0 || *p)
		return -1;
	return idx;
}

/* The controller a disk on `bus` uses (its drive address, or libvirt's default). */
static long
disk_controller(const struct pcifix_device *d, long units)
{
	struct pcifix_node *a = d->addr.node;
	unsigned long long v;

	if (d->addr.type == PCIFIX_ADDR_DRIVE && a) {
		const char *s = pcifix_node_attr(a, "controller");

		if (s && pcifix_parse_uint(s, 65535, &v) == 0)
			return (long)v;
		return 0;
	}
	{
		long idx = disk_index(d->name);

		return idx < 0 ? 0 : idx / units;
	}
}

/*
 * More controllers than this could never all get a PCI slot (a pc holds
 * about 7700 devices): report instead of building them.
 */
#define MAX_IMPLIED_CONTROLLERS 1024

static int
add_disk_controllers(struct ctx *c, const char *type, const char *bus, long units,
		     const char *model)
{
	const struct pcifix_domain *dom = c->dom;
	const struct pcifix_device *worst = NULL;
	long max = -1, i;
	size_t k;

	for (k = 0; k < dom->ndevs; k++) {
		const struct pcifix_device *d = &dom->devs[k];

		if ((d->kind == PCIFIX_KIND_DISK && streq(d->bus, bus)) ||
		    (strcmp(type, "scsi") == 0 && d->kind == PCIFIX_KIND_HOSTDEV &&
		     streq(d->type, "scsi") && d->addr.type == PCIFIX_ADDR_DRIVE)) {
			long ctl = disk_controller(d, units);

			if (ctl > max) {
				max = ctl;
				worst = d;
			}
		}
	}
	if (max >= MAX_IMPLIED_CONTROLLERS) {
		char *desc = pcifix_device_describe(worst);

		pcifix_diag_add(c->diags, "pci-capacity", c->file, worst->line,
				"%s: it needs %s controller index %ld, so libvirt would add %ld %s "
				"controllers, more than can ever get a PCI slot", desc, type, max,
				max + 1, type);
		free(desc);
		return -1;
	}
	for (i = 0; i <= max; i++)
		maybe_add_controller(c, type, i, model);
	return 0;
}

static void
add_virtio_serial_controllers(struct ctx *c)
{
	const struct pcifix_domain *dom = c->dom;
	size_t k;

	for (k = 0; k < dom->ndevs; k++) {
		const struct pcifix_device *d = &dom->devs[k];
		unsigned long long v = 0;

		if ((d->kind != PCIFIX_KIND_CHANNEL && d->kind != PCIFIX_KIND_CONSOLE) ||
		    !streq(d->bus, "virtio"))
			continue;
		if (d->addr.type == PCIFIX_ADDR_VIRTIO_SERIAL && d->addr.node) {
			const char *s = pcifix_node_attr(d->addr.node, "controller");

			if (s == NULL || pcifix_parse_uint(s, 65535, &v) < 0)
				v = 0;
		}
		maybe_add_controller(c, "virtio-serial", (long long)v, NULL);
	}
}

static int
add_implicit_devices(struct ctx *c)
{
	const struct pcifix_target *t = c->t;
	struct pcifix_plan *plan = c->plan;
	size_t i;
	bool balloon = false, video = false, graphics = false;

	/* The driver's defaults, in libvirt's order: USB, SATA, root bus, balloon. */
	if (t->implicit_usb && find_ctrl(plan, "usb", 0) == NULL)
		add_controller(c, "usb", 0, t->implicit_usb);
	if (t->implicit_sata)
		maybe_add_controller(c, "sata", 0, NULL);
	if (!t->ccw)   /* s390x: only when a device takes PCI (see ccw_devices) */
		maybe_add_controller(c, "pci", 0, t->root_model);
	for (i = 0; i < plan->ndevs; i++) {
		balloon |= plan->devs[i]->kind == PCIFIX_KIND_MEMBALLOON;
		video |= plan->devs[i]->kind == PCIFIX_KIND_VIDEO;
	}
	for (i = 0; i < c->dom->ndevs; i++)
		graphics |= c->dom->devs[i].kind == PCIFIX_KIND_GRAPHICS;
	if (t->implicit_memballoon && !balloon) {
		struct pcifix_adev *a = adev_new(plan);

		a->kind = PCIFIX_KIND_MEMBALLOON;
		a->model = "virtio";
		a->state = PCIFIX_A_WANTED;
	}
	/* Controllers that disks and virtio consoles need, then a video for graphics. */
	if (add_disk_controllers(c, "scsi", "scsi", 7, t->default_scsi) < 0 ||
	    add_disk_controllers(c, "ide", "ide", 4, NULL) < 0 ||
	    add_disk_controllers(c, "sata", "sata", 6, NULL) < 0)
		return -1;
	add_virtio_serial_controllers(c);
	if (graphics && !video) {
		struct pcifix_adev *a = adev_new(plan);

		a->kind = PCIFIX_KIND_VIDEO;
		a->model = t->default_video;
		a->state = PCIFIX_A_WANTED;
	}
	return 0;
}

/* ---- per-class lists ------------------------------------------------- */

static bool
video_primary(const struct pcifix_adev *a)
{
	struct pcifix_node *m;

	if (a->dev == NULL)
		return false;
	m = pcifix_node_child(a->dev->node, "model");
	return m && streq(pcifix_node_attr(m, "primary"), "yes");
}

static void
cls_add(struct ctx *c, enum pcifix_kind k, struct pcifix_adev *a)
{
	if (c->ncls[k] == c->capcls[k])
		c->cls[k] = pcifix_xgrow(c->cls[k], &c->capcls[k], 16, sizeof(*c->cls[k]));
	c->cls[k][c->ncls[k]++] = a;
}

/*
 * libvirt inserts each disk before the first one on the same bus with a
 * higher target index, or after the last one on that bus, or at the end.
 * The result is the same as a stable sort by (the bus's first appearance,
 * target index), which is what this does, in O(n log n).
 */
struct disk_key {
	struct pcifix_adev *a;
	size_t bus_rank;
	long idx;
	size_t seq;
};

static int
disk_key_cmp(const void *pa, const void *pb)
{
	const struct disk_key *a = pa, *b = pb;

	if (a->bus_rank != b->bus_rank)
		return a->bus_rank < b->bus_rank ? -1 : 1;
	if (a->idx != b->idx)
		return a->idx < b->idx ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void
sort_disks(struct ctx *c)
{
	struct pcifix_adev **v = c->cls[PCIFIX_KIND_DISK];
	size_t n = c->ncls[PCIFIX_KIND_DISK], i, j, nbus = 0;
	const char **buses;
	struct disk_key *k;

	if (n < 2)
		return;
	k = pcifix_xcalloc(n, sizeof(*k));
	buses = pcifix_xcalloc(n, sizeof(*buses));
	for (i = 0; i < n; i++) {
		const char *bus = v[i]->bus ? v[i]->bus : "";

		/* Few distinct buses: a short linear lookup. */
		for (j = 0; j < nbus && strcmp(buses[j], bus) != 0; j++)
			;
		if (j == nbus)
			buses[nbus++] = bus;
		k[i].a = v[i];
		k[i].bus_rank = j;
		k[i].idx = disk_index(v[i]->dev ? v[i]->dev->name : NULL);
		k[i].seq = i;
	}
	qsort(k, n, sizeof(*k), disk_key_cmp);
	for (i = 0; i < n; i++)
		v[i] = k[i].a;
	free(k);
	free(buses);
}

static void
build_classes(struct ctx *c)
{
	struct pcifix_plan *plan = c->plan;
	size_t i;
	bool primary_moved = false;

	for (i = 0; i < plan->nctrls; i++)
		cls_add(c, PCIFIX_KIND_CONTROLLER, plan->ctrls[i]);
	/* A hostdev inside <interface type='hostdev'> is listed before the <hostdev>s. */
	for (i = 0; i < plan->ndevs; i++)
		if (plan->devs[i]->kind == PCIFIX_KIND_INTERFACE &&
		    streq(plan->devs[i]->type, "hostdev"))
			cls_add(c, PCIFIX_KIND_HOSTDEV, plan->devs[i]);
	for (i = 0; i < plan->ndevs; i++) {
		struct pcifix_adev *a = plan->devs[i];

		if (a->kind == PCIFIX_KIND_CONTROLLER ||
		    (a->kind == PCIFIX_KIND_INTERFACE && streq(a->type, "hostdev")))
			continue;
		if (a->kind == PCIFIX_KIND_VIDEO && !primary_moved && video_primary(a)) {
			/* The video marked primary moves to the front. */
			cls_add(c, PCIFIX_KIND_VIDEO, a);
			memmove(&c->cls[PCIFIX_KIND_VIDEO][1], &c->cls[PCIFIX_KIND_VIDEO][0],
				(c->ncls[PCIFIX_KIND_VIDEO] - 1) * sizeof(*c->cls[0]));
			c->cls[PCIFIX_KIND_VIDEO][0] = a;
			primary_moved = true;
			continue;
		}
		cls_add(c, a->kind, a);
	}
	sort_disks(c);
}

/*
 * ARM and RISC-V virt: one device with a virtio-mmio address makes libvirt
 * give every virtio device without an address a virtio-mmio one too.
 */
static void
virtio_mmio_switch(struct ctx *c)
{
	struct pcifix_plan *plan = c->plan;
	size_t i;
	bool mmio = false;

	for (i = 0; i < plan->ndevs && !mmio; i++)
		mmio = plan->devs[i]->dev && plan->devs[i]->dev->addr.type == PCIFIX_ADDR_VIRTIO_MMIO;
	if (!mmio)
		return;
	for (i = 0; i < plan->ndevs; i++) {
		struct pcifix_adev *a = plan->devs[i];
		bool virtio;

		if (a->state != PCIFIX_A_WANTED)
			continue;
		switch (a->kind) {
		case PCIFIX_KIND_DISK:
		case PCIFIX_KIND_INPUT:
			virtio = streq(a->bus, "virtio");
			break;
		case PCIFIX_KIND_INTERFACE:
		case PCIFIX_KIND_VIDEO:
		case PCIFIX_KIND_MEMBALLOON:
		case PCIFIX_KIND_RNG:
			virtio = a->model && strncmp(a->model, "virtio", 6) == 0;
			break;
		case PCIFIX_KIND_CONTROLLER:
			/* Every SCSI controller, whatever its model, as libvirt does. */
			virtio = streq(a->type, "virtio-serial") || streq(a->type, "scsi");
			break;
		case PCIFIX_KIND_HOSTDEV:
			virtio = streq(a->type, "scsi_host");
			break;
		case PCIFIX_KIND_MEMORY:
			virtio = streq(a->model, "virtio-pmem");
			break;
		default:
			virtio = false;
			break;
		}
		if (virtio)
			a->state = PCIFIX_A_OTHER;   /* libvirt gives it virtio-mmio */
	}
}

static void
compute_flags(struct ctx *c)
{
	struct pcifix_plan *plan = c->plan;
	size_t i;

	for (i = 0; i < plan->ndevs; i++) {
		struct pcifix_adev *a = plan->devs[i];

		if (a->kind == PCIFIX_KIND_INTERFACE && streq(a->type, "hostdev"))
			a->flags = pcifix_device_flags(PCIFIX_KIND_HOSTDEV, "pci", NULL, NULL,
						       c->pcie_root);
		else if (a->kind == PCIFIX_KIND_HOSTDEV && a->dev && a->dev->driver &&
			 strcmp(a->dev->driver, "subsystem") != 0)
			a->flags = 0;
		else
			a->flags = pcifix_device_flags(a->kind, a->type, a->model, a->bus,
						       c->pcie_root);
		if (a->kind == PCIFIX_KIND_HOSTDEV && a->dev &&
		    a->dev->addr.type == PCIFIX_ADDR_UNASSIGNED)
			a->state = PCIFIX_A_OTHER;
	}
	if (c->t->virtio_mmio)
		virtio_mmio_switch(c);
}

/*
 * s390x: virtio devices use ccw unless they ask for PCI with an
 * <address type='pci'/>; the others (PCI hostdevs, e1000, ...) can only be
 * PCI (zPCI).  libvirt adds the root bus for them.  Returns whether any
 * device takes PCI.
 */
static bool
ccw_devices(struct ctx *c)
{
	struct pcifix_plan *plan = c->plan;
	bool pci = false;
	size_t i;

	for (i = 0; i < plan->ndevs; i++) {
		struct pcifix_adev *a = plan->devs[i];

		if (a->state == PCIFIX_A_WANTED && a->flags &&
		    (a->dev == NULL || a->dev->addr.type == PCIFIX_ADDR_ABSENT) &&
		    pcifix_device_is_virtio(a->kind, a->type, a->model, a->bus))
			a->state = PCIFIX_A_OTHER;   /* libvirt gives it a ccw address */
		pci |= a->flags && a->state != PCIFIX_A_OTHER;
		pci |= a->state == PCIFIX_A_PCI;
	}
	if (pci && find_ctrl(plan, "pci", 0) == NULL)
		add_controller(c, "pci", 0, c->t->root_model);
	return pci;
}


/* ---- the passes ------------------------------------------------------ */

static void
report(struct ctx *c, const struct pcifix_adev *a, const char *rule, char *msg)
{
	char *desc = a->dev ? pcifix_device_describe(a->dev) : NULL;
	/* Problems with an address point at the <address>, others at the element. */
	bool about_address = strcmp(rule, "pci-address") == 0 || strcmp(rule, "pci-duplicate") == 0;
	unsigned line = a->dev ? (about_address && a->dev->addr.node && a->from_file ?
				  a->dev->addr.node->line : a->dev->line) : 0;

	if (desc == NULL && a->kind == PCIFIX_KIND_CONTROLLER)
		desc = pcifix_xasprintf("the %s controller index %lld that libvirt adds",
					a->model ? a->model : a->type, a->index);
	pcifix_diag_add(c->diags, rule, c->file, line, "%s%s%s", desc ? desc : "",
			desc ? ": " : "", msg);
	free(desc);
	free(msg);
}

static const struct pcifix_pci_model *
default_bus_model(const struct ctx *c)
{
	if (c->t->phbs)
		return pcifix_pci_model_find("pci-root");
	return pcifix_pci_model_find(c->pcie_root ? "pcie-root-port" : "pci-bridge");
}

/* The bus table of a pass, from the controllers as they stand. */
static int
set_create(struct ctx *c, struct pcifix_addrset *s, bool dry)
{
	struct pcifix_plan *plan = c->plan;
	size_t i, nbuses = 0;

	for (i = 0; i < plan->nctrls; i++)
		if (is_pci_ctrl(plan->ctrls[i]) && (size_t)plan->ctrls[i]->index + 1 > nbuses)
			nbuses = (size_t)plan->ctrls[i]->index + 1;
	pcifix_addrset_init(s, nbuses, dry);
	s->multiple_roots = c->t->phbs;
	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *a = plan->ctrls[i];
		const struct pcifix_pci_model *m;

		if (!is_pci_ctrl(a))
			continue;
		m = pcifix_pci_model_find(a->model);
		if (m == NULL) {
			report(c, a, "pci-controller",
			       pcifix_xasprintf("PCI controller index %lld has %s model%s%s; "
						"libvirt rejects it",
						a->index, a->model ? "an unknown" : "no",
						a->model ? " " : "", a->model ? a->model : ""));
			return -1;
		}
		pcifix_addrset_set_model(s, (size_t)a->index, m, a->hotplug);
	}
	for (i = 1; i < s->nbuses; i++)
		if (s->buses[i].model == NULL)
			pcifix_addrset_set_model(s, i, default_bus_model(c), true);
	if (s->nbuses && s->buses[0].model == NULL)
		pcifix_addrset_set_model(s, 0, pcifix_pci_model_find("pci-root"), true);
	return 0;
}

/* libvirt's device iteration order, used when it collects written addresses. */
static const enum pcifix_kind collect_order[] = {
	PCIFIX_KIND_DISK, PCIFIX_KIND_INTERFACE, PCIFIX_KIND_SOUND, PCIFIX_KIND_HOSTDEV,
	PCIFIX_KIND_VIDEO, PCIFIX_KIND_CONTROLLER, PCIFIX_KIND_SMARTCARD, PCIFIX_KIND_SERIAL,
	PCIFIX_KIND_PARALLEL, PCIFIX_KIND_CHANNEL, PCIFIX_KIND_CONSOLE, PCIFIX_KIND_INPUT,
	PCIFIX_KIND_FILESYSTEM, PCIFIX_KIND_WATCHDOG, PCIFIX_KIND_MEMBALLOON, PCIFIX_KIND_RNG,
	PCIFIX_KIND_NVRAM, PCIFIX_KIND_HUB, PCIFIX_KIND_SHMEM, PCIFIX_KIND_MEMORY,
	PCIFIX_KIND_REDIRDEV, PCIFIX_KIND_TPM, PCIFIX_KIND_PANIC, PCIFIX_KIND_IOMMU,
	PCIFIX_KIND_VSOCK, PCIFIX_KIND_CRYPTO, PCIFIX_KIND_PSTORE,
};

static bool
piix3_builtin(const struct ctx *c, const struct pcifix_adev *a)
{
	if (c->t->chipset != PCIFIX_CHIPSET_PIIX3 || a->kind != PCIFIX_KIND_CONTROLLER ||
	    a->addr.domain || a->addr.bus || a->addr.slot != 1 || a->index != 0)
		return false;
	return (streq(a->type, "ide") && a->addr.function == 1) ||
	       (streq(a->type, "usb") && streq(a->model, "piix3-uhci") && a->addr.function == 2);
}

/* The dry run grew buses [had, nbuses) for a written bus: say which. */
static void
warn_grown(struct ctx *c, const struct pcifix_addrset *s, size_t had, unsigned bus,
	   unsigned line)
{
	struct pcifix_buf b;
	size_t i, j;

	pcifix_buf_init(&b);
	for (i = had; i < s->nbuses; i = j) {
		for (j = i + 1; j < s->nbuses && s->buses[j].model == s->buses[i].model; j++)
			;
		pcifix_buf_printf(&b, "%s%s %zu", i == had ? "" : j == s->nbuses ? " and " : ", ",
				  s->buses[i].model->model, i);
		if (j - i > 1)
			pcifix_buf_printf(&b, "-%zu", j - 1);
	}
	pcifix_diag_add(c->diags, "bus-missing", c->file, line,
			"bus %u has no controller (the highest index is %zu); like libvirt, "
			"pcifix adds %s", bus, had - 1, b.data);
	pcifix_buf_free(&b);
}

/* Every written address, reserved; all problems reported, then one failure. */
static int
collect(struct ctx *c, struct pcifix_addrset *s)
{
	size_t k, i;
	int rc = 0;

	for (k = 0; k < sizeof(collect_order) / sizeof(collect_order[0]); k++) {
		enum pcifix_kind kind = collect_order[k];

		for (i = 0; i < c->ncls[kind]; i++) {
			struct pcifix_adev *a = c->cls[kind][i];
			unsigned before = a->addr.bus;
			char *err;

			if (a->state != PCIFIX_A_PCI || piix3_builtin(c, a))
				continue;
			size_t had = s->nbuses;

			if (pcifix_addrset_reserve(s, &a->addr, a->flags ? a->flags :
						   PCIFIX_CF_PCI_DEVICE, true, &err) < 0) {
				report(c, a, strstr(err, "double use") ? "pci-duplicate" :
				       "pci-address", err);
				rc = -1;
				continue;
			}
			if (a->addr.bus != before)
				a->bus_moved = true;
			if (s->nbuses > had && a->dev && a->dev->addr.node)
				warn_grown(c, s, had, before, a->dev->addr.node->line);
		}
	}
	return rc;
}

static int
reserve_fixed(struct ctx *c, struct pcifix_addrset *s, struct pcifix_adev *a,
	      unsigned slot, unsigned fn, bool store)
{
	struct pcifix_pci_addr addr = { 0, 0, slot, fn };
	char *err;

	if (pcifix_addrset_reserve(s, &addr, PCIFIX_CF_PCI_DEVICE, true, &err) < 0) {
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
			report(c, o, "pci-duplicate", pcifix_xasprintf(
				"PCI address %s belongs to %s",
				pcifix_pci_addr_fmt(&o->addr, buf, sizeof(buf)), owner));
			free(owner);
			free(err);
			return -1;
		}
		if (a) {
			report(c, a, "pci-duplicate", err);
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

/* Find a slot for `a` and, in the real pass, keep it. */
static int
place(struct ctx *c, struct pcifix_addrset *s, struct pcifix_adev *a, int function)
{
	struct pcifix_pci_addr addr;
	char *err;

	if (pcifix_addrset_reserve_next(s, a->flags, function, &addr, &err) < 0) {
		if (!s->dry_run && c->extra_bridges < MAX_EXTRA_BRIDGES) {
			/* libvirt stops here; pcifix tries again with more bridges. */
			free(err);
			return -2;
		}
		report(c, a, "pci-capacity", err);
		return -1;
	}
	if (!s->dry_run) {
		a->state = PCIFIX_A_PCI;
		a->addr = addr;
		a->assigned = true;
	}
	return 0;
}

static bool
wanted(const struct pcifix_adev *a)
{
	return a->state == PCIFIX_A_WANTED && a->flags != 0;
}

static int
chipset_piix3(struct ctx *c, struct pcifix_addrset *s)
{
	struct pcifix_plan *plan = c->plan;
	struct pcifix_adev *v;
	size_t i;

	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *a = plan->ctrls[i];
		unsigned fn;

		if (a->index != 0)
			continue;
		if (streq(a->type, "ide"))
			fn = 1;
		else if (streq(a->type, "usb") && streq(a->model, "piix3-uhci"))
			fn = 2;
		else
			continue;
		if (a->state == PCIFIX_A_PCI && (a->addr.domain || a->addr.bus ||
						 a->addr.slot != 1 || a->addr.function != fn)) {
			report(c, a, "pci-address",
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
	if (v && wanted(v)) {
		if (pcifix_addrset_slot_in_use(s, 0, 2))
			return place(c, s, v, -1);
		return reserve_fixed(c, s, v, 2, 0, true);
	}
	return 0;
}

static int
chipset_ich9(struct ctx *c, struct pcifix_addrset *s)
{
	struct pcifix_plan *plan = c->plan;
	struct pcifix_adev *v;
	size_t i;

	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *a = plan->ctrls[i];

		if (streq(a->type, "sata") && a->index == 0) {
			if (a->state == PCIFIX_A_PCI && (a->addr.domain || a->addr.bus ||
							 a->addr.slot != 0x1f || a->addr.function != 2)) {
				report(c, a, "pci-address", pcifix_xstrdup(
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
		} else if (streq(a->type, "usb") && streq(a->model, "ich9-uhci1") &&
			   (a->dev == NULL || a->dev->addr.type == PCIFIX_ADDR_ABSENT) &&
			   a->state == PCIFIX_A_WANTED) {
			unsigned slot = !pcifix_addrset_slot_in_use(s, 0, 0x1d) ? 0x1d :
					!pcifix_addrset_slot_in_use(s, 0, 0x1a) ? 0x1a : 0;

			if (slot) {
				if (reserve_fixed(c, s, a, slot, 0, true) < 0)
					return -1;
				a->multi = PCIFIX_TRI_ON;
			}
		} else if (streq(a->type, "pci") && streq(a->model, "dmi-to-pci-bridge") &&
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
	if (v && wanted(v)) {
		int r;

		if (pcifix_addrset_slot_in_use(s, 0, 1))
			r = place(c, s, v, -1);
		else
			r = reserve_fixed(c, s, v, 1, 0, true);
		if (r != 0)
			return r;
	}
	if (!pcifix_addrset_slot_in_use(s, 0, 0x1b)) {
		for (i = 0; i < c->ncls[PCIFIX_KIND_SOUND]; i++) {
			struct pcifix_adev *a = c->cls[PCIFIX_KIND_SOUND][i];

			if (streq(a->model, "ich9") && a->state == PCIFIX_A_WANTED)
				return reserve_fixed(c, s, a, 0x1b, 0, true);
		}
	}
	return 0;
}

/* USB2 sets share one slot on fixed functions. */
static int
place_usb2(struct ctx *c, struct pcifix_addrset *s, struct pcifix_adev *a)
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
		if (streq(a->model, fns[i].model))
			fn = fns[i].fn;
	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *p = plan->ctrls[i];
		struct pcifix_pci_addr addr;

		if (p == a || !is_usb2(p) || p->index != a->index || p->state != PCIFIX_A_PCI)
			continue;
		addr = p->addr;
		addr.function = fn;
		if (pcifix_addrset_reserve(s, &addr, a->flags, true, &err) < 0) {
			report(c, a, "pci-duplicate", err);
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
	if (place(c, s, a, (int)fn) != 0)
		return -1;
	if (!s->dry_run && fn == 0)
		a->multi = PCIFIX_TRI_ON;
	return 0;
}

/* libvirt's class order: every device that wants an address, class by class. */
static const enum pcifix_kind class_order[] = {
	PCIFIX_KIND_CONTROLLER,  /* PCI controllers only, see place_devices() */
	PCIFIX_KIND_FILESYSTEM, PCIFIX_KIND_INTERFACE, PCIFIX_KIND_SOUND,
	PCIFIX_KIND_CONTROLLER,  /* the other controllers */
	PCIFIX_KIND_DISK, PCIFIX_KIND_HOSTDEV, PCIFIX_KIND_MEMBALLOON, PCIFIX_KIND_RNG,
	PCIFIX_KIND_WATCHDOG, PCIFIX_KIND_VIDEO, PCIFIX_KIND_SHMEM, PCIFIX_KIND_INPUT,
	PCIFIX_KIND_SERIAL, PCIFIX_KIND_IOMMU, PCIFIX_KIND_VSOCK, PCIFIX_KIND_MEMORY,
};

static int
place_devices(struct ctx *c, struct pcifix_addrset *s)
{
	size_t k, i;

	for (k = 0; k < sizeof(class_order) / sizeof(class_order[0]); k++) {
		enum pcifix_kind kind = class_order[k];
		bool pci_pass = kind == PCIFIX_KIND_CONTROLLER && k == 0;

		for (i = 0; i < c->ncls[kind]; i++) {
			struct pcifix_adev *a = c->cls[kind][i];
			int r;

			if (!wanted(a))
				continue;
			if (kind == PCIFIX_KIND_CONTROLLER && is_pci_ctrl(a) != pci_pass)
				continue;
			if (kind == PCIFIX_KIND_INTERFACE && streq(a->type, "hostdev"))
				continue;
			if (is_usb2(a))
				r = place_usb2(c, s, a);
			else
				r = place(c, s, a, -1);
			if (r != 0)
				return r;
		}
	}
	return 0;
}

static int
chipset(struct ctx *c, struct pcifix_addrset *s)
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

/* Which PCI controller indexes exist (0-255), for the dry run's last step. */
static void
pci_indexes(const struct pcifix_plan *plan, bool *have)
{
	size_t i;

	memset(have, 0, 256 * sizeof(*have));
	for (i = 0; i < plan->nctrls; i++)
		if (is_pci_ctrl(plan->ctrls[i]) && plan->ctrls[i]->index >= 0 &&
		    plan->ctrls[i]->index < 256)
			have[plan->ctrls[i]->index] = true;
}

static int
dry_run(struct ctx *c)
{
	bool have[256];
	struct pcifix_addrset s;
	size_t i;
	int rc = -1;

	if (set_create(c, &s, true) < 0)
		goto out;
	if (s.nbuses == 0) {
		rc = 0;
		goto out;
	}
	if (collect(c, &s) < 0 || chipset(c, &s) < 0)
		goto out;
	if (c->t->expansion_slot && pcifix_addrset_any_empty_slot(&s)) {
		struct pcifix_pci_addr a;
		char *err;

		if (pcifix_addrset_reserve_next(&s, PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_AUTOASSIGN, -1,
						&a, &err) < 0) {
			pcifix_diag_add(c->diags, "pci-capacity", c->file, 0, "%s", err);
			free(err);
			goto out;
		}
	}
	if (place_devices(c, &s) != 0)
		goto out;
	if (c->t->spare_root_port && c->max_idx <= 0 && s.nbuses > (size_t)c->max_idx + 1 &&
	    s.has_pcie_root) {
		struct pcifix_pci_addr a;
		char *err;

		if (pcifix_addrset_reserve_next(&s, PCIFIX_CF_PCIE_DEVICE | PCIFIX_CF_AUTOASSIGN, -1,
						&a, &err) < 0) {
			pcifix_diag_add(c->diags, "pci-capacity", c->file, 0, "%s", err);
			free(err);
			goto out;
		}
	}
	/* Relaxed mode: bridges beyond what libvirt counts, so everything fits. */
	for (i = 0; i < c->extra_bridges; i++) {
		unsigned want = (unsigned)s.nbuses;
		struct pcifix_pci_addr a;
		char *err;

		(void)want;
		if (pcifix_addrset_reserve_next(&s, PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_AUTOASSIGN, -1,
						&a, &err) < 0) {
			free(err);
			break;
		}
	}
	pci_indexes(c->plan, have);
	/* Gaps in the indexes the file wrote: libvirt fills them silently. */
	if (!c->relaxed) {
		struct pcifix_buf gaps;
		struct pcifix_adev *last = NULL;
		size_t n = 0;

		pcifix_buf_init(&gaps);
		for (i = 1; i < (size_t)(c->max_idx > 0 ? c->max_idx : 0); i++)
			if (!have[i]) {
				pcifix_buf_printf(&gaps, "%s%zu", n ? ", " : "", i);
				n++;
			}
		for (i = 0; n && i < c->plan->nctrls; i++)
			if (is_pci_ctrl(c->plan->ctrls[i]) && c->plan->ctrls[i]->index == c->max_idx)
				last = c->plan->ctrls[i];
		if (n && last && last->dev)
			pcifix_diag_add(c->diags, "bus-missing", c->file, last->dev->line,
					"PCI controller index%s %s %s missing (the file goes up "
					"to %d); like libvirt, pcifix adds %s controller%s there",
					n == 1 ? "" : "es", gaps.data, n == 1 ? "is" : "are",
					c->max_idx, default_bus_model(c)->model, n == 1 ? "" : "s");
		pcifix_buf_free(&gaps);
	}
	/* Every bus without a controller gets one, which needs a slot in turn. */
	for (i = 1; i < s.nbuses; i++) {
		struct pcifix_adev *a;
		struct pcifix_pci_addr addr;
		char *err;

		if (i < 256 && have[i])
			continue;
		a = add_controller(c, "pci", (long long)i, s.buses[i].model->model);
		a->flags = s.buses[i].model->upstream;
		cls_add(c, PCIFIX_KIND_CONTROLLER, a);
		if (a->flags == 0)
			continue;   /* a new PHB: a root, it plugs into nothing */
		if (pcifix_addrset_reserve_next(&s, a->flags, -1, &addr, &err) < 0) {
			if (!c->relaxed) {
				free(err);
				rc = -2;
				goto out;
			}
			/* Make room the way a device would: one more bus. */
			free(err);
			if (pcifix_addrset_reserve_next(&s, PCIFIX_CF_PCI_DEVICE |
							PCIFIX_CF_AUTOASSIGN, -1, &addr, &err) < 0 ||
			    pcifix_addrset_reserve_next(&s, a->flags, -1, &addr, &err) < 0) {
				report(c, a, "pci-capacity", err);
				goto out;
			}
		}
	}
	rc = 0;
out:
	pcifix_addrset_free(&s);
	return rc;
}

static int
real_pass(struct ctx *c)
{
	struct pcifix_addrset s;
	int rc = -1, r;

	if (set_create(c, &s, false) < 0)
		goto out;
	if (s.nbuses == 0) {
		rc = 0;
		goto out;
	}
	if (collect(c, &s) < 0)
		goto out;
	r = chipset(c, &s);
	if (r == 0)
		r = place_devices(c, &s);
	rc = r;
out:
	pcifix_addrset_free(&s);
	return rc;
}

static int
ll_cmp(const void *pa, const void *pb)
{
	long long a = *(const long long *)pa, b = *(const long long *)pb;

	return a < b ? -1 : a > b;
}

/* zPCI uid (1-0xffff) and fid, unique, the lowest free, as libvirt gives them. */
static int
assign_zpci(struct ctx *c)
{
	struct pcifix_plan *plan = c->plan;
	unsigned char *uids = pcifix_xcalloc(0x10000, 1);
	long long next_uid = 1, next_fid = 0, *fids = pcifix_xcalloc(plan->ndevs + 1, sizeof(*fids));
	size_t k, i, pass, nfids = 0, nf = 0;
	int rc = 0;

	/* What the file wrote is taken first. */
	for (i = 0; i < plan->ndevs; i++) {
		struct pcifix_adev *a = plan->devs[i];

		if (a->state == PCIFIX_A_PCI && a->zpci_uid > 0)
			uids[a->zpci_uid] = 1;
		if (a->state == PCIFIX_A_PCI && a->zpci_fid >= 0)
			fids[nfids++] = a->zpci_fid;
	}
	qsort(fids, nfids, sizeof(*fids), ll_cmp);
	/* Then, in libvirt's device order, written addresses before new ones. */
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < sizeof(collect_order) / sizeof(collect_order[0]); k++)
			for (i = 0; i < c->ncls[collect_order[k]]; i++) {
				struct pcifix_adev *a = c->cls[collect_order[k]][i];

				if (a->state != PCIFIX_A_PCI || a->flags == 0 ||
				    (pass == 0) != a->from_file)
					continue;
				if (a->zpci_uid < 0) {
					while (next_uid <= 0xffff && uids[next_uid])
						next_uid++;
					if (next_uid > 0xffff) {
						report(c, a, "pci-capacity",
						       pcifix_xstrdup("no free zPCI uid left"));
						rc = -1;
						goto out;
					}
					a->zpci_uid = next_uid;
					uids[next_uid] = 1;
					a->zpci_added |= 1;
				}
				if (a->zpci_fid < 0) {
					/* Skip the written fids (sorted): no rescans. */
					while (nf < nfids && fids[nf] < next_fid)
						nf++;
					while (nf < nfids && fids[nf] == next_fid) {
						next_fid++;
						nf++;
					}
					a->zpci_fid = next_fid++;
					a->zpci_added |= 2;
				}
			}
out:
	free(uids);
	free(fids);
	return rc;
}

/* ---- values ---------------------------------------------------------- */

/* pseries: a PHB's target index, the lowest one (1-30) no PHB uses yet. */
static int
phb_values(struct ctx *c, struct pcifix_adev *a)
{
	size_t j;
	long long t;

	if (a->model_name == NULL) {
		a->model_name = "spapr-pci-host-bridge";
		a->model_name_added = true;
	}
	if (a->target_index >= 0)
		return 0;
	/*
	 * Taken are the indexes of PHBs that already carry the PHB model name:
	 * those before this one in the list (filled in already), and later
	 * ones whose name the file wrote.  That is what libvirt looks at.
	 */
	for (t = a->index == 0 ? 0 : 1; t <= 30; t++) {
		bool used = false;

		for (j = 0; j < c->plan->nctrls && !used; j++) {
			const struct pcifix_adev *o = c->plan->ctrls[j];

			used = o != a && is_pci_ctrl(o) && o->target_index == t &&
			       streq(o->model_name, "spapr-pci-host-bridge");
		}
		if (!used || a->index == 0)
			break;
	}
	if (t > 30) {
		report(c, a, "pci-controller", pcifix_xasprintf(
			"no usable target index found for PHB %lld", a->index));
		return -1;
	}
	a->target_index = t;
	a->targets_added |= PCIFIX_TGT_INDEX;
	return 0;
}

static int
fill_controller_values(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->plan->nctrls; i++) {
		struct pcifix_adev *a = c->plan->ctrls[i];
		const struct pcifix_pci_model *m;

		if (!is_pci_ctrl(a) || (m = pcifix_pci_model_find(a->model)) == NULL)
			continue;
		if (c->t->phbs && strcmp(m->model, "pci-root") == 0) {
			if (phb_values(c, a) < 0)
				return -1;
			continue;
		}
		if (a->model_name == NULL && m->model_name) {
			a->model_name = m->model_name;
			a->model_name_added = true;
		}
		switch (m->target) {
		case PCIFIX_TARGET_CHASSIS_NR:
			if (a->chassis_nr < 0) {
				a->chassis_nr = a->index;
				a->targets_added |= PCIFIX_TGT_CHASSIS_NR;
			}
			break;
		case PCIFIX_TARGET_CHASSIS_PORT:
		case PCIFIX_TARGET_CHASSIS_SLOT:
			if (a->chassis < 0) {
				a->chassis = a->index;
				a->targets_added |= PCIFIX_TGT_CHASSIS;
			}
			if (a->port < 0 && a->state == PCIFIX_A_PCI) {
				a->port = m->target == PCIFIX_TARGET_CHASSIS_PORT ?
					  (long long)(a->addr.slot * 8 + a->addr.function) :
					  (long long)a->addr.slot;
				a->targets_added |= PCIFIX_TGT_PORT;
			}
			break;
		case PCIFIX_TARGET_BUS_NR:
			if (a->bus_nr < 0) {
				size_t j;
				long long low = 256;

				for (j = 0; j < c->plan->nctrls; j++)
					if (is_pci_ctrl(c->plan->ctrls[j]) &&
					    c->plan->ctrls[j]->bus_nr >= 0 &&
					    c->plan->ctrls[j]->bus_nr < low)
						low = c->plan->ctrls[j]->bus_nr;
				if (low <= 2) {
					report(c, a, "pci-controller", pcifix_xasprintf(
						"no free busNr lower than the current lowest busNr "
						"is available to auto-assign to bus %lld; set it by "
						"hand", a->index));
					return -1;
				}
				a->bus_nr = low - 2;
				a->targets_added |= PCIFIX_TGT_BUS_NR;
			}
			break;
		case PCIFIX_TARGET_NONE:
			break;
		}
		if (strcmp(m->model, "pci-bridge") == 0 && a->state == PCIFIX_A_PCI &&
		    a->addr.bus >= a->index) {
			report(c, a, "pci-controller", pcifix_xasprintf(
				"PCI controller at index %lld (0x%02llx) has bus='0x%02x', but "
				"index must be larger than bus", a->index, a->index, a->addr.bus));
			return -1;
		}
	}
	return 0;
}

int
pcifix_adev_addr_cmp(const void *pa, const void *pb)
{
	const struct pcifix_adev *a = *(struct pcifix_adev *const *)pa;
	const struct pcifix_adev *b = *(struct pcifix_adev *const *)pb;

	return pcifix_pci_addr_cmp(&a->addr, &b->addr);
}

/* Function 0 of every slot with more functions in use gets multifunction='on'. */
static void
fill_multifunction(struct pcifix_plan *plan)
{
	struct pcifix_adev **v = pcifix_xcalloc(plan->ndevs, sizeof(*v));
	size_t n = 0, i, j;

	for (i = 0; i < plan->ndevs; i++)
		if (plan->devs[i]->state == PCIFIX_A_PCI)
			v[n++] = plan->devs[i];
	qsort(v, n, sizeof(*v), pcifix_adev_addr_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j]->addr.domain == v[i]->addr.domain &&
		     v[j]->addr.bus == v[i]->addr.bus && v[j]->addr.slot == v[i]->addr.slot; j++)
			;
		if (j - i > 1 && v[i]->addr.function == 0 && v[i]->multi == PCIFIX_TRI_ABSENT) {
			v[i]->multi = PCIFIX_TRI_ON;
			if (v[i]->from_file)
				v[i]->multi_added = true;
		}
	}
	free(v);
}

/* ---- entry ----------------------------------------------------------- */

/* <target><node>N</node></target> must name a cell of <cpu><numa>. */
static bool
numa_node_ok(struct ctx *c, struct pcifix_adev *a)
{
	struct pcifix_node *node = pcifix_node_child(a->dev->target.node, "node"), *cpu, *numa, *cell;
	unsigned long long want, id;
	size_t ncells = 0;

	if (node == NULL || node->text == NULL || pcifix_parse_uint(node->text, 65535, &want) < 0)
		return true;
	if (a->index == 0) {
		report(c, a, "pci-controller", pcifix_xstrdup(
			"the PCI controller with index=0 can't be associated with a NUMA node"));
		return false;
	}
	cpu = pcifix_node_child(c->dom->doc->root, "cpu");
	numa = cpu ? pcifix_node_child(cpu, "numa") : NULL;
	for (cell = numa ? numa->first_child : NULL; cell; cell = cell->next) {
		if (cell->in_namespace || strcmp(cell->name, "cell") != 0)
			continue;
		ncells++;
		if (pcifix_parse_uint(pcifix_node_attr(cell, "id"), 65535, &id) == 0 && id == want)
			return true;
	}
	report(c, a, "pci-controller", pcifix_xasprintf(
		"%s with index %lld is configured for a NUMA node (%llu) not present in the "
		"domain's <cpu><numa> array (%zu)", a->model, a->index, want, ncells));
	return false;
}

/* IDE: only the PIIX3's single controller (index 0). */
static int
check_ide(struct ctx *c)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < c->plan->nctrls; i++) {
		struct pcifix_adev *a = c->plan->ctrls[i];

		if (!streq(a->type, "ide"))
			continue;
		if (c->t->chipset != PCIFIX_CHIPSET_PIIX3) {
			report(c, a, "pci-controller", pcifix_xstrdup(
				a->dev ? "IDE controllers are unsupported for this QEMU binary or "
					 "machine type" :
				"IDE disks need an IDE controller, which this machine type does "
				"not have (use bus='sata' or 'scsi')"));
			rc = -1;
		} else if (a->index > 0) {
			report(c, a, "pci-controller", pcifix_xasprintf(
				"only a single IDE controller is supported for this machine type "
				"(index %lld)%s", a->index, a->dev ? "" :
				": an IDE disk names controller 1 or more"));
			rc = -1;
		}
	}
	return rc;
}

/* A written <target> value outside what libvirt accepts. */
static bool
target_out_of_range(struct ctx *c, struct pcifix_adev *a, const char *name, long long v,
		    long long lo, long long hi)
{
	if (v < 0 || (v >= lo && v <= hi))
		return false;
	report(c, a, "pci-controller", pcifix_xasprintf(
		"PCI controller %s '%lld' out of range - must be %lld-%lld", name, v, lo, hi));
	return true;
}

static int
ctrl_key_cmp(const void *pa, const void *pb)
{
	const struct pcifix_adev *a = *(struct pcifix_adev *const *)pa;
	const struct pcifix_adev *b = *(struct pcifix_adev *const *)pb;
	int r = strcmp(a->type ? a->type : "", b->type ? b->type : "");

	if (r)
		return r;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	r = strcmp(a->model ? a->model : "", b->model ? b->model : "");
	if (r)
		return r;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* libvirt's checks of controllers; every problem is reported. */
static int
check_controllers(struct ctx *c)
{
	struct pcifix_plan *plan = c->plan;
	struct pcifix_adev **v;
	size_t i;
	int rc = 0;

	/* Duplicate indexes: sort a copy by (type, index). */
	v = pcifix_xcalloc(plan->nctrls + 1, sizeof(*v));
	for (i = 0; i < plan->nctrls; i++) {
		v[i] = plan->ctrls[i];
		v[i]->order = (unsigned)i;
	}
	qsort(v, plan->nctrls, sizeof(*v), ctrl_key_cmp);
	for (i = 1; i < plan->nctrls; i++) {
		struct pcifix_adev *p = v[i - 1], *a = v[i];

		/* A USB2 set shares one index on purpose, one controller per model. */
		if (!streq(p->type, a->type) || p->index != a->index ||
		    (is_usb2(p) && is_usb2(a) && !streq(p->model, a->model)))
			continue;
		report(c, plan->ctrls[p->order > a->order ? p->order : a->order], "pci-controller",
		       pcifix_xasprintf("multiple '%s' controllers with index '%lld'", a->type,
					a->index));
		rc = -1;
	}
	free(v);

	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *a = plan->ctrls[i];
		const struct pcifix_pci_model *m;

		if (!is_pci_ctrl(a))
			continue;
		m = pcifix_pci_model_find(a->model);
		if (a->index == 0 && !streq(a->model, c->t->root_model)) {
			report(c, a, "pci-controller", pcifix_xasprintf(
				"the PCI controller with index='0' must be model='%s' for this "
				"machine type, but model='%s' was found instead", c->t->root_model,
				a->model ? a->model : "(none)"));
			rc = -1;
			continue;
		}
		if (m == NULL) {
			report(c, a, "pci-controller",
			       a->model ? pcifix_xasprintf("unknown PCI controller model '%s'",
							   a->model) :
			       pcifix_xasprintf("PCI controller index %lld has no model; libvirt "
						"rejects it (\"PCI controller model was not set "
						"correctly\")", a->index));
			rc = -1;
			continue;
		}
		if (m->is_root && a->index != 0 && !c->t->phbs) {
			report(c, a, "pci-controller", pcifix_xstrdup(
				"pci-root and pcie-root controllers should have index 0"));
			rc = -1;
		}
		if (m->is_root && a->dev && a->dev->addr.type != PCIFIX_ADDR_ABSENT) {
			report(c, a, "pci-controller", pcifix_xstrdup(
				"pci-root and pcie-root controllers should not have an address"));
			rc = -1;
		}
		if (a->index > 255) {
			report(c, a, "pci-controller", pcifix_xasprintf(
				"PCI controller index %lld too high, maximum is 255", a->index));
			rc = -1;
		}
		if ((strcmp(m->model, "pci-expander-bus") == 0 &&
		     c->t->family != PCIFIX_FAMILY_PC) ||
		    (strcmp(m->model, "pcie-expander-bus") == 0 &&
		     c->t->family != PCIFIX_FAMILY_Q35)) {
			report(c, a, "pci-controller", pcifix_xasprintf(
				"%s controllers are only supported on %s-based machine types",
				m->model, strcmp(m->model, "pci-expander-bus") == 0 ? "440fx" :
				"q35"));
			rc = -1;
		}
		if (a->model_name &&
		    !(m->model_name && strcmp(a->model_name, m->model_name) == 0) &&
		    !(m->alt_name && strcmp(a->model_name, m->alt_name) == 0) &&
		    !(c->t->phbs && strcmp(m->model, "pci-root") == 0 &&
		      strcmp(a->model_name, "spapr-pci-host-bridge") == 0)) {
			report(c, a, "pci-controller", pcifix_xasprintf(
				"<model name='%s'/> does not fit a %s controller (libvirt: "
				"\"Option 'modelName' has invalid value\"); it takes %s%s%s",
				a->model_name, m->model,
				m->model_name ? m->model_name : "no model name",
				m->alt_name ? " or " : "", m->alt_name ? m->alt_name : ""));
			rc = -1;
		}
		if (a->dev && a->dev->target.node && !numa_node_ok(c, a)) {
			rc = -1;
		}
		if (target_out_of_range(c, a, "chassisNr", a->chassis_nr, 1, 255) ||
		    target_out_of_range(c, a, "chassis", a->chassis, 0, 255) ||
		    target_out_of_range(c, a, "port", a->port, 0, 255) ||
		    target_out_of_range(c, a, "busNr", a->bus_nr, 1, 254))
			rc = -1;
	}
	return rc;
}

static void
plan_reset(struct pcifix_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->ndevs; i++)
		free(plan->devs[i]);
	free(plan->devs);
	free(plan->ctrls);
	plan->devs = NULL;
	plan->ctrls = NULL;
	plan->ndevs = plan->cap = plan->nctrls = plan->ctrl_cap = 0;
}

static int
attempt(struct ctx *c)
{
	struct pcifix_plan *plan = c->plan;
	const struct pcifix_domain *dom = c->dom;
	size_t i;
	int r;

	for (i = 0; i < dom->ndevs; i++)
		adev_from_device(c, &dom->devs[i]);
	plan->ctrl_cap = plan->ndevs + 1;
	plan->ctrls = pcifix_xcalloc(plan->ctrl_cap, sizeof(*plan->ctrls));
	for (i = 0; i < plan->ndevs; i++)
		if (plan->devs[i]->kind == PCIFIX_KIND_CONTROLLER)
			insert_controller(plan, plan->devs[i],
					  pcifix_node_child(plan->devs[i]->dev->node, "master") != NULL);
	fill_indexes(plan);
	if (check_controllers(c) < 0)
		return -1;
	if (add_implicit_devices(c) < 0 || check_ide(c) < 0)
		return -1;
	c->pcie_root = streq(c->t->root_model, "pcie-root");
	c->max_idx = -1;
	for (i = 0; i < plan->nctrls; i++)
		if (is_pci_ctrl(plan->ctrls[i]) && plan->ctrls[i]->index > c->max_idx)
			c->max_idx = (int)plan->ctrls[i]->index;
	compute_flags(c);
	if (c->t->ccw && !ccw_devices(c)) {
		plan->no_pci = true;   /* every device uses ccw: nothing to do */
		return 0;
	}
	build_classes(c);
	r = dry_run(c);
	if (r == 0)
		r = real_pass(c);
	if (r == 0)
		r = fill_controller_values(c);
	if (r == 0)
		fill_multifunction(plan);
	if (r == 0 && c->t->ccw)
		r = assign_zpci(c);
	return r;
}

int
pcifix_assign(const struct pcifix_domain *dom, struct pcifix_plan *plan,
	      struct pcifix_diags *diags)
{
	struct ctx c;
	size_t k;
	int r;

	memset(plan, 0, sizeof(*plan));
	plan->dom = dom;
	plan->target = pcifix_target_find(dom);
	memset(&c, 0, sizeof(c));
	if (plan->target == NULL) {
		/* Nothing to assign: the devices as they are, for --list. */
		size_t i;

		c.plan = plan;
		c.dom = dom;
		for (i = 0; i < dom->ndevs; i++) {
			struct pcifix_adev *a;

			adev_from_device(&c, &dom->devs[i]);
			a = plan->devs[plan->ndevs - 1];
			a->flags = pcifix_device_flags(a->kind, a->type, a->model, a->bus, false);
		}
		return 0;
	}
	for (;;) {
		c.plan = plan;
		c.dom = dom;
		c.t = plan->target;
		c.diags = diags;
		c.file = dom->doc->file;
		r = attempt(&c);
		for (k = 0; k < PCIFIX_KIND__COUNT; k++) {
			free(c.cls[k]);
			c.cls[k] = NULL;
			c.ncls[k] = c.capcls[k] = 0;
		}
		if (r != -2)
			break;
		/*
		 * libvirt gives up here although a layout exists: try again,
		 * letting bridges be added where libvirt cannot, then with
		 * more bridges until everything fits.
		 */
		plan_reset(plan);
		/* 1, 2, 4, ... extra bridges: a handful of tries at most. */
		if (c.relaxed)
			c.extra_bridges = c.extra_bridges ? c.extra_bridges * 2 : 1;
		if (c.extra_bridges > MAX_EXTRA_BRIDGES)
			c.extra_bridges = MAX_EXTRA_BRIDGES;
		c.relaxed = true;
	}
	plan->relaxed = c.relaxed;
	return r == 0 ? 0 : -1;
}

void
pcifix_plan_free(struct pcifix_plan *plan)
{
	plan_reset(plan);
	memset(plan, 0, sizeof(*plan));
}
