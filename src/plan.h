/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan.h: the changes virtshare is about to make, shown and applied alike */
#ifndef VS_PLAN_H
#define VS_PLAN_H

#include <stdbool.h>

#include "domxml.h"
#include "inspect.h"
#include "json.h"
#include "launch.h"
#include "pages.h"
#include "util.h"
#include "virt.h"

/*
 * A plan is a list of steps. The command line, `apply FILE.ini` and the
 * wizard all build one (plan_share(), plan_unshare(), plan_undo(), and
 * later issues' own steps), show it with plan_render() and carry it out
 * with plan_apply(). A step kind is a struct plan_step_ops: a new kind of
 * change (allocating hugepages, starting a daemon) is a new table, not a
 * change to the plan.
 */
struct plan;
struct plan_step;

/* Where a domain definition lives: libvirt, or a file. */
struct plan_target;

/* The most of a domain definition file virtshare reads (bytes). */
#define PLAN_XML_MAX (16 << 20)

/*
 * Steps are applied phase by phase, and in the order they were added
 * within a phase. When one fails, those applied before it are reverted
 * in reverse order.
 */
enum plan_phase {
	PLAN_PHASE_HOST,   /* host resources the domains need first */
	PLAN_PHASE_DOMAIN, /* domain definitions */
	PLAN_PHASE_START,  /* what runs once the domains are defined */
};

struct plan_ctx {
	const char *statedir; /* saved definitions, for undo */
};

/* One kind of step. */
struct plan_step_ops {
	const char *kind;
	enum plan_phase phase;
	/* It changes the host itself (hugepage pools, running daemons),
	 * not only definitions. */
	bool host;
	/* Whether applying the step would change anything. */
	bool (*changes)(const struct plan_step *s);
	/* Append what the step will do in detail (a diff, a table). */
	void (*render)(const struct plan_step *s, struct strbuf *sb);
	/* Make the change; a failing step leaves nothing behind. Adds a
	 * translated line per thing done to done. 0, or -1 reported. */
	int (*apply)(struct plan_step *s, const struct plan_ctx *ctx,
		     struct strlist *done);
	/* Take back an applied step. 0, or -1 reported. */
	int (*revert)(struct plan_step *s, const struct plan_ctx *ctx);
	/* Add the step's own members to the JSON object of the step. */
	void (*json)(const struct plan_step *s, struct json *j);
	void (*free)(void *data);
};

struct plan_step {
	const struct plan_step_ops *ops;
	char *title;             /* translated, one line */
	struct strlist notes;    /* what will change, translated */
	struct strlist warnings; /* translated */
	void *data;
	bool applied;
};

struct plan *plan_new(void);
void plan_free(struct plan *p);
DEFINE_AUTOPTR(plan)

/* Add a step; the plan owns data and title from now on. */
struct plan_step *plan_step_add(struct plan *p,
				const struct plan_step_ops *ops, void *data,
				char *title);
size_t plan_nsteps(const struct plan *p);
struct plan_step *plan_step_at(const struct plan *p, size_t i);

/* Whether any step would change anything. */
bool plan_changes(const struct plan *p);
/* Whether any step that would change something changes the host. */
bool plan_changes_host(const struct plan *p);
/* The plan for people: each step's title, notes, warnings and details,
 * in the order they run. Caller frees. */
char *plan_render(const struct plan *p);
/* As plan_render(), but only the steps that change something or warn. */
char *plan_render_changes(const struct plan *p);
/*
 * The plan in one line per step, in the order they run: what changes
 * and what already is as asked. Caller frees.
 */
char *plan_summary(const struct plan *p);
/*
 * The steps as a JSON array member "steps", in the order they run:
 * kind, phase, title, changes, notes, warnings and what each kind adds
 * (the schema is in virtshare(1), under apply).
 */
void plan_json(const struct plan *p, struct json *j);
/*
 * Apply the steps that change something, in phase order. On failure the
 * applied steps are reverted and -1 returned with the first error,
 * followed by what was taken back (as it was before) and what could not
 * be (still changed). done gets a translated line per thing done.
 */
int plan_apply(struct plan *p, const struct plan_ctx *ctx,
	       struct strlist *done);

/*
 * The state directory: $VIRTSHARE_STATEDIR, else LOCALSTATEDIR
 * "/lib/virtshare". Saved definitions go below backups/. Borrowed.
 */
const char *plan_statedir(void);

/* ---- domain targets ------------------------------------------------------ */

/*
 * Domain name on the connection conn (borrowed; it must outlive the
 * plan). Definitions are read with VIR_DOMAIN_XML_INACTIVE, written with
 * VIR_DOMAIN_DEFINE_VALIDATE, and read back to check what libvirt kept.
 */
struct plan_target *plan_target_libvirt(struct virt_conn *conn,
					const char *domain);
/*
 * A domain definition in a file, with no libvirt at all: written
 * atomically, the previous content kept as FILE.bak. domain is the name
 * the file must define.
 */
struct plan_target *plan_target_file(const char *path, const char *domain);
/*
 * Whether domain of conn runs now: 1 or 0; -1 (reported) when its status
 * cannot be read or it is transient (no persistent definition to change).
 */
int plan_domain_active(struct virt_conn *conn, const char *domain);
void plan_target_free(struct plan_target *t);
DEFINE_AUTOPTR(plan_target)

/* ---- the share changes --------------------------------------------------- */

/* Who runs a share's virtiofs daemon. */
enum share_daemon_kind {
	SHARE_DAEMON_LIBVIRT,  /* libvirt, for <source dir> (the default) */
	SHARE_DAEMON_EXTERNAL, /* outside libvirt, on <source socket> */
};

/* A share as asked for by a user, an INI section or the wizard. */
struct share_request {
	struct domxml_share share; /* what <filesystem> says */
	struct domxml_backing backing;
	bool backing_given;        /* else chosen with backing_choose() */
	enum share_daemon_kind daemon;
	/*
	 * An external share with a directory is served by virtshare-fsd,
	 * which virtshare starts: the directory and the daemon's options.
	 * plan_share() fills in the domain, tag and socket. Without a
	 * directory the daemon on share.socket is the user's own.
	 */
	struct launch_spec launch;
	unsigned launch_given;     /* the launch options set, one bit each */
	struct strlist launch_shown; /* their names as given, but dir */
	/* A share of the same tag with another source is replaced, not
	 * refused (apply: the file says what the share is). */
	bool replace;
};

void share_request_init(struct share_request *r);
void share_request_clear(struct share_request *r);
/* A deep copy of src into *dst (not cleared first). */
void share_request_copy(struct share_request *dst,
			const struct share_request *src);

/*
 * The options of a share, by the names `virtshare share` takes without
 * "--" ("thread-pool"; INI files write "thread_pool"): tag, dir, socket,
 * queue, alias, cache, xattr, readonly, sandbox, thread-pool, binary,
 * lock-posix, flock, openfiles, idmap, log-level, socket-user,
 * socket-group. NULL-terminated. Switches take yes/no, on/off,
 * true/false or 1/0.
 */
extern const char *const share_option_names[];

/* Whether name is one of share_option_names. */
bool share_option_known(const char *name);

/*
 * Who runs the daemon: "libvirt" or "external". Set it before the other
 * options: where they go and how they are checked depends on it. shown
 * names the option in messages. Returns 0 or -1 after reporting
 * VS_ERR_INVALID.
 */
int share_request_daemon(struct share_request *r, const char *value,
			 const char *shown);
/*
 * Set option name (one of share_option_names) to value as typed, shown
 * naming it in messages ("--cache", "cache"). The value is checked on
 * its own with the rules of the engine that takes it (domain XML for
 * libvirt's daemon, the launcher for virtshare-fsd); the share's other
 * options are left alone when it is refused. idmap adds ranges, the
 * others replace. Returns 0, or -1 after reporting VS_ERR_INVALID (a
 * value refused, saying what is allowed) or VS_ERR_CONFLICT (an option
 * of the other kind of daemon).
 */
int share_request_set(struct share_request *r, const char *name,
		      const char *value, const char *shown);
/*
 * The rules between options, once all are set: an external share with
 * daemon options needs the directory virtshare-fsd serves. (A missing
 * tag or source is the caller's to say, in its own words.) Returns 0 or
 * -1 after reporting VS_ERR_CONFLICT.
 */
int share_request_check(const struct share_request *r);

/*
 * Whether the domain of t has a virtiofs share of tag now, and who runs
 * its daemon (*kind: external for <source socket>), so that a request
 * that gives only options goes where that share's options go. Reads the
 * definition without reporting: false when it cannot be read (planning
 * then says why).
 */
bool plan_share_kind(struct plan_target *t, const char *tag,
		     enum share_daemon_kind *kind);
/*
 * Put t's domain into p as it is now: a step that changes nothing until
 * other changes of it are planned, so that a domain that cannot be
 * changed (missing, transient) is reported once. As plan_share().
 */
int plan_domain(struct plan *p, struct plan_target *t);
/*
 * Add to p the change that makes the share r->share in the domain of t,
 * and shares its memory (the backing given, or the one backing_choose()
 * picks from in). in (may be NULL) gives the libvirt version the options
 * are checked against and the host; root is where source directories
 * must exist (NULL: they are on another host and not checked). Source
 * paths are written in their canonical form (path_canon_at()) and
 * compared with those of the definition canonically. A request with a
 * tag and no source changes the options of the share of that tag
 * (VS_ERR_USAGE when there is none). Several
 * changes of one domain make one step. An external share with a
 * directory also gets virtshare's record in the definition and a step
 * that starts virtshare-fsd once the domain is defined (on
 * launch_default_socket() when no socket is given; the socket owned as
 * launch_spec_set_owner() says for the connection). The plan owns t from
 * now on, even on failure. Returns 0, or -1 after reporting, with p
 * unchanged.
 */
int plan_share(struct plan *p, struct plan_target *t,
	       const struct share_request *r, const struct inspection *in,
	       const char *root);
/*
 * The change that removes the share with that tag; when missing_ok, no
 * such share is no change (else VS_ERR_NOT_FOUND). A share served by
 * virtshare-fsd loses its record, and its daemon is stopped once the
 * domain is defined, unless the domain runs (its guest still uses it).
 * As plan_share().
 */
int plan_unshare(struct plan *p, struct plan_target *t, const char *tag,
		 bool missing_ok);
/*
 * Remove every virtiofs share of t's domain whose tag keep does not
 * list, each as plan_unshare() does. As plan_share().
 */
int plan_prune(struct plan *p, struct plan_target *t,
	       const struct strlist *keep);
/*
 * Make guest memory shared the way b says (NULL: the one
 * backing_choose() picks from in), with no share to add. As
 * plan_share().
 */
int plan_backing(struct plan *p, struct plan_target *t,
		 const struct domxml_backing *b, const struct inspection *in);
/*
 * The change that restores the definition saved before the last change
 * (below statedir for libvirt, FILE.bak for a file); applying it uses
 * the saved copy up. VS_ERR_NO_UNDO when there is none. As plan_share().
 */
int plan_undo(struct plan *p, struct plan_target *t, const char *statedir);

/* ---- the host: hugepage pools and daemons (plan-host.c) ------------------ */

/*
 * The change that makes the pool of size_kib pages on node (-1: the
 * system-wide pool) hold at least pages pages: grown when it has fewer,
 * never shrunk. The pool is read from h now; t says where it is changed
 * (its root is copied, its connection borrowed: it must outlive the
 * plan). Steps of the host run before any domain is defined. Returns 0,
 * or -1 after reporting what pages_apply() would refuse.
 */
int plan_pages(struct plan *p, const struct pages_target *t,
	       const struct host_info *h, uint64_t size_kib, int node,
	       uint64_t pages);

/*
 * The change that has virtshare-fsd serve spec (complete: domain, tag,
 * socket, owner) once the domains are defined: started, or restarted
 * when it runs with other options; nothing when it runs as asked. A
 * daemon a running guest is connected to is not restarted (a warning
 * says when the options apply). Returns 0, or -1 after reporting.
 */
int plan_daemon_start(struct plan *p, const struct launch_spec *spec,
		      bool domain_active);
/*
 * The change that stops the daemon virtshare started on socket for
 * domain's share tag, if any, once the domains are defined, and forgets
 * its record (launch_forget()); left running with a warning while
 * domain_active. Returns 0, or -1 after reporting.
 */
int plan_daemon_stop(struct plan *p, const char *socket, const char *domain,
		     const char *tag, bool domain_active);

/*
 * The daemon of domain's share tag as its definition on c describes it:
 * the socket from <source socket>, the directory and options from
 * virtshare's record. Returns 0 with *spec (cleared first) filled:
 * domain, tag, socket, and the rest when there is a record (the owner is
 * the record's, if any). -1 after reporting: no such domain or share
 * (VS_ERR_NO_DOMAIN, VS_ERR_NOT_FOUND), a share with <source dir>, whose
 * daemon libvirt starts (VS_ERR_CONFLICT).
 */
int plan_daemon_spec(struct virt_conn *c, const char *domain,
		     const char *tag, struct launch_spec *spec);

/* virtshare's record of a share and the daemon spec it describes. */
void plan_record_from_spec(const struct launch_spec *spec,
			   struct domxml_record *r);
void plan_spec_from_record(const struct domxml_record *r,
			   struct launch_spec *spec);

#endif
