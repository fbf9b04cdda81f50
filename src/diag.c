/* diag.c - the rule table, the diagnostics list and its text and JSON printers. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

/*
 * Every diagnostic pcifix can emit, with its stable id.  Keep this table,
 * the man page's DIAGNOSTICS section and the tests in step.
 */
static const struct pcifix_rule rule_table[PCIFIX_R__COUNT] = {
	[PCIFIX_R_HARD_LINK] = { .id = "hard-link", .severity = PCIFIX_SEVERITY_WARNING, .class = PCIFIX_CLASS_IO,
	  .summary = "-i: the file has other names (hard links), which keep the old bytes" },
	[PCIFIX_R_IO_ERROR] = { .id = "io-error", .severity = PCIFIX_SEVERITY_ERROR, .class = PCIFIX_CLASS_IO,
	  .summary = "a file cannot be read or written" },
	[PCIFIX_R_INTERNAL_ERROR] = { .id = "internal-error", .severity = PCIFIX_SEVERITY_ERROR, .class = PCIFIX_CLASS_IO,
	  .summary = "pcifix failed in a way that is a bug in pcifix" },
	[PCIFIX_R_EMPTY_FILE] = { .id = "empty-file", .severity = PCIFIX_SEVERITY_ERROR, .class = PCIFIX_CLASS_INPUT,
	  .summary = "the file is empty" },
	[PCIFIX_R_XML_SYNTAX] = { .id = "xml-syntax", .severity = PCIFIX_SEVERITY_ERROR, .class = PCIFIX_CLASS_INPUT,
	  .summary = "the file is not well-formed XML" },
	[PCIFIX_R_XML_ENCODING] = { .id = "xml-encoding", .severity = PCIFIX_SEVERITY_ERROR, .class = PCIFIX_CLASS_INPUT,
	  .summary = "the file is not UTF-8 (or US-ASCII): UTF-16, or another declared encoding" },
	[PCIFIX_R_XML_ENTITY] = { .id = "xml-entity", .severity = PCIFIX_SEVERITY_ERROR, .class = PCIFIX_CLASS_INPUT,
	  .summary = "the file declares or uses its own entities, or declares an attribute "
		     "type other than CDATA, which pcifix refuses" },
	[PCIFIX_R_NOT_DOMAIN] = { .id = "not-domain", .severity = PCIFIX_SEVERITY_ERROR, .class = PCIFIX_CLASS_INPUT,
	  .summary = "the root element is not <domain>" },
	[PCIFIX_R_BAD_NUMBER] = { .id = "bad-number", .severity = PCIFIX_SEVERITY_ERROR, .class = PCIFIX_CLASS_INPUT,
	  .summary = "an address or controller attribute is not a number libvirt accepts" },
	[PCIFIX_R_BAD_VALUE] = { .id = "bad-value", .severity = PCIFIX_SEVERITY_ERROR, .class = PCIFIX_CLASS_INPUT,
	  .summary = "an attribute has a value libvirt does not accept (multifunction, hotplug)" },
	[PCIFIX_R_ADDRESS_RANGE] = { .id = "address-range", .severity = PCIFIX_SEVERITY_ERROR, .class = PCIFIX_CLASS_INPUT,
	  .summary = "a PCI bus, slot or function is beyond what a PCI address can hold" },
	[PCIFIX_R_WOULD_CHANGE] = { .id = "would-change", .severity = PCIFIX_SEVERITY_ERROR, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "--check: pcifix would add addresses, controllers or devices to the file" },
	[PCIFIX_R_PCI_ADDRESS] = { .id = "pci-address", .severity = PCIFIX_SEVERITY_ERROR, .required = true, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "a PCI address libvirt rejects: wrong domain, missing bus, slot or "
		     "function out of the controller's range, a device the bus cannot take" },
	[PCIFIX_R_PCI_DUPLICATE] = { .id = "pci-duplicate", .severity = PCIFIX_SEVERITY_ERROR, .required = true, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "two devices on one PCI address, or on a function the chipset owns" },
	[PCIFIX_R_PCI_CONTROLLER] = { .id = "pci-controller", .severity = PCIFIX_SEVERITY_ERROR, .required = true, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "a controller libvirt rejects: duplicate index, wrong root model, "
		     "missing model, out-of-range values" },
	[PCIFIX_R_PCI_CAPACITY] = { .id = "pci-capacity", .severity = PCIFIX_SEVERITY_ERROR, .required = true, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "no PCI slot can be found or added for a device" },
	[PCIFIX_R_ADDRESS_TYPE] = { .id = "address-type", .severity = PCIFIX_SEVERITY_ERROR, .required = true, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "an <address> libvirt rejects: no type, an unknown type, or a "
		     "non-PCI type on a virtio disk" },
	[PCIFIX_R_ADDRESS_NONE] = { .id = "address-none", .severity = PCIFIX_SEVERITY_ERROR, .required = true, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "<address type='none'/>: never valid; the first spelling of "
		     "type='unassigned' (--fix-none rewrites it on PCI hostdevs)" },
	[PCIFIX_R_ADDRESS_NONE_FIXED] = { .id = "address-none-fixed", .severity = PCIFIX_SEVERITY_NOTE,
	  .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "--fix-none rewrote <address type='none'/> as type='unassigned'" },
	[PCIFIX_R_UNASSIGNED_MISUSE] = { .id = "unassigned-misuse", .severity = PCIFIX_SEVERITY_ERROR, .required = true,
	  .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "<address type='unassigned'/> on anything but a PCI hostdev" },
	[PCIFIX_R_FUNCTION_ZERO] = { .id = "function-zero", .severity = PCIFIX_SEVERITY_ERROR, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "a slot has functions but nothing at function 0: an x86 or PCIe guest "
		     "never sees them" },
	[PCIFIX_R_FUNCTION_ZERO_PSERIES] = { .id = "function-zero-pseries", .severity = PCIFIX_SEVERITY_WARNING,
	  .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "the same on pseries, whose guests may see such functions" },
	[PCIFIX_R_MULTIFUNCTION_OFF] = { .id = "multifunction-off", .severity = PCIFIX_SEVERITY_ERROR,
	  .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "multifunction='off' on function 0 while other functions are used: "
		     "QEMU refuses to start" },
	[PCIFIX_R_MULTIFUNCTION_EXTRA] = { .id = "multifunction-extra", .severity = PCIFIX_SEVERITY_WARNING,
	  .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "multifunction='on' on a function other than 0" },
	[PCIFIX_R_PARTIAL_HOSTDEV] = { .id = "partial-hostdev", .severity = PCIFIX_SEVERITY_WARNING,
	  .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "part of a host card is unassigned and the rest sits in a guest slot "
		     "without function 0" },
	[PCIFIX_R_HOTPLUG_CAPACITY] = { .id = "hotplug-capacity", .severity = PCIFIX_SEVERITY_WARNING,
	  .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "q35 and virt: no empty hotpluggable root port is left for virsh "
		     "attach-device" },
	[PCIFIX_R_CH_CONTROLLER] = { .id = "ch-controller", .severity = PCIFIX_SEVERITY_ERROR, .required = true,
	  .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "Cloud Hypervisor: a <controller type='pci'>; CHV has none" },
	[PCIFIX_R_CH_ADDRESS] = { .id = "ch-address", .severity = PCIFIX_SEVERITY_ERROR, .required = true,
	  .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "Cloud Hypervisor: bus not 0, function not 0, multifunction, slot 0 on "
		     "segment 0, a segment beyond --pci-segments, or a duplicate" },
	[PCIFIX_R_CH_CAPACITY] = { .id = "ch-capacity", .severity = PCIFIX_SEVERITY_ERROR, .required = true,
	  .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "Cloud Hypervisor: more devices than the configured segments hold" },
	[PCIFIX_R_CH_BOOT_SEGMENT] = { .id = "ch-boot-segment", .severity = PCIFIX_SEVERITY_WARNING,
	  .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "Cloud Hypervisor on aarch64: the boot disk is off segment 0, which the "
		     "firmware does not enumerate" },
	[PCIFIX_R_BUS_MISSING] = { .id = "bus-missing", .severity = PCIFIX_SEVERITY_WARNING, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "an address names a bus no controller provides; like libvirt, pcifix "
		     "adds controllers up to it" },
	[PCIFIX_R_BUS_MOVED] = { .id = "bus-moved", .severity = PCIFIX_SEVERITY_WARNING, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "libvirt moves a conventional PCI device written on a missing q35 bus "
		     "onto the pcie-to-pci-bridge it adds; pcifix does the same" },
	[PCIFIX_R_BEYOND_LIBVIRT] = { .id = "beyond-libvirt", .severity = PCIFIX_SEVERITY_NOTE, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "libvirt would fail to place the devices; pcifix added bridges so "
		     "they fit, and libvirt accepts the result unchanged" },
	[PCIFIX_R_NOT_ASSIGNED] = { .id = "not-assigned", .severity = PCIFIX_SEVERITY_NOTE, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "pcifix does not assign addresses for this hypervisor or machine yet; "
		     "the file is left as it is" },
	[PCIFIX_R_UNKNOWN_MODEL] = { .id = "unknown-model", .severity = PCIFIX_SEVERITY_NOTE, .class = PCIFIX_CLASS_PROBLEM,
	  .summary = "a NIC model libvirt does not name (QEMU may know it, or it is a typo): "
		     "placed as PCI Express, as libvirt does" },
};

const struct pcifix_rule *
pcifix_rules(size_t *n)
{
	*n = sizeof(rule_table) / sizeof(rule_table[0]);
	return rule_table;
}

bool
pcifix_rule_on(const struct pcifix_lint *lint, enum pcifix_rule_id id)
{
	if (lint == NULL || rule_table[id].required)
		return true;
	return lint->state[id] > 0 || (lint->state[id] == 0 && !rule_table[id].off_by_default);
}

int
pcifix_rule_index(const char *id)
{
	size_t i, n;
	const struct pcifix_rule *r = pcifix_rules(&n);

	for (i = 0; i < n; i++)
		if (strcmp(r[i].id, id) == 0)
			return (int)i;
	return -1;
}

const struct pcifix_rule *
pcifix_rule_find(const char *id)
{
	size_t i, n;
	const struct pcifix_rule *r = pcifix_rules(&n);

	for (i = 0; i < n; i++)
		if (strcmp(r[i].id, id) == 0)
			return &r[i];
	return NULL;
}

void
pcifix_diags_init(struct pcifix_diags *d)
{
	d->v = NULL;
	d->n = 0;
	d->cap = 0;
	d->lint = NULL;
}

void
pcifix_diags_free(struct pcifix_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].message);
		free(d->v[i].hint);
	}
	free(d->v);
	pcifix_diags_init(d);
}

struct pcifix_diag *
pcifix_diag_add(struct pcifix_diags *d, enum pcifix_rule_id id, const char *file, unsigned line,
		const char *fmt, ...)
{
	const struct pcifix_rule *rule = &rule_table[id];
	struct pcifix_diag *diag;
	va_list ap;
	enum pcifix_severity sev;

	sev = rule->severity;
	if (d->lint && rule->class == PCIFIX_CLASS_PROBLEM) {
		signed char st = d->lint->state[rule - rule_table];

		if (!rule->required && (st < 0 || (st == 0 && rule->off_by_default)))
			return NULL;
		if (d->lint->werror && sev == PCIFIX_SEVERITY_WARNING)
			sev = PCIFIX_SEVERITY_ERROR;
	}
	if (d->n == d->cap)
		d->v = pcifix_xgrow(d->v, &d->cap, 8, sizeof(*d->v));
	diag = &d->v[d->n++];
	diag->rule = rule;
	diag->severity = sev;
	diag->file = pcifix_xstrdup(file ? file : "-");
	diag->line = line;
	va_start(ap, fmt);
	diag->message = pcifix_xvasprintf(fmt, ap);
	va_end(ap);
	diag->hint = NULL;
	return diag;
}

void
pcifix_diag_set_hint(struct pcifix_diag *diag, const char *fmt, ...)
{
	va_list ap;

	if (diag == NULL)
		return;
	free(diag->hint);
	va_start(ap, fmt);
	diag->hint = pcifix_xvasprintf(fmt, ap);
	va_end(ap);
}

struct seqdiag {
	struct pcifix_diag d;
	size_t seq;
};

static int
diag_cmp(const void *pa, const void *pb)
{
	const struct seqdiag *a = pa, *b = pb;
	/* Diagnostics without a line (about the whole file) come last. */
	unsigned la = a->d.line ? a->d.line : (unsigned)-1;
	unsigned lb = b->d.line ? b->d.line : (unsigned)-1;

	if (la != lb)
		return la < lb ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void
pcifix_diags_sort(struct pcifix_diags *d)
{
	struct seqdiag *v;
	size_t i;

	if (d->n < 2)
		return;
	v = pcifix_xcalloc(d->n, sizeof(*v));
	for (i = 0; i < d->n; i++) {
		v[i].d = d->v[i];
		v[i].seq = i;
	}
	qsort(v, d->n, sizeof(*v), diag_cmp);
	for (i = 0; i < d->n; i++)
		d->v[i] = v[i].d;
	free(v);
}

enum pcifix_exit
pcifix_diags_status(const struct pcifix_diags *d)
{
	enum pcifix_exit st = PCIFIX_EXIT_OK;
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].severity != PCIFIX_SEVERITY_ERROR)
			continue;
		if (d->v[i].rule->class == PCIFIX_CLASS_IO)
			st = PCIFIX_EXIT_IO;
		else if (d->v[i].rule->class == PCIFIX_CLASS_INPUT && st < PCIFIX_EXIT_INPUT)
			st = PCIFIX_EXIT_INPUT;
	}
	return st;
}

bool
pcifix_diags_has_errors(const struct pcifix_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].severity == PCIFIX_SEVERITY_ERROR)
			return true;
	return false;
}

static const char *
severity_name(enum pcifix_severity s)
{
	switch (s) {
	case PCIFIX_SEVERITY_NOTE:
		return "note";
	case PCIFIX_SEVERITY_WARNING:
		return "warning";
	case PCIFIX_SEVERITY_ERROR:
		break;
	}
	return "error";
}

/* "pcifix: FILE:LINE:" (or without the line). */
static void
where(struct pcifix_buf *b, const struct pcifix_diag *diag)
{
	pcifix_buf_puts(b, "pcifix: ");
	pcifix_buf_text(b, diag->file);
	if (diag->line)
		pcifix_buf_printf(b, ":%u", diag->line);
	pcifix_buf_puts(b, ":");
}

void
pcifix_diag_print(const struct pcifix_diag *diag, enum pcifix_format fmt, FILE *err)
{
	struct pcifix_buf b;

	pcifix_buf_init(&b);
	if (fmt == PCIFIX_FORMAT_JSON) {
		pcifix_buf_puts(&b, "{\"file\":");
		pcifix_buf_json_string(&b, diag->file);
		pcifix_buf_printf(&b, ",\"line\":%u,\"severity\":\"%s\",\"rule\":",
				  diag->line, severity_name(diag->severity));
		pcifix_buf_json_string(&b, diag->rule->id);
		pcifix_buf_puts(&b, ",\"message\":");
		pcifix_buf_json_string(&b, diag->message);
		pcifix_buf_puts(&b, ",\"hint\":");
		pcifix_buf_json_string(&b, diag->hint);
		pcifix_buf_puts(&b, "}\n");
	} else {
		/* One diagnostic, one line: control characters in names and values are escaped. */
		where(&b, diag);
		pcifix_buf_printf(&b, " %s: ", severity_name(diag->severity));
		pcifix_buf_text(&b, diag->message);
		pcifix_buf_printf(&b, " [%s]\n", diag->rule->id);
		if (diag->hint) {
			where(&b, diag);
			pcifix_buf_puts(&b, " hint: ");
			pcifix_buf_text(&b, diag->hint);
			pcifix_buf_puts(&b, "\n");
		}
	}
	fwrite(b.data, 1, b.len, err);
	pcifix_buf_free(&b);
}
_Static_assert(sizeof(rule_table) / sizeof(rule_table[0]) <= PCIFIX_MAX_RULES, "raise PCIFIX_MAX_RULES");
