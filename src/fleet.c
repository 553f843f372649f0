/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fleet.c: one INI file of several hosts, each in a thread of its own */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "domxml.h"
#include "error.h"
#include "fleet.h"

/* Progress calls from several threads come one at a time. */
static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER;

static void
progress(const struct fleet *f, size_t i, const char *domain,
	 const char *what)
{
	if (!f->progress)
		return;
	pthread_mutex_lock(&progress_lock);
	f->progress(f->progress_arg, i, f->n, f->hosts[i].host->name, domain,
		    what);
	pthread_mutex_unlock(&progress_lock);
}

/* ---- hosts at a time ----------------------------------------------------- */

struct run {
	struct fleet *f;
	void (*fn)(struct fleet *f, size_t i);
	pthread_mutex_t lock;
	size_t next;
};

static void *
worker(void *arg)
{
	struct run *r = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&r->lock);
		i = r->next++;
		pthread_mutex_unlock(&r->lock);
		if (i >= r->f->n)
			break;
		r->fn(r->f, i);
	}
	return NULL;
}

/*
 * fn for every host, up to f->jobs at a time. Each host is worked by
 * one thread only, and every thread is joined before this returns.
 */
static void
each_host(struct fleet *f, void (*fn)(struct fleet *f, size_t i))
{
	struct run r = {.f = f, .fn = fn};
	size_t jobs = f->jobs < f->n ? f->jobs : f->n;
	pthread_t *threads;
	size_t started = 0;

	pthread_mutex_init(&r.lock, NULL);
	threads = xcalloc(jobs ? jobs : 1, sizeof(*threads));
	for (size_t k = 0; jobs > 1 && k < jobs; k++)
		if (pthread_create(&threads[k], NULL, worker, &r) == 0)
			started++;
	/* One job, or no thread could be made: this thread does it all. */
	if (!started)
		worker(&r);
	for (size_t k = 0; k < started; k++)
		pthread_join(threads[k], NULL);
	free(threads);
	pthread_mutex_destroy(&r.lock);
}

/* ---- the fleet ----------------------------------------------------------- */

struct fleet *
fleet_new(const struct cfg *c, const char *root, unsigned jobs)
{
	struct fleet *f = xcalloc(1, sizeof(*f));

	f->cfg = c;
	f->root = root;
	f->jobs = jobs ? jobs : 1;
	f->n = c->nhosts;
	f->hosts = xcalloc(f->n ? f->n : 1, sizeof(*f->hosts));
	for (size_t i = 0; i < f->n; i++)
		f->hosts[i].host = &c->hosts[i];
	/* libxml2 gets ready here, before threads parse. */
	domxml_init();
	return f;
}

static void
part_clear(struct fleet_part *p)
{
	plan_free(p->plan);
	strlist_clear(&p->done);
	free(p->error);
}

void
fleet_free(struct fleet *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		struct fleet_host *h = &f->hosts[i];

		for (size_t k = 0; k < h->nparts; k++)
			part_clear(&h->parts[k]);
		free(h->parts);
		/* The plans borrowed the connection: it goes last. */
		inspection_free(h->in);
		host_info_free(h->pools);
		doctor_report_free(h->report);
		free(h->error);
		virt_conn_free(h->conn);
	}
	free(f->hosts);
	free(f);
}

/* The error just reported, kept in *code and *msg; then forgotten. */
static void
keep_error(enum vs_code *code, char **msg)
{
	*code = vs_error_code();
	free(*msg);
	*msg = xstrdup(vs_error_message());
	vs_error_reset();
}

/* Reach host i: 0, or -1 with the host's error kept. */
static int
reach(struct fleet *f, size_t i)
{
	struct fleet_host *h = &f->hosts[i];

	progress(f, i, NULL, _("connecting"));
	if (!(h->conn = virt_open(h->host->uri, 0))) {
		keep_error(&h->code, &h->error);
		return -1;
	}
	return 0;
}

struct host_info *
fleet_pools_read(struct virt_conn *conn, const char *root, bool local,
		 struct pages_target *t)
{
	memset(t, 0, sizeof(*t));
	if (local || !root_is_host(root) || virt_uri_is_local(virt_uri(conn))) {
		t->root = root;
		return host_read(root, 0);
	}
	t->conn = conn;
	return virt_host_pages(conn);
}

static struct fleet_part *
part_add(struct fleet_host *h, const struct cfg_domain *d)
{
	struct fleet_part *p;

	h->parts = xrealloc(h->parts, (h->nparts + 1) * sizeof(*h->parts));
	p = &h->parts[h->nparts++];
	memset(p, 0, sizeof(*p));
	p->domain = d;
	p->plan = plan_new();
	return p;
}

/* Plan one part with plan_part(); a refusal is kept with the part. */
static void
part_planned(struct fleet_part *p, int rc)
{
	if (rc < 0) {
		keep_error(&p->code, &p->error);
		plan_free(steal_ptr(p->plan));
		p->result = FLEET_REFUSED;
		return;
	}
	p->result = plan_changes(p->plan) ? FLEET_PLANNED : FLEET_AS_IS;
}

static bool
has_pools(const struct cfg *c, const char *host)
{
	for (size_t i = 0; i < c->npools; i++)
		if (STREQ(c->pools[i].host, host))
			return true;
	return false;
}

/* The parts of a host that was not reached: all skipped. */
static void
unreached(struct fleet_host *h, const struct cfg *c)
{
	const char *name = h->host->name;

	for (size_t k = 0; k <= c->ndomains; k++) {
		const struct cfg_domain *d = k ? &c->domains[k - 1] : NULL;
		struct fleet_part *p;

		if (d ? !STREQ(d->host, name) : !has_pools(c, name))
			continue;
		p = part_add(h, d);
		plan_free(steal_ptr(p->plan));
		p->result = FLEET_SKIPPED;
		p->code = h->code;
		p->error = xstrdup(_("Not applied: the host was not reached."));
	}
}

static void
plan_host(struct fleet *f, size_t i)
{
	struct fleet_host *h = &f->hosts[i];
	const struct cfg *c = f->cfg;
	const char *name = h->host->name;
	struct cfg_env env = {0};

	if (reach(f, i) < 0) {
		unreached(h, c);
		return;
	}
	progress(f, i, NULL, _("planning"));
	h->in = inspection_gather(f->root, h->conn, NULL, 0);
	env.conn = h->conn;
	env.in = h->in;
	/* A remote host's directories cannot be checked from here. */
	env.root = virt_is_remote(h->conn) ? NULL : f->root;
	if (has_pools(c, name)) {
		struct fleet_part *p = part_add(h, NULL);

		h->pools = fleet_pools_read(h->conn, f->root, false,
					    &env.pages);
		env.pools = h->pools;
		part_planned(p, h->pools ? cfg_plan_pools(c, name, &env,
							  p->plan)
					 : -1);
	}
	for (size_t k = 0; k < c->ndomains; k++) {
		const struct cfg_domain *d = &c->domains[k];
		struct fleet_part *p;

		if (!STREQ(d->host, name))
			continue;
		progress(f, i, d->name, _("planning"));
		p = part_add(h, d);
		part_planned(p, cfg_plan_domain(c, d, &env, p->plan));
	}
}

void
fleet_plan(struct fleet *f)
{
	each_host(f, plan_host);
}

bool
fleet_changes(const struct fleet *f)
{
	for (size_t i = 0; i < f->n; i++)
		for (size_t k = 0; k < f->hosts[i].nparts; k++)
			if (f->hosts[i].parts[k].result == FLEET_PLANNED)
				return true;
	return false;
}

/* Whether a step of p is still applied (taking it back failed). */
static bool
still_applied(const struct plan *p)
{
	for (size_t i = 0; i < plan_nsteps(p); i++)
		if (plan_step_at(p, i)->applied)
			return true;
	return false;
}

/* The step a host's thread is about to apply, for progress. */
struct step_progress {
	struct fleet *f;
	size_t i;
	const struct fleet_part *p;
};

static void
step_begins(void *arg, const struct plan_step *s)
{
	struct step_progress *sp = arg;

	progress(sp->f, sp->i, sp->p->domain ? sp->p->domain->name : NULL,
		 s->title);
}

static void
apply_host(struct fleet *f, size_t i)
{
	struct fleet_host *h = &f->hosts[i];
	struct step_progress sp = {.f = f, .i = i};
	struct plan_ctx ctx = {.statedir = f->statedir,
			       .step_begins = step_begins,
			       .arg = &sp};
	bool pools_failed = false;

	for (size_t k = 0; k < h->nparts; k++) {
		struct fleet_part *p = &h->parts[k];

		if (p->result == FLEET_REFUSED && !p->domain)
			pools_failed = true;
		if (p->result != FLEET_PLANNED)
			continue;
		if (pools_failed) {
			p->result = FLEET_SKIPPED;
			p->code = VS_ERR_PARTIAL;
			p->error = xstrdup(_("Not applied: the host's hugepage "
					     "pools could not be changed, and "
					     "the domain may need them."));
			continue;
		}
		sp.p = p;
		if (plan_apply(p->plan, &ctx, &p->done) == 0) {
			p->result = FLEET_CHANGED;
			continue;
		}
		keep_error(&p->code, &p->error);
		p->result = still_applied(p->plan) ? FLEET_PARTIAL
						   : FLEET_FAILED;
		pools_failed |= !p->domain;
	}
}

void
fleet_apply(struct fleet *f, const char *statedir)
{
	/* Read by every thread, set before they start. */
	f->statedir = statedir;
	each_host(f, apply_host);
}

static void
doctor_host_run(struct fleet *f, size_t i)
{
	struct fleet_host *h = &f->hosts[i];
	struct doctor_env env;

	if (reach(f, i) < 0)
		return;
	progress(f, i, NULL, _("checking"));
	h->in = inspection_gather(f->root, h->conn, NULL, HOST_PROBE_DAEMONS);
	doctor_env_init(&env, h->in, h->conn, f->root);
	h->report = doctor_report_new();
	doctor_host(h->report, &env);
	if (doctor_domains(h->report, &env) < 0) {
		keep_error(&h->code, &h->error);
		return;
	}
	if (h->report->n == 1)
		strlist_add(&h->report->notes,
			    _("No domain has a virtiofs share."));
}

void
fleet_doctor(struct fleet *f)
{
	size_t n;

	/* The table of checks is made on first use: here, before threads. */
	(void)doctor_checks(&n);
	each_host(f, doctor_host_run);
}

int
fleet_status(const struct fleet *f)
{
	int status = 0;

	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_host *h = &f->hosts[i];

		if (!h->conn)
			return 4;
		for (size_t k = 0; k < h->nparts; k++) {
			enum fleet_result r = h->parts[k].result;

			if (r == FLEET_REFUSED)
				status = 3;
			else if (r >= FLEET_SKIPPED && status == 0)
				status = 1;
		}
	}
	return status;
}

static const char *const result_names[] = {
	[FLEET_AS_IS] = "as-is",     [FLEET_PLANNED] = "planned",
	[FLEET_CHANGED] = "changed", [FLEET_REFUSED] = "refused",
	[FLEET_SKIPPED] = "skipped", [FLEET_FAILED] = "failed",
	[FLEET_PARTIAL] = "partial",
};

/* For people: what became of a part. */
static const char *const result_titles[] = {
	[FLEET_AS_IS] = N_("as is"),
	[FLEET_PLANNED] = N_("not applied"),
	[FLEET_CHANGED] = N_("changed"),
	[FLEET_REFUSED] = N_("refused"),
	[FLEET_SKIPPED] = N_("skipped"),
	[FLEET_FAILED] = N_("failed, as before"),
	[FLEET_PARTIAL] = N_("failed, partly changed"),
};

const char *
fleet_result_name(enum fleet_result r)
{
	return result_names[r];
}

/* ---- for people ---------------------------------------------------------- */

static const char *
part_name(const struct fleet_part *p)
{
	return p->domain ? p->domain->name : _("hugepage pools");
}

static void
host_heading(struct strbuf *sb, size_t i, const struct fleet *f)
{
	const struct fleet_host *h = &f->hosts[i];

	if (i)
		sb_addc(sb, '\n');
	sb_printf(sb, _("Host %1$s (%2$s), %3$zu of %4$zu:\n"), h->host->name,
		  h->host->uri, i + 1, f->n);
	if (!h->conn)
		sb_printf(sb, _("  not reached, skipped: %s\n"), h->error);
}

/* Lines of text, each indented by indent spaces. */
static void
indented(struct strbuf *sb, const char *text, size_t indent)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		sb_pad(sb, indent);
		sb_addn(sb, p, n);
		sb_addc(sb, '\n');
		p += n;
		if (*p)
			p++;
	}
}

char *
fleet_render_plan(const struct fleet *f)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_host *h = &f->hosts[i];

		host_heading(&sb, i, f);
		for (size_t k = 0; h->conn && k < h->nparts; k++) {
			const struct fleet_part *p = &h->parts[k];
			AUTOFREE char *summary = NULL;

			if (!p->plan) {
				/* TRANSLATORS: the plan's summary line of a
				 * domain that cannot be changed. */
				sb_printf(&sb, "  %-9s %s\n", _("refused"),
					  part_name(p));
				indented(&sb, p->error, 12);
				continue;
			}
			summary = plan_summary(p->plan);
			sb_add(&sb, summary);
		}
		for (size_t k = 0; k < h->nparts; k++) {
			const struct fleet_part *p = &h->parts[k];
			AUTOFREE char *details = NULL;

			if (!p->plan || p->result != FLEET_PLANNED)
				continue;
			details = plan_render_changes(p->plan);
			sb_addc(&sb, '\n');
			indented(&sb, details, 2);
		}
	}
	return sb_steal(&sb);
}

char *
fleet_render_summary(const struct fleet *f)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned counts[FLEET_RESULT__COUNT] = {0};
	size_t reached = 0;

	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_host *h = &f->hosts[i];

		host_heading(&sb, i, f);
		reached += h->conn != NULL;
		for (size_t k = 0; k < h->nparts; k++) {
			const struct fleet_part *p = &h->parts[k];

			counts[p->result]++;
			sb_printf(&sb, "  %s: %s\n", part_name(p),
				  _(result_titles[p->result]));
			for (size_t l = 0; l < p->done.n; l++)
				indented(&sb, p->done.v[l], 4);
			/* The host's line says why. */
			if (p->error && h->conn)
				indented(&sb, p->error, 4);
		}
	}
	sb_printf(&sb,
		  _("\n%1$zu of %2$zu host(s) reached: %3$u changed, %4$u as "
		    "is, %5$u failed (%6$u of them partly changed), %7$u "
		    "refused, %8$u skipped.\n"),
		  reached, f->n, counts[FLEET_CHANGED], counts[FLEET_AS_IS],
		  counts[FLEET_FAILED] + counts[FLEET_PARTIAL],
		  counts[FLEET_PARTIAL], counts[FLEET_REFUSED],
		  counts[FLEET_SKIPPED]);
	return sb_steal(&sb);
}

/* ---- JSON ---------------------------------------------------------------- */

static void
json_part(struct json *j, const struct fleet_part *p)
{
	json_obj_begin(j, NULL);
	json_str(j, "domain", p->domain ? p->domain->name : NULL);
	json_str(j, "result", fleet_result_name(p->result));
	json_bool(j, "changes", p->plan && plan_changes(p->plan));
	if (p->plan) {
		plan_json(p->plan, j);
	} else {
		json_arr_begin(j, "steps");
		json_arr_end(j);
	}
	json_arr_begin(j, "done");
	for (size_t i = 0; i < p->done.n; i++)
		json_str(j, NULL, p->done.v[i]);
	json_arr_end(j);
	json_error(j, p->code, p->error);
	json_obj_end(j);
}

void
fleet_json(const struct fleet *f, struct json *j)
{
	json_arr_begin(j, "hosts");
	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_host *h = &f->hosts[i];

		json_obj_begin(j, NULL);
		json_str(j, "name", h->host->name);
		json_str(j, "uri", h->host->uri);
		json_bool(j, "reached", h->conn != NULL);
		json_error(j, h->code, h->error);
		json_arr_begin(j, "parts");
		for (size_t k = 0; k < h->nparts; k++)
			json_part(j, &h->parts[k]);
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}
