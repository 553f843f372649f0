/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan-domain.c: the domain definition step and the share changes in it */
#include <stdlib.h>
#include <string.h>

#include "backing.h"
#include "compat.h"
#include "diff.h"
#include "error.h"
#include "hotplug.h"
#include "pages.h"
#include "plan-domain.h"
#include "plan-engine.h"
#include "plan-host.h"
#include "plan-live.h"
#include "plan-target.h"

/* ---- the domain definition step ------------------------------------------ */

struct domain_step {
	struct plan_target *t;
	char *old_xml;          /* as read when the plan was made */
	char *new_xml;
	char *diff;
	bool active;            /* the domain runs */
	bool restore;           /* puts back a saved definition (undo) */
	char *saved;            /* where the old one was saved, once applied */
	struct strlist edits;   /* what the edits said they change */
	struct strlist use_up;  /* saved definitions used up once applied */
	struct strlist live;    /* tags also attached to the running guest */
	struct strlist later;   /* what waits for the next start, and why */
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
	free(ds->saved);
	strlist_clear(&ds->edits);
	strlist_clear(&ds->use_up);
	strlist_clear(&ds->live);
	strlist_clear(&ds->later);
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

static void
domain_json(const struct plan_step *s, struct json *j)
{
	const struct domain_step *ds = s->data;

	json_str(j, "domain", ds->t->domain);
	if (ds->t->conn)
		json_str(j, "uri", virt_uri(ds->t->conn));
	else
		json_str(j, "file", ds->t->path);
	json_bool(j, "active", ds->active);
	json_str(j, "diff", domain_changes(s) ? ds->diff : NULL);
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
	/* What was written came back as it was (a file): nothing can
	 * differ, and a large definition is not parsed twice more. */
	if (STREQ(back, ds->new_xml))
		return 0;
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
	/* Not changed after all: no saved copy of it either. */
	if (ds->t->ops->write(ds->t, ds->new_xml) < 0) {
		if (saved)
			ds->t->ops->unsave(ds->t, saved);
		return -1;
	}
	if (domain_verify(ds) < 0) {
		enum vs_code code = vs_error_code();
		AUTOFREE char *msg = xstrdup(vs_error_message());

		/* The saved copy stays: it is the previous definition. */
		if (ds->t->ops->write(ds->t, ds->old_xml) < 0)
			return vs_error(code,
					_("%1$s Putting the previous "
					  "definition back failed too: %2$s"),
					msg, vs_error_message());
		if (saved)
			ds->t->ops->unsave(ds->t, saved);
		return vs_error(code, _("%s The previous definition was put "
					"back."),
				msg);
	}
	free(ds->saved);
	ds->saved = saved ? xstrdup(saved) : NULL;
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
					       "to put it back, run: %3$s"),
					     ds->t->label, saved, undo));
	}
	return 0;
}

static int
domain_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	struct domain_step *ds = s->data;

	if (ds->t->ops->write(ds->t, ds->old_xml) < 0)
		return -1;
	/* As before, saved copies included. */
	if (ds->saved)
		ds->t->ops->unsave(ds->t, ds->saved);
	free(steal_ptr(ds->saved));
	return 0;
}

static char *memory_print(const char *xml);

/* A guest of libvirt: what waits for its next start. */
static void
domain_effects(const struct plan_step *s, struct strlist *now,
	       struct strlist *later)
{
	const struct domain_step *ds = s->data;
	AUTOFREE char *before = NULL, *after = NULL;

	(void)now;
	if (!ds->t->conn || ds->restore)
		return;
	if (!ds->active) {
		strlist_take(later,
			     xasprintf(_("%s: not running; the guest has the "
					 "changed definition when it starts."),
				       ds->t->domain));
		return;
	}
	for (size_t i = 0; i < ds->later.n; i++)
		strlist_add(later, ds->later.v[i]);
	before = memory_print(ds->old_xml);
	after = memory_print(ds->new_xml);
	if (!STREQ(before, after))
		strlist_take(later,
			     xasprintf(_("%s: the new memory backing, once the "
					 "guest is shut down and started (not "
					 "rebooted from inside)."),
				       ds->t->domain));
}

static const struct plan_step_ops domain_step_ops = {
	.kind = "domain-definition",
	.phase = PLAN_PHASE_DOMAIN,
	.changes = domain_changes,
	.render = domain_render,
	.apply = domain_apply,
	.revert = domain_revert,
	.effects = domain_effects,
	.json = domain_json,
	.free = domain_step_free,
};

/* An edit of a domain's planned definition, committed into the plan. */
struct domain_edit {
	struct plan_step *step;  /* the domain's step, or NULL: a new one */
	struct domain_step *ds;  /* a new step's data */
	struct domxml *d;        /* the planned definition, being edited */
	struct strlist notes;
	struct strlist warnings;
	struct strlist live;     /* tags attached to the running guest */
	struct strlist later;    /* what waits for the next start, and why */
};

static struct plan_step *
find_step(const struct plan *p, const struct plan_target *t)
{
	for (size_t i = 0; i < plan_nsteps(p); i++) {
		struct plan_step *s = plan_step_at(p, i);

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
	strlist_clear(&e->live);
	strlist_clear(&e->later);
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
	if (ds->live.n) {
		struct strbuf sb = STRBUF_INIT;
		AUTOFREE char *tags = NULL;

		for (size_t i = 0; i < ds->live.n; i++)
			sb_printf(&sb, "%s%s", i ? ", " : "", ds->live.v[i]);
		tags = sb_steal(&sb);
		strlist_take(&s->notes,
			     xasprintf(_("Domain '%1$s' is running: the share "
					 "'%2$s' goes into its persistent "
					 "definition here and is attached to the "
					 "running guest below; any other change "
					 "of the definition takes effect once "
					 "the guest is shut down and started "
					 "again."),
				       ds->t->domain, tags));
	} else {
		strlist_take(&s->notes,
			     xasprintf(_("Domain '%s' is running: its "
					 "persistent definition changes now; "
					 "the guest sees the change once it is "
					 "shut down and started again."),
				       ds->t->domain));
	}
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
	for (size_t i = 0; i < e->live.n; i++)
		strlist_add(&ds->live, e->live.v[i]);
	for (size_t i = 0; i < e->later.n; i++)
		strlist_add(&ds->later, e->later.v[i]);
	step_notes(s);
	e->step = NULL;
	edit_abort(e);
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

/* The base page size of the guest's host in KiB: libvirt takes a <page>
 * of that size for ordinary memory. */
static uint64_t
base_page_kib(const struct inspection *in)
{
	if (in && in->have_virt && in->virt.npage_sizes)
		return in->virt.page_sizes_kib[0];
	return (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
}

/*
 * Why the domain's <numatune><memory nodeset> cannot place memory on
 * host h (caller frees), or NULL when h has every node it names. Without
 * NUMA in sysfs the whole host is node 0.
 */
static char *
numatune_unusable(const struct host_info *h, const char *nodeset)
{
	bool mask[DOMXML_NODES_MAX];
	struct strbuf absent = STRBUF_INIT, have = STRBUF_INIT;
	char *why;

	if (!nodeset)
		return NULL;
	if (domxml_nodeset_parse(nodeset, mask) < 0)
		return xasprintf(_("The domain's <numatune><memory "
				   "nodeset='%s'/> is not a nodeset libvirt "
				   "reads (write host NUMA nodes as 0, 0-1 or "
				   "0-3,^2); free hugepages were counted on the "
				   "whole host."),
				 nodeset);
	for (int n = 0; n < DOMXML_NODES_MAX; n++)
		if (mask[n] && (h->nnodes ? !host_node_find(h, n) : n != 0))
			sb_printf(&absent, "%s%d", absent.len ? ", " : "", n);
	if (!absent.len)
		return NULL;
	for (size_t i = 0; i < h->nnodes; i++)
		sb_printf(&have, "%s%d", i ? ", " : "", h->nodes[i].id);
	why = xasprintf(_("The domain's <numatune><memory nodeset='%1$s'/> "
			  "names host NUMA node(s) %2$s, which this host "
			  "does not have (it has %3$s), so the guest will not "
			  "start here. Change the nodeset to nodes this host "
			  "has, or remove <numatune>; free hugepages were "
			  "counted on the whole host."),
			nodeset, sb_str(&absent), have.len ? sb_str(&have) : "0");
	sb_clear(&absent);
	sb_clear(&have);
	return why;
}

/* Whether pg is the page the request asked for by size. */
static bool
page_asked(const struct domxml_page *pg, const struct domxml_backing *b)
{
	return b && b->kind == DOMXML_BACKING_HUGEPAGES && b->page_kib &&
	       pg->size_kib == b->page_kib &&
	       (b->nodeset && pg->nodeset ? STREQ(b->nodeset, pg->nodeset)
					  : b->nodeset == pg->nodeset);
}

/*
 * What to say of the domain's own page size (pg: its <page>, NULL for
 * <hugepages/> alone) that host h does not offer. Caller frees.
 */
static char *
page_unoffered(const struct host_info *h, const struct domxml_page *pg,
	       uint64_t size_kib)
{
	AUTOFREE char *sz = size_format_kib(size_kib);
	AUTOFREE char *offered = NULL;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < h->npools; i++) {
		AUTOFREE char *p = size_format_kib(h->pools[i].size_kib);

		sb_printf(&sb, "%s%s", i ? ", " : "", p);
	}
	if (!sb.len)
		return xasprintf(_("The domain's <hugepages> asks for pages of "
				   "%s, and this host offers no hugepages at "
				   "all, so the guest will not start here. "
				   "Back its memory with memfd instead "
				   "(--backing memfd)."),
				 sz);
	offered = sb_steal(&sb);
	if (pg && pg->nodeset)
		return xasprintf(_("The domain's <page nodeset='%3$s'> asks "
				   "for hugepages of %1$s, which this host "
				   "does not offer (it offers %2$s), so the "
				   "guest will not start here. Change that "
				   "page's size (--backing hugepages:SIZE@%3$s) "
				   "or remove it."),
				 sz, offered, pg->nodeset);
	return xasprintf(_("The domain's <page> asks for hugepages of %1$s, "
			   "which this host does not offer (it offers %2$s), "
			   "so the guest will not start here. Change the page "
			   "size (--backing hugepages:SIZE) or remove the "
			   "<page>."),
			 sz, offered);
}

/*
 * The hugepages the guest will take from its host, as pages_need() counts
 * them. A size asked for (asked) that the host does not offer can never
 * start (-1, reported). What the domain itself says and this host cannot
 * give (a <page> size it does not offer, a <numatune> naming nodes it
 * does not have), too few free pages and no hugetlbfs mount yet are
 * warnings that name the element and say what to do. A <page> of the base
 * page size is ordinary memory.
 */
static int
hugepage_check(const struct domxml *d, const struct domxml_backing *asked,
	       const struct inspection *in, const struct plan_target *t,
	       struct strlist *warnings)
{
	struct domxml_memory m;
	AUTOPTR(host_info) remote = NULL;
	const struct host_info *h = in ? in->host : NULL;
	char *unusable;
	bool count = true;
	const char *nodes;
	uint64_t base = base_page_kib(in);
	bool memfd;
	int ret = 0;

	domxml_memory(d, &m);
	nodes = m.host_nodeset;
	/* memfd serves hugepages without a hugetlbfs mount: libvirt wants
	 * one only for a file source or none (qemuProcessNeedHugepagesPath). */
	memfd = m.source && STREQ(m.source, "memfd");
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
	/* Free pages are then counted on the whole host. */
	if (h && (unusable = numatune_unusable(h, nodes))) {
		strlist_take(warnings, unusable);
		count = false;
	}
	for (size_t i = 0; h && i < (m.npages ? m.npages : 1); i++) {
		const struct domxml_page *pg = m.npages ? &m.pages[i] : NULL;
		uint64_t size = pg && pg->size_kib ? pg->size_kib
						   : h->default_page_kib;
		uint64_t mem = domxml_memory_for_nodes(&m, pg ? pg->nodeset
							       : NULL);
		struct pages_need need;

		if (!size || size == HOST_UNKNOWN || !mem || size == base)
			continue;
		if (!host_pool_find(h, size) && !(pg && page_asked(pg, asked))) {
			strlist_take(warnings, page_unoffered(h, pg, size));
			continue;
		}
		if (pages_need(h, in ? &in->qemu : NULL,
			       in ? in->qemu_error : NULL, mem, size,
			       count ? nodes : NULL, &need) < 0) {
			ret = -1;
			break;
		}
		if (!need.size_offered) {
			ret = vs_error(VS_ERR_UNSUPPORTED, "%s", need.reason);
		} else if (!need.ok && need.reason &&
			   !(memfd && need.enough && !need.mount)) {
			strlist_add(warnings, need.reason);
		}
		pages_need_clear(&need);
		if (ret < 0)
			break;
	}
out:
	domxml_memory_clear(&m);
	return ret;
}

/* Whether the domain being edited runs. */
static bool
edit_active(const struct domain_edit *e)
{
	return e->step ? ((const struct domain_step *)e->step->data)->active
		       : e->ds->active;
}

/* The libvirt URI of the edited domain, or NULL for a file. */
static const char *
edit_uri(const struct domain_edit *e)
{
	const struct plan_target *t = edit_target(e);

	return t->conn ? virt_uri(t->conn) : NULL;
}

/*
 * Remove the virtiofs share of tag from the definition being edited,
 * with virtshare's record of it, and plan to stop the daemon virtshare
 * runs for it. No such share: 0 when missing_ok, else -1 reported.
 */
static int
unshare_edit(struct plan *p, struct domain_edit *e, const char *tag,
	     bool missing_ok, bool live_gone)
{
	const struct plan_target *t = edit_target(e);
	struct domxml_share *all = NULL;
	size_t n = domxml_shares(e->d, &all);
	AUTOFREE char *socket = NULL;
	bool found = false;
	int ret = 0;

	for (size_t i = 0; i < n; i++)
		if (STREQ(all[i].tag ? all[i].tag : "", tag)) {
			found = true;
			if (all[i].socket && !socket)
				socket = xstrdup(all[i].socket);
		}
	domxml_shares_free(all, n);
	if (!found && missing_ok)
		return 0;
	if (domxml_share_remove(e->d, tag, &e->notes) < 0)
		return -1;
	if (edit_active(e) && !live_gone)
		strlist_take(&e->later,
			     xasprintf(_("%1$s: the share '%2$s' leaves the "
					 "guest (the running guest keeps it "
					 "until then)."),
				       t->domain, tag));
	domxml_record_remove(e->d, tag, &e->notes);
	/* A remote guest's daemon runs on its host, out of reach: a daemon
	 * of this machine on the same socket path is another one. */
	if (socket && t->conn && virt_is_remote(t->conn))
		strlist_take(&e->notes,
			     xasprintf(_("The daemon on %1$s is not stopped "
					 "from here: stop it on that host."),
				       socket));
	else if (socket)
		ret = plan_daemon_stop(p, socket, t->domain, tag,
				       edit_active(e) && !live_gone);
	return ret;
}

/*
 * For apply, which says what a share is: a share of the tag with another
 * source than want is removed first.
 */
static int
replace_edit(struct plan *p, struct domain_edit *e,
	     const struct domxml_share *want)
{
	struct domxml_share *all = NULL;
	size_t n = domxml_shares(e->d, &all);
	bool other = false;

	for (size_t i = 0; i < n; i++) {
		const struct domxml_share *s = &all[i];

		if (!s->tag || !STREQ(s->tag, want->tag))
			continue;
		other |= want->dir ? !path_same(s->dir, want->dir)
				   : !path_same(s->socket, want->socket);
	}
	domxml_shares_free(all, n);
	return other ? unshare_edit(p, e, want->tag, false, false) : 0;
}

/*
 * The daemon virtshare starts for an external share with a directory:
 * its socket into *socket (caller frees), the record that goes into the
 * definition (the one there, with the options r gives) and the complete
 * spec. -1 reported.
 */
static int
serve_prepare(const struct domain_edit *e, const struct share_request *r,
	      const char *given_socket, const char *root, char **socket,
	      struct domxml_record *rec, struct launch_spec *spec)
{
	const struct plan_target *t = edit_target(e);
	const char *tag = r->share.tag;
	struct domxml_record *have = NULL;
	size_t n = domxml_records(e->d, &have);
	struct launch_spec merged = {0};

	for (size_t i = 0; i < n; i++)
		if (have[i].tag && STREQ(have[i].tag, tag))
			plan_spec_from_record(&have[i], &merged);
	domxml_records_free(have, n);
	/* The options given replace those recorded; the others stay. */
	share_request_launch_into(r, &merged);
	/* A directory given is recorded in its canonical form. */
	if (r->launch.dir) {
		char *dir = path_canon_at(r->launch.dir, root);

		if (!dir)
			goto fail;
		free(merged.dir);
		merged.dir = dir;
	}
	*socket = given_socket ? xstrdup(given_socket)
			       : launch_default_socket(t->domain, tag);
	if (!*socket || domxml_source_dir_check(merged.dir, root) < 0)
		goto fail;
	free(merged.domain);
	free(merged.tag);
	free(merged.socket);
	merged.domain = xstrdup(t->domain);
	merged.tag = xstrdup(tag);
	merged.socket = xstrdup(*socket);
	plan_record_from_spec(&merged, rec);
	if (launch_spec_check_values(&merged) < 0 ||
	    launch_spec_set_owner(&merged, edit_uri(e), root ? root : "/") < 0)
		goto fail;
	*spec = merged;
	return 0;
fail:
	launch_spec_clear(&merged);
	domxml_record_clear(rec);
	free(steal_ptr(*socket));
	return -1;
}

/* The backing backing_choose() picks, with its reasons as notes; NULL
 * reported. */
static const struct domxml_backing *
choose(const struct inspection *in, struct domain_edit *e,
       struct backing_choice *choice)
{
	static const struct inspection none;

	if (backing_choose(in ? in : &none, e->d, choice) < 0)
		return NULL;
	backing_choice_notes(choice, &e->notes);
	return &choice->chosen;
}

/* path in its canonical form (caller frees), with a note when it was
 * written otherwise; NULL reported. */
static char *
canon_noted(const char *path, const char *root, struct strlist *notes)
{
	char *c = path_canon_at(path, root);

	if (c && !STREQ(c, path))
		strlist_take(notes, xasprintf(_("%1$s is written as %2$s."),
					      path, c));
	return c;
}

/*
 * A request without a source changes the options of the share its tag
 * names: that share's source into *dir or *socket (caller frees), and
 * whether virtshare records its daemon. -1 after reporting VS_ERR_USAGE
 * when the domain has no share of that tag to change.
 */
static int
existing_source(const struct domain_edit *e, const char *tag, char **dir,
		char **socket, bool *recorded)
{
	struct domxml_share *all = NULL;
	struct domxml_record *recs = NULL;
	size_t n = domxml_shares(e->d, &all), nrecs;
	bool found = false;

	for (size_t i = 0; i < n && !found; i++)
		if (all[i].tag && STREQ(all[i].tag, tag)) {
			*dir = xstrdup0(all[i].dir);
			*socket = xstrdup0(all[i].socket);
			found = true;
		}
	domxml_shares_free(all, n);
	if (!found)
		return vs_error(VS_ERR_USAGE,
				_("Domain '%1$s' has no virtiofs share with the "
				  "tag '%2$s' whose options could change. To "
				  "add one, give the host directory with --dir "
				  "PATH, or the socket of a daemon you run "
				  "yourself with --socket PATH."),
				edit_target(e)->domain, tag);
	nrecs = domxml_records(e->d, &recs);
	*recorded = false;
	for (size_t i = 0; i < nrecs; i++)
		*recorded |= recs[i].tag && STREQ(recs[i].tag, tag);
	domxml_records_free(recs, nrecs);
	return 0;
}

bool
plan_share_kind(struct plan_target *t, const char *tag,
		enum share_daemon_kind *kind)
{
	AUTOFREE char *xml = t->ops->read(t);
	AUTOPTR(domxml) d = xml ? domxml_parse(xml, t->label) : NULL;
	struct domxml_share *all = NULL;
	size_t n = d ? domxml_shares(d, &all) : 0;
	bool found = false;

	for (size_t i = 0; i < n && !found; i++)
		if (all[i].tag && STREQ(all[i].tag, tag)) {
			*kind = all[i].socket ? SHARE_DAEMON_EXTERNAL
					      : SHARE_DAEMON_LIBVIRT;
			found = true;
		}
	domxml_shares_free(all, n);
	vs_error_reset();
	return found;
}

/* Whether the share tag of the edited definition is on a socket (a
 * daemon outside libvirt), not one libvirt starts. */
static bool
share_socket(const struct domain_edit *e, const char *tag)
{
	struct domxml_share *all = NULL;
	size_t n = domxml_shares(e->d, &all);
	bool socket = false;

	for (size_t i = 0; i < n; i++)
		if (all[i].tag && STREQ(all[i].tag, tag))
			socket = all[i].socket != NULL;
	domxml_shares_free(all, n);
	return socket;
}

/*
 * A running q35 guest without a free root port (facts->no_root_port)
 * takes no share live: with the share, its definition gets
 * r->root_ports spare ones (a guest that has some but not free gets
 * them too: the next hot-plug needs one). -1 reported.
 */
static int
spare_ports(struct domain_edit *e, const struct share_request *r,
	    const struct plan_live_facts *facts)
{
	unsigned added;

	if (!r->root_ports || !facts->no_root_port)
		return 0;
	return domxml_root_ports_add(e->d, r->root_ports, &added, &e->notes);
}

/*
 * The step that mounts tag inside the running guest (now) or adds its
 * fstab line; without an agent channel it warns that it will fail.
 */
static void
mount_step(struct plan *p, const struct plan_target *t, const char *tag,
	   const struct share_request *r, bool now, bool agent)
{
	plan_guest_mount(p, t->conn, t->domain, tag, r->mount,
			 now ? r->persist_mount : true, now);
	if (!agent)
		strlist_take(&plan_step_at(p, plan_nsteps(p) - 1)->warnings,
			     xasprintf(_("Domain '%1$s' has no guest agent "
					 "to do it, so this step fails: add "
					 "the channel (virtshare share %1$s "
					 "--tag %2$s --agent, effective at "
					 "the next start) and run "
					 "qemu-guest-agent in the guest, or "
					 "leave out the mount."),
				       t->domain, tag));
}

/* What waits for the running guest's next start: tag, and why. */
static void
later_add(struct domain_edit *e, const char *tag, const char *why)
{
	strlist_take(&e->later,
		     xasprintf(_("%1$s: the share '%2$s': %3$s"),
			       edit_target(e)->domain, tag, why));
}

/*
 * A share of a running guest of libvirt (r->share.tag, now in the edited
 * definition; changed: its element changed): hot-plugged when the guest
 * can take it (unless r->config_only), and mounted inside when r->mount
 * says where; else the plan says why and the definition alone changes.
 * -1 reported.
 */
static int
live_share(struct plan *p, struct domain_edit *e,
	   const struct share_request *r, bool changed, unsigned long version)
{
	const struct plan_target *t = edit_target(e);
	const char *tag = r->share.tag;
	struct strbuf sb = STRBUF_INIT;
	struct strlist why = {0};
	AUTOFREE char *xml = NULL, *live_xml = NULL, *live_alias = NULL;
	/* A share already in the guest is not looked at again. */
	struct plan_live_facts facts = {.agent = true};
	int ready, live;

	if (!t->conn || !edit_active(e)) {
		if (r->mount)
			return vs_error(VS_ERR_INVALID,
					_("Domain '%1$s' is not running, so "
					  "nothing can be mounted inside it now. "
					  "Start it, then run: virtshare mount "
					  "%1$s %2$s %3$s --persist"),
					t->domain, tag, r->mount);
		return 0;
	}
	if (r->config_only) {
		if (r->mount)
			return vs_error(VS_ERR_CONFLICT,
					_("--mount needs the share in the "
					  "running guest, and --config-only "
					  "leaves it out: give one of them."));
		if (changed)
			later_add(e, tag,
				  _("the running guest is left as it is, as "
				    "asked."));
		return 0;
	}
	/* libvirt's test driver has no live devices to change. */
	if (t->conn && virt_is_test(t->conn) && !r->mount) {
		if (changed)
			later_add(e, tag,
				  _("libvirt's test driver attaches nothing to "
				    "a running guest."));
		return 0;
	}
	if ((live = plan_live_find(t->conn, t->domain, tag, &live_xml,
				   &live_alias)) < 0)
		return -1;
	if (live) {
		if (changed) {
			strlist_add(&e->notes,
				    _("libvirt cannot change the options of a "
				      "virtiofs share of a running guest (no "
				      "live update): changed options take "
				      "effect once the guest is shut down and "
				      "started again."));
			later_add(e, tag,
				  _("its new options wait, as libvirt cannot "
				    "change them in a running guest."));
		}
	} else {
		if ((ready = plan_live_ready(t->conn, t->domain, tag, version,
					     &why, &e->notes, &facts)) < 0)
			return -1;
		if (!share_socket(e, tag) &&
		    !plan_live_daemon_ready(t->conn, t->domain, &why))
			ready = 0;
		for (size_t i = 0; i < why.n; i++) {
			strlist_take(&e->notes,
				     xasprintf(_("Not attached to the running "
						 "guest: %s"),
					       why.v[i]));
			sb_printf(&sb, "%s%s", i ? " " : "", why.v[i]);
		}
		strlist_clear(&why);
		if (!ready && !r->restart)
			later_add(e, tag, sb_str(&sb));
		sb_clear(&sb);
		if (!ready && spare_ports(e, r, &facts) < 0)
			return -1;
		if (!ready) {
			if (r->mount && !r->persist_mount)
				return vs_error(
				    VS_ERR_UNSUPPORTED,
				    _("The share cannot reach the running "
				      "guest now (the plan says why), so it "
				      "cannot be mounted now. Add --persist to "
				      "have the guest mount it from its fstab "
				      "when it starts again, or leave out "
				      "--mount."));
			if (r->mount)
				mount_step(p, t, tag, r, false, facts.agent);
			if (r->restart)
				plan_live_restart(
				    p, t->conn, t->domain,
				    r->shutdown_timeout
					? r->shutdown_timeout
					: PLAN_LIVE_SHUTDOWN_TIMEOUT,
				    r->force);
			return 0;
		}
		xml = domxml_share_xml(e->d, tag);
		plan_live_attach(p, t->conn, t->domain, tag, xml,
				 r->share.alias);
		strlist_add(&e->live, tag);
	}
	if (r->mount)
		mount_step(p, t, tag, r, true, facts.agent);
	return 0;
}

int
plan_share(struct plan *p, struct plan_target *t,
	   const struct share_request *r, const struct inspection *in,
	   const char *root)
{
	struct domain_edit e;
	struct backing_choice choice = {0};
	const struct domxml_backing *b = &r->backing;
	struct domxml_env env = {.root = root};
	struct domxml_share want = r->share; /* borrowed: never cleared */
	struct domxml_record rec = {0};
	struct launch_spec spec = {0};
	AUTOFREE char *socket = NULL, *dir = NULL, *given_socket = NULL;
	AUTOFREE char *before = NULL, *after = NULL;
	bool libvirt = plan_target_is_libvirt(t);
	/* No source: the options of the share of that tag change. */
	bool options_only = !r->share.dir && !r->share.socket &&
			    !r->launch.dir && r->share.tag;
	bool recorded = false;
	/* Without a tag there is nothing to serve: the share check says. */
	bool serve = r->daemon == SHARE_DAEMON_EXTERNAL && r->launch.dir &&
		     r->share.tag;
	size_t mark = plan_nsteps(p);
	int found, ret = -1;

	if (libvirt && in && in->have_virt) {
		env.libvirt_version = compat_libvirt(inspection_virt(in));
		env.session = virt_is_session(t->conn);
	}
	if (share_request_text_check(r) < 0 ||
	    (!options_only && share_request_check(r) < 0)) {
		plan_target_free(t);
		return -1;
	}
	if (edit_begin(p, t, &e) < 0)
		return -1;
	if (options_only) {
		if (existing_source(&e, want.tag, &dir, &given_socket,
				    &recorded) < 0)
			goto out;
		/* Its daemon's options change in virtshare's record. */
		serve = r->daemon == SHARE_DAEMON_EXTERNAL && recorded &&
			r->launch_given;
		if (!serve && share_request_check(r) < 0)
			goto out;
	} else if ((want.dir && !(dir = canon_noted(want.dir, root,
						    &e.notes))) ||
		   (want.socket &&
		    !(given_socket = canon_noted(want.socket, root,
						 &e.notes)))) {
		goto out;
	}
	want.dir = dir;
	want.socket = given_socket;
	if (!r->backing_given && !(b = choose(in, &e, &choice)))
		goto out;
	for (size_t i = 0; r->backing_given && i < r->backing_why.n; i++)
		strlist_add(&e.notes, r->backing_why.v[i]);
	if (serve) {
		if (serve_prepare(&e, r, given_socket, root, &socket, &rec,
				  &spec) < 0)
			goto out;
		want.socket = socket;
	}
	if (r->replace && want.tag && (want.dir || want.socket) &&
	    replace_edit(p, &e, &want) < 0)
		goto out;
	/* The share's own rules first: they are about what was asked. */
	if ((found = domxml_share_check(e.d, &want, &env, &e.warnings)) < 0)
		goto out;
	before = want.tag ? domxml_share_xml(e.d, want.tag) : NULL;
	if (domxml_backing_set(e.d, b, &env, &e.notes) < 0 ||
	    domxml_share_set(e.d, &want, &env, &e.notes, &e.warnings) < 0 ||
	    (serve && domxml_record_set(e.d, &rec, &e.notes) < 0) ||
	    domxml_check_shared(e.d) < 0 ||
	    hugepage_check(e.d, b, in, edit_target(&e), &e.warnings) < 0 ||
	    (r->agent &&
	     domxml_agent_add(e.d, HOTPLUG_AGENT_CHANNEL, &e.notes) < 0))
		goto out;
	if (!found && libvirt && root && !want.socket)
		daemon_notes(r, in, &e);
	else if (!found && libvirt && !root && !want.socket &&
		 !r->share.binary)
		strlist_add(&e.notes, _("Which virtiofs daemon libvirt starts "
					"on the guest's host is not checked on "
					"a remote host."));
	if (!env.libvirt_version && !libvirt)
		strlist_add(&e.notes, _("No libvirt was asked: the options are "
					"not checked against a libvirt "
					"version."));
	if (!root)
		strlist_add(&e.notes, _("The source directory is on another "
					"host and was not checked."));
	if (!root && b && b->kind == DOMXML_BACKING_FILE)
		strlist_add(&e.notes, _("Guest memory goes to files under the "
					"memory_backing_dir of the guest's "
					"host, which is not checked on a "
					"remote host."));
	if (serve && plan_daemon_start(p, &spec, edit_active(&e)) < 0)
		goto out;
	after = want.tag ? domxml_share_xml(e.d, want.tag) : NULL;
	if (want.tag &&
	    live_share(p, &e, r, !before || !after || !STREQ(before, after),
		       env.libvirt_version) < 0)
		goto out;
	edit_commit(p, &e);
	ret = 0;
out:
	if (ret < 0) {
		edit_abort(&e);
		plan_truncate(p, mark);
	}
	backing_choice_clear(&choice);
	domxml_record_clear(&rec);
	launch_spec_clear(&spec);
	return ret;
}

int
plan_domain(struct plan *p, struct plan_target *t)
{
	struct domain_edit e;

	if (edit_begin(p, t, &e) < 0)
		return -1;
	edit_commit(p, &e);
	return 0;
}

/*
 * Remove the share of tag from the definition being edited and, unless
 * PLAN_UNSHARE_CONFIG_ONLY, from the running guest that has it: unmounted
 * inside and detached first, then its daemon stops. -1 reported.
 */
static int
unshare_live(struct plan *p, struct domain_edit *e, const char *tag,
	     unsigned flags, int timeout_s)
{
	const struct plan_target *et = edit_target(e);
	AUTOFREE char *live_xml = NULL, *live_alias = NULL;
	int live = 0;

	if (et->conn && !virt_is_test(et->conn) && edit_active(e) &&
	    !(flags & PLAN_UNSHARE_CONFIG_ONLY))
		live = plan_live_find(et->conn, et->domain, tag, &live_xml,
				      &live_alias);
	if (live < 0)
		return -1;
	if (live > 0)
		plan_live_detach(p, et->conn, et->domain, tag, live_xml,
				 live_alias, timeout_s);
	return unshare_edit(p, e, tag, flags & PLAN_UNSHARE_MISSING_OK,
			    live > 0);
}

int
plan_unshare(struct plan *p, struct plan_target *t, const char *tag,
	     unsigned flags)
{
	return plan_unshare_within(p, t, tag, flags, PLAN_LIVE_DETACH_TIMEOUT);
}

int
plan_unshare_within(struct plan *p, struct plan_target *t, const char *tag,
		    unsigned flags, int timeout_s)
{
	struct domain_edit e;
	size_t mark = plan_nsteps(p);

	if (edit_begin(p, t, &e) < 0)
		return -1;
	if (unshare_live(p, &e, tag, flags, timeout_s) < 0) {
		edit_abort(&e);
		plan_truncate(p, mark);
		return -1;
	}
	edit_commit(p, &e);
	return 0;
}

int
plan_prune(struct plan *p, struct plan_target *t, const struct strlist *keep)
{
	struct domain_edit e;
	struct domxml_share *all = NULL;
	size_t n, mark = plan_nsteps(p);
	int ret = 0;

	if (edit_begin(p, t, &e) < 0)
		return -1;
	n = domxml_shares(e.d, &all);
	for (size_t i = 0; i < n && ret == 0; i++)
		if (all[i].tag && !strlist_has(keep, all[i].tag))
			ret = unshare_live(p, &e, all[i].tag,
					   PLAN_UNSHARE_MISSING_OK,
					   PLAN_LIVE_DETACH_TIMEOUT);
	domxml_shares_free(all, n);
	if (ret < 0) {
		edit_abort(&e);
		plan_truncate(p, mark);
		return -1;
	}
	edit_commit(p, &e);
	return 0;
}

int
plan_backing(struct plan *p, struct plan_target *t,
	     const struct domxml_backing *b, const struct inspection *in)
{
	struct domain_edit e;
	struct domxml_env env = {0};
	struct backing_choice choice = {0};
	int ret = -1;

	if (plan_target_is_libvirt(t) && in && in->have_virt) {
		env.libvirt_version = compat_libvirt(inspection_virt(in));
		env.session = virt_is_session(t->conn);
	}
	if (edit_begin(p, t, &e) < 0)
		return -1;
	if ((b || (b = choose(in, &e, &choice))) &&
	    domxml_backing_set(e.d, b, &env, &e.notes) == 0 &&
	    domxml_check_shared(e.d) == 0 &&
	    hugepage_check(e.d, b, in, edit_target(&e), &e.warnings) == 0)
		ret = 0;
	if (ret == 0)
		edit_commit(p, &e);
	else
		edit_abort(&e);
	backing_choice_clear(&choice);
	return ret;
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
		if (!(xml = file_load(saved.v[i], COMPAT_XML_MAX, NULL)))
			goto fail;
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
