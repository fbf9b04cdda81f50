/* fuzz_diff.c - differential libFuzzer target: pcifix's reading and writing against libxml2's tree. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "pcifix.h"

/*
 * Input: as fuzz_pcifix's (one option byte, ignored here, then the
 * document), so that both share seeds and regression inputs.  Two properties:
 *
 * (A) reading: whenever pcifix's loader accepts a document, libxml2's tree
 *     of it, read as libvirt reads a domain (no network, no entity
 *     substitution, no DTD loading), has the same elements in the same
 *     order, each with the same name, the same attributes (names and
 *     decoded values, in order; namespace declarations aside) and, for an
 *     element without element children, the same text, as pcifix's scanner;
 * (B) writing: whenever pcifix prints XML (exit 0), libxml2 parses it, and
 *     its tree holds every element, attribute, comment, processing
 *     instruction, CDATA section and non-blank text of the input, in the
 *     same order, the values unchanged, except that elements and
 *     attributes may be added, an <address> may get other values (an
 *     address assigned anew is written whole), and a
 *     model='auto' or type='default' may become the model it stands for.
 * A violation aborts with a message naming what differs.
 */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, silent);
	return 0;
}

static void
fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_diff: %s: %s\n", what, detail ? detail : "");
	abort();
}

static xmlDocPtr
parse(const char *b, size_t n)
{
	return xmlReadMemory(b, (int)n, NULL, NULL,
			     XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
}

/* The qualified name of an element or attribute, as written. */
static void
qname(const xmlChar *prefix, const xmlChar *name, char *buf, size_t len)
{
	if (prefix)
		snprintf(buf, len, "%s:%s", (const char *)prefix, (const char *)name);
	else
		snprintf(buf, len, "%s", (const char *)name);
}

static bool
is_xmlns(const char *name)
{
	return strcmp(name, "xmlns") == 0 || strncmp(name, "xmlns:", 6) == 0;
}

static bool
has_element_child(const xmlNode *n)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

/* ---- (A) ------------------------------------------------------------ */

/* Compare element x of libxml2's tree with pcifix's node *i (document order). */
static void
same_element(const xmlNode *x, const struct pcifix_doc *doc, size_t *i)
{
	const struct pcifix_node *n;
	const xmlAttr *a;
	const xmlNode *c;
	size_t k = 0;
	char name[512];

	if (*i >= doc->nnodes)
		fail("(A) libxml2 has more elements than pcifix", (const char *)x->name);
	n = &doc->nodes[(*i)++];
	qname(x->ns ? x->ns->prefix : NULL, x->name, name, sizeof(name));
	if (strcmp(name, n->name) != 0)
		fail("(A) element name", n->name);
	for (a = x->properties; a; a = a->next) {
		xmlChar *v = xmlNodeListGetString(x->doc, a->children, 1);

		while (k < n->nattrs && is_xmlns(n->attrs[k].name))
			k++;
		qname(a->ns ? a->ns->prefix : NULL, a->name, name, sizeof(name));
		if (k >= n->nattrs || strcmp(name, n->attrs[k].name) != 0)
			fail("(A) attribute name", name);
		if (strcmp(v ? (const char *)v : "", n->attrs[k].value) != 0)
			fail("(A) attribute value", name);
		xmlFree(v);
		k++;
	}
	while (k < n->nattrs && is_xmlns(n->attrs[k].name))
		k++;
	if (k != n->nattrs)
		fail("(A) pcifix has more attributes", n->name);
	if (!has_element_child(x)) {
		xmlChar *t = xmlNodeGetContent(x);
		const char *want = t ? (const char *)t : "";
		const char *got = n->text ? n->text : "";

		if (strlen(want) != (n->text ? n->text_len : 0) || strcmp(want, got) != 0)
			fail("(A) text", n->name);
		xmlFree(t);
	}
	for (c = x->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			same_element(c, doc, i);
}

static void
check_reading(const char *b, size_t n)
{
	struct pcifix_diags diags;
	struct pcifix_doc *doc;
	xmlDocPtr x;
	size_t i = 0;

	pcifix_diags_init(&diags);
	doc = pcifix_xml_load(pcifix_xstrndup(b, n), n, "fuzz.xml", &diags);
	pcifix_diags_free(&diags);
	if (doc == NULL)
		return;
	x = parse(b, n);
	if (x == NULL || xmlDocGetRootElement(x) == NULL)
		fail("(A) pcifix accepts what libxml2 does not parse", NULL);
	same_element(xmlDocGetRootElement(x), doc, &i);
	if (i != doc->nnodes)
		fail("(A) pcifix has more elements than libxml2", NULL);
	xmlFreeDoc(x);
	pcifix_doc_free(doc);
}

/* ---- (B) ------------------------------------------------------------ */

static bool
blank(const xmlNode *n)
{
	const xmlChar *p;

	if (n->type != XML_TEXT_NODE)
		return false;
	for (p = n->content; p && *p; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return false;
	return true;
}

static bool
same_name(const xmlNode *a, const xmlNode *b)
{
	return xmlStrEqual(a->name, b->name) &&
	       xmlStrEqual(a->ns ? a->ns->prefix : NULL, b->ns ? b->ns->prefix : NULL);
}

/* Text without the white space at its ends (new lines beside it change that). */
static bool
same_trimmed(const xmlChar *a, const xmlChar *b)
{
	size_t la, lb;

	while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
		a++;
	while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')
		b++;
	for (la = (size_t)xmlStrlen(a); la && strchr(" \t\n\r", a[la - 1]); la--)
		;
	for (lb = (size_t)xmlStrlen(b); lb && strchr(" \t\n\r", b[lb - 1]); lb--)
		;
	return la == lb && memcmp(a, b, la) == 0;
}

/* Could output node o be input node i (kept in place)? */
static bool
matches(const xmlNode *i, const xmlNode *o)
{
	if (i->type != o->type)
		return false;
	switch (i->type) {
	case XML_ELEMENT_NODE:
		return same_name(i, o);
	case XML_PI_NODE:
		return xmlStrEqual(i->name, o->name) && xmlStrEqual(i->content, o->content);
	case XML_TEXT_NODE:
		return same_trimmed(i->content ? i->content : (const xmlChar *)"",
				    o->content ? o->content : (const xmlChar *)"");
	default:
		return xmlStrEqual(i->content, o->content);
	}
}

/* A value pcifix may replace: an address's, or a placeholder model. */
static bool
may_change(const xmlNode *elem, const xmlAttr *a, const xmlChar *old)
{
	if (xmlStrEqual(elem->name, (const xmlChar *)"address"))
		return true;
	return (xmlStrEqual(a->name, (const xmlChar *)"model") &&
		xmlStrEqual(old, (const xmlChar *)"auto")) ||
	       (xmlStrEqual(a->name, (const xmlChar *)"type") &&
		xmlStrEqual(old, (const xmlChar *)"default"));
}

static void
kept(const xmlNode *in, const xmlNode *out)
{
	const xmlAttr *a;
	const xmlNode *i, *o = out->children;

	for (a = in->properties; a; a = a->next) {
		xmlChar *v = xmlNodeListGetString(in->doc, a->children, 1);
		xmlChar *w = xmlGetNsProp((xmlNode *)out, a->name, a->ns ? a->ns->href : NULL);

		/* An address pcifix assigns anew is written whole (libvirt drops a stray function). */
		if (w == NULL && !xmlStrEqual(in->name, (const xmlChar *)"address"))
			fail("(B) an attribute is gone", (const char *)a->name);
		if (w && !xmlStrEqual(v, w) && !may_change(in, a, v))
			fail("(B) an attribute changed", (const char *)a->name);
		xmlFree(v);
		xmlFree(w);
	}
	for (i = in->children; i; i = i->next) {
		if (blank(i))
			continue;
		/* Added elements and white space may come between kept nodes. */
		while (o && !matches(i, o) && (o->type == XML_ELEMENT_NODE || blank(o)))
			o = o->next;
		if (o == NULL || !matches(i, o))
			fail("(B) a node of the input is gone or moved",
			     i->name ? (const char *)i->name : "(text)");
		if (i->type == XML_ELEMENT_NODE)
			kept(i, o);
		o = o->next;
	}
}

static void
check_writing(const char *b, size_t n)
{
	struct pcifix_opts opts;
	struct pcifix_diags diags;
	struct pcifix_buf out;
	xmlDocPtr xi, xo;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_PRINT;
	opts.format = PCIFIX_FORMAT_TEXT;
	pcifix_diags_init(&diags);
	pcifix_buf_init(&out);
	if (pcifix_process_buffer("fuzz.xml", b, n, &opts, &out, &diags) == PCIFIX_EXIT_OK) {
		xi = parse(b, n);
		xo = parse(out.data ? out.data : "", out.len);
		if (xo == NULL)
			fail("(B) the output does not parse", NULL);
		if (xi == NULL)
			fail("(B) pcifix printed a document libxml2 does not parse", NULL);
		kept(xmlDocGetRootElement(xi), xmlDocGetRootElement(xo));
		xmlFreeDoc(xi);
		xmlFreeDoc(xo);
	}
	pcifix_diags_free(&diags);
	pcifix_buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *b;

	if (size < 1 || size > (1u << 20))
		return 0;
	b = pcifix_xstrndup((const char *)data + 1, size - 1);
	check_reading(b, size - 1);
	check_writing(b, size - 1);
	free(b);
	return 0;
}
