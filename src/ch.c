/* ch.c - Cloud Hypervisor: segment:00:slot.0 addresses in CHV's own creation order. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

/*
 * Cloud Hypervisor puts every PCI device at function 0 of bus 0 of a PCI
 * segment; the XML's domain attribute is the segment.  Devices without a
 * pinned id get the first free device number, in the order CHV creates
 * them.  Its default console (a virtio-console, present even when the XML
 * has no <console>) comes first, so pcifix keeps a slot of segment 0 for
 * it unless told the VMM runs with the console off.
 */


/* CHV's creation order, and the order of the libvirt ch driver draft. */
static const enum pcifix_ch_group chv_order[] = {
	PCIFIX_CH_CONSOLE, PCIFIX_CH_DISK, PCIFIX_CH_NET, PCIFIX_CH_RNG, PCIFIX_CH_FS,
	PCIFIX_CH_PMEM, PCIFIX_CH_VSOCK, PCIFIX_CH_MEM, PCIFIX_CH_BALLOON, PCIFIX_CH_WATCHDOG,
	PCIFIX_CH_VDPA, PCIFIX_CH_VFIO,
};
static const enum pcifix_ch_group libvirt_order[] = {
	PCIFIX_CH_RNG, PCIFIX_CH_NET, PCIFIX_CH_DISK, PCIFIX_CH_FS, PCIFIX_CH_PMEM,
	PCIFIX_CH_VSOCK, PCIFIX_CH_MEM, PCIFIX_CH_BALLOON, PCIFIX_CH_WATCHDOG, PCIFIX_CH_VDPA,
	PCIFIX_CH_VFIO,
};

/* Every PCI segment: endpoints only, auto-assignable. */
static const struct pcifix_pci_model ch_segment = {
	.model = "cloud-hypervisor segment",
	.is_root = true,
	.bus_flags = PCIFIX_CF_AUTOASSIGN | PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_PCIE_DEVICE,
	.min_slot = 1,
	.max_slot = 31,
};


/* Where CHV's group for a device is not its kind's (kinds.c). */
static const struct {
	enum pcifix_kind kind;
	const char *type;        /* NULL: any */
	const char *model;       /* NULL: any */
	enum pcifix_ch_group group;
} ch_groups[] = {
	{ PCIFIX_KIND_INTERFACE, "vdpa", NULL, PCIFIX_CH_VDPA },
	{ PCIFIX_KIND_INTERFACE, "hostdev", NULL, PCIFIX_CH_VFIO },
	{ PCIFIX_KIND_MEMORY, NULL, "virtio-pmem", PCIFIX_CH_PMEM },
	{ PCIFIX_KIND_MEMORY, NULL, "nvdimm", PCIFIX_CH_PMEM },
	{ PCIFIX_KIND_MEMORY, NULL, "virtio-mem", PCIFIX_CH_MEM },
	{ PCIFIX_KIND_MEMBALLOON, NULL, "none", PCIFIX_CH_NONE },
	{ PCIFIX_KIND_HOSTDEV, "pci", NULL, PCIFIX_CH_VFIO },
};

static enum pcifix_ch_group
group_of(const struct pcifix_device *d)
{
	size_t i;

	for (i = 0; i < sizeof(ch_groups) / sizeof(ch_groups[0]); i++)
		if (ch_groups[i].kind == d->kind &&
		    (ch_groups[i].type == NULL || pcifix_streq(ch_groups[i].type, d->type)) &&
		    (ch_groups[i].model == NULL || pcifix_streq(ch_groups[i].model, d->model)))
			return ch_groups[i].group;
	return pcifix_kind_row(d->kind)->ch_group;
}

static void
report(struct pcifix_diags *diags, const char *file, enum pcifix_rule_id rule,
       const struct pcifix_device *d, char *msg)
{
	pcifix_diag_device(diags, rule, file, d, true, NULL, msg);
}

/* The disk the guest boots from: <boot order='1'/>, else the first disk. */
static const struct pcifix_device *
boot_disk(const struct pcifix_domain *dom)
{
	const struct pcifix_device *first = NULL;
	size_t i;

	for (i = 0; i < dom->ndevs; i++) {
		const struct pcifix_device *d = &dom->devs[i];

		if (d->kind != PCIFIX_KIND_DISK)
			continue;
		if (first == NULL)
			first = d;
		if (d->boot_first)
			return d;
	}
	return first;
}

/* The lowest free slot of one segment. */
static int
place_on_segment(struct pcifix_addrset *s, unsigned seg, struct pcifix_pci_addr *addr,
		 char **err)
{
	unsigned slot;

	*err = NULL;
	if (seg >= s->nbuses) {
		*err = pcifix_xasprintf("segment %u is beyond the %zu PCI segment%s configured "
					"(--pci-segments)", seg, s->nbuses, s->nbuses == 1 ? "" : "s");
		return -1;
	}
	for (slot = s->buses[seg].min_slot; slot <= s->buses[seg].max_slot; slot++) {
		char *e;

		memset(addr, 0, sizeof(*addr));
		addr->domain = seg;
		addr->slot = slot;
		if (pcifix_addrset_reserve(s, addr, PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_AUTOASSIGN, false,
					   &e) == 0)
			return 0;
		free(e);
	}
	*err = pcifix_xasprintf("no free slot left on PCI segment %u", seg);
	return -1;
}

int
pcifix_assign_ch(const struct pcifix_domain *dom, const struct pcifix_opts *opts,
		 struct pcifix_plan *plan, struct pcifix_diags *diags)
{
	const char *file = dom->doc->file;
	const enum pcifix_ch_group *order = opts->ch_order_libvirt ? libvirt_order : chv_order;
	size_t norder = opts->ch_order_libvirt ? sizeof(libvirt_order) / sizeof(libvirt_order[0]) :
						 sizeof(chv_order) / sizeof(chv_order[0]);
	unsigned nseg = opts->pci_segments ? opts->pci_segments : 1;
	struct pcifix_addrset s;
	unsigned flags = PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_AUTOASSIGN;
	size_t i, k;
	int rc = 0;
	char *err;

	plan->machine = dom->row;
	plan->dom = dom;
	pcifix_addrset_init(&s, nseg, false);
	s.segments = true;
	for (i = 0; i < nseg; i++) {
		pcifix_addrset_set_model(&s, i, &ch_segment, true);
		/* Device 0 of segment 0 is the host bridge; elsewhere it may be free. */
		if (i > 0 && opts->ch_slot0)
			s.buses[i].min_slot = s.buses[i].free_hint = s.buses[i].agg_hint = 0;
	}

	for (i = 0; i < dom->ndevs; i++) {
		struct pcifix_device *d = &dom->devs[i];
		struct pcifix_adev *a = pcifix_plan_new_adev(plan);

		a->dev = d;
		a->kind = d->kind;
		a->type = d->type;
		a->model = d->model;
		a->bus = d->bus;
		a->index = d->index;
		a->state = PCIFIX_A_OTHER;
		if (d->kind == PCIFIX_KIND_CONTROLLER && pcifix_streq(d->type, "pci")) {
			report(diags, file, PCIFIX_R_CH_CONTROLLER, d, pcifix_xstrdup(
				"Cloud Hypervisor has no PCI controllers: every device sits on bus 0 "
				"of a PCI segment (remove this element)"));
			rc = -1;
			continue;
		}
		if (group_of(d) == PCIFIX_CH_NONE)
			continue;
		a->flags = flags;
		if (d->addr.type == PCIFIX_ADDR_ABSENT || (d->addr.type == PCIFIX_ADDR_PCI &&
							   d->addr.empty && d->addr.pci.domain == 0)) {
			a->state = PCIFIX_A_WANTED;
			continue;
		}
		/* <address type='pci' domain='N'/>: any free slot, but on segment N. */
		if (d->addr.type == PCIFIX_ADDR_PCI && d->addr.pci.bus == 0 && d->addr.pci.slot == 0 &&
		    d->addr.pci.function == 0 && !opts->ch_slot0 &&
		    !d->addr.has_slot) {
			a->state = PCIFIX_A_WANTED;
			a->want_segment = d->addr.pci.domain;
			continue;
		}
		if (d->addr.type != PCIFIX_ADDR_PCI)
			continue;
		a->state = PCIFIX_A_PCI;
		a->addr = d->addr.pci;
		a->multi = d->addr.multifunction;
		a->from_file = true;
		if (d->addr.multifunction != PCIFIX_TRI_ABSENT) {
			report(diags, file, PCIFIX_R_CH_ADDRESS, d, pcifix_xstrdup(
				"Cloud Hypervisor has no multifunction devices: remove the "
				"multifunction attribute"));
			rc = -1;
		}
		if (pcifix_addrset_reserve(&s, &a->addr, flags, true, &err)) {
			report(diags, file, PCIFIX_R_CH_ADDRESS, d, err);
			rc = -1;
		}
	}
	if (rc < 0)
		goto out;

	/* CHV's default virtio-console: created first, on segment 0. */
	if (!opts->ch_order_libvirt && !opts->ch_console_off) {
		struct pcifix_adev *con = pcifix_plan_new_adev(plan);
		struct pcifix_pci_addr a;
		size_t keep = s.nbuses;

		con->kind = PCIFIX_KIND_CONSOLE;
		con->model = "virtio-console";
		con->phantom = true;
		con->flags = flags;
		s.nbuses = 1;   /* segment 0 only */
		if (pcifix_addrset_reserve_next(&s, flags, -1, &a, &err)) {
			s.nbuses = keep;
			report(diags, file, PCIFIX_R_CH_CAPACITY, NULL, pcifix_xasprintf(
				"no slot of segment 0 is left for Cloud Hypervisor's default "
				"virtio-console (%s)", err));
			free(err);
			rc = -1;
			goto out;
		}
		s.nbuses = keep;
		con->state = PCIFIX_A_PCI;
		con->addr = a;
		con->assigned = true;
	}

	for (k = 0; k < norder; k++) {
		for (i = 0; i < plan->ndevs; i++) {
			struct pcifix_adev *a = plan->devs[i];
			struct pcifix_pci_addr addr;

			if (a->dev == NULL || a->state != PCIFIX_A_WANTED ||
			    group_of(a->dev) != order[k])
				continue;
			if (a->want_segment >= 0) {
				if (place_on_segment(&s, (unsigned)a->want_segment, &addr, &err) < 0) {
					report(diags, file, (size_t)a->want_segment >= s.nbuses ?
					       PCIFIX_R_CH_ADDRESS : PCIFIX_R_CH_CAPACITY, a->dev, err);
					rc = -1;
					goto out;
				}
			} else if (pcifix_addrset_reserve_next(&s, flags, -1, &addr, &err)) {
				report(diags, file, PCIFIX_R_CH_CAPACITY, a->dev, err);
				rc = -1;
				goto out;
			}
			a->state = PCIFIX_A_PCI;
			a->addr = addr;
			a->assigned = true;
		}
	}

	if (strcmp(dom->arch, "aarch64") == 0) {
		const struct pcifix_device *b = boot_disk(dom);

		for (i = 0; b && i < plan->ndevs; i++) {
			struct pcifix_adev *a = plan->devs[i];

			if (a->dev == b && a->state == PCIFIX_A_PCI && a->addr.domain != 0)
				report(diags, file, PCIFIX_R_CH_BOOT_SEGMENT, b, pcifix_xasprintf(
					"the boot disk is on PCI segment %u, but the aarch64 Cloud "
					"Hypervisor firmware enumerates segment 0 only", a->addr.domain));
		}
	}
out:
	pcifix_addrset_free(&s);
	return rc;
}
