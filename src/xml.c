/* xml.c - loading a document: the encoding gate, both readings, the file's style; node access. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

/*
 * The document is read twice: libxml2 judges it (xml-libxml.c), then our
 * scanner builds the element tree with byte positions (xml-scan.c).  Before
 * either, the encoding gate refuses what they could read differently
 * (anything but UTF-8 and ASCII, a NUL byte); after both, the file's line
 * ending, quote and indentation unit are noted for the writer.
 */

/* Indentation longer than this is not copied into new lines (it would multiply the output). */
#define MAX_INDENT 256

char *
pcifix_node_indent(const struct pcifix_doc *doc, const struct pcifix_node *n)
{
	const struct pcifix_node *p;
	struct pcifix_buf b;
	size_t i;

	for (i = n->line_start; i < n->start; i++)
		if (doc->bytes[i] != ' ' && doc->bytes[i] != '\t')
			return NULL;
	if (n->start - n->line_start <= MAX_INDENT || doc->indent_unit == NULL)
		return n->start - n->line_start <= MAX_INDENT ?
		       pcifix_xstrndup(doc->bytes + n->line_start, n->start - n->line_start) : NULL;
	/* Absurdly deep: the file's unit once per level instead. */
	pcifix_buf_init(&b);
	pcifix_buf_add(&b, "", 0);
	for (p = n->parent; p; p = p->parent)
		pcifix_buf_puts(&b, doc->indent_unit);
	return pcifix_buf_steal(&b);
}

static void
detect_style(struct pcifix_doc *doc)
{
	const char *nl = memchr(doc->bytes, '\n', doc->len);
	size_t i;

	size_t squote = 0, dquote = 0;

	if (nl)
		doc->eol = nl > doc->bytes && nl[-1] == '\r' ? "\r\n" : "\n";
	else
		doc->eol = memchr(doc->bytes, '\r', doc->len) ? "\r" : "\n";
	for (i = 0; i < doc->nnodes; i++) {
		size_t j;

		for (j = 0; j < doc->nodes[i].nattrs; j++) {
			if (doc->bytes[doc->nodes[i].attrs[j].value_start - 1] == '"')
				dquote++;
			else
				squote++;
		}
	}
	doc->quote = dquote > squote ? '"' : '\'';
	/* The first few hundred elements tell; an unindented file need not be read whole. */
	for (i = 0; i < doc->nnodes && i < 512 && doc->indent_unit == NULL; i++) {
		struct pcifix_node *n = &doc->nodes[i];
		char *pi, *ci;

		if (n->parent == NULL)
			continue;
		pi = pcifix_node_indent(doc, n->parent);
		ci = pcifix_node_indent(doc, n);
		if (pi && ci && strlen(ci) > strlen(pi) && strlen(ci) - strlen(pi) <= 16 &&
		    strncmp(ci, pi, strlen(pi)) == 0)
			doc->indent_unit = pcifix_xstrdup(ci + strlen(pi));
		free(pi);
		free(ci);
	}
	if (doc->indent_unit == NULL)
		doc->indent_unit = pcifix_xstrdup("  ");
}

/* The line of offset `off` in b, line ends counted as libxml2 does (CRLF, CR, LF). */
static unsigned
line_at(const char *b, size_t off)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (b[i] == '\n' || (b[i] == '\r' && b[i + 1] != '\n'))
			line++;
	return line;
}

/*
 * A document declared ASCII must be ASCII: libxml2 stops reading at the
 * first byte it cannot convert and reports nothing, so what follows would
 * go unchecked (and the scanner, which reads on, would disagree with it).
 */
static int
check_ascii(const char *b, size_t len, size_t bom, size_t enc_off, size_t enc_len,
	    const char *file, struct pcifix_diags *diags)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)b[i] & 0x80) {
			pcifix_diag_add(diags, PCIFIX_R_XML_ENCODING, file, line_at(b, i),
					"byte 0x%02X at offset %zu is not ASCII, but the XML "
					"declaration says encoding '%.*s' (declare UTF-8 if the "
					"file is UTF-8)", (unsigned char)b[i], bom + i,
					(int)enc_len, b + enc_off);
			return -1;
		}
	return 0;
}

static int
check_encoding(const char *b, size_t len, const char *file, struct pcifix_diags *diags)
{
	static const struct {
		const char *name;
		bool ascii;
	} ok[] = { { "utf-8", false }, { "utf8", false }, { "us-ascii", true }, { "ascii", true } };
	const char *decl_end, *enc;
	size_t i, bom = 0;

	if (len >= 2 && (((unsigned char)b[0] == 0xfe && (unsigned char)b[1] == 0xff) ||
			 ((unsigned char)b[0] == 0xff && (unsigned char)b[1] == 0xfe) ||
			 (b[0] == '\0') || (b[1] == '\0'))) {
		pcifix_diag_add(diags, PCIFIX_R_XML_ENCODING, file, 1,
				"the file is UTF-16 or UTF-32; pcifix reads UTF-8 "
				"(convert it with iconv -t UTF-8)");
		return -1;
	}
	/* "<?xm" in EBCDIC: libxml2 would switch to it (and load iconv modules). */
	if (len >= 4 && memcmp(b, "\x4c\x6f\xa7\x94", 4) == 0) {
		pcifix_diag_add(diags, PCIFIX_R_XML_ENCODING, file, 1,
				"the file is EBCDIC; pcifix reads UTF-8 "
				"(convert it with iconv -f IBM037 -t UTF-8)");
		return -1;
	}
	if (len >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0) {
		bom = 3;
		b += 3;
		len -= 3;
	}
	if (len < 6 || memcmp(b, "<?xml", 5) != 0 || !pcifix_xml_is_ws(b[5]))
		return 0;
	decl_end = pcifix_memfind(b, len, "?>", 2);
	if (decl_end == NULL)
		return 0;
	enc = pcifix_memfind(b, (size_t)(decl_end - b), "encoding", 8);
	if (enc == NULL)
		return 0;
	enc += 8;
	while (enc < decl_end && (pcifix_xml_is_ws(*enc) || *enc == '='))
		enc++;
	if (enc < decl_end && (*enc == '"' || *enc == '\'')) {
		char q = *enc++;
		const char *e = memchr(enc, q, (size_t)(decl_end - enc));
		size_t n = e ? (size_t)(e - enc) : 0;

		for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
			if (strlen(ok[i].name) == n && strncasecmp(ok[i].name, enc, n) == 0)
				return ok[i].ascii ? check_ascii(b, len, bom, (size_t)(enc - b), n,
								 file, diags) : 0;
		pcifix_diag_add(diags, PCIFIX_R_XML_ENCODING, file, 1,
				"encoding '%.*s' is not supported; pcifix reads UTF-8 "
				"(convert the file with iconv and fix the XML declaration)",
				(int)n, enc);
		return -1;
	}
	return 0;
}

struct pcifix_doc *
pcifix_xml_load(char *bytes, size_t len, const char *file, struct pcifix_diags *diags)
{
	struct pcifix_doc *doc;
	struct pcifix_xml_seen seen;
	size_t i;

	doc = pcifix_xcalloc(1, sizeof(*doc));
	doc->file = pcifix_xstrdup(file);
	doc->bytes = bytes;
	doc->len = len;
	i = len >= 3 && memcmp(bytes, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	for (; i < len && pcifix_xml_is_ws(bytes[i]); i++)
		;
	if (i == len) {
		pcifix_diag_add(diags, PCIFIX_R_EMPTY_FILE, file, 1,
				len ? "the file holds only white space" : "the file is empty");
		goto fail;
	}
	if (check_encoding(bytes, len, file, diags) < 0)
		goto fail;
	{
		/* libxml2 takes a NUL for the end of the input in places: look first. */
		const char *nul = memchr(bytes, '\0', len);

		if (nul) {
			pcifix_diag_add(diags, PCIFIX_R_XML_SYNTAX, file, line_at(bytes, (size_t)(nul - bytes)),
					"NUL byte at offset %zu: char 0x0 is not allowed in XML",
					(size_t)(nul - bytes));
			goto fail;
		}
	}

	if (pcifix_xml_libxml(bytes, len, file, diags, &seen) < 0)
		goto fail;
	i = (size_t)pcifix_xml_scan(doc, &seen, diags);
	pcifix_xml_seen_free(&seen);
	if (i != 0)
		goto fail;
	doc->root = &doc->nodes[0];
	detect_style(doc);
	return doc;
fail:
	pcifix_doc_free(doc);
	return NULL;
}

void
pcifix_doc_free(struct pcifix_doc *doc)
{
	size_t i;

	if (doc == NULL)
		return;
	for (i = 0; i < doc->nnodes; i++) {
		struct pcifix_node *n = &doc->nodes[i];

		free(n->text);
	}
	pcifix_arena_free(&doc->arena);
	free(doc->nodes);
	free(doc->indent_unit);
	free(doc->file);
	free(doc->bytes);
	free(doc);
}

const struct pcifix_attr *
pcifix_node_attr_full(const struct pcifix_node *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[i].name, name) == 0)
			return &n->attrs[i];
	return NULL;
}

const char *
pcifix_node_attr(const struct pcifix_node *n, const char *name)
{
	const struct pcifix_attr *a = pcifix_node_attr_full(n, name);

	return a ? a->value : NULL;
}

struct pcifix_node *
pcifix_node_child(const struct pcifix_node *n, const char *name)
{
	struct pcifix_node *c;

	for (c = n->first_child; c; c = c->next)
		if (!c->in_namespace && strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

bool
pcifix_xml_is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
