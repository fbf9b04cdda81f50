/* lint-libvirt.c - libvirt's define-time rejections of controllers, checked on the plan. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* <target><node>N</node></target> must name a cell of <cpu><numa>. */
static bool
numa_node_ok(struct pcifix_actx *c, struct pcifix_adev *a)
{
	long long want = a->dev->target.numa_node;

	if (want < 0)
		return true;
	if (a->index == 0) {
		pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xstrdup(
			"the PCI controller with index=0 can't be associated with a NUMA node"));
		return false;
	}
	/* libvirt numbers cells by position and checks only that the node is one of them. */
	if ((size_t)want < c->dom->n_numa_cells)
		return true;
	pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xasprintf(
		"%s with index %lld is configured for a NUMA node (%lld) not present in the "
		"domain's <cpu><numa> array (%zu)", a->model, a->index, want,
		c->dom->n_numa_cells));
	return false;
}

/*
 * Versatile/PB: libvirt adds a root bus only below PCI controllers the file
 * writes (it fills the indexes from 0); without any, no device can take PCI
 * (libvirt's words).
 */
int
pcifix_lint_no_root(struct pcifix_actx *c)
{
	struct pcifix_plan *plan = c->plan;
	size_t i;

	for (i = 0; i < plan->nctrls; i++)
		if (pcifix_adev_is_pci_ctrl(plan->ctrls[i]))
			return 0;
	for (i = 0; i < plan->ndevs; i++) {
		const struct pcifix_adev *a = plan->devs[i];

		if (a->flags && a->state != PCIFIX_A_OTHER) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CAPACITY, pcifix_xstrdup(
				"No PCI buses available: on this machine libvirt adds no root "
				"bus; write <controller type='pci' index='0' model='pci-root'/>"));
			return -1;
		}
	}
	return 0;
}

/* IDE: only the board's single controller (index 0): the PIIX3's, or g3beige's own. */
int
pcifix_lint_ide(struct pcifix_actx *c)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < c->plan->nctrls; i++) {
		struct pcifix_adev *a = c->plan->ctrls[i];

		if (!pcifix_streq(a->type, "ide"))
			continue;
		if (!c->t->builtin_ide && (c->t->chipset == NULL || !c->t->chipset->ide)) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xstrdup(
				a->dev ? "IDE controllers are unsupported for this QEMU binary or "
					 "machine type" :
				"IDE disks need an IDE controller, which this machine type does "
				"not have (use bus='sata' or 'scsi')"));
			rc = -1;
		} else if (a->index > 0) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xasprintf(
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
target_out_of_range(struct pcifix_actx *c, struct pcifix_adev *a, const char *name, long long v,
		    long long lo, long long hi)
{
	if (v < 0 || (v >= lo && v <= hi))
		return false;
	pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xasprintf(
		"PCI controller %s '%lld' out of range - must be %lld-%lld", name, v, lo, hi));
	return true;
}

/* pseries: a PHB's target index is 0-30, and 0 exactly for the PHB with index 0. */
static bool
phb_index_ok(struct pcifix_actx *c, struct pcifix_adev *a)
{
	if (a->target_index < 0)
		return true;
	if (target_out_of_range(c, a, "target index", a->target_index, 0, 30))
		return false;
	if ((a->index == 0) == (a->target_index == 0))
		return true;
	pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xstrdup(
		"Only the PCI controller with index 0 can have target index 0, and vice versa"));
	return false;
}

/* The zPCI id at offset `off` of a device (zpci_uid or zpci_fid). */
static long long
zpci_id(const struct pcifix_adev *a, size_t off)
{
	return *(const long long *)((const char *)a + off);
}

static int
zpci_cmp(const void *pa, const void *pb, void *poff)
{
	const struct pcifix_adev *a = *(struct pcifix_adev *const *)pa;
	const struct pcifix_adev *b = *(struct pcifix_adev *const *)pb;
	size_t off = *(const size_t *)poff;

	if (zpci_id(a, off) != zpci_id(b, off))
		return zpci_id(a, off) < zpci_id(b, off) ? -1 : 1;
	return a->dev->line < b->dev->line ? -1 : a->dev->line > b->dev->line;
}

/* A zPCI id the file writes twice: libvirt reserves each once. */
static int
zpci_duplicates(struct pcifix_actx *c, const char *what, size_t off)
{
	struct pcifix_plan *plan = c->plan;
	const struct pcifix_adev **v = pcifix_xcalloc(plan->ndevs + 1, sizeof(*v));
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; i < plan->ndevs; i++)
		if (plan->devs[i]->dev && zpci_id(plan->devs[i], off) >= 0)
			v[n++] = plan->devs[i];
	qsort_r(v, n, sizeof(*v), zpci_cmp, &off);
	for (i = 1; i < n; i++)
		if (zpci_id(v[i], off) == zpci_id(v[i - 1], off)) {
			pcifix_actx_report(c, v[i], PCIFIX_R_PCI_ADDRESS, pcifix_xasprintf(
				"zPCI %s 0x%llx is already reserved (line %u has it too); libvirt "
				"rejects it", what, zpci_id(v[i], off), v[i - 1]->dev->line));
			rc = -1;
		}
	free(v);
	return rc;
}

int
pcifix_lint_zpci(struct pcifix_actx *c)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < c->plan->ndevs; i++) {
		const struct pcifix_adev *a = c->plan->devs[i];

		if (a->dev == NULL || a->dev->addr.zpci == NULL)
			continue;
		if (!c->t->ccw) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_ADDRESS, pcifix_xstrdup(
				"<zpci> needs s390x; libvirt rejects it (\"This QEMU binary doesn't "
				"support zPCI\")"));
			rc = -1;
		} else if (a->zpci_uid == 0) {
			pcifix_actx_report(c, a, PCIFIX_R_ADDRESS_RANGE, pcifix_xstrdup(
				"Invalid PCI address uid='0x0000', must be > 0x0000 and <= 0xffff"));
			rc = -1;
		}
	}
	if (rc == 0 && (zpci_duplicates(c, "uid", offsetof(struct pcifix_adev, zpci_uid)) < 0 ||
			zpci_duplicates(c, "fid", offsetof(struct pcifix_adev, zpci_fid)) < 0))
		rc = -1;
	return rc;
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
int
pcifix_lint_controllers(struct pcifix_actx *c)
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
		if (!pcifix_streq(p->type, a->type) || p->index != a->index ||
		    (pcifix_adev_is_usb2(p) && pcifix_adev_is_usb2(a) && !pcifix_streq(p->model, a->model)))
			continue;
		pcifix_actx_report(c, plan->ctrls[p->order > a->order ? p->order : a->order],
				   PCIFIX_R_PCI_CONTROLLER,
		       pcifix_xasprintf("multiple '%s' controllers with index '%lld'", a->type,
					a->index));
		rc = -1;
	}
	free(v);

	for (i = 0; i < plan->nctrls; i++) {
		struct pcifix_adev *a = plan->ctrls[i];
		const struct pcifix_pci_model *m;

		if (!pcifix_adev_is_pci_ctrl(a))
			continue;
		m = pcifix_pci_model_find(a->model);
		if (a->index == 0 && !pcifix_streq(a->model, c->t->root_model)) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xasprintf(
				"the PCI controller with index='0' must be model='%s' for this "
				"machine type, but model='%s' was found instead", c->t->root_model,
				a->model ? a->model : "(none)"));
			rc = -1;
			continue;
		}
		if (m == NULL) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER,
			       a->model ? pcifix_xasprintf("unknown PCI controller model '%s'",
							   a->model) :
			       pcifix_xasprintf("PCI controller index %lld has no model; libvirt "
						"rejects it (\"PCI controller model was not set "
						"correctly\")", a->index));
			rc = -1;
			continue;
		}
		if (m->is_root && a->index != 0 && !c->t->phbs) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xstrdup(
				"pci-root and pcie-root controllers should have index 0"));
			rc = -1;
		}
		if (m->is_root && a->dev && a->dev->addr.type != PCIFIX_ADDR_ABSENT) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xstrdup(
				"pci-root and pcie-root controllers should not have an address"));
			rc = -1;
		}
		if (a->index > 255) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xasprintf(
				"PCI controller index %lld too high, maximum is 255", a->index));
			rc = -1;
		}
		if ((strcmp(m->model, "pci-expander-bus") == 0 && !c->t->pci_expander_bus) ||
		    (strcmp(m->model, "pcie-expander-bus") == 0 && !c->t->pcie_expander_bus)) {
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xasprintf(
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
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xasprintf(
				"<model name='%s'/> does not fit a %s controller (libvirt: "
				"\"Option 'modelName' has invalid value\"); it takes %s%s%s",
				a->model_name, m->model,
				m->model_name ? m->model_name : "no model name",
				m->alt_name ? " or " : "", m->alt_name ? m->alt_name : ""));
			rc = -1;
		}
		if (a->dev && !numa_node_ok(c, a)) {
			rc = -1;
		}
		if (target_out_of_range(c, a, "chassisNr", a->chassis_nr, 1, 255) ||
		    target_out_of_range(c, a, "chassis", a->chassis, 0, 255) ||
		    target_out_of_range(c, a, "port", a->port, 0, 255) ||
		    target_out_of_range(c, a, "busNr", a->bus_nr, 1, 254) ||
		    (m->is_root && c->t->phbs && !phb_index_ok(c, a)))
			rc = -1;
	}
	return rc;
}
