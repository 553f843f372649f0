/* SPDX-License-Identifier: GPL-2.0-or-later */
/* spawn.h: start and stop a virtiofs daemon under test, as QEMU or libvirt
 * would */
#ifndef VS_SPAWN_H
#define VS_SPAWN_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct spawn_opts {
	const char *binary;
	const char *shared_dir;
	const char *workdir; /* the socket and the daemon's log go here */
	const char *options; /* appended to -o source=DIR, e.g. "cache=none" */
	bool use_fd;         /* hand a listening socket with --fd=N */
	const char *const *extra; /* more arguments, NULL-terminated */
};

struct spawn {
	pid_t pid;
	bool exited;
	int status;
	char sock[256];
	char log[256];
};

/*
 * Start the daemon with its output in <workdir>/<name>.log and its socket
 * at <workdir>/<name>.sock. With use_fd the socket is bound and listening
 * before the daemon starts (libvirt's way); otherwise the daemon makes it
 * (--socket-path) and vuclient_connect() waits for it. Returns NULL with
 * a message on stderr when fork/exec or the socket fails.
 */
struct spawn *spawn_start(const struct spawn_opts *o, const char *name);

/* Wait up to timeout_ms for the daemon to exit; true if it did. */
bool spawn_wait(struct spawn *s, int timeout_ms);

/* SIGTERM, then SIGKILL after a second; reaps. NULL-safe. */
void spawn_stop(struct spawn *s);
void spawn_free(struct spawn *s);

/* Copy the daemon's log to @out, each line prefixed with "# ". */
void spawn_dump_log(const struct spawn *s, FILE *out, int max_lines);

/*
 * CPU time (user + system, nanoseconds) used so far by the daemon and
 * every process it forked (sandboxes fork), summed over all threads.
 */
long long spawn_cpu_ns(const struct spawn *s);

#endif
