/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-doctor.c: the doctor's checks that need a QEMU driver, session mode or one process */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent-list.h"
#include "agent.h"
#include "base64.h"
#include "doctor.h"
#include "doctor-priv.h"
#include "error.h"
#include "plan.h"
#include "tap.h"

static const char *srcdir;

/* The verdict of check id in the report's section sec (first result). */
static const struct doctor_result *
find(const struct doctor_report *r, size_t sec, const char *id)
{
	if (sec >= r->n)
		return NULL;
	for (size_t i = 0; i < r->sections[sec].n; i++)
		if (STREQ(r->sections[sec].results[i].check->id, id))
			return &r->sections[sec].results[i];
	return NULL;
}

static const char *
verdict_of(const struct doctor_report *r, size_t sec, const char *id)
{
	const struct doctor_result *res = find(r, sec, id);

	return res ? doctor_verdict_name(res->verdict) : "(none)";
}

static void
test_match(void)
{
	static const struct {
		const char *pattern, *line;
		bool match;
	} cases[] = {
		{"requires shared memory",
		 "error : x : unsupported configuration: 'virtiofs' requires "
		 "shared memory",
		 true},
		{"Unable to allocate * pages. Allocated only",
		 "Unable to allocate 1024 pages. Allocated only 512", true},
		{"Unable to allocate * pages. Allocated only",
		 "Allocated only 512. Unable to allocate 1024 pages", false},
		{"xattr*Operation not supported",
		 "lo_getxattr(ino=2): Operation not supported", true},
		{"xattr*Operation not supported",
		 "Operation not supported", false},
		{"*", "anything", true},
		{"a**b", "a then b", true},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		tap_is_int(doctor_match(cases[i].pattern, cases[i].line),
			   cases[i].match, "match '%s' in '%s'",
			   cases[i].pattern, cases[i].line);
}

/* Every check is a table entry with what the issue asks of it. */
static void
test_table(void)
{
	size_t n;
	const struct doctor_check *c = doctor_checks(&n);
	size_t complete = 0;

	for (size_t i = 0; i < n; i++) {
		bool ok = c[i].id && c[i].looks_at && c[i].cause && c[i].fix &&
			  c[i].run && doctor_check_find(c[i].id) == &c[i];

		complete += ok;
		if (!ok)
			tap_diag("check %zu (%s) lacks a field", i,
				 c[i].id ? c[i].id : "?");
	}
	tap_is_int(complete, n, "all %zu checks have an id, what they look "
				"at, a cause, a fix and a run",
		   n);
	tap_ok(n >= 24, "at least the 24 checks of the issue (%zu)", n);
}

/* A host tree with libvirt's facts made up, as a QEMU driver says them. */
static struct inspection *
qemu_inspection(const char *uri, unsigned long libvirt, bool virtiofs,
		bool memfd)
{
	AUTOFREE char *root = xasprintf("%s/tests/data/doctor/host", srcdir);
	struct inspection *in = inspection_gather(root, NULL, NULL, 0);

	in->have_virt = true;
	in->virt.uri = xstrdup(uri);
	in->virt.driver = xstrdup("QEMU");
	in->virt.daemon_version = libvirt;
	in->virt.hv_version = 7002000;
	in->virt.domcaps_known = true;
	in->virt.emulator = xstrdup("/usr/bin/qemu-system-x86_64");
	strlist_add(&in->virt.fs_drivers, "path");
	if (virtiofs)
		strlist_add(&in->virt.fs_drivers, "virtiofs");
	strlist_add(&in->virt.source_types, "file");
	if (memfd)
		strlist_add(&in->virt.source_types, "memfd");
	return in;
}

static void
env_for(struct doctor_env *env, const struct inspection *in, bool session)
{
	doctor_env_init(env, in, NULL, NULL);
	env->root = in->host->root;
	env->session = session;
}

static void
test_host_qemu(void)
{
	static const struct {
		const char *name;
		const char *uri;
		unsigned long libvirt;
		bool virtiofs;
		const char *session, *qemu;
	} cases[] = {
		{"system, QEMU with virtiofs", "qemu:///system", 9000000, true,
		 "ok", "ok"},
		{"QEMU without vhost-user-fs", "qemu:///system", 9000000, false,
		 "ok", "error"},
		{"session mode on libvirt 9.0", "qemu:///session", 9000000,
		 true, "error", "ok"},
		{"session mode on libvirt 10.0", "qemu:///session", 10000000,
		 true, "ok", "ok"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		AUTOPTR(inspection) in = qemu_inspection(
		    cases[i].uri, cases[i].libvirt, cases[i].virtiofs, true);
		AUTOPTR(doctor_report) r = doctor_report_new();
		struct doctor_env env;

		env_for(&env, in, STREQ(cases[i].uri, "qemu:///session"));
		doctor_host(r, &env);
		tap_is_str(verdict_of(r, 0, "session-mode"), cases[i].session,
			   "%s: session-mode", cases[i].name);
		tap_is_str(verdict_of(r, 0, "qemu-virtiofs"), cases[i].qemu,
			   "%s: qemu-virtiofs", cases[i].name);
	}
}

/* The host checks the wizard shows too: libvirt reachable and recent
 * enough, pools with a mount, memory_backing_dir in memory. */
static void
test_host_wizard(void)
{
	static const struct {
		const char *name;
		const char *host;       /* tests/data/hosts/..., NULL: qemu */
		const char *why;        /* why libvirt could not be asked */
		unsigned long libvirt;  /* qemu: its version */
		const char *answers, *version, *pools, *backing;
	} cases[] = {
		{"QEMU 9.0 on the doctor host", NULL, NULL, 9000000, "ok", "ok",
		 "ok", "ok"},
		{"libvirt 6.0", NULL, NULL, 6000000, "ok", "error", "ok", "ok"},
		{"libvirt 6.2", NULL, NULL, 6002000, "ok", "ok", "ok", "ok"},
		{"a pool without a mount, libvirt refused", "hugepages-no-mount",
		 "refused", 0, "warning", "skipped", "warning", "warning"},
		{"memory_backing_dir on a disk, a file", "disk-backing-dir",
		 NULL, 0, "skipped", "skipped", "warning", "warning"},
		{"qemu.conf unusable", "bad-qemu-conf", "refused", 0,
		 "warning", "skipped", "skipped", "skipped"},
		{"a laptop: no pool, the default backing dir on a disk",
		 "laptop", NULL, 0, "skipped", "skipped", "ok", "warning"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		AUTOFREE char *root = cases[i].host
			? xasprintf("%s/tests/data/hosts/%s", srcdir,
				    cases[i].host)
			: NULL;
		AUTOPTR(inspection) in =
		    root ? inspection_gather(root, NULL, cases[i].why, 0)
			 : qemu_inspection("qemu:///system", cases[i].libvirt,
					   true, true);
		AUTOPTR(doctor_report) r = doctor_report_new();
		struct doctor_env env;

		env_for(&env, in, false);
		doctor_host(r, &env);
		tap_is_str(verdict_of(r, 0, "libvirt-answers"),
			   cases[i].answers, "%s: libvirt-answers",
			   cases[i].name);
		tap_is_str(verdict_of(r, 0, "libvirt-virtiofs"),
			   cases[i].version, "%s: libvirt-virtiofs",
			   cases[i].name);
		tap_is_str(verdict_of(r, 0, "hugetlbfs-pools"), cases[i].pools,
			   "%s: hugetlbfs-pools", cases[i].name);
		tap_is_str(verdict_of(r, 0, "backing-dir-host"),
			   cases[i].backing, "%s: backing-dir-host",
			   cases[i].name);
	}
}

/* A domain file of tests/data/doctor, written to a temporary file. */
static char *
domain_file(const char *dir, const char *name, const char *xml)
{
	char *path = xasprintf("%s/%s.xml", dir, name);

	if (file_write_atomic(path, xml, strlen(xml), 0644) < 0)
		tap_diag("cannot write %s: %s", path, vs_error_message());
	return path;
}

static const char memfd_xml[] =
    "<domain type='kvm'>\n"
    "  <name>vm</name>\n"
    "  <memory unit='GiB'>1</memory>\n"
    "  <memoryBacking>\n"
    "    <source type='memfd'/>\n"
    "    <access mode='shared'/>\n"
    "  </memoryBacking>\n"
    "  <devices>\n"
    "    <filesystem type='mount' accessmode='passthrough'>\n"
    "      <driver type='virtiofs'/>\n"
    "      <source dir='/srv/data'/>\n"
    "      <target dir='data'/>\n"
    "    </filesystem>\n"
    "  </devices>\n"
    "</domain>\n";

static const char idmap_xml[] =
    "<domain type='kvm'>\n"
    "  <name>vm</name>\n"
    "  <memory unit='GiB'>1</memory>\n"
    "  <memoryBacking>\n"
    "    <source type='memfd'/>\n"
    "    <access mode='shared'/>\n"
    "  </memoryBacking>\n"
    "  <devices>\n"
    "    <filesystem type='mount' accessmode='passthrough'>\n"
    "      <driver type='virtiofs'/>\n"
    "      <source dir='/srv/data'/>\n"
    "      <target dir='data'/>\n"
    "      <idmap>\n"
    "        <uid start='0' target='1000' count='1'/>\n"
    "        <gid start='0' target='1000' count='1'/>\n"
    "      </idmap>\n"
    "    </filesystem>\n"
    "  </devices>\n"
    "</domain>\n";

static void
test_domain_qemu(const char *tmp)
{
	static const struct {
		const char *name;
		bool memfd;
		unsigned long libvirt;
		uid_t uid;
		const char *xml;
		const char *check, *want;
	} cases[] = {
		{"memfd offered", true, 9000000, 0, memfd_xml, "memory-source",
		 "ok"},
		{"memfd not offered", false, 9000000, 0, memfd_xml,
		 "memory-source", "error"},
		{"session: root has ranges in subuid/subgid", true, 10000000,
		 0, memfd_xml, "idmap", "ok"},
		{"session: a user without ranges", true, 10000000, 54321,
		 memfd_xml, "idmap", "warning"},
		{"session: the share maps ids itself", true, 10000000, 54321,
		 idmap_xml, "idmap", "ok"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool session = cases[i].libvirt >= 10000000;
		AUTOPTR(inspection) in = qemu_inspection(
		    session ? "qemu:///session" : "qemu:///system",
		    cases[i].libvirt, true, cases[i].memfd);
		AUTOPTR(doctor_report) r = doctor_report_new();
		AUTOFREE char *file = domain_file(tmp, "case", cases[i].xml);
		struct doctor_env env;
		int rc;

		env_for(&env, in, session);
		env.uid = cases[i].uid;
		env.gid = cases[i].uid;
		rc = doctor_domain_file(r, &env, "vm", file);
		tap_ok(rc == 0, "%s: the file is read", cases[i].name);
		tap_is_str(verdict_of(r, 0, cases[i].check), cases[i].want,
			   "%s: %s", cases[i].name, cases[i].check);
	}
}

/*
 * A running guest whose definition changed since it started: only one
 * process sees the test driver's state, so this is a unit test.
 */
static void
test_pending(void)
{
	AUTOFREE char *uri =
	    xasprintf("test://%s/tests/data/doctor/node.xml", srcdir);
	AUTOFREE char *root = xasprintf("%s/tests/data/doctor/host", srcdir);
	AUTOPTR(virt_conn) conn = virt_open(uri, 0);
	AUTOPTR(inspection) in = NULL;
	AUTOPTR(doctor_report) before = doctor_report_new();
	AUTOPTR(doctor_report) after = doctor_report_new();
	AUTOFREE char *xml = NULL, *changed = NULL;
	const struct doctor_result *res;
	struct doctor_env env;
	char *at;

	if (!tap_ok(conn != NULL, "the test driver opens %s", uri)) {
		tap_diag("%s", vs_error_message());
		return;
	}
	in = inspection_gather(root, conn, NULL, 0);
	doctor_env_init(&env, in, conn, root);
	tap_ok(doctor_domain(before, &env, "good") == 0, "doctor good");
	tap_is_str(verdict_of(before, 0, "config-pending"), "ok",
		   "a guest running its definition: config-pending ok");

	/* Redefine it with extended attributes off. */
	xml = virt_domain_xml(conn, "good", true);
	if ((at = strstr(xml, "xattr='on'")))
		changed = xasprintf("%.*sxattr='off'%s", (int)(at - xml), xml,
				    at + strlen("xattr='on'"));
	tap_ok(virt_domain_define(conn, changed, false) == 0,
	       "the running guest's definition changes");
	tap_ok(doctor_domain(after, &env, "good") == 0, "doctor good again");
	res = find(after, 0, "config-pending");
	tap_is_str(res ? doctor_verdict_name(res->verdict) : NULL, "warning",
		   "config-pending: a warning");
	tap_ok(res && res->summary &&
		       strstr(res->summary, "share 'data' runs with other "
					    "settings"),
	       "it names the share: %s",
	       res && res->summary ? res->summary : "");
	tap_ok(res && res->fix && strstr(res->fix, "virsh shutdown good"),
	       "and says to shut the guest down");
}

/*
 * A qemu-ga for guest-mounts: the OS it names, the /proc/mounts it
 * gives, or silence (libvirt's answer when it does not answer).
 */
struct doctor_agent {
	const char *os_id;
	const char *mounts;
	bool silent;
	int sends;
	int first_timeout;
};

static char *
doctor_agent_send(void *opaque, const char *cmd, int timeout_s,
		  enum agent_fail *kind, char **detail)
{
	struct doctor_agent *g = opaque;
	struct strbuf sb = STRBUF_INIT;

	if (!g->sends++)
		g->first_timeout = timeout_s;
	if (g->silent) {
		*kind = AGENT_FAIL_NO_ANSWER;
		*detail = xstrdup("Guest agent is not responding: Guest agent "
				  "not available for now");
		return NULL;
	}
	if (strstr(cmd, "\"guest-get-osinfo\""))
		return xasprintf("{\"return\":{\"id\":\"%s\"}}", g->os_id);
	if (strstr(cmd, "\"guest-file-open\"") && strstr(cmd, "/proc/mounts"))
		return xstrdup("{\"return\":7}");
	if (strstr(cmd, "\"guest-file-read\"")) {
		sb_add(&sb, "{\"return\":{\"buf-b64\":\"");
		base64_encode(&sb, g->mounts, strlen(g->mounts));
		sb_add(&sb, "\",\"eof\":true}}");
		return sb_steal(&sb);
	}
	if (strstr(cmd, "\"guest-file-close\""))
		return xstrdup("{\"return\":{}}");
	*kind = AGENT_FAIL_COMMAND;
	*detail = xstrdup("failed to open file");
	return NULL;
}

static struct agent *
doctor_agent_open(const struct doctor_env *env, const char *domain)
{
	return agent_new(domain, doctor_agent_send, env->agent_opaque, NULL);
}

/* guest-mounts of the running test domain "good" (share tag "data"). */
static void
test_guest_mounts(void)
{
	static const struct {
		const char *name, *os_id, *mounts;
		bool silent;
		const char *verdict, *summary, *detail;
		int sends;
	} cases[] = {
		{"linux, mounted", "debian", "data /mnt/data virtiofs rw 0 0\n",
		 false, "ok", "every share mounted", "'data' is mounted on "
		 "/mnt/data", 4},
		{"linux, not mounted", "debian", "proc /proc proc rw 0 0\n",
		 false, "warning", "has not mounted 'data'", NULL, 4},
		{"windows", "mswindows", "", false, "skipped", "runs Windows",
		 "VirtIO-FS service", 1},
		{"agent silent", "debian", "", true, "skipped",
		 "does not answer", NULL, 1},
	};
	AUTOFREE char *uri =
	    xasprintf("test://%s/tests/data/doctor/node.xml", srcdir);
	AUTOFREE char *root = xasprintf("%s/tests/data/doctor/host", srcdir);
	AUTOPTR(virt_conn) conn = virt_open(uri, 0);
	AUTOPTR(inspection) in = NULL;

	if (!tap_ok(conn != NULL, "guest-mounts: the test driver opens"))
		return;
	in = inspection_gather(root, conn, NULL, 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		AUTOPTR(doctor_report) r = doctor_report_new();
		struct doctor_agent g = {cases[i].os_id, cases[i].mounts,
					 cases[i].silent, 0, 0};
		const struct doctor_result *res;
		struct doctor_env env;

		doctor_env_init(&env, in, conn, root);
		env.agent_open = doctor_agent_open;
		env.agent_opaque = &g;
		tap_ok(doctor_domain(r, &env, "good") == 0, "%s: doctor good",
		       cases[i].name);
		res = find(r, 0, "guest-mounts");
		tap_is_str(res ? doctor_verdict_name(res->verdict) : NULL,
			   cases[i].verdict, "%s: guest-mounts", cases[i].name);
		tap_ok(res && res->summary &&
			       strstr(res->summary, cases[i].summary),
		       "%s: it says '%s': %s", cases[i].name, cases[i].summary,
		       res && res->summary ? res->summary : "");
		if (cases[i].detail)
			tap_ok(res && res->detail &&
				       strstr(res->detail, cases[i].detail),
			       "%s: the detail says '%s'", cases[i].name,
			       cases[i].detail);
		tap_is_int(g.sends, cases[i].sends, "%s: commands to the agent",
			   cases[i].name);
		tap_is_int(g.first_timeout, AGENT_LIST_TIMEOUT_S,
			   "%s: the first waits %d s", cases[i].name,
			   AGENT_LIST_TIMEOUT_S);
	}
}

/* What --fix would do: a plan from the report. */
static void
test_plan(void)
{
	AUTOFREE char *uri =
	    xasprintf("test://%s/tests/data/doctor/node.xml", srcdir);
	AUTOFREE char *root = xasprintf("%s/tests/data/doctor/host", srcdir);
	AUTOPTR(virt_conn) conn = virt_open(uri, 0);
	AUTOPTR(inspection) in = NULL;
	AUTOPTR(doctor_report) r = doctor_report_new();
	AUTOPTR(plan) p = plan_new();
	struct strlist failed = {0};
	struct doctor_env env;
	size_t n;

	if (!tap_ok(conn != NULL, "plan: the test driver opens %s", uri)) {
		tap_diag("%s", vs_error_message());
		return;
	}
	in = inspection_gather(root, conn, NULL, 0);
	doctor_env_init(&env, in, conn, root);
	doctor_domain(r, &env, "private");
	doctor_domain(r, &env, "huge-short");
	doctor_domain(r, &env, "xattr-needed");
	doctor_domain(r, &env, "nodir");
	n = doctor_plan(r, &env, NULL, p, &failed);
	tap_is_int(n, 3, "three fixes: memory, hugepages, xattr");
	tap_is_int(plan_nsteps(p), 3, "three steps");
	tap_is_int(failed.n, 0, "none failed");
	for (size_t i = 0; i < plan_nsteps(p); i++)
		tap_diag("step %zu: %s (%s)", i, plan_step_at(p, i)->title,
			 plan_step_at(p, i)->ops->kind);
	tap_is_str(plan_nsteps(p) == 3 ? plan_step_at(p, 1)->ops->kind : NULL,
		   "hugepages", "the second is a hugepages step");
	strlist_clear(&failed);
}

/* The fix of a short pool as doctor --fix plans it: grow by req. */
static void
plan_fix_pages(struct plan *p, const char *root,
	       const struct pages_request *req)
{
	AUTOPTR(host_info) h = host_read(root, 0);
	struct pages_target t = {.root = root};
	struct pages_result want;

	if (!h || pages_plan(h, req, &want) < 0 ||
	    plan_pages(p, &t, h, req->size_kib, req->node, want.want) < 0)
		tap_diag("cannot plan the pool: %s", vs_error_message());
}

/* A pool grown by a plan is put back when a later step fails. */
static void
test_pages_rollback(const char *tmp)
{
	AUTOFREE char *root = xasprintf("%s/host", tmp);
	AUTOFREE char *cmd = xasprintf("cp -a %s/tests/data/doctor/host %s && "
				       "chmod -R u+w %s",
				       srcdir, root, root);
	AUTOFREE char *pool = xasprintf(
	    "%s/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", root);
	AUTOFREE char *file = domain_file(tmp, "rollback", memfd_xml);
	AUTOFREE char *nr = NULL;
	struct pages_request req = {.op = PAGES_ADD,
				    .size_kib = 2048,
				    .count = 100,
				    .node = -1};
	struct share_request sr;
	struct plan_ctx ctx = {.statedir = tmp};
	struct strlist done = {0};
	AUTOPTR(plan) p = plan_new();
	int rc;

	if (!tap_ok(system(cmd) == 0, "a copy of the fixture host"))
		return;
	plan_fix_pages(p, root, &req);
	share_request_init(&sr);
	sr.share.tag = xstrdup("data");
	sr.share.dir = xstrdup("/srv/data");
	sr.share.xattr = DOMXML_ON;
	sr.backing_given = true;
	sr.backing.kind = DOMXML_BACKING_KEEP;
	tap_ok(plan_share(p, plan_target_file(file, "vm"), &sr, NULL, root) ==
		   0,
	       "a plan: hugepages, then the domain");
	share_request_clear(&sr);
	/* The definition changes behind the plan's back: its step fails. */
	free(domain_file(tmp, "rollback", idmap_xml));
	rc = plan_apply(p, &ctx, &done);
	tap_ok(rc < 0 && vs_error_code() == VS_ERR_CONFLICT,
	       "the domain step fails: %s", vs_error_message());
	/* The pool was grown first: a plan that never grew it would leave
	 * 512 pages as well. */
	tap_ok(strstr(vs_error_message(), "Taken back, as before: Hugepages: "
					  "the pool of 2M pages") != NULL,
	       "the pool had been grown, and was taken back");
	nr = file_read_line(pool);
	tap_is_str(nr, "512", "the pool grown before is back at 512 pages");
	strlist_clear(&done);
	vs_error_reset();

	/* The same step alone grows it. */
	plan_free(p);
	p = plan_new();
	plan_fix_pages(p, root, &req);
	tap_ok(plan_apply(p, &ctx, &done) == 0, "the hugepages step alone");
	free(nr);
	nr = file_read_line(pool);
	tap_is_str(nr, "612", "grows the pool to 612 pages");
	tap_ok(done.n == 1 && strstr(done.v[0], "612"), "and says so: %s",
	       done.n ? done.v[0] : "");
	strlist_clear(&done);
}

/* A log line is quoted as it is, a very long one cut (once). */
static void
test_quotes(void)
{
	struct doctor_result r = {0};
	char line[3000];

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	/* "é" across the cut: it is dropped whole. */
	line[QUOTE_MAX - 1] = '\xc3';
	line[QUOTE_MAX] = '\xa9';
	doctor_quote_add(&r, "/var/log/a.log", "short line");
	doctor_quote_add(&r, "/var/log/a.log", line);
	doctor_quote_add(&r, "/var/log/a.log", line);
	tap_is_int(r.nquotes, 2, "two lines quoted, the same not twice");
	tap_is_str(r.nquotes ? r.quotes[0].line : NULL, "short line",
		   "a short line as it is");
	tap_ok(r.nquotes == 2 &&
		       strlen(r.quotes[1].line) == QUOTE_MAX - 1 + 6 &&
		       STREQ(r.quotes[1].line + QUOTE_MAX - 2, "x [...]"),
	       "a long one cut at a character and marked");
	doctor_result_clear(&r);
}

/* The host facts doctor reads, below a root. */
static void
test_host_reads(const char *tmp)
{
	AUTOFREE char *root = xasprintf("%s/facts", tmp);
	AUTOFREE char *cmd = xasprintf(
	    "mkdir -p %1$s/var/log %1$s/dev %1$s/etc/sysctl.d %1$s/proc/7 "
	    "%1$s/proc/sys/kernel && "
	    "for i in $(seq 1 200); do echo \"line $i\"; done "
	    "> %1$s/var/log/big.log && "
	    "printf 'before\\000\\000after\\nnext\\n' "
	    "> %1$s/var/log/nul.log && "
	    "printf '6,1,1,-;first\\n SUBSYSTEM=x\\n5,2,2,-;second\\n' "
	    "> %1$s/dev/kmsg && "
	    "printf '# ranges\\nalice:100000:65536\\n1001:200000:1000\\n' "
	    "> %1$s/etc/subuid && "
	    "printf 'Max open files            1024                 "
	    "unlimited            files\\n' > %1$s/proc/7/limits && "
	    "echo 'ro hugepagesz=1G hugepages=4 hugepagesz=2M "
	    "hugepages=512' > %1$s/proc/cmdline && "
	    "echo 'vm.nr_hugepages = 100' > %1$s/etc/sysctl.d/10-a.conf && "
	    "echo 'vm.nr_hugepages=300' > %1$s/etc/sysctl.d/20-b.conf",
	    root);
	AUTOFREE char *tail = NULL, *kmsg = NULL;
	struct host_boot_pages *b = NULL;
	uint64_t start = 0, count = 0, soft = 0, hard = 0;
	size_t n;

	if (!tap_ok(system(cmd) == 0, "a host tree of logs and limits"))
		return;
	tail = host_log_tail(root, "/var/log/big.log", 100);
	tap_ok(tail && STRPREFIX(tail, "line ") && strlen(tail) <= 100 &&
		       strstr(tail, "line 200\n"),
	       "the tail of a log starts at a line and ends with the last");
	free(tail);
	tail = host_log_tail(root, "/var/log/nul.log", 4096);
	tap_is_str(tail, "before  after\nnext\n",
		   "NUL bytes in a log read as spaces, not as its end");
	{
		AUTOFREE char *fixture =
		    xasprintf("%s/tests/data/doctor/host", srcdir);
		AUTOFREE char *v = host_kernel_version(
		    fixture, "/boot/vmlinuz-6.1.0-13-amd64");
		AUTOFREE char *none = NULL;

		tap_is_str(v, "6.1.0-13-amd64",
			   "a kernel's version from its boot header");
		none = host_kernel_version(fixture, "/boot/README");
		tap_ok(!none && errno == ENOEXEC, "a file that is no kernel");
		free(none);
		none = host_kernel_version(fixture, "/boot/vmlinuz-none");
		tap_ok(!none && errno == ENOENT, "a kernel that is not there");
	}
	kmsg = host_kmsg_tail(root, 4096);
	tap_is_str(kmsg, "first\nsecond\n",
		   "the kernel's messages without their prefixes");
	tap_is_int(host_subid_find(root, "/etc/subuid", "alice", 1000, &start,
				   &count),
		   1, "a range by name");
	tap_ok(start == 100000 && count == 65536, "its start and count");
	tap_is_int(host_subid_find(root, "/etc/subuid", "bob", 1001, &start,
				   &count),
		   1, "a range by number");
	tap_is_int(host_subid_find(root, "/etc/subuid", "carol", 1002, &start,
				   &count),
		   0, "no range");
	tap_is_int(host_subid_find(root, "/etc/subgid", "alice", 1000, &start,
				   &count),
		   -1, "no file");
	tap_ok(host_proc_nofile(root, 7, &soft, &hard) == 0 && soft == 1024 &&
		       hard == UINT64_MAX,
	       "open file limits, unlimited as the largest");
	n = host_boot_pages(root, &b);
	tap_is_int(n, 3, "boot pools: 1G, 2M, and the default size");
	tap_ok(n == 3 && b[0].size_kib == 1048576 && b[0].count == 4 &&
		       b[1].size_kib == 2048 && b[1].count == 512 &&
		       b[2].size_kib == 0 && b[2].count == 300 &&
		       STREQ(b[2].source, "/etc/sysctl.d/20-b.conf"),
	       "the last sysctl.d file wins");
	host_boot_pages_free(b, n);
}

int
main(void)
{
	char tmp[] = "/tmp/test-doctor.XXXXXX";

	srcdir = getenv("top_srcdir");
	if (!srcdir)
		srcdir = ".";
	setenv("VIRTSHARE_FSD", "/usr/libexec/virtshare-fsd", 1);
	{
		AUTOFREE char *templates = xasprintf("%s/templates", srcdir);

		setenv("VIRTSHARE_DATADIR", templates, 0);
	}
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_match();
	test_table();
	test_host_reads(tmp);
	test_quotes();
	test_host_qemu();
	test_host_wizard();
	test_domain_qemu(tmp);
	test_pending();
	test_guest_mounts();
	test_plan();
	test_pages_rollback(tmp);
	{
		AUTOFREE char *cmd = xasprintf("rm -rf %s", tmp);

		if (system(cmd) != 0)
			tap_diag("cannot remove %s", tmp);
	}
	return tap_done();
}
