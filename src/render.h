/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render.h: report pieces more than one command prints */
#ifndef VS_RENDER_H
#define VS_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"
#include "util.h"

/* "-" for HOST_UNKNOWN, else the decimal count (caller frees). */
char *render_count_str(uint64_t v);
/* The memory pages of size_kib hold: "2G", "0", "-" (caller frees). */
char *render_pages_memory_str(uint64_t pages, uint64_t size_kib);

/* A size in KiB as "2G", "?" for HOST_UNKNOWN (caller frees). */
char *render_kib(uint64_t v);
/* A qemu.conf value, "(default)" added when the file does not set it
 * (caller frees). */
char *render_setting(const char *value, bool set);
/* The heading of the hugepage pools: it says when there are none.
 * Borrowed, translated. */
const char *render_pools_title(const struct host_info *h);
/*
 * Append the table of virtiofs daemons to sb: path, and whether it is
 * there and used; with details, the type and features it prints and the
 * descriptor naming it, else only that a descriptor names it.
 */
void render_daemons_table(struct strbuf *sb, const struct host_info *h,
			  bool details);

/* A libvirt or QEMU version, "?" for 0 (unknown) (caller frees). */
char *render_version(unsigned long v);

/* The strings of l with sep between them; "" for none (caller frees). */
char *render_join(const struct strlist *l, const char *sep);

/* The hugetlbfs mount points serving a page size, comma separated; NULL
 * when none does (caller frees). */
char *render_pool_mounts(const struct host_info *h, uint64_t size_kib);

/*
 * Append the hugepage pool table of h to sb: per page size a system-wide
 * row, then one row per NUMA node (total, free, reserved, surplus, the
 * memory held). mounts[i] names the hugetlbfs mount serving pool i (NULL
 * prints "(none)"); a NULL mounts array leaves the column out.
 */
void render_pools_table(struct strbuf *sb, const struct host_info *h,
		     const char *const *mounts);

#endif
