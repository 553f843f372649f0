/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan-engine.h: a plan of changes: steps shown and applied alike */
#ifndef VS_PLAN_ENGINE_H
#define VS_PLAN_ENGINE_H

#include <stdbool.h>

#include "json.h"
#include "util.h"

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
	/* When set, told before each step is applied (progress). */
	void (*step_begins)(void *arg, const struct plan_step *s);
	void *arg;
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
	/* What the step means for a running guest once it is applied:
	 * a translated line per thing it sees at once to now, per thing
	 * that waits for its next start to later. May be NULL. */
	void (*effects)(const struct plan_step *s, struct strlist *now,
			struct strlist *later);
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
/* Drop the steps added after the first mark ones (a failed change). */
void plan_truncate(struct plan *p, size_t mark);
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
 * and what already is as asked; then, when it changes what a guest
 * sees, plan_effects() under "At once" and "At the next start". Caller
 * frees.
 */
char *plan_summary(const struct plan *p);
/*
 * What the guests see once the steps that change something are applied,
 * in the order they run: a line per thing at once (now: attached live,
 * mounted at DIR) and per thing that waits for a guest's next start
 * (later, saying why: not running, memory not shared, ...). Lines are
 * added to both lists.
 */
void plan_effects(const struct plan *p, struct strlist *now,
		  struct strlist *later);
/*
 * plan_effects() as text: now_head, then each line of now after bullet,
 * then later_head and later's lines; a heading only when it has lines,
 * "" when neither has. Caller frees.
 */
char *plan_effects_text(const struct plan *p, const char *now_head,
			const char *later_head, const char *bullet);
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

#endif
