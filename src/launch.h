/* SPDX-License-Identifier: GPL-2.0-or-later */
/* launch.h: run virtshare-fsd for externally launched shares (<source socket>) */
#ifndef VS_LAUNCH_H
#define VS_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "json.h"
#include "util.h"

/*
 * libvirt launches the daemon only for <source dir>; for <source socket>
 * the application does (kbase "Externally-launched virtiofsd"). Each share
 * served this way has, in the run directory:
 *   NAME.json  the launch record: the share and how it was started
 *   NAME.pid   the daemon's pid while it runs
 *   NAME.log   its stdout and stderr
 *   NAME.lock  held while virtshare starts or stops it
 *   NAME.sock  its socket, unless the share names another path
 * NAME is "<domain>-<tag>" (launch_name()), or the escaped socket path for
 * a socket outside the run directory. A daemon serves one QEMU and exits
 * when it disconnects: its files are then stale until the next start.
 */

/* Defaults, overridable per call. */
#define LAUNCH_TIMEOUT_MS 10000 /* for the socket to listen */
#define LAUNCH_GRACE_MS   5000  /* between SIGTERM and SIGKILL */
#define LAUNCH_TAIL_LINES 10    /* log lines shown when a start fails */
#define LAUNCH_THREADS_MAX 1024 /* worker threads of one daemon */

enum launch_flag {
	LAUNCH_DEFAULT = 0, /* leave it to the daemon */
	LAUNCH_ON,
	LAUNCH_OFF,
};

/*
 * One share served by one daemon on one socket. Zero members take the
 * defaults; strings are owned (launch_spec_clear() frees them).
 */
struct launch_spec {
	char *domain;        /* with tag: the share is this domain's TAG */
	char *tag;           /* the mount tag, or NULL */
	char *dir;           /* the shared directory, absolute; required */
	char *socket;        /* absolute; NULL: launch_default_socket() */
	char *cache;         /* none|auto|always; NULL: the daemon's default */
	enum launch_flag xattr;
	bool readonly;
	char *sandbox;       /* namespace|chroot|none; NULL: default */
	bool thread_pool_set;
	unsigned thread_pool; /* worker threads, 0 for none */
	char *log_level;     /* off|error|warn|info|debug|trace; NULL: default */
	/*
	 * Who may connect: the socket gets this owner and group, mode 0660
	 * with a group, else 0600. NULL leaves the daemon's (the caller's)
	 * user or group: see launch_spec_set_owner().
	 */
	char *socket_user;
	char *socket_group;
	int timeout_ms;      /* to wait for the socket; 0: LAUNCH_TIMEOUT_MS */
};

void launch_spec_clear(struct launch_spec *spec);
/* A deep copy of src into *dst (not cleared first). */
void launch_spec_copy(struct launch_spec *dst, const struct launch_spec *src);
/*
 * The member "options" of j: the daemon's options of s (cache, xattr
 * true/false/null, readonly, sandbox, thread_pool, log_level,
 * socket_user, socket_group), as plans and `daemon status --json` show
 * them.
 */
void launch_spec_options_json(struct json *j, const struct launch_spec *s);

/*
 * Check a spec before anything runs: dir absolute and a directory, socket
 * absolute and short enough for a UNIX address, tag at most 36 bytes,
 * cache, sandbox and log level known, at most LAUNCH_THREADS_MAX worker
 * threads, a tag with a domain. Returns 0 or -1 (VS_ERR_INVALID or
 * VS_ERR_NOT_FOUND, reported).
 */
int launch_spec_check(const struct launch_spec *spec);
/*
 * The same checks without looking at the file system, for values read
 * before the directory is known to exist: dir, when set, is absolute;
 * socket, tag, cache, sandbox, log level and thread pool as above (at
 * most LAUNCH_THREADS_MAX threads). Returns 0 or -1 (reported).
 */
int launch_spec_check_values(const struct launch_spec *spec);
/* Same share, same options (the timeout is not part of the share). */
bool launch_spec_equal(const struct launch_spec *a,
		       const struct launch_spec *b);

/*
 * Fill spec->socket_user and socket_group where unset, for the QEMU that
 * uri's libvirt runs: qemu.conf's user and group (read below root) for a
 * system URI, the calling user with no group (mode 0600) for
 * qemu:///session. uri NULL is libvirt's default: system for root, else
 * session. Returns 0 or -1 (reported): a remote URI (the daemon must run
 * on the guest's host), an unreadable qemu.conf.
 */
int launch_spec_set_owner(struct launch_spec *spec, const char *uri,
			  const char *root);

/*
 * The run directory: $VIRTSHARE_RUNDIR, else /run/virtshare for root and
 * $XDG_RUNTIME_DIR/virtshare for other users. Returns it (caller frees) or
 * NULL after reporting VS_ERR_NOT_FOUND when a user has no runtime dir.
 */
char *launch_rundir(void);
/*
 * "<domain>-<tag>" with characters other than letters, digits, ":_.-"
 * escaped as \xNN (systemd's way), so it is a file name and a systemd
 * instance name. Caller frees.
 */
char *launch_name(const char *domain, const char *tag);
/*
 * The name of the share on socket (absolute): NAME for <rundir>/NAME.sock,
 * else the path escaped as systemd-escape --path does. Caller frees.
 */
char *launch_name_for_socket(const char *rundir, const char *socket);
/* <rundir>/<domain>-<tag>.sock (caller frees), or NULL (reported). */
char *launch_default_socket(const char *domain, const char *tag);

/*
 * The daemon's command line for spec (its options are its only API):
 * daemon --socket-path=.. --shared-dir=.. [--socket-group=..] [--cache=..]
 * [--xattr|--no-xattr] [--readonly] [--sandbox=..] [--thread-pool-size=..]
 * [--log-level=..]. spec->socket must be set. Adds to *argv.
 */
void launch_argv(const struct launch_spec *spec, const char *daemon,
		 struct strlist *argv);

enum launch_state {
	LAUNCH_STOPPED, /* recorded, not running (stopped, or never ran) */
	LAUNCH_RUNNING, /* the daemon virtshare started is alive */
	LAUNCH_STALE,   /* a pid file whose daemon is gone or not ours */
};

/* A share and its daemon as the run directory and /proc show it. */
struct launch_status {
	char *name;
	struct launch_spec spec;  /* as recorded, with the socket set */
	char *daemon;             /* the binary started */
	char *exe;                /* its /proc/PID/exe at start, or NULL */
	struct strlist argv;      /* its command line */
	char *log;                /* the log file */
	char *pid_file;
	enum launch_state state;
	int pid;                  /* the recorded pid, 0 when none */
	unsigned long long start_ticks; /* the process start time it had */
	time_t started;           /* wall clock of the last start, 0: none */
	bool listening;           /* running and waiting for QEMU */
	bool socket_present;      /* the socket file exists */
	char *socket_owner;       /* its owner and group now, or NULL */
	char *socket_group;
	unsigned socket_mode;     /* its permission bits */
	struct strlist warnings;  /* translated: who cannot reach the socket */
};

void launch_status_free(struct launch_status *st);
DEFINE_AUTOPTR(launch_status)
/* "running", "stopped", "stale" (not translated: also the JSON value). */
const char *launch_state_name(enum launch_state state);

/*
 * Start the daemon for spec (checked with launch_spec_check()) detached
 * from us: its own session, stdin /dev/null, stdout and stderr appended
 * to NAME.log. Waits until its socket listens (spec->timeout_ms), then
 * gives the socket spec's owner, group and mode. Refuses when a daemon
 * already serves the socket (VS_ERR_CONFLICT) or another process listens
 * on it; removes the files a dead daemon left. When the daemon exits or
 * does not listen in time, it is stopped and the error (VS_ERR_DAEMON)
 * holds the last lines of its log. Other errors: VS_ERR_NOT_FOUND (no
 * daemon binary: host_our_daemon_path()), VS_ERR_PERM (a directory not
 * writable), VS_ERR_INVALID (unknown user or group).
 * Returns the share's status (caller frees) or NULL (reported).
 */
struct launch_status *launch_start(const struct launch_spec *spec);

/*
 * What launch_start() would do, starting nothing and creating nothing:
 * the same checks and refusals (with replace, a running daemon of the
 * share is not one: it would be stopped first, as a restart does).
 * Returns the status the share would have (name, spec with its socket,
 * daemon, argv, log and pid file; state LAUNCH_STOPPED; caller frees), or
 * NULL (reported).
 */
struct launch_status *launch_start_plan(const struct launch_spec *spec,
					bool replace);

/*
 * As launch_start(), but a daemon already running with the same spec is
 * left alone (*changed false) and one running with another spec is
 * restarted: what a declarative apply needs.
 */
struct launch_status *launch_ensure(const struct launch_spec *spec,
				    int grace_ms, bool *changed);

/*
 * Stop the daemon of the share name: SIGTERM, then SIGKILL after grace_ms
 * (0: LAUNCH_GRACE_MS). Only the process it started is signalled: the pid
 * file must name a live process with the recorded start time and binary.
 * Removes the pid file and the socket, keeps the record (state stopped).
 * *was_running (may be NULL) tells whether there was a daemon to stop.
 * Returns 0 or -1 (reported; VS_ERR_NOT_FOUND: no such share).
 */
int launch_stop(const char *name, int grace_ms, bool *was_running);

/*
 * As launch_stop(), then forget the share: its record, pid file and lock
 * go, its log stays. For a share removed from its domain, so that its
 * record names nothing any more. Returns 0 or -1 (reported).
 */
int launch_forget(const char *name, int grace_ms, bool *was_running);

/*
 * Stop the share's daemon if it runs, then start it again from its
 * record; timeout_ms as spec->timeout_ms. Returns the new status (caller
 * frees) or NULL (reported).
 */
struct launch_status *launch_restart(const char *name, int grace_ms,
				     int timeout_ms);

/*
 * The status of the share name, read without changing anything. Returns
 * it (caller frees) or NULL (reported; VS_ERR_NOT_FOUND: no record).
 */
struct launch_status *launch_status_read(const char *name);

/*
 * The name of the share that serves domain's tag, from the records.
 * Returns it (caller frees) or NULL (reported: VS_ERR_NOT_FOUND).
 */
char *launch_find(const char *domain, const char *tag);

/*
 * The name of the share served on socket (absolute), from the records.
 * Returns it (caller frees) or NULL (reported: VS_ERR_NOT_FOUND).
 */
char *launch_find_socket(const char *socket);

/*
 * Every share recorded in the run directory, sorted by name. Returns the
 * count (the caller frees *out with launch_status_list_free()) or -1
 * (reported). A missing run directory is an empty list.
 */
int launch_list(struct launch_status ***out);
void launch_status_list_free(struct launch_status **list, int n);

/*
 * The last nlines lines of a log file (caller frees; "" when it is empty
 * or unreadable).
 */
char *launch_log_tail(const char *log, size_t nlines);

/*
 * systemd supervision: templates/virtshare-fsd@.service runs the daemon of
 * instance NAME with the environment file <confdir>/fsd/NAME.env, confdir
 * being $VIRTSHARE_CONFDIR or SYSCONFDIR/virtshare. launch_unit_env() is
 * that file for spec (its socket set): SOCKET, SHARED_DIR and OPTIONS, the
 * other daemon options. The unit gives the socket spec's group (the
 * daemon's --socket-group, umask 0007), not its user. Returns the text
 * (caller frees), or NULL after reporting VS_ERR_INVALID for an option
 * with white space (systemd would split it).
 */
char *launch_unit_env(const struct launch_spec *spec);
/*
 * Write launch_unit_env() for the share name (created 0644, directories
 * 0755). Returns the file written (caller frees) or NULL (reported).
 */
char *launch_unit_install(const char *name, const struct launch_spec *spec);
/* Where launch_unit_install() writes for name (caller frees). */
char *launch_unit_path(const char *name);

#endif
