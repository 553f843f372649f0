/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-daemon.c: `virtshare daemon`, virtshare-fsd for externally launched
 * shares */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "json.h"
#include "launch.h"
#include "plan.h"
#include "table.h"

#define STATUS_TAIL_LINES 5

enum {
	OPT_DIR = CLI_OPT_FIRST_OWN,
	OPT_SOCKET,
	OPT_TAG,
	OPT_CACHE,
	OPT_XATTR,
	OPT_NO_XATTR,
	OPT_READONLY,
	OPT_SANDBOX,
	OPT_THREAD_POOL,
	OPT_LOG_LEVEL,
	OPT_SOCKET_USER,
	OPT_SOCKET_GROUP,
	OPT_TIMEOUT,
	OPT_GRACE,
	OPT_JSON,
};

#define BIT(opt) (1u << ((opt)-OPT_DIR))
/* The options that describe a share (start and install-unit). */
#define SHARE_OPTS                                                             \
	(BIT(OPT_DIR) | BIT(OPT_SOCKET) | BIT(OPT_TAG) | BIT(OPT_CACHE) |      \
	 BIT(OPT_XATTR) | BIT(OPT_NO_XATTR) | BIT(OPT_READONLY) |              \
	 BIT(OPT_SANDBOX) | BIT(OPT_THREAD_POOL) | BIT(OPT_LOG_LEVEL) |        \
	 BIT(OPT_SOCKET_USER) | BIT(OPT_SOCKET_GROUP))

static const struct option daemon_opts[] = {
	CLI_COMMON_LONGOPTS,
	{"dir", required_argument, NULL, OPT_DIR},
	{"socket", required_argument, NULL, OPT_SOCKET},
	{"tag", required_argument, NULL, OPT_TAG},
	{"cache", required_argument, NULL, OPT_CACHE},
	{"xattr", no_argument, NULL, OPT_XATTR},
	{"no-xattr", no_argument, NULL, OPT_NO_XATTR},
	{"readonly", no_argument, NULL, OPT_READONLY},
	{"sandbox", required_argument, NULL, OPT_SANDBOX},
	{"thread-pool", required_argument, NULL, OPT_THREAD_POOL},
	{"log-level", required_argument, NULL, OPT_LOG_LEVEL},
	{"socket-user", required_argument, NULL, OPT_SOCKET_USER},
	{"socket-group", required_argument, NULL, OPT_SOCKET_GROUP},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"grace", required_argument, NULL, OPT_GRACE},
	{"json", no_argument, NULL, OPT_JSON},
	CLI_CHANGE_LONGOPTS,
	{NULL, 0, NULL, 0},
};

/* What the command line said. */
struct dargs {
	const struct daemon_action *act;
	struct launch_spec spec; /* share options given */
	int timeout_ms;          /* 0: the default */
	int grace_ms;
	bool json;
	bool dry_run; /* show what would change, change nothing */
	bool yes;     /* do not ask */
	char *pos[2]; /* DOMAIN TAG */
	int npos;
};

struct daemon_action {
	const char *name;
	unsigned opts; /* BIT()s of the options it takes */
	bool changes;  /* starts, stops or writes something on the host */
	int (*run)(struct cli *cli, struct dargs *a);
};

static int act_start(struct cli *cli, struct dargs *a);
static int act_stop(struct cli *cli, struct dargs *a);
static int act_restart(struct cli *cli, struct dargs *a);
static int act_status(struct cli *cli, struct dargs *a);
static int act_list(struct cli *cli, struct dargs *a);
static int act_install_unit(struct cli *cli, struct dargs *a);

static const struct daemon_action actions[] = {
	{"start", SHARE_OPTS | BIT(OPT_TIMEOUT), true, act_start},
	{"stop", BIT(OPT_SOCKET) | BIT(OPT_GRACE), true, act_stop},
	{"restart", BIT(OPT_SOCKET) | BIT(OPT_GRACE) | BIT(OPT_TIMEOUT), true,
	 act_restart},
	{"status", BIT(OPT_SOCKET) | BIT(OPT_JSON), false, act_status},
	{"list", BIT(OPT_JSON), false, act_list},
	{"install-unit", SHARE_OPTS, true, act_install_unit},
};

static const struct daemon_action *
action_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (STREQ(actions[i].name, name))
			return &actions[i];
	return NULL;
}

/* ---- the command line ---------------------------------------------------- */

/*
 * A path made absolute against the working directory, in its canonical
 * form (the daemon runs on this host); NULL reported.
 */
static char *
absolute(const char *path)
{
	char cwd[PATH_MAX];
	AUTOFREE char *abs = NULL;

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		abs = xstrdup(path);
	else
		abs = xasprintf("%s/%s", STREQ(cwd, "/") ? "" : cwd, path);
	return path_canon_at(abs, "/");
}

/* Seconds as "10" or "0.5", up to an hour, into milliseconds. */
static int
parse_seconds(const char *opt, const char *s, int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 3600)
		return vs_error(VS_ERR_USAGE,
				_("%1$s takes seconds (a number up to 3600), "
				  "not '%2$s'."),
				opt, s);
	*ms = (int)(v * 1000 + 0.5);
	if (*ms == 0)
		*ms = 1;
	return 0;
}

static void
set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s);
}

/* "--cache" for OPT_CACHE: argv may hold "--cache=x" or its value. */
static const char *
option_name(int c)
{
	for (size_t i = 0; daemon_opts[i].name; i++)
		if (daemon_opts[i].val == c)
			return daemon_opts[i].name;
	return "?";
}

static int
take_option(struct dargs *a, int c, const char *opt)
{
	struct launch_spec *s = &a->spec;
	uint64_t v;

	/* Values end up on the daemon's command line and in its record. */
	if (optarg && str_text_check(optarg, opt) < 0)
		return -1;
	switch (c) {
	case OPT_DIR:
		free(s->dir);
		s->dir = absolute(optarg);
		return s->dir ? 0 : -1;
	case OPT_SOCKET:
		free(s->socket);
		s->socket = absolute(optarg);
		return s->socket ? 0 : -1;
	case OPT_TAG:
		set_str(&s->tag, optarg);
		return 0;
	case OPT_CACHE:
		set_str(&s->cache, optarg);
		return 0;
	case OPT_XATTR:
	case OPT_NO_XATTR:
		s->xattr = c == OPT_XATTR ? LAUNCH_ON : LAUNCH_OFF;
		return 0;
	case OPT_READONLY:
		s->readonly = true;
		return 0;
	case OPT_SANDBOX:
		set_str(&s->sandbox, optarg);
		return 0;
	case OPT_THREAD_POOL:
		if (str_to_u64(optarg, &v) < 0 || v > LAUNCH_THREADS_MAX)
			return vs_error(VS_ERR_USAGE,
					_("--thread-pool takes a number of "
					  "threads from 0 to %1$d, not '%2$s'."),
					LAUNCH_THREADS_MAX, optarg);
		s->thread_pool_set = true;
		s->thread_pool = (unsigned)v;
		return 0;
	case OPT_LOG_LEVEL:
		set_str(&s->log_level, optarg);
		return 0;
	case OPT_SOCKET_USER:
		set_str(&s->socket_user, optarg);
		return 0;
	case OPT_SOCKET_GROUP:
		set_str(&s->socket_group, optarg);
		return 0;
	case OPT_TIMEOUT:
		return parse_seconds(opt, optarg, &a->timeout_ms);
	case OPT_GRACE:
		return parse_seconds(opt, optarg, &a->grace_ms);
	case OPT_JSON:
		a->json = true;
		return 0;
	}
	return -1;
}

/*
 * Options and DOMAIN TAG in any order (getopt's '+' stops at the first
 * argument: take it and go on). Returns 0, 1 after --help, or -1.
 */
static int
parse_args(struct cli *cli, int argc, char **argv, struct dargs *a)
{
	for (;;) {
		int c = cli_getopt(cli, argc, argv, "", daemon_opts);
		AUTOFREE char *opt = NULL;

		if (c == 'h')
			return 1;
		if (c == '?')
			return -1;
		if (c == -1) {
			bool dashdash =
			    optind > 1 && STREQ(argv[optind - 1], "--");

			if (optind >= argc)
				return 0;
			do {
				if (a->npos == 2)
					return vs_error(
					    VS_ERR_USAGE,
					    _("Unexpected argument '%1$s' for "
					      "'%2$s daemon %3$s'. See '%2$s "
					      "daemon --help'."),
					    argv[optind], cli->prog,
					    a->act->name);
				if (str_text_check(argv[optind],
						   a->npos ? _("the TAG argument")
							   : _("the DOMAIN "
							       "argument")) < 0)
					return -1;
				a->pos[a->npos++] = argv[optind++];
			} while (dashdash && optind < argc);
			continue;
		}
		opt = xasprintf("--%s", option_name(c));
		/* Every action that changes something takes them. */
		if ((c == CLI_OPT_DRY_RUN || c == CLI_OPT_YES) &&
		    a->act->changes) {
			a->dry_run |= c == CLI_OPT_DRY_RUN;
			a->yes |= c == CLI_OPT_YES;
			continue;
		}
		if (c < OPT_DIR || !(a->act->opts & BIT(c)))
			return vs_error(VS_ERR_USAGE,
					_("Option '%1$s' does not apply to "
					  "'%2$s daemon %3$s'. See '%2$s "
					  "daemon --help'."),
					opt, cli->prog, a->act->name);
		if (take_option(a, c, opt) < 0)
			return -1;
	}
}

/* DOMAIN TAG, or neither. */
static int
need_domain_tag_or_none(struct cli *cli, struct dargs *a)
{
	if (a->npos == 1)
		return vs_error(VS_ERR_USAGE,
				_("Give both DOMAIN and TAG, or neither. See "
				  "'%s daemon --help'."),
				cli->prog);
	return 0;
}

/* The share the command names: DOMAIN TAG, or --socket PATH. */
static char *
share_name(struct cli *cli, struct dargs *a)
{
	if (need_domain_tag_or_none(cli, a) < 0)
		return NULL;
	if (a->npos == 2 && a->spec.socket) {
		vs_error(VS_ERR_USAGE,
			 _("Name the share by DOMAIN TAG or by --socket, not "
			   "both."));
		return NULL;
	}
	if (a->npos == 2)
		return launch_find(a->pos[0], a->pos[1]);
	if (!a->spec.socket) {
		vs_error(VS_ERR_USAGE,
			 _("Name the share: DOMAIN TAG, or --socket PATH. See "
			   "'%1$s daemon list'."),
			 cli->prog);
		return NULL;
	}
	return launch_find_socket(a->spec.socket);
}

/* Options given on the command line override those of a record. */
static void
spec_override(struct launch_spec *s, const struct launch_spec *given)
{
	if (given->dir)
		set_str(&s->dir, given->dir);
	if (given->socket)
		set_str(&s->socket, given->socket);
	if (given->cache)
		set_str(&s->cache, given->cache);
	if (given->xattr != LAUNCH_DEFAULT)
		s->xattr = given->xattr;
	if (given->readonly)
		s->readonly = true;
	if (given->sandbox)
		set_str(&s->sandbox, given->sandbox);
	if (given->thread_pool_set) {
		s->thread_pool_set = true;
		s->thread_pool = given->thread_pool;
	}
	if (given->log_level)
		set_str(&s->log_level, given->log_level);
	if (given->socket_user)
		set_str(&s->socket_user, given->socket_user);
	if (given->socket_group)
		set_str(&s->socket_group, given->socket_group);
}

/*
 * The share to start, into *spec: DOMAIN TAG (the last start's record,
 * overridden by the options given), or the explicit --dir and --socket.
 *
 * With DOMAIN TAG, no record (after a reboot, or the first start) and no
 * --dir, the domain's definition says what to serve: its <filesystem>
 * with <target dir='TAG'/> has the socket (a <source dir> share is
 * refused: libvirt launches that daemon), and virtshare's record in its
 * <metadata> the directory and the options (plan_daemon_spec()).
 */
static int
share_spec(struct cli *cli, struct dargs *a, struct launch_spec *spec)
{
	const char *uri = cli->uri ? cli->uri : getenv("LIBVIRT_DEFAULT_URI");

	if (need_domain_tag_or_none(cli, a) < 0)
		return -1;
	if (a->npos == 2) {
		AUTOFREE char *name = NULL;
		AUTOPTR(launch_status) st = NULL;
		struct virt_conn *conn;

		if (a->spec.tag)
			return vs_error(VS_ERR_USAGE,
					_("--tag is for the --dir/--socket "
					  "form; with DOMAIN TAG the tag is "
					  "given already."));
		name = launch_find(a->pos[0], a->pos[1]);
		if (name && (st = launch_status_read(name))) {
			launch_spec_copy(spec, &st->spec);
		} else if (vs_error_code() != VS_ERR_NOT_FOUND) {
			return -1;
		} else if (!a->spec.dir) {
			AUTOFREE char *why = NULL;

			vs_error_reset();
			conn = cli_connect_optional(cli, &why);
			if (conn && plan_daemon_spec(conn, a->pos[0],
						     a->pos[1], spec) < 0) {
				enum vs_code code = vs_error_code();

				/* Not libvirt's: --dir is what is missing. */
				if (code != VS_ERR_NO_DOMAIN &&
				    code != VS_ERR_LIBVIRT)
					return -1;
			}
			vs_error_reset();
			if (!spec->domain) {
				spec->domain = xstrdup(a->pos[0]);
				spec->tag = xstrdup(a->pos[1]);
			}
		} else {
			vs_error_reset();
			spec->domain = xstrdup(a->pos[0]);
			spec->tag = xstrdup(a->pos[1]);
		}
		spec_override(spec, &a->spec);
		if (!spec->dir)
			return vs_error(VS_ERR_USAGE,
					_("Which directory does %1$s share as "
					  "'%2$s'? Give it with --dir DIR (it "
					  "is remembered for later starts)."),
					a->pos[0], a->pos[1]);
	} else {
		if (!a->spec.dir || !a->spec.socket)
			return vs_error(VS_ERR_USAGE,
					_("Give DOMAIN TAG, or both --dir DIR "
					  "and --socket PATH. See '%s daemon "
					  "--help'."),
					cli->prog);
		launch_spec_copy(spec, &a->spec);
	}
	spec->timeout_ms = a->timeout_ms;
	return launch_spec_set_owner(spec, uri, cli->root);
}

/* ---- output -------------------------------------------------------------- */

static char *
duration_str(time_t secs)
{
	if (secs < 60)
		return xasprintf(_("%llds"), (long long)secs);
	if (secs < 3600)
		return xasprintf(_("%1$lldm %2$llds"), (long long)secs / 60,
				 (long long)secs % 60);
	if (secs < 86400)
		return xasprintf(_("%1$lldh %2$lldm"), (long long)secs / 3600,
				 (long long)secs % 3600 / 60);
	return xasprintf(_("%1$lldd %2$lldh"), (long long)secs / 86400,
			 (long long)secs % 86400 / 3600);
}

static char *
options_str(const struct launch_spec *s)
{
	struct strbuf sb = STRBUF_INIT;

	if (s->cache)
		sb_printf(&sb, " cache=%s", s->cache);
	if (s->xattr != LAUNCH_DEFAULT)
		sb_add(&sb, s->xattr == LAUNCH_ON ? " xattr" : " no-xattr");
	if (s->readonly)
		sb_add(&sb, " readonly");
	if (s->sandbox)
		sb_printf(&sb, " sandbox=%s", s->sandbox);
	if (s->thread_pool_set)
		sb_printf(&sb, " thread-pool=%u", s->thread_pool);
	if (s->log_level)
		sb_printf(&sb, " log-level=%s", s->log_level);
	if (!sb.len)
		return xstrdup(_("the daemon's defaults"));
	{
		AUTOFREE char *all = sb_steal(&sb);

		return xstrdup(all + 1); /* without the leading space */
	}
}

static char *
socket_str(const struct launch_status *st)
{
	if (!st->socket_present)
		return xasprintf(_("%s (absent)"), st->spec.socket);
	return xasprintf("%s (%s:%s %04o)", st->spec.socket, st->socket_owner,
			 st->socket_group, st->socket_mode);
}

static const char *
state_str(const struct launch_status *st)
{
	static const char *const text[] = {
	    [LAUNCH_STOPPED] = N_("stopped"),
	    [LAUNCH_RUNNING] = N_("running, QEMU connected"),
	    [LAUNCH_STALE] = N_("stale: the daemon is gone (QEMU "
				"disconnected, or it failed)"),
	};

	if (st->state == LAUNCH_RUNNING && st->listening)
		return _("running, waiting for QEMU to connect");
	return _(text[st->state]);
}

/* The details of one share, for start, restart and status. */
static void
render_status(struct strbuf *sb, const struct launch_status *st,
	      size_t tail_lines)
{
	AUTOPTR(table) t = table_new(2);
	AUTOFREE char *sock = socket_str(st);
	AUTOFREE char *opts = options_str(&st->spec);
	AUTOFREE char *pid = NULL;

	if (st->state == LAUNCH_RUNNING) {
		AUTOFREE char *up = duration_str(time(NULL) - st->started);

		pid = xasprintf(_("%1$d (up %2$s)"), st->pid, up);
	} else if (st->pid) {
		pid = xasprintf(_("%d (gone)"), st->pid);
	}
	sb_printf(sb, "%s: %s\n", st->name, state_str(st));
	if (pid)
		table_rowv(t, _("pid"), pid);
	if (st->spec.domain) {
		table_rowv(t, _("domain"), st->spec.domain);
		table_rowv(t, _("tag"), st->spec.tag);
	} else if (st->spec.tag) {
		table_rowv(t, _("tag"), st->spec.tag);
	}
	table_rowv(t, _("directory"), st->spec.dir);
	table_rowv(t, _("socket"), sock);
	table_rowv(t, _("options"), opts);
	table_rowv(t, _("log"), st->log);
	table_render(t, 2, sb);
	if (st->state == LAUNCH_STALE) {
		AUTOFREE char *share =
		    st->spec.domain
			? xasprintf("%s %s", st->spec.domain, st->spec.tag)
			: xasprintf("--socket %s", st->spec.socket);

		sb_printf(sb,
			  _("  The daemon exits when QEMU disconnects. Start "
			    "it again for the next boot:\n"
			    "    virtshare daemon start %s\n"),
			  share);
	}
	if (tail_lines) {
		AUTOFREE char *tail = launch_log_tail(st->log, tail_lines);

		if (*tail)
			sb_add(sb, _("  last log lines:\n"));
		sb_add_lines(sb, "    ", tail);
	}
}

static void
print_warnings(struct cli *cli, const struct launch_status *st)
{
	for (size_t i = 0; i < st->warnings.n; i++)
		fprintf(stderr, _("%1$s: warning: %2$s\n"), cli->prog,
			st->warnings.v[i]);
}

static void
status_json(struct json *j, const struct launch_status *st, bool tail)
{
	const struct launch_spec *s = &st->spec;
	AUTOFREE char *mode = xasprintf("%04o", st->socket_mode);

	json_obj_begin(j, NULL);
	json_str(j, "name", st->name);
	json_str(j, "state", launch_state_name(st->state));
	if (st->pid)
		json_int(j, "pid", st->pid);
	else
		json_null(j, "pid");
	json_bool(j, "listening", st->listening);
	json_str(j, "domain", s->domain);
	json_str(j, "tag", s->tag);
	json_str(j, "dir", s->dir);
	json_str(j, "socket", s->socket);
	json_bool(j, "socket_present", st->socket_present);
	json_str(j, "socket_owner", st->socket_owner);
	json_str(j, "socket_group", st->socket_group);
	json_str(j, "socket_mode", st->socket_present ? mode : NULL);
	launch_spec_options_json(j, s);
	json_str(j, "daemon", st->daemon);
	json_arr_begin(j, "argv");
	for (size_t i = 0; i < st->argv.n; i++)
		json_str(j, NULL, st->argv.v[i]);
	json_arr_end(j);
	json_str(j, "log", st->log);
	json_str(j, "pid_file", st->pid_file);
	if (st->started)
		json_int(j, "started", (long long)st->started);
	else
		json_null(j, "started");
	if (st->state == LAUNCH_RUNNING)
		json_int(j, "uptime_s", (long long)(time(NULL) - st->started));
	else
		json_null(j, "uptime_s");
	if (tail) {
		AUTOFREE char *text =
		    launch_log_tail(st->log, STATUS_TAIL_LINES);
		const char *p = text;

		json_arr_begin(j, "log_tail");
		while (*p) {
			size_t n = strcspn(p, "\n");
			AUTOFREE char *line = xstrndup(p, n);

			json_str(j, NULL, line);
			p += n + (p[n] == '\n');
		}
		json_arr_end(j);
	}
	json_arr_begin(j, "warnings");
	for (size_t i = 0; i < st->warnings.n; i++)
		json_str(j, NULL, st->warnings.v[i]);
	json_arr_end(j);
	json_obj_end(j);
}

/* {"schema": 1, "rundir": ..., "daemons": [...]} */
static char *
list_json(struct launch_status **list, int n, bool tail)
{
	AUTOFREE char *rundir = launch_rundir();
	struct json j;

	json_init(&j);
	json_obj_begin(&j, NULL);
	json_int(&j, "schema", 1);
	json_str(&j, "rundir", rundir);
	json_arr_begin(&j, "daemons");
	for (int i = 0; i < n; i++)
		status_json(&j, list[i], tail);
	json_arr_end(&j);
	json_obj_end(&j);
	return json_steal(&j);
}

/* headline, then the share's details without their state line. */
static void
print_started(struct cli *cli, const struct launch_status *st,
	      const char *headline)
{
	struct strbuf sb = STRBUF_INIT;

	printf("%s\n", headline);
	render_status(&sb, st, 0);
	/* The first line repeats the state: skip it. */
	cli_out(strchr(sb_str(&sb), '\n') + 1);
	sb_clear(&sb);
	print_warnings(cli, st);
}

/*
 * --dry-run: what a start would run (st from launch_start_plan()) under
 * headline, then that nothing changed.
 */
static void
print_planned(const struct launch_status *st, const char *headline)
{
	AUTOPTR(table) t = table_new(2);
	struct strbuf sb = STRBUF_INIT;
	const struct launch_spec *s = &st->spec;
	AUTOFREE char *opts = options_str(s);
	AUTOFREE char *owner =
	    s->socket_group
		? xasprintf(_("%1$s:%2$s, mode 0660"),
			    s->socket_user ? s->socket_user : "-",
			    s->socket_group)
		: xasprintf(_("%s, mode 0600"),
			    s->socket_user ? s->socket_user : "-");

	sb_printf(&sb, "%s\n", headline);
	table_rowv(t, _("directory"), s->dir);
	table_rowv(t, _("socket"), s->socket);
	table_rowv(t, _("owner"), owner);
	table_rowv(t, _("options"), opts);
	table_rowv(t, _("log"), st->log);
	table_render(t, 2, &sb);
	sb_add(&sb, "  $");
	for (size_t i = 0; i < st->argv.n; i++)
		sb_printf(&sb, " %s", st->argv.v[i]);
	sb_addc(&sb, '\n');
	cli_out(sb_str(&sb));
	sb_clear(&sb);
	cli_out(_("Dry run: nothing was changed.\n"));
}

/*
 * Stopping a daemon a guest is connected to takes the shared directory
 * away from the guest (virtiofs does not reconnect): say so and ask,
 * unless --yes. 1 to go on, 0 when the answer was no, -1 reported.
 */
static int
confirm_connected(const struct dargs *a, const struct launch_status *st,
		  const char *question)
{
	if (st->state != LAUNCH_RUNNING || st->listening)
		return 1;
	printf(_("virtshare-fsd for %1$s (pid %2$d) serves a guest that is "
		 "connected to it: stopping it takes the shared directory "
		 "away from the guest until the guest is shut down and "
		 "started again.\n"),
	       st->name, st->pid);
	return cli_confirm(a->yes, question);
}

/* ---- actions ------------------------------------------------------------- */

static int
act_start(struct cli *cli, struct dargs *a)
{
	struct launch_spec spec = {0};
	AUTOPTR(launch_status) st = NULL;
	AUTOFREE char *headline = NULL;

	if (share_spec(cli, a, &spec) == 0)
		st = a->dry_run ? launch_start_plan(&spec, false)
				: launch_start(&spec);
	launch_spec_clear(&spec);
	if (!st)
		return -1;
	if (a->dry_run) {
		headline = xasprintf(_("virtshare-fsd for %s would be "
				       "started:"),
				     st->name);
		print_planned(st, headline);
		return EXIT_OK;
	}
	headline = xasprintf(_("Started virtshare-fsd for %1$s (pid %2$d)."),
			     st->name, st->pid);
	print_started(cli, st, headline);
	return EXIT_OK;
}

static int
act_stop(struct cli *cli, struct dargs *a)
{
	AUTOFREE char *name = share_name(cli, a);
	AUTOPTR(launch_status) st = NULL;
	bool was = false;
	int go;

	if (!name || !(st = launch_status_read(name)))
		return -1;
	if (a->dry_run) {
		if (st->state == LAUNCH_RUNNING && st->listening)
			printf(_("virtshare-fsd for %1$s (pid %2$d) would be "
				 "stopped.\n"),
			       name, st->pid);
		else if (st->state == LAUNCH_RUNNING)
			printf(_("virtshare-fsd for %1$s (pid %2$d) would be "
				 "stopped, and the guest connected to it would "
				 "lose the shared directory.\n"),
			       name, st->pid);
		else if (st->state == LAUNCH_STALE)
			printf(_("virtshare-fsd for %s has exited already; "
				 "the files it left would be removed.\n"),
			       name);
		else
			printf(_("virtshare-fsd for %s is not running: there "
				 "is nothing to stop.\n"),
			       name);
		cli_out(_("Dry run: nothing was changed.\n"));
		return EXIT_OK;
	}
	if ((go = confirm_connected(a, st, _("Stop it? [y/N]"))) <= 0)
		return go < 0 ? -1 : EXIT_FAILED;
	if (launch_stop(name, a->grace_ms, &was) < 0)
		return -1;
	if (was)
		printf(_("Stopped virtshare-fsd for %1$s (pid %2$d).\n"), name,
		       st->pid);
	else if (st->state == LAUNCH_STALE)
		printf(_("virtshare-fsd for %s had already exited; removed "
			 "the files it left.\n"),
		       name);
	else
		printf(_("virtshare-fsd for %s was not running.\n"), name);
	return EXIT_OK;
}

static int
act_restart(struct cli *cli, struct dargs *a)
{
	AUTOFREE char *name = share_name(cli, a);
	AUTOPTR(launch_status) st = NULL;
	AUTOPTR(launch_status) now = NULL;
	AUTOFREE char *headline = NULL;
	int go;

	if (!name || !(now = launch_status_read(name)))
		return -1;
	if (a->dry_run) {
		now->spec.timeout_ms = a->timeout_ms;
		if (!(st = launch_start_plan(&now->spec, true)))
			return -1;
		headline = now->state == LAUNCH_RUNNING
			       ? xasprintf(_("virtshare-fsd for %1$s (pid "
					     "%2$d) would be stopped and "
					     "started again:"),
					   name, now->pid)
			       : xasprintf(_("virtshare-fsd for %s would be "
					     "started again:"),
					   name);
		print_planned(st, headline);
		return EXIT_OK;
	}
	if ((go = confirm_connected(a, now, _("Restart it? [y/N]"))) <= 0)
		return go < 0 ? -1 : EXIT_FAILED;
	if (!(st = launch_restart(name, a->grace_ms, a->timeout_ms)))
		return -1;
	headline = xasprintf(_("Restarted virtshare-fsd for %1$s (pid %2$d)."),
			     st->name, st->pid);
	print_started(cli, st, headline);
	return EXIT_OK;
}

static int
act_status(struct cli *cli, struct dargs *a)
{
	struct launch_status **list = NULL;
	struct strbuf sb = STRBUF_INIT;
	int n;

	if (need_domain_tag_or_none(cli, a) < 0)
		return -1;
	if (a->npos || a->spec.socket) {
		AUTOFREE char *name = share_name(cli, a);
		AUTOPTR(launch_status) st = NULL;

		if (!name || !(st = launch_status_read(name)))
			return -1;
		if (a->json) {
			AUTOFREE char *doc = NULL;
			struct json j;

			json_init(&j);
			status_json(&j, st, true);
			doc = json_steal(&j);
			cli_out(doc);
		} else {
			render_status(&sb, st, STATUS_TAIL_LINES);
			cli_out(sb_str(&sb));
			sb_clear(&sb);
			print_warnings(cli, st);
		}
		return EXIT_OK;
	}
	if ((n = launch_list(&list)) < 0)
		return -1;
	if (a->json) {
		AUTOFREE char *doc = list_json(list, n, true);

		cli_out(doc);
	} else if (!n) {
		AUTOFREE char *rundir = launch_rundir();

		printf(_("No virtiofs daemons were started (nothing in %s).\n"),
		       rundir);
	}
	for (int i = 0; !a->json && i < n; i++) {
		if (i)
			sb_addc(&sb, '\n');
		render_status(&sb, list[i], STATUS_TAIL_LINES);
	}
	cli_out(sb_str(&sb));
	sb_clear(&sb);
	for (int i = 0; !a->json && i < n; i++)
		print_warnings(cli, list[i]);
	launch_status_list_free(list, n);
	return EXIT_OK;
}

static int
act_list(struct cli *cli, struct dargs *a)
{
	struct launch_status **list = NULL;
	AUTOPTR(table) t = table_new(5);
	struct strbuf sb = STRBUF_INIT;
	int n = launch_list(&list);

	if (n < 0)
		return -1;
	if (a->json) {
		AUTOFREE char *doc = list_json(list, n, false);

		cli_out(doc);
		launch_status_list_free(list, n);
		return EXIT_OK;
	}
	if (!n) {
		AUTOFREE char *rundir = launch_rundir();

		printf(_("No virtiofs daemons were started (nothing in %s).\n"),
		       rundir);
		return EXIT_OK;
	}
	table_right(t, 2);
	table_rowv(t, _("NAME"), _("STATE"), _("PID"), _("DIRECTORY"),
		   _("SOCKET"));
	for (int i = 0; i < n; i++) {
		AUTOFREE char *pid =
		    list[i]->pid ? xasprintf("%d", list[i]->pid) : xstrdup("-");

		table_rowv(t, list[i]->name, launch_state_name(list[i]->state),
			   pid, list[i]->spec.dir, list[i]->spec.socket);
	}
	table_render(t, 0, &sb);
	cli_out(sb_str(&sb));
	sb_clear(&sb);
	launch_status_list_free(list, n);
	return EXIT_OK;
}

static int
act_install_unit(struct cli *cli, struct dargs *a)
{
	struct launch_spec spec = {0};
	AUTOFREE char *rundir = NULL, *name = NULL, *path = NULL;
	int rc = -1;

	if (share_spec(cli, a, &spec) < 0 || launch_spec_check(&spec) < 0)
		goto out;
	if (!spec.socket &&
	    !(spec.socket = launch_default_socket(spec.domain, spec.tag)))
		goto out;
	if (!(rundir = launch_rundir()))
		goto out;
	name = launch_name_for_socket(rundir, spec.socket);
	if (a->dry_run) {
		AUTOFREE char *text = launch_unit_env(&spec);

		if (!text)
			goto out;
		path = launch_unit_path(name);
		printf(_("%1$s would be written for "
			 "virtshare-fsd@%2$s.service:\n"),
		       path, name);
		cli_out(text);
		cli_out(_("Dry run: nothing was changed.\n"));
		rc = EXIT_OK;
		goto out;
	}
	if (!(path = launch_unit_install(name, &spec)))
		goto out;
	printf(_("Wrote %1$s for virtshare-fsd@%2$s.service. Enable it (and "
		 "stop a daemon 'virtshare daemon start' runs on the same "
		 "socket first) with:\n"
		 "  systemctl daemon-reload\n"
		 "  systemctl enable --now 'virtshare-fsd@%2$s.service'\n"),
	       path, name);
	rc = EXIT_OK;
out:
	launch_spec_clear(&spec);
	return rc;
}

int
cmd_daemon(struct cli *cli, int argc, char **argv)
{
	struct dargs a = {0};
	int rc;

	if (argc < 2 || argv[1][0] == '-') {
		/* Only --help makes sense before the action. */
		static const struct option common[] = {
		    CLI_COMMON_LONGOPTS,
		    {NULL, 0, NULL, 0},
		};
		int c = cli_getopt(cli, argc, argv, "", common);

		if (c == 'h')
			return EXIT_OK;
		if (c == '?')
			return -1;
		return vs_error(VS_ERR_USAGE,
				_("Missing action: start, stop, restart, "
				  "status, list or install-unit. See '%s "
				  "daemon --help'."),
				cli->prog);
	}
	if (!(a.act = action_find(argv[1])))
		return vs_error(VS_ERR_USAGE,
				_("Unknown action '%1$s' for '%2$s daemon': "
				  "use start, stop, restart, status, list or "
				  "install-unit."),
				argv[1], cli->prog);
	argc--;
	argv++;
	optind = 1;
	rc = parse_args(cli, argc, argv, &a);
	if (rc == 0 && a.act->run == act_list && a.npos)
		rc = vs_error(VS_ERR_USAGE,
			      _("Unexpected argument '%1$s' for '%2$s daemon "
				"%3$s'. See '%2$s daemon --help'."),
			      a.pos[0], cli->prog, a.act->name);
	/* The daemons, their records and sockets are this machine's: none
	 * of them serves a guest of another host (list, status and stop
	 * would show or stop this machine's daemon of the same name). */
	if (rc == 0) {
		AUTOFREE char *run = xasprintf("virtshare daemon %s",
					       a.act->name);

		rc = cli_refuse_remote(cli, _("The daemon must run on the "
					      "guest's host"),
				       run);
	}
	if (rc == 0 && cli->demo && a.act->changes)
		rc = vs_error(VS_ERR_UNSUPPORTED,
			      _("The demo changes nothing on this host, so "
				"'%1$s daemon %2$s' does not run with --demo."),
			      cli->prog, a.act->name);
	if (rc == 0)
		rc = a.act->run(cli, &a);
	else if (rc > 0)
		rc = EXIT_OK;
	launch_spec_clear(&a.spec);
	return rc;
}
