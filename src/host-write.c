/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host-write.c: the changes virtshare makes to the host itself */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "host-write.h"
#include "host.h"

int
host_pool_set(const char *root, int node, uint64_t size_kib, uint64_t count)
{
	AUTOFREE char *host_path = host_pool_path(node, size_kib);
	AUTOFREE char *path = path_under(root, host_path);
	AUTOFREE char *text = xasprintf("%" PRIu64 "\n", count);
	/* No O_CREAT: a missing file means the pool does not exist. */
	AUTOCLOSE int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	size_t len = strlen(text);
	ssize_t n;

	if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS))
		return vs_error(VS_ERR_PERM,
				_("Cannot change the hugepage pool %1$s: %2$s. "
				  "Run virtshare as root, or add --via-libvirt "
				  "to let libvirtd do it."),
				path, strerror(errno));
	if (fd < 0)
		return vs_error(VS_ERR_IO,
				_("Cannot open the hugepage pool %1$s: %2$s. "
				  "Check the page size and node with "
				  "'virtshare pages'."),
				path, strerror(errno));
	do
		n = write(fd, text, len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len)
		return vs_error(VS_ERR_SYSTEM,
				_("The kernel refused %1$s pages for %2$s: "
				  "%3$s. If it cannot change this pool at run "
				  "time, reserve the pages at boot with "
				  "hugepagesz= and hugepages= on the kernel "
				  "command line."),
				str_trim(text), path,
				strerror(n < 0 ? errno : EIO));
	return 0;
}

/* mkdir -p for the parents of path. */
static int
make_parents(const char *path)
{
	AUTOFREE char *dir = xstrdup(path);

	for (char *p = dir + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return vs_error(VS_ERR_IO,
					_("Cannot create the directory %1$s: "
					  "%2$s. Create it by hand, or check "
					  "the permissions."),
					dir, strerror(errno));
		*p = '/';
	}
	return 0;
}

int
host_config_write(const char *root, const char *path, const char *text,
		  unsigned mode)
{
	AUTOFREE char *full = path_under(root, path);

	if (make_parents(full) < 0)
		return -1;
	return file_write_atomic(full, text, strlen(text), mode);
}

int
host_config_link(const char *root, const char *path, const char *target)
{
	AUTOFREE char *full = path_under(root, path);
	AUTOFREE char *tmp = xasprintf("%s.tmp-link", full);

	if (make_parents(full) < 0)
		return -1;
	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, full) < 0) {
		int err = errno;

		unlink(tmp);
		return vs_error(VS_ERR_IO,
				_("Cannot create the link %1$s -> %2$s: %3$s. "
				  "Check the permissions of its directory."),
				full, target, strerror(err));
	}
	return 0;
}

int
host_hugetlbfs_mount(const char *dir, uint64_t size_kib)
{
	AUTOFREE char *opts = xasprintf("pagesize=%" PRIu64 "K", size_kib);
	AUTOFREE char *probe = xasprintf("%s/.", dir);

	if (make_parents(probe) < 0)
		return -1;
	if (mount("hugetlbfs", dir, "hugetlbfs", MS_NOSUID | MS_NODEV,
		  opts) == 0)
		return 0;
	if (errno == EPERM || errno == EACCES)
		return vs_error(VS_ERR_PERM,
				_("Cannot mount hugetlbfs on %1$s: %2$s. Run "
				  "virtshare as root."),
				dir, strerror(errno));
	return vs_error(VS_ERR_SYSTEM,
			_("Cannot mount hugetlbfs (%1$s) on %2$s: %3$s. Check "
			  "that the kernel offers this page size and that "
			  "%2$s is a directory."),
			opts, dir, strerror(errno));
}

int
host_umount(const char *dir)
{
	if (umount2(dir, 0) == 0)
		return 0;
	return vs_error(errno == EPERM ? VS_ERR_PERM : VS_ERR_SYSTEM,
			_("Cannot unmount %1$s: %2$s. Unmount it by hand "
			  "(umount %1$s) once nothing uses it."),
			dir, strerror(errno));
}
