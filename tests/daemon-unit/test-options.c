/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-options.c: the command line of virtshare-fsd (libvirt and long forms) */
#include <stdarg.h>
#include <string.h>

#include "log.h"
#include "options.h"
#include "tap.h"
#include "util.h"

#define MAXARGS 32

/* Parse a NULL-terminated argument list; returns opt_parse's result. */
static int
parse(struct opt *o, char *err, ...)
{
	char *argv[MAXARGS] = { "virtshare-fsd" };
	int argc = 1;
	va_list ap;

	va_start(ap, err);
	while (argc < MAXARGS - 1 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	err[0] = '\0';
	return opt_parse(o, argc, argv, err, 256);
}

static void
test_libvirt_form(void)
{
	struct opt o;
	char err[256];

	/* What libvirt 9.0 runs without "separate-options". */
	tap_is_int(parse(&o, err, "--fd=3", "-o",
			 "source=/srv/a,,b,cache=none,sandbox=chroot,xattr,"
			 "no_flock,posix_lock",
			 "--thread-pool-size=16", "-d", NULL),
		   0, "libvirt -o form parses (%s)", err);
	tap_is_int(o.fd, 3, "--fd");
	tap_is_str(o.source, "/srv/a,b", "',,' in -o is a literal comma");
	tap_is_int(o.cache, PT_CACHE_NEVER, "cache=none");
	tap_is_int(o.sandbox, OPT_SANDBOX_CHROOT, "sandbox=chroot");
	tap_ok(o.xattr, "xattr");
	tap_ok(!o.flock, "no_flock");
	tap_ok(o.posix_lock, "posix_lock");
	tap_ok(o.thread_pool_size_set && o.thread_pool_size == 16,
	       "--thread-pool-size");
	tap_is_int(o.log_level, LOG_LVL_DEBUG, "-d means debug");
	opt_free(&o);

	tap_is_int(parse(&o, err, "--fd=4", "-o", "source=/x", "-o",
			 "cache=always", "-o", "no_xattr,flock", NULL),
		   0, "-o is repeatable");
	tap_is_str(o.source, "/x", "source from the first -o");
	tap_is_int(o.cache, PT_CACHE_ALWAYS, "cache from the second -o");
	tap_ok(!o.xattr && o.flock, "flags from the third -o");
	opt_free(&o);
}

static void
test_long_form(void)
{
	struct opt o;
	char err[256];

	tap_is_int(parse(&o, err, "--socket-path=/run/x.sock",
			 "--socket-group=kvm", "--shared-dir", "/srv/share",
			 "--cache=metadata", "--xattr", "--sandbox=namespace",
			 "--seccomp=log", "--rlimit-nofile=5000",
			 "--readonly", "--log-level=warn", "--syslog",
			 "--announce-submounts", "--uid-map=:0:100000:65536:",
			 "--gid-map=:0:100000:65536:", "--allow-direct-io",
			 NULL),
		   0, "Rust virtiofsd long options parse (%s)", err);
	tap_is_str(o.socket_path, "/run/x.sock", "--socket-path");
	tap_is_str(o.socket_group, "kvm", "--socket-group");
	tap_is_str(o.source, "/srv/share", "--shared-dir with a separate arg");
	tap_is_int(o.cache, PT_CACHE_METADATA, "--cache=metadata");
	tap_is_int(o.sandbox, OPT_SANDBOX_NAMESPACE, "--sandbox");
	tap_is_int(o.seccomp, OPT_SECCOMP_LOG, "--seccomp");
	tap_ok(o.rlimit_nofile_set && o.rlimit_nofile == 5000,
	       "--rlimit-nofile");
	tap_ok(o.readonly && o.syslog && o.announce_submounts &&
		   o.allow_direct_io,
	       "flags");
	tap_is_int(o.log_level, LOG_LVL_WARN, "--log-level");
	tap_is_str(o.uid_map, ":0:100000:65536:", "--uid-map kept");
	opt_free(&o);

	tap_is_int(parse(&o, err, "--fd=3", "--shared-dir=/s", "--cache=never",
			 "--no-xattr", "--no-posix-lock", "--no-flock", NULL),
		   0, "never and the no- options");
	tap_ok(o.cache == PT_CACHE_NEVER && !o.xattr && !o.posix_lock &&
		   !o.flock,
	       "values");
	opt_free(&o);

	tap_is_int(parse(&o, err, "--fd=3", "--shared-dir=/s", NULL), 0,
		   "defaults");
	tap_ok(o.cache == PT_CACHE_AUTO && !o.xattr && o.posix_lock &&
		   o.flock && !o.readonly && !o.thread_pool_size_set,
	       "default values: auto, no xattr, locks on, default helpers");
	tap_ok(opt_default_helpers() >= 2 &&
		   opt_default_helpers() <= OPT_DEFAULT_HELPERS_MAX,
	       "default helpers: %u, 2 to %d", opt_default_helpers(),
	       OPT_DEFAULT_HELPERS_MAX);
	tap_ok(o.sandbox == OPT_SANDBOX_NAMESPACE &&
		   o.seccomp == OPT_SECCOMP_KILL,
	       "default confinement: namespace sandbox, seccomp kill");
	opt_free(&o);

	tap_is_int(parse(&o, err, "--fd=3", "--shared-dir=/s",
			 "--thread-pool-size=0", NULL),
		   0, "--thread-pool-size=0");
	tap_ok(o.thread_pool_size_set && o.thread_pool_size == 0,
	       "  means no helpers, not the default");
	opt_free(&o);
}

static void
test_actions(void)
{
	struct opt o;
	char err[256];

	tap_is_int(parse(&o, err, "--print-capabilities", NULL), 0,
		   "--print-capabilities needs nothing else");
	tap_is_int(o.action, OPT_PRINT_CAPS, "action");
	opt_free(&o);
	tap_is_int(parse(&o, err, "--fd=3", "--print-capabilities", "-o",
			 "source=/x", NULL),
		   0, "--print-capabilities with other options");
	tap_is_int(o.action, OPT_PRINT_CAPS, "action");
	opt_free(&o);
	tap_is_int(parse(&o, err, "--help", NULL), 0, "--help");
	tap_is_int(o.action, OPT_HELP, "action help");
	opt_free(&o);
	tap_is_int(parse(&o, err, "-V", NULL), 0, "-V");
	tap_is_int(o.action, OPT_VERSION, "action version");
	opt_free(&o);
	tap_is_str(opt_capabilities(), "{\"type\": \"fs\", \"features\": []}\n",
		   "capabilities JSON (no separate-options, on purpose)");
}

static void
test_errors(void)
{
	static const struct {
		const char *args[4];
		const char *why;
	} bad[] = {
		{ { "--bogus" }, "unknown long option" },
		{ { "-z" }, "unknown short option" },
		{ { "--fd=3", "-o", "source=/x,bogus" }, "unknown -o flag" },
		{ { "--fd=3", "-o", "source=/x,foo=bar" }, "unknown -o key" },
		{ { "--fd=3", "-o", "source=/x," }, "trailing comma" },
		{ { "--fd=3", "-o", "" }, "empty -o" },
		{ { "--fd=3", "-o", "source=/x,cache=sometimes" },
		  "bad cache" },
		{ { "--fd=3", "-o", "source=/x,sandbox=jail" }, "bad sandbox" },
		{ { "--fd=3", "-o", "source=" }, "empty source" },
		{ { "--fd=x", "-o", "source=/x" }, "bad --fd" },
		{ { "--fd=-1", "-o", "source=/x" }, "negative --fd" },
		{ { "--fd=3" }, "no shared dir" },
		{ { "-o", "source=/x" }, "no socket" },
		{ { "--fd=3", "--socket-path=/s", "-o", "source=/x" },
		  "both sockets" },
		{ { "--fd=3", "--thread-pool-size=100000", "-o",
		    "source=/x" },
		  "huge pool" },
		{ { "--fd=3", "--shared-dir=/x", "--uid-map=0:1:2" },
		  "bad uid map" },
		{ { "--fd=3", "--shared-dir=/x", "--uid-map=:0:1:0:" },
		  "empty uid map" },
		{ { "--fd=3", "--shared-dir=/x", "--seccomp=trap" },
		  "bad seccomp" },
		{ { "--fd=3", "--shared-dir=/x", "--log-level=loud" },
		  "bad log level" },
		{ { "--fd=3", "--shared-dir=/x", "extra" },
		  "stray argument" },
		{ { "--fd=3", "--shared-dir=/x", "--socket-group=kvm" },
		  "--socket-group without --socket-path" },
		{ { "--fd=3", "--shared-dir" }, "missing argument" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct opt o;
		char err[256];

		tap_is_int(parse(&o, err, bad[i].args[0], bad[i].args[1],
				 bad[i].args[2], bad[i].args[3], NULL),
			   -1, "rejected: %s", bad[i].why);
		tap_ok(err[0] != '\0', "  with a message: %s", err);
		opt_free(&o);
	}
}

int
main(void)
{
	test_libvirt_form();
	test_long_form();
	test_actions();
	test_errors();
	return tap_done();
}
