/* killafter.c - run a program and send it SIGKILL after a given number of microseconds (tests/faults/faults.sh). */
#define _GNU_SOURCE 1

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Usage: killafter MICROSECONDS PROGRAM [ARG...]
 * Prints "killed" when SIGKILL ended the program, or "exited N" when it
 * finished first (stdout and stderr of PROGRAM go to /dev/null).
 */
int
main(int argc, char **argv)
{
	struct timespec ts;
	long us;
	pid_t pid;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: killafter MICROSECONDS PROGRAM [ARG...]\n");
		return 2;
	}
	us = strtol(argv[1], NULL, 10);
	pid = fork();
	if (pid < 0) {
		perror("killafter: fork");
		return 2;
	}
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(127);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (us % 1000000) * 1000;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("killafter: waitpid");
			return 2;
		}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		printf("killed\n");
	else if (WIFEXITED(status))
		printf("exited %d\n", WEXITSTATUS(status));
	else
		printf("signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	return 0;
}
