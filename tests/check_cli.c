/* check_cli.c - unit tests for cli.c: every option check, the choice and mode tables, sizes. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

static const char *const one_file[] = { "dom.xml", NULL };
static const char *const two_files[] = { "a.xml", "b.xml", NULL };
static const char *const stdin_file[] = { "-", NULL };

/* A command line with one FILE and nothing else. */
static struct pcifix_cli
line(void)
{
	struct pcifix_cli c = { .pci_segments = 1, .files = one_file, .nfiles = 1 };

	return c;
}

/* pcifix_cli_opts() on `c`: the status, and what it said in `said` (freed by the caller). */
static int
run(const struct pcifix_cli *c, struct pcifix_opts *o, char **said)
{
	size_t n;
	FILE *err = open_memstream(said, &n);
	int rc;

	ck_assert_ptr_nonnull(err);
	rc = pcifix_cli_opts(c, o, err);
	fclose(err);
	return rc;
}

/* The call fails with usage and its message holds `needle`. */
static void
refused(const struct pcifix_cli *c, const char *needle)
{
	struct pcifix_opts o;
	char *said = NULL;

	ck_assert_int_eq(run(c, &o, &said), PCIFIX_EXIT_USAGE);
	ck_assert_msg(strstr(said, needle) != NULL, "'%s' not in '%s'", needle, said);
	free(said);
}

/* The call succeeds and says nothing. */
static void
accepted(const struct pcifix_cli *c, struct pcifix_opts *o)
{
	char *said = NULL;

	ck_assert_int_eq(run(c, o, &said), PCIFIX_EXIT_OK);
	ck_assert_str_eq(said, "");
	free(said);
}

START_TEST(test_defaults)
{
	struct pcifix_cli c = line();
	struct pcifix_opts o;

	accepted(&c, &o);
	ck_assert_int_eq(o.mode, PCIFIX_MODE_PRINT);
	ck_assert_int_eq(o.format, PCIFIX_FORMAT_TEXT);
	ck_assert(!o.ch_order_libvirt && !o.ch_console_off && !o.check && !o.fix_none);
	ck_assert_uint_eq(o.pci_segments, 1);
	ck_assert_uint_eq(o.max_size, 0);
	ck_assert_uint_eq(o.nfiles, 1);
	ck_assert_ptr_eq(o.files, one_file);
	ck_assert_ptr_null(o.output);
}
END_TEST

/* Each fixed-choice option: both words, and a wrong one named in the message. */
START_TEST(test_choices)
{
	static const struct {
		size_t field;
		const char *option, *word0, *word1;
	} rows[] = {
		{ offsetof(struct pcifix_cli, format), "--format", "text", "json" },
		{ offsetof(struct pcifix_cli, ch_order), "--ch-order", "chv", "libvirt" },
		{ offsetof(struct pcifix_cli, ch_console), "--ch-console", "on", "off" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pcifix_cli c = line();
		char **slot = (char **)((char *)&c + rows[i].field);
		struct pcifix_opts o0, o1;
		char bad[] = "JSON";

		*slot = (char *)rows[i].word0;
		accepted(&c, &o0);
		*slot = (char *)rows[i].word1;
		accepted(&c, &o1);
		ck_assert_msg(memcmp(&o0, &o1, sizeof(o0)) != 0, "%s: both words alike",
			      rows[i].option);
		*slot = bad;
		refused(&c, rows[i].option);
		refused(&c, "not 'JSON'");
	}
	{
		struct pcifix_cli c = line();
		struct pcifix_opts o;

		c.format = (char *)"json";
		c.ch_order = (char *)"libvirt";
		c.ch_console = (char *)"off";
		accepted(&c, &o);
		ck_assert_int_eq(o.format, PCIFIX_FORMAT_JSON);
		ck_assert(o.ch_order_libvirt);
		ck_assert(o.ch_console_off);
	}
}
END_TEST

START_TEST(test_modes)
{
	struct pcifix_cli c = line();
	struct pcifix_opts o;

	c.in_place = 1;
	accepted(&c, &o);
	ck_assert_int_eq(o.mode, PCIFIX_MODE_IN_PLACE);
	c = line();
	c.check = 1;
	accepted(&c, &o);
	ck_assert_int_eq(o.mode, PCIFIX_MODE_CHECK);
	ck_assert(o.check);
	c.diff = 1;                             /* --check --diff: a diff, and status 1 */
	accepted(&c, &o);
	ck_assert_int_eq(o.mode, PCIFIX_MODE_DIFF);
	ck_assert(o.check);
	c = line();
	c.check = 1;
	c.list = 1;
	accepted(&c, &o);
	ck_assert_int_eq(o.mode, PCIFIX_MODE_LIST);
	c = line();
	c.output = (char *)"out.xml";
	accepted(&c, &o);
	ck_assert_int_eq(o.mode, PCIFIX_MODE_PRINT);
	ck_assert_str_eq(o.output, "out.xml");

	c = line();
	c.in_place = c.diff = 1;
	refused(&c, "use only one of -i, -o, --diff and --list");
	c = line();
	c.list = 1;
	c.output = (char *)"x";
	refused(&c, "use only one of");
	c = line();
	c.check = 1;
	c.in_place = 1;
	refused(&c, "--check writes nothing");
	c.in_place = 0;
	c.output = (char *)"x";
	refused(&c, "--check writes nothing");
	c = line();
	c.output = (char *)"x";
	c.files = two_files;
	c.nfiles = 2;
	refused(&c, "-o takes exactly one FILE");
	c = line();
	c.in_place = 1;
	c.files = stdin_file;
	refused(&c, "-i cannot rewrite standard input");
	c = line();
	c.files = NULL;
	c.nfiles = 0;
	refused(&c, "no FILE given");
}
END_TEST

START_TEST(test_numbers)
{
	struct pcifix_cli c = line();
	struct pcifix_opts o;

	c.pci_segments = 96;
	accepted(&c, &o);
	ck_assert_uint_eq(o.pci_segments, 96);
	c.pci_segments = 97;
	refused(&c, "--pci-segments must be 1-96, not 97");
	c.pci_segments = 0;
	refused(&c, "not 0");
	c = line();
	c.max_size = (char *)"2k";
	accepted(&c, &o);
	ck_assert_uint_eq(o.max_size, 2048);
	c.max_size = (char *)"10 M";
	refused(&c, "--max-size must be a number of bytes");
}
END_TEST

START_TEST(test_sizes)
{
	static const struct {
		const char *s;
		size_t v;               /* 0: refused */
	} rows[] = {
		{ "1", 1 }, { "512", 512 }, { "512K", 512u << 10 }, { "3m", (size_t)3 << 20 },
		{ "2G", (size_t)2 << 30 }, { "0", 0 }, { "", 0 }, { "-1", 0 }, { "+1", 0 },
		{ "1KB", 0 }, { "1T", 0 }, { "K", 0 }, { " 1", 0 }, { "1 ", 0 },
		{ "18446744073709551616", 0 }, { "17179869184G", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t v = 0;
		int rc = pcifix_parse_size(rows[i].s, &v);

		ck_assert_msg(rc == (rows[i].v ? 0 : -1), "'%s': %d", rows[i].s, rc);
		if (rows[i].v)
			ck_assert_msg(v == rows[i].v, "'%s': %zu", rows[i].s, v);
	}
}
END_TEST

START_TEST(test_warn)
{
	struct pcifix_cli c = line();
	struct pcifix_opts o;
	const char *on[] = { "error", "function-zero", "no-hotplug-capacity", NULL };
	const char *werror_off[] = { "error", "no-error", NULL };
	const char *unknown[] = { "no-such-rule", NULL };
	const char *required[] = { "no-pci-duplicate", NULL };
	const char *reading[] = { "xml-syntax", NULL };
	int k;

	c.warn = on;
	accepted(&c, &o);
	ck_assert(o.lint.werror);
	k = pcifix_rule_index("function-zero");
	ck_assert_int_ge(k, 0);
	ck_assert_int_eq(o.lint.state[k], 1);
	k = pcifix_rule_index("hotplug-capacity");
	ck_assert_int_ge(k, 0);
	ck_assert_int_eq(o.lint.state[k], -1);
	c.warn = werror_off;
	accepted(&c, &o);
	ck_assert(!o.lint.werror);
	c.warn = unknown;
	refused(&c, "-W no-such-rule: no rule 'such-rule'");
	c.warn = required;
	refused(&c, "libvirt rejects such a domain");
	c.warn = reading;
	refused(&c, "the file cannot be read without it");
}
END_TEST

START_TEST(test_print_rules)
{
	char *text = NULL;
	size_t len, n, i, lines = 0;
	FILE *f = open_memstream(&text, &len);
	const struct pcifix_rule *r = pcifix_rules(&n);

	pcifix_print_rules(f);
	fclose(f);
	for (i = 0; i < len; i++)
		lines += text[i] == '\n';
	ck_assert_uint_eq(lines, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(strstr(text, r[i].id) != NULL, "%s missing", r[i].id);
	free(text);
}
END_TEST

static Suite *
cli_suite(void)
{
	Suite *su = suite_create("cli");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_choices);
	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_warn);
	tcase_add_test(tc, test_print_rules);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	SRunner *sr = srunner_create(cli_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
