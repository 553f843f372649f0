/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-plan.c: plans through the test driver: share, unshare, undo, rollback */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "error.h"
#include "plan-target-priv.h"
#include "plan.h"
#include "tap.h"

/*
 * The test driver keeps its domains only as long as the connection, so
 * everything happens on one connection in this one process.
 */
static struct virt_conn *conn;
static const char *srcdir;
static char *root;
static char statedir[] = "/tmp/vs-plan-test.XXXXXX";
static struct plan_ctx ctx;

static char *
golden_input(const char *name)
{
	AUTOFREE char *path = xasprintf("%s/tests/golden/%s.in.xml", srcdir,
					name);

	return file_read(path, 1 << 20, NULL);
}

/* The persistent definition now, parsed. */
static struct domxml *
now(const char *domain)
{
	AUTOFREE char *xml = virt_domain_xml(conn, domain, true);

	return xml ? domxml_parse(xml, domain) : NULL;
}

static size_t
count_saved(const char *domain)
{
	AUTOFREE char *dir = xasprintf("%s/backups/test____default/%s",
				       statedir, domain);
	DIR *dh = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	while (dh && (e = readdir(dh)))
		n += e->d_name[0] != '.';
	if (dh)
		closedir(dh);
	return n;
}

static void
request(struct share_request *r, const char *tag, const char *dir)
{
	share_request_init(r);
	r->share.tag = xstrdup(tag);
	r->share.dir = xstrdup(dir);
}

/* Apply a plan of one share; the status of plan_apply(). */
static int
share(struct plan_target *t, struct share_request *r,
      const struct inspection *in, bool *changes)
{
	AUTOPTR(plan) p = plan_new();
	struct strlist done = {0};
	int ret = -1;

	if (plan_share(p, t, r, in, root) == 0) {
		*changes = plan_changes(p);
		ret = plan_apply(p, &ctx, &done);
	}
	strlist_clear(&done);
	share_request_clear(r);
	return ret;
}

static int
run_plan(struct plan *p)
{
	struct strlist done = {0};
	int ret = plan_apply(p, &ctx, &done);

	strlist_clear(&done);
	return ret;
}

static void
test_share_unshare_undo(const struct inspection *in)
{
	AUTOFREE char *orig = NULL, *xml = golden_input("share-memfd");
	struct share_request r;
	struct domxml_share *s = NULL;
	struct domxml_memory m;
	AUTOPTR(domxml) d = NULL;
	AUTOPTR(plan) p = NULL;
	bool changes = false;
	size_t n;

	tap_ok(virt_domain_define(conn, xml, true) == 0,
	       "define vm1 on test:///default");
	orig = virt_domain_xml(conn, "vm1", true);

	request(&r, "data", "/srv/data");
	tap_ok(share(plan_target_libvirt(conn, "vm1"), &r, in, &changes) ==
		       0 && changes,
	       "share /srv/data as 'data': planned and applied");
	d = now("vm1");
	n = domxml_shares(d, &s);
	tap_ok(n == 1 && STREQ(s[0].tag, "data") &&
	       STREQ(s[0].dir, "/srv/data") && s[0].queue == 1024,
	       "read back: libvirt has the share");
	domxml_shares_free(s, n);
	domxml_memory(d, &m);
	tap_ok(m.source && STREQ(m.source, "memfd") &&
	       domxml_memory_shared(&m, NULL),
	       "read back: memory is memfd and shared (chosen by itself)");
	domxml_memory_clear(&m);
	tap_is_int(count_saved("vm1"), 1, "the old definition was saved");

	request(&r, "data", "/srv/data");
	tap_ok(share(plan_target_libvirt(conn, "vm1"), &r, in, &changes) ==
		       0 && !changes,
	       "the same share again: nothing to change");
	tap_is_int(count_saved("vm1"), 1, "... and nothing saved");

	p = plan_new();
	tap_ok(plan_unshare(p, plan_target_libvirt(conn, "vm1"), "data", false) ==
			   0 &&
		       run_plan(p) == 0,
	       "unshare data");
	domxml_free(d);
	d = now("vm1");
	tap_ok(domxml_shares(d, &s) == 0, "read back: the share is gone");
	tap_is_int(count_saved("vm1"), 2, "the shared definition was saved");

	plan_free(p);
	p = plan_new();
	tap_ok(plan_undo(p, plan_target_libvirt(conn, "vm1"), statedir) == 0 &&
		       run_plan(p) == 0,
	       "undo the unshare");
	domxml_free(d);
	d = now("vm1");
	n = domxml_shares(d, &s);
	tap_is_int(n, 1, "read back: the share is back");
	domxml_shares_free(s, n);
	tap_is_int(count_saved("vm1"), 1, "undo used the saved copy up");

	plan_free(p);
	p = plan_new();
	tap_ok(plan_undo(p, plan_target_libvirt(conn, "vm1"), statedir) == 0 &&
		       run_plan(p) == 0,
	       "undo the share");
	free(xml);
	xml = virt_domain_xml(conn, "vm1", true);
	tap_is_str(xml, orig, "the definition is the original again");
	plan_free(p);
	p = plan_new();
	tap_ok(plan_undo(p, plan_target_libvirt(conn, "vm1"), statedir) < 0 &&
		       vs_error_code() == VS_ERR_NO_UNDO,
	       "a third undo: nothing to undo");
}

static void
test_dropped(void)
{
	AUTOFREE char *before = virt_domain_xml(conn, "vm1", true);
	AUTOFREE char *after = NULL;
	size_t saved = count_saved("vm1");
	struct share_request r;
	bool changes;

	/* No inspection: no version checks, as for a libvirt that claims
	 * to be newer than it is. */
	request(&r, "ids", "/srv/data");
	domxml_idmap_parse("uid:0:100000:65536", &r.share);
	r.share.openfiles = 4096;
	tap_ok(share(plan_target_libvirt_unvalidated(conn, "vm1"), &r, NULL,
		     &changes) < 0 &&
		       vs_error_code() == VS_ERR_LIBVIRT &&
		       strstr(vs_error_message(), "<openfiles max>") &&
		       strstr(vs_error_message(), "<idmap>") &&
		       strstr(vs_error_message(), "put back"),
	       "libvirt 9.0 drops <idmap> and <openfiles>: reported");
	tap_diag("%s", vs_error_message());
	after = virt_domain_xml(conn, "vm1", true);
	tap_is_str(after, before, "... and the previous definition is back");
	tap_is_int(count_saved("vm1"), saved,
		   "... with no saved copy left of a change that did not "
		   "happen");

	request(&r, "ids", "/srv/data");
	domxml_idmap_parse("uid:0:100000:65536", &r.share);
	tap_ok(share(plan_target_libvirt(conn, "vm1"), &r, NULL, &changes) <
			   0 &&
		       vs_error_code() == VS_ERR_LIBVIRT,
	       "with schema validation libvirt refuses <idmap> outright");
	free(after);
	after = virt_domain_xml(conn, "vm1", true);
	tap_is_str(after, before, "... and nothing changed");
}

static void
test_versions(const struct inspection *in)
{
	struct share_request r;
	bool changes;

	request(&r, "ids", "/srv/data");
	domxml_idmap_parse("uid:0:100000:65536", &r.share);
	tap_ok(share(plan_target_libvirt(conn, "vm1"), &r, in, &changes) <
			   0 &&
		       vs_error_code() == VS_ERR_UNSUPPORTED &&
		       strstr(vs_error_message(), "10.0.0"),
	       "the connected libvirt's version refuses <idmap> first");
}

/*
 * Add to p a share tag with vm2 whose <openfiles> libvirt 9.0 drops, so
 * that applying its step fails; whether it was planned.
 */
static bool
plan_failing_vm2(struct plan *p, const char *tag)
{
	struct share_request r;
	bool ok;

	request(&r, tag, "/srv/data");
	r.share.openfiles = 100;
	ok = plan_share(p, plan_target_libvirt_unvalidated(conn, "vm2"), &r,
			NULL, root) == 0;
	share_request_clear(&r);
	return ok;
}

static void
test_rollback(void)
{
	AUTOFREE char *xml = golden_input("share-keep-shared");
	AUTOFREE char *vm1 = virt_domain_xml(conn, "vm1", true), *after = NULL;
	AUTOPTR(plan) p = plan_new();
	struct share_request r;
	size_t saved = count_saved("vm1");
	char *s;

	/* A second domain, as the first with another name and uuid. */
	s = strstr(xml, "<name>vm1</name>");
	memcpy(s, "<name>vm2</name>", 16);
	s = strstr(xml, "<uuid>c7a5");
	memcpy(s, "<uuid>d7a5", 10);
	tap_ok(virt_domain_define(conn, xml, true) == 0, "define vm2");

	request(&r, "data", "/srv/data");
	r.backing.kind = DOMXML_BACKING_MEMFD;
	r.backing_given = true;
	tap_ok(plan_share(p, plan_target_libvirt(conn, "vm1"), &r, NULL,
			  root) == 0,
	       "plan: share with vm1");
	share_request_clear(&r);
	tap_ok(plan_failing_vm2(p, "data"),
	       "plan: share with vm2, with an option libvirt 9.0 drops");
	request(&r, "more", "/srv/media");
	tap_ok(plan_share(p, plan_target_libvirt(conn, "vm1"), &r, NULL,
			  root) == 0 &&
		       plan_nsteps(p) == 2,
	       "plan: a second share with vm1 joins its step");
	share_request_clear(&r);
	tap_ok(run_plan(p) < 0 && vs_error_code() == VS_ERR_LIBVIRT,
	       "applying fails at vm2");
	tap_diag("%s", vs_error_message());
	/* vm1 was changed first: a plan that never got to it would leave
	 * it unchanged as well. */
	tap_ok(strstr(vs_error_message(), "Taken back, as before: Domain "
					  "'vm1'") != NULL,
	       "vm1 had been changed, and the error says it was taken back");
	after = virt_domain_xml(conn, "vm1", true);
	tap_is_str(after, vm1, "vm1, applied before, is taken back");
	tap_is_int(count_saved("vm1"), saved,
		   "... and the copy saved for it is gone again");
	tap_is_int(count_saved("vm2"), 0, "vm2 keeps no saved copy either");
}

/*
 * A file's change taken back because a later step failed: the file and
 * its FILE.bak are as they were (the older saved copy is not lost).
 */
static void
test_file_rollback(void)
{
	AUTOFREE char *xml = golden_input("share-memfd");
	AUTOFREE char *path = xasprintf("%s/vm1.xml", statedir);
	AUTOFREE char *bak = xasprintf("%s.bak", path);
	AUTOFREE char *after = NULL, *bak_after = NULL;
	AUTOPTR(plan) p = plan_new();
	struct share_request r;

	tap_ok(xml && file_write_atomic(path, xml, strlen(xml), 0600) == 0 &&
		       file_write_atomic(bak, "older\n", 6, 0600) == 0,
	       "a domain file with an older saved copy");
	request(&r, "data", "/srv/data");
	tap_ok(plan_share(p, plan_target_file(path, "vm1"), &r, NULL, root) ==
		       0,
	       "plan: share in the file");
	share_request_clear(&r);
	tap_ok(plan_failing_vm2(p, "more"),
	       "plan: a share with vm2 that libvirt 9.0 drops");
	tap_ok(run_plan(p) < 0 && vs_error_code() == VS_ERR_LIBVIRT,
	       "applying fails at vm2, after the file was written");
	after = file_read(path, 1 << 20, NULL);
	bak_after = file_read(bak, 1 << 20, NULL);
	tap_is_str(after, xml, "the file is taken back");
	tap_is_str(bak_after, "older\n", "and its older saved copy is back");
	unlink(path);
	unlink(bak);
}

static void
test_changed_meanwhile(const struct inspection *in)
{
	AUTOPTR(plan) p = plan_new();
	AUTOFREE char *xml = virt_domain_xml(conn, "vm2", true);
	struct share_request r;
	char *s;

	request(&r, "data", "/srv/data");
	tap_ok(plan_share(p, plan_target_libvirt(conn, "vm2"), &r, in, root) ==
		       0,
	       "plan a share with vm2");
	share_request_clear(&r);
	s = strstr(xml, "<vcpu placement='static'>2</vcpu>");
	s[strlen("<vcpu placement='static'>")] = '3';
	virt_domain_define(conn, xml, true);
	tap_ok(run_plan(p) < 0 && vs_error_code() == VS_ERR_CONFLICT,
	       "vm2 changed after the plan was made: refused");
}

static void
test_running_and_transient(const struct inspection *in)
{
	AUTOPTR(plan) p = plan_new();
	struct share_request r;
	AUTOFREE char *text = NULL;

	/* test:///default has a running domain named test. */
	request(&r, "data", "/srv/data");
	tap_ok(plan_share(p, plan_target_libvirt(conn, "test"), &r, in,
			  root) == 0,
	       "plan a share with the running domain 'test'");
	share_request_clear(&r);
	text = plan_render(p);
	tap_ok(strstr(text, "is running") && strstr(text, "cold boot") &&
		       strstr(text, "+++ test.xml (planned)"),
	       "the plan says the change waits for a cold boot, and shows "
	       "the diff");

	request(&r, "data", "/srv/data");
	tap_ok(plan_share(p, plan_target_libvirt(conn, "nosuch"), &r, in,
			  root) < 0 &&
		       vs_error_code() == VS_ERR_NO_DOMAIN,
	       "an unknown domain is reported");
	share_request_clear(&r);
}

static int define_as(const char *name, const char *dom, const char *uuid4);

/* The kind of the first step of p that runs at start, or "". */
static const char *
start_kind(const struct plan *p)
{
	for (size_t i = 0; i < plan_nsteps(p); i++)
		if (plan_step_at(p, i)->ops->phase == PLAN_PHASE_START)
			return plan_step_at(p, i)->ops->kind;
	return "";
}

/*
 * Live sharing (issue 16) as far as the test driver goes: it has no live
 * devices, so what is checked is what the plan refuses or adds for
 * --mount and --config-only, and the <filesystem> a live attach sends.
 */
static void
test_live(const struct inspection *in)
{
	AUTOPTR(plan) p = plan_new();
	AUTOPTR(domxml) d = NULL;
	AUTOFREE char *xml = golden_input("record-new");
	AUTOFREE char *fs = NULL, *live = NULL, *alias = NULL;
	struct share_request r;

	d = xml ? domxml_parse(xml, "record-new") : NULL;
	tap_ok(d && domxml_share_xml(d, "nosuch") == NULL,
	       "domxml_share_xml: no share of that tag, no element");

	/* The running test domain, a share mounted without --persist: the
	 * test driver's guest cannot take it live (no <acpi/>, private
	 * memory), so there is nothing to mount now. */
	request(&r, "livetag", "/srv/data");
	r.mount = xstrdup("/mnt/live");
	tap_ok(plan_share(p, plan_target_libvirt(conn, "test"), &r, in,
			  root) < 0 &&
		       vs_error_code() == VS_ERR_UNSUPPORTED &&
		       strstr(vs_error_message(), "--persist"),
	       "--mount on a guest that cannot take the share: refused, "
	       "naming --persist");
	tap_is_int((int)plan_nsteps(p), 0, "... and the plan is unchanged");
	r.persist_mount = true;
	tap_ok(plan_share(p, plan_target_libvirt(conn, "test"), &r, in,
			  root) == 0,
	       "--mount --persist on that guest: planned");
	tap_is_str(start_kind(p), "guest-mount",
		   "... with the guest's fstab line as a step at start");
	plan_truncate(p, 0);
	r.restart = true;
	tap_ok(plan_share(p, plan_target_libvirt(conn, "test"), &r, in,
			  root) == 0 &&
		       plan_nsteps(p) == 3 &&
		       STREQ(plan_step_at(p, 0)->ops->kind, "guest-mount") &&
		       STREQ(plan_step_at(p, 1)->ops->kind, "restart"),
	       "--mount --persist --restart: the fstab line, then the restart");
	r.restart = false;
	tap_ok(plan_live_find(conn, "test", "livetag", &live, &alias) == 0 &&
		       !live,
	       "plan_live_find: the running guest has no such share");
	plan_truncate(p, 0);
	r.config_only = true;
	tap_ok(plan_share(p, plan_target_libvirt(conn, "test"), &r, in,
			  root) < 0 &&
		       vs_error_code() == VS_ERR_CONFLICT,
	       "--mount with --config-only: refused");
	share_request_clear(&r);

	/* A domain that does not run: nothing to mount in. */
	tap_ok(define_as("share-memfd", "vmoff", "0f0f") == 0,
	       "define a domain that does not run");
	request(&r, "offtag", "/srv/data");
	r.mount = xstrdup("/mnt/off");
	tap_ok(plan_share(p, plan_target_libvirt(conn, "vmoff"), &r, in,
			  root) < 0 &&
		       vs_error_code() == VS_ERR_INVALID &&
		       strstr(vs_error_message(), "virtshare mount vmoff"),
	       "--mount on a domain that does not run: refused, saying what "
	       "to run once it does");
	share_request_clear(&r);
	vs_error_reset();

	/* --agent: the channel once, in the order libvirt writes it. */
	{
		struct strlist notes = {0};
		AUTOFREE char *once = NULL, *twice = NULL;

		tap_ok(d && domxml_agent_add(d, "org.qemu.guest_agent.0",
					     &notes) == 0 &&
			       notes.n == 1,
		       "domxml_agent_add: the channel is added, with a note");
		once = d ? domxml_format(d) : NULL;
		tap_ok(once && strstr(once, "<channel type='unix'>") &&
			       strstr(once, "<target type='virtio' "
					    "name='org.qemu.guest_agent.0'/>"),
		       "... a unix channel with the agent's virtio target");
		tap_ok(d && domxml_agent_add(d, "org.qemu.guest_agent.0",
					     &notes) == 0 &&
			       notes.n == 1 &&
			       STREQ((twice = domxml_format(d)), once),
		       "... and a second time nothing changes");
		strlist_clear(&notes);
	}

	/* The element a live attach sends is the one planned. */
	fs = d ? domxml_share_xml(d, "data") : NULL;
	tap_ok(fs && STRPREFIX(fs, "<filesystem") &&
		       strstr(fs, "<target dir='data'/>") &&
		       strstr(fs, "</filesystem>"),
	       "domxml_share_xml: the <filesystem> of the tag, whole");
}

/* Whether l has a line with both a and b. */
static bool
has_line(const struct strlist *l, const char *a, const char *b)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], a) && (!b || strstr(l->v[i], b)))
			return true;
	return false;
}

/*
 * What a plan says the guests see at once and at their next start
 * (plan_effects(), in plan_summary()), for the cases the test driver
 * has: a running guest it attaches nothing to, one that cannot take the
 * share live (the fstab line, a restart), live = no, a domain that does
 * not run.
 */
static void
test_effects(const struct inspection *in)
{
	AUTOPTR(plan) p = plan_new();
	struct strlist now = {0}, later = {0};
	struct share_request r;
	AUTOFREE char *summary = NULL;

	request(&r, "fxa", "/srv/data");
	tap_ok(plan_share(p, plan_target_libvirt(conn, "test"), &r, in,
			  root) == 0,
	       "effects: a share of the running test domain planned");
	plan_effects(p, &now, &later);
	tap_ok(now.n == 0 &&
		       has_line(&later, "test: the share 'fxa'",
				"test driver attaches nothing"),
	       "... nothing at once; at the next start, saying why");
	summary = plan_summary(p);
	tap_ok(strstr(summary, "At the guests' next start:\n  test: the "
			       "share 'fxa'") &&
		       !strstr(summary, "at once:"),
	       "... and the summary says so under its heading");
	strlist_clear(&later);
	share_request_clear(&r);

	plan_truncate(p, 0);
	request(&r, "fxb", "/srv/data");
	r.mount = xstrdup("/mnt/fxb");
	r.persist_mount = true;
	tap_ok(plan_share(p, plan_target_libvirt(conn, "test"), &r, in,
			  root) == 0,
	       "effects: --mount --persist on a guest that cannot take it");
	plan_effects(p, &now, &later);
	tap_ok(now.n == 0 && has_line(&later, "test: the share 'fxb'",
				      "memory is not shared"),
	       "... at the next start, because its memory is not shared");
	tap_ok(has_line(&later, "mounts the share 'fxb' on /mnt/fxb",
			"/etc/fstab"),
	       "... and mounted then from the guest's fstab");
	strlist_clear(&later);

	plan_truncate(p, 0);
	r.restart = true;
	tap_ok(plan_share(p, plan_target_libvirt(conn, "test"), &r, in,
			  root) == 0,
	       "effects: the same with --restart");
	plan_effects(p, &now, &later);
	tap_ok(has_line(&now, "test: shut down and started again", NULL) &&
		       !has_line(&later, "test: the share 'fxb':", NULL),
	       "... at once: the restart, and the share waits for nothing");
	strlist_clear(&now);
	strlist_clear(&later);
	share_request_clear(&r);

	plan_truncate(p, 0);
	request(&r, "fxc", "/srv/data");
	r.config_only = true;
	tap_ok(plan_share(p, plan_target_libvirt(conn, "test"), &r, in,
			  root) == 0,
	       "effects: --config-only (live = no) on the running guest");
	plan_effects(p, &now, &later);
	tap_ok(has_line(&later, "test: the share 'fxc'", "left as it is"),
	       "... at the next start: left alone, as asked");
	strlist_clear(&later);
	share_request_clear(&r);

	plan_truncate(p, 0);
	request(&r, "fxd", "/srv/data");
	tap_ok(plan_share(p, plan_target_libvirt(conn, "vmoff"), &r, in,
			  root) == 0,
	       "effects: a share of a domain that does not run");
	plan_effects(p, &now, &later);
	tap_ok(now.n == 0 && later.n == 1 &&
		       has_line(&later, "vmoff: not running", NULL),
	       "... once: the guest has it when it starts");
	strlist_clear(&later);
	share_request_clear(&r);

	/* Nothing changes: nothing to say. */
	plan_truncate(p, 0);
	tap_ok(plan_unshare(p, plan_target_libvirt(conn, "test"), "nosuch",
			    PLAN_UNSHARE_MISSING_OK) == 0,
	       "effects: removing a share that is not there");
	plan_effects(p, &now, &later);
	tap_ok(now.n == 0 && later.n == 0, "... says nothing");
	vs_error_reset();
}

/* A copy of the golden input name as domain dom with uuid prefix uuid4. */
static int
define_as(const char *name, const char *dom, const char *uuid4)
{
	AUTOFREE char *xml = golden_input(name);
	AUTOFREE char *named = NULL;
	char *s;

	if (!xml || !(s = strstr(xml, "<uuid>c7a5")))
		return -1;
	memcpy(s + 6, uuid4, 4);
	s = strstr(xml, "<name>vm1</name>");
	*s = '\0';
	named = xasprintf("%s<name>%s</name>%s", xml, dom, s + 16);
	return virt_domain_define(conn, named, true);
}

/* The <source dir> of dom's share tag now, or NULL. Caller frees. */
static char *
source_dir(const char *dom, const char *tag)
{
	AUTOPTR(domxml) d = now(dom);
	struct domxml_share *s = NULL;
	size_t n = d ? domxml_shares(d, &s) : 0;
	char *dir = NULL;

	for (size_t i = 0; i < n; i++)
		if (STREQ(s[i].tag, tag) && s[i].dir)
			dir = xstrdup(s[i].dir);
	domxml_shares_free(s, n);
	return dir;
}

static void
test_request_text(const struct inspection *in)
{
	AUTOFREE char *before = NULL, *after = NULL;
	struct share_request r;
	bool changes = false;

	tap_ok(define_as("share-memfd", "vm3", "e7a5") == 0, "define vm3");
	before = virt_domain_xml(conn, "vm3", true);
	share_request_init(&r);
	tap_ok(share_request_set(&r, "tag", "a\xff" "b", "--tag") < 0 &&
		       vs_error_code() == VS_ERR_INVALID &&
		       strstr(vs_error_message(), "--tag") &&
		       strstr(vs_error_message(), "UTF-8") && !r.share.tag,
	       "a tag that is not UTF-8 is refused, naming --tag");
	tap_ok(share_request_set(&r, "dir", "/srv/d\xe4ta", "dir") < 0 &&
		       strstr(vs_error_message(), "dir") && !r.share.dir,
	       "a Latin-1 directory is refused, naming dir");
	r.daemon = SHARE_DAEMON_EXTERNAL;
	tap_ok(share_request_set(&r, "socket-group", "gr\xc3\x28p",
				 "socket_group") < 0 &&
		       strstr(vs_error_message(), "socket_group"),
	       "a daemon option that is not UTF-8 is refused too");
	share_request_clear(&r);

	/* As the wizard fills a request: straight into the fields. */
	request(&r, "data", "/srv/d\xff");
	tap_ok(share(plan_target_libvirt(conn, "vm3"), &r, in, &changes) < 0 &&
		       vs_error_code() == VS_ERR_INVALID &&
		       strstr(vs_error_message(), "UTF-8"),
	       "plan_share refuses a directory that is not UTF-8");
	request(&r, "\xef\xbf\xbe", "/srv/data");
	tap_ok(share(plan_target_libvirt(conn, "vm3"), &r, in, &changes) < 0 &&
		       vs_error_code() == VS_ERR_INVALID,
	       "plan_share refuses a tag XML cannot carry");
	after = virt_domain_xml(conn, "vm3", true);
	tap_is_str(after, before, "... and vm3 is unchanged");
	tap_is_int(count_saved("vm3"), 0, "... and nothing was saved");
}

static void
test_canonical_dirs(const struct inspection *in)
{
	AUTOFREE char *dir = NULL, *xml = NULL, *before = NULL;
	struct share_request r;
	bool changes = false;
	char *s;

	request(&r, "data", "/srv/data/");
	tap_ok(share(plan_target_libvirt(conn, "vm3"), &r, in, &changes) == 0 &&
		       changes,
	       "share /srv/data/ with vm3");
	dir = source_dir("vm3", "data");
	tap_is_str(dir, "/srv/data", "... written without the slash");
	request(&r, "data", "/srv/data");
	r.share.cache = xstrdup("always");
	tap_ok(share(plan_target_libvirt(conn, "vm3"), &r, in, &changes) == 0 &&
		       changes,
	       "the same share as /srv/data with a cache mode: an update");
	request(&r, "data", "/srv//./media/../data/");
	tap_ok(share(plan_target_libvirt(conn, "vm3"), &r, in, &changes) == 0 &&
		       !changes,
	       "the same share as /srv//./media/../data/: nothing to change");
	request(&r, "data", "/srv/media");
	tap_ok(share(plan_target_libvirt(conn, "vm3"), &r, in, &changes) < 0 &&
		       vs_error_code() == VS_ERR_CONFLICT,
	       "another directory for the tag is still refused");

	/* A definition written by hand with a trailing slash. */
	xml = virt_domain_xml(conn, "vm3", true);
	s = strstr(xml, "<source dir='/srv/data'/>");
	tap_ok(s != NULL, "vm3 has <source dir='/srv/data'/>");
	if (!s)
		return;
	*s = '\0';
	free(dir);
	dir = xasprintf("%s<source dir='/srv/data/'/>%s", xml,
			s + strlen("<source dir='/srv/data'/>"));
	virt_domain_define(conn, dir, true);
	before = virt_domain_xml(conn, "vm3", true);
	request(&r, "data", "/srv/data");
	r.share.cache = xstrdup("none");
	tap_ok(share(plan_target_libvirt(conn, "vm3"), &r, in, &changes) == 0 &&
		       changes,
	       "a share written /srv/data/ takes options for /srv/data");
	free(dir);
	dir = source_dir("vm3", "data");
	tap_is_str(dir, "/srv/data/", "... and its source stays as written");
}

static void
test_options_only(const struct inspection *in)
{
	AUTOFREE char *before = NULL, *after = NULL;
	AUTOPTR(domxml) d = NULL;
	enum share_daemon_kind kind = SHARE_DAEMON_EXTERNAL;
	struct domxml_share *s = NULL;
	struct share_request r;
	AUTOPTR(plan_target) t = plan_target_libvirt(conn, "vm3");
	bool changes = false;
	size_t n;

	tap_ok(plan_share_kind(t, "data", &kind) &&
		       kind == SHARE_DAEMON_LIBVIRT,
	       "plan_share_kind: vm3's share 'data' is libvirt's");
	tap_ok(!plan_share_kind(t, "nosuch", &kind),
	       "plan_share_kind: no share 'nosuch'");
	share_request_init(&r);
	tap_ok(share_request_set(&r, "tag", "data", "--tag") == 0 &&
		       share_request_set(&r, "binary",
					 "/usr/libexec/virtiofsd",
					 "--binary") == 0,
	       "a request of a tag and a daemon path only");
	tap_ok(share(plan_target_libvirt(conn, "vm3"), &r, in, &changes) == 0 &&
		       changes,
	       "options only: the share of the tag changes");
	d = now("vm3");
	n = domxml_shares(d, &s);
	tap_ok(n == 1 && s[0].binary &&
		       STREQ(s[0].binary, "/usr/libexec/virtiofsd") &&
		       s[0].cache && STREQ(s[0].cache, "none") && s[0].dir,
	       "read back: the daemon path is set, the cache mode and "
	       "directory stay");
	domxml_shares_free(s, n);

	before = virt_domain_xml(conn, "vm3", true);
	share_request_init(&r);
	share_request_set(&r, "tag", "nosuch", "--tag");
	share_request_set(&r, "cache", "always", "--cache");
	tap_ok(share(plan_target_libvirt(conn, "vm3"), &r, in, &changes) < 0 &&
		       vs_error_code() == VS_ERR_USAGE &&
		       strstr(vs_error_message(), "'nosuch'") &&
		       strstr(vs_error_message(), "--dir"),
	       "options only for a tag that is not there: refused, saying "
	       "to give --dir");
	after = virt_domain_xml(conn, "vm3", true);
	tap_is_str(after, before, "... and vm3 is unchanged");
}

int
main(void)
{
	AUTOPTR(inspection) in = NULL;
	AUTOFREE char *datadir = NULL, *cmd = NULL;

	srcdir = getenv("top_srcdir");
	if (!srcdir)
		srcdir = ".";
	root = xasprintf("%s/tests/data/golden-root", srcdir);
	datadir = xasprintf("%s/templates", srcdir);
	setenv("VIRTSHARE_DATADIR", datadir, 0);
	if (!mkdtemp(statedir))
		return 1;
	ctx.statedir = statedir;
	if (!tap_ok((conn = virt_open("test:///default", 0)) != NULL,
		    "open test:///default"))
		return tap_done();
	in = inspection_gather("/", conn, NULL, 0);
	test_share_unshare_undo(in);
	test_dropped();
	test_versions(in);
	test_rollback();
	test_file_rollback();
	test_changed_meanwhile(in);
	test_running_and_transient(in);
	test_request_text(in);
	test_canonical_dirs(in);
	test_options_only(in);
	test_live(in);
	test_effects(in);
	virt_conn_free(conn);
	cmd = xasprintf("rm -rf '%s'", statedir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", statedir);
	free(root);
	vs_error_reset();
	return tap_done();
}
