/* engine.h - the engine: device kinds, the domain model, PCI models, the address set, chipsets, machines, the plan and its steps. */
#ifndef PCIFIX_ENGINE_H
#define PCIFIX_ENGINE_H

#include "pcifix.h"

/* ---- kinds.c: one row per device kind --------------------------------- */

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

/* ---- model.c: element tree -> domain model --------------------------- */

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
	long long port;          /* virtio-serial port=; -1: absent or not a number */
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
	long long ports;         /* virtio-serial ports=; -1: not written */
	struct pcifix_ctrl_target target;
	/* Hostdevs only: host PCI address, as written. */
	struct pcifix_pci_addr host_addr;
	bool has_host_addr;
	bool usb_master;         /* controllers: has <master> (a USB companion) */
	bool primary;            /* video: <model primary='yes'/> */
	bool boot_first;         /* <boot order='1'/> */
	bool bus_implied;        /* disks: no bus= written; `bus` comes from the target name */
};

enum pcifix_virt {
	PCIFIX_VIRT_QEMU,
	PCIFIX_VIRT_KVM,
	PCIFIX_VIRT_CH,
	PCIFIX_VIRT_OTHER,
};


struct pcifix_domain {
	struct pcifix_doc *doc;              /* borrowed */
	enum pcifix_virt virt;
	const char *virt_name;
	const char *arch;                    /* as written, or the default */
	const char *machine;                 /* as written, or NULL */
	const char *family;                  /* the row's family, or "unknown" */
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
	const char *family;              /* what --list calls it: "pc", "q35", "virt"... */
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
	bool zpci_functions;             /* s390x: each PCI function is a zPCI device of its own,
					    found without function 0: no function-zero rule */
	bool root_if_written;            /* libvirt adds no root bus: PCI only under a written one */
	bool builtin_ide;                /* IDE controller 0 is the board's own, off PCI (g3beige) */
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
/* Whether libvirt 9.0 names this NIC model (case aside); one it does not is PCI Express. */
bool pcifix_nic_model_known(const char *model);
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
/* lint-models.c: a model libvirt 9.0 does not know, or cannot place without an address. */
int pcifix_lint_models(struct pcifix_actx *c);
/* Versatile/PB: a device that needs PCI and no PCI controller written; 0 or -1. */
int pcifix_lint_no_root(struct pcifix_actx *c);
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

#endif
