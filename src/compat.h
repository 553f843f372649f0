/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compat.h: which libvirt and QEMU versions allow what, and the fixed limits */
#ifndef VS_COMPAT_H
#define VS_COMPAT_H

#include <stdbool.h>

struct virt_info;

/* A version as libvirt gives it: major * 1000000 + minor * 1000 + micro. */
#define COMPAT_VERSION(major, minor, micro) \
	((major) * 1000000UL + (minor) * 1000UL + (micro))

/* ---- limits -------------------------------------------------------------- */

/* Bytes in a virtiofs mount tag: the kernel's virtio_fs_config tag[36]. */
#define COMPAT_TAG_MAX 36
/* The largest virtqueue QEMU's vhost-user-fs takes (a power of 2). */
#define COMPAT_QUEUE_MAX 1024
/* The queue size of a new share when none is asked for, as libvirt's
 * virtiofs how-to writes it (QEMU's own default is 128). */
#define COMPAT_QUEUE_DEFAULT 1024
/* Bytes of a domain XML read from a file or a saved copy. */
#define COMPAT_XML_MAX (16 << 20)

/* ---- version thresholds -------------------------------------------------- */

enum compat_component {
	COMPAT_LIBVIRT,
	COMPAT_QEMU,
};

/* Everything that needs a libvirt or QEMU newer than some version. */
enum compat_feature {
	COMPAT_MEMFD,           /* libvirt: <source type='memfd'/> */
	COMPAT_VIRTIOFS,        /* libvirt: virtiofs itself */
	COMPAT_NO_NUMA,         /* libvirt: shared memory without NUMA cells */
	COMPAT_QEMU_NO_NUMA,    /* QEMU: the same (a memory backend) */
	COMPAT_SANDBOX,         /* libvirt: <sandbox mode> */
	COMPAT_SOCKET,          /* libvirt: <source socket> */
	COMPAT_THREAD_POOL,     /* libvirt: <thread_pool size> */
	COMPAT_IDMAP,           /* libvirt: <idmap> */
	COMPAT_SESSION,         /* libvirt: virtiofs in qemu:///session */
	COMPAT_OPENFILES,       /* libvirt: <openfiles max> */
	COMPAT_READONLY,        /* libvirt: <readonly/> for virtiofs */
	COMPAT_QEMU_MIGRATION,  /* QEMU: vhost-user-fs migrates */
	/* libvirt: virtiofs <filesystem> attached and detached live.
	 * libvirt's NEWS.rst, v7.9.0: "Support hotplug and hotunplug for
	 * virtiofs" (before, qemuDomainAttachDeviceLive() has no
	 * VIR_DOMAIN_DEVICE_FS case). */
	COMPAT_HOTPLUG,
	COMPAT_NFEATURES
};

struct compat_entry {
	enum compat_feature feature;
	enum compat_component component;
	unsigned long since; /* the first version that has it */
	const char *what;    /* N_(): what needs it, e.g. "<idmap>" */
};

/* The table entry of f. Borrowed (static). */
const struct compat_entry *compat_entry(enum compat_feature f);
/* The first version of its component that has f. */
unsigned long compat_since(enum compat_feature f);
/*
 * Whether a component of version have (0: unknown) has f. An unknown
 * version counts as new enough: a domain XML file edited without libvirt
 * gets no version checks.
 */
bool compat_allows(enum compat_feature f, unsigned long have);

/*
 * The libvirt that will run the domain: the daemon's version when known,
 * else the library's; 0 without libvirt (v NULL: see inspection_virt()).
 */
unsigned long compat_libvirt(const struct virt_info *v);
/* The hypervisor's version when libvirt's driver is QEMU, else 0. */
unsigned long compat_qemu(const struct virt_info *v);

/* "MAJOR.MINOR.MICRO". Caller frees. */
char *compat_version_str(unsigned long v);

#endif
