/* assign-implicit.c - libvirt's controller list order and indexes, and the implicit devices it adds. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

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

		if (!pcifix_streq(cur->type, a->type))
			continue;
		if (a->index == -1) {
			at = i + 1;
			break;
		}
		if (cur->index > a->index) {
			at = i;
		} else if (!companion && cur->dev && cur->dev->usb_master &&
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

/* used[i]: whether a controller of `type` has index i (0..n: a higher one is never the lowest free). */
static void
mark_used(const struct pcifix_plan *plan, const char *type, bool *used, size_t n)
{
	size_t i;

	memset(used, 0, (n + 1) * sizeof(*used));
	for (i = 0; i < plan->nctrls; i++)
		if (plan->ctrls[i]->index >= 0 && (size_t)plan->ctrls[i]->index <= n &&
		    pcifix_streq(plan->ctrls[i]->type, type))
			used[plan->ctrls[i]->index] = true;
}

/*
 * A controller without index gets the lowest its type does not use, in list
 * order (a USB2 companion the index of the set just before it).  The used
 * indexes are marked once per run of one type, not searched per number.
 */
static void
fill_indexes(struct pcifix_plan *plan)
{
	bool *used = pcifix_xcalloc(plan->nctrls + 1, sizeof(*used));
	const char *marked = NULL;   /* the type `used` is for */
	size_t i, j;

	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *a = plan->ctrls[i];

		if (a->index != -1)
			continue;
		if (pcifix_adev_is_usb2(a)) {
			/* A companion joins the USB2 controller just before it. */
			for (j = i; j-- > 0;) {
				struct pcifix_adev *p = plan->ctrls[j];
				size_t k;
				bool taken = false;

				if (!pcifix_adev_is_usb2(p) || p->index < 0)
					continue;
				for (k = 0; k < plan->nctrls; k++)
					if (pcifix_adev_is_usb2(plan->ctrls[k]) && plan->ctrls[k]->index == p->index &&
					    pcifix_streq(plan->ctrls[k]->model, a->model))
						taken = true;
				if (!taken)
					a->index = p->index;
				break;
			}
			if (a->index != -1) {
				marked = NULL;
				continue;
			}
		}
		if (marked == NULL || !pcifix_streq(marked, a->type)) {
			mark_used(plan, a->type, used, plan->nctrls);
			marked = a->type;
		}
		a->index = 0;
		while (used[a->index])
			a->index++;
		used[a->index] = true;
	}
	free(used);
}

static void
maybe_add_controller(struct pcifix_actx *c, const char *type, long long idx, const char *model)
{
	if (pcifix_plan_find_ctrl(c->plan, type, idx) == NULL)
		pcifix_actx_add_controller(c, type, idx, model);
}

/* Index of a disk from its target name as libvirt reads it: hda -> 0, sdb -> 1,
 * vdaa -> 26, xvdc -> 2; -1 when the name is not a disk name. */
long
pcifix_disk_index(const char *dev)
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
	if (d->addr.type == PCIFIX_ADDR_DRIVE)
		return d->addr.controller < 0 ? 0 : (long)d->addr.controller;
	{
		long idx = pcifix_disk_index(d->name);

		return idx < 0 ? 0 : idx / units;
	}
}

/*
 * More controllers than this could never all get a PCI slot (a pc holds
 * about 7700 devices): report instead of building them.
 */
#define MAX_IMPLIED_CONTROLLERS 1024

/* Controllers 0 to max of `type`, those missing added with `model`; -1: too many. */
static int
add_up_to(struct pcifix_actx *c, const char *type, long max, const struct pcifix_device *worst,
	  const char *model)
{
	long i;

	if (max >= MAX_IMPLIED_CONTROLLERS) {
		char *desc = pcifix_device_describe(worst);

		pcifix_diag_add(c->diags, PCIFIX_R_PCI_CAPACITY, c->file, worst->line,
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

/* The controllers the disks on `bus` name, up to the highest. */
static int
add_disk_controllers(struct pcifix_actx *c, const char *type, const char *bus, long units,
		     const char *model)
{
	const struct pcifix_domain *dom = c->dom;
	const struct pcifix_device *worst = NULL;
	long max = -1;
	size_t k;

	for (k = 0; k < dom->ndevs; k++) {
		const struct pcifix_device *d = &dom->devs[k];

		if (d->kind == PCIFIX_KIND_DISK && pcifix_streq(d->bus, bus) &&
		    disk_controller(d, units) > max) {
			max = disk_controller(d, units);
			worst = d;
		}
	}
	return add_up_to(c, type, max, worst, model);
}

/*
 * SCSI hostdevs' controllers.  libvirt adds them while it parses, after each
 * hostdev (so after the controllers the file has, before any default one):
 * those from 0 to the highest index named so far, with the model of the
 * controller the hostdev that raised the highest index is on, when that one
 * has a model (so that all of them stay one model).  A hostdev without an
 * address counts as controller 0 then (libvirt gives it a unit later).
 */
static int
add_hostdev_scsi_controllers(struct pcifix_actx *c)
{
	const struct pcifix_domain *dom = c->dom;
	const char *model = NULL;   /* none: libvirt's default */
	long max = -1, i;
	size_t k;

	for (k = 0; k < dom->ndevs; k++) {
		const struct pcifix_device *d = &dom->devs[k];
		const struct pcifix_adev *ctl;

		if (d->kind != PCIFIX_KIND_HOSTDEV || !pcifix_streq(d->type, "scsi") ||
		    (d->addr.type != PCIFIX_ADDR_DRIVE && d->addr.type != PCIFIX_ADDR_ABSENT) ||
		    disk_controller(d, 7) <= max)
			continue;
		max = disk_controller(d, 7);
		if (max >= MAX_IMPLIED_CONTROLLERS)
			return add_up_to(c, "scsi", max, d, NULL);
		ctl = pcifix_plan_find_ctrl(c->plan, "scsi", max);
		if (ctl && (ctl->dev ? ctl->dev->model != NULL : !ctl->model_default))
			model = ctl->model;
		for (i = 0; i <= max; i++)
			if (pcifix_plan_find_ctrl(c->plan, "scsi", i) == NULL)
				pcifix_actx_add_controller(c, "scsi", i, model ? model :
							   c->t->default_scsi)->model_default = !model;
	}
	return 0;
}

static void
add_virtio_serial_controllers(struct pcifix_actx *c)
{
	const struct pcifix_domain *dom = c->dom;
	size_t k;

	for (k = 0; k < dom->ndevs; k++) {
		const struct pcifix_device *d = &dom->devs[k];
		long long v = 0;

		if ((d->kind != PCIFIX_KIND_CHANNEL && d->kind != PCIFIX_KIND_CONSOLE) ||
		    !pcifix_streq(d->bus, "virtio"))
			continue;
		if (d->addr.type == PCIFIX_ADDR_VIRTIO_SERIAL && d->addr.controller >= 0)
			v = d->addr.controller;
		maybe_add_controller(c, "virtio-serial", v, NULL);
	}
}

/* A virtio-serial controller's ports, as libvirt hands them out. */
struct vs_ctrl {
	long long index;
	size_t nports;          /* ports=, or libvirt's 31 */
	unsigned char *used;
};

static void
vs_add(struct vs_ctrl **v, size_t *n, size_t *cap, long long index, long long ports)
{
	struct vs_ctrl *k;

	if (*n == *cap)
		*v = pcifix_xgrow(*v, cap, 8, sizeof(**v));
	k = &(*v)[(*n)++];
	k->index = index;
	k->nports = ports >= 0 ? (size_t)ports : 31;
	k->used = pcifix_xcalloc(k->nports + 1, 1);
}

/* Where device `d` takes a port: 1 when it needs one handed out, 0 when not. */
static bool
vs_wants_port(const struct pcifix_device *d, enum pcifix_kind kind)
{
	return d->kind == kind && pcifix_streq(d->bus, "virtio") &&
	       !(d->addr.type == PCIFIX_ADDR_VIRTIO_SERIAL && d->addr.port > 0);
}

/*
 * libvirt hands out virtio-serial ports before PCI addresses: written ports
 * are reserved, then each virtio channel without a port takes the first free
 * one from port 1 of the controllers in list order, or of the controller its
 * address names (a virtio console only when its address names one: else it
 * gets port 0, which is never marked taken).  When every port is taken it
 * adds a controller at the lowest free index, at the end of the controller
 * list, and that one takes a PCI address too.
 */
static void
autoadd_virtio_serial(struct pcifix_actx *c)
{
	const struct pcifix_domain *dom = c->dom;
	struct vs_ctrl *v = NULL;
	size_t n = 0, cap = 0, i, k, pass;

	for (i = 0; i < c->plan->nctrls; i++) {
		const struct pcifix_adev *a = c->plan->ctrls[i];

		if (pcifix_streq(a->type, "virtio-serial") && a->index >= 0)
			vs_add(&v, &n, &cap, a->index, a->dev ? a->dev->ports : -1);
	}
	for (i = 0; i < dom->ndevs; i++) {
		const struct pcifix_address *ad = &dom->devs[i].addr;

		if (ad->type != PCIFIX_ADDR_VIRTIO_SERIAL || ad->port <= 0)
			continue;
		for (k = 0; k < n; k++)
			if (v[k].index == (ad->controller < 0 ? 0 : ad->controller) &&
			    (size_t)ad->port < v[k].nports)
				v[k].used[ad->port] = 1;
	}
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < dom->ndevs; i++) {
			const struct pcifix_device *d = &dom->devs[i];
			size_t first = pass == 0 ? 0 : 1, p = 0;
			bool named = d->addr.type == PCIFIX_ADDR_VIRTIO_SERIAL;
			long long want = d->addr.controller < 0 ? 0 : d->addr.controller;
			long long idx = 0;

			if (!vs_wants_port(d, pass == 0 ? PCIFIX_KIND_CONSOLE : PCIFIX_KIND_CHANNEL))
				continue;
			/*
			 * A console libvirt places itself gets port 0, which it never
			 * marks as taken: it uses up nothing.
			 */
			if (pass == 0 && !named)
				continue;
			for (k = 0; k < n; k++) {
				if (named && v[k].index != want)
					continue;
				for (p = named ? 1 : first; p < v[k].nports && v[k].used[p]; p++)
					;
				if (p < v[k].nports || named)
					break;
			}
			if (k < n && p < v[k].nports) {
				v[k].used[p] = 1;
				continue;
			}
			if (named)
				continue;       /* libvirt refuses it: no free port there */
			while (pcifix_plan_find_ctrl(c->plan, "virtio-serial", idx) != NULL)
				idx++;
			pcifix_actx_add_controller(c, "virtio-serial", idx, NULL);
			vs_add(&v, &n, &cap, idx, -1);
			v[n - 1].used[first] = 1;
		}
	for (k = 0; k < n; k++)
		free(v[k].used);
	free(v);
}

int
pcifix_add_implicit_devices(struct pcifix_actx *c)
{
	const struct pcifix_machine *t = c->t;
	struct pcifix_plan *plan = c->plan;
	size_t i;
	bool balloon = false, video = false, graphics = false;

	/* Those libvirt adds while it parses the file. */
	if (add_hostdev_scsi_controllers(c) < 0)
		return -1;
	/* The driver's defaults, in libvirt's order: USB, SATA, root bus, balloon. */
	if (t->implicit_usb && pcifix_plan_find_ctrl(plan, "usb", 0) == NULL)
		pcifix_actx_add_controller(c, "usb", 0, t->implicit_usb);
	if (t->implicit_sata)
		maybe_add_controller(c, "sata", 0, NULL);
	if (!t->root_if_written)          /* s390x too: QEMU has zPCI */
		maybe_add_controller(c, "pci", 0, t->root_model);
	for (i = 0; i < plan->ndevs; i++) {
		balloon |= plan->devs[i]->kind == PCIFIX_KIND_MEMBALLOON;
		video |= plan->devs[i]->kind == PCIFIX_KIND_VIDEO;
	}
	for (i = 0; i < c->dom->ndevs; i++)
		graphics |= c->dom->devs[i].kind == PCIFIX_KIND_GRAPHICS;
	if (t->implicit_memballoon && !balloon) {
		struct pcifix_adev *a = pcifix_plan_new_adev(plan);

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
	autoadd_virtio_serial(c);
	if (graphics && !video) {
		struct pcifix_adev *a = pcifix_plan_new_adev(plan);

		a->kind = PCIFIX_KIND_VIDEO;
		a->model = t->default_video;
		a->state = PCIFIX_A_WANTED;
	}
	return 0;
}

/* The controllers in libvirt's list order, every index filled in. */
void
pcifix_order_controllers(struct pcifix_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->ndevs; i++)
		if (plan->devs[i]->kind == PCIFIX_KIND_CONTROLLER)
			insert_controller(plan, plan->devs[i], plan->devs[i]->dev->usb_master);
	fill_indexes(plan);
}
