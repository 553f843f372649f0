/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox.h: confine virtshare-fsd (namespaces or chroot, capabilities) */
#ifndef FSD_SANDBOX_H
#define FSD_SANDBOX_H

#include <stdbool.h>

#include "options.h"

struct sandbox_config {
	enum opt_sandbox mode;
	enum opt_seccomp seccomp;
	const char *source;	/* the shared directory, as given */
	const char *uid_map;	/* ":ns:host:count:" or NULL */
	const char *gid_map;
};

/* What the serving process uses once it is inside the sandbox. */
struct sandbox_view {
	const char *root;	/* the share from inside: "/" or the source */
	int proc_fd;		/* /proc/self/fd opened before confinement,
				   or -1 (none: let passthrough open it) */
	bool keep_creds;	/* a user namespace maps one id: act as it */
};

/*
 * First call, before the socket exists: drop supplementary groups
 * (CVE-2022-0358) and check that the mode can work here (chroot needs
 * root; id maps need the namespace mode), so a mistake fails before a
 * front end connects. Returns 0 or -1 (logged).
 */
int sandbox_prepare(const struct sandbox_config *cfg);

/*
 * Second call, once the front end is connected and before any thread
 * starts. For namespace and chroot the process forks: the parent stays
 * outside, closes conn, forwards SIGTERM/SIGINT/SIGHUP/SIGQUIT to the
 * child, and returns 1 with the child's exit status in *status (a child
 * killed by a signal is logged and gives 1). The child (namespace: pid 1
 * of new pid, mount and network namespaces, plus a user namespace when
 * not root; the share bind-mounted and pivot_root'ed into, the old root
 * detached; chroot: chroot into the share) returns 0 with *view filled.
 * Then, in the serving process: capabilities reduced to what passthrough
 * needs, and the seccomp filter loaded. -1 on failure (logged); the
 * caller exits with status 1.
 */
int sandbox_enter(const struct sandbox_config *cfg, int conn,
		  struct sandbox_view *view, int *status);

#endif
