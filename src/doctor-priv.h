/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-priv.h: what the parts of the doctor share: facts, logs, results */
#ifndef VS_DOCTOR_PRIV_H
#define VS_DOCTOR_PRIV_H

#include <stdbool.h>
#include <time.h>

#include "compat.h"
#include "doctor.h"
#include "domxml.h"
#include "launch.h"

#define ULL(v) ((unsigned long long)(v))
#define DOCTOR_SCHEMA 1

#define LOG_TAIL_MAX (2u << 20)   /* bytes read from the end of a log */
#define DAEMON_LOG_LINES 200      /* lines of a daemon log looked at */
#define LOG_WINDOW_S 3            /* libvirt's line this near a run is its */
#define MAX_QUOTES 4
#define QUOTE_MAX 1000            /* bytes of a line quoted */


#define DEFAULT_QEMU_LOGDIR "/var/log/libvirt/qemu"
#define DEFAULT_LIBVIRT_LOGDIR "/var/log/libvirt"
#define RUST_VIRTIOFSD "/usr/libexec/virtiofsd"


enum log_kind {
	LOG_QEMU,     /* the domain's QEMU log: its last run */
	LOG_DAEMON,   /* a daemon log libvirt wrote for one share */
	LOG_LIBVIRT,  /* libvirtd's own log: the lines that are the domain's */
	LOG_SECURITY, /* audit log, kernel log: denials */
};

struct doctor_log {
	enum log_kind kind;
	char *file;            /* the host path */
	struct strlist lines;  /* the lines that belong to the domain */
	int share;             /* LOG_DAEMON: the share's index, -1 unknown */
};

/* The last start of a domain as its QEMU log tells it. */
struct log_run {
	bool known;
	time_t start, end;     /* 0 when the lines carry no time */
	bool failed;           /* it ended "shutting down, reason=failed" */
};

/* The daemon libvirt starts for a share without <source socket>. */
struct share_daemon {
	const char *path;       /* the binary, or NULL: none found */
	const char *descriptor; /* the vhost-user file naming it, or NULL */
	bool present;
	struct host_daemon probe; /* --print-capabilities and --version */
};

struct doctor_facts {
	const struct doctor_env *env;
	const struct host_info *h;       /* the host (or libvirt's view) */
	struct host_info *own_host;      /* libvirt's view of a remote one */
	const struct qemu_settings *q;   /* NULL when qemu.conf is unusable */
	bool remote;                     /* libvirt is on another host */
	char *cmd;                       /* "virtshare -c URI" */
	char *host_cmd;                  /* the same for host changes: -c
					  * only for a remote libvirt */
	char *xml_suffix;                /* " --xml FILE" or "" */

	/* The domain, or NULL for the host checks. */
	const char *domain;
	struct domxml *d;                /* its definition */
	struct domxml *live;             /* the running one, or NULL */
	bool active;
	int snapshots;                   /* -1: unknown */
	struct domxml_memory mem;
	struct domxml_share *shares;
	size_t nshares;
	struct domxml_share *live_shares;
	size_t nlive;
	struct share_daemon *daemons;    /* one per share */
	struct doctor_log *logs;
	size_t nlogs;
	struct log_run run;
	bool security_read;              /* an audit or kernel log was read */
	struct strlist unreadable;       /* logs we may not read */
	struct strlist security_tried;   /* the logs looked for */

	/* A share-scope run: the share (index si). */
	const struct domxml_share *share;
	size_t si;
};

/* ---- doctor-check-*.c: the checks of each group, in the order shown ------ */

extern const struct doctor_check *const doctor_checks_libvirt[];
extern const struct doctor_check *const doctor_checks_memory[];
extern const struct doctor_check *const doctor_checks_hugepages[];
extern const struct doctor_check *const doctor_checks_daemon[];
extern const struct doctor_check *const doctor_checks_share[];
extern const struct doctor_check *const doctor_checks_security[];
extern const struct doctor_check *const doctor_checks_lifecycle[];
extern const struct doctor_check *const doctor_checks_live[];

/* ---- doctor-result.c: what the checks share ------------------------------ */

/* Set the verdict and its one-line summary. */
void doctor_verdict(struct doctor_result *r, enum doctor_verdict v,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The message users see in this case (not translated: it is libvirt's,
 * QEMU's or the daemon's). */
void doctor_message(struct doctor_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void doctor_detail(struct doctor_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void doctor_fix(struct doctor_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void doctor_command(struct doctor_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Whether libvirt could be asked; else r is skipped, saying why. */
bool doctor_have_libvirt(const struct doctor_facts *f,
			 struct doctor_result *r);
/* As doctor_have_libvirt(), and the driver reports domain capabilities. */
bool doctor_have_domcaps(const struct doctor_facts *f,
			 struct doctor_result *r);
/* Checks of files and processes need the guest's host to be this one:
 * else r is skipped. */
bool doctor_host_local(const struct doctor_facts *f, struct doctor_result *r);
/* Whether qemu.conf could be read (else r is skipped, pointing at the
 * qemu-conf check). */
bool doctor_have_qemu_conf(const struct doctor_facts *f,
			   struct doctor_result *r);
/* Whether the share of f has a daemon of its own (r skipped then). */
bool doctor_share_is_external(const struct doctor_facts *f,
			      struct doctor_result *r);
/*
 * The command that changes the share s (the first share for domain-wide
 * changes) with extra options: "virtshare -c URI share DOM --tag T --dir
 * D EXTRA".
 */
void doctor_share_command(const struct doctor_facts *f,
			  struct doctor_result *r,
			  const struct domxml_share *s, const char *extra);
/* The fix that re-shares s as it is; the caller adds what changes. */
struct share_request *doctor_share_fix(struct doctor_result *r,
				       const struct domxml_share *s);
/* The fix that backs guest memory with memfd (no file, no mount). */
void doctor_fix_with_memfd(const struct doctor_facts *f,
			   struct doctor_result *r);

/* Free what a result holds and clear it. */
void doctor_result_clear(struct doctor_result *r);
/* Drop the action of a result (what --fix would do) and clear it. */
void doctor_fix_clear(struct doctor_fix *x);
/* The daemon libvirt starts for shares that name none, or NULL. */
const struct host_daemon *doctor_descriptor_daemon(const struct host_info *h);

/* ---- doctor-checks.c ----------------------------------------------------- */

/*
 * The logs show the check's failure although the facts look right now:
 * make r a warning that says so, with the fix for that case.
 */
void doctor_escalate(const struct doctor_facts *f, struct doctor_result *r);

/* ---- doctor-logs.c ------------------------------------------------------- */

/*
 * Read the domain's logs below the root into f->logs: the last start in
 * its QEMU log (f->run), the daemon logs of its shares, libvirt's error
 * lines that are the domain's, denials naming it.
 */
void doctor_read_logs(struct doctor_facts *f);
/* libvirt's recent error lines, for the host checks to quote. */
void doctor_host_logs(struct doctor_facts *f);
/* Whether the check run of f may quote log l (a share's daemon log is
 * about that share only). */
bool doctor_log_visible(const struct doctor_facts *f,
			const struct doctor_log *l);
/* Quote a line (at most MAX_QUOTES, no twice). */
void doctor_quote_add(struct doctor_result *r, const char *file,
		      const char *line);
/* Quote the newest line of each log matching pattern; true if any. */
bool doctor_quote_pattern(const struct doctor_facts *f,
			  struct doctor_result *r, const char *pattern);
/* Whether a line of a daemon's log says something went wrong. */
bool doctor_error_line(const char *line);
/*
 * Quote the error lines of the last run (since virtshare's start line)
 * in the log of the daemon virtshare started from record st, when that
 * daemon no longer runs (virtshare-fsd's "[error] cannot share DIR: ..."
 * says why it died). True if any.
 */
bool doctor_quote_launch_log(struct doctor_result *r,
			     const struct launch_status *st);
/* Quote the lines of the check's known messages; true if any. */
bool doctor_quote_logs(const struct doctor_facts *f, struct doctor_result *r);

#endif
