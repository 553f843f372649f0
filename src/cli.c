/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.c: the subcommand table, common options and dispatch of `virtshare` */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "table.h"

/* Options of cli_main() only. */
enum { OPT_LIST_COMMANDS = CLI_OPT_FIRST_OWN };

static const struct vs_cmd commands[] = {
	{
		.name = "wizard",
		.usage = N_("[--xml FILE]"),
		.summary = N_("Share a directory step by step in a terminal "
			      "(also: virtshare with no command)"),
		.details = N_(
		    "A keyboard-driven wizard: the host, the domain, the "
		    "directory and\n"
		    "tag, guest memory, hugepages, the daemon, then the plan "
		    "and the XML\n"
		    "diff to apply or save as an INI file for 'virtshare "
		    "apply'. Nothing\n"
		    "changes before you choose Apply. F1 shows the help of "
		    "each page.\n"
		    "Works without colours (NO_COLOR) and in plain ASCII "
		    "(VIRTSHARE_ASCII=1).\n"
		    "\n"
		    "  --xml FILE   edit a domain XML file, not libvirt\n"),
		.run = cmd_wizard,
	},
	{
		.name = "inspect",
		.usage = N_("[--json] [--root DIR]"),
		.summary = N_("Show what the host, qemu.conf and libvirt offer "
			      "for virtiofs"),
		.details = N_(
		    "Reports hugepage pools per size and NUMA node, hugetlbfs "
		    "mounts,\n"
		    "/dev/shm, qemu.conf settings, libvirt and QEMU versions "
		    "and\n"
		    "capabilities, and the virtiofs daemons installed.\n"
		    "\n"
		    "  --json        print the report as JSON (schema in "
		    "virtshare(1))\n"
		    "  --root DIR    read /sys, /proc and /etc below DIR "
		    "instead of /\n"),
		.run = cmd_inspect,
	},
	{
		.name = "share",
		.usage = N_("DOMAIN --tag TAG [--dir PATH|--socket PATH] "
			    "[--daemon libvirt|external] [OPTIONS]"),
		.summary = N_("Share a host directory with a domain over "
			      "virtiofs, or change a share's options"),
		.details = N_(
		    "Adds the <filesystem> device and makes guest memory "
		    "shared, as\n"
		    "virtiofs needs; with the tag of an existing share, "
		    "changes the\n"
		    "options given and leaves the others (no --dir needed). "
		    "Shows the\n"
		    "change as a diff first; the same command twice changes "
		    "nothing the\n"
		    "second time. Values must be UTF-8 text.\n"
		    "\n"
		    "  --tag TAG              the mount tag, at most 36 "
		    "bytes\n"
		    "  --dir PATH             the host directory (absolute, "
		    "existing; written\n"
		    "                         without '.', '..' or a "
		    "trailing '/')\n"
		    "  --socket PATH          or the socket of a daemon you "
		    "run yourself\n"
		    "  --daemon libvirt|external  who runs the virtiofs "
		    "daemon: libvirt\n"
		    "                         (the default), or it runs "
		    "outside libvirt on\n"
		    "                         a socket (the default with "
		    "--socket). external\n"
		    "                         with --dir: virtshare starts "
		    "virtshare-fsd on\n"
		    "                         --socket or RUNDIR/DOMAIN-"
		    "TAG.sock and keeps the\n"
		    "                         directory in the domain's "
		    "<metadata>\n"
		    "  --backing KIND         guest memory: memfd, file, "
		    "numa,\n"
		    "                         hugepages[:SIZE[@NODES]] "
		    "(default: chosen)\n"
		    "  --cache none|always    the daemon's cache mode\n"
		    "  --xattr, --no-xattr    extended attributes on or off\n"
		    "  --readonly, --no-readonly  a read-only share "
		    "(libvirt 11.0)\n"
		    "  --binary PATH          the daemon libvirt starts\n"
		    "  --idmap uid|gid:START:TARGET:COUNT  id ranges, "
		    "repeatable (10.0)\n"
		    "  --queue N              queue size, a power of 2 up to "
		    "1024\n"
		    "                         (new shares get 1024)\n"
		    "  --sandbox namespace|chroot  the daemon's sandbox "
		    "(libvirt 7.2)\n"
		    "  --lock-posix on|off    POSIX locks\n"
		    "  --flock on|off         BSD locks\n"
		    "  --thread-pool N        daemon threads, 0 for none "
		    "(libvirt 8.5)\n"
		    "  --openfiles N          the daemon's open file limit "
		    "(libvirt 10.6)\n"
		    "  --alias ua-NAME        a device alias\n"
		    "  --log-level LEVEL, --socket-user USER, --socket-group "
		    "GROUP\n"
		    "                         for virtshare-fsd (external "
		    "with --dir), which\n"
		    "                         also takes --cache none|auto|"
		    "always, --xattr,\n"
		    "                         --readonly, --sandbox "
		    "namespace|chroot|none and\n"
		    "                         --thread-pool\n"
		    "  --config-only          a running guest: change only "
		    "the definition\n"
		    "                         (else the share is hot-plugged "
		    "when it can be)\n"
		    "  --mount DIR            mount it on DIR inside the "
		    "running guest\n"
		    "                         (through the QEMU guest agent)\n"
		    "  --persist              with --mount: add the line to "
		    "the guest's fstab\n"
		    "  --agent                add the QEMU guest agent channel "
		    "when missing\n"
		    "                         (it exists from the next start)\n"
		    "  --restart              a running guest that cannot take "
		    "the share now:\n"
		    "                         shut it down and start it again\n"
		    "  --force                with --restart: power it off when "
		    "it does not\n"
		    "                         shut down in time\n"
		    "  --timeout SECONDS      with --restart: how long the "
		    "shutdown may take\n"
		    "                         (120)\n"
		    "  --root-ports N         a running q35 guest without a "
		    "free PCIe root\n"
		    "                         port: add N spare pcie-root-port "
		    "controllers to\n"
		    "                         its definition with the share "
		    "(4; 0: none)\n"
		    "  --dry-run              only show the change\n"
		    "  --yes                  apply without asking\n"
		    "  --xml FILE             edit a domain XML file, not "
		    "libvirt (written\n"
		    "                         atomically, the old one kept "
		    "as FILE.bak)\n"),
		.run = cmd_share,
	},
	{
		.name = "unshare",
		.usage = N_("DOMAIN TAG [--config-only] [--timeout SECONDS] "
			    "[--dry-run] [--yes] [--xml FILE]"),
		.summary = N_("Remove a virtiofs share from a domain"),
		.details = N_(
		    "Removes the <filesystem> with that mount tag; guest "
		    "memory stays\n"
		    "shared. A share whose virtshare-fsd virtshare runs loses "
		    "its record\n"
		    "in <metadata>, and its daemon is stopped (not while the "
		    "domain runs).\n"
		    "Shows the change as a diff first. A running guest "
		    "that has the share\n"
		    "gets it unmounted inside (when its agent answers) and "
		    "detached live.\n"
		    "\n"
		    "  --config-only  change only the definition\n"
		    "  --timeout SECONDS  how long the running guest has to "
		    "release the\n"
		    "               device (30); after that the definition is "
		    "put back\n"
		    "  --dry-run    only show the change\n"
		    "  --yes        apply without asking\n"
		    "  --xml FILE   edit a domain XML file, not libvirt\n"),
		.run = cmd_unshare,
	},
	{
		.name = "mount",
		.usage = N_("DOMAIN TAG DIR [--persist]"),
		.summary = N_("Mount a share inside a running guest"),
		.details = N_(
		    "Through the QEMU guest agent: creates DIR when missing "
		    "and runs\n"
		    "mount -t virtiofs TAG DIR in the guest.\n"
		    "\n"
		    "  --persist    also add the line to the guest's "
		    "/etc/fstab (once; the\n"
		    "               old file is kept as "
		    "/etc/fstab.virtshare-bak)\n"),
		.run = cmd_mount,
	},
	{
		.name = "umount",
		.usage = N_("DOMAIN TAG [--persist]"),
		.summary = N_("Unmount a share inside a running guest"),
		.details = N_(
		    "  --persist    also remove its line from the guest's "
		    "/etc/fstab\n"),
		.run = cmd_umount,
	},
	{
		.name = "shares",
		.usage = N_("DOMAIN [--json] [--xml FILE]"),
		.summary = N_("List a domain's virtiofs shares and whether "
			      "its memory is shared"),
		.details = N_(
		    "  --json       print the list as JSON (schema in "
		    "virtshare(1))\n"
		    "  --xml FILE   read a domain XML file, not libvirt\n"),
		.run = cmd_shares,
	},
	{
		.name = "undo",
		.usage = N_("DOMAIN [--dry-run] [--yes] [--xml FILE]"),
		.summary = N_("Put back a domain's definition from before the "
			      "last change"),
		.details = N_(
		    "Every change saves the definition it replaces (below "
		    "the state\n"
		    "directory, or as FILE.bak with --xml); undo puts the "
		    "newest one\n"
		    "back and uses it up, so repeating it goes further "
		    "back.\n"
		    "\n"
		    "  --dry-run    only show the change\n"
		    "  --yes        apply without asking\n"
		    "  --xml FILE   put FILE.bak back into FILE\n"),
		.run = cmd_undo,
	},
	{
		.name = "pages",
		.usage = N_("[alloc SIZE COUNT | free SIZE [COUNT] | mount "
			    "SIZE [DIR]] [OPTIONS]"),
		.summary = N_("Show, allocate, release and mount hugepages, "
			      "safely"),
		.details = N_(
		    "Without an action, shows the hugepage pools per size and "
		    "NUMA node\n"
		    "(total, free, reserved, surplus) and the hugetlbfs mount "
		    "of each size.\n"
		    "SIZE is 2M, 2048K, 1G or 1048576 (KiB). After every "
		    "change the pool is\n"
		    "read back; if the kernel gave less than asked, every pool "
		    "touched is\n"
		    "put back as it was and the error says what was possible.\n"
		    "\n"
		    "  alloc SIZE COUNT    make the pool COUNT pages (--set, "
		    "the default)\n"
		    "                      or add COUNT pages to it (--add)\n"
		    "  free SIZE [COUNT]   release COUNT free pages, or every "
		    "free page\n"
		    "  mount SIZE [DIR]    mount hugetlbfs for SIZE pages "
		    "(default\n"
		    "                      /dev/hugepages, /dev/hugepages1G "
		    "...)\n"
		    "\n"
		    "  --node N            the pool of NUMA node N, not the "
		    "system-wide one\n"
		    "  --persist           keep the pool at boot: a sysctl.d "
		    "drop-in for the\n"
		    "                      default size, else a systemd unit "
		    "(and the kernel\n"
		    "                      command line that does the same)\n"
		    "  --via-libvirt       change the pools with "
		    "virNodeAllocPages, as for a\n"
		    "                      remote URI (qemu+ssh://HOST/system)\n"
		    "  --json              print the pools as JSON (schema in "
		    "virtshare(1))\n"
		    "  --root DIR          read and write /sys and /etc below "
		    "DIR instead of /\n"
		    "  --dry-run           alloc, free, mount: only say what "
		    "would change\n"
		    "  --yes               accepted: these actions say the "
		    "whole change and\n"
		    "                      do not ask\n"),
		.run = cmd_pages,
	},
	{
		.name = "daemon",
		.usage = N_("start|stop|restart|status|list|install-unit "
			    "[DOMAIN TAG] [OPTIONS]"),
		.summary = N_("Run virtshare-fsd for shares with "
			      "<source socket>"),
		.details = N_(
		    "libvirt launches no daemon for a share whose XML has "
		    "<source socket>:\n"
		    "this runs virtshare-fsd for it, detached, and gives the "
		    "socket the owner,\n"
		    "group and mode QEMU needs (qemu.conf's user and group "
		    "for qemu:///system,\n"
		    "you for qemu:///session). A pid file, a log and a launch "
		    "record per share\n"
		    "live in the run directory ($VIRTSHARE_RUNDIR, "
		    "/run/virtshare for root).\n"
		    "\n"
		    "  start DOMAIN TAG [--dir DIR] [OPTIONS]\n"
		    "                 start the daemon of DOMAIN's share TAG "
		    "on\n"
		    "                 RUNDIR/DOMAIN-TAG.sock; the directory "
		    "and options are\n"
		    "                 remembered for later starts\n"
		    "  start --dir DIR --socket PATH [--tag TAG] [OPTIONS]\n"
		    "                 start a daemon on any socket\n"
		    "  stop SHARE [--grace SECONDS]\n"
		    "                 SIGTERM, then SIGKILL after SECONDS "
		    "(5)\n"
		    "  restart SHARE [--grace SECONDS] [--timeout SECONDS]\n"
		    "  status [SHARE] [--json]\n"
		    "                 state, pid, socket, uptime, the last "
		    "log lines\n"
		    "  list [--json]  every daemon started, one per line\n"
		    "  install-unit SHARE [OPTIONS]\n"
		    "                 write the settings of the systemd "
		    "instance\n"
		    "                 virtshare-fsd@NAME.service\n"
		    "SHARE is DOMAIN TAG, or --socket PATH.\n"
		    "\n"
		    "Options of start and install-unit:\n"
		    "  --dir DIR             the directory to share\n"
		    "  --socket PATH         the socket (default "
		    "RUNDIR/DOMAIN-TAG.sock)\n"
		    "  --tag TAG             the mount tag, for the record "
		    "(--socket form)\n"
		    "  --cache MODE          none, auto or always\n"
		    "  --xattr, --no-xattr   extended attributes on or off\n"
		    "  --readonly            the guest cannot change "
		    "anything\n"
		    "  --sandbox MODE        namespace, chroot or none\n"
		    "  --thread-pool N       worker threads, 0 for none\n"
		    "  --log-level LEVEL     off, error, warn, info, debug or "
		    "trace\n"
		    "  --socket-user USER    owner of the socket (default: "
		    "QEMU's user)\n"
		    "  --socket-group GROUP  its group (default: QEMU's "
		    "group), mode 0660\n"
		    "  --timeout SECONDS     wait so long for the socket to "
		    "listen (10)\n"
		    "\n"
		    "Options of start, stop, restart and install-unit:\n"
		    "  --dry-run             only say what would change\n"
		    "  --yes                 stop and restart ask before they "
		    "take a daemon\n"
		    "                        away from a connected guest: "
		    "do not ask\n"),
		.run = cmd_daemon,
	},
	{
		.name = "apply",
		.usage = N_("FILE.ini [--dry-run] [--json] [--yes] [--jobs N]"),
		.summary = N_("Make shares, backings, hugepages and daemons "
			      "what an INI file says"),
		.details = N_(
		    "Reads FILE.ini (virtshare.ini(5)), checks every section "
		    "and key, and\n"
		    "reports all errors with their lines before anything is "
		    "planned. Then\n"
		    "shows one plan for the whole file, a summary and each "
		    "domain's diff,\n"
		    "and applies it: hugepage pools first, then each domain "
		    "(its old\n"
		    "definition saved), then the daemons virtshare runs. A "
		    "failure takes\n"
		    "back what was done, so each domain is changed whole or "
		    "not at all.\n"
		    "Applying the same file again changes nothing.\n"
		    "\n"
		    "  --dry-run    only show the plan\n"
		    "  --yes        apply without asking\n"
		    "  --json       print the plan as JSON (schema in "
		    "virtshare(1)); applied\n"
		    "               only with --yes, and then with what was "
		    "done\n"
		    "  --jobs N     hosts changed at a time, for a file of "
		    "several hosts\n"
		    "               (default 4)\n"
		    "-c URI overrides the file's [host] uri.\n"
		    "\n"
		    "A file with [host NAME] sections is planned on every host "
		    "first (a host\n"
		    "that cannot be reached is skipped), shown as one plan and "
		    "asked once;\n"
		    "then each domain is changed whole or not at all, and a "
		    "failing domain\n"
		    "or host does not stop the others. Exits 0 when all was "
		    "applied, 1 when\n"
		    "a domain failed, 3 when one was refused, 4 when a host "
		    "was not reached.\n"),
		.run = cmd_apply,
	},
	{
		.name = "doctor",
		.usage = N_("[DOMAIN] [--json] [--fix [--dry-run] [--yes]] "
			    "[--xml FILE] | --all-hosts FILE.ini [--json] "
			    "[--jobs N]"),
		.summary = N_("Find what keeps virtiofs from working, and how "
			      "to fix it"),
		.details = N_(
		    "Checks the host, libvirt, QEMU, qemu.conf, hugepages, the "
		    "daemons\n"
		    "and every domain with a virtiofs share (or only DOMAIN) "
		    "against the\n"
		    "failures virtiofs is known for, reads libvirt's, QEMU's "
		    "and the\n"
		    "daemons' logs and quotes the lines that match. Each "
		    "check says ok,\n"
		    "warning, error or skipped, with the fix under each "
		    "failure. Exits 1\n"
		    "when there is an error, else 0.\n"
		    "\n"
		    "  --json       print the report as JSON (schema in "
		    "virtshare(1))\n"
		    "  --fix        make the fixes virtshare can (memory "
		    "backing, share\n"
		    "               options, hugepages, hugetlbfs mounts, "
		    "daemons), shown\n"
		    "               first as a plan\n"
		    "  --dry-run    with --fix: only show the plan\n"
		    "  --yes        with --fix: apply without asking\n"
		    "  --xml FILE   check DOMAIN's definition in FILE, not "
		    "libvirt's\n"
		    "  --all-hosts FILE.ini\n"
		    "               check every host of the INI file and its "
		    "domains, a\n"
		    "               section per host; exits 4 when a host "
		    "cannot be reached\n"
		    "  --jobs N     with --all-hosts: hosts checked at a time "
		    "(default 4)\n"),
		.run = cmd_doctor,
	},
};

static const char *const exit_help = N_(
    "Exit status:\n"
    "  0  success\n"
    "  1  the operation failed, or a file or domain it names is not "
    "there\n"
    "  2  bad command line\n"
    "  3  bad input: a file, XML, value or rule was refused\n"
    "  4  libvirt failed or could not be reached\n");

static const char *const common_help = N_(
    "Options for every command:\n"
    "  -c, --connect URI  libvirt URI, as virsh: qemu:///system, "
    "qemu:///session,\n"
    "                     qemu+ssh://host/system, test:///default\n"
    "      --demo         the built-in demo: libvirt's test driver and a "
    "sample\n"
    "                     host tree, no daemon needed\n"
    "      --root DIR     read the host below DIR (a fixture tree) instead "
    "of /\n"
    "  -h, --help         show help\n");

const char *
cli_datadir(void)
{
	const char *env = getenv("VIRTSHARE_DATADIR");

	return env && *env ? env : PKGDATADIR;
}

void
cli_out(const char *s)
{
	if (s)
		fputs(s, stdout);
}

static void
usage_all(const char *prog, FILE *f)
{
	AUTOPTR(table) t = table_new(2);
	struct strbuf sb = STRBUF_INIT;

	fprintf(f, _("Usage: %s [OPTIONS] COMMAND [ARGS...]\n"), prog);
	fputs(_("Share host directories with libvirt/QEMU guests over "
		"virtiofs.\n\n"),
	      f);
	fputs(_("Commands:\n"), f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		table_rowv(t, commands[i].name, _(commands[i].summary));
	table_render(t, 2, &sb);
	fputs(sb_str(&sb), f);
	sb_clear(&sb);
	fputs("\n", f);
	fputs(_(common_help), f);
	fputs(_("  -V, --version      show the version\n\n"), f);
	fputs(_(exit_help), f);
	fprintf(f, _("\nRun '%s COMMAND --help' for the options of a command.\n"),
		prog);
}

static void
usage_cmd(const char *prog, const struct vs_cmd *cmd)
{
	printf(_("Usage: %1$s %2$s %3$s\n"), prog, cmd->name, _(cmd->usage));
	printf("%s.\n\n", _(cmd->summary));
	fputs(_(cmd->details), stdout);
	fputs("\n", stdout);
	fputs(_(common_help), stdout);
	fputs("\n", stdout);
	fputs(_(exit_help), stdout);
}

/* The URI from -c, --demo (from_env false) or $VIRTSHARE_URI; takes uri. */
static void
set_uri(struct cli *cli, char *uri, bool from_env)
{
	free(cli->uri);
	cli->uri = uri;
	cli->uri_given = true;
	cli->uri_from_env = from_env;
}

static void
set_demo(struct cli *cli)
{
	free(cli->root);
	set_uri(cli, xasprintf("test://%s/demo/node.xml", cli_datadir()),
		false);
	cli->root = xasprintf("%s/demo/host", cli_datadir());
	cli->demo = true;
}

int
cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
	   const struct option *longopts)
{
	AUTOFREE char *shorts = xasprintf("+:c:h%s", shortopts);
	int c;

	opterr = 0;
	for (;;) {
		int prev = optind;

		c = getopt_long(argc, argv, shorts, longopts, NULL);
		switch (c) {
		case 'c':
			set_uri(cli, xstrdup(optarg), false);
			continue;
		case CLI_OPT_ROOT:
			free(cli->root);
			cli->root = xstrdup(optarg);
			continue;
		case CLI_OPT_DEMO:
			set_demo(cli);
			continue;
		case 'h':
			usage_cmd(cli->prog, cli->cmd);
			return 'h';
		case ':':
			vs_error(VS_ERR_USAGE,
				 _("Option '%1$s' needs a value. See '%2$s %3$s "
				   "--help'."),
				 argv[optind - 1], cli->prog, cli->cmd->name);
			return '?';
		case '?':
			vs_error(VS_ERR_USAGE,
				 _("Unknown option '%1$s' for '%2$s'. See "
				   "'%3$s %2$s --help'."),
				 argv[prev < argc ? prev : argc - 1],
				 cli->cmd->name, cli->prog);
			return '?';
		default:
			return c;
		}
	}
}

static const char *
cli_uri(const struct cli *cli)
{
	if (cli->uri)
		return cli->uri;
	return getenv("LIBVIRT_DEFAULT_URI");
}

/*
 * --root names a host tree on this machine; a remote host is read through
 * libvirt, so the two together would silently mix two hosts.
 */
static int
cli_check_root(const struct cli *cli)
{
	if (root_is_host(cli->root) || !cli_is_remote(cli))
		return 0;
	return vs_error(VS_ERR_USAGE,
			_("--root %1$s reads a host tree on this machine, but "
			  "%2$s is another host, read through libvirt. Drop "
			  "--root, or use a local URI."),
			cli->root, cli_uri(cli));
}

int
cli_args(struct cli *cli, int argc, char **argv, int min, int max)
{
	int n = argc - optind;

	if (cli_check_root(cli) < 0)
		return -1;
	if (n >= min && n <= max)
		return 0;
	if (n > max)
		return vs_error(VS_ERR_USAGE,
				_("Unexpected argument '%1$s'. Usage: %2$s "
				  "%3$s %4$s"),
				argv[optind + max], cli->prog, cli->cmd->name,
				_(cli->cmd->usage));
	return vs_error(VS_ERR_USAGE,
			_("Missing arguments. Usage: %1$s %2$s %3$s"),
			cli->prog, cli->cmd->name, _(cli->cmd->usage));
}

struct virt_conn *
cli_connect(struct cli *cli)
{
	if (!cli->conn && cli_check_root(cli) == 0)
		cli->conn = virt_open(cli->uri, 0);
	return cli->conn;
}

bool
cli_is_remote(const struct cli *cli)
{
	return !cli->demo && virt_uri_is_remote(cli_uri(cli));
}

int
cli_refuse_remote(const struct cli *cli, const char *what, const char *run)
{
	if (!cli_is_remote(cli))
		return 0;
	return vs_error(VS_ERR_UNSUPPORTED,
			_("%1$s: %2$s is on another host, and this is not done "
			  "on a remote host (libvirt cannot do it). Run '%3$s' "
			  "there."),
			what, cli_uri(cli), run);
}

struct virt_conn *
cli_connect_optional(struct cli *cli, char **why)
{
	*why = NULL;
	if (cli->conn || cli->uri_given)
		return cli_connect(cli);
	cli->conn = virt_open(NULL, 0);
	if (!cli->conn) {
		*why = xstrdup(vs_error_message());
		vs_error_reset();
	}
	return cli->conn;
}

static const struct vs_cmd *
cmd_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (STREQ(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int
finish(struct cli *cli, int status)
{
	if (status < 0) {
		enum vs_code code = vs_error_code();

		fprintf(stderr, "%s: %s\n", cli->prog,
			code == VS_OK ? _("internal error: failure without a "
					  "message")
				      : vs_error_message());
		status = vs_error_status(code == VS_OK ? VS_ERR_SYSTEM : code);
	}
	virt_conn_free(cli->conn);
	free(cli->uri);
	free(cli->root);
	if (fflush(stdout) != 0 && status == 0) {
		fprintf(stderr, _("%1$s: cannot write the output: %2$s\n"),
			cli->prog, strerror(errno));
		status = EXIT_FAILED;
	}
	return status;
}

int
cli_main(int argc, char **argv)
{
	static const struct option global[] = {
		CLI_COMMON_LONGOPTS,
		{"version", no_argument, NULL, 'V'},
		/* Hidden: the command names, one a line (bash completion,
		 * tests/cli/manpages.sh). */
		{"list-commands", no_argument, NULL, OPT_LIST_COMMANDS},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {.prog = "virtshare"};
	const char *env;
	int c;

	cli.root = xstrdup("/");
	if ((env = getenv("VIRTSHARE_URI")) && *env)
		set_uri(&cli, xstrdup(env), true);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:hV", global, NULL)) != -1) {
		switch (c) {
		case 'c':
			set_uri(&cli, xstrdup(optarg), false);
			break;
		case CLI_OPT_ROOT:
			free(cli.root);
			cli.root = xstrdup(optarg);
			break;
		case CLI_OPT_DEMO:
			set_demo(&cli);
			break;
		case 'h':
			usage_all(cli.prog, stdout);
			return finish(&cli, EXIT_OK);
		case 'V':
			/* i18n: not translated (a program and its version) */
			printf("virtshare %s\n", PACKAGE_VERSION);
			fputs(_("License GPL-2.0-or-later: the GNU General Public "
				"License, version 2 or later.\nThis is free "
				"software: you may change and redistribute it. "
				"There is NO WARRANTY.\n"),
			      stdout);
			return finish(&cli, EXIT_OK);
		case OPT_LIST_COMMANDS:
			for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
				printf("%s\n", commands[i].name);
			return finish(&cli, EXIT_OK);
		case ':':
			vs_error(VS_ERR_USAGE,
				 _("Option '%1$s' needs a value. See '%2$s "
				   "--help'."),
				 argv[optind - 1], cli.prog);
			return finish(&cli, -1);
		default:
			vs_error(VS_ERR_USAGE,
				 _("Unknown option '%1$s'. See '%2$s --help'."),
				 argv[optind - 1], cli.prog);
			return finish(&cli, -1);
		}
	}
	if (optind >= argc) {
		/* On a terminal the wizard is the way in. */
		static char *wizard_argv[] = {(char *)"wizard", NULL};

		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			usage_all(cli.prog, stderr);
			return finish(&cli, EXIT_USAGE);
		}
		cli.cmd = cmd_find("wizard");
		optind = 1;
		return finish(&cli, cli.cmd->run(&cli, 1, wizard_argv));
	}
	if (!(cli.cmd = cmd_find(argv[optind]))) {
		vs_error(VS_ERR_USAGE,
			 _("Unknown command '%1$s'. See '%2$s --help' for the "
			   "list of commands."),
			 argv[optind], cli.prog);
		return finish(&cli, -1);
	}
	argc -= optind;
	argv += optind;
	optind = 1;
	return finish(&cli, cli.cmd->run(&cli, argc, argv));
}
