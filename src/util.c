/* util.c - allocation, a growable buffer, JSON strings, libvirt-style numbers. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pcifix.h"

void
pcifix_oom(void)
{
	fputs("pcifix: out of memory\n", stderr);
	exit(PCIFIX_EXIT_IO);
}

void *
pcifix_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		pcifix_oom();
	return p;
}

void *
pcifix_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		pcifix_oom();
	return p;
}

void *
pcifix_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		pcifix_oom();
	return p;
}

/*
 * An array of *cap elements of `size` bytes that is full: twice the room
 * (`first` elements when it has none yet), so that appending stays linear.
 */
void *
pcifix_xgrow(void *p, size_t *cap, size_t first, size_t size)
{
	size_t n = *cap ? *cap : first;

	if (*cap && n > ((size_t)-1) / 2)
		pcifix_oom();
	if (*cap)
		n *= 2;
	if (n > ((size_t)-1) / size)
		pcifix_oom();
	*cap = n;
	return pcifix_xrealloc(p, n * size);
}

/*
 * First occurrence of needle[0..n) in hay[0..len), or NULL.  Not memmem():
 * the scanner searches from a position to the end of the document, and a
 * memmem() that looks at the whole rest (AddressSanitizer's interceptor
 * checks the full range on every call) makes that quadratic; memchr() reads
 * only up to its match.
 */
const char *
pcifix_memfind(const char *hay, size_t len, const char *needle, size_t n)
{
	const char *p = hay, *end = hay + len;

	if (n == 0)
		return hay;
	while ((size_t)(end - p) >= n) {
		p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p + 1, needle + 1, n - 1) == 0)
			return p;
		p++;
	}
	return NULL;
}

char *
pcifix_xstrdup(const char *s)
{
	return pcifix_xstrndup(s, strlen(s));
}

char *
pcifix_xstrndup(const char *s, size_t n)
{
	char *p = pcifix_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
pcifix_xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		pcifix_oom();
	p = pcifix_xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
pcifix_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = pcifix_xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
pcifix_buf_init(struct pcifix_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

static void
buf_reserve(struct pcifix_buf *b, size_t more)
{
	size_t need = b->len + more + 1;

	if (need < b->len)
		pcifix_oom();
	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need) {
		if (b->cap > ((size_t)-1) / 2)
			pcifix_oom();
		b->cap *= 2;
	}
	b->data = pcifix_xrealloc(b->data, b->cap);
}

void
pcifix_buf_reserve(struct pcifix_buf *b, size_t more)
{
	buf_reserve(b, more);
}

void
pcifix_buf_add(struct pcifix_buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
pcifix_buf_puts(struct pcifix_buf *b, const char *s)
{
	pcifix_buf_add(b, s, strlen(s));
}

void
pcifix_buf_printf(struct pcifix_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Usually it fits in what is left: format once. */
	buf_reserve(b, 128);
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		pcifix_oom();
	if ((size_t)n >= b->cap - b->len) {
		buf_reserve(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* The length of the UTF-8 sequence at p (not overlong, no surrogate, at most U+10FFFF), or 0. */
static size_t
utf8_len(const unsigned char *p)
{
	size_t n, i;
	unsigned long c;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return n;
}

char *
pcifix_shell_word(const char *s)
{
	struct pcifix_buf b;
	const char *p;

	if (*s && s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			   "0123456789_./+,:=@%-")] == '\0')
		return pcifix_xstrdup(s);
	pcifix_buf_init(&b);
	pcifix_buf_add(&b, "'", 1);
	for (p = s; *p; p++)
		if (*p == '\'')
			pcifix_buf_puts(&b, "'\\''");
		else
			pcifix_buf_add(&b, p, 1);
	pcifix_buf_add(&b, "'", 1);
	return pcifix_buf_steal(&b);
}

void
pcifix_buf_text(struct pcifix_buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; p && *p; p++) {
		if (*p == '\n')
			pcifix_buf_add(b, "\\n", 2);
		else if (*p == '\r')
			pcifix_buf_add(b, "\\r", 2);
		else if (*p == '\t')
			pcifix_buf_add(b, "\\t", 2);
		else if (*p < 0x20 || *p == 0x7f)
			pcifix_buf_printf(b, "\\x%02x", *p);
		else
			pcifix_buf_add(b, (const char *)p, 1);
	}
}

void
pcifix_buf_json_string(struct pcifix_buf *b, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		pcifix_buf_puts(b, "null");
		return;
	}
	pcifix_buf_add(b, "\"", 1);
	for (p = (const unsigned char *)s; *p; p++) {
		size_t n;

		switch (*p) {
		case '"':  pcifix_buf_add(b, "\\\"", 2); break;
		case '\\': pcifix_buf_add(b, "\\\\", 2); break;
		case '\n': pcifix_buf_add(b, "\\n", 2); break;
		case '\r': pcifix_buf_add(b, "\\r", 2); break;
		case '\t': pcifix_buf_add(b, "\\t", 2); break;
		default:
			if (*p < 0x20) {
				pcifix_buf_printf(b, "\\u%04x", *p);
			} else if (*p < 0x80) {
				pcifix_buf_add(b, (const char *)p, 1);
			} else if ((n = utf8_len(p)) > 0) {
				pcifix_buf_add(b, (const char *)p, n);
				p += n - 1;
			} else {
				/* Not UTF-8 (a file name can be anything): JSON must stay valid. */
				pcifix_buf_puts(b, "\\ufffd");
			}
		}
	}
	pcifix_buf_add(b, "\"", 1);
}

char *
pcifix_buf_steal(struct pcifix_buf *b)
{
	char *p = b->data ? b->data : pcifix_xstrdup("");

	pcifix_buf_init(b);
	return p;
}

void
pcifix_buf_free(struct pcifix_buf *b)
{
	free(b->data);
	pcifix_buf_init(b);
}

int
pcifix_parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	return pcifix_parse_uint_base(s, 0, max, out);
}

int
pcifix_parse_uint_base(const char *s, unsigned base0, unsigned long long max,
		       unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned base = 10;
	bool digits = false;

	if (s == NULL)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+')
		s++;
	if (base0 != 0) {
		base = base0;
	} else if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
		   isxdigit((unsigned char)s[2])) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		if (d >= base)
			return -1;
		if (d > max || v > (max - d) / base)
			return -1;
		v = v * base + d;
		digits = true;
	}
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

struct pcifix_arena_chunk {
	struct pcifix_arena_chunk *next;
	double align;            /* the memory that follows is aligned for anything small */
};

#define ARENA_CHUNK 65536

void *
pcifix_arena_alloc(struct pcifix_arena *a, size_t n)
{
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (n > a->left) {
		size_t size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
		struct pcifix_arena_chunk *c = pcifix_xmalloc(sizeof(*c) + size);

		c->next = a->head;
		a->head = c;
		a->p = (char *)(c + 1);
		a->left = size;
	}
	p = a->p;
	a->p += n;
	a->left -= n;
	return p;
}

char *
pcifix_arena_strndup(struct pcifix_arena *a, const char *s, size_t n)
{
	char *p = pcifix_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
pcifix_arena_free(struct pcifix_arena *a)
{
	while (a->head) {
		struct pcifix_arena_chunk *c = a->head;

		a->head = c->next;
		free(c);
	}
	a->p = NULL;
	a->left = 0;
}
