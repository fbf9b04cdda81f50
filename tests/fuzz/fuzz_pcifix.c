/* fuzz_pcifix.c - libFuzzer target: one document through pcifix_process_buffer() in a mode the first byte picks. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

/*
 * Input: one option byte, then the document.
 *
 *   bits 0-2  the mode: print, check, list text, list json, diff,
 *             check+diff, check+list json, in-place (which, in memory,
 *             produces what print does)
 *   bit 3     --fix-none
 *   bit 4     -W error and every rule that is off by default turned on
 *   bits 5-7  Cloud Hypervisor options (they matter only for type='ch'
 *             domains; x86 and the other families ignore them):
 *             --pci-segments 1, 2, 16 or 96 (bits 5-6), and bit 7 selects
 *             --ch-order=libvirt --ch-console=off --ch-slot0 together
 *
 * Every diagnostic is printed to /dev/null in the mode's format, so the
 * text and JSON printers see whatever the input made them say.
 *
 * Properties checked besides "no sanitizer report, no leak":
 *   - the status is one of 0, 1, 3 (in memory there is no I/O to fail)
 *     and never 4: an internal-error diagnostic is a bug by definition;
 *     PCIFIX_FUZZ_LAX=1 in the environment allows 4;
 *   - with PCIFIX_FUZZ_IDEMPOTENT=1: when printing succeeds (status 0),
 *     a second run on the output succeeds and changes nothing, which is
 *     what tests/golden.sh asks of every plain case.
 */

static FILE *devnull;
static bool lax, idempotent;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *e;

	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	if (devnull == NULL)
		abort();
	e = getenv("PCIFIX_FUZZ_LAX");
	lax = e && strcmp(e, "1") == 0;
	e = getenv("PCIFIX_FUZZ_IDEMPOTENT");
	idempotent = e && strcmp(e, "1") == 0;
	return 0;
}

static void
set_opts(struct pcifix_opts *opts, uint8_t sel)
{
	static const unsigned segments[] = { 1, 2, 16, 96 };

	memset(opts, 0, sizeof(*opts));
	opts->format = PCIFIX_FORMAT_TEXT;
	switch (sel & 7) {
	case 0:
		opts->mode = PCIFIX_MODE_PRINT;
		break;
	case 1:
		opts->mode = PCIFIX_MODE_CHECK;
		opts->check = true;
		break;
	case 2:
		opts->mode = PCIFIX_MODE_LIST;
		break;
	case 3:
		opts->mode = PCIFIX_MODE_LIST;
		opts->format = PCIFIX_FORMAT_JSON;
		break;
	case 4:
		opts->mode = PCIFIX_MODE_DIFF;
		break;
	case 5:
		opts->mode = PCIFIX_MODE_DIFF;
		opts->check = true;
		break;
	case 6:
		opts->mode = PCIFIX_MODE_LIST;
		opts->format = PCIFIX_FORMAT_JSON;
		opts->check = true;
		break;
	case 7:
		opts->mode = PCIFIX_MODE_IN_PLACE;
		break;
	}
	opts->fix_none = (sel & 8) != 0;
	if (sel & 16) {
		size_t i, n;
		const struct pcifix_rule *r = pcifix_rules(&n);

		opts->lint.werror = true;
		for (i = 0; i < n && i < PCIFIX_MAX_RULES; i++)
			if (r[i].off_by_default && r[i].class == PCIFIX_CLASS_PROBLEM)
				opts->lint.state[i] = 1;
	}
	opts->pci_segments = segments[(sel >> 5) & 3];
	if (sel & 128) {
		opts->ch_order_libvirt = true;
		opts->ch_console_off = true;
		opts->ch_slot0 = true;
	}
}

/* One run; returns the status and leaves the output in *out (the caller frees). */
static enum pcifix_exit
run(const char *doc, size_t len, const struct pcifix_opts *opts, struct pcifix_buf *out)
{
	struct pcifix_diags diags;
	enum pcifix_exit st;
	size_t i;

	pcifix_diags_init(&diags);
	pcifix_buf_init(out);
	st = pcifix_process_buffer("fuzz.xml", doc, len, opts, out, &diags);
	pcifix_diags_sort(&diags);
	for (i = 0; i < diags.n; i++) {
		if (diags.v[i].rule == NULL || diags.v[i].message == NULL)
			abort();
		pcifix_diag_print(&diags.v[i], opts->format, devnull);
	}
	pcifix_diags_free(&diags);
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcifix_opts opts;
	struct pcifix_buf out;
	enum pcifix_exit st;

	if (size < 1)
		return 0;
	set_opts(&opts, data[0]);
	st = run((const char *)data + 1, size - 1, &opts, &out);
	switch (st) {
	case PCIFIX_EXIT_OK:
	case PCIFIX_EXIT_CHECK:
	case PCIFIX_EXIT_INPUT:
		break;
	case PCIFIX_EXIT_IO:
		if (!lax) {
			fprintf(stderr, "fuzz_pcifix: status 4 (internal error) without I/O\n");
			abort();
		}
		break;
	default:
		fprintf(stderr, "fuzz_pcifix: status %d is no exit status\n", (int)st);
		abort();
	}
	if (st == PCIFIX_EXIT_CHECK && !opts.check) {
		fprintf(stderr, "fuzz_pcifix: status 1 without --check\n");
		abort();
	}
	if (idempotent && st == PCIFIX_EXIT_OK &&
	    (opts.mode == PCIFIX_MODE_PRINT || opts.mode == PCIFIX_MODE_IN_PLACE)) {
		struct pcifix_buf again;
		enum pcifix_exit st2 = run(out.data ? out.data : "", out.len, &opts, &again);

		if (st2 != PCIFIX_EXIT_OK) {
			fprintf(stderr, "fuzz_pcifix: second run on the output: status %d\n",
				(int)st2);
			abort();
		}
		if (again.len != out.len || memcmp(again.data, out.data, out.len) != 0) {
			fprintf(stderr, "fuzz_pcifix: second run on the output changed it\n");
			abort();
		}
		pcifix_buf_free(&again);
	}
	pcifix_buf_free(&out);
	return 0;
}
