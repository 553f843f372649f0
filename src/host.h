/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host.h: what the host offers (hugepages, NUMA, mounts, daemons), read from
 * /sys, /proc and /usr; this module only reads (changes: host-write.h) */
#ifndef VS_HOST_H
#define VS_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define HOST_UNKNOWN UINT64_MAX
/* The system-wide hugepage pools, one hugepages-<N>kB directory each. */
#define HOST_SYS_HUGEPAGES "/sys/kernel/mm/hugepages"

/* One hugepage pool: one page size, system-wide or on one NUMA node. */
struct host_pool {
	uint64_t size_kib;
	uint64_t total;    /* nr_hugepages */
	uint64_t free;     /* free_hugepages */
	uint64_t reserved; /* resv_hugepages; HOST_UNKNOWN per node */
	uint64_t surplus;  /* surplus_hugepages */
};

struct host_node {
	int id;
	uint64_t mem_total_kib; /* HOST_UNKNOWN when unreadable */
	uint64_t mem_free_kib;
	struct host_pool *pools; /* sorted by size */
	size_t npools;
};

struct host_mount {
	char *dir;
	char *fstype;
	char *options;
	uint64_t pagesize_kib; /* hugetlbfs: pagesize= or the default size */
	uint64_t size_kib;     /* tmpfs/hugetlbfs size= option; 0 if none */
};

struct host_daemon {
	char *path;          /* as seen by the host, not under root */
	bool ours;           /* virtshare-fsd: the daemon virtshare uses */
	bool from_env;       /* ours, its path from $VIRTSHARE_FSD */
	bool present;        /* exists and is executable */
	bool probed;         /* --print-capabilities ran and answered */
	char *type;          /* "fs" from the capabilities, or NULL */
	struct strlist features; /* e.g. "separate-options" */
	char *descriptor;    /* the vhost-user JSON naming it, or NULL */
	char *version;       /* first line of --version when probed, or NULL */
};

struct host_info {
	char *root;
	/* Read through libvirt from another host (virt_host_pages()): its
	 * URI, for the commands advice names; NULL for any other host. */
	char *remote_uri;
	char *kernel;              /* /proc/sys/kernel/osrelease */
	uint64_t mem_total_kib;    /* /proc/meminfo */
	uint64_t mem_available_kib;
	uint64_t default_page_kib; /* Hugepagesize */
	char *thp;                 /* transparent hugepages mode, or NULL */
	struct host_pool *pools;   /* system-wide, sorted by size */
	size_t npools;
	struct host_node *nodes;   /* sorted by id */
	size_t nnodes;
	struct host_mount *mounts; /* /proc/mounts in order */
	size_t nmounts;
	/* /dev/shm: size from statvfs on the host, else the mount's size=
	 * or the kernel's default of half the memory; free only live. */
	bool shm_present;
	uint64_t shm_size_kib;
	uint64_t shm_free_kib;     /* HOST_UNKNOWN under a fixture root */
	struct host_daemon *daemons;
	size_t ndaemons;
	struct strlist warnings;   /* sources that could not be read */
};

enum host_flags {
	/* Run each daemon's --print-capabilities (only on the live host). */
	HOST_PROBE_DAEMONS = 1 << 0,
};

/*
 * Read the host below root ("/" for the live host, else a fixture tree in
 * the same layout). Never fails as a whole: a source that cannot be read
 * adds a translated line to ->warnings. Caller frees with host_info_free().
 */
struct host_info *host_read(const char *root, unsigned flags);
void host_info_free(struct host_info *h);
DEFINE_AUTOPTR(host_info)

/* The system-wide pool of that size, or NULL: the host does not offer it. */
const struct host_pool *host_pool_find(const struct host_info *h,
				       uint64_t size_kib);
/* The pool of that size on node id, or NULL. */
const struct host_pool *host_node_pool_find(const struct host_info *h,
					    int node, uint64_t size_kib);
const struct host_node *host_node_find(const struct host_info *h, int node);
/* The first hugetlbfs mount serving that page size, or NULL. */
const struct host_mount *host_hugetlbfs_find(const struct host_info *h,
					     uint64_t size_kib);
/* The mount holding path (longest matching mount point), or NULL. */
const struct host_mount *host_mount_for_path(const struct host_info *h,
					     const char *path);
/* True for filesystems kept in memory (tmpfs, ramfs, hugetlbfs). */
bool host_fstype_in_memory(const char *fstype);

/*
 * The nr_hugepages file of the pool of size_kib pages on NUMA node
 * (-1: the system-wide pool), as a host path (caller frees).
 */
char *host_pool_path(int node, uint64_t size_kib);
/*
 * The pool size (nr_hugepages) read now below root. Returns 0, or -1
 * after reporting VS_ERR_IO.
 */
int host_pool_get(const char *root, int node, uint64_t size_kib,
		  uint64_t *count);
/*
 * The path of our own daemon: $VIRTSHARE_FSD when set (tests, the demo),
 * else LIBEXECDIR/virtshare-fsd. Borrowed.
 */
const char *host_our_daemon_path(void);

/* ---- processes, sockets and accounts (for launching the daemon) ---- */

/* A process as <root>/proc/PID shows it. */
struct host_proc {
	int pid;
	char state;                     /* 'R', 'S', ...; 'Z' or 'X': gone */
	unsigned long long start_ticks; /* since boot, in clock ticks */
	char *exe;                      /* /proc/PID/exe, NULL if unreadable */
};

/*
 * Read process pid below root into *p (cleared first). Returns 0, or -1
 * with errno set (ENOENT: no such process); does not report. The exe link
 * loses a " (deleted)" suffix. Clear with host_proc_clear().
 */
int host_proc_read(const char *root, int pid, struct host_proc *p);
void host_proc_clear(struct host_proc *p);
/* True when the process was read and is not a zombie. */
bool host_proc_alive(const struct host_proc *p);

/*
 * Whether a UNIX socket bound to path is listening, from
 * <root>/proc/<pid>/net/unix (the network namespace of process pid; pid 0
 * reads /proc/net/unix, ours); a socket bound as "path.PID" and renamed
 * to path (virtshare-fsd's way) counts as path. Only a listening socket has the
 * accept-connections flag, so a connected one or a stale file is 0. Does
 * not connect: a virtiofs daemon serves one front end and exits when it
 * disconnects. Returns 1, 0, or -1 with errno (not reported).
 */
int host_unix_listening(const char *root, int pid, const char *path);

/*
 * Accounts of the live host, by name or as "+N" (qemu.conf's numeric
 * form). host_user_lookup() also gives the user's primary group. Return
 * 0, or -1 with errno (ENOENT: no such account); do not report.
 */
int host_user_lookup(const char *name, uid_t *uid, gid_t *gid);
int host_group_lookup(const char *name, gid_t *gid);
/* Whether the user (with its supplementary groups) is in group gid. */
bool host_user_in_group(const char *name, gid_t primary, gid_t gid);
/*
 * Where user (uid, gid) cannot reach the socket path (a host path below
 * root): the socket itself when it may not write to it, else the first
 * directory above it, from the nearest up, that it may not search; NULL
 * when it can (or what is missing is not looked at). "/" is not looked
 * at, nor ACLs: a warning may be too cautious, never missing. Caller
 * frees.
 */
char *host_unreachable(const char *root, const char *path, const char *user,
		       uid_t uid, gid_t gid);
/* The account name, or the number when there is none (caller frees). */
char *host_user_name(uid_t uid);
char *host_group_name(gid_t gid);

/* ---- logs and limits (for troubleshooting) ------------------------------ */

/*
 * The last max bytes of the file path below root, starting at a line
 * (a partial first line is dropped; NUL bytes read as spaces). Returns
 * the text (caller frees), or
 * NULL with errno set (ENOENT: no such log); does not report.
 */
char *host_log_tail(const char *root, const char *path, size_t max);
/*
 * The names of the files in dir below root that start with prefix and end
 * with suffix (longer than both), sorted, added to out. A directory that
 * cannot be read adds nothing.
 */
void host_dir_list(const char *root, const char *dir, const char *prefix,
		   const char *suffix, struct strlist *out);
/*
 * The version of the Linux kernel image path below root ("6.1.0-13-amd64"),
 * from its x86 boot header (bzImage: "HdrS" at 0x202, the version string
 * at 0x200 + the word at 0x20e). Returns it (caller frees), or NULL with
 * errno (ENOEXEC: not a bzImage); does not report.
 */
char *host_kernel_version(const char *root, const char *path);
/*
 * The kernel's message buffer as text lines, the last max bytes of it:
 * <root>/dev/kmsg, read record by record on the live host (root only) or
 * as a file in the same format ("PRI,SEQ,USEC,FLAGS;TEXT") in a fixture
 * tree. Returns the text (caller frees) or NULL with errno set.
 */
char *host_kmsg_tail(const char *root, size_t max);
/*
 * The subordinate id range of a user or group in <root>/etc/subuid or
 * /etc/subgid (file), found by name or by numeric id as libvirt does.
 * Returns 1 with *start and *count set, 0 when there is none, -1 with
 * errno when the file cannot be read (ENOENT: missing); does not report.
 */
int host_subid_find(const char *root, const char *file, const char *name,
		    unsigned id, uint64_t *start, uint64_t *count);
/*
 * The open-file limits of process pid from <root>/proc/PID/limits
 * (UINT64_MAX for unlimited). Returns 0, or -1 with errno; no report.
 */
int host_proc_nofile(const char *root, int pid, uint64_t *soft,
		     uint64_t *hard);
/* The pid in the pid file path below root, or -1 with errno. */
int host_pid_file(const char *root, const char *path);
/*
 * Ask the daemon at path below root for --print-capabilities and
 * --version, filling d->probed, type, features and version (d->path is
 * set when NULL). Runs the program: only for the live host or a fixture
 * tree whose programs are meant to run. Returns 0 when it answered.
 */
int host_daemon_probe(const char *root, const char *path,
		      struct host_daemon *d);
/* Whether path below root is an executable file. */
bool host_executable(const char *root, const char *path);
void host_daemon_clear(struct host_daemon *d);

/* Hugepages the host is set up to reserve at boot. */
struct host_boot_pages {
	uint64_t size_kib; /* 0: the default size */
	uint64_t count;
	char *source;      /* "/proc/cmdline", "/etc/sysctl.d/x.conf" */
};
/*
 * The boot-time pools asked for below root: hugepagesz=/hugepages= pairs
 * of /proc/cmdline and vm.nr_hugepages of /etc/sysctl.conf and
 * /etc/sysctl.d/NAME.conf (the last read wins, as sysctl --system).
 * Returns the count; *out (caller frees with host_boot_pages_free()).
 */
size_t host_boot_pages(const char *root, struct host_boot_pages **out);
void host_boot_pages_free(struct host_boot_pages *p, size_t n);

#endif
