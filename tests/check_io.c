/* check_io.c - unit tests for io.c: reading files, replacing them atomically. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <grp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcifix.h"

/* ---- helpers -------------------------------------------------------- */

/*
 * Each tcase gets a base directory, made and removed in the parent process
 * (an unchecked fixture), so it goes away even when a test fails; each test
 * works in a fresh directory inside it.
 */
static char basedir[64];
static char tmpdir[96];

static void
rm_rf(const char *dir)
{
	char *cmd = pcifix_xasprintf("chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", dir, dir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
}

static void
base_setup(void)
{
	strcpy(basedir, "/tmp/pcifix-check-io-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(basedir));
	/* Others (the unprivileged child below) must be able to look inside. */
	ck_assert_int_eq(chmod(basedir, 0755), 0);
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
	ck_assert_int_eq(chmod(tmpdir, 0755), 0);
}

static void
teardown(void)
{
	rm_rf(tmpdir);
}

static char *
path(const char *name)
{
	return pcifix_xasprintf("%s/%s", tmpdir, name);
}

static void
put(const char *p, const char *data, mode_t mode)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	ck_assert_int_eq(close(fd), 0);
}

/* The whole file, for comparison; NULL when it cannot be read. */
static char *
get(const char *p)
{
	FILE *f = fopen(p, "rb");
	struct pcifix_buf b;
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	pcifix_buf_init(&b);
	pcifix_buf_add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		pcifix_buf_add(&b, chunk, n);
	fclose(f);
	return pcifix_buf_steal(&b);
}

static void
assert_content(const char *p, const char *want)
{
	char *got = get(p);

	ck_assert_msg(got != NULL, "%s cannot be read", p);
	ck_assert_str_eq(got, want);
	free(got);
}

/* Files in `dir` whose name starts with '.' and holds ".pcifix-": temporaries. */
static int
count_temporaries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] == '.' && strstr(de->d_name, ".pcifix-") != NULL)
			n++;
	closedir(d);
	return n;
}

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* ---- pcifix_io_read ------------------------------------------------- */

START_TEST(test_read_file)
{
	char *p = path("dom.xml");
	struct pcifix_diags d;
	char *bytes = NULL;
	size_t len = 0;

	put(p, "<domain/>\n", 0644);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_read(p, PCIFIX_DEFAULT_MAX_SIZE, &bytes, &len, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(len, 10);
	ck_assert_mem_eq(bytes, "<domain/>\n", 11);   /* NUL-terminated */
	free(bytes);
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

START_TEST(test_read_binary_and_large)
{
	char *p = path("big.bin");
	struct pcifix_diags d;
	char *bytes = NULL, *data;
	size_t len = 0, i, n = 300000;
	int fd;

	/* Larger than one read() chunk, with NUL bytes inside. */
	data = pcifix_xmalloc(n);
	for (i = 0; i < n; i++)
		data[i] = (char)(i * 7 % 251);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	close(fd);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_read(p, PCIFIX_DEFAULT_MAX_SIZE, &bytes, &len, &d), 0);
	ck_assert_uint_eq(len, n);
	ck_assert_mem_eq(bytes, data, n);
	ck_assert_int_eq(bytes[n], '\0');
	free(bytes);
	free(data);
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

START_TEST(test_read_empty)
{
	char *p = path("empty.xml");
	struct pcifix_diags d;
	char *bytes = NULL;
	size_t len = 99;

	put(p, "", 0644);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_read(p, PCIFIX_DEFAULT_MAX_SIZE, &bytes, &len, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_nonnull(bytes);
	ck_assert_int_eq(bytes[0], '\0');
	free(bytes);
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

START_TEST(test_read_missing)
{
	char *p = path("missing.xml");
	struct pcifix_diags d;
	char *bytes = (char *)"x";
	size_t len = 99;

	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_read(p, PCIFIX_DEFAULT_MAX_SIZE, &bytes, &len, &d), -1);
	ck_assert_ptr_null(bytes);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].rule->id, "io-error");
	ck_assert_str_eq(d.v[0].file, p);
	ck_assert_uint_eq(d.v[0].line, 0);
	ck_assert_ptr_nonnull(strstr(d.v[0].message, strerror(ENOENT)));
	ck_assert_int_eq(pcifix_diags_status(&d), PCIFIX_EXIT_IO);
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

START_TEST(test_read_directory)
{
	struct pcifix_diags d;
	char *bytes = (char *)"x";
	size_t len = 99;

	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_read(tmpdir, PCIFIX_DEFAULT_MAX_SIZE, &bytes, &len, &d), -1);
	ck_assert_ptr_null(bytes);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].rule->id, "io-error");
	ck_assert_ptr_nonnull(strstr(d.v[0].message, strerror(EISDIR)));
	ck_assert_int_eq(pcifix_diags_status(&d), PCIFIX_EXIT_IO);
	pcifix_diags_free(&d);
}
END_TEST

START_TEST(test_read_unreadable)
{
	char *p;
	struct pcifix_diags d;
	char *bytes = NULL;
	size_t len;

	if (geteuid() == 0)
		return;   /* root reads anything */
	p = path("secret.xml");
	put(p, "<domain/>", 0000);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_read(p, PCIFIX_DEFAULT_MAX_SIZE, &bytes, &len, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].rule->id, "io-error");
	ck_assert_ptr_nonnull(strstr(d.v[0].message, strerror(EACCES)));
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

START_TEST(test_read_stdin)
{
	char *p = path("in.xml");
	struct pcifix_diags d;
	char *bytes = NULL;
	size_t len;
	int saved, fd;

	put(p, "<domain>from stdin</domain>", 0644);
	saved = dup(STDIN_FILENO);
	fd = open(p, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDIN_FILENO), 0);
	close(fd);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_read("-", PCIFIX_DEFAULT_MAX_SIZE, &bytes, &len, &d), 0);
	/* Standard input stays open for whoever reads it next. */
	ck_assert_int_ne(fcntl(STDIN_FILENO, F_GETFD), -1);
	dup2(saved, STDIN_FILENO);
	close(saved);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(len, 27);
	ck_assert_str_eq(bytes, "<domain>from stdin</domain>");
	free(bytes);
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

/* ---- pcifix_io_write_atomic ----------------------------------------- */

START_TEST(test_write_replaces)
{
	char *p = path("dom.xml");
	struct pcifix_diags d;
	struct stat before, after;

	put(p, "old content that is longer than the new one\n", 0644);
	ck_assert_int_eq(stat(p, &before), 0);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_write_atomic(p, "new\n", 4, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	assert_content(p, "new\n");
	ck_assert_int_eq(stat(p, &after), 0);
	/* A new file was renamed over the old one: a new inode. */
	ck_assert(before.st_ino != after.st_ino);
	ck_assert_int_eq(count_temporaries(tmpdir), 0);
	ck_assert_int_eq(count_entries(tmpdir), 1);
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

/* Larger than the limit: refused before it is read, with the limit named. */
START_TEST(test_read_limit)
{
	char *p = path("big.xml");
	struct pcifix_diags d;
	char *bytes = NULL;
	size_t len = 0;

	put(p, "0123456789", 0644);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_read(p, 10, &bytes, &len, &d), 0);
	ck_assert_uint_eq(len, 10);
	free(bytes);
	ck_assert_int_eq(pcifix_io_read(p, 9, &bytes, &len, &d), -1);
	ck_assert_ptr_null(bytes);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].rule->id, "io-error");
	ck_assert_ptr_nonnull(strstr(d.v[0].message, "larger than 9 bytes"));
	ck_assert_ptr_nonnull(strstr(d.v[0].message, "--max-size"));
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

START_TEST(test_write_binary)
{
	char *p = path("dom.xml");
	struct pcifix_diags d;
	char *bytes;
	size_t len;

	put(p, "x", 0644);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_write_atomic(p, "a\0b\r\n", 5, &d), 0);
	ck_assert_int_eq(pcifix_io_read(p, PCIFIX_DEFAULT_MAX_SIZE, &bytes, &len, &d), 0);
	ck_assert_uint_eq(len, 5);
	ck_assert_mem_eq(bytes, "a\0b\r\n", 5);
	free(bytes);
	/* Writing nothing gives an empty file. */
	ck_assert_int_eq(pcifix_io_write_atomic(p, "", 0, &d), 0);
	assert_content(p, "");
	ck_assert_uint_eq(d.n, 0);
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

static const mode_t modes[] = { 0640, 0604, 0600, 0644, 0444, 0755, 02644 };

START_TEST(test_write_keeps_mode)
{
	char *p = path("dom.xml");
	struct pcifix_diags d;
	struct stat st;

	if (modes[_i] == 0444 && geteuid() != 0)
		return;   /* read-only file: only root may replace it (see test_write_readonly_file) */
	put(p, "old", modes[_i]);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_write_atomic(p, "new", 3, &d), 0);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == modes[_i], "mode %04o, want %04o",
		      (unsigned)(st.st_mode & 07777), (unsigned)modes[_i]);
	assert_content(p, "new");
	ck_assert_int_eq(count_temporaries(tmpdir), 0);
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

START_TEST(test_write_keeps_owner)
{
	char *p = path("theirs.xml");
	struct pcifix_diags d;
	struct stat st;

	if (geteuid() != 0)
		return;   /* only root can give a file to someone else */
	put(p, "old", 0640);
	ck_assert_int_eq(chown(p, 65534, 65534), 0);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_write_atomic(p, "new", 3, &d), 0);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_uid, 65534);
	ck_assert_uint_eq(st.st_gid, 65534);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	assert_content(p, "new");
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

START_TEST(test_write_follows_symlink)
{
	char *real = path("real.xml"), *link = path("link.xml");
	char *sub = path("sub"), *deep = path("sub/deep.xml"), *rel = path("rel.xml");
	struct pcifix_diags d;
	struct stat st;
	char target[256];
	ssize_t n;

	put(real, "old", 0640);
	ck_assert_int_eq(symlink(real, link), 0);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_write_atomic(link, "new", 3, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	n = readlink(link, target, sizeof(target) - 1);
	ck_assert_int_gt(n, 0);
	target[n] = '\0';
	ck_assert_str_eq(target, real);
	assert_content(real, "new");
	ck_assert_int_eq(stat(real, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(count_temporaries(tmpdir), 0);

	/* A relative link into another directory: the target there changes. */
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	put(deep, "deep old", 0644);
	ck_assert_int_eq(symlink("sub/deep.xml", rel), 0);
	ck_assert_int_eq(pcifix_io_write_atomic(rel, "deep new", 8, &d), 0);
	ck_assert_int_eq(lstat(rel, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	assert_content(deep, "deep new");
	ck_assert_int_eq(count_temporaries(tmpdir), 0);
	ck_assert_int_eq(count_temporaries(sub), 0);
	ck_assert_uint_eq(d.n, 0);
	pcifix_diags_free(&d);
	free(real);
	free(link);
	free(sub);
	free(deep);
	free(rel);
}
END_TEST

static const struct {
	mode_t umask;
	mode_t want;
} umask_cases[] = {
	{ 022, 0644 },
	{ 027, 0640 },
	{ 077, 0600 },
	{ 002, 0664 },
};

START_TEST(test_write_new_file)
{
	char *p = path("new.xml");
	struct pcifix_diags d;
	struct stat st;
	mode_t old = umask(umask_cases[_i].umask);

	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_write_atomic(p, "<domain/>", 9, &d), 0);
	umask(old);
	ck_assert_uint_eq(d.n, 0);
	assert_content(p, "<domain/>");
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_msg((st.st_mode & 07777) == umask_cases[_i].want, "mode %04o, want %04o",
		      (unsigned)(st.st_mode & 07777), (unsigned)umask_cases[_i].want);
	ck_assert_int_eq(count_temporaries(tmpdir), 0);
	ck_assert_int_eq(count_entries(tmpdir), 1);
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

START_TEST(test_write_missing_directory)
{
	char *p = path("no/such/dir/dom.xml");
	struct pcifix_diags d;

	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_write_atomic(p, "x", 1, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].rule->id, "io-error");
	ck_assert_str_eq(d.v[0].file, p);
	ck_assert_int_eq(pcifix_diags_status(&d), PCIFIX_EXIT_IO);
	ck_assert_int_eq(count_entries(tmpdir), 0);
	pcifix_diags_free(&d);
	free(p);
}
END_TEST

START_TEST(test_write_directory_target)
{
	char *sub = path("adir");
	struct pcifix_diags d;
	struct stat st;

	ck_assert_int_eq(mkdir(sub, 0755), 0);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_write_atomic(sub, "x", 1, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].rule->id, "io-error");
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(count_entries(sub), 0);
	ck_assert_int_eq(count_temporaries(tmpdir), 0);
	pcifix_diags_free(&d);
	free(sub);
}
END_TEST

START_TEST(test_write_device_target)
{
	struct pcifix_diags d;

	/* A device is written to as it is: /dev/null stays a device (-o /dev/null). */
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_write_atomic("/dev/null", "x", 1, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	{
		struct stat st;

		ck_assert_int_eq(stat("/dev/null", &st), 0);
		ck_assert(S_ISCHR(st.st_mode));
	}
	pcifix_diags_free(&d);
}
END_TEST

/*
 * pcifix_io_write_atomic(p) without the power to ignore permissions: as
 * root, with real and effective ids of "nobody" for the time of the call
 * (the saved ids keep root, to come back).  Returns its result, or -2 when
 * the ids cannot be changed.
 */
static int
write_unprivileged(const char *p, struct pcifix_diags *d)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg, groups[256];
	int ngroups = 0, rc;
	bool root = geteuid() == 0;

	if (root) {
		if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
			return -2;
		ngroups = getgroups(256, groups);
		if (ngroups < 0 || setgroups(0, NULL) != 0)
			return -2;
		if (setresgid(65534, 65534, sg) != 0) {
			setgroups((size_t)ngroups, groups);
			return -2;
		}
		if (setresuid(65534, 65534, su) != 0) {
			setresgid(rg, eg, sg);
			setgroups((size_t)ngroups, groups);
			return -2;
		}
	}
	rc = pcifix_io_write_atomic(p, "new", 3, d);
	if (root && (setresuid(ru, eu, su) != 0 || setresgid(rg, eg, sg) != 0 ||
		     setgroups((size_t)ngroups, groups) != 0))
		abort();   /* cannot become root again: stop before anything else runs */
	return rc;
}

START_TEST(test_write_readonly_directory)
{
	char *dir = path("ro"), *p = path("ro/dom.xml");
	struct pcifix_diags d;
	struct stat before, after;
	int rc;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	put(p, "old", 0666);
	ck_assert_int_eq(stat(p, &before), 0);
	ck_assert_int_eq(chmod(dir, 0555), 0);
	pcifix_diags_init(&d);
	rc = write_unprivileged(p, &d);
	ck_assert_msg(rc != -2, "cannot drop privileges");
	ck_assert_int_eq(rc, -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].rule->id, "io-error");
	ck_assert_str_eq(d.v[0].file, p);
	pcifix_diags_free(&d);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	assert_content(p, "old");
	ck_assert_int_eq(stat(p, &after), 0);
	ck_assert(before.st_ino == after.st_ino);
	ck_assert_int_eq(count_entries(dir), 1);
	ck_assert_int_eq(count_temporaries(dir), 0);
	free(dir);
	free(p);
}
END_TEST

START_TEST(test_write_readonly_file)
{
	char *dir = path("rw"), *p = path("rw/ro.xml");
	struct pcifix_diags d;
	int rc;

	/*
	 * A file its owner made read-only is not replaced behind their back,
	 * even in a directory where anyone may create files.
	 */
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	put(p, "old", 0444);
	pcifix_diags_init(&d);
	rc = write_unprivileged(p, &d);
	ck_assert_msg(rc != -2, "cannot drop privileges");
	ck_assert_int_eq(rc, -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].rule->id, "io-error");
	pcifix_diags_free(&d);
	assert_content(p, "old");
	ck_assert_int_eq(count_entries(dir), 1);
	free(dir);
	free(p);
}
END_TEST

START_TEST(test_write_dangling_symlink)
{
	char *link = path("dangling.xml"), *real = path("created.xml");
	struct pcifix_diags d;
	struct stat st;

	/* The link stays a link, and the file it names is created. */
	ck_assert_int_eq(symlink(real, link), 0);
	pcifix_diags_init(&d);
	ck_assert_int_eq(pcifix_io_write_atomic(link, "new", 3, &d), 0);
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert_msg(S_ISLNK(st.st_mode), "the symbolic link was replaced by a file");
	assert_content(real, "new");
	ck_assert_int_eq(count_temporaries(tmpdir), 0);
	pcifix_diags_free(&d);
	free(link);
	free(real);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
io_suite(void)
{
	Suite *s = suite_create("io");
	TCase *tc;

	tc = tcase_create("read");
	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_read_file);
	tcase_add_test(tc, test_read_binary_and_large);
	tcase_add_test(tc, test_read_empty);
	tcase_add_test(tc, test_read_missing);
	tcase_add_test(tc, test_read_directory);
	tcase_add_test(tc, test_read_unreadable);
	tcase_add_test(tc, test_read_stdin);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_write_replaces);
	tcase_add_test(tc, test_write_binary);
	tcase_add_test(tc, test_read_limit);
	tcase_add_loop_test(tc, test_write_keeps_mode, 0, N(modes));
	tcase_add_test(tc, test_write_keeps_owner);
	tcase_add_test(tc, test_write_follows_symlink);
	tcase_add_loop_test(tc, test_write_new_file, 0, N(umask_cases));
	tcase_add_test(tc, test_write_missing_directory);
	tcase_add_test(tc, test_write_directory_target);
	tcase_add_test(tc, test_write_device_target);
	tcase_add_test(tc, test_write_readonly_directory);
	tcase_add_test(tc, test_write_readonly_file);
	tcase_add_test(tc, test_write_dangling_symlink);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(io_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
