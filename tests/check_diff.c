/* check_diff.c - unit tests for diff.c: the unified diff of a run's edits, and that it applies. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pcifix.h"

/* ---- helpers -------------------------------------------------------- */

static struct pcifix_doc *
load(const char *s)
{
	struct pcifix_diags d;
	struct pcifix_doc *doc;
	size_t len = strlen(s);

	pcifix_diags_init(&d);
	doc = pcifix_xml_load(pcifix_xstrndup(s, len), len, "t.xml", &d);
	ck_assert_msg(doc != NULL, "refused: %s", d.n ? d.v[0].message : "");
	pcifix_diags_free(&d);
	return doc;
}

static struct pcifix_node *
find(const struct pcifix_doc *doc, const char *name)
{
	size_t i;

	for (i = 0; i < doc->nnodes; i++)
		if (strcmp(doc->nodes[i].name, name) == 0)
			return &doc->nodes[i];
	ck_abort_msg("no element <%s>", name);
	return NULL;
}

/* "<r>\n  <a1/>\n ... <aN/>\n</r>\n": line k+1 is <ak/>, N+2 lines. */
static char *
numbered(int n, const char *eol, bool final_eol)
{
	struct pcifix_buf b;
	int i;

	pcifix_buf_init(&b);
	pcifix_buf_printf(&b, "<r>%s", eol);
	for (i = 1; i <= n; i++)
		pcifix_buf_printf(&b, "  <a%d/>%s", i, eol);
	pcifix_buf_puts(&b, "</r>");
	if (final_eol)
		pcifix_buf_puts(&b, eol);
	return pcifix_buf_steal(&b);
}

static char *
diff_of(struct pcifix_edits *e)
{
	struct pcifix_buf out;

	pcifix_buf_init(&out);
	pcifix_diff_unified(&out, "t.xml", e);
	return pcifix_buf_steal(&out);
}

static size_t
count_lines_starting(const char *diff, char c)
{
	const char *p = diff;
	size_t n = 0;

	while (*p) {
		if (*p == c && strncmp(p, "--- ", 4) != 0 && strncmp(p, "+++ ", 4) != 0)
			n++;
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	return n;
}

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct pcifix_buf b;
	char chunk[4096];
	size_t n;

	ck_assert_ptr_nonnull(f);
	pcifix_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		pcifix_buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return pcifix_buf_steal(&b);
}

static void
rm_rf(const char *dir)
{
	char *cmd = pcifix_xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
}

/* Made and removed in the parent process, so a failing test leaves nothing behind. */
static char basedir[64];

static void
base_setup(void)
{
	strcpy(basedir, "/tmp/pcifix-check-diff-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(basedir));
}

static void
base_teardown(void)
{
	rm_rf(basedir);
}

/* The two diffs have the same "@@ ... @@" lines. */
static bool
same_headers(const char *a, const char *b)
{
	for (;;) {
		a = strstr(a, "\n@@ ");
		b = strstr(b, "\n@@ ");
		if (a == NULL || b == NULL)
			return a == b;
		a++;
		b++;
		if (strcspn(a, "\n") != strcspn(b, "\n") || strncmp(a, b, strcspn(a, "\n")) != 0)
			return false;
	}
}

/*
 * Check the diff with real tools, where they are installed: `patch` must
 * turn the old file into exactly what pcifix_edits_apply() gives, and GNU
 * `diff -u` must print the same hunks.
 */
static void
check_with_tools(struct pcifix_edits *e, const char *diff)
{
	char dir[96];
	char *old_path, *new_path, *diff_path, *gnu_path, *cmd;
	char *want, *got, *gnu;
	size_t want_len, got_len, gnu_len;
	int rc;

	want = pcifix_edits_apply(e, &want_len);
	ck_assert_ptr_nonnull(want);
	snprintf(dir, sizeof(dir), "%s/t-XXXXXX", basedir);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	old_path = pcifix_xasprintf("%s/t.xml", dir);
	new_path = pcifix_xasprintf("%s/new.xml", dir);
	diff_path = pcifix_xasprintf("%s/t.diff", dir);
	gnu_path = pcifix_xasprintf("%s/gnu.diff", dir);

	if (access("/usr/bin/patch", X_OK) == 0) {
		write_file(old_path, e->doc->bytes, e->doc->len);
		write_file(diff_path, diff, strlen(diff));
		cmd = pcifix_xasprintf("cd '%s' && /usr/bin/patch -s -p1 --binary -N "
				       "-r - < t.diff > patch.out 2>&1", dir);
		rc = system(cmd);
		free(cmd);
		ck_assert_msg(rc == 0, "patch failed on:\n%s", diff);
		got = read_file(old_path, &got_len);
		ck_assert_msg(got_len == want_len && memcmp(got, want, want_len) == 0,
			      "patched file differs:\n%s\n---- want:\n%s", got, want);
		free(got);
	}
	if (access("/usr/bin/diff", X_OK) == 0) {
		const char *ours = strstr(diff, "\n@@ "), *theirs;

		write_file(old_path, e->doc->bytes, e->doc->len);
		write_file(new_path, want, want_len);
		cmd = pcifix_xasprintf("cd '%s' && /usr/bin/diff -u t.xml new.xml > gnu.diff",
				       dir);
		rc = system(cmd);
		free(cmd);
		ck_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == (diff[0] ? 1 : 0));
		gnu = read_file(gnu_path, &gnu_len);
		theirs = strstr(gnu, "\n@@ ");
		if (ours == NULL || theirs == NULL)
			ck_assert_msg(ours == NULL && theirs == NULL, "ours:\n%s\nGNU:\n%s", diff,
				      gnu);
		else if (count_lines_starting(diff, '-') == 0)
			ck_assert_msg(strcmp(ours, theirs) == 0, "ours:\n%s\nGNU diff:\n%s", diff,
				      gnu);
		else
			/* Changed lines may be grouped differently; the hunks are the same. */
			ck_assert_msg(same_headers(ours, theirs), "ours:\n%s\nGNU diff:\n%s", diff,
				      gnu);
		free(gnu);
	}
	rm_rf(dir);
	free(old_path);
	free(new_path);
	free(diff_path);
	free(gnu_path);
	free(want);
}

/* ---- cases ---------------------------------------------------------- */

START_TEST(test_no_edits)
{
	struct pcifix_doc *doc = load("<r>\n  <a/>\n</r>\n");
	struct pcifix_edits e;
	struct pcifix_buf out;

	pcifix_edits_init(&e, doc);
	pcifix_buf_init(&out);
	pcifix_buf_puts(&out, "kept");
	pcifix_diff_unified(&out, "t.xml", &e);
	ck_assert_str_eq(out.data, "kept");
	ck_assert_uint_eq(out.len, 4);
	pcifix_buf_free(&out);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_no_op_edits)
{
	const char *s = "<r>\n  <a x='1'/>\n</r>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char *d;

	/* Edits that put back what was there change nothing: no diff. */
	pcifix_edits_init(&e, doc);
	pcifix_edit_set_attr(&e, find(doc, "a"), "x", "1");
	pcifix_edit_raw(&e, 0, 3, "<r>");
	d = diff_of(&e);
	ck_assert_str_eq(d, "");
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_one_insertion)
{
	char *s = numbered(8, "\n", true);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char *d;

	pcifix_edits_init(&e, doc);
	pcifix_edit_insert_after(&e, find(doc, "a4"), "<n/>");
	d = diff_of(&e);
	ck_assert_str_eq(d, "--- a/t.xml\n"
			    "+++ b/t.xml\n"
			    "@@ -3,6 +3,7 @@\n"
			    "   <a2/>\n"
			    "   <a3/>\n"
			    "   <a4/>\n"
			    "+  <n/>\n"
			    "   <a5/>\n"
			    "   <a6/>\n"
			    "   <a7/>\n");
	ck_assert_uint_eq(count_lines_starting(d, '+'), 1);
	ck_assert_uint_eq(count_lines_starting(d, '-'), 0);
	check_with_tools(&e, d);
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

START_TEST(test_multiline_insertion)
{
	char *s = numbered(8, "\n", true);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char *d;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, doc->root, "<c>\n\t<t/>\n</c>");
	d = diff_of(&e);
	ck_assert_str_eq(d, "--- a/t.xml\n"
			    "+++ b/t.xml\n"
			    "@@ -7,4 +7,7 @@\n"
			    "   <a6/>\n"
			    "   <a7/>\n"
			    "   <a8/>\n"
			    "+  <c>\n"
			    "+    <t/>\n"
			    "+  </c>\n"
			    " </r>\n");
	check_with_tools(&e, d);
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

/* Insertions after the given <aK/> elements and the hunk headers expected. */
static const struct {
	int n;                      /* lines <a1/>..<aN/> */
	int after[4];               /* 0-terminated */
	const char *headers[4];     /* NULL-terminated */
} hunk_cases[] = {
	/* Far apart: two hunks, the second shifted by the first's line. */
	{ 28, { 3, 20 }, { "@@ -2,6 +2,7 @@", "@@ -19,6 +20,7 @@" } },
	/* Five unchanged lines between: one hunk. */
	{ 28, { 3, 8 }, { "@@ -2,11 +2,13 @@" } },
	/* Six unchanged lines between: still one hunk (the contexts touch). */
	{ 28, { 3, 9 }, { "@@ -2,12 +2,14 @@" } },
	/* Seven: two hunks. */
	{ 28, { 3, 10 }, { "@@ -2,6 +2,7 @@", "@@ -9,6 +10,7 @@" } },
	/* Three hunks. */
	{ 40, { 2, 20, 38 }, { "@@ -1,6 +1,7 @@", "@@ -19,6 +20,7 @@", "@@ -37,6 +39,7 @@" } },
	/* Next to each other. */
	{ 10, { 5, 6 }, { "@@ -4,7 +4,9 @@" } },
	/* Near the start and the end of the file (clipped context). */
	{ 2, { 1 }, { "@@ -1,4 +1,5 @@" } },
	{ 10, { 10 }, { "@@ -9,4 +9,5 @@" } },
};

START_TEST(test_hunks)
{
	char *s = numbered(hunk_cases[_i].n, "\n", true);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char *d, name[16];
	const char *p;
	size_t k, nh = 0, nplus = 0;

	pcifix_edits_init(&e, doc);
	for (k = 0; k < 4 && hunk_cases[_i].after[k]; k++) {
		char *x = pcifix_xasprintf("<new%zu/>", k);

		snprintf(name, sizeof(name), "a%d", hunk_cases[_i].after[k]);
		pcifix_edit_insert_after(&e, find(doc, name), x);
		free(x);
		nplus++;
	}
	d = diff_of(&e);
	ck_assert_msg(strncmp(d, "--- a/t.xml\n+++ b/t.xml\n@@ ", 27) == 0, "%s", d);
	for (p = d; (p = strstr(p, "\n@@ ")) != NULL; p++) {
		const char *want = hunk_cases[_i].headers[nh];

		ck_assert_msg(want != NULL, "extra hunk in:\n%s", d);
		ck_assert_msg(strncmp(p + 1, want, strlen(want)) == 0 && p[1 + strlen(want)] == '\n',
			      "hunk %zu: want %s in:\n%s", nh, want, d);
		nh++;
	}
	ck_assert_msg(hunk_cases[_i].headers[nh] == NULL, "missing hunk %zu in:\n%s", nh, d);
	ck_assert_uint_eq(count_lines_starting(d, '+'), nplus);
	ck_assert_uint_eq(count_lines_starting(d, '-'), 0);
	check_with_tools(&e, d);
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

START_TEST(test_first_line)
{
	char *s = numbered(6, "\n", true);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char *d;

	pcifix_edits_init(&e, doc);
	pcifix_edit_raw(&e, 0, 0, "<?xml version='1.0'?>\n");
	d = diff_of(&e);
	ck_assert_str_eq(d, "--- a/t.xml\n"
			    "+++ b/t.xml\n"
			    "@@ -1,3 +1,4 @@\n"
			    "+<?xml version='1.0'?>\n"
			    " <r>\n"
			    "   <a1/>\n"
			    "   <a2/>\n");
	check_with_tools(&e, d);
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

START_TEST(test_last_line)
{
	char *s = numbered(6, "\n", true);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char *d;

	pcifix_edits_init(&e, doc);
	pcifix_edit_raw(&e, strlen(s), 0, "<!-- end -->\n");
	d = diff_of(&e);
	ck_assert_str_eq(d, "--- a/t.xml\n"
			    "+++ b/t.xml\n"
			    "@@ -6,3 +6,4 @@\n"
			    "   <a5/>\n"
			    "   <a6/>\n"
			    " </r>\n"
			    "+<!-- end -->\n");
	check_with_tools(&e, d);
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

START_TEST(test_no_final_newline)
{
	char *s = numbered(2, "\n", false);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char *d;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, doc->root, "<n/>");
	d = diff_of(&e);
	ck_assert_str_eq(d, "--- a/t.xml\n"
			    "+++ b/t.xml\n"
			    "@@ -1,4 +1,5 @@\n"
			    " <r>\n"
			    "   <a1/>\n"
			    "   <a2/>\n"
			    "+  <n/>\n"
			    " </r>\n"
			    "\\ No newline at end of file\n");
	check_with_tools(&e, d);
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

START_TEST(test_change_last_line_without_newline)
{
	char *s = numbered(2, "\n", false);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char *d;

	pcifix_edits_init(&e, doc);
	pcifix_edit_raw(&e, strlen(s), 0, "\n<!-- end -->");
	d = diff_of(&e);
	ck_assert_str_eq(d, "--- a/t.xml\n"
			    "+++ b/t.xml\n"
			    "@@ -1,4 +1,5 @@\n"
			    " <r>\n"
			    "   <a1/>\n"
			    "   <a2/>\n"
			    "-</r>\n"
			    "\\ No newline at end of file\n"
			    "+</r>\n"
			    "+<!-- end -->\n"
			    "\\ No newline at end of file\n");
	check_with_tools(&e, d);
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

START_TEST(test_crlf)
{
	char *s = numbered(4, "\r\n", true);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char *d;

	pcifix_edits_init(&e, doc);
	pcifix_edit_insert_after(&e, find(doc, "a2"), "<n/>");
	d = diff_of(&e);
	ck_assert_str_eq(d, "--- a/t.xml\n"
			    "+++ b/t.xml\n"
			    "@@ -1,6 +1,7 @@\n"
			    " <r>\r\n"
			    "   <a1/>\r\n"
			    "   <a2/>\r\n"
			    "+  <n/>\r\n"
			    "   <a3/>\r\n"
			    "   <a4/>\r\n"
			    " </r>\r\n");
	check_with_tools(&e, d);
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

START_TEST(test_changed_line)
{
	char *s = numbered(8, "\n", true);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char *d;

	/* An attribute added to a line: that line goes out and comes back. */
	pcifix_edits_init(&e, doc);
	pcifix_edit_set_attr(&e, find(doc, "a5"), "x", "1");
	pcifix_edit_set_attr(&e, find(doc, "a5"), "y", "2");
	d = diff_of(&e);
	ck_assert_str_eq(d, "--- a/t.xml\n"
			    "+++ b/t.xml\n"
			    "@@ -3,7 +3,7 @@\n"
			    "   <a2/>\n"
			    "   <a3/>\n"
			    "   <a4/>\n"
			    "-  <a5/>\n"
			    "+  <a5 x='1' y='2'/>\n"
			    "   <a6/>\n"
			    "   <a7/>\n"
			    "   <a8/>\n");
	check_with_tools(&e, d);
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

START_TEST(test_expansion_and_neighbours)
{
	const char *s = "<domain>\n"
			"  <devices>\n"
			"    <disk type='file'>\n"
			"      <target dev='vda' bus='virtio'/>\n"
			"    </disk>\n"
			"    <memballoon model='virtio'/>\n"
			"    <rng model='virtio'/>\n"
			"  </devices>\n"
			"</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char *d;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "disk"), "<address type='pci' slot='0x04'/>");
	pcifix_edit_append_child(&e, find(doc, "memballoon"), "<address type='pci' slot='0x05'/>");
	pcifix_edit_append_child(&e, find(doc, "rng"), "<address type='pci' slot='0x06'/>");
	d = diff_of(&e);
	ck_assert_str_eq(d, "--- a/t.xml\n"
			    "+++ b/t.xml\n"
			    "@@ -2,8 +2,13 @@\n"
			    "   <devices>\n"
			    "     <disk type='file'>\n"
			    "       <target dev='vda' bus='virtio'/>\n"
			    "+      <address type='pci' slot='0x04'/>\n"
			    "     </disk>\n"
			    "-    <memballoon model='virtio'/>\n"
			    "+    <memballoon model='virtio'>\n"
			    "+      <address type='pci' slot='0x05'/>\n"
			    "+    </memballoon>\n"
			    "-    <rng model='virtio'/>\n"
			    "+    <rng model='virtio'>\n"
			    "+      <address type='pci' slot='0x06'/>\n"
			    "+    </rng>\n"
			    "   </devices>\n"
			    " </domain>\n");
	check_with_tools(&e, d);
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_many_insertions)
{
	char *s = numbered(500, "\n", true);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char name[16];
	char *d;
	int i;

	pcifix_edits_init(&e, doc);
	for (i = 500; i >= 1; i -= 7) {
		snprintf(name, sizeof(name), "a%d", i);
		pcifix_edit_append_child(&e, find(doc, name), "<address type='pci'/>");
	}
	d = diff_of(&e);
	ck_assert_uint_eq(count_lines_starting(d, '+'), 72 * 3);
	ck_assert_uint_eq(count_lines_starting(d, '-'), 72);
	check_with_tools(&e, d);
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

START_TEST(test_label)
{
	char *s = numbered(1, "\n", true);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	struct pcifix_buf out;

	pcifix_edits_init(&e, doc);
	pcifix_edit_insert_after(&e, find(doc, "a1"), "<n/>");
	pcifix_buf_init(&out);
	pcifix_diff_unified(&out, "dir/my dom.xml", &e);
	{
		static const char want[] =
			"--- a/dir/my dom.xml\n+++ b/dir/my dom.xml\n@@ -1,3 +1,4 @@\n";

		ck_assert_mem_eq(out.data, want, sizeof(want) - 1);
	}
	pcifix_buf_free(&out);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

START_TEST(test_overlap_gives_nothing)
{
	char *s = numbered(3, "\n", true);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	char *d;

	pcifix_edits_init(&e, doc);
	pcifix_edit_replace(&e, find(doc, "a2"), "<x/>");
	pcifix_edit_replace(&e, find(doc, "a2"), "<y/>");
	d = diff_of(&e);
	ck_assert_str_eq(d, "");
	free(d);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc;

	tc = tcase_create("diff");
	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_test(tc, test_no_edits);
	tcase_add_test(tc, test_no_op_edits);
	tcase_add_test(tc, test_one_insertion);
	tcase_add_test(tc, test_multiline_insertion);
	tcase_add_loop_test(tc, test_hunks, 0, N(hunk_cases));
	tcase_add_test(tc, test_first_line);
	tcase_add_test(tc, test_last_line);
	tcase_add_test(tc, test_no_final_newline);
	tcase_add_test(tc, test_change_last_line_without_newline);
	tcase_add_test(tc, test_crlf);
	tcase_add_test(tc, test_changed_line);
	tcase_add_test(tc, test_expansion_and_neighbours);
	tcase_add_test(tc, test_many_insertions);
	tcase_add_test(tc, test_label);
	tcase_add_test(tc, test_overlap_gives_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(diff_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
