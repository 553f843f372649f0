/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-share.c: the commands that change a domain: share, unshare, undo */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "inspect.h"
#include "plan.h"

enum {
	OPT_DIR = CLI_OPT_FIRST_OWN,
	OPT_TAG,
	OPT_BACKING,
	OPT_CACHE,
	OPT_XATTR,
	OPT_NO_XATTR,
	OPT_READONLY,
	OPT_NO_READONLY,
	OPT_SOCKET,
	OPT_BINARY,
	OPT_IDMAP,
	OPT_QUEUE,
	OPT_SANDBOX,
	OPT_LOCK_POSIX,
	OPT_FLOCK,
	OPT_THREAD_POOL,
	OPT_OPENFILES,
	OPT_ALIAS,
	OPT_DAEMON,
	OPT_LOG_LEVEL,
	OPT_SOCKET_USER,
	OPT_SOCKET_GROUP,
	OPT_XML,
	OPT_CONFIG_ONLY,
	OPT_MOUNT,
	OPT_PERSIST,
	OPT_AGENT,
	OPT_RESTART,
	OPT_FORCE,
	OPT_ROOT_PORTS,
	OPT_TIMEOUT,
};

/* A --timeout or --root-ports value: a whole number in [min, max]. */
static int
number_opt(const char *opt, const char *value, int min, int max, int *out)
{
	if (str_to_int(value, out) < 0 || *out < min || *out > max)
		return vs_error(VS_ERR_USAGE,
				_("%1$s takes a whole number from %2$d to %3$d, "
				  "not '%4$s'."),
				opt, min, max, value);
	return 0;
}

/* The options of both commands that do not describe the share. */
struct run_opts {
	bool dry_run;
	bool yes;
	const char *xml;
};

/*
 * The share options of the command line, by the names of
 * share_request_set(): a switch without an argument sets value.
 */
static const struct share_flag {
	int code;
	const char *name;
	const char *value; /* NULL: the option's argument */
} share_flags[] = {
	{OPT_DIR, "dir", NULL},
	{OPT_TAG, "tag", NULL},
	{OPT_SOCKET, "socket", NULL},
	{OPT_BINARY, "binary", NULL},
	{OPT_CACHE, "cache", NULL},
	{OPT_SANDBOX, "sandbox", NULL},
	{OPT_ALIAS, "alias", NULL},
	{OPT_XATTR, "xattr", "yes"},
	{OPT_NO_XATTR, "xattr", "no"},
	{OPT_READONLY, "readonly", "yes"},
	{OPT_NO_READONLY, "readonly", "no"},
	{OPT_LOCK_POSIX, "lock-posix", NULL},
	{OPT_FLOCK, "flock", NULL},
	{OPT_QUEUE, "queue", NULL},
	{OPT_THREAD_POOL, "thread-pool", NULL},
	{OPT_OPENFILES, "openfiles", NULL},
	{OPT_IDMAP, "idmap", NULL},
	{OPT_LOG_LEVEL, "log-level", NULL},
	{OPT_SOCKET_USER, "socket-user", NULL},
	{OPT_SOCKET_GROUP, "socket-group", NULL},
};

static const struct share_flag *
flag_for(int code)
{
	for (size_t i = 0; i < ARRAY_SIZE(share_flags); i++)
		if (share_flags[i].code == code)
			return &share_flags[i];
	return NULL;
}

/* "--name" of the long option with that code. Caller frees. */
static char *
opt_name(const struct option *opts, int code)
{
	for (; opts->name; opts++)
		if (opts->val == code)
			return xasprintf("--%s", opts->name);
	return xstrdup("?");
}

/* A share option as given, set once the daemon is known. */
struct given {
	const char *name;
	const char *value;
	char *shown;
};

/* Options every plan command has; 1 when c was one of them. */
static int
run_opt(int c, struct run_opts *o)
{
	if (c == CLI_OPT_DRY_RUN)
		o->dry_run = true;
	else if (c == CLI_OPT_YES)
		o->yes = true;
	else if (c == OPT_XML)
		o->xml = optarg;
	else
		return 0;
	return 1;
}

#define RUN_LONGOPTS                                                \
	CLI_CHANGE_LONGOPTS,                                        \
	{"xml", required_argument, NULL, OPT_XML}

/*
 * The host directory is checked where the guest runs: on this host for
 * a file or a local libvirt, not at all for a remote one.
 */
static const char *
dir_root(struct cli *cli, const struct run_opts *o, struct virt_conn *conn)
{
	if (o->xml || !conn || !virt_is_remote(conn))
		return cli->root;
	return NULL;
}

/* Who runs the daemon: as --daemon says, else external with --socket. */
static int
request_fill(struct share_request *r, const char *daemon, struct given *g,
	     size_t n)
{
	bool socket = false;

	for (size_t i = 0; i < n; i++)
		socket |= STREQ(g[i].name, "socket");
	if (daemon && share_request_daemon(r, daemon, "--daemon") < 0)
		return -1;
	if (!daemon && socket)
		r->daemon = SHARE_DAEMON_EXTERNAL;
	for (size_t i = 0; i < n; i++)
		if (share_request_set(r, g[i].name, g[i].value, g[i].shown) < 0)
			return -1;
	return 0;
}

int
cmd_share(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"dir", required_argument, NULL, OPT_DIR},
		{"tag", required_argument, NULL, OPT_TAG},
		{"backing", required_argument, NULL, OPT_BACKING},
		{"cache", required_argument, NULL, OPT_CACHE},
		{"xattr", no_argument, NULL, OPT_XATTR},
		{"no-xattr", no_argument, NULL, OPT_NO_XATTR},
		{"readonly", no_argument, NULL, OPT_READONLY},
		{"no-readonly", no_argument, NULL, OPT_NO_READONLY},
		{"socket", required_argument, NULL, OPT_SOCKET},
		{"binary", required_argument, NULL, OPT_BINARY},
		{"idmap", required_argument, NULL, OPT_IDMAP},
		{"queue", required_argument, NULL, OPT_QUEUE},
		{"sandbox", required_argument, NULL, OPT_SANDBOX},
		{"lock-posix", required_argument, NULL, OPT_LOCK_POSIX},
		{"flock", required_argument, NULL, OPT_FLOCK},
		{"thread-pool", required_argument, NULL, OPT_THREAD_POOL},
		{"openfiles", required_argument, NULL, OPT_OPENFILES},
		{"alias", required_argument, NULL, OPT_ALIAS},
		{"daemon", required_argument, NULL, OPT_DAEMON},
		{"log-level", required_argument, NULL, OPT_LOG_LEVEL},
		{"socket-user", required_argument, NULL, OPT_SOCKET_USER},
		{"socket-group", required_argument, NULL, OPT_SOCKET_GROUP},
		{"config-only", no_argument, NULL, OPT_CONFIG_ONLY},
		{"mount", required_argument, NULL, OPT_MOUNT},
		{"persist", no_argument, NULL, OPT_PERSIST},
		{"agent", no_argument, NULL, OPT_AGENT},
		{"restart", no_argument, NULL, OPT_RESTART},
		{"force", no_argument, NULL, OPT_FORCE},
		{"root-ports", required_argument, NULL, OPT_ROOT_PORTS},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		RUN_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct share_request req;
	struct run_opts o = {0};
	AUTOPTR(plan) p = plan_new();
	AUTOPTR(inspection) in = NULL;
	AUTOPTR(plan_target) t = NULL;
	AUTOFREE struct given *given = xcalloc((size_t)argc, sizeof(*given));
	const char *daemon = NULL, *tag = NULL;
	enum share_daemon_kind kind;
	bool source = false, options_only, config_only = false;
	bool persist = false;
	const char *mount = NULL;
	size_t ngiven = 0;
	int c, n, ret = -1;

	share_request_init(&req);
	cli_options_first(argc, argv, "", opts);
	while ((c = cli_getopt(cli, argc, argv, "", opts)) != -1) {
		const struct share_flag *f = flag_for(c);

		if (c == 'h') {
			ret = EXIT_OK;
			goto out;
		}
		if (c == '?')
			goto out;
		if (run_opt(c, &o))
			continue;
		if (f) {
			given[ngiven].name = f->name;
			given[ngiven].value = f->value ? f->value : optarg;
			given[ngiven++].shown = opt_name(opts, c);
		} else if (c == OPT_DAEMON) {
			daemon = optarg;
		} else if (c == OPT_CONFIG_ONLY) {
			config_only = true;
		} else if (c == OPT_MOUNT) {
			mount = optarg;
		} else if (c == OPT_PERSIST) {
			persist = true;
		} else if (c == OPT_AGENT) {
			req.agent = true;
		} else if (c == OPT_RESTART) {
			req.restart = true;
		} else if (c == OPT_FORCE) {
			req.force = true;
		} else if (c == OPT_ROOT_PORTS) {
			if (number_opt("--root-ports", optarg, 0,
				       SHARE_ROOT_PORTS_MAX, &n) < 0)
				goto out;
			req.root_ports = (unsigned)n;
		} else if (c == OPT_TIMEOUT) {
			if (number_opt("--timeout", optarg, 1, 3600, &n) < 0)
				goto out;
			req.shutdown_timeout = n;
		} else if (c == OPT_BACKING) {
			domxml_backing_clear(&req.backing);
			if (domxml_backing_parse(optarg, &req.backing) < 0)
				goto out;
			req.backing_given = true;
		}
	}
	for (size_t i = 0; i < ngiven; i++) {
		source |= STREQ(given[i].name, "dir") ||
			  STREQ(given[i].name, "socket");
		if (STREQ(given[i].name, "tag"))
			tag = given[i].value;
	}
	/* Options alone change the share of the tag: they go where the
	 * options of its daemon go, known once its domain is read. */
	options_only = tag && !source && !daemon;
	if ((!options_only && request_fill(&req, daemon, given, ngiven) < 0) ||
	    cli_args(cli, argc, argv, 1, 1) < 0 ||
	    str_text_check(argv[optind], _("the DOMAIN argument")) < 0)
		goto out;
	if (options_only) {
		if (!(t = cli_target(cli, argv[optind], o.xml)))
			goto out;
		if (plan_share_kind(t, tag, &kind) &&
		    kind == SHARE_DAEMON_EXTERNAL)
			daemon = "external";
		if (request_fill(&req, daemon, given, ngiven) < 0)
			goto out;
	}
	if (!req.share.tag) {
		vs_error(VS_ERR_USAGE,
			 _("Give the mount tag with --tag TAG: the name the "
			   "guest mounts (mount -t virtiofs TAG /mnt)."));
		goto out;
	}
	if (persist && !mount) {
		vs_error(VS_ERR_USAGE, _("--persist goes with --mount DIR: the "
					 "directory the guest mounts the share "
					 "on."));
		goto out;
	}
	if (req.shutdown_timeout && !req.restart) {
		vs_error(VS_ERR_USAGE, _("--timeout goes with --restart: it is "
					 "how long the guest has to shut "
					 "down."));
		goto out;
	}
	if (req.force && !req.restart) {
		vs_error(VS_ERR_USAGE, _("--force goes with --restart: it powers "
					 "off a guest that does not shut "
					 "down."));
		goto out;
	}
	req.config_only = config_only;
	if (mount && share_request_mount(&req, mount, "--mount") < 0)
		goto out;
	req.persist_mount = persist;
	if (!t && !(t = cli_target(cli, argv[optind], o.xml)))
		goto out;
	in = inspection_gather(cli->root, o.xml ? NULL : cli->conn, NULL, 0);
	if (plan_share(p, steal_ptr(t), &req, in,
		       dir_root(cli, &o, cli->conn)) < 0)
		goto out;
	ret = cli_plan_run(cli, p, o.dry_run, o.yes);
out:
	for (size_t i = 0; i < ngiven; i++)
		free(given[i].shown);
	share_request_clear(&req);
	return ret;
}

int
cmd_unshare(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"config-only", no_argument, NULL, OPT_CONFIG_ONLY},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		RUN_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct run_opts o = {0};
	AUTOPTR(plan) p = plan_new();
	struct plan_target *t;
	unsigned flags = 0;
	int c, timeout = PLAN_LIVE_DETACH_TIMEOUT;

	cli_options_first(argc, argv, "", opts);
	while ((c = cli_getopt(cli, argc, argv, "", opts)) != -1) {
		if (c == 'h')
			return EXIT_OK;
		if (c == OPT_CONFIG_ONLY)
			flags |= PLAN_UNSHARE_CONFIG_ONLY;
		else if (c == OPT_TIMEOUT) {
			if (number_opt("--timeout", optarg, 1, 3600,
				       &timeout) < 0)
				return -1;
		} else if (!run_opt(c, &o))
			return -1;
	}
	if (cli_args(cli, argc, argv, 2, 2) < 0)
		return -1;
	if (!(t = cli_target(cli, argv[optind], o.xml)) ||
	    plan_unshare_within(p, t, argv[optind + 1], flags, timeout) < 0)
		return -1;
	return cli_plan_run(cli, p, o.dry_run, o.yes);
}

int
cmd_undo(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		RUN_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct run_opts o = {0};
	AUTOPTR(plan) p = plan_new();
	struct plan_target *t;
	int c;

	cli_options_first(argc, argv, "", opts);
	while ((c = cli_getopt(cli, argc, argv, "", opts)) != -1) {
		if (c == 'h')
			return EXIT_OK;
		if (!run_opt(c, &o))
			return -1;
	}
	if (cli_args(cli, argc, argv, 1, 1) < 0)
		return -1;
	if (!(t = cli_target(cli, argv[optind], o.xml)) ||
	    plan_undo(p, t, plan_statedir()) < 0)
		return -1;
	return cli_plan_run(cli, p, o.dry_run, o.yes);
}
