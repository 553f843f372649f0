/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vhost-user.c: the vhost-user back end (messages, memory, queue threads) */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <linux/vhost_types.h>
#include <linux/virtio_config.h>

#include "iov.h"
#include "log.h"
#include "mem.h"
#include "util.h"
#include "vhost-user.h"

/* Request ids of QEMU's docs/interop/vhost-user.rst. */
enum vu_request {
	VU_GET_FEATURES = 1,
	VU_SET_FEATURES = 2,
	VU_SET_OWNER = 3,
	VU_RESET_OWNER = 4,
	VU_SET_MEM_TABLE = 5,
	VU_SET_VRING_NUM = 8,
	VU_SET_VRING_ADDR = 9,
	VU_SET_VRING_BASE = 10,
	VU_GET_VRING_BASE = 11,
	VU_SET_VRING_KICK = 12,
	VU_SET_VRING_CALL = 13,
	VU_SET_VRING_ERR = 14,
	VU_GET_PROTOCOL_FEATURES = 15,
	VU_SET_PROTOCOL_FEATURES = 16,
	VU_GET_QUEUE_NUM = 17,
	VU_SET_VRING_ENABLE = 18,
	VU_RESET_DEVICE = 34,
	VU_GET_MAX_MEM_SLOTS = 36,
	VU_ADD_MEM_REG = 37,
	VU_REM_MEM_REG = 38,
	VU_REQUEST_END,
};

#define VU_FLAG_VERSION	     0x1u
#define VU_FLAG_VERSION_MASK 0x3u
#define VU_FLAG_REPLY	     0x4u
#define VU_FLAG_NEED_REPLY   0x8u

#define VU_F_PROTOCOL_FEATURES 30

#define VU_PROTOCOL_F_MQ		  0
#define VU_PROTOCOL_F_REPLY_ACK		  3
#define VU_PROTOCOL_F_RESET_DEVICE	  13
#define VU_PROTOCOL_F_CONFIGURE_MEM_SLOTS 15

#define VU_VRING_IDX_MASK 0xffu
#define VU_VRING_NOFD	  (1u << 8)

#define VU_MEM_REGIONS_BASELINE 8
#define VU_MAX_FDS		8
#define VU_MAX_PAYLOAD		4096

static const uint64_t vu_offered_features =
    (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |
    (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VU_F_PROTOCOL_FEATURES);

/*
 * Not CONFIG: QEMU 7.2 serves the device configuration itself and crashes
 * when a vhost-user-fs back end offers it.
 */
static const uint64_t vu_offered_protocol_features =
    (1ULL << VU_PROTOCOL_F_MQ) | (1ULL << VU_PROTOCOL_F_REPLY_ACK) |
    (1ULL << VU_PROTOCOL_F_RESET_DEVICE) |
    (1ULL << VU_PROTOCOL_F_CONFIGURE_MEM_SLOTS);

struct vu_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
} __attribute__((packed));

struct vu_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t uva;
	uint64_t mmap_offset;
};

struct vu_msg {
	struct vu_hdr hdr;
	union {
		uint64_t u64;
		struct vhost_vring_state state;
		struct vhost_vring_addr addr;
		struct {
			uint32_t nregions;
			uint32_t padding;
			struct vu_region regions[VU_MEM_REGIONS_BASELINE];
		} mem;
		struct {
			uint64_t padding;
			struct vu_region region;
		} memreg;
		uint8_t raw[VU_MAX_PAYLOAD];
	} p;
	int fds[VU_MAX_FDS];
	unsigned nfds;
};

struct vu_queue {
	struct vu_dev *dev;
	struct vq vq;
	int kick_fd;
	int err_fd;
	int wake_fd;		/* eventfd: re-check state, or stop */
	uint16_t base;		/* SET_VRING_BASE, or where we stopped */
	bool enabled;
	bool started;
	bool err_signalled;
	bool thread_running;
	bool stop;
	pthread_t thread;
	/* The queue thread's chain, popped in place (VQ_MAX_IOV iovecs). */
	struct vq_elem *elem;
	/* Taking chains off the ring: the queue thread and helpers. */
	pthread_mutex_t pop_lock;
	/* Helpers at work on this queue; none may start while closed. */
	pthread_mutex_t drain_lock;
	pthread_cond_t drained;
	unsigned inflight;
	bool closed;
	/* The ring as it was when it stopped, to recognise a resume. */
	struct {
		bool valid;
		uint16_t num;
		uint64_t desc, avail, used;
	} stopped;
};

struct vu_dev {
	int sock;
	struct vu_config cfg;
	/*
	 * Read-held while guest memory or ring state is used (queue
	 * threads, workers, deferred replies); write-held by the message
	 * handlers that change them.
	 */
	pthread_rwlock_t lock;
	struct mem_table mem;
	uint64_t features;
	uint64_t protocol_features;
	struct vu_queue q[VU_MAX_QUEUES];
	struct vu_helpers *helpers;
	struct vu_msg *msg;
	bool shut_down;
};

enum vu_result {
	VU_OK,
	VU_FAIL,	/* a failure the front end hears about (REPLY_ACK) */
	VU_CLOSE,	/* a protocol violation: close the connection */
};

/*
 * Helper threads (--thread-pool-size): they take chains off a request
 * ring themselves, beside its queue thread, when the queue thread asks
 * for help: only on a chain that is heavy (a large READ or WRITE, a sync)
 * while more chains wait behind it. One request in flight, or many small
 * ones, never leave the queue thread, which answers them without a
 * thread switch; big transfers in flight together run side by side.
 */
struct vu_helpers {
	struct vu_dev *dev;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned n;
	unsigned idle;
	unsigned nwanted;	/* bits set in wanted */
	uint32_t wanted;	/* queues that asked for a helper */
	bool stopping;
	pthread_t *threads;
};

/* Chains handled before the device lock is let go (SET_MEM_TABLE waits). */
#define VU_BATCH_MAX 256

/* ---- queue threads ---------------------------------------------------- */

/* Run the handler on elem; the length it wrote, or VU_DEFERRED. */
static long
vu_queue_call(struct vu_queue *q, const struct vq_elem *elem)
{
	struct vu_dev *dev = q->dev;
	long len = dev->cfg.handle(dev->cfg.opaque, q->vq.index, elem);

	if (len == VU_DEFERRED)
		return len;
	return len > 0 ? (long)MIN((size_t)len, elem->in_len) : 0;
}

/* Ask an idle helper, if there is one, to work on q. */
static void
vu_helper_request(struct vu_queue *q)
{
	struct vu_helpers *h = q->dev->helpers;
	uint32_t bit = 1u << q->vq.index;

	pthread_mutex_lock(&h->lock);
	if (!(h->wanted & bit) && h->idle > h->nwanted) {
		h->wanted |= bit;
		h->nwanted++;
		pthread_cond_signal(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
}

/*
 * Take chains off q's ring and handle them until it is empty (then ask
 * for a kick: EVENT_IDX) or VU_BATCH_MAX are done; true in the second
 * case, when more may wait. Called with the device lock read-held, by
 * the queue thread and by helpers, each with an element of its own.
 */
static bool
vu_queue_run(struct vu_queue *q, struct vq_elem *elem)
{
	struct vu_dev *dev = q->dev;
	bool more, heavy;
	unsigned done;
	long len;
	int r;

	for (done = 0; done < VU_BATCH_MAX; done++) {
		pthread_mutex_lock(&q->pop_lock);
		r = vq_pop_into(&q->vq, &dev->mem, elem, VQ_MAX_IOV);
		/*
		 * Empty: interrupt the guest first, then ask for a kick and
		 * look again; a quick guest has its next request there by
		 * then, and it costs no sleep.
		 */
		while (r == 0) {
			pthread_mutex_unlock(&q->pop_lock);
			vq_flush(&q->vq);
			pthread_mutex_lock(&q->pop_lock);
			if (!vq_rearm(&q->vq))
				break;
			r = vq_pop_into(&q->vq, &dev->mem, elem, VQ_MAX_IOV);
		}
		more = r == 1 && vq_pending(&q->vq);
		pthread_mutex_unlock(&q->pop_lock);
		if (r != 1)
			break;
		elem->epoch = q->vq.epoch;
		/* Alone, it is answered and flushed at once anyway. */
		heavy = more && q->vq.index != 0 && dev->cfg.heavy &&
			dev->cfg.heavy(dev->cfg.opaque, elem);
		if (heavy && dev->helpers)
			vu_helper_request(q);
		len = vu_queue_call(q, elem);
		if (len != VU_DEFERRED)
			vq_fill(&q->vq, elem->head, (uint32_t)len);
		/* The guest may reuse a big buffer at once. */
		if (heavy)
			vq_flush(&q->vq);
	}
	vq_flush(&q->vq);
	return done == VU_BATCH_MAX;
}

static void
vu_helper_serve(struct vu_queue *q, struct vq_elem *elem)
{
	struct vu_dev *dev = q->dev;
	bool more = true;

	pthread_mutex_lock(&q->drain_lock);
	if (q->closed) {
		pthread_mutex_unlock(&q->drain_lock);
		return;
	}
	q->inflight++;
	pthread_mutex_unlock(&q->drain_lock);
	while (more && !__atomic_load_n(&q->closed, __ATOMIC_ACQUIRE)) {
		pthread_rwlock_rdlock(&dev->lock);
		more = q->started && q->enabled && vu_queue_run(q, elem);
		pthread_rwlock_unlock(&dev->lock);
	}
	pthread_mutex_lock(&q->drain_lock);
	if (--q->inflight == 0)
		pthread_cond_broadcast(&q->drained);
	pthread_mutex_unlock(&q->drain_lock);
}

static void *
vu_helper_thread(void *arg)
{
	struct vu_helpers *h = arg;
	struct vq_elem *elem = vq_elem_new(VQ_MAX_IOV);
	unsigned i;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (!h->wanted && !h->stopping) {
			h->idle++;
			pthread_cond_wait(&h->cond, &h->lock);
			h->idle--;
		}
		if (h->stopping)
			break;
		i = (unsigned)__builtin_ctz(h->wanted);
		h->wanted &= ~(1u << i);
		h->nwanted--;
		pthread_mutex_unlock(&h->lock);
		vu_helper_serve(&h->dev->q[i], elem);
		pthread_mutex_lock(&h->lock);
	}
	pthread_mutex_unlock(&h->lock);
	free(elem);
	return NULL;
}

static struct vu_helpers *
vu_helpers_new(struct vu_dev *dev, unsigned n)
{
	struct vu_helpers *h = xcalloc(1, sizeof(*h));
	sigset_t all, old;
	unsigned i;
	int err;

	h->dev = dev;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	h->threads = xcalloc(n, sizeof(pthread_t));
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < n; i++) {
		err = pthread_create(&h->threads[i], NULL, vu_helper_thread, h);
		if (err) {
			log_error("cannot start a helper thread: %s",
				  strerror(err));
			abort();
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	h->n = n;
	return h;
}

static void
vu_helpers_free(struct vu_helpers *h)
{
	unsigned i;

	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	for (i = 0; i < h->n; i++)
		pthread_join(h->threads[i], NULL);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->cond);
	free(h->threads);
	free(h);
}

/*
 * Handle everything the guest made available (the queue thread), and
 * signal a broken ring on the error eventfd. True when the batch limit
 * was reached and more may wait.
 */
static bool
vu_queue_process(struct vu_queue *q)
{
	struct vu_dev *dev = q->dev;
	uint64_t one = 1;
	bool more = false;

	pthread_rwlock_rdlock(&dev->lock);
	if (q->started && q->enabled) {
		more = vu_queue_run(q, q->elem);
		if (q->vq.broken && !q->err_signalled && q->err_fd >= 0) {
			q->err_signalled = true;
			if (write(q->err_fd, &one, sizeof(one)) < 0)
				log_debug("queue %u: error eventfd: %m",
					  q->vq.index);
		}
	}
	pthread_rwlock_unlock(&dev->lock);
	return more;
}

/*
 * The kick eventfd is QEMU's and non-blocking, so it cannot be slept on
 * with read(); poll() + read() would be two system calls per wake-up.
 * Edge-triggered epoll is one: every kick is an edge, and the counter,
 * never read, needs no reading because the rings say what is to do.
 */
static void *
vu_queue_thread(void *arg)
{
	struct vu_queue *q = arg;
	struct epoll_event ev[2] = {
		{ .events = EPOLLIN | EPOLLET, .data.u32 = 0 },
		{ .events = EPOLLIN, .data.u32 = 1 },
	};
	int ep, n, i;
	uint64_t v;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, q->kick_fd, &ev[0]) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, q->wake_fd, &ev[1]) < 0) {
		log_error("queue %u: cannot wait for kicks: %m; the queue "
			  "stays idle",
			  q->vq.index);
		if (ep >= 0)
			close(ep);
		return NULL;
	}
	log_debug("queue %u: thread started", q->vq.index);
	/*
	 * stop is looked at before every wait, after the wake eventfd was
	 * read: a read may take the wake-up of a stop that came after the
	 * last look, and the next wait would then sleep through it (seen:
	 * GET_VRING_BASE right after SET_VRING_ENABLE hung on a loaded
	 * machine).
	 */
	while (!__atomic_load_n(&q->stop, __ATOMIC_ACQUIRE)) {
		if (vu_queue_process(q))
			n = 0; /* the lock was let go: look again at once */
		else
			n = epoll_wait(ep, ev, 2, -1);
		if (n < 0 && errno != EINTR) {
			log_error("queue %u: epoll_wait: %m", q->vq.index);
			break;
		}
		for (i = 0; i < n; i++)
			if (ev[i].data.u32 == 1 &&
			    read(q->wake_fd, &v, sizeof(v)) < 0 &&
			    errno != EAGAIN)
				log_debug("queue %u: wake eventfd: %m",
					  q->vq.index);
	}
	close(ep);
	log_debug("queue %u: thread stopped", q->vq.index);
	return NULL;
}

static void
vu_queue_wake(struct vu_queue *q)
{
	uint64_t one = 1;

	if (q->thread_running && write(q->wake_fd, &one, sizeof(one)) < 0)
		log_debug("queue %u: wake eventfd: %m", q->vq.index);
}

static void
vu_queue_start_thread(struct vu_queue *q)
{
	sigset_t all, old;
	int err;

	pthread_mutex_lock(&q->drain_lock);
	__atomic_store_n(&q->closed, false, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&q->drain_lock);
	if (q->dev->cfg.no_queue_threads)
		return;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&q->thread, NULL, vu_queue_thread, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		log_error("queue %u: cannot start its thread: %s", q->vq.index,
			  strerror(err));
		abort();
	}
	q->thread_running = true;
}

/* Called without the device lock: the thread may be waiting for it. */
static void
vu_queue_stop_thread(struct vu_queue *q)
{
	if (!q->thread_running)
		return;
	__atomic_store_n(&q->stop, true, __ATOMIC_RELEASE);
	vu_queue_wake(q);
	pthread_join(q->thread, NULL);
	q->thread_running = false;
	q->stop = false;
}

/* Wait for the helpers working on q; no other starts until it restarts. */
static void
vu_queue_drain(struct vu_queue *q)
{
	pthread_mutex_lock(&q->drain_lock);
	__atomic_store_n(&q->closed, true, __ATOMIC_RELEASE);
	while (q->inflight > 0)
		pthread_cond_wait(&q->drained, &q->drain_lock);
	pthread_mutex_unlock(&q->drain_lock);
}

/*
 * Start processing a ring (write lock held). A ring that comes back
 * exactly as it stopped (VM paused and resumed) keeps its epoch, so
 * requests still deferred from before can be answered; anything else is
 * a new ring and they are dropped.
 */
static void
vu_ring_begin(struct vu_queue *q)
{
	struct vq *vq = &q->vq;
	bool resumed = q->stopped.valid && q->stopped.num == vq->num &&
		       q->stopped.desc == vq->desc_uva &&
		       q->stopped.avail == vq->avail_uva &&
		       q->stopped.used == vq->used_uva;

	if (!resumed)
		vq->epoch++;
	q->stopped.valid = false;
	vq_start(vq, q->base);
	q->err_signalled = false;
	q->started = true;
	if (!(q->dev->features & (1ULL << VU_F_PROTOCOL_FEATURES)))
		q->enabled = true;
	log_debug("queue %u: started at %u, size %u%s", vq->index, q->base,
		  vq->num, resumed ? " (resumed)" : "");
	vu_queue_start_thread(q);
}

/* Map every configured ring again after the memory table changed. */
static void
vu_remap_rings(struct vu_dev *dev)
{
	unsigned i;

	for (i = 0; i < dev->cfg.nqueues; i++) {
		struct vu_queue *q = &dev->q[i];

		if (!q->vq.addr_set || !q->vq.num)
			continue;
		if (vq_map(&q->vq, &dev->mem))
			log_debug("queue %u: rings not mapped by the current "
				  "memory table",
				  i);
		vu_queue_wake(q);
	}
}

/* ---- messages ----------------------------------------------------------- */

static int
vu_send(struct vu_dev *dev, uint32_t request, const void *payload,
	uint32_t size)
{
	struct vu_hdr hdr = { request, VU_FLAG_VERSION | VU_FLAG_REPLY, size };
	struct iovec iov[2] = {
		{ &hdr, sizeof(hdr) },
		{ (void *)payload, size },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t want = sizeof(hdr) + size;
	ssize_t n;

	do
		n = sendmsg(dev->sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != want) {
		log_error("cannot send a vhost-user reply: %s",
			  n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

static enum vu_result
vu_reply_u64(struct vu_dev *dev, struct vu_msg *msg, uint64_t v)
{
	return vu_send(dev, msg->hdr.request, &v, sizeof(v)) ? VU_CLOSE
							    : VU_OK;
}

/* The queue a message names, or NULL (logged: the caller closes). */
static struct vu_queue *
vu_msg_queue(struct vu_dev *dev, unsigned idx)
{
	if (idx >= dev->cfg.nqueues) {
		log_error("vring index %u out of range (%u queues)", idx,
			  dev->cfg.nqueues);
		return NULL;
	}
	return &dev->q[idx];
}

static enum vu_result
vu_get_features(struct vu_dev *dev, struct vu_msg *msg)
{
	return vu_reply_u64(dev, msg, vu_offered_features);
}

static enum vu_result
vu_set_features(struct vu_dev *dev, struct vu_msg *msg)
{
	uint64_t f = msg->p.u64;
	unsigned i;

	if (f & ~vu_offered_features) {
		log_error("front end acked features 0x%llx we did not offer",
			  (unsigned long long)(f & ~vu_offered_features));
		return VU_CLOSE;
	}
	dev->features = f;
	for (i = 0; i < dev->cfg.nqueues; i++) {
		struct vq *vq = &dev->q[i].vq;

		vq->event_idx = f & (1ULL << VIRTIO_RING_F_EVENT_IDX);
		vq->indirect = f & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	}
	vu_remap_rings(dev);
	log_debug("features 0x%llx", (unsigned long long)f);
	return VU_OK;
}

static enum vu_result
vu_get_protocol_features(struct vu_dev *dev, struct vu_msg *msg)
{
	return vu_reply_u64(dev, msg, vu_offered_protocol_features);
}

static enum vu_result
vu_set_protocol_features(struct vu_dev *dev, struct vu_msg *msg)
{
	uint64_t f = msg->p.u64;

	if (f & ~vu_offered_protocol_features) {
		log_error("front end acked protocol features 0x%llx we did "
			  "not offer",
			  (unsigned long long)(f & ~vu_offered_protocol_features));
		return VU_CLOSE;
	}
	dev->protocol_features = f;
	return VU_OK;
}

static enum vu_result
vu_set_owner(struct vu_dev *dev, struct vu_msg *msg)
{
	return VU_OK;
}

/* RESET_OWNER and RESET_DEVICE: back to the state of a new connection. */
static enum vu_result
vu_reset(struct vu_dev *dev, struct vu_msg *msg)
{
	unsigned i;

	for (i = 0; i < dev->cfg.nqueues; i++) {
		vu_queue_stop_thread(&dev->q[i]);
		vu_queue_drain(&dev->q[i]);
	}
	pthread_rwlock_wrlock(&dev->lock);
	for (i = 0; i < dev->cfg.nqueues; i++) {
		struct vu_queue *q = &dev->q[i];
		uint32_t epoch = q->vq.epoch;

		close_fd(&q->kick_fd);
		close_fd(&q->err_fd);
		close_fd(&q->vq.call_fd);
		vq_destroy(&q->vq);
		vq_init(&q->vq, i);
		q->vq.epoch = epoch + 1; /* deferred requests are void */
		q->base = 0;
		q->enabled = false;
		q->started = false;
		q->stopped.valid = false;
	}
	dev->features = 0;
	mem_clear(&dev->mem);
	pthread_rwlock_unlock(&dev->lock);
	log_info("device reset by the front end");
	return VU_OK;
}

static enum vu_result
vu_set_mem_table(struct vu_dev *dev, struct vu_msg *msg)
{
	uint32_t n = msg->p.mem.nregions;
	struct mem_table *nt;
	unsigned i;
	int err;

	if (n == 0 || n > VU_MEM_REGIONS_BASELINE ||
	    msg->hdr.size != 8 + n * sizeof(struct vu_region) ||
	    msg->nfds != n) {
		log_error("SET_MEM_TABLE: %u regions in %u bytes with %u fds",
			  n, msg->hdr.size, msg->nfds);
		return VU_CLOSE;
	}
	nt = xcalloc(1, sizeof(*nt));
	for (i = 0; i < n; i++) {
		const struct vu_region *r = &msg->p.mem.regions[i];

		err = mem_add(nt, msg->fds[i], r->gpa, r->size, r->uva,
			      r->mmap_offset);
		if (err) {
			log_error("SET_MEM_TABLE: region %u (gpa 0x%llx size "
				  "0x%llx): %s",
				  i, (unsigned long long)r->gpa,
				  (unsigned long long)r->size, strerror(err));
			mem_clear(nt);
			free(nt);
			return VU_FAIL;
		}
	}
	mem_clear(&dev->mem);
	dev->mem = *nt;
	free(nt);
	vu_remap_rings(dev);
	return VU_OK;
}

static enum vu_result
vu_get_max_mem_slots(struct vu_dev *dev, struct vu_msg *msg)
{
	return vu_reply_u64(dev, msg, MEM_MAX_REGIONS);
}

static enum vu_result
vu_add_mem_reg(struct vu_dev *dev, struct vu_msg *msg)
{
	const struct vu_region *r = &msg->p.memreg.region;
	int err = mem_add(&dev->mem, msg->fds[0], r->gpa, r->size, r->uva,
			  r->mmap_offset);

	if (err) {
		log_error("ADD_MEM_REG gpa 0x%llx size 0x%llx: %s",
			  (unsigned long long)r->gpa,
			  (unsigned long long)r->size, strerror(err));
		return VU_FAIL;
	}
	vu_remap_rings(dev);
	return VU_OK;
}

static enum vu_result
vu_rem_mem_reg(struct vu_dev *dev, struct vu_msg *msg)
{
	const struct vu_region *r = &msg->p.memreg.region;

	/* A passed fd (old front ends) is closed unused by the caller. */
	if (mem_remove(&dev->mem, r->gpa, r->size, r->uva)) {
		log_error("REM_MEM_REG gpa 0x%llx size 0x%llx: no such region",
			  (unsigned long long)r->gpa,
			  (unsigned long long)r->size);
		return VU_FAIL;
	}
	vu_remap_rings(dev);
	return VU_OK;
}

static enum vu_result
vu_set_vring_num(struct vu_dev *dev, struct vu_msg *msg)
{
	struct vu_queue *q = vu_msg_queue(dev, msg->p.state.index);
	unsigned num = msg->p.state.num;

	if (!q)
		return VU_CLOSE;
	if (num == 0 || num > VQ_MAX_SIZE || (num & (num - 1))) {
		log_error("queue %u: invalid size %u", q->vq.index, num);
		return VU_CLOSE;
	}
	if (q->started) {
		log_error("queue %u: size change while running", q->vq.index);
		return VU_FAIL;
	}
	q->vq.num = (uint16_t)(num == VQ_MAX_SIZE ? VQ_MAX_SIZE : num);
	if (q->vq.addr_set)
		vq_map(&q->vq, &dev->mem);
	return VU_OK;
}

static enum vu_result
vu_set_vring_addr(struct vu_dev *dev, struct vu_msg *msg)
{
	const struct vhost_vring_addr *a = &msg->p.addr;
	struct vu_queue *q = vu_msg_queue(dev, a->index);

	if (!q)
		return VU_CLOSE;
	q->vq.desc_uva = a->desc_user_addr;
	q->vq.avail_uva = a->avail_user_addr;
	q->vq.used_uva = a->used_user_addr;
	q->vq.addr_set = true;
	if (dev->mem.nregions && vq_map(&q->vq, &dev->mem)) {
		/* What the C virtiofsd calls "Invalid vring_addr message". */
		log_error("queue %u: ring addresses desc 0x%llx avail 0x%llx "
			  "used 0x%llx are not in shared guest memory (is the "
			  "guest memory shared?)",
			  q->vq.index, (unsigned long long)a->desc_user_addr,
			  (unsigned long long)a->avail_user_addr,
			  (unsigned long long)a->used_user_addr);
		return VU_CLOSE;
	}
	vu_queue_wake(q);
	return VU_OK;
}

static enum vu_result
vu_set_vring_base(struct vu_dev *dev, struct vu_msg *msg)
{
	struct vu_queue *q = vu_msg_queue(dev, msg->p.state.index);

	if (!q)
		return VU_CLOSE;
	if (msg->p.state.num > UINT16_MAX) {
		log_error("queue %u: invalid base %u", q->vq.index,
			  msg->p.state.num);
		return VU_CLOSE;
	}
	if (q->started) {
		log_error("queue %u: base change while running", q->vq.index);
		return VU_FAIL;
	}
	q->base = (uint16_t)msg->p.state.num;
	return VU_OK;
}

/* Stop the ring and tell where it stopped (unlocked handler). */
static enum vu_result
vu_get_vring_base(struct vu_dev *dev, struct vu_msg *msg)
{
	struct vu_queue *q = vu_msg_queue(dev, msg->p.state.index);
	struct vhost_vring_state st;

	if (!q)
		return VU_CLOSE;
	vu_queue_stop_thread(q);
	vu_queue_drain(q);
	pthread_rwlock_wrlock(&dev->lock);
	if (q->started) {
		q->base = q->vq.last_avail_idx;
		q->stopped.valid = true;
		q->stopped.num = q->vq.num;
		q->stopped.desc = q->vq.desc_uva;
		q->stopped.avail = q->vq.avail_uva;
		q->stopped.used = q->vq.used_uva;
		q->started = false;
	}
	close_fd(&q->kick_fd);
	st.index = q->vq.index;
	st.num = q->base;
	pthread_rwlock_unlock(&dev->lock);
	log_debug("queue %u: stopped at %u", st.index, st.num);
	return vu_send(dev, msg->hdr.request, &st, sizeof(st)) ? VU_CLOSE
							      : VU_OK;
}

/*
 * KICK, CALL and ERR carry the index in bits 0-7 and "no fd" in bit 8;
 * returns the queue and takes the fd (or -1), or NULL when inconsistent.
 */
static struct vu_queue *
vu_vring_fd(struct vu_dev *dev, struct vu_msg *msg, int *fd)
{
	uint64_t v = msg->p.u64;
	bool nofd = v & VU_VRING_NOFD;
	struct vu_queue *q;

	if (v & ~(uint64_t)(VU_VRING_IDX_MASK | VU_VRING_NOFD)) {
		log_error("vring fd message with unknown bits 0x%llx",
			  (unsigned long long)v);
		return NULL;
	}
	if (nofd != (msg->nfds == 0)) {
		log_error("vring fd message: %u fds, no-fd flag %d", msg->nfds,
			  nofd);
		return NULL;
	}
	q = vu_msg_queue(dev, v & VU_VRING_IDX_MASK);
	if (!q)
		return NULL;
	*fd = -1;
	if (!nofd) {
		*fd = msg->fds[0];
		msg->fds[0] = -1;
	}
	return q;
}

/* The kick fd starts the ring (unlocked handler). */
static enum vu_result
vu_set_vring_kick(struct vu_dev *dev, struct vu_msg *msg)
{
	struct vu_queue *q;
	enum vu_result res = VU_OK;
	int fd;

	q = vu_vring_fd(dev, msg, &fd);
	if (!q)
		return VU_CLOSE;
	vu_queue_stop_thread(q);
	pthread_rwlock_wrlock(&dev->lock);
	close_fd(&q->kick_fd);
	q->kick_fd = fd;
	if (fd < 0) {
		log_warn("queue %u: no kick fd; polled rings are not "
			 "supported, the queue stays idle",
			 q->vq.index);
	} else if (q->started) {
		vu_queue_start_thread(q); /* a new kick fd, same ring */
	} else if (vq_map(&q->vq, &dev->mem)) {
		log_error("queue %u: started before its rings were set up",
			  q->vq.index);
		res = VU_FAIL;
	} else {
		vu_ring_begin(q);
	}
	pthread_rwlock_unlock(&dev->lock);
	return res;
}

static enum vu_result
vu_set_vring_call(struct vu_dev *dev, struct vu_msg *msg)
{
	struct vu_queue *q;
	int fd;

	q = vu_vring_fd(dev, msg, &fd);
	if (!q)
		return VU_CLOSE;
	/* Write-locked: no completion is using the old fd. */
	close_fd(&q->vq.call_fd);
	q->vq.call_fd = fd;
	q->vq.signalled_used_valid = false;
	return VU_OK;
}

static enum vu_result
vu_set_vring_err(struct vu_dev *dev, struct vu_msg *msg)
{
	struct vu_queue *q;
	int fd;

	q = vu_vring_fd(dev, msg, &fd);
	if (!q)
		return VU_CLOSE;
	close_fd(&q->err_fd);
	q->err_fd = fd;
	return VU_OK;
}

static enum vu_result
vu_get_queue_num(struct vu_dev *dev, struct vu_msg *msg)
{
	return vu_reply_u64(dev, msg, dev->cfg.nqueues);
}

static enum vu_result
vu_set_vring_enable(struct vu_dev *dev, struct vu_msg *msg)
{
	struct vu_queue *q = vu_msg_queue(dev, msg->p.state.index);

	if (!q)
		return VU_CLOSE;
	if (msg->p.state.num > 1) {
		log_error("queue %u: SET_VRING_ENABLE %u", q->vq.index,
			  msg->p.state.num);
		return VU_CLOSE;
	}
	q->enabled = msg->p.state.num;
	log_debug("queue %u: %s", q->vq.index,
		  q->enabled ? "enabled" : "disabled");
	vu_queue_wake(q);
	return VU_OK;
}

/*
 * Every request we know, with the payload size and fd count it must have:
 * checked before the handler runs (OpenSSH's mon_table). "unlocked"
 * handlers stop queue threads first and take the device lock themselves;
 * the others run with it write-held.
 */
static const struct vu_op {
	const char *name;
	uint16_t min_size;
	uint16_t max_size;
	uint8_t min_fds;
	uint8_t max_fds;
	bool replies;
	bool unlocked;
	enum vu_result (*fn)(struct vu_dev *dev, struct vu_msg *msg);
} vu_ops[VU_REQUEST_END] = {
#define VU_STATE sizeof(struct vhost_vring_state)
#define VU_U64	 sizeof(uint64_t)
#define VU_MEMREG (sizeof(uint64_t) + sizeof(struct vu_region))
	[VU_GET_FEATURES] = { "GET_FEATURES", 0, 0, 0, 0, true, false,
			      vu_get_features },
	[VU_SET_FEATURES] = { "SET_FEATURES", VU_U64, VU_U64, 0, 0, false,
			      false, vu_set_features },
	[VU_SET_OWNER] = { "SET_OWNER", 0, 0, 0, 0, false, false,
			   vu_set_owner },
	[VU_RESET_OWNER] = { "RESET_OWNER", 0, 0, 0, 0, false, true,
			     vu_reset },
	[VU_SET_MEM_TABLE] = { "SET_MEM_TABLE", 8,
			       8 + VU_MEM_REGIONS_BASELINE *
				       sizeof(struct vu_region),
			       1, VU_MEM_REGIONS_BASELINE, false, false,
			       vu_set_mem_table },
	[VU_SET_VRING_NUM] = { "SET_VRING_NUM", VU_STATE, VU_STATE, 0, 0,
			       false, false, vu_set_vring_num },
	[VU_SET_VRING_ADDR] = { "SET_VRING_ADDR",
				sizeof(struct vhost_vring_addr),
				sizeof(struct vhost_vring_addr), 0, 0, false,
				false, vu_set_vring_addr },
	[VU_SET_VRING_BASE] = { "SET_VRING_BASE", VU_STATE, VU_STATE, 0, 0,
				false, false, vu_set_vring_base },
	[VU_GET_VRING_BASE] = { "GET_VRING_BASE", VU_STATE, VU_STATE, 0, 0,
				true, true, vu_get_vring_base },
	[VU_SET_VRING_KICK] = { "SET_VRING_KICK", VU_U64, VU_U64, 0, 1, false,
				true, vu_set_vring_kick },
	[VU_SET_VRING_CALL] = { "SET_VRING_CALL", VU_U64, VU_U64, 0, 1, false,
				false, vu_set_vring_call },
	[VU_SET_VRING_ERR] = { "SET_VRING_ERR", VU_U64, VU_U64, 0, 1, false,
			       false, vu_set_vring_err },
	[VU_GET_PROTOCOL_FEATURES] = { "GET_PROTOCOL_FEATURES", 0, 0, 0, 0,
				       true, false,
				       vu_get_protocol_features },
	[VU_SET_PROTOCOL_FEATURES] = { "SET_PROTOCOL_FEATURES", VU_U64, VU_U64,
				       0, 0, false, false,
				       vu_set_protocol_features },
	[VU_GET_QUEUE_NUM] = { "GET_QUEUE_NUM", 0, 0, 0, 0, true, false,
			       vu_get_queue_num },
	[VU_SET_VRING_ENABLE] = { "SET_VRING_ENABLE", VU_STATE, VU_STATE, 0,
				  0, false, false, vu_set_vring_enable },
	[VU_RESET_DEVICE] = { "RESET_DEVICE", 0, 0, 0, 0, false, true,
			      vu_reset },
	[VU_GET_MAX_MEM_SLOTS] = { "GET_MAX_MEM_SLOTS", 0, 0, 0, 0, true,
				   false, vu_get_max_mem_slots },
	[VU_ADD_MEM_REG] = { "ADD_MEM_REG", VU_MEMREG, VU_MEMREG, 1, 1, false,
			     false, vu_add_mem_reg },
	[VU_REM_MEM_REG] = { "REM_MEM_REG", VU_MEMREG, VU_MEMREG, 0, 1, false,
			     false, vu_rem_mem_reg },
#undef VU_STATE
#undef VU_U64
#undef VU_MEMREG
};

static void
vu_msg_close_fds(struct vu_msg *msg)
{
	unsigned i;

	for (i = 0; i < msg->nfds; i++)
		close_fd(&msg->fds[i]);
	msg->nfds = 0;
}

/* Read exactly len bytes; 0, 1 at end of file, -1 on error. */
static int
vu_read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 1;
		done += (size_t)n;
	}
	return 0;
}

/*
 * Receive one message with its fds. Returns 0, 1 when the front end
 * closed the connection between messages, -1 on a broken message.
 */
static int
vu_recv(struct vu_dev *dev, struct vu_msg *msg)
{
	union {
		char buf[CMSG_SPACE(VU_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { &msg->hdr, sizeof(msg->hdr) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *c;
	ssize_t n;
	int r;

	msg->nfds = 0;
	do
		n = recvmsg(dev->sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n == 0 || (n < 0 && errno == ECONNRESET))
		return 1;
	if (n < 0) {
		log_error("vhost-user socket: %m");
		return -1;
	}
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		size_t i, cnt;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < cnt; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (msg->nfds < VU_MAX_FDS)
				msg->fds[msg->nfds++] = fd;
			else
				close(fd);
		}
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		log_error("vhost-user message with more than %d fds",
			  VU_MAX_FDS);
		goto bad;
	}
	if ((size_t)n < sizeof(msg->hdr) &&
	    vu_read_full(dev->sock, (char *)&msg->hdr + n,
			 sizeof(msg->hdr) - (size_t)n) != 0) {
		log_error("truncated vhost-user message header");
		goto bad;
	}
	if (msg->hdr.size > VU_MAX_PAYLOAD) {
		log_error("vhost-user request %u with a payload of %u bytes",
			  msg->hdr.request, msg->hdr.size);
		goto bad;
	}
	memset(&msg->p, 0, sizeof(msg->p));
	r = vu_read_full(dev->sock, &msg->p, msg->hdr.size);
	if (r != 0) {
		log_error("truncated vhost-user request %u", msg->hdr.request);
		goto bad;
	}
	return 0;
bad:
	vu_msg_close_fds(msg);
	return -1;
}

/*
 * Check a message against vu_ops and run it; -1 closes the connection.
 * The message's fds are closed either way (unless a handler kept them).
 */
static int
vu_dispatch(struct vu_dev *dev, struct vu_msg *msg)
{
	uint32_t req = msg->hdr.request;
	const struct vu_op *op = req < VU_REQUEST_END ? &vu_ops[req] : NULL;
	enum vu_result res;

	if (!op || !op->fn) {
		log_error("unsupported vhost-user request %u", req);
		goto bad;
	}
	if ((msg->hdr.flags & VU_FLAG_VERSION_MASK) != VU_FLAG_VERSION ||
	    (msg->hdr.flags & VU_FLAG_REPLY)) {
		log_error("%s: bad flags 0x%x", op->name, msg->hdr.flags);
		goto bad;
	}
	if (msg->hdr.size < op->min_size || msg->hdr.size > op->max_size) {
		log_error("%s: payload of %u bytes, expected %u to %u",
			  op->name, msg->hdr.size, op->min_size, op->max_size);
		goto bad;
	}
	if (msg->nfds < op->min_fds || msg->nfds > op->max_fds) {
		log_error("%s: %u file descriptors, expected %u to %u",
			  op->name, msg->nfds, op->min_fds, op->max_fds);
		goto bad;
	}
	log_debug("vhost-user %s (%u bytes, %u fds)", op->name, msg->hdr.size,
		  msg->nfds);
	if (!op->unlocked)
		pthread_rwlock_wrlock(&dev->lock);
	res = op->fn(dev, msg);
	if (!op->unlocked)
		pthread_rwlock_unlock(&dev->lock);
	vu_msg_close_fds(msg);
	if (res == VU_CLOSE)
		return -1;
	if (res == VU_FAIL)
		log_warn("%s failed", op->name);
	if (!op->replies && (msg->hdr.flags & VU_FLAG_NEED_REPLY) &&
	    (dev->protocol_features & (1ULL << VU_PROTOCOL_F_REPLY_ACK)))
		return vu_reply_u64(dev, msg, res == VU_OK ? 0 : 1) == VU_OK
			   ? 0
			   : -1;
	return 0;
bad:
	vu_msg_close_fds(msg);
	return -1;
}

int
vu_handle_message(struct vu_dev *dev, const void *buf, size_t len,
		  const int *fds, unsigned nfds)
{
	struct vu_msg *msg = dev->msg;
	unsigned i;

	msg->nfds = 0;
	for (i = 0; i < nfds; i++) {
		if (msg->nfds < VU_MAX_FDS)
			msg->fds[msg->nfds++] = fds[i];
		else
			close(fds[i]);
	}
	if (nfds > VU_MAX_FDS) {
		log_error("vhost-user message with more than %d fds",
			  VU_MAX_FDS);
		goto bad;
	}
	if (len < sizeof(msg->hdr)) {
		log_error("truncated vhost-user message header");
		goto bad;
	}
	memcpy(&msg->hdr, buf, sizeof(msg->hdr));
	if (msg->hdr.size > VU_MAX_PAYLOAD) {
		log_error("vhost-user request %u with a payload of %u bytes",
			  msg->hdr.request, msg->hdr.size);
		goto bad;
	}
	if (len - sizeof(msg->hdr) != msg->hdr.size) {
		log_error("truncated vhost-user request %u", msg->hdr.request);
		goto bad;
	}
	memset(&msg->p, 0, sizeof(msg->p));
	memcpy(&msg->p, (const char *)buf + sizeof(msg->hdr), msg->hdr.size);
	return vu_dispatch(dev, msg);
bad:
	vu_msg_close_fds(msg);
	return -1;
}

void
vu_process_rings(struct vu_dev *dev)
{
	unsigned i;

	for (i = 0; i < dev->cfg.nqueues; i++)
		vu_queue_process(&dev->q[i]);
}

/* ---- the device ----------------------------------------------------------- */

struct vu_dev *
vu_new(int sock, const struct vu_config *cfg)
{
	struct vu_dev *dev = xcalloc(1, sizeof(*dev));
	pthread_rwlockattr_t attr;
	unsigned i;

	dev->sock = sock;
	dev->cfg = *cfg;
	if (dev->cfg.nqueues < 2 || dev->cfg.nqueues > VU_MAX_QUEUES)
		dev->cfg.nqueues = VU_MAX_QUEUES;
	/* Writers first, or a busy queue could starve SET_MEM_TABLE. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&dev->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	for (i = 0; i < VU_MAX_QUEUES; i++) {
		struct vu_queue *q = &dev->q[i];

		q->dev = dev;
		vq_init(&q->vq, i);
		q->kick_fd = -1;
		q->err_fd = -1;
		q->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (q->wake_fd < 0) {
			log_error("eventfd: %m");
			abort();
		}
		pthread_mutex_init(&q->pop_lock, NULL);
		pthread_mutex_init(&q->drain_lock, NULL);
		pthread_cond_init(&q->drained, NULL);
		q->elem = vq_elem_new(VQ_MAX_IOV);
	}
	if (cfg->thread_pool_size && !cfg->no_queue_threads)
		dev->helpers = vu_helpers_new(dev, cfg->thread_pool_size);
	dev->msg = xcalloc(1, sizeof(*dev->msg));
	return dev;
}

static void
vu_shutdown(struct vu_dev *dev)
{
	unsigned i;

	if (dev->shut_down)
		return;
	for (i = 0; i < VU_MAX_QUEUES; i++) {
		vu_queue_stop_thread(&dev->q[i]);
		vu_queue_drain(&dev->q[i]);
	}
	dev->shut_down = true;
}

int
vu_run(struct vu_dev *dev)
{
	struct pollfd pfd[2] = {
		{ .fd = dev->sock, .events = POLLIN },
		{ .fd = dev->cfg.quit_fd, .events = POLLIN },
	};
	int ret, r;

	for (;;) {
		if (poll(pfd, dev->cfg.quit_fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll: %m");
			ret = -1;
			break;
		}
		if (dev->cfg.quit_fd >= 0 && pfd[1].revents) {
			log_info("stopping on a signal");
			ret = 0;
			break;
		}
		r = vu_recv(dev, dev->msg);
		if (r > 0) {
			log_info("the front end closed the connection");
			ret = 0;
			break;
		}
		if (r < 0 || vu_dispatch(dev, dev->msg) < 0) {
			log_error("protocol error: closing the vhost-user "
				  "connection");
			ret = -1;
			break;
		}
	}
	vu_shutdown(dev);
	return ret;
}

void
vu_free(struct vu_dev *dev)
{
	unsigned i;

	if (!dev)
		return;
	vu_shutdown(dev);
	vu_helpers_free(dev->helpers);
	for (i = 0; i < VU_MAX_QUEUES; i++) {
		struct vu_queue *q = &dev->q[i];

		close_fd(&q->kick_fd);
		close_fd(&q->err_fd);
		close_fd(&q->wake_fd);
		close_fd(&q->vq.call_fd);
		vq_destroy(&q->vq);
		free(q->elem);
		pthread_mutex_destroy(&q->pop_lock);
		pthread_mutex_destroy(&q->drain_lock);
		pthread_cond_destroy(&q->drained);
	}
	mem_clear(&dev->mem);
	pthread_rwlock_destroy(&dev->lock);
	close_fd(&dev->sock);
	free(dev->msg);
	free(dev);
}

int
vu_deliver(struct vu_dev *dev, unsigned qidx, uint16_t head, uint32_t epoch,
	   const void *reply, size_t len)
{
	struct vq_elem *elem;
	struct vu_queue *q;
	int ret = 0;

	if (qidx >= dev->cfg.nqueues)
		return ESTALE;
	q = &dev->q[qidx];
	pthread_rwlock_rdlock(&dev->lock);
	if (q->vq.epoch != epoch)
		ret = ESTALE;
	else if (!q->started || !q->vq.used)
		ret = EAGAIN;
	else if (vq_rewalk(&q->vq, &dev->mem, head, &elem))
		ret = ESTALE;
	if (ret == 0) {
		size_t n = iov_from_buf(elem->in, elem->in_num, 0, reply, len);

		vq_push(&q->vq, head, (uint32_t)n);
		free(elem);
	}
	pthread_rwlock_unlock(&dev->lock);
	return ret;
}

unsigned
vu_desc_limit(struct vu_dev *dev)
{
	unsigned i, limit = VQ_MAX_IOV;

	if (dev->features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC))
		return limit;
	for (i = 1; i < dev->cfg.nqueues; i++)
		if (dev->q[i].vq.num && dev->q[i].vq.num < limit)
			limit = dev->q[i].vq.num;
	return limit;
}
