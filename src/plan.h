/* plan.h: the changes virtshare is about to make, shown and applied alike */
#ifndef VS_PLAN_H
#define VS_PLAN_H

#include <stdbool.h>

#include "domxml.h"
#include "inspect.h"
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
/* The plan for people: each step's title, notes, warnings and details.
 * Caller frees. */
char *plan_render(const struct plan *p);
/*
 * Apply the steps that change something, in phase order. On failure the
 * applied steps are reverted and -1 returned with the first error (and
 * any revert failure added to its message). done gets a translated line
 * per thing done.
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

/* A share as asked for by a user, an INI section or the wizard. */
struct share_request {
	struct domxml_share share;
	struct domxml_backing backing;
	bool backing_given; /* else chosen with backing_choose() */
};

void share_request_init(struct share_request *r);
void share_request_clear(struct share_request *r);

/*
 * Add to p the change that makes the share r->share in the domain of t,
 * and shares its memory (the backing given, or the one backing_choose()
 * picks from in). in (may be NULL) gives the libvirt version the options
 * are checked against and the host; root is where source directories
 * must exist (NULL: they are on another host and not checked). Several
 * changes of one domain make one step. The plan owns t from now on, even
 * on failure. Returns 0, or -1 after reporting, with p unchanged.
 */
int plan_share(struct plan *p, struct plan_target *t,
	       const struct share_request *r, const struct inspection *in,
	       const char *root);
/* The change that removes the share with that tag. As plan_share(). */
int plan_unshare(struct plan *p, struct plan_target *t, const char *tag);
/*
 * The change that restores the definition saved before the last change
 * (below statedir for libvirt, FILE.bak for a file); applying it uses
 * the saved copy up. VS_ERR_NO_UNDO when there is none. As plan_share().
 */
int plan_undo(struct plan *p, struct plan_target *t, const char *statedir);

#endif
