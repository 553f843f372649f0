/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-mount.c: mount and umount a share inside a running guest */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "error.h"
#include "plan.h"

enum {
	OPT_PERSIST = CLI_OPT_FIRST_OWN,
};

/*
 * The running domain name with the share tag attached: its connection,
 * or NULL reported.
 */
static struct virt_conn *
running_with(struct cli *cli, const char *domain, const char *tag)
{
	struct virt_conn *conn = cli_connect(cli);
	AUTOFREE char *xml = NULL, *alias = NULL;
	bool active, persistent;
	int live;

	if (!conn || virt_domain_status(conn, domain, &active, &persistent) < 0)
		return NULL;
	if (!active) {
		vs_error(VS_ERR_INVALID,
			 _("Domain '%s' is not running: a share is mounted "
			   "inside a running guest. Start it first (virsh "
			   "start)."),
			 domain);
		return NULL;
	}
	if ((live = plan_live_find(conn, domain, tag, &xml, &alias)) < 0)
		return NULL;
	if (!live) {
		vs_error(VS_ERR_NOT_FOUND,
			 _("The running guest of domain '%1$s' has no share "
			   "with the tag '%2$s'. Add it first: virtshare share "
			   "%1$s --tag %2$s --dir PATH"),
			 domain, tag);
		return NULL;
	}
	return conn;
}

/* The options of mount and umount: --persist, --help. 0, or -1. */
static int
persist_opt(struct cli *cli, int argc, char **argv, bool *persist,
	    bool *help)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"persist", no_argument, NULL, OPT_PERSIST},
		{NULL, 0, NULL, 0},
	};
	int c;

	*persist = *help = false;
	cli_options_first(argc, argv, "", opts);
	while ((c = cli_getopt(cli, argc, argv, "", opts)) != -1) {
		if (c == 'h')
			*help = true;
		else if (c == OPT_PERSIST)
			*persist = true;
		else
			return -1;
	}
	return 0;
}

static void
print_done(struct strlist *done)
{
	for (size_t i = 0; i < done->n; i++)
		printf("%s\n", done->v[i]);
	strlist_clear(done);
}

int
cmd_mount(struct cli *cli, int argc, char **argv)
{
	struct strlist done = {0};
	struct virt_conn *conn;
	bool persist, help, mounted, changed;
	const char *domain, *tag, *dir;

	if (persist_opt(cli, argc, argv, &persist, &help) < 0)
		return -1;
	if (help)
		return EXIT_OK;
	if (cli_args(cli, argc, argv, 3, 3) < 0)
		return -1;
	domain = argv[optind];
	tag = argv[optind + 1];
	dir = argv[optind + 2];
	if (dir[0] != '/')
		return vs_error(VS_ERR_USAGE,
				_("The mount point '%s' must be an absolute "
				  "path in the guest, such as /mnt/data."),
				dir);
	if (!(conn = running_with(cli, domain, tag)) ||
	    plan_live_mount(conn, domain, tag, dir, persist, true, &mounted,
			    &changed, &done) < 0) {
		strlist_clear(&done);
		return -1;
	}
	print_done(&done);
	return EXIT_OK;
}

int
cmd_umount(struct cli *cli, int argc, char **argv)
{
	struct strlist done = {0};
	struct virt_conn *conn;
	bool persist, help;

	if (persist_opt(cli, argc, argv, &persist, &help) < 0)
		return -1;
	if (help)
		return EXIT_OK;
	if (cli_args(cli, argc, argv, 2, 2) < 0)
		return -1;
	if (!(conn = cli_connect(cli)) ||
	    plan_live_umount(conn, argv[optind], argv[optind + 1], persist,
			     &done) < 0) {
		strlist_clear(&done);
		return -1;
	}
	print_done(&done);
	return EXIT_OK;
}
