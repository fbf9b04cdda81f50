/* xml.c - load a document: libxml2 checks it, a scanner records where every element is. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "pcifix.h"

/*
 * The document is read twice.  libxml2, driven through SAX with no tree and
 * no entity substitution, decides whether the bytes are well-formed XML and
 * reports where they are not.  Then our own scanner walks the same bytes and
 * builds the element tree with byte offsets, which libxml2 cannot give, so
 * the writer can splice new text into the untouched original.  The scanner
 * trusts libxml2's verdict but checks that both saw the same elements in the
 * same order; a disagreement is an internal error, never a silent guess.
 */

/* ---- libxml2 pass --------------------------------------------------- */

struct sax_state {
	xmlParserCtxtPtr ctxt;
	const char *file;
	struct pcifix_diags *diags;
	bool failed;             /* a diagnostic has been added */
	uint32_t *name_hash;     /* per element, document order */
	bool *in_ns;
	size_t n;
	size_t cap;
};

static uint32_t
hash_bytes(uint32_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void
sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
	  int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
	  int nb_defaulted, const xmlChar **attributes)
{
	struct sax_state *st = ctx;
	uint32_t h = 2166136261u;

	(void)nb_namespaces;
	(void)namespaces;
	(void)nb_attributes;
	(void)nb_defaulted;
	(void)attributes;
	if (st->n == st->cap) {
		/* Two arrays, one count: the second follows the first's new room. */
		st->name_hash = pcifix_xgrow(st->name_hash, &st->cap, 256, sizeof(*st->name_hash));
		st->in_ns = pcifix_xrealloc(st->in_ns, st->cap * sizeof(*st->in_ns));
	}
	if (prefix) {
		h = hash_bytes(h, (const char *)prefix, strlen((const char *)prefix));
		h = hash_bytes(h, ":", 1);
	}
	h = hash_bytes(h, (const char *)localname, strlen((const char *)localname));
	st->name_hash[st->n] = h;
	st->in_ns[st->n] = uri != NULL;
	st->n++;
}

static void
sax_fail(struct sax_state *st, enum pcifix_rule_id id, unsigned line, const char *msg)
{
	if (!st->failed)
		pcifix_diag_add(st->diags, id, st->file, line, "%s", msg);
	st->failed = true;
	xmlStopParser(st->ctxt);
}

static void
sax_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
		const xmlChar *system_id, xmlChar *content)
{
	struct sax_state *st = ctx;
	char *msg;

	(void)type;
	(void)public_id;
	(void)system_id;
	(void)content;
	msg = pcifix_xasprintf("entity declaration '%s' refused: a domain XML has no "
			       "use for entities, and they can hide content or expand "
			       "without bound", (const char *)name);
	sax_fail(st, PCIFIX_R_XML_ENTITY, (unsigned)xmlSAX2GetLineNumber(st->ctxt), msg);
	free(msg);
}

/*
 * <!ATTLIST ...> in the internal subset declaring a type other than CDATA:
 * libxml2 (and libvirt) then normalise that attribute's values (' virtio '
 * becomes 'virtio'), which the scanner reads as written, so they would
 * disagree: refused, as entities are.  (Defaults are not added: neither
 * pcifix nor libvirt asks libxml2 for them.)
 */
static void
sax_attribute_decl(void *ctx, const xmlChar *elem, const xmlChar *fullname, int type, int def,
		   const xmlChar *default_value, xmlEnumerationPtr tree)
{
	struct sax_state *st = ctx;
	char *msg;

	(void)def;
	(void)default_value;
	xmlFreeEnumeration(tree);   /* the callback owns it */
	if (type == XML_ATTRIBUTE_CDATA)
		return;
	msg = pcifix_xasprintf("attribute declaration <!ATTLIST %s %s ...> refused: a type other "
			       "than CDATA changes attribute values as libvirt reads them",
			       (const char *)elem, (const char *)fullname);
	sax_fail(st, PCIFIX_R_XML_ENTITY, (unsigned)xmlSAX2GetLineNumber(st->ctxt), msg);
	free(msg);
}

static xmlEntityPtr
sax_get_entity(void *ctx, const xmlChar *name)
{
	(void)ctx;
	return xmlGetPredefinedEntity(name);
}

static void
sax_reference(void *ctx, const xmlChar *name)
{
	struct sax_state *st = ctx;
	char *msg = pcifix_xasprintf("entity reference '&%s;' refused: only the "
				     "predefined entities and character references are "
				     "allowed", (const char *)name);

	sax_fail(st, PCIFIX_R_XML_ENTITY, (unsigned)xmlSAX2GetLineNumber(st->ctxt), msg);
	free(msg);
}

static void
sax_error(void *ctx, xmlErrorPtr err)
{
	struct sax_state *st = ctx;
	char *msg;
	size_t n;
	bool bad_utf8;

	if (err == NULL || err->level < XML_ERR_ERROR || st->failed)
		return;
	msg = pcifix_xstrdup(err->message ? err->message : "XML parse error");
	/* One line: libxml2 sometimes adds the offending bytes on a second. */
	msg[strcspn(msg, "\n")] = '\0';
	bad_utf8 = strstr(msg, "not proper UTF-8") != NULL;
	if (bad_utf8) {
		free(msg);
		msg = pcifix_xstrdup("invalid UTF-8: pcifix reads UTF-8 files (convert this one "
				     "with iconv -t UTF-8)");
	}
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (n && msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
		msg[0] = (char)(msg[0] - 'A' + 'a');
	pcifix_diag_add(st->diags,
			bad_utf8 || err->code == XML_ERR_UNKNOWN_ENCODING ||
			err->code == XML_ERR_UNSUPPORTED_ENCODING ? PCIFIX_R_XML_ENCODING : PCIFIX_R_XML_SYNTAX,
			st->file, err->line > 0 ? (unsigned)err->line : 1, "%s", msg);
	free(msg);
	st->failed = true;
}

static int
libxml_check(const char *bytes, size_t len, struct sax_state *st)
{
	xmlSAXHandler h;
	xmlParserCtxtPtr ctxt;
	int ok;

	if (len > INT32_MAX) {
		pcifix_diag_add(st->diags, PCIFIX_R_IO_ERROR, st->file, 0,
				"file is larger than 2 GiB, which libxml2 cannot read");
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.initialized = XML_SAX2_MAGIC;
	h.startElementNs = sax_start;
	h.entityDecl = sax_entity_decl;
	h.attributeDecl = sax_attribute_decl;
	h.getEntity = sax_get_entity;
	h.getParameterEntity = sax_get_entity;
	h.reference = sax_reference;
	h.serror = sax_error;

	ctxt = xmlCreateMemoryParserCtxt(bytes, (int)len);
	if (ctxt == NULL)
		pcifix_oom();
	/* No network, no DTD loading, no entity substitution, no huge mode. */
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING);
	memcpy(ctxt->sax, &h, sizeof(h));
	ctxt->userData = st;
	ctxt->replaceEntities = 0;
	ctxt->loadsubset = 0;
	ctxt->validate = 0;
	st->ctxt = ctxt;
	xmlParseDocument(ctxt);
	ok = ctxt->wellFormed && !st->failed;
	if (!ok && !st->failed)
		pcifix_diag_add(st->diags, PCIFIX_R_XML_SYNTAX, st->file, 1, "XML is not well-formed");
	ctxt->sax->serror = NULL;
	/* libxml2 may have started a document for a DTD it saw: drop it. */
	if (ctxt->myDoc)
		xmlFreeDoc(ctxt->myDoc);
	ctxt->myDoc = NULL;
	xmlFreeParserCtxt(ctxt);
	st->ctxt = NULL;
	return ok ? 0 : -1;
}

/* ---- the scanner ---------------------------------------------------- */

struct scan {
	const char *b;
	size_t len;
	size_t pos;
	unsigned line;
	size_t line_start;       /* where the line of `pos` begins */
	struct pcifix_doc *doc;
	struct pcifix_diags *diags;
	const struct sax_state *sax;
	size_t *stack;           /* indexes of open elements */
	size_t depth;
	size_t cap;
	struct pcifix_buf value;         /* scratch: a decoded attribute value */
	struct pcifix_attr *attrs;       /* scratch: the attributes of one tag */
	size_t acap;
};

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool
is_name_char(char c)
{
	return !is_ws(c) && c != '>' && c != '/' && c != '=' && c != '<' && c != '\0';
}

/* Advance to `to`, counting line ends as libxml2 does (CRLF, CR, LF). */
static void
advance(struct scan *s, size_t to)
{
	for (; s->pos < to; s->pos++) {
		char c = s->b[s->pos];

		if (c == '\n' ||
		    (c == '\r' && (s->pos + 1 >= s->len || s->b[s->pos + 1] != '\n'))) {
			s->line++;
			s->line_start = s->pos + 1;
		}
	}
}

static bool
starts(const struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	return s->len - s->pos >= n && memcmp(s->b + s->pos, lit, n) == 0;
}

/* Offset of `lit` at or after `from`, or len. */
static size_t
find(const struct scan *s, size_t from, const char *lit)
{
	size_t n = strlen(lit);
	const char *p;

	if (from > s->len)
		return s->len;
	p = pcifix_memfind(s->b + from, s->len - from, lit, n);
	return p ? (size_t)(p - s->b) : s->len;
}

static int
scan_fail(struct scan *s, const char *what)
{
	pcifix_diag_add(s->diags, PCIFIX_R_INTERNAL_ERROR, s->doc->file, s->line,
			"the element scanner disagrees with libxml2 (%s); please report this", what);
	return -1;
}

static void
put_utf8(struct pcifix_buf *out, unsigned long cp)
{
	char u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		pcifix_buf_add(out, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		pcifix_buf_add(out, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		pcifix_buf_add(out, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		pcifix_buf_add(out, u, 4);
	}
}

/*
 * Decode character data or an attribute value (`attr` applies attribute
 * value normalisation: each white-space character becomes a space, a CRLF
 * pair one space).  Returns -1 on an entity reference that is not one of
 * XML's five.
 */
static int
decode(struct scan *s, const char *p, size_t n, bool attr, struct pcifix_buf *out)
{
	static const struct {
		const char *name;
		char c;
	} predef[] = { { "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' },
		       { "apos", '\'' } };
	size_t i = 0, k;

	while (i < n) {
		const char *amp = memchr(p + i, '&', n - i);
		size_t run = amp ? (size_t)(amp - (p + i)) : n - i;

		if (attr && memchr(p + i, '\t', run) == NULL && memchr(p + i, '\n', run) == NULL &&
		    memchr(p + i, '\r', run) == NULL) {
			pcifix_buf_add(out, p + i, run);
		} else if (attr) {
			for (k = 0; k < run; k++) {
				char c = p[i + k];

				if (c == '\r' && i + k + 1 < n && p[i + k + 1] == '\n')
					continue;
				pcifix_buf_add(out, is_ws(c) ? " " : &p[i + k], 1);
			}
		} else if (memchr(p + i, '\r', run) == NULL) {
			pcifix_buf_add(out, p + i, run);
		} else {
			/* XML line-end normalisation: CRLF and CR become LF. */
			for (k = 0; k < run; k++) {
				char c = p[i + k];

				if (c == '\r' && i + k + 1 < n && p[i + k + 1] == '\n')
					continue;
				pcifix_buf_add(out, c == '\r' ? "\n" : &p[i + k], 1);
			}
		}
		i += run;
		if (i >= n)
			break;
		{
			const char *semi = memchr(p + i, ';', n - i);
			size_t rlen;

			if (semi == NULL)
				return scan_fail(s, "unterminated reference");
			rlen = (size_t)(semi - (p + i)) - 1;
			if (rlen > 1 && p[i + 1] == '#') {
				unsigned long cp;
				char *end;

				if (p[i + 2] == 'x')
					cp = strtoul(p + i + 3, &end, 16);
				else
					cp = strtoul(p + i + 2, &end, 10);
				if (end != semi || cp > 0x10ffff)
					return scan_fail(s, "bad character reference");
				put_utf8(out, cp);
			} else {
				for (k = 0; k < sizeof(predef) / sizeof(predef[0]); k++)
					if (strlen(predef[k].name) == rlen &&
					    memcmp(predef[k].name, p + i + 1, rlen) == 0)
						break;
				if (k == sizeof(predef) / sizeof(predef[0])) {
					pcifix_diag_add(s->diags, PCIFIX_R_XML_ENTITY, s->doc->file, s->line,
							"entity reference '%.*s' refused: only the "
							"predefined entities and character references "
							"are allowed", (int)(rlen + 2), p + i);
					return -1;
				}
				pcifix_buf_add(out, &predef[k].c, 1);
			}
			i += rlen + 2;
		}
	}
	return 0;
}

static struct pcifix_node *
cur(struct scan *s)
{
	return s->depth ? &s->doc->nodes[s->stack[s->depth - 1]] : NULL;
}

static int
add_text(struct scan *s, const char *p, size_t n, bool cdata)
{
	struct pcifix_node *e = cur(s);
	struct pcifix_buf b;

	if (e == NULL || n == 0)
		return 0;
	/* Text beside child elements (indentation) is of no use: drop it. */
	if (e->first_child != NULL)
		return 0;
	b.data = e->text;
	b.len = e->text_len;
	b.cap = e->text ? e->text_len + 1 : 0;
	if (cdata) {
		size_t k;

		for (k = 0; k < n; k++) {
			if (p[k] == '\r' && k + 1 < n && p[k + 1] == '\n')
				continue;
			pcifix_buf_add(&b, p[k] == '\r' ? "\n" : &p[k], 1);
		}
	} else if (decode(s, p, n, false, &b) < 0) {
		e->text = b.data;
		return -1;
	}
	e->text = b.data;
	e->text_len = b.len;
	return 0;
}

static int
scan_start_tag(struct scan *s)
{
	struct pcifix_doc *doc = s->doc;
	struct pcifix_node *n, *parent;
	size_t idx = doc->nnodes, p = s->pos + 1, q, nattrs = 0;
	uint32_t h = 2166136261u;

	/* The array was sized from libxml2's count, so node pointers are stable. */
	if (idx >= s->sax->n)
		return scan_fail(s, "more elements than libxml2 saw");
	n = &doc->nodes[idx];
	memset(n, 0, sizeof(*n));
	doc->nnodes++;
	n->start = s->pos;
	n->line = s->line;
	n->line_start = s->line_start;
	for (q = p; q < s->len && is_name_char(s->b[q]); q++)
		;
	n->name = pcifix_arena_strndup(&doc->arena, s->b + p, q - p);
	h = hash_bytes(h, n->name, q - p);
	if (h != s->sax->name_hash[idx])
		return scan_fail(s, "element name");
	n->in_namespace = s->sax->in_ns[idx];
	advance(s, q);
	for (;;) {
		struct pcifix_attr *a;
		char quote;
		size_t vend;

		while (s->pos < s->len && is_ws(s->b[s->pos]))
			advance(s, s->pos + 1);
		if (s->pos >= s->len)
			return scan_fail(s, "unterminated start tag");
		if (starts(s, "/>")) {
			advance(s, s->pos + 2);
			n->self_closing = true;
			break;
		}
		if (s->b[s->pos] == '>') {
			advance(s, s->pos + 1);
			break;
		}
		if (nattrs == s->acap)
			s->attrs = pcifix_xgrow(s->attrs, &s->acap, 8, sizeof(*s->attrs));
		a = &s->attrs[nattrs++];
		memset(a, 0, sizeof(*a));
		a->raw_start = s->pos;
		for (q = s->pos; q < s->len && is_name_char(s->b[q]); q++)
			;
		a->name = pcifix_arena_strndup(&doc->arena, s->b + s->pos, q - s->pos);
		advance(s, q);
		while (s->pos < s->len && is_ws(s->b[s->pos]))
			advance(s, s->pos + 1);
		if (s->pos >= s->len || s->b[s->pos] != '=')
			return scan_fail(s, "attribute without '='");
		advance(s, s->pos + 1);
		while (s->pos < s->len && is_ws(s->b[s->pos]))
			advance(s, s->pos + 1);
		if (s->pos >= s->len || (s->b[s->pos] != '"' && s->b[s->pos] != '\''))
			return scan_fail(s, "unquoted attribute");
		quote = s->b[s->pos];
		a->value_start = s->pos + 1;
		vend = a->value_start;
		{
			const char *e = memchr(s->b + vend, quote, s->len - vend);

			if (e == NULL)
				return scan_fail(s, "unterminated attribute value");
			vend = (size_t)(e - s->b);
		}
		a->value_end = vend;
		s->value.len = 0;
		if (decode(s, s->b + a->value_start, vend - a->value_start, true, &s->value) < 0)
			return -1;
		a->value = pcifix_arena_strndup(&doc->arena, s->value.data ? s->value.data : "",
						s->value.len);
		advance(s, vend + 1);
	}
	if (nattrs) {
		n->attrs = pcifix_arena_alloc(&doc->arena, nattrs * sizeof(*n->attrs));
		memcpy(n->attrs, s->attrs, nattrs * sizeof(*n->attrs));
		n->nattrs = nattrs;
	}
	n->stag_end = s->pos;
	parent = cur(s);
	if (parent) {
		n->parent = parent;
		if (parent->last_child)
			parent->last_child->next = n;
		else
			parent->first_child = n;
		parent->last_child = n;
		/* Text before the first child was indentation. */
		free(parent->text);
		parent->text = NULL;
		parent->text_len = 0;
	}
	if (n->self_closing) {
		n->etag_start = n->end = s->pos;
		return 0;
	}
	if (s->depth == s->cap)
		s->stack = pcifix_xgrow(s->stack, &s->cap, 32, sizeof(*s->stack));
	s->stack[s->depth++] = idx;
	return 0;
}

static int
scan_end_tag(struct scan *s)
{
	struct pcifix_node *n = cur(s);
	size_t q = s->pos + 2, nl;

	if (n == NULL)
		return scan_fail(s, "end tag without start tag");
	for (nl = 0; q + nl < s->len && is_name_char(s->b[q + nl]); nl++)
		;
	if (nl != strlen(n->name) || memcmp(s->b + q, n->name, nl) != 0)
		return scan_fail(s, "mismatched end tag");
	n->etag_start = s->pos;
	q = find(s, q + nl, ">");
	if (q >= s->len)
		return scan_fail(s, "unterminated end tag");
	advance(s, q + 1);
	n->end = s->pos;
	s->depth--;
	return 0;
}

/* <!DOCTYPE ...>: skip to its '>', past quoted strings and an internal subset. */
static int
scan_doctype(struct scan *s)
{
	size_t p = s->pos + 2;
	int bracket = 0;

	while (p < s->len) {
		char c = s->b[p];

		if (c == '"' || c == '\'') {
			const char *e = memchr(s->b + p + 1, c, s->len - p - 1);

			if (e == NULL)
				break;
			p = (size_t)(e - s->b) + 1;
		} else if (bracket && s->len - p >= 4 && memcmp(s->b + p, "<!--", 4) == 0) {
			p = find(s, p + 4, "-->") + 3;
		} else if (bracket && s->len - p >= 2 && memcmp(s->b + p, "<?", 2) == 0) {
			p = find(s, p + 2, "?>") + 2;
		} else if (c == '[') {
			bracket++;
			p++;
		} else if (c == ']') {
			bracket--;
			p++;
		} else if (c == '>' && bracket <= 0) {
			advance(s, p + 1);
			return 0;
		} else {
			p++;
		}
	}
	return scan_fail(s, "unterminated DOCTYPE");
}

static int
scan_document(struct scan *s)
{
	if (s->len >= 3 && memcmp(s->b, "\xef\xbb\xbf", 3) == 0)
		s->pos = 3;
	while (s->pos < s->len) {
		size_t q;
		int r = 0;

		if (s->b[s->pos] != '<') {
			const char *lt = memchr(s->b + s->pos, '<', s->len - s->pos);

			q = lt ? (size_t)(lt - s->b) : s->len;
			r = add_text(s, s->b + s->pos, q - s->pos, false);
			advance(s, q);
		} else if (starts(s, "<!--")) {
			q = find(s, s->pos + 4, "-->");
			advance(s, q + 3 <= s->len ? q + 3 : s->len);
		} else if (starts(s, "<![CDATA[")) {
			q = find(s, s->pos + 9, "]]>");
			r = add_text(s, s->b + s->pos + 9, q - (s->pos + 9), true);
			advance(s, q + 3 <= s->len ? q + 3 : s->len);
		} else if (starts(s, "<!")) {
			r = scan_doctype(s);
		} else if (starts(s, "<?")) {
			q = find(s, s->pos + 2, "?>");
			advance(s, q + 2 <= s->len ? q + 2 : s->len);
		} else if (starts(s, "</")) {
			r = scan_end_tag(s);
		} else {
			r = scan_start_tag(s);
		}
		if (r < 0)
			return -1;
	}
	if (s->depth != 0)
		return scan_fail(s, "unclosed element");
	if (s->doc->nnodes != s->sax->n)
		return scan_fail(s, "fewer elements than libxml2 saw");
	return 0;
}

/* ---- the document --------------------------------------------------- */

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
	if (len < 6 || memcmp(b, "<?xml", 5) != 0 || !is_ws(b[5]))
		return 0;
	decl_end = pcifix_memfind(b, len, "?>", 2);
	if (decl_end == NULL)
		return 0;
	enc = pcifix_memfind(b, (size_t)(decl_end - b), "encoding", 8);
	if (enc == NULL)
		return 0;
	enc += 8;
	while (enc < decl_end && (is_ws(*enc) || *enc == '='))
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

/* Where libxml2's own messages go: nowhere (NULL would mean its default printer). */
static void
silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void
libxml_init_once(void)
{
	static bool done;

	if (!done) {
		xmlInitParser();
		/* Never let libxml2 print anything itself. */
		xmlSetGenericErrorFunc(NULL, silent);
		done = true;
	}
}

struct pcifix_doc *
pcifix_xml_load(char *bytes, size_t len, const char *file, struct pcifix_diags *diags)
{
	struct pcifix_doc *doc;
	struct sax_state st;
	struct scan s;
	size_t i;

	doc = pcifix_xcalloc(1, sizeof(*doc));
	doc->file = pcifix_xstrdup(file);
	doc->bytes = bytes;
	doc->len = len;
	i = len >= 3 && memcmp(bytes, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	for (; i < len && is_ws(bytes[i]); i++)
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

	libxml_init_once();
	memset(&st, 0, sizeof(st));
	st.file = file;
	st.diags = diags;
	if (libxml_check(bytes, len, &st) < 0) {
		free(st.name_hash);
		free(st.in_ns);
		goto fail;
	}

	memset(&s, 0, sizeof(s));
	s.b = bytes;
	s.len = len;
	s.line = 1;
	s.doc = doc;
	s.diags = diags;
	s.sax = &st;
	doc->nodes = pcifix_xcalloc(st.n, sizeof(*doc->nodes));
	i = (size_t)scan_document(&s);
	free(s.stack);
	free(s.attrs);
	pcifix_buf_free(&s.value);
	free(st.name_hash);
	free(st.in_ns);
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
