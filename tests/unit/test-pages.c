/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-pages.c: hugepage arithmetic, refusals, rollback, persistence */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "pages-priv.h"
#include "tap.h"

#define KIB_2M 2048
#define KIB_1G (1024 * 1024)

/* pages_need() with qemu.conf read below the host's root, as a caller
 * that holds the inspection passes it. */
static int
need(const struct host_info *h, uint64_t mem, uint64_t size,
     const char *nodeset, struct pages_need *out)
{
	struct qemu_settings q;
	AUTOFREE char *error = NULL;
	int ret;

	memset(&q, 0, sizeof(q));
	if (h->root && qemu_settings_read(h->root, &q) < 0) {
		error = xstrdup(vs_error_message());
		vs_error_reset();
	}
	ret = pages_need(h, &q, error, mem, size, nodeset, out);
	qemu_settings_clear(&q);
	return ret;
}

static char *
fixture(const char *name)
{
	const char *src = getenv("top_srcdir");

	return xasprintf("%s/tests/data/hosts/%s", src ? src : ".", name);
}

static void
sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
sh(const char *fmt, ...)
{
	AUTOFREE char *cmd = NULL;
	va_list ap;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		tap_diag("command failed: %s", cmd);
		abort();
	}
}

/* A writable copy of a fixture host (caller removes it with rm -rf). */
static char *
copy_fixture(const char *name)
{
	char tmpl[] = "/tmp/vs-pages-XXXXXX";
	AUTOFREE char *src = fixture(name);
	char *dir;

	if (!mkdtemp(tmpl))
		abort();
	dir = xasprintf("%s/%s", tmpl, name);
	sh("cp -RL '%s' '%s' && chmod -R u+w '%s'", src, dir, dir);
	return dir;
}

static void
remove_copy(const char *dir)
{
	AUTOFREE char *parent = xstrdup(dir);

	*strrchr(parent, '/') = '\0';
	sh("rm -rf '%s'", parent);
}

static uint64_t
read_count(const char *root, int node, uint64_t size_kib)
{
	uint64_t v = HOST_UNKNOWN;

	if (host_pool_get(root, node, size_kib, &v) < 0)
		tap_diag("%s", vs_error_message());
	return v;
}

static bool
has(const char *s, const char *part)
{
	bool found = s && strstr(s, part);

	if (!found)
		tap_diag("  '%s' not in '%s'", part, s ? s : "(null)");
	return found;
}

static bool
failed_with(int rc, enum vs_code code)
{
	bool ok = rc == -1 && vs_error_code() == code;

	if (!ok)
		tap_diag("  rc %d, code %s: %s", rc,
			 vs_error_name(vs_error_code()), vs_error_message());
	return ok;
}

/* ---- sizes ---------------------------------------------------------------- */

static void
test_sizes(void)
{
	AUTOFREE char *root = fixture("numa-server");
	AUTOPTR(host_info) h = host_read(root, 0);
	static const struct {
		const char *in;
		uint64_t kib;
	} good[] = {
		{"2M", KIB_2M},	   {"2048K", KIB_2M},	{"2048k", KIB_2M},
		{"2048", KIB_2M},  {"2MiB", KIB_2M},	{"1G", KIB_1G},
		{"1024M", KIB_1G}, {"1048576", KIB_1G},
	};
	static const char *const bad[] = {"", "M", "2X", "-2M", "0", "2 M"};
	uint64_t kib;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		tap_ok(pages_size_parse(h, good[i].in, &kib) == 0 &&
			   kib == good[i].kib,
		       "size '%s' is %llu KiB", good[i].in,
		       (unsigned long long)good[i].kib);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		tap_ok(failed_with(pages_size_parse(h, bad[i], &kib),
				   VS_ERR_INVALID),
		       "size '%s' refused as not a size", bad[i]);
	tap_ok(failed_with(pages_size_parse(h, "4M", &kib),
			   VS_ERR_UNSUPPORTED) &&
		   has(vs_error_message(), "does not offer 4M") &&
		   has(vs_error_message(), "it offers 2M, 1G"),
	       "size not offered: refused, naming the sizes that are");
}

static void
test_no_hugepages(void)
{
	char tmpl[] = "/tmp/vs-pages-XXXXXX";
	AUTOPTR(host_info) h = NULL;
	struct pages_need n;
	uint64_t kib;

	if (!mkdtemp(tmpl))
		abort();
	sh("mkdir -p %s/proc && echo 'MemTotal: 1000 kB' > %s/proc/meminfo",
	   tmpl, tmpl);
	h = host_read(tmpl, 0);
	tap_ok(failed_with(pages_size_parse(h, "2M", &kib),
			   VS_ERR_UNSUPPORTED) &&
		   has(vs_error_message(), "no hugepages at all"),
	       "a kernel without hugetlb: every size refused");
	tap_ok(need(h, 1024, KIB_2M, NULL, &n) == 0 &&
		   !n.size_offered && !n.ok &&
		   has(n.reason, "no hugepages at all"),
	       "need: no hugetlb is a fact, not an error");
	pages_need_clear(&n);
	sh("rm -rf %s", tmpl);
}

/* ---- what a guest needs --------------------------------------------------- */

static void
test_need_arithmetic(void)
{
	AUTOFREE char *root = fixture("numa-server");
	AUTOPTR(host_info) h = host_read(root, 0);
	struct pages_need n;

	tap_ok(need(h, 4 * 1024 * 1024, KIB_2M, NULL, &n) == 0 &&
		   n.pages == 2048 && n.size_offered && n.total == 4096 &&
		   n.free == 2560 && n.enough && n.mount_checked &&
		   n.mount && STREQ(n.mount, "/dev/hugepages") &&
		   n.qemu_conf_agrees && n.ok && !n.reason,
	       "4G guest in 2M pages: 2048 of 2560 (free less reserved)");
	pages_need_clear(&n);
	tap_ok(need(h, 4097, KIB_2M, NULL, &n) == 0 && n.pages == 3,
	       "4097 KiB needs 3 pages of 2M (rounded up)");
	pages_need_clear(&n);
	tap_ok(need(h, 4096, KIB_2M, NULL, &n) == 0 && n.pages == 2,
	       "4096 KiB needs exactly 2 pages");
	pages_need_clear(&n);
	tap_ok(need(h, 6 * 1024 * 1024, KIB_2M, NULL, &n) == 0 &&
		   n.pages == 3072 && !n.enough && !n.ok &&
		   has(n.reason, "needs 3072 pages of 2M (6G)") &&
		   has(n.reason, "only 2560 are free") &&
		   has(n.reason, "virtshare pages alloc 2M 512 --add"),
	       "6G guest: short by 512, says how to add them");
	pages_need_clear(&n);
	tap_ok(need(h, 4 * 1024 * 1024, KIB_2M, "0", &n) == 0 &&
		   n.free == 1024 && n.total == 2048 && !n.enough &&
		   has(n.reason, "on NUMA node(s) 0") &&
		   has(n.reason, "--node N"),
	       "nodeset 0: only node 0's free pages count");
	pages_need_clear(&n);
	tap_ok(need(h, 4 * 1024 * 1024, KIB_2M, "1", &n) == 0 &&
		   n.free == 2048 && n.enough && n.ok,
	       "nodeset 1: enough");
	pages_need_clear(&n);
	tap_ok(need(h, 4 * 1024 * 1024, KIB_2M, "0-1", &n) == 0 &&
		   n.free == 3072 && n.total == 4096 && n.ok,
	       "nodeset 0-1: the sum of both nodes");
	pages_need_clear(&n);
	tap_ok(need(h, 4 * 1024 * 1024, KIB_2M, " 0-1 , ^0", &n) == 0 &&
		   n.free == 2048,
	       "nodeset '0-1,^0' is node 1 (spaces allowed)");
	pages_need_clear(&n);
	tap_ok(need(h, 16 * 1024 * 1024, KIB_1G, "0", &n) == 0 &&
		   n.pages == 16 && n.free == 4 && !n.ok &&
		   n.mount && STREQ(n.mount, "/dev/hugepages1G"),
	       "16G in 1G pages on node 0: 16 needed, 4 free");
	pages_need_clear(&n);
	tap_ok(need(h, 1024 * 1024, 4096, NULL, &n) == 0 &&
		   !n.size_offered && !n.ok && n.pages == 256 &&
		   has(n.reason, "does not offer 4M"),
	       "4M pages: not offered, pages still counted");
	pages_need_clear(&n);
}

static void
test_need_refused(void)
{
	AUTOFREE char *root = fixture("numa-server");
	AUTOPTR(host_info) h = host_read(root, 0);
	static const char *const bad_sets[] = {"",   "x",	"1-0", "^0",
					       "0-", "-1", "0,,^0", "5000"};
	struct pages_need n;

	tap_ok(failed_with(need(h, 0, KIB_2M, NULL, &n),
			   VS_ERR_INVALID),
	       "need: zero guest memory refused");
	tap_ok(failed_with(need(h, 1024, 0, NULL, &n), VS_ERR_INVALID),
	       "need: zero page size refused");
	for (size_t i = 0; i < ARRAY_SIZE(bad_sets); i++)
		tap_ok(failed_with(need(h, 1024, KIB_2M, bad_sets[i],
					      &n),
				   VS_ERR_INVALID) &&
			   has(vs_error_message(), "is not a NUMA nodeset"),
		       "need: nodeset '%s' refused", bad_sets[i]);
	tap_ok(failed_with(need(h, 1024, KIB_2M, "0-2", &n),
			   VS_ERR_INVALID) &&
		   has(vs_error_message(), "NUMA node 2 does not exist") &&
		   has(vs_error_message(), "node(s) 0, 1"),
	       "need: a node the host does not have is refused");
}

static void
test_need_mounts(void)
{
	AUTOFREE char *nomount = fixture("hugepages-no-mount");
	AUTOFREE char *disk = fixture("disk-backing-dir");
	AUTOFREE char *copy = copy_fixture("numa-server");
	AUTOPTR(host_info) h = host_read(nomount, 0);
	struct pages_need n;

	tap_ok(need(h, 1024 * 1024, KIB_2M, NULL, &n) == 0 && n.enough &&
		   !n.mount && !n.ok &&
		   has(n.reason, "'virtshare pages mount 2M'") &&
		   has(n.reason, "pagesize=2M") &&
		   has(n.reason, "hugetlbfs /dev/hugepages hugetlbfs "
				 "pagesize=2M,nosuid,nodev 0 0"),
	       "enough pages but no hugetlbfs mount: mount command and fstab");
	pages_need_clear(&n);
	host_info_free(h);

	h = host_read(disk, 0);
	tap_ok(need(h, 1024, KIB_2M, NULL, &n) == 0 && n.enough &&
		   n.mount && STREQ(n.mount, "/mnt/huge2M") &&
		   !n.qemu_conf_agrees && !n.ok &&
		   has(n.reason, "lists /mnt/huge1G, which is not a hugetlbfs "
				 "mount"),
	       "qemu.conf lists a path that is not mounted: the driver "
	       "would not start");
	pages_need_clear(&n);
	host_info_free(h);

	/* A qemu.conf that lists only the 2M mount hides the 1G one. */
	sh("echo 'hugetlbfs_mount = \"/dev/hugepages/\"' > "
	   "'%s/etc/libvirt/qemu.conf'",
	   copy);
	h = host_read(copy, 0);
	tap_ok(need(h, 1024, KIB_2M, NULL, &n) == 0 && n.ok &&
		   n.qemu_conf_agrees,
	       "qemu.conf lists the 2M mount (trailing slash): fine");
	pages_need_clear(&n);
	tap_ok(need(h, KIB_1G, KIB_1G, NULL, &n) == 0 && n.mount &&
		   !n.qemu_conf_agrees && !n.ok &&
		   has(n.reason, "does not list /dev/hugepages1G"),
	       "1G mount not in qemu.conf's hugetlbfs_mount: libvirt will "
	       "not use it");
	pages_need_clear(&n);
	host_info_free(h);

	sh("echo 'hugetlbfs_mount = 1' > '%s/etc/libvirt/qemu.conf'", copy);
	h = host_read(copy, 0);
	tap_ok(need(h, 1024, KIB_2M, NULL, &n) == 0 && n.enough &&
		   n.mount && !n.qemu_conf_agrees && !n.ok &&
		   has(n.reason, "qemu.conf cannot be used"),
	       "unreadable qemu.conf is a fact in the answer, not an error");
	pages_need_clear(&n);
	tap_ok(vs_error_code() == VS_OK, "and no error is left behind");
	{
		/* The caller's qemu.conf counts: the broken file on disk is
		 * not read again. */
		struct qemu_settings q;

		memset(&q, 0, sizeof(q));
		tap_ok(pages_need(h, &q, NULL, 1024, KIB_2M, NULL, &n) == 0 &&
			       n.qemu_conf_agrees && n.ok,
		       "pages_need() takes qemu.conf from its caller");
		pages_need_clear(&n);
	}
	remove_copy(copy);
}

/* ---- changing pools on a fixture copy ------------------------------------- */

static void
test_apply_fixture(void)
{
	AUTOFREE char *root = copy_fixture("numa-server");
	AUTOPTR(host_info) h = host_read(root, 0);
	struct pages_target t = {.root = root};
	struct pages_result r;
	struct pages_request req = {PAGES_SET, KIB_2M, 2100, 0};

	tap_ok(pages_apply(h, &t, &req, &r) == 0 && r.before == 2048 &&
		   r.want == 2100 && r.after == 2100 &&
		   read_count(root, 0, KIB_2M) == 2100,
	       "set node 0 to 2100: written and read back");
	req = (struct pages_request){PAGES_ADD, KIB_2M, 10, -1};
	tap_ok(pages_apply(h, &t, &req, &r) == 0 && r.before == 4096 &&
		   r.after == 4106 && read_count(root, -1, KIB_2M) == 4106,
	       "add 10 system-wide: 4096 -> 4106");
	req = (struct pages_request){PAGES_SET, KIB_2M, 4106, -1};
	tap_ok(pages_apply(h, &t, &req, &r) == 0 && r.before == 4106 &&
		   r.want == 4106 && r.after == 4106,
	       "set to the current size: nothing to do");
	req = (struct pages_request){PAGES_GROW, KIB_2M, 100, -1};
	tap_ok(pages_apply(h, &t, &req, &r) == 0 && r.before == 4106 &&
		   r.want == 4106 && read_count(root, -1, KIB_2M) == 4106,
	       "grow to at least 100: it has more, never shrunk");
	req = (struct pages_request){PAGES_GROW, KIB_2M, 4110, -1};
	tap_ok(pages_plan(h, &req, &r) == 0 && r.before == 4096 &&
		   r.want == 4110 && read_count(root, -1, KIB_2M) == 4106,
	       "pages_plan: grow planned from the pool as read, nothing "
	       "written");
	tap_ok(pages_apply(h, &t, &req, &r) == 0 && r.before == 4106 &&
		   r.after == 4110 && read_count(root, -1, KIB_2M) == 4110,
	       "grow to at least 4110: 4106 -> 4110");
	req = (struct pages_request){PAGES_SET, KIB_2M, 4106, -1};
	pages_apply(h, &t, &req, &r);
	req = (struct pages_request){PAGES_GROW, KIB_2M, 1, 7};
	tap_ok(failed_with(pages_plan(h, &req, &r), VS_ERR_INVALID),
	       "pages_plan refuses what pages_apply refuses: no node 7");
	req = (struct pages_request){PAGES_FREE, KIB_2M, 1000, 1};
	tap_ok(pages_apply(h, &t, &req, &r) == 0 && r.after == 1048 &&
		   read_count(root, 1, KIB_2M) == 1048,
	       "free 1000 of node 1's 2048 free pages");
	req = (struct pages_request){PAGES_FREE, KIB_1G, 0, 0};
	tap_ok(pages_apply(h, &t, &req, &r) == 0 && r.before == 8 &&
		   r.after == 4 && read_count(root, 0, KIB_1G) == 4,
	       "free every free 1G page of node 0 (4 of 8 are in use)");
	req = (struct pages_request){PAGES_FREE, KIB_1G, 0, -1};
	tap_ok(pages_apply(h, &t, &req, &r) == 0 && r.after == 4,
	       "free all system-wide: 12 free of 16");

	req = (struct pages_request){PAGES_FREE, KIB_2M, 1025, 0};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_NO_PAGES) &&
		   has(vs_error_message(), "Only 1024 of the 2100 pages of 2M "
					   "on NUMA node 0 are free") &&
		   read_count(root, 0, KIB_2M) == 2100,
	       "free more than is free on node 0: refused, unchanged");
	req = (struct pages_request){PAGES_FREE, KIB_2M, 2561, -1};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_NO_PAGES) &&
		   has(vs_error_message(), "Only 2560 of the"),
	       "free system-wide counts reserved pages as busy");
	req = (struct pages_request){PAGES_SET, KIB_2M, 10, 0};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_NO_PAGES) &&
		   has(vs_error_message(), "2090 cannot be released"),
	       "set below the pages in use: refused");
	req = (struct pages_request){PAGES_SET, KIB_2M, 0, 0};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_INVALID) &&
		   has(vs_error_message(), "virtshare pages free 2M"),
	       "set to 0: refused, pointing to free");
	req = (struct pages_request){PAGES_ADD, KIB_2M, 0, -1};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_INVALID),
	       "add 0: refused");
	req = (struct pages_request){PAGES_SET, 4096, 1, -1};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_UNSUPPORTED),
	       "a size the host does not offer: refused");
	req = (struct pages_request){PAGES_SET, KIB_2M, 1, 2};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_INVALID) &&
		   has(vs_error_message(), "NUMA node 2 does not exist"),
	       "a node the host does not have: refused");
	/* Node 0 has 131936728 KiB: 64422 pages of 2M fit, 64423 not. */
	req = (struct pages_request){PAGES_SET, KIB_2M, 64423, 0};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_INVALID) &&
		   has(vs_error_message(), "more than the 125.8G of memory "
					   "NUMA node 0 has"),
	       "more pages than the node's memory: refused");
	req = (struct pages_request){PAGES_SET, KIB_2M, 64422, 0};
	tap_ok(pages_apply(h, &t, &req, &r) == 0 && r.after == 64422,
	       "exactly the node's memory: allowed (the kernel decides)");
	req = (struct pages_request){PAGES_SET, KIB_1G, 252, -1};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_INVALID) &&
		   has(vs_error_message(), "this host has"),
	       "more 1G pages than the host's memory: refused");
	req = (struct pages_request){PAGES_ADD, KIB_2M, UINT64_MAX, -1};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_INVALID),
	       "an add that overflows: refused");

	/* Broken trees: a pool that cannot be read or written. */
	sh("rm '%s/sys/devices/system/node/node1/hugepages/hugepages-2048kB/"
	   "nr_hugepages'",
	   root);
	req = (struct pages_request){PAGES_SET, KIB_2M, 1, 1};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_IO) &&
		   has(vs_error_message(), "Cannot read the hugepage pool"),
	       "missing nr_hugepages: refused before any change");
	req = (struct pages_request){PAGES_ADD, KIB_2M, 1, -1};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_IO) &&
		   read_count(root, -1, KIB_2M) == 4106,
	       "a system-wide change needs every node's pool readable first");
	sh("mkdir '%s/sys/devices/system/node/node1/hugepages/"
	   "hugepages-2048kB/nr_hugepages'",
	   root);
	req = (struct pages_request){PAGES_SET, KIB_2M, 5, 1};
	tap_ok(failed_with(pages_apply(h, &t, &req, &r), VS_ERR_IO),
	       "a pool that is a directory: reported");
	remove_copy(root);
}

/* ---- a simulated kernel --------------------------------------------------- */

#define SIM_NODES 2

/*
 * Pools per node with a capacity each: the kernel gives what fits, as
 * a fragmented host does. A system-wide write spreads pages round-robin
 * and shrinks from the last node, as the kernel roughly does.
 */
struct sim {
	uint64_t pool[SIM_NODES];
	uint64_t cap[SIM_NODES];
	bool fail_set;    /* set reports an error */
	bool fail_change; /* ... and changes the pool all the same */
	bool stuck;       /* after the first set, nothing changes */
	int sets;
};

static uint64_t
sim_total(const struct sim *s)
{
	uint64_t t = 0;

	for (int i = 0; i < SIM_NODES; i++)
		t += s->pool[i];
	return t;
}

static int
sim_get(void *ctx, int node, uint64_t size_kib, uint64_t *count)
{
	struct sim *s = ctx;

	*count = node < 0 ? sim_total(s) : s->pool[node];
	return 0;
}

static void
sim_node_set(struct sim *s, int node, uint64_t count)
{
	s->pool[node] = count < s->cap[node] ? count : s->cap[node];
}

static int
sim_set(void *ctx, int node, uint64_t size_kib, uint64_t count)
{
	struct sim *s = ctx;

	if (s->stuck && s->sets++)
		return vs_error(VS_ERR_SYSTEM, "simulated: stuck");
	if (s->fail_set && !s->fail_change)
		return vs_error(VS_ERR_SYSTEM, "simulated: refused");
	if (node >= 0) {
		sim_node_set(s, node, count);
	} else {
		bool grew = true;

		while (sim_total(s) < count && grew) {
			grew = false;
			for (int i = 0; i < SIM_NODES && sim_total(s) < count;
			     i++)
				if (s->pool[i] < s->cap[i]) {
					s->pool[i]++;
					grew = true;
				}
		}
		for (int i = SIM_NODES - 1; i >= 0 && sim_total(s) > count;
		     i--) {
			uint64_t over = sim_total(s) - count;

			s->pool[i] -= over < s->pool[i] ? over : s->pool[i];
		}
	}
	if (s->fail_set)
		return vs_error(VS_ERR_LIBVIRT, "simulated: gave fewer");
	return 0;
}

static char *
sim_manual(void *ctx, int node, uint64_t size_kib, uint64_t count)
{
	return xasprintf("set node %d to %llu", node,
			 (unsigned long long)count);
}

static const struct pages_ops sim_ops = {sim_get, sim_set, sim_manual};

/* A host_info matching the simulation: 2M and 1G pools, all free. */
static struct host_info *
sim_host(const struct sim *s)
{
	AUTOFREE char *root = fixture("numa-server");
	struct host_info *h = host_read(root, 0);

	for (size_t i = 0; i < h->npools; i++) {
		h->pools[i].free = sim_total(s);
		h->pools[i].reserved = 0;
	}
	for (size_t n = 0; n < h->nnodes; n++)
		for (size_t i = 0; i < h->nodes[n].npools; i++)
			h->nodes[n].pools[i].free = s->pool[n];
	return h;
}

static void
test_rollback(void)
{
	struct sim s = {.pool = {10, 20}, .cap = {100, 50}};
	AUTOPTR(host_info) h = sim_host(&s);
	struct pages_request req = {PAGES_SET, KIB_2M, 150, 0};
	struct pages_result r;
	const char *msg;

	tap_ok(failed_with(pages_apply_ops(h, &sim_ops, &s, &req, &r),
			   VS_ERR_PARTIAL) &&
		   s.pool[0] == 10 && s.pool[1] == 20,
	       "node 0 short: rolled back to 10");
	msg = vs_error_message();
	tap_ok(has(msg, "The kernel gave only 100 of the 150 pages of 2M "
			"asked for on NUMA node 0.") &&
		   has(msg, "the pool is back at 10 pages") &&
		   has(msg, "echo 1 > /proc/sys/vm/compact_memory") &&
		   has(msg, "ask for at most 100 pages"),
	       "the message says what was possible and how to get more");

	req = (struct pages_request){PAGES_ADD, KIB_2M, 200, -1};
	tap_ok(failed_with(pages_apply_ops(h, &sim_ops, &s, &req, &r),
			   VS_ERR_PARTIAL) &&
		   s.pool[0] == 10 && s.pool[1] == 20 &&
		   has(vs_error_message(), "gave only 150 of the 230 pages") &&
		   has(vs_error_message(), "at most 120 pages"),
	       "system-wide add short: every node restored as it was");

	req = (struct pages_request){PAGES_SET, KIB_1G, 80, 1};
	tap_ok(failed_with(pages_apply_ops(h, &sim_ops, &s, &req, &r),
			   VS_ERR_PARTIAL) &&
		   s.pool[1] == 20 &&
		   has(vs_error_message(), "hugepagesz=1G hugepages=1:80") &&
		   has(vs_error_message(), "at most 50 now"),
	       "1G short on a node: advice to reserve them at boot");
	req = (struct pages_request){PAGES_SET, KIB_1G, 200, -1};
	tap_ok(failed_with(pages_apply_ops(h, &sim_ops, &s, &req, &r),
			   VS_ERR_PARTIAL) &&
		   has(vs_error_message(), "'hugepagesz=1G hugepages=200'"),
	       "1G short system-wide: the kernel command line for all");

	req = (struct pages_request){PAGES_SET, KIB_2M, 60, -1};
	tap_ok(pages_apply_ops(h, &sim_ops, &s, &req, &r) == 0 &&
		   r.before == 30 && r.after == 60 && sim_total(&s) == 60,
	       "a change that fits: kept");

	s = (struct sim){.pool = {10, 20}, .cap = {100, 100},
			 .fail_set = true};
	req = (struct pages_request){PAGES_SET, KIB_2M, 40, 0};
	tap_ok(failed_with(pages_apply_ops(h, &sim_ops, &s, &req, &r),
			   VS_ERR_SYSTEM) &&
		   has(vs_error_message(), "simulated: refused") &&
		   s.pool[0] == 10,
	       "a write refused without change: its own error stands");

	s = (struct sim){.pool = {10, 20}, .cap = {30, 100},
			 .fail_set = true, .fail_change = true};
	tap_ok(failed_with(pages_apply_ops(h, &sim_ops, &s, &req, &r),
			   VS_ERR_PARTIAL) &&
		   s.pool[0] == 10 &&
		   has(vs_error_message(), "gave only 30 of the 40"),
	       "a failed write that changed the pool (libvirt): rolled back");

	s = (struct sim){.pool = {10, 20}, .cap = {30, 100}, .stuck = true};
	tap_ok(failed_with(pages_apply_ops(h, &sim_ops, &s, &req, &r),
			   VS_ERR_PARTIAL) &&
		   has(vs_error_message(), "Putting the pool back to 10 pages "
					   "failed as well: it has 30 now") &&
		   has(vs_error_message(), "set node 0 to 10"),
	       "a rollback that fails: says so and how to fix it by hand");

	s = (struct sim){.pool = {10, 20}, .cap = {100, 100}};
	host_info_free(h);
	h = sim_host(&s);
	h->nodes[0].pools[0].free = 5;
	s.cap[0] = 10;
	req = (struct pages_request){PAGES_FREE, KIB_2M, 5, 0};
	tap_ok(pages_apply_ops(h, &sim_ops, &s, &req, &r) == 0 &&
		   s.pool[0] == 5,
	       "free 5 free pages of node 0");
}

/* A kernel that keeps pages in use: frees stop short. */
static int
sim_busy_set(void *ctx, int node, uint64_t size_kib, uint64_t count)
{
	struct sim *s = ctx;

	s->pool[node] = count < 8 ? 8 : count;
	return 0;
}

static void
test_rollback_free(void)
{
	static const struct pages_ops busy = {sim_get, sim_busy_set,
					      sim_manual};
	struct sim s = {.pool = {10, 20}, .cap = {100, 100}};
	AUTOPTR(host_info) h = sim_host(&s);
	struct pages_request req = {PAGES_FREE, KIB_2M, 5, 0};
	struct pages_result r;

	/* sysfs said 10 were free; a guest took 2 since. */
	tap_ok(failed_with(pages_apply_ops(h, &busy, &s, &req, &r),
			   VS_ERR_PARTIAL) &&
		   s.pool[0] == 10 &&
		   has(vs_error_message(), "went down only to 8, not 5") &&
		   has(vs_error_message(), "release fewer"),
	       "a release the kernel could not do: put back, explained");
}

/* ---- persistence ---------------------------------------------------------- */

static char *
read_text(const char *root, const char *path)
{
	AUTOFREE char *full = path_under(root, path);

	return file_read(full, 1 << 16, NULL);
}

static void
test_persist(void)
{
	AUTOFREE char *root = copy_fixture("numa-server");
	AUTOPTR(host_info) h = host_read(root, 0);
	struct pages_persisted p;
	AUTOFREE char *text = NULL, *link = NULL, *target = NULL;
	char buf[256];
	ssize_t n;

	tap_ok(pages_persist(h, -1, KIB_2M, 4200, &p) == 0 &&
		   STREQ(p.file, "/etc/sysctl.d/80-virtshare-hugepages.conf") &&
		   !p.link && !p.cmdline,
	       "default size system-wide: a sysctl.d drop-in");
	text = read_text(root, p.file);
	tap_ok(has(text, "\nvm.nr_hugepages = 4200\n"),
	       "the drop-in sets vm.nr_hugepages");
	pages_persisted_clear(&p);
	free(steal_ptr(text));

	tap_ok(pages_persist(h, 1, KIB_2M, 300, &p) == 0 &&
		   STREQ(p.file, "/etc/systemd/system/"
				 "virtshare-hugepages-2048kB-node1.service") &&
		   STREQ(p.link, "/etc/systemd/system/sysinit.target.wants/"
				 "virtshare-hugepages-2048kB-node1.service") &&
		   STREQ(p.cmdline, "hugepagesz=2M hugepages=1:300"),
	       "per node: a systemd unit, its link, the kernel command line");
	text = read_text(root, p.file);
	tap_ok(has(text, "ExecStart=/bin/sh -c 'echo 300 > "
			 "/sys/devices/system/node/node1/hugepages/"
			 "hugepages-2048kB/nr_hugepages'") &&
		   has(text, "WantedBy=sysinit.target"),
	       "the unit writes the node's pool at boot");
	link = path_under(root, p.link);
	n = readlink(link, buf, sizeof(buf) - 1);
	tap_ok(n > 0 && (buf[n] = '\0', STREQ(buf, p.file)),
	       "the link enables the unit (points at its host path)");
	pages_persisted_clear(&p);
	free(steal_ptr(text));

	tap_ok(pages_persist(h, -1, KIB_1G, 16, &p) == 0 &&
		   STREQ(p.file, "/etc/systemd/system/"
				 "virtshare-hugepages-1048576kB.service") &&
		   STREQ(p.cmdline, "hugepagesz=1G hugepages=16"),
	       "1G system-wide: a unit and 'hugepagesz=1G hugepages=16'");
	pages_persisted_clear(&p);
	tap_ok(pages_persist(h, -1, KIB_1G, 20, &p) == 0,
	       "persisting again replaces the unit");
	text = read_text(root, p.file);
	tap_ok(has(text, "echo 20 >") && !strstr(text, "echo 16 >"),
	       "with the new count only");
	pages_persisted_clear(&p);
	tap_ok(failed_with(pages_persist(h, 3, KIB_2M, 1, &p),
			   VS_ERR_INVALID),
	       "persist for a node that does not exist: refused");
	tap_ok(failed_with(pages_persist(h, -1, 4096, 1, &p),
			   VS_ERR_UNSUPPORTED),
	       "persist for a size not offered: refused");
	free(h->root);
	h->root = NULL;
	tap_ok(failed_with(pages_persist(h, -1, KIB_2M, 1, &p),
			   VS_ERR_UNSUPPORTED) &&
		   failed_with(pages_persist_check(h), VS_ERR_UNSUPPORTED),
	       "a host read from libvirt cannot be made persistent here");
	/* A file where a directory must be: fails even for root. */
	sh("rm -rf '%s/etc/systemd' && touch '%s/etc/systemd'", root, root);
	h->root = xstrdup(root);
	tap_ok(failed_with(pages_persist(h, 0, KIB_2M, 1, &p), VS_ERR_IO) &&
		   has(vs_error_message(), "Cannot create the directory") &&
		   !p.file,
	       "a unit directory that cannot be created: reported");
	remove_copy(root);
}

/* ---- mounts --------------------------------------------------------------- */

static void
test_mounts(void)
{
	AUTOFREE char *root = fixture("numa-server");
	AUTOFREE char *nomount = fixture("hugepages-no-mount");
	AUTOPTR(host_info) h = host_read(root, 0);
	AUTOFREE char *d2 = pages_mount_default_dir(h, KIB_2M);
	AUTOFREE char *d1 = pages_mount_default_dir(h, KIB_1G);
	AUTOFREE char *line = pages_fstab_line("/dev/hugepages1G", KIB_1G);
	AUTOFREE char *dir = NULL, *advice = NULL;
	const char *found;
	bool created;

	tap_is_str(d2, "/dev/hugepages", "default size: /dev/hugepages");
	tap_is_str(d1, "/dev/hugepages1G", "1G mounts on /dev/hugepages1G");
	tap_is_str(line,
		   "hugetlbfs /dev/hugepages1G hugetlbfs "
		   "pagesize=1G,nosuid,nodev 0 0",
		   "fstab line with pagesize=");
	tap_ok(failed_with(pages_mount(h, KIB_2M, NULL, &dir, &created),
			   VS_ERR_UNSUPPORTED) &&
		   has(vs_error_message(), "needs the live host"),
	       "mount under a fixture root: refused");
	tap_ok(pages_mount_check(h, NULL, KIB_1G, &found, &advice) ==
			   PAGES_MOUNT_OK &&
		   STREQ(found, "/dev/hugepages1G") && !advice,
	       "mount check: 1G served, no qemu.conf given");
	host_info_free(h);
	h = host_read(nomount, 0);
	tap_ok(pages_mount_check(h, NULL, KIB_2M, &found, &advice) ==
			   PAGES_MOUNT_NONE &&
		   !found && has(advice, "No hugetlbfs mount serves 2M pages"),
	       "mount check: none mounted");
}

int
main(void)
{
	test_sizes();
	test_no_hugepages();
	test_need_arithmetic();
	test_need_refused();
	test_need_mounts();
	test_apply_fixture();
	test_rollback();
	test_rollback_free();
	test_persist();
	test_mounts();
	return tap_done();
}
