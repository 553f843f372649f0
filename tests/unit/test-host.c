/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-host.c: reading hugepage pools, nodes and mounts from fixture trees */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host.h"
#include "tap.h"

static char *
fixture(const char *name)
{
	const char *src = getenv("top_srcdir");

	return xasprintf("%s/tests/data/hosts/%s", src ? src : ".", name);
}

static void
test_numa_server(void)
{
	AUTOFREE char *root = fixture("numa-server");
	AUTOPTR(host_info) h = host_read(root, 0);
	const struct host_pool *p;
	const struct host_mount *m;

	tap_is_int(h->warnings.n, 0, "numa-server: read without warnings");
	tap_is_str(h->kernel, "6.1.0-26-amd64", "kernel version");
	tap_is_int(h->default_page_kib, 2048, "default page size");
	tap_is_str(h->thp, "always", "transparent hugepage mode");
	tap_is_int(h->npools, 2, "two pool sizes");
	p = host_pool_find(h, 1048576);
	tap_ok(p && p->total == 16 && p->free == 12 && p->reserved == 0,
	       "1G pool system-wide");
	p = host_pool_find(h, 2048);
	tap_ok(p && p->total == 4096 && p->free == 3072 && p->reserved == 512,
	       "2M pool system-wide with reserved pages");
	tap_is_int(h->nnodes, 2, "two NUMA nodes");
	p = host_node_pool_find(h, 0, 1048576);
	tap_ok(p && p->total == 8 && p->free == 4 &&
		   p->reserved == HOST_UNKNOWN,
	       "1G pool on node 0 (no per-node reserved count in sysfs)");
	tap_ok(host_node_pool_find(h, 2, 2048) == NULL, "no node 2");
	tap_ok(host_pool_find(h, 4096) == NULL, "no 4M pool");
	tap_ok(host_node_find(h, 1) &&
		   host_node_find(h, 1)->mem_total_kib == 131936728,
	       "node 1 memory");
	m = host_hugetlbfs_find(h, 1048576);
	tap_ok(m && STREQ(m->dir, "/dev/hugepages1G"),
	       "pagesize=1024M serves 1G pages");
	m = host_hugetlbfs_find(h, 2048);
	tap_ok(m && STREQ(m->dir, "/dev/hugepages"), "2M mount");
	tap_ok(h->shm_present && h->shm_size_kib == 67108864 &&
		   h->shm_free_kib == HOST_UNKNOWN,
	       "/dev/shm size from the mount option, free unknown offline");
	m = host_mount_for_path(h, "/dev/shm/x");
	tap_ok(m && STREQ(m->fstype, "tmpfs"), "mount holding /dev/shm/x");
	m = host_mount_for_path(h, "/var/lib/libvirt/qemu/ram");
	tap_ok(m && STREQ(m->dir, "/") && !host_fstype_in_memory(m->fstype),
	       "memory_backing_dir default is on the root disk");
	m = host_mount_for_path(h, "/devx");
	tap_ok(m && STREQ(m->dir, "/"), "/devx is not below /dev");
}

static void
test_daemons(void)
{
	AUTOFREE char *root = fixture("laptop");
	AUTOPTR(host_info) h = NULL;
	const struct host_daemon *ref = NULL, *ours = NULL;

	setenv("VIRTSHARE_FSD", "/usr/libexec/virtshare-fsd", 1);
	h = host_read(root, HOST_PROBE_DAEMONS);
	for (size_t i = 0; i < h->ndaemons; i++) {
		if (STREQ(h->daemons[i].path, "/usr/lib/qemu/virtiofsd"))
			ref = &h->daemons[i];
		if (h->daemons[i].ours)
			ours = &h->daemons[i];
	}
	tap_ok(ref && ref->present && !ref->probed && ref->descriptor &&
		   STREQ(ref->descriptor, "/usr/share/qemu/vhost-user/"
					  "50-qemu-virtiofsd.json"),
	       "daemon found with its descriptor, never run under a fixture");
	tap_ok(ours && !ours->present &&
		   STREQ(ours->path, "/usr/libexec/virtshare-fsd"),
	       "our daemon listed even when not installed");
	tap_ok(host_pool_find(h, 2048) && host_hugetlbfs_find(h, 2048) == NULL,
	       "laptop: 2M pool offered, no mount");
}

static void
write_file(const char *root, const char *rel, const char *text)
{
	AUTOFREE char *path = xasprintf("%s/%s", root, rel);
	AUTOFREE char *cmd = xasprintf("mkdir -p \"$(dirname '%s')\"", path);

	if (system(cmd) != 0 ||
	    file_write_atomic(path, text, strlen(text), 0644) < 0)
		abort();
}

static void
test_odd_trees(void)
{
	char tmpl[] = "/tmp/vs-host-XXXXXX";
	const char *root = mkdtemp(tmpl);
	AUTOPTR(host_info) h = NULL;
	const struct host_mount *m;
	AUTOFREE char *cmd = NULL;

	h = host_read(root, 0);
	tap_ok(h && h->kernel == NULL && h->npools == 0 && h->warnings.n >= 3,
	       "empty tree: no crash, warnings instead of failures");
	host_info_free(steal_ptr(h));

	write_file(root, "proc/meminfo", "Hugepagesize:    2048 kB\n");
	write_file(root, "proc/mounts",
		   "none /mnt/huge\\040pages hugetlbfs rw 0 0\n"
		   "garbage line\n"
		   "tmpfs /dev/shm tmpfs rw,size=50% 0 0\n");
	write_file(root, "sys/kernel/mm/hugepages/hugepages-2048kB/"
			 "nr_hugepages", "not a number\n");
	write_file(root, "sys/kernel/mm/hugepages/junk-dir/x", "1\n");
	h = host_read(root, 0);
	m = host_hugetlbfs_find(h, 2048);
	tap_ok(m && STREQ(m->dir, "/mnt/huge pages"),
	       "octal escapes in /proc/mounts, default page size");
	tap_ok(h->npools == 1 && h->pools[0].total == HOST_UNKNOWN,
	       "unreadable pool count is unknown, not zero");
	tap_ok(h->shm_present && h->shm_size_kib == 0,
	       "size=50%% is not taken as a size");
	cmd = xasprintf("rm -rf '%s'", root);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", root);
}

int
main(void)
{
	test_numa_server();
	test_daemons();
	test_odd_trees();
	return tap_done();
}
