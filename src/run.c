/* run.c - the pipeline for each file: read, load, model, (assign), check, write. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/*
 * Process one document held in memory.  `out` receives what the mode
 * produces for this file (the XML, the diff or the listing); the caller
 * decides where it goes.  *changed tells whether the XML would change.
 */
/*
 * The exit status of one file.  Input and I/O failures are 3 and 4 in
 * every mode.  With --check, an error-level finding or a needed change is
 * 1.  Otherwise an error-level finding means nothing was written: 3.
 */
static enum pcifix_exit
file_status(const struct pcifix_opts *opts, const struct pcifix_diags *diags, bool failed,
	    bool changed)
{
	enum pcifix_exit st = pcifix_diags_status(diags);

	if (st != PCIFIX_EXIT_OK)
		return st;
	if (opts->check)
		return (changed && pcifix_rule_on(&opts->lint, PCIFIX_R_WOULD_CHANGE)) || failed ||
		       pcifix_diags_has_errors(diags) ? PCIFIX_EXIT_CHECK : PCIFIX_EXIT_OK;
	return failed || pcifix_diags_has_errors(diags) ? PCIFIX_EXIT_INPUT : PCIFIX_EXIT_OK;
}

/*
 * Process one document held in memory.  `out` receives what the mode
 * produces for this file (the XML, the diff or the listing); the caller
 * decides where it goes.  Returns false when the file could not be
 * processed; *changed tells whether the XML would change.
 */
static bool
process(const char *file, char *bytes, size_t len, const struct pcifix_opts *opts,
	struct pcifix_buf *out, bool *changed, struct pcifix_diags *diags)
{
	struct pcifix_doc *doc;
	struct pcifix_domain *dom = NULL;
	struct pcifix_edits edits;
	struct pcifix_plan plan;
	char *result = NULL;
	size_t rlen = 0;
	bool ok = false;

	*changed = false;
	doc = pcifix_xml_load(bytes, len, file, diags);
	if (doc == NULL)
		return false;
	dom = pcifix_model_build(doc, diags);
	if (dom == NULL) {
		pcifix_doc_free(doc);
		return false;
	}
	pcifix_edits_init(&edits, doc);
	if (pcifix_plan_build(dom, opts, &plan, diags) < 0) {
		/* The address type rules still say what else is wrong. */
		pcifix_check(&plan, opts, false, diags, &edits);
		goto out;
	}
	if (plan.no_pci) {
		pcifix_diag_add(diags, PCIFIX_R_NOT_ASSIGNED, file, 0,
				"s390x: every device uses a ccw address, none asks for PCI "
				"(zPCI): no PCI address to assign");
		pcifix_augment(&plan, &edits);   /* the pci-root libvirt adds */
	} else if (plan.machine == NULL) {
		pcifix_diag_add(diags, PCIFIX_R_NOT_ASSIGNED, file, 0,
				"pcifix does not assign PCI addresses for %s domains on %s "
				"machine '%s' yet; the file is left as it is",
				dom->virt_name ? dom->virt_name : "untyped", dom->arch,
				dom->machine ? dom->machine : dom->family);
	} else {
		size_t i;

		if (plan.relaxed)
			pcifix_diag_add(diags, PCIFIX_R_BEYOND_LIBVIRT, file, 0,
					"libvirt 9.0 would fail to place these devices (\"no PCI "
					"slot for a pci-bridge\"); pcifix added bridges so that they "
					"fit, and libvirt defines the result unchanged");
		for (i = 0; i < plan.ndevs; i++) {
			const struct pcifix_adev *a = plan.devs[i];
			char buf[32];

			if (a->bus_moved && a->dev)
				pcifix_diag_add(diags, PCIFIX_R_BUS_MOVED, file, a->dev->addr.node->line,
						"bus %u has no controller: like libvirt, pcifix adds "
						"a pcie-root-port and a pcie-to-pci-bridge and moves "
						"this conventional PCI device onto the bridge (%s)",
						a->addr.bus - 1,
						pcifix_pci_addr_fmt(&a->addr, buf, sizeof(buf)));
		}
		pcifix_augment(&plan, &edits);
	}
	pcifix_check(&plan, opts, true, diags, &edits);

	if (pcifix_edits_sort(&edits) < 0) {
		pcifix_diag_add(diags, PCIFIX_R_INTERNAL_ERROR, file, 0,
				"two changes to the same bytes; please report this");
		goto out;
	}
	result = pcifix_edits_apply(&edits, &rlen);
	/* What counts is the result, not how many edits made it. */
	*changed = rlen != doc->len || memcmp(result, doc->bytes, rlen) != 0;
	switch (opts->mode) {
	case PCIFIX_MODE_LIST:
		pcifix_list_print(&plan, opts->format, out);
		break;
	case PCIFIX_MODE_DIFF:
		pcifix_diff_unified(out, file, &edits);
		break;
	case PCIFIX_MODE_PRINT:
	case PCIFIX_MODE_IN_PLACE:
		if (out->len == 0) {
			/* Hand the result over rather than copy it. */
			free(out->data);
			out->data = result;
			out->len = rlen;
			out->cap = rlen + 1;
			result = NULL;
		} else {
			pcifix_buf_add(out, result, rlen);
		}
		break;
	case PCIFIX_MODE_CHECK:
		break;
	}
	ok = true;
out:
	free(result);
	pcifix_plan_free(&plan);
	pcifix_edits_free(&edits);
	pcifix_domain_free(dom);
	pcifix_doc_free(doc);
	return ok;
}

enum pcifix_exit
pcifix_process_buffer(const char *file, const char *bytes, size_t len,
		      const struct pcifix_opts *opts, struct pcifix_buf *out,
		      struct pcifix_diags *diags)
{
	char *copy = pcifix_xmalloc(len + 1);
	bool changed, ok;

	memcpy(copy, bytes, len);
	copy[len] = '\0';
	if (diags->lint == NULL)
		diags->lint = &opts->lint;
	ok = process(file, copy, len, opts, out, &changed, diags);
	return file_status(opts, diags, !ok, changed);
}

static bool
write_stream(FILE *f, const char *data, size_t len)
{
	return fwrite(data, 1, len, f) == len && fflush(f) == 0;
}

static enum pcifix_exit
run_one(const struct pcifix_opts *opts, const char *file, FILE *out, FILE *err)
{
	struct pcifix_diags diags;
	struct pcifix_buf result;
	struct pcifix_io_file inplace;
	enum pcifix_exit st;
	bool changed = false, ok;
	char *bytes;
	size_t len, i;
	/* Diagnostics name the file as the user wrote it; stdin is "<stdin>". */
	const char *label = strcmp(file, "-") == 0 ? "<stdin>" : file;
	size_t max = opts->max_size ? opts->max_size : PCIFIX_DEFAULT_MAX_SIZE;

	pcifix_diags_init(&diags);
	diags.lint = &opts->lint;
	pcifix_buf_init(&result);
	pcifix_io_file_init(&inplace);
	if ((opts->mode == PCIFIX_MODE_IN_PLACE ?
	     pcifix_io_read_in_place(file, max, &inplace, &bytes, &len, &diags) :
	     pcifix_io_read(file, max, &bytes, &len, &diags)) < 0) {
		st = pcifix_diags_status(&diags);
		goto out;
	}
	ok = process(label, bytes, len, opts, &result, &changed, &diags);
	st = file_status(opts, &diags, !ok, changed);
	if (ok && opts->check && changed) {
		struct pcifix_diag *d = pcifix_diag_add(&diags, PCIFIX_R_WOULD_CHANGE, label, 0,
							"pcifix would change this file");
		char *w = pcifix_shell_word(file);

		/* A copy-paste of the hint must rewrite this file, whatever its name. */
		if (strcmp(w, file) == 0 && file[0] != '-')
			pcifix_diag_set_hint(d, "run 'pcifix -i %s' and review the result", file);
		else
			pcifix_diag_set_hint(d, "run this and review the result: pcifix -i -- %s", w);
		free(w);
	}
	/* A listing or a diff is shown whenever there is one; XML only when all is well. */
	if (!ok || (st != PCIFIX_EXIT_OK && opts->mode != PCIFIX_MODE_LIST &&
		    opts->mode != PCIFIX_MODE_DIFF))
		goto out;
	switch (opts->mode) {
	case PCIFIX_MODE_IN_PLACE:
		/* An unchanged file is not rewritten: its mtime and inode stay. */
		if (changed && pcifix_io_replace(&inplace, file, result.data, result.len,
						 &diags) < 0)
			st = pcifix_diags_status(&diags);
		break;
	case PCIFIX_MODE_PRINT:
		if (opts->output) {
			if (pcifix_io_write_atomic(opts->output, result.data, result.len,
						   &diags) < 0)
				st = pcifix_diags_status(&diags);
			break;
		}
		/* fall through */
	case PCIFIX_MODE_DIFF:
	case PCIFIX_MODE_LIST:
		if (!write_stream(out, result.data ? result.data : "", result.len)) {
			pcifix_diag_add(&diags, PCIFIX_R_IO_ERROR, "<stdout>", 0, "cannot write: %s",
					strerror(errno));
			st = PCIFIX_EXIT_IO;
		}
		break;
	case PCIFIX_MODE_CHECK:
		break;
	}
out:
	pcifix_diags_sort(&diags);
	for (i = 0; i < diags.n; i++)
		pcifix_diag_print(&diags.v[i], opts->format, err);
	fflush(err);
	pcifix_diags_free(&diags);
	pcifix_buf_free(&result);
	pcifix_io_file_close(&inplace);
	return st;
}

enum pcifix_exit
pcifix_run(const struct pcifix_opts *opts, FILE *out, FILE *err)
{
	enum pcifix_exit worst = PCIFIX_EXIT_OK;
	size_t i;

	for (i = 0; i < opts->nfiles; i++) {
		enum pcifix_exit st = run_one(opts, opts->files[i], out, err);

		if (st > worst)
			worst = st;
	}
	return worst;
}
