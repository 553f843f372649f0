/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox.c: virtshare-fsd's sandbox, capabilities and seccomp, seen from
 * the host while it serves (issue 7) */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "fusecl.h"
#include "spawn.h"
#include "vuclient.h"
#include "../tap.h"

/* chown dac_override fowner fsetid setgid setuid mknod setfcap */
#define KEPT_CAPS "00000000880000db"

static const char *daemon_path;
static char workdir[256], share[300];

struct run {
	struct spawn *sp;
	struct vuclient *vu;
	struct fusecl *fc;
	pid_t server;	/* the process serving: the child when sandboxed */
};

/* The first child of pid, or 0. */
static pid_t
child_of(pid_t pid)
{
	char path[64];
	long c = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
		 (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &c) != 1)
		c = 0;
	fclose(f);
	return (pid_t)c;
}

/* The value of "Field:" in /proc/pid/status, in buf ("" if missing). */
static const char *
status_field(pid_t pid, const char *field, char *buf, size_t size)
{
	char path[64], line[512];
	size_t n = strlen(field);
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			char *v = line + n + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(buf, size, "%s", v);
			break;
		}
	}
	fclose(f);
	return buf;
}

static bool
same_ns(pid_t pid, const char *ns)
{
	char a[64], b[64];
	struct stat sa, sb;

	snprintf(a, sizeof(a), "/proc/%d/ns/%s", (int)pid, ns);
	snprintf(b, sizeof(b), "/proc/self/ns/%s", ns);
	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return true;
	return sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

static bool
start(struct run *r, const char *name, const char *binary,
      const char *const *extra)
{
	struct spawn_opts o = {
		.binary = binary ? binary : daemon_path,
		.shared_dir = share,
		.workdir = workdir,
		.options = "cache=none,xattr",
		.extra = extra,
	};

	memset(r, 0, sizeof(*r));
	r->sp = spawn_start(&o, name);
	if (!r->sp)
		return false;
	r->vu = vuclient_connect(r->sp->sock, NULL);
	if (!r->vu || vuclient_start(r->vu) < 0) {
		tap_diag("%s: vhost-user setup failed: %s", name,
			 r->vu ? vuclient_error(r->vu) : strerror(errno));
		spawn_dump_log(r->sp, stdout, 20);
		return false;
	}
	r->fc = fusecl_new(r->vu);
	if (fusecl_init(r->fc, 0) < 0) {
		tap_diag("%s: INIT failed", name);
		return false;
	}
	r->server = child_of(r->sp->pid);
	if (!r->server)
		r->server = r->sp->pid;
	return true;
}

/* Disconnect; true if the daemon then exited with status 0. */
static bool
finish(struct run *r)
{
	bool ok;

	fusecl_free(r->fc);
	vuclient_free(r->vu);
	ok = r->sp && spawn_wait(r->sp, 10000) && WIFEXITED(r->sp->status) &&
	     WEXITSTATUS(r->sp->status) == 0;
	if (!ok && r->sp)
		spawn_dump_log(r->sp, stdout, 20);
	spawn_free(r->sp);
	memset(r, 0, sizeof(*r));
	return ok;
}

static void
check_privileges(const struct run *r, const char *what, bool filtered)
{
	char buf[256];

	tap_is_str(status_field(r->server, "CapEff", buf, sizeof(buf)),
		   KEPT_CAPS, "%s: effective capabilities reduced", what);
	tap_is_str(status_field(r->server, "CapBnd", buf, sizeof(buf)),
		   KEPT_CAPS, "%s: bounding set reduced", what);
	tap_is_str(status_field(r->server, "Groups", buf, sizeof(buf)), "",
		   "%s: no supplementary groups (CVE-2022-0358)", what);
	tap_is_str(status_field(r->server, "Seccomp", buf, sizeof(buf)),
		   filtered ? "2" : "0", "%s: seccomp %s", what,
		   filtered ? "filter loaded" : "off");
}

static void
test_namespace(void)
{
	char path[600], line[512], buf[64];
	struct fuse_entry_out e;
	struct run r;
	struct stat st;
	int nlines = 0;
	bool only_share = true;
	FILE *f;

	if (!tap_ok(start(&r, "ns", NULL, NULL), "namespace (default): "
		    "serves")) {
		finish(&r);
		return;
	}
	tap_ok(r.server != r.sp->pid,
	       "namespace: a child serves, the parent waits outside");
	tap_is_str(status_field(r.server, "NSpid", buf, sizeof(buf)) +
		       strcspn(buf, "\t "),
		   "\t1", "namespace: the child is pid 1 of its pid namespace");
	tap_ok(!same_ns(r.server, "mnt") && !same_ns(r.server, "net") &&
	       !same_ns(r.server, "pid"),
	       "namespace: own mount, network and pid namespaces");
	snprintf(path, sizeof(path), "/proc/%d/mounts", (int)r.server);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char dev[256], mnt[256];

		nlines++;
		if (sscanf(line, "%255s %255s", dev, mnt) != 2 ||
		    strcmp(mnt, "/") != 0)
			only_share = false;
	}
	if (f)
		fclose(f);
	tap_ok(nlines >= 1 && only_share,
	       "namespace: its /proc/self/mounts shows only the share as / "
	       "(%d lines)", nlines);
	snprintf(path, sizeof(path), "/proc/%d/root/hello.txt", (int)r.server);
	tap_ok(stat(path, &st) == 0, "namespace: its root is the share");
	snprintf(path, sizeof(path), "/proc/%d/root/etc/passwd",
		 (int)r.server);
	tap_ok(stat("/etc/passwd", &st) == 0 && stat(path, &st) < 0,
	       "namespace: the host's /etc/passwd is not in its view");
	tap_is_int(fusecl_lookup(r.fc, FUSE_ROOT_ID, "..", &e), -EINVAL,
		   "namespace: LOOKUP .. from the share root is refused");
	tap_is_int(fusecl_lookup(r.fc, FUSE_ROOT_ID, "proc", &e), -ENOENT,
		   "namespace: the daemon's /proc is not in the share");
	tap_is_int(fusecl_lookup(r.fc, FUSE_ROOT_ID, "hello.txt", &e), 0,
		   "namespace: LOOKUP in the share works");
	check_privileges(&r, "namespace", true);
	tap_is_str(status_field(r.sp->pid, "CapEff", buf, sizeof(buf)),
		   "0000000000000000",
		   "namespace: the waiting parent has no capabilities");
	tap_ok(finish(&r), "namespace: exits 0 when the front end goes");
	snprintf(path, sizeof(path), "%s/ns.sock", workdir);
	tap_ok(access(path, F_OK) < 0 && errno == ENOENT,
	       "namespace: the parent removed the socket");
}

static void
test_signal(void)
{
	struct run r;
	pid_t server;

	if (!tap_ok(start(&r, "sig", NULL, NULL), "SIGTERM: serves")) {
		finish(&r);
		return;
	}
	server = r.server;
	kill(r.sp->pid, SIGTERM);
	tap_ok(spawn_wait(r.sp, 10000) && WIFEXITED(r.sp->status) &&
	       WEXITSTATUS(r.sp->status) == 0,
	       "SIGTERM to the parent stops the sandboxed daemon, status 0");
	tap_ok(kill(server, 0) < 0 && errno == ESRCH,
	       "SIGTERM: the serving child is gone too");
	finish(&r);
}

/* A system call outside the allow-list, injected with gdb, kills. */
static void
test_seccomp_kill(void)
{
	static const char *const debug[] = { "--log-level=info", NULL };
	char cmd[512];
	struct run r;
	int st;

	if (access("/usr/bin/gdb", X_OK) < 0) {
		tap_skip(2, "gdb is not installed");
		return;
	}
	if (!tap_ok(start(&r, "kill", NULL, debug), "seccomp kill: serves")) {
		finish(&r);
		return;
	}
	/*
	 * mount(2) through libc's syscall(): SYS_mount is 165 on x86_64.
	 * gdb may hang once the process it called into is killed (and then
	 * keeps the zombie from being reaped): bounded, and killed.
	 */
	snprintf(cmd, sizeof(cmd),
		 "timeout -s KILL 30 gdb -nx -batch -p %d -ex 'set sysroot /' "
		 "-ex 'call (long)syscall(165, 0, 0, 0, 0, 0)' "
		 ">/dev/null 2>&1 </dev/null",
		 (int)r.server);
	st = system(cmd);
	(void)st;
	tap_ok(spawn_wait(r.sp, 10000) && WIFEXITED(r.sp->status) &&
	       WEXITSTATUS(r.sp->status) == 1,
	       "seccomp kill: mount(2) in the serving process kills it; "
	       "the parent exits 1");
	finish(&r);
}

static void
test_chroot(void)
{
	static const char *const args[] = { "--sandbox=chroot", NULL };
	char path[600];
	struct run r;
	struct stat st;

	if (!tap_ok(start(&r, "chroot", NULL, args), "chroot: serves")) {
		finish(&r);
		return;
	}
	tap_ok(r.server != r.sp->pid && same_ns(r.server, "mnt"),
	       "chroot: a child serves, in the host's namespaces");
	snprintf(path, sizeof(path), "/proc/%d/root/hello.txt", (int)r.server);
	tap_ok(stat(path, &st) == 0, "chroot: its root is the share");
	check_privileges(&r, "chroot", true);
	tap_ok(finish(&r), "chroot: exits 0");
}

static void
test_none(void)
{
	static const char *const args[] = { "--sandbox=none",
					    "--seccomp=none", NULL };
	struct run r;

	if (!tap_ok(start(&r, "none", NULL, args), "none: serves")) {
		finish(&r);
		return;
	}
	tap_ok(r.server == r.sp->pid, "none: no child");
	check_privileges(&r, "none", false);
	tap_ok(finish(&r), "none: exits 0");
}

/* Unprivileged, as nobody: a user namespace maps nobody to 0. */
static void
test_unprivileged(const char *map)
{
	const char *const args[] = { map, map ? "--gid-map=:0:65534:1:" : NULL,
				     NULL };
	char wrapper[400], path[600], buf[128], what[64];
	struct fuse_entry_out e;
	uint64_t fh;
	struct run r;
	struct stat st;
	FILE *f;

	snprintf(what, sizeof(what), "unprivileged%s%s", map ? " " : "",
		 map ? map : "");
	snprintf(wrapper, sizeof(wrapper), "%s/as-nobody", workdir);
	f = fopen(wrapper, "w");
	if (!tap_ok(f != NULL, "%s: a wrapper running the daemon as nobody",
		    what))
		return;
	fprintf(f, "#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 "
		   "--clear-groups '%s' \"$@\"\n", daemon_path);
	fclose(f);
	chmod(wrapper, 0755);
	if (!tap_ok(start(&r, map ? "userns-map" : "userns", wrapper,
			  map ? args : NULL),
		    "%s: serves in a user namespace", what)) {
		finish(&r);
		return;
	}
	tap_ok(!same_ns(r.server, "user") && !same_ns(r.server, "mnt"),
	       "%s: own user and mount namespaces", what);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)r.server);
	f = fopen(path, "r");
	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	tap_ok(strstr(buf, "65534") != NULL, "%s: uid map '%s'", what,
	       strtok(buf, "\n") ? buf : "");
	tap_is_int(fusecl_create(r.fc, FUSE_ROOT_ID, "by-nobody", O_RDWR,
				 0644, &e, &fh),
		   0, "%s: CREATE works", what);
	snprintf(path, sizeof(path), "%s/by-nobody", share);
	tap_ok(stat(path, &st) == 0 && st.st_uid == 65534,
	       "%s: the new file belongs to nobody on the host", what);
	unlink(path);
	tap_ok(finish(&r), "%s: exits 0", what);
}

/* The daemon refuses at start, exit status 1, with message in its log. */
static void
refused(const char *name, const char *binary, const char *const *extra,
	const char *dir, const char *message)
{
	struct spawn_opts o = {
		.binary = binary ? binary : daemon_path,
		.shared_dir = dir ? dir : share,
		.workdir = workdir,
		.extra = extra,
	};
	struct spawn *sp = spawn_start(&o, name);
	char line[1024];
	bool found = false;
	FILE *f;

	tap_ok(sp && spawn_wait(sp, 10000) && WIFEXITED(sp->status) &&
	       WEXITSTATUS(sp->status) == 1,
	       "%s: refused at start with status 1", name);
	f = sp ? fopen(sp->log, "r") : NULL;
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, message))
			found = true;
	if (f)
		fclose(f);
	if (!tap_ok(found, "%s: says '%s'", name, message) && sp)
		spawn_dump_log(sp, stdout, 5);
	spawn_free(sp);
}

static void
test_refused(void)
{
	static const char *const chroot_args[] = { "--sandbox=chroot", NULL };
	static const char *const map_none[] = { "--sandbox=none",
						"--uid-map=:0:0:1:", NULL };
	static const char *const map_other[] = { "--uid-map=:0:0:1:", NULL };
	char wrapper[400], missing[400];

	snprintf(wrapper, sizeof(wrapper), "%s/as-nobody", workdir);
	snprintf(missing, sizeof(missing), "%s/missing", workdir);
	refused("chroot-unprivileged", wrapper, chroot_args, NULL,
		"--sandbox=chroot needs root");
	refused("map-without-namespace", NULL, map_none, NULL,
		"--uid-map and --gid-map need --sandbox=namespace");
	refused("map-other-id", wrapper, map_other, NULL,
		"without root only your own uid and gid can be mapped");
	refused("missing-share", NULL, NULL, missing,
		"No such file or directory");
	refused("file-share", NULL, NULL, "/etc/passwd",
		"it is not a directory");
}

static void
cleanup(void)
{
	char cmd[600];

	if (workdir[0] && !getenv("VS_KEEP_TMP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", workdir);
		if (system(cmd) != 0)
			fprintf(stderr, "# could not remove %s\n", workdir);
	}
}

int
main(int argc, char **argv)
{
	char path[600];
	int fd;

	if (argc != 2 || strncmp(argv[1], "--daemon=", 9) != 0) {
		fprintf(stderr, "usage: %s --daemon=PATH\n", argv[0]);
		return 2;
	}
	daemon_path = argv[1] + 9;
	signal(SIGPIPE, SIG_IGN);
	if (geteuid() != 0) {
		printf("1..0 # SKIP the sandbox checks run as root\n");
		return 0;
	}
	snprintf(workdir, sizeof(workdir), "%s/vs-sandbox.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(workdir))
		return 1;
	atexit(cleanup);
	snprintf(share, sizeof(share), "%s/share", workdir);
	mkdir(share, 0777);
	chmod(share, 0777);
	/* nobody's daemon creates its socket here */
	chmod(workdir, 01777);
	snprintf(path, sizeof(path), "%s/hello.txt", share);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);

	test_namespace();
	test_signal();
	test_seccomp_kill();
	test_chroot();
	test_none();
	test_unprivileged(NULL);
	test_unprivileged("--uid-map=:0:65534:1:");
	test_refused();
	return tap_done();
}
