/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor.c: running the checks, the report as JSON, the fixes as a plan */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "doctor-priv.h"
#include "error.h"
#include "json.h"
#include "plan.h"

/* ---- running the checks -------------------------------------------------- */

void
doctor_env_init(struct doctor_env *env, const struct inspection *in,
		struct virt_conn *conn, const char *root)
{
	memset(env, 0, sizeof(*env));
	env->in = in;
	env->conn = conn;
	env->root = root ? root : "/";
	env->uid = geteuid();
	env->gid = getegid();
	if (conn)
		env->session = virt_is_session(conn);
	env->libvirt_version = compat_libvirt(inspection_virt(in));
	env->qemu_version = compat_qemu(inspection_virt(in));
}

struct doctor_report *
doctor_report_new(void)
{
	return xcalloc(1, sizeof(struct doctor_report));
}

void
doctor_report_free(struct doctor_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct doctor_section *s = &r->sections[i];

		for (size_t j = 0; j < s->n; j++)
			doctor_result_clear(&s->results[j]);
		free(s->results);
		free(s->domain);
		free(s->state);
		free(s->source);
	}
	free(r->sections);
	strlist_clear(&r->notes);
	free(r);
}

static struct doctor_section *
section_add(struct doctor_report *r, const char *domain, const char *state,
	    const char *source)
{
	struct doctor_section *s;

	r->sections = xrealloc(r->sections, (r->n + 1) * sizeof(*r->sections));
	s = &r->sections[r->n++];
	memset(s, 0, sizeof(*s));
	s->domain = domain ? xstrdup(domain) : NULL;
	s->state = state ? xstrdup(state) : NULL;
	s->source = source ? xstrdup(source) : NULL;
	return s;
}

static void
run_one(struct doctor_report *rep, struct doctor_section *sec,
	const struct doctor_check *c, const struct doctor_facts *f)
{
	struct doctor_result *r;

	sec->results =
	    xrealloc(sec->results, (sec->n + 1) * sizeof(*sec->results));
	r = &sec->results[sec->n++];
	memset(r, 0, sizeof(*r));
	r->check = c;
	if (f->share)
		r->subject = xstrdup(f->share->tag ? f->share->tag : "");
	c->run(f, r);
	if (r->verdict >= DOCTOR_WARNING)
		doctor_quote_logs(f, r);
	else if (r->verdict == DOCTOR_OK && c->scope != DOCTOR_SCOPE_HOST &&
		 !r->nquotes && doctor_quote_logs(f, r))
		doctor_escalate(f, r);
	rep->counts[r->verdict]++;
}

static void
facts_clear(struct doctor_facts *f)
{
	for (size_t i = 0; i < f->nlogs; i++) {
		free(f->logs[i].file);
		strlist_clear(&f->logs[i].lines);
	}
	free(f->logs);
	for (size_t i = 0; f->daemons && i < f->nshares; i++)
		host_daemon_clear(&f->daemons[i].probe);
	free(f->daemons);
	domxml_shares_free(f->shares, f->nshares);
	domxml_shares_free(f->live_shares, f->nlive);
	domxml_memory_clear(&f->mem);
	domxml_free(f->d);
	domxml_free(f->live);
	strlist_clear(&f->security_tried);
	strlist_clear(&f->unreadable);
	host_info_free(f->own_host);
	free(f->cmd);
	free(f->host_cmd);
	free(f->xml_suffix);
	memset(f, 0, sizeof(*f));
}

static void
facts_host(struct doctor_facts *f, const struct doctor_env *env,
	   const char *xml_file)
{
	const struct inspection *in = env->in;
	AUTOFREE char *uri = NULL, *root = NULL;

	memset(f, 0, sizeof(*f));
	f->env = env;
	f->h = in->host;
	f->remote = env->conn && virt_is_remote(env->conn);
	/* A remote guest's pools are the ones its libvirt reports. */
	if (f->remote && (f->own_host = virt_host_pages(env->conn)))
		f->h = f->own_host;
	else if (f->remote)
		vs_error_reset(); /* this host's pools stand in */
	f->q = in->qemu_error ? NULL : &in->qemu;
	f->snapshots = -1;
	if (env->conn && !xml_file) {
		AUTOFREE char *w = shell_word(virt_uri(env->conn));

		uri = xasprintf(" -c %s", w);
	}
	if (!root_is_host(env->root)) {
		AUTOFREE char *w = shell_word(env->root);

		root = xasprintf(" --root %s", w);
	}
	f->cmd = xasprintf("virtshare%s%s", uri ? uri : "", root ? root : "");
	/* `pages` goes through libvirt for a remote URI only. */
	f->host_cmd = xasprintf("virtshare%s%s",
				uri && f->remote ? uri : "", root ? root : "");
	if (xml_file) {
		AUTOFREE char *w = shell_word(xml_file);

		f->xml_suffix = xasprintf(" --xml %s", w);
	} else {
		f->xml_suffix = xstrdup("");
	}
}

/* What the checks could not see. */
static void
facts_notes(struct doctor_report *r, const struct doctor_facts *f)
{
	for (size_t i = 0; i < f->unreadable.n; i++) {
		AUTOFREE char *note = xasprintf(
		    _("%s cannot be read with your rights: run virtshare "
		      "doctor as root to look at it too."),
		    f->unreadable.v[i]);

		if (!strlist_has(&r->notes, note))
			strlist_take(&r->notes, steal_ptr(note));
	}
}

void
doctor_host(struct doctor_report *r, const struct doctor_env *env)
{
	struct doctor_facts f;
	struct doctor_section *sec;
	const char *uri = env->in->have_virt ? env->in->virt.uri : NULL;
	size_t n;
	const struct doctor_check *checks = doctor_checks(&n);

	facts_host(&f, env, NULL);
	doctor_host_logs(&f);
	sec = section_add(r, NULL, NULL, uri);
	for (size_t i = 0; i < n; i++)
		if (checks[i].scope == DOCTOR_SCOPE_HOST)
			run_one(r, sec, &checks[i], &f);
	facts_notes(r, &f);
	facts_clear(&f);
}

static void
share_daemon_find(struct doctor_facts *f, size_t i)
{
	const struct domxml_share *s = &f->shares[i];
	struct share_daemon *sd = &f->daemons[i];
	const struct host_daemon *d;

	if (s->socket)
		return;
	if (s->binary) {
		sd->path = s->binary;
	} else if ((d = doctor_descriptor_daemon(f->h))) {
		sd->path = d->path;
		sd->descriptor = d->descriptor;
	} else {
		return;
	}
	if (f->remote) {
		sd->present = true; /* not ours to tell */
		return;
	}
	sd->present = host_executable(f->env->root, sd->path);
	/* Only the daemons the host lists are run to ask them: a path in a
	 * domain definition may be any program. */
	for (size_t k = 0; sd->present && k < f->h->ndaemons; k++)
		if (STREQ(f->h->daemons[k].path, sd->path)) {
			host_daemon_probe(f->env->root, sd->path, &sd->probe);
			break;
		}
}

/* Run the domain checks over the facts of one domain. */
static void
domain_checks(struct doctor_report *r, struct doctor_facts *f,
	      const char *state, const char *source)
{
	struct doctor_section *sec = section_add(r, f->domain, state, source);
	size_t n;
	const struct doctor_check *checks = doctor_checks(&n);

	for (size_t i = 0; i < n; i++) {
		const struct doctor_check *c = &checks[i];

		if (c->scope == DOCTOR_SCOPE_DOMAIN)
			run_one(r, sec, c, f);
		if (c->scope != DOCTOR_SCOPE_SHARE)
			continue;
		for (size_t s = 0; s < f->nshares; s++) {
			f->share = &f->shares[s];
			f->si = s;
			run_one(r, sec, c, f);
		}
		f->share = NULL;
	}
}

static int
facts_domain(struct doctor_facts *f, const char *name, const char *xml,
	     const char *live_xml, const char *what)
{
	if (!(f->d = domxml_parse(xml, what)))
		return -1;
	if (live_xml && !(f->live = domxml_parse(live_xml, what)))
		return -1;
	f->domain = name;
	domxml_memory(f->d, &f->mem);
	f->nshares = domxml_shares(f->d, &f->shares);
	if (f->live)
		f->nlive = domxml_shares(f->live, &f->live_shares);
	f->daemons = xcalloc(f->nshares + 1, sizeof(*f->daemons));
	for (size_t i = 0; i < f->nshares; i++)
		share_daemon_find(f, i);
	doctor_read_logs(f);
	return 0;
}

static void
no_share_note(struct doctor_report *r, const char *name, size_t nshares)
{
	if (!nshares)
		strlist_take(&r->notes,
			     xasprintf(_("Domain '%s' has no virtiofs share: "
					 "add one with virtshare share."),
				       name));
}

int
doctor_domain(struct doctor_report *r, const struct doctor_env *env,
	      const char *name)
{
	struct doctor_facts f;
	AUTOFREE char *xml = NULL, *live = NULL, *what = NULL;
	bool active, persistent;
	int ret = -1;

	if (!env->conn)
		return vs_error(VS_ERR_USAGE,
				_("No libvirt connection to read domain '%s' "
				  "from."),
				name);
	if (virt_domain_status(env->conn, name, &active, &persistent) < 0 ||
	    !(xml = virt_domain_xml(env->conn, name, true)))
		return -1;
	if (active && persistent &&
	    !(live = virt_domain_xml(env->conn, name, false)))
		return -1;
	what = xasprintf(_("domain '%s'"), name);
	facts_host(&f, env, NULL);
	f.active = active;
	if ((f.snapshots = virt_domain_snapshots(env->conn, name)) < 0) {
		strlist_take(&r->notes,
			     xasprintf(_("The snapshots of domain '%1$s' could "
					 "not be counted: %2$s"),
				       name, vs_error_message()));
		vs_error_reset();
	}
	if (facts_domain(&f, name, xml, live, what) == 0) {
		domain_checks(r, &f, active ? _("running") : _("shut off"),
			      virt_uri(env->conn));
		no_share_note(r, name, f.nshares);
		facts_notes(r, &f);
		ret = 0;
	}
	facts_clear(&f);
	return ret;
}

int
doctor_domain_file(struct doctor_report *r, const struct doctor_env *env,
		   const char *name, const char *path)
{
	struct doctor_facts f;
	AUTOFREE char *xml = file_load(path, COMPAT_XML_MAX, NULL);
	int ret = -1;

	if (!xml)
		return -1;
	facts_host(&f, env, path);
	if (facts_domain(&f, name, xml, NULL, path) < 0)
		goto out;
	if (!domxml_name(f.d) || !STREQ(domxml_name(f.d), name)) {
		vs_error(VS_ERR_CONFLICT,
			 _("%1$s defines the domain '%2$s', not '%3$s'. Check "
			   "the domain name and the file."),
			 path, domxml_name(f.d) ? domxml_name(f.d) : "", name);
		goto out;
	}
	domain_checks(r, &f, NULL, path);
	no_share_note(r, name, f.nshares);
	facts_notes(r, &f);
	ret = 0;
out:
	facts_clear(&f);
	return ret;
}

int
doctor_domains(struct doctor_report *r, const struct doctor_env *env)
{
	struct virt_domain *doms = NULL;
	int n, done = 0;

	if (!env->conn)
		return 0;
	if ((n = virt_domain_list(env->conn, &doms)) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		AUTOFREE char *xml = virt_domain_xml(env->conn, doms[i].name,
						     true);
		AUTOPTR(domxml) d = NULL;
		struct domxml_share *s = NULL;
		size_t ns;

		if (!xml || !(d = domxml_parse(xml, doms[i].name))) {
			strlist_take(&r->notes,
				     xasprintf(_("Domain '%1$s' was skipped: "
						 "%2$s"),
					       doms[i].name,
					       vs_error_message()));
			vs_error_reset();
			continue;
		}
		ns = domxml_shares(d, &s);
		domxml_shares_free(s, ns);
		if (!ns)
			continue;
		if (doctor_domain(r, env, doms[i].name) < 0) {
			strlist_take(&r->notes,
				     xasprintf(_("Domain '%1$s' was skipped: "
						 "%2$s"),
					       doms[i].name,
					       vs_error_message()));
			vs_error_reset();
			continue;
		}
		done++;
	}
	virt_domains_free(doms, n);
	return done;
}

enum doctor_verdict
doctor_worst(const struct doctor_report *r)
{
	for (int v = DOCTOR_VERDICT__COUNT - 1; v > DOCTOR_OK; v--)
		if (r->counts[v] && v != DOCTOR_SKIPPED)
			return (enum doctor_verdict)v;
	return DOCTOR_OK;
}

/* ---- JSON ---------------------------------------------------------------- */

static const char *const scope_names[] = {
	[DOCTOR_SCOPE_HOST] = "host",
	[DOCTOR_SCOPE_DOMAIN] = "domain",
	[DOCTOR_SCOPE_SHARE] = "share",
};

static void
json_result(struct json *j, const struct doctor_result *r)
{
	const struct doctor_check *c = r->check;

	json_obj_begin(j, NULL);
	json_str(j, "id", c->id);
	json_str(j, "group", doctor_group_name(c->group));
	json_str(j, "scope", scope_names[c->scope]);
	json_str(j, "verdict", doctor_verdict_name(r->verdict));
	json_str(j, "share", r->subject);
	json_str(j, "summary", r->summary);
	json_str(j, "detail", r->detail);
	json_str(j, "message",
		 !r->message ? c->message : *r->message ? r->message : NULL);
	json_str(j, "cause", _(c->cause));
	json_str(j, "fix", r->verdict >= DOCTOR_WARNING ? r->fix : NULL);
	json_str(j, "command",
		 r->verdict >= DOCTOR_WARNING ? r->command : NULL);
	json_bool(j, "fixable", r->verdict >= DOCTOR_WARNING &&
				    r->action.kind != DOCTOR_FIX_NONE);
	json_arr_begin(j, "log");
	for (size_t i = 0; i < r->nquotes; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "file", r->quotes[i].file);
		json_str(j, "line", r->quotes[i].line);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void
doctor_json_add(const struct doctor_report *r, struct json *j,
		const char *key)
{
	json_obj_begin(j, key);
	json_int(j, "schema", DOCTOR_SCHEMA);
	json_str(j, "verdict", doctor_verdict_name(doctor_worst(r)));
	json_obj_begin(j, "counts");
	for (int v = 0; v < DOCTOR_VERDICT__COUNT; v++)
		json_u64(j, doctor_verdict_name((enum doctor_verdict)v),
			 r->counts[v]);
	json_obj_end(j);
	json_arr_begin(j, "sections");
	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_section *s = &r->sections[i];

		json_obj_begin(j, NULL);
		json_str(j, "domain", s->domain);
		json_str(j, "state", s->state);
		json_str(j, "source", s->source);
		json_arr_begin(j, "checks");
		for (size_t k = 0; k < s->n; k++)
			json_result(j, &s->results[k]);
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "notes");
	for (size_t i = 0; i < r->notes.n; i++)
		json_str(j, NULL, r->notes.v[i]);
	json_arr_end(j);
	json_obj_end(j);
}

char *
doctor_json(const struct doctor_report *r)
{
	struct json j;

	json_init(&j);
	doctor_json_add(r, &j, NULL);
	return json_steal(&j);
}

/* ---- fixes --------------------------------------------------------------- */

static void
plan_failed(struct strlist *failed, const struct doctor_section *s,
	    const struct doctor_result *r)
{
	strlist_take(failed,
		     xasprintf(_("%1$s, %2$s%3$s%4$s: %5$s"),
			       s->domain ? s->domain : _("host"), r->check->id,
			       r->subject ? " " : "",
			       r->subject ? r->subject : "",
			       vs_error_message()));
	vs_error_reset();
}

/*
 * The pool change req asks for (grow to a size, or add pages), as the
 * plan step apply uses: grow the pool to at least what req makes it.
 * Through conn's libvirt when remote, else sysfs below the root.
 */
static int
fix_pages(struct plan *p, const struct doctor_env *env, bool remote,
	  const struct pages_request *req)
{
	struct pages_target t = {.root = remote ? NULL : env->root,
				 .conn = remote ? env->conn : NULL};
	struct pages_result want;

	if (pages_plan(env->in->host, req, &want) < 0)
		return -1;
	return plan_pages(p, &t, env->in->host, req->size_kib, req->node,
			  want.want);
}

static bool
seen(struct strlist *done, char *key)
{
	if (strlist_has(done, key)) {
		free(key);
		return true;
	}
	strlist_take(done, key);
	return false;
}

size_t
doctor_plan(const struct doctor_report *r, const struct doctor_env *env,
	    const char *xml_file, struct plan *p, struct strlist *failed)
{
	struct strlist keys = {0};
	bool remote = env->conn && virt_is_remote(env->conn);
	size_t planned = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_section *s = &r->sections[i];

		for (size_t k = 0; k < s->n; k++) {
			const struct doctor_result *res = &s->results[k];
			const struct doctor_fix *x = &res->action;
			struct plan_target *t;

			if (res->verdict < DOCTOR_WARNING ||
			    x->kind == DOCTOR_FIX_NONE)
				continue;
			switch (x->kind) {
			case DOCTOR_FIX_SHARE:
				if (!s->domain)
					continue;
				if (xml_file)
					t = plan_target_file(xml_file,
							     s->domain);
				else if (env->conn)
					t = plan_target_libvirt(env->conn,
								s->domain);
				else
					continue;
				if (plan_share(p, t, &x->share, env->in,
					       remote ? NULL : env->root) < 0) {
					plan_failed(failed, s, res);
					continue;
				}
				break;
			case DOCTOR_FIX_PAGES:
				if (seen(&keys,
					 xasprintf("pages %d %llu %d %llu",
						   x->pages.op,
						   ULL(x->pages.size_kib),
						   x->pages.node,
						   ULL(x->pages.count))))
					continue;
				if (fix_pages(p, env, remote, &x->pages) <
				    0) {
					plan_failed(failed, s, res);
					continue;
				}
				break;
			case DOCTOR_FIX_MOUNT:
				if (seen(&keys, xasprintf("mount %llu",
							  ULL(x->mount_kib))))
					continue;
				plan_mount(p, x->mount_kib);
				break;
			case DOCTOR_FIX_DAEMON:
				if (seen(&keys,
					 xasprintf("daemon %s", x->daemon)))
					continue;
				plan_daemon_restart(p, x->daemon);
				break;
			case DOCTOR_FIX_NONE:
				continue;
			}
			planned++;
		}
	}
	strlist_clear(&keys);
	return planned;
}
