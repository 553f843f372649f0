/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan-host.c: plan steps that change the host: pools, daemons, mounts */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "host-write.h"
#include "launch.h"
#include "plan-engine.h"
#include "plan-host.h"

/* ---- hugepage pools ------------------------------------------------------ */

struct pages_step {
	char *root;              /* the local pools below root, or NULL */
	struct virt_conn *conn;  /* or through libvirt (borrowed) */
	struct pages_request req;
	struct pages_result planned; /* before: the pool when planned */
	struct pages_result res;     /* what apply did */
};

static void
pages_step_free(void *data)
{
	struct pages_step *ps = data;

	if (!ps)
		return;
	free(ps->root);
	free(ps);
}

static bool
pages_changes(const struct plan_step *s)
{
	const struct pages_step *ps = s->data;

	return ps->planned.want != ps->planned.before;
}

/* The host as the step changes it, read now. NULL reported. */
static struct host_info *
pages_host(const struct pages_step *ps)
{
	return ps->conn ? virt_host_pages(ps->conn) : host_read(ps->root, 0);
}

static struct pages_target
pages_target_of(const struct pages_step *ps)
{
	struct pages_target t = {.root = ps->root, .conn = ps->conn};

	return t;
}

/* "the pool of 2M pages" or "the pool of 2M pages on NUMA node 1". */
static char *
pool_name(const struct pages_request *req)
{
	AUTOFREE char *size = size_format_kib(req->size_kib);

	if (req->node >= 0)
		return xasprintf(_("the pool of %1$s pages on NUMA node %2$d"),
				 size, req->node);
	return xasprintf(_("the pool of %s pages"), size);
}

static int
pages_step_apply(struct plan_step *s, const struct plan_ctx *ctx,
		 struct strlist *done)
{
	struct pages_step *ps = s->data;
	struct pages_target t = pages_target_of(ps);
	AUTOPTR(host_info) h = pages_host(ps);
	AUTOFREE char *name = pool_name(&ps->req);

	/* PAGES_GROW: a pool grown meanwhile is left as it is. */
	if (!h || pages_apply(h, &t, &ps->req, &ps->res) < 0)
		return -1;
	if (ps->res.after == ps->res.before)
		return 0;
	strlist_take(done, xasprintf(_("Hugepages: %1$s has %2$llu pages now; "
				       "it had %3$llu."),
				     name, (unsigned long long)ps->res.after,
				     (unsigned long long)ps->res.before));
	return 0;
}

static int
pages_step_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	struct pages_step *ps = s->data;
	struct pages_target t = pages_target_of(ps);
	struct pages_request back = ps->req;
	struct pages_result res;
	AUTOPTR(host_info) h = NULL;

	if (ps->res.after == ps->res.before)
		return 0;
	if (!(h = pages_host(ps)))
		return -1;
	back.op = PAGES_SET;
	back.count = ps->res.before;
	return pages_apply(h, &t, &back, &res);
}

static void
pages_step_json(const struct plan_step *s, struct json *j)
{
	const struct pages_step *ps = s->data;

	json_u64(j, "size_kib", ps->req.size_kib);
	if (ps->req.node >= 0)
		json_int(j, "node", ps->req.node);
	else
		json_null(j, "node");
	json_u64(j, "pages", ps->req.count);
	json_u64(j, "before", ps->planned.before);
	json_u64(j, "after", ps->planned.want);
}

static const struct plan_step_ops pages_step_ops = {
	.kind = "hugepages",
	.phase = PLAN_PHASE_HOST,
	.host = true,
	.changes = pages_changes,
	.apply = pages_step_apply,
	.revert = pages_step_revert,
	.json = pages_step_json,
	.free = pages_step_free,
};

int
plan_pages(struct plan *p, const struct pages_target *t,
	   const struct host_info *h, uint64_t size_kib, int node,
	   uint64_t pages)
{
	struct pages_step *ps = xcalloc(1, sizeof(*ps));
	AUTOFREE char *name = NULL, *size = size_format_kib(size_kib);
	AUTOFREE char *mem = NULL;
	struct plan_step *s;

	ps->root = t->root ? xstrdup(t->root) : NULL;
	ps->conn = t->conn;
	ps->req.op = PAGES_GROW;
	ps->req.size_kib = size_kib;
	ps->req.node = node;
	ps->req.count = pages;
	if (pages_plan(h, &ps->req, &ps->planned) < 0) {
		pages_step_free(ps);
		return -1;
	}
	name = pool_name(&ps->req);
	s = plan_step_add(p, &pages_step_ops, ps,
			  xasprintf(_("Hugepages: %1$s, at least %2$llu"),
				    name, (unsigned long long)pages));
	mem = size_format_kib(pages * size_kib);
	strlist_take(&s->notes,
		     xasprintf(_("Grows %1$s from %2$llu to %3$llu pages (%4$s "
				 "of memory), before any domain is changed; "
				 "if the kernel gives fewer, the pool is put "
				 "back as it was and nothing else is "
				 "changed."),
			       name, (unsigned long long)ps->planned.before,
			       (unsigned long long)pages, mem));
	if (node >= 0)
		strlist_take(&s->notes,
			     xasprintf(_("The pool is not made persistent: at "
					 "boot, reserve it with 'virtshare "
					 "pages alloc %1$s %2$llu --node %3$d "
					 "--persist'."),
				       size, (unsigned long long)pages, node));
	else
		strlist_take(&s->notes,
			     xasprintf(_("The pool is not made persistent: at "
					 "boot, reserve it with 'virtshare "
					 "pages alloc %1$s %2$llu --persist'."),
				       size, (unsigned long long)pages));
	return 0;
}

/* ---- daemons ------------------------------------------------------------- */

struct daemon_step {
	char *name;              /* the share's name in the run directory */
	struct launch_spec spec; /* start: what to serve (complete) */
	bool stop;               /* stop it instead */
	bool changes;
	char *domain, *tag;      /* stop: whose daemon */
	/* Once applied, to take it back. */
	bool started;            /* a daemon was started (or restarted) */
	bool had_prev;           /* replacing one that ran with prev */
	struct launch_spec prev;
	bool stopped;            /* stop: it ran and was stopped */
	struct launch_spec ran;  /* stop: what it served, to start again */
};

static void
daemon_step_free(void *data)
{
	struct daemon_step *ds = data;

	if (!ds)
		return;
	free(ds->name);
	free(ds->domain);
	free(ds->tag);
	launch_spec_clear(&ds->spec);
	launch_spec_clear(&ds->prev);
	launch_spec_clear(&ds->ran);
	free(ds);
}

static bool
daemon_changes(const struct plan_step *s)
{
	return ((const struct daemon_step *)s->data)->changes;
}

/* The daemon's command line, as the plan shows it. */
static void
daemon_render(const struct plan_step *s, struct strbuf *sb)
{
	const struct daemon_step *ds = s->data;
	struct strlist argv = {0};

	if (ds->stop)
		return;
	launch_argv(&ds->spec, host_our_daemon_path(), &argv);
	sb_add(sb, "  $");
	for (size_t i = 0; i < argv.n; i++)
		sb_printf(sb, " %s", argv.v[i]);
	sb_addc(sb, '\n');
	strlist_clear(&argv);
}

static int
daemon_start_apply(struct plan_step *s, const struct plan_ctx *ctx,
		   struct strlist *done)
{
	struct daemon_step *ds = s->data;
	AUTOPTR(launch_status) prev = launch_status_read(ds->name);
	AUTOPTR(launch_status) st = NULL;
	bool changed;

	vs_error_reset();
	launch_spec_clear(&ds->prev);
	ds->had_prev = prev && prev->state == LAUNCH_RUNNING;
	if (ds->had_prev)
		launch_spec_copy(&ds->prev, &prev->spec);
	if (!(st = launch_ensure(&ds->spec, 0, &changed)))
		return -1;
	ds->started = changed;
	if (changed)
		strlist_take(done,
			     xasprintf(_("Started virtshare-fsd for %1$s (pid "
					 "%2$d) on %3$s."),
				       st->name, st->pid, st->spec.socket));
	for (size_t i = 0; i < st->warnings.n; i++)
		strlist_take(done, xasprintf(_("warning: %s"),
					     st->warnings.v[i]));
	return 0;
}

static int
daemon_start_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	struct daemon_step *ds = s->data;
	AUTOPTR(launch_status) st = NULL;
	bool changed;

	if (!ds->started)
		return 0;
	if (!ds->had_prev)
		return launch_stop(ds->name, 0, NULL);
	st = launch_ensure(&ds->prev, 0, &changed);
	return st ? 0 : -1;
}

static int
daemon_stop_apply(struct plan_step *s, const struct plan_ctx *ctx,
		  struct strlist *done)
{
	struct daemon_step *ds = s->data;
	AUTOPTR(launch_status) st = launch_status_read(ds->name);
	bool was = false;

	if (!st)
		return -1;
	launch_spec_clear(&ds->ran);
	launch_spec_copy(&ds->ran, &st->spec);
	/* The share is gone: so is its record, which would name it still. */
	if (launch_forget(ds->name, 0, &was) < 0)
		return -1;
	ds->stopped = was;
	if (was)
		strlist_take(done, xasprintf(_("Stopped virtshare-fsd for "
					       "%s."),
					     ds->name));
	return 0;
}

static int
daemon_stop_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	struct daemon_step *ds = s->data;
	AUTOPTR(launch_status) st = NULL;

	if (!ds->stopped)
		return 0;
	st = launch_start(&ds->ran);
	return st ? 0 : -1;
}

static void
spec_json(struct json *j, const struct launch_spec *spec)
{
	json_str(j, "dir", spec->dir);
	json_str(j, "socket", spec->socket);
	launch_spec_options_json(j, spec);
}

static void
daemon_json(const struct plan_step *s, struct json *j)
{
	const struct daemon_step *ds = s->data;

	json_str(j, "name", ds->name);
	json_str(j, "domain", ds->stop ? ds->domain : ds->spec.domain);
	json_str(j, "tag", ds->stop ? ds->tag : ds->spec.tag);
	if (!ds->stop)
		spec_json(j, &ds->spec);
}

static const struct plan_step_ops daemon_start_ops = {
	.kind = "daemon-start",
	.phase = PLAN_PHASE_START,
	.host = true,
	.changes = daemon_changes,
	.render = daemon_render,
	.apply = daemon_start_apply,
	.revert = daemon_start_revert,
	.json = daemon_json,
	.free = daemon_step_free,
};

static const struct plan_step_ops daemon_stop_ops = {
	.kind = "daemon-stop",
	.phase = PLAN_PHASE_START,
	.host = true,
	.changes = daemon_changes,
	.apply = daemon_stop_apply,
	.revert = daemon_stop_revert,
	.json = daemon_json,
	.free = daemon_step_free,
};

/* The share name of socket in the run directory; NULL reported. */
static char *
daemon_name(const char *socket)
{
	AUTOFREE char *rundir = launch_rundir();

	return rundir ? launch_name_for_socket(rundir, socket) : NULL;
}

/*
 * The status of the share name, or NULL with *none set when nothing was
 * ever started there. NULL without *none: reported.
 */
static struct launch_status *
daemon_status(const char *name, bool *none)
{
	struct launch_status *st = launch_status_read(name);

	*none = !st && vs_error_code() == VS_ERR_NOT_FOUND;
	if (*none)
		vs_error_reset();
	return st;
}

int
plan_daemon_start(struct plan *p, const struct launch_spec *spec,
		  bool domain_active)
{
	AUTOFREE char *name = daemon_name(spec->socket);
	AUTOPTR(launch_status) st = NULL;
	struct daemon_step *ds;
	struct plan_step *s;
	bool none, same, connected;

	if (!name || (!(st = daemon_status(name, &none)) && !none))
		return -1;
	ds = xcalloc(1, sizeof(*ds));
	ds->name = steal_ptr(name);
	launch_spec_copy(&ds->spec, spec);
	same = st && st->state == LAUNCH_RUNNING &&
	       launch_spec_equal(&st->spec, spec);
	connected = st && st->state == LAUNCH_RUNNING && !st->listening;
	ds->changes = !same && !(connected && domain_active);
	s = plan_step_add(p, &daemon_start_ops, ds,
			  xasprintf(_("virtshare-fsd for %s"), ds->name));
	if (same)
		return 0;
	if (connected && domain_active) {
		strlist_take(&s->warnings,
			     xasprintf(_("virtshare-fsd for %1$s serves the "
					 "running guest with other options, "
					 "so it is left as it is. The new "
					 "options apply when it starts next: "
					 "after the guest is shut down, run "
					 "'virtshare daemon start %2$s %3$s' "
					 "(or apply again)."),
				       ds->name, spec->domain, spec->tag));
		return 0;
	}
	if (st && st->state == LAUNCH_RUNNING)
		strlist_take(&s->notes,
			     xasprintf(_("Restarts it with new options: it "
					 "serves %1$s on %2$s."),
				       spec->dir, spec->socket));
	else
		strlist_take(&s->notes,
			     xasprintf(_("Starts it once the domain is "
					 "defined: it serves %1$s on %2$s, "
					 "waiting for QEMU to connect."),
				       spec->dir, spec->socket));
	strlist_take(&s->notes,
		     xasprintf(_("The socket is for %1$s%2$s%3$s, mode %4$s; "
				 "the daemon exits when QEMU disconnects: "
				 "'virtshare daemon start %5$s %6$s' starts "
				 "it for the next boot."),
			       spec->socket_user ? spec->socket_user : "?",
			       spec->socket_group ? ":" : "",
			       spec->socket_group ? spec->socket_group : "",
			       spec->socket_group ? "0660" : "0600",
			       spec->domain, spec->tag));
	return 0;
}

int
plan_daemon_stop(struct plan *p, const char *socket, const char *domain,
		 const char *tag, bool domain_active)
{
	AUTOFREE char *name = daemon_name(socket);
	AUTOPTR(launch_status) st = NULL;
	struct daemon_step *ds;
	struct plan_step *s;
	bool none;

	if (!name || (!(st = daemon_status(name, &none)) && !none))
		return -1;
	/* Not started by virtshare for this share: not ours to stop. */
	if (!st || !st->spec.domain || !STREQ(st->spec.domain, domain) ||
	    !st->spec.tag || !STREQ(st->spec.tag, tag))
		return 0;
	ds = xcalloc(1, sizeof(*ds));
	ds->name = steal_ptr(name);
	ds->stop = true;
	ds->domain = xstrdup(domain);
	ds->tag = xstrdup(tag);
	ds->changes = !(domain_active && st->state == LAUNCH_RUNNING);
	s = plan_step_add(p, &daemon_stop_ops, ds,
			  xasprintf(_("virtshare-fsd for %s"), ds->name));
	if (!ds->changes)
		strlist_take(&s->warnings,
			     xasprintf(_("virtshare-fsd for %1$s keeps serving "
					 "the running guest. Stop it once the "
					 "guest is shut down: virtshare daemon "
					 "stop %2$s %3$s"),
				       ds->name, domain, tag));
	else if (st->state == LAUNCH_RUNNING)
		strlist_add(&s->notes, _("Stops it once the domain is defined "
					 "without the share, and forgets the "
					 "share's record."));
	else
		strlist_add(&s->notes, _("Forgets the share's record (and the "
					 "files of its exited daemon)."));
	return 0;
}

/* ---- records ------------------------------------------------------------- */

void
plan_record_from_spec(const struct launch_spec *spec, struct domxml_record *r)
{
	memset(r, 0, sizeof(*r));
	r->tag = xstrdup0(spec->tag);
	r->dir = xstrdup0(spec->dir);
	r->cache = xstrdup0(spec->cache);
	if (spec->xattr != LAUNCH_DEFAULT)
		r->xattr = xstrdup(spec->xattr == LAUNCH_ON ? "on" : "off");
	if (spec->readonly)
		r->readonly = xstrdup("on");
	r->sandbox = xstrdup0(spec->sandbox);
	if (spec->thread_pool_set)
		r->thread_pool = xasprintf("%u", spec->thread_pool);
	r->log_level = xstrdup0(spec->log_level);
	r->socket_user = xstrdup0(spec->socket_user);
	r->socket_group = xstrdup0(spec->socket_group);
}

void
plan_spec_from_record(const struct domxml_record *r, struct launch_spec *spec)
{
	bool b;
	uint64_t v;

	launch_spec_clear(spec);
	spec->tag = xstrdup0(r->tag);
	spec->dir = xstrdup0(r->dir);
	spec->cache = xstrdup0(r->cache);
	if (r->xattr && str_to_bool(r->xattr, &b) == 0)
		spec->xattr = b ? LAUNCH_ON : LAUNCH_OFF;
	spec->readonly = r->readonly && str_to_bool(r->readonly, &b) == 0 && b;
	spec->sandbox = xstrdup0(r->sandbox);
	if (r->thread_pool && str_to_u64(r->thread_pool, &v) == 0 &&
	    v <= UINT32_MAX) {
		spec->thread_pool_set = true;
		spec->thread_pool = (unsigned)v;
	}
	spec->log_level = xstrdup0(r->log_level);
	spec->socket_user = xstrdup0(r->socket_user);
	spec->socket_group = xstrdup0(r->socket_group);
}

int
plan_daemon_spec(struct virt_conn *c, const char *domain, const char *tag,
		 struct launch_spec *spec)
{
	AUTOFREE char *xml = virt_domain_xml(c, domain, true);
	AUTOPTR(domxml) d = NULL;
	struct domxml_share *shares = NULL;
	struct domxml_record *recs = NULL;
	size_t n, nrec;
	int ret = -1;

	if (!xml || !(d = domxml_parse(xml, domain)))
		return -1;
	n = domxml_shares(d, &shares);
	nrec = domxml_records(d, &recs);
	launch_spec_clear(spec);
	for (size_t i = 0; i < n && ret < 0; i++) {
		if (!shares[i].tag || !STREQ(shares[i].tag, tag))
			continue;
		if (!shares[i].socket) {
			vs_error(VS_ERR_CONFLICT,
				 _("The share '%1$s' of %2$s has <source "
				   "dir='%3$s'/>: libvirt starts its daemon "
				   "itself when the guest starts. virtshare "
				   "runs daemons for <source socket> shares "
				   "only."),
				 tag, domain,
				 shares[i].dir ? shares[i].dir : "");
			goto out;
		}
		for (size_t k = 0; k < nrec; k++)
			if (recs[k].tag && STREQ(recs[k].tag, tag))
				plan_spec_from_record(&recs[k], spec);
		free(spec->socket);
		spec->socket = xstrdup(shares[i].socket);
		free(spec->tag);
		spec->tag = xstrdup(tag);
		spec->domain = xstrdup(domain);
		ret = 0;
	}
	if (ret < 0)
		vs_error(VS_ERR_NOT_FOUND,
			 _("Domain '%1$s' has no virtiofs share with the tag "
			   "'%2$s'. List its shares with: virtshare shares "
			   "%1$s"),
			 domain, tag);
out:
	domxml_shares_free(shares, n);
	domxml_records_free(recs, nrec);
	return ret;
}

/* ---- hugetlbfs mounts (doctor --fix) ------------------------------------- */

struct mount_step {
	uint64_t size_kib;
	char *mounted; /* what apply mounted, for revert */
};

static void
mount_step_free(void *data)
{
	struct mount_step *ms = data;

	if (!ms)
		return;
	free(ms->mounted);
	free(ms);
}

static bool
mount_changes(const struct plan_step *s)
{
	return true;
}

static int
mount_apply(struct plan_step *s, const struct plan_ctx *ctx,
	    struct strlist *done)
{
	struct mount_step *ms = s->data;
	AUTOPTR(host_info) h = host_read("/", 0);
	AUTOFREE char *dir = NULL, *size = size_format_kib(ms->size_kib);
	AUTOFREE char *fstab = NULL;
	bool created;

	if (pages_mount(h, ms->size_kib, NULL, &dir, &created) < 0)
		return -1;
	if (!created) {
		strlist_take(done, xasprintf(_("hugetlbfs for %1$s pages was "
					       "already mounted on %2$s."),
					     size, dir));
		return 0;
	}
	fstab = pages_fstab_line(dir, ms->size_kib);
	strlist_take(done, xasprintf(_("Mounted hugetlbfs for %1$s pages on "
				       "%2$s. Add '%3$s' to /etc/fstab to "
				       "mount it at boot, and restart libvirtd "
				       "so that it sees the mount."),
				     size, dir, fstab));
	ms->mounted = steal_ptr(dir);
	return 0;
}

static int
mount_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	struct mount_step *ms = s->data;

	if (!ms->mounted || host_umount(ms->mounted) < 0)
		return ms->mounted ? -1 : 0;
	free(steal_ptr(ms->mounted));
	return 0;
}

static const struct plan_step_ops mount_step_ops = {
	.kind = "hugetlbfs-mount",
	.phase = PLAN_PHASE_HOST,
	.changes = mount_changes,
	.apply = mount_apply,
	.revert = mount_revert,
	.free = mount_step_free,
};

void
plan_mount(struct plan *p, uint64_t size_kib)
{
	struct mount_step *ms = xcalloc(1, sizeof(*ms));
	AUTOFREE char *size = size_format_kib(size_kib);

	ms->size_kib = size_kib;
	plan_step_add(p, &mount_step_ops, ms,
		      xasprintf(_("Mount hugetlbfs for %s pages"), size));
}

/* ---- a daemon started again (doctor --fix) ------------------------------ */

struct restart_step {
	char *name;
	bool was_running;
	bool started;
};

static void
restart_step_free(void *data)
{
	struct restart_step *ds = data;

	if (!ds)
		return;
	free(ds->name);
	free(ds);
}

static bool
restart_changes(const struct plan_step *s)
{
	return true;
}

static int
restart_apply(struct plan_step *s, const struct plan_ctx *ctx,
	     struct strlist *done)
{
	struct restart_step *ds = s->data;
	AUTOPTR(launch_status) before = launch_status_read(ds->name);
	AUTOPTR(launch_status) st = NULL;

	if (!before)
		return -1;
	ds->was_running = before->state == LAUNCH_RUNNING;
	if (!(st = launch_restart(ds->name, 0, 0)))
		return -1;
	ds->started = true;
	strlist_take(done, xasprintf(_("The daemon of %1$s runs (pid %2$d) "
				       "and listens on %3$s."),
				     ds->name, st->pid, st->spec.socket));
	return 0;
}

static int
restart_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	struct restart_step *ds = s->data;

	if (!ds->started || ds->was_running)
		return 0;
	ds->started = false;
	return launch_stop(ds->name, 0, NULL);
}

static const struct plan_step_ops restart_step_ops = {
	.kind = "daemon",
	.phase = PLAN_PHASE_START,
	.changes = restart_changes,
	.apply = restart_apply,
	.revert = restart_revert,
	.free = restart_step_free,
};

void
plan_daemon_restart(struct plan *p, const char *name)
{
	struct restart_step *ds = xcalloc(1, sizeof(*ds));

	ds->name = xstrdup(name);
	plan_step_add(p, &restart_step_ops, ds,
		      xasprintf(_("Start the daemon of %s again"), name));
}
