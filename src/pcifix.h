/* pcifix.h - the foundation: util, diag, xml, edit, diff, list, io, run, cli (engine.h: the engine). */
#ifndef PCIFIX_H
#define PCIFIX_H

/*
 * Memory ownership, once for the whole program:
 *  - every struct pcifix_X that has pcifix_X_new() or pcifix_X_load() has a
 *    pcifix_X_free(); pcifix_X_free(NULL) is a no-op;
 *  - a returned `char *` belongs to the caller (free() it); a `const char *`
 *    is borrowed and lives as long as the object it came from;
 *  - libxml2 never leaks out of xml-libxml.c: it only judges the bytes and
 *    counts elements; the tree is our own scanner's (xml-scan.c).
 *  - allocation failure aborts through pcifix_oom(); no caller checks for NULL
 *    from the x-allocators.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

struct pcifix_edits;

/* Exit statuses, the single definition (the man page's EXIT STATUS matches). */
enum pcifix_exit {
	PCIFIX_EXIT_OK = 0,      /* nothing wrong (or nothing to change with --check) */
	PCIFIX_EXIT_CHECK = 1,   /* --check: a file would change or has a problem */
	PCIFIX_EXIT_USAGE = 2,   /* bad command line */
	PCIFIX_EXIT_INPUT = 3,   /* invalid input: not XML, not a domain, bad address */
	PCIFIX_EXIT_IO = 4,      /* I/O or internal error */
};

/* ---- util.c ---------------------------------------------------------- */

void pcifix_oom(void) __attribute__((noreturn));
void *pcifix_xmalloc(size_t n);
void *pcifix_xcalloc(size_t n, size_t size);
void *pcifix_xrealloc(void *p, size_t n);
void *pcifix_xgrow(void *p, size_t *cap, size_t first, size_t size);
const char *pcifix_memfind(const char *hay, size_t len, const char *needle, size_t n);
char *pcifix_xstrdup(const char *s);
char *pcifix_xstrndup(const char *s, size_t n);
char *pcifix_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *pcifix_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A growable byte buffer; `data` is always NUL-terminated. */
struct pcifix_buf {
	char *data;
	size_t len;
	size_t cap;
};
void pcifix_buf_init(struct pcifix_buf *b);
/* Make room for `more` bytes at once (avoids repeated growth). */
void pcifix_buf_reserve(struct pcifix_buf *b, size_t more);
void pcifix_buf_add(struct pcifix_buf *b, const char *s, size_t n);
void pcifix_buf_puts(struct pcifix_buf *b, const char *s);
void pcifix_buf_printf(struct pcifix_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pcifix_buf_json_string(struct pcifix_buf *b, const char *s);
/* `s` as one word for sh: as it is when safe, else in single quotes. */
char *pcifix_shell_word(const char *s);
/* `s` with control characters escaped (\n, \r, \t, \xNN): one line, whatever it holds. */
void pcifix_buf_text(struct pcifix_buf *b, const char *s);

/* Many small strings freed at once: a document's names and values. */
struct pcifix_arena_chunk;
struct pcifix_arena {
	struct pcifix_arena_chunk *head;
	char *p;
	size_t left;
};
void *pcifix_arena_alloc(struct pcifix_arena *a, size_t n);
char *pcifix_arena_strndup(struct pcifix_arena *a, const char *s, size_t n);
void pcifix_arena_free(struct pcifix_arena *a);
char *pcifix_buf_steal(struct pcifix_buf *b);
void pcifix_buf_free(struct pcifix_buf *b);

/*
 * Parse an unsigned number the way libvirt does (strtoul with base 0):
 * "5", "0x5" and "05" are accepted, a leading 0 means octal; leading white
 * space is skipped; a sign, trailing junk, an empty string or a value above
 * `max` are rejected.  Returns 0 and sets *out, or -1.
 */
int pcifix_parse_uint(const char *s, unsigned long long max, unsigned long long *out);
/* The same in a fixed base (10 for values libvirt reads as decimal, like index). */
int pcifix_parse_uint_base(const char *s, unsigned base, unsigned long long max,
			   unsigned long long *out);

/* ---- diag.c ---------------------------------------------------------- */

enum pcifix_severity {
	PCIFIX_SEVERITY_NOTE,
	PCIFIX_SEVERITY_WARNING,
	PCIFIX_SEVERITY_ERROR,
};

/* What a diagnostic means for the exit status. */
enum pcifix_diag_class {
	PCIFIX_CLASS_PROBLEM,    /* a finding about a valid domain (lint) */
	PCIFIX_CLASS_INPUT,      /* the file cannot be processed: exit 3 */
	PCIFIX_CLASS_IO,         /* I/O or internal failure: exit 4 */
};

/* Every rule, indexing the rule table (diag.c): a misspelt rule does not compile. */
enum pcifix_rule_id {
	PCIFIX_R_HARD_LINK,
	PCIFIX_R_IO_ERROR,
	PCIFIX_R_INTERNAL_ERROR,
	PCIFIX_R_EMPTY_FILE,
	PCIFIX_R_XML_SYNTAX,
	PCIFIX_R_XML_ENCODING,
	PCIFIX_R_XML_ENTITY,
	PCIFIX_R_NOT_DOMAIN,
	PCIFIX_R_BAD_NUMBER,
	PCIFIX_R_BAD_VALUE,
	PCIFIX_R_ADDRESS_RANGE,
	PCIFIX_R_WOULD_CHANGE,
	PCIFIX_R_PCI_ADDRESS,
	PCIFIX_R_PCI_DUPLICATE,
	PCIFIX_R_PCI_CONTROLLER,
	PCIFIX_R_PCI_CAPACITY,
	PCIFIX_R_ADDRESS_TYPE,
	PCIFIX_R_ADDRESS_NONE,
	PCIFIX_R_ADDRESS_NONE_FIXED,
	PCIFIX_R_UNASSIGNED_MISUSE,
	PCIFIX_R_FUNCTION_ZERO,
	PCIFIX_R_FUNCTION_ZERO_PSERIES,
	PCIFIX_R_MULTIFUNCTION_OFF,
	PCIFIX_R_MULTIFUNCTION_EXTRA,
	PCIFIX_R_PARTIAL_HOSTDEV,
	PCIFIX_R_HOTPLUG_CAPACITY,
	PCIFIX_R_CH_CONTROLLER,
	PCIFIX_R_CH_ADDRESS,
	PCIFIX_R_CH_CAPACITY,
	PCIFIX_R_CH_BOOT_SEGMENT,
	PCIFIX_R_BUS_MISSING,
	PCIFIX_R_BUS_MOVED,
	PCIFIX_R_BEYOND_LIBVIRT,
	PCIFIX_R_NOT_ASSIGNED,
	PCIFIX_R_UNKNOWN_MODEL,
	PCIFIX_R__COUNT,
};

struct pcifix_rule {
	const char *id;                    /* stable, listed in the man page */
	enum pcifix_severity severity;     /* default severity */
	enum pcifix_diag_class class;
	const char *summary;               /* one line, as the man page lists it */
	bool off_by_default;               /* only with -W RULE */
	bool required;                     /* libvirt rejects the domain: -W cannot turn it off */
};

struct pcifix_diag {
	const struct pcifix_rule *rule;
	enum pcifix_severity severity;
	char *file;
	unsigned line;          /* 0 when the problem has no line */
	char *message;
	char *hint;             /* NULL when there is no fix to suggest */
};

#define PCIFIX_MAX_RULES 64

/* What -W asked for: rules turned on or off, warnings as errors. */
struct pcifix_lint {
	signed char state[PCIFIX_MAX_RULES];   /* by rule index: 0 default, 1 on, -1 off */
	bool werror;
};

struct pcifix_diags {
	struct pcifix_diag *v;
	size_t n;
	size_t cap;
	const struct pcifix_lint *lint;        /* NULL: every rule as it is */
};

enum pcifix_format {
	PCIFIX_FORMAT_TEXT,
	PCIFIX_FORMAT_JSON,
};

const struct pcifix_rule *pcifix_rule_find(const char *id);
const struct pcifix_rule *pcifix_rules(size_t *n);
void pcifix_diags_init(struct pcifix_diags *d);
void pcifix_diags_free(struct pcifix_diags *d);
/* Whether rule `id` is on, after -W. */
bool pcifix_rule_on(const struct pcifix_lint *lint, enum pcifix_rule_id id);
/* Index of `id` in the rule table, or -1. */
int pcifix_rule_index(const char *id);
/*
 * Append a diagnostic for rule `id` (which must exist) at file:line.
 * Returns NULL when -W turned the rule off.
 */
struct pcifix_diag *pcifix_diag_add(struct pcifix_diags *d, enum pcifix_rule_id id,
				    const char *file, unsigned line,
				    const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void pcifix_diag_set_hint(struct pcifix_diag *diag, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Order by line (stable); those without a line last. */
void pcifix_diags_sort(struct pcifix_diags *d);
/* The exit status the diagnostics call for (0, 3 or 4; lint findings don't count). */
enum pcifix_exit pcifix_diags_status(const struct pcifix_diags *d);
bool pcifix_diags_has_errors(const struct pcifix_diags *d);
void pcifix_diag_print(const struct pcifix_diag *diag, enum pcifix_format fmt, FILE *err);

/* ---- xml.c: bytes -> element tree with byte positions ---------------- */

struct pcifix_attr {
	char *name;             /* qualified name as written (in the document's arena) */
	char *value;            /* value after XML decoding (entities, char refs) */
	size_t raw_start;       /* offset of the first byte of the name */
	size_t value_start;     /* offset just after the opening quote */
	size_t value_end;       /* offset of the closing quote */
};

struct pcifix_node {
	char *name;             /* qualified name as written */
	bool in_namespace;      /* has a namespace URI: not a libvirt element */
	struct pcifix_attr *attrs;
	size_t nattrs;
	char *text;             /* character data directly inside (decoded), or NULL */
	size_t text_len;
	struct pcifix_node *parent;
	struct pcifix_node *first_child;   /* element children only */
	struct pcifix_node *last_child;
	struct pcifix_node *next;
	unsigned line;          /* line of the '<' that opens the element */
	size_t start;           /* offset of '<' */
	size_t line_start;      /* offset where the line of `start` begins (the scanner
				   notes it as it counts lines: walking back from each
				   element would cost the square of a long line) */
	size_t stag_end;        /* offset just past the start tag's '>' */
	size_t etag_start;      /* offset of "</" (== stag_end... == end when empty) */
	size_t end;             /* offset just past the element */
	bool self_closing;      /* written as <x/> */
};

struct pcifix_doc {
	char *file;             /* name used in diagnostics */
	char *bytes;            /* the input, unchanged, NUL-terminated */
	size_t len;
	struct pcifix_node *root;
	struct pcifix_node *nodes;  /* every element, document order */
	size_t nnodes;
	const char *eol;        /* "\n" or "\r\n", the file's own line end */
	char quote;             /* the quote the file's attributes mostly use */
	char *indent_unit;      /* one level of indentation, as the file uses it */
	struct pcifix_arena arena;  /* element and attribute names and values */
};

/*
 * Parse `len` bytes (taking ownership of `bytes`, which must have a NUL at
 * bytes[len]).  Never loads an external DTD or entity and never touches the
 * network.  On failure returns NULL and appends a diagnostic.
 */
struct pcifix_doc *pcifix_xml_load(char *bytes, size_t len, const char *file,
				   struct pcifix_diags *diags);
void pcifix_doc_free(struct pcifix_doc *doc);
const char *pcifix_node_attr(const struct pcifix_node *n, const char *name);
const struct pcifix_attr *pcifix_node_attr_full(const struct pcifix_node *n, const char *name);
/* The first child element named `name` (no namespace), or NULL. */
struct pcifix_node *pcifix_node_child(const struct pcifix_node *n, const char *name);
/*
 * The indentation of element `n`: the white space between the start of its
 * line and its '<', or NULL when something else precedes it on that line;
 * beyond 256 bytes the file's indentation unit once per level instead.
 */
char *pcifix_node_indent(const struct pcifix_doc *doc, const struct pcifix_node *n);

/* xml.c's two readings (xml-libxml.c, xml-scan.c) and what passes between them. */

/* What libxml2 saw of each element, in document order. */
struct pcifix_xml_seen {
	uint32_t *name_hash;    /* pcifix_xml_hash() of the qualified name */
	bool *in_ns;            /* has a namespace URI */
	size_t n;
	size_t cap;
};

/* FNV-1a over `n` bytes, continuing from `h` (start: 2166136261). */
uint32_t pcifix_xml_hash(uint32_t h, const char *s, size_t n);
/* XML's white space. */
bool pcifix_xml_is_ws(char c);
/*
 * The libxml2 pass: 0 and `seen` filled (pcifix_xml_seen_free() it), or -1
 * with a diagnostic.  No network, no DTD, no entity substitution.
 */
int pcifix_xml_libxml(const char *bytes, size_t len, const char *file,
		      struct pcifix_diags *diags, struct pcifix_xml_seen *seen);
void pcifix_xml_seen_free(struct pcifix_xml_seen *seen);
/* The scanner: doc->nodes from doc->bytes; 0, or -1 with an internal-error diagnostic. */
int pcifix_xml_scan(struct pcifix_doc *doc, const struct pcifix_xml_seen *seen,
		    struct pcifix_diags *diags);

/* ---- edit.c: splice new text into the original bytes ----------------- */

struct pcifix_edit {
	size_t off;             /* where, in the original bytes */
	size_t del;             /* how many original bytes to replace */
	struct pcifix_buf text; /* what goes there */
	size_t seq;             /* insertion order, to keep equal offsets stable */
	const struct pcifix_node *expanded;  /* a self-closing element opened up */
	size_t tail;            /* bytes of its closing tag at the end of text */
};

struct pcifix_edits {
	const struct pcifix_doc *doc;
	struct pcifix_edit *v;
	size_t n;
	size_t cap;
	size_t last_expanded;   /* index of the last expansion edit, a lookup hint */
	bool sorted;            /* no edit added since the last sort */
};

void pcifix_edits_init(struct pcifix_edits *e, const struct pcifix_doc *doc);
void pcifix_edits_free(struct pcifix_edits *e);
void pcifix_edit_raw(struct pcifix_edits *e, size_t off, size_t del, const char *text);
/*
 * New XML text: lines are separated by "\n" and each leading '\t' stands for
 * one level of nesting; both become the file's own line end and indentation,
 * and ' becomes the file's own quote.  Where the file keeps the surrounding
 * elements on one line, the new text goes on that line too.
 */
/* Insert `xml` as the last child element of `parent`. */
void pcifix_edit_append_child(struct pcifix_edits *e, const struct pcifix_node *parent,
			      const char *xml);
/* Insert `xml` as the next sibling element of `sib`. */
void pcifix_edit_insert_after(struct pcifix_edits *e, const struct pcifix_node *sib,
			      const char *xml);
/* Insert `xml` as the previous sibling element of `sib`. */
void pcifix_edit_insert_before(struct pcifix_edits *e, const struct pcifix_node *sib,
			       const char *xml);
/* Set attribute `name` of `n` to `value`: replace the value or append the attribute. */
void pcifix_edit_set_attr(struct pcifix_edits *e, const struct pcifix_node *n,
			  const char *name, const char *value);
/* The same, but a new attribute goes right after attribute `after` when it exists. */
void pcifix_edit_set_attr_after(struct pcifix_edits *e, const struct pcifix_node *n,
				const char *name, const char *value, const char *after);
/* Replace element `n` entirely by `xml`. */
void pcifix_edit_replace(struct pcifix_edits *e, const struct pcifix_node *n, const char *xml);
/* The original bytes with every edit applied (the caller frees). */
char *pcifix_edits_apply(struct pcifix_edits *e, size_t *len);

/* ---- diff.c: unified diff of an edited document ---------------------- */

/*
 * Append to `out` a unified diff (3 lines of context) of the document before
 * and after `e`, labelled a/LABEL and b/LABEL.  Nothing when `e` is empty.
 */
void pcifix_diff_unified(struct pcifix_buf *out, const char *label, struct pcifix_edits *e);
/* Sort the edits by position (stable); -1 if two of them overlap. */
int pcifix_edits_sort(struct pcifix_edits *e);

/* ---- list.c: --list ------------------------------------------------- */

struct pcifix_plan;
void pcifix_list_print(const struct pcifix_plan *plan, enum pcifix_format fmt,
		       struct pcifix_buf *out);

/* ---- io.c: files ---------------------------------------------------- */

/* Read a whole file ("-" is stdin) into a NUL-terminated buffer; larger than `max`: an io-error. */
int pcifix_io_read(const char *path, size_t max, char **bytes, size_t *len,
		   struct pcifix_diags *diags);

/* A file to replace: resolved once, held by its directory (see io.c). */
struct pcifix_io_file {
	int dfd;                 /* the directory that holds it */
	char *name;              /* its name there (symbolic links resolved) */
	int fd;                  /* the file read, or -1 */
	struct stat st;          /* what was read: checked again before the rename */
	bool exists;
};

void pcifix_io_file_init(struct pcifix_io_file *f);
void pcifix_io_file_close(struct pcifix_io_file *f);
/* -i: resolve `path` once and read the file it names through f. */
int pcifix_io_read_in_place(const char *path, size_t max, struct pcifix_io_file *f,
			    char **bytes, size_t *len, struct pcifix_diags *diags);
/*
 * Replace f atomically: a temporary file beside it gets its owner (where
 * allowed), mode and extended attributes (ACLs, labels), the bytes and an
 * fsync, and is renamed over it, unless the file changed since it was read.
 * On failure the file is untouched and no temporary file is left.
 */
int pcifix_io_replace(struct pcifix_io_file *f, const char *label, const char *data,
		      size_t len, struct pcifix_diags *diags);
/* -o: the same for `path` (created when missing); a device or pipe is written to directly. */
int pcifix_io_write_atomic(const char *path, const char *data, size_t len,
			   struct pcifix_diags *diags);

/* ---- run.c: the one entry point ------------------------------------- */

enum pcifix_mode {
	PCIFIX_MODE_PRINT,      /* augmented XML to stdout, or to -o */
	PCIFIX_MODE_IN_PLACE,   /* -i */
	PCIFIX_MODE_CHECK,      /* --check */
	PCIFIX_MODE_DIFF,       /* --diff */
	PCIFIX_MODE_LIST,       /* --list */
};

struct pcifix_opts {
	enum pcifix_mode mode;
	bool check;             /* --check, also combinable with --diff and --list */
	const char *output;     /* -o FILE, or NULL */
	enum pcifix_format format;
	const char *const *files;
	size_t nfiles;
	struct pcifix_lint lint;    /* -W */
	bool fix_none;              /* --fix-none */
	/* Cloud Hypervisor. */
	unsigned pci_segments;      /* --pci-segments, 1-96 (0: 1) */
	bool ch_order_libvirt;      /* --ch-order=libvirt: rng, nets, disks */
	bool ch_console_off;        /* --ch-console=off */
	bool ch_slot0;              /* --ch-slot0: device 0 usable on segments > 0 */
	size_t max_size;            /* --max-size: larger input is refused (0: the default) */
};

/* libvirt's own limit on a domain XML file (virsh define): 10 MiB. */
#define PCIFIX_DEFAULT_MAX_SIZE ((size_t)10 << 20)

/* Process every file; returns the worst exit status. */
enum pcifix_exit pcifix_run(const struct pcifix_opts *opts, FILE *out, FILE *err);
/* One document in memory, as the fuzzer and tests drive it: returns the status. */
enum pcifix_exit pcifix_process_buffer(const char *file, const char *bytes, size_t len,
				       const struct pcifix_opts *opts,
				       struct pcifix_buf *out, struct pcifix_diags *diags);

/* ---- cli.c: the command line ---------------------------------------- */

/* The command line's values as popt leaves them (main owns the strings). */
struct pcifix_cli {
	int in_place, check, diff, list, fix_none, ch_slot0;
	int pci_segments;                  /* --pci-segments; 1 unless given */
	char *output, *format, *ch_order, *ch_console, *max_size;
	const char **warn;                 /* -W, NULL-terminated, or NULL */
	const char *const *files;          /* the FILE arguments */
	size_t nfiles;
};

/*
 * Checks `cli` and fills `opts` (whose strings point into `cli`):
 * PCIFIX_EXIT_OK, or PCIFIX_EXIT_USAGE with the reason written to `err`.
 */
enum pcifix_exit pcifix_cli_opts(const struct pcifix_cli *cli, struct pcifix_opts *opts,
				 FILE *err);
/* Frees the strings popt allocated in `cli`. */
void pcifix_cli_free(struct pcifix_cli *cli);
/* "10M", "512K", "2G" or bytes (at least 1): 0 and *out, or -1. */
int pcifix_parse_size(const char *s, size_t *out);
/* --rules: every rule, its default severity and summary. */
void pcifix_print_rules(FILE *out);

#endif
