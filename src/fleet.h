/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fleet.h: one INI file of several hosts: planned, applied, examined */
#ifndef VS_FLEET_H
#define VS_FLEET_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "doctor.h"
#include "json.h"
#include "plan.h"

/*
 * A file with [host NAME] sections (virtshare.ini(5), MANY HOSTS) is
 * worked host by host, up to jobs hosts at a time, each host by one
 * thread at a time: its libvirt connection is opened by the thread that
 * plans it and used by no other thread at once (the threads of a phase
 * are joined before the next phase or anyone else looks at it; libvirt
 * connections may move between threads). A host is reached
 * and planned first: its pools are one part of its plan, each domain
 * another, and each part is applied whole or not at all (the plan
 * engine takes back a part that fails). A host that cannot be reached,
 * or a part that cannot be planned or fails, stops nothing else; a host
 * whose pools fail has its domains skipped (they may need the pages).
 * Nothing here prints: results are kept per host and rendered in the
 * file's order of hosts once the threads are done.
 */

/* What became of a part (also the JSON values, fleet_result_name()). */
enum fleet_result {
	FLEET_AS_IS,    /* nothing to change */
	FLEET_PLANNED,  /* would change; not applied (yet) */
	FLEET_CHANGED,  /* applied */
	FLEET_REFUSED,  /* could not be planned: error says why */
	FLEET_SKIPPED,  /* not applied: its host's pools failed */
	FLEET_FAILED,   /* applying failed, and it is as before */
	FLEET_PARTIAL,  /* applying failed, and not all was taken back */
	FLEET_RESULT__COUNT,
};

/* The pools of a host, or one domain. */
struct fleet_part {
	const struct cfg_domain *domain; /* NULL: the host's pools */
	struct plan *plan;               /* NULL when refused */
	enum fleet_result result;
	struct strlist done;             /* translated: what was done */
	enum vs_code code;               /* of error */
	char *error;                     /* why refused, failed, skipped */
};

struct fleet_host {
	const struct cfg_host *host;
	struct virt_conn *conn;          /* NULL: not reached */
	enum vs_code code;               /* of error */
	char *error;                     /* why it was not reached */
	struct inspection *in;
	struct host_info *pools;
	struct fleet_part *parts;        /* [0]: the pools, if any */
	size_t nparts;
	struct doctor_report *report;    /* fleet_doctor()'s */
};

/*
 * Told before each thing a host's thread starts: host i (0-based) of n,
 * the domain (NULL: the host itself) and what it does (translated).
 * Called from the hosts' threads, one call at a time.
 */
typedef void (*fleet_progress_fn)(void *arg, size_t i, size_t n,
				  const char *host, const char *domain,
				  const char *what);

struct fleet {
	const struct cfg *cfg;           /* borrowed */
	const char *root;                /* the host tree of local hosts */
	unsigned jobs;                   /* hosts at a time, at least 1 */
	fleet_progress_fn progress;      /* NULL: none */
	void *progress_arg;
	const char *statedir;            /* fleet_apply()'s */
	struct fleet_host *hosts;        /* in the file's order */
	size_t n;
};

/* The default of --jobs: hosts are reached over ssh, and a few at a
 * time hide the wait for each without hundreds of sessions at once. */
#define FLEET_JOBS_DEFAULT 4

/* A fleet for c's hosts (c must outlive it); nothing is reached yet. */
struct fleet *fleet_new(const struct cfg *c, const char *root,
			unsigned jobs);
void fleet_free(struct fleet *f);
DEFINE_AUTOPTR(fleet)

/* Reach every host and plan its parts. Never fails as a whole. */
void fleet_plan(struct fleet *f);
/* Whether any planned part would change something. */
bool fleet_changes(const struct fleet *f);
/* Apply every planned part that changes something, host by host. */
void fleet_apply(struct fleet *f, const char *statedir);
/* Reach every host and run doctor's checks on it and its domains. */
void fleet_doctor(struct fleet *f);

/*
 * The exit status (virtshare(1), apply): 0 when every host was reached
 * and no part was refused, skipped or failed; else 4 when a host was
 * not reached, 3 when a part was refused, 1 when one failed or was
 * skipped.
 */
int fleet_status(const struct fleet *f);

/* "as-is", "planned", "changed", ...: the JSON values. */
const char *fleet_result_name(enum fleet_result r);

/* The plan for people, host by host. Caller frees. */
char *fleet_render_plan(const struct fleet *f);
/* What applying did, host by host and domain by domain, and the
 * counts. Caller frees. */
char *fleet_render_summary(const struct fleet *f);
/*
 * Add the members of `apply --json` for a file of several hosts
 * (schema 2, virtshare(1)): "hosts", an array of one object per host.
 */
void fleet_json(const struct fleet *f, struct json *j);

/*
 * The pools of the host of conn as apply weighs them: read from the
 * host tree root when it is this machine's (a local URI, or a root
 * that is not "/"), else through libvirt; t says where they are
 * changed. NULL after reporting.
 */
struct host_info *fleet_pools_read(struct virt_conn *conn, const char *root,
				   bool local, struct pages_target *t);

#endif
