/* assign-classes.c - libvirt's device classes and their order, connect flags, virtio-mmio and ccw. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

static bool
video_primary(const struct pcifix_adev *a)
{
	return a->dev && a->dev->primary;
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
sort_disks(struct pcifix_actx *c)
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
		/*
		 * libvirt inserts each disk by the bus as written: one without
		 * bus= is grouped with the others without, although it later takes
		 * the bus its name implies.
		 */
		const char *bus = v[i]->bus && !(v[i]->dev && v[i]->dev->bus_implied) ?
				  v[i]->bus : "";

		/* Few distinct buses: a short linear lookup. */
		for (j = 0; j < nbus && strcmp(buses[j], bus) != 0; j++)
			;
		if (j == nbus)
			buses[nbus++] = bus;
		k[i].a = v[i];
		k[i].bus_rank = j;
		k[i].idx = pcifix_disk_index(v[i]->dev ? v[i]->dev->name : NULL);
		k[i].seq = i;
	}
	qsort(k, n, sizeof(*k), disk_key_cmp);
	for (i = 0; i < n; i++)
		v[i] = k[i].a;
	free(k);
	free(buses);
}

void
pcifix_build_classes(struct pcifix_actx *c)
{
	struct pcifix_plan *plan = c->plan;
	size_t i;
	bool primary_moved = false;

	for (i = 0; i < plan->nctrls; i++)
		pcifix_actx_cls_add(c, PCIFIX_KIND_CONTROLLER, plan->ctrls[i]);
	/* A hostdev inside <interface type='hostdev'> is listed before the <hostdev>s. */
	for (i = 0; i < plan->ndevs; i++)
		if (plan->devs[i]->kind == PCIFIX_KIND_INTERFACE &&
		    pcifix_streq(plan->devs[i]->type, "hostdev"))
			pcifix_actx_cls_add(c, PCIFIX_KIND_HOSTDEV, plan->devs[i]);
	for (i = 0; i < plan->ndevs; i++) {
		struct pcifix_adev *a = plan->devs[i];

		if (a->kind == PCIFIX_KIND_CONTROLLER ||
		    (a->kind == PCIFIX_KIND_INTERFACE && pcifix_streq(a->type, "hostdev")))
			continue;
		if (a->kind == PCIFIX_KIND_VIDEO && !primary_moved && video_primary(a)) {
			/* The video marked primary moves to the front. */
			pcifix_actx_cls_add(c, PCIFIX_KIND_VIDEO, a);
			memmove(&c->cls[PCIFIX_KIND_VIDEO][1], &c->cls[PCIFIX_KIND_VIDEO][0],
				(c->ncls[PCIFIX_KIND_VIDEO] - 1) * sizeof(*c->cls[0]));
			c->cls[PCIFIX_KIND_VIDEO][0] = a;
			primary_moved = true;
			continue;
		}
		pcifix_actx_cls_add(c, a->kind, a);
	}
	sort_disks(c);
}

/*
 * ARM and RISC-V virt: one device with a virtio-mmio address makes libvirt
 * give every virtio device without an address a virtio-mmio one too.
 */
static void
virtio_mmio_switch(struct pcifix_actx *c)
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

		if (a->state == PCIFIX_A_WANTED && pcifix_kind_mmio(a->kind, a->type, a->model, a->bus))
			a->state = PCIFIX_A_OTHER;   /* libvirt gives it virtio-mmio */
	}
}

void
pcifix_compute_flags(struct pcifix_actx *c)
{
	struct pcifix_plan *plan = c->plan;
	size_t i;

	for (i = 0; i < plan->ndevs; i++) {
		struct pcifix_adev *a = plan->devs[i];

		if (a->kind == PCIFIX_KIND_INTERFACE && pcifix_streq(a->type, "hostdev"))
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
		/* The board's own IDE is not on PCI. */
		if (c->t->builtin_ide && a->kind == PCIFIX_KIND_CONTROLLER &&
		    pcifix_streq(a->type, "ide") && a->index == 0)
			a->flags = 0;
	}
	if (c->t->virtio_mmio)
		virtio_mmio_switch(c);
}

/*
 * s390x: virtio devices use ccw unless they ask for PCI with an
 * <address type='pci'/>; the others (PCI hostdevs, e1000, ...) can only be
 * PCI (zPCI).  Returns whether any device takes PCI (the root bus is
 * there either way: libvirt adds it wherever QEMU has zPCI).
 */
bool
pcifix_ccw_devices(struct pcifix_actx *c)
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
	return pci;
}
