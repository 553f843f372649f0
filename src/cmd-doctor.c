/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-doctor.c: `virtshare doctor`: what keeps virtiofs from working */
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cli.h"
#include "doctor.h"
#include "error.h"
#include "fleet.h"
#include "inspect.h"
#include "plan.h"
#include "table.h"

#define WRAP_WIDTH 79
#define VERDICT_WIDTH 9

enum {
	OPT_JSON = CLI_OPT_FIRST_OWN,
	OPT_FIX,
	OPT_XML,
	OPT_ALL_HOSTS,
	OPT_JOBS,
};

/* `doctor --all-hosts FILE --json`: a document of its own. */
#define ALL_HOSTS_SCHEMA 1

struct doctor_opts {
	bool json;
	bool fix;
	bool dry_run;
	bool yes;
	const char *xml;
	const char *domain;
	const char *all_hosts; /* the INI file */
	unsigned jobs;
};

/* Append text to sb wrapped at WRAP_WIDTH, every line after the first
 * starting with indent spaces (the first continues the current line at
 * column col). */
static void
wrap(struct strbuf *sb, const char *text, size_t col, size_t indent)
{
	const char *p = text;

	while (*p) {
		size_t word = strcspn(p, " ");
		AUTOFREE char *w = xstrndup(p, word);
		size_t width = text_width(w);

		if (col > indent && col + 1 + width > WRAP_WIDTH) {
			sb_addc(sb, '\n');
			sb_pad(sb, indent);
			col = indent;
		} else if (p != text) {
			sb_addc(sb, ' ');
			col++;
		}
		sb_addn(sb, p, word);
		col += width;
		p += word;
		while (*p == ' ')
			p++;
	}
	sb_addc(sb, '\n');
}

/* "Label text", the text wrapped under itself. */
static void
labelled(struct strbuf *sb, size_t indent, const char *label,
	 const char *text)
{
	size_t lw = text_width(label);

	sb_pad(sb, indent);
	sb_add(sb, label);
	sb_addc(sb, ' ');
	wrap(sb, text, indent + lw + 1, indent + lw + 1);
}

static size_t
id_width(const struct doctor_report *r)
{
	size_t w = 0;

	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->sections[i].n; k++) {
			size_t l = strlen(r->sections[i].results[k].check->id);

			w = l > w ? l : w;
		}
	return w;
}

static void
render_result(struct strbuf *sb, const struct doctor_result *r, size_t idw)
{
	const char *v = doctor_verdict_name(r->verdict);
	size_t body = 4 + VERDICT_WIDTH + idw + 2;
	const char *msg = r->message ? r->message : r->check->message;
	AUTOFREE char *line = NULL;

	sb_pad(sb, 4);
	sb_add(sb, v);
	sb_pad(sb, VERDICT_WIDTH - strlen(v));
	sb_add(sb, r->check->id);
	sb_pad(sb, idw + 2 - strlen(r->check->id));
	line = r->subject ? xasprintf("[%s] %s", r->subject, r->summary)
			  : xstrdup(r->summary ? r->summary : "");
	wrap(sb, line, body, body);
	if (r->verdict < DOCTOR_WARNING)
		return;
	if (msg && *msg && !r->nquotes)
		labelled(sb, body, _("Message:"), msg);
	for (size_t i = 0; i < r->nquotes; i++) {
		AUTOFREE char *where =
		    xasprintf(_("Seen in %s:"), r->quotes[i].file);

		sb_pad(sb, body);
		sb_printf(sb, "%s\n", where);
		sb_pad(sb, body + 2);
		sb_printf(sb, "%s\n", r->quotes[i].line);
	}
	labelled(sb, body, _("Why:"),
		 r->detail ? r->detail : _(r->check->cause));
	labelled(sb, body, _("Fix:"), r->fix ? r->fix : _(r->check->fix));
	/* Not wrapped: it is to be copied. */
	if (r->command) {
		sb_pad(sb, body);
		sb_printf(sb, "%s %s\n", _("Run:"), r->command);
	}
}

static void
render_section(struct strbuf *sb, const struct doctor_section *s, size_t idw)
{
	int group = -1;

	if (!s->domain)
		sb_printf(sb, _("Host and libvirt (%s)\n"),
			  s->source ? s->source : _("no libvirt"));
	else if (s->state)
		sb_printf(sb, _("Domain '%1$s' (%2$s, %3$s)\n"), s->domain,
			  s->state, s->source);
	else
		sb_printf(sb, _("Domain '%1$s' (%2$s)\n"), s->domain,
			  s->source);
	for (size_t i = 0; i < s->n; i++) {
		const struct doctor_result *r = &s->results[i];

		if ((int)r->check->group != group) {
			group = (int)r->check->group;
			sb_printf(sb, "  %s\n",
				  doctor_group_title(r->check->group));
		}
		render_result(sb, r, idw);
	}
}

static char *
render_text(const struct doctor_report *r)
{
	struct strbuf sb = STRBUF_INIT;
	size_t idw = id_width(r);
	AUTOFREE char *summary = NULL;

	for (size_t i = 0; i < r->n; i++) {
		if (i)
			sb_addc(&sb, '\n');
		render_section(&sb, &r->sections[i], idw);
	}
	if (r->notes.n)
		sb_add(&sb, _("\nNotes\n"));
	for (size_t i = 0; i < r->notes.n; i++)
		labelled(&sb, 2, "-", r->notes.v[i]);
	summary = xasprintf(
	    _("\nSummary: %1$u error(s), %2$u warning(s), %3$u ok, %4$u "
	      "skipped.\n"),
	    r->counts[DOCTOR_ERROR], r->counts[DOCTOR_WARNING],
	    r->counts[DOCTOR_OK], r->counts[DOCTOR_SKIPPED]);
	sb_add(&sb, summary);
	return sb_steal(&sb);
}

/* Everything the checks look at, and the libvirt they look through. */
static struct inspection *
gather(struct cli *cli, const struct doctor_opts *o, struct virt_conn **conn)
{
	AUTOFREE char *why = NULL;

	*conn = NULL;
	if (o->xml) {
		if (cli->uri_given && !(*conn = cli_connect(cli)))
			return NULL;
	} else if (o->domain) {
		if (!(*conn = cli_connect(cli)))
			return NULL;
	} else {
		*conn = cli_connect_optional(cli, &why);
		if (!*conn && !why)
			return NULL;
	}
	return inspection_gather(cli->root, *conn, why, HOST_PROBE_DAEMONS);
}

static struct doctor_report *
examine(struct cli *cli, const struct doctor_opts *o, struct doctor_env *env,
	struct inspection **in)
{
	AUTOPTR(doctor_report) r = doctor_report_new();
	struct virt_conn *conn;

	if (!(*in = gather(cli, o, &conn)))
		return NULL;
	doctor_env_init(env, *in, conn, cli->root);
	doctor_host(r, env);
	if (o->xml) {
		if (doctor_domain_file(r, env, o->domain, o->xml) < 0)
			return NULL;
	} else if (o->domain) {
		if (doctor_domain(r, env, o->domain) < 0)
			return NULL;
	} else if (conn) {
		if (doctor_domains(r, env) < 0)
			return NULL;
		if (r->n == 1)
			strlist_add(&r->notes,
				    _("No domain has a virtiofs share."));
	} else {
		strlist_take(&r->notes,
			     xasprintf(_("No domain was looked at: %s"),
				       (*in)->virt_error));
	}
	return steal_ptr(r);
}

static int
exit_status(const struct doctor_report *r)
{
	return r->counts[DOCTOR_ERROR] ? EXIT_FAILED : EXIT_OK;
}

/* ---- --all-hosts FILE.ini ----------------------------------------------- */

static void
all_hosts_json(const struct cfg *c, const struct fleet *f)
{
	struct json j;
	AUTOFREE char *doc = NULL;

	json_init(&j);
	json_obj_begin(&j, NULL);
	json_int(&j, "schema", ALL_HOSTS_SCHEMA);
	json_str(&j, "file", c->file);
	json_arr_begin(&j, "hosts");
	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_host *h = &f->hosts[i];

		json_obj_begin(&j, NULL);
		json_str(&j, "name", h->host->name);
		json_str(&j, "uri", h->host->uri);
		json_bool(&j, "reached", h->conn != NULL);
		json_error(&j, h->code, h->error);
		if (h->report)
			doctor_json_add(h->report, &j, "report");
		else
			json_null(&j, "report");
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	doc = json_steal(&j);
	cli_out(doc);
}

static char *
all_hosts_text(const struct fleet *f)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned errors = 0, warnings = 0;
	size_t reached = 0;

	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_host *h = &f->hosts[i];
		AUTOFREE char *text = h->report ? render_text(h->report) : NULL;

		sb_printf(&sb, _("%1$s=== Host %2$s (%3$s), %4$zu of %5$zu "
				 "===\n"),
			  i ? "\n" : "", h->host->name, h->host->uri, i + 1,
			  f->n);
		if (!h->conn) {
			labelled(&sb, 0, _("Not reached:"), h->error);
			continue;
		}
		reached++;
		if (h->error)
			labelled(&sb, 0, _("Domains not looked at:"), h->error);
		if (text)
			sb_add(&sb, text);
		errors += h->report ? h->report->counts[DOCTOR_ERROR] : 0;
		warnings += h->report ? h->report->counts[DOCTOR_WARNING] : 0;
	}
	sb_printf(&sb,
		  _("\nAll hosts: %1$zu of %2$zu reached; %3$u error(s), %4$u "
		    "warning(s).\n"),
		  reached, f->n, errors, warnings);
	return sb_steal(&sb);
}

/* 4 when a host was not reached (or its domains not looked at), else 1
 * when a check found an error, else 0. */
static int
all_hosts_status(const struct fleet *f)
{
	int status = EXIT_OK;

	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_host *h = &f->hosts[i];

		if (!h->conn || h->error)
			return EXIT_LIBVIRT;
		if (h->report && h->report->counts[DOCTOR_ERROR])
			status = EXIT_FAILED;
	}
	return status;
}

static int
run_all_hosts(struct cli *cli, const struct doctor_opts *o)
{
	AUTOPTR(cfg) c = cfg_load(o->all_hosts);
	AUTOPTR(fleet) f = NULL;
	AUTOFREE char *out = NULL;

	if (!c || cli_fleet_check(cli, c) < 0)
		return -1;
	if (!c->nhosts)
		return vs_error(VS_ERR_USAGE,
				_("%1$s names no host in a [host NAME] "
				  "section: for one host, run '%2$s doctor' "
				  "with -c URI."),
				o->all_hosts, cli->prog);
	f = fleet_new(c, cli->root, o->jobs ? o->jobs : FLEET_JOBS_DEFAULT);
	cli_fleet_progress(f, o->json);
	fleet_doctor(f);
	if (o->json) {
		all_hosts_json(c, f);
	} else {
		out = all_hosts_text(f);
		cli_out(out);
	}
	return all_hosts_status(f);
}

/* Plan the fixes, show and apply them, then look again. */
static int
run_fix(struct cli *cli, const struct doctor_opts *o,
	const struct doctor_report *r, const struct doctor_env *env)
{
	AUTOPTR(plan) p = plan_new();
	AUTOPTR(doctor_report) after = NULL;
	AUTOPTR(inspection) in = NULL;
	struct strlist failed = {0};
	struct doctor_env env2;
	size_t n = doctor_plan(r, env, o->xml, p, &failed);
	int status;

	if (failed.n)
		cli_out(_("\nThese fixes cannot be made:\n"));
	for (size_t i = 0; i < failed.n; i++) {
		struct strbuf sb = STRBUF_INIT;

		labelled(&sb, 2, "-", failed.v[i]);
		cli_out(sb_str(&sb));
		sb_clear(&sb);
	}
	strlist_clear(&failed);
	if (!n) {
		cli_out(_("\nNothing here is for virtshare to fix: the fixes "
			  "above are yours to make.\n"));
		return exit_status(r);
	}
	cli_out(_("\nThe fixes virtshare can make:\n\n"));
	status = cli_plan_run(cli, p, o->dry_run, o->yes);
	if (status != EXIT_OK || o->dry_run)
		return status < 0 ? status : status ? status : exit_status(r);
	if (!(after = examine(cli, o, &env2, &in)))
		return -1;
	printf(_("\nAfter the fixes: %1$u error(s), %2$u warning(s). Run "
		 "'%3$s doctor' again for the details.\n"),
	       after->counts[DOCTOR_ERROR], after->counts[DOCTOR_WARNING],
	       cli->prog);
	return exit_status(after);
}

int
cmd_doctor(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"json", no_argument, NULL, OPT_JSON},
		{"fix", no_argument, NULL, OPT_FIX},
		CLI_CHANGE_LONGOPTS,
		{"xml", required_argument, NULL, OPT_XML},
		{"all-hosts", required_argument, NULL, OPT_ALL_HOSTS},
		{"jobs", required_argument, NULL, OPT_JOBS},
		{NULL, 0, NULL, 0},
	};
	struct doctor_opts o = {0};
	AUTOPTR(doctor_report) r = NULL;
	AUTOPTR(inspection) in = NULL;
	struct doctor_env env;
	AUTOFREE char *out = NULL;
	int c;

	cli_options_first(argc, argv, "", opts);
	while ((c = cli_getopt(cli, argc, argv, "", opts)) != -1) {
		if (c == 'h')
			return EXIT_OK;
		if (c == '?')
			return -1;
		o.json |= c == OPT_JSON;
		o.fix |= c == OPT_FIX;
		o.dry_run |= c == CLI_OPT_DRY_RUN;
		o.yes |= c == CLI_OPT_YES;
		if (c == OPT_XML)
			o.xml = optarg;
		if (c == OPT_ALL_HOSTS)
			o.all_hosts = optarg;
		if (c == OPT_JOBS && cli_jobs(optarg, &o.jobs) < 0)
			return -1;
	}
	if (cli_args(cli, argc, argv, 0, 1) < 0)
		return -1;
	o.domain = optind < argc ? argv[optind] : NULL;
	if (o.all_hosts && (o.domain || o.xml || o.fix))
		return vs_error(VS_ERR_USAGE,
				_("--all-hosts FILE.ini checks every host and "
				  "domain of the file: it goes with --json and "
				  "--jobs, not with DOMAIN, --xml or --fix."));
	if (o.jobs && !o.all_hosts)
		return vs_error(VS_ERR_USAGE,
				_("--jobs goes with --all-hosts FILE.ini."));
	if (o.all_hosts && !o.dry_run && !o.yes)
		return run_all_hosts(cli, &o);
	if (o.xml && !o.domain)
		return vs_error(VS_ERR_USAGE,
				_("--xml FILE needs the domain's name: %s "
				  "doctor DOMAIN --xml FILE"),
				cli->prog);
	if ((o.dry_run || o.yes) && !o.fix)
		return vs_error(VS_ERR_USAGE,
				_("--dry-run and --yes go with --fix: %s "
				  "doctor --fix --dry-run shows the fixes, "
				  "--fix --yes makes them."),
				cli->prog);
	if (o.json && o.fix)
		return vs_error(VS_ERR_USAGE,
				_("--json and --fix exclude each other: run "
				  "'%s doctor --json' for the report, then "
				  "doctor --fix to make the fixes."),
				cli->prog);
	if (o.fix && cli->demo)
		return vs_error(VS_ERR_UNSUPPORTED,
				_("The demo changes nothing. Run doctor --fix "
				  "without --demo on a host you administer."));
	if (!(r = examine(cli, &o, &env, &in)))
		return -1;
	out = o.json ? doctor_json(r) : render_text(r);
	cli_out(out);
	if (o.fix)
		return run_fix(cli, &o, r, &env);
	return exit_status(r);
}
