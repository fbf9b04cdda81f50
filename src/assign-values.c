/* assign-values.c - values libvirt fills in after placing: controller targets, PHB index, multifunction, zPCI. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

static int
ll_cmp(const void *pa, const void *pb)
{
	long long a = *(const long long *)pa, b = *(const long long *)pb;

	return a < b ? -1 : a > b;
}

/* zPCI uid (1-0xffff) and fid, unique, the lowest free, as libvirt gives them. */
int
pcifix_assign_zpci(struct pcifix_actx *c)
{
	struct pcifix_plan *plan = c->plan;
	unsigned char *uids = pcifix_xcalloc(0x10000, 1);
	long long next_uid = 1, next_fid = 0, *fids = pcifix_xcalloc(plan->ndevs + 1, sizeof(*fids));
	size_t k, i, pass, nfids = 0, nf = 0;
	int rc = 0;

	/*
	 * What the file wrote is taken first: on every device that writes an
	 * id, as pcifix_lint_zpci() counts duplicates (a PCI address on a
	 * device pcifix does not place still reserves its ids).
	 */
	for (i = 0; i < plan->ndevs; i++) {
		struct pcifix_adev *a = plan->devs[i];

		if (a->dev && a->zpci_uid > 0 && a->zpci_uid <= 0xffff)
			uids[a->zpci_uid] = 1;
		if (a->dev && a->zpci_fid >= 0)
			fids[nfids++] = a->zpci_fid;
	}
	qsort(fids, nfids, sizeof(*fids), ll_cmp);
	/* Then, in libvirt's device order, written addresses before new ones. */
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < c->ncollect; k++)
			for (i = 0; i < c->ncls[c->collect[k]]; i++) {
				struct pcifix_adev *a = c->cls[c->collect[k]][i];

				if (a->state != PCIFIX_A_PCI || a->flags == 0 ||
				    (pass == 0) != a->from_file)
					continue;
				if (a->zpci_uid < 0) {
					while (next_uid <= 0xffff && uids[next_uid])
						next_uid++;
					if (next_uid > 0xffff) {
						pcifix_actx_report(c, a, PCIFIX_R_PCI_CAPACITY,
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

/* pseries: a PHB's target index, the lowest one (1-30) no PHB uses yet. */
static int
phb_values(struct pcifix_actx *c, struct pcifix_adev *a)
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

			used = o != a && pcifix_adev_is_pci_ctrl(o) && o->target_index == t &&
			       pcifix_streq(o->model_name, "spapr-pci-host-bridge");
		}
		if (!used || a->index == 0)
			break;
	}
	if (t > 30) {
		pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xasprintf(
			"no usable target index found for PHB %lld", a->index));
		return -1;
	}
	a->target_index = t;
	a->targets_added |= PCIFIX_TGT_INDEX;
	return 0;
}

int
pcifix_fill_controller_values(struct pcifix_actx *c)
{
	size_t i;

	for (i = 0; i < c->plan->nctrls; i++) {
		struct pcifix_adev *a = c->plan->ctrls[i];
		const struct pcifix_pci_model *m;

		if (!pcifix_adev_is_pci_ctrl(a) || (m = pcifix_pci_model_find(a->model)) == NULL)
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
					if (pcifix_adev_is_pci_ctrl(c->plan->ctrls[j]) &&
					    c->plan->ctrls[j]->bus_nr >= 0 &&
					    c->plan->ctrls[j]->bus_nr < low)
						low = c->plan->ctrls[j]->bus_nr;
				if (low <= 2) {
					pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xasprintf(
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
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CONTROLLER, pcifix_xasprintf(
				"PCI controller at index %lld (0x%02llx) has bus='0x%02x', but "
				"index must be larger than bus", a->index, a->index, a->addr.bus));
			return -1;
		}
	}
	return 0;
}

/* Function 0 of every slot with more functions in use gets multifunction='on'. */
void
pcifix_fill_multifunction(struct pcifix_plan *plan)
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
