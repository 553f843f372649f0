/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vhost-user.h: the vhost-user back end (messages, memory, queue threads) */
#ifndef FSD_VHOST_USER_H
#define FSD_VHOST_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtqueue.h"

/* Queue 0 is hiprio (FORGET, INTERRUPT); 1.. carry requests. */
#define VU_MAX_QUEUES 9

/* A handler's answer when it will reply later through vu_deliver(). */
#define VU_DEFERRED (-1L)

/*
 * Called for each chain popped from queue qidx, in that queue's thread or
 * a helper, with the memory table read-locked: elem's iovecs stay
 * valid for the call. Returns the number of bytes written to elem->in,
 * or VU_DEFERRED. elem is the caller's (freed after the call).
 */
typedef long (*vu_handler_fn)(void *opaque, unsigned qidx,
			      const struct vq_elem *elem);

/*
 * Whether the request in elem is worth a thread of its own when others
 * wait behind it (a large transfer, a sync): a hint, read before the
 * handler runs, with the same locking.
 */
typedef bool (*vu_heavy_fn)(void *opaque, const struct vq_elem *elem);

struct vu_config {
	unsigned nqueues;	/* 1 + request queues, <= VU_MAX_QUEUES */
	/*
	 * Helper threads. 0: every request runs in its queue's thread;
	 * else heavy requests with others waiting behind them are shared
	 * with up to this many helpers.
	 */
	unsigned thread_pool_size;
	vu_handler_fn handle;
	vu_heavy_fn heavy;	/* NULL: nothing is heavy */
	void *opaque;
	int quit_fd;		/* vu_run() returns when readable; or -1 */
	/*
	 * For the fuzz tests: no queue threads; rings are processed only
	 * when the caller asks with vu_process_rings().
	 */
	bool no_queue_threads;
};

struct vu_dev;

/* Take over the connected socket sock (closed by vu_free()). */
struct vu_dev *vu_new(int sock, const struct vu_config *cfg);

/*
 * Serve the front end until it disconnects (0), quit_fd fires (0), or a
 * message breaks the protocol (-1, logged). Rings are stopped and all
 * requests finished on return.
 */
int vu_run(struct vu_dev *dev);
void vu_free(struct vu_dev *dev);

/*
 * Answer a deferred request: copy len bytes of reply into the writable
 * buffers of the chain at head (walked again, the memory table may have
 * changed) and return it to the guest. Returns 0; EAGAIN when the queue
 * is stopped now (try again later); ESTALE when the ring was reset since
 * epoch (drop the request).
 */
int vu_deliver(struct vu_dev *dev, unsigned qidx, uint16_t head,
	       uint32_t epoch, const void *reply, size_t len);

/*
 * The most descriptors one request chain can have on the request queues:
 * what bounds FUSE's max_write.
 */
unsigned vu_desc_limit(struct vu_dev *dev);

/*
 * For the fuzz tests, without reading the socket: handle the len bytes at
 * buf (a header and its payload, as they come on the socket) with the
 * nfds descriptors fds, exactly as vu_run() handles a message it
 * receives. The fds are taken over (closed, or kept by the handler);
 * replies still go to the socket. Returns 0, or -1 when the message breaks
 * the protocol (logged; vu_run() would close the connection).
 */
int vu_handle_message(struct vu_dev *dev, const void *buf, size_t len,
		      const int *fds, unsigned nfds);

/*
 * For the fuzz tests (cfg.no_queue_threads): take and handle what every
 * started and enabled ring holds now, in the calling thread, as the
 * queue threads would on a kick.
 */
void vu_process_rings(struct vu_dev *dev);

#endif
