/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-launch.c: starting, watching and stopping the daemon (with fake-fsd) */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "host.h"
#include "launch.h"
#include "tap.h"

/* tap_ok() with the condition evaluated before the message's arguments. */
#define check(cond, ...)                                                       \
	({                                                                     \
		bool check_c_ = (cond);                                        \
		tap_ok(check_c_, __VA_ARGS__);                                 \
	})

static char *tmp;    /* this run's scratch directory */
static char *rundir; /* $VIRTSHARE_RUNDIR */
static char *share;  /* a directory to share */
static char *fake;   /* tests/unit/fake-fsd */

static bool
str_eq_or_null(const char *a, const char *b)
{
	return a && b ? STREQ(a, b) : a == b;
}

static void
spec_init(struct launch_spec *s, const char *domain, const char *tag)
{
	memset(s, 0, sizeof(*s));
	s->domain = domain ? xstrdup(domain) : NULL;
	s->tag = tag ? xstrdup(tag) : NULL;
	s->dir = xstrdup(share);
	s->timeout_ms = 5000;
}

static bool
exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

static bool
pid_alive(int pid)
{
	struct host_proc p;
	bool alive;

	if (host_proc_read("/", pid, &p) < 0)
		return false;
	alive = host_proc_alive(&p);
	host_proc_clear(&p);
	return alive;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
listen_on(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(fd, 1) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Wait up to ms for the daemon of a share to be gone. */
static bool
wait_state(const char *name, enum launch_state want, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		AUTOPTR(launch_status) st = launch_status_read(name);

		if (st && st->state == want)
			return true;
		usleep(10000);
	}
	return false;
}

static void
test_names(void)
{
	AUTOFREE char *a = launch_name("vm1", "data");
	AUTOFREE char *b = launch_name("my vm", ".x/y");
	AUTOFREE char *c = launch_name_for_socket(
	    "/run/virtshare", "/run/virtshare/vm1-data.sock");
	AUTOFREE char *d = launch_name_for_socket(
	    "/run/virtshare/", "/run/virtshare/vm1-data.sock");
	AUTOFREE char *e =
	    launch_name_for_socket("/run/virtshare", "/var/lib/my-vm/fs.sock");
	AUTOFREE char *f = launch_name_for_socket("/run/virtshare",
						  "/run/virtshare/sub/x.sock");
	AUTOFREE char *g =
	    launch_name_for_socket("/run/virtshare", "/run/virtsharex/a.sock");

	tap_is_str(a, "vm1-data", "launch_name joins domain and tag");
	tap_is_str(b, "my\\x20vm-\\x2ex\\x2fy",
		   "launch_name escapes as systemd does");
	tap_is_str(c, "vm1-data", "a socket in the run dir is named by it");
	tap_is_str(d, "vm1-data", "a trailing slash on the run dir");
	tap_is_str(e, "var-lib-my\\x2dvm-fs.sock",
		   "a socket elsewhere: systemd-escape --path");
	tap_is_str(f, "run-virtshare-sub-x.sock", "below the run dir");
	tap_is_str(g, "run-virtsharex-a.sock", "a run dir prefix only");
}

static void
test_check(void)
{
	static const struct {
		const char *what;
		const char *dir, *socket, *tag, *cache, *sandbox, *level;
		enum vs_code code;
	} cases[] = {
	    {"no dir", NULL, NULL, NULL, NULL, NULL, NULL, VS_ERR_INVALID},
	    {"relative dir", "srv", NULL, NULL, NULL, NULL, NULL,
	     VS_ERR_INVALID},
	    {"missing dir", "/nonexistent/x", NULL, NULL, NULL, NULL, NULL,
	     VS_ERR_NOT_FOUND},
	    {"a file as dir", "/etc/passwd", NULL, NULL, NULL, NULL, NULL,
	     VS_ERR_INVALID},
	    {"relative socket", "/", "x.sock", NULL, NULL, NULL, NULL,
	     VS_ERR_INVALID},
	    {"socket with a newline", "/", "/x\n.sock", NULL, NULL, NULL, NULL,
	     VS_ERR_INVALID},
	    {"long socket", "/",
	     "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock",
	     NULL, NULL, NULL, NULL, VS_ERR_INVALID},
	    {"long tag", "/", "/x.sock",
	     "0123456789012345678901234567890123456", NULL, NULL, NULL,
	     VS_ERR_INVALID},
	    {"empty tag", "/", "/x.sock", "", NULL, NULL, NULL, VS_ERR_INVALID},
	    {"cache", "/", "/x.sock", NULL, "never", NULL, NULL,
	     VS_ERR_INVALID},
	    {"sandbox", "/", "/x.sock", NULL, NULL, "bwrap", NULL,
	     VS_ERR_INVALID},
	    {"log level", "/", "/x.sock", NULL, NULL, NULL, "loud",
	     VS_ERR_INVALID},
	    {"all fine", "/", "/x.sock", "012345678901234567890123456789012345",
	     "auto", "namespace", "debug", VS_OK},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct launch_spec s = {
		    .dir = (char *)cases[i].dir,
		    .socket = (char *)cases[i].socket,
		    .tag = (char *)cases[i].tag,
		    .cache = (char *)cases[i].cache,
		    .sandbox = (char *)cases[i].sandbox,
		    .log_level = (char *)cases[i].level,
		};
		int rc;

		vs_error_reset();
		rc = launch_spec_check(&s);
		check((rc == 0) == (cases[i].code == VS_OK) &&
			  vs_error_code() == cases[i].code,
		      "launch_spec_check: %s (%s)", cases[i].what,
		      vs_error_name(vs_error_code()));
	}
}

static void
test_argv(void)
{
	struct launch_spec s = {
	    .dir = "/srv/data",
	    .socket = "/run/x.sock",
	    .cache = "auto",
	    .xattr = LAUNCH_ON,
	    .readonly = true,
	    .sandbox = "chroot",
	    .thread_pool_set = true,
	    .thread_pool = 0,
	    .log_level = "debug",
	    .socket_group = "kvm",
	};
	struct launch_spec minimal = {
	    .dir = "/d", .socket = "/s", .xattr = LAUNCH_OFF};
	struct strlist a = {0}, b = {0};
	struct strbuf sb = STRBUF_INIT;

	launch_argv(&s, "/bin/fsd", &a);
	for (size_t i = 0; i < a.n; i++)
		sb_printf(&sb, "%s%s", i ? " " : "", a.v[i]);
	tap_is_str(sb_str(&sb),
		   "/bin/fsd --socket-path=/run/x.sock --shared-dir=/srv/data "
		   "--socket-group=kvm --cache=auto --xattr --readonly "
		   "--sandbox=chroot --thread-pool-size=0 --log-level=debug",
		   "launch_argv: every option");
	sb_clear(&sb);
	launch_argv(&minimal, "fsd", &b);
	for (size_t i = 0; i < b.n; i++)
		sb_printf(&sb, "%s%s", i ? " " : "", b.v[i]);
	tap_is_str(sb_str(&sb),
		   "fsd --socket-path=/s --shared-dir=/d --no-xattr",
		   "launch_argv: the defaults stay the daemon's");
	sb_clear(&sb);
	strlist_clear(&a);
	strlist_clear(&b);
}

static void
test_owner(void)
{
	const char *src = getenv("top_srcdir");
	/* numa-server's qemu.conf sets user "libvirt-qemu", group "kvm";
	 * laptop's sets neither, so libvirt's defaults apply. */
	AUTOFREE char *root =
	    xasprintf("%s/tests/data/hosts/numa-server", src ? src : ".");
	AUTOFREE char *plain =
	    xasprintf("%s/tests/data/hosts/laptop", src ? src : ".");
	AUTOFREE char *me = host_user_name(geteuid());
	struct launch_spec s = {0};

	check(launch_spec_set_owner(&s, "qemu:///session", "/") == 0 &&
		  str_eq_or_null(s.socket_user, me) && !s.socket_group,
	      "session: the socket is the caller's, mode 0600");
	launch_spec_clear(&s);
	check(launch_spec_set_owner(&s, "qemu:///system", root) == 0 &&
		  str_eq_or_null(s.socket_user, "libvirt-qemu") &&
		  str_eq_or_null(s.socket_group, "kvm"),
	      "system: qemu.conf's user and group (%s:%s)",
	      s.socket_user ? s.socket_user : "?",
	      s.socket_group ? s.socket_group : "?");
	launch_spec_clear(&s);
	check(launch_spec_set_owner(&s, "qemu:///system", plain) == 0 &&
		  str_eq_or_null(s.socket_user, "libvirt-qemu") &&
		  str_eq_or_null(s.socket_group, "libvirt-qemu"),
	      "system, nothing set in qemu.conf: libvirt's defaults (%s:%s)",
	      s.socket_user ? s.socket_user : "?",
	      s.socket_group ? s.socket_group : "?");
	launch_spec_clear(&s);
	s.socket_user = xstrdup("alice");
	check(launch_spec_set_owner(&s, "qemu+unix:///system", root) == 0 &&
		  str_eq_or_null(s.socket_user, "alice") &&
		  str_eq_or_null(s.socket_group, "kvm"),
	      "an explicit user is kept, the group still qemu.conf's (%s)",
	      s.socket_group ? s.socket_group : "?");
	launch_spec_clear(&s);
	s.socket_group = xstrdup("users");
	check(launch_spec_set_owner(&s, "qemu:///system", root) == 0 &&
		  str_eq_or_null(s.socket_user, "libvirt-qemu") &&
		  str_eq_or_null(s.socket_group, "users"),
	      "an explicit group is kept, the user still qemu.conf's (%s)",
	      s.socket_user ? s.socket_user : "?");
	launch_spec_clear(&s);
	vs_error_reset();
	check(launch_spec_set_owner(&s, "qemu+ssh://root@far:22/system", "/") <
		      0 &&
		  vs_error_code() == VS_ERR_UNSUPPORTED &&
		  strstr(vs_error_message(), "far"),
	      "a remote URI is refused: %s", vs_error_message());
	launch_spec_clear(&s);
	vs_error_reset();
	s.socket_user = xstrdup("alice");
	s.socket_group = xstrdup("kvm");
	check(launch_spec_set_owner(&s, "qemu+ssh://far/system", "/") < 0 &&
		  vs_error_code() == VS_ERR_UNSUPPORTED,
	      "a remote URI is refused with the owner given too");
	launch_spec_clear(&s);
	/* A network transport may land anywhere, localhost too (issue 17:
	 * virt_uri_is_remote() is the one test). */
	check(launch_spec_set_owner(&s, "qemu+ssh://root@localhost:2222/system",
				    "/") < 0 &&
		  vs_error_code() == VS_ERR_UNSUPPORTED,
	      "ssh to localhost is refused as any remote URI");
	launch_spec_clear(&s);
	vs_error_reset();
	check(launch_spec_set_owner(&s, "qemu+unix:///session?socket=/x",
				    "/") == 0,
	      "a unix socket is local");
	launch_spec_clear(&s);
}

static void
test_host_proc(void)
{
	struct host_proc p;
	AUTOFREE char *sock = xasprintf("%s/probe.sock", tmp);
	int lfd, cfd;

	check(host_proc_read("/", getpid(), &p) == 0 && host_proc_alive(&p) &&
		  p.start_ticks > 0 && p.exe,
	      "host_proc_read: ourselves");
	host_proc_clear(&p);
	check(host_proc_read("/", 0, &p) < 0, "host_proc_read: pid 0");
	tap_is_int(host_unix_listening("/", 0, sock), 0,
		   "no socket, not listening");
	lfd = listen_on(sock);
	tap_is_int(host_unix_listening("/", 0, sock), 1, "listening");
	tap_is_int(host_unix_listening("/", getpid(), sock), 1,
		   "listening, seen from our pid's namespace");
	cfd = connect_to(sock);
	close(lfd);
	tap_is_int(host_unix_listening("/", 0, sock), 0,
		   "a connected socket of that path is not listening");
	close(cfd);
	unlink(sock);

	/* virtshare-fsd's way: listen on "PATH.PID", then rename to PATH. */
	AUTOFREE char *temp = xasprintf("%s.%d", sock, (int)getpid());
	lfd = listen_on(temp);
	tap_is_int(host_unix_listening("/", 0, sock), 0,
		   "listening under PATH.PID, not renamed yet: not ready");
	check(rename(temp, sock) == 0, "rename PATH.PID to PATH");
	tap_is_int(host_unix_listening("/", 0, sock), 1,
		   "renamed: PATH.PID counts as PATH");
	AUTOFREE char *other = xasprintf("%s.x1", sock);
	tap_is_int(host_unix_listening("/", 0, other), 0,
		   "a longer name is not a prefix match");
	close(lfd);
	unlink(sock);
}

/* start, status, second start, stop, restart: the life of one share. */
static void
test_lifecycle(void)
{
	struct launch_spec s;
	AUTOPTR(launch_status) st = NULL;
	AUTOPTR(launch_status) again = NULL;
	AUTOFREE char *sock = xasprintf("%s/vm1-data.sock", rundir);
	AUTOFREE char *pidf = xasprintf("%s/vm1-data.pid", rundir);
	AUTOFREE char *argvf = xasprintf("%s/argv", tmp);
	AUTOFREE char *args = NULL;
	bool was = false;
	int pid;

	spec_init(&s, "vm1", "data");
	s.cache = xstrdup("auto");
	s.xattr = LAUNCH_ON;
	s.socket_user = host_user_name(geteuid());
	s.socket_group = host_group_name(getegid());
	setenv("FAKE_FSD_ARGV", argvf, 1);
	st = launch_start(&s);
	unsetenv("FAKE_FSD_ARGV");
	if (!check(st != NULL, "start: %s", vs_error_message()))
		return;
	pid = st->pid;
	tap_is_str(st->spec.socket, sock, "the default socket");
	check(st->state == LAUNCH_RUNNING && st->listening && pid > 0,
	      "running and listening after start");
	check(st->socket_mode == 0660, "socket mode 0660 with a group (%o)",
	      st->socket_mode);
	check(exists(pidf), "pid file written");
	args = file_read(argvf, 4096, NULL);
	check(args && strstr(args, "--cache=auto\n") &&
		  strstr(args, "--xattr\n") && strstr(args, "--shared-dir=") &&
		  strstr(args, "--socket-group="),
	      "the daemon got the share's options");
	{
		struct host_proc p;

		check(host_proc_read("/", pid, &p) == 0 &&
			  p.start_ticks == st->start_ticks,
		      "the recorded start time is the daemon's");
		host_proc_clear(&p);
	}
	launch_status_free(st);
	st = launch_status_read("vm1-data");
	check(st && st->state == LAUNCH_RUNNING && st->pid == pid &&
		  STREQ(st->spec.dir, share) && STREQ(st->spec.cache, "auto"),
	      "status reads the record back");

	vs_error_reset();
	again = launch_start(&s);
	check(!again && vs_error_code() == VS_ERR_CONFLICT &&
		  strstr(vs_error_message(), "already serves"),
	      "a second start is refused: %s", vs_error_message());
	check(pid_alive(pid), "the first daemon still runs");

	{
		AUTOFREE char *name = launch_find("vm1", "data");

		tap_is_str(name, "vm1-data", "launch_find by domain and tag");
	}
	vs_error_reset();
	check(!launch_find("vm1", "nope") &&
		  vs_error_code() == VS_ERR_NOT_FOUND,
	      "launch_find: unknown tag");

	check(launch_stop("vm1-data", 2000, &was) == 0 && was, "stop: %s",
	      vs_error_message());
	check(!pid_alive(pid), "the daemon is gone");
	check(!exists(sock) && !exists(pidf), "socket and pid file removed");
	launch_status_free(st);
	st = launch_status_read("vm1-data");
	check(st && st->state == LAUNCH_STOPPED && st->pid == 0,
	      "status: stopped, record kept");
	check(launch_stop("vm1-data", 2000, &was) == 0 && !was,
	      "stopping again is fine and says it was not running");

	launch_status_free(st);
	st = launch_restart("vm1-data", 2000, 5000);
	check(st && st->state == LAUNCH_RUNNING && st->pid != pid &&
		  STREQ(st->spec.cache, "auto"),
	      "restart from the record: %s", vs_error_message());
	pid = st ? st->pid : 0;
	launch_status_free(st);
	st = launch_restart("vm1-data", 2000, 5000);
	check(st && st->state == LAUNCH_RUNNING && st->pid != pid &&
		  !pid_alive(pid),
	      "restart of a running daemon replaces it");
	launch_stop("vm1-data", 2000, NULL);
	launch_spec_clear(&s);
}

/* The daemon exits when QEMU disconnects; the next start cleans up. */
static void
test_stale(void)
{
	struct launch_spec s;
	AUTOPTR(launch_status) st = NULL;
	AUTOFREE char *sock = xasprintf("%s/vm2-stale.sock", rundir);
	int pid, fd;

	spec_init(&s, "vm2", "stale");
	st = launch_start(&s);
	if (!check(st != NULL, "start vm2: %s", vs_error_message()))
		return;
	pid = st->pid;
	kill(pid, SIGKILL);
	check(wait_state("vm2-stale", LAUNCH_STALE, 3000),
	      "kill -9: status says stale");
	check(exists(sock), "the dead daemon's socket is still there");
	launch_status_free(st);
	st = launch_start(&s);
	check(st && st->state == LAUNCH_RUNNING && st->pid != pid,
	      "start after kill -9 cleans up and runs: %s", vs_error_message());
	if (!st)
		return;

	/* As QEMU: connect, the daemon stops listening; hang up, it ends. */
	fd = connect_to(sock);
	check(fd >= 0, "a front end connects");
	for (int i = 0; i < 100; i++) {
		launch_status_free(st);
		st = launch_status_read("vm2-stale");
		if (!st || !st->listening)
			break;
		usleep(10000);
	}
	check(st && st->state == LAUNCH_RUNNING && !st->listening,
	      "connected: running, no longer listening");
	close(fd);
	check(wait_state("vm2-stale", LAUNCH_STALE, 3000),
	      "front end gone: the daemon exited, files are stale");
	launch_status_free(st);
	st = launch_start(&s);
	check(st && st->state == LAUNCH_RUNNING,
	      "and starts again for the next boot");
	launch_stop("vm2-stale", 2000, NULL);
	launch_spec_clear(&s);
}

/* A pid file naming someone else's process: never signalled. */
static void
test_foreign_pid(void)
{
	struct launch_spec s;
	AUTOPTR(launch_status) st = NULL;
	AUTOFREE char *pidf = xasprintf("%s/vm3-x.pid", rundir);
	AUTOFREE char *text = NULL;
	bool was = true;
	pid_t other;
	int status;

	spec_init(&s, "vm3", "x");
	st = launch_start(&s);
	if (!check(st != NULL, "start vm3: %s", vs_error_message()))
		return;
	launch_stop("vm3-x", 2000, NULL);
	other = fork();
	if (other == 0) {
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	text = xasprintf("%d\n", (int)other);
	file_write_atomic(pidf, text, strlen(text), 0644);
	launch_status_free(st);
	st = launch_status_read("vm3-x");
	check(st && st->state == LAUNCH_STALE,
	      "a pid file with another process: stale, not running");
	check(launch_stop("vm3-x", 500, &was) == 0 && !was,
	      "stop does not count it as ours");
	check(waitpid(other, &status, WNOHANG) == 0, "and did not signal it");
	check(!exists(pidf), "the stale pid file is removed");
	kill(other, SIGKILL);
	waitpid(other, &status, 0);
	launch_spec_clear(&s);
}

static void
test_failures(void)
{
	struct launch_spec s;
	struct launch_status *st;
	AUTOFREE char *rec = xasprintf("%s/vm4-fail.json", rundir);
	AUTOFREE char *pidf = xasprintf("%s/vm4-fail.pid", rundir);
	AUTOFREE char *file = xasprintf("%s/plain", tmp);
	AUTOFREE char *open_dir = xasprintf("%s/open", tmp);
	AUTOFREE char *busy = xasprintf("%s/busy.sock", tmp);
	bool was;
	int lfd;

	spec_init(&s, "vm4", "fail");
	setenv("FAKE_FSD_MODE", "fail", 1);
	vs_error_reset();
	st = launch_start(&s);
	check(!st && vs_error_code() == VS_ERR_DAEMON &&
		  strstr(vs_error_message(), "exited while starting") &&
		  strstr(vs_error_message(), "  fake-fsd: cannot open"),
	      "a daemon that exits: its log lines in the error");
	tap_diag("%s", vs_error_message());
	check(!exists(rec) && !exists(pidf), "no record, no pid file left");

	setenv("FAKE_FSD_MODE", "hang", 1);
	s.timeout_ms = 300;
	vs_error_reset();
	st = launch_start(&s);
	check(!st && vs_error_code() == VS_ERR_DAEMON &&
		  strstr(vs_error_message(), "did not listen"),
	      "a daemon that never listens: timeout, %s",
	      vs_error_name(vs_error_code()));
	s.timeout_ms = 5000;

	setenv("FAKE_FSD_MODE", "noterm", 1);
	st = launch_start(&s);
	check(st != NULL, "a daemon that ignores SIGTERM starts");
	if (st) {
		int pid = st->pid;

		check(launch_stop("vm4-fail", 200, &was) == 0 && was &&
			  !pid_alive(pid),
		      "stop ends it with SIGKILL after the grace period");
		launch_status_free(st);
	}
	unsetenv("FAKE_FSD_MODE");

	setenv("VIRTSHARE_FSD", "/nonexistent/virtshare-fsd", 1);
	vs_error_reset();
	check(!launch_start(&s) && vs_error_code() == VS_ERR_NOT_FOUND &&
		  strstr(vs_error_message(), "$VIRTSHARE_FSD"),
	      "no daemon binary: %s", vs_error_message());
	setenv("VIRTSHARE_FSD", fake, 1);

	s.socket_user = xstrdup("no-such-user-vs");
	vs_error_reset();
	check(!launch_start(&s) && vs_error_code() == VS_ERR_INVALID,
	      "unknown user: %s", vs_error_message());
	free(s.socket_user);
	s.socket_user = NULL;
	s.socket_group = xstrdup("no-such-group-vs");
	vs_error_reset();
	check(!launch_start(&s) && vs_error_code() == VS_ERR_INVALID,
	      "unknown group: %s", vs_error_message());
	free(s.socket_group);
	s.socket_group = NULL;

	file_write_atomic(file, "x", 1, 0644);
	free(s.socket);
	s.socket = xstrdup(file);
	vs_error_reset();
	check(!launch_start(&s) && vs_error_code() == VS_ERR_CONFLICT,
	      "a file in the socket's place: %s", vs_error_message());

	lfd = listen_on(busy);
	free(s.socket);
	s.socket = xstrdup(busy);
	vs_error_reset();
	check(!launch_start(&s) && vs_error_code() == VS_ERR_CONFLICT &&
		  strstr(vs_error_message(), "not started by virtshare"),
	      "someone else listens there: %s", vs_error_message());
	close(lfd);

	mkdir(open_dir, 0777);
	chmod(open_dir, 0777);
	free(s.socket);
	s.socket = xasprintf("%s/x.sock", open_dir);
	vs_error_reset();
	check(!launch_start(&s) && vs_error_code() == VS_ERR_PERM,
	      "a world-writable socket directory: %s", vs_error_message());
	chmod(open_dir, 01777);
	st = launch_start(&s);
	check(st != NULL, "with the sticky bit it is fine: %s",
	      vs_error_message());
	if (st)
		launch_stop(st->name, 2000, NULL);
	launch_status_free(st);

	free(s.socket);
	s.socket = xasprintf("%s/none/x.sock", tmp);
	vs_error_reset();
	check(!launch_start(&s) && vs_error_code() == VS_ERR_NOT_FOUND,
	      "a missing socket directory: %s", vs_error_message());
	launch_spec_clear(&s);
}

/* As another user: no run directory, and no giving the socket away. */
static void
test_unprivileged(void)
{
	AUTOFREE char *dir = xasprintf("%s/nobody", tmp);
	AUTOFREE char *rootonly = xasprintf("%s/share/run", tmp);
	uid_t uid;
	gid_t gid;
	pid_t pid;
	int status;

	if (geteuid() != 0 || host_user_lookup("nobody", &uid, &gid) < 0) {
		tap_skip(3, "needs root and the user nobody");
		return;
	}
	mkdir(dir, 0755);
	chmod(tmp, 0711); /* mkdtemp() made it 0700 */
	if (chown(dir, uid, gid) < 0) {
		tap_skip(3, "cannot chown a directory to nobody");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct launch_spec s = {.dir = "/",
					.domain = "vm6",
					.tag = "t",
					.socket_user = "root",
					.socket_group = "root"};
		struct launch_status *st;
		int bad = 0;

		if (setgroups(0, NULL) < 0 || setgid(gid) < 0 ||
		    setuid(uid) < 0)
			_exit(3);
		unsetenv("VIRTSHARE_RUNDIR");
		unsetenv("XDG_RUNTIME_DIR");
		vs_error_reset();
		if (launch_rundir() || vs_error_code() != VS_ERR_NOT_FOUND)
			bad |= 1;
		setenv("VIRTSHARE_RUNDIR", rootonly, 1);
		vs_error_reset();
		st = launch_start(&s);
		if (st || vs_error_code() != VS_ERR_PERM ||
		    !strstr(vs_error_message(), "Permission denied")) {
			tap_diag("as nobody: %s", vs_error_message());
			bad |= 4;
		}
		launch_status_free(st);
		setenv("VIRTSHARE_RUNDIR", dir, 1);
		vs_error_reset();
		st = launch_start(&s);
		if (st || vs_error_code() != VS_ERR_PERM ||
		    !strstr(vs_error_message(), "Only root can give")) {
			tap_diag("as nobody: %s", vs_error_message());
			bad |= 2;
		}
		launch_status_free(st);
		fflush(stdout);
		_exit(bad);
	}
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && !(WEXITSTATUS(status) & 1) &&
		  WEXITSTATUS(status) != 3,
	      "a user without $XDG_RUNTIME_DIR has no default run directory");
	check(WIFEXITED(status) && !(WEXITSTATUS(status) & 2) &&
		  WEXITSTATUS(status) != 3,
	      "only root can give the socket to another user");
	check(WIFEXITED(status) && !(WEXITSTATUS(status) & 4) &&
		  WEXITSTATUS(status) != 3,
	      "a run directory the user cannot create: Permission denied");
}

static void
test_ensure_list(void)
{
	struct launch_spec s;
	struct launch_status *st, **list;
	bool changed = true;
	int pid, n;

	spec_init(&s, "vm5", "e");
	st = launch_ensure(&s, 2000, &changed);
	check(st && changed, "ensure: starts what is not running");
	pid = st ? st->pid : 0;
	launch_status_free(st);
	st = launch_ensure(&s, 2000, &changed);
	check(st && !changed && st->pid == pid,
	      "ensure again: no change, same daemon");
	launch_status_free(st);
	s.cache = xstrdup("always");
	st = launch_ensure(&s, 2000, &changed);
	check(st && changed && st->pid != pid && !pid_alive(pid),
	      "ensure with another option: restarted");
	launch_status_free(st);

	/* Every share started above has its record: the stopped ones too. */
	n = launch_list(&list);
	{
		AUTOFREE char *open_sock = xasprintf("%s/open/x.sock", tmp);
		AUTOFREE char *open_name =
		    launch_name_for_socket(rundir, open_sock);
		const char *const want[] = {"vm1-data", "vm2-stale", "vm3-x",
					    "vm4-fail", "vm5-e", open_name};
		size_t found = 0;
		bool sorted = true;

		for (size_t k = 0; k < ARRAY_SIZE(want); k++)
			for (int i = 0; i < n; i++)
				found += STREQ(list[i]->name, want[k]);
		check(n == (int)ARRAY_SIZE(want) && found == ARRAY_SIZE(want),
		      "list: every recorded share, no other (%d)", n);
		for (int i = 1; i < n; i++)
			sorted = sorted &&
				 strcmp(list[i - 1]->name, list[i]->name) < 0;
		check(sorted, "list is sorted by name");
		for (int i = 0; i < n; i++)
			tap_diag("  %s", list[i]->name);
	}
	launch_status_list_free(list, n);
	launch_stop("vm5-e", 2000, NULL);
	launch_spec_clear(&s);
}

int
main(void)
{
	const char *builddir = getenv("top_builddir");
	char tmpl[] = "/tmp/vs-launch.XXXXXX";

	if (!mkdtemp(tmpl))
		return 1;
	tmp = xstrdup(tmpl);
	rundir = xasprintf("%s/run", tmp);
	share = xasprintf("%s/share", tmp);
	fake = xasprintf("%s/tests/unit/fake-fsd", builddir ? builddir : ".");
	mkdir(share, 0755);
	setenv("VIRTSHARE_RUNDIR", rundir, 1);
	setenv("VIRTSHARE_FSD", fake, 1);
	unsetenv("FAKE_FSD_MODE");

	test_names();
	test_check();
	test_argv();
	test_owner();
	test_host_proc();
	test_lifecycle();
	test_stale();
	test_foreign_pid();
	test_failures();
	test_unprivileged();
	test_ensure_list();

	{
		AUTOFREE char *cmd = xasprintf("rm -rf '%s'", tmp);

		if (system(cmd) != 0)
			tap_diag("could not remove %s", tmp);
	}
	free(tmp);
	free(rundir);
	free(share);
	free(fake);
	return tap_done();
}
