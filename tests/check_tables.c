/* check_tables.c - unit tests for the knowledge tables: kinds.c, machine.c, chipset.c, pci.c's connect flags. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* ---- kinds.c -------------------------------------------------------- */

START_TEST(test_kind_names_round_trip)
{
	int k;

	for (k = PCIFIX_KIND_OTHER + 1; k < PCIFIX_KIND__COUNT; k++) {
		const char *n = pcifix_kind_name((enum pcifix_kind)k);

		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(pcifix_kind_from_name(n), k);
	}
	ck_assert_int_eq(pcifix_kind_from_name("emulator"), PCIFIX_KIND_OTHER);
	ck_assert_str_eq(pcifix_kind_name(PCIFIX_KIND_OTHER), "device");
}
END_TEST

/* Every order is a strict one: no two kinds share a rank, and ranks fit NRANKS in augment.c. */
START_TEST(test_kind_orders_strict)
{
	static const enum pcifix_korder orders[] = {
		PCIFIX_ORDER_ELEMENT, PCIFIX_ORDER_COLLECT, PCIFIX_ORDER_CLASS,
	};
	size_t o;

	for (o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		enum pcifix_kind v[PCIFIX_KIND__COUNT];
		size_t n = pcifix_kind_order(orders[o], v), i;

		ck_assert_uint_gt(n, 0);
		for (i = 1; i < n; i++) {
			const struct pcifix_kind_row *a = pcifix_kind_row(v[i - 1]), *b = pcifix_kind_row(v[i]);
			unsigned ra = orders[o] == PCIFIX_ORDER_ELEMENT ? a->element :
				      orders[o] == PCIFIX_ORDER_COLLECT ? a->collect : a->class;
			unsigned rb = orders[o] == PCIFIX_ORDER_ELEMENT ? b->element :
				      orders[o] == PCIFIX_ORDER_COLLECT ? b->collect : b->class;

			ck_assert_msg(ra < rb, "order %zu: %s and %s share rank %u", o,
				      a->element_name, b->element_name, rb);
			ck_assert_uint_le(rb, PCIFIX_KIND__COUNT);
		}
	}
}
END_TEST

/* Every device element has a place in libvirt's element order. */
START_TEST(test_kind_element_order_complete)
{
	enum pcifix_kind v[PCIFIX_KIND__COUNT];

	ck_assert_uint_eq(pcifix_kind_order(PCIFIX_ORDER_ELEMENT, v), PCIFIX_KIND__COUNT - 1);
}
END_TEST

static void
expect_order(enum pcifix_korder which, const char *want)
{
	enum pcifix_kind v[PCIFIX_KIND__COUNT];
	size_t n = pcifix_kind_order(which, v), i;
	char got[1024] = "";

	for (i = 0; i < n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, pcifix_kind_name(v[i]));
	}
	ck_assert_str_eq(got, want);
}

/*
 * libvirt 9.0's class order (qemuDomainAssignDevicePCISlots; the oracle's
 * x10_assignment_order shows it) and its collect order
 * (virDomainDeviceInfoIterate).
 */
START_TEST(test_kind_class_order_is_libvirts)
{
	expect_order(PCIFIX_ORDER_CLASS, "filesystem interface sound controller disk hostdev "
		     "memballoon rng watchdog video shmem input serial iommu vsock memory");
}
END_TEST

START_TEST(test_kind_collect_order_is_libvirts)
{
	expect_order(PCIFIX_ORDER_COLLECT, "disk interface sound hostdev video controller "
		     "smartcard serial parallel channel console input filesystem watchdog "
		     "memballoon rng nvram hub shmem memory redirdev tpm panic iommu vsock "
		     "crypto pstore");
}
END_TEST

static const struct {
	enum pcifix_kind kind;
	const char *type, *model, *bus;
	bool mmio;
} mmio_cases[] = {
	{ PCIFIX_KIND_DISK, "disk", NULL, "virtio", true },
	{ PCIFIX_KIND_DISK, "disk", NULL, "sata", false },
	{ PCIFIX_KIND_INPUT, "tablet", NULL, "virtio", true },
	{ PCIFIX_KIND_INTERFACE, "network", "virtio-net-pci", NULL, true },
	{ PCIFIX_KIND_INTERFACE, "network", "e1000e", NULL, false },
	{ PCIFIX_KIND_VIDEO, NULL, "virtio", NULL, true },
	{ PCIFIX_KIND_MEMBALLOON, NULL, "virtio-transitional", NULL, true },
	{ PCIFIX_KIND_RNG, NULL, "virtio", NULL, true },
	{ PCIFIX_KIND_CONTROLLER, "scsi", "lsilogic", NULL, true },
	{ PCIFIX_KIND_CONTROLLER, "virtio-serial", NULL, NULL, true },
	{ PCIFIX_KIND_CONTROLLER, "usb", "qemu-xhci", NULL, false },
	{ PCIFIX_KIND_HOSTDEV, "scsi_host", NULL, NULL, true },
	{ PCIFIX_KIND_HOSTDEV, "pci", NULL, NULL, false },
	{ PCIFIX_KIND_MEMORY, NULL, "virtio-pmem", NULL, true },
	{ PCIFIX_KIND_MEMORY, NULL, "virtio-mem", NULL, false },
	{ PCIFIX_KIND_SOUND, NULL, "ich9", NULL, false },
	{ PCIFIX_KIND_WATCHDOG, NULL, "i6300esb", NULL, false },
};

START_TEST(test_kind_mmio)
{
	ck_assert_msg(pcifix_kind_mmio(mmio_cases[_i].kind, mmio_cases[_i].type, mmio_cases[_i].model,
				       mmio_cases[_i].bus) == mmio_cases[_i].mmio,
		      "%s type=%s model=%s bus=%s", pcifix_kind_name(mmio_cases[_i].kind),
		      mmio_cases[_i].type ? mmio_cases[_i].type : "-",
		      mmio_cases[_i].model ? mmio_cases[_i].model : "-",
		      mmio_cases[_i].bus ? mmio_cases[_i].bus : "-");
}
END_TEST

/* ---- machine.c ------------------------------------------------------ */

/* A concrete machine name for a pattern: "pc-q35-*" -> "pc-q35-7.2". */
static void
concrete(const char *pattern, char *buf, size_t len)
{
	size_t n = strlen(pattern);

	if (n && pattern[n - 1] == '*')
		snprintf(buf, len, "%.*s7.2", (int)(n - 1), pattern);
	else
		snprintf(buf, len, "%s", pattern);
}

/* Each name of each row, on each of its arches, finds that row. */
START_TEST(test_machine_every_pattern)
{
	const struct pcifix_machine *rows;
	size_t n = pcifix_machine_rows(&rows), i, a, k, tried = 0;

	for (i = 0; i < n; i++) {
		const struct pcifix_machine *m = &rows[i];

		if (m->virt == PCIFIX_VIRT_CH)
			continue;
		ck_assert_ptr_nonnull(m->arches[0]);
		ck_assert_ptr_nonnull(m->family);
		for (a = 0; a < PCIFIX_MACHINE_ARCHES && m->arches[a]; a++)
			for (k = 0; k < PCIFIX_MACHINE_NAMES && (k == 0 || m->names[k]); k++) {
				char name[64];

				/* A row without names takes any machine of its arches. */
				concrete(m->names[k] ? m->names[k] : "any-board", name, sizeof(name));
				ck_assert_msg(pcifix_machine_find(PCIFIX_VIRT_KVM, m->arches[a], name) == m,
					      "%s on %s: not row %zu (%s)", name, m->arches[a], i,
					      m->family);
				ck_assert(pcifix_machine_find(PCIFIX_VIRT_QEMU, m->arches[a], name) == m);
				tried++;
			}
	}
	ck_assert_uint_gt(tried, 20);
}
END_TEST

/* Each arch has exactly one default row, and it is the one found without a machine. */
START_TEST(test_machine_defaults)
{
	const struct pcifix_machine *rows;
	size_t n = pcifix_machine_rows(&rows), i, j, a;

	for (i = 0; i < n; i++)
		for (a = 0; rows[i].is_default && a < PCIFIX_MACHINE_ARCHES && rows[i].arches[a]; a++) {
			ck_assert(pcifix_machine_find(PCIFIX_VIRT_KVM, rows[i].arches[a], NULL) ==
				  &rows[i]);
			for (j = 0; j < n; j++)
				ck_assert(j == i || !rows[j].is_default || rows[j].arches[0] == NULL ||
					  strcmp(rows[j].arches[0], rows[i].arches[a]) != 0);
		}
	ck_assert_str_eq(pcifix_machine_find(PCIFIX_VIRT_QEMU, "x86_64", NULL)->family, "pc");
	ck_assert_str_eq(pcifix_machine_find(PCIFIX_VIRT_QEMU, "ppc64le", NULL)->family,
			 "pseries");
	ck_assert_ptr_null(pcifix_machine_find(PCIFIX_VIRT_QEMU, "mips64", NULL));
	ck_assert_ptr_null(pcifix_machine_find(PCIFIX_VIRT_QEMU, "x86_64", "virt"));
	ck_assert_ptr_null(pcifix_machine_find(PCIFIX_VIRT_QEMU, "aarch64", "pc"));
	ck_assert_ptr_null(pcifix_machine_find(PCIFIX_VIRT_QEMU, "x86_64", "pcx"));
}
END_TEST

START_TEST(test_machine_ch)
{
	const struct pcifix_machine *m = pcifix_machine_find(PCIFIX_VIRT_CH, "aarch64", "anything");

	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->family, "cloud-hypervisor");
	ck_assert(m->assign == pcifix_assign_ch);
	ck_assert(m->segments);
	ck_assert(pcifix_machine_find(PCIFIX_VIRT_CH, "x86_64", NULL) == m);
	ck_assert(pcifix_machine_find(PCIFIX_VIRT_KVM, "x86_64", NULL) != m);
}
END_TEST

/* What an assigning row must say; a root model pci.c knows. */
START_TEST(test_machine_rows_complete)
{
	const struct pcifix_machine *rows;
	size_t n = pcifix_machine_rows(&rows), i;

	for (i = 0; i < n; i++) {
		const struct pcifix_machine *m = &rows[i];

		if (m->assign != pcifix_assign)
			continue;
		ck_assert_ptr_nonnull(m->root_model);
		ck_assert_msg(pcifix_pci_model_find(m->root_model) &&
			      pcifix_pci_model_find(m->root_model)->is_root, "%s", m->root_model);
		ck_assert_ptr_nonnull(m->default_nic);
		ck_assert_ptr_nonnull(m->default_video);
		ck_assert_ptr_nonnull(m->default_usb);
		ck_assert_ptr_nonnull(m->default_scsi);
		ck_assert(!(m->expansion_slot && m->spare_root_port));
	}
}
END_TEST

/* ---- chipset.c ------------------------------------------------------ */

static void
check_chipset(const struct pcifix_chipset *cs)
{
	size_t i;

	ck_assert_ptr_nonnull(cs->name);
	ck_assert_uint_le(cs->own_slot, 0x1f);
	ck_assert_uint_ge(cs->video_slot, 1);
	ck_assert_uint_le(cs->video_slot, 0x1f);
	ck_assert_ptr_nonnull(cs->own[0].what);
	for (i = 0; i < sizeof(cs->own) / sizeof(cs->own[0]) && cs->own[i].what; i++)
		ck_assert_uint_eq(cs->own[i].slot, cs->own_slot);
	for (i = 0; i < sizeof(cs->pins) / sizeof(cs->pins[0]) && cs->pins[i].kind; i++) {
		const struct pcifix_pin *p = &cs->pins[i];

		ck_assert_uint_le(p->slot, 0x1f);
		ck_assert_uint_le(p->alt_slot, 0x1f);
		ck_assert_uint_le(p->fn, 7);
		ck_assert(p->slot != cs->video_slot);
		if (p->how == PCIFIX_PIN_REQUIRED || p->how == PCIFIX_PIN_REQUIRED_SET)
			ck_assert_ptr_nonnull(p->must);
		if (p->how == PCIFIX_PIN_FIRST_WANTED)
			ck_assert_int_ne(p->kind, PCIFIX_KIND_CONTROLLER);
		else
			ck_assert_int_eq(p->kind, PCIFIX_KIND_CONTROLLER);
	}
}

START_TEST(test_chipsets)
{
	check_chipset(&pcifix_chipset_piix3);
	check_chipset(&pcifix_chipset_ich9);
	/* The slots libvirt's QEMU driver gives them (the oracle's a_pc_basic, b_q35_basic). */
	ck_assert_uint_eq(pcifix_chipset_piix3.own_slot, 0x01);
	ck_assert_uint_eq(pcifix_chipset_piix3.video_slot, 0x02);
	ck_assert_uint_eq(pcifix_chipset_ich9.own_slot, 0x1f);
	ck_assert_uint_eq(pcifix_chipset_ich9.video_slot, 0x01);
	ck_assert(pcifix_chipset_piix3.ide);
	ck_assert(!pcifix_chipset_ich9.ide);
	ck_assert_int_eq(pcifix_usb2_function("ich9-ehci1"), 7);
	ck_assert_int_eq(pcifix_usb2_function("ich9-uhci3"), 2);
	ck_assert_int_eq(pcifix_usb2_function("piix3-uhci"), -1);
	ck_assert_int_eq(pcifix_usb2_function(NULL), -1);
}
END_TEST

/* ---- pci.c: connect flags -------------------------------------------- */

#define PCI (PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_AUTOASSIGN)
#define PCIE (PCIFIX_CF_PCIE_DEVICE | PCIFIX_CF_AUTOASSIGN)

static const struct {
	enum pcifix_kind kind;
	const char *type, *model, *bus;
	unsigned on_pcie_root, on_pci_root;
} flag_cases[] = {
	{ PCIFIX_KIND_INTERFACE, "network", "virtio", NULL, PCIE, PCI },
	{ PCIFIX_KIND_INTERFACE, "network", "virtio-transitional", NULL, PCI, PCI },
	{ PCIFIX_KIND_INTERFACE, "network", "e1000e", NULL, PCIE, PCI },
	{ PCIFIX_KIND_INTERFACE, "network", "e1000", NULL, PCI, PCI },
	{ PCIFIX_KIND_INTERFACE, "network", "rtl8139", NULL, PCI, PCI },
	{ PCIFIX_KIND_INTERFACE, "network", "usb-net", NULL, 0, 0 },
	{ PCIFIX_KIND_INTERFACE, "network", "spapr-vlan", NULL, 0, 0 },
	{ PCIFIX_KIND_SOUND, NULL, "ich9", NULL, PCI, PCI },
	{ PCIFIX_KIND_SOUND, NULL, "usb", NULL, 0, 0 },
	{ PCIFIX_KIND_DISK, "disk", NULL, "virtio", PCIE, PCI },
	{ PCIFIX_KIND_DISK, "disk", NULL, "sata", 0, 0 },
	{ PCIFIX_KIND_CONTROLLER, "usb", "qemu-xhci", NULL, PCIE, PCI },
	{ PCIFIX_KIND_CONTROLLER, "usb", "piix3-uhci", NULL, PCI, PCI },
	{ PCIFIX_KIND_CONTROLLER, "usb", "none", NULL, 0, 0 },
	{ PCIFIX_KIND_CONTROLLER, "scsi", "virtio-scsi", NULL, PCIE, PCI },
	{ PCIFIX_KIND_CONTROLLER, "scsi", "lsilogic", NULL, PCI, PCI },
	{ PCIFIX_KIND_CONTROLLER, "scsi", "ibmvscsi", NULL, 0, 0 },
	{ PCIFIX_KIND_HOSTDEV, "pci", NULL, NULL, PCIE, PCI },
	{ PCIFIX_KIND_HOSTDEV, "usb", NULL, NULL, 0, 0 },
	{ PCIFIX_KIND_VIDEO, NULL, "virtio", NULL, PCIE, PCI },
	{ PCIFIX_KIND_VIDEO, NULL, "bochs", NULL, PCIE, PCI },
	{ PCIFIX_KIND_VIDEO, NULL, "qxl", NULL, PCI, PCI },
	{ PCIFIX_KIND_VIDEO, NULL, "ramfb", NULL, 0, 0 },
	{ PCIFIX_KIND_WATCHDOG, NULL, "i6300esb", NULL, PCI, PCI },
	{ PCIFIX_KIND_WATCHDOG, NULL, "ib700", NULL, 0, 0 },
	{ PCIFIX_KIND_SERIAL, "pty", NULL, "pci-serial", PCI, PCI },
	{ PCIFIX_KIND_SERIAL, "pty", NULL, "isa-serial", 0, 0 },
	{ PCIFIX_KIND_IOMMU, NULL, "virtio", NULL, PCIE | PCIFIX_CF_INTEGRATED,
	  PCI | PCIFIX_CF_INTEGRATED },
	{ PCIFIX_KIND_IOMMU, NULL, "intel", NULL, 0, 0 },
	{ PCIFIX_KIND_MEMORY, NULL, "virtio-mem", NULL, PCIE, PCI },
	{ PCIFIX_KIND_MEMORY, NULL, "dimm", NULL, 0, 0 },
	{ PCIFIX_KIND_PANIC, NULL, "pvpanic", NULL, 0, 0 },
};

START_TEST(test_connect_flags)
{
	unsigned q35 = pcifix_device_flags(flag_cases[_i].kind, flag_cases[_i].type,
					   flag_cases[_i].model, flag_cases[_i].bus, true);
	unsigned pc = pcifix_device_flags(flag_cases[_i].kind, flag_cases[_i].type,
					  flag_cases[_i].model, flag_cases[_i].bus, false);

	ck_assert_msg(q35 == flag_cases[_i].on_pcie_root && pc == flag_cases[_i].on_pci_root,
		      "%s %s: %#x/%#x, want %#x/%#x", pcifix_kind_name(flag_cases[_i].kind),
		      flag_cases[_i].model ? flag_cases[_i].model : flag_cases[_i].type, q35, pc,
		      flag_cases[_i].on_pcie_root, flag_cases[_i].on_pci_root);
}
END_TEST

/* The rule table: an entry for every id, in enum order, each findable by name. */
START_TEST(test_rules_table)
{
	size_t n, i;
	const struct pcifix_rule *r = pcifix_rules(&n);

	ck_assert_uint_eq(n, PCIFIX_R__COUNT);
	ck_assert_uint_le(n, PCIFIX_MAX_RULES);
	for (i = 0; i < n; i++) {
		ck_assert_msg(r[i].id != NULL && r[i].summary != NULL, "rule %zu has no entry", i);
		ck_assert(pcifix_rule_find(r[i].id) == &r[i]);
		ck_assert_int_eq(pcifix_rule_index(r[i].id), (int)i);
	}
	ck_assert_str_eq(r[PCIFIX_R_IO_ERROR].id, "io-error");
	ck_assert_str_eq(r[PCIFIX_R_WOULD_CHANGE].id, "would-change");
	ck_assert_ptr_null(pcifix_rule_find("nonsense"));
}
END_TEST

static Suite *
tables_suite(void)
{
	Suite *su = suite_create("tables");
	TCase *tc = tcase_create("kinds");

	tcase_add_test(tc, test_kind_names_round_trip);
	tcase_add_test(tc, test_kind_orders_strict);
	tcase_add_test(tc, test_kind_element_order_complete);
	tcase_add_test(tc, test_kind_class_order_is_libvirts);
	tcase_add_test(tc, test_kind_collect_order_is_libvirts);
	tcase_add_loop_test(tc, test_kind_mmio, 0, sizeof(mmio_cases) / sizeof(mmio_cases[0]));
	suite_add_tcase(su, tc);
	tc = tcase_create("machines");
	tcase_add_test(tc, test_machine_every_pattern);
	tcase_add_test(tc, test_machine_defaults);
	tcase_add_test(tc, test_machine_ch);
	tcase_add_test(tc, test_machine_rows_complete);
	tcase_add_test(tc, test_chipsets);
	tcase_add_test(tc, test_rules_table);
	suite_add_tcase(su, tc);
	tc = tcase_create("flags");
	tcase_add_loop_test(tc, test_connect_flags, 0, sizeof(flag_cases) / sizeof(flag_cases[0]));
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	SRunner *sr = srunner_create(tables_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
