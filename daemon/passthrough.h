/* SPDX-License-Identifier: GPL-2.0-or-later */
/* passthrough.h: the host side of the FUSE file system (inodes, handles) */
#ifndef FSD_PASSTHROUGH_H
#define FSD_PASSTHROUGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <linux/fuse.h>

/*
 * Every function returns 0 or a positive errno; the FUSE layer turns that
 * into a reply. Nothing here reads guest memory except through the iovecs
 * handed to pt_read()/pt_write(), and every name is validated here again,
 * whatever the caller did.
 *
 * Node ids are ours (FUSE_ROOT_ID is the shared directory); an inode is an
 * O_PATH fd keyed by st_dev + st_ino, so hard links share one node id. It
 * lives while the guest's lookup count or an internal reference holds it.
 * File handles (fh) are ours too, checked on every use. A node id we do
 * not hold (never given, or forgotten) gives ESTALE, a handle EBADF.
 */

enum pt_cache {
	PT_CACHE_NEVER,		/* no caching: timeouts 0, direct I/O */
	PT_CACHE_METADATA,	/* attributes cached, data direct */
	PT_CACHE_AUTO,		/* 1 s timeouts, page cache dropped on open */
	PT_CACHE_ALWAYS,	/* long timeouts, page cache kept */
};

struct pt_config {
	const char *source;	/* the shared directory */
	enum pt_cache cache;
	bool xattr;
	bool readonly;
	bool announce_submounts;
	bool allow_direct_io;
	unsigned max_inodes;	/* cap on inodes held for the guest */
	unsigned max_handles;	/* cap on open files and directories */
	int proc_fd;		/* > 0: /proc/self/fd opened by a sandbox,
				   taken over; 0: pt_new opens it */
	bool keep_creds;	/* never act as the caller (a user namespace
				   mapping one id) */
};

/* The caller's identity from the FUSE in-header. */
struct pt_cred {
	uint32_t uid;
	uint32_t gid;
	uint32_t pid;
};

struct pt_fs;

/*
 * Open the shared directory and /proc/self/fd (unless given). The working
 * directory becomes /proc/self/fd when an xattr call needs a path.
 * Returns NULL with a positive errno in *err (nothing reported).
 */
struct pt_fs *pt_new(const struct pt_config *cfg, int *err);
void pt_free(struct pt_fs *fs);

/*
 * Forget everything the guest holds (a new FUSE session: INIT after
 * DESTROY or a guest reboot): lookup counts, open files, locks.
 */
void pt_reset(struct pt_fs *fs);

/* 0 if name is a single valid path component, else EINVAL/ENAMETOOLONG. */
int pt_name_check(const char *name);

/* Entry and attribute timeouts of the cache mode, in seconds. */
void pt_timeouts(const struct pt_fs *fs, uint64_t *entry, uint64_t *attr);
bool pt_readonly(const struct pt_fs *fs);

/*
 * Whether the host may keep the set-user-ID and set-group-ID bits of the
 * files the calling thread changes next (a write, truncate, fallocate,
 * copy_file_range or O_TRUNC open): keep=false makes the host clear them
 * as for a caller without CAP_FSETID, by dropping CAP_FSETID from the
 * thread's effective set; keep=true raises it again. The thread keeps
 * the state between calls (a repeat costs nothing); a daemon that never
 * had CAP_FSETID gets the bits cleared always. Returns 0 or an errno
 * (logged): then the request must not go on.
 */
int pt_fsetid(bool keep);

int pt_lookup(struct pt_fs *fs, uint64_t parent, const char *name,
	      struct fuse_entry_out *out);
void pt_forget(struct pt_fs *fs, uint64_t nodeid, uint64_t nlookup);
int pt_getattr(struct pt_fs *fs, uint64_t nodeid, const uint64_t *fh,
	       struct fuse_attr_out *out);
int pt_setattr(struct pt_fs *fs, uint64_t nodeid,
	       const struct fuse_setattr_in *in, struct fuse_attr_out *out);
/* Fills buf (not NUL-terminated) with at most size bytes; *len is set. */
int pt_readlink(struct pt_fs *fs, uint64_t nodeid, char *buf, size_t size,
		size_t *len);

int pt_mknod(struct pt_fs *fs, const struct pt_cred *cred, uint64_t parent,
	     const char *name, uint32_t mode, uint32_t rdev,
	     struct fuse_entry_out *out);
int pt_mkdir(struct pt_fs *fs, const struct pt_cred *cred, uint64_t parent,
	     const char *name, uint32_t mode, struct fuse_entry_out *out);
int pt_symlink(struct pt_fs *fs, const struct pt_cred *cred, uint64_t parent,
	       const char *name, const char *target,
	       struct fuse_entry_out *out);
int pt_unlink(struct pt_fs *fs, uint64_t parent, const char *name);
int pt_rmdir(struct pt_fs *fs, uint64_t parent, const char *name);
int pt_rename(struct pt_fs *fs, uint64_t parent, const char *name,
	      uint64_t newparent, const char *newname, uint32_t flags);
int pt_link(struct pt_fs *fs, uint64_t nodeid, uint64_t newparent,
	    const char *newname, struct fuse_entry_out *out);

int pt_open(struct pt_fs *fs, uint64_t nodeid, uint32_t flags,
	    struct fuse_open_out *out);
int pt_create(struct pt_fs *fs, const struct pt_cred *cred, uint64_t parent,
	      const char *name, uint32_t flags, uint32_t mode,
	      struct fuse_entry_out *entry, struct fuse_open_out *open);
/* preadv/pwritev straight between the file and the (guest) iovecs. */
int pt_read(struct pt_fs *fs, uint64_t fh, uint64_t off,
	    const struct iovec *iov, int iovcnt, size_t *done);
int pt_write(struct pt_fs *fs, uint64_t fh, uint64_t off,
	     const struct iovec *iov, int iovcnt, size_t *done);
int pt_flush(struct pt_fs *fs, uint64_t nodeid, uint64_t fh,
	     uint64_t lock_owner);
int pt_release(struct pt_fs *fs, uint64_t fh);
int pt_fsync(struct pt_fs *fs, uint64_t fh, bool datasync);
int pt_statfs(struct pt_fs *fs, uint64_t nodeid, struct fuse_kstatfs *out);

/* size 0 asks for the needed size in *len. */
int pt_setxattr(struct pt_fs *fs, uint64_t nodeid, const char *name,
		const void *value, size_t size, uint32_t flags);
int pt_getxattr(struct pt_fs *fs, uint64_t nodeid, const char *name,
		void *buf, size_t size, size_t *len);
int pt_listxattr(struct pt_fs *fs, uint64_t nodeid, void *buf, size_t size,
		 size_t *len);
int pt_removexattr(struct pt_fs *fs, uint64_t nodeid, const char *name);

int pt_opendir(struct pt_fs *fs, uint64_t nodeid, uint32_t flags,
	       struct fuse_open_out *out);
/*
 * Fill buf with fuse_dirent (or fuse_direntplus when plus) records
 * starting at the directory offset off, at most size bytes; *len is set.
 */
int pt_readdir(struct pt_fs *fs, uint64_t nodeid, uint64_t fh, uint64_t off,
	       bool plus, void *buf, size_t size, size_t *len);
int pt_releasedir(struct pt_fs *fs, uint64_t fh);
int pt_fsyncdir(struct pt_fs *fs, uint64_t fh, bool datasync);

/*
 * POSIX record locks are OFD locks on a host file description private to
 * (inode, lock owner); flock locks are flock() on the handle's file.
 * pt_setlk never blocks: a conflicting lock gives EAGAIN, and the caller
 * retries a SETLKW later (see lockwait.h).
 */
int pt_getlk(struct pt_fs *fs, uint64_t nodeid, uint64_t owner,
	     struct fuse_file_lock *lk);
int pt_setlk(struct pt_fs *fs, uint64_t nodeid, uint64_t fh, uint64_t owner,
	     const struct fuse_file_lock *lk, bool flock);

int pt_access(struct pt_fs *fs, const struct pt_cred *cred, uint64_t nodeid,
	      uint32_t mask);
int pt_fallocate(struct pt_fs *fs, uint64_t fh, uint32_t mode, uint64_t off,
		 uint64_t len);
int pt_lseek(struct pt_fs *fs, uint64_t fh, uint64_t off, uint32_t whence,
	     uint64_t *result);
int pt_copy_file_range(struct pt_fs *fs, uint64_t fh_in, uint64_t off_in,
		       uint64_t fh_out, uint64_t off_out, uint64_t len,
		       uint64_t flags, size_t *done);
int pt_syncfs(struct pt_fs *fs, uint64_t nodeid);

#endif
