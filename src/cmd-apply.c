/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-apply.c: `virtshare apply FILE.ini`, a whole host's shares at once */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cli.h"
#include "error.h"
#include "fleet.h"
#include "json.h"
#include "plan.h"

/* A file of one host; of several (fleet.h): FLEET_SCHEMA. */
#define APPLY_SCHEMA 1
#define FLEET_SCHEMA 2

enum {
	OPT_JSON = CLI_OPT_FIRST_OWN,
	OPT_JOBS,
};

struct apply_opts {
	bool dry_run;
	bool yes;
	bool json;
	unsigned jobs;
};

/*
 * The connection: -c (or --demo) wins over the file's uri, which wins
 * over $VIRTSHARE_URI and libvirt's default.
 */
static struct virt_conn *
apply_connect(struct cli *cli, const struct cfg *c)
{
	if (c->uri && (!cli->uri_given || cli->uri_from_env)) {
		free(cli->uri);
		cli->uri = xstrdup(c->uri);
		cli->uri_given = true;
	}
	return cli_connect(cli);
}

/* ---- a file of several hosts -------------------------------------------- */

static void
fleet_print_json(const struct cfg *c, const struct fleet *f, bool applied)
{
	struct json j;
	AUTOFREE char *doc = NULL;

	json_init(&j);
	json_obj_begin(&j, NULL);
	json_int(&j, "schema", FLEET_SCHEMA);
	json_str(&j, "file", c->file);
	json_bool(&j, "changes", fleet_changes(f));
	json_bool(&j, "applied", applied);
	json_int(&j, "status", fleet_status(f));
	fleet_json(f, &j);
	json_obj_end(&j);
	doc = json_steal(&j);
	cli_out(doc);
}

/*
 * Every host planned first, one plan shown, asked once, then applied
 * host by host. The exit status is fleet_status()'s.
 */
static int
apply_fleet(struct cli *cli, const struct cfg *c, const struct apply_opts *o)
{
	AUTOPTR(fleet) f = NULL;
	AUTOFREE char *plan = NULL, *summary = NULL;
	int go;

	if (cli_fleet_check(cli, c) < 0)
		return -1;
	f = fleet_new(c, cli->root, o->jobs ? o->jobs : FLEET_JOBS_DEFAULT);
	cli_fleet_progress(f, o->json);
	fleet_plan(f);
	if (o->json) {
		bool go_on = o->yes && !o->dry_run && fleet_changes(f);

		if (go_on)
			fleet_apply(f, plan_statedir());
		fleet_print_json(c, f, go_on);
		return fleet_status(f);
	}
	plan = fleet_render_plan(f);
	printf(_("Plan for %1$s on %2$zu hosts:\n\n"), c->file, f->n);
	cli_out(plan);
	if (!fleet_changes(f)) {
		if (fleet_status(f) == EXIT_OK)
			printf(_("\nNo changes on any host reached: everything "
				 "there is as %s says.\n"),
			       c->file);
		else
			printf(_("\nNothing to apply: what is refused or not "
				 "reached above stays as it is; the rest is "
				 "as %s says.\n"),
			       c->file);
		return fleet_status(f);
	}
	if (o->dry_run) {
		cli_out(_("\nDry run: nothing was changed.\n"));
		return fleet_status(f);
	}
	fputs("\n", stdout);
	if ((go = cli_confirm(o->yes, _("Apply these changes on every host "
					"reached? [y/N]"))) <= 0)
		return go < 0 ? -1 : EXIT_FAILED;
	fleet_apply(f, plan_statedir());
	summary = fleet_render_summary(f);
	fputs("\n", stdout);
	cli_out(summary);
	return fleet_status(f);
}

/* ---- a file of one host ------------------------------------------------- */

/*
 * Where pools are read and changed: the host tree of --root (or the
 * demo's), this host for a local URI, else through libvirt.
 */
static struct host_info *
apply_pools(struct cli *cli, struct virt_conn *conn, struct pages_target *t)
{
	return fleet_pools_read(conn, cli->root, cli->demo, t);
}

static void
print_json(const struct cfg *c, struct virt_conn *conn, const struct plan *p,
	   bool applied, const struct strlist *done, bool failed)
{
	struct json j;
	AUTOFREE char *doc = NULL;

	json_init(&j);
	json_obj_begin(&j, NULL);
	json_int(&j, "schema", APPLY_SCHEMA);
	json_str(&j, "file", c->file);
	json_str(&j, "uri", virt_uri(conn));
	json_bool(&j, "changes", plan_changes(p));
	plan_json(p, &j);
	json_bool(&j, "applied", applied);
	json_arr_begin(&j, "done");
	for (size_t i = 0; done && i < done->n; i++)
		json_str(&j, NULL, done->v[i]);
	json_arr_end(&j);
	json_error(&j, vs_error_code(), failed ? vs_error_message() : NULL);
	json_obj_end(&j);
	doc = json_steal(&j);
	cli_out(doc);
}

/* --json: the plan, and what applying it did (only with --yes). */
static int
apply_json(struct cli *cli, const struct cfg *c, struct virt_conn *conn,
	   struct plan *p, const struct apply_opts *o)
{
	struct plan_ctx ctx = {.statedir = plan_statedir()};
	struct strlist done = {0};
	int rc = 0;

	if (!o->yes || o->dry_run || !plan_changes(p)) {
		print_json(c, conn, p, false, NULL, false);
		return EXIT_OK;
	}
	if (cli->demo && plan_changes_host(p))
		rc = vs_error(VS_ERR_UNSUPPORTED,
			      _("The demo changes nothing on this host, and "
				"this plan would start or stop virtiofs "
				"daemons or change hugepage pools. Add "
				"--dry-run to only see it."));
	else
		rc = plan_apply(p, &ctx, &done);
	print_json(c, conn, p, rc == 0, &done, rc < 0);
	strlist_clear(&done);
	return rc < 0 ? -1 : EXIT_OK;
}

int
cmd_apply(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		CLI_CHANGE_LONGOPTS,
		{"json", no_argument, NULL, OPT_JSON},
		{"jobs", required_argument, NULL, OPT_JOBS},
		{NULL, 0, NULL, 0},
	};
	struct apply_opts o = {0};
	AUTOPTR(cfg) c = NULL;
	AUTOPTR(plan) p = plan_new();
	AUTOPTR(inspection) in = NULL;
	AUTOPTR(host_info) pools = NULL;
	AUTOFREE char *summary = NULL, *details = NULL;
	struct cfg_env env = {0};
	struct virt_conn *conn;
	int ch;

	cli_options_first(argc, argv, "", opts);
	while ((ch = cli_getopt(cli, argc, argv, "", opts)) != -1) {
		if (ch == 'h')
			return EXIT_OK;
		if (ch == '?')
			return -1;
		if (ch == CLI_OPT_DRY_RUN)
			o.dry_run = true;
		else if (ch == CLI_OPT_YES)
			o.yes = true;
		else if (ch == OPT_JSON)
			o.json = true;
		else if (ch == OPT_JOBS && cli_jobs(optarg, &o.jobs) < 0)
			return -1;
	}
	if (cli_args(cli, argc, argv, 1, 1) < 0 ||
	    !(c = cfg_load(argv[optind])))
		return -1;
	if (c->nhosts)
		return apply_fleet(cli, c, &o);
	if (!(conn = apply_connect(cli, c)))
		return -1;
	in = inspection_gather(cli->root, conn, NULL, 0);
	env.conn = conn;
	env.in = in;
	/* A remote host's directories cannot be checked from here. */
	env.root = virt_is_remote(conn) ? NULL : cli->root;
	if (c->npools) {
		if (!(pools = apply_pools(cli, conn, &env.pages)))
			return -1;
		env.pools = pools;
	}
	if (cfg_plan(c, &env, p) < 0)
		return -1;
	if (o.json)
		return apply_json(cli, c, conn, p, &o);
	summary = plan_summary(p);
	printf(_("Plan for %1$s on %2$s:\n"), c->file, virt_uri(conn));
	cli_out(summary);
	details = plan_render_changes(p);
	if (*details) {
		fputs("\n", stdout);
		cli_out(details);
	}
	if (!plan_changes(p)) {
		printf(_("No changes: everything is as %s says.\n"), c->file);
		return EXIT_OK;
	}
	fputs("\n", stdout);
	return cli_plan_apply(cli, p, o.dry_run, o.yes);
}
