/* assign.c - give devices the PCI addresses libvirt's QEMU driver would: implicit devices, dry run, real pass. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

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

const struct pcifix_pci_model *
pcifix_default_bus_model(const struct pcifix_actx *c)
{
	if (c->t->phbs)
		return pcifix_pci_model_find("pci-root");
	return pcifix_pci_model_find(c->pcie_root ? "pcie-root-port" : "pci-bridge");
}

/* The bus table of a pass, from the controllers as they stand. */
static int
set_create(struct pcifix_actx *c, struct pcifix_addrset *s, bool dry)
{
	struct pcifix_plan *plan = c->plan;
	size_t i, nbuses = 0;

	for (i = 0; i < plan->nctrls; i++)
		if (pcifix_adev_is_pci_ctrl(plan->ctrls[i]) && (size_t)plan->ctrls[i]->index + 1 > nbuses)
			nbuses = (size_t)plan->ctrls[i]->index + 1;
	pcifix_addrset_init(s, nbuses, dry);
	s->multiple_roots = c->t->phbs;
	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *a = plan->ctrls[i];
		const struct pcifix_pci_model *m;

		if (!pcifix_adev_is_pci_ctrl(a))
			continue;
		m = pcifix_pci_model_find(a->model);
		if (m == NULL) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER,
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
			pcifix_addrset_set_model(s, i, pcifix_default_bus_model(c), true);
	if (s->nbuses && s->buses[0].model == NULL)
		pcifix_addrset_set_model(s, 0, pcifix_pci_model_find("pci-root"), true);
	return 0;
}

/* The dry run grew buses [had, nbuses) for a written bus: say which. */
static void
warn_grown(struct pcifix_actx *c, const struct pcifix_addrset *s, size_t had, unsigned bus,
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
	pcifix_diag_add(c->diags, PCIFIX_R_BUS_MISSING, c->file, line,
			"bus %u has no controller (the highest index is %zu); like libvirt, "
			"pcifix adds %s", bus, had - 1, b.data);
	pcifix_buf_free(&b);
}

/* Every written address, reserved; all problems reported, then one failure. */
static int
collect(struct pcifix_actx *c, struct pcifix_addrset *s)
{
	size_t k, i;
	int rc = 0;

	for (k = 0; k < c->ncollect; k++) {
		enum pcifix_kind kind = c->collect[k];

		for (i = 0; i < c->ncls[kind]; i++) {
			struct pcifix_adev *a = c->cls[kind][i];
			unsigned before = a->addr.bus;
			char *err;

			if (a->state != PCIFIX_A_PCI || pcifix_chipset_reserved_by_pin(c, a))
				continue;
			size_t had = s->nbuses;
			enum pcifix_afail why;

			why = pcifix_addrset_reserve(s, &a->addr, a->flags ? a->flags :
						     PCIFIX_CF_PCI_DEVICE, true, &err);
			if (why) {
				pcifix_actx_report(c, a, why == PCIFIX_AFAIL_DUPLICATE ?
						   PCIFIX_R_PCI_DUPLICATE : PCIFIX_R_PCI_ADDRESS, err);
				rc = -1;
				continue;
			}
			if (a->addr.bus != before)
				a->bus_moved = true;
			if (s->nbuses > had && a->dev && a->dev->addr.line)
				warn_grown(c, s, had, before, a->dev->addr.line);
		}
	}
	return rc;
}

/*
 * libvirt's class order: PCI controllers before anything, then each class
 * (kinds.c), the other controllers in theirs.
 */
static int
place_devices(struct pcifix_actx *c, struct pcifix_addrset *s)
{
	size_t k, i;

	for (k = 0; k <= c->nclasses; k++) {
		bool pci_pass = k == 0;
		enum pcifix_kind kind = pci_pass ? PCIFIX_KIND_CONTROLLER : c->classes[k - 1];

		for (i = 0; i < c->ncls[kind]; i++) {
			struct pcifix_adev *a = c->cls[kind][i];
			int r;

			if (!pcifix_adev_wanted(a))
				continue;
			if (kind == PCIFIX_KIND_CONTROLLER && pcifix_adev_is_pci_ctrl(a) != pci_pass)
				continue;
			if (kind == PCIFIX_KIND_INTERFACE && pcifix_streq(a->type, "hostdev"))
				continue;
			if (pcifix_adev_is_usb2(a))
				r = pcifix_place_usb2(c, s, a);
			else
				r = pcifix_actx_place(c, s, a, -1);
			if (r != 0)
				return r;
		}
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
		if (pcifix_adev_is_pci_ctrl(plan->ctrls[i]) && plan->ctrls[i]->index >= 0 &&
		    plan->ctrls[i]->index < 256)
			have[plan->ctrls[i]->index] = true;
}

static int
dry_run(struct pcifix_actx *c)
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
	if (collect(c, &s) < 0 || pcifix_chipset_reserve(c, &s) < 0)
		goto out;
	if (c->t->expansion_slot && pcifix_addrset_any_empty_slot(&s)) {
		struct pcifix_pci_addr a;
		char *err;

		if (pcifix_addrset_reserve_next(&s, PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_AUTOASSIGN, -1,
						&a, &err)) {
			pcifix_diag_add(c->diags, PCIFIX_R_PCI_CAPACITY, c->file, 0, "%s", err);
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
						&a, &err)) {
			pcifix_diag_add(c->diags, PCIFIX_R_PCI_CAPACITY, c->file, 0, "%s", err);
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
						&a, &err)) {
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
			if (pcifix_adev_is_pci_ctrl(c->plan->ctrls[i]) && c->plan->ctrls[i]->index == c->max_idx)
				last = c->plan->ctrls[i];
		if (n && last && last->dev)
			pcifix_diag_add(c->diags, PCIFIX_R_BUS_MISSING, c->file, last->dev->line,
					"PCI controller index%s %s %s missing (the file goes up "
					"to %d); like libvirt, pcifix adds %s controller%s there",
					n == 1 ? "" : "es", gaps.data, n == 1 ? "is" : "are",
					c->max_idx, pcifix_default_bus_model(c)->model, n == 1 ? "" : "s");
		pcifix_buf_free(&gaps);
	}
	/* Every bus without a controller gets one, which needs a slot in turn. */
	for (i = 1; i < s.nbuses; i++) {
		struct pcifix_adev *a;
		struct pcifix_pci_addr addr;
		char *err;

		if (i < 256 && have[i])
			continue;
		a = pcifix_actx_add_controller(c, "pci", (long long)i, s.buses[i].model->model);
		a->flags = s.buses[i].model->upstream;
		pcifix_actx_cls_add(c, PCIFIX_KIND_CONTROLLER, a);
		if (a->flags == 0)
			continue;   /* a new PHB: a root, it plugs into nothing */
		if (pcifix_addrset_reserve_next(&s, a->flags, -1, &addr, &err)) {
			if (!c->relaxed) {
				free(err);
				rc = PCIFIX_RETRY_WITH_BRIDGES;
				goto out;
			}
			/* Make room the way a device would: one more bus. */
			free(err);
			if (pcifix_addrset_reserve_next(&s, PCIFIX_CF_PCI_DEVICE |
							PCIFIX_CF_AUTOASSIGN, -1, &addr, &err) ||
			    pcifix_addrset_reserve_next(&s, a->flags, -1, &addr, &err)) {
				pcifix_actx_report(c, a, PCIFIX_R_PCI_CAPACITY, err);
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
real_pass(struct pcifix_actx *c)
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
	r = pcifix_chipset_reserve(c, &s);
	if (r == 0)
		r = place_devices(c, &s);
	rc = r;
out:
	pcifix_addrset_free(&s);
	return rc;
}

static int
attempt(struct pcifix_actx *c)
{
	struct pcifix_plan *plan = c->plan;
	const struct pcifix_domain *dom = c->dom;
	size_t i;
	int r;

	for (i = 0; i < dom->ndevs; i++)
		pcifix_plan_add_device(c, &dom->devs[i]);
	plan->ctrl_cap = plan->ndevs + 1;
	plan->ctrls = pcifix_xcalloc(plan->ctrl_cap, sizeof(*plan->ctrls));
	pcifix_order_controllers(plan);
	pcifix_plan_serial_twin(plan);
	if (pcifix_lint_controllers(c) < 0)
		return -1;
	if (pcifix_add_implicit_devices(c) < 0 || pcifix_lint_ide(c) < 0 ||
	    pcifix_lint_zpci(c) < 0)
		return -1;
	c->pcie_root = pcifix_streq(c->t->root_model, "pcie-root");
	c->max_idx = -1;
	for (i = 0; i < plan->nctrls; i++)
		if (pcifix_adev_is_pci_ctrl(plan->ctrls[i]) && plan->ctrls[i]->index > c->max_idx)
			c->max_idx = (int)plan->ctrls[i]->index;
	pcifix_compute_flags(c);
	if ((c->t->root_if_written && pcifix_lint_no_root(c) < 0) || pcifix_lint_models(c) < 0)
		return -1;
	if (c->t->ccw && !pcifix_ccw_devices(c)) {
		plan->no_pci = true;   /* every device uses ccw: nothing to do */
		return 0;
	}
	pcifix_build_classes(c);
	r = dry_run(c);
	if (r == 0)
		r = real_pass(c);
	if (r == 0)
		r = pcifix_fill_controller_values(c);
	if (r == 0) {
		pcifix_fill_multifunction(plan);
		pcifix_plan_copy_twin_address(plan);
	}
	if (r == 0 && c->t->ccw)
		r = pcifix_assign_zpci(c);
	return r;
}

int
pcifix_assign(const struct pcifix_domain *dom, const struct pcifix_opts *opts,
	      struct pcifix_plan *plan, struct pcifix_diags *diags)
{
	struct pcifix_actx c;
	size_t k;
	int r;

	memset(plan, 0, sizeof(*plan));
	plan->dom = dom;
	plan->machine = dom->row;
	memset(&c, 0, sizeof(c));
	for (;;) {
		c.plan = plan;
		c.dom = dom;
		c.t = plan->machine;
		c.diags = diags;
		c.file = dom->doc->file;
		c.ncollect = pcifix_kind_order(PCIFIX_ORDER_COLLECT, c.collect);
		c.nclasses = pcifix_kind_order(PCIFIX_ORDER_CLASS, c.classes);
		r = attempt(&c);
		for (k = 0; k < PCIFIX_KIND__COUNT; k++) {
			free(c.cls[k]);
			c.cls[k] = NULL;
			c.ncls[k] = c.capcls[k] = 0;
		}
		if (r != PCIFIX_RETRY_WITH_BRIDGES)
			break;
		/*
		 * libvirt gives up here although a layout exists: try again,
		 * letting bridges be added where libvirt cannot, then with
		 * more bridges until everything fits.
		 */
		pcifix_plan_reset(plan);
		/* 1, 2, 4, ... extra bridges: a handful of tries at most. */
		if (c.relaxed)
			c.extra_bridges = c.extra_bridges ? c.extra_bridges * 2 : 1;
		if (c.extra_bridges > PCIFIX_MAX_EXTRA_BRIDGES)
			c.extra_bridges = PCIFIX_MAX_EXTRA_BRIDGES;
		c.relaxed = true;
	}
	plan->relaxed = c.relaxed;
	return r == 0 ? 0 : -1;
}
