/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat.c: the one table of libvirt and QEMU versions and what they allow */
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "i18n.h"
#include "virt.h"
#include "util.h"

static const struct compat_entry entries[COMPAT_NFEATURES] = {
	{COMPAT_MEMFD, COMPAT_LIBVIRT, COMPAT_VERSION(4, 10, 0),
	 N_("The memfd backing")},
	{COMPAT_VIRTIOFS, COMPAT_LIBVIRT, COMPAT_VERSION(6, 2, 0),
	 N_("virtiofs")},
	{COMPAT_NO_NUMA, COMPAT_LIBVIRT, COMPAT_VERSION(6, 9, 0),
	 N_("Shared guest memory without guest NUMA cells")},
	{COMPAT_QEMU_NO_NUMA, COMPAT_QEMU, COMPAT_VERSION(5, 0, 0),
	 N_("Shared guest memory without guest NUMA cells")},
	{COMPAT_SANDBOX, COMPAT_LIBVIRT, COMPAT_VERSION(7, 2, 0),
	 N_("<sandbox mode>")},
	{COMPAT_SOCKET, COMPAT_LIBVIRT, COMPAT_VERSION(7, 3, 0),
	 N_("<source socket>")},
	{COMPAT_THREAD_POOL, COMPAT_LIBVIRT, COMPAT_VERSION(8, 5, 0),
	 N_("<thread_pool size>")},
	{COMPAT_IDMAP, COMPAT_LIBVIRT, COMPAT_VERSION(10, 0, 0),
	 N_("<idmap>")},
	{COMPAT_SESSION, COMPAT_LIBVIRT, COMPAT_VERSION(10, 0, 0),
	 N_("virtiofs in session mode")},
	{COMPAT_OPENFILES, COMPAT_LIBVIRT, COMPAT_VERSION(10, 6, 0),
	 N_("<openfiles max>")},
	{COMPAT_READONLY, COMPAT_LIBVIRT, COMPAT_VERSION(11, 0, 0),
	 N_("<readonly/> for virtiofs")},
	{COMPAT_QEMU_MIGRATION, COMPAT_QEMU, COMPAT_VERSION(8, 2, 0),
	 N_("Migrating a guest with virtiofs")},
	{COMPAT_HOTPLUG, COMPAT_LIBVIRT, COMPAT_VERSION(7, 9, 0),
	 N_("Attaching a share to a running guest")},
};

const struct compat_entry *
compat_entry(enum compat_feature f)
{
	if ((unsigned)f >= COMPAT_NFEATURES || entries[f].feature != f)
		abort();
	return &entries[f];
}

unsigned long
compat_since(enum compat_feature f)
{
	return compat_entry(f)->since;
}

bool
compat_allows(enum compat_feature f, unsigned long have)
{
	return !have || have >= compat_since(f);
}

unsigned long
compat_libvirt(const struct virt_info *v)
{
	if (!v)
		return 0;
	return v->daemon_version ? v->daemon_version : v->lib_version;
}

unsigned long
compat_qemu(const struct virt_info *v)
{
	if (!v || !v->driver || !STREQ(v->driver, "QEMU"))
		return 0;
	return v->hv_version;
}

char *
compat_version_str(unsigned long v)
{
	return xasprintf("%lu.%lu.%lu", v / 1000000, v / 1000 % 1000,
			 v % 1000);
}
