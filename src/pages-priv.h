/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pages-priv.h: the pool back ends of pages.c, exported for the tests */
#ifndef VS_PAGES_PRIV_H
#define VS_PAGES_PRIV_H

#include "host-write.h"
#include "pages.h"

/*
 * One way to read and change pools: sysfs below a root, libvirt, or a
 * test's simulated kernel. node -1 is the system-wide pool. get and set
 * return 0 or -1 after reporting; set may change the pool and still fail
 * (libvirt does when the kernel gave fewer pages). manual is the command
 * a person runs to set the pool by hand (caller frees).
 */
struct pages_ops {
	int (*get)(void *ctx, int node, uint64_t size_kib, uint64_t *count);
	int (*set)(void *ctx, int node, uint64_t size_kib, uint64_t count);
	char *(*manual)(void *ctx, int node, uint64_t size_kib,
			uint64_t count);
};

/* pages_apply() over any back end. */
int pages_apply_ops(const struct host_info *h, const struct pages_ops *ops,
		    void *ctx, const struct pages_request *req,
		    struct pages_result *res);

#endif
