/* io.c - read a file; replace it in place safely: resolved once, held by its directory, checked before the rename. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "pcifix.h"

/*
 * How -i (and -o onto an existing file) replaces a file, and why:
 *   1. The path is resolved once, before anything is read: its directory is
 *      opened and held, and its last component is opened O_NOFOLLOW there.
 *      A symbolic link the user named is followed by reading it, one link at
 *      a time relative to the directory that holds it, so the file read is
 *      the file replaced, wherever the link goes, and the link stays.
 *   2. The bytes are read from that open file, whose fstat is kept.
 *   3. The new bytes go to a temporary .NAME.pcifix-XXXXXX created 0600
 *      with openat() in the held directory; it gets the owner, the mode and
 *      every extended attribute (POSIX ACLs, SELinux labels, user.*) of the
 *      file before it is made visible; one that cannot be copied is an
 *      error, never a wider access.  It is written and fsynced.
 *   4. Right before renameat(), the name must still be the very file that
 *      was read, unchanged (device, inode, size, mtime, ctime); otherwise
 *      someone changed it meanwhile, and nothing is replaced.  rename never
 *      follows a link at the destination, so no other file can be written.
 *   5. SIGINT, SIGTERM and SIGHUP remove the temporary file and end the
 *      process with the same signal; only SIGKILL can leave it behind.
 */

/* ---- the temporary file, removed on a fatal signal (as git's tempfile) --- */

static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP };

static struct {
	volatile sig_atomic_t active;
	int dfd;
	char name[NAME_MAX + 1];
	struct sigaction old[sizeof(fatal_signals) / sizeof(fatal_signals[0])];
} tempfile;

static void
remove_on_signal(int sig)
{
	if (tempfile.active)
		unlinkat(tempfile.dfd, tempfile.name, 0);
	tempfile.active = 0;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
block_fatal(sigset_t *old)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaddset(&set, fatal_signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* Create the temporary file in dfd, registered for removal on signals. */
static int
temp_create(int dfd, const char *base)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	struct sigaction sa;
	sigset_t old;
	unsigned long long r = (unsigned long long)getpid() * 2654435761u ^
			       (unsigned long long)time(NULL);
	int fd = -1, tries, e;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = remove_on_signal;
	sigemptyset(&sa.sa_mask);
	block_fatal(&old);
	for (tries = 0; tries < 100 && fd < 0; tries++) {
		char suffix[7];
		int n;

		for (i = 0; i < 6; i++, r = r * 6364136223846793005ull + 1442695040888963407ull)
			suffix[i] = digits[(r >> 33) % (sizeof(digits) - 1)];
		suffix[6] = '\0';
		n = snprintf(tempfile.name, sizeof(tempfile.name), ".%s.pcifix-%s", base, suffix);
		if (n < 0 || (size_t)n >= sizeof(tempfile.name) || strlen(tempfile.name) > 255)
			/* No room for the suffix after a long name: a short one. */
			snprintf(tempfile.name, sizeof(tempfile.name), ".pcifix-%s", suffix);
		fd = openat(dfd, tempfile.name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
		if (fd < 0 && errno == ENAMETOOLONG && strncmp(tempfile.name, ".pcifix-", 8) != 0) {
			snprintf(tempfile.name, sizeof(tempfile.name), ".pcifix-%s", suffix);
			fd = openat(dfd, tempfile.name,
				    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		}
		if (fd < 0 && errno != EEXIST)
			break;
	}
	e = errno;
	if (fd >= 0) {
		tempfile.dfd = dfd;
		tempfile.active = 1;
		for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
			sigaction(fatal_signals[i], &sa, &tempfile.old[i]);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return fd;
}

/* The temporary file is gone (renamed or removed): no more cleanup on signals. */
static void
temp_done(bool remove)
{
	sigset_t old;
	size_t i;

	block_fatal(&old);
	if (tempfile.active) {
		if (remove)
			unlinkat(tempfile.dfd, tempfile.name, 0);
		tempfile.active = 0;
		for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
			sigaction(fatal_signals[i], &tempfile.old[i], NULL);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* ---- resolving a path once ----------------------------------------------- */

void
pcifix_io_file_init(struct pcifix_io_file *f)
{
	memset(f, 0, sizeof(*f));
	f->dfd = -1;
	f->fd = -1;
}

void
pcifix_io_file_close(struct pcifix_io_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->dfd >= 0)
		close(f->dfd);
	free(f->name);
	pcifix_io_file_init(f);
}

/* Open the directory part of `path` relative to `at`; the name is set in *base. */
static int
open_dir_of(int at, const char *path, char **base)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int dfd;

	if (slash == NULL) {
		*base = pcifix_xstrdup(path);
		return openat(at, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	*base = pcifix_xstrdup(slash + 1);
	dir = slash == path ? pcifix_xstrdup("/") : pcifix_xstrndup(path, (size_t)(slash - path));
	dfd = openat(at, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 && errno == ENAMETOOLONG) {
		/* Longer than PATH_MAX: one component at a time. */
		char *p = dir, *next;

		dfd = openat(at, *dir == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		for (; dfd >= 0 && *p; p = next) {
			int nd;

			while (*p == '/')
				p++;
			if (*p == '\0')
				break;
			next = strchr(p, '/');
			if (next)
				*next++ = '\0';
			else
				next = p + strlen(p);
			nd = openat(dfd, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			close(dfd);
			dfd = nd;
		}
	}
	free(dir);
	return dfd;
}

/*
 * Resolve `path` to (f->dfd, f->name): the directory that holds the file and
 * its name there, following symbolic links one at a time.  Returns 0, or -1
 * with errno (ENOENT: the last link or name points nowhere; f->dfd/name then
 * say where the file would be created).
 */
static int
resolve(const char *path, struct pcifix_io_file *f)
{
	int hops;

	f->dfd = open_dir_of(AT_FDCWD, path, &f->name);
	if (f->dfd < 0)
		return -1;
	for (hops = 0; hops < 40; hops++) {
		char link[PATH_MAX];
		ssize_t n;
		char *base;
		int nd;

		if (fstatat(f->dfd, f->name, &f->st, AT_SYMLINK_NOFOLLOW) != 0)
			return -1;
		if (!S_ISLNK(f->st.st_mode)) {
			f->exists = true;
			return 0;
		}
		n = readlinkat(f->dfd, f->name, link, sizeof(link) - 1);
		if (n < 0)
			return -1;
		link[n] = '\0';
		nd = open_dir_of(f->dfd, link, &base);
		if (nd < 0) {
			free(base);
			return -1;
		}
		close(f->dfd);
		free(f->name);
		f->dfd = nd;
		f->name = base;
	}
	errno = ELOOP;
	return -1;
}

/* ---- reading ------------------------------------------------------------- */

/*
 * Read all of fd into a NUL-terminated buffer (size_hint: its size if known),
 * at most `max` bytes: more is EFBIG, found before it is read (a regular
 * file's size) or as soon as it arrives (a pipe).
 */
static int
read_fd(int fd, off_t size_hint, size_t max, char **bytes, size_t *len)
{
	struct pcifix_buf b;
	char chunk[65536];

	if (size_hint > 0 && (uintmax_t)size_hint > max) {
		errno = EFBIG;
		return -1;
	}
	pcifix_buf_init(&b);
	if (size_hint > 0) {
		b.cap = (size_t)size_hint + 1;
		b.data = pcifix_xmalloc(b.cap);
		b.data[0] = '\0';
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			pcifix_buf_free(&b);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		if ((size_t)n > max - b.len) {
			pcifix_buf_free(&b);
			errno = EFBIG;
			return -1;
		}
		pcifix_buf_add(&b, chunk, (size_t)n);
	}
	if (b.data == NULL)
		pcifix_buf_add(&b, "", 0);
	*len = b.len;
	*bytes = b.data;
	return 0;
}

/* The message for a read that failed; EFBIG names the limit. */
static void
read_failed(struct pcifix_diags *diags, const char *label, size_t max)
{
	if (errno == EFBIG)
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0,
				"larger than %zu bytes (libvirt refuses a domain file over 10 MiB; "
				"--max-size raises the limit)", max);
	else
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0, "cannot read: %s", strerror(errno));
}

int
pcifix_io_read(const char *path, size_t max, char **bytes, size_t *len,
	       struct pcifix_diags *diags)
{
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	const char *label = is_stdin ? "<stdin>" : path;
	struct stat st;
	int rc;

	*bytes = NULL;
	*len = 0;
	if (fd < 0) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	memset(&st, 0, sizeof(st));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		errno = EISDIR, rc = -1;
	else
		rc = read_fd(fd, S_ISREG(st.st_mode) ? st.st_size : 0, max, bytes, len);
	if (rc < 0)
		read_failed(diags, label, max);
	if (!is_stdin)
		close(fd);
	return rc;
}

int
pcifix_io_read_in_place(const char *path, size_t max, struct pcifix_io_file *f, char **bytes,
			size_t *len, struct pcifix_diags *diags)
{
	const char *what = "cannot open";

	*bytes = NULL;
	*len = 0;
	if (resolve(path, f) < 0)
		goto fail;
	f->fd = openat(f->dfd, f->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (f->fd < 0)
		goto fail;
	what = "cannot read";
	if (fstat(f->fd, &f->st) != 0)
		goto fail;
	if (!S_ISREG(f->st.st_mode)) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, path, 0, "cannot replace: not a regular file");
		return -1;
	}
	if (read_fd(f->fd, f->st.st_size, max, bytes, len) < 0) {
		read_failed(diags, path, max);
		return -1;
	}
	if (f->st.st_nlink > 1)
		pcifix_diag_add(diags, PCIFIX_R_HARD_LINK, path, 0,
				"the file has %ju names (hard links); -i replaces this one, the "
				"others keep the old bytes", (uintmax_t)f->st.st_nlink);
	return 0;
fail:
	pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, path, 0, "%s: %s", what, strerror(errno));
	return -1;
}

/* ---- writing ------------------------------------------------------------- */

static int
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Every extended attribute of `from` onto `to` (ACLs are system.posix_acl_*). */
static int
copy_xattrs(int from, int to, char **failed)
{
	ssize_t n = flistxattr(from, NULL, 0);
	char *names, *name, *value = NULL;
	int rc = 0;

	if (n < 0 && (errno == ENOTSUP || errno == ENOSYS))
		return 0;   /* the file system keeps none */
	if (n <= 0)
		return (int)n;
	names = pcifix_xmalloc((size_t)n + 1);
	n = flistxattr(from, names, (size_t)n);
	for (name = names; rc == 0 && n > 0 && name < names + n; name += strlen(name) + 1) {
		ssize_t vn = fgetxattr(from, name, NULL, 0);

		if (vn < 0 && errno == ENODATA)
			continue;   /* gone meanwhile */
		free(value);
		value = pcifix_xmalloc(vn > 0 ? (size_t)vn : 1);
		if (vn < 0 || (vn = fgetxattr(from, name, value, (size_t)vn)) < 0 ||
		    fsetxattr(to, name, value, (size_t)vn, 0) != 0) {
			*failed = pcifix_xstrdup(name);
			rc = -1;
		}
	}
	if (n < 0)
		rc = -1;
	free(value);
	free(names);
	return rc;
}

/* Owner (where allowed), mode and extended attributes of `f` onto the temporary file. */
static int
copy_metadata(const struct pcifix_io_file *f, int fd, const char *label,
	      struct pcifix_diags *diags)
{
	char *failed = NULL;
	mode_t mask;

	if (!f->exists) {
		mask = umask(0);
		umask(mask);
		if (fchmod(fd, 0666 & ~mask) == 0)
			return 0;
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0, "cannot set the mode of %s: %s",
				tempfile.name, strerror(errno));
		return -1;
	}
	if (fchown(fd, f->st.st_uid, f->st.st_gid) != 0 &&
	    fchown(fd, (uid_t)-1, f->st.st_gid) != 0) {
		/* Not allowed to give the file away: it is ours, as an editor's would be. */
	}
	if (fchmod(fd, f->st.st_mode & 07777) != 0) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0, "cannot set the mode of %s: %s",
				tempfile.name, strerror(errno));
		return -1;
	}
	if (f->fd >= 0 && copy_xattrs(f->fd, fd, &failed) != 0) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0,
				"cannot copy the extended attribute %s (an ACL or a security label "
				"would be lost): %s; the file is left as it was",
				failed ? failed : "list", strerror(errno));
		free(failed);
		return -1;
	}
	return 0;
}

/* Is the name still the file that was read, unchanged? */
static bool
unchanged(const struct pcifix_io_file *f)
{
	struct stat now;

	if (fstatat(f->dfd, f->name, &now, AT_SYMLINK_NOFOLLOW) != 0)
		return !f->exists && errno == ENOENT;
	return f->exists && now.st_dev == f->st.st_dev && now.st_ino == f->st.st_ino &&
	       now.st_size == f->st.st_size &&
	       now.st_mtim.tv_sec == f->st.st_mtim.tv_sec &&
	       now.st_mtim.tv_nsec == f->st.st_mtim.tv_nsec &&
	       now.st_ctim.tv_sec == f->st.st_ctim.tv_sec &&
	       now.st_ctim.tv_nsec == f->st.st_ctim.tv_nsec;
}

int
pcifix_io_replace(struct pcifix_io_file *f, const char *label, const char *data, size_t len,
		  struct pcifix_diags *diags)
{
	int fd;

	/* Renaming needs no write permission on the file: ask for it all the same. */
	if (f->exists && faccessat(f->dfd, f->name, W_OK, AT_EACCESS) != 0) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	fd = temp_create(f->dfd, f->name);
	if (fd < 0) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0,
				"cannot create a temporary file beside it: %s", strerror(errno));
		return -1;
	}
	if (copy_metadata(f, fd, label, diags) < 0)
		goto fail;
	if (write_all(fd, data, len) != 0) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0, "cannot write %s: %s",
				tempfile.name, strerror(errno));
		goto fail;
	}
	if (fsync(fd) != 0) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0, "cannot sync %s: %s", tempfile.name,
				strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0, "cannot close %s: %s",
				tempfile.name, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (!unchanged(f)) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0,
				"%s changed while pcifix was running; it is left as it is now "
				"(run pcifix again)", label);
		goto fail;
	}
	if (renameat(f->dfd, tempfile.name, f->dfd, f->name) != 0) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, label, 0, "cannot rename %s to %s: %s",
				tempfile.name, f->name, strerror(errno));
		goto fail;
	}
	temp_done(false);
	/* Make the rename itself durable; a failure here loses nothing. */
	if (fsync(f->dfd) != 0) {
		/* Some file systems refuse fsync on a directory. */
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	temp_done(true);
	return -1;
}

int
pcifix_io_write_atomic(const char *path, const char *data, size_t len,
		       struct pcifix_diags *diags)
{
	struct pcifix_io_file f;
	struct stat st;
	int rc = -1;

	/* A device, a pipe or a terminal (-o /dev/stdout, /dev/null) is written to as it is. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);

		if (fd < 0 || write_all(fd, data, len) != 0) {
			pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, path, 0, "cannot write: %s",
					strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if (close(fd) != 0) {
			pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, path, 0, "cannot write: %s",
					strerror(errno));
			return -1;
		}
		return 0;
	}
	pcifix_io_file_init(&f);
	if (resolve(path, &f) < 0 && !(errno == ENOENT && f.dfd >= 0 && f.name)) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, path, 0, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (f.exists && !S_ISREG(f.st.st_mode)) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, path, 0, "cannot replace: not a regular file");
		goto out;
	}
	/* Opened to read its extended attributes; one we may not read is not replaced. */
	if (f.exists && (f.fd = openat(f.dfd, f.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
				       O_CLOEXEC)) < 0) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, path, 0, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (f.fd >= 0 && fstat(f.fd, &f.st) != 0) {
		pcifix_diag_add(diags, PCIFIX_R_IO_ERROR, path, 0, "cannot open: %s", strerror(errno));
		goto out;
	}
	rc = pcifix_io_replace(&f, path, data, len, diags);
out:
	pcifix_io_file_close(&f);
	return rc;
}
