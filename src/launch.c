/* SPDX-License-Identifier: GPL-2.0-or-later */
/* launch.c: start, watch and stop virtshare-fsd for <source socket> shares */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compat.h"
#include "error.h"
#include "host.h"
#include "json.h"
#include "launch.h"
#include "qemuconf.h"
#include "virt.h"

#define RUNDIR_ROOT      "/run/virtshare"
#define LOG_ROTATE_BYTES (1 << 20)
#define POLL_MS          10
/* After SIGKILL the kernel needs only a moment; do not hang on it. */
#define KILL_WAIT_MS 2000

/* Option values the daemon accepts, as its --help lists them. */
static const char *const cache_modes[] = {"none", "auto", "always"};
static const char *const sandbox_modes[] = {"namespace", "chroot", "none"};
static const char *const log_levels[] = {"off",  "error", "warn",
					 "info", "debug", "trace"};

/* enum launch_flag in records: null leaves it to the daemon. */
static const char *const flag_names[] = {
	[LAUNCH_DEFAULT] = NULL,
	[LAUNCH_ON] = "on",
	[LAUNCH_OFF] = "off",
};

static const char *const state_names[] = {
	[LAUNCH_STOPPED] = "stopped",
	[LAUNCH_RUNNING] = "running",
	[LAUNCH_STALE] = "stale",
};

const char *
launch_state_name(enum launch_state state)
{
	return (unsigned)state < ARRAY_SIZE(state_names) ? state_names[state]
							 : "?";
}

static bool
str_eq(const char *a, const char *b)
{
	return a && b ? STREQ(a, b) : a == b;
}

/* ---- the spec ------------------------------------------------------------ */

void
launch_spec_clear(struct launch_spec *spec)
{
	free(spec->domain);
	free(spec->tag);
	free(spec->dir);
	free(spec->socket);
	free(spec->cache);
	free(spec->sandbox);
	free(spec->log_level);
	free(spec->socket_user);
	free(spec->socket_group);
	memset(spec, 0, sizeof(*spec));
}

void
launch_spec_copy(struct launch_spec *dst, const struct launch_spec *src)
{
	*dst = *src;
	dst->domain = xstrdup0(src->domain);
	dst->tag = xstrdup0(src->tag);
	dst->dir = xstrdup0(src->dir);
	dst->socket = xstrdup0(src->socket);
	dst->cache = xstrdup0(src->cache);
	dst->sandbox = xstrdup0(src->sandbox);
	dst->log_level = xstrdup0(src->log_level);
	dst->socket_user = xstrdup0(src->socket_user);
	dst->socket_group = xstrdup0(src->socket_group);
}

bool
launch_spec_equal(const struct launch_spec *a, const struct launch_spec *b)
{
	return str_eq(a->domain, b->domain) && str_eq(a->tag, b->tag) &&
	       path_same(a->dir, b->dir) && path_same(a->socket, b->socket) &&
	       str_eq(a->cache, b->cache) && a->xattr == b->xattr &&
	       a->readonly == b->readonly && str_eq(a->sandbox, b->sandbox) &&
	       a->thread_pool_set == b->thread_pool_set &&
	       (!a->thread_pool_set || a->thread_pool == b->thread_pool) &&
	       str_eq(a->log_level, b->log_level) &&
	       str_eq(a->socket_user, b->socket_user) &&
	       str_eq(a->socket_group, b->socket_group);
}

static bool
in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (STREQ(s, list[i]))
			return true;
	return false;
}

/* Line breaks would corrupt /proc/net/unix matching and unit files. */
static int
check_path(const char *what, const char *path)
{
	if (path[0] != '/')
		return vs_error(VS_ERR_INVALID,
				_("The %1$s '%2$s' must be an absolute path."),
				what, path);
	if (strpbrk(path, "\n\r"))
		return vs_error(VS_ERR_INVALID,
				_("The %1$s '%2$s' contains a line break; "
				  "choose another path."),
				what, path);
	return 0;
}

int
launch_spec_check(const struct launch_spec *spec)
{
	struct stat sb;

	if (!spec->dir)
		return vs_error(VS_ERR_INVALID,
				_("No directory to share was given: name the "
				  "directory the daemon serves."));
	if (launch_spec_check_values(spec) < 0)
		return -1;
	if (stat(spec->dir, &sb) < 0)
		return vs_error(VS_ERR_NOT_FOUND,
				_("The shared directory %1$s cannot be used "
				  "(%2$s). Create it, or share another one."),
				spec->dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return vs_error(VS_ERR_INVALID,
				_("%s is not a directory; share a directory."),
				spec->dir);
	return 0;
}

int
launch_spec_check_values(const struct launch_spec *spec)
{
	size_t max = sizeof(((struct sockaddr_un *)NULL)->sun_path) - 1;

	if (spec->dir && check_path(_("shared directory"), spec->dir) < 0)
		return -1;
	if (spec->socket && check_path(_("socket path"), spec->socket) < 0)
		return -1;
	if (spec->socket && strlen(spec->socket) > max)
		return vs_error(VS_ERR_INVALID,
				_("The socket path %1$s is %2$zu bytes long; a "
				  "UNIX socket allows at most %3$zu. Choose a "
				  "shorter path."),
				spec->socket, strlen(spec->socket), max);
	if (spec->domain && (!spec->tag || !*spec->domain))
		return vs_error(VS_ERR_INVALID,
				_("A share of a domain needs both the domain "
				  "name and the mount tag."));
	if (spec->tag && !*spec->tag)
		return vs_error(VS_ERR_INVALID,
				_("The mount tag is empty; give the tag the "
				  "guest mounts."));
	if (spec->tag && strlen(spec->tag) > COMPAT_TAG_MAX)
		return vs_error(VS_ERR_INVALID,
				_("The mount tag '%1$s' is %2$zu bytes long; "
				  "virtiofs allows at most %3$d. Choose a "
				  "shorter tag."),
				spec->tag, strlen(spec->tag), COMPAT_TAG_MAX);
	if (spec->cache &&
	    !in_list(spec->cache, cache_modes, ARRAY_SIZE(cache_modes)))
		return vs_error(VS_ERR_INVALID,
				_("Unknown cache mode '%s': use none, auto or "
				  "always."),
				spec->cache);
	if (spec->sandbox &&
	    !in_list(spec->sandbox, sandbox_modes, ARRAY_SIZE(sandbox_modes)))
		return vs_error(VS_ERR_INVALID,
				_("Unknown sandbox mode '%s': use namespace, "
				  "chroot or none."),
				spec->sandbox);
	if (spec->log_level &&
	    !in_list(spec->log_level, log_levels, ARRAY_SIZE(log_levels)))
		return vs_error(VS_ERR_INVALID,
				_("Unknown log level '%s': use off, error, "
				  "warn, info, debug or trace."),
				spec->log_level);
	if (spec->thread_pool_set && spec->thread_pool > LAUNCH_THREADS_MAX)
		return vs_error(VS_ERR_INVALID,
				_("A daemon of %1$u worker threads is more "
				  "than virtshare starts: use 0 (no pool) to "
				  "%2$d."),
				spec->thread_pool, LAUNCH_THREADS_MAX);
	return 0;
}

/* ---- who may connect ----------------------------------------------------- */

int
launch_spec_set_owner(struct launch_spec *spec, const char *uri,
		      const char *root)
{
	struct qemu_settings qs = {0};
	bool session = geteuid() != 0;

	if (uri) {
		/* As every other test of remoteness: ssh to localhost too. */
		if (virt_uri_is_remote(uri))
			return vs_error(VS_ERR_UNSUPPORTED,
					_("The daemon must run on the guest's "
					  "host, but %s is another host. Run "
					  "virtshare there."),
					uri);
		session = strstr(uri, "/session") != NULL;
	}
	if (spec->socket_user && spec->socket_group)
		return 0;
	if (session) {
		/* The daemon runs as us; only we need to connect. */
		if (!spec->socket_user)
			spec->socket_user = host_user_name(geteuid());
		return 0;
	}
	if (qemu_settings_read(root, &qs) < 0) {
		qemu_settings_clear(&qs);
		return -1;
	}
	if (!spec->socket_user)
		spec->socket_user = xstrdup(qs.user);
	if (!spec->socket_group)
		spec->socket_group = xstrdup(qs.group);
	qemu_settings_clear(&qs);
	return 0;
}

struct owner {
	bool set_user, set_group;
	uid_t uid;
	gid_t gid;      /* the socket's group when set_group */
	gid_t user_gid; /* the user's primary group */
	unsigned mode;
};

static int
owner_resolve(const struct launch_spec *spec, struct owner *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = spec->socket_group ? 0660 : 0600;
	if (spec->socket_user) {
		if (host_user_lookup(spec->socket_user, &o->uid, &o->user_gid) <
		    0)
			return vs_error(VS_ERR_INVALID,
					_("The user '%s' who should own the "
					  "socket does not exist on this "
					  "host. Check qemu.conf's user "
					  "setting, or name an existing user."),
					spec->socket_user);
		o->set_user = true;
	}
	if (spec->socket_group) {
		if (host_group_lookup(spec->socket_group, &o->gid) < 0)
			return vs_error(
			    VS_ERR_INVALID,
			    _("The group '%s' that should own the "
			      "socket does not exist on this "
			      "host. Check qemu.conf's group "
			      "setting, or name an existing group."),
			    spec->socket_group);
		o->set_group = true;
	}
	return 0;
}

static bool
we_are_in_group(gid_t gid)
{
	int n = getgroups(0, NULL);
	AUTOFREE gid_t *groups = NULL;

	if (gid == getegid())
		return true;
	if (n <= 0)
		return false;
	groups = xcalloc((size_t)n, sizeof(*groups));
	n = getgroups(n, groups);
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* Only root gives files away: say so before starting anything. */
static int
owner_check_allowed(const struct launch_spec *spec, const struct owner *o)
{
	if (geteuid() == 0)
		return 0;
	if ((o->set_user && o->uid != geteuid()) ||
	    (o->set_group && !we_are_in_group(o->gid)))
		return vs_error(VS_ERR_PERM,
				_("Only root can give the socket to %1$s:%2$s. "
				  "Run as root, or connect to "
				  "qemu:///session, whose QEMU runs as you."),
				spec->socket_user ? spec->socket_user : "-",
				spec->socket_group ? spec->socket_group : "-");
	return 0;
}

/*
 * QEMU needs search permission on every directory above the socket and
 * write permission on it (host_unreachable()).
 */
static void
check_reachable(struct launch_status *st)
{
	const char *user = st->spec.socket_user;
	AUTOFREE char *blocked = NULL;
	uid_t uid;
	gid_t gid;

	if (!user || host_user_lookup(user, &uid, &gid) < 0)
		return;
	if (!(blocked = host_unreachable("/", st->spec.socket, user, uid, gid)))
		return;
	if (STREQ(blocked, st->spec.socket))
		strlist_take(&st->warnings,
			     xasprintf(_("QEMU's user %1$s cannot write to "
					 "the socket %2$s: the guest will "
					 "fail with \"Permission denied\"."),
				       user, st->spec.socket));
	else
		strlist_take(
		    &st->warnings,
		    xasprintf(_("QEMU's user %1$s cannot search %2$s to reach "
				"the socket: the guest will fail with "
				"\"Permission denied\". Let it search the "
				"directory, or choose a socket elsewhere."),
			      user, blocked));
}

/* ---- names and directories ----------------------------------------------- */

char *
launch_rundir(void)
{
	const char *env = getenv("VIRTSHARE_RUNDIR");

	if (env && *env)
		return xstrdup(env);
	if (geteuid() == 0)
		return xstrdup(RUNDIR_ROOT);
	env = getenv("XDG_RUNTIME_DIR");
	if (env && *env == '/')
		return xasprintf("%s/virtshare", env);
	vs_error(VS_ERR_NOT_FOUND,
		 _("There is no run directory for the daemon's socket: "
		   "$XDG_RUNTIME_DIR is not set. Set $VIRTSHARE_RUNDIR to a "
		   "directory you own."));
	return NULL;
}

static bool
name_char_ok(char c, bool keep_dash)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == ':' || c == '_' || c == '.' ||
	       (keep_dash && c == '-');
}

static void
escape_into(struct strbuf *sb, const char *s, bool keep_dash)
{
	for (size_t i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (name_char_ok((char)c, keep_dash) && !(i == 0 && c == '.'))
			sb_addc(sb, (char)c);
		else
			sb_printf(sb, "\\x%02x", c);
	}
}

char *
launch_name(const char *domain, const char *tag)
{
	struct strbuf sb = STRBUF_INIT;

	escape_into(&sb, domain, true);
	sb_addc(&sb, '-');
	escape_into(&sb, tag, true);
	return sb_steal(&sb);
}

char *
launch_name_for_socket(const char *rundir, const char *socket)
{
	/* One socket, one name, however its path is written. */
	AUTOFREE char *run = path_canon(rundir);
	AUTOFREE char *trimmed = path_canon(socket);
	size_t rl = strlen(run);
	struct strbuf sb = STRBUF_INIT;
	char *p;

	if (strncmp(trimmed, run, rl) == 0 && trimmed[rl] == '/') {
		const char *base = trimmed + rl + 1;
		size_t bl = strlen(base);

		if (!strchr(base, '/') && bl > 5 && base[0] != '.' &&
		    STREQ(base + bl - 5, ".sock"))
			return xstrndup(base, bl - 5);
	}
	/* systemd-escape --path: "/a/b-c" -> "a-b\x2dc" */
	p = trimmed;
	while (*p == '/')
		p++;
	for (char *part = strtok(p, "/"); part; part = strtok(NULL, "/")) {
		if (sb.len)
			sb_addc(&sb, '-');
		escape_into(&sb, part, false);
	}
	return sb.len ? sb_steal(&sb) : xstrdup("-");
}

char *
launch_default_socket(const char *domain, const char *tag)
{
	AUTOFREE char *rundir = launch_rundir();
	AUTOFREE char *name = NULL;

	if (!rundir)
		return NULL;
	name = launch_name(domain, tag);
	return xasprintf("%s/%s.sock", rundir, name);
}

/* mkdir -p with mode for the directories it creates. */
static int
mkdir_p(const char *dir, unsigned mode)
{
	AUTOFREE char *p = xstrdup(dir);

	for (char *s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return -1;
		*s = c;
		if (!c)
			return 0;
	}
}

static int
ensure_rundir(const char *rundir)
{
	if (mkdir_p(rundir, 0755) < 0 || access(rundir, W_OK | X_OK) < 0)
		return vs_error(VS_ERR_PERM,
				_("The run directory %1$s is not writable "
				  "(%2$s). Run as root, or set "
				  "$VIRTSHARE_RUNDIR to a directory you can "
				  "write."),
				rundir, strerror(errno));
	return 0;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash == path ? xstrdup("/")
			     : xstrndup(path, (size_t)(slash - path));
}

/*
 * The socket's directory must let us create it and must not let others
 * swap it for something else between the daemon's bind() and our chown.
 */
static int
check_socket_dir(const char *socket)
{
	AUTOFREE char *dir = dir_of(socket);
	struct stat sb;

	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return vs_error(VS_ERR_NOT_FOUND,
				_("The socket directory %s does not exist. "
				  "Create it, or choose another socket path."),
				dir);
	if (access(dir, W_OK | X_OK) < 0)
		return vs_error(VS_ERR_PERM,
				_("The socket directory %1$s is not writable "
				  "(%2$s). Run as root, or choose a socket "
				  "path in a directory you can write."),
				dir, strerror(errno));
	if ((sb.st_mode & S_IWOTH) && !(sb.st_mode & S_ISVTX))
		return vs_error(VS_ERR_PERM,
				_("The socket directory %s is writable by "
				  "every user, who could replace the socket. "
				  "Choose a directory only its owner can "
				  "write, or one with the sticky bit."),
				dir);
	return 0;
}

/* ---- files in the run directory ------------------------------------------ */

struct paths {
	char *rundir;
	char *name;
	char *record;
	char *pid_file;
	char *log;
	char *lock;
};

static void
paths_clear(struct paths *p)
{
	free(p->rundir);
	free(p->name);
	free(p->record);
	free(p->pid_file);
	free(p->log);
	free(p->lock);
	memset(p, 0, sizeof(*p));
}

static void
paths_set(struct paths *p, const char *rundir, const char *name)
{
	p->rundir = xstrdup(rundir);
	p->name = xstrdup(name);
	p->record = xasprintf("%s/%s.json", rundir, name);
	p->pid_file = xasprintf("%s/%s.pid", rundir, name);
	p->log = xasprintf("%s/%s.log", rundir, name);
	p->lock = xasprintf("%s/%s.lock", rundir, name);
}

/* Serialise starts and stops of one share (released by close). */
static int
lock_share(const struct paths *p)
{
	int fd = open(p->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0) {
		vs_error(VS_ERR_PERM,
			 _("Cannot create the lock file %1$s (%2$s). Run as "
			   "root, or set $VIRTSHARE_RUNDIR to a directory you "
			   "can write."),
			 p->lock, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		vs_error_errno(VS_ERR_SYSTEM, errno, _("Cannot lock %s"),
			       p->lock);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The daemon's options as JSON members, in one order for the record and
 * for people; the record keeps xattr as its flag name, people get
 * true/false/null.
 */
static void
options_json(struct json *j, const struct launch_spec *s, bool xattr_name)
{
	json_str(j, "cache", s->cache);
	if (xattr_name)
		json_str(j, "xattr", flag_names[s->xattr]);
	else if (s->xattr == LAUNCH_DEFAULT)
		json_null(j, "xattr");
	else
		json_bool(j, "xattr", s->xattr == LAUNCH_ON);
	json_bool(j, "readonly", s->readonly);
	json_str(j, "sandbox", s->sandbox);
	if (s->thread_pool_set)
		json_int(j, "thread_pool", s->thread_pool);
	else
		json_null(j, "thread_pool");
	json_str(j, "log_level", s->log_level);
	json_str(j, "socket_user", s->socket_user);
	json_str(j, "socket_group", s->socket_group);
}

void
launch_spec_options_json(struct json *j, const struct launch_spec *s)
{
	json_obj_begin(j, "options");
	options_json(j, s, false);
	json_obj_end(j);
}

static void
record_json(struct json *j, const struct launch_status *st)
{
	const struct launch_spec *s = &st->spec;

	json_obj_begin(j, NULL);
	json_int(j, "version", 1);
	json_str(j, "name", st->name);
	json_str(j, "domain", s->domain);
	json_str(j, "tag", s->tag);
	json_str(j, "dir", s->dir);
	json_str(j, "socket", s->socket);
	options_json(j, s, true);
	json_str(j, "daemon", st->daemon);
	json_str(j, "exe", st->exe);
	json_arr_begin(j, "argv");
	for (size_t i = 0; i < st->argv.n; i++)
		json_str(j, NULL, st->argv.v[i]);
	json_arr_end(j);
	json_int(j, "pid", st->pid);
	json_u64(j, "start_ticks", st->start_ticks);
	json_int(j, "started", (long long)st->started);
	json_obj_end(j);
}

static int
record_write(const struct paths *p, const struct launch_status *st)
{
	struct json j;
	AUTOFREE char *doc = NULL;

	json_init(&j);
	record_json(&j, st);
	doc = json_steal(&j);
	return file_write_atomic(p->record, doc, strlen(doc), 0644);
}

static int
damaged(const struct paths *p)
{
	return vs_error(VS_ERR_PARSE,
			_("The launch record %s is damaged. Remove it and "
			  "start the daemon again."),
			p->record);
}

static char *
jstr(const struct json_node *o, const char *key)
{
	const struct json_node *n = json_get(o, key);

	return n && n->type == JSON_STR ? xstrdup(n->str) : NULL;
}

static double
jnum(const struct json_node *o, const char *key)
{
	const struct json_node *n = json_get(o, key);

	return n && n->type == JSON_NUM ? n->num : 0;
}

/*
 * Read p's record into st (name, spec, daemon, argv, pid, start time).
 * Returns 0, 1 when there is no record (not reported), or -1 (reported).
 */
static int
record_read(const struct paths *p, struct launch_status *st)
{
	AUTOFREE char *text = NULL;
	AUTOPTR(json_node) doc = NULL;
	const struct json_node *n;
	struct launch_spec *s = &st->spec;
	AUTOFREE char *xattr = NULL;
	size_t len;

	if (!(text = file_load(p->record, 1 << 20, &len))) {
		if (errno != ENOENT)
			return -1;
		vs_error_reset();
		return 1;
	}
	doc = json_parse(text, len);
	if (!doc || doc->type != JSON_OBJ)
		return damaged(p);
	st->name = xstrdup(p->name);
	s->dir = jstr(doc, "dir");
	s->socket = jstr(doc, "socket");
	if (!s->dir || !s->socket)
		return damaged(p);
	s->domain = jstr(doc, "domain");
	s->tag = jstr(doc, "tag");
	s->cache = jstr(doc, "cache");
	xattr = jstr(doc, "xattr");
	if (xattr)
		s->xattr = STREQ(xattr, "on") ? LAUNCH_ON : LAUNCH_OFF;
	n = json_get(doc, "readonly");
	s->readonly = n && n->type == JSON_BOOL && n->b;
	s->sandbox = jstr(doc, "sandbox");
	n = json_get(doc, "thread_pool");
	if (n && n->type == JSON_NUM) {
		s->thread_pool_set = true;
		s->thread_pool = (unsigned)n->num;
	}
	s->log_level = jstr(doc, "log_level");
	s->socket_user = jstr(doc, "socket_user");
	s->socket_group = jstr(doc, "socket_group");
	st->daemon = jstr(doc, "daemon");
	st->exe = jstr(doc, "exe");
	n = json_get(doc, "argv");
	for (size_t i = 0; n && n->type == JSON_ARR && i < n->n; i++)
		if (n->kids[i].type == JSON_STR)
			strlist_add(&st->argv, n->kids[i].str);
	st->pid = (int)jnum(doc, "pid");
	st->start_ticks = (unsigned long long)jnum(doc, "start_ticks");
	st->started = (time_t)jnum(doc, "started");
	st->log = xstrdup(p->log);
	st->pid_file = xstrdup(p->pid_file);
	return 0;
}

static int
pid_file_write(const struct paths *p, int pid)
{
	AUTOFREE char *s = xasprintf("%d\n", pid);

	return file_write_atomic(p->pid_file, s, strlen(s), 0644);
}

/* The pid in the pid file, 0 when there is none or it is not a pid. */
static int
pid_file_read(const struct paths *p)
{
	AUTOFREE char *s = file_read_line(p->pid_file);
	int pid;

	if (!s || str_to_int(str_trim(s), &pid) < 0 || pid <= 0)
		return 0;
	return pid;
}

/* ---- the process --------------------------------------------------------- */

/*
 * Whether pid is still the process we started: alive (a zombie is gone),
 * the same start time (so not a recycled pid) and, when both are known,
 * the same binary.
 */
static bool
proc_is_ours(int pid, unsigned long long start_ticks, const char *exe)
{
	struct host_proc p;
	bool ours;

	if (pid <= 0 || host_proc_read("/", pid, &p) < 0)
		return false;
	ours = host_proc_alive(&p) && p.start_ticks == start_ticks &&
	       (!exe || !p.exe || STREQ(exe, p.exe));
	host_proc_clear(&p);
	return ours;
}

static bool
status_proc_ours(const struct launch_status *st)
{
	return proc_is_ours(st->pid, st->start_ticks, st->exe);
}

/*
 * Signal the recorded process only if it still is ours. Through a pidfd
 * when the kernel has them: the check and the signal then hit the same
 * process even if the pid is recycled in between. Returns 0 when sent,
 * 1 when the process is gone or not ours, -1 on error (errno).
 */
static int
signal_ours(const struct launch_status *st, int sig)
{
#ifdef SYS_pidfd_open
	int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
#else
	int pidfd = -1;
#endif
	int rc;

	if (!status_proc_ours(st)) {
		close_fd(&pidfd);
		return 1;
	}
#ifdef SYS_pidfd_send_signal
	if (pidfd >= 0)
		rc = (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
	else
#endif
		rc = kill(st->pid, sig);
	close_fd(&pidfd);
	if (rc < 0 && errno == ESRCH)
		return 1;
	return rc < 0 ? -1 : 0;
}

static bool
wait_gone(const struct launch_status *st, int ms)
{
	long long deadline = now_ms() + ms;

	while (status_proc_ours(st)) {
		if (now_ms() >= deadline)
			return false;
		poll(NULL, 0, POLL_MS);
	}
	return true;
}

/* Messages from the children of spawn_detached(), one write each. */
struct spawn_msg {
	int kind; /* SPAWN_PID or SPAWN_ERRNO */
	int value;
};
enum { SPAWN_PID = 1, SPAWN_ERRNO };

static void
spawn_send(int fd, int kind, int value)
{
	struct spawn_msg m = {kind, value};
	ssize_t n;

	do
		n = write(fd, &m, sizeof(m));
	while (n < 0 && errno == EINTR);
}

/*
 * The grandchild: a clean process for the daemon. Only async-signal-safe
 * calls from here on (the caller may have threads, e.g. libvirt's).
 */
static void __attribute__((noreturn))
spawn_exec(char *const argv[], int logfd, int msgfd, int maxfd)
{
	struct sigaction sa;
	sigset_t none;
	int null = open("/dev/null", O_RDONLY);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (null < 0 || dup2(null, 0) < 0 || dup2(logfd, 1) < 0 ||
	    dup2(logfd, 2) < 0 || chdir("/") < 0)
		goto fail;
	umask(022);
	/* Nothing of ours leaks into the daemon (libvirt's socket...). */
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3, ~0U, 1U << 2 /* CLOEXEC */) < 0)
#endif
		for (int fd = 3; fd < maxfd; fd++)
			if (fd != msgfd)
				fcntl(fd, F_SETFD, FD_CLOEXEC);
	execv(argv[0], argv);
fail:
	spawn_send(msgfd, SPAWN_ERRNO, errno);
	_exit(127);
}

/* The middle child: a new session, then the daemon outside it. */
static void __attribute__((noreturn))
spawn_middle(char *const argv[], int logfd, int msgfd, int maxfd)
{
	pid_t pid;

	if (setsid() < 0) {
		spawn_send(msgfd, SPAWN_ERRNO, errno);
		_exit(1);
	}
	pid = fork();
	if (pid == 0)
		spawn_exec(argv, logfd, msgfd, maxfd);
	if (pid < 0)
		spawn_send(msgfd, SPAWN_ERRNO, errno);
	else
		spawn_send(msgfd, SPAWN_PID, (int)pid);
	_exit(0);
}

/*
 * Run argv detached (double fork: the daemon is not our child, is no
 * session leader and has no terminal). Returns 0 once execv() succeeded,
 * with its pid in *out; -1 with errno (the child's, e.g. ENOENT).
 */
static int
spawn_detached(char *const argv[], int logfd, int *out)
{
	long open_max = sysconf(_SC_OPEN_MAX);
	int maxfd = open_max > 0 && open_max < 65536 ? (int)open_max : 65536;
	struct spawn_msg m;
	int pfd[2], status, err = 0;
	pid_t mid;
	ssize_t n;

	*out = 0;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	mid = fork();
	if (mid < 0) {
		err = errno;
		close(pfd[0]);
		close(pfd[1]);
		errno = err;
		return -1;
	}
	if (mid == 0)
		spawn_middle(argv, logfd, pfd[1], maxfd);
	close(pfd[1]);
	while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
		;
	/* EOF once the middle child exited and the daemon exec'd. */
	while ((n = read(pfd[0], &m, sizeof(m))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(m))
			break;
		if (m.kind == SPAWN_PID)
			*out = m.value;
		else if (m.kind == SPAWN_ERRNO)
			err = m.value;
	}
	close(pfd[0]);
	if (err || *out <= 0) {
		errno = err ? err : ECHILD;
		return -1;
	}
	return 0;
}

/* ---- status -------------------------------------------------------------- */

void
launch_status_free(struct launch_status *st)
{
	if (!st)
		return;
	free(st->name);
	launch_spec_clear(&st->spec);
	free(st->daemon);
	free(st->exe);
	strlist_clear(&st->argv);
	free(st->log);
	free(st->pid_file);
	free(st->socket_owner);
	free(st->socket_group);
	strlist_clear(&st->warnings);
	free(st);
}

void
launch_status_list_free(struct launch_status **list, int n)
{
	for (int i = 0; i < n; i++)
		launch_status_free(list[i]);
	free(list);
}

static bool
socket_listening(const char *socket, int pid)
{
	struct stat sb;

	if (lstat(socket, &sb) < 0 || !S_ISSOCK(sb.st_mode))
		return false;
	/* A sandboxed daemon may have its own network namespace. */
	return (pid > 0 && host_unix_listening("/", pid, socket) == 1) ||
	       host_unix_listening("/", 0, socket) == 1;
}

/* The live part: state from the pid file and /proc, the socket's owner. */
static void
status_refresh(const struct paths *p, struct launch_status *st)
{
	int pid = pid_file_read(p);
	struct stat sb;

	free(st->socket_owner);
	free(st->socket_group);
	st->socket_owner = st->socket_group = NULL;
	strlist_clear(&st->warnings);
	st->listening = false;
	if (!pid) {
		st->state = access(p->pid_file, F_OK) == 0 ? LAUNCH_STALE
							   : LAUNCH_STOPPED;
		if (st->state == LAUNCH_STOPPED)
			st->pid = 0;
	} else if (pid == st->pid && status_proc_ours(st)) {
		st->state = LAUNCH_RUNNING;
	} else {
		st->state = LAUNCH_STALE;
		st->pid = pid;
	}
	st->socket_present = lstat(st->spec.socket, &sb) == 0;
	if (st->socket_present) {
		st->socket_owner = host_user_name(sb.st_uid);
		st->socket_group = host_group_name(sb.st_gid);
		st->socket_mode = sb.st_mode & 07777;
	}
	if (st->state == LAUNCH_RUNNING) {
		st->listening = socket_listening(st->spec.socket, st->pid);
		check_reachable(st);
	}
}

static struct launch_status *
status_load(const char *rundir, const char *name)
{
	struct paths p = {0};
	struct launch_status *st = xcalloc(1, sizeof(*st));
	int rc;

	paths_set(&p, rundir, name);
	if ((rc = record_read(&p, st)) != 0) {
		if (rc > 0)
			vs_error(VS_ERR_NOT_FOUND,
				 _("No daemon was started for '%1$s' (no "
				   "record in %2$s). See 'virtshare daemon "
				   "list'."),
				 name, rundir);
		launch_status_free(st);
		paths_clear(&p);
		return NULL;
	}
	status_refresh(&p, st);
	paths_clear(&p);
	return st;
}

struct launch_status *
launch_status_read(const char *name)
{
	AUTOFREE char *rundir = launch_rundir();

	return rundir ? status_load(rundir, name) : NULL;
}

static int
name_cmp(const void *a, const void *b)
{
	const struct launch_status *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

int
launch_list(struct launch_status ***out)
{
	AUTOFREE char *rundir = launch_rundir();
	struct launch_status **list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	if (!rundir)
		return -1;
	if (!(d = opendir(rundir))) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return vs_error_errno(VS_ERR_IO, errno,
				      _("Cannot read the run directory %s"),
				      rundir);
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		AUTOFREE char *name = NULL;
		struct launch_status *st;

		if (len <= 5 || de->d_name[0] == '.' ||
		    !STREQ(de->d_name + len - 5, ".json"))
			continue;
		name = xstrndup(de->d_name, len - 5);
		/* A damaged record is skipped, not fatal for the list. */
		if (!(st = status_load(rundir, name))) {
			vs_error_reset();
			continue;
		}
		xgrow(&list, &cap, n + 1, sizeof(*list));
		list[n++] = st;
	}
	closedir(d);
	if (n)
		qsort(list, n, sizeof(*list), name_cmp);
	*out = list;
	return (int)n;
}

char *
launch_find(const char *domain, const char *tag)
{
	struct launch_status **list;
	int n = launch_list(&list);
	char *name = NULL;

	if (n < 0)
		return NULL;
	for (int i = 0; i < n && !name; i++)
		if (str_eq(list[i]->spec.domain, domain) &&
		    str_eq(list[i]->spec.tag, tag))
			name = xstrdup(list[i]->name);
	launch_status_list_free(list, n);
	if (!name)
		vs_error(VS_ERR_NOT_FOUND,
			 _("No daemon was started for the share '%2$s' of "
			   "%1$s. Start one with: virtshare daemon start "
			   "%1$s %2$s --dir DIR"),
			 domain, tag);
	return name;
}

char *
launch_find_socket(const char *socket)
{
	AUTOFREE char *rundir = launch_rundir();
	AUTOFREE char *name = NULL;
	AUTOFREE char *record = NULL;

	if (!rundir)
		return NULL;
	name = launch_name_for_socket(rundir, socket);
	record = xasprintf("%s/%s.json", rundir, name);
	if (access(record, F_OK) < 0) {
		vs_error(VS_ERR_NOT_FOUND,
			 _("No daemon was started on the socket %1$s (no "
			   "record in %2$s). See 'virtshare daemon list'."),
			 socket, rundir);
		return NULL;
	}
	return steal_ptr(name);
}

/* ---- logs ---------------------------------------------------------------- */

/* The last nlines lines of fd from offset on. */
static char *
tail_fd(int fd, off_t from, size_t nlines)
{
	struct stat sb;
	off_t start;
	size_t len, lines = 0;
	AUTOFREE char *buf = NULL;
	ssize_t n;
	char *p;

	if (fstat(fd, &sb) < 0 || sb.st_size <= from)
		return xstrdup("");
	/* 64 KiB is plenty for a few lines of a log. */
	start = sb.st_size - from > 65536 ? sb.st_size - 65536 : from;
	len = (size_t)(sb.st_size - start);
	buf = xmalloc(len + 1);
	n = pread(fd, buf, len, start);
	if (n <= 0)
		return xstrdup("");
	buf[n] = '\0';
	len = (size_t)n;
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	for (p = buf + len; p > buf; p--)
		if (p[-1] == '\n' && ++lines == nlines)
			break;
	return xstrdup(p);
}

char *
launch_log_tail(const char *log, size_t nlines)
{
	AUTOCLOSE int fd = open(log, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? xstrdup("") : tail_fd(fd, 0, nlines);
}

static char *
indent_lines(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text;

	if (!*text)
		return xstrdup(_("  (the log is empty)"));
	while (*p) {
		size_t n = strcspn(p, "\n");

		sb_add(&sb, "  ");
		sb_addn(&sb, p, n);
		p += n;
		if (*p == '\n') {
			sb_addc(&sb, '\n');
			p++;
		}
	}
	return sb_steal(&sb);
}

/* Open the log for appending; a big one becomes NAME.log.1 first. */
static int
log_open(const char *log)
{
	struct stat sb;
	int fd;

	if (stat(log, &sb) == 0 && sb.st_size > LOG_ROTATE_BYTES) {
		AUTOFREE char *old = xasprintf("%s.1", log);

		rename(log, old);
	}
	/* Read back too: a failed start shows the lines it added. */
	fd = open(log,
		  O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
		      O_NOCTTY,
		  0640);
	if (fd < 0)
		vs_error_errno(VS_ERR_IO, errno, _("Cannot open the log %s"),
			       log);
	return fd;
}

static void
log_header(int fd, const struct strlist *argv)
{
	struct strbuf sb = STRBUF_INIT;
	time_t now = time(NULL);
	struct tm tm;
	char when[64] = "";

	if (localtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
	sb_printf(&sb, "--- virtshare: starting at %s:", when);
	for (size_t i = 0; i < argv->n; i++)
		sb_printf(&sb, " %s", argv->v[i]);
	sb_addc(&sb, '\n');
	if (write(fd, sb.buf, sb.len) < 0) {
		/* The daemon's own lines matter more; go on without it. */
	}
	sb_clear(&sb);
}

/* ---- start and stop ------------------------------------------------------ */

void
launch_argv(const struct launch_spec *spec, const char *daemon,
	    struct strlist *argv)
{
	strlist_add(argv, daemon);
	strlist_take(argv, xasprintf("--socket-path=%s", spec->socket));
	strlist_take(argv, xasprintf("--shared-dir=%s", spec->dir));
	if (spec->socket_group)
		strlist_take(
		    argv, xasprintf("--socket-group=%s", spec->socket_group));
	if (spec->cache)
		strlist_take(argv, xasprintf("--cache=%s", spec->cache));
	if (spec->xattr != LAUNCH_DEFAULT)
		strlist_add(argv, spec->xattr == LAUNCH_ON ? "--xattr"
							   : "--no-xattr");
	if (spec->readonly)
		strlist_add(argv, "--readonly");
	if (spec->sandbox)
		strlist_take(argv, xasprintf("--sandbox=%s", spec->sandbox));
	if (spec->thread_pool_set)
		strlist_take(argv, xasprintf("--thread-pool-size=%u",
					     spec->thread_pool));
	if (spec->log_level)
		strlist_take(argv,
			     xasprintf("--log-level=%s", spec->log_level));
}

/* Remove what a daemon that is gone left behind, keeping the record. */
static void
clean_stale(const struct paths *p, struct launch_status *st)
{
	struct stat sb;

	unlink(p->pid_file);
	if (lstat(st->spec.socket, &sb) == 0 && S_ISSOCK(sb.st_mode) &&
	    !socket_listening(st->spec.socket, 0))
		unlink(st->spec.socket);
	st->pid = 0;
	st->state = LAUNCH_STOPPED;
}

/* The socket path must be free, or a socket nobody listens on. */
static int
claim_socket(const char *socket)
{
	struct stat sb;

	if (lstat(socket, &sb) < 0)
		return errno == ENOENT
			   ? 0
			   : vs_error_errno(VS_ERR_IO, errno,
					    _("Cannot check the socket %s"),
					    socket);
	if (!S_ISSOCK(sb.st_mode))
		return vs_error(VS_ERR_CONFLICT,
				_("%s exists and is not a socket. Remove it, "
				  "or choose another socket path."),
				socket);
	if (socket_listening(socket, 0))
		return vs_error(VS_ERR_CONFLICT,
				_("Another process, not started by virtshare, "
				  "listens on %s. Stop it, or choose another "
				  "socket path."),
				socket);
	if (unlink(socket) < 0)
		return vs_error_errno(VS_ERR_PERM, errno,
				      _("Cannot remove the stale socket %s"),
				      socket);
	return 0;
}

static int
socket_set_owner(const struct launch_status *st, const struct owner *o)
{
	const char *socket = st->spec.socket;
	struct stat sb;

	/* The directory was checked: nobody else can swap the file. */
	if (lstat(socket, &sb) < 0 || !S_ISSOCK(sb.st_mode))
		return vs_error(VS_ERR_DAEMON,
				_("The daemon's socket %s disappeared while "
				  "it started. See its log %s."),
				socket, st->log);
	if ((o->set_user || o->set_group) &&
	    fchownat(AT_FDCWD, socket, o->set_user ? o->uid : (uid_t)-1,
		     o->set_group ? o->gid : (gid_t)-1,
		     AT_SYMLINK_NOFOLLOW) < 0)
		return vs_error(
		    VS_ERR_PERM,
		    _("Cannot give the socket %1$s to %2$s:%3$s (%4$s). Run "
		      "as root."),
		    socket, st->spec.socket_user ? st->spec.socket_user : "-",
		    st->spec.socket_group ? st->spec.socket_group : "-",
		    strerror(errno));
	if (chmod(socket, o->mode) < 0)
		return vs_error_errno(VS_ERR_PERM, errno,
				      _("Cannot set the mode of the socket "
					"%s"),
				      socket);
	return 0;
}

enum wait_result { WAIT_LISTENING, WAIT_DIED, WAIT_TIMEOUT };

static enum wait_result
wait_listening(const struct launch_status *st, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		if (!status_proc_ours(st))
			return WAIT_DIED;
		if (socket_listening(st->spec.socket, st->pid))
			return WAIT_LISTENING;
		if (now_ms() >= deadline)
			return WAIT_TIMEOUT;
		poll(NULL, 0, POLL_MS);
	}
}

/* SIGTERM, SIGKILL after grace_ms. Returns 0 when the process is gone. */
static int
terminate(const struct launch_status *st, int grace_ms)
{
	int rc = signal_ours(st, SIGTERM);

	if (rc < 0)
		return vs_error_errno(VS_ERR_PERM, errno,
				      _("Cannot stop the daemon (pid %d)"),
				      st->pid);
	if (rc == 1 || wait_gone(st, grace_ms))
		return 0;
	rc = signal_ours(st, SIGKILL);
	if (rc < 0)
		return vs_error_errno(VS_ERR_PERM, errno,
				      _("Cannot kill the daemon (pid %d)"),
				      st->pid);
	if (rc == 1 || wait_gone(st, KILL_WAIT_MS))
		return 0;
	return vs_error(VS_ERR_DAEMON,
			_("The daemon (pid %d) did not end even after "
			  "SIGKILL; it may be stuck in the kernel. Check it "
			  "with ps."),
			st->pid);
}

/* After a failed start: stop what runs, drop its files, restore state. */
static void
start_undo(const struct paths *p, struct launch_status *st,
	   const struct launch_status *prev)
{
	terminate(st, 1000);
	clean_stale(p, st);
	if (prev) {
		struct launch_status keep = *prev;

		keep.pid = 0;
		record_write(p, &keep);
	} else {
		unlink(p->record);
	}
}

/*
 * Start spec's daemon with the share's lock held. prev is the record
 * there was (its state refreshed), or NULL.
 */
/*
 * What a start of spec needs, before anything changes: no daemon of
 * prev running, an owner for the socket that may be given, the daemon,
 * the socket's directory (unless it is the run directory, which is
 * created: sockdir false). -1 reported.
 */
static int
start_check(const struct launch_spec *spec, const struct launch_status *prev,
	    const char *daemon, bool sockdir, struct owner *o)
{
	if (prev && prev->state == LAUNCH_RUNNING)
		return vs_error(VS_ERR_CONFLICT,
				_("A daemon (pid %1$d) already serves the "
				  "socket %2$s. Stop it first, or restart it: "
				  "virtshare daemon restart --socket %2$s"),
				prev->pid, prev->spec.socket);
	if (owner_resolve(spec, o) < 0 || owner_check_allowed(spec, o) < 0)
		return -1;
	if (access(daemon, X_OK) < 0)
		return vs_error(VS_ERR_NOT_FOUND,
				_("The virtiofs daemon %1$s cannot be run "
				  "(%2$s). Install virtshare-fsd, or set "
				  "$VIRTSHARE_FSD to its path."),
				daemon, strerror(errno));
	return sockdir ? check_socket_dir(spec->socket) : 0;
}

static struct launch_status *
start_locked(const struct paths *p, const struct launch_spec *spec,
	     struct launch_status *prev)
{
	AUTOPTR(launch_status) st = xcalloc(1, sizeof(*st));
	const char *daemon = host_our_daemon_path();
	AUTOCLOSE int logfd = -1;
	struct host_proc proc;
	struct owner o;
	off_t log_start;
	int timeout =
	    spec->timeout_ms > 0 ? spec->timeout_ms : LAUNCH_TIMEOUT_MS;
	int pid, err;

	if (start_check(spec, prev, daemon, true, &o) < 0)
		return NULL;
	if (prev)
		clean_stale(p, prev);
	if (claim_socket(spec->socket) < 0)
		return NULL;

	st->name = xstrdup(p->name);
	launch_spec_copy(&st->spec, spec);
	st->daemon = xstrdup(daemon);
	st->log = xstrdup(p->log);
	st->pid_file = xstrdup(p->pid_file);
	launch_argv(spec, daemon, &st->argv);
	if ((logfd = log_open(p->log)) < 0)
		return NULL;
	log_header(logfd, &st->argv);
	log_start = lseek(logfd, 0, SEEK_END);
	if (spawn_detached(st->argv.v, logfd, &pid) < 0) {
		err = errno;
		vs_error(VS_ERR_DAEMON,
			 _("Cannot run the virtiofs daemon %1$s (%2$s). "
			   "Check that it is an executable for this "
			   "machine."),
			 daemon, strerror(err));
		return NULL;
	}
	st->pid = pid;
	st->started = time(NULL);
	if (host_proc_read("/", pid, &proc) == 0) {
		st->start_ticks = proc.start_ticks;
		st->exe = xstrdup0(proc.exe);
		host_proc_clear(&proc);
	}
	st->state = LAUNCH_RUNNING;
	if (pid_file_write(p, pid) < 0 || record_write(p, st) < 0) {
		start_undo(p, st, prev);
		return NULL;
	}
	switch (wait_listening(st, timeout)) {
	case WAIT_LISTENING:
		break;
	case WAIT_DIED: {
		AUTOFREE char *tail =
		    tail_fd(logfd, log_start, LAUNCH_TAIL_LINES);
		AUTOFREE char *shown = indent_lines(tail);

		start_undo(p, st, prev);
		vs_error(VS_ERR_DAEMON,
			 _("The virtiofs daemon exited while starting. "
			   "Fix what its log %1$s says and start it "
			   "again. Its last lines:\n%2$s"),
			 p->log, shown);
		return NULL;
	}
	case WAIT_TIMEOUT: {
		AUTOFREE char *tail =
		    tail_fd(logfd, log_start, LAUNCH_TAIL_LINES);
		AUTOFREE char *shown = indent_lines(tail);

		start_undo(p, st, prev);
		vs_error(VS_ERR_DAEMON,
			 _("The virtiofs daemon did not listen on %1$s within "
			   "%2$d ms and was stopped. See its log %3$s; its "
			   "last lines:\n%4$s"),
			 spec->socket, timeout, p->log, shown);
		return NULL;
	}
	}
	if (socket_set_owner(st, &o) < 0) {
		start_undo(p, st, prev);
		return NULL;
	}
	status_refresh(p, st);
	return steal_ptr(st);
}

/*
 * The share's paths from spec (whose socket is set) below rundir, and
 * its record (*prev, NULL when none). A record of the same name for
 * another socket (an escaping collision) is a conflict.
 */
static int
share_find(const char *rundir, const struct launch_spec *spec,
	   struct paths *p, struct launch_status **prev)
{
	AUTOFREE char *name = NULL;
	int rc;

	*prev = NULL;
	name = launch_name_for_socket(rundir, spec->socket);
	paths_set(p, rundir, name);
	*prev = xcalloc(1, sizeof(**prev));
	if ((rc = record_read(p, *prev)) != 0) {
		launch_status_free(*prev);
		*prev = NULL;
		return rc > 0 ? 0 : -1;
	}
	status_refresh(p, *prev);
	if (!path_same((*prev)->spec.socket, spec->socket))
		return vs_error(VS_ERR_CONFLICT,
				_("The share name %1$s is taken by the socket "
				  "%2$s. Choose another socket path."),
				name, (*prev)->spec.socket);
	return 0;
}

/* share_find() in the run directory, created when missing. */
static int
share_open(const struct launch_spec *spec, struct paths *p,
	   struct launch_status **prev)
{
	AUTOFREE char *rundir = launch_rundir();

	*prev = NULL;
	if (!rundir || ensure_rundir(rundir) < 0)
		return -1;
	return share_find(rundir, spec, p, prev);
}

/* spec with the socket filled in when it was left to the default. */
static int
spec_complete(const struct launch_spec *in, struct launch_spec *out)
{
	launch_spec_copy(out, in);
	if (launch_spec_check(out) < 0)
		return -1;
	if (!out->socket) {
		if (!out->domain)
			return vs_error(VS_ERR_INVALID,
					_("Name the socket, or the domain and "
					  "tag whose default socket to use."));
		if (!(out->socket =
			  launch_default_socket(out->domain, out->tag)))
			return -1;
		if (launch_spec_check(out) < 0)
			return -1;
	}
	return 0;
}

struct launch_status *
launch_start_plan(const struct launch_spec *in, bool replace)
{
	AUTOFREE char *rundir = launch_rundir();
	AUTOFREE char *sockdir = NULL;
	struct launch_spec spec = {0};
	struct paths p = {0};
	struct launch_status *prev = NULL, *st = NULL;
	const char *daemon = host_our_daemon_path();
	struct owner o;
	struct stat sb;
	bool check_dir;

	if (!rundir || spec_complete(in, &spec) < 0 ||
	    share_find(rundir, &spec, &p, &prev) < 0)
		goto out;
	/* A missing run directory would be created for its sockets. */
	sockdir = dir_of(spec.socket);
	check_dir = !path_same(sockdir, rundir) || stat(rundir, &sb) == 0;
	if (prev && replace)
		prev->state = LAUNCH_STOPPED;
	if (start_check(&spec, prev, daemon, check_dir, &o) < 0)
		goto out;
	st = xcalloc(1, sizeof(*st));
	st->name = xstrdup(p.name);
	launch_spec_copy(&st->spec, &spec);
	st->daemon = xstrdup(daemon);
	st->log = xstrdup(p.log);
	st->pid_file = xstrdup(p.pid_file);
	launch_argv(&spec, daemon, &st->argv);
out:
	launch_status_free(prev);
	launch_spec_clear(&spec);
	paths_clear(&p);
	return st;
}

struct launch_status *
launch_start(const struct launch_spec *in)
{
	struct launch_spec spec = {0};
	struct paths p = {0};
	struct launch_status *prev = NULL, *st = NULL;
	int lock = -1;

	if (spec_complete(in, &spec) < 0 || share_open(&spec, &p, &prev) < 0)
		goto out;
	if ((lock = lock_share(&p)) < 0)
		goto out;
	/* Another virtshare may have changed things while we waited. */
	if (prev)
		status_refresh(&p, prev);
	st = start_locked(&p, &spec, prev);
out:
	close_fd(&lock);
	launch_status_free(prev);
	launch_spec_clear(&spec);
	paths_clear(&p);
	return st;
}

/* Stop st's daemon (the lock held); stale files are removed as well. */
static int
stop_locked(const struct paths *p, struct launch_status *st, int grace_ms,
	    bool *was_running)
{
	struct stat sb;

	if (was_running)
		*was_running = st->state == LAUNCH_RUNNING;
	if (st->state == LAUNCH_RUNNING &&
	    terminate(st, grace_ms > 0 ? grace_ms : LAUNCH_GRACE_MS) < 0)
		return -1;
	unlink(p->pid_file);
	if (lstat(st->spec.socket, &sb) == 0 && S_ISSOCK(sb.st_mode) &&
	    !socket_listening(st->spec.socket, 0))
		unlink(st->spec.socket);
	st->pid = 0;
	st->state = LAUNCH_STOPPED;
	return record_write(p, st);
}

/* Open the share name with its lock held; *st is its refreshed status. */
static int
share_lock_name(const char *name, struct paths *p, struct launch_status **st)
{
	AUTOFREE char *rundir = launch_rundir();
	int lock;

	*st = NULL;
	if (!rundir)
		return -1;
	/* No record, no lock file to create. */
	if (!(*st = status_load(rundir, name)))
		return -1;
	paths_set(p, rundir, name);
	if ((lock = lock_share(p)) < 0)
		return -1;
	status_refresh(p, *st);
	return lock;
}

int
launch_stop(const char *name, int grace_ms, bool *was_running)
{
	struct paths p = {0};
	struct launch_status *st = NULL;
	int lock = share_lock_name(name, &p, &st);
	int rc = -1;

	if (lock >= 0)
		rc = stop_locked(&p, st, grace_ms, was_running);
	close_fd(&lock);
	launch_status_free(st);
	paths_clear(&p);
	return rc;
}

int
launch_forget(const char *name, int grace_ms, bool *was_running)
{
	struct paths p = {0};
	struct launch_status *st = NULL;
	int lock = share_lock_name(name, &p, &st);
	int rc = -1;

	if (lock >= 0 && stop_locked(&p, st, grace_ms, was_running) == 0) {
		unlink(p.record);
		unlink(p.pid_file);
		unlink(p.lock);
		rc = 0;
	}
	close_fd(&lock);
	launch_status_free(st);
	paths_clear(&p);
	return rc;
}

struct launch_status *
launch_restart(const char *name, int grace_ms, int timeout_ms)
{
	struct paths p = {0};
	struct launch_status *st = NULL, *ret = NULL;
	struct launch_spec spec = {0};
	int lock = share_lock_name(name, &p, &st);

	if (lock < 0 || stop_locked(&p, st, grace_ms, NULL) < 0)
		goto out;
	launch_spec_copy(&spec, &st->spec);
	spec.timeout_ms = timeout_ms;
	if (launch_spec_check(&spec) < 0)
		goto out;
	ret = start_locked(&p, &spec, st);
out:
	close_fd(&lock);
	launch_spec_clear(&spec);
	launch_status_free(st);
	paths_clear(&p);
	return ret;
}

struct launch_status *
launch_ensure(const struct launch_spec *in, int grace_ms, bool *changed)
{
	struct launch_spec spec = {0};
	struct paths p = {0};
	struct launch_status *prev = NULL, *st = NULL;
	int lock = -1;

	*changed = false;
	if (spec_complete(in, &spec) < 0 || share_open(&spec, &p, &prev) < 0)
		goto out;
	if ((lock = lock_share(&p)) < 0)
		goto out;
	if (prev) {
		status_refresh(&p, prev);
		if (prev->state == LAUNCH_RUNNING &&
		    launch_spec_equal(&prev->spec, &spec)) {
			st = steal_ptr(prev);
			goto out;
		}
		if (stop_locked(&p, prev, grace_ms, NULL) < 0)
			goto out;
	}
	*changed = true;
	st = start_locked(&p, &spec, prev);
out:
	close_fd(&lock);
	launch_status_free(prev);
	launch_spec_clear(&spec);
	paths_clear(&p);
	return st;
}

/* ---- systemd ------------------------------------------------------------- */

/* A double-quoted value as systemd's EnvironmentFile= reads it. */
static void
env_quote(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (; *s; s++) {
		if (strchr("\\\"$`", *s))
			sb_addc(sb, '\\');
		sb_addc(sb, *s);
	}
	sb_addc(sb, '"');
}

char *
launch_unit_env(const struct launch_spec *spec)
{
	struct strlist argv = {0};
	struct strbuf sb = STRBUF_INIT, opts = STRBUF_INIT;

	/* argv: daemon --socket-path --shared-dir, then the options. */
	launch_argv(spec, "virtshare-fsd", &argv);
	for (size_t i = 3; i < argv.n; i++) {
		if (strpbrk(argv.v[i], " \t\n")) {
			vs_error(VS_ERR_INVALID,
				 _("The daemon option '%s' holds white space, "
				   "which the systemd unit cannot pass. Choose "
				   "another value."),
				 argv.v[i]);
			strlist_clear(&argv);
			sb_clear(&opts);
			return NULL;
		}
		if (opts.len)
			sb_addc(&opts, ' ');
		sb_add(&opts, argv.v[i]);
	}
	strlist_clear(&argv);
	sb_add(&sb, "# virtshare-fsd@.service instance, written by "
		    "`virtshare daemon install-unit`\n");
	if (spec->domain)
		sb_printf(&sb, "# the share '%s' of the domain %s\n", spec->tag,
			  spec->domain);
	sb_add(&sb, "SOCKET=");
	env_quote(&sb, spec->socket);
	sb_add(&sb, "\nSHARED_DIR=");
	env_quote(&sb, spec->dir);
	sb_add(&sb, "\nOPTIONS=");
	env_quote(&sb, sb_str(&opts));
	sb_addc(&sb, '\n');
	sb_clear(&opts);
	return sb_steal(&sb);
}

char *
launch_unit_path(const char *name)
{
	const char *env = getenv("VIRTSHARE_CONFDIR");

	return xasprintf("%s/fsd/%s.env",
			 env && *env ? env : SYSCONFDIR "/virtshare", name);
}

char *
launch_unit_install(const char *name, const struct launch_spec *spec)
{
	AUTOFREE char *path = launch_unit_path(name);
	AUTOFREE char *dir = dir_of(path);
	AUTOFREE char *text = launch_unit_env(spec);

	if (!text)
		return NULL;
	if (mkdir_p(dir, 0755) < 0) {
		vs_error(VS_ERR_PERM,
			 _("Cannot create %1$s (%2$s). Run as root, or set "
			   "$VIRTSHARE_CONFDIR to a directory you can write."),
			 dir, strerror(errno));
		return NULL;
	}
	if (file_write_atomic(path, text, strlen(text), 0644) < 0)
		return NULL;
	return steal_ptr(path);
}
