/* pcifix.c - main: turn the command line into options and hand them to pcifix_run(). */
#include "config.h"

#include <errno.h>
#include <popt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

static struct poptOption exit_status_table[] = {
	POPT_TABLEEND
};

static const char *const severity_names[] = { "note", "warning", "error" };

static void
print_rules(void)
{
	size_t i, n;
	const struct pcifix_rule *r = pcifix_rules(&n);

	for (i = 0; i < n; i++)
		printf("%-22s %-7s %s%s\n", r[i].id, severity_names[r[i].severity], r[i].summary,
		       r[i].off_by_default ? " (off unless -W)" : "");
}

/* -W RULE, -W no-RULE, -W error: into `lint`; 0 or the usage status. */
static int
parse_warn(const char **warn, struct pcifix_lint *lint)
{
	size_t i;

	memset(lint, 0, sizeof(*lint));
	for (i = 0; warn && warn[i]; i++) {
		const char *w = warn[i];
		bool off = strncmp(w, "no-", 3) == 0;
		const char *id = off ? w + 3 : w;
		int k;
		size_t n;
		const struct pcifix_rule *r = pcifix_rules(&n);

		if (strcmp(w, "error") == 0) {
			lint->werror = true;
			continue;
		}
		if (strcmp(w, "no-error") == 0) {
			lint->werror = false;
			continue;
		}
		k = pcifix_rule_index(id);
		if (k < 0) {
			fprintf(stderr, "pcifix: -W %s: no rule '%s' (pcifix --rules lists them)\n",
				w, id);
			return PCIFIX_EXIT_USAGE;
		}
		if (r[k].class != PCIFIX_CLASS_PROBLEM || (off && r[k].required)) {
			fprintf(stderr, "pcifix: -W %s: rule '%s' cannot be turned %s: %s\n", w, id,
				off ? "off" : "on or off",
				r[k].class != PCIFIX_CLASS_PROBLEM ?
				"the file cannot be read without it" : "libvirt rejects such a domain");
			return PCIFIX_EXIT_USAGE;
		}
		lint->state[k] = off ? -1 : 1;
	}
	return PCIFIX_EXIT_OK;
}

/* "10M", "512K", "2G" or bytes: into *out (at least 1). */
static int
parse_size(const char *s, size_t *out)
{
	static const struct {
		char suffix;
		unsigned shift;
	} units[] = { { 'K', 10 }, { 'M', 20 }, { 'G', 30 } };
	unsigned long long v;
	char *end;
	size_t i;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno || v == 0)
		return -1;
	for (i = 0; *end && i < sizeof(units) / sizeof(units[0]); i++)
		if ((*end == units[i].suffix || *end == units[i].suffix + 32) && end[1] == '\0') {
			if (v > (SIZE_MAX >> units[i].shift))
				return -1;
			v <<= units[i].shift;
			end++;
		}
	if (*end || v > SIZE_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* What was printed for --help, --usage, --version or --rules reached stdout: status. */
static int
printed(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "pcifix: <stdout>: error: cannot write: %s [io-error]\n",
			strerror(errno));
		return PCIFIX_EXIT_IO;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	struct pcifix_opts opts;
	int in_place = 0, check = 0, diff = 0, list = 0, version = 0, rules = 0, fix_none = 0;
	int help = 0, usage = 0;
	int rc, nmodes, pci_segments = 1, ch_slot0 = 0;
	char *output = NULL, *format = NULL, *ch_order = NULL, *ch_console = NULL;
	char *max_size = NULL;
	const char **warn = NULL;
	const char **files;
	size_t nfiles = 0;
	poptContext ctx;
	struct poptOption options[] = {
		{ "in-place", 'i', POPT_ARG_NONE, &in_place, 0,
		  "rewrite each FILE in place, atomically", NULL },
		{ "output", 'o', POPT_ARG_STRING, &output, 0,
		  "write the result to OUT instead of standard output", "OUT" },
		{ "check", '\0', POPT_ARG_NONE, &check, 0,
		  "write nothing; exit 1 if a FILE would change or has a problem", NULL },
		{ "diff", '\0', POPT_ARG_NONE, &diff, 0,
		  "print a unified diff of what would change", NULL },
		{ "list", '\0', POPT_ARG_NONE, &list, 0,
		  "print the PCI topology: controllers and the devices on each bus", NULL },
		{ "format", '\0', POPT_ARG_STRING, &format, 0,
		  "diagnostics and --list as text or json (default text)", "text|json" },
		{ "warn", 'W', POPT_ARG_ARGV, &warn, 0,
		  "turn rule RULE on or off, or warnings into errors (repeatable)",
		  "RULE|no-RULE|error" },
		{ "fix-none", '\0', POPT_ARG_NONE, &fix_none, 0,
		  "rewrite <address type='none'/> on PCI hostdevs as type='unassigned'", NULL },
		{ "pci-segments", '\0', POPT_ARG_INT, &pci_segments, 0,
		  "Cloud Hypervisor: the number of PCI segments (1-96, default 1)", "N" },
		{ "ch-order", '\0', POPT_ARG_STRING, &ch_order, 0,
		  "Cloud Hypervisor: place devices in CHV's order (chv, default) or the "
		  "libvirt ch driver draft's (libvirt)", "chv|libvirt" },
		{ "ch-console", '\0', POPT_ARG_STRING, &ch_console, 0,
		  "Cloud Hypervisor: whether the VMM creates its default virtio-console "
		  "(on, default)", "on|off" },
		{ "ch-slot0", '\0', POPT_ARG_NONE, &ch_slot0, 0,
		  "Cloud Hypervisor: device 0 is free on segments other than 0", NULL },
		{ "max-size", '\0', POPT_ARG_STRING, &max_size, 0,
		  "refuse a FILE larger than SIZE bytes (K, M, G: KiB, MiB, GiB; "
		  "default 10M, libvirt's own limit)", "SIZE" },
		{ "rules", '\0', POPT_ARG_NONE, &rules, 0,
		  "list every rule with its default severity and exit", NULL },
		{ "version", 'V', POPT_ARG_NONE, &version, 0,
		  "print the version and exit", NULL },
		{ "help", 'h', POPT_ARG_NONE, &help, 0, "show this help message", NULL },
		{ "usage", '\0', POPT_ARG_NONE, &usage, 0, "display a brief usage message", NULL },
		{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, exit_status_table, 0,
		  "Exit status: 0 ok, 1 --check found changes or problems, 2 usage,\n"
		  "3 invalid input, 4 I/O or internal error.", NULL },
		POPT_TABLEEND
	};

	ctx = poptGetContext("pcifix", argc, (const char **)argv, options, 0);
	poptSetOtherOptionHelp(ctx, "[OPTION...] FILE...");
	while ((rc = poptGetNextOpt(ctx)) > 0)
		;
	if (rc < -1) {
		fprintf(stderr, "pcifix: %s: %s\n", poptBadOption(ctx, POPT_BADOPTION_NOALIAS),
			poptStrerror(rc));
		fprintf(stderr, "Try 'pcifix --help' for more information.\n");
		poptFreeContext(ctx);
		return PCIFIX_EXIT_USAGE;
	}
	if (help || usage || version || rules) {
		if (help)
			poptPrintHelp(ctx, stdout, 0);
		else if (usage)
			poptPrintUsage(ctx, stdout, 0);
		else if (version)
			printf("pcifix %s\n", PACKAGE_VERSION);
		else
			print_rules();
		free(warn);
		poptFreeContext(ctx);
		return printed(PCIFIX_EXIT_OK);
	}
	/* The FILE arguments, as popt keeps them until the context is freed. */
	files = poptGetArgs(ctx);
	while (files && files[nfiles])
		nfiles++;

	memset(&opts, 0, sizeof(opts));
	opts.fix_none = fix_none;
	opts.ch_slot0 = ch_slot0;
	rc = parse_warn(warn, &opts.lint);
	if (rc == PCIFIX_EXIT_OK && (pci_segments < 1 || pci_segments > 96)) {
		fprintf(stderr, "pcifix: --pci-segments must be 1-96, not %d\n", pci_segments);
		rc = PCIFIX_EXIT_USAGE;
	}
	opts.pci_segments = (unsigned)pci_segments;
	if (rc == PCIFIX_EXIT_OK && max_size && parse_size(max_size, &opts.max_size) < 0) {
		fprintf(stderr, "pcifix: --max-size must be a number of bytes, with K, M or G "
			"after it if you like, not '%s'\n", max_size);
		rc = PCIFIX_EXIT_USAGE;
	}
	if (rc == PCIFIX_EXIT_OK && ch_order && strcmp(ch_order, "chv") != 0 &&
	    strcmp(ch_order, "libvirt") != 0) {
		fprintf(stderr, "pcifix: --ch-order must be 'chv' or 'libvirt', not '%s'\n",
			ch_order);
		rc = PCIFIX_EXIT_USAGE;
	}
	opts.ch_order_libvirt = ch_order && strcmp(ch_order, "libvirt") == 0;
	if (rc == PCIFIX_EXIT_OK && ch_console && strcmp(ch_console, "on") != 0 &&
	    strcmp(ch_console, "off") != 0) {
		fprintf(stderr, "pcifix: --ch-console must be 'on' or 'off', not '%s'\n",
			ch_console);
		rc = PCIFIX_EXIT_USAGE;
	}
	opts.ch_console_off = ch_console && strcmp(ch_console, "off") == 0;
	opts.files = files;
	opts.nfiles = nfiles;
	opts.output = output;
	opts.check = check;
	opts.mode = PCIFIX_MODE_PRINT;
	nmodes = (in_place != 0) + (diff != 0) + (list != 0) + (output != NULL);
	if (rc != PCIFIX_EXIT_OK) {
		/* parse_warn said why. */
	} else if (format == NULL || strcmp(format, "text") == 0) {
		opts.format = PCIFIX_FORMAT_TEXT;
	} else if (strcmp(format, "json") == 0) {
		opts.format = PCIFIX_FORMAT_JSON;
	} else {
		fprintf(stderr, "pcifix: --format must be 'text' or 'json', not '%s'\n", format);
		rc = PCIFIX_EXIT_USAGE;
	}
	if (rc == PCIFIX_EXIT_OK && nfiles == 0) {
		fprintf(stderr, "pcifix: no FILE given (use - for standard input)\n"
			"Try 'pcifix --help' for more information.\n");
		rc = PCIFIX_EXIT_USAGE;
	}
	if (rc == PCIFIX_EXIT_OK && nmodes > 1) {
		fprintf(stderr, "pcifix: use only one of -i, -o, --diff and --list\n");
		rc = PCIFIX_EXIT_USAGE;
	}
	if (rc == PCIFIX_EXIT_OK && check && (in_place || output)) {
		fprintf(stderr, "pcifix: --check writes nothing: it cannot go with -i or -o\n");
		rc = PCIFIX_EXIT_USAGE;
	}
	if (rc == PCIFIX_EXIT_OK && output && nfiles > 1) {
		fprintf(stderr, "pcifix: -o takes exactly one FILE\n");
		rc = PCIFIX_EXIT_USAGE;
	}
	if (rc == PCIFIX_EXIT_OK && in_place) {
		size_t i;

		for (i = 0; i < nfiles; i++)
			if (strcmp(files[i], "-") == 0) {
				fprintf(stderr, "pcifix: -i cannot rewrite standard input\n");
				rc = PCIFIX_EXIT_USAGE;
				break;
			}
	}
	if (rc == PCIFIX_EXIT_OK) {
		if (in_place)
			opts.mode = PCIFIX_MODE_IN_PLACE;
		else if (diff)
			opts.mode = PCIFIX_MODE_DIFF;
		else if (list)
			opts.mode = PCIFIX_MODE_LIST;
		else if (check)
			opts.mode = PCIFIX_MODE_CHECK;
		rc = pcifix_run(&opts, stdout, stderr);
	}
	free(output);
	free(max_size);
	free(format);
	free(ch_order);
	free(ch_console);
	if (warn) {
		size_t i;

		for (i = 0; warn[i]; i++)
			free((char *)warn[i]);
		free(warn);
	}
	poptFreeContext(ctx);
	return rc;
}
