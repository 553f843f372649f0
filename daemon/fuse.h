/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuse.h: FUSE requests from virtqueue buffers, answered by passthrough */
#ifndef FSD_FUSE_H
#define FSD_FUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "lockwait.h"
#include "passthrough.h"

/* fuse_process() answered nothing yet: the reply comes through deliver. */
#define FUSE_DEFERRED (-1L)

struct fuse_config {
	struct pt_fs *fs;
	struct lockwait *lw;
	enum pt_cache cache;
	bool posix_lock;
	bool flock;
	bool readdirplus;
	bool announce_submounts;
	/*
	 * Answer a deferred request (a granted SETLKW): returns 0, EAGAIN
	 * to be called again later, or another errno to drop it. See
	 * vu_deliver().
	 */
	int (*deliver)(void *opaque, unsigned qidx, uint16_t head,
		       uint32_t epoch, const void *reply, size_t len);
	void *opaque;
};

/* One request as it came off a queue. */
struct fuse_call {
	const struct iovec *out;	/* the request (guest-readable) */
	unsigned out_num;
	const struct iovec *in;		/* room for the reply */
	unsigned in_num;
	unsigned qidx;
	uint16_t head;
	uint32_t epoch;
	unsigned desc_limit;	/* most descriptors in a chain (max_write) */
};

struct fuse_server;

struct fuse_server *fuse_server_new(const struct fuse_config *cfg);
void fuse_server_free(struct fuse_server *srv);

/*
 * Decode, check and run one request; write the reply into call->in.
 * Returns the number of bytes written (0 for requests without a reply,
 * or when the guest left no room for one), or FUSE_DEFERRED. The guest
 * may change its buffers at any time: the header and fixed arguments are
 * copied out before they are checked and used.
 */
long fuse_process(struct fuse_server *srv, const struct fuse_call *call);

/*
 * Whether the request in out (as fuse_process() would read it) is heavy:
 * a READ or WRITE of FUSE_HEAVY_BYTES or more, or a sync, allocation or
 * copy that may wait for the disk. Only a scheduling hint: nothing is
 * checked, and a guest that lies only makes itself slower.
 */
#define FUSE_HEAVY_BYTES (64 * 1024)
bool fuse_request_heavy(const struct iovec *out, unsigned out_num);

#endif
