/* lint-models.c - the model values libvirt 9.0 knows, per device kind, and the ones it cannot place. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"

/*
 * libvirt reads most model attributes as an enumeration: a value it does
 * not know is refused while parsing ("Invalid value for attribute ...") or
 * when the domain is validated ("unknown ... model").  pcifix must refuse
 * the same domains, not give such a device an address libvirt never would.
 * (A NIC model is free text: see pcifix_nic_model_known().)
 */
/*
 * The first row of a kind (and controller type) whose list lacks the model
 * refuses it, with libvirt's message.
 */
static const struct model_row {
	enum pcifix_kind kind;
	const char *type;               /* controllers: the type= it is for */
	const char *before, *after;     /* libvirt's message, around the model */
	const char *const *models;      /* NULL-terminated */
} rows[] = {
	{ .kind = PCIFIX_KIND_SOUND,
	  .before = "Invalid value for attribute 'model' in element 'sound': '",
	  .after = "'",
	  .models = (const char *const[]){ "sb16", "es1370", "pcspk", "ac97", "ich6", "ich9",
					   "usb", "ich7", NULL } },
	{ .kind = PCIFIX_KIND_MEMBALLOON,
	  .before = "Invalid value for attribute 'model' in element 'memballoon': '",
	  .after = "'",
	  .models = (const char *const[]){ "virtio", "xen", "none", "virtio-transitional",
					   "virtio-non-transitional", NULL } },
	{ .kind = PCIFIX_KIND_TPM,
	  .before = "Invalid value for attribute 'model' in element 'tpm': '",
	  .after = "'",
	  .models = (const char *const[]){ "tpm-tis", "tpm-crb", "tpm-spapr", "spapr-tpm-proxy",
					   NULL } },
	{ .kind = PCIFIX_KIND_FILESYSTEM,
	  .before = "Invalid value for attribute 'model' in element 'filesystem': '",
	  .after = "'",
	  .models = (const char *const[]){ "default", "virtio", "virtio-transitional",
					   "virtio-non-transitional", NULL } },
	{ .kind = PCIFIX_KIND_SHMEM,
	  .before = "Invalid value for attribute 'type' in element 'model': '",
	  .after = "'",
	  .models = (const char *const[]){ "ivshmem", "ivshmem-plain", "ivshmem-doorbell",
					   NULL } },
	{ .kind = PCIFIX_KIND_VIDEO, .before = "unknown video model '",
	  .after = "'",
	  .models = (const char *const[]){ "vga", "cirrus", "vmvga", "xen", "vbox", "qxl",
					   "parallels", "virtio", "gop", "none", "bochs",
					   "ramfb", "default", NULL } },
	{ .kind = PCIFIX_KIND_VIDEO,
	  .before = "domain configuration does not support video model '",
	  .after = "'",
	  .models = (const char *const[]){ "vga", "cirrus", "vmvga", "qxl", "virtio", "none",
					   "bochs", "ramfb", "default", NULL } },
	{ .kind = PCIFIX_KIND_WATCHDOG, .before = "unknown watchdog model '",
	  .after = "'",
	  .models = (const char *const[]){ "i6300esb", "ib700", "diag288", NULL } },
	{ .kind = PCIFIX_KIND_RNG, .before = "unknown RNG model '",
	  .after = "'",
	  .models = (const char *const[]){ "virtio", "virtio-transitional",
					   "virtio-non-transitional", NULL } },
	{ .kind = PCIFIX_KIND_PANIC, .before = "unknown panic model '",
	  .after = "'",
	  .models = (const char *const[]){ "default", "isa", "pseries", "hyperv", "s390",
					   NULL } },
	{ .kind = PCIFIX_KIND_CONTROLLER, .type = "usb", .before = "Unknown model type '",
	  .after = "'",
	  .models = (const char *const[]){ "piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1",
					   "ich9-uhci1", "ich9-uhci2", "ich9-uhci3",
					   "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qusb1",
					   "qusb2", "qemu-xhci", "none", "default", NULL } },
	{ .kind = PCIFIX_KIND_CONTROLLER, .type = "usb",
	  .before = "USB controller model type 'qusb1' or 'qusb2' is not supported in qemu ('",
	  .after = "')",
	  .models = (const char *const[]){ "piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1",
					   "ich9-uhci1", "ich9-uhci2", "ich9-uhci3",
					   "vt82c686b-uhci", "pci-ohci", "nec-xhci",
					   "qemu-xhci", "none", "default", NULL } },
	{ .kind = PCIFIX_KIND_CONTROLLER, .type = "scsi", .before = "Unknown model type '",
	  .after = "'",
	  .models = (const char *const[]){ "auto", "buslogic", "lsilogic", "lsisas1068",
					   "vmpvscsi", "ibmvscsi", "virtio-scsi", "lsisas1078",
					   "virtio-transitional", "virtio-non-transitional",
					   "ncr53c90", "am53c974", "dc390", "default", NULL } },
};

/* Models libvirt 9.0 names but gives no PCI connect flags: refused without an address. */
static const struct {
	enum pcifix_kind kind;
	const char *model;
	const char *advice;
} no_flags[] = {
	{ PCIFIX_KIND_INTERFACE, "usb-net", "write <address type='usb' bus='0' port='N'/>" },
	{ PCIFIX_KIND_SOUND, "ich7", "libvirt 9.0 cannot place it; use ich9 or ich6" },
	{ PCIFIX_KIND_MEMBALLOON, "xen", "a QEMU domain takes model='virtio' or 'none'" },
};

static bool
listed(const char *const *v, const char *model)
{
	for (; *v; v++)
		if (strcmp(*v, model) == 0)
			return true;
	return false;
}

int
pcifix_lint_models(struct pcifix_actx *c)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; i < c->plan->ndevs; i++) {
		const struct pcifix_adev *a = c->plan->devs[i];
		const struct pcifix_device *d = a->dev;

		if (d == NULL || d->model == NULL)
			continue;
		for (k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
			const struct model_row *r = &rows[k];

			if (r->kind != d->kind || (r->type && !pcifix_streq(r->type, d->type)) ||
			    listed(r->models, d->model))
				continue;
			pcifix_actx_report(c, a, PCIFIX_R_BAD_VALUE,
					   pcifix_xasprintf("%s%s%s", r->before, d->model,
							    r->after));
			rc = -1;
			break;
		}
		for (k = 0; k < sizeof(no_flags) / sizeof(no_flags[0]); k++) {
			if (no_flags[k].kind != d->kind || strcasecmp(no_flags[k].model, d->model) != 0 ||
			    d->addr.type != PCIFIX_ADDR_ABSENT)
				continue;
			pcifix_actx_report(c, a, PCIFIX_R_PCI_CAPACITY, pcifix_xasprintf(
				"Cannot automatically add a new PCI bus for a device with connect "
				"flags 00: libvirt 9.0 has no address to give model '%s' (%s)",
				d->model, no_flags[k].advice));
			rc = -1;
		}
	}
	return rc;
}
