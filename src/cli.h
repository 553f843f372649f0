/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.h: the `virtshare` command: shared state, the subcommand table, helpers */
#ifndef VS_CLI_H
#define VS_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "util.h"
#include "virt.h"

/* Exit statuses (also in --help and virtshare(1)). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_BADINPUT = 3,
	EXIT_LIBVIRT = 4,
};

/* State shared by every subcommand. */
struct cli {
	const char *prog;
	const struct vs_cmd *cmd; /* the running subcommand */
	char *uri;                /* -c/--connect, or the demo's */
	bool uri_given;           /* -c, --demo or $VIRTSHARE_URI */
	bool uri_from_env;        /* $VIRTSHARE_URI, not an option */
	char *root;               /* --root, "/" by default */
	bool demo;                /* --demo */
	struct virt_conn *conn;   /* opened on first use */
};

struct vs_cmd {
	const char *name;
	const char *usage;   /* N_(): the arguments after the name */
	const char *summary; /* N_(): one line for `virtshare --help` */
	const char *details; /* N_(): options and examples for CMD --help */
	/* Returns an exit status, or -1 after reporting with vs_error(). */
	int (*run)(struct cli *cli, int argc, char **argv);
};

/* The commands, one file each (cmd-NAME.c). */
int cmd_inspect(struct cli *cli, int argc, char **argv);
int cmd_share(struct cli *cli, int argc, char **argv);
int cmd_unshare(struct cli *cli, int argc, char **argv);
int cmd_mount(struct cli *cli, int argc, char **argv);
int cmd_umount(struct cli *cli, int argc, char **argv);
int cmd_undo(struct cli *cli, int argc, char **argv);
int cmd_shares(struct cli *cli, int argc, char **argv);
int cmd_pages(struct cli *cli, int argc, char **argv);
int cmd_daemon(struct cli *cli, int argc, char **argv);
int cmd_apply(struct cli *cli, int argc, char **argv);
int cmd_doctor(struct cli *cli, int argc, char **argv);
/* The ncurses wizard (tui/main.c). */
int cmd_wizard(struct cli *cli, int argc, char **argv);

/* Entry point used by main(). */
int cli_main(int argc, char **argv);

/*
 * getopt_long over a subcommand's arguments with its own options plus
 * the common ones (-c/--connect, --root, --demo, -h/--help), which it
 * handles itself. Returns the next own option, -1 at the end, or '?'
 * after reporting VS_ERR_USAGE. Positional arguments start at optind.
 * --help prints the command's help and returns 'h': the caller returns 0.
 */
#define CLI_COMMON_LONGOPTS                                    \
	{"connect", required_argument, NULL, 'c'},             \
	{"root", required_argument, NULL, CLI_OPT_ROOT},       \
	{"demo", no_argument, NULL, CLI_OPT_DEMO},             \
	{"help", no_argument, NULL, 'h'}
/*
 * The options of every command that changes something (virtshare(1),
 * CHANGES): --dry-run shows the change and makes none, --yes makes it
 * without asking. cli_getopt() returns them as any own option.
 */
#define CLI_CHANGE_LONGOPTS                                    \
	{"dry-run", no_argument, NULL, CLI_OPT_DRY_RUN},       \
	{"yes", no_argument, NULL, CLI_OPT_YES}
enum {
	CLI_OPT_ROOT = 0x1000,
	CLI_OPT_DEMO,
	CLI_OPT_DRY_RUN,
	CLI_OPT_YES,
	CLI_OPT_FIRST_OWN
};
int cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
	       const struct option *longopts);

/*
 * Require exactly/at least/at most positional arguments, and global
 * options that agree (--root names this machine's tree, so not with a
 * remote URI; cli_connect() checks that again for a URI set later).
 * Reports usage errors.
 */
int cli_args(struct cli *cli, int argc, char **argv, int min, int max);

/*
 * The libvirt connection, opened on first use (reported on failure).
 * cli_connect_optional() returns NULL without reporting when no URI was
 * given explicitly and the default daemon does not answer; *why then
 * holds libvirt's message (caller frees).
 */
struct virt_conn *cli_connect(struct cli *cli);
struct virt_conn *cli_connect_optional(struct cli *cli, char **why);

/*
 * Whether the command's URI (-c, $VIRTSHARE_URI, else libvirt's default
 * $LIBVIRT_DEFAULT_URI) names a daemon on another host, as
 * virt_uri_is_remote() says; the demo is never remote.
 */
bool cli_is_remote(const struct cli *cli);
/*
 * Refuse what virtshare can only do on the host it runs on when the URI
 * names another host: what is the whole sentence saying what cannot be
 * done there, run the command to run on that host instead. Returns 0
 * (not remote), or -1 after reporting VS_ERR_UNSUPPORTED.
 */
int cli_refuse_remote(const struct cli *cli, const char *what,
		      const char *run);

/* Directory of templates and the demo: $VIRTSHARE_DATADIR or PKGDATADIR. */
const char *cli_datadir(void);

/* Print s to stdout (or the pager one day); s may be NULL. */
void cli_out(const char *s);

/*
 * Move the options of a command line (argv[1..]) before its arguments,
 * keeping their order, so that cli_getopt(), which stops at the first
 * argument, takes them anywhere: `share DOMAIN --tag TAG`. shortopts and
 * longopts are the command's own, as given to cli_getopt(); an option's
 * value moves with it. Everything after "--" stays an argument.
 */
void cli_options_first(int argc, char **argv, const char *shortopts,
		       const struct option *longopts);

/* A file of several hosts (cli-fleet.c). */
struct fleet;
struct cfg;
#define CLI_JOBS_MAX 64
/* --jobs N: 0, or -1 after reporting VS_ERR_USAGE. */
int cli_jobs(const char *arg, unsigned *jobs);
/* Refuse -c and --demo with c, a file that names its hosts, and --root
 * when one of them is remote: 0 or -1 (reported; $VIRTSHARE_URI is not
 * refused, only left aside). */
int cli_fleet_check(const struct cli *cli, const struct cfg *c);
/* Progress of f on stderr, host i of n, domain and step, when stderr is
 * a terminal and not quiet (--json). */
void cli_fleet_progress(struct fleet *f, bool quiet);

/* Plans (cli-plan.c). */
struct plan;
struct plan_target;
/* The domain in xml_file when given, else on the connection (opened
 * here); NULL after reporting. The caller owns it. */
struct plan_target *cli_target(struct cli *cli, const char *domain,
			       const char *xml_file);
/*
 * Whether to make a change that has been shown: true with yes, else
 * the answer to question (a whole sentence ending in "[y/N]") on the
 * terminal. Without yes and a terminal to ask on, nothing is asked:
 * -1 after reporting VS_ERR_USAGE (add --yes, or --dry-run). Returns 1
 * to go on, 0 when the answer was no ("Nothing was changed." printed).
 */
int cli_confirm(bool yes, const char *question);
/*
 * Show the plan; unless dry_run, ask (or take yes), apply it and say what
 * was done. Returns an exit status, or -1 after reporting.
 */
int cli_plan_run(struct cli *cli, struct plan *p, bool dry_run, bool yes);
/* As cli_plan_run(), the plan shown already. */
int cli_plan_apply(struct cli *cli, struct plan *p, bool dry_run, bool yes);

#endif
