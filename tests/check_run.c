/* check_run.c - unit tests for run.c and diag.c: statuses, outputs, diagnostics formats. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcifix.h"

/* ---- inputs --------------------------------------------------------- */

/*
 * A domain as libvirt 9.0 writes it back: every PCI address is there and
 * libvirt adds nothing, so pcifix must not either.  Checked with
 * tests/libvirt/lv-assign (fed with type='qemu'): libvirt's result equals
 * this input for PCI purposes (tests/libvirt/compare.py).
 */
static const char valid_pc[] =
	"<domain type='kvm'>\n"
	"  <name>demo</name>\n"
	"  <memory unit='KiB'>1048576</memory>\n"
	"  <os>\n"
	"    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>\n"
	"  </os>\n"
	"  <devices>\n"
	"    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
	"    <disk type='file' device='disk'>\n"
	"      <driver name='qemu' type='qcow2'/>\n"
	"      <source file='/var/lib/libvirt/images/demo.qcow2'/>\n"
	"      <target dev='vda' bus='virtio'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>\n"
	"    </disk>\n"
	"    <controller type='usb' index='0' model='piix3-uhci'>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='0' model='pci-root'/>\n"
	"    <controller type='ide' index='0'>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x1'/>\n"
	"    </controller>\n"
	"    <interface type='network'>\n"
	"      <mac address='52:54:00:12:34:56'/>\n"
	"      <source network='default'/>\n"
	"      <model type='virtio'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>\n"
	"    </interface>\n"
	"    <input type='mouse' bus='ps2'/>\n"
	"    <input type='keyboard' bus='ps2'/>\n"
	"    <video>\n"
	"      <model type='cirrus' vram='16384' heads='1' primary='yes'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
	"    </video>\n"
	"    <memballoon model='virtio'>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>\n"
	"    </memballoon>\n"
	"  </devices>\n"
	"</domain>\n";

static const char valid_pc_list[] =
	": kvm x86_64, machine pc-i440fx-7.2 (pc)\n"
	"bus 0: pci-root  (line 18)\n"
	"  00:01.1  controller ide 0  (line 19)\n"
	"  00:01.2  controller usb 0 (piix3-uhci)  (line 15)\n"
	"  00:02.0  video (cirrus)  (line 30)\n"
	"  00:03.0  interface 52:54:00:12:34:56 (virtio)  (line 22)\n"
	"  00:04.0  disk vda (virtio)  (line 9)\n"
	"  00:05.0  memballoon (virtio)  (line 34)\n";

/*
 * The same for q35, with CRLF line ends: complete as it is (lv-assign, given
 * it with a <name>, <memory> and <emulator> added, changes no PCI address
 * and adds no PCI controller; no spare root port, as the user wrote them),
 * and nothing to warn about (root port 2 is empty, for hot-plugging).
 */
static const char valid_q35[] =
	"<domain type='qemu'>\r\n"
	"  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>\r\n"
	"  <devices>\r\n"
	"    <controller type='usb' index='0' model='none'/>\r\n"
	"    <controller type='sata' index='0'>\r\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>\r\n"
	"    </controller>\r\n"
	"    <controller type='pci' index='0' model='pcie-root'/>\r\n"
	"    <controller type='pci' index='1' model='pcie-root-port'>\r\n"
	"      <model name='pcie-root-port'/>\r\n"
	"      <target chassis='1' port='0x10'/>\r\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>\r\n"
	"    </controller>\r\n"
	"    <controller type='pci' index='2' model='pcie-root-port'>\r\n"
	"      <model name='pcie-root-port'/>\r\n"
	"      <target chassis='2' port='0x11'/>\r\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x1'/>\r\n"
	"    </controller>\r\n"
	"    <interface type='user'>\r\n"
	"      <mac address='52:54:00:00:00:01'/>\r\n"
	"      <model type='virtio'/>\r\n"
	"      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\r\n"
	"    </interface>\r\n"
	"    <input type='mouse' bus='ps2'/>\r\n"
	"    <input type='keyboard' bus='ps2'/>\r\n"
	"    <memballoon model='none'/>\r\n"
	"  </devices>\r\n"
	"</domain>\r\n";

static const char valid_q35_list[] =
	": qemu x86_64, machine pc-q35-7.2 (q35)\n"
	"bus 0: pcie-root  (line 8)\n"
	"  00:02.0  controller pci 1 (pcie-root-port) multifunction=on name=pcie-root-port "
	"chassis=1 port=0x10  (line 9)\n"
	"    01:00.0  interface 52:54:00:00:00:01 (virtio)  (line 19)\n"
	"  00:02.1  controller pci 2 (pcie-root-port) name=pcie-root-port chassis=2 port=0x11  "
	"(line 14)\n"
	"  00:1f.2  controller sata 0  (line 5)\n";

/*
 * A q35 domain without any address, and what pcifix makes of it.  Every
 * address and controller added here is libvirt 9.0's: tests/libvirt/lv-assign
 * on fresh_q35 and tests/libvirt/compare.py against fresh_q35_fixed find no
 * difference (the e1000 needs conventional PCI: root port 2 + bridge 3 in the
 * dry run, the bridge lands in root port 1; the spare root port is 7).
 */
static const char fresh_q35[] =
	"<domain type='qemu'>\n"
	"  <name>fresh</name>\n"
	"  <memory unit='KiB'>1048576</memory>\n"
	"  <os>\n"
	"    <type arch='x86_64' machine='q35'>hvm</type>\n"
	"  </os>\n"
	"  <devices>\n"
	"    <disk type='file' device='disk'>\n"
	"      <source file='/var/lib/libvirt/images/fresh.qcow2'/>\n"
	"      <target dev='vda' bus='virtio'/>\n"
	"    </disk>\n"
	"    <interface type='user'>\n"
	"      <mac address='52:54:00:00:00:02'/>\n"
	"      <model type='virtio'/>\n"
	"    </interface>\n"
	"    <interface type='user'>\n"
	"      <mac address='52:54:00:00:00:03'/>\n"
	"      <model type='e1000'/>\n"
	"    </interface>\n"
	"    <video>\n"
	"      <model type='vga'/>\n"
	"    </video>\n"
	"  </devices>\n"
	"</domain>\n";

static const char fresh_q35_fixed[] =
	"<domain type='qemu'>\n"
	"  <name>fresh</name>\n"
	"  <memory unit='KiB'>1048576</memory>\n"
	"  <os>\n"
	"    <type arch='x86_64' machine='q35'>hvm</type>\n"
	"  </os>\n"
	"  <devices>\n"
	"    <disk type='file' device='disk'>\n"
	"      <source file='/var/lib/libvirt/images/fresh.qcow2'/>\n"
	"      <target dev='vda' bus='virtio'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>\n"
	"    </disk>\n"
	"    <controller type='usb' index='0' model='qemu-xhci'>\n"
	"      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>\n"
	"    </controller>\n"
	"    <controller type='sata' index='0'>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='0' model='pcie-root'/>\n"
	"    <controller type='pci' index='1' model='pcie-root-port'>\n"
	"      <model name='pcie-root-port'/>\n"
	"      <target chassis='1' port='0x10'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='2' model='pcie-root-port'>\n"
	"      <model name='pcie-root-port'/>\n"
	"      <target chassis='2' port='0x11'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x1'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='3' model='pcie-to-pci-bridge'>\n"
	"      <model name='pcie-pci-bridge'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='4' model='pcie-root-port'>\n"
	"      <model name='pcie-root-port'/>\n"
	"      <target chassis='4' port='0x12'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x2'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='5' model='pcie-root-port'>\n"
	"      <model name='pcie-root-port'/>\n"
	"      <target chassis='5' port='0x13'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x3'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='6' model='pcie-root-port'>\n"
	"      <model name='pcie-root-port'/>\n"
	"      <target chassis='6' port='0x14'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x4'/>\n"
	"    </controller>\n"
	"    <controller type='pci' index='7' model='pcie-root-port'>\n"
	"      <model name='pcie-root-port'/>\n"
	"      <target chassis='7' port='0x15'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x5'/>\n"
	"    </controller>\n"
	"    <interface type='user'>\n"
	"      <mac address='52:54:00:00:00:02'/>\n"
	"      <model type='virtio'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>\n"
	"    </interface>\n"
	"    <interface type='user'>\n"
	"      <mac address='52:54:00:00:00:03'/>\n"
	"      <model type='e1000'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x03' slot='0x01' function='0x0'/>\n"
	"    </interface>\n"
	"    <video>\n"
	"      <model type='vga'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>\n"
	"    </video>\n"
	"    <memballoon model='virtio'>\n"
	"      <address type='pci' domain='0x0000' bus='0x06' slot='0x00' function='0x0'/>\n"
	"    </memballoon>\n"
	"  </devices>\n"
	"</domain>\n";

/* --list of fresh_q35: what was added and what was assigned, as a tree. */
static const char fresh_q35_list[] =
	": qemu x86_64, machine q35 (q35)\n"
	"bus 0: pcie-root  (added)\n"
	"  00:01.0  video (vga)  (line 20, assigned)\n"
	"  00:02.0  controller pci 1 (pcie-root-port) multifunction=on name=pcie-root-port "
	"chassis=1 port=0x10  (added)\n"
	"    01:00.0  controller pci 3 (pcie-to-pci-bridge) name=pcie-pci-bridge  (added)\n"
	"      03:01.0  interface 52:54:00:00:00:03 (e1000)  (line 16, assigned)\n"
	"  00:02.1  controller pci 2 (pcie-root-port) name=pcie-root-port chassis=2 port=0x11  (added)\n"
	"    02:00.0  interface 52:54:00:00:00:02 (virtio)  (line 12, assigned)\n"
	"  00:02.2  controller pci 4 (pcie-root-port) name=pcie-root-port chassis=4 port=0x12  (added)\n"
	"    04:00.0  controller usb 0 (qemu-xhci)  (added)\n"
	"  00:02.3  controller pci 5 (pcie-root-port) name=pcie-root-port chassis=5 port=0x13  (added)\n"
	"    05:00.0  disk vda (virtio)  (line 8, assigned)\n"
	"  00:02.4  controller pci 6 (pcie-root-port) name=pcie-root-port chassis=6 port=0x14  (added)\n"
	"    06:00.0  memballoon (virtio)  (added)\n"
	"  00:02.5  controller pci 7 (pcie-root-port) name=pcie-root-port chassis=7 port=0x15  (added)\n"
	"  00:1f.2  controller sata 0  (added)\n";

/* ---- a small JSON checker ------------------------------------------- */

static const char *json_value(const char *p);

static const char *
json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *
json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) || p[i] == '\0')
						return NULL;
				p += 4;
			} else if (*p == '\0' || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return p + 1;
}

static const char *
json_number(const char *p)
{
	const char *s = p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	return p > s ? p : NULL;
}

static const char *
json_value(const char *p)
{
	p = json_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';

		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				p = json_string(json_ws(p));
				if (p == NULL || *(p = json_ws(p)) != ':')
					return NULL;
				p++;
			}
			p = json_value(p);
			if (p == NULL)
				return NULL;
			p = json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p != ',')
				return NULL;
			p++;
		}
	}
	if (*p == '"')
		return json_string(p);
	if (strncmp(p, "true", 4) == 0)
		return p + 4;
	if (strncmp(p, "false", 5) == 0)
		return p + 5;
	if (strncmp(p, "null", 4) == 0)
		return p + 4;
	return json_number(p);
}

/* `s` is exactly one JSON object followed by a newline. */
static bool
is_json_line(const char *s, size_t len)
{
	const char *end;

	if (len == 0 || s[0] != '{' || s[len - 1] != '\n')
		return false;
	end = json_value(s);
	return end != NULL && end == s + len - 1;
}

START_TEST(test_json_checker)
{
	/* The checker itself must tell good from bad, or the tests below prove nothing. */
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{ "{}\n", true },
		{ "{\"a\":[1,-2,null,\"x\\\"y\\u00e9\",{\"b\":false},true,[]]}\n", true },
		{ "{\"a\":}\n", false },
		{ "{\"a\":1,}\n", false },
		{ "{\"a\":\"\x01\"}\n", false },
		{ "{\"a\":\"\\x\"}\n", false },
		{ "{\"a\":\"\\u12\"}\n", false },
		{ "{\"a\":1}{}\n", false },
		{ "{\"a\":1}", false },
		{ "{\"a\":1\n", false },
		{ "{a:1}\n", false },
		{ "{\"a\":01}\n", false },
		{ "[1]\n", false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(is_json_line(cases[i].s, strlen(cases[i].s)) == cases[i].ok, "%s",
			      cases[i].s);
}
END_TEST

/* ---- helpers -------------------------------------------------------- */

static char basedir[64];
static char tmpdir[96];

static void
rm_rf(const char *dir)
{
	char *cmd = pcifix_xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
}

static void
base_setup(void)
{
	strcpy(basedir, "/tmp/pcifix-check-run-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(basedir));
}

static void
base_teardown(void)
{
	rm_rf(basedir);
}

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/t-XXXXXX", basedir);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	rm_rf(tmpdir);
}

/* Write `data` to a file in the test's directory; returns its path. */
static char *
file_with(const char *name, const char *data)
{
	char *p = pcifix_xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(p, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, strlen(data), f), strlen(data));
	ck_assert_int_eq(fclose(f), 0);
	return p;
}

static char *
slurp(FILE *f, size_t *len)
{
	struct pcifix_buf b;
	char chunk[4096];
	size_t n;

	rewind(f);
	pcifix_buf_init(&b);
	pcifix_buf_add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		pcifix_buf_add(&b, chunk, n);
	*len = b.len;
	return pcifix_buf_steal(&b);
}

static char *
slurp_path(const char *p)
{
	FILE *f = fopen(p, "rb");
	size_t len;
	char *s;

	ck_assert_ptr_nonnull(f);
	s = slurp(f, &len);
	fclose(f);
	return s;
}

/* Run pcifix_run() on `files`; the outputs are returned as strings. */
struct result {
	enum pcifix_exit status;
	char *out;
	size_t out_len;
	char *err;
	size_t err_len;
};

static void
run(const struct pcifix_opts *opts, struct result *r)
{
	FILE *out = tmpfile();
	FILE *err;
	char *errbuf = NULL;
	size_t errlen = 0;

	ck_assert_ptr_nonnull(out);
	err = open_memstream(&errbuf, &errlen);
	ck_assert_ptr_nonnull(err);
	r->status = pcifix_run(opts, out, err);
	r->out = slurp(out, &r->out_len);
	fclose(out);
	ck_assert_int_eq(fclose(err), 0);
	r->err = errbuf;
	r->err_len = errlen;
}

static void
result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && strcmp(s + n - k, tail) == 0;
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (*s == '\n')
			n++;
	return n;
}

/* ---- pcifix_process_buffer ------------------------------------------ */

static const struct {
	const char *what;
	const char *xml;
	enum pcifix_mode mode;
	bool check;
	enum pcifix_exit status;
	const char *rule;          /* the one diagnostic, or NULL for none */
	unsigned line;
} buffer_cases[] = {
	{ "valid, print", valid_pc, PCIFIX_MODE_PRINT, false, PCIFIX_EXIT_OK, NULL, 0 },
	{ "valid, check", valid_pc, PCIFIX_MODE_CHECK, true, PCIFIX_EXIT_OK, NULL, 0 },
	{ "valid, diff", valid_pc, PCIFIX_MODE_DIFF, false, PCIFIX_EXIT_OK, NULL, 0 },
	{ "valid, diff --check", valid_pc, PCIFIX_MODE_DIFF, true, PCIFIX_EXIT_OK, NULL, 0 },
	{ "valid, list", valid_pc, PCIFIX_MODE_LIST, false, PCIFIX_EXIT_OK, NULL, 0 },
	{ "valid q35, print", valid_q35, PCIFIX_MODE_PRINT, false, PCIFIX_EXIT_OK, NULL, 0 },
	{ "not XML", "<domain>\n<devices>\n</domain>\n", PCIFIX_MODE_PRINT, false,
	  PCIFIX_EXIT_INPUT, "xml-syntax", 3 },
	{ "not XML, check", "<domain>\n<devices>\n</domain>\n", PCIFIX_MODE_CHECK, true,
	  PCIFIX_EXIT_INPUT, "xml-syntax", 3 },
	{ "empty", "", PCIFIX_MODE_PRINT, false, PCIFIX_EXIT_INPUT, "empty-file", 0 },
	{ "not a domain", "<network>\n</network>\n", PCIFIX_MODE_LIST, false, PCIFIX_EXIT_INPUT,
	  "not-domain", 1 },
	{ "bad slot", "<domain>\n<devices>\n<disk><address type='pci' slot='0x20'/></disk>\n"
	  "</devices>\n</domain>\n", PCIFIX_MODE_PRINT, false, PCIFIX_EXIT_INPUT,
	  "address-range", 3 },
	{ "bad slot, check", "<domain>\n<devices>\n<disk><address type='pci' slot='zz'/></disk>\n"
	  "</devices>\n</domain>\n", PCIFIX_MODE_CHECK, true, PCIFIX_EXIT_INPUT, "bad-number", 3 },
	{ "entity", "<!DOCTYPE domain [<!ENTITY e 'x'>]>\n<domain>&e;</domain>\n",
	  PCIFIX_MODE_PRINT, false, PCIFIX_EXIT_INPUT, "xml-entity", 1 },
};

START_TEST(test_process_buffer)
{
	struct pcifix_opts opts;
	struct pcifix_diags d;
	struct pcifix_buf out;
	enum pcifix_exit st;
	const char *xml = buffer_cases[_i].xml;

	memset(&opts, 0, sizeof(opts));
	opts.mode = buffer_cases[_i].mode;
	opts.check = buffer_cases[_i].check;
	pcifix_diags_init(&d);
	pcifix_buf_init(&out);
	st = pcifix_process_buffer("b.xml", xml, strlen(xml), &opts, &out, &d);
	ck_assert_msg(st == buffer_cases[_i].status, "%s: status %d", buffer_cases[_i].what, st);
	if (buffer_cases[_i].rule == NULL) {
		ck_assert_msg(d.n == 0, "%s: %s", buffer_cases[_i].what, d.n ? d.v[0].message : "");
	} else {
		ck_assert_uint_eq(d.n, 1);
		ck_assert_str_eq(d.v[0].rule->id, buffer_cases[_i].rule);
		ck_assert_str_eq(d.v[0].file, "b.xml");
		if (buffer_cases[_i].line)
			ck_assert_uint_eq(d.v[0].line, buffer_cases[_i].line);
		ck_assert_uint_eq(out.len, 0);
	}
	if (st == PCIFIX_EXIT_OK) {
		switch (opts.mode) {
		case PCIFIX_MODE_PRINT:
		case PCIFIX_MODE_IN_PLACE:
			/* Nothing to add: the output is the input, byte for byte. */
			ck_assert_uint_eq(out.len, strlen(xml));
			ck_assert_mem_eq(out.data, xml, out.len);
			break;
		case PCIFIX_MODE_CHECK:
		case PCIFIX_MODE_DIFF:
			ck_assert_uint_eq(out.len, 0);
			break;
		case PCIFIX_MODE_LIST:
			ck_assert(out.len > 0);
			ck_assert(strncmp(out.data, "b.xml: ", 7) == 0);
			break;
		}
	}
	pcifix_buf_free(&out);
	pcifix_diags_free(&d);
}
END_TEST

START_TEST(test_process_buffer_not_terminated)
{
	struct pcifix_opts opts;
	struct pcifix_diags d;
	struct pcifix_buf out;
	char *xml = pcifix_xasprintf("%sGARBAGE", valid_pc);

	/* Only `len` bytes count: what follows them is not read. */
	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_PRINT;
	pcifix_diags_init(&d);
	pcifix_buf_init(&out);
	ck_assert_int_eq(pcifix_process_buffer("b.xml", xml, strlen(valid_pc), &opts, &out, &d),
			 PCIFIX_EXIT_OK);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(out.len, strlen(valid_pc));
	ck_assert_mem_eq(out.data, valid_pc, out.len);
	pcifix_buf_free(&out);
	pcifix_diags_free(&d);
	free(xml);
}
END_TEST

START_TEST(test_process_buffer_assigns)
{
	struct pcifix_opts opts;
	struct pcifix_diags d;
	struct pcifix_buf out;

	/* The addresses libvirt would give, spliced into the input. */
	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_PRINT;
	pcifix_diags_init(&d);
	pcifix_buf_init(&out);
	ck_assert_int_eq(pcifix_process_buffer("f.xml", fresh_q35, strlen(fresh_q35), &opts,
					       &out, &d), PCIFIX_EXIT_OK);
	ck_assert_msg(d.n == 0, "%s", d.n ? d.v[0].message : "");
	ck_assert_str_eq(out.data, fresh_q35_fixed);
	pcifix_buf_free(&out);

	/* The result is complete: a second run changes nothing. */
	pcifix_buf_init(&out);
	ck_assert_int_eq(pcifix_process_buffer("f.xml", fresh_q35_fixed, strlen(fresh_q35_fixed),
					       &opts, &out, &d), PCIFIX_EXIT_OK);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_str_eq(out.data, fresh_q35_fixed);
	pcifix_buf_free(&out);

	/* --check: the input would change (1), the result would not (0). */
	opts.mode = PCIFIX_MODE_CHECK;
	opts.check = true;
	pcifix_buf_init(&out);
	ck_assert_int_eq(pcifix_process_buffer("f.xml", fresh_q35, strlen(fresh_q35), &opts,
					       &out, &d), PCIFIX_EXIT_CHECK);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(pcifix_process_buffer("f.xml", fresh_q35_fixed, strlen(fresh_q35_fixed),
					       &opts, &out, &d), PCIFIX_EXIT_OK);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_uint_eq(d.n, 0);
	pcifix_buf_free(&out);
	pcifix_diags_free(&d);
}
END_TEST

/* ---- pcifix_run ----------------------------------------------------- */

START_TEST(test_run_print)
{
	char *good = file_with("good.xml", valid_pc);
	const char *files[] = { good };
	struct pcifix_opts opts;
	struct result r;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_PRINT;
	opts.files = files;
	opts.nfiles = 1;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_OK);
	ck_assert_uint_eq(r.out_len, strlen(valid_pc));
	ck_assert_mem_eq(r.out, valid_pc, r.out_len);
	ck_assert_uint_eq(r.err_len, 0);
	result_free(&r);
	free(good);
}
END_TEST

START_TEST(test_run_print_assigns)
{
	char *p = file_with("fresh.xml", fresh_q35);
	const char *files[] = { p };
	struct pcifix_opts opts;
	struct result r;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_PRINT;
	opts.files = files;
	opts.nfiles = 1;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_OK);
	ck_assert_msg(r.err_len == 0, "%s", r.err);
	ck_assert_str_eq(r.out, fresh_q35_fixed);
	result_free(&r);
	free(p);
}
END_TEST

START_TEST(test_run_check_would_change)
{
	char *a = file_with("a.xml", valid_pc), *f = file_with("fresh.xml", fresh_q35);
	const char *files[] = { a, f };
	struct pcifix_opts opts;
	struct result r;
	char *want;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_CHECK;
	opts.check = true;
	opts.files = files;
	opts.nfiles = 2;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_CHECK);
	ck_assert_uint_eq(r.out_len, 0);
	/* Only the incomplete file is named, with the command that fixes it. */
	want = pcifix_xasprintf("pcifix: %s: error: pcifix would change this file [would-change]\n"
				"pcifix: %s: hint: run 'pcifix -i %s' and review the result\n",
				f, f, f);
	ck_assert_str_eq(r.err, want);
	free(want);
	result_free(&r);
	free(a);
	free(f);
}
END_TEST

START_TEST(test_run_diff_assigns)
{
	char *f = file_with("fresh.xml", fresh_q35);
	const char *files[] = { f };
	struct pcifix_opts opts;
	struct result r;
	char *want;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_DIFF;
	opts.files = files;
	opts.nfiles = 1;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_OK);
	ck_assert_uint_eq(r.err_len, 0);
	/* Labelled as git does: a/PATH with the absolute path's '/' dropped. */
	want = pcifix_xasprintf("--- a/%s\n+++ b/%s\n@@ -8,17 +8,65 @@\n", f + 1, f + 1);
	ck_assert_msg(strncmp(r.out, want, strlen(want)) == 0, "%s", r.out);
	free(want);
	/* Only added lines: 48 of them, and none taken away. */
	ck_assert_ptr_nonnull(strstr(r.out, "\n+      <address type='pci' domain='0x0000' "
				     "bus='0x05' slot='0x00' function='0x0'/>\n     </disk>\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "\n+    <memballoon model='virtio'>\n"));
	ck_assert_ptr_null(strstr(r.out, "\n-"));
	result_free(&r);
	opts.check = true;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_CHECK);
	ck_assert_ptr_nonnull(strstr(r.err, "[would-change]"));
	result_free(&r);
	free(f);
}
END_TEST

START_TEST(test_run_in_place_rewrites)
{
	char *p = file_with("dom.xml", fresh_q35);
	const char *files[] = { p };
	struct pcifix_opts opts;
	struct result r;
	struct stat before, after;
	char *got;

	ck_assert_int_eq(chmod(p, 0640), 0);
	ck_assert_int_eq(stat(p, &before), 0);
	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_IN_PLACE;
	opts.files = files;
	opts.nfiles = 1;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_OK);
	ck_assert_uint_eq(r.out_len, 0);
	ck_assert_uint_eq(r.err_len, 0);
	got = slurp_path(p);
	ck_assert_str_eq(got, fresh_q35_fixed);
	free(got);
	/* A new file renamed over the old one, with the old one's mode. */
	ck_assert_int_eq(stat(p, &after), 0);
	ck_assert(before.st_ino != after.st_ino);
	ck_assert_uint_eq(after.st_mode & 07777, 0640);
	result_free(&r);
	free(p);
}
END_TEST

START_TEST(test_run_check_valid)
{
	char *a = file_with("a.xml", valid_pc), *b = file_with("b.xml", valid_q35);
	const char *files[] = { a, b };
	struct pcifix_opts opts;
	struct result r;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_CHECK;
	opts.check = true;
	opts.files = files;
	opts.nfiles = 2;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_OK);
	ck_assert_uint_eq(r.out_len, 0);
	ck_assert_msg(r.err_len == 0, "%s", r.err);
	result_free(&r);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_run_worst_status)
{
	char *good = file_with("good.xml", valid_pc);
	char *bad = file_with("bad.xml", "<domain>\n<devices>\n</domain>\n");
	char *range = file_with("range.xml", "<domain>\n<devices>\n<video><address type='pci' "
				"slot='0x20'/></video>\n</devices>\n</domain>\n");
	char *missing = pcifix_xasprintf("%s/missing.xml", tmpdir);
	const char *files3[] = { good, bad, range };
	const char *files4[] = { bad, missing, good };
	struct pcifix_opts opts;
	struct result r;
	char *want;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_PRINT;
	opts.files = files3;
	opts.nfiles = 3;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_INPUT);
	/* The good file is still printed; each bad one gets its diagnostic. */
	ck_assert_uint_eq(r.out_len, strlen(valid_pc));
	ck_assert_mem_eq(r.out, valid_pc, r.out_len);
	ck_assert_uint_eq(count_lines(r.err), 2);
	want = pcifix_xasprintf("pcifix: %s:3: error: ", bad);
	ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
	free(want);
	ck_assert_ptr_nonnull(strstr(r.err, "[xml-syntax]\n"));
	want = pcifix_xasprintf("pcifix: %s:3: error: invalid PCI address slot='0x20', must be "
				"<= 0x1F [address-range]\n", range);
	ck_assert_msg(strstr(r.err, want) != NULL, "%s", r.err);
	free(want);
	result_free(&r);

	/* An unreadable file makes it 4, and processing goes on after it. */
	opts.files = files4;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_IO);
	ck_assert_uint_eq(r.out_len, strlen(valid_pc));
	ck_assert_uint_eq(count_lines(r.err), 2);
	want = pcifix_xasprintf("pcifix: %s: error: cannot open: %s [io-error]\n", missing,
				strerror(ENOENT));
	ck_assert_msg(strstr(r.err, want) != NULL, "%s", r.err);
	free(want);
	ck_assert_ptr_nonnull(strstr(r.err, "[xml-syntax]\n"));
	/* In the order of the files. */
	ck_assert(strstr(r.err, "[xml-syntax]") < strstr(r.err, "[io-error]"));
	result_free(&r);
	free(good);
	free(bad);
	free(range);
	free(missing);
}
END_TEST

START_TEST(test_run_json_diagnostics)
{
	char *bad = file_with("bad \"q\".xml", "<domain>\n<devices>\n</domain>\n");
	char *range = file_with("range.xml", "<domain>\n<devices>\n\n<video><address type='pci' "
				"bus='0x100' slot='1'/></video>\n</devices>\n</domain>\n");
	char *missing = pcifix_xasprintf("%s/missing.xml", tmpdir);
	const char *files[] = { bad, range, missing };
	struct pcifix_opts opts;
	struct result r;
	struct pcifix_buf want;
	char *line, *save = NULL;
	int n = 0;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_PRINT;
	opts.format = PCIFIX_FORMAT_JSON;
	opts.files = files;
	opts.nfiles = 3;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_IO);
	ck_assert_uint_eq(r.out_len, 0);
	ck_assert_uint_eq(count_lines(r.err), 3);

	/* One object per line, each valid JSON. */
	for (line = strtok_r(r.err, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *l = pcifix_xasprintf("%s\n", line);

		ck_assert_msg(is_json_line(l, strlen(l)), "not a JSON object: %s", line);
		ck_assert_ptr_nonnull(strstr(l, ",\"severity\":\"error\",\"rule\":\""));
		ck_assert_ptr_nonnull(strstr(l, ",\"message\":\""));
		ck_assert(ends_with(l, ",\"hint\":null}\n") || strstr(l, ",\"hint\":\"") != NULL);
		free(l);
		n++;
		if (n == 1) {
			/* The file name is escaped. */
			pcifix_buf_init(&want);
			pcifix_buf_puts(&want, "{\"file\":");
			pcifix_buf_json_string(&want, bad);
			pcifix_buf_puts(&want, ",\"line\":3,\"severity\":\"error\",\"rule\":\"xml-syntax\","
					"\"message\":\"");
			ck_assert_msg(strncmp(line, want.data, want.len) == 0, "%s\nwant %s", line,
				      want.data);
			ck_assert_ptr_nonnull(strstr(bad, "\"q\""));
			pcifix_buf_free(&want);
		} else if (n == 2) {
			pcifix_buf_init(&want);
			pcifix_buf_puts(&want, "{\"file\":");
			pcifix_buf_json_string(&want, range);
			pcifix_buf_puts(&want, ",\"line\":4,\"severity\":\"error\",\"rule\":\"address-range\","
					"\"message\":\"invalid PCI address bus='0x100', must be <= 0xFF\","
					"\"hint\":null}");
			ck_assert_str_eq(line, want.data);
			pcifix_buf_free(&want);
		} else {
			pcifix_buf_init(&want);
			pcifix_buf_puts(&want, "{\"file\":");
			pcifix_buf_json_string(&want, missing);
			pcifix_buf_printf(&want, ",\"line\":0,\"severity\":\"error\",\"rule\":\"io-error\","
					  "\"message\":\"cannot open: %s\",\"hint\":null}",
					  strerror(ENOENT));
			ck_assert_str_eq(line, want.data);
			pcifix_buf_free(&want);
		}
	}
	ck_assert_int_eq(n, 3);
	result_free(&r);
	free(bad);
	free(range);
	free(missing);
}
END_TEST

START_TEST(test_run_list_text)
{
	char *a = file_with("a.xml", valid_pc), *b = file_with("b.xml", valid_q35);
	char *c = file_with("c.xml", fresh_q35);
	const char *files[] = { a, b, c };
	struct pcifix_opts opts;
	struct result r;
	char *want;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_LIST;
	opts.files = files;
	opts.nfiles = 3;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_OK);
	ck_assert_uint_eq(r.err_len, 0);
	/*
	 * The topology after assignment, one file after the other: complete
	 * domains list only lines of the file; fresh_q35 lists what pcifix
	 * added and assigned (libvirt's own layout, see fresh_q35).
	 */
	want = pcifix_xasprintf("%s%s%s%s%s%s", a, valid_pc_list, b, valid_q35_list, c,
				fresh_q35_list);
	ck_assert_msg(strcmp(r.out, want) == 0, "got:\n%s\nwant:\n%s", r.out, want);
	result_free(&r);
	free(want);
	free(a);
	free(b);
	free(c);
}
END_TEST

/* The number of times `needle` occurs in `s`. */
static size_t
count_str(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

START_TEST(test_run_list_json)
{
	char *a = file_with("a.xml", valid_pc), *b = file_with("b.xml", valid_q35);
	char *c = file_with("c.xml", fresh_q35);
	const char *files[] = { a, b, c };
	struct pcifix_opts opts;
	struct result r;
	char *line[3], *p;
	static const char *const want_a[] = {
		"\"type\":\"kvm\"",
		"\"arch\":\"x86_64\"",
		"\"machine\":\"pc-i440fx-7.2\"",
		"\"family\":\"pc\"",
		"\"assigned\":true",
		/* One bus, its controller from the file, its devices by address. */
		"\"buses\":[{\"index\":0,\"controller\":{\"kind\":\"controller\","
		"\"description\":\"controller pci 0 (pci-root)\",\"line\":18,\"origin\":\"file\","
		"\"address\":null,\"multifunction\":null,\"provides_bus\":0,\"model\":\"pci-root\","
		"\"model_name\":null,\"chassisNr\":-1,\"chassis\":-1,\"port\":-1,\"busNr\":-1,"
		"\"targetIndex\":-1,\"hotplug\":true},\"devices\":["
		"{\"kind\":\"controller\",\"description\":\"controller ide 0\",\"line\":19,"
		"\"origin\":\"file\",\"address\":\"0000:00:01.1\",\"multifunction\":null},"
		"{\"kind\":\"controller\",\"description\":\"controller usb 0 (piix3-uhci)\",\"line\":15,"
		"\"origin\":\"file\",\"address\":\"0000:00:01.2\",\"multifunction\":null},"
		"{\"kind\":\"video\",\"description\":\"video (cirrus)\",\"line\":30,"
		"\"origin\":\"file\",\"address\":\"0000:00:02.0\",\"multifunction\":null},"
		"{\"kind\":\"interface\",\"description\":\"interface 52:54:00:12:34:56 (virtio)\","
		"\"line\":22,\"origin\":\"file\",\"address\":\"0000:00:03.0\",\"multifunction\":null},"
		"{\"kind\":\"disk\",\"description\":\"disk vda (virtio)\",\"line\":9,"
		"\"origin\":\"file\",\"address\":\"0000:00:04.0\",\"multifunction\":null},"
		"{\"kind\":\"memballoon\",\"description\":\"memballoon (virtio)\",\"line\":34,"
		"\"origin\":\"file\",\"address\":\"0000:00:05.0\",\"multifunction\":null}]}],",
		"\"orphans\":[],\"unaddressed\":[],\"unassigned\":[]}",
	};
	static const char *const want_b[] = {
		"\"family\":\"q35\"",
		"\"buses\":[{\"index\":0,\"controller\":{\"kind\":\"controller\","
		"\"description\":\"controller pci 0 (pcie-root)\",\"line\":8,\"origin\":\"file\"",
		/* Root port 1 is a device on bus 0 and the controller of bus 1. */
		"\"devices\":[{\"kind\":\"controller\",\"description\":\"controller pci 1 "
		"(pcie-root-port)\",\"line\":9,\"origin\":\"file\",\"address\":\"0000:00:02.0\","
		"\"multifunction\":\"on\",\"provides_bus\":1,\"model\":\"pcie-root-port\","
		"\"model_name\":\"pcie-root-port\",\"chassisNr\":-1,\"chassis\":1,\"port\":16,"
		"\"busNr\":-1,\"targetIndex\":-1,\"hotplug\":true},{\"kind\":\"controller\","
		"\"description\":\"controller pci 2 (pcie-root-port)\",\"line\":14,",
		"{\"kind\":\"controller\","
		"\"description\":\"controller sata 0\",\"line\":5,\"origin\":\"file\","
		"\"address\":\"0000:00:1f.2\",\"multifunction\":null}]}",
		"{\"index\":1,\"controller\":{\"kind\":\"controller\",\"description\":"
		"\"controller pci 1 (pcie-root-port)\",\"line\":9,",
		"\"devices\":[{\"kind\":\"interface\",\"description\":\"interface 52:54:00:00:00:01 "
		"(virtio)\",\"line\":19,\"origin\":\"file\",\"address\":\"0000:01:00.0\","
		"\"multifunction\":null}]}",
		/* The empty root port: a bus without devices. */
		"{\"index\":2,\"controller\":{\"kind\":\"controller\",\"description\":"
		"\"controller pci 2 (pcie-root-port)\",\"line\":14,\"origin\":\"file\","
		"\"address\":\"0000:00:02.1\",\"multifunction\":null,\"provides_bus\":2,",
		"\"devices\":[]}],\"orphans\":[]",
	};
	static const char *const want_c[] = {
		"\"machine\":\"q35\",\"family\":\"q35\",\"assigned\":true",
		/* The root bus was added, so its controller has no line. */
		"\"buses\":[{\"index\":0,\"controller\":{\"kind\":\"controller\","
		"\"description\":\"controller pci 0 (pcie-root)\",\"line\":0,\"origin\":\"added\"",
		"\"devices\":[{\"kind\":\"video\",\"description\":\"video (vga)\",\"line\":20,"
		"\"origin\":\"assigned\",\"address\":\"0000:00:01.0\",\"multifunction\":null},"
		"{\"kind\":\"controller\",\"description\":\"controller pci 1 (pcie-root-port)\","
		"\"line\":0,\"origin\":\"added\",\"address\":\"0000:00:02.0\",\"multifunction\":\"on\","
		"\"provides_bus\":1,\"model\":\"pcie-root-port\",\"model_name\":\"pcie-root-port\","
		"\"chassisNr\":-1,\"chassis\":1,\"port\":16,",
		"{\"kind\":\"controller\",\"description\":\"controller sata 0\",\"line\":0,"
		"\"origin\":\"added\",\"address\":\"0000:00:1f.2\",\"multifunction\":null}]}",
		/* The bridge added in root port 1, and the e1000 assigned to it. */
		"{\"index\":3,\"controller\":{\"kind\":\"controller\",\"description\":"
		"\"controller pci 3 (pcie-to-pci-bridge)\",\"line\":0,\"origin\":\"added\","
		"\"address\":\"0000:01:00.0\",\"multifunction\":null,\"provides_bus\":3,"
		"\"model\":\"pcie-to-pci-bridge\",\"model_name\":\"pcie-pci-bridge\",\"chassisNr\":-1,"
		"\"chassis\":-1,\"port\":-1,\"busNr\":-1,\"targetIndex\":-1,\"hotplug\":true},"
		"\"devices\":[{\"kind\":\"interface\",\"description\":\"interface 52:54:00:00:00:03 "
		"(e1000)\",\"line\":16,\"origin\":\"assigned\",\"address\":\"0000:03:01.0\","
		"\"multifunction\":null}]}",
		"\"devices\":[{\"kind\":\"controller\",\"description\":\"controller usb 0 (qemu-xhci)\","
		"\"line\":0,\"origin\":\"added\",\"address\":\"0000:04:00.0\",\"multifunction\":null}]}",
		"\"devices\":[{\"kind\":\"disk\",\"description\":\"disk vda (virtio)\",\"line\":8,"
		"\"origin\":\"assigned\",\"address\":\"0000:05:00.0\",\"multifunction\":null}]}",
		"\"devices\":[{\"kind\":\"memballoon\",\"description\":\"memballoon (virtio)\","
		"\"line\":0,\"origin\":\"added\",\"address\":\"0000:06:00.0\",\"multifunction\":null}]}",
		/* The spare root port, empty. */
		"{\"index\":7,\"controller\":{\"kind\":\"controller\",\"description\":"
		"\"controller pci 7 (pcie-root-port)\",\"line\":0,\"origin\":\"added\","
		"\"address\":\"0000:00:02.5\",\"multifunction\":null,\"provides_bus\":7,"
		"\"model\":\"pcie-root-port\",\"model_name\":\"pcie-root-port\",\"chassisNr\":-1,"
		"\"chassis\":7,\"port\":21,\"busNr\":-1,\"targetIndex\":-1,\"hotplug\":true},"
		"\"devices\":[]}],\"orphans\":[],\"unaddressed\":[],\"unassigned\":[]}",
	};
	static const struct {
		const char *const *want;
		size_t n;
		size_t buses;
	} files_want[] = {
		{ want_a, sizeof(want_a) / sizeof(want_a[0]), 1 },
		{ want_b, sizeof(want_b) / sizeof(want_b[0]), 3 },
		{ want_c, sizeof(want_c) / sizeof(want_c[0]), 8 },
	};
	size_t i, k;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_LIST;
	opts.format = PCIFIX_FORMAT_JSON;
	opts.files = files;
	opts.nfiles = 3;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_OK);
	ck_assert_uint_eq(r.err_len, 0);
	ck_assert_uint_eq(count_lines(r.out), 3);
	/* One JSON object per line, per file, in order. */
	p = r.out;
	for (k = 0; k < 3; k++) {
		char *nl = strchr(p, '\n');
		char *head = pcifix_xasprintf("{\"file\":\"%s\",", files[k]);

		ck_assert_msg(is_json_line(p, (size_t)(nl - p) + 1), "%s", p);
		*nl = '\0';
		line[k] = p;
		p = nl + 1;
		ck_assert_msg(strncmp(line[k], head, strlen(head)) == 0, "%s", line[k]);
		free(head);
	}
	for (k = 0; k < 3; k++) {
		for (i = 0; i < files_want[k].n; i++)
			ck_assert_msg(strstr(line[k], files_want[k].want[i]) != NULL, "%s lacks %s",
				      line[k], files_want[k].want[i]);
		/* One entry per bus; every device object says where it comes from. */
		ck_assert_uint_eq(count_str(line[k], "{\"index\":"), files_want[k].buses);
		ck_assert_uint_eq(count_str(line[k], "{\"kind\":"),
				  count_str(line[k], ",\"origin\":\""));
	}
	/* fresh_q35: only added and assigned devices, nothing from the file as it was. */
	ck_assert_uint_eq(count_str(line[2], "\"origin\":\"file\""), 0);
	/*
	 * Added: pcie-root (a bus only); root ports 1, 2, 4-7 and bridge 3, each
	 * once as a device and once as a bus; usb, sata and memballoon.
	 */
	ck_assert_uint_eq(count_str(line[2], "\"origin\":\"added\""), 1 + 2 * 7 + 3);
	ck_assert_uint_eq(count_str(line[2], "\"origin\":\"assigned\""), 4);
	result_free(&r);
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(test_run_diff_unchanged)
{
	char *a = file_with("a.xml", valid_pc), *b = file_with("b.xml", valid_q35);
	const char *files[] = { a, b };
	struct pcifix_opts opts;
	struct result r;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_DIFF;
	opts.files = files;
	opts.nfiles = 2;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_OK);
	ck_assert_uint_eq(r.out_len, 0);
	ck_assert_uint_eq(r.err_len, 0);
	result_free(&r);
	opts.check = true;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_OK);
	ck_assert_uint_eq(r.out_len, 0);
	result_free(&r);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_run_output_file)
{
	char *in = file_with("in.xml", valid_q35);
	char *outp = pcifix_xasprintf("%s/out.xml", tmpdir);
	const char *files[] = { in };
	struct pcifix_opts opts;
	struct result r;
	char *got;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_PRINT;
	opts.output = outp;
	opts.files = files;
	opts.nfiles = 1;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_OK);
	ck_assert_uint_eq(r.out_len, 0);
	got = slurp_path(outp);
	ck_assert_str_eq(got, valid_q35);
	free(got);
	result_free(&r);

	/* -o into a directory that does not exist: an I/O error, nothing on stdout. */
	free(outp);
	outp = pcifix_xasprintf("%s/nodir/out.xml", tmpdir);
	opts.output = outp;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_IO);
	ck_assert_uint_eq(r.out_len, 0);
	ck_assert_ptr_nonnull(strstr(r.err, "[io-error]"));
	result_free(&r);
	free(outp);
	free(in);
}
END_TEST

START_TEST(test_run_in_place_unchanged)
{
	char *p = file_with("dom.xml", valid_pc);
	const char *files[] = { p };
	struct pcifix_opts opts;
	struct result r;
	struct stat before, after;
	char *got;

	ck_assert_int_eq(stat(p, &before), 0);
	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_IN_PLACE;
	opts.files = files;
	opts.nfiles = 1;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_OK);
	ck_assert_uint_eq(r.out_len, 0);
	ck_assert_uint_eq(r.err_len, 0);
	/* Nothing to change: the file is not rewritten at all. */
	ck_assert_int_eq(stat(p, &after), 0);
	ck_assert(before.st_ino == after.st_ino);
	ck_assert(before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
		  before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
	got = slurp_path(p);
	ck_assert_str_eq(got, valid_pc);
	free(got);
	result_free(&r);
	free(p);
}
END_TEST

START_TEST(test_run_stdin)
{
	char *p = file_with("in.xml", "<domain>\n\n<devices>\n</domain>\n");
	const char *files[] = { "-" };
	struct pcifix_opts opts;
	struct result r;
	int saved, fd;

	saved = dup(STDIN_FILENO);
	fd = open(p, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDIN_FILENO), 0);
	close(fd);
	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_PRINT;
	opts.files = files;
	opts.nfiles = 1;
	run(&opts, &r);
	dup2(saved, STDIN_FILENO);
	close(saved);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_INPUT);
	ck_assert_msg(strncmp(r.err, "pcifix: <stdin>:4: error: ", 26) == 0, "%s", r.err);
	result_free(&r);
	free(p);
}
END_TEST

START_TEST(test_run_stdout_full)
{
	char *p = file_with("dom.xml", valid_pc);
	const char *files[] = { p };
	struct pcifix_opts opts;
	FILE *out = fopen("/dev/full", "w");
	FILE *err;
	char *errbuf = NULL;
	size_t errlen = 0;
	enum pcifix_exit st;

	if (out == NULL)
		return;   /* no /dev/full here */
	err = open_memstream(&errbuf, &errlen);
	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_PRINT;
	opts.files = files;
	opts.nfiles = 1;
	st = pcifix_run(&opts, out, err);
	fclose(err);
	clearerr(out);
	fclose(out);
	ck_assert_int_eq(st, PCIFIX_EXIT_IO);
	ck_assert_ptr_nonnull(strstr(errbuf, "[io-error]"));
	free(errbuf);
	free(p);
}
END_TEST

START_TEST(test_run_no_files)
{
	struct pcifix_opts opts;
	struct result r;

	memset(&opts, 0, sizeof(opts));
	opts.mode = PCIFIX_MODE_PRINT;
	run(&opts, &r);
	ck_assert_int_eq(r.status, PCIFIX_EXIT_OK);
	ck_assert_uint_eq(r.out_len, 0);
	ck_assert_uint_eq(r.err_len, 0);
	result_free(&r);
}
END_TEST

/* ---- diag.c --------------------------------------------------------- */

START_TEST(test_rules_table)
{
	size_t n, i, j;
	const struct pcifix_rule *r = pcifix_rules(&n);
	static const char *const needed[] = {
		"io-error", "internal-error", "empty-file", "xml-syntax", "xml-encoding",
		"xml-entity", "not-domain", "bad-number", "bad-value", "address-range",
		"would-change",
	};

	ck_assert_uint_ge(n, sizeof(needed) / sizeof(needed[0]));
	for (i = 0; i < n; i++) {
		ck_assert(strlen(r[i].id) > 0);
		ck_assert(strlen(r[i].summary) > 0);
		ck_assert_ptr_eq(pcifix_rule_find(r[i].id), &r[i]);
		for (j = 0; r[i].id[j]; j++)
			ck_assert((r[i].id[j] >= 'a' && r[i].id[j] <= 'z') || r[i].id[j] == '-');
		for (j = i + 1; j < n; j++)
			ck_assert_str_ne(r[i].id, r[j].id);
	}
	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		ck_assert_msg(pcifix_rule_find(needed[i]) != NULL, "no rule %s", needed[i]);
	ck_assert_ptr_null(pcifix_rule_find("no-such-rule"));
	ck_assert_int_eq(pcifix_rule_find("io-error")->class, PCIFIX_CLASS_IO);
	ck_assert_int_eq(pcifix_rule_find("xml-syntax")->class, PCIFIX_CLASS_INPUT);
	ck_assert_int_eq(pcifix_rule_find("would-change")->class, PCIFIX_CLASS_PROBLEM);
}
END_TEST

START_TEST(test_diags_status)
{
	struct pcifix_diags d;

	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_diags_status(&d), PCIFIX_EXIT_OK);
	ck_assert(!pcifix_diags_has_errors(&d));
	/* A lint finding is an error for --check but not an exit status of its own. */
	pcifix_diag_add(&d, PCIFIX_R_WOULD_CHANGE, "f", 0, "x");
	ck_assert_int_eq(pcifix_diags_status(&d), PCIFIX_EXIT_OK);
	ck_assert(pcifix_diags_has_errors(&d));
	pcifix_diag_add(&d, PCIFIX_R_IO_ERROR, "f", 0, "x");
	ck_assert_int_eq(pcifix_diags_status(&d), PCIFIX_EXIT_IO);
	/* An input problem after an I/O one does not lower the status. */
	pcifix_diag_add(&d, PCIFIX_R_XML_SYNTAX, "f", 2, "x");
	ck_assert_int_eq(pcifix_diags_status(&d), PCIFIX_EXIT_IO);
	pcifix_diags_free(&d);
	ck_assert_uint_eq(d.n, 0);

	pcifix_diag_add(&d, PCIFIX_R_BAD_NUMBER, "f", 2, "x");
	ck_assert_int_eq(pcifix_diags_status(&d), PCIFIX_EXIT_INPUT);
	/* An internal error: exit 4 (an unknown rule id no longer compiles). */
	ck_assert_str_eq(pcifix_diag_add(&d, PCIFIX_R_INTERNAL_ERROR, NULL, 0, "y")->rule->id,
			 "internal-error");
	ck_assert_str_eq(d.v[1].file, "-");
	ck_assert_int_eq(pcifix_diags_status(&d), PCIFIX_EXIT_IO);
	pcifix_diags_free(&d);
}
END_TEST

static char *
printed(const struct pcifix_diag *diag, enum pcifix_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	pcifix_diag_print(diag, fmt, f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(test_diag_print)
{
	struct pcifix_diags d;
	struct pcifix_diag *x;
	char *s;
	int i;

	pcifix_diags_init(&d);
	/* More than the initial capacity, to grow the list. */
	for (i = 0; i < 20; i++)
		pcifix_diag_add(&d, PCIFIX_R_BAD_NUMBER, "dom.xml", (unsigned)i + 1, "n%d", i);
	ck_assert_uint_eq(d.n, 20);
	ck_assert_str_eq(d.v[19].message, "n19");
	ck_assert_uint_eq(d.v[19].line, 20);

	x = pcifix_diag_add(&d, PCIFIX_R_ADDRESS_RANGE, "dom.xml", 42,
			    "invalid PCI address slot='0x%x', must be <= 0x1F", 0x20);
	s = printed(x, PCIFIX_FORMAT_TEXT);
	ck_assert_str_eq(s, "pcifix: dom.xml:42: error: invalid PCI address slot='0x20', "
			    "must be <= 0x1F [address-range]\n");
	free(s);
	s = printed(x, PCIFIX_FORMAT_JSON);
	ck_assert_str_eq(s, "{\"file\":\"dom.xml\",\"line\":42,\"severity\":\"error\","
			    "\"rule\":\"address-range\",\"message\":\"invalid PCI address "
			    "slot='0x20', must be <= 0x1F\",\"hint\":null}\n");
	ck_assert(is_json_line(s, strlen(s)));
	free(s);

	pcifix_diag_set_hint(x, "use a slot from %s to %s", "0x01", "0x1f");
	pcifix_diag_set_hint(x, "use \"slot='0x%02x'\"", 5);
	s = printed(x, PCIFIX_FORMAT_TEXT);
	ck_assert_str_eq(s, "pcifix: dom.xml:42: error: invalid PCI address slot='0x20', "
			    "must be <= 0x1F [address-range]\n"
			    "pcifix: dom.xml:42: hint: use \"slot='0x05'\"\n");
	free(s);
	s = printed(x, PCIFIX_FORMAT_JSON);
	ck_assert(is_json_line(s, strlen(s)));
	ck_assert_ptr_nonnull(strstr(s, ",\"hint\":\"use \\\"slot='0x05'\\\"\"}\n"));
	free(s);

	/* Without a line. */
	x = pcifix_diag_add(&d, PCIFIX_R_IO_ERROR, "a b.xml", 0, "cannot open: %s", "nope");
	pcifix_diag_set_hint(x, "check the path");
	s = printed(x, PCIFIX_FORMAT_TEXT);
	ck_assert_str_eq(s, "pcifix: a b.xml: error: cannot open: nope [io-error]\n"
			    "pcifix: a b.xml: hint: check the path\n");
	free(s);
	s = printed(x, PCIFIX_FORMAT_JSON);
	ck_assert_str_eq(s, "{\"file\":\"a b.xml\",\"line\":0,\"severity\":\"error\","
			    "\"rule\":\"io-error\",\"message\":\"cannot open: nope\","
			    "\"hint\":\"check the path\"}\n");
	free(s);

	/* Control characters in a message stay inside the JSON string. */
	x = pcifix_diag_add(&d, PCIFIX_R_XML_SYNTAX, "t\tx\n.xml", 1, "a\nb\\c\"d\x01");
	s = printed(x, PCIFIX_FORMAT_JSON);
	ck_assert(is_json_line(s, strlen(s)));
	ck_assert_uint_eq(count_lines(s), 1);
	free(s);
	pcifix_diags_free(&d);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc;

	tc = tcase_create("buffer");
	tcase_add_test(tc, test_json_checker);
	tcase_add_loop_test(tc, test_process_buffer, 0, N(buffer_cases));
	tcase_add_test(tc, test_process_buffer_not_terminated);
	tcase_add_test(tc, test_process_buffer_assigns);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_run_print);
	tcase_add_test(tc, test_run_print_assigns);
	tcase_add_test(tc, test_run_check_would_change);
	tcase_add_test(tc, test_run_diff_assigns);
	tcase_add_test(tc, test_run_in_place_rewrites);
	tcase_add_test(tc, test_run_check_valid);
	tcase_add_test(tc, test_run_worst_status);
	tcase_add_test(tc, test_run_json_diagnostics);
	tcase_add_test(tc, test_run_list_text);
	tcase_add_test(tc, test_run_list_json);
	tcase_add_test(tc, test_run_diff_unchanged);
	tcase_add_test(tc, test_run_output_file);
	tcase_add_test(tc, test_run_in_place_unchanged);
	tcase_add_test(tc, test_run_stdin);
	tcase_add_test(tc, test_run_stdout_full);
	tcase_add_test(tc, test_run_no_files);
	suite_add_tcase(s, tc);

	tc = tcase_create("diag");
	tcase_add_test(tc, test_rules_table);
	tcase_add_test(tc, test_diags_status);
	tcase_add_test(tc, test_diag_print);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(run_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
