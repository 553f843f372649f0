/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.c: parse the command line of virtshare-fsd */
#include <getopt.h>
#include <sched.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "options.h"
#include "util.h"

/*
 * libvirt 9.0 runs us with --fd=N -o source=DIR,... when we do not
 * advertise "separate-options". We deliberately do not: with that feature
 * libvirt 9.0 refuses <lock posix=.. flock=..> ("locking options are not
 * supported by this virtiofsd"), and we implement both lock kinds. The
 * separate long options (the Rust virtiofsd's) are accepted all the same.
 */
static const char opt_caps_json[] = "{\"type\": \"fs\", \"features\": []}\n";

static const char opt_usage_text[] =
    "Usage: virtshare-fsd [OPTION]...\n"
    "Serve a host directory to a QEMU guest over virtiofs "
    "(vhost-user-fs).\n"
    "\n"
    "Socket (exactly one):\n"
    "  --fd=N                  use the listening UNIX socket N (libvirt)\n"
    "  --socket-path=PATH      create and listen on the UNIX socket PATH\n"
    "  --socket-group=GROUP    group owner of the socket created\n"
    "\n"
    "Shared directory:\n"
    "  --shared-dir=DIR        the directory to share (-o source=DIR)\n"
    "  --cache=MODE            never|none|metadata|auto|always "
    "(default auto)\n"
    "  --xattr, --no-xattr     extended attributes (default off)\n"
    "  --posix-lock, --no-posix-lock\n"
    "                          POSIX record locks (default on)\n"
    "  --flock, --no-flock     flock(2) locks (default on)\n"
    "  --readonly              refuse every change with EROFS\n"
    "  --announce-submounts    tell the guest about mount points\n"
    "  --allow-direct-io       honour O_DIRECT from the guest\n"
    "  -o OPT[,OPT...]         source=DIR, cache=MODE, xattr, no_xattr,\n"
    "                          flock, no_flock, posix_lock, "
    "no_posix_lock,\n"
    "                          sandbox=MODE, readdirplus, no_readdirplus,\n"
    "                          announce_submounts, allow_direct_io,\n"
    "                          readonly, log_level=LEVEL (repeatable; "
    "',,' is a comma)\n"
    "\n"
    "Process:\n"
    "  --sandbox=MODE          namespace|chroot|none (default namespace:\n"
    "                          the share is the root of new mount, pid\n"
    "                          and network namespaces)\n"
    "  --seccomp=ACTION        kill|log|none: what a system call outside\n"
    "                          the allow-list does (default kill)\n"
    "  --thread-pool-size=N    helper threads for large transfers in\n"
    "                          flight together, 0 for none (default: the\n"
    "                          CPUs, 2 to 8)\n"
    "  --rlimit-nofile=N       set RLIMIT_NOFILE (default: the hard "
    "limit)\n"
    "  --uid-map=:ns:host:count:, --gid-map=:ns:host:count:\n"
    "                          id maps of the user namespace (namespace\n"
    "                          sandbox; default without root: your ids\n"
    "                          as 0)\n"
    "  --log-level=LEVEL       off|error|warn|info|debug|trace "
    "(default info)\n"
    "  -d                      same as --log-level=debug\n"
    "  --syslog                log to syslog instead of stderr\n"
    "  --print-capabilities    print the vhost-user capabilities and exit\n"
    "  -h, --help              print this help and exit\n"
    "  -V, --version           print the version and exit\n";

enum {
	OPT_FD = 256,
	OPT_SOCKET_PATH,
	OPT_SOCKET_GROUP,
	OPT_SHARED_DIR,
	OPT_CACHE,
	OPT_XATTR,
	OPT_NO_XATTR,
	OPT_POSIX_LOCK,
	OPT_NO_POSIX_LOCK,
	OPT_FLOCK,
	OPT_NO_FLOCK,
	OPT_READONLY,
	OPT_ANNOUNCE_SUBMOUNTS,
	OPT_ALLOW_DIRECT_IO,
	OPT_SANDBOX,
	OPT_SECCOMP,
	OPT_THREAD_POOL_SIZE,
	OPT_RLIMIT_NOFILE,
	OPT_UID_MAP,
	OPT_GID_MAP,
	OPT_LOG_LEVEL,
	OPT_SYSLOG,
	OPT_CAPS,
};

static const struct option opt_long[] = {
	{ "fd", required_argument, NULL, OPT_FD },
	{ "socket-path", required_argument, NULL, OPT_SOCKET_PATH },
	{ "socket-group", required_argument, NULL, OPT_SOCKET_GROUP },
	{ "shared-dir", required_argument, NULL, OPT_SHARED_DIR },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "xattr", no_argument, NULL, OPT_XATTR },
	{ "no-xattr", no_argument, NULL, OPT_NO_XATTR },
	{ "posix-lock", no_argument, NULL, OPT_POSIX_LOCK },
	{ "no-posix-lock", no_argument, NULL, OPT_NO_POSIX_LOCK },
	{ "flock", no_argument, NULL, OPT_FLOCK },
	{ "no-flock", no_argument, NULL, OPT_NO_FLOCK },
	{ "readonly", no_argument, NULL, OPT_READONLY },
	{ "announce-submounts", no_argument, NULL, OPT_ANNOUNCE_SUBMOUNTS },
	{ "allow-direct-io", no_argument, NULL, OPT_ALLOW_DIRECT_IO },
	{ "sandbox", required_argument, NULL, OPT_SANDBOX },
	{ "seccomp", required_argument, NULL, OPT_SECCOMP },
	{ "thread-pool-size", required_argument, NULL, OPT_THREAD_POOL_SIZE },
	{ "rlimit-nofile", required_argument, NULL, OPT_RLIMIT_NOFILE },
	{ "uid-map", required_argument, NULL, OPT_UID_MAP },
	{ "gid-map", required_argument, NULL, OPT_GID_MAP },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "syslog", no_argument, NULL, OPT_SYSLOG },
	{ "print-capabilities", no_argument, NULL, OPT_CAPS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const struct {
	const char *name;
	enum pt_cache cache;
} opt_caches[] = {
	{ "never", PT_CACHE_NEVER },
	{ "none", PT_CACHE_NEVER },
	{ "metadata", PT_CACHE_METADATA },
	{ "auto", PT_CACHE_AUTO },
	{ "always", PT_CACHE_ALWAYS },
};

static const char *const opt_sandboxes[] = {
	[OPT_SANDBOX_NONE] = "none",
	[OPT_SANDBOX_CHROOT] = "chroot",
	[OPT_SANDBOX_NAMESPACE] = "namespace",
};

static const char *const opt_seccomps[] = {
	[OPT_SECCOMP_NONE] = "none",
	[OPT_SECCOMP_LOG] = "log",
	[OPT_SECCOMP_KILL] = "kill",
};

unsigned
opt_default_helpers(void)
{
	cpu_set_t set;
	long n;

	/* The CPUs we may run on (a container's cpuset), else all online. */
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return (unsigned)MIN(MAX(n, 2L), (long)OPT_DEFAULT_HELPERS_MAX);
}

const char *
opt_usage(void)
{
	return opt_usage_text;
}

const char *
opt_capabilities(void)
{
	return opt_caps_json;
}

const char *
opt_cache_name(enum pt_cache cache)
{
	size_t i;

	/* "none" is an alias; report the first name of each mode. */
	for (i = 0; i < ARRAY_SIZE(opt_caches); i++)
		if (opt_caches[i].cache == cache)
			return opt_caches[i].name;
	return "?";
}

const char *
opt_sandbox_name(enum opt_sandbox sandbox)
{
	return opt_sandboxes[sandbox];
}

static int __attribute__((format(printf, 3, 4)))
opt_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int
opt_table_index(const char *const *names, size_t n, const char *value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (STREQ(names[i], value))
			return (int)i;
	return -1;
}

static int
opt_set_cache(struct opt *o, const char *value, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opt_caches); i++) {
		if (STREQ(opt_caches[i].name, value)) {
			o->cache = opt_caches[i].cache;
			return 0;
		}
	}
	return opt_error(err, errlen,
			 "invalid cache mode '%s' (never, none, metadata, "
			 "auto or always)",
			 value);
}

static int
opt_set_sandbox(struct opt *o, const char *value, char *err, size_t errlen)
{
	int i = opt_table_index(opt_sandboxes, ARRAY_SIZE(opt_sandboxes),
				value);

	if (i < 0)
		return opt_error(err, errlen,
				 "invalid sandbox mode '%s' (namespace, chroot "
				 "or none)",
				 value);
	o->sandbox = (enum opt_sandbox)i;
	return 0;
}

static int
opt_set_log_level(struct opt *o, const char *value, char *err, size_t errlen)
{
	int level = log_level_parse(value);

	if (level < 0)
		return opt_error(err, errlen,
				 "invalid log level '%s' (off, error, warn, "
				 "info, debug or trace)",
				 value);
	o->log_level = level;
	return 0;
}

static void
opt_set_str(char **dst, const char *value)
{
	free(*dst);
	*dst = xstrdup(value);
}

/*
 * An id map as the Rust virtiofsd takes it: ":ns_id:host_id:count:".
 * Validated now so a typo fails early; applied by the namespace sandbox.
 */
static int
opt_check_idmap(const char *name, const char *value, char *err,
		size_t errlen)
{
	unsigned long long v[3];
	char buf[128], *p, *field;
	int i;

	if (strlen(value) >= sizeof(buf) || value[0] != ':')
		goto bad;
	strcpy(buf, value + 1);
	p = buf;
	for (i = 0; i < 3; i++) {
		field = p;
		p = strchr(p, ':');
		if (!p)
			goto bad;
		*p++ = '\0';
		if (parse_uint(field, 0, UINT32_MAX, &v[i]) < 0)
			goto bad;
	}
	if (*p || v[2] == 0 || v[0] + v[2] - 1 > UINT32_MAX ||
	    v[1] + v[2] - 1 > UINT32_MAX)
		goto bad;
	return 0;
bad:
	return opt_error(err, errlen,
			 "invalid --%s '%s' (expected :namespace_id:host_id:"
			 "count:)",
			 name, value);
}

/* One -o suboption: a flag or key=value, already unescaped. */
static int
opt_sub(struct opt *o, char *sub, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		size_t offset;
		bool value;
	} flags[] = {
		{ "xattr", offsetof(struct opt, xattr), true },
		{ "no_xattr", offsetof(struct opt, xattr), false },
		{ "flock", offsetof(struct opt, flock), true },
		{ "no_flock", offsetof(struct opt, flock), false },
		{ "posix_lock", offsetof(struct opt, posix_lock), true },
		{ "no_posix_lock", offsetof(struct opt, posix_lock), false },
		{ "readdirplus", offsetof(struct opt, readdirplus), true },
		{ "no_readdirplus", offsetof(struct opt, readdirplus), false },
		{ "announce_submounts",
		  offsetof(struct opt, announce_submounts), true },
		{ "allow_direct_io", offsetof(struct opt, allow_direct_io),
		  true },
		{ "no_allow_direct_io", offsetof(struct opt, allow_direct_io),
		  false },
		{ "readonly", offsetof(struct opt, readonly), true },
	};
	char *value = strchr(sub, '=');
	size_t i;

	if (value) {
		*value++ = '\0';
		if (STREQ(sub, "source")) {
			if (!*value)
				return opt_error(err, errlen,
						 "-o source= needs a directory");
			opt_set_str(&o->source, value);
			return 0;
		}
		if (STREQ(sub, "cache"))
			return opt_set_cache(o, value, err, errlen);
		if (STREQ(sub, "sandbox"))
			return opt_set_sandbox(o, value, err, errlen);
		if (STREQ(sub, "log_level"))
			return opt_set_log_level(o, value, err, errlen);
		return opt_error(err, errlen, "unknown option '-o %s=%s'", sub,
				 value);
	}
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		if (STREQ(sub, flags[i].name)) {
			*(bool *)((char *)o + flags[i].offset) = flags[i].value;
			return 0;
		}
	}
	return opt_error(err, errlen, "unknown option '-o %s'", sub);
}

/*
 * A -o list: suboptions separated by ',', where ",," stands for a comma
 * inside a value (libvirt escapes commas in the source path that way).
 */
static int
opt_sublist(struct opt *o, const char *list, char *err, size_t errlen)
{
	AUTOFREE char *buf = xmalloc(strlen(list) + 1);
	const char *p = list;
	size_t n;

	for (;;) {
		n = 0;
		while (*p) {
			if (*p == ',' && p[1] == ',') {
				buf[n++] = ',';
				p += 2;
			} else if (*p == ',') {
				break;
			} else {
				buf[n++] = *p++;
			}
		}
		buf[n] = '\0';
		if (n == 0)
			return opt_error(err, errlen,
					 "empty suboption in '-o %s'", list);
		if (opt_sub(o, buf, err, errlen) < 0)
			return -1;
		if (!*p)
			return 0;
		p++; /* the separating comma */
	}
}

static void
opt_defaults(struct opt *o)
{
	memset(o, 0, sizeof(*o));
	o->action = OPT_RUN;
	o->fd = -1;
	o->cache = PT_CACHE_AUTO;
	o->posix_lock = true;
	o->flock = true;
	o->readdirplus = true;
	o->sandbox = OPT_SANDBOX_NAMESPACE;
	o->seccomp = OPT_SECCOMP_KILL;
	o->log_level = LOG_LVL_INFO;
}

/* Apply one option returned by getopt_long; -1 on error. */
static int
opt_apply(struct opt *o, int c, const char *arg, char *err, size_t errlen)
{
	unsigned long long v;
	int i;

	switch (c) {
	case 'o':
		return opt_sublist(o, arg, err, errlen);
	case 'd':
		o->log_level = LOG_LVL_DEBUG;
		return 0;
	case 'f': /* foreground: we never daemonize (C virtiofsd compat) */
		return 0;
	case 'h':
		o->action = OPT_HELP;
		return 0;
	case 'V':
		o->action = OPT_VERSION;
		return 0;
	case OPT_CAPS:
		o->action = OPT_PRINT_CAPS;
		return 0;
	case OPT_FD:
		if (parse_uint(arg, 0, INT_MAX, &v) < 0)
			return opt_error(err, errlen, "invalid --fd '%s'", arg);
		o->fd = (int)v;
		return 0;
	case OPT_SOCKET_PATH:
		if (!*arg)
			return opt_error(err, errlen, "empty --socket-path");
		opt_set_str(&o->socket_path, arg);
		return 0;
	case OPT_SOCKET_GROUP:
		opt_set_str(&o->socket_group, arg);
		return 0;
	case OPT_SHARED_DIR:
		if (!*arg)
			return opt_error(err, errlen, "empty --shared-dir");
		opt_set_str(&o->source, arg);
		return 0;
	case OPT_CACHE:
		return opt_set_cache(o, arg, err, errlen);
	case OPT_XATTR:
	case OPT_NO_XATTR:
		o->xattr = c == OPT_XATTR;
		return 0;
	case OPT_POSIX_LOCK:
	case OPT_NO_POSIX_LOCK:
		o->posix_lock = c == OPT_POSIX_LOCK;
		return 0;
	case OPT_FLOCK:
	case OPT_NO_FLOCK:
		o->flock = c == OPT_FLOCK;
		return 0;
	case OPT_READONLY:
		o->readonly = true;
		return 0;
	case OPT_ANNOUNCE_SUBMOUNTS:
		o->announce_submounts = true;
		return 0;
	case OPT_ALLOW_DIRECT_IO:
		o->allow_direct_io = true;
		return 0;
	case OPT_SANDBOX:
		return opt_set_sandbox(o, arg, err, errlen);
	case OPT_SECCOMP:
		i = opt_table_index(opt_seccomps, ARRAY_SIZE(opt_seccomps), arg);
		if (i < 0)
			return opt_error(err, errlen,
					 "invalid --seccomp '%s' (kill, log or "
					 "none)",
					 arg);
		o->seccomp = (enum opt_seccomp)i;
		return 0;
	case OPT_THREAD_POOL_SIZE:
		if (parse_uint(arg, 0, OPT_MAX_THREAD_POOL, &v) < 0)
			return opt_error(err, errlen,
					 "invalid --thread-pool-size '%s' "
					 "(0 to %d)",
					 arg, OPT_MAX_THREAD_POOL);
		o->thread_pool_size = (unsigned)v;
		o->thread_pool_size_set = true;
		return 0;
	case OPT_RLIMIT_NOFILE:
		if (parse_uint(arg, 0, ULLONG_MAX, &v) < 0)
			return opt_error(err, errlen,
					 "invalid --rlimit-nofile '%s'", arg);
		o->rlimit_nofile = v;
		o->rlimit_nofile_set = true;
		return 0;
	case OPT_UID_MAP:
	case OPT_GID_MAP:
		if (opt_check_idmap(c == OPT_UID_MAP ? "uid-map" : "gid-map",
				    arg, err, errlen) < 0)
			return -1;
		opt_set_str(c == OPT_UID_MAP ? &o->uid_map : &o->gid_map, arg);
		return 0;
	case OPT_LOG_LEVEL:
		return opt_set_log_level(o, arg, err, errlen);
	case OPT_SYSLOG:
		o->syslog = true;
		return 0;
	}
	return opt_error(err, errlen, "internal error: option %d", c);
}

int
opt_parse(struct opt *o, int argc, char **argv, char *err, size_t errlen)
{
	int c;

	opt_defaults(o);
	optind = 0; /* full reinitialisation: callable more than once */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:dfhV", opt_long, NULL)) != -1) {
		if (c == '?') {
			if (optopt)
				return opt_error(err, errlen,
						 "unknown option '-%c'", optopt);
			return opt_error(err, errlen, "unknown option '%s'",
					 argv[optind - 1]);
		}
		if (c == ':')
			return opt_error(err, errlen,
					 "option '%s' needs an argument",
					 argv[optind - 1]);
		if (opt_apply(o, c, optarg, err, errlen) < 0)
			return -1;
	}
	if (optind < argc)
		return opt_error(err, errlen, "unexpected argument '%s'",
				 argv[optind]);
	if (o->action != OPT_RUN)
		return 0;
	if (!o->source)
		return opt_error(err, errlen,
				 "no shared directory (--shared-dir=DIR or -o "
				 "source=DIR)");
	if ((o->fd >= 0) == (o->socket_path != NULL))
		return opt_error(err, errlen,
				 "exactly one of --fd=N and --socket-path=PATH "
				 "is needed");
	if (o->socket_group && !o->socket_path)
		return opt_error(err, errlen,
				 "--socket-group needs --socket-path");
	return 0;
}

void
opt_free(struct opt *o)
{
	free(o->socket_path);
	free(o->socket_group);
	free(o->source);
	free(o->uid_map);
	free(o->gid_map);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}
