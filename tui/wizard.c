/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wizard.c: the wizard's state machine, checks and plan, without curses */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "render.h"
#include "compat.h"
#include "doctor.h"
#include "error.h"
#include "launch.h"
#include "table.h"
#include "wizard.h"

#define ULL(v) ((unsigned long long)(v))

/* ---- small helpers ------------------------------------------------------- */

static void
line_add(struct wizard *w, enum wiz_line_kind kind, char *text)
{
	w->lines = xrealloc(w->lines, (w->nlines + 1) * sizeof(*w->lines));
	w->lines[w->nlines].kind = kind;
	w->lines[w->nlines].text = text;
	w->nlines++;
	if (kind == WIZ_LINE_PROBLEM)
		w->nproblems++;
}

/* Each line of text (a rendered table) as its own line. */
static void
lines_add_text(struct wizard *w, const char *text)
{
	while (*text) {
		size_t n = strcspn(text, "\n");

		line_add(w, WIZ_LINE_TEXT, xstrndup(text, n));
		text += n + (text[n] == '\n');
	}
}

/* The libvirt that will run the domain, for version checks; 0 unknown. */
static unsigned long
libvirt_version(const struct wizard *w)
{
	return w->xml_path ? 0 : compat_libvirt(inspection_virt(w->in));
}

static bool
is_remote(const struct wizard *w)
{
	return !w->xml_path && w->cfg.conn && virt_is_remote(w->cfg.conn);
}

/* Where source directories are checked: NULL on a remote host. */
static const char *
dir_root(const struct wizard *w)
{
	return is_remote(w) ? NULL : w->cfg.root;
}

/* The inspection plan_share() gets: the CLI gives a file no libvirt. */
static const struct inspection *
plan_inspection(const struct wizard *w, struct inspection *file_view)
{
	if (!w->xml_path)
		return w->in;
	*file_view = *w->in;
	file_view->have_virt = false;
	return file_view;
}

static void
env_fill(const struct wizard *w, struct domxml_env *env)
{
	memset(env, 0, sizeof(*env));
	env->libvirt_version = libvirt_version(w);
	env->session = !w->xml_path && w->cfg.conn &&
		       virt_is_session(w->cfg.conn);
	env->root = dir_root(w);
}

/* ---- page 1: the host summary -------------------------------------------- */

/* A finding of doctor's as one paragraph: what was found, why here,
 * what to do. */
static char *
finding_text(const struct doctor_result *r)
{
	struct strbuf sb = STRBUF_INIT;
	const char *fix = r->fix ? r->fix : _(r->check->fix);

	sb_add(&sb, r->summary ? r->summary : "");
	if (r->detail)
		sb_printf(&sb, " %s", r->detail);
	if (fix)
		sb_printf(&sb, " %s", fix);
	return sb_steal(&sb);
}

/*
 * What stops or slows virtiofs on this host: what the host could not be
 * read for, then the warnings and errors of doctor's host checks (the
 * findings `virtshare doctor` prints for the host).
 */
static void
host_findings(const struct wizard *w, struct strlist *into)
{
	const struct host_info *h = w->in->host;
	AUTOPTR(doctor_report) r = doctor_report_new();
	struct doctor_env env;

	for (size_t i = 0; i < h->warnings.n; i++)
		strlist_add(into, h->warnings.v[i]);
	doctor_env_init(&env, w->in, w->cfg.xml_file ? NULL : w->cfg.conn,
			w->cfg.root);
	doctor_host(r, &env);
	for (size_t s = 0; s < r->n; s++)
		for (size_t i = 0; i < r->sections[s].n; i++)
			if (r->sections[s].results[i].verdict >=
			    DOCTOR_WARNING)
				strlist_take(into,
					     finding_text(
						 &r->sections[s].results[i]));
}

static void
summary_host(struct wizard *w)
{
	const struct host_info *h = w->in->host;
	AUTOFREE char *total = render_kib(h->mem_total_kib);
	AUTOFREE char *avail = render_kib(h->mem_available_kib);
	AUTOFREE char *shm = h->shm_present ? size_format_kib(h->shm_size_kib)
					    : NULL;

	if (w->in->remote) {
		line_add(w, WIZ_LINE_HEAD,
			 xasprintf(_("Host %s (through libvirt)"),
				   w->in->hostname ? w->in->hostname : "?"));
		line_add(w, WIZ_LINE_TEXT,
			 xasprintf(_("  memory %1$s (%2$s available), %3$zu "
				     "NUMA nodes"),
				   total, avail, h->nnodes));
		line_add(w, WIZ_LINE_TEXT,
			 xstrdup(_("  kernel, /dev/shm, hugetlbfs mounts and "
				   "virtiofs daemons: not checked on a "
				   "remote host")));
		return;
	}
	line_add(w, WIZ_LINE_HEAD, root_is_host(h->root)
				       ? xstrdup(_("Host"))
				       : xasprintf(_("Host (the tree %s)"),
						   h->root));
	line_add(w, WIZ_LINE_TEXT,
		 xasprintf(_("  kernel %1$s, memory %2$s (%3$s available), "
			     "%4$zu NUMA nodes"),
			   h->kernel ? h->kernel : "?", total, avail,
			   h->nnodes));
	line_add(w, WIZ_LINE_TEXT,
		 shm ? xasprintf(_("  /dev/shm %s tmpfs"), shm)
		     : xstrdup(_("  /dev/shm is not mounted")));
}

static void
summary_pools(struct wizard *w)
{
	const struct host_info *h = w->in->host;
	struct strbuf sb = STRBUF_INIT;

	line_add(w, WIZ_LINE_HEAD, xstrdup(render_pools_title(h)));
	if (!h->npools)
		return;
	/* The table `virtshare pages` prints; the mounts below it, as a
	 * mount column would not fit 80 columns. */
	render_pools_table(&sb, h, NULL);
	lines_add_text(w, sb_str(&sb));
	sb_clear(&sb);
	for (size_t i = 0; !w->in->remote && i < h->npools; i++) {
		AUTOFREE char *size = size_format_kib(h->pools[i].size_kib);
		AUTOFREE char *dirs = render_pool_mounts(h, h->pools[i].size_kib);

		line_add(w, WIZ_LINE_TEXT,
			 dirs ? xasprintf(_("  %1$s pages: hugetlbfs mounted "
					    "on %2$s"),
					  size, dirs)
			      : xasprintf(_("  %s pages: no hugetlbfs mount"),
					  size));
	}
}

static void
summary_qemu(struct wizard *w)
{
	const struct qemu_settings *q = &w->in->qemu;
	AUTOFREE char *huge = NULL, *sec = NULL, *mbd = NULL;

	line_add(w, WIZ_LINE_HEAD, xasprintf(_("qemu.conf (%s)"),
					     QEMUCONF_PATH));
	if (w->in->remote) {
		line_add(w, WIZ_LINE_TEXT,
			 xasprintf("  %s", w->in->qemu_error));
		if (w->in->qemu_label)
			line_add(w, WIZ_LINE_TEXT,
				 xasprintf(_("  QEMU runs as %s there (uid:gid, "
					     "libvirt's DAC label)"),
					   w->in->qemu_label));
		return;
	}
	if (w->in->qemu_error) {
		line_add(w, WIZ_LINE_TEXT, xstrdup(_("  unusable: see the "
						     "problems above")));
		return;
	}
	huge = q->hugetlbfs_mount_set ? render_join(&q->hugetlbfs_mount, ", ")
				      : xstrdup(_("auto-detected"));
	mbd = render_setting(q->memory_backing_dir, q->memory_backing_dir_set);
	sec = q->security_driver_set ? render_join(&q->security_driver, ", ")
				     : xstrdup(_("auto"));
	line_add(w, WIZ_LINE_TEXT,
		 xasprintf(_("  memory_backing_dir %1$s, hugetlbfs_mount %2$s"),
			   mbd, huge));
	line_add(w, WIZ_LINE_TEXT,
		 xasprintf(_("  user %1$s, group %2$s, security_driver "
			     "%3$s%4$s"),
			   q->user, q->group, sec,
			   q->present ? "" : _(" (no qemu.conf: defaults)")));
}

static void
summary_virt(struct wizard *w)
{
	const struct virt_info *v = &w->in->virt;
	AUTOFREE char *lib = NULL, *daemon = NULL, *hv = NULL;

	line_add(w, WIZ_LINE_HEAD, xstrdup(_("libvirt")));
	if (!w->in->have_virt) {
		line_add(w, WIZ_LINE_TEXT,
			 w->cfg.xml_file
			     ? xasprintf(_("  not used: editing %s"),
					 w->cfg.xml_file)
			     : xstrdup(_("  not available: see the problems "
					 "above")));
		return;
	}
	lib = render_version(v->lib_version);
	daemon = render_version(v->daemon_version);
	hv = render_version(v->hv_version);
	line_add(w, WIZ_LINE_TEXT, xasprintf("  %s", v->uri));
	line_add(w, WIZ_LINE_TEXT,
		 xasprintf(_("  driver %1$s, library %2$s, daemon %3$s, "
			     "hypervisor %4$s"),
			   v->driver ? v->driver : "?", lib, daemon, hv));
	if (v->domcaps_known) {
		AUTOFREE char *src = render_join(&v->source_types, " ");
		AUTOFREE char *fs = render_join(&v->fs_drivers, " ");

		line_add(w, WIZ_LINE_TEXT,
			 xasprintf(_("  memory sources: %1$s; filesystem "
				     "drivers: %2$s"),
				   src, fs));
	}
}

static void
summary_daemons(struct wizard *w)
{
	struct strbuf sb = STRBUF_INIT;

	line_add(w, WIZ_LINE_HEAD, xstrdup(_("virtiofs daemons")));
	render_daemons_table(&sb, w->in->host, false);
	lines_add_text(w, sb_str(&sb));
	sb_clear(&sb);
}

static void
summary_make(struct wizard *w)
{
	struct strlist found = {0};

	/* Problems first: they are what the page is for. */
	host_findings(w, &found);
	if (found.n) {
		line_add(w, WIZ_LINE_HEAD,
			 xasprintf(P_("%zu problem", "%zu problems", found.n),
				   found.n));
		for (size_t i = 0; i < found.n; i++)
			line_add(w, WIZ_LINE_PROBLEM, xstrdup(found.v[i]));
		strlist_clear(&found);
	} else {
		line_add(w, WIZ_LINE_HEAD,
			 xstrdup(_("No problems found: this host is ready "
				   "for virtiofs.")));
	}
	summary_host(w);
	summary_pools(w);
	summary_qemu(w);
	summary_virt(w);
	summary_daemons(w);
}

static void
summary_clear(struct wizard *w)
{
	for (size_t i = 0; i < w->nlines; i++)
		free(w->lines[i].text);
	free(w->lines);
	w->lines = NULL;
	w->nlines = w->nproblems = 0;
}

/* Read the host again (after an allocation) and everything made of it. */
static void
host_reread(struct wizard *w)
{
	host_info_free(w->in->host);
	w->in->host = host_read(w->cfg.root, 0);
	if (!w->pages_remote)
		w->pages_host = w->in->host;
	summary_clear(w);
	summary_make(w);
}

struct wizard *
wizard_new(const struct wiz_config *cfg)
{
	struct wizard *w = xcalloc(1, sizeof(*w));

	w->cfg = *cfg;
	w->in = inspection_gather(cfg->root, cfg->xml_file ? NULL : cfg->conn,
				  cfg->conn_error, HOST_PROBE_DAEMONS);
	w->pages_host = w->in->host;
	w->alloc_node = -1;
	w->xattr = DOMXML_UNSET;
	summary_make(w);
	/* A remote guest takes the hugepages of its own host. */
	if (!cfg->xml_file && cfg->conn && virt_is_remote(cfg->conn)) {
		struct host_info *h = virt_host_pages(cfg->conn);

		if (h) {
			w->pages_host = h;
			w->pages_remote = true;
		} else {
			vs_error_reset();
		}
	}
	return w;
}

static void
domains_clear(struct wizard *w)
{
	for (size_t i = 0; i < w->ndomains; i++) {
		free(w->domains[i].name);
		free(w->domains[i].state);
		free(w->domains[i].shares);
		free(w->domains[i].memory);
		free(w->domains[i].problem);
	}
	free(w->domains);
	w->domains = NULL;
	w->ndomains = 0;
	free(w->domains_error);
	w->domains_error = NULL;
}

static void backing_clear(struct wizard *w);
static void daemon_clear(struct wizard *w);
static void plan_clear(struct wizard *w);

/* Forget what was chosen for the share (not the domain). */
static void
share_clear(struct wizard *w)
{
	free(w->dir);
	free(w->tag);
	w->dir = w->tag = NULL;
	w->readonly = false;
	w->cache = WIZ_CACHE_DEFAULT;
	w->xattr = DOMXML_UNSET;
	w->updates = false;
	w->live_known = w->live_ready = w->live_agent = w->live = false;
	strlist_clear(&w->live_why);
	strlist_clear(&w->live_notes);
	free(w->mount);
	w->mount = NULL;
	w->persist = false;
	backing_clear(w);
	daemon_clear(w);
	plan_clear(w);
	strlist_clear(&w->done);
	free(w->daemon_result);
	w->daemon_result = NULL;
	w->daemon_failed = false;
	w->applied = false;
}

void
wizard_free(struct wizard *w)
{
	if (!w)
		return;
	share_clear(w);
	summary_clear(w);
	domains_clear(w);
	free(w->domain);
	free(w->xml_path);
	domxml_free(w->doc);
	if (w->pages_remote)
		host_info_free(w->pages_host);
	inspection_free(w->in);
	free(w);
}

/* ---- the page order ------------------------------------------------------ */

bool
wizard_page_shown(const struct wizard *w, enum wiz_page_id id)
{
	if (id == WIZ_PAGES)
		return wizard_pages_short(w) || w->alloc_result;
	if (id == WIZ_DONE)
		return w->applied;
	if (id == WIZ_LIVE)
		return w->running;
	return id < WIZ_NPAGES;
}

enum wiz_page_id
wizard_next(const struct wizard *w, enum wiz_page_id from)
{
	for (int i = (int)from + 1; i < WIZ_NPAGES; i++)
		if (wizard_page_shown(w, (enum wiz_page_id)i))
			return (enum wiz_page_id)i;
	return from;
}

enum wiz_page_id
wizard_prev(const struct wizard *w, enum wiz_page_id from)
{
	for (int i = (int)from - 1; i >= 0; i--)
		if (wizard_page_shown(w, (enum wiz_page_id)i))
			return (enum wiz_page_id)i;
	return from;
}

int
wizard_step(const struct wizard *w, enum wiz_page_id id)
{
	int n = 0;

	for (int i = 0; i <= (int)id; i++)
		if (i == (int)id || wizard_page_shown(w, (enum wiz_page_id)i))
			n++;
	return n;
}

int
wizard_nsteps(const struct wizard *w)
{
	int n = 0;

	/* Done is a step to come until the plan is applied. */
	for (int i = 0; i < WIZ_NPAGES; i++)
		if (i == WIZ_DONE ||
		    wizard_page_shown(w, (enum wiz_page_id)i))
			n++;
	return n;
}

/* ---- page 2: the domain -------------------------------------------------- */

/* Tags, memory and readiness of a definition, for the list. */
static void
domain_describe(const char *xml, const char *what, struct wiz_domain *d)
{
	AUTOPTR(domxml) doc = domxml_parse(xml, what);
	struct domxml_share *shares = NULL;
	struct domxml_memory m;
	struct strbuf tags = STRBUF_INIT;
	size_t n;

	if (!doc) {
		d->problem = xstrdup(vs_error_message());
		vs_error_reset();
		d->shares = xstrdup("");
		d->memory = xstrdup("?");
		return;
	}
	n = domxml_shares(doc, &shares);
	for (size_t i = 0; i < n; i++) {
		if (tags.len)
			sb_add(&tags, ", ");
		sb_add(&tags, shares[i].tag ? shares[i].tag : "?");
	}
	domxml_shares_free(shares, n);
	d->shares = sb_steal(&tags);
	domxml_memory(doc, &m);
	d->shared = domxml_memory_shared(&m, NULL);
	if (!d->memory_kib)
		d->memory_kib = m.memory_kib;
	d->memory = xasprintf(d->shared ? _("%s, shared") : _("%s, not shared"),
			      domxml_memory_kind(&m));
	domxml_memory_clear(&m);
}

int
wizard_domains_load(struct wizard *w)
{
	struct virt_domain *list = NULL;
	int n;

	domains_clear(w);
	if (!w->cfg.conn) {
		vs_error(VS_ERR_CONNECT,
			 _("There is no libvirt connection (%s). Open a "
			   "domain XML file instead, or start the wizard "
			   "with -c URI."),
			 w->cfg.conn_error ? w->cfg.conn_error
					   : _("none was asked for"));
		w->domains_error = xstrdup(vs_error_message());
		return -1;
	}
	if ((n = virt_domain_list(w->cfg.conn, &list)) < 0) {
		w->domains_error = xstrdup(vs_error_message());
		return -1;
	}
	w->domains = xcalloc((size_t)n + 1, sizeof(*w->domains));
	w->ndomains = (size_t)n;
	for (int i = 0; i < n; i++) {
		struct wiz_domain *d = &w->domains[i];
		AUTOFREE char *xml = NULL;

		d->name = xstrdup(list[i].name);
		d->state = xstrdup(virt_state_name(list[i].state));
		d->memory_kib = list[i].memory_kib;
		if (!(xml = virt_domain_xml(w->cfg.conn, d->name, true))) {
			d->problem = xstrdup(vs_error_message());
			vs_error_reset();
			d->shares = xstrdup("");
			d->memory = xstrdup("?");
			continue;
		}
		domain_describe(xml, d->name, d);
	}
	virt_domains_free(list, n);
	return 0;
}

/* Make the parsed definition the chosen domain's. */
static void
domain_take(struct wizard *w, const char *name, const char *path,
	    struct domxml *doc)
{
	bool same = w->domain && STREQ(w->domain, name) &&
		    ((!path && !w->xml_path) ||
		     (path && w->xml_path && STREQ(path, w->xml_path)));

	if (!same) {
		share_clear(w);
		free(w->domain);
		free(w->xml_path);
		w->domain = xstrdup(name);
		w->xml_path = path ? xstrdup(path) : NULL;
	}
	domxml_free(w->doc);
	w->doc = doc;
	w->dirty = true;
}

int
wizard_domain_choose(struct wizard *w, const char *name)
{
	AUTOFREE char *xml = NULL;
	struct domxml *doc;
	int active;

	if (!w->cfg.conn)
		return vs_error(VS_ERR_CONNECT,
				_("There is no libvirt connection: open a "
				  "domain XML file instead."));
	/* The check plan_share() makes, before the user fills the pages. */
	if ((active = plan_domain_active(w->cfg.conn, name)) < 0)
		return -1;
	if (!(xml = virt_domain_xml(w->cfg.conn, name, true)) ||
	    !(doc = domxml_parse(xml, name)))
		return -1;
	domain_take(w, name, NULL, doc);
	w->running = active > 0;
	return 0;
}

int
wizard_domain_open(struct wizard *w, const char *path)
{
	AUTOFREE char *xml = NULL;
	AUTOFREE char *name = NULL;
	struct domxml *doc;

	if (!path || !*path)
		return vs_error(VS_ERR_INVALID,
				_("Type the path of a domain XML file, such as "
				  "/etc/libvirt/qemu/vm1.xml."));
	if (!(xml = file_load(path, COMPAT_XML_MAX, NULL)))
		return -1;
	if (!(doc = domxml_parse(xml, path)))
		return -1;
	if (!domxml_name(doc)) {
		domxml_free(doc);
		return vs_error(VS_ERR_XML,
				_("%s has no <name>: it is not a domain "
				  "definition libvirt would take. Check the "
				  "file."),
				path);
	}
	name = xstrdup(domxml_name(doc));
	domain_take(w, name, path, doc);
	w->running = false; /* a file: no guest to change */
	return 0;
}

/* ---- page 3: the share --------------------------------------------------- */

/* dir without trailing slashes ("/" stays); caller frees. */
static char *
dir_normal(const char *dir)
{
	char *d = xstrdup(dir ? dir : "");
	size_t len = strlen(d);

	while (len > 1 && d[len - 1] == '/')
		d[--len] = '\0';
	return d;
}

const char *
wizard_cache_name(enum wiz_cache c)
{
	static const char *const names[] = {
	    [WIZ_CACHE_DEFAULT] = "default",
	    [WIZ_CACHE_NONE] = "none",
	    [WIZ_CACHE_ALWAYS] = "always",
	};

	return names[c];
}

/*
 * The existing virtiofs share of the chosen domain whose tag (by_tag) or
 * directory is key: its source (directory or socket) or its tag; NULL
 * when there is none. Caller frees.
 */
static char *
share_lookup(const struct wizard *w, const char *key, bool by_tag)
{
	struct domxml_share *shares = NULL;
	size_t n = w->doc ? domxml_shares(w->doc, &shares) : 0;
	char *found = NULL;

	for (size_t i = 0; i < n && !found; i++) {
		const struct domxml_share *sh = &shares[i];
		const char *src = sh->dir ? sh->dir : sh->socket;

		if (!sh->tag || !src || !STREQ(by_tag ? sh->tag : src, key))
			continue;
		found = xstrdup(by_tag ? src : sh->tag);
	}
	domxml_shares_free(shares, n);
	return found;
}

enum wiz_check
wizard_dir_check(const struct wizard *w, const char *dir, char **msg)
{
	AUTOFREE char *path = NULL, *tag = NULL, *normal = NULL;
	const char *root = dir_root(w);
	struct stat st;

	*msg = NULL;
	if (!dir || !*dir) {
		*msg = xstrdup(_("Type the host directory to share, or press "
				 "F2 to browse."));
		return WIZ_CHECK_EMPTY;
	}
	if (dir[0] != '/') {
		*msg = xstrdup(_("Give an absolute path, starting with /."));
		return WIZ_CHECK_BAD;
	}
	if (!root) {
		*msg = xstrdup(_("On the guest's host: not checked from "
				 "here."));
		return WIZ_CHECK_OK;
	}
	path = path_under(root, dir);
	if (stat(path, &st) < 0) {
		*msg = errno == ENOENT
			   ? xstrdup(_("No such directory on this host: "
				       "create it first, or check the path."))
			   : xasprintf(_("Cannot be used: %s."),
				       strerror(errno));
		return WIZ_CHECK_BAD;
	}
	if (!S_ISDIR(st.st_mode)) {
		*msg = xstrdup(_("Not a directory: a share exports a "
				 "directory tree."));
		return WIZ_CHECK_BAD;
	}
	normal = dir_normal(dir);
	if ((tag = share_lookup(w, normal, false)))
		*msg = xasprintf(_("A directory, already shared with the tag "
				   "'%s'."),
				 tag);
	else
		*msg = xstrdup(_("A directory."));
	return WIZ_CHECK_OK;
}

enum wiz_check
wizard_tag_check(const struct wizard *w, const char *tag, const char *dir,
		 char **msg)
{
	AUTOFREE char *d = dir && *dir ? dir_normal(dir) : NULL;
	AUTOFREE char *other = NULL;
	int found;
	size_t len = tag ? strlen(tag) : 0;

	*msg = NULL;
	if (!len) {
		*msg = xstrdup(_("Type the mount tag: the name the guest "
				 "mounts (mount -t virtiofs TAG /mnt)."));
		return WIZ_CHECK_EMPTY;
	}
	if (!w->doc) {
		*msg = xstrdup(_("Choose a domain first."));
		return WIZ_CHECK_BAD;
	}
	found = domxml_tag_check(w->doc, tag, d, NULL);
	if (found < 0 && vs_error_code() == VS_ERR_CONFLICT &&
	    (other = share_lookup(w, tag, true))) {
		/* Short enough for the line under the field; Continue shows
		 * the whole message with the unshare command. */
		*msg = xasprintf(_("The share of %s has this tag: choose "
				   "another one."),
				 other);
		vs_error_reset();
		return WIZ_CHECK_BAD;
	}
	if (found < 0 && vs_error_code() == VS_ERR_INVALID &&
	    len > COMPAT_TAG_MAX) {
		*msg = xasprintf(_("The tag is %1$zu bytes long; the guest "
				   "kernel takes at most %2$d."),
				 len, COMPAT_TAG_MAX);
		vs_error_reset();
		return WIZ_CHECK_BAD;
	}
	if (found < 0) {
		*msg = xstrdup(vs_error_message());
		vs_error_reset();
		return WIZ_CHECK_BAD;
	}
	if (found) {
		*msg = xasprintf(_("%1$zu of %2$d bytes; changes the share "
				   "that has this tag."),
				 len, COMPAT_TAG_MAX);
		return WIZ_CHECK_EXISTS;
	}
	*msg = xasprintf(_("%1$zu of %2$d bytes; a new share."), len,
			 COMPAT_TAG_MAX);
	return WIZ_CHECK_OK;
}

char *
wizard_tag_suggest(const struct wizard *w, const char *dir_typed)
{
	AUTOFREE char *dir = dir_normal(dir_typed);
	const char *base = strrchr(dir, '/');
	AUTOFREE char *stem = NULL;
	char *tag;
	size_t len;

	base = base && base[1] ? base + 1 : "share";
	stem = xstrdup(base);
	for (char *c = stem; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
		      *c == '.'))
			*c = '-';
	/* Room for "-99" within the kernel's bytes. */
	if ((len = strlen(stem)) > COMPAT_TAG_MAX - 3)
		stem[COMPAT_TAG_MAX - 3] = '\0';
	tag = xstrdup(stem);
	for (int i = 2; w->doc && i < 100; i++) {
		int found = domxml_tag_check(w->doc, tag, dir, NULL);

		if (found >= 0)
			break;
		vs_error_reset();
		free(tag);
		tag = xasprintf("%s-%d", stem, i);
	}
	return tag;
}

char *
wizard_readonly_blocked(const struct wizard *w)
{
	unsigned long v = libvirt_version(w);
	AUTOFREE char *have = NULL, *since = NULL;

	if (compat_allows(COMPAT_READONLY, v))
		return NULL;
	have = compat_version_str(v);
	since = compat_version_str(compat_since(COMPAT_READONLY));
	return xasprintf(_("libvirt %1$s cannot make a share read-only (that "
			   "needs %2$s); a daemon started outside libvirt "
			   "can."),
			 have, since);
}

/* The share as it stands in the domain, to start the form from. */
static void
share_defaults(struct wizard *w, const struct domxml_share *cur)
{
	w->readonly = cur->readonly == DOMXML_ON;
	w->xattr = cur->xattr;
	w->cache = !cur->cache			  ? WIZ_CACHE_DEFAULT
		   : STREQ(cur->cache, "always") ? WIZ_CACHE_ALWAYS
						  : WIZ_CACHE_NONE;
}

int
wizard_share_set(struct wizard *w, const char *dir_typed, const char *tag,
		 bool readonly, enum wiz_cache cache, enum domxml_switch xattr)
{
	AUTOFREE char *dir = dir_normal(dir_typed);
	struct share_request r;
	struct domxml_env env;
	struct strlist warnings = {0};
	AUTOFREE char *blocked = wizard_readonly_blocked(w);
	int found;

	if (!w->doc)
		return vs_error(VS_ERR_USAGE, _("Choose a domain first."));
	share_request_init(&r);
	r.share.dir = xstrdup(dir);
	r.share.tag = xstrdup(tag ? tag : "");
	r.share.cache = cache == WIZ_CACHE_DEFAULT
			    ? NULL
			    : xstrdup(wizard_cache_name(cache));
	r.share.xattr = xattr;
	/* Read-only that libvirt cannot do is left to the daemon page. */
	if (readonly && !blocked)
		r.share.readonly = DOMXML_ON;
	env_fill(w, &env);
	found = domxml_share_check(w->doc, &r.share, &env, &warnings);
	strlist_clear(&warnings);
	share_request_clear(&r);
	if (found < 0)
		return -1;
	if (!w->dir || !STREQ(w->dir, dir) || !w->tag || !STREQ(w->tag, tag)) {
		/* Another share: the daemon and plan are chosen anew. */
		daemon_clear(w);
		plan_clear(w);
	}
	free(w->dir);
	free(w->tag);
	w->dir = xstrdup(dir);
	w->tag = xstrdup(tag);
	w->readonly = readonly;
	w->cache = cache;
	w->xattr = xattr;
	w->updates = found == 1;
	w->dirty = true;
	return 0;
}

void
wizard_share_prefill(struct wizard *w, const char *tag)
{
	struct domxml_share *shares = NULL;
	size_t n = w->doc ? domxml_shares(w->doc, &shares) : 0;

	for (size_t i = 0; i < n; i++)
		if (shares[i].tag && STREQ(shares[i].tag, tag))
			share_defaults(w, &shares[i]);
	domxml_shares_free(shares, n);
}

/* ---- page 4: guest memory ------------------------------------------------ */

static void
backing_clear(struct wizard *w)
{
	backing_choice_clear(&w->choice);
	w->bsel = 0;
	pages_need_clear(&w->need);
	w->need_valid = false;
	free(w->alloc_result);
	w->alloc_result = NULL;
	w->alloc_node = -1;
	w->alloc_count = 0;
}

int
wizard_backing_load(struct wizard *w)
{
	struct inspection file_view;
	const struct inspection *in = plan_inspection(w, &file_view);

	backing_clear(w);
	if (!w->doc)
		return vs_error(VS_ERR_USAGE, _("Choose a domain first."));
	if (backing_choose_host(in, w->pages_host, w->doc, &w->choice) < 0)
		return -1;
	for (size_t i = 0; i < w->choice.noffers; i++)
		if (w->choice.offers[i].recommended)
			w->bsel = i;
	return wizard_pages_load(w);
}

int
wizard_backing_select(struct wizard *w, size_t i)
{
	const struct backing_option *o = &w->choice.offers[i];

	if (i >= w->choice.noffers)
		return vs_error(VS_ERR_INVALID, _("There is no such option."));
	if (!o->possible)
		return vs_error(VS_ERR_UNSUPPORTED, "%s: %s", o->label,
				o->detail);
	if (w->bsel != i) {
		free(w->alloc_result);
		w->alloc_result = NULL;
		plan_clear(w);
	}
	w->bsel = i;
	w->dirty = true;
	return wizard_pages_load(w);
}

const struct backing_option *
wizard_backing(const struct wizard *w)
{
	return w->choice.noffers ? &w->choice.offers[w->bsel] : NULL;
}

/* ---- page 5: hugepages --------------------------------------------------- */

/* The page size the chosen hugepage option uses. */
static uint64_t
chosen_page_kib(const struct wizard *w, const struct domxml_memory *m)
{
	const struct backing_option *o = wizard_backing(w);

	if (o->backing.page_kib)
		return o->backing.page_kib;
	if (m->npages && m->pages[0].size_kib)
		return m->pages[0].size_kib;
	return w->pages_host->default_page_kib;
}

/* The one host node a nodeset names, or -1. */
static int
single_node(const char *nodeset)
{
	int node;

	if (!nodeset || str_to_int(nodeset, &node) < 0 || node < 0)
		return -1;
	return node;
}

int
wizard_pages_load(struct wizard *w)
{
	const struct backing_option *o = wizard_backing(w);
	struct domxml_memory m;
	uint64_t size, mem;
	int ret = 0;

	pages_need_clear(&w->need);
	w->need_valid = false;
	if (!o || o->backing.kind != DOMXML_BACKING_HUGEPAGES || !w->doc)
		return 0;
	domxml_memory(w->doc, &m);
	size = chosen_page_kib(w, &m);
	mem = domxml_memory_for_nodes(&m, NULL);
	if (size && size != HOST_UNKNOWN && mem) {
		if (pages_need(w->pages_host, &w->in->qemu, w->in->qemu_error,
			       mem, size, m.host_nodeset,
			       &w->need) < 0) {
			ret = -1;
		} else {
			w->need_valid = true;
			w->alloc_node = single_node(m.host_nodeset);
			w->alloc_count =
			    w->need.enough ? 0
			    : w->need.free == HOST_UNKNOWN
				? w->need.pages
				: w->need.pages - w->need.free;
		}
	}
	domxml_memory_clear(&m);
	return ret;
}

bool
wizard_pages_short(const struct wizard *w)
{
	const struct backing_option *o = wizard_backing(w);

	return o && o->backing.kind == DOMXML_BACKING_HUGEPAGES &&
	       w->need_valid && w->need.size_offered && !w->need.enough;
}

int
wizard_pages_alloc(struct wizard *w, int node, uint64_t count)
{
	struct pages_request req = {.op = PAGES_ADD,
				    .size_kib = w->need.page_kib,
				    .count = count,
				    .node = node};
	struct pages_target t = {0};
	struct pages_result res;
	size_t sel = w->bsel;

	if (!w->need_valid)
		return vs_error(VS_ERR_USAGE,
				_("Choose hugepages for guest memory first."));
	if (w->cfg.demo)
		return vs_error(VS_ERR_UNSUPPORTED,
				_("The demo changes nothing. Run the wizard "
				  "without --demo on a host you administer."));
	if (!count)
		return vs_error(VS_ERR_INVALID,
				_("Give a number of pages above 0 to add."));
	if (w->pages_remote)
		t.conn = w->cfg.conn;
	else
		t.root = w->cfg.root;
	if (pages_apply(w->pages_host, &t, &req, &res) < 0)
		return -1;
	free(w->alloc_result);
	w->alloc_result = pages_result_str(&req, &res);
	if (w->pages_remote) {
		struct host_info *h = virt_host_pages(w->cfg.conn);

		if (h) {
			host_info_free(w->pages_host);
			w->pages_host = h;
		} else {
			vs_error_reset();
		}
	} else {
		host_reread(w);
	}
	/* Count again on what the host has now, keeping the choice. */
	{
		AUTOFREE char *result = steal_ptr(w->alloc_result);

		if (wizard_backing_load(w) < 0)
			return -1;
		if (sel < w->choice.noffers && w->choice.offers[sel].possible)
			w->bsel = sel;
		wizard_pages_load(w);
		w->alloc_result = steal_ptr(result);
	}
	return 0;
}

/* ---- page 6: the daemon -------------------------------------------------- */

static void
daemon_clear(struct wizard *w)
{
	for (size_t i = 0; i < WIZ_NDAEMONS; i++) {
		free(w->dopts[i].label);
		free(w->dopts[i].reason);
	}
	memset(w->dopts, 0, sizeof(w->dopts));
	w->dsel = 0;
	free(w->socket);
	w->socket = NULL;
}

static const struct host_daemon *
our_daemon(const struct wizard *w)
{
	const struct host_info *h = w->in->host;

	for (size_t i = 0; i < h->ndaemons; i++)
		if (h->daemons[i].ours)
			return &h->daemons[i];
	return NULL;
}

static void
daemon_ours(struct wizard *w, struct wiz_daemon_opt *o, const char *ro)
{
	const struct host_daemon *d = our_daemon(w);

	o->label = xstrdup(_("libvirt starts virtshare-fsd"));
	if (ro) {
		o->reason = xstrdup(ro);
	} else if (d && !d->present && d->from_env) {
		o->reason = xasprintf(_("not possible: virtshare-fsd is not at "
					"%s, where $VIRTSHARE_FSD points."),
				      d->path);
	} else if (!d || !d->present) {
		o->reason = xasprintf(_("not possible: virtshare-fsd is not "
					"installed at %s (make install)."),
				      host_our_daemon_path());
	} else {
		o->possible = true;
		o->reason = xasprintf(_("the domain names %s; libvirt starts "
					"it with the guest."),
				      d->path);
	}
}

static void
daemon_descriptor(struct wizard *w, struct wiz_daemon_opt *o, const char *ro)
{
	const struct host_info *h = w->in->host;
	struct strbuf found = STRBUF_INIT;

	for (size_t i = 0; i < h->ndaemons; i++)
		if (h->daemons[i].descriptor && h->daemons[i].present) {
			if (found.len)
				sb_add(&found, ", ");
			sb_add(&found, h->daemons[i].path);
		}
	o->label = xstrdup(_("libvirt starts the daemon its descriptors "
			     "name"));
	if (ro)
		o->reason = xstrdup(ro);
	else if (!found.len)
		o->reason = xstrdup(_("not possible: no vhost-user descriptor "
				      "names an installed virtiofs daemon."));
	else
		o->reason = xasprintf(_("libvirt finds %s through its "
					"vhost-user descriptor."),
				      sb_str(&found));
	o->possible = !ro && found.len;
	sb_clear(&found);
}

static void
daemon_external(struct wizard *w, struct wiz_daemon_opt *o)
{
	unsigned long v = libvirt_version(w);

	o->label = xstrdup(_("virtshare starts virtshare-fsd on a socket"));
	if (is_remote(w)) {
		o->reason = xstrdup(_("not possible: the daemon must run on "
				      "the guest's host; run the wizard "
				      "there."));
		return;
	}
	if (!compat_allows(COMPAT_SOCKET, v)) {
		AUTOFREE char *have = compat_version_str(v);
		AUTOFREE char *since =
		    compat_version_str(compat_since(COMPAT_SOCKET));

		o->reason = xasprintf(_("not possible: libvirt %1$s is older "
					"than %2$s, which <source socket> "
					"needs."),
				      have, since);
		return;
	}
	if (!(w->socket = launch_default_socket(w->domain, w->tag))) {
		o->reason = xasprintf(_("not possible: %s"),
				      vs_error_message());
		vs_error_reset();
		return;
	}
	o->possible = true;
	o->reason = xasprintf(_("it listens on %s; libvirt connects the guest "
				"to it."),
			      w->socket);
}

void
wizard_daemon_load(struct wizard *w)
{
	AUTOFREE char *blocked = w->readonly ? wizard_readonly_blocked(w)
					     : NULL;
	AUTOFREE char *ro = blocked ? xasprintf(_("not possible: %s"), blocked)
				    : NULL;
	enum wiz_daemon_kind keep = w->dopts[w->dsel].label
					? w->dopts[w->dsel].kind
					: WIZ_NDAEMONS;

	daemon_clear(w);
	for (size_t i = 0; i < WIZ_NDAEMONS; i++)
		w->dopts[i].kind = (enum wiz_daemon_kind)i;
	daemon_ours(w, &w->dopts[WIZ_DAEMON_OURS], ro);
	daemon_descriptor(w, &w->dopts[WIZ_DAEMON_DESCRIPTOR], ro);
	daemon_external(w, &w->dopts[WIZ_DAEMON_EXTERNAL]);
	w->dsel = 0;
	for (size_t i = WIZ_NDAEMONS; i-- > 0;)
		if (w->dopts[i].possible)
			w->dsel = i;
	if (keep < WIZ_NDAEMONS && w->dopts[keep].possible)
		w->dsel = keep;
}

int
wizard_daemon_select(struct wizard *w, size_t i)
{
	if (i >= WIZ_NDAEMONS)
		return vs_error(VS_ERR_INVALID, _("There is no such option."));
	if (!w->dopts[i].possible)
		return vs_error(VS_ERR_UNSUPPORTED, "%s: %s", w->dopts[i].label,
				w->dopts[i].reason);
	if (w->dsel != i)
		plan_clear(w);
	w->dsel = i;
	w->dirty = true;
	return 0;
}

static enum wiz_daemon_kind
daemon_kind(const struct wizard *w)
{
	return w->dopts[w->dsel].label ? w->dopts[w->dsel].kind
				       : WIZ_DAEMON_DESCRIPTOR;
}

/* ---- page 7: the running guest ------------------------------------------ */

int
wizard_live_load(struct wizard *w)
{
	struct plan_live_facts facts;
	int ready;

	strlist_clear(&w->live_why);
	strlist_clear(&w->live_notes);
	if (!w->running || !w->cfg.conn)
		return 0;
	/* libvirt's test driver has no live devices (plan_share()). */
	if (virt_is_test(w->cfg.conn))
		strlist_add(&w->live_notes,
			    _("This is libvirt's test driver (the demo): its "
			      "domains run, but it attaches nothing to them "
			      "and has no guest agent, so the share reaches "
			      "the guest at its next start."));
	if ((ready = plan_live_ready(w->cfg.conn, w->domain, w->tag,
				     libvirt_version(w), &w->live_why,
				     &w->live_notes, &facts)) < 0)
		return -1;
	w->live_agent = facts.agent;
	w->live_ready = ready > 0;
	/* Now, when it can, until the user says otherwise. */
	if (!w->live_known || !w->live_ready)
		w->live = w->live_ready;
	w->live_known = true;
	return 0;
}

int
wizard_live_set(struct wizard *w, bool live, const char *mount, bool persist)
{
	struct share_request r;
	bool has_mount = mount && *mount;
	int ret = -1;

	share_request_init(&r);
	if (live && !w->live_ready) {
		vs_error(VS_ERR_UNSUPPORTED,
			 _("The running guest cannot take the share now (the "
			   "page says why): it gets it at its next start."));
		goto out;
	}
	if (has_mount && share_request_mount(&r, mount, _("The mount point")) <
			     0)
		goto out;
	if (persist && !has_mount) {
		vs_error(VS_ERR_USAGE,
			 _("Mounting at every boot needs the mount point: "
			   "type the directory inside the guest."));
		goto out;
	}
	if (has_mount && !w->live_agent) {
		vs_error(VS_ERR_UNSUPPORTED,
			 _("The guest has no agent to mount the share with: "
			   "leave the mount point empty and mount it by hand "
			   "(the last page says how)."));
		goto out;
	}
	if (has_mount && !live && !persist) {
		vs_error(VS_ERR_USAGE,
			 _("The share is not in the running guest now, so it "
			   "cannot be mounted now: choose mounting at every "
			   "boot (the guest mounts it when it starts again), "
			   "or leave the mount point empty."));
		goto out;
	}
	w->live = live;
	free(w->mount);
	w->mount = steal_ptr(r.mount);
	w->persist = persist;
	plan_clear(w);
	ret = 0;
out:
	share_request_clear(&r);
	return ret;
}

/* ---- page 8: review ------------------------------------------------------ */

static void
plan_clear(struct wizard *w)
{
	plan_free(w->plan);
	w->plan = NULL;
	free(w->plan_text);
	w->plan_text = NULL;
	w->plan_changes = false;
}

void
wizard_request(const struct wizard *w, struct share_request *r)
{
	const struct backing_option *o = wizard_backing(w);
	enum wiz_daemon_kind kind = daemon_kind(w);
	AUTOFREE char *blocked = wizard_readonly_blocked(w);

	share_request_init(r);
	r->share.tag = w->tag ? xstrdup(w->tag) : NULL;
	if (kind == WIZ_DAEMON_EXTERNAL && w->socket) {
		/* The daemon's own options go to the daemon, not libvirt. */
		r->share.socket = xstrdup(w->socket);
	} else {
		r->share.dir = w->dir ? xstrdup(w->dir) : NULL;
		if (w->cache != WIZ_CACHE_DEFAULT)
			r->share.cache = xstrdup(wizard_cache_name(w->cache));
		r->share.xattr = w->xattr;
		if (kind == WIZ_DAEMON_OURS)
			r->share.binary = xstrdup(host_our_daemon_path());
		if (w->readonly && !blocked)
			r->share.readonly = DOMXML_ON;
		else if (w->updates && !blocked)
			r->share.readonly = DOMXML_OFF;
	}
	/* The choice as made; the recommended one with backing_choose()'s
	 * reasons, which the plan shows as for the CLI. */
	if (o) {
		r->backing.kind = o->backing.kind;
		r->backing.page_kib = o->backing.page_kib;
		r->backing.file_source = o->backing.file_source;
		r->backing.nodeset = o->backing.nodeset
					 ? xstrdup(o->backing.nodeset)
					 : NULL;
		r->backing_given = true;
		if (o->recommended)
			backing_choice_notes(&w->choice, &r->backing_why);
	}
	/* A running guest: now or at its next start, as chosen. */
	/* One that cannot take it now is left to plan_share(), which
	 * says why. */
	r->config_only = w->running && w->live_ready && !w->live;
	r->mount = w->running ? xstrdup0(w->mount) : NULL;
	r->persist_mount = w->running && w->mount && w->persist;
}

int
wizard_plan(struct wizard *w)
{
	struct share_request r;
	struct inspection file_view;
	struct plan_target *t;
	int ret;

	plan_clear(w);
	if (!w->domain)
		return vs_error(VS_ERR_USAGE, _("Choose a domain first."));
	if (!w->xml_path && !w->cfg.conn)
		return vs_error(VS_ERR_CONNECT,
				_("There is no libvirt connection to change "
				  "domain '%s' on."),
				w->domain);
	t = w->xml_path ? plan_target_file(w->xml_path, w->domain)
			: plan_target_libvirt(w->cfg.conn, w->domain);
	w->plan = plan_new();
	wizard_request(w, &r);
	ret = plan_share(w->plan, t, &r, plan_inspection(w, &file_view),
			 dir_root(w));
	share_request_clear(&r);
	if (ret < 0) {
		plan_clear(w);
		return -1;
	}
	w->plan_text = plan_render(w->plan);
	w->plan_changes = plan_changes(w->plan);
	return 0;
}

/* Start the daemon of an external share; the outcome goes to the done
 * page, as applying is over. */
static void
daemon_start(struct wizard *w)
{
	struct launch_spec spec = {0};
	AUTOPTR(launch_status) st = NULL;
	bool changed;

	if (w->cfg.demo) {
		w->daemon_result = xasprintf(
		    _("The demo starts no daemon. On a real host the wizard "
		      "starts virtshare-fsd now, listening on %s."),
		    w->socket);
		return;
	}
	spec.domain = xstrdup(w->domain);
	spec.tag = xstrdup(w->tag);
	spec.dir = xstrdup(w->dir);
	spec.socket = xstrdup(w->socket);
	spec.readonly = w->readonly;
	if (w->cache != WIZ_CACHE_DEFAULT)
		spec.cache = xstrdup(wizard_cache_name(w->cache));
	spec.xattr = w->xattr == DOMXML_ON    ? LAUNCH_ON
		     : w->xattr == DOMXML_OFF ? LAUNCH_OFF
					      : LAUNCH_DEFAULT;
	if (launch_spec_set_owner(&spec,
				  w->xml_path ? NULL : virt_uri(w->cfg.conn),
				  w->cfg.root) == 0)
		st = launch_ensure(&spec, 0, &changed);
	if (st) {
		w->daemon_result = xasprintf(
		    changed ? _("Started virtshare-fsd for %1$s (pid %2$d), "
				"listening on %3$s.")
			    : _("virtshare-fsd for %1$s already runs (pid "
				"%2$d) on %3$s."),
		    st->name, st->pid, w->socket);
	} else {
		w->daemon_failed = true;
		w->daemon_result = xasprintf(
		    _("The daemon did not start: %1$s Start it with: virtshare "
		      "daemon start %2$s %3$s --dir %4$s"),
		    vs_error_message(), w->domain, w->tag, w->dir);
		vs_error_reset();
	}
	launch_spec_clear(&spec);
}

int
wizard_apply(struct wizard *w)
{
	struct plan_ctx ctx = {.statedir = w->cfg.statedir
					       ? w->cfg.statedir
					       : plan_statedir()};

	if (!w->plan && wizard_plan(w) < 0)
		return -1;
	strlist_clear(&w->done);
	if (plan_apply(w->plan, &ctx, &w->done) < 0)
		return -1;
	if (!w->done.n)
		strlist_add(&w->done, _("Nothing had to change: the domain "
					"already is as asked."));
	w->applied = true;
	w->dirty = false;
	free(w->daemon_result);
	w->daemon_result = NULL;
	w->daemon_failed = false;
	if (daemon_kind(w) == WIZ_DAEMON_EXTERNAL && w->socket)
		daemon_start(w);
	return 0;
}

/* ---- page 9: done -------------------------------------------------------- */

char *
wizard_effects_text(const struct wizard *w)
{
	if (!w->plan)
		return xstrdup("");
	return plan_effects_text(w->plan, _("What the guest sees now:\n"),
				 _("What waits for the guest's next start:\n"),
				 "- ");
}

char *
wizard_guest_text(const struct wizard *w)
{
	const char *tag = w->tag ? w->tag : "TAG";

	return xasprintf(
	    _("In a Linux guest (kernel 5.4 or later), mount the share:\n"
	      "  mount -t virtiofs %1$s /mnt/%1$s\n"
	      "To mount it at every boot, add this line to /etc/fstab:\n"
	      "  %1$s  /mnt/%1$s  virtiofs  %2$s  0  0\n"
	      "Windows guests: install the virtio-win viofs driver and "
	      "WinFsp, then start the VirtIO-FS service; the share appears "
	      "as a drive.\n"),
	    tag, w->readonly ? "ro,nofail" : "defaults,nofail");
}

char *
wizard_definition_now(const struct wizard *w)
{
	if (!w->domain)
		return NULL;
	if (!w->xml_path)
		return w->cfg.conn ? virt_domain_xml(w->cfg.conn, w->domain,
						     true)
				   : NULL;
	return file_load(w->xml_path, COMPAT_XML_MAX, NULL);
}

void
wizard_restart(struct wizard *w)
{
	share_clear(w);
	w->dirty = false;
	if (w->domain && w->xml_path) {
		AUTOFREE char *path = xstrdup(w->xml_path);

		if (wizard_domain_open(w, path) < 0)
			vs_error_reset();
	} else if (w->domain) {
		AUTOFREE char *name = xstrdup(w->domain);

		if (wizard_domain_choose(w, name) < 0)
			vs_error_reset();
	}
	if (w->cfg.conn && !w->xml_path && wizard_domains_load(w) < 0)
		vs_error_reset();
	w->dirty = false;
}
