/* main.c - the command line through popt into pcifix_cli_opts(), then pcifix_run(). */
#include "config.h"

#include <errno.h>
#include <popt.h>
#include <string.h>

#include "pcifix.h"

static struct pcifix_cli cli = { .pci_segments = 1 };
static int help, usage, version, rules;

static struct poptOption exit_status_table[] = {
	POPT_TABLEEND
};

static struct poptOption options[] = {
	{ "in-place", 'i', POPT_ARG_NONE, &cli.in_place, 0,
	  "rewrite each FILE in place, atomically", NULL },
	{ "output", 'o', POPT_ARG_STRING, &cli.output, 0,
	  "write the result to OUT instead of standard output", "OUT" },
	{ "check", '\0', POPT_ARG_NONE, &cli.check, 0,
	  "write nothing; exit 1 if a FILE would change or has a problem", NULL },
	{ "diff", '\0', POPT_ARG_NONE, &cli.diff, 0,
	  "print a unified diff of what would change", NULL },
	{ "list", '\0', POPT_ARG_NONE, &cli.list, 0,
	  "print the PCI topology: controllers and the devices on each bus", NULL },
	{ "format", '\0', POPT_ARG_STRING, &cli.format, 0,
	  "diagnostics and --list as text or json (default text)", "text|json" },
	{ "warn", 'W', POPT_ARG_ARGV, &cli.warn, 0,
	  "turn rule RULE on or off, or warnings into errors (repeatable)",
	  "RULE|no-RULE|error" },
	{ "fix-none", '\0', POPT_ARG_NONE, &cli.fix_none, 0,
	  "rewrite <address type='none'/> on PCI hostdevs as type='unassigned'", NULL },
	{ "pci-segments", '\0', POPT_ARG_INT, &cli.pci_segments, 0,
	  "Cloud Hypervisor: the number of PCI segments (1-96, default 1)", "N" },
	{ "ch-order", '\0', POPT_ARG_STRING, &cli.ch_order, 0,
	  "Cloud Hypervisor: place devices in CHV's order (chv, default) or the "
	  "libvirt ch driver draft's (libvirt)", "chv|libvirt" },
	{ "ch-console", '\0', POPT_ARG_STRING, &cli.ch_console, 0,
	  "Cloud Hypervisor: whether the VMM creates its default virtio-console "
	  "(on, default)", "on|off" },
	{ "ch-slot0", '\0', POPT_ARG_NONE, &cli.ch_slot0, 0,
	  "Cloud Hypervisor: device 0 is free on segments other than 0", NULL },
	{ "max-size", '\0', POPT_ARG_STRING, &cli.max_size, 0,
	  "refuse a FILE larger than SIZE bytes (K, M, G: KiB, MiB, GiB; "
	  "default 10M, libvirt's own limit)", "SIZE" },
	{ "rules", '\0', POPT_ARG_NONE, &rules, 0,
	  "list every rule with its default severity and exit", NULL },
	{ "version", 'V', POPT_ARG_NONE, &version, 0, "print the version and exit", NULL },
	{ "help", 'h', POPT_ARG_NONE, &help, 0, "show this help message", NULL },
	{ "usage", '\0', POPT_ARG_NONE, &usage, 0, "display a brief usage message", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, exit_status_table, 0,
	  "Exit status: 0 ok, 1 --check found changes or problems, 2 usage,\n"
	  "3 invalid input, 4 I/O or internal error.", NULL },
	POPT_TABLEEND
};

/* --help, --usage, --version or --rules; the status, once it reached stdout. */
static int
print_info(poptContext ctx)
{
	if (help)
		poptPrintHelp(ctx, stdout, 0);
	else if (usage)
		poptPrintUsage(ctx, stdout, 0);
	else if (version)
		printf("pcifix %s\n", PACKAGE_VERSION);
	else
		pcifix_print_rules(stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "pcifix: <stdout>: error: cannot write: %s [io-error]\n",
			strerror(errno));
		return PCIFIX_EXIT_IO;
	}
	return PCIFIX_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct pcifix_opts opts;
	poptContext ctx;
	int rc;

	ctx = poptGetContext("pcifix", argc, (const char **)argv, options, 0);
	poptSetOtherOptionHelp(ctx, "[OPTION...] FILE...");
	while ((rc = poptGetNextOpt(ctx)) > 0)
		;
	if (rc < -1) {
		fprintf(stderr, "pcifix: %s: %s\n", poptBadOption(ctx, POPT_BADOPTION_NOALIAS),
			poptStrerror(rc));
		fprintf(stderr, "Try 'pcifix --help' for more information.\n");
		rc = PCIFIX_EXIT_USAGE;
	} else if (help || usage || version || rules) {
		rc = print_info(ctx);
	} else {
		/* The FILE arguments, as popt keeps them until the context is freed. */
		cli.files = poptGetArgs(ctx);
		while (cli.files && cli.files[cli.nfiles])
			cli.nfiles++;
		rc = pcifix_cli_opts(&cli, &opts, stderr);
		if (rc == PCIFIX_EXIT_OK)
			rc = pcifix_run(&opts, stdout, stderr);
	}
	pcifix_cli_free(&cli);
	poptFreeContext(ctx);
	return rc;
}
