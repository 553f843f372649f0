/* plan.c: plans of changes, the domain definition step, where domains live */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing.h"
#include "diff.h"
#include "error.h"
#include "pages.h"
#include "plan-priv.h"

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

char *
plan_render(const struct plan *p)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < p->n; i++) {
		const struct plan_step *s = p->steps[i];
		bool changes = s->ops->changes(s);

		if (i)
			sb_addc(&sb, '\n');
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

int
plan_apply(struct plan *p, const struct plan_ctx *ctx, struct strlist *done)
{
	AUTOFREE struct plan_step **order = run_order(p);
	size_t k;

	for (k = 0; order[k]; k++) {
		struct plan_step *s = order[k];

		if (!s->ops->changes(s))
			continue;
		if (s->ops->apply(s, ctx, done) < 0)
			break;
		s->applied = true;
	}
	if (!order[k])
		return 0;
	{
		enum vs_code code = vs_error_code();
		AUTOFREE char *first = xstrdup(vs_error_message());
		struct strbuf also = STRBUF_INIT;

		while (k-- > 0) {
			struct plan_step *s = order[k];

			if (!s->applied)
				continue;
			if (s->ops->revert(s, ctx) < 0)
				sb_printf(&also, " %s", vs_error_message());
			else
				s->applied = false;
		}
		if (also.len)
			vs_error(code,
				 _("%1$s Taking back the changes made before "
				   "failed too:%2$s"),
				 first, sb_str(&also));
		else
			vs_error(code, "%s", first);
		sb_clear(&also);
	}
	return -1;
}

const char *
plan_statedir(void)
{
	const char *env = getenv("VIRTSHARE_STATEDIR");

	return env && *env ? env : LOCALSTATEDIR "/lib/virtshare";
}

/* ---- targets ------------------------------------------------------------- */

struct target_ops {
	/* The definition now. NULL, reported. */
	char *(*read)(struct plan_target *t);
	/* Replace the definition. 0, or -1 reported. */
	int (*write)(struct plan_target *t, const char *xml);
	/* Keep xml, the definition about to be replaced; *where says
	 * where (caller frees). 0, or -1 reported. */
	int (*save)(struct plan_target *t, const char *statedir,
		    const char *xml, char **where);
	/* The saved definitions, newest first. */
	void (*saved)(struct plan_target *t, const char *statedir,
		      struct strlist *paths);
	/* Whether the domain runs; -1 reported. Transient domains are
	 * refused here. */
	int (*active)(struct plan_target *t);
	/* Where the saved definitions are, and the command that undoes
	 * (caller frees). */
	char *(*saved_where)(struct plan_target *t, const char *statedir);
	char *(*undo_command)(struct plan_target *t);
};

struct plan_target {
	const struct target_ops *ops;
	char *domain;
	char *key;   /* the same definition has the same key */
	char *label; /* the domain and where it is, for people */
	struct virt_conn *conn;
	bool validate;
	char *path;
};

void
plan_target_free(struct plan_target *t)
{
	if (!t)
		return;
	free(t->domain);
	free(t->key);
	free(t->label);
	free(t->path);
	free(t);
}

/* A path component from any text: what is not [A-Za-z0-9.-] becomes _. */
static char *
file_name_of(const char *s)
{
	char *r = xstrdup(s);

	for (char *c = r; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-')
			*c = '_';
	if (r[0] == '.')
		r[0] = '_';
	return r;
}

static int
mkdir_p(const char *path, mode_t mode)
{
	AUTOFREE char *copy = xstrdup(path);

	for (char *c = copy + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return -1;
		*c = '/';
	}
	return mkdir(copy, mode) < 0 && errno != EEXIST ? -1 : 0;
}

static char *
libvirt_dir(struct plan_target *t, const char *statedir)
{
	AUTOFREE char *uri = file_name_of(virt_uri(t->conn));
	AUTOFREE char *dom = file_name_of(t->domain);

	return xasprintf("%s/backups/%s/%s", statedir, uri, dom);
}

static char *
libvirt_read(struct plan_target *t)
{
	return virt_domain_xml(t->conn, t->domain, true);
}

static int
libvirt_write(struct plan_target *t, const char *xml)
{
	return virt_domain_define(t->conn, xml, t->validate);
}

static int
saved_cmp(const void *a, const void *b)
{
	return -strcmp(*(char *const *)a, *(char *const *)b);
}

static void
libvirt_saved(struct plan_target *t, const char *statedir,
	      struct strlist *paths)
{
	AUTOFREE char *dir = libvirt_dir(t, statedir);
	DIR *dh = opendir(dir);
	struct dirent *e;

	if (!dh)
		return;
	while ((e = readdir(dh))) {
		size_t len = strlen(e->d_name);

		/* NNNNNN.xml: the number orders them. */
		if (len != 10 || strspn(e->d_name, "0123456789") != 6 ||
		    !STREQ(e->d_name + 6, ".xml"))
			continue;
		strlist_take(paths, xasprintf("%s/%s", dir, e->d_name));
	}
	closedir(dh);
	if (paths->n)
		qsort(paths->v, paths->n, sizeof(*paths->v), saved_cmp);
}

static int
libvirt_save(struct plan_target *t, const char *statedir, const char *xml,
	     char **where)
{
	AUTOFREE char *dir = libvirt_dir(t, statedir);
	struct strlist have = {0};
	unsigned long next = 1;

	if (mkdir_p(dir, 0700) < 0)
		return vs_error_errno(VS_ERR_IO, errno,
				      _("Cannot create %s for the saved "
					"definitions (set VIRTSHARE_STATEDIR "
					"to a writable directory)"),
				      dir);
	libvirt_saved(t, statedir, &have);
	if (have.n)
		next = strtoul(strrchr(have.v[0], '/') + 1, NULL, 10) + 1;
	strlist_clear(&have);
	if (next > 999999)
		return vs_error(VS_ERR_IO,
				_("%s holds a million saved definitions: "
				  "remove old ones."),
				dir);
	*where = xasprintf("%s/%06lu.xml", dir, next);
	/* Definitions can hold passwords (VNC, iSCSI): owner only. */
	if (file_write_atomic(*where, xml, strlen(xml), 0600) < 0) {
		free(steal_ptr(*where));
		return -1;
	}
	return 0;
}

int
plan_domain_active(struct virt_conn *conn, const char *domain)
{
	bool active, persistent;

	if (virt_domain_status(conn, domain, &active, &persistent) < 0)
		return -1;
	if (!persistent)
		return vs_error(VS_ERR_CONFLICT,
				_("Domain '%1$s' is transient: it has no "
				  "persistent definition to change. Make it "
				  "persistent first: virsh -c %2$s dumpxml "
				  "%1$s > %1$s.xml && virsh -c %2$s define "
				  "%1$s.xml"),
				domain, virt_uri(conn));
	return active;
}

static int
libvirt_active(struct plan_target *t)
{
	return plan_domain_active(t->conn, t->domain);
}

static char *
libvirt_undo_command(struct plan_target *t)
{
	return xasprintf("virtshare -c %s undo %s", virt_uri(t->conn),
			 t->domain);
}

static const struct target_ops libvirt_ops = {
	.read = libvirt_read,
	.write = libvirt_write,
	.save = libvirt_save,
	.saved = libvirt_saved,
	.active = libvirt_active,
	.saved_where = libvirt_dir,
	.undo_command = libvirt_undo_command,
};

struct plan_target *
plan_target_libvirt(struct virt_conn *conn, const char *domain)
{
	struct plan_target *t = xcalloc(1, sizeof(*t));

	t->ops = &libvirt_ops;
	t->conn = conn;
	t->validate = true;
	t->domain = xstrdup(domain);
	t->key = xasprintf("libvirt %s %s", virt_uri(conn), domain);
	t->label = xasprintf(_("Domain '%1$s' on %2$s"), domain,
			     virt_uri(conn));
	return t;
}

struct plan_target *
plan_target_libvirt_unvalidated(struct virt_conn *conn, const char *domain)
{
	struct plan_target *t = plan_target_libvirt(conn, domain);

	t->validate = false;
	return t;
}

static char *
file_target_read(struct plan_target *t)
{
	char *xml = file_read(t->path, 16 << 20, NULL);

	if (!xml)
		vs_error_errno(VS_ERR_IO, errno,
			       _("Cannot read the domain definition %s (check "
				 "the file name)"),
			       t->path);
	return xml;
}

static unsigned
file_mode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_mode & 07777 : 0644;
}

static int
file_target_write(struct plan_target *t, const char *xml)
{
	return file_write_atomic(t->path, xml, strlen(xml),
				 file_mode(t->path));
}

static int
file_target_save(struct plan_target *t, const char *statedir,
		 const char *xml, char **where)
{
	*where = xasprintf("%s.bak", t->path);
	if (file_write_atomic(*where, xml, strlen(xml), file_mode(t->path)) <
	    0) {
		free(steal_ptr(*where));
		return -1;
	}
	return 0;
}

static void
file_target_saved(struct plan_target *t, const char *statedir,
		  struct strlist *paths)
{
	AUTOFREE char *bak = xasprintf("%s.bak", t->path);

	if (access(bak, F_OK) == 0)
		strlist_add(paths, bak);
}

static int
file_target_active(struct plan_target *t)
{
	return 0;
}

static char *
file_target_saved_where(struct plan_target *t, const char *statedir)
{
	return xasprintf("%s.bak", t->path);
}

static char *
file_target_undo_command(struct plan_target *t)
{
	return xasprintf("virtshare undo %s --xml %s", t->domain, t->path);
}

static const struct target_ops file_ops = {
	.read = file_target_read,
	.write = file_target_write,
	.save = file_target_save,
	.saved = file_target_saved,
	.active = file_target_active,
	.saved_where = file_target_saved_where,
	.undo_command = file_target_undo_command,
};

struct plan_target *
plan_target_file(const char *path, const char *domain)
{
	struct plan_target *t = xcalloc(1, sizeof(*t));

	t->ops = &file_ops;
	t->path = xstrdup(path);
	t->domain = xstrdup(domain);
	t->key = xasprintf("file %s", path);
	t->label = xasprintf(_("Domain '%1$s' in %2$s"), domain, path);
	return t;
}

/* ---- the domain definition step ------------------------------------------ */

struct domain_step {
	struct plan_target *t;
	char *old_xml;          /* as read when the plan was made */
	char *new_xml;
	char *diff;
	bool active;            /* the domain runs */
	bool restore;           /* puts back a saved definition (undo) */
	struct strlist edits;   /* what the edits said they change */
	struct strlist use_up;  /* saved definitions used up once applied */
};

static void
domain_step_free(void *data)
{
	struct domain_step *ds = data;

	if (!ds)
		return;
	plan_target_free(ds->t);
	free(ds->old_xml);
	free(ds->new_xml);
	free(ds->diff);
	strlist_clear(&ds->edits);
	strlist_clear(&ds->use_up);
	free(ds);
}

static bool
domain_changes(const struct plan_step *s)
{
	const struct domain_step *ds = s->data;

	return !STREQ(ds->old_xml, ds->new_xml);
}

static void
domain_render(const struct plan_step *s, struct strbuf *sb)
{
	const struct domain_step *ds = s->data;

	sb_add(sb, ds->diff);
}

/* What libvirt kept of want: 0, or -1 reported. */
static int
domain_verify(struct domain_step *ds)
{
	AUTOFREE char *back = ds->t->ops->read(ds->t);
	AUTOPTR(domxml) want = NULL;
	AUTOPTR(domxml) got = NULL;
	struct strlist diffs = {0};
	struct strbuf all = STRBUF_INIT;
	int ret = 0;

	if (!back)
		return -1;
	if (!(want = domxml_parse(ds->new_xml, ds->t->label)) ||
	    !(got = domxml_parse(back, ds->t->label)))
		return -1;
	if (!domxml_compare(want, got, &diffs))
		return 0;
	for (size_t i = 0; i < diffs.n; i++)
		sb_printf(&all, "%s%s", i ? "; " : "", diffs.v[i]);
	ret = vs_error(VS_ERR_LIBVIRT,
		       _("libvirt did not keep all of the new definition of "
			 "domain '%1$s' (%2$s): it does not know these "
			 "settings. Leave them out, or upgrade libvirt."),
		       ds->t->domain, sb_str(&all));
	sb_clear(&all);
	strlist_clear(&diffs);
	return ret;
}

static int
domain_apply(struct plan_step *s, const struct plan_ctx *ctx,
	     struct strlist *done)
{
	struct domain_step *ds = s->data;
	AUTOFREE char *now = ds->t->ops->read(ds->t), *saved = NULL;

	if (!now)
		return -1;
	if (!STREQ(now, ds->old_xml))
		return vs_error(VS_ERR_CONFLICT,
				_("The definition of domain '%s' changed while "
				  "the plan was shown. Run the command again."),
				ds->t->domain);
	if (!ds->restore &&
	    ds->t->ops->save(ds->t, ctx->statedir, ds->old_xml, &saved) < 0)
		return -1;
	if (ds->t->ops->write(ds->t, ds->new_xml) < 0)
		return -1;
	if (domain_verify(ds) < 0) {
		enum vs_code code = vs_error_code();
		AUTOFREE char *msg = xstrdup(vs_error_message());

		if (ds->t->ops->write(ds->t, ds->old_xml) < 0)
			return vs_error(code,
					_("%1$s Putting the previous "
					  "definition back failed too: %2$s"),
					msg, vs_error_message());
		return vs_error(code, _("%s The previous definition was put "
					"back."),
				msg);
	}
	for (size_t i = 0; i < ds->use_up.n; i++)
		unlink(ds->use_up.v[i]);
	if (ds->restore) {
		strlist_take(done, xasprintf(_("%s: the saved definition is "
					       "back."),
					     ds->t->label));
	} else {
		AUTOFREE char *undo = ds->t->ops->undo_command(ds->t);

		strlist_take(done, xasprintf(_("%1$s: changed. The previous "
					       "definition is saved in %2$s; "
					       "'%3$s' puts it back."),
					     ds->t->label, saved, undo));
	}
	return 0;
}

static int
domain_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	struct domain_step *ds = s->data;

	return ds->t->ops->write(ds->t, ds->old_xml);
}

static const struct plan_step_ops domain_step_ops = {
	.kind = "domain-definition",
	.phase = PLAN_PHASE_DOMAIN,
	.changes = domain_changes,
	.render = domain_render,
	.apply = domain_apply,
	.revert = domain_revert,
	.free = domain_step_free,
};

/* An edit of a domain's planned definition, committed into the plan. */
struct domain_edit {
	struct plan_step *step;  /* the domain's step, or NULL: a new one */
	struct domain_step *ds;  /* a new step's data */
	struct domxml *d;        /* the planned definition, being edited */
	struct strlist notes;
	struct strlist warnings;
};

static struct plan_step *
find_step(const struct plan *p, const struct plan_target *t)
{
	for (size_t i = 0; i < p->n; i++) {
		struct plan_step *s = p->steps[i];

		if (s->ops == &domain_step_ops &&
		    STREQ(((struct domain_step *)s->data)->t->key, t->key))
			return s;
	}
	return NULL;
}

static void
edit_abort(struct domain_edit *e)
{
	domain_step_free(e->ds);
	domxml_free(e->d);
	strlist_clear(&e->notes);
	strlist_clear(&e->warnings);
	memset(e, 0, sizeof(*e));
}

/*
 * Start editing the planned definition of t's domain: the one of its
 * step in p, or the current one. Takes t; -1 reported.
 */
static int
edit_begin(struct plan *p, struct plan_target *t, struct domain_edit *e)
{
	const struct domain_step *cur;
	const char *name;
	int active;

	memset(e, 0, sizeof(*e));
	if ((e->step = find_step(p, t))) {
		plan_target_free(t);
		cur = e->step->data;
		e->d = domxml_parse(cur->new_xml, cur->t->label);
		return e->d ? 0 : -1;
	}
	e->ds = xcalloc(1, sizeof(*e->ds));
	e->ds->t = t;
	if ((active = t->ops->active(t)) < 0 ||
	    !(e->ds->old_xml = t->ops->read(t)) ||
	    !(e->d = domxml_parse(e->ds->old_xml, t->label))) {
		edit_abort(e);
		return -1;
	}
	name = domxml_name(e->d);
	if (!name || !STREQ(name, t->domain)) {
		vs_error(VS_ERR_CONFLICT,
			 _("%1$s defines the domain '%2$s', not '%3$s'. Check "
			   "the domain name and the file."),
			 t->path ? t->path : t->label, name ? name : "",
			 t->domain);
		edit_abort(e);
		return -1;
	}
	e->ds->active = active > 0;
	return 0;
}

/* The target of the definition being edited. */
static const struct plan_target *
edit_target(const struct domain_edit *e)
{
	return e->step ? ((const struct domain_step *)e->step->data)->t
		       : e->ds->t;
}

/* A fingerprint of guest memory, to tell whether an edit changed it. */
static char *
memory_print(const char *xml)
{
	AUTOPTR(domxml) d = domxml_parse(xml, "");
	struct domxml_memory m;
	struct strbuf sb = STRBUF_INIT;

	if (!d)
		return xstrdup("");
	domxml_memory(d, &m);
	sb_printf(&sb, "%s|%s|%d", m.source ? m.source : "",
		  m.access ? m.access : "", m.hugepages);
	for (size_t i = 0; i < m.npages; i++)
		sb_printf(&sb, "|%llu@%s",
			  (unsigned long long)m.pages[i].size_kib,
			  m.pages[i].nodeset ? m.pages[i].nodeset : "");
	for (size_t i = 0; i < m.ncells; i++)
		sb_printf(&sb, "|%s", m.cells[i].mem_access
					   ? m.cells[i].mem_access
					   : "");
	domxml_memory_clear(&m);
	return sb_steal(&sb);
}

/* The step's notes: what the edits change, then what a running domain
 * means for them. */
static void
step_notes(struct plan_step *s)
{
	struct domain_step *ds = s->data;
	AUTOFREE char *before = NULL, *after = NULL;

	strlist_clear(&s->notes);
	for (size_t i = 0; i < ds->edits.n; i++)
		strlist_add(&s->notes, ds->edits.v[i]);
	if (!ds->active)
		return;
	strlist_take(&s->notes,
		     xasprintf(_("Domain '%s' is running: its persistent "
				 "definition changes now; the guest sees the "
				 "change once it is shut down and started "
				 "again."),
			       ds->t->domain));
	before = memory_print(ds->old_xml);
	after = memory_print(ds->new_xml);
	if (!STREQ(before, after))
		strlist_add(&s->notes,
			    _("The memory backing changes at the next cold "
			      "boot only: shut the guest down and start it (a "
			      "reboot from inside the guest is not enough)."));
}

/* Put the edited definition into the plan. */
static void
edit_commit(struct plan *p, struct domain_edit *e)
{
	struct plan_step *s = e->step;
	struct domain_step *ds;
	AUTOFREE char *a = NULL, *b = NULL;

	if (!s) {
		ds = steal_ptr(e->ds);
		s = plan_step_add(p, &domain_step_ops, ds,
				  xstrdup(ds->t->label));
	}
	ds = s->data;
	free(ds->new_xml);
	ds->new_xml = domxml_format(e->d);
	a = xasprintf("%s.xml (now)", ds->t->domain);
	b = xasprintf("%s.xml (planned)", ds->t->domain);
	free(ds->diff);
	ds->diff = diff_unified(ds->old_xml, ds->new_xml, a, b, DIFF_CONTEXT);
	for (size_t i = 0; i < e->notes.n; i++)
		strlist_add(&ds->edits, e->notes.v[i]);
	for (size_t i = 0; i < e->warnings.n; i++)
		if (!strlist_has(&s->warnings, e->warnings.v[i]))
			strlist_add(&s->warnings, e->warnings.v[i]);
	step_notes(s);
	e->step = NULL;
	edit_abort(e);
}

/* ---- share, unshare, undo ------------------------------------------------ */

void
share_request_init(struct share_request *r)
{
	memset(r, 0, sizeof(*r));
	domxml_share_init(&r->share);
}

void
share_request_clear(struct share_request *r)
{
	domxml_share_clear(&r->share);
	domxml_backing_clear(&r->backing);
	memset(r, 0, sizeof(*r));
}

static bool
is_libvirt(const struct plan_target *t)
{
	return t->ops == &libvirt_ops;
}

/* Which virtiofs daemon libvirt will start for a new share. */
static void
daemon_notes(const struct share_request *r, const struct inspection *in,
	     struct domain_edit *e)
{
	const struct host_info *h = in ? in->host : NULL;
	struct strbuf found = STRBUF_INIT;

	if (r->share.binary || r->share.socket || !h)
		return;
	for (size_t i = 0; i < h->ndaemons; i++)
		if (h->daemons[i].descriptor && h->daemons[i].present) {
			if (found.len)
				sb_add(&found, ", ");
			sb_add(&found, h->daemons[i].path);
		}
	if (found.len)
		strlist_take(&e->notes,
			     xasprintf(_("libvirt starts the virtiofs daemon "
					 "its vhost-user descriptors name "
					 "(%s); give a daemon path to choose "
					 "another."),
				       sb_str(&found)));
	else
		strlist_add(&e->warnings,
			    _("No vhost-user descriptor names an installed "
			      "virtiofs daemon, so starting the guest will "
			      "fail with 'Unable to find a satisfying "
			      "virtiofsd': install one (virtiofsd, "
			      "virtshare-fsd) or give a daemon path."));
	sb_clear(&found);
}

/*
 * The hugepages the guest will take from its host, as pages_need() counts
 * them: a size the host does not offer can never start (-1, reported);
 * too few free pages or no hugetlbfs mount yet are warnings, with what to
 * do.
 */
static int
hugepage_check(const struct domxml *d, const struct inspection *in,
	       const struct plan_target *t, struct strlist *warnings)
{
	struct domxml_memory m;
	AUTOPTR(host_info) remote = NULL;
	const struct host_info *h = in ? in->host : NULL;
	int ret = 0;

	domxml_memory(d, &m);
	if (!m.hugepages)
		goto out;
	/* A remote guest's host is the one libvirt describes. */
	if (t->conn && virt_is_remote(t->conn)) {
		if (!(remote = virt_host_pages(t->conn))) {
			strlist_take(warnings,
				     xasprintf(_("The hugepages of the guest's "
						 "host were not checked: %s"),
					       vs_error_message()));
			vs_error_reset();
			goto out;
		}
		h = remote;
	}
	for (size_t i = 0; h && i < (m.npages ? m.npages : 1); i++) {
		const struct domxml_page *pg = m.npages ? &m.pages[i] : NULL;
		uint64_t size = pg && pg->size_kib ? pg->size_kib
						   : h->default_page_kib;
		uint64_t mem = domxml_memory_for_nodes(&m, pg ? pg->nodeset
							       : NULL);
		struct pages_need need;

		if (!size || size == HOST_UNKNOWN || !mem)
			continue;
		if (pages_need(h, mem, size, m.host_nodeset, &need) < 0) {
			ret = -1;
			break;
		}
		if (!need.size_offered)
			ret = vs_error(VS_ERR_UNSUPPORTED, "%s", need.reason);
		else if (!need.ok && need.reason)
			strlist_add(warnings, need.reason);
		pages_need_clear(&need);
		if (ret < 0)
			break;
	}
out:
	domxml_memory_clear(&m);
	return ret;
}

int
plan_share(struct plan *p, struct plan_target *t,
	   const struct share_request *r, const struct inspection *in,
	   const char *root)
{
	static const struct inspection none;
	struct domain_edit e;
	struct backing_choice choice = {0};
	const struct domxml_backing *b = &r->backing;
	struct domxml_env env = {.root = root};
	bool libvirt = is_libvirt(t);
	int found, ret = -1;

	if (libvirt && in && in->have_virt) {
		env.libvirt_version = in->virt.daemon_version
					  ? in->virt.daemon_version
					  : in->virt.lib_version;
		env.session = virt_is_session(t->conn);
	}
	if (edit_begin(p, t, &e) < 0)
		return -1;
	if (!r->backing_given) {
		if (backing_choose(in ? in : &none, e.d, &choice) < 0)
			goto out;
		b = &choice.chosen;
		strlist_add(&e.notes, choice.why);
		for (size_t i = 0; b->kind != DOMXML_BACKING_KEEP &&
				   i < BACKING_NOPTIONS;
		     i++)
			if (choice.options[i].kind != b->kind)
				strlist_take(
				    &e.notes,
				    xasprintf(_("Also weighed: %s"),
					      choice.options[i].reason));
	}
	/* The share's own rules first: they are about what was asked. */
	if ((found = domxml_share_check(e.d, &r->share, &env, &e.warnings)) <
	    0)
		goto out;
	if (domxml_backing_set(e.d, b, &env, &e.notes) < 0 ||
	    domxml_share_set(e.d, &r->share, &env, &e.notes, &e.warnings) < 0 ||
	    domxml_check_shared(e.d) < 0 ||
	    hugepage_check(e.d, in, edit_target(&e), &e.warnings) < 0)
		goto out;
	if (!found && libvirt && root)
		daemon_notes(r, in, &e);
	if (!env.libvirt_version && !libvirt)
		strlist_add(&e.notes, _("No libvirt was asked: the options are "
					"not checked against a libvirt "
					"version."));
	if (!root)
		strlist_add(&e.notes, _("The source directory is on another "
					"host and was not checked."));
	edit_commit(p, &e);
	ret = 0;
out:
	if (ret < 0)
		edit_abort(&e);
	backing_choice_clear(&choice);
	return ret;
}

int
plan_unshare(struct plan *p, struct plan_target *t, const char *tag)
{
	struct domain_edit e;

	if (edit_begin(p, t, &e) < 0)
		return -1;
	if (domxml_share_remove(e.d, tag, &e.notes) < 0) {
		edit_abort(&e);
		return -1;
	}
	edit_commit(p, &e);
	return 0;
}

int
plan_undo(struct plan *p, struct plan_target *t, const char *statedir)
{
	struct domain_edit e;
	struct strlist saved = {0};
	AUTOFREE char *xml = NULL;
	struct domain_step *ds;
	AUTOPTR(domxml) d = NULL;
	size_t i;

	if (edit_begin(p, t, &e) < 0)
		return -1;
	if (e.step) {
		edit_abort(&e);
		return vs_error(VS_ERR_CONFLICT,
				_("Undo cannot be combined with other changes "
				  "of the same domain."));
	}
	ds = e.ds;
	ds->t->ops->saved(ds->t, statedir, &saved);
	/* A saved copy equal to the definition now undoes nothing: it
	 * is used up on the way to an older one. */
	for (i = 0; i < saved.n; i++) {
		free(xml);
		if (!(xml = file_read(saved.v[i], 16 << 20, NULL))) {
			vs_error_errno(VS_ERR_IO, errno, _("Cannot read %s"),
				       saved.v[i]);
			goto fail;
		}
		strlist_add(&ds->use_up, saved.v[i]);
		if (!STREQ(xml, ds->old_xml))
			break;
	}
	if (i == saved.n) {
		AUTOFREE char *where = ds->t->ops->saved_where(ds->t, statedir);

		vs_error(VS_ERR_NO_UNDO,
			 _("There is nothing to undo for domain '%1$s': no "
			   "earlier definition of it is saved in %2$s."),
			 ds->t->domain, where);
		goto fail;
	}
	if (!(d = domxml_parse(xml, saved.v[i])))
		goto fail;
	domxml_free(e.d);
	e.d = steal_ptr(d);
	ds->restore = true;
	strlist_take(&e.notes, xasprintf(_("Puts back the definition saved in "
					   "%s."),
					 saved.v[i]));
	strlist_clear(&saved);
	edit_commit(p, &e);
	return 0;
fail:
	strlist_clear(&saved);
	edit_abort(&e);
	return -1;
}
