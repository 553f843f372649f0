/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor.h: troubleshooting: every known virtiofs failure, a table of checks */
#ifndef VS_DOCTOR_H
#define VS_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "inspect.h"
#include "pages.h"
#include "plan.h"
#include "virt.h"

/*
 * `virtshare doctor` looks at the host, libvirt and each domain with a
 * virtiofs share, and at the logs libvirt, QEMU and the daemons write. Each
 * thing it knows to go wrong is one entry of a table (struct doctor_check):
 * what it looks at, the message users see when it fails, the cause and
 * the fix. Running a check gives a result: a verdict, what was found, the
 * log lines that match the known message (quoted as they are), and the fix
 * for this case, with the virtshare command that does it where there is
 * one. Nothing here prints; the core only reads (--fix goes through a
 * plan, doctor_plan()).
 */

/* Ordered by severity. */
enum doctor_verdict {
	DOCTOR_OK,
	DOCTOR_SKIPPED, /* does not apply, or the facts are out of reach */
	DOCTOR_WARNING,
	DOCTOR_ERROR,
	DOCTOR_VERDICT__COUNT,
};

/* How results are grouped when shown, in this order. */
enum doctor_group {
	DOCTOR_GROUP_LIBVIRT,
	DOCTOR_GROUP_MEMORY,
	DOCTOR_GROUP_HUGEPAGES,
	DOCTOR_GROUP_DAEMON,
	DOCTOR_GROUP_SHARE,
	DOCTOR_GROUP_SECURITY,
	DOCTOR_GROUP_LIFECYCLE,
	DOCTOR_GROUP__COUNT,
};

/* What one run of a check is about. */
enum doctor_scope {
	DOCTOR_SCOPE_HOST,   /* once: the host, qemu.conf, libvirt */
	DOCTOR_SCOPE_DOMAIN, /* once per domain */
	DOCTOR_SCOPE_SHARE,  /* once per virtiofs share of a domain */
};

struct agent;

/* The facts one run sees (opaque: built by doctor.c). */
struct doctor_facts;
struct doctor_result;

#define DOCTOR_MAX_PATTERNS 6

struct doctor_check {
	const char *id;          /* "shared-memory": stable, for scripts */
	enum doctor_group group;
	enum doctor_scope scope;
	const char *looks_at;    /* N_(): the facts it reads */
	/* What users see when it fails, as libvirt, QEMU or the daemon
	 * writes it (not translated: it is matched and quoted), or NULL. */
	const char *message;
	/* Log lines that are this failure: each pattern must occur in the
	 * line, '*' standing for any text. */
	const char *patterns[DOCTOR_MAX_PATTERNS];
	const char *cause;       /* N_(): why it happens */
	const char *fix;         /* N_(): what to do, in general */
	void (*run)(const struct doctor_facts *f, struct doctor_result *r);
};

/* The table, in the order the results are shown. Borrowed. */
const struct doctor_check *doctor_checks(size_t *n);
/* The check with that id, or NULL. */
const struct doctor_check *doctor_check_find(const char *id);
/* "ok", "skipped", "warning", "error": also the JSON values. */
const char *doctor_verdict_name(enum doctor_verdict v);
/* "libvirt", "memory", ...: the JSON value; and its heading, translated. */
const char *doctor_group_name(enum doctor_group g);
const char *doctor_group_title(enum doctor_group g);

/* A log line that matched, as it is in the file. */
struct doctor_quote {
	char *file;
	char *line;
};

/* What --fix can do about a result. */
enum doctor_fix_kind {
	DOCTOR_FIX_NONE,
	DOCTOR_FIX_SHARE,  /* plan_share() with .share on the domain */
	DOCTOR_FIX_PAGES,  /* pages_apply() with .pages */
	DOCTOR_FIX_MOUNT,  /* pages_mount() for .mount_kib */
	DOCTOR_FIX_DAEMON, /* (re)start the recorded daemon .daemon */
};

struct doctor_fix {
	enum doctor_fix_kind kind;
	struct share_request share;
	struct pages_request pages;
	uint64_t mount_kib;
	char *daemon;
};

struct doctor_result {
	const struct doctor_check *check;
	enum doctor_verdict verdict;
	char *subject;  /* the share tag it is about, or NULL */
	char *summary;  /* one translated line: what was found */
	/* The message users see in this case (the path filled in), NULL:
	 * the check's; "": none fits. */
	char *message;
	char *detail;   /* translated: the cause as found here, or NULL */
	char *fix;      /* translated: what to do here, or NULL */
	char *command;  /* the virtshare command that does it, or NULL */
	struct doctor_fix action;
	struct doctor_quote *quotes;
	size_t nquotes;
};

/* The results for the host or for one domain. */
struct doctor_section {
	char *domain;  /* NULL: the host */
	char *state;   /* "running", "shut off" (translated), or NULL */
	char *source;  /* the URI or the file the definition came from */
	struct doctor_result *results;
	size_t n;
};

struct doctor_report {
	struct doctor_section *sections;
	size_t n;
	unsigned counts[DOCTOR_VERDICT__COUNT];
	struct strlist notes; /* translated: what could not be looked at */
};

/* Where the facts come from. */
struct doctor_env {
	const struct inspection *in; /* host, qemu.conf, libvirt (required) */
	struct virt_conn *conn;      /* NULL: no libvirt (a file) */
	const char *root;            /* the host tree ("/" or a fixture) */
	/* Session mode and the libvirt and QEMU versions (major * 1000000
	 * + minor * 1000 + micro, 0 unknown); doctor_env_init() fills them
	 * from the connection, tests may set them. */
	bool session;
	unsigned long libvirt_version;
	unsigned long qemu_version;
	/* The user a session's daemons run as. */
	uid_t uid;
	gid_t gid;
	/* Directories of the logs, as host paths read below root:
	 * libvirt's QEMU logs and its own daemon logs. */
	const char *qemu_logdir;
	const char *libvirt_logdir;
	/* The guest agent of domain: NULL opens it through conn
	 * (agent_open(); none on libvirt's test driver); tests give a
	 * simulated one. It returns a new agent, or NULL reported. */
	struct agent *(*agent_open)(const struct doctor_env *env,
				    const char *domain);
	void *agent_opaque; /* for agent_open */
};

/*
 * Fill env from in and conn (either may lack libvirt) for the host tree
 * root. The strings are borrowed from the arguments or static.
 */
void doctor_env_init(struct doctor_env *env, const struct inspection *in,
		     struct virt_conn *conn, const char *root);

struct doctor_report *doctor_report_new(void);
void doctor_report_free(struct doctor_report *r);
DEFINE_AUTOPTR(doctor_report)

/* Run the host checks into a new section of r. Never fails. */
void doctor_host(struct doctor_report *r, const struct doctor_env *env);
/*
 * Run the domain checks on domain name of env->conn (its persistent and,
 * when it runs, live definition, its snapshots, its logs). Returns 0, or
 * -1 after reporting (VS_ERR_NO_DOMAIN, VS_ERR_LIBVIRT, VS_ERR_XML).
 */
int doctor_domain(struct doctor_report *r, const struct doctor_env *env,
		  const char *name);
/*
 * The same for a definition in a file (no live definition, no
 * snapshots); the file must define domain name. -1 after reporting.
 */
int doctor_domain_file(struct doctor_report *r, const struct doctor_env *env,
		       const char *name, const char *path);
/*
 * Every domain of env->conn with a virtiofs share, by name. Returns how
 * many were looked at, or -1 after reporting.
 */
int doctor_domains(struct doctor_report *r, const struct doctor_env *env);

/* The worst verdict of the report. */
enum doctor_verdict doctor_worst(const struct doctor_report *r);

/*
 * The JSON document of `virtshare doctor --json` (schema 1, documented
 * in virtshare(1)). Caller frees.
 */
char *doctor_json(const struct doctor_report *r);
/* The same document as the member key of j (NULL: a value). */
void doctor_json_add(const struct doctor_report *r, struct json *j,
		     const char *key);

/*
 * Add to p the fixes of r that virtshare can make: domain edits through
 * plan_share() (on xml_file when given, else on env->conn), hugepage
 * pools, hugetlbfs mounts and daemons. A fix that cannot be planned adds
 * a translated line to failed and leaves p as it was. Returns how many
 * fixes were planned.
 */
size_t doctor_plan(const struct doctor_report *r, const struct doctor_env *env,
		   const char *xml_file, struct plan *p,
		   struct strlist *failed);

/* ---- exported for the tests ---------------------------------------------- */

/* Whether line holds pattern, '*' in pattern standing for any text. */
bool doctor_match(const char *pattern, const char *line);

#endif
