/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-seccomp.c: the allow-list of virtshare-fsd kills, logs or allows */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <seccomp.h>

#include "fsd-seccomp.h"
#include "log.h"
#include "tap.h"
#include "util.h"

static void *
thread_main(void *arg)
{
	return arg;
}

/* What the daemon does all day: files, sockets, threads, memory. */
static int
allowed_work(void)
{
	char buf[64];
	pthread_t t;
	void *ret;
	int fd;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0)
		return 1;
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 2;
	close(fd);
	if (pthread_create(&t, NULL, thread_main, buf) != 0 ||
	    pthread_join(t, &ret) != 0 || ret != buf)
		return 3;
	free(xmalloc(1 << 20));
	return 0;
}

enum forbidden { FORBID_INET, FORBID_MOUNT, FORBID_EXEC };

/* A system call the daemon never makes; returns if not killed. */
static int
forbidden_call(enum forbidden what)
{
	static char *const argv[] = { "/bin/true", NULL };
	int fd;

	switch (what) {
	case FORBID_INET:
		fd = socket(AF_INET, SOCK_STREAM, 0);
		return fd >= 0 ? 0 : 1;
	case FORBID_MOUNT:
		mount("none", "/", "tmpfs", 0, NULL);
		return 0;
	case FORBID_EXEC:
		execv(argv[0], argv);
		return 1;
	}
	return 1;
}

/* Run body in a child under the filter; its wait status. */
static int
in_child(enum opt_seccomp action, int forbidden)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (seccomp_setup(action) < 0)
			_exit(100);
		if (allowed_work())
			_exit(101);
		if (forbidden >= 0 && forbidden_call((enum forbidden)forbidden))
			_exit(102);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static const char *const forbidden_names[] = {
	[FORBID_INET] = "socket(AF_INET)",
	[FORBID_MOUNT] = "mount",
	[FORBID_EXEC] = "execve",
};

int
main(void)
{
	size_t i, unknown = 0;
	int st, f;

	log_init(LOG_LVL_ERROR, false);
	for (i = 0; i < seccomp_allowed_count(); i++)
		if (seccomp_syscall_resolve_name(seccomp_allowed_name(i)) ==
		    __NR_SCMP_ERROR) {
			tap_diag("unknown system call %s",
				 seccomp_allowed_name(i));
			unknown++;
		}
	tap_is_int(unknown, 0, "every name on the allow-list is a system call "
		   "(%zu names)", seccomp_allowed_count());

	st = in_child(OPT_SECCOMP_KILL, -1);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "kill: files, sockets, threads and memory work under the "
	       "filter (status %#x)", st);
	for (f = FORBID_INET; f <= FORBID_EXEC; f++) {
		st = in_child(OPT_SECCOMP_KILL, f);
		tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
		       "kill: %s kills the process with SIGSYS (status %#x)",
		       forbidden_names[f], st);
	}
	st = in_child(OPT_SECCOMP_LOG, FORBID_INET);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "log: socket(AF_INET) is allowed and only logged (status %#x)",
	       st);
	st = in_child(OPT_SECCOMP_NONE, FORBID_INET);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "none: no filter (status %#x)", st);
	return tap_done();
}
