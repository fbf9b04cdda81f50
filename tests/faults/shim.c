/* shim.c - LD_PRELOAD library for tests/faults/faults.sh: make the Nth call of one file-system function fail. */
#define _GNU_SOURCE 1

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Environment:
 *   PCIFIX_FAULT_CALL   open, openat, write, fsync, fchmod, close, rename,
 *                       mkostemp, mkstemp or fsetxattr: the function to
 *                       break (open counts open, open64 and __open_2;
 *                       openat likewise; rename counts rename and
 *                       renameat; mkostemp counts mkostemp and mkostemp64,
 *                       mkstemp counts mkstemp and mkstemp64)
 *   PCIFIX_FAULT_N      which call of it fails, from 1
 *   PCIFIX_FAULT_ERRNO  ENOSPC, EIO, EACCES (or a number); for write also
 *                       SHORT: that call writes half of its bytes and
 *                       returns the short count, and every later write
 *                       fails with ENOSPC, as a disk that fills up does
 *   PCIFIX_FAULT_TRACE  a file: every call of the functions above is
 *                       appended as "FUNCTION N RESULT DETAIL" (N counts
 *                       per function; DETAIL is the path or the fd), and
 *                       "FAULT FUNCTION N" where a fault was injected
 *   PCIFIX_FAULT_KILL   WHEN:FUNCTION:N, WHEN being before or after: the
 *                       process sends itself SIGKILL right before or right
 *                       after the Nth call of FUNCTION (counted as above);
 *                       no fault is injected then
 *   PCIFIX_FAULT_HOOK   WHEN:FUNCTION:N:COMMAND: right before or after the Nth
 *                       call of FUNCTION, run COMMAND with sh -c (without
 *                       LD_PRELOAD) and wait for it, e.g. to swap the file
 *                       for a symbolic link or to edit it meanwhile; no fault
 *                       is injected then
 *   PCIFIX_FAULT_TRACE_TIME  non-empty: each trace line ends with " t=US",
 *                       microseconds since the library was loaded
 *
 * The failing call does not do its work (close does: Linux closes the fd
 * even when close reports an error), so nothing half-happens except in
 * the SHORT case, which is meant to.  Calls that libc makes internally
 * (stdio, mkostemp's own open) do not go through here and are not counted.
 */

enum fn {
	FN_OPEN, FN_OPENAT, FN_WRITE, FN_FSYNC, FN_FCHMOD, FN_CLOSE, FN_RENAME,
	FN_MKOSTEMP, FN_MKSTEMP, FN_FSETXATTR, FN__COUNT,
};

static const char *const fn_names[FN__COUNT] = {
	"open", "openat", "write", "fsync", "fchmod", "close", "rename", "mkostemp", "mkstemp",
	"fsetxattr",
};

static unsigned long counts[FN__COUNT];
static int fault_fn = -1;
static unsigned long fault_n;
static int fault_errno;
static int short_write;         /* SHORT: the fault call wrote half */
static int disk_full;           /* after a SHORT write: every write fails */
static int trace_fd = -1;
static int trace_time;
static struct timespec t_start;
static int kill_fn = -1;
static unsigned long kill_n;
static int kill_after;
static int hook_fn = -1;
static unsigned long hook_n;
static int hook_after;
static char hook_cmd[4096];
static int ready;

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_open_2)(const char *, int);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_openat_2)(int, const char *, int);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_fsync)(int);
static int (*real_fchmod)(int, mode_t);
static int (*real_close)(int);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_fsetxattr)(int, const char *, const void *, size_t, int);
static int (*real_mkostemp)(char *, int);
static int (*real_mkostemp64)(char *, int);
static int (*real_mkstemp)(char *);
static int (*real_mkstemp64)(char *);

static int
errno_from_name(const char *s)
{
	if (strcmp(s, "ENOSPC") == 0)
		return ENOSPC;
	if (strcmp(s, "EIO") == 0)
		return EIO;
	if (strcmp(s, "EACCES") == 0)
		return EACCES;
	if (strcmp(s, "EPERM") == 0)
		return EPERM;
	if (strcmp(s, "EROFS") == 0)
		return EROFS;
	if (strcmp(s, "EDQUOT") == 0)
		return EDQUOT;
	if (strcmp(s, "EINTR") == 0)
		return EINTR;
	return atoi(s) > 0 ? atoi(s) : EIO;
}

static void
init(void)
{
	const char *call, *n, *err, *trace;
	int i;

	if (ready)
		return;
	ready = 1;
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	real_open = dlsym(RTLD_NEXT, "open");
	real_open64 = dlsym(RTLD_NEXT, "open64");
	real_open_2 = dlsym(RTLD_NEXT, "__open_2");
	real_openat = dlsym(RTLD_NEXT, "openat");
	real_openat64 = dlsym(RTLD_NEXT, "openat64");
	real_openat_2 = dlsym(RTLD_NEXT, "__openat_2");
	real_write = dlsym(RTLD_NEXT, "write");
	real_fsync = dlsym(RTLD_NEXT, "fsync");
	real_fchmod = dlsym(RTLD_NEXT, "fchmod");
	real_close = dlsym(RTLD_NEXT, "close");
	real_rename = dlsym(RTLD_NEXT, "rename");
	real_renameat = dlsym(RTLD_NEXT, "renameat");
	real_fsetxattr = dlsym(RTLD_NEXT, "fsetxattr");
	real_mkostemp = dlsym(RTLD_NEXT, "mkostemp");
	real_mkostemp64 = dlsym(RTLD_NEXT, "mkostemp64");
	real_mkstemp = dlsym(RTLD_NEXT, "mkstemp");
	real_mkstemp64 = dlsym(RTLD_NEXT, "mkstemp64");

	call = getenv("PCIFIX_FAULT_CALL");
	n = getenv("PCIFIX_FAULT_N");
	err = getenv("PCIFIX_FAULT_ERRNO");
	trace = getenv("PCIFIX_FAULT_TRACE");
	trace_time = getenv("PCIFIX_FAULT_TRACE_TIME") && *getenv("PCIFIX_FAULT_TRACE_TIME");
	if (call && n) {
		for (i = 0; i < FN__COUNT; i++)
			if (strcmp(call, fn_names[i]) == 0)
				fault_fn = i;
		fault_n = strtoul(n, NULL, 10);
		if (err && strcmp(err, "SHORT") == 0) {
			short_write = 1;
			fault_errno = ENOSPC;
		} else {
			fault_errno = err ? errno_from_name(err) : EIO;
		}
	}
	if (getenv("PCIFIX_FAULT_KILL")) {
		char when[16], what[32];
		unsigned long kn;

		if (sscanf(getenv("PCIFIX_FAULT_KILL"), "%15[a-z]:%31[a-z0-9]:%lu", when, what,
			   &kn) == 3) {
			for (i = 0; i < FN__COUNT; i++)
				if (strcmp(what, fn_names[i]) == 0)
					kill_fn = i;
			kill_n = kn;
			kill_after = strcmp(when, "after") == 0;
		}
	}
	if (getenv("PCIFIX_FAULT_HOOK")) {
		char when[16], what[32];
		unsigned long hn;
		int off = 0;

		if (sscanf(getenv("PCIFIX_FAULT_HOOK"), "%15[a-z]:%31[a-z0-9]:%lu:%n", when, what,
			   &hn, &off) == 3 && off > 0) {
			for (i = 0; i < FN__COUNT; i++)
				if (strcmp(what, fn_names[i]) == 0)
					hook_fn = i;
			hook_n = hn;
			hook_after = strcmp(when, "after") == 0;
			snprintf(hook_cmd, sizeof(hook_cmd), "%s", getenv("PCIFIX_FAULT_HOOK") + off);
		}
	}
	if (trace && *trace && real_open)
		trace_fd = real_open(trace, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

__attribute__((constructor)) static void
shim_init(void)
{
	init();
}

static void
trace(const char *fmt, ...)
{
	char line[4200];
	va_list ap;
	int n;

	if (trace_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	if (trace_time) {
		struct timespec now;
		long long us;

		clock_gettime(CLOCK_MONOTONIC, &now);
		us = (now.tv_sec - t_start.tv_sec) * 1000000LL +
		     (now.tv_nsec - t_start.tv_nsec) / 1000;
		n += snprintf(line + n, sizeof(line) - (size_t)n - 1, " t=%lld", us);
		if ((size_t)n > sizeof(line) - 2)
			n = (int)sizeof(line) - 2;
	}
	line[n++] = '\n';
	if (real_write(trace_fd, line, (size_t)n) < 0) {
		/* Nothing to do: the trace is a debugging aid. */
	}
}

/*
 * The hook, in sh -c, waited for without system()'s signal games: a signal
 * it sends to this process is taken at once (the point of some tests).
 */
static void
run_hook(void)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0) {
		unsetenv("LD_PRELOAD");
		execl("/bin/sh", "sh", "-c", hook_cmd, (char *)NULL);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

/* SIGKILL now if this is the kill point, or run the hook (after: the call has been made). */
static void
kill_point(enum fn fn, int after)
{
	if ((int)fn == kill_fn && counts[fn] == kill_n && after == kill_after) {
		trace("KILL %s %s %lu", after ? "after" : "before", fn_names[fn], counts[fn]);
		kill(getpid(), SIGKILL);
	}
	if ((int)fn == hook_fn && counts[fn] == hook_n && after == hook_after) {
		int e = errno;

		trace("HOOK %s %s %lu", after ? "after" : "before", fn_names[fn], counts[fn]);
		hook_fn = -1;
		run_hook();
		errno = e;
	}
}

/* Count a call of `fn`; true when this one must fail. */
static int
hit(enum fn fn)
{
	init();
	counts[fn]++;
	kill_point(fn, 0);
	if ((int)fn == fault_fn && counts[fn] == fault_n) {
		trace("FAULT %s %lu", fn_names[fn], counts[fn]);
		return 1;
	}
	return 0;
}

static int
fail(int e)
{
	errno = e;
	return -1;
}

#define OPEN_MODE(flags, mode)                                  \
	do {                                                    \
		if ((flags) & (O_CREAT | O_TMPFILE)) {          \
			va_list ap_;                            \
			va_start(ap_, flags);                   \
			mode = (mode_t)va_arg(ap_, int);        \
			va_end(ap_);                            \
		}                                               \
	} while (0)

static int
do_open(int (*fn)(const char *, int, ...), const char *path, int flags, mode_t mode)
{
	int r, e;

	if (hit(FN_OPEN)) {
		trace("open %lu -1 %s", counts[FN_OPEN], path);
		return fail(fault_errno);
	}
	r = fn(path, flags, mode);
	kill_point(FN_OPEN, 1);
	e = errno;
	trace("open %lu %d %s", counts[FN_OPEN], r, path);
	errno = e;
	return r;
}

int open(const char *path, int flags, ...);
int open64(const char *path, int flags, ...);
int __open_2(const char *path, int flags);
int openat(int dirfd, const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...);
int __openat_2(int dirfd, const char *path, int flags);
int mkostemp64(char *tmpl, int flags);
int mkstemp64(char *tmpl);

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	init();
	return do_open(real_open, path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	init();
	return do_open(real_open64 ? real_open64 : real_open, path, flags, mode);
}

int
__open_2(const char *path, int flags)
{
	init();
	return do_open(real_open, path, flags, 0);
}

static int
do_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	int r, e;

	if (hit(FN_OPENAT)) {
		trace("openat %lu -1 %s", counts[FN_OPENAT], path);
		return fail(fault_errno);
	}
	r = real_openat(dirfd, path, flags, mode);
	kill_point(FN_OPENAT, 1);
	e = errno;
	trace("openat %lu %d %s", counts[FN_OPENAT], r, path);
	errno = e;
	return r;
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return do_openat(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return do_openat(dirfd, path, flags, mode);
}

int
__openat_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags, 0);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	ssize_t r;
	int e;

	/* Not ours: the trace file itself, or before init (never in practice). */
	if (!ready)
		init();
	if (fd == trace_fd)
		return real_write(fd, buf, len);
	if (disk_full) {
		counts[FN_WRITE]++;
		trace("write %lu -1 fd=%d len=%zu (disk full)", counts[FN_WRITE], fd, len);
		return fail(ENOSPC);
	}
	if (hit(FN_WRITE)) {
		if (short_write && len > 1) {
			r = real_write(fd, buf, len / 2);
			disk_full = 1;
			trace("write %lu %zd fd=%d len=%zu (short)", counts[FN_WRITE], r, fd, len);
			return r;
		}
		trace("write %lu -1 fd=%d len=%zu", counts[FN_WRITE], fd, len);
		return fail(fault_errno);
	}
	r = real_write(fd, buf, len);
	kill_point(FN_WRITE, 1);
	e = errno;
	trace("write %lu %zd fd=%d len=%zu", counts[FN_WRITE], r, fd, len);
	errno = e;
	return r;
}

int
fsync(int fd)
{
	int r, e;

	if (hit(FN_FSYNC)) {
		trace("fsync %lu -1 fd=%d", counts[FN_FSYNC], fd);
		return fail(fault_errno);
	}
	r = real_fsync(fd);
	kill_point(FN_FSYNC, 1);
	e = errno;
	trace("fsync %lu %d fd=%d", counts[FN_FSYNC], r, fd);
	errno = e;
	return r;
}

int
fchmod(int fd, mode_t mode)
{
	int r, e;

	if (hit(FN_FCHMOD)) {
		trace("fchmod %lu -1 fd=%d mode=%o", counts[FN_FCHMOD], fd, (unsigned)mode);
		return fail(fault_errno);
	}
	r = real_fchmod(fd, mode);
	kill_point(FN_FCHMOD, 1);
	e = errno;
	trace("fchmod %lu %d fd=%d mode=%o", counts[FN_FCHMOD], r, fd, (unsigned)mode);
	errno = e;
	return r;
}

int
close(int fd)
{
	int r, e;

	if (!ready)
		init();
	if (fd == trace_fd && fd >= 0)
		return 0;       /* keep the trace open: some programs close everything */
	if (hit(FN_CLOSE)) {
		real_close(fd);
		trace("close %lu -1 fd=%d", counts[FN_CLOSE], fd);
		return fail(fault_errno);
	}
	r = real_close(fd);
	kill_point(FN_CLOSE, 1);
	e = errno;
	trace("close %lu %d fd=%d", counts[FN_CLOSE], r, fd);
	errno = e;
	return r;
}

int
rename(const char *from, const char *to)
{
	int r, e;

	if (hit(FN_RENAME)) {
		trace("rename %lu -1 %s -> %s", counts[FN_RENAME], from, to);
		return fail(fault_errno);
	}
	r = real_rename(from, to);
	kill_point(FN_RENAME, 1);
	e = errno;
	trace("rename %lu %d %s -> %s", counts[FN_RENAME], r, from, to);
	errno = e;
	return r;
}

int
renameat(int fromfd, const char *from, int tofd, const char *to)
{
	int r, e;

	if (hit(FN_RENAME)) {
		trace("rename %lu -1 %s -> %s", counts[FN_RENAME], from, to);
		return fail(fault_errno);
	}
	r = real_renameat(fromfd, from, tofd, to);
	kill_point(FN_RENAME, 1);
	e = errno;
	trace("rename %lu %d %s -> %s", counts[FN_RENAME], r, from, to);
	errno = e;
	return r;
}

int
fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)
{
	int r, e;

	if (hit(FN_FSETXATTR)) {
		trace("fsetxattr %lu -1 fd=%d %s", counts[FN_FSETXATTR], fd, name);
		return fail(fault_errno);
	}
	r = real_fsetxattr(fd, name, value, size, flags);
	kill_point(FN_FSETXATTR, 1);
	e = errno;
	trace("fsetxattr %lu %d fd=%d %s", counts[FN_FSETXATTR], r, fd, name);
	errno = e;
	return r;
}

static int
do_mkostemp(int (*fn)(char *, int), char *tmpl, int flags)
{
	int r, e;

	if (hit(FN_MKOSTEMP)) {
		trace("mkostemp %lu -1 %s", counts[FN_MKOSTEMP], tmpl);
		return fail(fault_errno);
	}
	r = fn(tmpl, flags);
	kill_point(FN_MKOSTEMP, 1);
	e = errno;
	trace("mkostemp %lu %d %s", counts[FN_MKOSTEMP], r, tmpl);
	errno = e;
	return r;
}

int
mkostemp(char *tmpl, int flags)
{
	init();
	return do_mkostemp(real_mkostemp, tmpl, flags);
}

int
mkostemp64(char *tmpl, int flags)
{
	init();
	return do_mkostemp(real_mkostemp64 ? real_mkostemp64 : real_mkostemp, tmpl, flags);
}

static int
do_mkstemp(int (*fn)(char *), char *tmpl)
{
	int r, e;

	if (hit(FN_MKSTEMP)) {
		trace("mkstemp %lu -1 %s", counts[FN_MKSTEMP], tmpl);
		return fail(fault_errno);
	}
	r = fn(tmpl);
	kill_point(FN_MKSTEMP, 1);
	e = errno;
	trace("mkstemp %lu %d %s", counts[FN_MKSTEMP], r, tmpl);
	errno = e;
	return r;
}

int
mkstemp(char *tmpl)
{
	init();
	return do_mkstemp(real_mkstemp, tmpl);
}

int
mkstemp64(char *tmpl)
{
	init();
	return do_mkstemp(real_mkstemp64 ? real_mkstemp64 : real_mkstemp, tmpl);
}
