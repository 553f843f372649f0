/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtqueue.c: split virtqueues in guest memory, as a vhost back end sees them */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iov.h"
#include "log.h"
#include "util.h"
#include "virtqueue.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtio 1.0 rings are little endian; this code reads them natively"
#endif

void
vq_init(struct vq *vq, unsigned index)
{
	memset(vq, 0, sizeof(*vq));
	vq->index = index;
	vq->call_fd = -1;
	pthread_mutex_init(&vq->lock, NULL);
}

void
vq_destroy(struct vq *vq)
{
	pthread_mutex_destroy(&vq->lock);
}

static bool
vq_aligned(const void *p, uintptr_t align)
{
	return (uintptr_t)p % align == 0;
}

int
vq_map(struct vq *vq, const struct mem_table *mt)
{
	uint64_t num = vq->num, extra = vq->event_idx ? 2 : 0;

	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	if (!vq->addr_set || num == 0)
		return EINVAL;
	/* The alignments virtio requires; atomics need them too. */
	if (vq->desc_uva % 16 || vq->avail_uva % 2 || vq->used_uva % 4)
		return EINVAL;
	vq->desc = mem_uva_ptr(mt, vq->desc_uva, 16 * num);
	vq->avail = mem_uva_ptr(mt, vq->avail_uva, 4 + 2 * num + extra);
	vq->used = mem_uva_ptr(mt, vq->used_uva, 4 + 8 * num + extra);
	/* Aligned addresses in a region mapped at an odd offset are not. */
	if (!vq->desc || !vq->avail || !vq->used ||
	    !vq_aligned(vq->desc, 16) || !vq_aligned(vq->avail, 2) ||
	    !vq_aligned(vq->used, 4)) {
		vq->desc = NULL;
		vq->avail = NULL;
		vq->used = NULL;
		return EINVAL;
	}
	return 0;
}

void
vq_start(struct vq *vq, uint16_t base)
{
	vq->last_avail_idx = base;
	vq->broken = false;
	pthread_mutex_lock(&vq->lock);
	vq->used_idx = vq->used ? __atomic_load_n(&vq->used->idx,
						  __ATOMIC_ACQUIRE)
				: 0;
	vq->signalled_used_valid = false;
	vq->unflushed = false;
	pthread_mutex_unlock(&vq->lock);
}

static void
vq_set_broken(struct vq *vq, const char *why)
{
	if (!vq->broken)
		log_error("queue %u: %s; the queue is stopped", vq->index, why);
	vq->broken = true;
}

/* Copy one descriptor out of guest memory, each field read once. */
static void
vq_read_desc(const struct vring_desc *table, unsigned i, struct vring_desc *d)
{
	d->addr = READ_ONCE(table[i].addr);
	d->len = READ_ONCE(table[i].len);
	d->flags = READ_ONCE(table[i].flags);
	d->next = READ_ONCE(table[i].next);
}

/*
 * The got iovecs just added at iov + n: the first joins iov[n - 1] when
 * it continues it in our memory (may_join: same direction), as the pages
 * of a guest buffer often do, so the host copies one segment instead of
 * many. Returns how many of them remain.
 */
static int
vq_merge(struct iovec *iov, unsigned n, bool may_join, int got)
{
	if (n == 0 || got == 0 || !may_join ||
	    (char *)iov[n - 1].iov_base + iov[n - 1].iov_len !=
		iov[n].iov_base)
		return got;
	iov[n - 1].iov_len += iov[n].iov_len;
	memmove(&iov[n], &iov[n + 1], (size_t)(got - 1) * sizeof(*iov));
	return got - 1;
}

/*
 * Append the buffer [gpa, gpa + len) to the n iovecs at iov (room for
 * max), joined to the last one when it continues it and may_join. The
 * common case, a buffer inside one region (hint: the last one used), is
 * a pointer sum; a buffer crossing regions goes through mem_gpa_iov().
 * Returns how many iovecs were added, or -1 (unmapped, or no room).
 */
static int
vq_add_buf(const struct mem_table *mt, uint64_t gpa, uint32_t len,
	   bool may_join, struct iovec *iov, unsigned n, unsigned max,
	   unsigned *hint)
{
	uint8_t *p;
	int got;

	if (len == 0)
		return 0;
	p = mem_gpa_ptr_hint(mt, gpa, len, hint);
	if (!p) {
		got = mem_gpa_iov(mt, gpa, len, iov + n, max - n);
		return got < 0 ? -1 : vq_merge(iov, n, may_join, got);
	}
	if (may_join && n > 0 &&
	    (uint8_t *)iov[n - 1].iov_base + iov[n - 1].iov_len == p) {
		iov[n - 1].iov_len += len;
		return 0;
	}
	if (n >= max)
		return -1;
	iov[n].iov_base = p;
	iov[n].iov_len = len;
	return 1;
}

int
vq_walk(const struct vq *vq, const struct mem_table *mt, uint16_t head,
	struct iovec *iov, unsigned max, unsigned *out_num, unsigned *in_num)
{
	const struct vring_desc *table = vq->desc;
	unsigned table_size = vq->num, i = head, seen = 0, n = 0, nin = 0;
	unsigned hint = 0;
	bool in_indirect = false, writable;
	struct vring_desc d;
	int got;

	for (;;) {
		if (i >= table_size)
			return -1; /* next (or head) outside the table */
		/* More descriptors than the table holds: a loop. */
		if (++seen > table_size)
			return -1;
		vq_read_desc(table, i, &d);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			/*
			 * Zero or more direct descriptors may precede one
			 * indirect table; it must be last and not nested.
			 */
			if (!vq->indirect || in_indirect ||
			    (d.flags & VRING_DESC_F_NEXT) || d.len == 0 ||
			    d.len % sizeof(struct vring_desc) ||
			    d.len / sizeof(struct vring_desc) > VQ_MAX_IOV)
				return -1;
			/*
			 * The table is read in place, so it must be
			 * aligned as descriptors are (drivers allocate
			 * them so; a misaligned one is a hostile guest).
			 */
			table = mem_gpa_ptr(mt, d.addr, d.len);
			if (!table || !vq_aligned(table,
						  _Alignof(struct vring_desc)))
				return -1;
			table_size = d.len / sizeof(struct vring_desc);
			in_indirect = true;
			seen = 0;
			i = 0;
			continue;
		}
		writable = d.flags & VRING_DESC_F_WRITE;
		/* Readable buffers must all come first. */
		if (!writable && nin > 0)
			return -1;
		/* A writable one joins only a writable buffer before it. */
		got = vq_add_buf(mt, d.addr, d.len, !writable || nin > 0, iov,
				 n, max, &hint);
		if (got < 0)
			return -1;
		if (writable)
			nin += (unsigned)got;
		n += (unsigned)got;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		i = d.next;
	}
	*out_num = n - nin;
	*in_num = nin;
	return 0;
}

struct vq_elem *
vq_elem_new(unsigned max)
{
	return xmalloc(sizeof(struct vq_elem) + max * sizeof(struct iovec));
}

static void
vq_elem_set(struct vq_elem *e, uint16_t head, unsigned out_num,
	    unsigned in_num)
{
	e->head = head;
	e->epoch = 0;
	e->out_num = out_num;
	e->in_num = in_num;
	e->out = e->iov;
	e->in = e->iov + out_num;
	e->out_len = iov_size(e->out, out_num);
	e->in_len = iov_size(e->in, in_num);
}

struct vq_elem *
vq_elem_copy(const struct vq_elem *elem)
{
	unsigned n = elem->out_num + elem->in_num;
	struct vq_elem *e = vq_elem_new(n);

	memcpy(e->iov, elem->iov, n * sizeof(struct iovec));
	vq_elem_set(e, elem->head, elem->out_num, elem->in_num);
	e->epoch = elem->epoch;
	return e;
}

int
vq_pop_into(struct vq *vq, const struct mem_table *mt, struct vq_elem *elem,
	    unsigned max)
{
	unsigned out_num, in_num;
	uint16_t avail_idx, head;

	for (;;) {
		if (vq->broken || !vq->avail)
			return -1;
		avail_idx = __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
		if (avail_idx == vq->last_avail_idx)
			return 0;
		if ((uint16_t)(avail_idx - vq->last_avail_idx) > vq->num) {
			vq_set_broken(vq, "avail index ran ahead of the queue "
					  "size");
			return -1;
		}
		head = READ_ONCE(vq->avail->ring[vq->last_avail_idx % vq->num]);
		vq->last_avail_idx++;
		if (head >= vq->num) {
			vq_set_broken(vq, "available head out of range");
			return -1;
		}
		if (vq_walk(vq, mt, head, elem->iov, max, &out_num, &in_num) ==
		    0)
			break;
		log_guest("queue %u: malformed descriptor chain at head %u "
			  "returned unused",
			  vq->index, head);
		vq_push(vq, head, 0);
	}
	vq_elem_set(elem, head, out_num, in_num);
	return 1;
}

int
vq_pop(struct vq *vq, const struct mem_table *mt, struct vq_elem **elem)
{
	struct {
		struct vq_elem e;
		struct iovec iov[VQ_MAX_IOV];
	} big;
	int r = vq_pop_into(vq, mt, &big.e, VQ_MAX_IOV);

	if (r == 1)
		*elem = vq_elem_copy(&big.e);
	return r;
}

int
vq_rewalk(struct vq *vq, const struct mem_table *mt, uint16_t head,
	  struct vq_elem **elem)
{
	struct iovec iov[VQ_MAX_IOV];
	unsigned out_num, in_num;
	struct vq_elem *e;

	if (!vq->desc || head >= vq->num ||
	    vq_walk(vq, mt, head, iov, VQ_MAX_IOV, &out_num, &in_num) < 0)
		return EINVAL;
	e = vq_elem_new(out_num + in_num);
	memcpy(e->iov, iov, (out_num + in_num) * sizeof(struct iovec));
	vq_elem_set(e, head, out_num, in_num);
	*elem = e;
	return 0;
}

static bool
vq_should_notify(struct vq *vq)
{
	uint16_t old, new, event;
	bool valid;

	/* Our used index must be visible before we read the guest's wish. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx)
		return !(READ_ONCE(vq->avail->flags) &
			 VRING_AVAIL_F_NO_INTERRUPT);
	old = vq->signalled_used;
	valid = vq->signalled_used_valid;
	new = vq->signalled_used = vq->used_idx;
	vq->signalled_used_valid = true;
	if (!valid)
		return true;
	event = READ_ONCE(vq->avail->ring[vq->num]); /* used_event */
	return vring_need_event(event, new, old);
}

static void
vq_fill_locked(struct vq *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem *ue = &vq->used->ring[vq->used_idx % vq->num];

	WRITE_ONCE(ue->id, head);
	WRITE_ONCE(ue->len, len);
	vq->used_idx++;
	vq->unflushed = true;
	__atomic_store_n(&vq->used->idx, vq->used_idx, __ATOMIC_RELEASE);
}

static void
vq_flush_locked(struct vq *vq)
{
	uint64_t one = 1;

	if (!vq->unflushed)
		return;
	vq->unflushed = false;
	if (vq->call_fd >= 0 && vq_should_notify(vq) &&
	    write(vq->call_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_debug("queue %u: call eventfd: %m", vq->index);
}

void
vq_push(struct vq *vq, uint16_t head, uint32_t len)
{
	pthread_mutex_lock(&vq->lock);
	if (vq->used) {
		vq_fill_locked(vq, head, len);
		vq_flush_locked(vq);
	}
	pthread_mutex_unlock(&vq->lock);
}

void
vq_fill(struct vq *vq, uint16_t head, uint32_t len)
{
	pthread_mutex_lock(&vq->lock);
	if (vq->used)
		vq_fill_locked(vq, head, len);
	pthread_mutex_unlock(&vq->lock);
}

void
vq_flush(struct vq *vq)
{
	pthread_mutex_lock(&vq->lock);
	if (vq->used)
		vq_flush_locked(vq);
	pthread_mutex_unlock(&vq->lock);
}

bool
vq_pending(const struct vq *vq)
{
	return vq->avail && !vq->broken &&
	       __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE) !=
		   vq->last_avail_idx;
}

bool
vq_rearm(struct vq *vq)
{
	uint16_t *avail_event;

	if (!vq->event_idx || !vq->avail || vq->broken)
		return false;
	avail_event = (uint16_t *)&vq->used->ring[vq->num];
	__atomic_store_n(avail_event, vq->last_avail_idx, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE) !=
	       vq->last_avail_idx;
}
