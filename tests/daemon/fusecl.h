/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fusecl.h: FUSE requests over a vuclient, the way the guest kernel sends them
 */
#ifndef VS_FUSECL_H
#define VS_FUSECL_H

#include <stdint.h>
#include <sys/uio.h>
#include <linux/fuse.h>

#include "vuclient.h"

/*
 * A request is the fuse_in_header plus argument buffers, each in its own
 * device-readable buffer, then two device-writable buffers: the
 * fuse_out_header and the reply payload (as the Linux virtio-fs driver
 * lays them out). Every reply is checked (length, unique, error range)
 * before it is returned.
 *
 * Calls return the reply payload length (>= 0), the daemon's FUSE error
 * as a negative errno, or -FUSECL_EBROKEN when the transport failed or
 * the reply was malformed (fusecl_error() says why).
 */
#define FUSECL_EBROKEN 100000

struct fusecl {
	struct vuclient *vu;
	enum vuc_chain mode; /* how chains are laid out (DIRECT) */
	uint64_t unique;
	uint32_t uid, gid, pid;
	int timeout_ms; /* 0: the vuclient default */
	struct fuse_init_out init;
	char err[512];
};

/* An asynchronous request (fusecl_submit / fusecl_wait). */
struct fusecl_pending {
	int queue;
	int head;
	uint32_t opcode;
	uint64_t unique;
	struct fuse_out_header oh;
	struct iovec wr[2];
	int nwr;
};

/* Borrows @vu; free the session before the client. */
struct fusecl *fusecl_new(struct vuclient *vu);
void fusecl_free(struct fusecl *f);
const char *fusecl_error(const struct fusecl *f);

long fusecl_callv(struct fusecl *f, uint32_t opcode, uint64_t nodeid,
                  const struct iovec *args, int nargs, void *out,
                  size_t outsize);
/* One argument, or an argument and a NUL-terminated name (may be NULL). */
long fusecl_call(struct fusecl *f, uint32_t opcode, uint64_t nodeid,
                 const void *arg, size_t arglen, const char *name, void *out,
                 size_t outsize);

int fusecl_submit(struct fusecl *f, int queue, uint32_t opcode, uint64_t nodeid,
                  const struct iovec *args, int nargs, void *out,
                  size_t outsize, struct fusecl_pending *p);
long fusecl_wait(struct fusecl *f, struct fusecl_pending *p, int timeout_ms);

/*
 * A request that has no reply (FORGET, BATCH_FORGET, INTERRUPT): the
 * chain has no writable buffer. Returns the used length the daemon gave
 * back (0 expected) or -FUSECL_EBROKEN.
 */
long fusecl_noreply(struct fusecl *f, int queue, uint32_t opcode,
                    uint64_t nodeid, const struct iovec *args, int nargs);

/* Shorthands; each returns 0 (or a length) or a negative errno. */
int fusecl_init(struct fusecl *f, uint32_t flags);
int fusecl_lookup(struct fusecl *f, uint64_t parent, const char *name,
                  struct fuse_entry_out *e);
long fusecl_forget(struct fusecl *f, uint64_t nodeid, uint64_t nlookup);
int fusecl_getattr(struct fusecl *f, uint64_t nodeid, struct fuse_attr *a);
int fusecl_open(struct fusecl *f, uint32_t opcode, uint64_t nodeid,
                uint32_t flags, uint64_t *fh);
int fusecl_release(struct fusecl *f, uint32_t opcode, uint64_t nodeid,
                   uint64_t fh);
int fusecl_create(struct fusecl *f, uint64_t parent, const char *name,
                  uint32_t flags, uint32_t mode, struct fuse_entry_out *e,
                  uint64_t *fh);
/* CREATE with every field of fuse_create_in the caller's (open_flags) */
int fusecl_create_in(struct fusecl *f, uint64_t parent, const char *name,
                     const struct fuse_create_in *in, struct fuse_entry_out *e,
                     uint64_t *fh);
int fusecl_mkdir(struct fusecl *f, uint64_t parent, const char *name,
                 uint32_t mode, struct fuse_entry_out *e);
long fusecl_read(struct fusecl *f, uint64_t nodeid, uint64_t fh, uint64_t off,
                 void *buf, uint32_t size);
long fusecl_write(struct fusecl *f, uint64_t nodeid, uint64_t fh, uint64_t off,
                  const void *buf, uint32_t size);

#endif
