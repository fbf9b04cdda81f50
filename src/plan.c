/* plan.c - the assigner's plan: its devices, controllers and the helpers every step shares. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

struct pcifix_adev *
pcifix_plan_new_adev(struct pcifix_plan *plan)
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

bool
pcifix_adev_is_pci_ctrl(const struct pcifix_adev *a)
{
	return a->kind == PCIFIX_KIND_CONTROLLER && pcifix_streq(a->type, "pci");
}

bool
pcifix_adev_is_usb2(const struct pcifix_adev *a)
{
	return a->kind == PCIFIX_KIND_CONTROLLER && pcifix_streq(a->type, "usb") &&
	       pcifix_usb2_function(a->model) >= 0;
}

/*
 * The models libvirt fills in before it assigns anything.  Where it also
 * writes them (USB and SCSI controllers, NICs, videos, vsock), pcifix writes
 * them too (model_default), so that a later libvirt default cannot change
 * the device; a PCI root's is written with the controller values.
 */
static void
default_model(const struct pcifix_machine *t, struct pcifix_adev *a)
{
	const char *m = NULL;

	switch (a->kind) {
	case PCIFIX_KIND_INTERFACE:
		if (a->model == NULL && !pcifix_streq(a->type, "hostdev"))
			m = pcifix_streq(a->type, "vdpa") ? "virtio" : t->default_nic;
		break;
	case PCIFIX_KIND_VSOCK:
		if (a->model == NULL)
			m = "virtio";
		break;
	case PCIFIX_KIND_VIDEO:
		if (a->model == NULL || strcmp(a->model, "default") == 0)
			m = t->default_video;
		break;
	case PCIFIX_KIND_CONTROLLER:
		if (pcifix_streq(a->type, "usb") && a->model == NULL)
			m = t->default_usb;
		else if (pcifix_streq(a->type, "scsi") &&
			 (a->model == NULL || strcmp(a->model, "auto") == 0))
			m = t->default_scsi;
		else if (pcifix_streq(a->type, "pci") && a->model == NULL && a->index == 0)
			a->model = t->root_model;
		break;
	default:
		break;
	}
	if (m) {
		a->model = m;
		/* s390x's "none" is not written (libvirt leaves such a USB controller be). */
		a->model_default = strcmp(m, "none") != 0;
	}
}

void
pcifix_plan_add_device(struct pcifix_actx *c, struct pcifix_device *d)
{
	struct pcifix_adev *a = pcifix_plan_new_adev(c->plan);

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
	if (c->t)
		default_model(c->t, a);
	if (d->kind == PCIFIX_KIND_CONTROLLER && pcifix_streq(a->type, "pci")) {
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

struct pcifix_adev *
pcifix_plan_find_ctrl(const struct pcifix_plan *plan, const char *type, long long idx)
{
	size_t i;

	for (i = 0; i < plan->nctrls; i++)
		if (pcifix_streq(plan->ctrls[i]->type, type) && plan->ctrls[i]->index == idx)
			return plan->ctrls[i];
	return NULL;
}

struct pcifix_adev *
pcifix_actx_add_controller(struct pcifix_actx *c, const char *type, long long idx,
			   const char *model)
{
	struct pcifix_adev *a = pcifix_plan_new_adev(c->plan);

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

void
pcifix_actx_cls_add(struct pcifix_actx *c, enum pcifix_kind k, struct pcifix_adev *a)
{
	if (c->ncls[k] == c->capcls[k])
		c->cls[k] = pcifix_xgrow(c->cls[k], &c->capcls[k], 16, sizeof(*c->cls[k]));
	c->cls[k][c->ncls[k]++] = a;
}

struct pcifix_diag *
pcifix_diag_device(struct pcifix_diags *diags, enum pcifix_rule_id rule, const char *file,
		   const struct pcifix_device *d, bool at_address, const char *what, char *msg)
{
	char *desc = d ? pcifix_device_describe(d) : NULL;
	unsigned line = d ? (at_address && d->addr.line ? d->addr.line : d->line) : 0;
	struct pcifix_diag *g;

	if (desc == NULL && what)
		desc = pcifix_xstrdup(what);
	g = pcifix_diag_add(diags, rule, file, line, "%s%s%s", desc ? desc : "", desc ? ": " : "",
			    msg);
	free(desc);
	free(msg);
	return g;
}

void
pcifix_actx_report(struct pcifix_actx *c, const struct pcifix_adev *a, enum pcifix_rule_id rule,
		   char *msg)
{
	/* Problems with a written address point at the <address>, others at the element. */
	bool about_address = rule == PCIFIX_R_PCI_ADDRESS || rule == PCIFIX_R_PCI_DUPLICATE;
	char *what = NULL;

	if (a->dev == NULL && a->kind == PCIFIX_KIND_CONTROLLER)
		what = pcifix_xasprintf("the %s controller index %lld that libvirt adds",
					a->model ? a->model : a->type, a->index);
	pcifix_diag_device(c->diags, rule, c->file, a->dev, about_address && a->from_file, what,
			   msg);
	free(what);
}

/* Find a slot for `a` and, in the real pass, keep it; or PCIFIX_RETRY_WITH_BRIDGES. */
int
pcifix_actx_place(struct pcifix_actx *c, struct pcifix_addrset *s, struct pcifix_adev *a,
		  int function)
{
	struct pcifix_pci_addr addr;
	char *err;

	if (pcifix_addrset_reserve_next(s, a->flags, function, &addr, &err)) {
		if (!s->dry_run && c->extra_bridges < PCIFIX_MAX_EXTRA_BRIDGES) {
			/* libvirt stops here; pcifix tries again with more bridges. */
			free(err);
			return PCIFIX_RETRY_WITH_BRIDGES;
		}
		pcifix_actx_report(c, a, PCIFIX_R_PCI_CAPACITY, err);
		return -1;
	}
	if (!s->dry_run) {
		a->state = PCIFIX_A_PCI;
		a->addr = addr;
		a->assigned = true;
	}
	return 0;
}

bool
pcifix_adev_wanted(const struct pcifix_adev *a)
{
	return a->state == PCIFIX_A_WANTED && a->flags != 0;
}

int
pcifix_adev_addr_cmp(const void *pa, const void *pb)
{
	const struct pcifix_adev *a = *(struct pcifix_adev *const *)pa;
	const struct pcifix_adev *b = *(struct pcifix_adev *const *)pb;

	return pcifix_pci_addr_cmp(&a->addr, &b->addr);
}

void
pcifix_plan_reset(struct pcifix_plan *plan)
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

void
pcifix_plan_free(struct pcifix_plan *plan)
{
	pcifix_plan_reset(plan);
	memset(plan, 0, sizeof(*plan));
}

void
pcifix_plan_serial_twin(struct pcifix_plan *plan)
{
	struct pcifix_adev *serial = NULL;
	size_t i;

	for (i = 0; i < plan->ndevs && serial == NULL; i++)
		if (plan->devs[i]->kind == PCIFIX_KIND_SERIAL)
			serial = plan->devs[i];
	for (i = 0; serial && i < plan->ndevs; i++) {
		struct pcifix_adev *a = plan->devs[i];

		if (a->kind != PCIFIX_KIND_CONSOLE)
			continue;
		if (a->bus == NULL || strcmp(a->bus, "serial") == 0) {
			a->twin = serial;
			a->state = PCIFIX_A_OTHER;   /* its address is the serial's */
		}
		break;   /* only the first console */
	}
}

void
pcifix_plan_copy_twin_address(struct pcifix_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->ndevs; i++) {
		struct pcifix_adev *a = plan->devs[i];

		if (a->twin && a->twin->state == PCIFIX_A_PCI &&
		    a->dev->addr.type == PCIFIX_ADDR_ABSENT) {
			a->state = PCIFIX_A_PCI;
			a->addr = a->twin->addr;
			a->assigned = true;
		}
	}
}

int
pcifix_plan_build(const struct pcifix_domain *dom, const struct pcifix_opts *opts,
		  struct pcifix_plan *plan, struct pcifix_diags *diags)
{
	const struct pcifix_machine *m = dom->row;
	struct pcifix_actx c;
	size_t i;

	memset(plan, 0, sizeof(*plan));
	plan->dom = dom;
	if (m && m->assign &&
	    (m->virt == PCIFIX_VIRT_CH || dom->virt == PCIFIX_VIRT_QEMU || dom->virt == PCIFIX_VIRT_KVM))
		return m->assign(dom, opts, plan, diags);
	/* Nothing to assign: the devices as they are, for --list. */
	memset(&c, 0, sizeof(c));
	c.plan = plan;
	c.dom = dom;
	for (i = 0; i < dom->ndevs; i++) {
		struct pcifix_adev *a;

		pcifix_plan_add_device(&c, &dom->devs[i]);
		a = plan->devs[plan->ndevs - 1];
		a->flags = pcifix_device_flags(a->kind, a->type, a->model, a->bus, false);
	}
	return 0;
}
