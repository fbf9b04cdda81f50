/* io.c - read a whole file; replace a file atomically (temporary file, fsync, rename). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcifix.h"

int
pcifix_io_read(const char *path, char **bytes, size_t *len, struct pcifix_diags *diags)
{
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	const char *label = is_stdin ? "<stdin>" : path;
	struct pcifix_buf b;
	char chunk[65536];

	memset(&st, 0, sizeof(st));
	*bytes = NULL;
	*len = 0;
	if (fd < 0) {
		pcifix_diag_add(diags, "io-error", label, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		pcifix_diag_add(diags, "io-error", label, 0, "cannot read: %s", strerror(EISDIR));
		close(fd);
		return -1;
	}
	pcifix_buf_init(&b);
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		b.cap = (size_t)st.st_size + 1;
		b.data = pcifix_xmalloc(b.cap);
		b.data[0] = '\0';
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pcifix_diag_add(diags, "io-error", label, 0, "cannot read: %s",
					strerror(errno));
			pcifix_buf_free(&b);
			if (!is_stdin)
				close(fd);
			return -1;
		}
		if (n == 0)
			break;
		pcifix_buf_add(&b, chunk, (size_t)n);
	}
	if (!is_stdin)
		close(fd);
	if (b.data == NULL)
		pcifix_buf_add(&b, "", 0);
	*len = b.len;
	*bytes = b.data;
	return 0;
}

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

/* Where a chain of symbolic links ending nowhere points, or NULL. */
static char *
dangling_target(const char *path)
{
	char *cur = pcifix_xstrdup(path);
	struct stat st;
	int hops;

	for (hops = 0; hops < 40; hops++) {
		char buf[PATH_MAX];
		ssize_t n;
		char *next;

		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			break;
		n = readlink(cur, buf, sizeof(buf) - 1);
		if (n < 0)
			break;
		buf[n] = '\0';
		if (buf[0] == '/') {
			next = pcifix_xstrdup(buf);
		} else {
			char *d = pcifix_xstrdup(cur);

			next = pcifix_xasprintf("%s/%s", dirname(d), buf);
			free(d);
		}
		free(cur);
		cur = next;
	}
	if (hops == 0 || hops == 40 || lstat(cur, &st) == 0) {
		free(cur);
		return NULL;
	}
	return cur;
}

int
pcifix_io_write_atomic(const char *path, const char *data, size_t len,
		       struct pcifix_diags *diags)
{
	char *target = NULL, *dircopy = NULL, *basecopy = NULL, *tmp = NULL;
	const char *dir, *base;
	struct stat st;
	bool exists;
	int fd = -1, dfd, rc = -1;
	mode_t mode;

	/* Follow a symbolic link: the file it points to is replaced, the link stays. */
	exists = stat(path, &st) == 0;
	if (!exists && errno == ENOENT && (target = dangling_target(path)) != NULL) {
		/* A dangling link: create what it points to, as `>` would. */
		mode_t mask = umask(0);

		umask(mask);
		mode = 0666 & ~mask;
	} else if (exists) {
		if (!S_ISREG(st.st_mode)) {
			pcifix_diag_add(diags, "io-error", path, 0,
					"cannot replace: not a regular file");
			return -1;
		}
		target = realpath(path, NULL);
		if (target == NULL) {
			pcifix_diag_add(diags, "io-error", path, 0, "cannot resolve: %s",
					strerror(errno));
			return -1;
		}
		if (access(target, W_OK) != 0) {
			pcifix_diag_add(diags, "io-error", path, 0, "cannot write: %s",
					strerror(errno));
			goto out;
		}
		mode = st.st_mode & 07777;
	} else {
		mode_t mask = umask(0);

		umask(mask);
		mode = 0666 & ~mask;
		target = pcifix_xstrdup(path);
	}
	dircopy = pcifix_xstrdup(target);
	basecopy = pcifix_xstrdup(target);
	dir = dirname(dircopy);
	base = basename(basecopy);
	tmp = pcifix_xasprintf("%s/.%s.pcifix-XXXXXX", dir, base);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 && errno == ENAMETOOLONG) {
		/* A name near NAME_MAX has no room for the suffix: a short one. */
		free(tmp);
		tmp = pcifix_xasprintf("%s/.pcifix-XXXXXX", dir);
		fd = mkostemp(tmp, O_CLOEXEC);
	}
	if (fd < 0) {
		pcifix_diag_add(diags, "io-error", path, 0,
				"cannot create a temporary file in %s: %s", dir, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (exists && fchown(fd, st.st_uid, st.st_gid) != 0) {
		/* Not allowed to give the file away: keep at least the group if we can. */
		if (fchown(fd, (uid_t)-1, st.st_gid) != 0) {
			/* The new file is ours; that is what an editor does too. */
		}
	}
	if (fchmod(fd, mode) != 0) {
		pcifix_diag_add(diags, "io-error", path, 0, "cannot set the mode of %s: %s",
				tmp, strerror(errno));
		goto out;
	}
	if (write_all(fd, data, len) != 0) {
		pcifix_diag_add(diags, "io-error", path, 0, "cannot write %s: %s", tmp,
				strerror(errno));
		goto out;
	}
	if (fsync(fd) != 0) {
		pcifix_diag_add(diags, "io-error", path, 0, "cannot sync %s: %s", tmp,
				strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		pcifix_diag_add(diags, "io-error", path, 0, "cannot close %s: %s", tmp,
				strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, target) != 0) {
		pcifix_diag_add(diags, "io-error", path, 0, "cannot rename %s to %s: %s", tmp,
				target, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/* Make the rename itself durable; a failure here loses nothing. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd) != 0) {
			/* Some file systems refuse fsync on a directory. */
		}
		close(dfd);
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(target);
	free(dircopy);
	free(basecopy);
	return rc;
}
