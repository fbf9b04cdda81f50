/* runstat.c: run a command once and record its wall time and peak RSS. */
/*
 * Usage: runstat RESULT COMMAND [ARG...]
 *
 * Runs COMMAND with the inherited standard streams, waits for it with
 * wait4(), and writes one line "SECONDS MAXRSS_KIB" to the file RESULT
 * (the format of GNU time's -f '%e %M', with microseconds instead of
 * hundredths).  Exits with the command's exit status, 128+N if it was
 * killed by signal N, 127 if it could not be started, 125 on an error of
 * runstat itself.  Compiled on the fly by tests/bench.sh: only POSIX and
 * the wait4() every Linux and BSD libc has.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	FILE *f;
	pid_t pid;
	int status;
	double secs;

	if (argc < 3) {
		fprintf(stderr, "usage: runstat RESULT COMMAND [ARG...]\n");
		return 125;
	}
	if (clock_gettime(CLOCK_MONOTONIC, &t0) != 0) {
		perror("runstat: clock_gettime");
		return 125;
	}
	pid = fork();
	if (pid < 0) {
		perror("runstat: fork");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "runstat: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("runstat: wait4");
			return 125;
		}
	}
	if (clock_gettime(CLOCK_MONOTONIC, &t1) != 0) {
		perror("runstat: clock_gettime");
		return 125;
	}
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	f = fopen(argv[1], "w");
	if (f == NULL) {
		fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
		return 125;
	}
	/* ru_maxrss is in KiB on Linux (bytes on macOS, not a target here). */
	fprintf(f, "%.6f %ld\n", secs, (long)ru.ru_maxrss);
	if (fclose(f) != 0) {
		fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
		return 125;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 125;
}
