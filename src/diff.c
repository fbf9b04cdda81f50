/* diff.c - a unified diff of the edits, computed from where they are (linear time). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

/*
 * There is no need for a general diff algorithm: the edits say exactly what
 * changed.  Each edit touches a run of old lines; the new text of that run
 * is the old text with the edits applied.  Lines the old and new runs share
 * at either end are trimmed, so an inserted line shows as one '+' line.
 */

#define CONTEXT 3

struct lines {
	size_t *start;           /* offset of each line; start[n] == text length */
	size_t n;
};

static void
split_lines(const char *s, size_t len, struct lines *l)
{
	size_t i, cap = 64;

	l->start = pcifix_xmalloc(cap * sizeof(*l->start));
	l->n = 0;
	for (i = 0; i < len;) {
		if (l->n + 2 >= cap) {
			cap *= 2;
			l->start = pcifix_xrealloc(l->start, cap * sizeof(*l->start));
		}
		l->start[l->n++] = i;
		while (i < len && s[i] != '\n')
			i++;
		if (i < len)
			i++;
	}
	l->start[l->n] = len;
}

static size_t
line_of(const struct lines *l, size_t off)
{
	size_t lo = 0, hi = l->n;

	/* The last line whose start is <= off. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

struct change {
	size_t old_a, old_b;     /* old lines [a, b) */
	char *new_text;          /* replacement for those lines */
	size_t new_len;
	struct lines nl;
	size_t new_a, new_b;     /* after trimming: new lines [a, b) of nl */
};

static bool
same_line(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

static void
emit_line(struct pcifix_buf *out, char mark, const char *s, size_t len)
{
	pcifix_buf_add(out, &mark, 1);
	pcifix_buf_add(out, s, len);
	if (len == 0 || s[len - 1] != '\n')
		pcifix_buf_puts(out, "\n\\ No newline at end of file\n");
}

void
pcifix_diff_unified(struct pcifix_buf *out, const char *label, struct pcifix_edits *e)
{
	const struct pcifix_doc *doc = e->doc;
	const char *b = doc->bytes;
	struct lines ol;
	struct change *ch;
	size_t nch = 0, i, j, k;
	long long delta = 0;

	if (e->n == 0 || pcifix_edits_sort(e) < 0)
		return;
	split_lines(b, doc->len, &ol);
	ch = pcifix_xcalloc(e->n, sizeof(*ch));

	/* Group edits that touch the same or adjacent old lines. */
	for (i = 0; i < e->n;) {
		struct change *c = &ch[nch++];
		struct pcifix_buf t;
		size_t pos;

		c->old_a = ol.n ? line_of(&ol, e->v[i].off) : 0;
		pcifix_buf_init(&t);
		pos = ol.n ? ol.start[c->old_a] : 0;
		c->old_b = c->old_a;
		for (j = i; j < e->n; j++) {
			const struct pcifix_edit *ed = &e->v[j];
			size_t last = ed->del ? ed->off + ed->del - 1 : ed->off;
			size_t lb;

			if (j > i && ed->off >= ol.start[c->old_b])
				break;
			lb = ol.n ? line_of(&ol, last) + 1 : 0;
			if (ed->off >= doc->len)
				lb = ol.n;
			if (lb > c->old_b)
				c->old_b = lb;
			pcifix_buf_add(&t, b + pos, ed->off - pos);
			pcifix_buf_add(&t, ed->text.data ? ed->text.data : "", ed->text.len);
			pos = ed->off + ed->del;
		}
		pcifix_buf_add(&t, b + pos, ol.start[c->old_b] - pos);
		c->new_len = t.len;
		c->new_text = pcifix_buf_steal(&t);
		split_lines(c->new_text, c->new_len, &c->nl);
		/* Trim what the old and new runs share at both ends. */
		c->new_a = 0;
		c->new_b = c->nl.n;
		while (c->old_a < c->old_b && c->new_a < c->new_b &&
		       same_line(b + ol.start[c->old_a], ol.start[c->old_a + 1] - ol.start[c->old_a],
				 c->new_text + c->nl.start[c->new_a],
				 c->nl.start[c->new_a + 1] - c->nl.start[c->new_a])) {
			c->old_a++;
			c->new_a++;
		}
		while (c->old_b > c->old_a && c->new_b > c->new_a &&
		       same_line(b + ol.start[c->old_b - 1], ol.start[c->old_b] - ol.start[c->old_b - 1],
				 c->new_text + c->nl.start[c->new_b - 1],
				 c->nl.start[c->new_b] - c->nl.start[c->new_b - 1])) {
			c->old_b--;
			c->new_b--;
		}
		if (c->old_a == c->old_b && c->new_a == c->new_b) {
			/* The edits here change nothing after all. */
			free(c->new_text);
			free(c->nl.start);
			nch--;
		}
		i = j;
	}
	if (nch == 0)
		goto out;

	/* As git labels them: a/PATH, without a doubled slash for absolute paths. */
	while (*label == '/')
		label++;
	pcifix_buf_printf(out, "--- a/%s\n+++ b/%s\n", label, label);
	for (i = 0; i < nch;) {
		size_t a, z, hunk_old, hunk_new;
		long long new_start;

		/* Changes closer than 2*CONTEXT lines share a hunk. */
		for (j = i; j + 1 < nch && ch[j + 1].old_a <= ch[j].old_b + 2 * CONTEXT; j++)
			;
		a = ch[i].old_a > CONTEXT ? ch[i].old_a - CONTEXT : 0;
		z = ch[j].old_b + CONTEXT < ol.n ? ch[j].old_b + CONTEXT : ol.n;
		hunk_old = z - a;
		hunk_new = hunk_old;
		for (k = i; k <= j; k++)
			hunk_new = hunk_new - (ch[k].old_b - ch[k].old_a) + (ch[k].new_b - ch[k].new_a);
		new_start = (long long)a + delta;
		pcifix_buf_printf(out, "@@ -%zu,%zu +%lld,%zu @@\n",
				  hunk_old ? a + 1 : a, hunk_old,
				  hunk_new ? new_start + 1 : new_start, hunk_new);
		{
			size_t line = a;

			for (k = i; k <= j; k++) {
				struct change *c = &ch[k];
				size_t m;

				for (; line < c->old_a; line++)
					emit_line(out, ' ', b + ol.start[line],
						  ol.start[line + 1] - ol.start[line]);
				for (m = c->old_a; m < c->old_b; m++)
					emit_line(out, '-', b + ol.start[m],
						  ol.start[m + 1] - ol.start[m]);
				for (m = c->new_a; m < c->new_b; m++)
					emit_line(out, '+', c->new_text + c->nl.start[m],
						  c->nl.start[m + 1] - c->nl.start[m]);
				line = c->old_b;
				delta += (long long)(c->new_b - c->new_a) -
					 (long long)(c->old_b - c->old_a);
			}
			for (; line < z; line++)
				emit_line(out, ' ', b + ol.start[line],
					  ol.start[line + 1] - ol.start[line]);
		}
		i = j + 1;
	}
out:
	for (i = 0; i < nch; i++) {
		free(ch[i].new_text);
		free(ch[i].nl.start);
	}
	free(ch);
	free(ol.start);
}
