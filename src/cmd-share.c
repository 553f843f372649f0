/* cmd-share.c: the commands that change a domain: share, unshare, undo */
#include <stddef.h>
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
	OPT_DRY_RUN,
	OPT_YES,
	OPT_XML,
};

/* The options of both commands that do not describe the share. */
struct run_opts {
	bool dry_run;
	bool yes;
	const char *xml;
};

/* How an option sets a field of struct domxml_share. */
enum field_kind {
	FIELD_STR,    /* char *: the argument */
	FIELD_ON,     /* enum domxml_switch: on, no argument */
	FIELD_OFF,    /* enum domxml_switch: off, no argument */
	FIELD_ONOFF,  /* enum domxml_switch: "on" or "off" */
	FIELD_QUEUE,  /* unsigned */
	FIELD_INT,    /* int, 0 or more */
	FIELD_U64,    /* uint64_t, 1 or more */
};

static const struct share_field {
	int code;
	enum field_kind kind;
	size_t off;
} share_fields[] = {
	{OPT_DIR, FIELD_STR, offsetof(struct domxml_share, dir)},
	{OPT_TAG, FIELD_STR, offsetof(struct domxml_share, tag)},
	{OPT_SOCKET, FIELD_STR, offsetof(struct domxml_share, socket)},
	{OPT_BINARY, FIELD_STR, offsetof(struct domxml_share, binary)},
	{OPT_CACHE, FIELD_STR, offsetof(struct domxml_share, cache)},
	{OPT_SANDBOX, FIELD_STR, offsetof(struct domxml_share, sandbox)},
	{OPT_ALIAS, FIELD_STR, offsetof(struct domxml_share, alias)},
	{OPT_XATTR, FIELD_ON, offsetof(struct domxml_share, xattr)},
	{OPT_NO_XATTR, FIELD_OFF, offsetof(struct domxml_share, xattr)},
	{OPT_READONLY, FIELD_ON, offsetof(struct domxml_share, readonly)},
	{OPT_NO_READONLY, FIELD_OFF, offsetof(struct domxml_share, readonly)},
	{OPT_LOCK_POSIX, FIELD_ONOFF,
	 offsetof(struct domxml_share, lock_posix)},
	{OPT_FLOCK, FIELD_ONOFF, offsetof(struct domxml_share, flock)},
	{OPT_QUEUE, FIELD_QUEUE, offsetof(struct domxml_share, queue)},
	{OPT_THREAD_POOL, FIELD_INT,
	 offsetof(struct domxml_share, thread_pool)},
	{OPT_OPENFILES, FIELD_U64, offsetof(struct domxml_share, openfiles)},
};

static int
bad_number(const char *opt, const char *arg)
{
	return vs_error(VS_ERR_USAGE,
			_("Option '%1$s' takes a number, not '%2$s'."), opt,
			arg);
}

static int
set_field(const struct share_field *f, const char *opt, const char *arg,
	  struct domxml_share *s)
{
	char *base = (char *)s + f->off;
	uint64_t v;

	switch (f->kind) {
	case FIELD_STR:
		free(*(char **)base);
		*(char **)base = xstrdup(arg);
		return 0;
	case FIELD_ON:
		*(enum domxml_switch *)base = DOMXML_ON;
		return 0;
	case FIELD_OFF:
		*(enum domxml_switch *)base = DOMXML_OFF;
		return 0;
	case FIELD_ONOFF:
		if (!STREQ(arg, "on") && !STREQ(arg, "off"))
			return vs_error(VS_ERR_USAGE,
					_("Option '%1$s' takes on or off, not "
					  "'%2$s'."),
					opt, arg);
		*(enum domxml_switch *)base =
		    STREQ(arg, "on") ? DOMXML_ON : DOMXML_OFF;
		return 0;
	case FIELD_QUEUE:
		if (str_to_u64(arg, &v) < 0 || v > UINT32_MAX)
			return bad_number(opt, arg);
		*(unsigned *)base = (unsigned)v;
		return 0;
	case FIELD_INT:
		if (str_to_u64(arg, &v) < 0 || v > INT32_MAX)
			return bad_number(opt, arg);
		*(int *)base = (int)v;
		return 0;
	case FIELD_U64:
		if (str_to_u64(arg, &v) < 0 || v == 0)
			return bad_number(opt, arg);
		*(uint64_t *)base = v;
		return 0;
	}
	return 0;
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

static const struct share_field *
field_for(int code)
{
	for (size_t i = 0; i < ARRAY_SIZE(share_fields); i++)
		if (share_fields[i].code == code)
			return &share_fields[i];
	return NULL;
}

/* Options every plan command has; 1 when c was one of them. */
static int
run_opt(int c, struct run_opts *o)
{
	if (c == OPT_DRY_RUN)
		o->dry_run = true;
	else if (c == OPT_YES)
		o->yes = true;
	else if (c == OPT_XML)
		o->xml = optarg;
	else
		return 0;
	return 1;
}

#define RUN_LONGOPTS                                                \
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},                \
	{"yes", no_argument, NULL, OPT_YES},                        \
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
		RUN_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct share_request req;
	struct run_opts o = {0};
	AUTOPTR(plan) p = plan_new();
	AUTOPTR(inspection) in = NULL;
	struct plan_target *t;
	int c, ret = -1;

	share_request_init(&req);
	cli_options_first(argc, argv, "", opts);
	while ((c = cli_getopt(cli, argc, argv, "", opts)) != -1) {
		const struct share_field *f = field_for(c);

		if (c == 'h') {
			ret = EXIT_OK;
			goto out;
		}
		if (c == '?')
			goto out;
		if (run_opt(c, &o))
			continue;
		if (f) {
			AUTOFREE char *name = opt_name(opts, c);

			if (set_field(f, name, optarg, &req.share) < 0)
				goto out;
		} else if (c == OPT_IDMAP) {
			if (domxml_idmap_parse(optarg, &req.share) < 0)
				goto out;
		} else if (c == OPT_BACKING) {
			domxml_backing_clear(&req.backing);
			if (domxml_backing_parse(optarg, &req.backing) < 0)
				goto out;
			req.backing_given = true;
		}
	}
	if (cli_args(cli, argc, argv, 1, 1) < 0)
		goto out;
	if (!req.share.tag) {
		vs_error(VS_ERR_USAGE,
			 _("Give the mount tag with --tag TAG: the name the "
			   "guest mounts (mount -t virtiofs TAG /mnt)."));
		goto out;
	}
	if (!req.share.dir && !req.share.socket) {
		vs_error(VS_ERR_USAGE,
			 _("Give the host directory with --dir PATH, or the "
			   "socket of a daemon you run yourself with --socket "
			   "PATH."));
		goto out;
	}
	if (!(t = cli_target(cli, argv[optind], o.xml)))
		goto out;
	in = inspection_gather(cli->root, o.xml ? NULL : cli->conn, NULL, 0);
	if (plan_share(p, t, &req, in, dir_root(cli, &o, cli->conn)) < 0)
		goto out;
	ret = cli_plan_run(cli, p, o.dry_run, o.yes);
out:
	share_request_clear(&req);
	return ret;
}

int
cmd_unshare(struct cli *cli, int argc, char **argv)
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
	if (cli_args(cli, argc, argv, 2, 2) < 0)
		return -1;
	if (!(t = cli_target(cli, argv[optind], o.xml)) ||
	    plan_unshare(p, t, argv[optind + 1]) < 0)
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
