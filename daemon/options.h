/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.h: the command line of virtshare-fsd, its only API */
#ifndef FSD_OPTIONS_H
#define FSD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "passthrough.h"

enum opt_action {
	OPT_RUN,
	OPT_HELP,
	OPT_VERSION,
	OPT_PRINT_CAPS,
};

enum opt_sandbox {
	OPT_SANDBOX_NONE,
	OPT_SANDBOX_CHROOT,
	OPT_SANDBOX_NAMESPACE,
};

enum opt_seccomp {
	OPT_SECCOMP_NONE,
	OPT_SECCOMP_LOG,
	OPT_SECCOMP_KILL,
};

#define OPT_MAX_THREAD_POOL 1024

struct opt {
	enum opt_action action;
	int fd;			/* --fd: a listening socket, or -1 */
	char *socket_path;	/* --socket-path */
	char *socket_group;	/* --socket-group */
	char *source;		/* --shared-dir / -o source= */
	enum pt_cache cache;
	bool xattr;
	bool posix_lock;
	bool flock;
	bool readonly;
	bool announce_submounts;
	bool allow_direct_io;
	bool readdirplus;
	enum opt_sandbox sandbox;
	enum opt_seccomp seccomp;
	unsigned thread_pool_size;	/* helpers, when thread_pool_size_set */
	bool thread_pool_size_set;	/* else: opt_default_helpers() */
	unsigned long long rlimit_nofile; /* 0: leave the limit alone */
	bool rlimit_nofile_set;
	int log_level;		/* enum log_level */
	bool syslog;
	char *uid_map;		/* --uid-map, validated */
	char *gid_map;
};

/*
 * Parse argv into *o (defaults first). Returns 0, or -1 with a one-line
 * message in err (the caller prints it and exits with status 2). Nothing
 * is printed here. "--print-capabilities", "--help" and "--version" set
 * o->action and make the other options irrelevant. Free with opt_free().
 */
int opt_parse(struct opt *o, int argc, char **argv, char *err,
	      size_t errlen);
void opt_free(struct opt *o);

/* The usage text and the --print-capabilities JSON (static strings). */
const char *opt_usage(void);

/*
 * Helper threads without --thread-pool-size: the CPUs we may run on, at
 * least 2 and at most OPT_DEFAULT_HELPERS_MAX.
 */
#define OPT_DEFAULT_HELPERS_MAX 8
unsigned opt_default_helpers(void);
const char *opt_capabilities(void);

/* Names for log lines: "auto", "namespace", ... */
const char *opt_cache_name(enum pt_cache cache);
const char *opt_sandbox_name(enum opt_sandbox sandbox);

#endif
