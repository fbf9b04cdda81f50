/* kinds.c - one row per device kind: where its values live, libvirt's orders, CHV group, virtio-mmio. */
#include "config.h"

#include <string.h>

#include "engine.h"

/*
 * Everything pcifix knows about a device kind, in one row; the engine reads
 * it and never names a kind for these facts.  The orders are libvirt 9.0's:
 *   .element  the order of device elements in libvirt's XML (new elements go
 *             after the last one of their kind, or after what comes before);
 *   .collect  the order in which libvirt walks devices to collect the
 *             addresses the file wrote (virDomainDeviceInfoIterate);
 *   .class    the order in which it assigns new addresses
 *             (qemuDomainAssignDevicePCISlots; PCI controllers go before all).
 * 0 in an order: the kind is not in that list.
 * Paths: "@attr" is an attribute of the device element, "child/@attr" one of
 * its first such child.
 */
static const struct pcifix_kind_row rows[PCIFIX_KIND__COUNT] = {
	[PCIFIX_KIND_OTHER] = { .element_name = "device" },
	[PCIFIX_KIND_DISK] = {
		.element_name = "disk", .type = "@device", .model = "@model",
		.bus = "target/@bus", .name = "target/@dev",
		.element = 1, .collect = 1, .class = 5, .ch_group = PCIFIX_CH_DISK,
		.mmio = { PCIFIX_MMIO_BUS, { "virtio" } },
	},
	[PCIFIX_KIND_CONTROLLER] = {
		.element_name = "controller", .type = "@type", .model = "@model", .name = "@index",
		.element = 2, .collect = 6, .class = 4,
		/* Every SCSI controller, whatever its model, as libvirt does. */
		.mmio = { PCIFIX_MMIO_TYPE, { "virtio-serial", "scsi" } },
	},
	[PCIFIX_KIND_LEASE] = { .element_name = "lease", .element = 3 },
	[PCIFIX_KIND_FILESYSTEM] = {
		.element_name = "filesystem", .type = "@type", .model = "@model",
		.name = "target/@dir", .driver = "driver/@type",
		.element = 4, .collect = 13, .class = 1, .ch_group = PCIFIX_CH_FS,
	},
	[PCIFIX_KIND_INTERFACE] = {
		.element_name = "interface", .type = "@type", .model = "model/@type",
		.name = "mac/@address",
		.element = 5, .collect = 2, .class = 2, .ch_group = PCIFIX_CH_NET,
		.mmio = { PCIFIX_MMIO_MODEL_PREFIX, { "virtio" } },
	},
	[PCIFIX_KIND_SMARTCARD] = {
		.element_name = "smartcard", .type = "@mode", .element = 6, .collect = 7,
	},
	[PCIFIX_KIND_SERIAL] = {
		.element_name = "serial", .type = "@type", .bus = "target/@type",
		.model = "target/model/@name", .element = 7, .collect = 8, .class = 13,
	},
	[PCIFIX_KIND_PARALLEL] = {
		.element_name = "parallel", .type = "@type", .element = 8, .collect = 9,
	},
	[PCIFIX_KIND_CONSOLE] = {
		.element_name = "console", .type = "@type", .bus = "target/@type",
		.element = 9, .collect = 11,
	},
	[PCIFIX_KIND_CHANNEL] = {
		.element_name = "channel", .type = "@type", .bus = "target/@type",
		.name = "target/@name", .element = 10, .collect = 10,
	},
	[PCIFIX_KIND_INPUT] = {
		.element_name = "input", .type = "@type", .bus = "@bus", .model = "@model",
		.element = 11, .collect = 12, .class = 12,
		.mmio = { PCIFIX_MMIO_BUS, { "virtio" } },
	},
	[PCIFIX_KIND_TPM] = { .element_name = "tpm", .model = "@model", .element = 12, .collect = 22 },
	[PCIFIX_KIND_GRAPHICS] = { .element_name = "graphics", .type = "@type", .element = 13 },
	[PCIFIX_KIND_SOUND] = {
		.element_name = "sound", .model = "@model", .element = 14, .collect = 3, .class = 3,
	},
	[PCIFIX_KIND_AUDIO] = { .element_name = "audio", .type = "@type", .element = 15 },
	[PCIFIX_KIND_VIDEO] = {
		.element_name = "video", .model = "model/@type",
		.element = 16, .collect = 5, .class = 10,
		.mmio = { PCIFIX_MMIO_MODEL_PREFIX, { "virtio" } },
	},
	[PCIFIX_KIND_HOSTDEV] = {
		.element_name = "hostdev", .type = "@type", .model = "@model", .driver = "@mode",
		.element = 17, .collect = 4, .class = 6,   /* CHV: type pci only, see ch.c */
		.mmio = { PCIFIX_MMIO_TYPE, { "scsi_host" } },
	},
	[PCIFIX_KIND_REDIRDEV] = {
		.element_name = "redirdev", .type = "@type", .bus = "@bus", .element = 18, .collect = 21,
	},
	[PCIFIX_KIND_REDIRFILTER] = { .element_name = "redirfilter", .element = 19 },
	[PCIFIX_KIND_HUB] = { .element_name = "hub", .type = "@type", .element = 20, .collect = 18 },
	[PCIFIX_KIND_WATCHDOG] = {
		.element_name = "watchdog", .model = "@model",
		.element = 21, .collect = 14, .class = 9, .ch_group = PCIFIX_CH_WATCHDOG,
	},
	[PCIFIX_KIND_MEMBALLOON] = {
		.element_name = "memballoon", .model = "@model",
		.element = 22, .collect = 15, .class = 7, .ch_group = PCIFIX_CH_BALLOON,
		.mmio = { PCIFIX_MMIO_MODEL_PREFIX, { "virtio" } },
	},
	[PCIFIX_KIND_RNG] = {
		.element_name = "rng", .model = "@model",
		.element = 23, .collect = 16, .class = 8, .ch_group = PCIFIX_CH_RNG,
		.mmio = { PCIFIX_MMIO_MODEL_PREFIX, { "virtio" } },
	},
	[PCIFIX_KIND_NVRAM] = { .element_name = "nvram", .element = 24, .collect = 17 },
	[PCIFIX_KIND_PANIC] = { .element_name = "panic", .model = "@model", .element = 25, .collect = 23 },
	[PCIFIX_KIND_SHMEM] = {
		.element_name = "shmem", .model = "model/@type", .name = "@name",
		.element = 26, .collect = 19, .class = 11,
	},
	[PCIFIX_KIND_MEMORY] = {
		.element_name = "memory", .model = "@model", .element = 27, .collect = 20, .class = 16,
		.mmio = { PCIFIX_MMIO_MODEL, { "virtio-pmem" } },
	},
	[PCIFIX_KIND_IOMMU] = {
		.element_name = "iommu", .model = "@model", .element = 28, .collect = 24, .class = 14,
	},
	[PCIFIX_KIND_VSOCK] = {
		.element_name = "vsock", .model = "@model",
		.element = 29, .collect = 25, .class = 15, .ch_group = PCIFIX_CH_VSOCK,
	},
	[PCIFIX_KIND_CRYPTO] = {
		.element_name = "crypto", .type = "@type", .model = "@model", .element = 30, .collect = 26,
	},
	[PCIFIX_KIND_PSTORE] = {
		.element_name = "pstore", .model = "@backend", .element = 31, .collect = 27,
	},
};

const struct pcifix_kind_row *
pcifix_kind_row(enum pcifix_kind k)
{
	if (k <= PCIFIX_KIND_OTHER || k >= PCIFIX_KIND__COUNT)
		return &rows[PCIFIX_KIND_OTHER];
	return &rows[k];
}

const char *
pcifix_kind_name(enum pcifix_kind k)
{
	return pcifix_kind_row(k)->element_name;
}

enum pcifix_kind
pcifix_kind_from_name(const char *name)
{
	int k;

	for (k = PCIFIX_KIND_OTHER + 1; k < PCIFIX_KIND__COUNT; k++)
		if (strcmp(rows[k].element_name, name) == 0)
			return (enum pcifix_kind)k;
	return PCIFIX_KIND_OTHER;
}

static unsigned
rank_of(enum pcifix_kind k, enum pcifix_korder which)
{
	switch (which) {
	case PCIFIX_ORDER_ELEMENT:
		return rows[k].element;
	case PCIFIX_ORDER_COLLECT:
		return rows[k].collect;
	case PCIFIX_ORDER_CLASS:
		return rows[k].class;
	}
	return 0;
}

size_t
pcifix_kind_order(enum pcifix_korder which, enum pcifix_kind out[PCIFIX_KIND__COUNT])
{
	size_t n = 0, i;
	int k;

	/* Insertion by rank: a few dozen kinds. */
	for (k = PCIFIX_KIND_OTHER + 1; k < PCIFIX_KIND__COUNT; k++) {
		unsigned r = rank_of((enum pcifix_kind)k, which);

		if (r == 0)
			continue;
		for (i = n; i > 0 && rank_of(out[i - 1], which) > r; i--)
			out[i] = out[i - 1];
		out[i] = (enum pcifix_kind)k;
		n++;
	}
	return n;
}

bool
pcifix_kind_mmio(enum pcifix_kind k, const char *type, const char *model, const char *bus)
{
	const struct pcifix_kind_mmio *m = &pcifix_kind_row(k)->mmio;
	size_t i;

	for (i = 0; i < sizeof(m->values) / sizeof(m->values[0]) && m->values[i]; i++) {
		const char *v = m->values[i];

		switch (m->by) {
		case PCIFIX_MMIO_NEVER:
			return false;
		case PCIFIX_MMIO_BUS:
			if (pcifix_streq(bus, v))
				return true;
			break;
		case PCIFIX_MMIO_TYPE:
			if (pcifix_streq(type, v))
				return true;
			break;
		case PCIFIX_MMIO_MODEL:
			if (pcifix_streq(model, v))
				return true;
			break;
		case PCIFIX_MMIO_MODEL_PREFIX:
			if (model && strncmp(model, v, strlen(v)) == 0)
				return true;
			break;
		}
	}
	return false;
}
