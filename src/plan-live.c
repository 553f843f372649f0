/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan-live.c: the steps that change a running guest: hot-plug, unplug, mounts */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "agent.h"
#include "domxml.h"
#include "error.h"
#include "hotplug.h"
#include "plan-engine.h"
#include "plan-live.h"

struct live_step {
	struct virt_conn *conn; /* borrowed */
	char *domain;
	char *tag;
	char *xml;   /* the <filesystem> attached or detached */
	char *alias; /* asked for (attach), or live (detach) */
	char *dir;   /* mount point in the guest */
	bool persist;
	bool now;
	int timeout_s;
	bool fstab_changed; /* applied: the guest's fstab changed */
	bool mounted;       /* applied: mounted by the step */
	bool force;         /* restart: destroy when it does not shut down */
	bool as_is;         /* mount: the guest has it so already */
};

static void
live_step_free(void *data)
{
	struct live_step *ls = data;

	if (!ls)
		return;
	free(ls->domain);
	free(ls->tag);
	free(ls->xml);
	free(ls->alias);
	free(ls->dir);
	free(ls);
}

static bool
live_changes(const struct plan_step *s)
{
	(void)s;
	return true;
}

static void
live_json(const struct plan_step *s, struct json *j)
{
	const struct live_step *ls = s->data;

	json_str(j, "domain", ls->domain);
	json_str(j, "tag", ls->tag);
	if (ls->dir)
		json_str(j, "mount", ls->dir);
}

static void
attach_effects(const struct plan_step *s, struct strlist *now,
	       struct strlist *later)
{
	const struct live_step *ls = s->data;

	(void)later;
	strlist_take(now, xasprintf(_("%1$s: the share '%2$s' is attached to "
				      "the running guest."),
				    ls->domain, ls->tag));
}

static void
detach_effects(const struct plan_step *s, struct strlist *now,
	       struct strlist *later)
{
	const struct live_step *ls = s->data;

	(void)later;
	strlist_take(now, xasprintf(_("%1$s: the share '%2$s' is unmounted "
				      "inside (when the agent answers) and "
				      "detached from the running guest."),
				    ls->domain, ls->tag));
}

static void
mount_effects(const struct plan_step *s, struct strlist *now,
	      struct strlist *later)
{
	const struct live_step *ls = s->data;

	if (!ls->now)
		strlist_take(later,
			     xasprintf(_("%1$s: the guest mounts the share "
					 "'%2$s' on %3$s from its /etc/fstab."),
				       ls->domain, ls->tag, ls->dir));
	else if (ls->persist)
		strlist_take(now,
			     xasprintf(_("%1$s: the share '%2$s' is mounted on "
					 "%3$s inside the guest, and at every "
					 "boot (/etc/fstab)."),
				       ls->domain, ls->tag, ls->dir));
	else
		strlist_take(now,
			     xasprintf(_("%1$s: the share '%2$s' is mounted on "
					 "%3$s inside the guest (not at boot: "
					 "no fstab line)."),
				       ls->domain, ls->tag, ls->dir));
}

static void
restart_effects(const struct plan_step *s, struct strlist *now,
		struct strlist *later)
{
	const struct live_step *ls = s->data;

	(void)later;
	strlist_take(now, xasprintf(_("%s: shut down and started again, so "
				      "the guest has its new definition at "
				      "once."),
				    ls->domain));
}

static struct live_step *
live_new(struct virt_conn *conn, const char *domain, const char *tag)
{
	struct live_step *ls = xcalloc(1, sizeof(*ls));

	ls->conn = conn;
	ls->domain = xstrdup(domain);
	ls->tag = xstrdup(tag);
	return ls;
}

/* ---- readiness ----------------------------------------------------------- */

/* A domain's XML through hotplug_check(); -1 reported. */
static int
hotplug_of(const char *xml, const char *tag, unsigned long libvirt_version,
	   struct hotplug_check *c)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "live.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOWARNING |
					  XML_PARSE_NOERROR);
	int r = hotplug_check(doc, tag, libvirt_version, c);

	xmlFreeDoc(doc);
	return r;
}

int
plan_live_ready(struct virt_conn *conn, const char *domain, const char *tag,
		unsigned long libvirt_version, struct strlist *why,
		struct strlist *notes, struct plan_live_facts *facts)
{
	AUTOFREE char *xml = virt_domain_xml(conn, domain, false);
	AUTOPTR(domxml) d = NULL;
	struct hotplug_check c;
	struct domxml_memory m;
	char *unshared = NULL;
	bool ready;

	if (!xml || !(d = domxml_parse(xml, domain)) ||
	    hotplug_of(xml, tag, libvirt_version, &c) < 0)
		return -1;
	ready = hotplug_ready(&c);
	if (facts) {
		facts->agent = c.agent && c.agent_connected != 0;
		facts->no_root_port =
		    hotplug_find(&c, HOTPLUG_NO_ROOT_PORT) != NULL;
	}
	for (size_t i = 0; i < c.n; i++)
		strlist_add(c.findings[i].blocks ? why : notes,
			    c.findings[i].reason);
	hotplug_check_clear(&c);
	domxml_memory(d, &m);
	if (!domxml_memory_shared(&m, &unshared)) {
		strlist_take(why,
			     xasprintf(_("The running guest's memory is not "
					 "shared (%s), and that changes only "
					 "when it is shut down and started "
					 "again."),
				       unshared ? unshared : ""));
		free(unshared);
		ready = false;
	}
	domxml_memory_clear(&m);
	return ready ? 1 : 0;
}

int
plan_live_daemon_ready(struct virt_conn *conn, const char *domain,
		       struct strlist *why)
{
	struct hotplug_check c = {0};
	const struct hotplug_finding *f;
	int ready = 1;

	hotplug_check_cgroup(&c, virt_domain_cgroups(conn, domain));
	if ((f = hotplug_find(&c, HOTPLUG_NO_CGROUP))) {
		strlist_add(why, f->reason);
		ready = 0;
	}
	hotplug_check_clear(&c);
	return ready;
}

int
plan_live_find(struct virt_conn *conn, const char *domain, const char *tag,
	       char **fs_xml, char **alias)
{
	AUTOFREE char *xml = virt_domain_xml(conn, domain, false);
	AUTOPTR(domxml) d = NULL;
	struct domxml_share *all = NULL;
	size_t n;

	*fs_xml = NULL;
	*alias = NULL;
	if (!xml || !(d = domxml_parse(xml, domain)))
		return -1;
	n = domxml_shares(d, &all);
	for (size_t i = 0; i < n && !*fs_xml; i++)
		if (all[i].tag && STREQ(all[i].tag, tag)) {
			*fs_xml = domxml_share_xml(d, tag);
			*alias = xstrdup0(all[i].alias);
		}
	domxml_shares_free(all, n);
	return *fs_xml ? 1 : 0;
}

/* ---- attach --------------------------------------------------------------- */

static int
detach_now(struct live_step *ls, const char *alias)
{
	int r = virt_domain_detach(ls->conn, ls->domain, ls->xml, alias,
				   ls->timeout_s * 1000);

	if (r == 0)
		return vs_error(VS_ERR_LIBVIRT,
				_("The guest of domain '%1$s' did not release "
				  "the share '%2$s' within %3$d seconds (libvirt "
				  "sent no DEVICE_REMOVED event): it is still "
				  "attached to the running guest, and libvirt "
				  "removes it once the guest lets go of it. Shut "
				  "the guest down to be sure."),
				ls->domain, ls->tag, ls->timeout_s);
	return r < 0 ? -1 : 0;
}

static int
attach_apply(struct plan_step *s, const struct plan_ctx *ctx,
	     struct strlist *done)
{
	struct live_step *ls = s->data;
	AUTOFREE char *xml = NULL, *alias = NULL;
	int found;

	(void)ctx;
	if (virt_domain_attach(ls->conn, ls->domain, ls->xml) < 0)
		return -1;
	/* What the running guest has now, as libvirt says. */
	if ((found = plan_live_find(ls->conn, ls->domain, ls->tag, &xml,
				    &alias)) < 0)
		return -1;
	if (!found || !alias || (ls->alias && !STREQ(ls->alias, alias))) {
		if (ls->alias)
			return vs_error(VS_ERR_LIBVIRT,
					_("libvirt said it attached the share "
					  "'%1$s' to domain '%2$s', but the "
					  "running guest's XML does not show it "
					  "with the alias %3$s."),
					ls->tag, ls->domain, ls->alias);
		return vs_error(VS_ERR_LIBVIRT,
				_("libvirt said it attached the share '%1$s' to "
				  "domain '%2$s', but the running guest's XML "
				  "does not show it with an alias."),
				ls->tag, ls->domain);
	}
	free(ls->alias);
	ls->alias = steal_ptr(alias);
	strlist_take(done, xasprintf(_("%1$s: the share '%2$s' is attached to "
				       "the running guest now (alias %3$s)."),
				     ls->domain, ls->tag, ls->alias));
	return 0;
}

static int
attach_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	struct live_step *ls = s->data;

	(void)ctx;
	return detach_now(ls, ls->alias);
}

static const struct plan_step_ops attach_ops = {
	.kind = "live-attach",
	.phase = PLAN_PHASE_START,
	.changes = live_changes,
	.apply = attach_apply,
	.revert = attach_revert,
	.effects = attach_effects,
	.json = live_json,
	.free = live_step_free,
};

void
plan_live_attach(struct plan *p, struct virt_conn *conn, const char *domain,
		 const char *tag, const char *fs_xml, const char *alias)
{
	struct live_step *ls = live_new(conn, domain, tag);
	struct plan_step *s;

	ls->xml = xstrdup(fs_xml);
	ls->alias = xstrdup0(alias);
	ls->timeout_s = PLAN_LIVE_DETACH_TIMEOUT;
	s = plan_step_add(p, &attach_ops, ls,
			  xasprintf(_("%1$s: attach the share '%2$s' to the "
				      "running guest"),
				    domain, tag));
	strlist_add(&s->notes,
		    _("Attached live (hot-plug), and read back from the running "
		      "guest's XML: the guest sees the device at once, without "
		      "a restart."));
}

static int guest_unmount(struct agent *a, const char *domain,
			 const char *tag, bool fstab, struct strlist *done,
			 bool *any);

/* ---- detach --------------------------------------------------------------- */

/*
 * The agent of ls's domain when it answers; NULL with *why (caller
 * frees) saying why not. Reports nothing.
 */
static struct agent *
agent_answering(struct live_step *ls, char **why)
{
	struct agent *a = agent_open(ls->conn, ls->domain);

	if (a && agent_ping(a, 5) == 0)
		return a;
	*why = xstrdup(vs_error_message());
	vs_error_reset();
	agent_free(a);
	return NULL;
}

static int
detach_apply(struct plan_step *s, const struct plan_ctx *ctx,
	     struct strlist *done)
{
	struct live_step *ls = s->data;
	AUTOPTR(agent) a = NULL;
	AUTOFREE char *why = NULL;
	bool any = false;

	(void)ctx;
	if ((a = agent_answering(ls, &why))) {
		if (guest_unmount(a, ls->domain, ls->tag, true, done, &any) < 0) {
			/* Windows unmounts by itself when the device goes. */
			if (agent_failure(a) != AGENT_FAIL_WINDOWS)
				return -1;
			strlist_take(done,
				     xasprintf(_("%1$s: not unmounted inside "
						 "the guest first: %2$s"),
					       ls->domain, vs_error_message()));
			vs_error_reset();
		}
	} else {
		strlist_take(done,
			     xasprintf(_("%1$s: the guest agent does not answer "
					 "(%2$s), so the share '%3$s' was not "
					 "unmounted inside the guest first."),
				       ls->domain, why, ls->tag));
	}
	if (detach_now(ls, ls->alias) < 0) {
		enum vs_code code = vs_error_code();
		AUTOFREE char *msg = xstrdup(vs_error_message());

		/* The plan says nothing of the steps' work when one fails:
		 * this one's unmount stays done. */
		if (!any)
			return -1;
		return vs_error(code,
				_("%1$s It was unmounted inside the guest (and "
				  "its fstab line removed) before: to use it "
				  "there again, run: virtshare mount %2$s %3$s "
				  "DIR [--persist]"),
				msg, ls->domain, ls->tag);
	}
	strlist_take(done, xasprintf(_("%1$s: the share '%2$s' is detached "
				       "from the running guest."),
				     ls->domain, ls->tag));
	return 0;
}

static int
detach_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	struct live_step *ls = s->data;

	(void)ctx;
	return virt_domain_attach(ls->conn, ls->domain, ls->xml);
}

static const struct plan_step_ops detach_ops = {
	.kind = "live-detach",
	.phase = PLAN_PHASE_START,
	.changes = live_changes,
	.apply = detach_apply,
	.revert = detach_revert,
	.effects = detach_effects,
	.json = live_json,
	.free = live_step_free,
};

void
plan_live_detach(struct plan *p, struct virt_conn *conn, const char *domain,
		 const char *tag, const char *fs_xml, const char *alias,
		 int timeout_s)
{
	struct live_step *ls = live_new(conn, domain, tag);
	struct plan_step *s;

	ls->xml = xstrdup(fs_xml);
	ls->alias = xstrdup0(alias);
	ls->timeout_s = timeout_s;
	s = plan_step_add(p, &detach_ops, ls,
			  xasprintf(_("%1$s: detach the share '%2$s' from the "
				      "running guest"),
				    domain, tag));
	strlist_take(&s->notes,
		     xasprintf(_("Unmounted inside the guest first when its "
				 "agent answers, then detached live; the guest "
				 "has %d seconds to release the device."),
			       timeout_s));
}

/* ---- mount inside the guest ---------------------------------------------- */

int
plan_live_mount(struct virt_conn *conn, const char *domain, const char *tag,
		const char *dir, bool persist, bool now, bool *mounted,
		bool *fstab_changed, struct strlist *done)
{
	AUTOPTR(agent) a = agent_open(conn, domain);
	bool already = false;

	*mounted = *fstab_changed = false;
	if (!a || agent_ping(a, 5) < 0)
		return -1;
	if (now) {
		if (agent_mount(a, tag, dir, &already) < 0)
			return -1;
		*mounted = !already;
	}
	if (persist && agent_fstab_add(a, NULL, tag, dir, fstab_changed) < 0) {
		enum vs_code code = vs_error_code();
		AUTOFREE char *msg = xstrdup(vs_error_message());

		/* Nothing half done in the guest. */
		if (*mounted)
			agent_umount(a, tag, NULL);
		*mounted = false;
		return vs_error(code, "%s", msg);
	}
	if (now)
		strlist_take(done, xasprintf(_("%1$s: the guest has the share "
					       "'%2$s' mounted on %3$s."),
					     domain, tag, dir));
	if (*fstab_changed)
		strlist_take(done, xasprintf(_("%1$s: the guest's /etc/fstab "
					       "mounts '%2$s' on %3$s at boot "
					       "(the old file is "
					       "/etc/fstab.virtshare-bak)."),
					     domain, tag, dir));
	return 0;
}

/*
 * Unmount tag in the guest of a, and with fstab remove its lines. *any
 * says whether there was something to undo. 0, or -1 reported.
 */
static int
guest_unmount(struct agent *a, const char *domain, const char *tag,
	      bool fstab, struct strlist *done, bool *any)
{
	unsigned count = 0;
	bool changed = false;

	if (agent_umount(a, tag, &count) < 0 ||
	    (fstab && agent_fstab_remove(a, NULL, tag, NULL, &changed) < 0))
		return -1;
	if (count)
		strlist_take(done, xasprintf(_("%1$s: the share '%2$s' is "
					       "unmounted inside the guest."),
					     domain, tag));
	if (changed)
		strlist_take(done, xasprintf(_("%1$s: its line is gone from the "
					       "guest's /etc/fstab (the old "
					       "file is "
					       "/etc/fstab.virtshare-bak)."),
					     domain));
	*any = count || changed;
	return 0;
}

int
plan_live_umount(struct virt_conn *conn, const char *domain, const char *tag,
		 bool persist, struct strlist *done)
{
	AUTOPTR(agent) a = agent_open(conn, domain);
	bool any = false;

	if (!a || agent_ping(a, 5) < 0 ||
	    guest_unmount(a, domain, tag, persist, done, &any) < 0)
		return -1;
	if (any)
		return 0;
	if (persist)
		return vs_error(VS_ERR_NOT_FOUND,
				_("The guest of domain '%1$s' has no mount of "
				  "the share '%2$s' and no line for it in its "
				  "/etc/fstab."),
				domain, tag);
	return vs_error(VS_ERR_NOT_FOUND,
			_("The guest of domain '%1$s' has no mount of the "
			  "share '%2$s'."),
			domain, tag);
}

static int
mount_apply(struct plan_step *s, const struct plan_ctx *ctx,
	    struct strlist *done)
{
	struct live_step *ls = s->data;

	(void)ctx;
	return plan_live_mount(ls->conn, ls->domain, ls->tag, ls->dir,
			       ls->persist, ls->now, &ls->mounted,
			       &ls->fstab_changed, done);
}

static int
mount_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	struct live_step *ls = s->data;
	AUTOPTR(agent) a = agent_open(ls->conn, ls->domain);

	(void)ctx;
	if (!a)
		return -1;
	if (ls->fstab_changed &&
	    agent_fstab_remove(a, NULL, ls->tag, ls->dir, NULL) < 0)
		return -1;
	if (ls->mounted && agent_umount(a, ls->tag, NULL) < 0)
		return -1;
	return 0;
}

static bool
mount_changes(const struct plan_step *s)
{
	return !((const struct live_step *)s->data)->as_is;
}

/*
 * Whether the guest has tag mounted on dir (when now) and its fstab line
 * (when persist) already, as its agent says; false when the agent does
 * not answer (applying then says why). Reports nothing.
 */
static bool
guest_has(struct virt_conn *conn, const char *domain, const char *tag,
	  const char *dir, bool persist, bool now)
{
	AUTOPTR(agent) a = agent_open(conn, domain);
	struct fstab_mount *m = NULL;
	AUTOFREE char *fstab = NULL, *in_fstab = NULL;
	bool mounted = !now;
	long n = -1;

	if (a && agent_ping(a, 5) == 0 && now && (n = agent_mounts(a, &m)) > 0)
		for (long i = 0; i < n; i++)
			mounted |= STREQ(m[i].tag, tag) && STREQ(m[i].dir, dir);
	if (n > 0)
		fstab_mounts_free(m, (size_t)n);
	if (a && mounted && persist &&
	    (fstab = agent_file_read(a, "/etc/fstab", 1 << 20, NULL)))
		in_fstab = fstab_find(fstab, tag);
	vs_error_reset();
	return a && mounted && (!persist || (in_fstab && STREQ(in_fstab, dir)));
}

static const struct plan_step_ops mount_ops = {
	.kind = "guest-mount",
	.phase = PLAN_PHASE_START,
	.changes = mount_changes,
	.apply = mount_apply,
	.revert = mount_revert,
	.effects = mount_effects,
	.json = live_json,
	.free = live_step_free,
};

void
plan_guest_mount(struct plan *p, struct virt_conn *conn, const char *domain,
		 const char *tag, const char *dir, bool persist, bool now)
{
	struct live_step *ls = live_new(conn, domain, tag);
	struct plan_step *s;

	ls->dir = xstrdup(dir);
	ls->persist = persist;
	ls->now = now;
	/* Applying the same file again changes nothing. */
	ls->as_is = guest_has(conn, domain, tag, dir, persist, now);
	s = plan_step_add(p, &mount_ops, ls,
			  xasprintf(_("%1$s: mount the share '%2$s' on %3$s "
				      "inside the guest"),
				    domain, tag, dir));
	if (now)
		strlist_add(&s->notes,
			    _("Through the QEMU guest agent: the mount point is "
			      "created when missing, then mount -t virtiofs."));
	if (persist && now)
		strlist_take(&s->notes,
			     xasprintf(_("The guest's /etc/fstab gets the line "
					 "'%1$s %2$s virtiofs defaults,nofail 0 "
					 "0' once; the old file is kept as "
					 "/etc/fstab.virtshare-bak."),
				       tag, dir));
	else if (persist)
		strlist_take(&s->notes,
			     xasprintf(_("The guest's /etc/fstab gets the line "
					 "'%1$s %2$s virtiofs defaults,nofail 0 "
					 "0' once (the old file is kept as "
					 "/etc/fstab.virtshare-bak), so the guest "
					 "mounts the share when it starts "
					 "again."),
				       tag, dir));
}

/* ---- restart -------------------------------------------------------------- */

static int
restart_apply(struct plan_step *s, const struct plan_ctx *ctx,
	      struct strlist *done)
{
	struct live_step *ls = s->data;
	int r;

	(void)ctx;
	if ((r = virt_domain_restart(ls->conn, ls->domain, ls->timeout_s,
				     ls->force)) < 0)
		return -1;
	if (r > 0)
		strlist_take(done,
			     xasprintf(_("%1$s: it did not shut down within %2$d "
					 "seconds, so it was powered off "
					 "(--force)."),
				       ls->domain, ls->timeout_s));
	strlist_take(done, xasprintf(_("%s: shut down and started again; "
				       "the guest runs with its new "
				       "definition."),
				     ls->domain));
	return 0;
}

/* A restart is not taken back: the guest runs its new definition, and
 * the definition step's own revert puts the old one back for the next
 * start. */
static int
restart_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return 0;
}

static const struct plan_step_ops restart_ops = {
	.kind = "restart",
	.phase = PLAN_PHASE_START,
	.changes = live_changes,
	.apply = restart_apply,
	.revert = restart_revert,
	.effects = restart_effects,
	.json = live_json,
	.free = live_step_free,
};

void
plan_live_restart(struct plan *p, struct virt_conn *conn, const char *domain,
		  int timeout_s, bool force)
{
	struct live_step *ls = live_new(conn, domain, "");
	struct plan_step *s;

	ls->timeout_s = timeout_s;
	ls->force = force;
	s = plan_step_add(p, &restart_ops, ls,
			  xasprintf(_("%s: shut down and start again"),
				    domain));
	if (force)
		strlist_take(&s->notes,
			     xasprintf(_("Shut down through the guest agent or "
					 "ACPI; after %d seconds it is powered "
					 "off (--force), then started."),
				       timeout_s));
	else
		strlist_take(&s->notes,
			     xasprintf(_("Shut down through the guest agent or "
					 "ACPI, waiting at most %d seconds, then "
					 "started; a guest that does not shut "
					 "down stops the plan (--force powers it "
					 "off)."),
				       timeout_s));
}
