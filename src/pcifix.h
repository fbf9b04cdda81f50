/* pcifix.h - internal interfaces of pcifix, grouped by the file that implements them. */
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

/* ---- model.c: element tree -> domain model --------------------------- */

enum pcifix_kind {
	PCIFIX_KIND_OTHER = 0,
	PCIFIX_KIND_DISK,
	PCIFIX_KIND_CONTROLLER,
	PCIFIX_KIND_LEASE,
	PCIFIX_KIND_FILESYSTEM,
	PCIFIX_KIND_INTERFACE,
	PCIFIX_KIND_SMARTCARD,
	PCIFIX_KIND_SERIAL,
	PCIFIX_KIND_PARALLEL,
	PCIFIX_KIND_CONSOLE,
	PCIFIX_KIND_CHANNEL,
	PCIFIX_KIND_INPUT,
	PCIFIX_KIND_TPM,
	PCIFIX_KIND_GRAPHICS,
	PCIFIX_KIND_SOUND,
	PCIFIX_KIND_AUDIO,
	PCIFIX_KIND_VIDEO,
	PCIFIX_KIND_HOSTDEV,
	PCIFIX_KIND_REDIRDEV,
	PCIFIX_KIND_REDIRFILTER,
	PCIFIX_KIND_HUB,
	PCIFIX_KIND_WATCHDOG,
	PCIFIX_KIND_MEMBALLOON,
	PCIFIX_KIND_RNG,
	PCIFIX_KIND_NVRAM,
	PCIFIX_KIND_PANIC,
	PCIFIX_KIND_SHMEM,
	PCIFIX_KIND_MEMORY,
	PCIFIX_KIND_IOMMU,
	PCIFIX_KIND_VSOCK,
	PCIFIX_KIND_CRYPTO,
	PCIFIX_KIND_PSTORE,
	PCIFIX_KIND__COUNT,
};

/* Cloud Hypervisor's device groups, in which it creates devices (ch.c). */
enum pcifix_ch_group {
	PCIFIX_CH_NONE = 0,      /* not a PCI device in CHV */
	PCIFIX_CH_CONSOLE,
	PCIFIX_CH_DISK,
	PCIFIX_CH_NET,
	PCIFIX_CH_RNG,
	PCIFIX_CH_FS,
	PCIFIX_CH_PMEM,
	PCIFIX_CH_VSOCK,
	PCIFIX_CH_MEM,
	PCIFIX_CH_BALLOON,
	PCIFIX_CH_WATCHDOG,
	PCIFIX_CH_VDPA,
	PCIFIX_CH_VFIO,
	PCIFIX_CH__COUNT,
};

/* What makes a device of a kind go virtio-mmio on ARM/RISC-V virt, once one does. */
enum pcifix_mmio_by {
	PCIFIX_MMIO_NEVER = 0,
	PCIFIX_MMIO_BUS,           /* its bus is one of the values */
	PCIFIX_MMIO_TYPE,          /* its type is one of them */
	PCIFIX_MMIO_MODEL,         /* its model is one of them */
	PCIFIX_MMIO_MODEL_PREFIX,  /* its model starts with one of them */
};

struct pcifix_kind_mmio {
	enum pcifix_mmio_by by;
	const char *values[2];
};

/* ---- kinds.c: one row per device kind --------------------------------- */

struct pcifix_kind_row {
	const char *element_name;        /* "disk", "controller", ... */
	/* Where its values live: "@attr" or "child/@attr" (model.c reads them). */
	const char *type, *model, *bus, *name, *driver;
	/* Its rank in libvirt's orders (1 first; 0 not in the list). */
	unsigned element;                /* device elements in libvirt's XML */
	unsigned collect;                /* collecting written addresses */
	unsigned class;                  /* assigning new ones (PCI controllers go first) */
	enum pcifix_ch_group ch_group;   /* Cloud Hypervisor's group (ch.c refines it) */
	struct pcifix_kind_mmio mmio;
};

enum pcifix_korder {
	PCIFIX_ORDER_ELEMENT,
	PCIFIX_ORDER_COLLECT,
	PCIFIX_ORDER_CLASS,
};

const struct pcifix_kind_row *pcifix_kind_row(enum pcifix_kind k);
/* Element name of a device kind ("disk", "controller", ...; "device" for OTHER). */
const char *pcifix_kind_name(enum pcifix_kind k);
enum pcifix_kind pcifix_kind_from_name(const char *name);
/* The kinds in one of libvirt's orders; returns how many. */
size_t pcifix_kind_order(enum pcifix_korder which, enum pcifix_kind out[PCIFIX_KIND__COUNT]);
/* Whether such a device goes virtio-mmio when the domain has one that does. */
bool pcifix_kind_mmio(enum pcifix_kind k, const char *type, const char *model, const char *bus);

enum pcifix_addr_type {
	PCIFIX_ADDR_ABSENT = 0,  /* no <address> element */
	PCIFIX_ADDR_PCI,
	PCIFIX_ADDR_UNASSIGNED,  /* <address type='unassigned'/> (PCI hostdevs) */
	PCIFIX_ADDR_NONE,        /* <address type='none'/>: invalid in libvirt */
	PCIFIX_ADDR_DRIVE,
	PCIFIX_ADDR_USB,
	PCIFIX_ADDR_VIRTIO_SERIAL,
	PCIFIX_ADDR_CCID,
	PCIFIX_ADDR_CCW,
	PCIFIX_ADDR_SPAPR_VIO,
	PCIFIX_ADDR_VIRTIO_MMIO,
	PCIFIX_ADDR_ISA,
	PCIFIX_ADDR_DIMM,
	PCIFIX_ADDR_OTHER,       /* any other type string, kept as written */
};

enum pcifix_tristate {
	PCIFIX_TRI_ABSENT = 0,
	PCIFIX_TRI_ON,
	PCIFIX_TRI_OFF,
};

struct pcifix_pci_addr {
	unsigned domain;
	unsigned bus;
	unsigned slot;
	unsigned function;
};

struct pcifix_address {
	enum pcifix_addr_type type;
	const char *type_name;               /* as written; NULL when absent */
	struct pcifix_pci_addr pci;          /* PCIFIX_ADDR_PCI only */
	enum pcifix_tristate multifunction;
	bool empty;              /* pci with domain, bus and slot all 0: "assign me" */
	struct pcifix_node *node;            /* the <address> element, or NULL */
	unsigned line;                       /* its line; 0 when there is none */
	bool has_slot;                       /* slot= written (CHV: domain alone picks a segment) */
	long long controller;    /* drive/virtio-serial controller=; -1: absent or not a number */
	long long zpci_uid;      /* s390x <zpci uid fid/>; -1 when not written */
	long long zpci_fid;
	struct pcifix_node *zpci;            /* the <zpci> element, or NULL */
};

/* <target> values of a PCI controller; -1 where not written. */
struct pcifix_ctrl_target {
	long long chassis_nr;
	long long chassis;
	long long port;
	long long bus_nr;
	long long index;         /* pseries PHB target index */
	enum pcifix_tristate hotplug;
	long long numa_node;     /* <node> text; -1 when absent or not a number */
	struct pcifix_node *node;
};

struct pcifix_device {
	enum pcifix_kind kind;
	struct pcifix_node *node;
	unsigned line;
	const char *type;        /* the element's type= (controller type, hostdev type, ...) */
	const char *model;       /* the model in libvirt's sense for this kind, or NULL */
	const char *bus;         /* what decides the bus: disk target bus, input bus,
				    serial/console/channel target type; or NULL */
	const char *driver;      /* filesystem driver type, hostdev mode; or NULL */
	const char *name;        /* what identifies it to a user: disk target, MAC, ... */
	struct pcifix_address addr;
	/* Controllers only. */
	long long index;         /* -1 when not written */
	const char *model_name;  /* <model name='...'/> */
	struct pcifix_ctrl_target target;
	/* Hostdevs only: host PCI address, as written. */
	struct pcifix_pci_addr host_addr;
	bool has_host_addr;
	bool usb_master;         /* controllers: has <master> (a USB companion) */
	bool primary;            /* video: <model primary='yes'/> */
	bool boot_first;         /* <boot order='1'/> */
};

enum pcifix_virt {
	PCIFIX_VIRT_QEMU,
	PCIFIX_VIRT_KVM,
	PCIFIX_VIRT_CH,
	PCIFIX_VIRT_OTHER,
};

enum pcifix_family {
	PCIFIX_FAMILY_UNKNOWN = 0,
	PCIFIX_FAMILY_PC,        /* i440fx */
	PCIFIX_FAMILY_Q35,
	PCIFIX_FAMILY_ISAPC,
	PCIFIX_FAMILY_MICROVM,
	PCIFIX_FAMILY_VIRT,      /* aarch64/armv7/riscv64 virt */
	PCIFIX_FAMILY_PSERIES,
	PCIFIX_FAMILY_S390_CCW,
	PCIFIX_FAMILY_CH,        /* Cloud Hypervisor: no machine types */
};

const char *pcifix_family_name(enum pcifix_family f);

struct pcifix_domain {
	struct pcifix_doc *doc;              /* borrowed */
	enum pcifix_virt virt;
	const char *virt_name;
	const char *arch;                    /* as written, or the default */
	const char *machine;                 /* as written, or NULL */
	enum pcifix_family family;           /* from machine, or the arch's default */
	const struct pcifix_machine *row;    /* machine.c's row; NULL: unknown */
	struct pcifix_node *devices_node;    /* <devices>, or NULL */
	struct pcifix_device *devs;          /* document order */
	size_t ndevs;
	size_t n_numa_cells;                 /* <cpu><numa><cell>s */
};

/*
 * Build the model.  Returns NULL (and appends diagnostics) when the document
 * is not a domain libvirt could read for address purposes: root is not
 * <domain>, a number is not a number, an address value is out of range.
 */
struct pcifix_domain *pcifix_model_build(struct pcifix_doc *doc, struct pcifix_diags *diags);
void pcifix_domain_free(struct pcifix_domain *dom);
/* Order by domain, bus, slot, function. */
int pcifix_pci_addr_cmp(const struct pcifix_pci_addr *a, const struct pcifix_pci_addr *b);
/* "0000:00:02.0" into buf (at least 16 bytes). */
const char *pcifix_pci_addr_fmt(const struct pcifix_pci_addr *a, char *buf, size_t len);
/* "disk vda", "interface 52:54:00:..", "controller pci 1 (pcie-root-port)" */
char *pcifix_device_describe(const struct pcifix_device *d);

/* ---- pci.c: controller models and connect flags ---------------------- */

/* Connect flags: what a device needs upstream, or what a bus accepts. */
enum {
	PCIFIX_CF_PCI_DEVICE = 1u << 0,
	PCIFIX_CF_PCIE_DEVICE = 1u << 1,
	PCIFIX_CF_ROOT_PORT = 1u << 2,
	PCIFIX_CF_SWITCH_UP = 1u << 3,
	PCIFIX_CF_SWITCH_DOWN = 1u << 4,
	PCIFIX_CF_DMI_BRIDGE = 1u << 5,
	PCIFIX_CF_PCI_EXPANDER = 1u << 6,
	PCIFIX_CF_PCIE_EXPANDER = 1u << 7,
	PCIFIX_CF_PCI_BRIDGE = 1u << 8,
	PCIFIX_CF_PCIE_TO_PCI_BRIDGE = 1u << 9,
	PCIFIX_CF_TYPES = (1u << 10) - 1,
	PCIFIX_CF_ENDPOINTS = PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_PCIE_DEVICE,
	PCIFIX_CF_AUTOASSIGN = 1u << 10,   /* may be placed automatically */
	PCIFIX_CF_HOTPLUG = 1u << 11,      /* needs (bus: offers) hotplug */
	PCIFIX_CF_AGGREGATE = 1u << 12,    /* may share a slot (root ports) */
	PCIFIX_CF_INTEGRATED = 1u << 13,   /* bus 0 only */
};

enum pcifix_target_kind {
	PCIFIX_TARGET_NONE,
	PCIFIX_TARGET_CHASSIS_NR,    /* pci-bridge: chassisNr = index */
	PCIFIX_TARGET_CHASSIS_PORT,  /* root port: chassis = index, port = slot*8+fn */
	PCIFIX_TARGET_CHASSIS_SLOT,  /* downstream port: chassis = index, port = slot */
	PCIFIX_TARGET_BUS_NR,        /* expander buses: busNr */
};

struct pcifix_pci_model {
	const char *model;           /* the controller's model= */
	const char *model_name;      /* default <model name>, NULL for none */
	const char *alt_name;        /* another <model name> libvirt accepts */
	bool is_root;
	unsigned bus_flags;          /* what its bus accepts */
	unsigned min_slot, max_slot;
	unsigned upstream;           /* what it needs to plug in */
	enum pcifix_target_kind target;
};

enum pcifix_compat {
	PCIFIX_COMPAT_OK,
	PCIFIX_COMPAT_TYPE,           /* the bus does not take this kind of device */
	PCIFIX_COMPAT_NO_AUTOASSIGN,  /* the bus takes it only when placed by hand */
	PCIFIX_COMPAT_NO_HOTPLUG,
	PCIFIX_COMPAT_NOT_INTEGRATED, /* an integrated device off bus 0 */
};

const struct pcifix_pci_model *pcifix_pci_model_find(const char *model);
/* What a device with these flags is called in messages ("PCI Express device"). */
const char *pcifix_flags_describe(unsigned flags);
/* libvirt's check; `from_config` relaxes it for addresses the user wrote. */
enum pcifix_compat pcifix_flags_compatible(unsigned bus, unsigned dev, bool from_config,
					   bool on_bus0);

/* ---- addrset.c: buses, slots and functions in use -------------------- */

struct pcifix_bus {
	const struct pcifix_pci_model *model;   /* NULL: no bus here yet */
	unsigned flags;
	unsigned min_slot, max_slot;
	unsigned char fn[32];    /* functions in use, a bit each */
	unsigned aggregate;      /* slots that root ports share, a bit each */
	unsigned free_hint;      /* no slot below is wholly free */
	unsigned agg_hint;       /* no slot below can take an aggregate function */
	bool added;              /* grown by the dry run */
};

struct pcifix_addrset {
	struct pcifix_bus *buses;   /* by controller index (the XML's bus=) */
	size_t nbuses;
	size_t cap;
	bool dry_run;               /* may grow, and remembers nothing */
	bool multiple_roots;        /* pseries: grow by adding pci-root PHBs */
	bool has_pcie_root;
	bool segments;              /* Cloud Hypervisor: entry i is PCI segment i, bus 0 */
	struct {
		unsigned flags;
		size_t bus;
	} cursor[16];               /* per flag set: no bus before `bus` has room */
	size_t ncursor;
};

void pcifix_addrset_init(struct pcifix_addrset *s, size_t nbuses, bool dry_run);
void pcifix_addrset_free(struct pcifix_addrset *s);
void pcifix_addrset_set_model(struct pcifix_addrset *s, size_t bus,
			      const struct pcifix_pci_model *m, bool hotplug);
/* Why the address set refused; PCIFIX_AFAIL_NONE (0): it did not. */
enum pcifix_afail {
	PCIFIX_AFAIL_NONE = 0,
	PCIFIX_AFAIL_INVALID,    /* no such domain/bus/slot/function, or the bus does not fit */
	PCIFIX_AFAIL_DUPLICATE,  /* the address is in use already */
	PCIFIX_AFAIL_FULL,       /* no free slot, and no bus can be added */
};

/*
 * Reserve `a` for a device with `flags`.  `from_config`: the user wrote it
 * (relaxed compatibility).  In a dry run a bus beyond the last one makes the
 * set grow, and may move a->bus (libvirt's pcie-to-pci-bridge quirk).
 * Returns PCIFIX_AFAIL_NONE, or why not with a message in *err (the caller frees).
 */
enum pcifix_afail pcifix_addrset_reserve(struct pcifix_addrset *s, struct pcifix_pci_addr *a,
					 unsigned flags, bool from_config, char **err);
/* Find the next free address for `flags` (function -1: any) and reserve it. */
enum pcifix_afail pcifix_addrset_reserve_next(struct pcifix_addrset *s, unsigned flags,
					      int function, struct pcifix_pci_addr *a, char **err);
bool pcifix_addrset_slot_in_use(const struct pcifix_addrset *s, unsigned bus, unsigned slot);
bool pcifix_addrset_any_empty_slot(const struct pcifix_addrset *s);

/* ---- chipset.c: chipsets that pin devices to fixed slots --------------- */

enum pcifix_pin_how {
	PCIFIX_PIN_REQUIRED,       /* must be at its address (else libvirt's message); reserved first */
	PCIFIX_PIN_REQUIRED_SET,   /* the same, but only set there: the real pass collects it */
	PCIFIX_PIN_IF_NO_ADDRESS,  /* gets slot (or alt_slot) when it has no <address> and it is free */
	PCIFIX_PIN_FIRST_WANTED,   /* the first such device wanting an address gets slot when free */
};

/* A device a chipset puts at a fixed address; kind OTHER ends the list. */
struct pcifix_pin {
	enum pcifix_kind kind;
	const char *type;                /* NULL: any */
	const char *model;               /* NULL: any */
	long long index;                 /* controllers; -1: any */
	unsigned slot, alt_slot, fn;     /* bus 0; alt_slot 0: none */
	bool multi;                      /* multifunction='on' with it */
	enum pcifix_pin_how how;
	const char *must;                /* libvirt's message for a required one elsewhere */
};

/* A function the chipset itself has; what NULL ends the list. */
struct pcifix_chip_fn {
	unsigned slot, fn;
	const char *what;
};

struct pcifix_chipset {
	const char *name;                /* "PIIX3", "ICH9" */
	unsigned own_slot;               /* bus 0 slot whose function 0 is the chipset's */
	struct pcifix_chip_fn own[2];
	unsigned video_slot;             /* the primary video's slot when free */
	bool ide;                        /* has the one IDE controller (index 0) */
	struct pcifix_pin pins[4];
};

extern const struct pcifix_chipset pcifix_chipset_piix3;
extern const struct pcifix_chipset pcifix_chipset_ich9;
/* The function of a USB2 set member (ich9-ehci1 7, ich9-uhci1-3 0-2); -1: not one. */
int pcifix_usb2_function(const char *model);

/* ---- machine.c: one row per machine ------------------------------------- */

struct pcifix_opts;
struct pcifix_plan;
/* An assigner: fills the plan; 0, or -1 with diagnostics. */
typedef int pcifix_assign_fn(const struct pcifix_domain *dom, const struct pcifix_opts *opts,
			     struct pcifix_plan *plan, struct pcifix_diags *diags);

#define PCIFIX_MACHINE_ARCHES 3
#define PCIFIX_MACHINE_NAMES 6

struct pcifix_machine {
	enum pcifix_family family;
	enum pcifix_virt virt;           /* PCIFIX_VIRT_CH: Cloud Hypervisor; else QEMU/KVM */
	const char *arches[PCIFIX_MACHINE_ARCHES];  /* prefixes; none: any */
	const char *names[PCIFIX_MACHINE_NAMES];    /* '*' at the end: a prefix; none: any */
	bool is_default;                 /* the machine of its arches when none is written */
	pcifix_assign_fn *assign;        /* NULL: pcifix leaves the domain alone */
	const char *root_model;          /* the controller at index 0 */
	const struct pcifix_chipset *chipset;   /* NULL: none pins anything */
	const char *implicit_usb;        /* model of the USB controller libvirt adds, or NULL */
	bool implicit_sata;              /* SATA index 0 is built in */
	bool implicit_memballoon;
	const char *default_nic;         /* <interface> without <model> */
	const char *default_video;       /* <video> without a model type */
	const char *default_usb;         /* <controller type='usb'/> without model */
	const char *default_scsi;        /* <controller type='scsi'/> without model */
	bool expansion_slot;             /* dry run keeps a slot for a future bridge */
	bool spare_root_port;            /* dry run adds an empty root port for hotplug */
	bool phbs;                       /* pseries: every pci-root is a PHB, growth adds PHBs */
	bool virtio_mmio;                /* ARM/RISC-V virt: one virtio-mmio address switches all */
	bool ccw;                        /* s390x: virtio devices use ccw unless they ask for PCI */
	bool segments;                   /* PCI domains are CHV segments, one bus each */
	bool pci_expander_bus;           /* libvirt accepts a pci-expander-bus */
	bool pcie_expander_bus;          /* ... and a pcie-expander-bus */
	bool sees_each_function;         /* the guest finds a function without function 0
					    (pseries): function-zero-pseries, not function-zero */
};

/* The machine's row, or NULL when pcifix does not know it. */
const struct pcifix_machine *pcifix_machine_find(enum pcifix_virt virt, const char *arch,
						 const char *machine);
/* Every row (for tests). */
size_t pcifix_machine_rows(const struct pcifix_machine **v);

/* ---- pci.c: connect flags ------------------------------------------------ */
bool pcifix_device_is_virtio(enum pcifix_kind kind, const char *type, const char *model,
			     const char *bus);
/* libvirt's connect flags for a device; 0: it takes no PCI address. */
unsigned pcifix_device_flags(enum pcifix_kind kind, const char *type, const char *model,
			     const char *bus, bool pcie_root);

/* ---- assign.c: libvirt's assignment, both passes ---------------------- */

enum pcifix_astate {
	PCIFIX_A_WANTED,         /* no address, or an empty PCI one: assign me */
	PCIFIX_A_PCI,            /* has a PCI address */
	PCIFIX_A_OTHER,          /* another address type: leave alone */
};

/* A device as the assigner sees it: one from the file, or one pcifix adds. */
struct pcifix_adev {
	struct pcifix_device *dev;       /* NULL for an added device */
	enum pcifix_kind kind;
	const char *type;
	const char *model;               /* with libvirt's default applied */
	bool model_default;              /* the model is libvirt's default (the file writes none) */
	const char *bus;
	long long index;                 /* controllers */
	unsigned flags;                  /* connect flags; 0: no PCI address */
	enum pcifix_astate state;
	struct pcifix_pci_addr addr;
	enum pcifix_tristate multi;
	bool from_file;                  /* the address was written in the file */
	bool assigned;                   /* pcifix chose the address */
	bool bus_moved;                  /* libvirt's q35 quirk moved the user's bus */
	bool multi_added;                /* multifunction='on' added to the user's address */
	unsigned order;                  /* controllers: position in libvirt's list */
	/* PCI controllers: values written or filled in. */
	const char *model_name;
	bool model_name_added;
	long long chassis_nr, chassis, port, bus_nr, target_index;
	unsigned targets_added;          /* which of them pcifix fills (bits below) */
	bool hotplug;                    /* <target hotplug='off'/> not written */
	bool phantom;                    /* holds a slot but is not written (CHV's console) */
	long long zpci_uid, zpci_fid;    /* s390x; -1: none */
	unsigned zpci_added;             /* 1: uid, 2: fid filled in by pcifix */
	long long want_segment;          /* CHV: <address type='pci' domain='N'/>; -1: any */
	struct pcifix_adev *twin;        /* a console that is serial 0 again: that serial */
};

enum {
	PCIFIX_TGT_CHASSIS_NR = 1u << 0,
	PCIFIX_TGT_CHASSIS = 1u << 1,
	PCIFIX_TGT_PORT = 1u << 2,
	PCIFIX_TGT_BUS_NR = 1u << 3,
	PCIFIX_TGT_INDEX = 1u << 4,
};

struct pcifix_plan {
	const struct pcifix_domain *dom;
	const struct pcifix_machine *machine;   /* NULL: nothing assigned */
	struct pcifix_adev **devs;       /* file devices first (document order), then added ones */
	size_t ndevs;
	size_t cap;
	struct pcifix_adev **ctrls;      /* controllers in libvirt's list order */
	size_t nctrls;
	size_t ctrl_cap;
	bool relaxed;                    /* libvirt would have failed; pcifix found a layout */
	bool no_pci;                     /* s390x: every device uses ccw */
};

/* QEMU's assigner: every address libvirt would assign; 0, or -1 with diagnostics. */
int pcifix_assign(const struct pcifix_domain *dom, const struct pcifix_opts *opts,
		  struct pcifix_plan *plan, struct pcifix_diags *diags);
/*
 * The plan of a domain, by its machine row's assigner (0, or -1 with
 * diagnostics); where pcifix assigns nothing, the devices as they are
 * (plan->machine NULL).
 */
int pcifix_plan_build(const struct pcifix_domain *dom, const struct pcifix_opts *opts,
		      struct pcifix_plan *plan, struct pcifix_diags *diags);
void pcifix_plan_free(struct pcifix_plan *plan);
/* qsort comparator over struct pcifix_adev pointers, by PCI address. */
int pcifix_adev_addr_cmp(const void *pa, const void *pb);
/* A new, zeroed device in the plan (its address stays valid). */
struct pcifix_adev *pcifix_plan_new_adev(struct pcifix_plan *plan);

/* ---- the assigner's steps (plan.c, assign-*.c, lint-libvirt.c) -------- */

/* How many bridges beyond libvirt's count pcifix may add before it gives up. */
#define PCIFIX_MAX_EXTRA_BRIDGES 64

/* What a placing step returns: 0, -1 (reported), or this: libvirt would give
 * up here, and the attempt is to be made again with more bridges. */
#define PCIFIX_RETRY_WITH_BRIDGES (-2)

/* One assignment attempt: what every step reads and writes. */
struct pcifix_actx {
	struct pcifix_plan *plan;
	const struct pcifix_domain *dom;
	const struct pcifix_machine *t;
	struct pcifix_diags *diags;
	const char *file;
	bool pcie_root;
	int max_idx;                     /* highest PCI controller index before the dry run */
	/* Per class, in libvirt's order. */
	struct pcifix_adev **cls[PCIFIX_KIND__COUNT];
	size_t ncls[PCIFIX_KIND__COUNT];
	size_t capcls[PCIFIX_KIND__COUNT];
	size_t extra_bridges;            /* relaxed mode: bridges beyond libvirt's count */
	bool relaxed;
	/* libvirt's collect and class orders (kinds.c). */
	enum pcifix_kind collect[PCIFIX_KIND__COUNT], classes[PCIFIX_KIND__COUNT];
	size_t ncollect, nclasses;
};

static inline bool
pcifix_streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* plan.c: devices and controllers of the plan, and helpers the steps share. */
/*
 * A diagnostic about device `d` (NULL: an added one, described as `what`),
 * at its <address> when `at_address` and it has one, else at the element;
 * "DESCRIPTION: msg".  Takes `msg`; NULL when the rule is off.
 */
struct pcifix_diag *pcifix_diag_device(struct pcifix_diags *diags, enum pcifix_rule_id rule,
				       const char *file, const struct pcifix_device *d,
				       bool at_address, const char *what, char *msg);
void pcifix_plan_add_device(struct pcifix_actx *c, struct pcifix_device *d);
bool pcifix_adev_is_pci_ctrl(const struct pcifix_adev *a);
bool pcifix_adev_is_usb2(const struct pcifix_adev *a);
bool pcifix_adev_wanted(const struct pcifix_adev *a);
struct pcifix_adev *pcifix_plan_find_ctrl(const struct pcifix_plan *plan, const char *type,
					  long long idx);
struct pcifix_adev *pcifix_actx_add_controller(struct pcifix_actx *c, const char *type,
					       long long idx, const char *model);
void pcifix_actx_cls_add(struct pcifix_actx *c, enum pcifix_kind k, struct pcifix_adev *a);
/* Report `msg` (taken and freed) about `a` under `rule`. */
void pcifix_actx_report(struct pcifix_actx *c, const struct pcifix_adev *a,
			enum pcifix_rule_id rule,
			char *msg);
/* Find a slot for `a` and, in the real pass, keep it; or PCIFIX_RETRY_WITH_BRIDGES. */
int pcifix_actx_place(struct pcifix_actx *c, struct pcifix_addrset *s, struct pcifix_adev *a,
		      int function);
void pcifix_plan_reset(struct pcifix_plan *plan);
/* libvirt's first <console> of serial type is <serial> 0 again: mark it as that one's twin. */
void pcifix_plan_serial_twin(struct pcifix_plan *plan);
/* A twin without an address gets its serial's, as libvirt writes it. */
void pcifix_plan_copy_twin_address(struct pcifix_plan *plan);

/* assign-implicit.c */
void pcifix_order_controllers(struct pcifix_plan *plan);
int pcifix_add_implicit_devices(struct pcifix_actx *c);
long pcifix_disk_index(const char *dev);

/* assign-classes.c */
void pcifix_build_classes(struct pcifix_actx *c);
void pcifix_compute_flags(struct pcifix_actx *c);
bool pcifix_ccw_devices(struct pcifix_actx *c);

/* assign-chipset.c */
/* Whether `a` sits at the address its chipset requires and reserves itself. */
bool pcifix_chipset_reserved_by_pin(const struct pcifix_actx *c, const struct pcifix_adev *a);
int pcifix_chipset_reserve(struct pcifix_actx *c, struct pcifix_addrset *s);
int pcifix_place_usb2(struct pcifix_actx *c, struct pcifix_addrset *s, struct pcifix_adev *a);

/* assign-values.c */
int pcifix_fill_controller_values(struct pcifix_actx *c);
void pcifix_fill_multifunction(struct pcifix_plan *plan);
int pcifix_assign_zpci(struct pcifix_actx *c);

/* lint-libvirt.c */
int pcifix_lint_controllers(struct pcifix_actx *c);
int pcifix_lint_ide(struct pcifix_actx *c);
/* zPCI ids libvirt rejects: uid 0, a uid or fid written twice, <zpci> off s390x. */
int pcifix_lint_zpci(struct pcifix_actx *c);

/* assign.c */
const struct pcifix_pci_model *pcifix_default_bus_model(const struct pcifix_actx *c);

/* ---- ch.c: Cloud Hypervisor --------------------------------------------- */

struct pcifix_opts;
/* Segment:00:slot.0 for every device CHV puts on PCI; -1 with diagnostics. */
int pcifix_assign_ch(const struct pcifix_domain *dom, const struct pcifix_opts *opts,
		     struct pcifix_plan *plan, struct pcifix_diags *diags);

/* ---- check.c: rules beyond libvirt's --------------------------------- */

struct pcifix_opts;
/* Lint the plan: address types, function 0, multifunction, partial hostdevs, hotplug. */
void pcifix_check(const struct pcifix_plan *plan, const struct pcifix_opts *opts,
		  bool complete, struct pcifix_diags *diags, struct pcifix_edits *edits);

/* ---- augment.c: the plan as edits to the file ------------------------ */

/* Turn the plan into edits; returns the number of changes. */
size_t pcifix_augment(const struct pcifix_plan *plan, struct pcifix_edits *edits);

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
