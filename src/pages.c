/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pages.c: what guests need, pool changes with read-back and rollback */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "pages-priv.h"

/* Counts in translated messages are %llu: one cast, spelled once. */
#define ULL(v) ((unsigned long long)(v))

#define PAGES_MAX_NODES 1024
#define GIGANTIC_KIB (1024 * 1024)
#define SYSCTL_DROPIN "/etc/sysctl.d/80-virtshare-hugepages.conf"
#define UNIT_DIR "/etc/systemd/system"

/* "2M, 1G": the sizes h offers. */
static char *
sizes_offered(const struct host_info *h)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < h->npools; i++) {
		AUTOFREE char *s = size_format_kib(h->pools[i].size_kib);

		if (i)
			sb_add(&sb, ", ");
		sb_add(&sb, s);
	}
	return sb_steal(&sb);
}

/* "0, 1": the NUMA nodes h has. */
static char *
nodes_present(const struct host_info *h)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < h->nnodes; i++)
		sb_printf(&sb, "%s%d", i ? ", " : "", h->nodes[i].id);
	return sb_steal(&sb);
}

static int
check_offered(const struct host_info *h, uint64_t size_kib)
{
	AUTOFREE char *want = NULL, *list = NULL;

	if (host_pool_find(h, size_kib))
		return 0;
	if (!h->npools && h->root) {
		AUTOFREE char *dir = path_under(h->root, HOST_SYS_HUGEPAGES);

		return vs_error(VS_ERR_UNSUPPORTED,
				_("This host offers no hugepages at all: %s "
				  "lists no pools (a kernel without hugetlb "
				  "support). Back the guest memory with memfd "
				  "or a file instead."),
				dir);
	}
	if (!h->npools)
		return vs_error(VS_ERR_UNSUPPORTED,
				_("This host offers no hugepages at all: its "
				  "kernel has no hugetlb support. Back the "
				  "guest memory with memfd or a file "
				  "instead."));
	want = size_format_kib(size_kib);
	list = sizes_offered(h);
	return vs_error(VS_ERR_UNSUPPORTED,
			_("This host does not offer %1$s hugepages; it offers "
			  "%2$s. Use one of those sizes."),
			want, list);
}

static int
check_node(const struct host_info *h, int node)
{
	AUTOFREE char *list = NULL;

	if (host_node_find(h, node))
		return 0;
	if (!h->nnodes)
		return vs_error(VS_ERR_INVALID,
				_("This host reports no NUMA nodes, so there "
				  "is no node %1$d. Leave out the node to use "
				  "the system-wide pool."),
				node);
	list = nodes_present(h);
	return vs_error(VS_ERR_INVALID,
			_("NUMA node %1$d does not exist on this host; it has "
			  "node(s) %2$s. Use one of those, or leave out the "
			  "node to use the whole host."),
			node, list);
}

int
pages_size_parse(const struct host_info *h, const char *s,
		 uint64_t *size_kib)
{
	if (size_parse_kib(s, size_kib) < 0 || *size_kib == 0)
		return vs_error(VS_ERR_INVALID,
				_("'%s' is not a page size. Write it as 2M, "
				  "2048K, 1G or 1048576 (a bare number is KiB, "
				  "as libvirt counts)."),
				s);
	return check_offered(h, *size_kib);
}

/* ---- mounts --------------------------------------------------------------- */

/* The mount on exactly dir (the last one: it shadows the others). */
static const struct host_mount *
mount_at(const struct host_info *h, const char *dir)
{
	AUTOFREE char *want = xstrdup(dir);
	const struct host_mount *found = NULL;
	size_t len = strlen(want);

	while (len > 1 && want[len - 1] == '/')
		want[--len] = '\0';
	for (size_t i = 0; i < h->nmounts; i++)
		if (STREQ(h->mounts[i].dir, want))
			found = &h->mounts[i];
	return found;
}

char *
pages_mount_default_dir(const struct host_info *h, uint64_t size_kib)
{
	AUTOFREE char *size = NULL;

	if (size_kib == h->default_page_kib)
		return xstrdup("/dev/hugepages");
	size = size_format_kib(size_kib);
	return xasprintf("/dev/hugepages%s", size);
}

char *
pages_fstab_line(const char *dir, uint64_t size_kib)
{
	AUTOFREE char *size = size_format_kib(size_kib);

	return xasprintf("hugetlbfs %s hugetlbfs pagesize=%s,nosuid,nodev 0 0",
			 dir, size);
}

static char *
advice_no_mount(const struct host_info *h, const struct qemu_settings *q,
		uint64_t size_kib)
{
	AUTOFREE char *size = size_format_kib(size_kib);
	AUTOFREE char *dir = pages_mount_default_dir(h, size_kib);
	AUTOFREE char *fstab = pages_fstab_line(dir, size_kib);

	if (q && q->hugetlbfs_mount_set)
		return xasprintf(
		    _("No hugetlbfs mount serves %1$s pages, so libvirt "
		      "cannot use them. Mount one with 'virtshare pages mount "
		      "%1$s' (or 'mount -t hugetlbfs -o pagesize=%1$s "
		      "hugetlbfs %2$s'), keep it with the /etc/fstab line "
		      "'%3$s', add \"%2$s\" to hugetlbfs_mount in %4$s and "
		      "restart libvirtd."),
		    size, dir, fstab, q->path ? q->path : QEMUCONF_PATH);
	return xasprintf(_("No hugetlbfs mount serves %1$s pages, so libvirt "
			   "cannot use them. Mount one with 'virtshare pages "
			   "mount %1$s' (or 'mount -t hugetlbfs -o "
			   "pagesize=%1$s hugetlbfs %2$s'), keep it with the "
			   "/etc/fstab line '%3$s' and restart libvirtd."),
			 size, dir, fstab);
}

enum pages_mount_state
pages_mount_check(const struct host_info *h, const struct qemu_settings *q,
		  uint64_t size_kib, const char **dir, char **advice)
{
	const struct host_mount *m = host_hugetlbfs_find(h, size_kib);
	const char *conf = q && q->path ? q->path : QEMUCONF_PATH;
	const struct host_mount *listed = NULL;

	*dir = m ? m->dir : NULL;
	*advice = NULL;
	if (q && q->hugetlbfs_mount_set) {
		/* libvirt checks every entry when it loads qemu.conf. */
		for (size_t i = 0; i < q->hugetlbfs_mount.n; i++) {
			const char *p = q->hugetlbfs_mount.v[i];
			const struct host_mount *lm = mount_at(h, p);

			if (!lm || !STREQ(lm->fstype, "hugetlbfs")) {
				*advice = xasprintf(
				    _("qemu.conf's hugetlbfs_mount lists %1$s, "
				      "which is not a hugetlbfs mount, so "
				      "libvirt's QEMU driver will not start. "
				      "Mount hugetlbfs there ('virtshare pages "
				      "mount SIZE %1$s') or remove it from "
				      "%2$s."),
				    p, conf);
				return PAGES_MOUNT_BAD_CONF;
			}
			if (!listed && lm->pagesize_kib == size_kib)
				listed = lm;
		}
		if (listed) {
			*dir = listed->dir;
			return PAGES_MOUNT_OK;
		}
		if (m) {
			AUTOFREE char *size = size_format_kib(size_kib);

			*advice = xasprintf(
			    _("qemu.conf's hugetlbfs_mount does not list %1$s, "
			      "the hugetlbfs mount for %2$s pages, so libvirt "
			      "will not use it. Add \"%1$s\" to "
			      "hugetlbfs_mount in %3$s and restart libvirtd."),
			    m->dir, size, conf);
			return PAGES_MOUNT_UNLISTED;
		}
	} else if (m) {
		return PAGES_MOUNT_OK;
	}
	*advice = advice_no_mount(h, q, size_kib);
	return PAGES_MOUNT_NONE;
}

int
pages_mount_plan(const struct host_info *h, uint64_t size_kib, const char *dir,
		 char **where, bool *exists)
{
	const struct host_mount *m;
	AUTOFREE char *path = NULL;

	*where = NULL;
	*exists = true;
	if (!root_is_host(h->root))
		return vs_error(VS_ERR_UNSUPPORTED,
				_("Mounting hugetlbfs needs the live host, not "
				  "the tree below %s. Leave out --root."),
				h->root);
	if (check_offered(h, size_kib) < 0)
		return -1;
	if (dir && dir[0] != '/')
		return vs_error(VS_ERR_INVALID,
				_("The mount point '%s' is not an absolute "
				  "path. Give it from /, as /dev/hugepages1G."),
				dir);
	if (!dir && (m = host_hugetlbfs_find(h, size_kib))) {
		*where = xstrdup(m->dir);
		return 0;
	}
	path = dir ? xstrdup(dir) : pages_mount_default_dir(h, size_kib);
	if ((m = mount_at(h, path))) {
		AUTOFREE char *size = size_format_kib(size_kib);
		AUTOFREE char *has = NULL;

		if (STREQ(m->fstype, "hugetlbfs") &&
		    m->pagesize_kib == size_kib) {
			*where = xstrdup(m->dir);
			return 0;
		}
		has = STREQ(m->fstype, "hugetlbfs")
			  ? size_format_kib(m->pagesize_kib)
			  : xstrdup(m->fstype);
		return vs_error(VS_ERR_CONFLICT,
				_("%1$s already holds a %2$s mount, not "
				  "hugetlbfs for %3$s pages. Name another "
				  "directory, as 'virtshare pages mount %3$s "
				  "/dev/hugepages%3$s'."),
				m->dir, has, size);
	}
	*where = steal_ptr(path);
	*exists = false;
	return 0;
}

int
pages_mount(const struct host_info *h, uint64_t size_kib, const char *dir,
	    char **mounted, bool *created)
{
	bool exists;

	*created = false;
	if (pages_mount_plan(h, size_kib, dir, mounted, &exists) < 0)
		return -1;
	if (exists)
		return 0;
	if (host_hugetlbfs_mount(*mounted, size_kib) < 0) {
		free(steal_ptr(*mounted));
		return -1;
	}
	*created = true;
	return 0;
}

/* ---- what a guest needs --------------------------------------------------- */

/*
 * libvirt's nodeset syntax ("0", "0-3", "0-3,^2") into mask, applied in
 * order as libvirt does. -1 if malformed or naming no node.
 */
static int
nodeset_parse(const char *s, bool *mask)
{
	AUTOFREE char *copy = xstrdup(s);
	char *item, *save = NULL;
	bool any = false;

	memset(mask, 0, PAGES_MAX_NODES * sizeof(*mask));
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		uint64_t lo, hi;
		bool neg;
		char *dash;

		item = str_trim(item);
		if ((neg = *item == '^'))
			item++;
		dash = neg ? NULL : strchr(item, '-');
		if (dash)
			*dash = '\0';
		if (str_to_u64(item, &lo) < 0)
			return -1;
		hi = lo;
		if (dash && str_to_u64(dash + 1, &hi) < 0)
			return -1;
		if (hi < lo || hi >= PAGES_MAX_NODES)
			return -1;
		for (uint64_t n = lo; n <= hi; n++)
			mask[n] = !neg;
	}
	for (size_t n = 0; n < PAGES_MAX_NODES; n++)
		any = any || mask[n];
	return any ? 0 : -1;
}

/* Sum the pools of size_kib on the nodes of mask into *total, *free. */
static void
sum_nodes(const struct host_info *h, const bool *mask, uint64_t size_kib,
	  uint64_t *total, uint64_t *free)
{
	*total = *free = 0;
	for (size_t i = 0; i < h->nnodes; i++) {
		const struct host_pool *p;

		if (!mask[h->nodes[i].id])
			continue;
		if (!(p = host_node_pool_find(h, h->nodes[i].id, size_kib)))
			continue;
		*total = *total == HOST_UNKNOWN || p->total == HOST_UNKNOWN
			     ? HOST_UNKNOWN
			     : *total + p->total;
		*free = *free == HOST_UNKNOWN || p->free == HOST_UNKNOWN
			    ? HOST_UNKNOWN
			    : *free + p->free;
	}
}

static int
need_nodes(const struct host_info *h, const char *nodeset, bool *mask)
{
	if (nodeset_parse(nodeset, mask) < 0)
		return vs_error(VS_ERR_INVALID,
				_("'%s' is not a NUMA nodeset. Write it as "
				  "libvirt does: 0, 0-1 or 0-3,^2."),
				nodeset);
	for (int n = 0; n < PAGES_MAX_NODES; n++) {
		if (!mask[n])
			continue;
		/* Without NUMA in sysfs the whole host is node 0. */
		if (!h->nnodes && n == 0)
			continue;
		if (check_node(h, n) < 0)
			return -1;
	}
	return 0;
}

/* "virtshare", with -c URI for a host read through libvirt from afar:
 * without it the command would change this machine's pools. */
static char *
pages_command(const struct host_info *h)
{
	AUTOFREE char *uri = NULL;

	if (!h->remote_uri)
		return xstrdup("virtshare");
	uri = shell_word(h->remote_uri);
	return xasprintf("virtshare -c %s", uri);
}

static char *
reason_short(const struct host_info *h, const struct pages_need *n,
	     const char *nodeset)
{
	AUTOFREE char *size = size_format_kib(n->page_kib);
	AUTOFREE char *mem = size_format_kib(n->guest_mem_kib);
	AUTOFREE char *cmd = pages_command(h);
	uint64_t missing = n->pages - n->free;

	if (n->free == HOST_UNKNOWN)
		return xasprintf(_("The guest needs %1$llu pages of %2$s "
				   "(%3$s) but the host does not tell how many "
				   "are free. Check with '%4$s pages'."),
				 ULL(n->pages), size, mem, cmd);
	if (nodeset)
		return xasprintf(
		    _("The guest needs %1$llu pages of %2$s (%3$s) but only "
		      "%4$llu are free on NUMA node(s) %5$s. Add %6$llu with "
		      "'%7$s pages alloc %2$s %6$llu --add --node N' on those "
		      "nodes."),
		    ULL(n->pages), size, mem, ULL(n->free), nodeset,
		    ULL(missing), cmd);
	return xasprintf(_("The guest needs %1$llu pages of %2$s (%3$s) but "
			   "only %4$llu are free. Add %5$llu with '%6$s pages "
			   "alloc %2$s %5$llu --add'."),
			 ULL(n->pages), size, mem, ULL(n->free), ULL(missing),
			 cmd);
}

/* Mounts and qemu.conf, for a host read below a root. */
static void
need_mount(const struct host_info *h, const struct qemu_settings *q,
	   const char *qemu_error, struct pages_need *out, char **reason)
{
	const char *dir = NULL;
	enum pages_mount_state st;

	out->mount_checked = true;
	if (qemu_error) {
		/* No mount at all is the first thing to fix. */
		if (pages_mount_check(h, NULL, out->page_kib, &dir, reason) ==
		    PAGES_MOUNT_OK)
			*reason = xasprintf(_("qemu.conf cannot be used, so "
					      "libvirt will not start: %s"),
					    qemu_error);
		out->mount = dir ? xstrdup(dir) : NULL;
		return;
	}
	st = pages_mount_check(h, q, out->page_kib, &dir, reason);
	out->mount = dir ? xstrdup(dir) : NULL;
	out->qemu_conf_agrees = st != PAGES_MOUNT_UNLISTED &&
				st != PAGES_MOUNT_BAD_CONF;
}

int
pages_need(const struct host_info *h, const struct qemu_settings *q,
	   const char *qemu_error, uint64_t guest_mem_kib,
	   uint64_t page_kib, const char *nodeset, struct pages_need *out)
{
	const struct host_pool *pool;
	bool mask[PAGES_MAX_NODES];
	AUTOFREE char *mount_reason = NULL;

	memset(out, 0, sizeof(*out));
	if (!page_kib || !guest_mem_kib)
		return vs_error(VS_ERR_INVALID,
				_("Both the guest memory and the page size "
				  "must be above 0 KiB to count hugepages."));
	if (nodeset && need_nodes(h, nodeset, mask) < 0)
		return -1;
	out->guest_mem_kib = guest_mem_kib;
	out->page_kib = page_kib;
	out->pages = guest_mem_kib / page_kib + (guest_mem_kib % page_kib != 0);
	out->free = 0;
	if ((pool = host_pool_find(h, page_kib))) {
		out->size_offered = true;
		if (nodeset && h->nnodes) {
			sum_nodes(h, mask, page_kib, &out->total, &out->free);
		} else {
			out->total = pool->total;
			out->free = pool->free;
			/* Reserved pages are free but promised to a mapping. */
			if (out->free != HOST_UNKNOWN &&
			    pool->reserved != HOST_UNKNOWN)
				out->free = out->free > pool->reserved
						? out->free - pool->reserved
						: 0;
		}
		out->enough = out->free != HOST_UNKNOWN &&
			      out->free >= out->pages;
	}
	if (h->root)
		need_mount(h, q, qemu_error, out, &mount_reason);
	out->ok = out->size_offered && out->enough &&
		  (!out->mount_checked ||
		   (out->mount && out->qemu_conf_agrees));
	if (out->ok)
		return 0;
	if (!out->size_offered) {
		if (check_offered(h, page_kib) < 0) {
			out->reason = xstrdup(vs_error_message());
			vs_error_reset();
		}
	} else if (!out->enough) {
		out->reason = reason_short(h, out, nodeset);
	} else {
		out->reason = steal_ptr(mount_reason);
	}
	return 0;
}

void
pages_need_clear(struct pages_need *n)
{
	free(n->mount);
	free(n->reason);
	memset(n, 0, sizeof(*n));
}

/* ---- changing a pool ------------------------------------------------------ */

/* Pages of the pool that can be released now (not in use, not reserved). */
static uint64_t
freeable(const struct host_pool *pool, uint64_t before)
{
	uint64_t f = pool->free;

	if (f == HOST_UNKNOWN)
		return before; /* the read-back will tell */
	if (pool->reserved != HOST_UNKNOWN)
		f = f > pool->reserved ? f - pool->reserved : 0;
	return f < before ? f : before;
}

static int
refuse_zero(uint64_t size_kib)
{
	AUTOFREE char *size = size_format_kib(size_kib);

	return vs_error(VS_ERR_INVALID,
			_("Asking for 0 pages changes nothing. Give a count "
			  "above 0; to release pages use 'virtshare pages "
			  "free %s'."),
			size);
}

static int
refuse_busy(const struct pages_request *req, uint64_t can, uint64_t asked,
	    uint64_t before)
{
	AUTOFREE char *size = size_format_kib(req->size_kib);

	return vs_error(
	    VS_ERR_NO_PAGES,
	    req->node >= 0
		? _("Only %1$llu of the %2$llu pages of %3$s on NUMA node "
		    "%5$d are free, so %4$llu cannot be released; the others "
		    "are in use or reserved by guests. Release at most "
		    "%1$llu, or stop the guests that use them.")
		: _("Only %1$llu of the %2$llu pages of %3$s are free, so "
		    "%4$llu cannot be released; the others are in use or "
		    "reserved by guests. Release at most %1$llu, or stop the "
		    "guests that use them."),
	    ULL(can), ULL(before), size, ULL(asked), req->node);
}

static int
refuse_memory(const struct host_info *h, const struct pages_request *req,
	      uint64_t want)
{
	const struct host_node *n =
	    req->node >= 0 ? host_node_find(h, req->node) : NULL;
	uint64_t mem = n ? n->mem_total_kib : h->mem_total_kib;
	AUTOFREE char *size = NULL, *need = NULL, *have = NULL;

	if (mem == HOST_UNKNOWN || want <= mem / req->size_kib)
		return 0;
	size = size_format_kib(req->size_kib);
	need = want > UINT64_MAX / req->size_kib
		   ? xstrdup("∞")
		   : size_format_kib(want * req->size_kib);
	have = size_format_kib(mem);
	return vs_error(
	    VS_ERR_INVALID,
	    n ? _("A pool of %1$llu pages of %2$s needs %3$s, more than the "
		  "%4$s of memory NUMA node %6$d has: at most %5$llu pages "
		  "fit. Ask for fewer pages.")
	      : _("A pool of %1$llu pages of %2$s needs %3$s, more than the "
		  "%4$s of memory this host has: at most %5$llu pages fit. "
		  "Ask for fewer pages."),
	    ULL(want), size, need, have, ULL(mem / req->size_kib), req->node);
}

/* The pool size req asks for, given its size before; -1 if refused. */
static int
plan(const struct host_info *h, const struct host_pool *pool,
     const struct pages_request *req, uint64_t before, uint64_t *want)
{
	uint64_t can = freeable(pool, before);

	if (req->op == PAGES_FREE) {
		if (req->count > can)
			return refuse_busy(req, can, req->count, before);
		*want = before - (req->count ? req->count : can);
		return 0;
	}
	if (!req->count)
		return refuse_zero(req->size_kib);
	if (req->op == PAGES_ADD)
		*want = req->count > UINT64_MAX - before
			    ? UINT64_MAX
			    : before + req->count;
	else if (req->op == PAGES_GROW)
		*want = req->count > before ? req->count : before;
	else
		*want = req->count;
	if (*want < before && before - *want > can)
		return refuse_busy(req, can, before - *want, before);
	return refuse_memory(h, req, *want);
}

/* The pools one write touches, to put them back if the kernel fell short. */
struct pool_snapshot {
	int node;
	uint64_t count;
};

static int
snapshot(const struct host_info *h, const struct pages_ops *ops, void *ctx,
	 const struct pages_request *req, uint64_t before,
	 struct pool_snapshot **out, size_t *n)
{
	*out = xcalloc(h->nnodes + 1, sizeof(**out));
	*n = 0;
	/* A system-wide write spreads over every node: restore each. */
	for (size_t i = 0; req->node < 0 && i < h->nnodes; i++) {
		struct pool_snapshot *s = &(*out)[*n];

		if (!host_node_pool_find(h, h->nodes[i].id, req->size_kib))
			continue;
		s->node = h->nodes[i].id;
		if (ops->get(ctx, s->node, req->size_kib, &s->count) < 0)
			return -1;
		(*n)++;
	}
	if (!*n) {
		(*out)[0].node = req->node;
		(*out)[0].count = before;
		*n = 1;
	}
	return 0;
}

/*
 * Put every snapshotted pool back; true when all read back as before
 * (the read-back decides: a write may fail and still have worked).
 */
static bool
restore(const struct pages_ops *ops, void *ctx, uint64_t size_kib,
	const struct pool_snapshot *snap, size_t n)
{
	bool ok = true;

	for (size_t i = 0; i < n; i++) {
		uint64_t now;

		ops->set(ctx, snap[i].node, size_kib, snap[i].count);
		if (ops->get(ctx, snap[i].node, size_kib, &now) < 0 ||
		    now != snap[i].count)
			ok = false;
	}
	return ok;
}

static char *
advice_grow(const struct pages_request *req, uint64_t want,
	    uint64_t possible)
{
	AUTOFREE char *size = size_format_kib(req->size_kib);

	if (req->size_kib >= GIGANTIC_KIB && req->node >= 0)
		return xasprintf(_("Pages of %1$s are rarely found once memory "
				   "is in use: reserve them at boot with "
				   "'hugepagesz=%1$s hugepages=%4$d:%2$llu' on "
				   "the kernel command line, or ask for at "
				   "most %3$llu now."),
				 size, ULL(want), ULL(possible), req->node);
	if (req->size_kib >= GIGANTIC_KIB)
		return xasprintf(_("Pages of %1$s are rarely found once memory "
				   "is in use: reserve them at boot with "
				   "'hugepagesz=%1$s hugepages=%2$llu' on the "
				   "kernel command line, or ask for at most "
				   "%3$llu now."),
				 size, ULL(want), ULL(possible));
	return xasprintf(_("Memory is short or fragmented: compact it with "
			   "'echo 1 > /proc/sys/vm/compact_memory' and retry, "
			   "or ask for at most %1$llu pages."),
			 ULL(possible));
}

/* Report the shortfall after the rollback; always -1. */
static int
report_partial(const struct pages_ops *ops, void *ctx,
	       const struct pages_request *req, uint64_t before,
	       uint64_t want, uint64_t after, bool restored)
{
	AUTOFREE char *size = size_format_kib(req->size_kib);
	AUTOFREE char *what = NULL, *advice = NULL, *undo = NULL;
	uint64_t now = HOST_UNKNOWN;

	if (after == HOST_UNKNOWN)
		what = xasprintf(_("The %1$s pool could not be read back after "
				   "the change to %2$llu pages."),
				 size, ULL(want));
	else if (want > before)
		what = xasprintf(
		    req->node >= 0
			? _("The kernel gave only %1$llu of the %2$llu pages "
			    "of %3$s asked for on NUMA node %4$d.")
			: _("The kernel gave only %1$llu of the %2$llu pages "
			    "of %3$s asked for."),
		    ULL(after), ULL(want), size, req->node);
	else
		what = xasprintf(
		    req->node >= 0
			? _("The pool of %3$s pages on NUMA node %4$d went "
			    "down only to %1$llu, not %2$llu: some pages are "
			    "in use.")
			: _("The pool of %3$s pages went down only to %1$llu, "
			    "not %2$llu: some pages are in use."),
		    ULL(after), ULL(want), size, req->node);
	if (want > before && after != HOST_UNKNOWN) {
		uint64_t got = after > before ? after : before;

		advice = advice_grow(req, want,
				     req->op == PAGES_ADD ? got - before : got);
	} else {
		advice = xstrdup(_("Stop the guests that use those pages, or "
				   "release fewer."));
	}
	if (restored)
		return vs_error(VS_ERR_PARTIAL,
				_("%1$s Nothing was changed: the pool is back "
				  "at %2$llu pages. %3$s"),
				what, ULL(before), advice);
	ops->get(ctx, req->node, req->size_kib, &now);
	undo = ops->manual(ctx, req->node, req->size_kib, before);
	vs_error_reset();
	if (now == HOST_UNKNOWN)
		return vs_error(VS_ERR_PARTIAL,
				_("%1$s Putting the pool back to %2$llu pages "
				  "failed as well and it cannot be read. Set "
				  "it by hand: %3$s"),
				what, ULL(before), undo);
	return vs_error(VS_ERR_PARTIAL,
			_("%1$s Putting the pool back to %2$llu pages failed "
			  "as well: it has %3$llu now. Set it by hand: %4$s"),
			what, ULL(before), ULL(now), undo);
}

/* The pool req is about, after the checks that need no pool size. */
static const struct host_pool *
request_pool(const struct host_info *h, const struct pages_request *req)
{
	const struct host_pool *pool;

	if (check_offered(h, req->size_kib) < 0 ||
	    (req->node >= 0 && check_node(h, req->node) < 0))
		return NULL;
	pool = req->node >= 0
		   ? host_node_pool_find(h, req->node, req->size_kib)
		   : host_pool_find(h, req->size_kib);
	if (!pool)
		vs_error(VS_ERR_UNSUPPORTED,
			 _("NUMA node %1$d has no pool of %2$llu KiB pages. "
			   "Leave out the node to use the system-wide pool."),
			 req->node, ULL(req->size_kib));
	return pool;
}

int
pages_plan(const struct host_info *h, const struct pages_request *req,
	   struct pages_result *res)
{
	const struct host_pool *pool = request_pool(h, req);

	memset(res, 0, sizeof(*res));
	if (!pool)
		return -1;
	res->before = res->after = pool->total;
	return plan(h, pool, req, pool->total, &res->want);
}

int
pages_apply_ops(const struct host_info *h, const struct pages_ops *ops,
		void *ctx, const struct pages_request *req,
		struct pages_result *res)
{
	AUTOFREE struct pool_snapshot *snap = NULL;
	const struct host_pool *pool;
	uint64_t before = 0, want = 0, after;
	size_t nsnap;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!(pool = request_pool(h, req)))
		return -1;
	if (ops->get(ctx, req->node, req->size_kib, &before) < 0 ||
	    plan(h, pool, req, before, &want) < 0)
		return -1;
	res->before = res->after = before;
	res->want = want;
	if (want == before)
		return 0;
	if (snapshot(h, ops, ctx, req, before, &snap, &nsnap) < 0)
		return -1;
	rc = ops->set(ctx, req->node, req->size_kib, want);
	if (ops->get(ctx, req->node, req->size_kib, &after) < 0)
		after = HOST_UNKNOWN;
	if (rc == 0 && after == want) {
		res->after = after;
		return 0;
	}
	/* Refused outright: nothing to undo, the set's error stands. */
	if (rc < 0 && after == before)
		return -1;
	return report_partial(ops, ctx, req, before, want, after,
			      restore(ops, ctx, req->size_kib, snap, nsnap));
}

/* ---- back ends ------------------------------------------------------------ */

static int
sysfs_get(void *ctx, int node, uint64_t size_kib, uint64_t *count)
{
	return host_pool_get(ctx, node, size_kib, count);
}

static int
sysfs_set(void *ctx, int node, uint64_t size_kib, uint64_t count)
{
	return host_pool_set(ctx, node, size_kib, count);
}

static char *
sysfs_manual(void *ctx, int node, uint64_t size_kib, uint64_t count)
{
	AUTOFREE char *host_path = host_pool_path(node, size_kib);
	AUTOFREE char *path = path_under(ctx, host_path);

	return xasprintf("echo %llu > %s", ULL(count), path);
}

static int
libvirt_get(void *ctx, int node, uint64_t size_kib, uint64_t *count)
{
	return virt_pages_get(ctx, node, size_kib, count);
}

static int
libvirt_set(void *ctx, int node, uint64_t size_kib, uint64_t count)
{
	return virt_pages_set(ctx, node, size_kib, count);
}

static char *
libvirt_manual(void *ctx, int node, uint64_t size_kib, uint64_t count)
{
	AUTOFREE char *size = size_format_kib(size_kib);
	AUTOFREE char *cell =
	    node >= 0 ? xasprintf(" --cellno %d", node) : xstrdup("");
	AUTOFREE char *uri = shell_word(virt_uri(ctx));

	return xasprintf("virsh -c %s allocpages %s %llu%s", uri, size,
			 ULL(count), cell);
}

static const struct pages_ops sysfs_ops = {
	.get = sysfs_get,
	.set = sysfs_set,
	.manual = sysfs_manual,
};

static const struct pages_ops libvirt_ops = {
	.get = libvirt_get,
	.set = libvirt_set,
	.manual = libvirt_manual,
};

int
pages_apply(const struct host_info *h, const struct pages_target *t,
	    const struct pages_request *req, struct pages_result *res)
{
	if (t->conn)
		return pages_apply_ops(h, &libvirt_ops, t->conn, req, res);
	return pages_apply_ops(h, &sysfs_ops, (void *)t->root, req, res);
}

char *
pages_result_str(const struct pages_request *req, const struct pages_result *r)
{
	AUTOFREE char *size = size_format_kib(req->size_kib);
	AUTOFREE char *mem =
	    r->after ? size_format_kib(r->after * req->size_kib) : xstrdup("0");

	if (r->want == r->before && req->op == PAGES_FREE)
		return xasprintf(
		    req->node >= 0
			? _("No free pages of %1$s to release on NUMA node "
			    "%3$d: the pool keeps its %2$llu pages.")
			: _("No free pages of %1$s to release: the pool keeps "
			    "its %2$llu pages."),
		    size, ULL(r->after), req->node);
	if (r->want == r->before)
		return xasprintf(
		    req->node >= 0
			? _("The pool of %1$s pages on NUMA node %3$d already "
			    "has %2$llu pages: nothing to do.")
			: _("The pool of %1$s pages already has %2$llu pages: "
			    "nothing to do."),
		    size, ULL(r->after), req->node);
	if (r->after == 0)
		return xasprintf(
		    req->node >= 0
			? _("The pool of %1$s pages on NUMA node %3$d is empty "
			    "now; it had %2$llu pages.")
			: _("The pool of %1$s pages is empty now; it had "
			    "%2$llu pages."),
		    size, ULL(r->before), req->node);
	return xasprintf(req->node >= 0
			     ? _("The pool of %1$s pages on NUMA node %5$d now "
				 "has %2$llu pages (%3$s); it had %4$llu.")
			     : _("The pool of %1$s pages now has %2$llu pages "
				 "(%3$s); it had %4$llu."),
			 size, ULL(r->after), mem, ULL(r->before), req->node);
}

/* ---- persistence ---------------------------------------------------------- */

static char *
unit_text(int node, uint64_t size_kib, uint64_t count)
{
	AUTOFREE char *size = size_format_kib(size_kib);
	AUTOFREE char *path = host_pool_path(node, size_kib);
	AUTOFREE char *where = node >= 0 ? xasprintf(" on NUMA node %d", node)
					 : xstrdup("");

	/* Files for the machine, not messages for a person: English. */
	return xasprintf(
	    "# Written by 'virtshare pages --persist'.\n"
	    "[Unit]\n"
	    "Description=Hugepages: %1$llu pages of %2$s%3$s (virtshare)\n"
	    "DefaultDependencies=no\n"
	    "After=systemd-sysctl.service\n"
	    "Before=sysinit.target\n"
	    "ConditionPathExists=%4$s\n"
	    "\n"
	    "[Service]\n"
	    "Type=oneshot\n"
	    "RemainAfterExit=yes\n"
	    "ExecStart=/bin/sh -c 'echo %1$llu > %4$s'\n"
	    "\n"
	    "[Install]\n"
	    "WantedBy=sysinit.target\n",
	    ULL(count), size, where, path);
}

int
pages_persist_check(const struct host_info *h)
{
	if (h->root)
		return 0;
	return vs_error(VS_ERR_UNSUPPORTED,
			_("Making pools persistent writes files on the local "
			  "host only. On a remote host run virtshare there, or "
			  "reserve the pages at boot with its kernel command "
			  "line."));
}

int
pages_persist_plan(const struct host_info *h, int node, uint64_t size_kib,
		   uint64_t count, struct pages_persisted *out)
{
	AUTOFREE char *size = size_format_kib(size_kib);
	AUTOFREE char *name = NULL;

	memset(out, 0, sizeof(*out));
	if (pages_persist_check(h) < 0 || check_offered(h, size_kib) < 0 ||
	    (node >= 0 && check_node(h, node) < 0))
		return -1;
	if (node < 0 && size_kib == h->default_page_kib) {
		out->file = xstrdup(SYSCTL_DROPIN);
		return 0;
	}
	name = node >= 0 ? xasprintf("virtshare-hugepages-%llukB-node%d."
				     "service",
				     ULL(size_kib), node)
			 : xasprintf("virtshare-hugepages-%llukB.service",
				     ULL(size_kib));
	out->file = xasprintf(UNIT_DIR "/%s", name);
	out->link = xasprintf(UNIT_DIR "/sysinit.target.wants/%s", name);
	out->cmdline = node >= 0 ? xasprintf("hugepagesz=%s hugepages=%d:%llu",
					     size, node, ULL(count))
				 : xasprintf("hugepagesz=%s hugepages=%llu",
					     size, ULL(count));
	return 0;
}

int
pages_persist(const struct host_info *h, int node, uint64_t size_kib,
	      uint64_t count, struct pages_persisted *out)
{
	AUTOFREE char *size = size_format_kib(size_kib);
	AUTOFREE char *text = NULL;

	if (pages_persist_plan(h, node, size_kib, count, out) < 0)
		return -1;
	if (!out->link) {
		text = xasprintf("# Written by 'virtshare pages --persist': "
				 "the pool of default-size (%s)\n"
				 "# hugepages at boot.\n"
				 "vm.nr_hugepages = %llu\n",
				 size, ULL(count));
		if (host_config_write(h->root, out->file, text, 0644) < 0) {
			pages_persisted_clear(out);
			return -1;
		}
		return 0;
	}
	text = unit_text(node, size_kib, count);
	if (host_config_write(h->root, out->file, text, 0644) < 0 ||
	    host_config_link(h->root, out->link, out->file) < 0) {
		pages_persisted_clear(out);
		return -1;
	}
	return 0;
}

void
pages_persisted_clear(struct pages_persisted *p)
{
	free(p->file);
	free(p->link);
	free(p->cmdline);
	memset(p, 0, sizeof(*p));
}
