/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-apply.c: INI files planned and applied on the test driver, twice,
 * with daemons (fake-fsd), removals, prune and failures half-way */
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cfg.h"
#include "error.h"
#include "launch.h"
#include "tap.h"

/*
 * The test driver keeps its domains as long as the connection: every
 * apply of this file happens on one connection, in this one process
 * (tests/data/apply/node.xml, the domains of the golden INI cases).
 */
static struct virt_conn *conn;
static const char *srcdir;
static char *root;   /* the host tree: its pools and qemu.conf */
static char *tmp;    /* state, run directory, directories to share:
		      * share, data, build (the shares' directories are
		      * this host's, where the daemons run) */
static char *owner;  /* socket_user = ..., socket_group = ... for us */
static struct inspection *in;

/* Plan text as a file would hold it; -1 with the error, else 0 or 1
 * (whether it changed anything). */
static int
apply_text(const char *text, bool *changes, char **error)
{
	AUTOPTR(cfg) c = cfg_parse("test.ini", text, strlen(text));
	AUTOPTR(plan) p = plan_new();
	AUTOPTR(host_info) pools = host_read(root, 0);
	AUTOFREE char *statedir = xasprintf("%s/state", tmp);
	struct plan_ctx ctx = {.statedir = statedir};
	struct cfg_env env = {
		.conn = conn,
		.in = in,
		.root = "/",
		.pools = pools,
		.pages = {.root = root},
	};
	struct strlist done = {0};
	int rc = -1;

	*changes = false;
	if (error)
		*error = NULL;
	if (c && cfg_plan(c, &env, p) == 0) {
		*changes = plan_changes(p);
		rc = plan_apply(p, &ctx, &done);
	}
	if (rc < 0 && error)
		*error = xstrdup(vs_error_message());
	if (rc < 0)
		tap_diag("  %s", vs_error_message());
	vs_error_reset();
	strlist_clear(&done);
	return rc;
}

static char *
xml_of(const char *domain)
{
	return virt_domain_xml(conn, domain, true);
}

static bool
has(const char *s, const char *part)
{
	return s && strstr(s, part);
}

/* Whether pid runs (a zombie no longer does: nobody may reap it). */
static bool
pid_alive(int pid)
{
	struct host_proc p;
	bool alive;

	if (host_proc_read("/", pid, &p) < 0) {
		vs_error_reset();
		return false;
	}
	alive = host_proc_alive(&p);
	host_proc_clear(&p);
	return alive;
}

static enum launch_state
daemon_state(const char *name)
{
	AUTOPTR(launch_status) st = launch_status_read(name);

	vs_error_reset();
	return st ? st->state : LAUNCH_STOPPED;
}

static const char site[] =
    "[domain vm1]\n"
    "backing = memfd\n"
    "\n"
    "[share vm1 data]\n"
    "dir = %1$s/data\n"
    "cache = always\n"
    "\n"
    "[share vm1 served]\n"
    "daemon = external\n"
    "dir = %1$s/share\n"
    "cache = auto\n"
    "%2$s"
    "\n"
    "[domain vm2]\n"
    "backing = numa\n"
    "\n"
    "[share vm2 data]\n"
    "dir = %1$s/data\n"
    "\n"
    "[share vm3 build]\n"
    "state = absent\n";

static void
test_twice(void)
{
	AUTOFREE char *text = xasprintf(site, tmp, owner);
	AUTOFREE char *vm1 = NULL, *vm2 = NULL, *vm3 = NULL, *again = NULL;
	bool changes;

	tap_ok(apply_text(text, &changes, NULL) == 0 && changes,
	       "apply: planned and applied");
	vm1 = xml_of("vm1");
	vm2 = xml_of("vm2");
	vm3 = xml_of("vm3");
	tap_ok(has(vm1, "<source type='memfd'/>") &&
	       has(vm1, "/data'/>") &&
	       has(vm1, "<cache mode='always'/>"),
	       "vm1: memfd memory and the share of /srv/data");
	tap_ok(has(vm1, "/vm1-served.sock'/>") &&
	       has(vm1, "<virtshare:share tag=\"served\"") &&
	       has(vm1, "cache=\"auto\""),
	       "vm1: the external share's socket and virtshare's record, as "
	       "libvirt keeps them");
	tap_ok(daemon_state("vm1-served") == LAUNCH_RUNNING,
	       "its daemon runs (fake-fsd)");
	tap_ok(!has(vm2, "memAccess='private'") && has(vm2, "/data'/>"),
	       "vm2: every NUMA cell shared, the share added");
	tap_ok(!has(vm3, "/srv/build") && has(vm3, "vm3-logs.sock"),
	       "vm3: 'build' removed, 'logs' (not in the file) left alone");

	tap_ok(apply_text(text, &changes, NULL) == 0 && !changes,
	       "apply again: nothing to change");
	again = xml_of("vm1");
	tap_ok(again && STREQ(again, vm1), "and vm1 is byte for byte the same");
	tap_ok(daemon_state("vm1-served") == LAUNCH_RUNNING,
	       "the daemon still runs");
}

/*
 * The file of test_twice() with its directories written otherwise: the
 * same directories, so nothing changes and the daemon keeps running.
 */
static void
test_same_dirs_written_otherwise(void)
{
	AUTOFREE char *base = xasprintf("%s/./data/../", tmp);
	AUTOFREE char *text = NULL, *vm1 = xml_of("vm1"), *after = NULL;
	AUTOPTR(launch_status) before = launch_status_read("vm1-served");
	AUTOPTR(launch_status) now = NULL;
	bool changes = true;

	text = xasprintf(site, base, owner);
	tap_ok(apply_text(text, &changes, NULL) == 0 && !changes,
	       "directories written with ./, ../ and a trailing /: nothing "
	       "to change");
	after = xml_of("vm1");
	tap_ok(after && vm1 && STREQ(after, vm1), "vm1 is the same");
	now = launch_status_read("vm1-served");
	tap_ok(before && now && now->state == LAUNCH_RUNNING &&
		       now->pid == before->pid,
	       "the daemon was not restarted");
	vs_error_reset();
}

static void
test_update_and_prune(void)
{
	AUTOFREE char *text = xasprintf(
	    "[domain vm1]\n"
	    "prune = yes\n"
	    "[share vm1 served]\n"
	    "daemon = external\n"
	    "dir = %1$s/share\n"
	    "cache = none\n"
	    "%2$s",
	    tmp, owner);
	AUTOFREE char *vm1 = NULL;
	AUTOPTR(launch_status) st = NULL;
	bool changes;

	tap_ok(apply_text(text, &changes, NULL) == 0 && changes,
	       "prune and a new daemon option: applied");
	vm1 = xml_of("vm1");
	tap_ok(!has(vm1, "/data'/>") && has(vm1, "cache=\"none\""),
	       "vm1: 'data' pruned, the record has cache=none");
	st = launch_status_read("vm1-served");
	tap_ok(st && st->state == LAUNCH_RUNNING && st->spec.cache &&
	       STREQ(st->spec.cache, "none"),
	       "the daemon was restarted with cache=none");
	vs_error_reset();
	tap_ok(apply_text(text, &changes, NULL) == 0 && !changes,
	       "and again: nothing to change");
}

/*
 * The second domain fails to be defined: the first is put back, and the
 * error says so.
 */
static void
test_failure_half_way(void)
{
	AUTOFREE char *text = xasprintf("[share vm1 more]\n"
					"dir = %1$s/build\n"
					"[share vm2 more]\n"
					"dir = %1$s/build\n",
					tmp);
	AUTOPTR(cfg) c = cfg_parse("half.ini", text, strlen(text));
	AUTOPTR(plan) p = plan_new();
	AUTOFREE char *statedir = xasprintf("%s/state", tmp);
	AUTOFREE char *vm1 = xml_of("vm1"), *vm2 = xml_of("vm2");
	AUTOFREE char *changed = NULL, *vm1_after = NULL, *vm2_after = NULL;
	AUTOFREE char *msg = NULL;
	struct plan_ctx ctx = {.statedir = statedir};
	struct cfg_env env = {.conn = conn, .in = in, .root = "/"};
	struct strlist done = {0};
	const char *at;

	tap_ok(c && cfg_plan(c, &env, p) == 0 && plan_changes(p),
	       "half.ini: both domains change");
	/* Someone else changes vm2 after the plan was made. */
	at = strstr(vm2, "</name>") + strlen("</name>");
	changed = xasprintf("%.*s\n  <description>edited</description>%s",
			    (int)(at - vm2), vm2, at);
	tap_ok(virt_domain_define(conn, changed, true) == 0,
	       "vm2 is changed by someone else meanwhile");
	tap_ok(plan_apply(p, &ctx, &done) < 0 &&
	       vs_error_code() == VS_ERR_CONFLICT,
	       "apply fails on vm2");
	msg = xstrdup(vs_error_message());
	vs_error_reset();
	tap_ok(has(msg, "changed while the plan was shown") &&
	       has(msg, "Taken back, as before: Domain 'vm1'"),
	       "the error says vm1 was taken back");
	tap_diag("  %s", msg);
	vm1_after = xml_of("vm1");
	vm2_after = xml_of("vm2");
	tap_ok(vm1_after && STREQ(vm1_after, vm1),
	       "vm1 is exactly as before");
	tap_ok(vm2_after && has(vm2_after, "edited") &&
	       !has(vm2_after, "/build'/>"),
	       "vm2 is as the other writer left it");
	strlist_clear(&done);
}

/* The daemon fails to start after both domains were defined. */
static void
test_daemon_fails(void)
{
	AUTOFREE char *text = xasprintf("[share vm1 other]\n"
					"dir = %1$s/build\n"
					"[share vm2 broken]\n"
					"daemon = external\n"
					"dir = %1$s/share\n"
					"%2$s",
					tmp, owner);
	AUTOFREE char *vm1 = xml_of("vm1"), *vm2 = xml_of("vm2");
	AUTOFREE char *vm1_after = NULL, *vm2_after = NULL, *err = NULL;
	bool changes;

	setenv("FAKE_FSD_MODE", "fail", 1);
	tap_ok(apply_text(text, &changes, &err) < 0 && changes,
	       "the daemon of vm2's share fails to start: apply fails");
	unsetenv("FAKE_FSD_MODE");
	tap_ok(has(err, "Taken back, as before:") && has(err, "'vm1'") &&
	       has(err, "'vm2'"),
	       "the error says both domains were taken back");
	vm1_after = xml_of("vm1");
	vm2_after = xml_of("vm2");
	tap_ok(vm1_after && STREQ(vm1_after, vm1) && vm2_after &&
	       STREQ(vm2_after, vm2),
	       "both domains are exactly as before");
	tap_ok(daemon_state("vm2-broken") != LAUNCH_RUNNING,
	       "no daemon is left running for it");
}

static void
test_remove_external(void)
{
	const char *text = "[share vm1 served]\n"
			   "state = absent\n";
	AUTOFREE char *vm1 = NULL;
	AUTOPTR(launch_status) st = launch_status_read("vm1-served");
	int pid = st && st->state == LAUNCH_RUNNING ? st->pid : 0;
	bool changes;

	vs_error_reset();
	tap_ok(pid > 0, "the external share's daemon runs (pid %d)", pid);
	tap_ok(apply_text(text, &changes, NULL) == 0 && changes,
	       "state = absent on the external share");
	vm1 = xml_of("vm1");
	tap_ok(!has(vm1, "vm1-served.sock") && !has(vm1, "virtshare:"),
	       "its <filesystem> and virtshare's record are gone");
	/* The process itself: a launch record that is gone reads as
	 * stopped whether the daemon was stopped or not. */
	tap_ok(daemon_state("vm1-served") == LAUNCH_STOPPED && pid > 0 &&
		   !pid_alive(pid),
	       "its daemon was stopped: pid %d is gone", pid);
	tap_ok(apply_text(text, &changes, NULL) == 0 && !changes,
	       "and again: nothing to change");
}

static void
test_parse(void)
{
	const char *text = "[host]\n"
			   "uri = qemu:///system\n"
			   "[hugepages 1G@1]\n"
			   "pages = 4\n"
			   "[share vm1 data]\n"
			   "dir = /srv/data\n"
			   "tag = files\n"
			   "[domain vm1]\n"
			   "prune = yes\n"
			   "backing = hugepages:2M@0\n"
			   "[share vm2 data]\n"
			   "state = absent\n";
	AUTOPTR(cfg) c = cfg_parse("p.ini", text, strlen(text));

	tap_ok(c && STREQ(c->uri, "qemu:///system") && c->uri_line == 2,
	       "parse: the uri and its line");
	tap_ok(c && c->npools == 1 && c->pools[0].size_kib == 1048576 &&
	       c->pools[0].node == 1 && c->pools[0].pages == 4,
	       "parse: [hugepages 1G@1] pages = 4");
	tap_ok(c && c->ndomains == 2 && STREQ(c->domains[0].name, "vm1") &&
	       c->domains[0].prune && c->domains[0].backing_given &&
	       c->domains[0].backing.page_kib == 2048 &&
	       STREQ(c->domains[1].name, "vm2") && !c->domains[1].prune,
	       "parse: domains in the order first named");
	tap_ok(c && c->nshares == 2 && STREQ(c->shares[0].req.share.tag,
					       "files") &&
	       c->shares[0].req.replace && c->shares[0].line == 5 &&
	       c->shares[1].absent &&
	       STREQ(c->shares[1].req.share.tag, "data"),
	       "parse: shares, their tags and lines");
	tap_ok(!cfg_parse("bad.ini", "[x]\n", 4) &&
	       vs_error_code() == VS_ERR_INVALID &&
	       has(vs_error_message(), "bad.ini:1: Unknown section [x]"),
	       "parse: an error names the file and line");
	vs_error_reset();
}

/*
 * What "libvirt gone" does to a plan, with domains in files: a later step
 * fails after taking away the directory of the definitions, so that
 * putting the first one back fails too.
 */
static int
gone_apply(struct plan_step *s, const struct plan_ctx *ctx,
	   struct strlist *done)
{
	AUTOFREE char *cmd = xasprintf("rm -rf '%s'", (const char *)s->data);

	if (system(cmd) != 0)
		tap_diag("could not remove %s", (const char *)s->data);
	return vs_error(VS_ERR_LIBVIRT, "The connection to libvirt is gone.");
}

static bool
gone_changes(const struct plan_step *s)
{
	return true;
}

static int
gone_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	return 0;
}

static const struct plan_step_ops gone_ops = {
	.kind = "test-gone",
	.phase = PLAN_PHASE_START,
	.changes = gone_changes,
	.apply = gone_apply,
	.revert = gone_revert,
	.free = free,
};

static void
test_revert_fails(void)
{
	AUTOFREE char *dir = xasprintf("%s/files", tmp);
	AUTOFREE char *path = xasprintf("%s/vm1.xml", dir);
	AUTOFREE char *in_xml = xasprintf("%s/tests/golden/share-memfd.in.xml",
					  srcdir);
	AUTOFREE char *xml = file_read(in_xml, 1 << 20, NULL);
	AUTOFREE char *statedir = xasprintf("%s/state", tmp);
	AUTOPTR(plan) p = plan_new();
	struct plan_ctx ctx = {.statedir = statedir};
	struct share_request r;
	struct strlist done = {0};
	const char *msg;

	mkdir(dir, 0755);
	file_write_atomic(path, xml, strlen(xml), 0644);
	share_request_init(&r);
	r.share.tag = xstrdup("data");
	r.share.dir = xstrdup(tmp);
	tap_ok(plan_share(p, plan_target_file(path, "vm1"), &r, NULL, "/") ==
		   0,
	       "a share of vm1.xml planned");
	share_request_clear(&r);
	plan_step_add(p, &gone_ops, xstrdup(dir), xstrdup("libvirt, gone"));
	tap_ok(plan_apply(p, &ctx, &done) < 0, "apply fails half-way");
	msg = vs_error_message();
	tap_ok(has(msg, "The connection to libvirt is gone.") &&
	       has(msg, "Taking back failed, so these stay changed: Domain "
			"'vm1' in") &&
	       !has(msg, "Taken back"),
	       "the error says what stays changed, and why");
	tap_diag("  %s", msg);
	vs_error_reset();
	strlist_clear(&done);
}

/* Connect to a UNIX socket as QEMU would; the fd, or -1. */
static int
front_end(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		close_fd(&fd);
	return fd;
}

/*
 * A running guest connected to its daemon: new options do not restart
 * it, removing the share does not stop it; both say so.
 */
static void
test_running_guest(void)
{
	AUTOFREE char *text = xasprintf("[share \"web server\" data]\n"
					"daemon = external\n"
					"dir = %1$s/share\n"
					"%2$s",
					tmp, owner);
	AUTOFREE char *sock = xasprintf("%s/run/web\\x20server-data.sock",
					tmp);
	AUTOFREE char *changed = NULL, *msg = NULL;
	AUTOPTR(launch_status) before = NULL;
	AUTOPTR(launch_status) after = NULL;
	AUTOPTR(plan) p = plan_new();
	AUTOPTR(cfg) c = NULL;
	struct cfg_env env = {.conn = conn, .in = in, .root = "/"};
	bool changes;
	int fd;

	tap_ok(apply_text(text, &changes, NULL) == 0 && changes,
	       "running 'web server': its external share applied");
	before = launch_status_read("web\\x20server-data");
	vs_error_reset();
	fd = front_end(sock);
	tap_ok(before && before->state == LAUNCH_RUNNING && fd >= 0,
	       "its daemon runs, and a front end connects");
	/* connect() returns before the daemon accepts and stops listening. */
	for (int i = 0; i < 600 && fd >= 0; i++) {
		AUTOPTR(launch_status) now =
			launch_status_read("web\\x20server-data");

		vs_error_reset();
		if (now && !now->listening)
			break;
		usleep(50 * 1000);
	}
	changed = xasprintf("%scache = none\n", text);
	c = cfg_parse("running.ini", changed, strlen(changed));
	tap_ok(c && cfg_plan(c, &env, p) == 0 && plan_changes(p) &&
	       !plan_changes_host(p),
	       "new daemon options: the domain changes, the daemon does not");
	msg = plan_render(p);
	tap_ok(has(msg, "serves the running guest with other options") &&
	       has(msg, "virtshare daemon start web server data"),
	       "and the plan says when they apply");
	tap_ok(apply_text(changed, &changes, NULL) == 0 && changes,
	       "applied");
	after = launch_status_read("web\\x20server-data");
	vs_error_reset();
	tap_ok(after && after->pid == before->pid,
	       "the connected daemon was left running");
	tap_ok(apply_text("[share \"web server\" data]\nstate = absent\n",
			  &changes, NULL) == 0 &&
	       changes && daemon_state("web\\x20server-data") ==
			      LAUNCH_RUNNING,
	       "share removed while the guest runs: its daemon keeps serving");
	close_fd(&fd);
}

/* The plan of text on the test driver: its summary, and the kind of its
 * steps that run once the domains are defined (caller frees both). */
static int
plan_text(const char *text, char **summary, char **kinds)
{
	AUTOPTR(cfg) c = cfg_parse("live.ini", text, strlen(text));
	AUTOPTR(plan) p = plan_new();
	struct cfg_env env = {.conn = conn, .in = in, .root = "/"};
	struct strbuf sb = STRBUF_INIT;

	if (!c || cfg_plan(c, &env, p) < 0) {
		tap_diag("%s", vs_error_message());
		vs_error_reset();
		return -1;
	}
	for (size_t i = 0; i < plan_nsteps(p); i++)
		sb_printf(&sb, "%s ", plan_step_at(p, i)->ops->kind);
	*kinds = sb_steal(&sb);
	*summary = plan_summary(p);
	return 0;
}

/*
 * live, mount and persist_mount reach the plan as share's options do:
 * the running 'web server' of the test driver cannot take a share live,
 * so a mount waits for its fstab; live = no leaves the guest alone.
 */
static void
test_live_keys(void)
{
	AUTOFREE char *text = xasprintf("[share \"web server\" lk]\n"
					"dir = %s/data\n"
					"mount = /mnt/lk\n"
					"persist_mount = yes\n",
					tmp);
	AUTOFREE char *no = xasprintf("[share \"web server\" lk]\n"
				      "dir = %s/data\n"
				      "live = no\n",
				      tmp);
	AUTOFREE char *sum = NULL, *kinds = NULL, *sum2 = NULL, *kinds2 = NULL;

	tap_ok(plan_text(text, &sum, &kinds) == 0 &&
		       strstr(kinds, "guest-mount"),
	       "mount, persist_mount on a running guest: the fstab line is "
	       "a step");
	tap_ok(sum && strstr(sum, "At the guests' next start:") &&
		       strstr(sum, "web server: the share 'lk': The domain") &&
		       strstr(sum, "mounts the share 'lk' on /mnt/lk from "
				   "its /etc/fstab"),
	       "... and the summary says what waits for the next start");
	tap_ok(plan_text(no, &sum2, &kinds2) == 0 &&
		       !strstr(kinds2, "guest-mount") &&
		       strstr(sum2, "web server: the share 'lk': the running "
				    "guest is left as it is, as asked."),
	       "live = no: the definition only, and the summary says so");
	tap_ok(apply_text("[share \"web server\" lk]\nmount = /mnt/lk\n"
			  "state = absent\n",
			  &(bool){false}, NULL) < 0,
	       "mount with state = absent: refused");
}

/* How often part is in s. */
static int
count_of(const char *s, const char *part)
{
	int n = 0;

	for (const char *at = s; at && (at = strstr(at, part)); at++)
		n++;
	return n;
}

/*
 * root_ports of [domain] reaches the plan of its shares as share
 * --root-ports does: the running q35 'web server' has no root port, so
 * its definition gets spare ones with a new share, enough for that share
 * and N more (the test driver plans for a running guest only with a
 * mount, hence mount and persist_mount).
 */
static void
test_root_ports(void)
{
	static const struct {
		const char *key;
		int added; /* controllers in the diff */
		const char *note;
	} cases[] = {
	    {"root_ports = 2\n", 3, "so that 2 stay free"},
	    {"root_ports = 0\n", 0, NULL},
	    {"", 1 + SHARE_ROOT_PORTS_DEFAULT, "so that 4 stay free"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		AUTOFREE char *text = xasprintf("[domain \"web server\"]\n"
						"%s"
						"[share \"web server\" rp]\n"
						"dir = %s/data\n"
						"mount = /mnt/rp\n"
						"persist_mount = yes\n",
						cases[i].key, tmp);
		AUTOPTR(cfg) c = cfg_parse("ports.ini", text, strlen(text));
		AUTOPTR(plan) p = plan_new();
		struct cfg_env env = {.conn = conn, .in = in, .root = "/"};
		AUTOFREE char *msg = NULL;
		const char *key = *cases[i].key ? cases[i].key : "no key\n";

		if (!tap_ok(c && cfg_plan(c, &env, p) == 0,
			    "%.*s: planned", (int)strlen(key) - 1, key)) {
			tap_diag("%s", vs_error_message());
			vs_error_reset();
			continue;
		}
		msg = plan_render(p);
		tap_is_int(count_of(msg, "model='pcie-root-port'"),
			   cases[i].added, "%.*s: pcie-root-ports added",
			   (int)strlen(key) - 1, key);
		tap_ok(cases[i].note ? has(msg, cases[i].note)
				     : !has(msg, "stay free"),
		       "%.*s: the note says how many stay free",
		       (int)strlen(key) - 1, key);
	}
}

/*
 * The example files of templates/ini on the demo's test driver, each on
 * a connection of its own: planned; those that change only definitions
 * applied, then applied again with nothing to change.
 */
static void
test_templates(void)
{
	static const struct {
		const char *name;
		bool daemons; /* starts virtshare-fsd: planned only */
	} files[] = {
		{"memfd", false},    {"file", false},    {"hugepages", false},
		{"numa", false},     {"external", true}, {"session", true},
	};
	AUTOFREE char *demo = xasprintf("test://%s/templates/demo/node.xml",
					srcdir);
	AUTOFREE char *host = xasprintf("%s/templates/demo/host", srcdir);
	AUTOFREE char *statedir = xasprintf("%s/state", tmp);
	struct plan_ctx ctx = {.statedir = statedir};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		AUTOFREE char *path = xasprintf("%s/templates/ini/%s.ini",
						srcdir, files[i].name);
		AUTOPTR(cfg) c = cfg_load(path);
		AUTOPTR(virt_conn) dc = virt_open(demo, 0);
		AUTOPTR(inspection) din = inspection_gather(host, dc, NULL, 0);
		AUTOPTR(host_info) pools = host_read(host, 0);
		struct cfg_env env = {.conn = dc, .in = din, .root = host,
				      .pools = pools,
				      .pages = {.root = host}};
		AUTOPTR(plan) p = plan_new();
		AUTOPTR(plan) again = plan_new();
		struct strlist done = {0};

		if (!tap_ok(c && dc && cfg_plan(c, &env, p) == 0 &&
				plan_changes(p),
			    "%s.ini: parsed and planned on the demo",
			    files[i].name)) {
			tap_diag("  %s", vs_error_message());
			vs_error_reset();
			continue;
		}
		if (files[i].daemons) {
			tap_ok(plan_changes_host(p),
			       "%s.ini: starts a daemon (planned only)",
			       files[i].name);
			continue;
		}
		tap_ok(!plan_changes_host(p) &&
			   plan_apply(p, &ctx, &done) == 0 &&
			   cfg_plan(c, &env, again) == 0 &&
			   !plan_changes(again),
		       "%s.ini: applied, and again changes nothing",
		       files[i].name);
		strlist_clear(&done);
		vs_error_reset();
	}
}

int
main(void)
{
	AUTOFREE char *datadir = NULL, *uri = NULL;
	AUTOFREE char *rundir = NULL, *fake = NULL, *cmd = NULL;
	const char *builddir = getenv("top_builddir");
	struct passwd *pw = getpwuid(getuid());
	struct group *gr = getgrgid(getgid());
	char tmpl[] = "/tmp/vs-apply-test.XXXXXX";

	srcdir = getenv("top_srcdir");
	if (!srcdir)
		srcdir = ".";
	if (!builddir)
		builddir = ".";
	root = xasprintf("%s/tests/data/hosts/numa-server", srcdir);
	datadir = xasprintf("%s/templates", srcdir);
	setenv("VIRTSHARE_DATADIR", datadir, 0);
	if (!(tmp = mkdtemp(tmpl)) || !pw || !gr)
		return 1;
	rundir = xasprintf("%s/run", tmp);
	fake = xasprintf("%s/tests/unit/fake-fsd", builddir);
	for (const char *const *d = (const char *const[]){"share", "data",
							   "build", NULL};
	     *d; d++) {
		AUTOFREE char *path = xasprintf("%s/%s", tmp, *d);

		mkdir(path, 0755);
	}
	setenv("VIRTSHARE_RUNDIR", rundir, 1);
	setenv("VIRTSHARE_FSD", fake, 1);
	/* The test driver is not qemu:///session: name the owner. */
	owner = xasprintf("socket_user = %s\nsocket_group = %s\n", pw->pw_name,
			  gr->gr_name);
	uri = xasprintf("test://%s/tests/data/apply/node.xml", srcdir);
	if (!tap_ok((conn = virt_open(uri, 0)) != NULL, "open %s", uri))
		return tap_done();
	in = inspection_gather(root, conn, NULL, 0);
	test_parse();
	test_twice();
	test_same_dirs_written_otherwise();
	test_update_and_prune();
	test_failure_half_way();
	test_daemon_fails();
	test_remove_external();
	test_running_guest();
	test_live_keys();
	test_root_ports();
	test_revert_fails();
	test_templates();
	inspection_free(in);
	virt_conn_free(conn);
	/* Whatever a failure left running. */
	{
		struct launch_status **list = NULL;
		int n = launch_list(&list);

		for (int i = 0; i < n; i++)
			launch_stop(list[i]->name, 0, NULL);
		launch_status_list_free(list, n);
	}
	cmd = xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", tmp);
	free(root);
	free(owner);
	vs_error_reset();
	return tap_done();
}
