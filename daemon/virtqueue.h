/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtqueue.h: split virtqueues in guest memory, as a vhost back end sees them */
#ifndef FSD_VIRTQUEUE_H
#define FSD_VIRTQUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>
#include <linux/virtio_ring.h>

#include "mem.h"

#define VQ_MAX_SIZE 32768 /* the largest queue size virtio allows */
/*
 * Most descriptors (and so iovecs) in one chain, indirect tables
 * included: Linux's virtiofs puts a 1 MiB request (256 pages and the
 * headers) in one indirect table whatever the queue size.
 */
#define VQ_MAX_IOV 1024

/*
 * One popped request: the device-readable ("out") buffers, then the
 * device-writable ("in") ones, pointing straight into guest memory. Valid
 * while the memory table is (callers hold vhost-user's read lock).
 */
struct vq_elem {
	uint16_t head;
	uint32_t epoch;		/* the ring incarnation it came from */
	unsigned out_num, in_num;
	size_t out_len, in_len;
	struct iovec *out, *in;
	struct iovec iov[];
};

struct vq {
	unsigned index;
	uint16_t num;		/* queue size, 0 until SET_VRING_NUM */
	uint64_t desc_uva, avail_uva, used_uva;
	bool addr_set;
	bool event_idx;		/* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;		/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	struct vring_desc *desc; /* mapped by vq_map(), else NULL */
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail_idx; /* next avail entry we will take */
	bool broken;		/* the guest corrupted the ring: stop */
	uint32_t epoch;

	/* Completion side, shared by the threads completing requests. */
	pthread_mutex_t lock;
	uint16_t used_idx;	/* our copy of used->idx */
	bool unflushed;		/* filled since the last vq_flush() */
	uint16_t signalled_used;
	bool signalled_used_valid;
	int call_fd;		/* eventfd to interrupt the guest, or -1 */
};

void vq_init(struct vq *vq, unsigned index);
void vq_destroy(struct vq *vq);

/*
 * Translate the ring addresses (front-end user addresses) through mt.
 * Returns 0, or EINVAL when a ring is unmapped, misaligned or too small
 * (the rings are then unmapped).
 */
int vq_map(struct vq *vq, const struct mem_table *mt);

/* Begin processing at avail index base (SET_VRING_BASE + ring start). */
void vq_start(struct vq *vq, uint16_t base);

/*
 * Take the next available chain. Returns 1 with a new *elem (free()
 * it), 0 when the ring is empty, -1 when the ring is broken (logged once,
 * vq->broken set). A malformed chain whose head is valid is returned to
 * the guest as used with length 0 and skipped.
 */
int vq_pop(struct vq *vq, const struct mem_table *mt, struct vq_elem **elem);

/*
 * vq_pop() without the allocation: the chain goes into elem, which has
 * room for max iovecs in elem->iov (vq_elem_new(max) makes one).
 */
int vq_pop_into(struct vq *vq, const struct mem_table *mt,
		struct vq_elem *elem, unsigned max);

/* An element with room for max iovecs (free() it). */
struct vq_elem *vq_elem_new(unsigned max);
/* A copy of elem just big enough for its iovecs (free() it). */
struct vq_elem *vq_elem_copy(const struct vq_elem *elem);

/*
 * Walk the chain at head again (a deferred request after the memory table
 * may have changed). Returns 0 with a new *elem, or EINVAL.
 */
int vq_rewalk(struct vq *vq, const struct mem_table *mt, uint16_t head,
	      struct vq_elem **elem);

/* Return head to the guest with len bytes written; interrupt if due. */
void vq_push(struct vq *vq, uint16_t head, uint32_t len);

/*
 * The same in two steps, for a batch: vq_fill() returns head at once (the
 * guest sees it in the used ring), vq_flush() interrupts the guest if it
 * asked for it since the last interrupt. One call per batch.
 */
void vq_fill(struct vq *vq, uint16_t head, uint32_t len);
void vq_flush(struct vq *vq);

/* True if the guest made chains available that we have not taken. */
bool vq_pending(const struct vq *vq);

/*
 * Before sleeping: with EVENT_IDX, ask for a kick at the next entry;
 * true if entries arrived meanwhile (process them before sleeping).
 */
bool vq_rearm(struct vq *vq);

/* Exposed for the tests: walk a chain into iov (room for max). */
int vq_walk(const struct vq *vq, const struct mem_table *mt, uint16_t head,
	    struct iovec *iov, unsigned max, unsigned *out_num,
	    unsigned *in_num);

#endif
