/* xml-scan.c - the byte scanner: the element tree with offsets, lines and decoded values. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

/*
 * After libxml2 has said the bytes are well-formed (xml-libxml.c), this
 * scanner walks the same bytes and builds the element tree with byte
 * offsets, which libxml2 cannot give, so the writer can splice new text into
 * the untouched original.  It trusts libxml2's verdict but checks that both
 * saw the same elements in the same order; a disagreement is an internal
 * error, never a silent guess.
 */

struct scan {
	const char *b;
	size_t len;
	size_t pos;
	unsigned line;
	size_t line_start;       /* where the line of `pos` begins */
	struct pcifix_doc *doc;
	struct pcifix_diags *diags;
	const struct pcifix_xml_seen *sax;   /* what libxml2 saw */
	size_t *stack;           /* indexes of open elements */
	size_t depth;
	size_t cap;
	struct pcifix_buf value;         /* scratch: a decoded attribute value */
	struct pcifix_attr *attrs;       /* scratch: the attributes of one tag */
	size_t acap;
};

static bool
is_name_char(char c)
{
	return !pcifix_xml_is_ws(c) && c != '>' && c != '/' && c != '=' && c != '<' && c != '\0';
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
				pcifix_buf_add(out, pcifix_xml_is_ws(c) ? " " : &p[i + k], 1);
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
	h = pcifix_xml_hash(h, n->name, q - p);
	if (h != s->sax->name_hash[idx])
		return scan_fail(s, "element name");
	n->in_namespace = s->sax->in_ns[idx];
	advance(s, q);
	for (;;) {
		struct pcifix_attr *a;
		char quote;
		size_t vend;

		while (s->pos < s->len && pcifix_xml_is_ws(s->b[s->pos]))
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
		while (s->pos < s->len && pcifix_xml_is_ws(s->b[s->pos]))
			advance(s, s->pos + 1);
		if (s->pos >= s->len || s->b[s->pos] != '=')
			return scan_fail(s, "attribute without '='");
		advance(s, s->pos + 1);
		while (s->pos < s->len && pcifix_xml_is_ws(s->b[s->pos]))
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

int
pcifix_xml_scan(struct pcifix_doc *doc, const struct pcifix_xml_seen *seen,
		struct pcifix_diags *diags)
{
	struct scan s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.b = doc->bytes;
	s.len = doc->len;
	s.line = 1;
	s.doc = doc;
	s.diags = diags;
	s.sax = seen;
	doc->nodes = pcifix_xcalloc(seen->n ? seen->n : 1, sizeof(*doc->nodes));
	rc = scan_document(&s);
	free(s.stack);
	free(s.attrs);
	pcifix_buf_free(&s.value);
	return rc;
}
