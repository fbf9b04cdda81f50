/* check_util.c - unit tests for util.c: libvirt-style numbers, the buffer, JSON strings. */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

/* ---- pcifix_parse_uint ---------------------------------------------- */

static const struct {
	const char *s;
	unsigned long long max;
	unsigned long long want;
} uint_ok[] = {
	{ "5", UINT_MAX, 5 },
	{ "0x1f", UINT_MAX, 0x1f },
	{ "0X1F", UINT_MAX, 0x1f },
	{ "0xAbC", UINT_MAX, 0xabc },
	{ "010", UINT_MAX, 8 },
	{ "017", UINT_MAX, 15 },
	{ "0", UINT_MAX, 0 },
	{ "00", UINT_MAX, 0 },
	{ "0x0", UINT_MAX, 0 },
	{ "  7", UINT_MAX, 7 },
	{ " \t\n\v\f\r0x10", UINT_MAX, 16 },
	{ "+5", UINT_MAX, 5 },
	{ "+0x5", UINT_MAX, 5 },
	{ "1234567890", UINT_MAX, 1234567890ULL },
	{ "4294967295", UINT_MAX, 4294967295ULL },
	{ "0xffffffff", UINT_MAX, 0xffffffffULL },
	{ "037777777777", UINT_MAX, 0xffffffffULL },
	{ "0x1F", 0x1f, 0x1f },
	{ "255", 255, 255 },
	{ "7", 7, 7 },
	{ "0", 0, 0 },
	{ "18446744073709551615", ULLONG_MAX, ULLONG_MAX },
	{ "0xffffffffffffffff", ULLONG_MAX, ULLONG_MAX },
};

START_TEST(test_parse_uint_ok)
{
	unsigned long long v = 12345;

	ck_assert_msg(pcifix_parse_uint(uint_ok[_i].s, uint_ok[_i].max, &v) == 0,
		      "\"%s\" (max %llu) was rejected", uint_ok[_i].s, uint_ok[_i].max);
	ck_assert_msg(v == uint_ok[_i].want, "\"%s\" gave %llu, want %llu", uint_ok[_i].s, v,
		      uint_ok[_i].want);
}
END_TEST

static const struct {
	const char *s;
	unsigned long long max;
} uint_bad[] = {
	{ "", UINT_MAX },
	{ " ", UINT_MAX },
	{ "\t\n", UINT_MAX },
	{ "-1", UINT_MAX },
	{ "-0", UINT_MAX },
	{ " -5", UINT_MAX },
	{ "zz", UINT_MAX },
	{ "08", UINT_MAX },
	{ "09", UINT_MAX },
	{ "0x", UINT_MAX },
	{ "0X", UINT_MAX },
	{ "0xg", UINT_MAX },
	{ "1z", UINT_MAX },
	{ "5 ", UINT_MAX },
	{ "0x 1", UINT_MAX },
	{ "1.0", UINT_MAX },
	{ "+", UINT_MAX },
	{ "++5", UINT_MAX },
	{ "+-5", UINT_MAX },
	{ "a", UINT_MAX },
	{ "0x100000000", UINT_MAX },
	{ "4294967296", UINT_MAX },
	{ "040000000000", UINT_MAX },
	{ "256", 255 },
	{ "0x20", 0x1f },
	{ "8", 7 },
	{ "1", 0 },
	{ "18446744073709551616", ULLONG_MAX },
	{ "0x10000000000000000", ULLONG_MAX },
	{ "99999999999999999999999", ULLONG_MAX },
};

START_TEST(test_parse_uint_bad)
{
	unsigned long long v = 0;

	ck_assert_msg(pcifix_parse_uint(uint_bad[_i].s, uint_bad[_i].max, &v) == -1,
		      "\"%s\" (max %llu) was accepted as %llu", uint_bad[_i].s, uint_bad[_i].max,
		      v);
}
END_TEST

START_TEST(test_parse_uint_null)
{
	unsigned long long v = 0;

	ck_assert_int_eq(pcifix_parse_uint(NULL, UINT_MAX, &v), -1);
}
END_TEST

/* ---- the buffer ----------------------------------------------------- */

START_TEST(test_buf_init_empty)
{
	struct pcifix_buf b;
	char *s;

	pcifix_buf_init(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	/* Adding nothing still gives a NUL-terminated buffer. */
	pcifix_buf_add(&b, "", 0);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	s = pcifix_buf_steal(&b);
	ck_assert_str_eq(s, "");
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	free(s);
	/* Stealing from a buffer that never held anything gives "", not NULL. */
	s = pcifix_buf_steal(&b);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_buf_growth)
{
	struct pcifix_buf b;
	size_t i;
	const size_t n = 10000;

	pcifix_buf_init(&b);
	for (i = 0; i < n; i++) {
		char c[8];
		size_t k = (size_t)snprintf(c, sizeof(c), "%c%zu;", 'a' + (int)(i % 26), i % 10);

		pcifix_buf_add(&b, c, k);
		ck_assert_uint_eq(b.len, (i + 1) * 3);
		ck_assert_uint_ge(b.cap, b.len + 1);
		ck_assert_int_eq(b.data[b.len], '\0');
	}
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(b.data[3 * i], 'a' + (int)(i % 26));
		ck_assert_int_eq(b.data[3 * i + 1], '0' + (int)(i % 10));
		ck_assert_int_eq(b.data[3 * i + 2], ';');
	}
	ck_assert_uint_eq(strlen(b.data), 3 * n);
	pcifix_buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

START_TEST(test_buf_binary)
{
	struct pcifix_buf b;

	/* Embedded NULs are kept: the length, not strlen, counts. */
	pcifix_buf_init(&b);
	pcifix_buf_add(&b, "a\0b", 3);
	pcifix_buf_add(&b, "\0", 1);
	ck_assert_uint_eq(b.len, 4);
	ck_assert_mem_eq(b.data, "a\0b\0", 5);
	pcifix_buf_free(&b);
}
END_TEST

START_TEST(test_buf_puts_printf)
{
	struct pcifix_buf b;
	char big[5001];

	pcifix_buf_init(&b);
	pcifix_buf_puts(&b, "x=");
	pcifix_buf_printf(&b, "%d,%s,%04x,%c", -42, "str", 0xbeef, '!');
	ck_assert_str_eq(b.data, "x=-42,str,beef,!");
	ck_assert_uint_eq(b.len, strlen("x=-42,str,beef,!"));
	pcifix_buf_printf(&b, "%s", "");
	ck_assert_uint_eq(b.len, strlen("x=-42,str,beef,!"));
	/* A printf much larger than the initial capacity. */
	memset(big, 'q', 5000);
	big[5000] = '\0';
	pcifix_buf_printf(&b, "[%s]%5d", big, 7);
	ck_assert_uint_eq(b.len, 16 + 5002 + 5);
	ck_assert_uint_eq(strlen(b.data), b.len);
	ck_assert_int_eq(b.data[16], '[');
	ck_assert_int_eq(b.data[16 + 5001], ']');
	ck_assert_str_eq(b.data + b.len - 5, "    7");
	pcifix_buf_free(&b);
}
END_TEST

static const struct {
	const char *in;
	const char *want;
} json_cases[] = {
	{ "", "\"\"" },
	{ "plain", "\"plain\"" },
	{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
	{ "C:\\dir\\", "\"C:\\\\dir\\\\\"" },
	{ "a\nb", "\"a\\nb\"" },
	{ "a\r\nb", "\"a\\r\\nb\"" },
	{ "t\tt", "\"t\\tt\"" },
	{ "\x01", "\"\\u0001\"" },
	{ "\x1f|\x08|\x0c|\x1b", "\"\\u001f|\\u0008|\\u000c|\\u001b\"" },
	{ "</script>", "\"</script>\"" },
	{ "caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\"" },
	{ "del\x7f", "\"del\x7f\"" },
	{ "'single'", "\"'single'\"" },
	/* Not UTF-8 (a file name can be anything): still valid JSON. */
	{ "bad\xff.xml", "\"bad\\ufffd.xml\"" },
	{ "\xc3(", "\"\\ufffd(\"" },
	{ "over\xc0\xafl", "\"over\\ufffd\\ufffdl\"" },
	{ "sur\xed\xa0\x80", "\"sur\\ufffd\\ufffd\\ufffd\"" },
	{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },
};

static const struct {
	const char *in;
	const char *want;
} text_cases[] = {
	{ "plain 'quoted'", "plain 'quoted'" },
	{ "0x05\npcifix: x.xml:7: error: forged", "0x05\\npcifix: x.xml:7: error: forged" },
	{ "a\r\tb\x1b[31m\x7f", "a\\r\\tb\\x1b[31m\\x7f" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
};

/* Text diagnostics: one line, whatever a value holds. */
START_TEST(test_text)
{
	struct pcifix_buf b;

	pcifix_buf_init(&b);
	pcifix_buf_text(&b, text_cases[_i].in);
	ck_assert_str_eq(b.data, text_cases[_i].want);
	pcifix_buf_free(&b);
}
END_TEST

static const struct {
	const char *in;
	const char *want;
} shell_cases[] = {
	{ "dom.xml", "dom.xml" },
	{ "vms/web-1.xml", "vms/web-1.xml" },
	{ "my file.xml", "'my file.xml'" },
	{ "it's.xml", "'it'\\''s.xml'" },
	{ "$(rm -rf ~).xml", "'$(rm -rf ~).xml'" },
	{ "", "''" },
};

START_TEST(test_shell_word)
{
	char *w = pcifix_shell_word(shell_cases[_i].in);

	ck_assert_str_eq(w, shell_cases[_i].want);
	free(w);
}
END_TEST

START_TEST(test_json_string)
{
	struct pcifix_buf b;

	pcifix_buf_init(&b);
	pcifix_buf_puts(&b, "pre:");
	pcifix_buf_json_string(&b, json_cases[_i].in);
	ck_assert_str_eq(b.data + 4, json_cases[_i].want);
	ck_assert_uint_eq(b.len, 4 + strlen(json_cases[_i].want));
	ck_assert_mem_eq(b.data, "pre:", 4);
	pcifix_buf_free(&b);
}
END_TEST

START_TEST(test_json_null)
{
	struct pcifix_buf b;

	pcifix_buf_init(&b);
	pcifix_buf_json_string(&b, NULL);
	ck_assert_str_eq(b.data, "null");
	pcifix_buf_free(&b);
}
END_TEST

/* ---- allocation helpers --------------------------------------------- */

START_TEST(test_xasprintf)
{
	char *s = pcifix_xasprintf("%s:%u: %s [%s]", "dom.xml", 42u, "msg", "rule");
	char *big;
	char *longer;

	ck_assert_str_eq(s, "dom.xml:42: msg [rule]");
	free(s);
	s = pcifix_xasprintf("%s", "");
	ck_assert_str_eq(s, "");
	free(s);
	big = pcifix_xmalloc(10001);
	memset(big, 'z', 10000);
	big[10000] = '\0';
	longer = pcifix_xasprintf("<%s>%d", big, 12);
	ck_assert_uint_eq(strlen(longer), 10004);
	ck_assert_int_eq(longer[0], '<');
	ck_assert_int_eq(longer[10001], '>');
	ck_assert_str_eq(longer + 10002, "12");
	free(longer);
	free(big);
}
END_TEST

START_TEST(test_strdup_family)
{
	char *a = pcifix_xstrdup("hello");
	char *b = pcifix_xstrndup("hello world", 5);
	char *c = pcifix_xstrndup("ab", 0);
	unsigned char *z = pcifix_xcalloc(16, 4);
	size_t i;

	ck_assert_str_eq(a, "hello");
	ck_assert_str_eq(b, "hello");
	ck_assert_str_eq(c, "");
	for (i = 0; i < 64; i++)
		ck_assert_uint_eq(z[i], 0);
	z = pcifix_xrealloc(z, 4096);
	z[4095] = 1;
	ck_assert_uint_eq(z[0], 0);
	free(a);
	free(b);
	free(c);
	free(z);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* pcifix_xgrow(): `first` elements, then twice the room each time, contents kept. */
START_TEST(test_xgrow)
{
	int *v = NULL;
	size_t cap = 0, n;

	for (n = 0; n < 100; n++) {
		if (n == cap) {
			size_t before = cap;

			v = pcifix_xgrow(v, &cap, 8, sizeof(*v));
			ck_assert_uint_eq(cap, before ? 2 * before : 8);
		}
		v[n] = (int)n;
	}
	ck_assert_uint_eq(cap, 128);
	for (n = 0; n < 100; n++)
		ck_assert_int_eq(v[n], (int)n);
	free(v);
}
END_TEST

/* pcifix_memfind() agrees with a naive search, at every offset and length. */
static const char *
naive_find(const char *h, size_t len, const char *n, size_t nl)
{
	size_t i;

	for (i = 0; i + nl <= len; i++)
		if (memcmp(h + i, n, nl) == 0)
			return h + i;
	return NULL;
}

START_TEST(test_memfind)
{
	static const char hay[] = "a-->b--c-->--->?>x\0-->";
	static const char *needles[] = { "-->", "?>", ">", "x", "--->", "zz", "a" };
	size_t from, len, k;

	for (k = 0; k < sizeof(needles) / sizeof(needles[0]); k++)
		for (from = 0; from < sizeof(hay); from++)
			for (len = 0; from + len < sizeof(hay); len++)
				ck_assert_ptr_eq(pcifix_memfind(hay + from, len, needles[k],
								 strlen(needles[k])),
						 naive_find(hay + from, len, needles[k],
							    strlen(needles[k])));
	ck_assert_ptr_eq(pcifix_memfind(hay, 3, "", 0), hay);
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc;

	tc = tcase_create("parse_uint");
	tcase_add_loop_test(tc, test_parse_uint_ok, 0, N(uint_ok));
	tcase_add_loop_test(tc, test_parse_uint_bad, 0, N(uint_bad));
	tcase_add_test(tc, test_parse_uint_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("buf");
	tcase_add_test(tc, test_buf_init_empty);
	tcase_add_test(tc, test_buf_growth);
	tcase_add_test(tc, test_buf_binary);
	tcase_add_test(tc, test_buf_puts_printf);
	tcase_add_loop_test(tc, test_json_string, 0, N(json_cases));
	tcase_add_loop_test(tc, test_text, 0, sizeof(text_cases) / sizeof(text_cases[0]));
	tcase_add_loop_test(tc, test_shell_word, 0, sizeof(shell_cases) / sizeof(shell_cases[0]));
	tcase_add_test(tc, test_json_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("alloc");
	tcase_add_test(tc, test_xasprintf);
	tcase_add_test(tc, test_strdup_family);
	tcase_add_test(tc, test_xgrow);
	suite_add_tcase(s, tc);

	tc = tcase_create("search");
	tcase_add_test(tc, test_memfind);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
