/* pcifix.c - main: turn the command line into options and hand them to pcifix_run(). */
#include "config.h"

#include <popt.h>
#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

static struct poptOption exit_status_table[] = {
	POPT_TABLEEND
};

int
main(int argc, char **argv)
{
	struct pcifix_opts opts;
	int in_place = 0, check = 0, diff = 0, list = 0, version = 0, rc, nmodes;
	char *output = NULL, *format = NULL;
	const char **files = NULL;
	size_t nfiles = 0;
	poptContext ctx;
	const char *arg;
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
		{ "version", 'V', POPT_ARG_NONE, &version, 0,
		  "print the version and exit", NULL },
		POPT_AUTOHELP
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
	if (version) {
		printf("pcifix %s\n", PACKAGE_VERSION);
		poptFreeContext(ctx);
		return PCIFIX_EXIT_OK;
	}
	while ((arg = poptGetArg(ctx)) != NULL) {
		files = pcifix_xrealloc(files, (nfiles + 1) * sizeof(*files));
		files[nfiles++] = arg;
	}

	memset(&opts, 0, sizeof(opts));
	opts.files = files;
	opts.nfiles = nfiles;
	opts.output = output;
	opts.check = check;
	opts.mode = PCIFIX_MODE_PRINT;
	rc = PCIFIX_EXIT_OK;
	nmodes = (in_place != 0) + (diff != 0) + (list != 0) + (output != NULL);
	if (format == NULL || strcmp(format, "text") == 0) {
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
	free(files);
	free(output);
	free(format);
	poptFreeContext(ctx);
	return rc;
}
