/* cli.c - the command line's values, checked and turned into options (no popt here: main has it). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void set_format(struct pcifix_opts *o, unsigned v);
static void set_ch_order(struct pcifix_opts *o, unsigned v);
static void set_ch_console(struct pcifix_opts *o, unsigned v);

/* The options that take one of a fixed set of words; the first is the default. */
static const struct choice {
	const char *option;
	size_t field;                   /* offsetof the string in struct pcifix_cli */
	const char *words[2];
	void (*set)(struct pcifix_opts *o, unsigned v);
} choices[] = {
	{ .option = "--ch-order", .field = offsetof(struct pcifix_cli, ch_order),
	  .words = { "chv", "libvirt" }, .set = set_ch_order },
	{ .option = "--ch-console", .field = offsetof(struct pcifix_cli, ch_console),
	  .words = { "on", "off" }, .set = set_ch_console },
	{ .option = "--format", .field = offsetof(struct pcifix_cli, format),
	  .words = { "text", "json" }, .set = set_format },
};

/* The options that pick what is written; at most one of them. */
static const struct mode_flag {
	size_t field;                   /* offsetof the int in struct pcifix_cli */
	enum pcifix_mode mode;
} mode_flags[] = {
	{ .field = offsetof(struct pcifix_cli, in_place), .mode = PCIFIX_MODE_IN_PLACE },
	{ .field = offsetof(struct pcifix_cli, diff), .mode = PCIFIX_MODE_DIFF },
	{ .field = offsetof(struct pcifix_cli, list), .mode = PCIFIX_MODE_LIST },
};

static const char *const severity_names[] = {
	[PCIFIX_SEVERITY_NOTE] = "note",
	[PCIFIX_SEVERITY_WARNING] = "warning",
	[PCIFIX_SEVERITY_ERROR] = "error",
};

static void
set_format(struct pcifix_opts *o, unsigned v)
{
	o->format = v ? PCIFIX_FORMAT_JSON : PCIFIX_FORMAT_TEXT;
}

static void
set_ch_order(struct pcifix_opts *o, unsigned v)
{
	o->ch_order_libvirt = v == 1;
}

static void
set_ch_console(struct pcifix_opts *o, unsigned v)
{
	o->ch_console_off = v == 1;
}

void
pcifix_print_rules(FILE *out)
{
	size_t i, n;
	const struct pcifix_rule *r = pcifix_rules(&n);

	for (i = 0; i < n; i++)
		fprintf(out, "%-22s %-7s %s%s\n", r[i].id, severity_names[r[i].severity],
			r[i].summary, r[i].off_by_default ? " (off unless -W)" : "");
}

/* -W RULE, -W no-RULE, -W error: into `lint`; 0, or -1 with the reason on `err`. */
static int
parse_warn(const char *const *warn, struct pcifix_lint *lint, FILE *err)
{
	size_t i, n;
	const struct pcifix_rule *r = pcifix_rules(&n);

	for (i = 0; warn && warn[i]; i++) {
		const char *w = warn[i];
		bool off = strncmp(w, "no-", 3) == 0;
		const char *id = off ? w + 3 : w;
		int k;

		if (strcmp(id, "error") == 0) {
			lint->werror = !off;
			continue;
		}
		k = pcifix_rule_index(id);
		if (k < 0) {
			fprintf(err, "pcifix: -W %s: no rule '%s' (pcifix --rules lists them)\n",
				w, id);
			return -1;
		}
		if (r[k].class != PCIFIX_CLASS_PROBLEM || (off && r[k].required)) {
			fprintf(err, "pcifix: -W %s: rule '%s' cannot be turned %s: %s\n", w, id,
				off ? "off" : "on or off",
				r[k].class != PCIFIX_CLASS_PROBLEM ?
				"the file cannot be read without it" : "libvirt rejects such a domain");
			return -1;
		}
		lint->state[k] = off ? -1 : 1;
	}
	return 0;
}

int
pcifix_parse_size(const char *s, size_t *out)
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
	for (i = 0; *end && i < NELEMS(units); i++)
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

/* The fixed-choice options, from the table; 0, or -1 with the reason on `err`. */
static int
parse_choices(const struct pcifix_cli *cli, struct pcifix_opts *opts, FILE *err)
{
	size_t i;

	for (i = 0; i < NELEMS(choices); i++) {
		const struct choice *c = &choices[i];
		const char *v = *(char *const *)((const char *)cli + c->field);
		unsigned k;

		for (k = 0; v && k < NELEMS(c->words) && strcmp(v, c->words[k]) != 0; k++)
			;
		if (k == NELEMS(c->words)) {
			fprintf(err, "pcifix: %s must be '%s' or '%s', not '%s'\n", c->option,
				c->words[0], c->words[1], v);
			return -1;
		}
		c->set(opts, v ? k : 0);
	}
	return 0;
}

/* -i, --diff, --list, -o and --check, and the FILE arguments: 0, or -1 with the reason. */
static int
parse_mode(const struct pcifix_cli *cli, struct pcifix_opts *opts, FILE *err)
{
	size_t i, nmodes = cli->output != NULL;

	opts->mode = cli->check ? PCIFIX_MODE_CHECK : PCIFIX_MODE_PRINT;
	for (i = 0; i < NELEMS(mode_flags); i++)
		if (*(const int *)((const char *)cli + mode_flags[i].field)) {
			if (nmodes++ == 0)
				opts->mode = mode_flags[i].mode;
		}
	if (cli->nfiles == 0)
		fprintf(err, "pcifix: no FILE given (use - for standard input)\n"
			"Try 'pcifix --help' for more information.\n");
	else if (nmodes > 1)
		fprintf(err, "pcifix: use only one of -i, -o, --diff and --list\n");
	else if (cli->check && (cli->in_place || cli->output))
		fprintf(err, "pcifix: --check writes nothing: it cannot go with -i or -o\n");
	else if (cli->output && cli->nfiles > 1)
		fprintf(err, "pcifix: -o takes exactly one FILE\n");
	else {
		for (i = 0; cli->in_place && i < cli->nfiles; i++)
			if (strcmp(cli->files[i], "-") == 0) {
				fprintf(err, "pcifix: -i cannot rewrite standard input\n");
				return -1;
			}
		return 0;
	}
	return -1;
}

enum pcifix_exit
pcifix_cli_opts(const struct pcifix_cli *cli, struct pcifix_opts *opts, FILE *err)
{
	memset(opts, 0, sizeof(*opts));
	opts->files = cli->files;
	opts->nfiles = cli->nfiles;
	opts->output = cli->output;
	opts->check = cli->check;
	opts->fix_none = cli->fix_none;
	opts->ch_slot0 = cli->ch_slot0;
	opts->pci_segments = cli->pci_segments > 0 ? (unsigned)cli->pci_segments : 1;
	if (parse_warn(cli->warn, &opts->lint, err) < 0)
		return PCIFIX_EXIT_USAGE;
	if (cli->pci_segments < 1 || cli->pci_segments > 96) {
		fprintf(err, "pcifix: --pci-segments must be 1-96, not %d\n", cli->pci_segments);
		return PCIFIX_EXIT_USAGE;
	}
	if (cli->max_size && pcifix_parse_size(cli->max_size, &opts->max_size) < 0) {
		fprintf(err, "pcifix: --max-size must be a number of bytes, with K, M or G "
			"after it if you like, not '%s'\n", cli->max_size);
		return PCIFIX_EXIT_USAGE;
	}
	if (parse_choices(cli, opts, err) < 0 || parse_mode(cli, opts, err) < 0)
		return PCIFIX_EXIT_USAGE;
	return PCIFIX_EXIT_OK;
}

void
pcifix_cli_free(struct pcifix_cli *cli)
{
	char **strings[] = { &cli->output, &cli->format, &cli->ch_order, &cli->ch_console,
			     &cli->max_size };
	size_t i;

	for (i = 0; i < NELEMS(strings); i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
	for (i = 0; cli->warn && cli->warn[i]; i++)
		free((char *)cli->warn[i]);
	free(cli->warn);
	cli->warn = NULL;
}
