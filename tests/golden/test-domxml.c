/* test-domxml.c: domain XML edits against golden files (REGENERATE=1) */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include <libvirt/libvirt.h>

#include "diff.h"
#include "domxml-priv.h"
#include "error.h"
#include "tap.h"

/*
 * One case: tests/golden/<op>-<name>.in.xml edited by the request gives
 * <op>-<name>.out.xml, or the error in <op>-<name>.err ("CODE\nmessage").
 * Request values are strings as a user types them; NULL leaves an option
 * out. Source directories are looked up below tests/data/golden-root.
 */
struct golden {
	const char *op; /* "share", "unshare", "record", "unrecord" or
			   "ports" */
	const char *name;
	const char *tag;
	const char *dir;
	const char *socket;
	const char *backing;     /* NULL: keep guest memory as it is */
	const char *queue;
	const char *binary;
	const char *xattr;       /* "on" or "off" */
	const char *cache;
	const char *sandbox;
	const char *lock_posix;
	const char *flock;
	const char *thread_pool;
	const char *openfiles;
	const char *idmap;
	const char *readonly;    /* "on" or "off" */
	const char *alias;
	const char *libvirt;     /* the connected libvirt; NULL: none */
	bool session;
	const char *schema;      /* the libvirt whose schema the output needs */
	/* record: the daemon options of virtshare's record (cache, xattr,
	 * readonly, sandbox and thread_pool above are reused). */
	const char *log_level;
	const char *socket_user;
	const char *socket_group;
	unsigned ports; /* ports: the spare root ports wanted */
};

#define DO_TEST(op_, name_, ...) {.op = op_, .name = name_, __VA_ARGS__}
#define SHARE(name_, ...) \
	DO_TEST("share", name_, .tag = "data", .dir = "/srv/data", __VA_ARGS__)

static const struct golden cases[] = {
	/* Every memory backing. */
	SHARE("memfd", .backing = "memfd"),
	SHARE("file", .backing = "file"),
	SHARE("hugepages", .backing = "hugepages"),
	SHARE("hugepages-2M", .backing = "hugepages:2M"),
	SHARE("hugepages-1G-nodeset", .backing = "hugepages:1G@0-1"),
	SHARE("hugepages-keep", .backing = "hugepages"),
	SHARE("hugepages-file-source", .backing = "hugepages:2M"),
	/* Only combinations libvirt accepts: no hugepages with memory
	 * allocated on demand, nodesets of pages that do not intersect;
	 * <nosharepages/>, <locked/> and <discard/> stay. */
	SHARE("hugepages-ondemand", .backing = "hugepages"),
	SHARE("hugepages-ondemand-threads", .backing = "hugepages:2M"),
	SHARE("hugepages-keeps-locked", .backing = "hugepages:2M"),
	SHARE("hugepages-nodeset-overlap", .backing = "hugepages:1G@1"),
	SHARE("hugepages-nodeset-same-nodes", .backing = "hugepages:1G@0-1"),
	SHARE("memfd-drops-hugepages", .backing = "memfd"),
	SHARE("memfd-existing-backing", .backing = "memfd"),
	SHARE("memfd-empty-backing", .backing = "memfd"),
	SHARE("memfd-access-private", .backing = "memfd"),
	SHARE("memfd-anonymous", .backing = "memfd"),
	SHARE("keep-shared"),
	/* NUMA cells: shared, private, inherited. */
	SHARE("numa-shared", .backing = "numa"),
	SHARE("numa-private", .backing = "numa"),
	SHARE("numa-inherited", .backing = "numa"),
	SHARE("numa-inherited-private", .backing = "numa"),
	SHARE("memfd-numa-private", .backing = "memfd"),
	SHARE("numa-no-cells", .backing = "numa"),
	SHARE("keep-private"),
	/* Every filesystem option. */
	SHARE("queue", .queue = "512"),
	SHARE("binary-xattr", .binary = "/usr/lib/qemu/virtiofsd",
	      .xattr = "on"),
	SHARE("no-xattr", .xattr = "off"),
	SHARE("cache-none", .cache = "none"),
	SHARE("cache-always", .cache = "always"),
	SHARE("sandbox", .sandbox = "chroot", .libvirt = "9.0.0"),
	SHARE("lock", .lock_posix = "on", .flock = "off"),
	SHARE("thread-pool", .thread_pool = "16", .libvirt = "9.0.0"),
	SHARE("thread-pool-zero", .thread_pool = "0"),
	SHARE("openfiles", .openfiles = "4096", .libvirt = "10.6.0",
	      .schema = "10.6.0"),
	SHARE("idmap", .idmap = "uid:0:100000:65536,gid:0:100000:65536",
	      .libvirt = "10.0.0", .schema = "10.0.0"),
	DO_TEST("share", "socket", .tag = "data",
		.socket = "/run/virtshare/data.sock"),
	SHARE("readonly", .readonly = "on", .libvirt = "11.0.0"),
	SHARE("alias", .alias = "ua-data"),
	SHARE("all-options", .backing = "memfd", .queue = "1024",
	      .binary = "/usr/libexec/virtshare-fsd", .xattr = "on",
	      .cache = "always", .sandbox = "namespace", .lock_posix = "on",
	      .flock = "on", .thread_pool = "8", .openfiles = "65536",
	      .idmap = "uid:0:100000:65536,gid:0:100000:65536",
	      .readonly = "on", .alias = "ua-data", .libvirt = "11.0.0",
	      .schema = "10.6.0"),
	/* Update, idempotence, layout. */
	SHARE("update-cache", .cache = "none"),
	SHARE("update-add-binary", .xattr = "on", .thread_pool = "4"),
	SHARE("update-readonly-off", .readonly = "off"),
	SHARE("idempotent", .queue = "1024",
	      .binary = "/usr/lib/qemu/virtiofsd", .xattr = "on",
	      .cache = "always", .lock_posix = "on", .flock = "on",
	      .readonly = "on", .alias = "ua-data"),
	SHARE("second"),
	DO_TEST("share", "same-dir-other-tag", .tag = "data2",
		.dir = "/srv/data"),
	SHARE("comments", .backing = "memfd"),
	SHARE("tabs", .backing = "memfd", .cache = "none"),
	SHARE("namespace-entities", .backing = "file"),
	SHARE("no-devices", .backing = "memfd"),
	SHARE("crlf", .backing = "memfd"),
	SHARE("bom", .backing = "memfd"),
	DO_TEST("share", "tag-36", .dir = "/srv/data",
		.tag = "abcdefghijklmnopqrstuvwxyz0123456789"),
	/* Every rule, checked before anything is written. */
	DO_TEST("share", "tag-empty", .tag = "", .dir = "/srv/data"),
	DO_TEST("share", "tag-too-long", .dir = "/srv/data",
		.tag = "abcdefghijklmnopqrstuvwxyz0123456789x"),
	DO_TEST("share", "tag-conflict", .tag = "data", .dir = "/srv/media"),
	DO_TEST("share", "tag-9p", .tag = "media", .dir = "/srv/media"),
	SHARE("tag-duplicate"),
	DO_TEST("share", "dir-relative", .tag = "data", .dir = "srv/data"),
	DO_TEST("share", "dir-missing", .tag = "data", .dir = "/srv/nothing"),
	DO_TEST("share", "dir-not-directory", .tag = "data",
		.dir = "/srv/file.txt"),
	DO_TEST("share", "socket-relative", .tag = "data",
		.socket = "data.sock"),
	SHARE("dir-and-socket", .socket = "/run/data.sock"),
	DO_TEST("share", "no-source", .tag = "data"),
	DO_TEST("share", "socket-binary-option", .tag = "data",
		.socket = "/run/data.sock", .cache = "always"),
	SHARE("queue-not-power-of-two", .queue = "1000"),
	SHARE("queue-too-big", .queue = "2048"),
	SHARE("cache-auto", .cache = "auto"),
	SHARE("sandbox-unknown", .sandbox = "jail"),
	SHARE("binary-relative", .binary = "virtiofsd"),
	SHARE("idmap-zero-count", .idmap = "uid:0:100000:0"),
	SHARE("alias-prefix", .alias = "data"),
	DO_TEST("share", "tag-control-char", .tag = "da\nta",
		.dir = "/srv/data"),
	DO_TEST("share", "alias-taken", .tag = "data2", .dir = "/srv/data",
		.alias = "ua-data"),
	SHARE("virtiofs-old", .libvirt = "6.1.0"),
	SHARE("sandbox-old", .sandbox = "chroot", .libvirt = "7.1.0"),
	DO_TEST("share", "socket-old", .tag = "data",
		.socket = "/run/data.sock", .libvirt = "7.2.0"),
	SHARE("thread-pool-old", .thread_pool = "16", .libvirt = "8.4.0"),
	SHARE("idmap-old", .idmap = "uid:0:100000:65536", .libvirt = "9.0.0"),
	SHARE("openfiles-old", .openfiles = "4096", .libvirt = "9.0.0"),
	SHARE("readonly-old", .readonly = "on", .libvirt = "10.9.0"),
	SHARE("session-old", .libvirt = "9.0.0", .session = true),
	SHARE("memobject-old", .backing = "memfd", .libvirt = "6.8.0"),
	SHARE("nodeset-no-cells", .backing = "hugepages:2M@0"),
	SHARE("nodeset-no-size", .backing = "hugepages:@0"),
	SHARE("nodeset-unknown-node", .backing = "hugepages:2M@0-2"),
	SHARE("bad-backing", .backing = "hugepages:2X"),
	SHARE("bad-xml", .backing = "memfd"),
	/* Optional elements and attributes that a domain may leave out. */
	SHARE("fs-no-target-socket"),
	SHARE("fs-no-target-dir"),
	SHARE("fs-no-source-repair"),
	SHARE("fs-no-source-other"),
	SHARE("hugepages-cells-no-id", .backing = "hugepages:2M@0"),
	SHARE("not-domain", .backing = "memfd"),
	/* Removing. */
	DO_TEST("unshare", "one", .tag = "data"),
	DO_TEST("unshare", "first-of-two", .tag = "data"),
	DO_TEST("unshare", "with-options", .tag = "data"),
	DO_TEST("unshare", "missing", .tag = "photos"),
	DO_TEST("unshare", "9p", .tag = "media"),
	DO_TEST("unshare", "comments", .tag = "data"),
	DO_TEST("unshare", "fs-no-source", .tag = "data"),
	/* virtshare's records in <metadata>: the directory and the options
	 * of the daemon it runs for a <source socket> share. */
	DO_TEST("record", "new", .tag = "data", .dir = "/srv/data",
		.cache = "auto", .xattr = "on", .thread_pool = "4",
		.socket_group = "kvm"),
	DO_TEST("record", "existing-metadata", .tag = "data",
		.dir = "/srv/data"),
	DO_TEST("record", "empty-metadata", .tag = "data", .dir = "/srv/data",
		.readonly = "on"),
	DO_TEST("record", "same", .tag = "data", .dir = "/srv/data",
		.cache = "auto"),
	DO_TEST("record", "second", .tag = "logs", .dir = "/srv/media",
		.sandbox = "chroot", .log_level = "debug"),
	DO_TEST("record", "update", .tag = "data", .dir = "/srv/data",
		.cache = "always", .socket_user = "qemu"),
	DO_TEST("record", "prefix", .tag = "data", .dir = "/srv/data"),
	DO_TEST("record", "control-char", .tag = "data", .dir = "/srv/a\tb"),
	DO_TEST("record", "no-tag", .tag = "data", .dir = "/srv/data"),
	DO_TEST("unrecord", "one", .tag = "data"),
	DO_TEST("unrecord", "keeps-other", .tag = "data"),
	DO_TEST("unrecord", "last-keeps-metadata", .tag = "data"),
	DO_TEST("unrecord", "missing", .tag = "data"),
	/* Spare pcie-root-ports when none is free (some-free has two, and one
	 * switched off: nothing): indexes after every PCI controller's, no
	 * address (libvirt's to give), the controllers there untouched. */
	DO_TEST("ports", "none-free", .ports = 4),
	DO_TEST("ports", "some-free", .ports = 4),
	/* A free port with hot-plug off does not count. */
	DO_TEST("ports", "hotplug-off", .ports = 4),
	DO_TEST("ports", "enough", .ports = 4),
	DO_TEST("ports", "new-share", .ports = 1),
	DO_TEST("ports", "tabs", .ports = 2),
	DO_TEST("ports", "i440fx", .ports = 4),
};

static const char *srcdir;
static char *root;
static unsigned long installed_libvirt;

static unsigned long
version_parse(const char *s)
{
	unsigned a = 0, b = 0, c = 0;

	if (!s || sscanf(s, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return a * 1000000UL + b * 1000UL + c;
}

static enum domxml_switch
sw(const char *s)
{
	return !s ? DOMXML_UNSET : STREQ(s, "on") ? DOMXML_ON : DOMXML_OFF;
}

/* The request of a case; -1 when a value is refused (reported). */
static int
request(const struct golden *g, struct domxml_share *r)
{
	uint64_t v;

	domxml_share_init(r);
	r->tag = g->tag ? xstrdup(g->tag) : NULL;
	r->dir = g->dir ? xstrdup(g->dir) : NULL;
	r->socket = g->socket ? xstrdup(g->socket) : NULL;
	r->binary = g->binary ? xstrdup(g->binary) : NULL;
	r->cache = g->cache ? xstrdup(g->cache) : NULL;
	r->sandbox = g->sandbox ? xstrdup(g->sandbox) : NULL;
	r->alias = g->alias ? xstrdup(g->alias) : NULL;
	r->xattr = sw(g->xattr);
	r->lock_posix = sw(g->lock_posix);
	r->flock = sw(g->flock);
	r->readonly = sw(g->readonly);
	if (g->queue && str_to_u64(g->queue, &v) == 0)
		r->queue = (unsigned)v;
	if (g->thread_pool)
		r->thread_pool = atoi(g->thread_pool);
	if (g->openfiles && str_to_u64(g->openfiles, &v) == 0)
		r->openfiles = v;
	if (g->idmap && domxml_idmap_parse(g->idmap, r) < 0)
		return -1;
	return 0;
}

static char *
dup0(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* A record or unrecord case on d. */
static char *
run_record(const struct golden *g, struct domxml *d, struct strlist *notes)
{
	struct domxml_record r = {
		.tag = dup0(g->tag),
		.dir = dup0(g->dir),
		.cache = dup0(g->cache),
		.xattr = dup0(g->xattr),
		.readonly = dup0(g->readonly),
		.sandbox = dup0(g->sandbox),
		.thread_pool = dup0(g->thread_pool),
		.log_level = dup0(g->log_level),
		.socket_user = dup0(g->socket_user),
		.socket_group = dup0(g->socket_group),
	};
	int rc = 0;

	if (STREQ(g->op, "record"))
		rc = domxml_record_set(d, &r, notes);
	else
		domxml_record_remove(d, g->tag, notes);
	domxml_record_clear(&r);
	return rc < 0 ? NULL : domxml_format(d);
}

/*
 * Apply the case to xml: the new text (caller frees) or NULL (reported).
 * Notes and warnings are added to the lists.
 */
static char *
run(const struct golden *g, const char *xml, const char *what,
    struct strlist *notes, struct strlist *warnings)
{
	AUTOPTR(domxml) d = NULL;
	struct domxml_share r;
	struct domxml_backing b = {.kind = DOMXML_BACKING_KEEP};
	struct domxml_env env = {
		.libvirt_version = version_parse(g->libvirt),
		.session = g->session,
		.root = root,
	};
	char *out = NULL;

	if (!(d = domxml_parse(xml, what)))
		return NULL;
	if (STREQ(g->op, "record") || STREQ(g->op, "unrecord"))
		return run_record(g, d, notes);
	if (STREQ(g->op, "ports")) {
		unsigned added;

		if (domxml_root_ports_add(d, g->ports, &added, notes) == 0)
			out = domxml_format(d);
		return out;
	}
	if (STREQ(g->op, "unshare")) {
		if (domxml_share_remove(d, g->tag, notes) == 0)
			out = domxml_format(d);
		return out;
	}
	if (request(g, &r) < 0)
		goto out;
	if (g->backing && domxml_backing_parse(g->backing, &b) < 0)
		goto out;
	if (domxml_backing_set(d, &b, &env, notes) < 0 ||
	    domxml_share_set(d, &r, &env, notes, warnings) < 0 ||
	    domxml_check_shared(d) < 0)
		goto out;
	out = domxml_format(d);
out:
	domxml_share_clear(&r);
	domxml_backing_clear(&b);
	return out;
}

static bool
regenerate(void)
{
	const char *r = getenv("REGENERATE");

	return r && *r;
}

static int
validate(const char *path)
{
	const char *tool = getenv("VIRT_XML_VALIDATE");
	char *argv[] = {(char *)tool, (char *)path, (char *)"domain", NULL};

	return run_capture(argv, 30000, 1 << 16, NULL);
}

static void
check_golden(const char *label, const char *path, const char *got)
{
	AUTOFREE char *want = NULL;

	if (regenerate()) {
		file_write_atomic(path, got, strlen(got), 0644);
		tap_ok(true, "%s # regenerated", label);
		return;
	}
	want = file_read(path, 1 << 20, NULL);
	if (!tap_ok(want && STREQ(want, got), "%s", label)) {
		if (!want)
			tap_diag("  missing %s (run REGENERATE=1 make check)",
				 path);
		else
			tap_diag("  got:\n%s", got);
	}
}

/*
 * The output passes the schema. An input that libvirt itself refuses (a
 * case of what virtshare must survive) cannot give an output that
 * passes: virtshare leaves such elements as they are and warns.
 */
static void
check_valid(const struct golden *g, const char *label, const char *path,
	    const char *in_path)
{
	const char *tool = getenv("VIRT_XML_VALIDATE");

	if (!tool || !*tool)
		tap_skip(1, "virt-xml-validate is not installed");
	else if (validate(path) != 0 && validate(in_path) != 0)
		printf("ok %d - %s: virt-xml-validate # SKIP the input does not "
		       "pass either\n",
		       ++tap_n, label);
	else if (version_parse(g->schema) > installed_libvirt)
		printf("ok %d - %s: virt-xml-validate # SKIP the output needs "
		       "libvirt %s's schema, this host has an older one\n",
		       ++tap_n, label, g->schema);
	else
		tap_ok(validate(path) == 0,
		       "%s: virt-xml-validate FILE domain passes", label);
}

/*
 * Everything the engine reads from a document, as the plan does after a
 * define (domain_verify): every optional element or attribute may be
 * missing, and no reading may crash. Compared with itself, a document
 * has no difference.
 */
static void
check_reading(const char *label, const char *which, const char *xml)
{
	AUTOPTR(domxml) a = domxml_parse(xml, label);
	AUTOPTR(domxml) b = domxml_parse(xml, label);
	struct domxml_share *s = NULL;
	struct domxml_record *r = NULL;
	struct domxml_memory m;
	struct strlist diffs = {0};
	AUTOFREE char *why = NULL;
	size_t n;

	if (!a || !b) {
		vs_error_reset();
		return;
	}
	n = domxml_shares(a, &s);
	domxml_shares_free(s, n);
	n = domxml_records(a, &r);
	domxml_records_free(r, n);
	domxml_memory(a, &m);
	domxml_memory_shared(&m, &why);
	domxml_memory_for_nodes(&m, m.npages ? m.pages[0].nodeset : NULL);
	domxml_memory_clear(&m);
	domxml_check_shared(a);
	vs_error_reset();
	if (!tap_ok(domxml_compare(a, b, &diffs) == 0,
		    "%s: the %s compared with itself has no difference", label,
		    which))
		tap_diag("  said: %s", diffs.v[0]);
	strlist_clear(&diffs);
}

static void
test_case(const struct golden *g)
{
	AUTOFREE char *base = xasprintf("%s/tests/golden/%s-%s", srcdir, g->op,
					g->name);
	AUTOFREE char *in_path = xasprintf("%s.in.xml", base);
	AUTOFREE char *out_path = xasprintf("%s.out.xml", base);
	AUTOFREE char *err_path = xasprintf("%s.err", base);
	AUTOFREE char *label = xasprintf("%s-%s", g->op, g->name);
	AUTOFREE char *what = xasprintf("%s.in.xml", label);
	AUTOFREE char *in = file_read(in_path, 1 << 20, NULL);
	AUTOFREE char *out = NULL, *again = NULL;
	struct strlist notes = {0}, warnings = {0};
	AUTOPTR(domxml) d = NULL;

	if (!tap_ok(in != NULL, "%s: read the input", label))
		return;
	/* Untouched, the document is written back byte for byte. */
	if ((d = domxml_parse(in, what))) {
		AUTOFREE char *same = domxml_format(d);

		tap_ok(domxml_exact(d) && STREQ(same, in),
		       "%s: written back unchanged, byte for byte", label);
	}
	check_reading(label, "input", in);
	vs_error_reset();
	out = run(g, in, what, &notes, &warnings);
	strlist_clear(&notes);
	strlist_clear(&warnings);
	if (!out) {
		AUTOFREE char *err = xasprintf(
		    "%s\n%s\n", vs_error_name(vs_error_code()),
		    vs_error_message());
		AUTOFREE char *l = xasprintf("%s: refused as in .err", label);

		check_golden(l, err_path, err);
		if (regenerate())
			unlink(out_path);
		return;
	}
	{
		AUTOFREE char *l = xasprintf("%s: as in .out.xml", label);

		check_golden(l, out_path, out);
		if (regenerate())
			unlink(err_path);
	}
	check_reading(label, "output", out);
	check_valid(g, label, out_path, in_path);
	/* The same request again changes nothing and says nothing. */
	if (STREQ(g->op, "share") || STREQ(g->op, "record") ||
	    STREQ(g->op, "ports")) {
		again = run(g, out, what, &notes, &warnings);
		tap_ok(again && STREQ(again, out) && notes.n == 0,
		       "%s: a second time changes nothing", label);
		if (again && notes.n)
			tap_diag("  said: %s", notes.v[0]);
		strlist_clear(&notes);
		strlist_clear(&warnings);
	}
}

static void
test_reading(void)
{
	AUTOFREE char *path = xasprintf(
	    "%s/tests/golden/share-idempotent.in.xml", srcdir);
	AUTOFREE char *xml = file_read(path, 1 << 20, NULL);
	AUTOPTR(domxml) d = domxml_parse(xml, path);
	struct domxml_share *s = NULL;
	struct domxml_memory m;
	size_t n = domxml_shares(d, &s);
	AUTOFREE char *why = NULL;

	tap_is_int(n, 1, "shares: one share read");
	tap_ok(n == 1 && STREQ(s[0].tag, "data") &&
	       STREQ(s[0].dir, "/srv/data") && s[0].queue == 1024 &&
	       STREQ(s[0].binary, "/usr/lib/qemu/virtiofsd") &&
	       s[0].xattr == DOMXML_ON && STREQ(s[0].cache, "always") &&
	       s[0].lock_posix == DOMXML_ON && s[0].flock == DOMXML_ON &&
	       s[0].thread_pool == -1 && s[0].openfiles == 0 &&
	       s[0].readonly == DOMXML_ON && STREQ(s[0].alias, "ua-data"),
	       "shares: every option read");
	domxml_shares_free(s, n);
	domxml_memory(d, &m);
	tap_ok(m.memory_kib == 2097152 && STREQ(m.source, "memfd") &&
	       STREQ(m.access, "shared") && !m.hugepages && m.ncells == 0 &&
	       domxml_memory_shared(&m, NULL),
	       "memory: memfd, shared, 2 GiB, no cells");
	domxml_memory_clear(&m);

	free(xml);
	free(path);
	path = xasprintf("%s/tests/golden/share-numa-private.in.xml", srcdir);
	xml = file_read(path, 1 << 20, NULL);
	domxml_free(d);
	d = domxml_parse(xml, path);
	domxml_memory(d, &m);
	tap_ok(m.ncells == 2 && m.cells[1].memory_kib == 2097152 &&
	       STREQ(m.cells[1].mem_access, "private") &&
	       !domxml_memory_shared(&m, &why),
	       "memory: two cells, one private, not shared");
	tap_is_str(why, "guest NUMA cell 1 has memAccess='private'",
		   "memory: the reason names the private cell");
	domxml_memory_clear(&m);
}

/* Records: read in any prefix, compared after a define, round trip. */
static void
test_records(void)
{
	AUTOFREE char *path = xasprintf("%s/tests/golden/record-prefix.in.xml",
					srcdir);
	AUTOFREE char *orig = file_read(path, 1 << 20, NULL);
	AUTOFREE char *with = NULL, *back = NULL;
	AUTOPTR(domxml) d = domxml_parse(orig, path);
	AUTOPTR(domxml) d2 = NULL;
	struct domxml_record *r = NULL;
	struct domxml_record add = {.tag = xstrdup("data"),
				    .dir = xstrdup("/srv/data"),
				    .cache = xstrdup("none")};
	struct strlist notes = {0}, diffs = {0};
	size_t n = domxml_records(d, &r);

	tap_ok(n == 1 && STREQ(r[0].tag, "logs") &&
	       STREQ(r[0].dir, "/srv/media") && !r[0].cache,
	       "records: read under another prefix of the namespace");
	domxml_records_free(r, n);
	tap_ok(domxml_record_set(d, &add, &notes) == 0 && notes.n == 1,
	       "records: a second one added, with a note");
	with = domxml_format(d);
	d2 = domxml_parse(orig, path);
	tap_ok(domxml_compare(d, d2, &diffs) == 1 &&
	       strstr(diffs.v[0], "'data'"),
	       "records: a record libvirt did not keep is a difference");
	strlist_clear(&diffs);
	tap_ok(domxml_compare(d2, d, &diffs) == 1 &&
	       strstr(diffs.v[0], "still"),
	       "records: a record left behind is a difference");
	strlist_clear(&diffs);
	tap_ok(domxml_record_remove(d, "data", &notes) &&
	       !domxml_record_remove(d, "data", &notes),
	       "records: removed once, then there is none");
	back = domxml_format(d);
	tap_ok(STREQ(back, orig), "records: add then remove gives back the "
				  "document byte for byte");
	domxml_record_clear(&add);
	strlist_clear(&notes);
}

/*
 * After a define the plan compares what it wrote with what libvirt kept
 * (domain_verify): a <filesystem> without <target dir> next to a share
 * with one must neither crash that nor count as a difference.
 */
static void
test_compare_no_target(void)
{
	AUTOFREE char *path = xasprintf(
	    "%s/tests/golden/share-fs-no-target-socket.in.xml", srcdir);
	AUTOFREE char *xml = file_read(path, 1 << 20, NULL);
	AUTOFREE char *with = NULL;
	AUTOPTR(domxml) want = NULL;
	AUTOPTR(domxml) got = NULL;
	AUTOPTR(domxml) plain = NULL;
	struct strlist diffs = {0};
	const char *fs = "    <filesystem type='mount' accessmode='passthrough'>\n"
			 "      <driver type='virtiofs'/>\n"
			 "      <source dir='/srv/data'/>\n"
			 "      <target dir='data'/>\n"
			 "    </filesystem>\n";
	char *at_ = xml ? strstr(xml, "    <console") : NULL;

	if (!tap_ok(at_ != NULL, "compare: the fixture has a <console>"))
		return;
	*at_ = '\0';
	with = xasprintf("%s%s%s", xml, fs, at_ + 1);
	*at_ = ' ';
	want = domxml_parse(with, "want");
	got = domxml_parse(with, "got");
	tap_is_int(domxml_compare(want, got, &diffs), 0,
		   "compare: a share without a mount tag next to one with a "
		   "tag: no difference");
	strlist_clear(&diffs);
	plain = domxml_parse(xml, "plain");
	tap_ok(domxml_compare(want, plain, &diffs) == 1 &&
	       strstr(diffs.v[0], "'data'"),
	       "compare: the tagged share that was not kept is the one "
	       "difference");
	strlist_clear(&diffs);
}

/* path's text with n disks (and a comment each) before its <console>. */
static char *
with_disks(const char *path, size_t n)
{
	AUTOFREE char *xml = file_read(path, 1 << 20, NULL);
	char *at_ = xml ? strstr(xml, "    <console") : NULL;
	struct strbuf sb = STRBUF_INIT;

	if (!at_)
		return NULL;
	sb_addn(&sb, xml, (size_t)(at_ - xml));
	for (size_t i = 0; i < n; i++)
		sb_printf(&sb,
			  "    <!-- disk %zu -->\n"
			  "    <disk type='file' device='disk'>\n"
			  "      <driver name='qemu' type='qcow2'/>\n"
			  "      <source file='/var/lib/libvirt/images/d%zu.qcow2'/>\n"
			  "      <target dev='vd%zu' bus='virtio'/>\n"
			  "    </disk>\n",
			  i, i, i);
	sb_add(&sb, at_);
	return sb_steal(&sb);
}

static long
peak_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

/*
 * A domain of tens of thousands of devices (some are megabytes) costs
 * memory for what virtshare reads, not for the whole document: parsing,
 * sharing, writing, the diff and the read-back compare (two more parses)
 * of an 8 MB domain peak under 10 times its size, texts included (one
 * whole libxml2 tree of it took 15), and the edit is the same as on the
 * small domain.
 */
static void
test_large(void)
{
	AUTOFREE char *in_path = xasprintf("%s/tests/golden/share-memfd.in.xml",
					   srcdir);
	AUTOFREE char *out_path = xasprintf(
	    "%s/tests/golden/share-memfd.out.xml", srcdir);
	const size_t ndisks = 40000;
	AUTOFREE char *big = with_disks(in_path, ndisks);
	AUTOFREE char *out = NULL, *diff = NULL, *want_text = NULL;
	AUTOPTR(domxml) d = NULL;
	AUTOPTR(domxml) want = NULL;
	AUTOPTR(domxml) got = NULL;
	struct domxml_share r;
	struct domxml_backing b;
	struct domxml_env env = {.root = root};
	struct strlist notes = {0}, diffs = {0};
	long kib = big ? (long)(strlen(big) >> 10) : 0;
	long before = peak_kib(), grew;

	if (!tap_ok(big && kib >= 8 << 10, "large: an 8 MB domain (%ld KiB)",
		    kib))
		return;
	domxml_share_init(&r);
	r.tag = xstrdup("data");
	r.dir = xstrdup("/srv/data");
	d = domxml_parse(big, "large.xml");
	tap_ok(d && domxml_exact(d) &&
	       domxml_backing_parse("memfd", &b) == 0 &&
	       domxml_backing_set(d, &b, &env, &notes) == 0 &&
	       domxml_share_set(d, &r, &env, &notes, &notes) == 0,
	       "large: shared");
	out = d ? domxml_format(d) : xstrdup("");
	domxml_free(steal_ptr(d));
	diff = diff_unified(big, out, "a", "b", 3);
	want = domxml_parse(out, "want");
	got = domxml_parse(out, "got");
	tap_ok(want && got && domxml_compare(want, got, &diffs) == 0,
	       "large: compared with itself, no difference");
	grew = peak_kib() - before;
#ifdef __SANITIZE_ADDRESS__
	tap_skip(1, "memory is not measured under AddressSanitizer");
#else
	if (!tap_ok(grew < 10 * kib,
		    "large: peak memory under 10 times the document"))
		tap_diag("  grew by %ld KiB for %ld KiB", grew, kib);
#endif
	domxml_free(steal_ptr(want));
	domxml_free(steal_ptr(got));
	want_text = with_disks(out_path, ndisks);
	tap_ok(want_text && STREQ(out, want_text),
	       "large: the same edit as on the small domain");
	tap_ok(strstr(diff, "<source type='memfd'/>") &&
	       strstr(diff, "<target dir='data'/>") && strlen(diff) < 2000,
	       "large: the diff shows the edit only");
	domxml_share_clear(&r);
	domxml_backing_clear(&b);
	strlist_clear(&notes);
	strlist_clear(&diffs);
}

/* Keeping guest memory is asked for by name: a zeroed backing is none. */
static void
test_backing_unset(void)
{
	AUTOFREE char *path = xasprintf("%s/tests/golden/share-memfd.in.xml",
					srcdir);
	AUTOFREE char *xml = file_read(path, 1 << 20, NULL);
	AUTOPTR(domxml) d = xml ? domxml_parse(xml, path) : NULL;
	struct domxml_backing zero = {0};
	struct domxml_backing keep = {.kind = DOMXML_BACKING_KEEP};
	struct domxml_env env = {0};
	struct strlist notes = {0};

	tap_ok(d && domxml_backing_set(d, &zero, &env, &notes) < 0 &&
		   vs_error_code() == VS_ERR_INVALID,
	       "backing: a zeroed backing is refused, not taken as keep");
	vs_error_reset();
	tap_ok(d && domxml_backing_set(d, &keep, &env, &notes) == 0,
	       "backing: keep is taken");
	tap_is_str(domxml_backing_name(DOMXML_BACKING_KEEP), "keep",
		   "backing: keep has its name");
	strlist_clear(&notes);
}

static void
test_backing_parse(void)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: refused */
	} specs[] = {
		{"memfd", "memfd"}, {"file", "file"}, {"numa", "numa"},
		{"hugepages", "hugepages"}, {"hugepages:2M", "hugepages:2M"},
		{"hugepages:1G@0-1", "hugepages:1G@0-1"},
		{"hugepages:2048", "hugepages:2M"},
		{"hugepages:@0", "hugepages:@0"}, {"keep", NULL},
		{"hugepages:", NULL}, {"hugepages:0", NULL},
		{"hugepages2M", NULL}, {"hugepages:2M@", NULL},
		{"hugepages:2M@a", NULL}, {"memfd:2M", NULL}, {"", NULL},
	};

	for (size_t i = 0; i < ARRAY_SIZE(specs); i++) {
		struct domxml_backing b;
		AUTOFREE char *s = NULL;

		if (domxml_backing_parse(specs[i].in, &b) == 0)
			s = domxml_backing_str(&b);
		tap_is_str(s, specs[i].out, "backing '%s'", specs[i].in);
		domxml_backing_clear(&b);
	}
}

static void
test_idmap_parse(void)
{
	struct domxml_share s;

	domxml_share_init(&s);
	tap_ok(domxml_idmap_parse("uid:0:1000:1,gid:5:2000:10", &s) == 0 &&
	       s.nuid == 1 && s.ngid == 1 && s.uid[0].target == 1000 &&
	       s.gid[0].start == 5 && s.gid[0].count == 10,
	       "idmap: uid and gid ranges");
	tap_ok(domxml_idmap_parse("uid:0:1000", &s) < 0 &&
	       domxml_idmap_parse("pid:0:1:2", &s) < 0 &&
	       domxml_idmap_parse("uid:0:1:2:3", &s) < 0 &&
	       domxml_idmap_parse("uid:-1:1:2", &s) < 0 &&
	       domxml_idmap_parse("", &s) < 0 &&
	       vs_error_code() == VS_ERR_INVALID,
	       "idmap: malformed ranges are refused");
	domxml_share_clear(&s);
}

/*
 * Devices virtshare reads are kept whole when a document is parsed: an
 * agent channel already there is found (it was an opaque device, and a
 * second channel was added), and so are the PCI controllers and the
 * addresses domxml_root_ports_add() counts.
 */
static void
test_parsed_devices(void)
{
	static const char xml[] =
	    "<domain type='kvm'>\n"
	    "  <name>vm</name>\n"
	    "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
	    "  <devices>\n"
	    "    <controller type='pci' index='0' model='pcie-root'/>\n"
	    "    <controller type='pci' index='1' model='pcie-root-port'/>\n"
	    "    <disk type='file' device='disk'>\n"
	    "      <target dev='vda' bus='virtio'/>\n"
	    "      <address type='pci' bus='0x01' slot='0x00'/>\n"
	    "    </disk>\n"
	    "    <channel type='unix'>\n"
	    "      <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
	    "    </channel>\n"
	    "  </devices>\n"
	    "</domain>\n";
	AUTOPTR(domxml) d = domxml_parse(xml, "devices.xml");
	AUTOFREE char *out = NULL;
	struct strlist notes = {0};
	unsigned added = 9;

	tap_ok(d && domxml_agent_add(d, "org.qemu.guest_agent.0", &notes) == 0 &&
		   notes.n == 0,
	       "agent channel: one there is found, none added");
	strlist_clear(&notes);
	tap_ok(d && domxml_root_ports_add(d, 2, &added, &notes) == 0 &&
		   added == 2,
	       "root ports: the one there is taken by the disk's address");
	out = d ? domxml_format(d) : NULL;
	tap_ok(out && strstr(out, "index='2' model='pcie-root-port'") &&
		   strstr(out, "index='3' model='pcie-root-port'"),
	       "root ports: indexes 2 and 3");
	strlist_clear(&notes);
}

int
main(void)
{
	AUTOFREE char *datadir = NULL;

	srcdir = getenv("top_srcdir");
	if (!srcdir)
		srcdir = ".";
	root = xasprintf("%s/tests/data/golden-root", srcdir);
	datadir = xasprintf("%s/templates", srcdir);
	setenv("VIRTSHARE_DATADIR", datadir, 0);
	if (virGetVersion(&installed_libvirt, NULL, NULL) < 0)
		installed_libvirt = 0;
	/* First: it measures the peak memory of the process. */
	test_large();
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		test_case(&cases[i]);
	test_reading();
	test_parsed_devices();
	test_records();
	test_compare_no_target();
	test_backing_parse();
	test_backing_unset();
	test_idmap_parse();
	free(root);
	vs_error_reset();
	return tap_done();
}
