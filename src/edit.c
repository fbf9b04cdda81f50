/* edit.c - record insertions and replacements at byte positions, then splice them in. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

/*
 * The writer never re-serialises the document: every change is an edit at
 * a byte offset of the original, and the bytes between edits are copied as
 * they are.  So comments, quotes, spacing and line ends the user wrote stay
 * exactly as written, and the diff of a run is only what pcifix added.
 */

void
pcifix_edits_init(struct pcifix_edits *e, const struct pcifix_doc *doc)
{
	memset(e, 0, sizeof(*e));
	e->doc = doc;
	e->last_expanded = (size_t)-1;
}

void
pcifix_edits_free(struct pcifix_edits *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		pcifix_buf_free(&e->v[i].text);
	free(e->v);
	e->v = NULL;
	e->n = e->cap = 0;
}

static struct pcifix_edit *
edit_new(struct pcifix_edits *e, size_t off, size_t del)
{
	struct pcifix_edit *ed;

	if (e->n == e->cap)
		e->v = pcifix_xgrow(e->v, &e->cap, 16, sizeof(*e->v));
	ed = &e->v[e->n];
	memset(ed, 0, sizeof(*ed));
	e->sorted = false;
	ed->off = off;
	ed->del = del;
	ed->seq = e->n;
	pcifix_buf_init(&ed->text);
	e->n++;
	return ed;
}

void
pcifix_edit_raw(struct pcifix_edits *e, size_t off, size_t del, const char *text)
{
	pcifix_buf_puts(&edit_new(e, off, del)->text, text);
}

/*
 * Append `xml` to `out` in the file's style.  `indent` is the indentation
 * of the first line (already in place) or NULL to keep everything on one line.
 */
static void
styled(const struct pcifix_doc *doc, struct pcifix_buf *out, const char *xml, const char *indent)
{
	const char *p;
	bool line_start = false;
	size_t lines = 1;

	/* One allocation: the text, plus a line end and indentation per line. */
	for (p = xml; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	pcifix_buf_reserve(out, strlen(xml) + lines * (2 + (indent ? strlen(indent) : 0) +
						   4 * strlen(doc->indent_unit)));
	/* Quotes need rewriting only in a file that uses double quotes. */
	const char *stops = doc->quote == '"' ? "\n\t'" : "\n\t";

	for (p = xml; *p; p++) {
		size_t run = strcspn(p, stops);

		if (run > 0) {
			/* Plain text: copy the whole run. */
			pcifix_buf_add(out, p, run);
			line_start = false;
			p += run - 1;
			continue;
		}
		if (*p == '\n') {
			if (indent) {
				pcifix_buf_puts(out, doc->eol);
				pcifix_buf_puts(out, indent);
			}
			line_start = true;
			continue;
		}
		if (*p == '\t' && line_start) {
			if (indent)
				pcifix_buf_puts(out, doc->indent_unit);
			continue;
		}
		line_start = false;
		if (*p == '\'' && doc->quote == '"')
			pcifix_buf_add(out, "\"", 1);
		else
			pcifix_buf_add(out, p, 1);
	}
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char *
join(const char *a, const char *b)
{
	return pcifix_xasprintf("%s%s", a, b);
}

/* Open up a self-closing element so it can take children; returns the edit. */
static struct pcifix_edit *
expansion(struct pcifix_edits *e, const struct pcifix_node *parent)
{
	const struct pcifix_doc *doc = e->doc;
	struct pcifix_edit *ed;
	size_t i, slash = parent->stag_end - 2;
	char *pi;

	if (e->last_expanded < e->n && e->v[e->last_expanded].expanded == parent)
		return &e->v[e->last_expanded];
	for (i = e->n; i-- > 0;)
		if (e->v[i].expanded == parent) {
			e->last_expanded = i;
			return &e->v[i];
		}
	while (slash > parent->start && is_blank(doc->bytes[slash - 1]))
		slash--;
	ed = edit_new(e, slash, parent->stag_end - slash);
	ed->expanded = parent;
	pcifix_buf_add(&ed->text, ">", 1);
	pi = pcifix_node_indent(doc, parent);
	if (pi) {
		pcifix_buf_puts(&ed->text, doc->eol);
		pcifix_buf_puts(&ed->text, pi);
	}
	pcifix_buf_printf(&ed->text, "</%s>", parent->name);
	ed->tail = ed->text.len - 1;   /* everything after the '>' */
	free(pi);
	e->last_expanded = (size_t)(ed - e->v);
	return ed;
}

void
pcifix_edit_append_child(struct pcifix_edits *e, const struct pcifix_node *parent,
			 const char *xml)
{
	const struct pcifix_doc *doc = e->doc;
	char *pi = pcifix_node_indent(doc, parent), *ci = NULL;
	struct pcifix_buf t;

	pcifix_buf_init(&t);
	if (parent->self_closing) {
		struct pcifix_edit *ed = expansion(e, parent);
		struct pcifix_buf all;
		size_t keep = ed->text.len - ed->tail;

		if (pi) {
			ci = join(pi, doc->indent_unit);
			pcifix_buf_puts(&t, doc->eol);
			pcifix_buf_puts(&t, ci);
		}
		styled(doc, &t, xml, ci);
		/* Splice the child in just before the closing part. */
		pcifix_buf_init(&all);
		pcifix_buf_add(&all, ed->text.data, keep);
		pcifix_buf_add(&all, t.data, t.len);
		pcifix_buf_add(&all, ed->text.data + keep, ed->tail);
		pcifix_buf_free(&ed->text);
		ed->text = all;
	} else {
		size_t w = parent->etag_start;
		bool newline = false;

		while (w > parent->stag_end && is_blank(doc->bytes[w - 1])) {
			if (doc->bytes[w - 1] == '\n' || doc->bytes[w - 1] == '\r')
				newline = true;
			w--;
		}
		if (newline) {
			if (parent->last_child)
				ci = pcifix_node_indent(doc, parent->last_child);
			if (ci == NULL)
				ci = join(pi ? pi : "", doc->indent_unit);
			pcifix_buf_puts(&t, doc->eol);
			pcifix_buf_puts(&t, ci);
			styled(doc, &t, xml, ci);
			pcifix_buf_add(&edit_new(e, w, 0)->text, t.data, t.len);
		} else {
			styled(doc, &t, xml, NULL);
			pcifix_buf_add(&edit_new(e, parent->etag_start, 0)->text, t.data, t.len);
		}
	}
	pcifix_buf_free(&t);
	free(pi);
	free(ci);
}

/* Past `n` and any comments after it on the same line (they belong to it). */
static size_t
end_with_comments(const struct pcifix_doc *doc, const struct pcifix_node *n)
{
	size_t p = n->end, q = n->end;

	for (;;) {
		while (q < doc->len && (doc->bytes[q] == ' ' || doc->bytes[q] == '\t'))
			q++;
		if (doc->len - q >= 4 && memcmp(doc->bytes + q, "<!--", 4) == 0) {
			const char *c = pcifix_memfind(doc->bytes + q + 4, doc->len - q - 4, "-->", 3);

			if (c == NULL || memchr(doc->bytes + q, '\n', (size_t)(c - (doc->bytes + q))))
				return p;
			q = p = (size_t)(c - doc->bytes) + 3;
			continue;
		}
		return p;
	}
}

void
pcifix_edit_insert_after(struct pcifix_edits *e, const struct pcifix_node *sib, const char *xml)
{
	char *si = pcifix_node_indent(e->doc, sib);
	struct pcifix_edit *ed = edit_new(e, si ? end_with_comments(e->doc, sib) : sib->end, 0);

	if (si) {
		pcifix_buf_puts(&ed->text, e->doc->eol);
		pcifix_buf_puts(&ed->text, si);
	}
	styled(e->doc, &ed->text, xml, si);
	free(si);
}

void
pcifix_edit_insert_before(struct pcifix_edits *e, const struct pcifix_node *sib, const char *xml)
{
	char *si = pcifix_node_indent(e->doc, sib);
	struct pcifix_edit *ed = edit_new(e, sib->start, 0);

	styled(e->doc, &ed->text, xml, si);
	if (si) {
		pcifix_buf_puts(&ed->text, e->doc->eol);
		pcifix_buf_puts(&ed->text, si);
	}
	free(si);
}

static void
escaped(struct pcifix_buf *out, const char *v, char quote)
{
	for (; *v; v++) {
		if (*v == '&')
			pcifix_buf_puts(out, "&amp;");
		else if (*v == '<')
			pcifix_buf_puts(out, "&lt;");
		else if (*v == quote)
			pcifix_buf_puts(out, quote == '"' ? "&quot;" : "&apos;");
		else if (*v == '\t' || *v == '\n' || *v == '\r')
			pcifix_buf_printf(out, "&#%d;", *v);
		else
			pcifix_buf_add(out, v, 1);
	}
}

void
pcifix_edit_set_attr(struct pcifix_edits *e, const struct pcifix_node *n, const char *name,
		     const char *value)
{
	pcifix_edit_set_attr_after(e, n, name, value, NULL);
}

void
pcifix_edit_set_attr_after(struct pcifix_edits *e, const struct pcifix_node *n,
			   const char *name, const char *value, const char *after)
{
	const struct pcifix_attr *a = pcifix_node_attr_full(n, name);
	const struct pcifix_attr *prev = after ? pcifix_node_attr_full(n, after) : NULL;
	struct pcifix_edit *ed;
	size_t at;
	char q;

	if (a) {
		q = e->doc->bytes[a->value_start - 1];
		ed = edit_new(e, a->value_start, a->value_end - a->value_start);
		escaped(&ed->text, value, q);
		return;
	}
	/* After `after` or the last attribute (or the name): keeps any spacing before '>'. */
	if (prev == NULL && n->nattrs)
		prev = &n->attrs[n->nattrs - 1];
	if (prev)
		at = prev->value_end + 1;
	else
		at = n->start + 1 + strlen(n->name);
	q = prev ? e->doc->bytes[prev->value_start - 1] : e->doc->quote;
	ed = edit_new(e, at, 0);
	pcifix_buf_printf(&ed->text, " %s=%c", name, q);
	escaped(&ed->text, value, q);
	pcifix_buf_add(&ed->text, &q, 1);
}

void
pcifix_edit_replace(struct pcifix_edits *e, const struct pcifix_node *n, const char *xml)
{
	char *ni = pcifix_node_indent(e->doc, n);
	struct pcifix_edit *ed = edit_new(e, n->start, n->end - n->start);

	styled(e->doc, &ed->text, xml, ni);
	free(ni);
}

static int
edit_cmp(const void *pa, const void *pb)
{
	const struct pcifix_edit *a = pa, *b = pb;

	if (a->off != b->off)
		return a->off < b->off ? -1 : 1;
	/* At one offset: pure insertions first, in the order they were made. */
	if ((a->del == 0) != (b->del == 0))
		return a->del == 0 ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

int
pcifix_edits_sort(struct pcifix_edits *e)
{
	size_t i;

	if (e->sorted)
		goto check;
	if (e->n > 1)
		qsort(e->v, e->n, sizeof(*e->v), edit_cmp);
	e->last_expanded = (size_t)-1;
	for (i = 0; i < e->n; i++)
		e->v[i].seq = i;
	e->sorted = true;
check:
	for (i = 1; i < e->n; i++)
		if (e->v[i - 1].off + e->v[i - 1].del > e->v[i].off)
			return -1;
	return 0;
}

char *
pcifix_edits_apply(struct pcifix_edits *e, size_t *len)
{
	const struct pcifix_doc *doc = e->doc;
	struct pcifix_buf out;
	size_t pos = 0, i;

	if (pcifix_edits_sort(e) < 0)
		return NULL;
	pcifix_buf_init(&out);
	for (i = 0; i < e->n; i++) {
		const struct pcifix_edit *ed = &e->v[i];

		pcifix_buf_add(&out, doc->bytes + pos, ed->off - pos);
		pcifix_buf_add(&out, ed->text.data ? ed->text.data : "", ed->text.len);
		pos = ed->off + ed->del;
	}
	pcifix_buf_add(&out, doc->bytes + pos, doc->len - pos);
	*len = out.len;
	return pcifix_buf_steal(&out);
}
