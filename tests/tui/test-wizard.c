/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-wizard.c: every page's decisions, without a terminal */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "complete.h"
#include "doctor.h"
#include "error.h"
#include "tap.h"
#include "wizard.h"

/*
 * The wizard runs on the demo (libvirt's test driver with the demo node
 * and the sample host tree), as `virtshare --demo wizard` does. The test
 * driver keeps changes only as long as the connection: one per test.
 */
static const char *srcdir;
static char tmp[] = "/tmp/vs-wizard-test.XXXXXX";
static char *demo_uri, *demo_root;

static struct virt_conn *
demo_conn(void)
{
	struct virt_conn *c = virt_open(demo_uri, 0);

	if (!c)
		tap_diag("%s", vs_error_message());
	return c;
}

static struct wizard *
demo_wizard(struct virt_conn *c)
{
	struct wiz_config cfg = {
	    .conn = c, .root = demo_root, .demo = true, .statedir = tmp};

	return wizard_new(&cfg);
}

static bool
has(const char *s, const char *part)
{
	bool ok = s && strstr(s, part);

	if (!ok)
		tap_diag("  '%s' not in '%s'", part, s ? s : "(null)");
	return ok;
}

/* A line of the host summary holding part, of that kind. */
static bool
summary_has(const struct wizard *w, enum wiz_line_kind kind, const char *part)
{
	for (size_t i = 0; i < w->nlines; i++)
		if (w->lines[i].kind == kind && strstr(w->lines[i].text, part))
			return true;
	tap_diag("  no line of kind %d with '%s'", kind, part);
	return false;
}

static char *
fixture(const char *name)
{
	return xasprintf("%s/tests/data/hosts/%s", srcdir, name);
}

static void
sh(const char *cmd)
{
	if (system(cmd) != 0)
		tap_diag("failed: %s", cmd);
}

/* The summary's line that holds part, or NULL. */
static const char *
summary_line(const struct wizard *w, const char *part)
{
	for (size_t i = 0; i < w->nlines; i++)
		if (strstr(w->lines[i].text, part))
			return w->lines[i].text;
	tap_diag("  no line with '%s'", part);
	return NULL;
}

/* ---- page 1 -------------------------------------------------------------- */

/*
 * Our daemon as the host summary and the daemon page name it: the one
 * virtshare will use, from $VIRTSHARE_FSD (a build tree's) or installed;
 * neither is in the demo host's tree.
 */
static void
test_host_ours(void)
{
	AUTOPTR(virt_conn) c = demo_conn();
	AUTOPTR(wizard) w = NULL;
	const char *env = getenv("VIRTSHARE_FSD");
	AUTOFREE char *keep = env ? xstrdup(env) : NULL;
	const char *line, *reason;

	setenv("VIRTSHARE_FSD", "/opt/vs-build/daemon/virtshare-fsd", 1);
	w = demo_wizard(c);
	line = summary_line(w, "/opt/vs-build/daemon/virtshare-fsd");
	tap_ok(line &&
		   strstr(line, "not found, the daemon virtshare would use "
				"(from $VIRTSHARE_FSD)") &&
		   !strstr(line, "ours"),
	       "host: $VIRTSHARE_FSD's daemon is the one virtshare would use "
	       "(%s)",
	       line ? line : "-");
	wizard_domain_choose(w, "web");
	wizard_share_set(w, "/srv/data", "data", false, WIZ_CACHE_NONE,
			 DOMXML_OFF);
	wizard_daemon_load(w);
	reason = w->dopts[WIZ_DAEMON_OURS].reason;
	tap_ok(!w->dopts[WIZ_DAEMON_OURS].possible &&
		   has(reason, "virtshare-fsd is not at "
			       "/opt/vs-build/daemon/virtshare-fsd, where "
			       "$VIRTSHARE_FSD points"),
	       "daemon: says $VIRTSHARE_FSD names a missing daemon (%s)",
	       reason ? reason : "-");
	wizard_free(steal_ptr(w));

	unsetenv("VIRTSHARE_FSD");
	w = demo_wizard(c);
	line = summary_line(w, "/virtshare-fsd ");
	tap_ok(line &&
		   strstr(line, "not installed, the daemon virtshare would "
				"use") &&
		   !strstr(line, "VIRTSHARE_FSD") && !strstr(line, "ours"),
	       "host: without $VIRTSHARE_FSD, the installed one (%s)",
	       line ? line : "-");
	wizard_domain_choose(w, "web");
	wizard_share_set(w, "/srv/data", "data", false, WIZ_CACHE_NONE,
			 DOMXML_OFF);
	wizard_daemon_load(w);
	reason = w->dopts[WIZ_DAEMON_OURS].reason;
	tap_ok(has(reason, "virtshare-fsd is not installed at") &&
		   !has(reason, "VIRTSHARE_FSD"),
	       "daemon: without $VIRTSHARE_FSD, says it is not installed (%s)",
	       reason ? reason : "-");
	if (keep)
		setenv("VIRTSHARE_FSD", keep, 1);
}

static void
test_host(void)
{
	AUTOPTR(virt_conn) c = demo_conn();
	AUTOPTR(wizard) w = demo_wizard(c);
	AUTOFREE char *bad = fixture("bad-qemu-conf");
	AUTOFREE char *nomount = fixture("hugepages-no-mount");
	AUTOFREE char *disk = fixture("disk-backing-dir");
	struct wiz_config cfg = {.root = bad, .conn_error = "refused"};
	AUTOPTR(wizard) wb = NULL;

	tap_is_int(w->nproblems, 0, "host: the demo host has no problem");
	tap_ok(summary_has(w, WIZ_LINE_HEAD, "ready for virtiofs"),
	       "host: says it is ready");
	tap_ok(summary_has(w, WIZ_LINE_TEXT, "2M (default)") &&
		   summary_has(w, WIZ_LINE_TEXT, "/dev/hugepages1G"),
	       "host: pools per size with their mounts");
	tap_ok(summary_has(w, WIZ_LINE_TEXT, "library 9.0.0") &&
		   summary_has(w, WIZ_LINE_TEXT, "memory_backing_dir /dev/shm"),
	       "host: libvirt versions and qemu.conf");
	tap_ok(summary_has(w, WIZ_LINE_TEXT, "/usr/lib/qemu/virtiofsd"),
	       "host: daemons");

	wb = wizard_new(&cfg);
	tap_ok(summary_has(wb, WIZ_LINE_PROBLEM,
			       "so its QEMU driver does not start"),
	       "host: a broken qemu.conf is a problem");
	tap_ok(summary_has(wb, WIZ_LINE_PROBLEM, "refused") &&
		   summary_has(wb, WIZ_LINE_PROBLEM, "domain XML file"),
	       "host: no libvirt is a problem that says what still works");
	tap_ok(summary_has(wb, WIZ_LINE_HEAD, "problems"),
	       "host: the problems are counted in a heading");
	wizard_free(steal_ptr(wb));
	cfg.root = nomount;
	wb = wizard_new(&cfg);
	tap_ok(summary_has(wb, WIZ_LINE_PROBLEM, "hugetlbfs"),
	       "host: a pool without a hugetlbfs mount is a problem");
	{
		AUTOPTR(doctor_report) r = doctor_report_new();
		struct doctor_env env;

		doctor_env_init(&env, wb->in, NULL, nomount);
		doctor_host(r, &env);
		size_t shown = 0, found = 0;

		for (size_t i = 0; i < r->sections[0].n; i++) {
			const struct doctor_result *res =
			    &r->sections[0].results[i];

			if (res->verdict < DOCTOR_WARNING)
				continue;
			found++;
			shown += summary_has(wb, WIZ_LINE_PROBLEM, res->summary);
		}
		tap_ok(found && shown == found &&
			   wb->nproblems ==
			       wb->in->host->warnings.n + found,
		       "host: the problems are doctor's host findings "
		       "(%zu of %zu shown, %zu problems)",
		       shown, found, wb->nproblems);
	}
	wizard_free(steal_ptr(wb));
	cfg.root = disk;
	wb = wizard_new(&cfg);
	tap_ok(summary_has(wb, WIZ_LINE_PROBLEM, "a disk: the memory of guests"),
	       "host: memory_backing_dir on a disk is a problem");
}

/* ---- the page order ------------------------------------------------------ */

static void
test_order(void)
{
	AUTOPTR(virt_conn) c = demo_conn();
	AUTOPTR(wizard) w = demo_wizard(c);

	tap_ok(!wizard_page_shown(w, WIZ_PAGES) &&
		   !wizard_page_shown(w, WIZ_DONE),
	       "order: hugepages and done are not shown at first");
	tap_is_int(wizard_next(w, WIZ_HOST), WIZ_DOMAIN,
		   "order: host -> domain");
	tap_is_int(wizard_next(w, WIZ_BACKING), WIZ_DAEMON,
		   "order: memory -> daemon when no hugepages are short");
	tap_is_int(wizard_prev(w, WIZ_DAEMON), WIZ_BACKING,
		   "order: back from daemon to memory");
	tap_is_int(wizard_next(w, WIZ_REVIEW), WIZ_REVIEW,
		   "order: done only after applying");
	tap_is_int(wizard_prev(w, WIZ_HOST), WIZ_HOST,
		   "order: nothing before the host");
	tap_is_int(wizard_nsteps(w), 7, "order: 7 steps without hugepages");
	tap_is_int(wizard_step(w, WIZ_DAEMON), 5, "order: daemon is step 5");
	tap_ok(!w->dirty, "order: nothing to lose at first");
}

/* ---- page 2 -------------------------------------------------------------- */

static void
test_domain(void)
{
	AUTOPTR(virt_conn) c = demo_conn();
	AUTOPTR(wizard) w = demo_wizard(c);
	AUTOFREE char *file = xasprintf("%s/vm.xml", tmp);
	AUTOFREE char *noname = xasprintf("%s/noname.xml", tmp);
	AUTOFREE char *cmd = NULL;

	tap_is_int(wizard_domains_load(w), 0, "domain: list loads");
	tap_is_int(w->ndomains, 3, "domain: three demo domains");
	if (w->ndomains == 3) {
		tap_is_str(w->domains[0].name, "build", "domain: sorted");
		tap_is_str(w->domains[0].shares, "build",
			   "domain: existing shares listed");
		tap_ok(w->domains[0].shared &&
			   has(w->domains[0].memory, "memfd, shared"),
		       "domain: shared memfd memory");
		tap_ok(!w->domains[1].shared &&
			   has(w->domains[1].memory, "hugepages, not shared"),
		       "domain: db's hugepages are not shared");
		tap_is_int(w->domains[2].memory_kib, 4 << 20,
			   "domain: memory size");
	}
	tap_is_int(wizard_domain_choose(w, "nope"), -1,
		   "domain: an unknown domain is refused");
	tap_is_int(vs_error_code(), VS_ERR_NO_DOMAIN, "domain: NO_DOMAIN");
	vs_error_reset();
	tap_ok(wizard_domain_choose(w, "web") == 0 && w->doc && w->dirty,
	       "domain: web chosen, its definition read");
	tap_is_str(w->domain, "web", "domain: name kept");

	cmd = xasprintf("cp '%s/tests/golden/share-memfd.in.xml' '%s' && "
			"echo '<domain><memory>1</memory></domain>' > '%s'",
			srcdir, file, noname);
	sh(cmd);
	tap_ok(wizard_domain_open(w, file) == 0 && w->xml_path &&
		   STREQ(w->domain, "vm1"),
	       "domain: a domain XML file names its domain");
	tap_is_int(wizard_domain_open(w, "/nonexistent.xml"), -1,
		   "domain: a missing file is refused");
	tap_ok(vs_error_code() == VS_ERR_NOT_FOUND &&
		   has(vs_error_message(), "Check the file name"),
	       "domain: ... saying what to check");
	vs_error_reset();
	tap_is_int(wizard_domain_open(w, noname), -1,
		   "domain: a file without <name> is refused");
	vs_error_reset();
	tap_is_str(w->domain, "vm1", "domain: a refused file keeps the choice");
}

/* ---- page 3 -------------------------------------------------------------- */

static enum wiz_check
dir_check(struct wizard *w, const char *dir, const char *part)
{
	AUTOFREE char *msg = NULL;
	enum wiz_check c = wizard_dir_check(w, dir, &msg);

	if (part && !has(msg, part))
		return (enum wiz_check)-1;
	return c;
}

static enum wiz_check
tag_check(struct wizard *w, const char *tag, const char *dir,
	  const char *part)
{
	AUTOFREE char *msg = NULL;
	enum wiz_check c = wizard_tag_check(w, tag, dir, &msg);

	if (part && !has(msg, part))
		return (enum wiz_check)-1;
	return c;
}

static void
test_share(void)
{
	AUTOPTR(virt_conn) c = demo_conn();
	AUTOPTR(wizard) w = demo_wizard(c);
	char long_tag[38];
	AUTOFREE char *s = NULL, *blocked = NULL;

	memset(long_tag, 'x', 37);
	long_tag[37] = '\0';
	tap_is_int(dir_check(w, "", "F2"), WIZ_CHECK_EMPTY,
		   "share: empty directory: says how to fill it");
	tap_is_int(dir_check(w, "srv/data", "absolute"), WIZ_CHECK_BAD,
		   "share: a relative directory is refused");
	tap_is_int(dir_check(w, "/srv/nope", "create it"), WIZ_CHECK_BAD,
		   "share: a missing directory is refused with the fix");
	tap_is_int(dir_check(w, "/srv/build/README", "Not a directory"),
		   WIZ_CHECK_BAD, "share: a file is not a directory");
	tap_is_int(dir_check(w, "/srv/data/", "A directory"), WIZ_CHECK_OK,
		   "share: a directory below the host root");

	tap_is_int(tag_check(w, "data", NULL, "domain"), WIZ_CHECK_BAD,
		   "share: a tag needs a domain first");
	wizard_domain_choose(w, "build");
	tap_is_int(tag_check(w, "", NULL, "mount -t virtiofs"),
		   WIZ_CHECK_EMPTY, "share: empty tag: says what it is");
	tap_is_int(tag_check(w, long_tag, NULL, "37 bytes"), WIZ_CHECK_BAD,
		   "share: a tag of 37 bytes is refused as typed");
	tap_is_int(tag_check(w, "build", "/srv/data",
			     "The share of /srv/build has this tag"),
		   WIZ_CHECK_BAD, "share: a tag another share has is refused");
	tap_ok(wizard_share_set(w, "/srv/data", "build", false,
				WIZ_CACHE_DEFAULT, DOMXML_UNSET) == -1 &&
		   has(vs_error_message(), "already used") &&
		   has(vs_error_message(), "virtshare unshare build build"),
	       "share: leaving with it says how to free the tag");
	vs_error_reset();
	tap_is_int(tag_check(w, "build", "/srv/build/", "changes the share"),
		   WIZ_CHECK_EXISTS, "share: the same share's tag updates it");
	tap_is_int(tag_check(w, "data", "/srv/data", "4 of 36 bytes"),
		   WIZ_CHECK_OK, "share: a new tag, with its length");

	s = wizard_tag_suggest(w, "/srv/data/");
	tap_is_str(s, "data", "share: the tag follows the directory");
	free(s);
	s = wizard_tag_suggest(w, "/srv/other/build");
	tap_is_str(s, "build-2", "share: a suggested tag is unique");
	free(s);
	s = wizard_tag_suggest(w, "/srv/a very long directory name that "
				  "goes on and on");
	tap_ok(strlen(s) <= 36 && !strchr(s, ' '),
	       "share: a suggested tag fits 36 bytes, no blanks ('%s')", s);

	blocked = wizard_readonly_blocked(w);
	tap_ok(has(blocked, "11.0.0") && has(blocked, "9.0.0"),
	       "share: read-only is not for libvirt 9.0, says why");

	tap_is_int(wizard_share_set(w, "/srv/data", long_tag, false,
				    WIZ_CACHE_DEFAULT, DOMXML_UNSET),
		   -1, "share: a bad tag is refused on leaving");
	tap_is_int(vs_error_code(), VS_ERR_INVALID, "share: ... INVALID");
	vs_error_reset();
	tap_is_int(wizard_share_set(w, "/srv/nope", "data", false,
				    WIZ_CACHE_DEFAULT, DOMXML_UNSET),
		   -1, "share: a missing directory is refused on leaving");
	vs_error_reset();
	tap_is_int(wizard_share_set(w, "/srv/data/", "data", true,
				    WIZ_CACHE_ALWAYS, DOMXML_ON),
		   0, "share: a good share is taken (read-only left to later)");
	tap_ok(STREQ(w->dir, "/srv/data") && STREQ(w->tag, "data") &&
		   w->readonly && w->cache == WIZ_CACHE_ALWAYS &&
		   w->xattr == DOMXML_ON && !w->updates,
	       "share: the choices are kept, the directory without '/'");
	tap_is_int(wizard_share_set(w, "/srv/build", "build", false,
				    WIZ_CACHE_DEFAULT, DOMXML_UNSET),
		   0, "share: the existing share can be changed");
	tap_ok(w->updates, "share: ... and is known to be an update");
	wizard_share_prefill(w, "build");
	tap_ok(!w->readonly && w->cache == WIZ_CACHE_DEFAULT,
	       "share: the form starts from the existing share");
}

/* ---- page 4 -------------------------------------------------------------- */

static const struct backing_option *
option(const struct wizard *w, const char *label)
{
	for (size_t i = 0; i < w->choice.noffers; i++)
		if (STREQ(w->choice.offers[i].label, label))
			return &w->choice.offers[i];
	tap_diag("  no option '%s'", label);
	return NULL;
}

static size_t
option_index(const struct wizard *w, const char *label)
{
	const struct backing_option *o = option(w, label);

	return o ? (size_t)(o - w->choice.offers) : w->choice.noffers;
}

static void
test_backing(void)
{
	AUTOPTR(virt_conn) c = demo_conn();
	AUTOPTR(wizard) w = demo_wizard(c);
	const struct backing_option *o;

	tap_is_int(wizard_backing_load(w), -1, "memory: needs a domain");
	vs_error_reset();
	wizard_domain_choose(w, "web");
	tap_is_int(wizard_backing_load(w), 0, "memory: web's options load");
	o = wizard_backing(w);
	tap_ok(o && STREQ(o->label, "memfd") && o->recommended,
	       "memory: memfd is recommended and selected");
	tap_ok(has(w->choice.why, "no host setup"),
	       "memory: with backing_choose()'s reason");
	tap_ok((o = option(w, "file")) && o->possible &&
		   has(o->detail, "/dev/shm"),
	       "memory: file is possible, under memory_backing_dir");
	tap_ok((o = option(w, "hugepages 2M")) && o->possible &&
		   !o->short_pages && has(o->detail, "2048 pages needed"),
	       "memory: 2M pages: 2048 needed and free");
	tap_ok((o = option(w, "hugepages 1G")) && o->possible &&
		   has(o->detail, "4 pages needed, 12 free"),
	       "memory: 1G pages: 4 needed, 12 free");
	tap_ok((o = option(w, "numa")) && !o->possible &&
		   has(o->detail, "no guest NUMA cells"),
	       "memory: numa is not possible, says why");
	tap_is_int(wizard_backing_select(w, option_index(w, "numa")), -1,
		   "memory: an impossible option cannot be chosen");
	tap_ok(vs_error_code() == VS_ERR_UNSUPPORTED &&
		   has(vs_error_message(), "NUMA cells"),
	       "memory: ... and the error says why");
	vs_error_reset();
	tap_is_int(wizard_backing_select(w, option_index(w, "file")), 0,
		   "memory: file chosen");
	tap_ok(!wizard_pages_short(w) && !wizard_page_shown(w, WIZ_PAGES),
	       "memory: no hugepages step for file");

	wizard_domain_choose(w, "build");
	wizard_backing_load(w);
	o = wizard_backing(w);
	tap_ok(o && o->backing.kind == DOMXML_BACKING_KEEP && o->recommended,
	       "memory: shared memory is kept ('%s')", o ? o->label : "");

	wizard_domain_choose(w, "db");
	wizard_backing_load(w);
	o = wizard_backing(w);
	tap_ok(o && STREQ(o->label, "hugepages 1G (kept)") && o->recommended &&
		   o->backing.page_kib == 0,
	       "memory: db keeps its 1G hugepages");
	tap_ok((o = option(w, "numa")) && o->possible,
	       "memory: db has cells: numa is possible");
	tap_ok((o = option(w, "hugepages 2M")) && o->possible &&
		   o->short_pages && has(o->detail, "allocates"),
	       "memory: 2M pages are short: the next step allocates them");
}

/* ---- page 5 -------------------------------------------------------------- */

static void
test_pages(void)
{
	AUTOPTR(virt_conn) c = demo_conn();
	AUTOPTR(wizard) w = demo_wizard(c);
	AUTOFREE char *copy = xasprintf("%s/host", tmp);
	AUTOFREE char *cmd = xasprintf("cp -r '%s' '%s'", demo_root, copy);
	AUTOFREE char *nr = NULL, *ini = NULL;
	struct wiz_config cfg = {.root = copy, .statedir = tmp};
	AUTOPTR(wizard) live = NULL;
	AUTOPTR(virt_conn) c2 = NULL;

	wizard_domain_choose(w, "db");
	wizard_backing_load(w);
	tap_ok(!wizard_pages_short(w), "pages: kept 1G pages are enough");
	wizard_backing_select(w, option_index(w, "hugepages 2M"));
	tap_ok(wizard_pages_short(w) && wizard_page_shown(w, WIZ_PAGES),
	       "pages: 2M pages are short: the hugepages step is shown");
	tap_is_int(wizard_next(w, WIZ_BACKING), WIZ_PAGES,
		   "pages: memory -> hugepages");
	tap_is_int(wizard_nsteps(w), 8, "pages: 8 steps now");
	tap_ok(w->need.pages == 4096 && w->need.free == 2560,
	       "pages: 4096 needed, 2560 free (reserved ones left out)");
	tap_ok(w->alloc_count == 1536 && w->alloc_node == -1,
	       "pages: suggests adding 1536 system-wide");
	ini = wizard_ini(w);
	tap_ok(has(ini, "[hugepages 2M]\npages = 5632\n") &&
		   has(ini, "backing = hugepages:2M"),
	       "pages: the INI grows the pool by what is missing");
	tap_is_int(wizard_pages_alloc(w, -1, 1536), -1,
		   "pages: the demo allocates nothing");
	tap_ok(has(vs_error_message(), "demo changes nothing"),
	       "pages: ... and says so");
	vs_error_reset();

	/* A writable copy of the host tree: sysfs as the kernel's files. */
	sh(cmd);
	c2 = demo_conn();
	cfg.conn = c2;
	live = wizard_new(&cfg);
	wizard_domain_choose(live, "db");
	wizard_backing_load(live);
	wizard_backing_select(live, option_index(live, "hugepages 2M"));
	tap_is_int(wizard_pages_alloc(live, -1, 0), -1,
		   "pages: 0 pages is refused");
	vs_error_reset();
	tap_is_int(wizard_pages_alloc(live, 0, 1536), 0,
		   "pages: 1536 pages added on node 0 of the copy");
	tap_ok(has(live->alloc_result, "node 0 now has 3584 pages"),
	       "pages: the result says what the pool has now");
	free(cmd);
	cmd = xasprintf("%s/sys/devices/system/node/node0/hugepages/"
			"hugepages-2048kB/nr_hugepages",
			copy);
	nr = file_read_line(cmd);
	tap_is_str(nr, "3584", "pages: written to the node's pool");
	tap_ok(wizard_page_shown(live, WIZ_PAGES) &&
		   STREQ(wizard_backing(live)->label, "hugepages 2M"),
	       "pages: the step and the choice stay after allocating");
}

/* ---- page 6 -------------------------------------------------------------- */

static void
test_daemon(void)
{
	AUTOPTR(virt_conn) c = demo_conn();
	AUTOPTR(wizard) w = demo_wizard(c);
	struct share_request r;
	AUTOFREE char *ini = NULL;

	wizard_domain_choose(w, "web");
	wizard_share_set(w, "/srv/data", "data", false, WIZ_CACHE_NONE,
			 DOMXML_OFF);
	wizard_daemon_load(w);
	tap_ok(!w->dopts[WIZ_DAEMON_OURS].possible &&
		   has(w->dopts[WIZ_DAEMON_OURS].reason,
		       "not possible: virtshare-fsd is not"),
	       "daemon: virtshare-fsd is not in the demo host");
	tap_ok(w->dopts[WIZ_DAEMON_DESCRIPTOR].possible &&
		   has(w->dopts[WIZ_DAEMON_DESCRIPTOR].reason,
		       "/usr/lib/qemu/virtiofsd"),
	       "daemon: the descriptor names the demo's virtiofsd");
	tap_ok(w->dopts[WIZ_DAEMON_EXTERNAL].possible &&
		   has(w->socket, "web-data.sock"),
	       "daemon: external, on the share's socket");
	tap_is_int(w->dsel, WIZ_DAEMON_DESCRIPTOR,
		   "daemon: the first possible one is selected");
	tap_is_int(wizard_daemon_select(w, WIZ_DAEMON_OURS), -1,
		   "daemon: an impossible one cannot be chosen");
	vs_error_reset();

	wizard_request(w, &r);
	tap_ok(r.share.dir && !r.share.socket && STREQ(r.share.cache, "none") &&
		   r.share.xattr == DOMXML_OFF && !r.share.binary &&
		   !r.backing_given,
	       "daemon: libvirt's daemon: dir and options in the domain, "
	       "the recommended backing left to plan_share()");
	share_request_clear(&r);
	tap_is_int(wizard_daemon_select(w, WIZ_DAEMON_EXTERNAL), 0,
		   "daemon: external chosen");
	wizard_request(w, &r);
	tap_ok(!r.share.dir && has(r.share.socket, "web-data.sock") &&
		   !r.share.cache && !r.share.xattr,
	       "daemon: external: a socket, the options go to the daemon");
	share_request_clear(&r);
	ini = wizard_ini(w);
	tap_ok(has(ini, "daemon = external\ndir = /srv/data\ncache = none\n"
			"xattr = no\n") &&
		   !strstr(ini, "socket"),
	       "daemon: the INI has the daemon's options, the default socket");

	/* Read-only that libvirt 9.0 cannot do leaves only external. */
	wizard_share_set(w, "/srv/data", "data", true, WIZ_CACHE_DEFAULT,
			 DOMXML_UNSET);
	wizard_daemon_load(w);
	tap_ok(!w->dopts[WIZ_DAEMON_DESCRIPTOR].possible &&
		   has(w->dopts[WIZ_DAEMON_DESCRIPTOR].reason, "11.0.0") &&
		   w->dsel == WIZ_DAEMON_EXTERNAL,
	       "daemon: read-only on libvirt 9.0: only external, selected");
}

/* ---- pages 7 and 8 ------------------------------------------------------- */

/*
 * The running guest page: shown only for a running domain of libvirt;
 * the demo's 'build' cannot take the share now and has no agent, which
 * the page says, and the choices are checked; applied, the done page
 * says what waits for the guest's next start.
 */
static void
test_live(void)
{
	AUTOPTR(virt_conn) c = demo_conn();
	AUTOPTR(wizard) w = demo_wizard(c);
	AUTOFREE char *effects = NULL, *ini = NULL;
	struct share_request r;

	wizard_domain_choose(w, "web");
	tap_ok(!w->running && !wizard_page_shown(w, WIZ_LIVE) &&
		       wizard_nsteps(w) == 7,
	       "live: no running guest page for a domain that is shut off");
	tap_is_int(wizard_domain_choose(w, "build"), 0, "live: build chosen");
	tap_ok(w->running && wizard_page_shown(w, WIZ_LIVE) &&
		       wizard_nsteps(w) == 8 &&
		       wizard_next(w, WIZ_DAEMON) == WIZ_LIVE &&
		       wizard_next(w, WIZ_LIVE) == WIZ_REVIEW,
	       "live: a running domain gets the page, after the daemon");
	wizard_share_set(w, "/srv/data", "data", false, WIZ_CACHE_DEFAULT,
			 DOMXML_UNSET);
	tap_is_int(wizard_live_load(w), 0, "live: the running guest read");
	tap_ok(!w->live_ready && !w->live && !w->live_agent &&
		       w->live_why.n > 0,
	       "live: build cannot take it now, with the reasons");
	tap_ok(w->live_notes.n > 0 &&
		       has(w->live_notes.v[0], "test driver (the demo)") &&
		       has(w->live_notes.v[0], "no guest agent"),
	       "live: the demo says its test driver attaches nothing and has "
	       "no agent");
	tap_ok(wizard_live_set(w, true, NULL, false) < 0 &&
		       has(vs_error_message(), "cannot take the share now"),
	       "live: share now refused when it cannot take it");
	vs_error_reset();
	tap_ok(wizard_live_set(w, false, "/mnt/data", true) < 0 &&
		       has(vs_error_message(), "no agent"),
	       "live: a mount point refused without an agent");
	vs_error_reset();
	/* As if the guest had an agent: the mount point's own rules. */
	w->live_agent = true;
	tap_ok(wizard_live_set(w, false, "mnt/data", true) < 0 &&
		       has(vs_error_message(), "absolute path"),
	       "live: a relative mount point refused");
	vs_error_reset();
	tap_ok(wizard_live_set(w, false, "", true) < 0 &&
		       has(vs_error_message(), "needs the mount point"),
	       "live: every boot without a mount point refused");
	vs_error_reset();
	tap_ok(wizard_live_set(w, false, "/mnt/data", false) < 0 &&
		       has(vs_error_message(), "cannot be mounted now"),
	       "live: a mount now refused when the share is not there now");
	vs_error_reset();
	tap_ok(wizard_live_set(w, false, "/mnt/data", true) == 0 &&
		       STREQ(w->mount, "/mnt/data") && w->persist,
	       "live: mounted at every boot: taken");
	wizard_request(w, &r);
	tap_ok(!r.config_only && STREQ(r.mount, "/mnt/data") &&
		       r.persist_mount,
	       "live: the request carries the mount, and leaves the guest "
	       "to plan_share()");
	share_request_clear(&r);
	ini = wizard_ini(w);
	tap_ok(has(ini, "mount = /mnt/data\npersist_mount = yes\n"),
	       "live: the INI has mount and persist_mount");
	w->live_agent = false;
	tap_is_int(wizard_live_set(w, false, "", false), 0,
		   "live: nothing mounted: taken");
	wizard_backing_load(w);
	wizard_daemon_load(w);
	tap_is_int(wizard_plan(w), 0, "live: the plan is made");
	tap_is_int(wizard_apply(w), 0, "live: applied on the demo");
	effects = wizard_effects_text(w);
	tap_ok(has(effects, "What waits for the guest's next start:\n- build: "
			    "the share 'data': libvirt's test driver") &&
		       !has(effects, "sees now"),
	       "live: the done page says the share waits for the next "
	       "start, and why");
}

static void
test_review_apply(void)
{
	AUTOPTR(virt_conn) c = demo_conn();
	AUTOPTR(wizard) w = demo_wizard(c);
	AUTOFREE char *ini = NULL, *guest = NULL, *now = NULL, *saved = NULL;
	AUTOFREE char *path = xasprintf("%s/web-data.ini", tmp);
	AUTOFREE char *nodir = xasprintf("%s/no/such/web.ini", tmp);
	struct share_request r;

	tap_is_int(wizard_plan(w), -1, "review: no plan without a domain");
	vs_error_reset();
	wizard_domain_choose(w, "web");
	wizard_share_set(w, "/srv/data", "data", false, WIZ_CACHE_ALWAYS,
			 DOMXML_UNSET);
	wizard_backing_load(w);
	wizard_daemon_load(w);
	wizard_request(w, &r);
	tap_ok(r.backing_given && r.backing.kind == DOMXML_BACKING_MEMFD &&
		       r.backing_why.n == BACKING_NOPTIONS,
	       "review: the recommended backing is carried as chosen, with "
	       "why and what else was weighed");
	share_request_clear(&r);
	tap_is_int(wizard_plan(w), 0, "review: the plan is made");
	tap_ok(w->plan_changes && has(w->plan_text, "New share of /srv/data") &&
		   has(w->plan_text, "<cache mode='always'/>") &&
		   has(w->plan_text, "+++ web.xml (planned)") &&
		   has(w->plan_text, "Also weighed"),
	       "review: the plan says what and why, with the XML diff");

	ini = wizard_ini(w);
	tap_ok(has(ini, "[host]\nuri = test://") &&
		   has(ini, "[domain web]\n; backing: left to virtshare") &&
		   has(ini, "[share web data]") &&
		   has(ini, "dir = /srv/data") && has(ini, "cache = always") &&
		   !strstr(ini, "daemon =") && !strstr(ini, "[hugepages"),
	       "review: the same choices as INI");
	tap_is_int(wizard_ini_save(w, ""), -1, "review: an empty file name");
	vs_error_reset();
	tap_ok(wizard_ini_save(w, tmp) == -1 &&
		   has(vs_error_message(), "is a directory: type the file") &&
		   has(vs_error_message(), "/web-data.ini"),
	       "review: a directory is not a file: says which name to give");
	vs_error_reset();
	tap_ok(wizard_ini_save(w, nodir) == -1 &&
		   has(vs_error_message(), "/no/such does not exist: create"),
	       "review: a missing directory: says to create it");
	vs_error_reset();
	tap_is_int(wizard_ini_save(w, path), 0, "review: INI saved");
	saved = file_read(path, 1 << 20, NULL);
	tap_is_str(saved, ini, "review: the file holds the INI");

	tap_is_int(wizard_apply(w), 0, "apply: applied on the test driver");
	tap_ok(w->applied && !w->dirty && wizard_page_shown(w, WIZ_DONE),
	       "apply: done is shown, nothing left to lose");
	tap_ok(w->done.n == 1 && has(w->done.v[0], "changed") &&
		   has(w->done.v[0], "undo web"),
	       "apply: says what changed, where it is saved, how to undo");
	now = wizard_definition_now(w);
	tap_ok(has(now, "<source dir='/srv/data'/>") &&
		   has(now, "<access mode='shared'/>"),
	       "apply: libvirt has the share and shared memory");
	guest = wizard_guest_text(w);
	tap_ok(has(guest, "mount -t virtiofs data /mnt/data") &&
		   has(guest, "data  /mnt/data  virtiofs") &&
		   has(guest, "WinFsp"),
	       "done: mount command, fstab line, Windows note");

	wizard_restart(w);
	tap_ok(!w->applied && !w->tag && !w->dirty && STREQ(w->domain, "web"),
	       "done: another share starts afresh on the same domain");
	tap_is_int(wizard_share_set(w, "/srv/data", "data", false,
				    WIZ_CACHE_ALWAYS, DOMXML_UNSET),
		   0, "done: the same share again");
	wizard_backing_load(w);
	tap_ok(wizard_backing(w)->backing.kind == DOMXML_BACKING_KEEP,
	       "done: memory is shared now: kept");
	wizard_daemon_load(w);
	tap_ok(wizard_plan(w) == 0 && !w->plan_changes,
	       "review: the same choices again change nothing");
	tap_ok(wizard_apply(w) == 0 && has(w->done.v[0], "Nothing"),
	       "apply: applying it says nothing had to change");
}

static void
test_external_demo(void)
{
	AUTOPTR(virt_conn) c = demo_conn();
	AUTOPTR(wizard) w = demo_wizard(c);
	AUTOFREE char *now = NULL;

	wizard_domain_choose(w, "web");
	wizard_share_set(w, "/srv/data", "data", true, WIZ_CACHE_DEFAULT,
			 DOMXML_UNSET);
	wizard_backing_load(w);
	wizard_daemon_load(w);
	tap_is_int(wizard_apply(w), 0, "external: applied");
	tap_ok(has(w->daemon_result, "demo starts no daemon") &&
		   !w->daemon_failed,
	       "external: the demo starts no daemon and says so");
	now = wizard_definition_now(w);
	tap_ok(has(now, "web-data.sock"),
	       "external: the domain has the socket");
}

static void
test_file(void)
{
	AUTOFREE char *file = xasprintf("%s/file.xml", tmp);
	AUTOFREE char *bak = xasprintf("%s.bak", file);
	AUTOFREE char *cmd = xasprintf(
	    "cp '%s/tests/golden/share-memfd.in.xml' '%s'", srcdir, file);
	AUTOFREE char *xml = NULL;
	struct wiz_config cfg = {.root = demo_root, .xml_file = file,
				 .statedir = tmp};
	AUTOPTR(wizard) w = NULL;

	sh(cmd);
	w = wizard_new(&cfg);
	tap_is_int(w->nproblems, 0, "file: no libvirt is no problem");
	tap_is_int(wizard_domain_open(w, file), 0, "file: opened");
	tap_ok(!wizard_readonly_blocked(w),
	       "file: no libvirt version to refuse read-only");
	tap_is_int(wizard_share_set(w, "/srv/data", "data", true,
				    WIZ_CACHE_DEFAULT, DOMXML_UNSET),
		   0, "file: share taken");
	wizard_backing_load(w);
	wizard_daemon_load(w);
	tap_ok(wizard_apply(w) == 0, "file: applied to the file");
	xml = file_read(file, 1 << 20, NULL);
	tap_ok(has(xml, "<source dir='/srv/data'/>") && has(xml, "<readonly/>"),
	       "file: the file has the share, read-only");
	tap_ok(access(bak, F_OK) == 0, "file: the old one is FILE.bak");
}

/* ---- completion ---------------------------------------------------------- */

static void
test_complete(void)
{
	struct strlist m = {0};
	char *s;

	s = complete_path(demo_root, "/sr", true, &m);
	tap_is_str(s, "/srv/", "complete: a lone directory gets its '/'");
	free(s);
	s = complete_path(demo_root, "/srv/", true, &m);
	tap_ok(STREQ(s, "/srv/") && m.n == 2 && STREQ(m.v[0], "build/") &&
		   STREQ(m.v[1], "data/"),
	       "complete: two matches are listed, sorted");
	free(s);
	s = complete_path(demo_root, "/srv/build/", false, &m);
	tap_ok(STREQ(s, "/srv/build/README"), "complete: files when asked");
	free(s);
	s = complete_path(demo_root, "/srv/build/", true, &m);
	tap_ok(STREQ(s, "/srv/build/") && m.n == 0,
	       "complete: no files among directories");
	free(s);
	s = complete_path(demo_root, "/nowhere/x", true, &m);
	tap_is_str(s, "/nowhere/x", "complete: nothing to complete");
	free(s);
	s = complete_parent("/srv/data/");
	tap_is_str(s, "/srv", "complete: parent");
	free(s);
	s = complete_parent("/srv");
	tap_is_str(s, "/", "complete: parent of a top directory");
	free(s);
	tap_ok(complete_subdirs(demo_root, "/srv", false, &m) == 0 &&
		   m.n == 2 && STREQ(m.v[1], "data"),
	       "complete: the subdirectories of a directory");
	tap_is_int(complete_subdirs(demo_root, "/nowhere", false, &m), -1,
		   "complete: a missing directory");
	strlist_clear(&m);
}

int
main(void)
{
	AUTOFREE char *datadir = NULL, *cmd = NULL, *rundir = NULL;

	srcdir = getenv("top_srcdir");
	if (!srcdir)
		srcdir = ".";
	datadir = xasprintf("%s/templates", srcdir);
	setenv("VIRTSHARE_DATADIR", datadir, 1);
	demo_uri = xasprintf("test://%s/demo/node.xml", datadir);
	demo_root = xasprintf("%s/demo/host", datadir);
	if (!mkdtemp(tmp))
		return 1;
	rundir = xasprintf("%s/run", tmp);
	setenv("VIRTSHARE_RUNDIR", rundir, 1);
	setenv("VIRTSHARE_STATEDIR", tmp, 1);
	test_host();
	test_host_ours();
	test_order();
	test_domain();
	test_share();
	test_backing();
	test_pages();
	test_daemon();
	test_review_apply();
	test_live();
	test_external_demo();
	test_file();
	test_complete();
	cmd = xasprintf("rm -rf '%s'", tmp);
	sh(cmd);
	free(demo_uri);
	free(demo_root);
	vs_error_reset();
	return tap_done();
}
