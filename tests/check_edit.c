/* check_edit.c - unit tests for edit.c: splicing new text into the untouched original bytes. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

/* ---- helpers -------------------------------------------------------- */

static struct pcifix_doc *
load(const char *s)
{
	struct pcifix_diags d;
	struct pcifix_doc *doc;
	size_t len = strlen(s);

	pcifix_diags_init(&d);
	doc = pcifix_xml_load(pcifix_xstrndup(s, len), len, "e.xml", &d);
	ck_assert_msg(doc != NULL, "refused: %s", d.n ? d.v[0].message : "");
	pcifix_diags_free(&d);
	return doc;
}

static struct pcifix_node *
find(const struct pcifix_doc *doc, const char *name, int nth)
{
	size_t i;

	for (i = 0; i < doc->nnodes; i++)
		if (strcmp(doc->nodes[i].name, name) == 0 && nth-- == 0)
			return &doc->nodes[i];
	ck_abort_msg("no element <%s>", name);
	return NULL;
}

/* Apply the edits and compare with `want`, byte for byte. */
static void
expect(struct pcifix_edits *e, const char *want)
{
	size_t len = 12345;
	char *out = pcifix_edits_apply(e, &len);

	ck_assert_ptr_nonnull(out);
	ck_assert_msg(len == strlen(want) && memcmp(out, want, len) == 0,
		      "got:\n%s\n---- want:\n%s\n----", out, want);
	ck_assert_int_eq(out[len], '\0');
	/* The result is well-formed XML again. */
	{
		struct pcifix_diags d;
		struct pcifix_doc *again;

		pcifix_diags_init(&d);
		again = pcifix_xml_load(out, len, "again.xml", &d);
		ck_assert_msg(again != NULL, "result refused: %s", d.n ? d.v[0].message : "");
		pcifix_doc_free(again);
		pcifix_diags_free(&d);
	}
}

/* `out` is `in` with exactly `ins` inserted somewhere, nothing else changed. */
static void
assert_only_inserted(const char *in, const char *out, const char *ins)
{
	size_t p = 0, n = strlen(ins);

	ck_assert_uint_eq(strlen(out), strlen(in) + n);
	while (in[p] && in[p] == out[p])
		p++;
	/* The insertion may start a little earlier if it begins with the same bytes. */
	while (p > 0 && memcmp(out + p, ins, n) != 0)
		p--;
	ck_assert_msg(memcmp(out + p, ins, n) == 0, "'%s' is not in the output", ins);
	ck_assert_str_eq(out + p + n, in + p);
	ck_assert_int_eq(memcmp(out, in, p), 0);
}

/* ---- no edits ------------------------------------------------------- */

static const char *const identity_docs[] = {
	"<domain type='kvm'>\n  <devices/>\n</domain>\n",
	"<domain type='kvm'>\r\n  <devices/>\r\n</domain>\r\n",
	"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- c --><domain  a = \"1\"\t b='&amp;'>"
	"<![CDATA[ x ]]>\n\n\n</domain >",
	"<domain><devices><disk/></devices></domain>",
	"<domain/>\n\n\n",
};

START_TEST(test_no_edits)
{
	const char *s = identity_docs[_i];
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	size_t len;
	char *out;

	pcifix_edits_init(&e, doc);
	ck_assert_uint_eq(e.n, 0);
	out = pcifix_edits_apply(&e, &len);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_ne(out, doc->bytes);
	ck_assert_uint_eq(len, strlen(s));
	ck_assert_mem_eq(out, s, len + 1);
	free(out);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

/* ---- append_child --------------------------------------------------- */

static const char multi_lf[] =
	"<domain type='kvm'>\n"
	"  <devices>\n"
	"    <disk type='file'>\n"
	"      <target dev='vda' bus='virtio'/>\n"
	"    </disk>\n"
	"  </devices>\n"
	"</domain>\n";

START_TEST(test_append_multiline)
{
	struct pcifix_doc *doc = load(multi_lf);
	struct pcifix_edits e;
	size_t len;
	char *out;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "devices", 0), "<memballoon model='virtio'/>");
	expect(&e, "<domain type='kvm'>\n"
		   "  <devices>\n"
		   "    <disk type='file'>\n"
		   "      <target dev='vda' bus='virtio'/>\n"
		   "    </disk>\n"
		   "    <memballoon model='virtio'/>\n"
		   "  </devices>\n"
		   "</domain>\n");
	out = pcifix_edits_apply(&e, &len);
	assert_only_inserted(multi_lf, out, "    <memballoon model='virtio'/>\n");
	free(out);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_append_crlf)
{
	const char *s = "<domain type='kvm'>\r\n"
			"  <devices>\r\n"
			"    <disk type='file'>\r\n"
			"      <target dev='vda' bus='virtio'/>\r\n"
			"    </disk>\r\n"
			"  </devices>\r\n"
			"</domain>\r\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "devices", 0), "<memballoon model='virtio'/>");
	pcifix_edit_append_child(&e, find(doc, "disk", 0),
				 "<address type='pci' slot='0x04'/>");
	expect(&e, "<domain type='kvm'>\r\n"
		   "  <devices>\r\n"
		   "    <disk type='file'>\r\n"
		   "      <target dev='vda' bus='virtio'/>\r\n"
		   "      <address type='pci' slot='0x04'/>\r\n"
		   "    </disk>\r\n"
		   "    <memballoon model='virtio'/>\r\n"
		   "  </devices>\r\n"
		   "</domain>\r\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_append_tabs)
{
	const char *s = "<domain>\n"
			"\t<devices>\n"
			"\t\t<disk type='file'>\n"
			"\t\t\t<target dev='vda'/>\n"
			"\t\t</disk>\n"
			"\t</devices>\n"
			"</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	ck_assert_str_eq(doc->indent_unit, "\t");
	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "disk", 0), "<address type='pci'/>");
	pcifix_edit_append_child(&e, find(doc, "devices", 0),
				 "<controller type='pci' index='1' model='pci-bridge'>\n"
				 "\t<model name='pci-bridge'/>\n"
				 "\t<target chassisNr='1'/>\n"
				 "</controller>");
	expect(&e, "<domain>\n"
		   "\t<devices>\n"
		   "\t\t<disk type='file'>\n"
		   "\t\t\t<target dev='vda'/>\n"
		   "\t\t\t<address type='pci'/>\n"
		   "\t\t</disk>\n"
		   "\t\t<controller type='pci' index='1' model='pci-bridge'>\n"
		   "\t\t\t<model name='pci-bridge'/>\n"
		   "\t\t\t<target chassisNr='1'/>\n"
		   "\t\t</controller>\n"
		   "\t</devices>\n"
		   "</domain>\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_append_four_spaces_multiline_xml)
{
	const char *s = "<domain>\n"
			"    <devices>\n"
			"        <controller type='pci' index='0' model='pcie-root'/>\n"
			"    </devices>\n"
			"</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "devices", 0),
				 "<controller type='pci' index='1' model='pcie-root-port'>\n"
				 "\t<model name='pcie-root-port'/>\n"
				 "\t<target chassis='1' port='0x10'/>\n"
				 "\t<address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>\n"
				 "</controller>");
	expect(&e, "<domain>\n"
		   "    <devices>\n"
		   "        <controller type='pci' index='0' model='pcie-root'/>\n"
		   "        <controller type='pci' index='1' model='pcie-root-port'>\n"
		   "            <model name='pcie-root-port'/>\n"
		   "            <target chassis='1' port='0x10'/>\n"
		   "            <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>\n"
		   "        </controller>\n"
		   "    </devices>\n"
		   "</domain>\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_append_two_level_xml)
{
	const char *s = "<domain>\n  <devices>\n    <disk/>\n  </devices>\n</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "devices", 0),
				 "<a>\n\t<b>\n\t\t<c/>\n\t</b>\n</a>");
	expect(&e, "<domain>\n  <devices>\n    <disk/>\n"
		   "    <a>\n      <b>\n        <c/>\n      </b>\n    </a>\n"
		   "  </devices>\n</domain>\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_append_single_line_element)
{
	const char *s = "<domain>\n"
			"  <devices>\n"
			"    <disk type='file'><target dev='vda' bus='virtio'/></disk>\n"
			"  </devices>\n"
			"</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "disk", 0),
				 "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>");
	expect(&e, "<domain>\n"
		   "  <devices>\n"
		   "    <disk type='file'><target dev='vda' bus='virtio'/>"
		   "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></disk>\n"
		   "  </devices>\n"
		   "</domain>\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_append_single_line_multiline_xml)
{
	/* Where the file keeps things on one line, so does the new text. */
	const char *s = "<domain><devices><disk/></devices></domain>";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "devices", 0),
				 "<controller type='pci'>\n\t<model name='x'/>\n</controller>");
	expect(&e, "<domain><devices><disk/><controller type='pci'><model name='x'/></controller>"
		   "</devices></domain>");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_append_empty_multiline)
{
	const char *s = "<domain>\n  <devices>\n  </devices>\n</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "devices", 0), "<disk/>");
	expect(&e, "<domain>\n  <devices>\n    <disk/>\n  </devices>\n</domain>\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_append_after_comment)
{
	const char *s = "<domain>\n"
			"  <devices>\n"
			"    <disk/>\n"
			"    <!-- end of disks -->\n"
			"  </devices>\n"
			"</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	size_t len;
	char *out;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "devices", 0), "<memballoon model='none'/>");
	out = pcifix_edits_apply(&e, &len);
	assert_only_inserted(s, out, "    <memballoon model='none'/>\n");
	free(out);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_append_self_closing)
{
	const char *s = "<domain>\n"
			"  <devices>\n"
			"    <memballoon model='virtio'/>\n"
			"  </devices>\n"
			"</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "memballoon", 0),
				 "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>");
	expect(&e, "<domain>\n"
		   "  <devices>\n"
		   "    <memballoon model='virtio'>\n"
		   "      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>\n"
		   "    </memballoon>\n"
		   "  </devices>\n"
		   "</domain>\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_append_self_closing_twice)
{
	const char *s = "<domain>\r\n"
			"  <devices>\r\n"
			"    <memballoon model='virtio' />\r\n"
			"    <rng model='virtio'/>\r\n"
			"  </devices>\r\n"
			"</domain>\r\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "memballoon", 0), "<stats period='10'/>");
	pcifix_edit_append_child(&e, find(doc, "rng", 0), "<backend model='random'/>");
	pcifix_edit_append_child(&e, find(doc, "memballoon", 0), "<address type='pci'/>");
	expect(&e, "<domain>\r\n"
		   "  <devices>\r\n"
		   "    <memballoon model='virtio'>\r\n"
		   "      <stats period='10'/>\r\n"
		   "      <address type='pci'/>\r\n"
		   "    </memballoon>\r\n"
		   "    <rng model='virtio'>\r\n"
		   "      <backend model='random'/>\r\n"
		   "    </rng>\r\n"
		   "  </devices>\r\n"
		   "</domain>\r\n");
	/* Applying twice gives the same result. */
	expect(&e, "<domain>\r\n"
		   "  <devices>\r\n"
		   "    <memballoon model='virtio'>\r\n"
		   "      <stats period='10'/>\r\n"
		   "      <address type='pci'/>\r\n"
		   "    </memballoon>\r\n"
		   "    <rng model='virtio'>\r\n"
		   "      <backend model='random'/>\r\n"
		   "    </rng>\r\n"
		   "  </devices>\r\n"
		   "</domain>\r\n");
	/* And a third child after the edits were sorted still lands inside, last. */
	pcifix_edit_append_child(&e, find(doc, "memballoon", 0), "<alias name='b'/>");
	expect(&e, "<domain>\r\n"
		   "  <devices>\r\n"
		   "    <memballoon model='virtio'>\r\n"
		   "      <stats period='10'/>\r\n"
		   "      <address type='pci'/>\r\n"
		   "      <alias name='b'/>\r\n"
		   "    </memballoon>\r\n"
		   "    <rng model='virtio'>\r\n"
		   "      <backend model='random'/>\r\n"
		   "    </rng>\r\n"
		   "  </devices>\r\n"
		   "</domain>\r\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_append_self_closing_inline)
{
	const char *s = "<domain><devices><memballoon model='virtio'/></devices></domain>";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "memballoon", 0), "<address type='pci'/>");
	expect(&e, "<domain><devices><memballoon model='virtio'><address type='pci'/></memballoon>"
		   "</devices></domain>");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_append_self_closing_and_set_attr)
{
	const char *s = "<domain>\n  <devices>\n    <memballoon model='virtio'/>\n  </devices>\n</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_node *mb = find(doc, "memballoon", 0);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, mb, "<address type='pci'/>");
	pcifix_edit_set_attr(&e, mb, "autodeflate", "on");
	pcifix_edit_set_attr(&e, mb, "model", "none");
	expect(&e, "<domain>\n  <devices>\n"
		   "    <memballoon model='none' autodeflate='on'>\n"
		   "      <address type='pci'/>\n"
		   "    </memballoon>\n"
		   "  </devices>\n</domain>\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_double_quote_file)
{
	const char *s = "<domain type=\"kvm\">\n"
			"  <devices>\n"
			"    <disk type=\"file\" device=\"disk\">\n"
			"      <target dev=\"vda\" bus=\"virtio\"/>\n"
			"    </disk>\n"
			"  </devices>\n"
			"</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	ck_assert_int_eq(doc->quote, '"');
	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "disk", 0),
				 "<address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>");
	pcifix_edit_insert_after(&e, find(doc, "disk", 0),
				 "<controller type='pci' index='0' model='pci-root'/>");
	expect(&e, "<domain type=\"kvm\">\n"
		   "  <devices>\n"
		   "    <disk type=\"file\" device=\"disk\">\n"
		   "      <target dev=\"vda\" bus=\"virtio\"/>\n"
		   "      <address type=\"pci\" domain=\"0x0000\" bus=\"0x00\" slot=\"0x03\" function=\"0x0\"/>\n"
		   "    </disk>\n"
		   "    <controller type=\"pci\" index=\"0\" model=\"pci-root\"/>\n"
		   "  </devices>\n"
		   "</domain>\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

/* ---- insert_after --------------------------------------------------- */

START_TEST(test_insert_after)
{
	const char *s = "<domain>\n"
			"  <devices>\n"
			"    <controller type='usb' index='0'/>\n"
			"    <controller type='pci' index='0' model='pcie-root'/>\n"
			"      <input type='tablet' bus='usb'/>\n"
			"  </devices>\n"
			"</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	size_t len;
	char *out;

	pcifix_edits_init(&e, doc);
	pcifix_edit_insert_after(&e, find(doc, "controller", 1),
				 "<controller type='pci' index='1' model='pcie-root-port'>\n"
				 "\t<target chassis='1' port='0x10'/>\n"
				 "</controller>");
	expect(&e, "<domain>\n"
		   "  <devices>\n"
		   "    <controller type='usb' index='0'/>\n"
		   "    <controller type='pci' index='0' model='pcie-root'/>\n"
		   "    <controller type='pci' index='1' model='pcie-root-port'>\n"
		   "      <target chassis='1' port='0x10'/>\n"
		   "    </controller>\n"
		   "      <input type='tablet' bus='usb'/>\n"
		   "  </devices>\n"
		   "</domain>\n");
	out = pcifix_edits_apply(&e, &len);
	assert_only_inserted(s, out, "\n    <controller type='pci' index='1' model='pcie-root-port'>\n"
				     "      <target chassis='1' port='0x10'/>\n"
				     "    </controller>");
	free(out);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

/*
 * A comment after the sibling on its line stays on that line: the new element
 * goes on a line of its own, so the diff is only the added line.
 */
START_TEST(test_insert_after_trailing_comment)
{
	const char *s = "<domain>\n"
			"  <devices>\n"
			"    <controller type='pci' index='0' model='pcie-root'/> <!-- root -->\n"
			"    <disk/>\n"
			"  </devices>\n"
			"</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;
	size_t len;
	char *out;

	pcifix_edits_init(&e, doc);
	pcifix_edit_insert_after(&e, find(doc, "controller", 0),
				 "<controller type='pci' index='1' model='pcie-root-port'/>");
	out = pcifix_edits_apply(&e, &len);
	assert_only_inserted(s, out, "    <controller type='pci' index='1' model='pcie-root-port'/>\n");
	free(out);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_unindented_file)
{
	const char *s = "<domain>\n<devices>\n<disk/>\n</devices>\n</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_append_child(&e, find(doc, "devices", 0), "<memballoon model='none'/>");
	pcifix_edit_insert_after(&e, find(doc, "devices", 0), "<seclabel type='none'/>");
	expect(&e, "<domain>\n<devices>\n<disk/>\n<memballoon model='none'/>\n</devices>\n"
		   "<seclabel type='none'/>\n</domain>\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_insert_after_inline)
{
	const char *s = "<domain><devices><disk/><interface/></devices></domain>";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_insert_after(&e, find(doc, "disk", 0), "<controller type='usb'/>");
	expect(&e, "<domain><devices><disk/><controller type='usb'/><interface/></devices></domain>");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_same_offset_order)
{
	const char *s = "<domain>\n  <devices>\n    <disk/>\n  </devices>\n</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_node *disk = find(doc, "disk", 0);
	struct pcifix_edits e;
	int i;

	pcifix_edits_init(&e, doc);
	/* Many insertions at one offset: qsort is not stable, the result must be. */
	for (i = 0; i < 40; i++) {
		char *x = pcifix_xasprintf("<c%02d/>", i);

		pcifix_edit_insert_after(&e, disk, x);
		free(x);
	}
	{
		struct pcifix_buf want;

		pcifix_buf_init(&want);
		pcifix_buf_puts(&want, "<domain>\n  <devices>\n    <disk/>\n");
		for (i = 0; i < 40; i++)
			pcifix_buf_printf(&want, "    <c%02d/>\n", i);
		pcifix_buf_puts(&want, "  </devices>\n</domain>\n");
		expect(&e, want.data);
		pcifix_buf_free(&want);
	}
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_same_offset_raw_and_append)
{
	const char *s = "<domain>\n  <devices>\n    <disk/>\n  </devices>\n</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_node *disk = find(doc, "disk", 0);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	/* append_child of <devices> and insert_after of its last child meet at one offset. */
	pcifix_edit_append_child(&e, find(doc, "devices", 0), "<first/>");
	pcifix_edit_insert_after(&e, disk, "<second/>");
	pcifix_edit_append_child(&e, find(doc, "devices", 0), "<third/>");
	expect(&e, "<domain>\n  <devices>\n    <disk/>\n    <first/>\n    <second/>\n"
		   "    <third/>\n  </devices>\n</domain>\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

/* ---- set_attr ------------------------------------------------------- */

static const struct {
	const char *elem;          /* the element, alone in <domain> */
	const char *name, *value;
	const char *want;
} set_attr_cases[] = {
	{ "<address type='pci' bus='0x00' slot='0x05' function='0x0'/>", "multifunction", "on",
	  "<address type='pci' bus='0x00' slot='0x05' function='0x0' multifunction='on'/>" },
	{ "<address type='pci' bus='0x00' slot='0x05' function='0x0'/>", "slot", "0x1f",
	  "<address type='pci' bus='0x00' slot='0x1f' function='0x0'/>" },
	{ "<address type='pci' bus='0x00' slot='0x05' function='0x0'/>", "type", "",
	  "<address type='' bus='0x00' slot='0x05' function='0x0'/>" },
	{ "<address type=\"pci\" slot=\"0x05\"/>", "slot", "0x06",
	  "<address type=\"pci\" slot=\"0x06\"/>" },
	{ "<address type=\"pci\" slot=\"0x05\"/>", "function", "0x1",
	  "<address type=\"pci\" slot=\"0x05\" function=\"0x1\"/>" },
	{ "<address type='pci' slot='0x05' />", "function", "0x1",
	  "<address type='pci' slot='0x05' function='0x1' />" },
	{ "<address\n    type='pci'\n    slot='0x05'/>", "bus", "0x01",
	  "<address\n    type='pci'\n    slot='0x05' bus='0x01'/>" },
	{ "<address/>", "type", "pci", "<address type='pci'/>" },
	{ "<address></address>", "type", "pci", "<address type='pci'></address>" },
	{ "<x a='1' b=\"2\"/>", "a", "one", "<x a='one' b=\"2\"/>" },
	{ "<x a='1' b=\"2\"/>", "c", "3", "<x a='1' b=\"2\" c=\"3\"/>" },
	{ "<x a='1'/>", "a", "a&b<c'd\"e>", "<x a='a&amp;b&lt;c&apos;d\"e>'/>" },
	{ "<x a=\"1\"/>", "a", "a&b<c'd\"e>", "<x a=\"a&amp;b&lt;c'd&quot;e>\"/>" },
	{ "<x/>", "n", "&<'", "<x n='&amp;&lt;&apos;'/>" },
	{ "<x a='&amp;'/>", "a", "&amp;", "<x a='&amp;amp;'/>" },
};

START_TEST(test_set_attr)
{
	char *s = pcifix_xasprintf("<domain>\n  %s\n</domain>\n", set_attr_cases[_i].elem);
	char *want = pcifix_xasprintf("<domain>\n  %s\n</domain>\n", set_attr_cases[_i].want);
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_set_attr(&e, doc->root->first_child, set_attr_cases[_i].name,
			     set_attr_cases[_i].value);
	expect(&e, want);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
	free(s);
	free(want);
}
END_TEST

/* Whatever the value, reading the result back gives exactly that value. */
static const char *const roundtrip_values[] = {
	"0x05", "", "a&b", "<tag>", "it's", "say \"hi\"", "'\"'\"", "&amp;", "caf\xc3\xa9",
	"tab\there", "new\nline", "cr\rlf", "  two  spaces  ",
};

START_TEST(test_set_attr_roundtrip)
{
	static const char *const docs[] = { "<domain a='1'/>", "<domain a=\"1\"/>", "<domain/>",
					    "<domain x=\"1\" y=\"2\"/>" };
	size_t k;

	for (k = 0; k < sizeof(docs) / sizeof(docs[0]); k++) {
		struct pcifix_doc *doc = load(docs[k]), *again;
		struct pcifix_diags d;
		struct pcifix_edits e;
		size_t len;
		char *out;

		pcifix_edits_init(&e, doc);
		pcifix_edit_set_attr(&e, doc->root, "a", roundtrip_values[_i]);
		out = pcifix_edits_apply(&e, &len);
		pcifix_diags_init(&d);
		again = pcifix_xml_load(out, len, "again.xml", &d);
		ck_assert_msg(again != NULL, "set a=\"%s\" on %s: result refused", roundtrip_values[_i],
			      docs[k]);
		ck_assert_msg(strcmp(pcifix_node_attr(again->root, "a"), roundtrip_values[_i]) == 0,
			      "set a=\"%s\" on %s: reads back as \"%s\"", roundtrip_values[_i],
			      docs[k], pcifix_node_attr(again->root, "a"));
		pcifix_doc_free(again);
		pcifix_diags_free(&d);
		pcifix_edits_free(&e);
		pcifix_doc_free(doc);
	}
}
END_TEST

/* ---- replace -------------------------------------------------------- */

START_TEST(test_replace)
{
	const char *s = "<domain>\n"
			"  <devices>\n"
			"    <disk type='file'>\n"
			"      <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n"
			"    </disk>\n"
			"    <controller type='pci' index='1' model='pci-bridge'>\n"
			"      <target chassisNr='1'/>\n"
			"    </controller>\n"
			"  </devices>\n"
			"</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_replace(&e, find(doc, "address", 0), "<address type='pci' slot='0x07'/>");
	pcifix_edit_replace(&e, find(doc, "controller", 0),
			    "<controller type='pci' index='1' model='pcie-root-port'>\n"
			    "\t<target chassis='1' port='0x10'/>\n"
			    "</controller>");
	expect(&e, "<domain>\n"
		   "  <devices>\n"
		   "    <disk type='file'>\n"
		   "      <address type='pci' slot='0x07'/>\n"
		   "    </disk>\n"
		   "    <controller type='pci' index='1' model='pcie-root-port'>\n"
		   "      <target chassis='1' port='0x10'/>\n"
		   "    </controller>\n"
		   "  </devices>\n"
		   "</domain>\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_raw)
{
	const char *s = "<domain>\n  <devices/>\n</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_raw(&e, 0, 0, "<!-- head -->\n");
	pcifix_edit_raw(&e, strlen(s), 0, "<!-- tail -->\n");
	pcifix_edit_raw(&e, 12, 7, "nodevs");
	expect(&e, "<!-- head -->\n<domain>\n  <nodevs/>\n</domain>\n<!-- tail -->\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

/* ---- overlaps ------------------------------------------------------- */

START_TEST(test_overlap)
{
	const char *s = "<domain>\n  <devices>\n    <disk type='file'/>\n  </devices>\n</domain>\n";
	struct pcifix_doc *doc = load(s);
	struct pcifix_node *disk = find(doc, "disk", 0);
	struct pcifix_edits e;
	size_t len = 77;

	/* Two replacements of one element. */
	pcifix_edits_init(&e, doc);
	pcifix_edit_replace(&e, disk, "<a/>");
	pcifix_edit_replace(&e, disk, "<b/>");
	ck_assert_ptr_null(pcifix_edits_apply(&e, &len));
	ck_assert_int_eq(pcifix_edits_sort(&e), -1);
	pcifix_edits_free(&e);

	/* A replacement of the parent and an attribute change inside it. */
	pcifix_edits_init(&e, doc);
	pcifix_edit_set_attr(&e, disk, "type", "block");
	pcifix_edit_replace(&e, find(doc, "devices", 0), "<devices/>");
	ck_assert_ptr_null(pcifix_edits_apply(&e, &len));
	pcifix_edits_free(&e);

	/* Raw ranges that overlap by one byte. */
	pcifix_edits_init(&e, doc);
	pcifix_edit_raw(&e, 10, 5, "x");
	pcifix_edit_raw(&e, 14, 2, "y");
	ck_assert_ptr_null(pcifix_edits_apply(&e, &len));
	pcifix_edits_free(&e);

	/* Adjacent ranges do not overlap; an insertion between them goes between. */
	pcifix_edits_init(&e, doc);
	len = (size_t)(strstr(s, "file") - s);
	pcifix_edit_raw(&e, len, 2, "bl");
	pcifix_edit_raw(&e, len + 2, 2, "ck");
	pcifix_edit_raw(&e, len + 2, 0, "o");
	ck_assert_int_eq(pcifix_edits_sort(&e), 0);
	expect(&e, "<domain>\n  <devices>\n    <disk type='block'/>\n  </devices>\n</domain>\n");
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_free_twice)
{
	struct pcifix_doc *doc = load("<domain/>");
	struct pcifix_edits e;

	pcifix_edits_init(&e, doc);
	pcifix_edit_raw(&e, 0, 0, "x");
	ck_assert_uint_eq(e.n, 1);
	pcifix_edits_free(&e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_ptr_null(e.v);
	pcifix_edits_free(&e);
	pcifix_doc_free(doc);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
edit_suite(void)
{
	Suite *s = suite_create("edit");
	TCase *tc;

	tc = tcase_create("identity");
	tcase_add_loop_test(tc, test_no_edits, 0, N(identity_docs));
	tcase_add_test(tc, test_free_twice);
	suite_add_tcase(s, tc);

	tc = tcase_create("append_child");
	tcase_add_test(tc, test_append_multiline);
	tcase_add_test(tc, test_append_crlf);
	tcase_add_test(tc, test_append_tabs);
	tcase_add_test(tc, test_append_four_spaces_multiline_xml);
	tcase_add_test(tc, test_append_two_level_xml);
	tcase_add_test(tc, test_append_single_line_element);
	tcase_add_test(tc, test_append_single_line_multiline_xml);
	tcase_add_test(tc, test_append_empty_multiline);
	tcase_add_test(tc, test_append_after_comment);
	tcase_add_test(tc, test_append_self_closing);
	tcase_add_test(tc, test_append_self_closing_twice);
	tcase_add_test(tc, test_append_self_closing_inline);
	tcase_add_test(tc, test_append_self_closing_and_set_attr);
	tcase_add_test(tc, test_double_quote_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("insert_after");
	tcase_add_test(tc, test_insert_after);
	tcase_add_test(tc, test_insert_after_inline);
	tcase_add_test(tc, test_insert_after_trailing_comment);
	tcase_add_test(tc, test_unindented_file);
	tcase_add_test(tc, test_same_offset_order);
	tcase_add_test(tc, test_same_offset_raw_and_append);
	suite_add_tcase(s, tc);

	tc = tcase_create("set_attr");
	tcase_add_loop_test(tc, test_set_attr, 0, N(set_attr_cases));
	tcase_add_loop_test(tc, test_set_attr_roundtrip, 0, N(roundtrip_values));
	suite_add_tcase(s, tc);

	tc = tcase_create("replace");
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_raw);
	tcase_add_test(tc, test_overlap);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(edit_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
