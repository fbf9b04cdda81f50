/* check_lint.c - unit tests for check.c: each rule beyond libvirt on a plan built in memory. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/*
 * No XML here: a plan is a machine row and devices with addresses, made
 * directly, and pcifix_check() is asked what it finds.  Every rule is on
 * (off-by-default ones too), so a case shows exactly what fires.
 */

struct fixture {
	struct pcifix_doc doc;
	struct pcifix_domain dom;
	struct pcifix_plan plan;
	struct pcifix_lint lint;
	struct pcifix_diags diags;
	struct pcifix_opts opts;
};

static void
setup(struct fixture *f, const char *arch, const char *machine)
{
	size_t i, n;

	memset(f, 0, sizeof(*f));
	f->doc.file = (char *)"mem.xml";
	f->dom.doc = &f->doc;
	f->plan.dom = &f->dom;
	f->plan.machine = pcifix_machine_find(PCIFIX_VIRT_KVM, arch, machine);
	ck_assert_ptr_nonnull(f->plan.machine);
	pcifix_rules(&n);
	for (i = 0; i < n; i++)
		f->lint.state[i] = 1;
	pcifix_diags_init(&f->diags);
	f->diags.lint = &f->lint;
}

static void
teardown(struct fixture *f)
{
	pcifix_plan_free(&f->plan);
	pcifix_diags_free(&f->diags);
}

/* A device at 0000:BUS:SLOT.FN with multifunction `multi`. */
static struct pcifix_adev *
dev_at(struct fixture *f, enum pcifix_kind kind, unsigned bus, unsigned slot, unsigned fn,
       enum pcifix_tristate multi)
{
	struct pcifix_adev *a = pcifix_plan_new_adev(&f->plan);

	a->kind = kind;
	a->state = PCIFIX_A_PCI;
	a->addr.bus = bus;
	a->addr.slot = slot;
	a->addr.function = fn;
	a->multi = multi;
	a->flags = 1;
	return a;
}

/* How many diagnostics of rule `id` the finished plan draws. */
static size_t
fired(struct fixture *f, enum pcifix_rule_id id)
{
	struct pcifix_edits edits;
	size_t i, k = 0, n;
	const struct pcifix_rule *r = pcifix_rules(&n) + id;

	pcifix_edits_init(&edits, &f->doc);
	pcifix_diags_free(&f->diags);
	pcifix_diags_init(&f->diags);
	f->diags.lint = &f->lint;
	pcifix_check(&f->plan, &f->opts, true, &f->diags, &edits);
	pcifix_edits_free(&edits);
	for (i = 0; i < f->diags.n; i++)
		k += strcmp(f->diags.v[i].rule->id, r->id) == 0;
	return k;
}

START_TEST(test_function_zero)
{
	struct fixture f;

	setup(&f, "x86_64", "pc");
	dev_at(&f, PCIFIX_KIND_INTERFACE, 0, 5, 1, PCIFIX_TRI_ABSENT);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_FUNCTION_ZERO), 1);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_FUNCTION_ZERO_PSERIES), 0);
	/* With function 0 taken, the slot is fine. */
	dev_at(&f, PCIFIX_KIND_DISK, 0, 5, 0, PCIFIX_TRI_ON);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_FUNCTION_ZERO), 0);
	/* The PIIX3's own slot has its function 0 in the chipset. */
	dev_at(&f, PCIFIX_KIND_CONTROLLER, 0, 1, 2, PCIFIX_TRI_ABSENT);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_FUNCTION_ZERO), 0);
	/* Not on another bus's slot 1. */
	dev_at(&f, PCIFIX_KIND_CONTROLLER, 1, 1, 2, PCIFIX_TRI_ABSENT);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_FUNCTION_ZERO), 1);
	teardown(&f);

	/* s390x: every zPCI function is a device of its own: no rule. */
	setup(&f, "s390x", "s390-ccw-virtio");
	dev_at(&f, PCIFIX_KIND_INTERFACE, 0, 5, 1, PCIFIX_TRI_ABSENT);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_FUNCTION_ZERO), 0);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_FUNCTION_ZERO_PSERIES), 0);
	teardown(&f);

	/* pseries guests see every function: its own, softer rule. */
	setup(&f, "ppc64", "pseries");
	dev_at(&f, PCIFIX_KIND_INTERFACE, 0, 5, 1, PCIFIX_TRI_ABSENT);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_FUNCTION_ZERO), 0);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_FUNCTION_ZERO_PSERIES), 1);
	teardown(&f);
}
END_TEST

/* A slot of one USB companion set without function 0: libvirt makes such slots, so a warning. */
START_TEST(test_function_zero_usb_set)
{
	struct fixture f;
	struct pcifix_adev *a;
	unsigned fn;

	setup(&f, "x86_64", "q35");
	for (fn = 1; fn <= 7; fn += 6) {
		a = dev_at(&f, PCIFIX_KIND_CONTROLLER, 0, 0x1d, fn, PCIFIX_TRI_ABSENT);
		a->type = "usb";
		a->index = 0;
	}
	ck_assert_uint_eq(fired(&f, PCIFIX_R_FUNCTION_ZERO), 1);
	ck_assert_int_eq(f.diags.v[0].severity, PCIFIX_SEVERITY_WARNING);
	/* -W error keeps it an error. */
	f.lint.werror = true;
	ck_assert_uint_eq(fired(&f, PCIFIX_R_FUNCTION_ZERO), 1);
	ck_assert_int_eq(f.diags.v[0].severity, PCIFIX_SEVERITY_ERROR);
	f.lint.werror = false;
	/* Anything else in the slot: an error. */
	dev_at(&f, PCIFIX_KIND_SOUND, 0, 0x1d, 3, PCIFIX_TRI_ABSENT);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_FUNCTION_ZERO), 1);
	ck_assert_int_eq(f.diags.v[0].severity, PCIFIX_SEVERITY_ERROR);
	teardown(&f);
}
END_TEST

START_TEST(test_multifunction)
{
	struct fixture f;
	struct pcifix_adev *f0;

	setup(&f, "x86_64", "pc-q35-7.2");
	f0 = dev_at(&f, PCIFIX_KIND_DISK, 0, 7, 0, PCIFIX_TRI_OFF);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_MULTIFUNCTION_OFF), 0);      /* alone: fine */
	dev_at(&f, PCIFIX_KIND_DISK, 0, 7, 3, PCIFIX_TRI_ABSENT);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_MULTIFUNCTION_OFF), 1);
	f0->multi = PCIFIX_TRI_ON;
	ck_assert_uint_eq(fired(&f, PCIFIX_R_MULTIFUNCTION_OFF), 0);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_MULTIFUNCTION_EXTRA), 0);
	dev_at(&f, PCIFIX_KIND_DISK, 0, 7, 4, PCIFIX_TRI_ON);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_MULTIFUNCTION_EXTRA), 1);
	teardown(&f);
}
END_TEST

START_TEST(test_partial_hostdev)
{
	struct fixture f;
	struct pcifix_device hidden, shown;
	struct pcifix_adev *a;

	setup(&f, "x86_64", "pc");
	memset(&hidden, 0, sizeof(hidden));
	hidden.kind = PCIFIX_KIND_HOSTDEV;
	hidden.type = "pci";
	hidden.has_host_addr = true;
	hidden.host_addr.bus = 0x81;
	hidden.host_addr.function = 0;
	hidden.addr.type = PCIFIX_ADDR_UNASSIGNED;
	shown = hidden;
	shown.host_addr.function = 1;
	shown.addr.type = PCIFIX_ADDR_PCI;

	a = pcifix_plan_new_adev(&f.plan);
	a->kind = PCIFIX_KIND_HOSTDEV;
	a->dev = &hidden;
	a->state = PCIFIX_A_OTHER;
	a = dev_at(&f, PCIFIX_KIND_HOSTDEV, 0, 6, 1, PCIFIX_TRI_ABSENT);
	a->dev = &shown;
	ck_assert_uint_eq(fired(&f, PCIFIX_R_PARTIAL_HOSTDEV), 1);
	/* In a guest slot of its own at function 0, the guest sees it. */
	a->addr.function = 0;
	ck_assert_uint_eq(fired(&f, PCIFIX_R_PARTIAL_HOSTDEV), 0);
	/* Nothing hidden: the card is whole, whatever its guest slot. */
	a->addr.function = 1;
	hidden.addr.type = PCIFIX_ADDR_PCI;
	ck_assert_uint_eq(fired(&f, PCIFIX_R_PARTIAL_HOSTDEV), 0);
	f.plan.devs[0]->dev = NULL;          /* the fixture's devices are on the stack */
	f.plan.devs[1]->dev = NULL;
	teardown(&f);
}
END_TEST

START_TEST(test_hotplug_capacity)
{
	struct fixture f;
	struct pcifix_adev *port, *nic;

	setup(&f, "x86_64", "q35");
	port = dev_at(&f, PCIFIX_KIND_CONTROLLER, 0, 2, 0, PCIFIX_TRI_ON);
	port->type = "pci";
	port->model = "pcie-root-port";
	port->index = 1;
	nic = dev_at(&f, PCIFIX_KIND_INTERFACE, 1, 0, 0, PCIFIX_TRI_ABSENT);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_HOTPLUG_CAPACITY), 1);
	nic->addr.bus = 0;                   /* the port is empty again */
	nic->addr.slot = 3;
	ck_assert_uint_eq(fired(&f, PCIFIX_R_HOTPLUG_CAPACITY), 0);
	port->hotplug = false;               /* an empty port with hotplug off is no room */
	ck_assert_uint_eq(fired(&f, PCIFIX_R_HOTPLUG_CAPACITY), 1);
	teardown(&f);

	/* Only PCIe machines hot-plug into root ports. */
	setup(&f, "x86_64", "pc");
	dev_at(&f, PCIFIX_KIND_INTERFACE, 0, 3, 0, PCIFIX_TRI_ABSENT);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_HOTPLUG_CAPACITY), 0);
	teardown(&f);
}
END_TEST

START_TEST(test_address_types)
{
	struct fixture f;
	struct pcifix_device d;
	struct pcifix_node node;
	struct pcifix_adev *a;

	setup(&f, "x86_64", "pc");
	memset(&d, 0, sizeof(d));
	memset(&node, 0, sizeof(node));
	d.kind = PCIFIX_KIND_HOSTDEV;
	d.type = "pci";
	d.addr.type = PCIFIX_ADDR_NONE;
	d.addr.type_name = "none";
	d.addr.node = &node;
	a = pcifix_plan_new_adev(&f.plan);
	a->kind = PCIFIX_KIND_HOSTDEV;
	a->dev = &d;
	a->state = PCIFIX_A_OTHER;
	ck_assert_uint_eq(fired(&f, PCIFIX_R_ADDRESS_NONE), 1);
	/* A disk on the IDE bus with a PCI address: libvirt refuses it. */
	d.kind = PCIFIX_KIND_DISK;
	d.type = "file";
	d.bus = "ide";
	d.name = "hda";
	d.addr.type = PCIFIX_ADDR_PCI;
	d.addr.type_name = "pci";
	ck_assert_uint_eq(fired(&f, PCIFIX_R_ADDRESS_NONE), 0);
	ck_assert_uint_eq(fired(&f, PCIFIX_R_ADDRESS_TYPE), 1);
	d.bus = "virtio";
	ck_assert_uint_eq(fired(&f, PCIFIX_R_ADDRESS_TYPE), 0);
	a->dev = NULL;
	teardown(&f);
}
END_TEST

static Suite *
lint_suite(void)
{
	Suite *su = suite_create("lint");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_function_zero);
	tcase_add_test(tc, test_function_zero_usb_set);
	tcase_add_test(tc, test_multifunction);
	tcase_add_test(tc, test_partial_hostdev);
	tcase_add_test(tc, test_hotplug_capacity);
	tcase_add_test(tc, test_address_types);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	SRunner *sr = srunner_create(lint_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
