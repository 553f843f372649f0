/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan-engine.c: plans of changes: steps added, shown, applied, taken back */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "plan-engine.h"

struct plan {
	struct plan_step **steps;
	size_t n;
	size_t cap;
};

struct plan *
plan_new(void)
{
	return xcalloc(1, sizeof(struct plan));
}

static void
step_free(struct plan_step *s)
{
	if (!s)
		return;
	if (s->ops->free)
		s->ops->free(s->data);
	free(s->title);
	strlist_clear(&s->notes);
	strlist_clear(&s->warnings);
	free(s);
}

void
plan_free(struct plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		step_free(p->steps[i]);
	free(p->steps);
	free(p);
}

struct plan_step *
plan_step_add(struct plan *p, const struct plan_step_ops *ops, void *data,
	      char *title)
{
	struct plan_step *s = xcalloc(1, sizeof(*s));

	s->ops = ops;
	s->data = data;
	s->title = title;
	xgrow(&p->steps, &p->cap, p->n + 1, sizeof(*p->steps));
	p->steps[p->n++] = s;
	return s;
}

void
plan_truncate(struct plan *p, size_t mark)
{
	while (p->n > mark)
		step_free(p->steps[--p->n]);
}

size_t
plan_nsteps(const struct plan *p)
{
	return p->n;
}

struct plan_step *
plan_step_at(const struct plan *p, size_t i)
{
	return i < p->n ? p->steps[i] : NULL;
}

bool
plan_changes(const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->steps[i]->ops->changes(p->steps[i]))
			return true;
	return false;
}

bool
plan_changes_host(const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->steps[i]->ops->host &&
		    p->steps[i]->ops->changes(p->steps[i]))
			return true;
	return false;
}

static struct plan_step **run_order(const struct plan *p);

/* The steps in the order they run. */
static char *
render(const struct plan *p, bool all)
{
	AUTOFREE struct plan_step **order = run_order(p);
	struct strbuf sb = STRBUF_INIT;
	bool first = true;

	for (size_t i = 0; order[i]; i++) {
		const struct plan_step *s = order[i];
		bool changes = s->ops->changes(s);

		if (!all && !changes && !s->warnings.n)
			continue;
		if (!first)
			sb_addc(&sb, '\n');
		first = false;
		if (changes)
			sb_printf(&sb, "%s:\n", s->title);
		else
			sb_printf(&sb, _("%s: nothing to change, it already is "
					 "as asked.\n"),
				  s->title);
		for (size_t j = 0; changes && j < s->notes.n; j++)
			sb_printf(&sb, "  - %s\n", s->notes.v[j]);
		for (size_t j = 0; j < s->warnings.n; j++)
			sb_printf(&sb, _("  warning: %s\n"), s->warnings.v[j]);
		if (changes && s->ops->render)
			s->ops->render(s, &sb);
	}
	return sb_steal(&sb);
}

char *
plan_render(const struct plan *p)
{
	return render(p, true);
}

char *
plan_render_changes(const struct plan *p)
{
	return render(p, false);
}

/* The steps in the order they run: by phase, then as added. */
static struct plan_step **
run_order(const struct plan *p)
{
	struct plan_step **order = xcalloc(p->n + 1, sizeof(*order));
	size_t k = 0;

	for (int phase = PLAN_PHASE_HOST; phase <= PLAN_PHASE_START; phase++)
		for (size_t i = 0; i < p->n; i++)
			if ((int)p->steps[i]->ops->phase == phase)
				order[k++] = p->steps[i];
	return order;
}

char *
plan_summary(const struct plan *p)
{
	AUTOFREE struct plan_step **order = run_order(p);
	struct strbuf sb = STRBUF_INIT;
	AUTOFREE char *effects = NULL;

	for (size_t k = 0; order[k]; k++) {
		const struct plan_step *s = order[k];

		/* TRANSLATORS: the plan's summary, one step per line. */
		sb_printf(&sb, "  %-9s %s\n",
			  s->ops->changes(s) ? _("change") : _("as is"),
			  s->title);
	}
	effects = plan_effects_text(p, _("\nThe running guests, at once:\n"),
				    _("\nAt the guests' next start:\n"), "  ");
	sb_add(&sb, effects);
	return sb_steal(&sb);
}

char *
plan_effects_text(const struct plan *p, const char *now_head,
		  const char *later_head, const char *bullet)
{
	struct strlist now = {0}, later = {0};
	struct strbuf sb = STRBUF_INIT;

	plan_effects(p, &now, &later);
	if (now.n)
		sb_add(&sb, now_head);
	for (size_t i = 0; i < now.n; i++)
		sb_printf(&sb, "%s%s\n", bullet, now.v[i]);
	if (later.n)
		sb_add(&sb, later_head);
	for (size_t i = 0; i < later.n; i++)
		sb_printf(&sb, "%s%s\n", bullet, later.v[i]);
	strlist_clear(&now);
	strlist_clear(&later);
	return sb_steal(&sb);
}

void
plan_effects(const struct plan *p, struct strlist *now, struct strlist *later)
{
	AUTOFREE struct plan_step **order = run_order(p);

	for (size_t k = 0; order[k]; k++)
		if (order[k]->ops->effects && order[k]->ops->changes(order[k]))
			order[k]->ops->effects(order[k], now, later);
}

static const char *const phase_names[] = {
	[PLAN_PHASE_HOST] = "host",
	[PLAN_PHASE_DOMAIN] = "domain",
	[PLAN_PHASE_START] = "start",
};

void
plan_json(const struct plan *p, struct json *j)
{
	AUTOFREE struct plan_step **order = run_order(p);

	json_arr_begin(j, "steps");
	for (size_t k = 0; order[k]; k++) {
		const struct plan_step *s = order[k];

		json_obj_begin(j, NULL);
		json_str(j, "kind", s->ops->kind);
		json_str(j, "phase", phase_names[s->ops->phase]);
		json_str(j, "title", s->title);
		json_bool(j, "changes", s->ops->changes(s));
		json_arr_begin(j, "notes");
		for (size_t i = 0; s->ops->changes(s) && i < s->notes.n; i++)
			json_str(j, NULL, s->notes.v[i]);
		json_arr_end(j);
		json_arr_begin(j, "warnings");
		for (size_t i = 0; i < s->warnings.n; i++)
			json_str(j, NULL, s->warnings.v[i]);
		json_arr_end(j);
		if (s->ops->json)
			s->ops->json(s, j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* "a", "a and b", "a, b and c" from a list filled in reverse. */
static char *
titles(const struct strlist *l)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < l->n; i++) {
		if (i && i + 1 == l->n)
			/* TRANSLATORS: before the last item of a list. */
			sb_add(&sb, _(" and "));
		else if (i)
			sb_add(&sb, ", ");
		sb_add(&sb, l->v[l->n - 1 - i]);
	}
	return sb_steal(&sb);
}

/*
 * Step order[failed] failed: take back the steps applied before it, in
 * reverse, and report the first error with what is as before and what
 * stays changed. Returns -1.
 */
static int
take_back(struct plan_step **order, size_t failed,
	  const struct plan_ctx *ctx)
{
	enum vs_code code = vs_error_code();
	AUTOFREE char *first = xstrdup(vs_error_message());
	AUTOFREE char *back = NULL, *kept = NULL;
	struct strlist reverted = {0}, stuck = {0};
	struct strbuf msg = STRBUF_INIT;
	const char *sep;
	size_t k = failed;

	while (k-- > 0) {
		struct plan_step *s = order[k];

		if (!s->applied)
			continue;
		if (s->ops->revert(s, ctx) < 0) {
			strlist_take(&stuck, xasprintf("%s (%s)", s->title,
						       vs_error_message()));
		} else {
			s->applied = false;
			strlist_add(&reverted, s->title);
		}
	}
	/* A message of several lines (a daemon's log) ends with one. */
	sep = strchr(first, '\n') ? "\n" : " ";
	sb_add(&msg, first);
	if (reverted.n) {
		back = titles(&reverted);
		sb_add(&msg, sep);
		sb_printf(&msg, _("Taken back, as before: %s."), back);
	}
	if (stuck.n) {
		kept = titles(&stuck);
		sb_add(&msg, sep);
		sb_printf(&msg, _("Taking back failed, so these stay changed: "
				  "%s."),
			  kept);
	}
	vs_error(code, "%s", sb_str(&msg));
	sb_clear(&msg);
	strlist_clear(&reverted);
	strlist_clear(&stuck);
	return -1;
}

int
plan_apply(struct plan *p, const struct plan_ctx *ctx, struct strlist *done)
{
	AUTOFREE struct plan_step **order = run_order(p);
	size_t k;

	for (k = 0; order[k]; k++) {
		struct plan_step *s = order[k];

		if (!s->ops->changes(s))
			continue;
		if (ctx->step_begins)
			ctx->step_begins(ctx->arg, s);
		if (s->ops->apply(s, ctx, done) < 0)
			break;
		s->applied = true;
	}
	if (!order[k])
		return 0;
	return take_back(order, k, ctx);
}
