/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pages.h: hugepages: what guests need, safe pool changes, persistence */
#ifndef VS_PAGES_H
#define VS_PAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"
#include "qemuconf.h"
#include "virt.h"

/*
 * A page size as people and libvirt write it (2M, 2048K, 1G, 1048576 =
 * KiB) that the host h offers. Returns 0, or -1 after reporting
 * VS_ERR_INVALID (not a size) or VS_ERR_UNSUPPORTED (not offered: the
 * message lists the sizes that are).
 */
int pages_size_parse(const struct host_info *h, const char *s,
		     uint64_t *size_kib);

/* How libvirt will find a hugetlbfs mount for one page size. */
enum pages_mount_state {
	PAGES_MOUNT_OK,       /* a mount serves the size and libvirt uses it */
	PAGES_MOUNT_BAD_CONF, /* qemu.conf's hugetlbfs_mount names a path
			       * that is not a hugetlbfs mount: libvirt's
			       * QEMU driver refuses to start */
	PAGES_MOUNT_NONE,     /* no hugetlbfs mount of that size */
	PAGES_MOUNT_UNLISTED, /* mounted, but hugetlbfs_mount is set and
			       * does not list it */
};

/*
 * Check the mounts of h (read below a root, not from libvirt) against
 * qemu.conf's settings q (NULL: not checked). *dir is set to the mount
 * found for the size (borrowed from h) or NULL. For anything but
 * PAGES_MOUNT_OK, *advice (caller frees) is one translated line saying
 * what is wrong and how to fix it (mount command, fstab line, qemu.conf).
 */
enum pages_mount_state pages_mount_check(const struct host_info *h,
					 const struct qemu_settings *q,
					 uint64_t size_kib, const char **dir,
					 char **advice);

/* What a guest needs from the host's hugepages, and whether it has it. */
struct pages_need {
	uint64_t guest_mem_kib;
	uint64_t page_kib;
	uint64_t pages;        /* guest memory / page size, rounded up */
	bool size_offered;     /* the host has a pool of that size */
	uint64_t total;        /* pool size on the nodes counted */
	uint64_t free;         /* free pages there; system-wide less the
				* reserved ones; HOST_UNKNOWN if unknown */
	bool enough;           /* free >= pages */
	bool mount_checked;    /* false for a host read from libvirt */
	char *mount;           /* the hugetlbfs mount for the size, or NULL */
	bool qemu_conf_agrees; /* qemu.conf readable, and its hugetlbfs_mount
				* unset (auto-detected) or listing mount */
	bool ok;               /* all of the above hold */
	char *reason;          /* when !ok: one translated line saying what
				* is missing and what to do */
};

/*
 * What a guest of guest_mem_kib needs in pages of page_kib: the page
 * count (rounded up), checked against the FREE pages on the host NUMA
 * nodes nodeset names (libvirt's syntax: "0", "0-1", "0-3,^2"; NULL: the
 * whole host), whether the host offers the size at all, whether a
 * hugetlbfs mount serves it and whether qemu.conf agrees: q as the caller
 * read it, or qemu_error (not NULL) saying why it cannot be used (q is
 * then not looked at). A host read from libvirt (root NULL) has no mounts
 * to check.
 * Returns 0 with *out filled (clear it with pages_need_clear()), even
 * when the host falls short; -1 only for invalid input, reported as
 * VS_ERR_INVALID (zero sizes, a malformed nodeset, a node that does not
 * exist).
 */
int pages_need(const struct host_info *h, const struct qemu_settings *q,
	       const char *qemu_error, uint64_t guest_mem_kib,
	       uint64_t page_kib, const char *nodeset, struct pages_need *out);
void pages_need_clear(struct pages_need *n);

/* What to do to a pool. */
enum pages_op {
	PAGES_SET,  /* make the pool count pages */
	PAGES_ADD,  /* add count pages */
	PAGES_FREE, /* release count free pages; 0: every free page */
	PAGES_GROW, /* make the pool at least count pages, never smaller */
};

struct pages_request {
	enum pages_op op;
	uint64_t size_kib;
	uint64_t count;
	int node; /* -1: the system-wide pool */
};

/* Where the pools are changed: libvirt when conn is set, else sysfs. */
struct pages_target {
	const char *root;       /* the local kernel's sysfs below root */
	struct virt_conn *conn; /* virNodeAllocPages on its host */
};

/* The pool before, the size asked for, and what the kernel gave. */
struct pages_result {
	uint64_t before;
	uint64_t want;
	uint64_t after;
};

/*
 * Change one pool safely. First refuse, with nothing changed, a size h
 * does not offer (VS_ERR_UNSUPPORTED), a node it does not have, a zero
 * count or a pool larger than the memory of the host or node
 * (VS_ERR_INVALID), releasing pages that are not free (VS_ERR_NO_PAGES).
 * Then write the new size, read back what the kernel actually gave, and
 * if it differs put every pool the write touched (each NUMA node for a
 * system-wide write) back as it was and report VS_ERR_PARTIAL with what
 * was possible and the advice that fits (compact memory and retry;
 * reserve 1G pages at boot). Returns 0 with *res filled (after == want;
 * want == before when there was nothing to do), or -1 after reporting.
 */
int pages_apply(const struct host_info *h, const struct pages_target *t,
		const struct pages_request *req, struct pages_result *res);
/*
 * What pages_apply() would do, changing nothing: the same refusals,
 * against the pool as h read it. Returns 0 with res->before (the pool in
 * h) and res->want (the size it would write) filled, or -1 after
 * reporting.
 */
int pages_plan(const struct host_info *h, const struct pages_request *req,
	       struct pages_result *res);

/*
 * What pages_apply() did with req, as one translated sentence for people
 * ("The pool of 2M pages now has 1536 pages (3G); it had 1024."). Caller
 * frees.
 */
char *pages_result_str(const struct pages_request *req,
		       const struct pages_result *r);

/* What pages_persist() wrote, as host paths (all owned). */
struct pages_persisted {
	char *file;    /* the sysctl.d drop-in or the systemd unit */
	char *link;    /* the unit's enablement link, or NULL */
	char *cmdline; /* kernel command line words that do the same at
			* boot (not written anywhere), or NULL */
};

/*
 * Make the pool of size_kib pages on node (-1: system-wide) come back
 * with count pages at boot, writing below h->root: for the default size
 * system-wide a drop-in /etc/sysctl.d/80-virtshare-hugepages.conf
 * (vm.nr_hugepages); otherwise a systemd unit in /etc/systemd/system
 * enabled by a link in sysinit.target.wants, plus the equivalent kernel
 * command line for the user to add if they prefer. Never touches a
 * bootloader configuration. Returns 0 with *out filled (clear with
 * pages_persisted_clear()), or -1 after reporting.
 */
/*
 * Whether pages_persist() can write for h: 0, or -1 after reporting
 * VS_ERR_UNSUPPORTED for a host read from libvirt (files are local).
 */
int pages_persist_check(const struct host_info *h);
int pages_persist(const struct host_info *h, int node, uint64_t size_kib,
		  uint64_t count, struct pages_persisted *out);
/* What pages_persist() would write, writing nothing: the same refusals
 * and *out filled. Returns 0, or -1 after reporting. */
int pages_persist_plan(const struct host_info *h, int node,
		       uint64_t size_kib, uint64_t count,
		       struct pages_persisted *out);
void pages_persisted_clear(struct pages_persisted *p);

/*
 * Where `virtshare pages mount SIZE` mounts by default: /dev/hugepages
 * for the default size, /dev/hugepages1G and such for others. The
 * /etc/fstab line that mounts hugetlbfs of that size on dir at boot.
 * Both caller frees.
 */
char *pages_mount_default_dir(const struct host_info *h, uint64_t size_kib);
char *pages_fstab_line(const char *dir, uint64_t size_kib);

/*
 * Make sure a hugetlbfs mount serves size_kib pages on the live host:
 * when dir is NULL an existing mount of that size will do, else the
 * default directory is used; when dir is given it must be free or
 * already such a mount. *mounted (caller frees) is the mount point;
 * *created tells whether it was mounted now. Returns 0, or -1 after
 * reporting (VS_ERR_UNSUPPORTED under a fixture root or for a size not
 * offered, VS_ERR_CONFLICT for a directory holding another mount).
 */
int pages_mount(const struct host_info *h, uint64_t size_kib,
		const char *dir, char **mounted, bool *created);
/*
 * What pages_mount() would do, mounting nothing: the same refusals;
 * *where (caller frees) is the mount point, *exists whether a mount
 * serves the size there already. Returns 0, or -1 after reporting.
 */
int pages_mount_plan(const struct host_info *h, uint64_t size_kib,
		     const char *dir, char **where, bool *exists);

#endif
