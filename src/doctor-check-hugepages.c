/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-check-hugepages.c: the checks of hugepages */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing.h"
#include "doctor-priv.h"
#include "error.h"
#include "launch.h"

static bool
hugepages_apply(const struct doctor_facts *f, struct doctor_result *r)
{
	uint64_t base = (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	bool huge = false;

	if (!f->mem.hugepages) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("The domain does not use hugepages."));
		return false;
	}
	for (size_t i = 0; i < f->mem.npages; i++)
		huge |= f->mem.pages[i].size_kib != base;
	if (f->mem.npages && !huge) {
		/* libvirt too (qemuBuildMemoryGetPagesize). */
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("The domain's <page> is of the base page "
				 "size, which libvirt takes for ordinary "
				 "memory: no hugepages are used."));
		return false;
	}
	return true;
}

/* One page size a guest takes and how much memory comes from it. */
struct page_use {
	uint64_t size_kib;
	uint64_t mem_kib;
};

/* The hugepage sizes of the domain, its default size resolved. */
static size_t
page_uses(const struct doctor_facts *f, struct page_use **out)
{
	const struct domxml_memory *m = &f->mem;
	uint64_t base = (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	size_t n = m->npages ? m->npages : 1, k = 0;

	*out = xcalloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		const struct domxml_page *pg = m->npages ? &m->pages[i] : NULL;

		/* A page of the base size is ordinary memory to libvirt. */
		if (pg && pg->size_kib == base)
			continue;
		(*out)[k].size_kib =
		    pg && pg->size_kib ? pg->size_kib : f->h->default_page_kib;
		(*out)[k++].mem_kib = domxml_memory_for_nodes(
		    m, pg ? pg->nodeset : NULL);
	}
	return k;
}

static void
run_boot_pages(const struct doctor_facts *f, struct doctor_result *r)
{
	struct host_boot_pages *b = NULL;
	size_t n;
	bool short_found = false;

	if (!doctor_host_local(f, r))
		return;
	n = host_boot_pages(f->env->root, &b);
	if (!n) {
		doctor_verdict(r, DOCTOR_OK, _("No hugepages are reserved at "
					       "boot."));
		host_boot_pages_free(b, n);
		return;
	}
	for (size_t i = 0; i < n && !short_found; i++) {
		uint64_t size = b[i].size_kib ? b[i].size_kib
					      : f->h->default_page_kib;
		const struct host_pool *pool = host_pool_find(f->h, size);
		AUTOFREE char *sz = size_format_kib(size);
		bool later = false;

		/* What is set later at boot wins (sysctl after cmdline). */
		for (size_t k = i + 1; k < n; k++) {
			uint64_t ks = b[k].size_kib;

			later |= (ks ? ks : f->h->default_page_kib) == size;
		}
		if (later || !pool || pool->total == HOST_UNKNOWN ||
		    pool->total >= b[i].count)
			continue;
		short_found = true;
		doctor_verdict(r, DOCTOR_WARNING,
			       _("%1$s asks for %2$llu pages of %3$s, but the "
				 "pool has %4$llu: the kernel found only part "
				 "of them."),
			       b[i].source, ULL(b[i].count), sz,
			       ULL(pool->total));
		if (size >= 1024 * 1024) {
			doctor_fix(r, _("Pages of %1$s are found reliably only "
					"at boot: put 'hugepagesz=%1$s "
					"hugepages=%2$llu' on the kernel "
					"command line and reboot."),
				   sz, ULL(b[i].count));
			continue;
		}
		doctor_fix(r, _("Memory was short or fragmented when the pool "
				"was filled. Compact it (echo 1 > "
				"/proc/sys/vm/compact_memory) and fill the "
				"pool again; virtshare puts it back if the "
				"kernel still falls short."));
		doctor_command(r, "%s pages alloc %s %llu", f->host_cmd, sz,
			       ULL(b[i].count));
		r->action.kind = DOCTOR_FIX_PAGES;
		r->action.pages.op = PAGES_SET;
		r->action.pages.size_kib = size;
		r->action.pages.count = b[i].count;
		r->action.pages.node = -1;
	}
	if (!short_found)
		doctor_verdict(r, DOCTOR_OK,
			       _("The pools hold the pages reserved at boot."));
	host_boot_pages_free(b, n);
}

static const struct doctor_check check_boot_pages = {
	.id = "hugepages-boot",
	.group = DOCTOR_GROUP_HUGEPAGES,
	.scope = DOCTOR_SCOPE_HOST,
	.looks_at = N_("hugepages= on /proc/cmdline, vm.nr_hugepages "
		       "in /etc/sysctl.conf and /etc/sysctl.d, the "
		       "pools in /sys"),
	.message = "Unable to allocate N pages. Allocated only M",
	.patterns = {"Unable to allocate * pages. Allocated only"},
	.cause = N_("The kernel fills a pool only as far as it finds "
		    "free, unfragmented memory; 1G pages are rarely "
		    "found once the host runs."),
	.fix = N_("Reserve 1G pages on the kernel command line; for "
		  "2M pages compact memory and run virtshare pages "
		  "alloc SIZE COUNT."),
	.run = run_boot_pages,
};

/*
 * Whether libvirt has a hugetlbfs mount for pages of size_kib: yes adds
 * "2M: /dev/hugepages" to found; no gives r what to do, with the mount
 * command (and what --fix does) when a mount is all that is missing.
 */
static bool
size_mounted(const struct doctor_facts *f, struct doctor_result *r,
	     uint64_t size_kib, struct strbuf *found)
{
	AUTOFREE char *advice = NULL;
	AUTOFREE char *sz = size_format_kib(size_kib);
	const char *dir = NULL;
	enum pages_mount_state st =
	    pages_mount_check(f->h, f->q, size_kib, &dir, &advice);

	if (st == PAGES_MOUNT_OK) {
		sb_printf(found, "%s%s: %s", found->len ? ", " : "", sz, dir);
		return true;
	}
	doctor_fix(r, "%s", advice);
	if (st != PAGES_MOUNT_NONE)
		return false;
	doctor_command(r, "%s pages mount %s", f->host_cmd, sz);
	if (root_is_host(f->env->root)) {
		r->action.kind = DOCTOR_FIX_MOUNT;
		r->action.mount_kib = size_kib;
	}
	return false;
}

/* The pools with pages that no hugetlbfs mount serves: libvirt cannot
 * give those pages to a guest. */
static void
run_pool_mounts(const struct doctor_facts *f, struct doctor_result *r)
{
	struct strbuf found = STRBUF_INIT;

	if (!doctor_host_local(f, r) || !doctor_have_qemu_conf(f, r))
		return;
	for (size_t i = 0; i < f->h->npools; i++) {
		const struct host_pool *p = &f->h->pools[i];
		AUTOFREE char *sz = NULL;

		if (!p->total || p->total == HOST_UNKNOWN ||
		    size_mounted(f, r, p->size_kib, &found))
			continue;
		sz = size_format_kib(p->size_kib);
		doctor_verdict(r, DOCTOR_WARNING,
			       _("The pool of %1$s pages holds %2$llu pages, "
				 "but libvirt has no hugetlbfs mount to use "
				 "them."),
			       sz, ULL(p->total));
		sb_clear(&found);
		return;
	}
	if (found.len)
		doctor_verdict(r, DOCTOR_OK, _("hugetlbfs is mounted (%s)."),
			       sb_str(&found));
	else
		doctor_verdict(r, DOCTOR_OK, _("No hugepage pool holds pages."));
	sb_clear(&found);
}

static const struct doctor_check check_pool_mounts = {
	.id = "hugetlbfs-pools",
	.group = DOCTOR_GROUP_HUGEPAGES,
	.scope = DOCTOR_SCOPE_HOST,
	.looks_at = N_("the pools in /sys, hugetlbfs mounts in "
		       "/proc/mounts, qemu.conf's hugetlbfs_mount"),
	.message = NULL,
	.cause = N_("libvirt backs hugepages with files on a hugetlbfs "
		    "mount of the page size, found when libvirtd "
		    "starts: a pool no mount serves is of no use to "
		    "guests."),
	.fix = N_("Mount one: virtshare pages mount SIZE, then restart "
		  "libvirtd."),
	.run = run_pool_mounts,
};

/* "2M, 1G": the sizes the host offers. */
static char *
sizes_offered(const struct host_info *h)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < h->npools; i++) {
		AUTOFREE char *s = size_format_kib(h->pools[i].size_kib);

		sb_printf(&sb, "%s%s", i ? ", " : "", s);
	}
	return sb.len ? sb_steal(&sb) : xstrdup(_("none"));
}

/* What libvirt says when no hugetlbfs mount serves a page size. */
static const char *const mount_patterns[] = {
	"Unable to find any usable hugetlbfs mount for",
	"hugetlbfs filesystem is not mounted or disabled by administrator "
	"config",
};

static void
run_page_size(const struct doctor_facts *f, struct doctor_result *r)
{
	AUTOFREE struct page_use *use = NULL;
	AUTOFREE char *offered = NULL;
	size_t n;

	if (!hugepages_apply(f, r))
		return;
	n = page_uses(f, &use);
	offered = sizes_offered(f->h);
	for (size_t i = 0; i < n; i++) {
		AUTOFREE char *sz = NULL, *def = NULL, *extra = NULL;

		if (use[i].size_kib && host_pool_find(f->h, use[i].size_kib))
			continue;
		sz = use[i].size_kib ? size_format_kib(use[i].size_kib)
				     : xstrdup(_("the default size"));
		doctor_verdict(r, DOCTOR_ERROR,
			       _("The domain asks for pages of %1$s; this host "
				 "offers %2$s."),
			       sz, offered);
		/* libvirt finds no hugetlbfs mount for such a size first. */
		for (size_t p = 0; p < ARRAY_SIZE(mount_patterns); p++)
			doctor_quote_pattern(f, r, mount_patterns[p]);
		if (!f->h->default_page_kib || !f->h->npools) {
			doctor_fix(r, _("This host offers no hugepages: back "
					"the memory with memfd."));
			if (f->nshares)
				doctor_fix_with_memfd(f, r);
			return;
		}
		def = size_format_kib(f->h->default_page_kib);
		doctor_fix(r, _("Use a size the host offers, such as its "
				"default %s."),
			   def);
		if (f->nshares && f->mem.npages <= 1 &&
		    !(f->mem.npages && f->mem.pages[0].nodeset)) {
			struct share_request *q;

			extra = xasprintf("--backing hugepages:%s", def);
			doctor_share_command(f, r, &f->shares[0], extra);
			q = doctor_share_fix(r, &f->shares[0]);
			q->backing.kind = DOMXML_BACKING_HUGEPAGES;
			q->backing.page_kib = f->h->default_page_kib;
		}
		return;
	}
	doctor_verdict(r, DOCTOR_OK, _("This host offers the page sizes the "
				       "domain uses (%s)."),
		       offered);
}

static const struct doctor_check check_page_size = {
	.id = "hugepage-size",
	.group = DOCTOR_GROUP_HUGEPAGES,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = N_("<hugepages><page size>, the page sizes in "
		       "/sys/kernel/mm/hugepages"),
	.message = "Memory backend 'pc.ram' not found",
	.patterns = {"Memory backend '*' not found"},
	.cause = N_("The domain asks for a page size the host's CPU "
		    "and kernel do not offer."),
	.fix = N_("Use a size the host offers: virtshare share DOMAIN "
		  "--tag TAG --dir DIR --backing hugepages:SIZE."),
	.run = run_page_size,
};

static bool
any_hugetlbfs(const struct host_info *h)
{
	for (size_t i = 0; i < h->nmounts; i++)
		if (STREQ(h->mounts[i].fstype, "hugetlbfs"))
			return true;
	return false;
}

static void
run_hugetlbfs(const struct doctor_facts *f, struct doctor_result *r)
{
	AUTOFREE struct page_use *use = NULL;
	struct strbuf found = STRBUF_INIT;
	size_t n;

	if (!hugepages_apply(f, r) || !doctor_host_local(f, r))
		return;
	n = page_uses(f, &use);
	for (size_t i = 0; i < n; i++) {
		AUTOFREE char *sz = NULL;

		if (!use[i].size_kib ||
		    !host_pool_find(f->h, use[i].size_kib) ||
		    size_mounted(f, r, use[i].size_kib, &found))
			continue;
		sz = size_format_kib(use[i].size_kib);
		doctor_message(r,
			       any_hugetlbfs(f->h)
				   ? "Unable to find any usable hugetlbfs "
				     "mount for %llu KiB"
				   : "hugetlbfs filesystem is not mounted or "
				     "disabled by administrator config",
			       ULL(use[i].size_kib));
		doctor_verdict(r, DOCTOR_ERROR,
			       _("libvirt has no hugetlbfs mount for %s pages "
				 "to use."),
			       sz);
		sb_clear(&found);
		return;
	}
	if (found.len)
		doctor_verdict(r, DOCTOR_OK, _("hugetlbfs is mounted (%s)."),
			       sb_str(&found));
	else
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("No page size the host offers: see "
				 "hugepage-size."));
	sb_clear(&found);
}

static const struct doctor_check check_hugetlbfs = {
	.id = "hugetlbfs-mount",
	.group = DOCTOR_GROUP_HUGEPAGES,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = N_("hugetlbfs mounts in /proc/mounts, qemu.conf's "
		       "hugetlbfs_mount"),
	.message = "Unable to find any usable hugetlbfs mount for N "
		   "KiB",
	.patterns = {"Unable to find any usable hugetlbfs mount for",
		     "hugetlbfs filesystem is not mounted or disabled "
		     "by administrator config"},
	.cause = N_("libvirt backs hugepages with files on a hugetlbfs "
		    "mount of the page size, found when libvirtd "
		    "starts."),
	.fix = N_("Mount one: virtshare pages mount SIZE, then restart "
		  "libvirtd."),
	.run = run_hugetlbfs,
};

/* The one host NUMA node a nodeset names, or -1. */
static int
single_node(const char *nodeset)
{
	int node;

	return nodeset && str_to_int(nodeset, &node) == 0 ? node : -1;
}

static void
run_pages_free(const struct doctor_facts *f, struct doctor_result *r)
{
	AUTOFREE struct page_use *use = NULL;
	const char *nodes = f->mem.host_nodeset;
	size_t n;
	bool checked = false;

	if (!hugepages_apply(f, r))
		return;
	if (f->active) {
		doctor_verdict(r, DOCTOR_OK,
			       _("The domain runs: its hugepages are "
				 "allocated."));
		return;
	}
	n = page_uses(f, &use);
	for (size_t i = 0; i < n; i++) {
		struct pages_need need;
		AUTOFREE char *sz = NULL;
		int node;

		if (!use[i].size_kib || !use[i].mem_kib ||
		    !host_pool_find(f->h, use[i].size_kib))
			continue;
		if (pages_need(f->h, &f->env->in->qemu, f->env->in->qemu_error,
			       use[i].mem_kib, use[i].size_kib, nodes,
			       &need) < 0) {
			doctor_verdict(r, DOCTOR_ERROR, "%s",
				       vs_error_message());
			vs_error_reset();
			return;
		}
		checked = true;
		if (need.enough) {
			pages_need_clear(&need);
			continue;
		}
		sz = size_format_kib(use[i].size_kib);
		if (need.free == HOST_UNKNOWN) {
			doctor_verdict(r, DOCTOR_WARNING,
				       _("The guest needs %1$llu pages of "
					 "%2$s; how many are free is not "
					 "known."),
				       ULL(need.pages), sz);
			doctor_fix(r, _("Check the pools with 'virtshare "
					"pages'."));
			pages_need_clear(&need);
			return;
		}
		doctor_verdict(r, DOCTOR_ERROR,
			       nodes ? _("The guest needs %1$llu pages of "
					 "%2$s; only %3$llu are free on host "
					 "NUMA node(s) %4$s.")
				     : _("The guest needs %1$llu pages of "
					 "%2$s; only %3$llu are free."),
			       ULL(need.pages), sz, ULL(need.free), nodes);
		doctor_fix(r, _("Add the %llu missing pages to the pool before "
				"starting the guest."),
			   ULL(need.pages - need.free));
		node = single_node(nodes);
		if (!nodes || node >= 0) {
			AUTOFREE char *opt = node >= 0
						 ? xasprintf(" --node %d", node)
						 : xstrdup("");

			doctor_command(r, "%s pages alloc %s %llu --add%s",
				       f->host_cmd, sz,
				       ULL(need.pages - need.free), opt);
			r->action.kind = DOCTOR_FIX_PAGES;
			r->action.pages.op = PAGES_ADD;
			r->action.pages.size_kib = use[i].size_kib;
			r->action.pages.count = need.pages - need.free;
			r->action.pages.node = node;
		}
		pages_need_clear(&need);
		return;
	}
	if (checked)
		doctor_verdict(r, DOCTOR_OK,
			       _("Enough hugepages are free for the guest."));
	else
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("No page size the host offers: see "
				 "hugepage-size."));
}

static const struct doctor_check check_pages_free = {
	.id = "hugepages-free",
	.group = DOCTOR_GROUP_HUGEPAGES,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = N_("free_hugepages of the pool on the NUMA nodes "
		       "the guest uses (<numatune>), the guest's "
		       "memory"),
	.message = "unable to map backing store for guest RAM: Cannot "
		   "allocate memory",
	.patterns = {"unable to map backing store for guest RAM",
		     "Insufficient free host memory pages available"},
	.cause = N_("QEMU takes the guest's memory from the free pages "
		    "of the pool when it starts; too few are free."),
	.fix = N_("Add pages: virtshare pages alloc SIZE COUNT --add "
		  "[--node N]."),
	.run = run_pages_free,
};

const struct doctor_check *const doctor_checks_hugepages[] = {
	&check_boot_pages, &check_pool_mounts, &check_page_size,
	&check_hugetlbfs, &check_pages_free, NULL,
};
