/* check_xml.c - unit tests for xml.c: the element tree, byte offsets, style, refusals. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pcifix.h"

/* ---- helpers -------------------------------------------------------- */

/* Load `len` bytes of `s` (which may hold NULs) the way the runner does. */
static struct pcifix_doc *
load_n(const char *s, size_t len, struct pcifix_diags *d)
{
	char *b = pcifix_xmalloc(len + 1);

	memcpy(b, s, len);
	b[len] = '\0';
	return pcifix_xml_load(b, len, "t.xml", d);
}

static struct pcifix_doc *
load(const char *s, struct pcifix_diags *d)
{
	return load_n(s, strlen(s), d);
}

/* Load a document that must be fine: no diagnostics at all. */
static struct pcifix_doc *
load_ok(const char *s)
{
	struct pcifix_diags d;
	struct pcifix_doc *doc;

	pcifix_diags_init(&d);
	doc = load(s, &d);
	ck_assert_msg(doc != NULL, "document refused: %s", d.n ? d.v[0].message : "?");
	ck_assert_uint_eq(d.n, 0);
	pcifix_diags_free(&d);
	return doc;
}

/* The n-th element (document order) named `name`. */
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

/* Offset of the n-th occurrence of `lit` in `s`. */
static size_t
off_of(const char *s, const char *lit, int nth)
{
	const char *p = s;

	for (;;) {
		p = strstr(p, lit);
		ck_assert_msg(p != NULL, "'%s' not in the document", lit);
		if (nth-- == 0)
			return (size_t)(p - s);
		p++;
	}
}

/* ---- tree shape ----------------------------------------------------- */

static const char tree_xml[] =
	"<?xml version='1.0'?>\n"
	"<!-- a comment with <fake> elements -->\n"
	"<domain type='kvm'>\n"
	"  <name>t</name>\n"
	"  <devices>\n"
	"    <disk type='file' device='disk'>\n"
	"      <target dev='vda' bus='virtio'/>\n"
	"    </disk>\n"
	"    <memballoon model='virtio' />\n"
	"  </devices >\n"
	"</domain>\n";

START_TEST(test_tree_shape)
{
	struct pcifix_doc *doc = load_ok(tree_xml);
	struct pcifix_node *dom, *name, *devs, *disk, *target, *mb;

	ck_assert_uint_eq(doc->nnodes, 6);
	dom = doc->root;
	ck_assert_ptr_eq(dom, &doc->nodes[0]);
	ck_assert_str_eq(dom->name, "domain");
	name = find(doc, "name", 0);
	devs = find(doc, "devices", 0);
	disk = find(doc, "disk", 0);
	target = find(doc, "target", 0);
	mb = find(doc, "memballoon", 0);
	/* Document order. */
	ck_assert_ptr_eq(name, &doc->nodes[1]);
	ck_assert_ptr_eq(devs, &doc->nodes[2]);
	ck_assert_ptr_eq(disk, &doc->nodes[3]);
	ck_assert_ptr_eq(target, &doc->nodes[4]);
	ck_assert_ptr_eq(mb, &doc->nodes[5]);

	ck_assert_ptr_null(dom->parent);
	ck_assert_ptr_null(dom->next);
	ck_assert_ptr_eq(dom->first_child, name);
	ck_assert_ptr_eq(dom->last_child, devs);
	ck_assert_ptr_eq(name->parent, dom);
	ck_assert_ptr_eq(name->next, devs);
	ck_assert_ptr_null(name->first_child);
	ck_assert_ptr_null(name->last_child);
	ck_assert_ptr_eq(devs->parent, dom);
	ck_assert_ptr_null(devs->next);
	ck_assert_ptr_eq(devs->first_child, disk);
	ck_assert_ptr_eq(devs->last_child, mb);
	ck_assert_ptr_eq(disk->next, mb);
	ck_assert_ptr_null(mb->next);
	ck_assert_ptr_eq(disk->first_child, target);
	ck_assert_ptr_eq(disk->last_child, target);
	ck_assert_ptr_eq(target->parent, disk);
	ck_assert_ptr_null(target->next);

	ck_assert_ptr_eq(pcifix_node_child(dom, "devices"), devs);
	ck_assert_ptr_eq(pcifix_node_child(devs, "memballoon"), mb);
	ck_assert_ptr_null(pcifix_node_child(dom, "disk"));   /* children only */
	ck_assert_ptr_null(pcifix_node_child(target, "x"));

	ck_assert_str_eq(pcifix_node_attr(dom, "type"), "kvm");
	ck_assert_str_eq(pcifix_node_attr(disk, "device"), "disk");
	ck_assert_ptr_null(pcifix_node_attr(disk, "model"));
	ck_assert_uint_eq(disk->nattrs, 2);
	ck_assert_str_eq(disk->attrs[0].name, "type");
	ck_assert_str_eq(disk->attrs[1].name, "device");
	ck_assert_ptr_eq(pcifix_node_attr_full(disk, "device"), &disk->attrs[1]);
	ck_assert_ptr_null(pcifix_node_attr_full(disk, "Device"));
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_offsets)
{
	const char *s = tree_xml;
	struct pcifix_doc *doc = load_ok(s);
	struct pcifix_node *disk = find(doc, "disk", 0), *target = find(doc, "target", 0);
	struct pcifix_node *mb = find(doc, "memballoon", 0), *devs = find(doc, "devices", 0);
	struct pcifix_node *dom = doc->root;
	const struct pcifix_attr *a;
	size_t i, j;

	ck_assert_uint_eq(doc->len, strlen(s));
	ck_assert_mem_eq(doc->bytes, s, doc->len + 1);

	/* An element with content. */
	ck_assert_uint_eq(disk->start, off_of(s, "<disk", 0));
	ck_assert_uint_eq(disk->stag_end, off_of(s, "'disk'>", 0) + 7);
	ck_assert_uint_eq(disk->etag_start, off_of(s, "</disk>", 0));
	ck_assert_uint_eq(disk->end, off_of(s, "</disk>", 0) + 7);
	ck_assert(!disk->self_closing);

	/* A self-closing one: etag_start == end == stag_end. */
	ck_assert(target->self_closing);
	ck_assert_uint_eq(target->start, off_of(s, "<target", 0));
	ck_assert_uint_eq(target->stag_end, off_of(s, "'virtio'/>", 0) + 10);
	ck_assert_uint_eq(target->etag_start, target->stag_end);
	ck_assert_uint_eq(target->end, target->stag_end);
	ck_assert(mb->self_closing);
	ck_assert_uint_eq(mb->end, off_of(s, "' />", 0) + 4);

	/* End tags with white space before '>'. */
	ck_assert_uint_eq(devs->etag_start, off_of(s, "</devices >", 0));
	ck_assert_uint_eq(devs->end, off_of(s, "</devices >", 0) + 11);
	ck_assert_uint_eq(dom->end, strlen(s) - 1);

	/* Every element and attribute, generically. */
	for (i = 0; i < doc->nnodes; i++) {
		const struct pcifix_node *n = &doc->nodes[i];

		ck_assert_int_eq(s[n->start], '<');
		ck_assert_mem_eq(s + n->start + 1, n->name, strlen(n->name));
		ck_assert_int_eq(s[n->stag_end - 1], '>');
		ck_assert_int_eq(s[n->end - 1], '>');
		ck_assert_uint_le(n->stag_end, n->etag_start);
		ck_assert_uint_le(n->etag_start, n->end);
		if (!n->self_closing)
			ck_assert_mem_eq(s + n->etag_start, "</", 2);
		else
			ck_assert_int_eq(s[n->stag_end - 2], '/');
		for (j = 0; j < n->nattrs; j++) {
			a = &n->attrs[j];
			ck_assert_mem_eq(s + a->raw_start, a->name, strlen(a->name));
			ck_assert(s[a->value_start - 1] == '\'' || s[a->value_start - 1] == '"');
			ck_assert_int_eq(s[a->value_end], s[a->value_start - 1]);
			ck_assert_uint_eq(a->value_end - a->value_start, strlen(a->value));
			ck_assert_mem_eq(s + a->value_start, a->value, strlen(a->value));
		}
	}
	a = pcifix_node_attr_full(target, "bus");
	ck_assert_uint_eq(a->raw_start, off_of(s, "bus=", 0));
	ck_assert_uint_eq(a->value_start, off_of(s, "virtio'/>", 0));
	ck_assert_uint_eq(a->value_end, off_of(s, "'/>", 0));
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_odd_spacing_and_quotes)
{
	const char *s = "<a  x = \"1\"\n   y\t=\t'it\"s'\n>\n<b z='>/>'/></a>";
	struct pcifix_doc *doc = load_ok(s);
	struct pcifix_node *a = doc->root, *b = find(doc, "b", 0);
	const struct pcifix_attr *x = pcifix_node_attr_full(a, "x");
	const struct pcifix_attr *y = pcifix_node_attr_full(a, "y");

	ck_assert_str_eq(x->value, "1");
	ck_assert_int_eq(s[x->value_start - 1], '"');
	ck_assert_int_eq(s[x->value_end], '"');
	ck_assert_str_eq(y->value, "it\"s");
	ck_assert_int_eq(s[y->value_start - 1], '\'');
	ck_assert_uint_eq(y->raw_start, off_of(s, "y\t", 0));
	ck_assert_uint_eq(a->stag_end, off_of(s, "\n>", 0) + 2);
	ck_assert_uint_eq(a->line, 1);
	ck_assert_uint_eq(b->line, 4);
	ck_assert_str_eq(pcifix_node_attr(b, "z"), ">/>");
	ck_assert(b->self_closing);
	ck_assert_uint_eq(b->end, off_of(s, "</a>", 0));
	pcifix_doc_free(doc);
}
END_TEST

/* ---- namespaces ----------------------------------------------------- */

START_TEST(test_namespaces)
{
	const char *s =
		"<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
		"  <qemu:commandline><qemu:arg value='-s'/></qemu:commandline>\n"
		"  <metadata><app xmlns='urn:x'><item/></app></metadata>\n"
		"  <devices><disk/></devices>\n"
		"</domain>\n";
	struct pcifix_doc *doc = load_ok(s);
	struct pcifix_node *cl = find(doc, "qemu:commandline", 0);
	struct pcifix_node *arg = find(doc, "qemu:arg", 0);
	struct pcifix_node *md = find(doc, "metadata", 0);

	ck_assert(!doc->root->in_namespace);
	ck_assert(cl->in_namespace);
	ck_assert(arg->in_namespace);
	ck_assert_str_eq(pcifix_node_attr(arg, "value"), "-s");
	ck_assert(!md->in_namespace);
	ck_assert(find(doc, "app", 0)->in_namespace);
	ck_assert(find(doc, "item", 0)->in_namespace);
	ck_assert(!find(doc, "devices", 0)->in_namespace);
	ck_assert(!find(doc, "disk", 0)->in_namespace);
	/* pcifix_node_child() never returns a namespaced element. */
	ck_assert_ptr_null(pcifix_node_child(md, "app"));
	ck_assert_ptr_null(pcifix_node_child(doc->root, "qemu:commandline"));
	ck_assert_ptr_eq(pcifix_node_child(doc->root, "devices"), find(doc, "devices", 0));
	/* The namespace declaration is an attribute as written. */
	ck_assert_str_eq(doc->root->attrs[1].name, "xmlns:qemu");
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_default_namespace_root)
{
	struct pcifix_doc *doc = load_ok("<domain xmlns='urn:other'><devices/></domain>");

	ck_assert(doc->root->in_namespace);
	ck_assert(find(doc, "devices", 0)->in_namespace);
	pcifix_doc_free(doc);
}
END_TEST

/* ---- decoding ------------------------------------------------------- */

static const struct {
	const char *attr;       /* as written, inside single quotes */
	const char *value;      /* decoded */
} attr_cases[] = {
	{ "plain", "plain" },
	{ "&lt;&gt;&amp;&quot;&apos;", "<>&\"'" },
	{ "a&amp;amp;b", "a&amp;b" },
	{ "&#x41;&#65;&#x61;", "AAa" },
	{ "caf&#xe9;&#233;", "caf\xc3\xa9\xc3\xa9" },
	{ "&#x20AC;", "\xe2\x82\xac" },
	{ "&#x1F600;", "\xf0\x9f\x98\x80" },
	{ "x\ty", "x y" },
	{ "x\ny", "x y" },
	{ "x\r\ny", "x y" },
	{ "x\ry", "x y" },
	{ "  lead  ", "  lead  " },
	{ "a&#9;b&#10;c&#13;d", "a\tb\nc\rd" },
	{ "\"", "\"" },
	{ ">", ">" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "", "" },
};

START_TEST(test_attr_decoding)
{
	char *s = pcifix_xasprintf("<a v='%s'/>", attr_cases[_i].attr);
	struct pcifix_doc *doc = load_ok(s);
	const struct pcifix_attr *a = pcifix_node_attr_full(doc->root, "v");

	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->value, attr_cases[_i].value);
	/* The raw offsets still span the value as written. */
	ck_assert_uint_eq(a->value_start, 6);
	ck_assert_uint_eq(a->value_end, 6 + strlen(attr_cases[_i].attr));
	pcifix_doc_free(doc);
	free(s);
}
END_TEST

START_TEST(test_text)
{
	const char *s =
		"<a>\n"
		"  <b>hello &amp; bye&#33;</b>\n"
		"  <c><![CDATA[<x>&amp;]]></c>\n"
		"  <d>pre<![CDATA[mid]]>post</d>\n"
		"  <e/>\n"
		"  <f></f>\n"
		"  <g>  spaced\n  out  </g>\n"
		"  <h>x<!-- gone -->y</h>\n"
		"  <i>caf\xc3\xa9</i>\n"
		"  <j>text<k/>tail</j>\n"
		"</a>\n";
	struct pcifix_doc *doc = load_ok(s);
	struct pcifix_node *n;

	ck_assert_ptr_null(doc->root->text);   /* only indentation around children */
	n = find(doc, "b", 0);
	ck_assert_str_eq(n->text, "hello & bye!");
	ck_assert_uint_eq(n->text_len, strlen("hello & bye!"));
	n = find(doc, "c", 0);
	ck_assert_str_eq(n->text, "<x>&amp;");
	ck_assert_uint_eq(n->text_len, 8);
	ck_assert_str_eq(find(doc, "d", 0)->text, "premidpost");
	ck_assert_ptr_null(find(doc, "e", 0)->text);
	ck_assert_ptr_null(find(doc, "f", 0)->text);
	ck_assert_str_eq(find(doc, "g", 0)->text, "  spaced\n  out  ");
	ck_assert_str_eq(find(doc, "h", 0)->text, "xy");
	ck_assert_str_eq(find(doc, "i", 0)->text, "caf\xc3\xa9");
	/* Mixed content: not a leaf, no text. */
	ck_assert_ptr_null(find(doc, "j", 0)->text);
	pcifix_doc_free(doc);
}
END_TEST

/* XML 2.11: a parser hands CRLF (and a lone CR) on as one LF, in text too. */
START_TEST(test_text_crlf)
{
	struct pcifix_doc *doc = load_ok("<a>\r\n<b>one\r\ntwo\rthree</b>\r\n</a>\r\n");
	struct pcifix_node *b = find(doc, "b", 0);

	ck_assert_str_eq(b->text, "one\ntwo\nthree");
	ck_assert_uint_eq(b->text_len, 13);
	pcifix_doc_free(doc);
}
END_TEST

/* ---- lines ---------------------------------------------------------- */

START_TEST(test_lines)
{
	static const struct {
		const char *xml;
		const char *names[6];
		unsigned lines[6];
	} cases[] = {
		{ "<a>\n<b/>\n\n<c\nx='1'\ny='2'\n/><d/>\n</a>\n",
		  { "a", "b", "c", "d" }, { 1, 2, 4, 7 } },
		{ "<a>\r\n<b/>\r\n\r\n<c\r\nx='1'\r\ny='2'\r\n/><d/>\r\n</a>\r\n",
		  { "a", "b", "c", "d" }, { 1, 2, 4, 7 } },
		{ "<a>\r<b/>\r<c/></a>", { "a", "b", "c" }, { 1, 2, 3 } },
		{ "<?xml version='1.0'?>\n<!-- x\ny -->\n<a><b>\n<c/>\n</b><![CDATA[\n\n]]><d/></a>",
		  { "a", "b", "c", "d" }, { 4, 4, 5, 8 } },
		{ "\n\n\n<a t='multi\nline\nvalue'><b/></a>", { "a", "b" }, { 4, 6 } },
		{ "<!DOCTYPE a [\n<!ELEMENT a ANY>\n]>\n<a/>", { "a" }, { 4 } },
	};
	size_t i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pcifix_doc *doc = load_ok(cases[i].xml);

		for (k = 0; k < 6 && cases[i].names[k]; k++)
			ck_assert_msg(find(doc, cases[i].names[k], 0)->line == cases[i].lines[k],
				      "case %zu: <%s> on line %u, want %u", i, cases[i].names[k],
				      find(doc, cases[i].names[k], 0)->line, cases[i].lines[k]);
		pcifix_doc_free(doc);
	}
}
END_TEST

START_TEST(test_bom)
{
	struct pcifix_doc *doc = load_ok("\xef\xbb\xbf<a>\n  <b/>\n</a>\n");

	ck_assert_uint_eq(doc->root->start, 3);
	ck_assert_uint_eq(doc->root->line, 1);
	ck_assert_uint_eq(find(doc, "b", 0)->line, 2);
	ck_assert_mem_eq(doc->bytes, "\xef\xbb\xbf<a>", 6);
	pcifix_doc_free(doc);
}
END_TEST

/* ---- style ---------------------------------------------------------- */

static const struct {
	const char *xml;
	const char *eol;
	const char *unit;
	char quote;
} style_cases[] = {
	{ "<a>\n  <b/>\n</a>\n", "\n", "  ", '\'' },
	{ "<a>\r\n  <b/>\r\n</a>\r\n", "\r\n", "  ", '\'' },
	{ "<a>\n\t<b>\n\t\t<c/>\n\t</b>\n</a>\n", "\n", "\t", '\'' },
	{ "<a>\n    <b>\n        <c/>\n    </b>\n</a>\n", "\n", "    ", '\'' },
	{ "<a><b x='1'/><c/></a>", "\n", "  ", '\'' },
	{ "<a><b x=\"1\"/><c/></a>", "\n", "  ", '"' },
	/* The first element that shows a nesting step decides. */
	{ "<a><b/>\n   <c>\n      <d/></c></a>\n", "\n", "   ", '\'' },
	{ "<a>\n <b>\n  <c/>\n </b>\n</a>", "\n", " ", '\'' },
	/* Nested deeper than the root: the step, not the whole indentation. */
	{ "<a><b>\n    <c>\n      <d/>\n    </c></b></a>", "\n", "  ", '\'' },
	/* Majority quote; a tie keeps the single quote. */
	{ "<a x=\"1\" y=\"2\" z='3'/>", "\n", "  ", '"' },
	{ "<a x=\"1\" y='2' z='3'/>", "\n", "  ", '\'' },
	{ "<a x=\"1\" y='2'/>", "\n", "  ", '\'' },
	{ "<a>\n<b x=\"1\"/>\n<c y=\"2\"/>\n<d z='3'/>\n</a>\n", "\n", "  ", '"' },
	/* Only the line end before the first LF counts. */
	{ "<a>\n<b/>\r\n</a>", "\n", "  ", '\'' },
	{ "<a>\r\n<b/>\n</a>", "\r\n", "  ", '\'' },
};

START_TEST(test_style)
{
	struct pcifix_doc *doc = load_ok(style_cases[_i].xml);

	ck_assert_str_eq(doc->eol, style_cases[_i].eol);
	ck_assert_str_eq(doc->indent_unit, style_cases[_i].unit);
	ck_assert_int_eq(doc->quote, style_cases[_i].quote);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_node_indent)
{
	const char *s = "<a>\n  <b/><c/>\n\t <d>\n  x <e/>\n</d>\r\n    <f/></a>";
	struct pcifix_doc *doc = load_ok(s);
	char *ind;

	ind = pcifix_node_indent(doc, doc->root);
	ck_assert_str_eq(ind, "");
	free(ind);
	ind = pcifix_node_indent(doc, find(doc, "b", 0));
	ck_assert_str_eq(ind, "  ");
	free(ind);
	ck_assert_ptr_null(pcifix_node_indent(doc, find(doc, "c", 0)));
	ind = pcifix_node_indent(doc, find(doc, "d", 0));
	ck_assert_str_eq(ind, "\t ");
	free(ind);
	ck_assert_ptr_null(pcifix_node_indent(doc, find(doc, "e", 0)));
	ind = pcifix_node_indent(doc, find(doc, "f", 0));
	ck_assert_str_eq(ind, "    ");
	free(ind);
	pcifix_doc_free(doc);
}
END_TEST

START_TEST(test_line_start)
{
	const char *s = "<a>\n  <b/>\r\n  <c/>\r<d/><e/></a>";
	struct pcifix_doc *doc = load_ok(s);
	size_t b = off_of(s, "<b", 0), c = off_of(s, "<c", 0), d = off_of(s, "<d", 0);

	ck_assert_uint_eq(find(doc, "a", 0)->line_start, 0);
	ck_assert_uint_eq(find(doc, "b", 0)->line_start, 4);
	ck_assert_uint_eq(find(doc, "c", 0)->line_start, c - 2);      /* after CRLF */
	ck_assert_uint_eq(find(doc, "d", 0)->line_start, d);          /* after a lone CR */
	ck_assert_uint_eq(find(doc, "e", 0)->line_start, d);          /* the same line */
	ck_assert_uint_gt(b, 4);
	pcifix_doc_free(doc);
}
END_TEST

/* Indentation beyond 256 bytes is not copied: the file's unit per level instead. */
START_TEST(test_indent_capped)
{
	struct pcifix_buf s;
	struct pcifix_doc *doc;
	char *ind;
	size_t i;

	pcifix_buf_init(&s);
	pcifix_buf_puts(&s, "<a>\n  <b>\n    <c/>\n");
	for (i = 0; i < 100000; i++)
		pcifix_buf_puts(&s, " ");
	pcifix_buf_puts(&s, "<d/>\n  </b>\n</a>\n");
	doc = load_ok(s.data);
	ind = pcifix_node_indent(doc, find(doc, "d", 0));
	ck_assert_str_eq(ind, "    ");
	free(ind);
	ind = pcifix_node_indent(doc, find(doc, "c", 0));
	ck_assert_str_eq(ind, "    ");
	free(ind);
	pcifix_doc_free(doc);
	pcifix_buf_free(&s);
}
END_TEST

/* ---- refusals ------------------------------------------------------- */

struct bad_case {
	const char *what;
	const char *xml;
	size_t len;             /* 0: strlen */
	const char *rule;
	const char *rule2;      /* another acceptable rule, or NULL */
	unsigned line;          /* 0: do not check */
};

static const struct bad_case bad_cases[] = {
	{ "mismatched tag", "<a>\n<b>\n</a>\n", 0, "xml-syntax", NULL, 3 },
	{ "bad end tag", "<a>\n\n<b></c>\n</a>", 0, "xml-syntax", NULL, 3 },
	{ "unquoted attribute", "<a>\n  <b x=1/>\n</a>", 0, "xml-syntax", NULL, 2 },
	{ "duplicate attribute", "<a>\n\n\n<b x='1' x='2'/></a>", 0, "xml-syntax", NULL, 4 },
	{ "stray <", "<a>\n<b> < </b>\n</a>", 0, "xml-syntax", NULL, 2 },
	{ "stray &", "<a>\n<b> & </b>\n</a>", 0, "xml-syntax", NULL, 2 },
	{ "two roots", "<a/>\n<b/>\n", 0, "xml-syntax", NULL, 2 },
	{ "text after root", "<a/>\njunk\n", 0, "xml-syntax", NULL, 2 },
	{ "text before root", "junk<a/>", 0, "xml-syntax", NULL, 1 },
	{ "unclosed root", "<a>\n<b/>\n", 0, "xml-syntax", NULL, 0 },
	{ "unterminated comment", "<a>\n<!-- x\n</a>\n", 0, "xml-syntax", NULL, 0 },
	{ "empty", "", 0, "empty-file", NULL, 0 },
	{ "white space only", " \n\t\r\n  ", 0, "empty-file", NULL, 0 },
	{ "UTF-16LE BOM", "\xff\xfe<\0a\0/\0>\0", 10, "xml-encoding", NULL, 1 },
	{ "UTF-16BE BOM", "\xfe\xff\0<\0a\0/\0>", 10, "xml-encoding", NULL, 1 },
	{ "UTF-16LE without BOM", "<\0a\0/\0>\0", 8, "xml-encoding", NULL, 1 },
	{ "ISO-8859-1", "<?xml version='1.0' encoding='ISO-8859-1'?>\n<a>caf\xe9</a>\n", 0,
	  "xml-encoding", NULL, 1 },
	{ "latin1 double-quoted", "<?xml version=\"1.0\" encoding=\"latin1\"?><a/>", 0,
	  "xml-encoding", NULL, 1 },
	{ "UTF-16 declared", "<?xml version='1.0' encoding='UTF-16'?><a/>", 0,
	  "xml-encoding", NULL, 1 },
	{ "invalid UTF-8 in text", "<a>\n<b>caf\xe9</b>\n</a>\n", 0, "xml-encoding", NULL, 2 },
	{ "invalid UTF-8 in attribute", "<a>\n\n<b v='\xff\xfe'/>\n</a>\n", 0, "xml-encoding",
	  NULL, 3 },
	{ "truncated UTF-8 sequence", "<a>\n<b>\xe2\x82</b>\n</a>\n", 0, "xml-encoding", NULL, 2 },
	{ "overlong UTF-8", "<a>\n<b>\xc0\xaf</b>\n</a>\n", 0, "xml-encoding", NULL, 2 },
	{ "entity declaration", "<!DOCTYPE a [\n<!ENTITY x \"y\">\n]>\n<a>&x;</a>\n", 0,
	  "xml-entity", NULL, 2 },
	{ "parameter entity", "<!DOCTYPE a [\n<!ENTITY % p \"y\">\n]>\n<a/>\n", 0,
	  "xml-entity", NULL, 2 },
	{ "external entity",
	  "<!DOCTYPE a [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<a>&xxe;</a>\n", 0,
	  "xml-entity", NULL, 1 },
	{ "undefined entity in text", "<a>\n<b>&foo;</b>\n</a>\n", 0, "xml-entity", "xml-syntax",
	  2 },
	{ "undefined entity in attribute", "<a>\n<b v='&foo;'/>\n</a>\n", 0, "xml-entity",
	  "xml-syntax", 2 },
	{ "NUL byte", "<a>\n<b>x\0y</b>\n</a>\n", 18, "xml-syntax", "xml-encoding", 2 },
	{ "NUL byte, CR line ends", "<a>\r<b/>\r\n<b>x\0y</b>\r</a>\r", 26, "xml-syntax",
	  "xml-encoding", 3 },
	{ "declared ASCII, not ASCII", "<?xml version='1.0' encoding='ascii'?>\r\n<a>\r<b>caf\xc3\xa9</b>\n</a>\n",
	  0, "xml-encoding", NULL, 3 },
	/* Valid UTF-8, but a character XML does not allow: not an encoding problem. */
	{ "control character", "<a>\n<b>x\x01y</b>\n</a>\n", 0, "xml-syntax", NULL, 2 },
	{ "bad character reference", "<a>\n<b>&#0;</b>\n</a>\n", 0, "xml-syntax", NULL, 2 },
};

START_TEST(test_refused)
{
	const struct bad_case *c = &bad_cases[_i];
	struct pcifix_diags d;
	struct pcifix_doc *doc;

	pcifix_diags_init(&d);
	doc = load_n(c->xml, c->len ? c->len : strlen(c->xml), &d);
	ck_assert_msg(doc == NULL, "%s: accepted", c->what);
	ck_assert_msg(d.n == 1, "%s: %zu diagnostics, want 1", c->what, d.n);
	ck_assert_msg(strcmp(d.v[0].rule->id, c->rule) == 0 ||
		      (c->rule2 && strcmp(d.v[0].rule->id, c->rule2) == 0),
		      "%s: rule %s (%s), want %s", c->what, d.v[0].rule->id, d.v[0].message,
		      c->rule);
	if (c->line)
		ck_assert_msg(d.v[0].line == c->line, "%s: line %u, want %u (%s)", c->what,
			      d.v[0].line, c->line, d.v[0].message);
	ck_assert_str_eq(d.v[0].file, "t.xml");
	ck_assert_int_eq(d.v[0].severity, PCIFIX_SEVERITY_ERROR);
	ck_assert_int_eq(pcifix_diags_status(&d), PCIFIX_EXIT_INPUT);
	ck_assert(strlen(d.v[0].message) > 0);
	/* One line: the GNU format "file:line: error: message [rule]". */
	ck_assert_msg(strchr(d.v[0].message, '\n') == NULL, "%s: message spans lines: %s",
		      c->what, d.v[0].message);
	pcifix_diags_free(&d);
}
END_TEST

START_TEST(test_external_entity_not_read)
{
	struct pcifix_diags d;
	struct pcifix_doc *doc;

	pcifix_diags_init(&d);
	doc = load("<!DOCTYPE a [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<a>&xxe;</a>\n",
		   &d);
	ck_assert_ptr_null(doc);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_null(strstr(d.v[0].message, "root:"));
	ck_assert_ptr_nonnull(strstr(d.v[0].message, "xxe"));
	pcifix_diags_free(&d);
}
END_TEST

START_TEST(test_billion_laughs)
{
	static const char lol[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE lolz [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n"
		"<lolz a=\"&lol9;\">&lol9;</lolz>\n";
	struct pcifix_diags d;
	struct pcifix_doc *doc;
	struct timespec t0, t1;
	double secs;

	pcifix_diags_init(&d);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	doc = load(lol, &d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_ptr_null(doc);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].rule->id, "xml-entity");
	ck_assert_uint_eq(d.v[0].line, 3);
	/* Refused at the first declaration, not after expanding 10^9 "lol"s. */
	ck_assert_msg(secs < 2.0, "took %.2f s", secs);
	pcifix_diags_free(&d);
}
END_TEST

START_TEST(test_deep_nesting)
{
	struct pcifix_buf b;
	struct pcifix_diags d;
	struct pcifix_doc *doc;
	int i;

	/* 300 levels: beyond libxml2's limit of 256 without XML_PARSE_HUGE. */
	pcifix_buf_init(&b);
	for (i = 0; i < 300; i++)
		pcifix_buf_puts(&b, "<a>\n");
	for (i = 0; i < 300; i++)
		pcifix_buf_puts(&b, "</a>\n");
	pcifix_diags_init(&d);
	doc = pcifix_xml_load(pcifix_buf_steal(&b), 300 * 9, "t.xml", &d);
	ck_assert_ptr_null(doc);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].rule->id, "xml-syntax");
	ck_assert_uint_ge(d.v[0].line, 250);
	ck_assert_uint_le(d.v[0].line, 300);
	pcifix_diags_free(&d);

	/* 200 levels are fine, and the tree is 200 deep. */
	pcifix_buf_init(&b);
	for (i = 0; i < 200; i++)
		pcifix_buf_puts(&b, "<a>\n");
	for (i = 0; i < 200; i++)
		pcifix_buf_puts(&b, "</a>\n");
	pcifix_diags_init(&d);
	doc = pcifix_xml_load(pcifix_buf_steal(&b), 200 * 9, "t.xml", &d);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(doc->nnodes, 200);
	ck_assert_ptr_eq(doc->nodes[199].parent, &doc->nodes[198]);
	ck_assert_uint_eq(doc->nodes[199].line, 200);
	ck_assert_uint_eq(doc->nodes[0].end, 200 * 9 - 1);
	pcifix_doc_free(doc);
	pcifix_diags_free(&d);
}
END_TEST

/* Things that look odd but are well-formed, and are accepted. */
START_TEST(test_accepted_oddities)
{
	static const struct {
		const char *xml;
		size_t nnodes;
	} cases[] = {
		{ "<?xml version='1.0' encoding='UTF-8'?><a/>", 1 },
		{ "<?xml version='1.0' encoding='utf-8' standalone='yes'?><a/>", 1 },
		{ "<?xml version='1.0' encoding='US-ASCII'?><a/>", 1 },
		{ "<!DOCTYPE a SYSTEM \"file:///nonexistent/x.dtd\"><a><b/></a>", 2 },
		{ "<!DOCTYPE a [<!ELEMENT a ANY><!-- ]> --><?pi ]>?>]><a><b/></a>", 2 },
		{ "<?pi <b/> ?><a><?x <c/>?><b/></a><!-- <d/> -->", 2 },
		{ "<a><![CDATA[<b/>]]></a>", 1 },
		{ "<a b='&lt;c/&gt;'/>", 1 },
		{ "\n\n  <a/>\n\n", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pcifix_doc *doc = load_ok(cases[i].xml);

		ck_assert_msg(doc->nnodes == cases[i].nnodes, "case %zu: %zu elements", i,
			      doc->nnodes);
		ck_assert_str_eq(doc->root->name, "a");
		pcifix_doc_free(doc);
	}
}
END_TEST

START_TEST(test_free_null)
{
	struct pcifix_doc *doc = load_ok("<a/>");

	pcifix_doc_free(NULL);
	ck_assert_str_eq(doc->file, "t.xml");
	pcifix_doc_free(doc);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
xml_suite(void)
{
	Suite *s = suite_create("xml");
	TCase *tc;

	tc = tcase_create("tree");
	tcase_add_test(tc, test_tree_shape);
	tcase_add_test(tc, test_offsets);
	tcase_add_test(tc, test_odd_spacing_and_quotes);
	tcase_add_test(tc, test_namespaces);
	tcase_add_test(tc, test_default_namespace_root);
	tcase_add_test(tc, test_free_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode");
	tcase_add_loop_test(tc, test_attr_decoding, 0, N(attr_cases));
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_text_crlf);
	suite_add_tcase(s, tc);

	tc = tcase_create("lines");
	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_bom);
	tcase_add_test(tc, test_line_start);
	tcase_add_test(tc, test_indent_capped);
	suite_add_tcase(s, tc);

	tc = tcase_create("style");
	tcase_add_loop_test(tc, test_style, 0, N(style_cases));
	tcase_add_test(tc, test_node_indent);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_refused, 0, N(bad_cases));
	tcase_add_test(tc, test_external_entity_not_read);
	tcase_add_test(tc, test_billion_laughs);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_accepted_oddities);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(xml_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
