/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host-write.h: the changes virtshare makes to the host: hugepage pools,
 * configuration files (sysctl, systemd units), mounts */
#ifndef VS_HOST_WRITE_H
#define VS_HOST_WRITE_H

#include <stdint.h>

/*
 * Each function changes the host below root (or the live host) at once
 * and reports its failure; reading what is there is host.h's.
 */

/*
 * Ask the kernel for a pool of count pages by writing nr_hugepages below
 * root. The kernel gives fewer without failing when memory is short or
 * fragmented: read back with host_pool_get(). Returns 0, or -1 after
 * reporting VS_ERR_PERM or VS_ERR_IO.
 */
int host_pool_set(const char *root, int node, uint64_t size_kib,
		  uint64_t count);

/*
 * Install a configuration file at path (a host path such as
 * /etc/sysctl.d/x.conf) below root: missing directories are created and
 * an existing file is replaced atomically. Returns 0 or -1 (reported).
 */
int host_config_write(const char *root, const char *path, const char *text,
		      unsigned mode);
/*
 * Make path below root a symbolic link to target (a host path, kept as
 * written), replacing an existing link. Returns 0 or -1 (reported).
 */
int host_config_link(const char *root, const char *path, const char *target);

/*
 * Mount hugetlbfs for size_kib pages on dir of the live host (nosuid,
 * nodev), creating dir when missing. Returns 0, or -1 after reporting
 * VS_ERR_PERM or VS_ERR_SYSTEM.
 */
int host_hugetlbfs_mount(const char *dir, uint64_t size_kib);
/* Unmount dir on the live host. Returns 0, or -1 after reporting. */
int host_umount(const char *dir);

#endif
