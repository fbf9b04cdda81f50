/* check.c - address rules beyond what libvirt enforces: what QEMU refuses and what the guest misses. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

/*
 * These run on the plan, after assignment, so they see every address the
 * guest will have.  They only append diagnostics (and, for --fix-none, one
 * kind of edit); they never change the plan.
 */


/* A diagnostic about device `a`; takes `msg`.  NULL when the rule is off. */
static struct pcifix_diag *
at(struct pcifix_diags *diags, const struct pcifix_plan *plan, enum pcifix_rule_id rule,
   const struct pcifix_adev *a, char *msg)
{
	return pcifix_diag_device(diags, rule, plan->dom->doc->file, a->dev, true,
				  pcifix_kind_name(a->kind), msg);
}

/* Address types a device cannot take: libvirt's message, or NULL. */
static char *
unfit_address(const struct pcifix_device *d)
{
	enum pcifix_addr_type t = d->addr.type;
	const char *tn = d->addr.type_name ? d->addr.type_name : "";

	if (t == PCIFIX_ADDR_ABSENT)
		return NULL;
	static const char *const non_pci_buses[] = { "ide", "fdc", "sata", "scsi", "usb", "sd" };
	size_t i;

	switch (d->kind) {
	case PCIFIX_KIND_DISK:
		for (i = 0; t == PCIFIX_ADDR_PCI && d->bus && i < sizeof(non_pci_buses) /
			    sizeof(non_pci_buses[0]); i++)
			if (strcmp(d->bus, non_pci_buses[i]) == 0)
				break;
		if (t != PCIFIX_ADDR_PCI || d->bus == NULL ||
		    i == sizeof(non_pci_buses) / sizeof(non_pci_buses[0]))
			return NULL;
		if (strcmp(d->bus, "usb") == 0)
			return pcifix_xstrdup("libvirt rejects a PCI address on a USB disk "
					      "(\"unexpected address type for usb disk\")");
		return pcifix_xasprintf("Invalid address type 'pci' for the disk '%s' with the "
					"bus type '%s'", d->name ? d->name : "", d->bus);
	case PCIFIX_KIND_HOSTDEV:
		if (!pcifix_streq(d->type, "mdev") ||
		    (pcifix_streq(d->model, "vfio-pci") ? t == PCIFIX_ADDR_PCI :
		     pcifix_streq(d->model, "vfio-ccw") ? t == PCIFIX_ADDR_CCW : true))
			return NULL;
		return pcifix_xasprintf("Unsupported address type '%s' with mediated device "
					"model '%s'", tn, d->model);
	case PCIFIX_KIND_VIDEO:
		if (!pcifix_streq(d->model, "ramfb"))
			return NULL;
		return pcifix_xstrdup("address not supported for video type ramfb");
	case PCIFIX_KIND_IOMMU:
		if (!pcifix_streq(d->model, "virtio") || t == PCIFIX_ADDR_PCI)
			return NULL;
		return pcifix_xstrdup("IOMMU device: 'virtio' needs a PCI address");
	default:
		return NULL;
	}
}

/* <address type=...> values libvirt rejects, and 'none' / 'unassigned' misuse. */
static void
check_address_types(const struct pcifix_plan *plan, const struct pcifix_opts *opts,
		    struct pcifix_diags *diags, struct pcifix_edits *edits)
{
	size_t i;

	for (i = 0; i < plan->ndevs; i++) {
		const struct pcifix_adev *a = plan->devs[i];
		const struct pcifix_device *d = a->dev;
		bool pci_hostdev;
		struct pcifix_diag *g;
		char *msg;

		if (d == NULL || d->addr.node == NULL)
			continue;
		pci_hostdev = d->kind == PCIFIX_KIND_HOSTDEV && pcifix_streq(d->type, "pci");
		/* (Cloud Hypervisor has its own rules: ch-address.) */
		if ((plan->machine == NULL || plan->machine->virt != PCIFIX_VIRT_CH) &&
		    (msg = unfit_address(d)) != NULL) {
			at(diags, plan, PCIFIX_R_ADDRESS_TYPE, a, msg);
			continue;
		}
		switch (d->addr.type) {
		case PCIFIX_ADDR_NONE:
			if (pci_hostdev && opts->fix_none) {
				pcifix_edit_set_attr(edits, d->addr.node, "type", "unassigned");
				at(diags, plan, PCIFIX_R_ADDRESS_NONE_FIXED, a, pcifix_xstrdup(
				   "<address type='none'/> rewritten as type='unassigned'"));
				break;
			}
			g = at(diags, plan, PCIFIX_R_ADDRESS_NONE, a, pcifix_xstrdup(
			       "address type 'none' is not valid: libvirt rejects it (\"unknown "
			       "address type 'none'\"); it was the first spelling of what libvirt "
			       "6.0 adopted as type='unassigned'"));
			if (g && pci_hostdev)
				pcifix_diag_set_hint(g, "write <address type='unassigned'/>, or run "
						     "pcifix --fix-none");
			else if (g)
				pcifix_diag_set_hint(g, "remove the <address> element; only PCI "
						     "hostdevs can go without a guest address");
			break;
		case PCIFIX_ADDR_UNASSIGNED:
			if (!pci_hostdev) {
				g = at(diags, plan, PCIFIX_R_UNASSIGNED_MISUSE, a, pcifix_xstrdup(
				       "<address type='unassigned'/> is only for PCI hostdevs "
				       "(libvirt 6.0 and later); libvirt rejects it here"));
				if (g)
					pcifix_diag_set_hint(g, "remove the <address> element to "
							     "let pcifix assign one");
			}
			break;
		case PCIFIX_ADDR_OTHER:
			if (d->addr.type_name == NULL)
				at(diags, plan, PCIFIX_R_ADDRESS_TYPE, a, pcifix_xstrdup(
				   "<address> has no type; libvirt rejects it (\"No type specified "
				   "for device address\")"));
			else
				at(diags, plan, PCIFIX_R_ADDRESS_TYPE, a, pcifix_xasprintf(
				   "unknown address type '%s'; libvirt rejects it",
				   d->addr.type_name));
			break;
		case PCIFIX_ADDR_PCI:
		case PCIFIX_ADDR_CCW:
		case PCIFIX_ADDR_VIRTIO_MMIO:
		case PCIFIX_ADDR_ABSENT:
			break;
		default:
			if (d->kind == PCIFIX_KIND_DISK && pcifix_streq(d->bus, "virtio"))
				at(diags, plan, PCIFIX_R_ADDRESS_TYPE, a, pcifix_xasprintf(
				   "virtio disk cannot have an address of type '%s'",
				   d->addr.type_name));
			break;
		}
	}
}

/* Whether the functions v[i..j) are all one USB companion set (USB controllers of one index). */
static bool
usb_set_slot(struct pcifix_adev **v, size_t i, size_t j)
{
	size_t k;

	for (k = i; k < j; k++)
		if (v[k]->kind != PCIFIX_KIND_CONTROLLER || !pcifix_streq(v[k]->type, "usb") ||
		    v[k]->index != v[i]->index)
			return false;
	return true;
}

/* Slots whose functions a guest or QEMU will not accept as they are. */
static void
check_slots(const struct pcifix_plan *plan, struct pcifix_adev **v, size_t n,
	    struct pcifix_diags *diags)
{
	const struct pcifix_machine *m = plan->machine;
	bool each = m && m->sees_each_function;
	/* The chipset's own function 0 (the PIIX3 at 00:01.0, the ICH9 LPC at 00:1f.0). */
	unsigned builtin = m && m->chipset ? m->chipset->own_slot : 0;
	size_t i, j, k;

	for (i = 0; i < n; i = j) {
		const struct pcifix_adev *f0 = v[i]->addr.function == 0 ? v[i] : NULL;
		bool chipset_f0 = builtin && v[i]->addr.domain == 0 && v[i]->addr.bus == 0 &&
				  v[i]->addr.slot == builtin;

		for (j = i + 1; j < n && v[j]->addr.domain == v[i]->addr.domain &&
		     v[j]->addr.bus == v[i]->addr.bus && v[j]->addr.slot == v[i]->addr.slot; j++)
			;
		for (k = i; k < j; k++)
			if (v[k]->addr.function != 0 && v[k]->multi == PCIFIX_TRI_ON)
				at(diags, plan, PCIFIX_R_MULTIFUNCTION_EXTRA, v[k], pcifix_xstrdup(
				   "multifunction='on' belongs on function 0 only; QEMU ignores it "
				   "here"));
		if (f0 == NULL && !chipset_f0 && !(m && m->zpci_functions)) {
			struct pcifix_diag *g;
			char buf[32];

			snprintf(buf, sizeof(buf), "%02x:%02x", v[i]->addr.bus, v[i]->addr.slot);
			g = each ?
			    at(diags, plan, PCIFIX_R_FUNCTION_ZERO_PSERIES, v[i], pcifix_xasprintf(
			       "slot %s has functions but nothing at function 0; a pseries guest "
			       "sees each function, but some guest drivers expect function 0", buf)) :
			    at(diags, plan, PCIFIX_R_FUNCTION_ZERO, v[i], pcifix_xasprintf(
			       "slot %s has functions but nothing at function 0: the guest scans "
			       "function 0 first and will not see this device", buf));
			if (g)
				pcifix_diag_set_hint(g, "put a device at function 0 of this slot, "
						     "or move this one to function 0 of a free slot");
			/*
			 * A USB2 companion set: libvirt itself leaves such a gap (on
			 * q35 it moves the first companion to 00:1a when 00:1d is
			 * partly taken) and defines the result, so warn, don't
			 * refuse, unless -W error.
			 */
			if (g && usb_set_slot(v, i, j) && g->severity == PCIFIX_SEVERITY_ERROR &&
			    !(diags->lint && diags->lint->werror))
				g->severity = PCIFIX_SEVERITY_WARNING;
			continue;
		}
		if (f0 && j - i > 1 && f0->multi == PCIFIX_TRI_OFF) {
			struct pcifix_diag *g = at(diags, plan, PCIFIX_R_MULTIFUNCTION_OFF, f0,
						   pcifix_xstrdup(
						   "multifunction='off' on function 0 while other "
						   "functions of the slot are used: QEMU refuses to "
						   "start the guest"));

			if (g)
				pcifix_diag_set_hint(g, "write multifunction='on' (or remove the "
						     "attribute and let pcifix add it)");
		}
	}
}

static int
host_cmp(const void *pa, const void *pb)
{
	const struct pcifix_adev *a = *(struct pcifix_adev *const *)pa;
	const struct pcifix_adev *b = *(struct pcifix_adev *const *)pb;

	return pcifix_pci_addr_cmp(&a->dev->host_addr, &b->dev->host_addr);
}

/*
 * Partial assignment of a multifunction host card: some functions are
 * 'unassigned' (detached from the host, hidden from the guest), the others
 * are in the guest.  If the guest slot holding them has no function 0, an
 * x86 guest never sees them.
 */
static void
check_partial_hostdevs(const struct pcifix_plan *plan, struct pcifix_adev **slots, size_t nslots,
		       struct pcifix_diags *diags)
{
	struct pcifix_adev **h = pcifix_xcalloc(plan->ndevs + 1, sizeof(*h));
	size_t n = 0, i, j, k;

	for (i = 0; i < plan->ndevs; i++) {
		struct pcifix_adev *a = plan->devs[i];

		if (a->dev && a->kind == PCIFIX_KIND_HOSTDEV && a->dev->has_host_addr)
			h[n++] = a;
	}
	qsort(h, n, sizeof(*h), host_cmp);
	for (i = 0; i < n; i = j) {
		bool hidden = false;

		for (j = i + 1; j < n && h[j]->dev->host_addr.domain == h[i]->dev->host_addr.domain &&
		     h[j]->dev->host_addr.bus == h[i]->dev->host_addr.bus &&
		     h[j]->dev->host_addr.slot == h[i]->dev->host_addr.slot; j++)
			;
		for (k = i; k < j; k++)
			hidden |= h[k]->dev->addr.type == PCIFIX_ADDR_UNASSIGNED;
		if (!hidden)
			continue;
		for (k = i; k < j; k++) {
			struct pcifix_adev key, *kp = &key, **f0;
			char host[32];

			if (h[k]->state != PCIFIX_A_PCI)
				continue;
			key = *h[k];
			key.addr.function = 0;
			f0 = bsearch(&kp, slots, nslots, sizeof(*slots), pcifix_adev_addr_cmp);
			if (f0 != NULL)
				continue;
			pcifix_pci_addr_fmt(&h[k]->dev->host_addr, host, sizeof(host));
			at(diags, plan, PCIFIX_R_PARTIAL_HOSTDEV, h[k], pcifix_xasprintf(
			   "host card %.10s has unassigned functions, and this one (%s) sits in "
			   "guest slot %02x:%02x without function 0: an x86 guest will not see it",
			   host, host, h[k]->addr.bus, h[k]->addr.slot));
		}
	}
	free(h);
}

/* q35: with no empty hotpluggable root port left, `virsh attach-device` fails. */
static void
check_hotplug(const struct pcifix_plan *plan, struct pcifix_adev **v, size_t n,
	      struct pcifix_diags *diags)
{
	size_t i, ports = 0, empty = 0;
	struct pcifix_diag *g;

	if (plan->machine == NULL || !pcifix_streq(plan->machine->root_model, "pcie-root"))
		return;
	for (i = 0; i < plan->ndevs; i++) {
		const struct pcifix_adev *a = plan->devs[i];
		struct pcifix_adev key, *kp = &key;
		size_t lo = 0, hi = n;

		if (a->kind != PCIFIX_KIND_CONTROLLER || !pcifix_streq(a->type, "pci") || !a->hotplug ||
		    !(pcifix_streq(a->model, "pcie-root-port") ||
		      pcifix_streq(a->model, "pcie-switch-downstream-port")))
			continue;
		ports++;
		/* Is anything on its bus?  Find the first address >= (index, 0, 0). */
		memset(&key, 0, sizeof(key));
		key.addr.bus = (unsigned)a->index;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (pcifix_adev_addr_cmp(&v[mid], &kp) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == n || v[lo]->addr.domain != 0 || v[lo]->addr.bus != (unsigned)a->index)
			empty++;
	}
	if (empty)
		return;
	g = pcifix_diag_add(diags, PCIFIX_R_HOTPLUG_CAPACITY, plan->dom->doc->file, 0,
			    "no empty hotpluggable root port is left (%zu in use): "
			    "virsh attach-device of a PCIe device will fail", ports);
	if (g)
		pcifix_diag_set_hint(g, "add one <controller type='pci' model='pcie-root-port'/> "
				     "per device you may hot-plug, then run pcifix again");
}

/* NIC models libvirt does not name: placed as PCI Express, which the user may not expect. */
static void
check_models(const struct pcifix_plan *plan, struct pcifix_diags *diags)
{
	size_t i;

	if (plan->machine == NULL || plan->machine->virt == PCIFIX_VIRT_CH)
		return;
	for (i = 0; i < plan->ndevs; i++) {
		const struct pcifix_adev *a = plan->devs[i];

		if (a->dev == NULL || a->kind != PCIFIX_KIND_INTERFACE || a->dev->model == NULL ||
		    pcifix_streq(a->type, "hostdev") || pcifix_nic_model_known(a->dev->model))
			continue;
		pcifix_diag_device(diags, PCIFIX_R_UNKNOWN_MODEL, plan->dom->doc->file, a->dev,
				   false, NULL, pcifix_xasprintf(
				   "libvirt 9.0 does not name NIC model '%s' and places it as a "
				   "PCI Express device; pcifix does the same", a->dev->model));
	}
}

void
pcifix_check(const struct pcifix_plan *plan, const struct pcifix_opts *opts, bool complete,
	     struct pcifix_diags *diags, struct pcifix_edits *edits)
{
	struct pcifix_adev **v;
	size_t n = 0, i;

	check_address_types(plan, opts, diags, edits);
	check_models(plan, diags);
	/*
	 * The rest needs every address the guest will have, and the machine's
	 * chipset: not after a failed assignment, nor on a machine pcifix
	 * does not know.
	 */
	if (!complete || plan->machine == NULL)
		return;
	v = pcifix_xcalloc(plan->ndevs + 1, sizeof(*v));
	for (i = 0; i < plan->ndevs; i++)
		if (plan->devs[i]->state == PCIFIX_A_PCI)
			v[n++] = plan->devs[i];
	qsort(v, n, sizeof(*v), pcifix_adev_addr_cmp);
	check_slots(plan, v, n, diags);
	check_partial_hostdevs(plan, v, n, diags);
	check_hotplug(plan, v, n, diags);
	free(v);
}
