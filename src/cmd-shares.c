/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-shares.c: `virtshare shares`, a domain's virtiofs shares and memory */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "agent-list.h"
#include "agent.h"
#include "cli.h"
#include "compat.h"
#include "domxml.h"
#include "error.h"
#include "json.h"
#include "plan.h"
#include "table.h"

#define SHARES_SCHEMA 1

static const char *
switch_name(enum domxml_switch s)
{
	return s == DOMXML_ON ? "on" : s == DOMXML_OFF ? "off" : NULL;
}

static void
opt_str(struct strbuf *sb, const char *name, const char *value)
{
	if (!value)
		return;
	if (sb->len)
		sb_addc(sb, ' ');
	sb_printf(sb, "%s=%s", name, value);
}

static void
opt_ranges(struct strbuf *sb, const char *kind, const struct domxml_idmap *r,
	   size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (sb->len)
			sb_addc(sb, ' ');
		sb_printf(sb, "idmap=%s:%u:%u:%u", kind, r[i].start,
			  r[i].target, r[i].count);
	}
}

/* The options of a share as the command line writes them. */
static char *
options_text(const struct domxml_share *s)
{
	struct strbuf sb = STRBUF_INIT;
	char num[32];

	if (s->queue) {
		snprintf(num, sizeof(num), "%u", s->queue);
		opt_str(&sb, "queue", num);
	}
	opt_str(&sb, "binary", s->binary);
	opt_str(&sb, "xattr", switch_name(s->xattr));
	opt_str(&sb, "cache", s->cache);
	opt_str(&sb, "sandbox", s->sandbox);
	opt_str(&sb, "lock-posix", switch_name(s->lock_posix));
	opt_str(&sb, "flock", switch_name(s->flock));
	if (s->thread_pool >= 0) {
		snprintf(num, sizeof(num), "%d", s->thread_pool);
		opt_str(&sb, "thread-pool", num);
	}
	if (s->openfiles) {
		snprintf(num, sizeof(num), "%" PRIu64, s->openfiles);
		opt_str(&sb, "openfiles", num);
	}
	opt_ranges(&sb, "uid", s->uid, s->nuid);
	opt_ranges(&sb, "gid", s->gid, s->ngid);
	if (s->readonly == DOMXML_ON)
		sb_add(&sb, sb.len ? " readonly" : "readonly");
	opt_str(&sb, "alias", s->alias);
	return sb.len ? sb_steal(&sb) : xstrdup("-");
}

static char *
memory_text(const struct domxml_memory *m)
{
	struct strbuf sb = STRBUF_INIT;
	AUTOFREE char *why = NULL;
	AUTOFREE char *size = size_format_kib(m->memory_kib);

	sb_printf(&sb, _("Memory: %1$s, %2$s"), size, domxml_memory_kind(m));
	for (size_t i = 0; i < m->npages; i++) {
		AUTOFREE char *p = m->pages[i].size_kib
				       ? size_format_kib(m->pages[i].size_kib)
				       : xstrdup(_("default"));

		sb_printf(&sb, m->pages[i].nodeset ? _(" (%1$s pages on "
						       "guest nodes %2$s)")
						   : _(" (%s pages)"),
			  p, m->pages[i].nodeset);
	}
	if (m->ncells)
		sb_printf(&sb,
			  P_(", %zu guest NUMA cell", ", %zu guest NUMA cells",
			     m->ncells),
			  m->ncells);
	if (domxml_memory_shared(m, &why))
		sb_add(&sb, _(", shared: ready for virtiofs.\n"));
	else
		sb_printf(&sb, _(", not shared: %s. virtiofs needs shared "
				 "memory; 'virtshare share' sets it up.\n"),
			  why);
	return sb_steal(&sb);
}

/* virtshare's record of the share tag, or NULL. Borrowed from r. */
static const struct domxml_record *
record_of(const struct domxml_record *r, size_t n, const char *tag)
{
	for (size_t i = 0; tag && i < n; i++)
		if (r[i].tag && STREQ(r[i].tag, tag))
			return &r[i];
	return NULL;
}

/* The options of the daemon virtshare runs, as it takes them. */
static char *
record_text(const struct domxml_record *r)
{
	struct strbuf sb = STRBUF_INIT;

	opt_str(&sb, "cache", r->cache);
	opt_str(&sb, "xattr", r->xattr);
	opt_str(&sb, "readonly", r->readonly);
	opt_str(&sb, "sandbox", r->sandbox);
	opt_str(&sb, "thread-pool", r->thread_pool);
	opt_str(&sb, "log-level", r->log_level);
	opt_str(&sb, "socket-user", r->socket_user);
	opt_str(&sb, "socket-group", r->socket_group);
	return sb_steal(&sb);
}

/* What the running guest has mounted, when it runs (else not asked). */
struct guest_mounts {
	bool running;
	struct agent_list list;
};

static void
guest_mounts_read(struct virt_conn *conn, const char *domain,
		  struct guest_mounts *g)
{
	AUTOPTR(agent) a = NULL;
	bool persistent;

	memset(g, 0, sizeof(*g));
	if (!conn || virt_is_test(conn) ||
	    virt_domain_status(conn, domain, &g->running, &persistent) < 0 ||
	    !g->running) {
		g->running = false;
		vs_error_reset();
		return;
	}
	a = agent_open(conn, domain);
	agent_list_read(a, &g->list);
}

static void
mounts_text(const struct guest_mounts *g, const struct domxml_share *s,
	    size_t n, struct strbuf *sb)
{
	if (!g->running || !n)
		return;
	if (g->list.state == AGENT_LIST_WINDOWS) {
		sb_add(sb, _("The guest runs Windows: its mounts cannot be read "
			     "through the guest agent, so whether it has the "
			     "shares mounted is unknown. In the guest, the "
			     "VirtIO-FS service shows each share it mounts as "
			     "a drive letter.\n"));
		return;
	}
	if (g->list.state == AGENT_LIST_UNKNOWN) {
		sb_printf(sb, _("The guest runs; whether it has the shares "
				"mounted is not known: %s\n"),
			  g->list.why ? g->list.why : "");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		AUTOFREE char *on = agent_list_dirs(&g->list, s[i].tag);

		if (*on)
			sb_printf(sb, _("The running guest has '%1$s' mounted "
					"on %2$s.\n"),
				  s[i].tag, on);
		else
			sb_printf(sb, _("The running guest has not mounted "
					"'%s'.\n"),
				  s[i].tag ? s[i].tag : "-");
	}
}

static char *
shares_text(const struct domxml *d, const struct domxml_share *s, size_t n,
	    const struct guest_mounts *g)
{
	struct strbuf sb = STRBUF_INIT;
	AUTOPTR(table) t = table_new(3);
	struct domxml_memory m;
	struct domxml_record *recs = NULL;
	AUTOFREE char *mem = NULL;
	size_t nrec;

	domxml_memory(d, &m);
	mem = memory_text(&m);
	domxml_memory_clear(&m);
	sb_printf(&sb, _("Domain '%s'\n"), domxml_name(d));
	sb_add(&sb, mem);
	if (!n) {
		sb_add(&sb, _("No virtiofs shares.\n"));
		return sb_steal(&sb);
	}
	sb_addc(&sb, '\n');
	nrec = domxml_records(d, &recs);
	table_rowv(t, _("TAG"), _("SOURCE"), _("OPTIONS"));
	for (size_t i = 0; i < n; i++) {
		const struct domxml_record *r =
		    s[i].socket ? record_of(recs, nrec, s[i].tag) : NULL;
		AUTOFREE char *opts = options_text(&s[i]);
		AUTOFREE char *ropts = r ? record_text(r) : NULL;
		AUTOFREE char *src = NULL;

		if (r)
			src = xasprintf(_("%1$s through virtshare-fsd on %2$s"),
					r->dir ? r->dir : "?", s[i].socket);
		else if (s[i].socket)
			src = xasprintf(_("socket %s"), s[i].socket);
		else
			src = xstrdup(s[i].dir ? s[i].dir : "-");
		if (ropts && *ropts) {
			AUTOFREE char *all = STREQ(opts, "-")
						 ? xstrdup(ropts)
						 : xasprintf("%s %s", opts,
							     ropts);

			free(opts);
			opts = steal_ptr(all);
		}
		table_rowv(t, s[i].tag ? s[i].tag : "-", src, opts);
	}
	table_render(t, 0, &sb);
	mounts_text(g, s, n, &sb);
	domxml_records_free(recs, nrec);
	return sb_steal(&sb);
}

static void
json_switch(struct json *j, const char *key, enum domxml_switch s)
{
	json_str(j, key, switch_name(s));
}

static void
json_ranges(struct json *j, const char *key, const struct domxml_idmap *r,
	    size_t n)
{
	json_arr_begin(j, key);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(j, NULL);
		json_u64(j, "start", r[i].start);
		json_u64(j, "target", r[i].target);
		json_u64(j, "count", r[i].count);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
json_memory(struct json *j, const struct domxml *d)
{
	struct domxml_memory m;
	AUTOFREE char *why = NULL;
	bool shared;

	domxml_memory(d, &m);
	shared = domxml_memory_shared(&m, &why);
	json_obj_begin(j, "memory");
	json_u64(j, "memory_kib", m.memory_kib);
	json_str(j, "kind", domxml_memory_kind(&m));
	json_str(j, "source", m.source);
	json_str(j, "access", m.access);
	json_arr_begin(j, "hugepages");
	for (size_t i = 0; m.hugepages && i < m.npages; i++) {
		json_obj_begin(j, NULL);
		if (m.pages[i].size_kib)
			json_u64(j, "size_kib", m.pages[i].size_kib);
		else
			json_null(j, "size_kib");
		json_str(j, "nodeset", m.pages[i].nodeset);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_bool(j, "hugepages_default", m.hugepages && !m.npages);
	json_arr_begin(j, "numa_cells");
	for (size_t i = 0; i < m.ncells; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "id", m.cells[i].id);
		json_u64(j, "memory_kib", m.cells[i].memory_kib);
		json_str(j, "mem_access", m.cells[i].mem_access);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_bool(j, "shared", shared);
	json_str(j, "not_shared_because", why);
	json_obj_end(j);
	domxml_memory_clear(&m);
}

/* "virtshare_fsd": what virtshare's record says it serves, or null. */
static void
json_record(struct json *j, const struct domxml_record *r)
{
	if (!r) {
		json_null(j, "virtshare_fsd");
		return;
	}
	json_obj_begin(j, "virtshare_fsd");
	json_str(j, "dir", r->dir);
	json_str(j, "cache", r->cache);
	json_str(j, "xattr", r->xattr);
	json_str(j, "readonly", r->readonly);
	json_str(j, "sandbox", r->sandbox);
	json_str(j, "thread_pool", r->thread_pool);
	json_str(j, "log_level", r->log_level);
	json_str(j, "socket_user", r->socket_user);
	json_str(j, "socket_group", r->socket_group);
	json_obj_end(j);
}

static char *
shares_json(const struct domxml *d, const struct domxml_share *s, size_t n,
	    const struct guest_mounts *g)
{
	struct domxml_record *recs = NULL;
	size_t nrec = domxml_records(d, &recs);
	struct json j;

	json_init(&j);
	json_obj_begin(&j, NULL);
	json_int(&j, "schema", SHARES_SCHEMA);
	json_str(&j, "domain", domxml_name(d));
	json_memory(&j, d);
	json_arr_begin(&j, "shares");
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(&j, NULL);
		json_str(&j, "tag", s[i].tag);
		json_str(&j, "dir", s[i].dir);
		json_str(&j, "socket", s[i].socket);
		if (s[i].queue)
			json_u64(&j, "queue", s[i].queue);
		else
			json_null(&j, "queue");
		json_str(&j, "binary", s[i].binary);
		json_switch(&j, "xattr", s[i].xattr);
		json_str(&j, "cache", s[i].cache);
		json_str(&j, "sandbox", s[i].sandbox);
		json_switch(&j, "lock_posix", s[i].lock_posix);
		json_switch(&j, "flock", s[i].flock);
		if (s[i].thread_pool >= 0)
			json_int(&j, "thread_pool", s[i].thread_pool);
		else
			json_null(&j, "thread_pool");
		if (s[i].openfiles)
			json_u64(&j, "openfiles", s[i].openfiles);
		else
			json_null(&j, "openfiles");
		json_obj_begin(&j, "idmap");
		json_ranges(&j, "uid", s[i].uid, s[i].nuid);
		json_ranges(&j, "gid", s[i].gid, s[i].ngid);
		json_obj_end(&j);
		json_bool(&j, "readonly", s[i].readonly == DOMXML_ON);
		json_str(&j, "alias", s[i].alias);
		json_record(&j, s[i].socket ? record_of(recs, nrec, s[i].tag)
					    : NULL);
		/* Only when the guest runs (null: not known, Windows). */
		if (g->running)
			agent_list_json(&j, &g->list, s[i].tag);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	domxml_records_free(recs, nrec);
	return json_steal(&j);
}

int
cmd_shares(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"json", no_argument, NULL, 'j'},
		{"xml", required_argument, NULL, 'x'},
		{NULL, 0, NULL, 0},
	};
	const char *xml_file = NULL;
	AUTOFREE char *xml = NULL, *out = NULL, *what = NULL;
	AUTOPTR(domxml) d = NULL;
	struct domxml_share *s = NULL;
	struct virt_conn *conn = NULL;
	struct guest_mounts g;
	bool json = false;
	size_t n;
	int c;

	cli_options_first(argc, argv, "", opts);
	while ((c = cli_getopt(cli, argc, argv, "", opts)) != -1) {
		if (c == 'h')
			return EXIT_OK;
		if (c == 'j')
			json = true;
		else if (c == 'x')
			xml_file = optarg;
		else
			return -1;
	}
	if (cli_args(cli, argc, argv, 1, 1) < 0)
		return -1;
	if (xml_file) {
		if (!(xml = file_load(xml_file, COMPAT_XML_MAX, NULL)))
			return -1;
		what = xstrdup(xml_file);
	} else {
		if (!(conn = cli_connect(cli)) ||
		    !(xml = virt_domain_xml(conn, argv[optind], true)))
			return -1;
		what = xasprintf(_("domain '%s'"), argv[optind]);
	}
	if (!(d = domxml_parse(xml, what)))
		return -1;
	if (xml_file && (!domxml_name(d) ||
			 !STREQ(domxml_name(d), argv[optind])))
		return vs_error(VS_ERR_CONFLICT,
				_("%1$s defines the domain '%2$s', not '%3$s'. "
				  "Check the domain name and the file."),
				xml_file, domxml_name(d) ? domxml_name(d) : "",
				argv[optind]);
	n = domxml_shares(d, &s);
	guest_mounts_read(n ? conn : NULL, argv[optind], &g);
	out = json ? shares_json(d, s, n, &g) : shares_text(d, s, n, &g);
	agent_list_clear(&g.list);
	domxml_shares_free(s, n);
	cli_out(out);
	return EXIT_OK;
}
