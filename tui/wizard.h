/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wizard.h: the wizard's state and decisions, without curses */
#ifndef VS_WIZARD_H
#define VS_WIZARD_H

#include <stdbool.h>
#include <stdint.h>

#include "backing.h"
#include "cfg.h"
#include "domxml.h"
#include "inspect.h"
#include "pages.h"
#include "plan.h"
#include "util.h"
#include "virt.h"

/*
 * Everything the wizard decides lives here, in plain structs and
 * functions that the unit tests drive without a terminal; the pages
 * (page-*.c) only draw this state and turn keys into calls. The plan is
 * the one the command line builds: the share request goes through
 * plan_share(), is shown with plan_render() and applied with
 * plan_apply(). Functions that return -1 have reported with vs_error(),
 * and the page shows vs_error_message() in a dialog.
 */

enum wiz_page_id {
	WIZ_HOST,
	WIZ_DOMAIN,
	WIZ_SHARE,
	WIZ_BACKING,
	WIZ_PAGES,
	WIZ_DAEMON,
	WIZ_LIVE,
	WIZ_REVIEW,
	WIZ_DONE,
	WIZ_NPAGES,
};

/* How the wizard was started; everything is borrowed. */
struct wiz_config {
	struct virt_conn *conn;   /* NULL: no libvirt (conn_error says why) */
	const char *conn_error;
	const char *root;         /* the host tree: "/" or a fixture */
	bool demo;                /* --demo: the host is never changed */
	const char *xml_file;     /* --xml FILE: that domain file, no libvirt */
	const char *statedir;     /* saved definitions (plan_statedir()) */
};

/* One line of the host summary. */
enum wiz_line_kind {
	WIZ_LINE_TEXT,
	WIZ_LINE_HEAD,    /* a section title */
	WIZ_LINE_PROBLEM, /* something that stops or slows virtiofs */
};

struct wiz_line {
	enum wiz_line_kind kind;
	char *text;
};

/* One domain as the domain page lists it. */
struct wiz_domain {
	char *name;
	char *state;       /* translated */
	uint64_t memory_kib;
	char *shares;      /* the mount tags, comma separated; "" for none */
	char *memory;      /* "memfd, shared", "default, not shared" */
	bool shared;       /* ready for virtiofs */
	char *problem;     /* why its definition could not be read, or NULL */
};

/* The outcome of a check made as the user types. */
enum wiz_check {
	WIZ_CHECK_EMPTY, /* nothing typed yet */
	WIZ_CHECK_OK,
	WIZ_CHECK_EXISTS, /* fine: the tag names a share that is updated */
	WIZ_CHECK_BAD,
};

enum wiz_cache {
	WIZ_CACHE_DEFAULT, /* leave it to the daemon */
	WIZ_CACHE_NONE,
	WIZ_CACHE_ALWAYS,
};

enum wiz_daemon_kind {
	WIZ_DAEMON_OURS,       /* libvirt starts virtshare-fsd */
	WIZ_DAEMON_DESCRIPTOR, /* libvirt starts what its descriptors name */
	WIZ_DAEMON_EXTERNAL,   /* virtshare starts virtshare-fsd on a socket */
	WIZ_NDAEMONS,
};

struct wiz_daemon_opt {
	enum wiz_daemon_kind kind;
	char *label;
	char *reason; /* one translated line: what it does, or why not */
	bool possible;
};

struct wizard {
	struct wiz_config cfg;
	struct inspection *in;
	/* The host whose hugepages the guest takes: in->host, or libvirt's
	 * view of a remote host. */
	struct host_info *pages_host;
	bool pages_remote;

	/* page 1: the host summary */
	struct wiz_line *lines;
	size_t nlines;
	size_t nproblems;

	/* page 2: the domains */
	struct wiz_domain *domains;
	size_t ndomains;
	char *domains_error; /* the list could not be read, or NULL */
	char *domain;        /* the chosen one */
	char *xml_path;      /* its file, or NULL: on the connection */
	struct domxml *doc;  /* its definition now */

	/* page 3: the share */
	char *dir;
	char *tag;
	bool readonly;
	enum wiz_cache cache;
	enum domxml_switch xattr;
	bool updates;        /* the tag names an existing share */

	/* page 4: guest memory */
	struct backing_choice choice; /* the offers are the options */
	size_t bsel;                  /* the offer chosen */

	/* page 5: hugepages */
	struct pages_need need;
	bool need_valid;
	int alloc_node;      /* -1: the system-wide pool */
	uint64_t alloc_count;
	char *alloc_result;  /* what the last allocation did */

	/* page 6: the daemon */
	struct wiz_daemon_opt dopts[WIZ_NDAEMONS];
	size_t dsel;
	char *socket;        /* external: where the daemon listens */

	/* page 7 when the domain runs: the running guest */
	bool running;        /* the chosen domain of libvirt runs */
	bool live_known;     /* wizard_live_load() has looked */
	bool live_ready;     /* it can take the share now */
	bool live_agent;     /* it has an agent channel to mount with */
	struct strlist live_why;   /* why it cannot take the share now */
	struct strlist live_notes; /* what else (no agent) */
	bool live;           /* share it now (else at the next start) */
	char *mount;         /* where the guest mounts it, or NULL */
	bool persist;        /* and at every boot (its fstab) */

	/* page 7: the plan */
	struct plan *plan;
	char *plan_text;
	bool plan_changes;

	/* page 8: what was done */
	bool applied;
	struct strlist done;
	char *daemon_result; /* external: the daemon started, or why not */
	bool daemon_failed;

	bool dirty;          /* choices made that applying would use */
};

/*
 * Read the host (below cfg->root), qemu.conf and libvirt, and make the
 * host summary. Never fails: what cannot be read is a problem line.
 * Caller frees.
 */
struct wizard *wizard_new(const struct wiz_config *cfg);
void wizard_free(struct wizard *w);
DEFINE_AUTOPTR(wizard)

/* ---- the page order ---------------------------------------------------- */

/* Whether a page is part of the flow now (hugepages: only when the chosen
 * backing is short of free pages; done: only after applying). */
bool wizard_page_shown(const struct wizard *w, enum wiz_page_id id);
/* The page after or before from, skipping those not shown; from itself
 * at either end. */
enum wiz_page_id wizard_next(const struct wizard *w, enum wiz_page_id from);
enum wiz_page_id wizard_prev(const struct wizard *w, enum wiz_page_id from);
/* Steps shown so far and in all, for "step 3 of 7". */
int wizard_step(const struct wizard *w, enum wiz_page_id id);
int wizard_nsteps(const struct wizard *w);

/* ---- page 2: the domain ------------------------------------------------ */

/*
 * List the domains of the connection with their shares and memory. -1
 * (reported) when there is no connection or listing fails; the page then
 * offers only a domain XML file.
 */
int wizard_domains_load(struct wizard *w);
/*
 * Choose a domain of the connection, or the domain defined in the file
 * path (name NULL). Reads its definition; a new choice forgets the share
 * and memory choices made for another domain. 0, or -1 reported.
 */
int wizard_domain_choose(struct wizard *w, const char *name);
int wizard_domain_open(struct wizard *w, const char *path);

/* ---- page 3: the share ------------------------------------------------- */

/*
 * Check what is typed, as it is typed. *msg (caller frees) says what is
 * wrong and what to do, or what the value means ("a new share", "4 of
 * 36 bytes"). The directory must exist below the host root; the tag is
 * checked with domxml_tag_check() against the chosen domain, for a share
 * of dir (NULL: not typed yet).
 */
enum wiz_check wizard_dir_check(const struct wizard *w, const char *dir,
				char **msg);
enum wiz_check wizard_tag_check(const struct wizard *w, const char *tag,
				const char *dir, char **msg);
/* A tag for a directory: its last component, cut to 36 bytes and made
 * unique in the domain ("data", "data-2"). Caller frees. */
char *wizard_tag_suggest(const struct wizard *w, const char *dir);
/* Why read-only cannot be asked for with this libvirt (caller frees), or
 * NULL when it can. */
char *wizard_readonly_blocked(const struct wizard *w);
/*
 * Take the share as filled in and check it as plan_share() will
 * (domxml_share_check()). 0, or -1 reported.
 */
int wizard_share_set(struct wizard *w, const char *dir, const char *tag,
		     bool readonly, enum wiz_cache cache,
		     enum domxml_switch xattr);
/* Start the form from the share that has the tag, if there is one:
 * its read-only, cache and xattr settings. */
void wizard_share_prefill(struct wizard *w, const char *tag);
/* "default", "none", "always"; borrowed. */
const char *wizard_cache_name(enum wiz_cache c);

/* ---- page 4: guest memory ---------------------------------------------- */

/*
 * The backings for the chosen domain, from backing_choose(): keep (when
 * memory is already shared), memfd, file, hugepages once per page size
 * the host offers, and NUMA, each with its reason; the recommended one
 * selected. 0, or -1 reported (no domain, or nothing possible).
 */
int wizard_backing_load(struct wizard *w);
/* Select option i; refused (-1, reported) when it is not possible. */
int wizard_backing_select(struct wizard *w, size_t i);
const struct backing_option *wizard_backing(const struct wizard *w);

/* ---- page 5: hugepages ------------------------------------------------- */

/*
 * Count what the chosen hugepage backing needs (pages_need()) and suggest
 * an allocation: the pages missing, system-wide, or on the host nodes
 * the domain's <numatune> names. 0, or -1 reported.
 */
int wizard_pages_load(struct wizard *w);
/* Whether the hugepages page is needed: hugepages chosen and short. */
bool wizard_pages_short(const struct wizard *w);
/*
 * Add count pages to the pool on node (-1: system-wide) with
 * pages_apply(), which reads back and rolls back; then count again.
 * alloc_result says what happened. Refused on the demo. 0, or -1
 * reported.
 */
int wizard_pages_alloc(struct wizard *w, int node, uint64_t count);

/* ---- page 6: the daemon ------------------------------------------------ */

/* The ways to run the daemon, the first possible one selected. */
void wizard_daemon_load(struct wizard *w);
int wizard_daemon_select(struct wizard *w, size_t i);

/* ---- page 7: the running guest (only when the domain runs) ------------- */

/*
 * Ask plan_live_ready() whether the running guest can take the share
 * now, and whether it has an agent to mount it with: live_ready,
 * live_agent, live_why, live_notes; live is offered (and chosen) only
 * when it is ready. 0, or -1 reported (the live XML cannot be read).
 */
int wizard_live_load(struct wizard *w);
/*
 * Take the choices: share now (only when ready), the mount point inside
 * the guest (NULL or "": none; absolute) and persist (needs a mount
 * point). A mount needs the agent, and the share now or persist (the
 * fstab line, for the next start). 0, or -1 reported saying what to
 * change.
 */
int wizard_live_set(struct wizard *w, bool live, const char *mount,
		    bool persist);

/* ---- page 8: review ---------------------------------------------------- */

/*
 * The share request the choices make (what `virtshare share` would be
 * given). Fills *r (share_request_init() first; caller clears).
 */
void wizard_request(const struct wizard *w, struct share_request *r);
/*
 * Build the plan with plan_share() and render it. 0, or -1 reported
 * (the choices break a rule: the message says which and what to do).
 */
int wizard_plan(struct wizard *w);
/*
 * Apply the plan with plan_apply(): all of it, or nothing (the plan
 * rolls back). For a daemon launched outside libvirt, start it then with
 * launch_ensure() (not on the demo); its failure is told on the done
 * page and changes nothing applied. 0, or -1 reported.
 */
int wizard_apply(struct wizard *w);
/* The same choices as the desired state of an INI file for `virtshare
 * apply` (caller frees with cfg_free()). */
struct cfg *wizard_cfg(const struct wizard *w);
/* wizard_cfg() as INI text, by cfg_format() (caller frees). */
char *wizard_ini(const struct wizard *w);
/* Write wizard_ini() to path (0644, atomically). 0, or -1 reported. */
int wizard_ini_save(const struct wizard *w, const char *path);

/* ---- page 9: done ------------------------------------------------------ */

/*
 * What the guest sees of the applied plan (plan_effects()): the lines
 * for now (attached, mounted at DIR) and for its next start, each list
 * under its heading; "" when the plan says nothing of a guest. Caller
 * frees.
 */
char *wizard_effects_text(const struct wizard *w);

/* The guest side: mount command, fstab line, Windows note. Caller frees. */
char *wizard_guest_text(const struct wizard *w);
/* The domain's definition read back now (caller frees), or NULL
 * (reported). */
char *wizard_definition_now(const struct wizard *w);
/* Forget the share for another one on the same host (domain page). */
void wizard_restart(struct wizard *w);

#endif
