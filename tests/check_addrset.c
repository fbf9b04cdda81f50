/* check_addrset.c - unit tests for addrset.c: reserving, finding, growing, and why it refuses. */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "engine.h"

static const unsigned DEV = PCIFIX_CF_PCI_DEVICE | PCIFIX_CF_HOTPLUG | PCIFIX_CF_AUTOASSIGN;
static const unsigned PCIE = PCIFIX_CF_PCIE_DEVICE | PCIFIX_CF_HOTPLUG | PCIFIX_CF_AUTOASSIGN;

/* A set with `nbuses` buses: 0 is `root`, the others `other`. */
static void
make(struct pcifix_addrset *s, size_t nbuses, bool dry, const char *root, const char *other)
{
	size_t i;

	pcifix_addrset_init(s, nbuses, dry);
	for (i = 0; i < nbuses; i++) {
		const struct pcifix_pci_model *m = pcifix_pci_model_find(i ? other : root);

		ck_assert_ptr_nonnull(m);
		pcifix_addrset_set_model(s, i, m, true);
	}
}

static struct pcifix_pci_addr
addr(unsigned bus, unsigned slot, unsigned fn)
{
	struct pcifix_pci_addr a = { 0, bus, slot, fn };

	return a;
}

/* reserve a, expecting `want`; the message is there exactly when it failed. */
static void
expect(struct pcifix_addrset *s, struct pcifix_pci_addr a, unsigned flags, enum pcifix_afail want)
{
	char *err = NULL;
	enum pcifix_afail got = pcifix_addrset_reserve(s, &a, flags, true, &err);

	ck_assert_msg(got == want, "%02x:%02x.%x: got %d, want %d (%s)", a.bus, a.slot, a.function,
		      (int)got, (int)want, err ? err : "no message");
	ck_assert(got == PCIFIX_AFAIL_NONE ? err == NULL : err != NULL);
	free(err);
}

START_TEST(test_reserve_reasons)
{
	struct pcifix_addrset s;

	make(&s, 2, false, "pci-root", "pci-bridge");
	expect(&s, addr(0, 3, 0), DEV, PCIFIX_AFAIL_NONE);
	expect(&s, addr(0, 3, 0), DEV, PCIFIX_AFAIL_DUPLICATE);
	expect(&s, addr(0, 3, 1), DEV, PCIFIX_AFAIL_NONE);
	expect(&s, addr(0, 0x20, 0), DEV, PCIFIX_AFAIL_INVALID);   /* slot > 0x1f */
	expect(&s, addr(1, 0, 0), DEV, PCIFIX_AFAIL_INVALID);      /* a pci-bridge's slot 0 */
	expect(&s, addr(2, 1, 0), DEV, PCIFIX_AFAIL_INVALID);      /* no bus 2, no growing */
	expect(&s, addr(0, 4, 8), DEV, PCIFIX_AFAIL_INVALID);      /* function > 7 */
	{
		struct pcifix_pci_addr a = { 1, 0, 5, 0 };

		expect(&s, a, DEV, PCIFIX_AFAIL_INVALID);           /* PCI domain 1 */
	}
	pcifix_addrset_free(&s);
}
END_TEST

START_TEST(test_next_lowest_and_full)
{
	struct pcifix_addrset s;
	struct pcifix_pci_addr a;
	char *err;
	unsigned slot;

	make(&s, 1, false, "pci-root", NULL);
	expect(&s, addr(0, 2, 0), DEV, PCIFIX_AFAIL_NONE);
	/* The lowest wholly free slot, skipping 0 (the host bridge) and 2. */
	ck_assert_int_eq(pcifix_addrset_reserve_next(&s, DEV, -1, &a, &err), PCIFIX_AFAIL_NONE);
	ck_assert_uint_eq(a.slot, 1);
	ck_assert_int_eq(pcifix_addrset_reserve_next(&s, DEV, -1, &a, &err), PCIFIX_AFAIL_NONE);
	ck_assert_uint_eq(a.slot, 3);
	for (slot = 4; slot <= 0x1f; slot++)
		ck_assert_int_eq(pcifix_addrset_reserve_next(&s, DEV, -1, &a, &err),
				 PCIFIX_AFAIL_NONE);
	/* Not a dry run: a full bus is the end. */
	ck_assert_int_eq(pcifix_addrset_reserve_next(&s, DEV, -1, &a, &err), PCIFIX_AFAIL_FULL);
	ck_assert_ptr_nonnull(err);
	free(err);
	ck_assert(pcifix_addrset_slot_in_use(&s, 0, 0x1f));
	ck_assert(!pcifix_addrset_any_empty_slot(&s));
	pcifix_addrset_free(&s);
}
END_TEST

START_TEST(test_dry_run_grows)
{
	struct pcifix_addrset s;
	struct pcifix_pci_addr a;
	char *err;
	size_t n;

	/* pc: a conventional device on a full root bus makes a pci-bridge. */
	make(&s, 1, true, "pci-root", NULL);
	for (n = 1; n <= 0x1f; n++)
		expect(&s, addr(0, (unsigned)n, 0), DEV, PCIFIX_AFAIL_NONE);
	ck_assert_int_eq(pcifix_addrset_reserve_next(&s, DEV, -1, &a, &err), PCIFIX_AFAIL_NONE);
	ck_assert_uint_eq(s.nbuses, 2);
	ck_assert_str_eq(s.buses[1].model->model, "pci-bridge");
	ck_assert_uint_eq(a.bus, 1);
	ck_assert_uint_eq(a.slot, s.buses[1].min_slot);
	pcifix_addrset_free(&s);

	/* q35: a PCIe device gets a root port of its own. */
	make(&s, 1, true, "pcie-root", NULL);
	ck_assert_int_eq(pcifix_addrset_reserve_next(&s, PCIE, -1, &a, &err), PCIFIX_AFAIL_NONE);
	ck_assert_uint_eq(a.bus, 1);
	ck_assert_str_eq(s.buses[1].model->model, "pcie-root-port");
	pcifix_addrset_free(&s);
}
END_TEST

START_TEST(test_aggregate_root_ports)
{
	struct pcifix_addrset s;
	struct pcifix_pci_addr a;
	char *err;
	unsigned fn;
	/* What a pcie-root-port asks of its bus, as the assigner passes it. */
	const unsigned port = pcifix_pci_model_find("pcie-root-port")->upstream;

	/* Root ports share a slot, eight functions, before the next slot. */
	make(&s, 1, false, "pcie-root", NULL);
	for (fn = 0; fn < 8; fn++) {
		ck_assert_int_eq(pcifix_addrset_reserve_next(&s, port, -1, &a, &err),
				 PCIFIX_AFAIL_NONE);
		ck_assert_uint_eq(a.slot, 1);
		ck_assert_uint_eq(a.function, fn);
	}
	ck_assert_int_eq(pcifix_addrset_reserve_next(&s, port, -1, &a, &err), PCIFIX_AFAIL_NONE);
	ck_assert_uint_eq(a.slot, 2);
	ck_assert_uint_eq(a.function, 0);
	pcifix_addrset_free(&s);
}
END_TEST

START_TEST(test_bus_limit)
{
	struct pcifix_addrset s;
	char *err = NULL;
	struct pcifix_pci_addr a = addr(255, 1, 0), b = addr(256, 1, 0);

	/* In a dry run a written bus makes the set grow, up to index 255. */
	make(&s, 1, true, "pci-root", NULL);
	ck_assert_int_eq(pcifix_addrset_reserve(&s, &a, DEV, true, &err), PCIFIX_AFAIL_NONE);
	ck_assert_uint_eq(s.nbuses, 256);
	ck_assert_int_ne(pcifix_addrset_reserve(&s, &b, DEV, true, &err), PCIFIX_AFAIL_NONE);
	ck_assert_ptr_nonnull(err);
	free(err);
	pcifix_addrset_free(&s);
}
END_TEST

static Suite *
addrset_suite(void)
{
	Suite *su = suite_create("addrset");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_reserve_reasons);
	tcase_add_test(tc, test_next_lowest_and_full);
	tcase_add_test(tc, test_dry_run_grows);
	tcase_add_test(tc, test_aggregate_root_ports);
	tcase_add_test(tc, test_bus_limit);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	SRunner *sr = srunner_create(addrset_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
