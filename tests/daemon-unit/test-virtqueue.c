/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-virtqueue.c: descriptor walking, bounds, loops, indirect, EVENT_IDX */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "mem.h"
#include "tap.h"
#include "virtqueue.h"

#define GUEST_SIZE (1024 * 1024)
#define UVA_BASE   0x7f0000000000ULL
#define NUM	   8
#define DESC_GPA   0x1000
#define AVAIL_GPA  0x2000
#define USED_GPA   0x3000
#define IND_GPA	   0x4000
#define OUT_GPA	   0x10000
#define IN_GPA	   0x20000

static struct mem_table mt;
static struct vq vq;
static int guest_fd;

static void *
gpa(uint64_t a)
{
	return mem_gpa_ptr(&mt, a, 1);
}

static struct vring_desc *
desc_table(uint64_t at)
{
	return gpa(at);
}

static void
set_desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len,
	 uint16_t flags, uint16_t next)
{
	struct vring_desc *d = desc_table(table) + i;

	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

static void
avail_add(uint16_t head)
{
	struct vring_avail *a = gpa(AVAIL_GPA);

	a->ring[a->idx % NUM] = head;
	__atomic_store_n(&a->idx, (uint16_t)(a->idx + 1), __ATOMIC_RELEASE);
}

static struct vring_used_elem
last_used(void)
{
	struct vring_used *u = gpa(USED_GPA);

	return u->ring[(uint16_t)(u->idx - 1) % NUM];
}

/* Fresh rings, processing from the current avail index. */
static void
reset(bool indirect, bool event_idx)
{
	struct vring_avail *a = gpa(AVAIL_GPA);

	vq.indirect = indirect;
	vq.event_idx = event_idx;
	vq.num = NUM;
	vq.desc_uva = UVA_BASE + DESC_GPA;
	vq.avail_uva = UVA_BASE + AVAIL_GPA;
	vq.used_uva = UVA_BASE + USED_GPA;
	vq.addr_set = true;
	vq_map(&vq, &mt);
	vq_start(&vq, a->idx);
}

/* Pop one chain: 1 with out/in counts, 0 empty, -1 broken. */
static int
pop(unsigned *out, unsigned *in, struct vq_elem **keep)
{
	struct vq_elem *e = NULL;
	int r = vq_pop(&vq, &mt, &e);

	if (r == 1) {
		*out = e->out_num;
		*in = e->in_num;
		if (keep)
			*keep = e;
		else
			free(e);
	}
	return r;
}

static void
test_map(void)
{
	int empty = memfd_create("g", MFD_CLOEXEC);

	tap_is_int(mem_add(&mt, empty, 0x40000000, GUEST_SIZE,
			   UVA_BASE + 0x40000000, 0),
		   EINVAL, "a memfd of size 0 cannot back a region");
	close(empty);
	reset(false, false);
	tap_ok(vq.desc && vq.avail && vq.used, "rings mapped");
	vq.desc_uva = UVA_BASE + DESC_GPA + 8;
	tap_is_int(vq_map(&vq, &mt), EINVAL, "misaligned descriptor table");
	vq.desc_uva = UVA_BASE + GUEST_SIZE - 64;
	tap_is_int(vq_map(&vq, &mt), EINVAL, "table past the end of memory");
	vq.desc_uva = DESC_GPA;
	tap_is_int(vq_map(&vq, &mt), EINVAL,
		   "guest physical instead of user address");

	/* Aligned user addresses in a region mapped one byte off. */
	tap_is_int(mem_add(&mt, guest_fd, 0x80000000, 0x1000,
			   UVA_BASE + 0x80000000, 1),
		   0, "a region at an odd file offset");
	vq.desc_uva = UVA_BASE + 0x80000000;
	vq.avail_uva = UVA_BASE + 0x80000400;
	vq.used_uva = UVA_BASE + 0x80000800;
	tap_is_int(vq_map(&vq, &mt), EINVAL,
		   "  rings misaligned in our memory: refused");
	mem_remove(&mt, 0x80000000, 0x1000, UVA_BASE + 0x80000000);
	reset(false, false);
}

static void
test_chains(void)
{
	struct vq_elem *e = NULL;
	unsigned out, in;

	reset(false, false);
	tap_is_int(pop(&out, &in, NULL), 0, "empty ring");
	set_desc(DESC_GPA, 0, OUT_GPA, 100, VRING_DESC_F_NEXT, 1);
	set_desc(DESC_GPA, 1, IN_GPA, 200, VRING_DESC_F_WRITE, 0);
	avail_add(0);
	tap_is_int(pop(&out, &in, &e), 1, "simple chain");
	tap_ok(out == 1 && in == 1, "one readable, one writable");
	tap_ok(e && e->out[0].iov_base == gpa(OUT_GPA) &&
		   e->out_len == 100 && e->in[0].iov_base == gpa(IN_GPA) &&
		   e->in_len == 200 && e->head == 0,
	       "iovecs point straight into guest memory");
	free(e);

	/* Readable after writable. */
	set_desc(DESC_GPA, 2, IN_GPA, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
		 3);
	set_desc(DESC_GPA, 3, OUT_GPA, 16, 0, 0);
	avail_add(2);
	tap_is_int(pop(&out, &in, NULL), 0,
		   "readable after writable: skipped");
	tap_ok(last_used().id == 2 && last_used().len == 0,
	       "  and returned unused");

	/* A loop. */
	set_desc(DESC_GPA, 4, OUT_GPA, 16, VRING_DESC_F_NEXT, 5);
	set_desc(DESC_GPA, 5, OUT_GPA, 16, VRING_DESC_F_NEXT, 4);
	avail_add(4);
	tap_is_int(pop(&out, &in, NULL), 0, "descriptor loop: skipped");
	tap_ok(last_used().id == 4, "  and returned");

	/* next out of the table. */
	set_desc(DESC_GPA, 6, OUT_GPA, 16, VRING_DESC_F_NEXT, NUM);
	avail_add(6);
	tap_is_int(pop(&out, &in, NULL), 0, "next beyond the table: skipped");

	/* Buffers outside guest memory, or wrapping around. */
	set_desc(DESC_GPA, 7, GUEST_SIZE - 8, 16, 0, 0);
	avail_add(7);
	tap_is_int(pop(&out, &in, NULL), 0, "buffer past the memory: skipped");
	set_desc(DESC_GPA, 7, UINT64_MAX - 7, 16, 0, 0);
	avail_add(7);
	tap_is_int(pop(&out, &in, NULL), 0, "wrapping buffer: skipped");
	set_desc(DESC_GPA, 7, OUT_GPA, 0xffffffffu, 0, 0);
	avail_add(7);
	tap_is_int(pop(&out, &in, NULL), 0, "4 GiB length: skipped");
	tap_ok(!vq.broken, "the queue still works after bad chains");

	/* A full-length chain is fine (gaps: each buffer its own iovec). */
	for (unsigned i = 0; i < NUM; i++)
		set_desc(DESC_GPA, i, OUT_GPA + i * 32, 16,
			 i + 1 < NUM ? VRING_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	avail_add(0);
	tap_is_int(pop(&out, &in, NULL), 1, "chain as long as the queue");
	tap_is_int(out, NUM, "  all descriptors");
}

static void
test_indirect(void)
{
	unsigned out, in;

	reset(true, false);
	set_desc(IND_GPA, 0, OUT_GPA, 16, VRING_DESC_F_NEXT, 1);
	set_desc(IND_GPA, 1, OUT_GPA + 32, 32, VRING_DESC_F_NEXT, 2);
	set_desc(IND_GPA, 2, IN_GPA, 64, VRING_DESC_F_WRITE, 0);
	set_desc(DESC_GPA, 0, IND_GPA, 3 * 16, VRING_DESC_F_INDIRECT, 0);
	avail_add(0);
	tap_is_int(pop(&out, &in, NULL), 1, "indirect table");
	tap_ok(out == 2 && in == 1, "  2 readable, 1 writable");

	/* Direct descriptors before the indirect one. */
	set_desc(DESC_GPA, 1, OUT_GPA, 8, VRING_DESC_F_NEXT, 2);
	set_desc(DESC_GPA, 2, IND_GPA, 3 * 16, VRING_DESC_F_INDIRECT, 0);
	avail_add(1);
	tap_is_int(pop(&out, &in, NULL), 1, "direct then indirect");
	tap_is_int(out, 3, "  3 readable");

	set_desc(DESC_GPA, 3, IND_GPA, 3 * 16,
		 VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 4);
	avail_add(3);
	tap_is_int(pop(&out, &in, NULL), 0, "indirect with NEXT: skipped");
	set_desc(DESC_GPA, 3, IND_GPA, 3 * 16 + 1, VRING_DESC_F_INDIRECT, 0);
	avail_add(3);
	tap_is_int(pop(&out, &in, NULL), 0, "table length not of 16: skipped");
	set_desc(DESC_GPA, 3, IND_GPA, 0, VRING_DESC_F_INDIRECT, 0);
	avail_add(3);
	tap_is_int(pop(&out, &in, NULL), 0, "empty table: skipped");
	set_desc(DESC_GPA, 3, GUEST_SIZE - 16, 32, VRING_DESC_F_INDIRECT, 0);
	avail_add(3);
	tap_is_int(pop(&out, &in, NULL), 0, "table outside memory: skipped");
	set_desc(DESC_GPA, 3, IND_GPA, (VQ_MAX_IOV + 1) * 16,
		 VRING_DESC_F_INDIRECT, 0);
	avail_add(3);
	tap_is_int(pop(&out, &in, NULL), 0, "table too large: skipped");

	/* A valid table at an address not aligned for descriptors. */
	{
		struct vring_desc d[2] = {
			{ OUT_GPA, 16, VRING_DESC_F_NEXT, 1 },
			{ IN_GPA, 16, VRING_DESC_F_WRITE, 0 },
		};

		memcpy(gpa(IND_GPA + 0x404), d, sizeof(d));
		set_desc(DESC_GPA, 3, IND_GPA + 0x404, sizeof(d),
			 VRING_DESC_F_INDIRECT, 0);
		avail_add(3);
		tap_is_int(pop(&out, &in, NULL), 0,
			   "misaligned table: skipped");
	}

	/* Nested indirect, and a loop inside a table. */
	set_desc(IND_GPA + 0x100, 0, IND_GPA, 16, VRING_DESC_F_INDIRECT, 0);
	set_desc(DESC_GPA, 4, IND_GPA + 0x100, 16, VRING_DESC_F_INDIRECT, 0);
	avail_add(4);
	tap_is_int(pop(&out, &in, NULL), 0, "nested indirect: skipped");
	set_desc(IND_GPA + 0x200, 0, OUT_GPA, 16, VRING_DESC_F_NEXT, 1);
	set_desc(IND_GPA + 0x200, 1, OUT_GPA, 16, VRING_DESC_F_NEXT, 0);
	set_desc(DESC_GPA, 5, IND_GPA + 0x200, 32, VRING_DESC_F_INDIRECT, 0);
	avail_add(5);
	tap_is_int(pop(&out, &in, NULL), 0, "loop in a table: skipped");
	set_desc(IND_GPA + 0x300, 0, OUT_GPA, 16, VRING_DESC_F_NEXT, 7);
	set_desc(DESC_GPA, 5, IND_GPA + 0x300, 16, VRING_DESC_F_INDIRECT, 0);
	avail_add(5);
	tap_is_int(pop(&out, &in, NULL), 0, "next beyond a table: skipped");

	reset(false, false);
	set_desc(DESC_GPA, 0, IND_GPA, 3 * 16, VRING_DESC_F_INDIRECT, 0);
	avail_add(0);
	tap_is_int(pop(&out, &in, NULL), 0,
		   "indirect without the feature: skipped");
	tap_ok(!vq.broken, "the queue still works");
}

/* Buffers that continue each other in memory become one iovec. */
static void
test_merge(void)
{
	struct vq_elem *e = NULL;
	unsigned out, in;

	reset(true, false);
	/* 3 readable in a row, a gap, 2 writable in a row */
	set_desc(IND_GPA, 0, OUT_GPA, 40, VRING_DESC_F_NEXT, 1);
	set_desc(IND_GPA, 1, OUT_GPA + 40, 24, VRING_DESC_F_NEXT, 2);
	set_desc(IND_GPA, 2, OUT_GPA + 64, 4096, VRING_DESC_F_NEXT, 3);
	set_desc(IND_GPA, 3, IN_GPA, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
		 4);
	set_desc(IND_GPA, 4, IN_GPA + 16, 4096, VRING_DESC_F_WRITE, 0);
	set_desc(DESC_GPA, 0, IND_GPA, 5 * 16, VRING_DESC_F_INDIRECT, 0);
	avail_add(0);
	tap_is_int(pop(&out, &in, &e), 1, "contiguous buffers");
	tap_ok(out == 1 && in == 1, "  one readable, one writable iovec");
	tap_ok(e && e->out[0].iov_len == 40 + 24 + 4096 &&
		   e->in[0].iov_len == 16 + 4096 && e->out_len == 4160 &&
		   e->in_len == 4112,
	       "  of the whole lengths");
	free(e);

	/* a writable buffer that continues a readable one stays apart */
	set_desc(IND_GPA, 0, OUT_GPA, 40, VRING_DESC_F_NEXT, 1);
	set_desc(IND_GPA, 1, OUT_GPA + 40, 16, VRING_DESC_F_WRITE, 0);
	set_desc(DESC_GPA, 1, IND_GPA, 2 * 16, VRING_DESC_F_INDIRECT, 0);
	avail_add(1);
	tap_is_int(pop(&out, &in, NULL), 1, "readable then writable, adjacent");
	tap_ok(out == 1 && in == 1, "  not merged across the direction");
}

/*
 * Buffers in another region, and one that crosses into it: each iovec
 * points where mem_gpa_ptr() says (the walk remembers the last region
 * it used and must not use it for an address outside it).
 */
static void
test_regions(void)
{
	struct vq_elem *e = NULL;
	unsigned out, in;
	uint64_t hi = GUEST_SIZE; /* the second region, right after */

	if (mem_add(&mt, guest_fd, hi, 0x2000, UVA_BASE + hi, 0x10000) != 0) {
		tap_ok(false, "a second region");
		return;
	}
	reset(true, false);
	set_desc(IND_GPA, 0, hi + 0x100, 64, VRING_DESC_F_NEXT, 1);
	set_desc(IND_GPA, 1, OUT_GPA, 64, VRING_DESC_F_NEXT, 2);
	set_desc(IND_GPA, 2, hi + 0x200, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
		 3);
	set_desc(IND_GPA, 3, hi - 16, 32, VRING_DESC_F_WRITE, 0);
	set_desc(DESC_GPA, 0, IND_GPA, 4 * 16, VRING_DESC_F_INDIRECT, 0);
	avail_add(0);
	tap_is_int(pop(&out, &in, &e), 1, "buffers in two regions");
	tap_ok(out == 2 && in == 3, "  2 readable, 3 writable iovecs");
	tap_ok(e && e->out[0].iov_base == mem_gpa_ptr(&mt, hi + 0x100, 64) &&
		   e->out[1].iov_base == mem_gpa_ptr(&mt, OUT_GPA, 64) &&
		   e->in[0].iov_base == mem_gpa_ptr(&mt, hi + 0x200, 16),
	       "  each where its region maps it");
	tap_ok(e && e->in[1].iov_base == mem_gpa_ptr(&mt, hi - 16, 16) &&
		   e->in[1].iov_len == 16 &&
		   e->in[2].iov_base == mem_gpa_ptr(&mt, hi, 16) &&
		   e->in[2].iov_len == 16 && e->in_len == 48,
	       "  the crossing one split at the boundary");
	free(e);

	/* past the second region's end, right after a buffer in it */
	set_desc(IND_GPA, 0, hi + 0x100, 64, VRING_DESC_F_NEXT, 1);
	set_desc(IND_GPA, 1, hi + 0x2000 - 8, 16, VRING_DESC_F_WRITE, 0);
	set_desc(DESC_GPA, 1, IND_GPA, 2 * 16, VRING_DESC_F_INDIRECT, 0);
	avail_add(1);
	tap_is_int(pop(&out, &in, NULL), 0,
		   "a buffer running out of the region: chain skipped");
	tap_ok(last_used().id == 1 && last_used().len == 0,
	       "  returned unused");
	mem_remove(&mt, hi, 0x2000, UVA_BASE + hi);
}

static void
test_broken(void)
{
	struct vring_avail *a = gpa(AVAIL_GPA);
	unsigned out, in;

	reset(false, false);
	avail_add(NUM + 3);
	tap_is_int(pop(&out, &in, NULL), -1, "head out of range breaks the queue");
	tap_ok(vq.broken, "  broken");
	tap_is_int(pop(&out, &in, NULL), -1, "  and stays so");

	reset(false, false);
	a->idx += NUM + 1;
	tap_is_int(pop(&out, &in, NULL), -1,
		   "avail index ahead by more than the size");
	reset(false, false);
}

static uint64_t
calls(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) < 0)
		return 0;
	return v;
}

static void
test_notify(void)
{
	struct vring_avail *a = gpa(AVAIL_GPA);
	struct vring_used *u = gpa(USED_GPA);
	uint16_t *used_event = &a->ring[NUM];
	uint16_t *avail_event = (uint16_t *)&u->ring[NUM];
	int fd = eventfd(0, EFD_NONBLOCK);

	vq.call_fd = fd;
	reset(false, true);
	vq_push(&vq, 0, 10);
	tap_is_int(calls(fd), 1, "EVENT_IDX: the first completion interrupts");
	*used_event = (uint16_t)(u->idx + 5);
	vq_push(&vq, 0, 10);
	tap_is_int(calls(fd), 0, "  none before used_event");
	*used_event = u->idx;
	vq_push(&vq, 0, 10);
	tap_is_int(calls(fd), 1, "  one when used_event is passed");
	tap_is_int(last_used().len, 10, "  used length written");

	reset(false, true);
	a->idx = (uint16_t)(a->idx + 2);
	tap_ok(vq_rearm(&vq), "rearm sees pending entries");
	tap_is_int(*avail_event, vq.last_avail_idx,
		   "  avail_event set to our next index");
	a->idx = (uint16_t)(a->idx - 2);
	tap_ok(!vq_rearm(&vq), "rearm on an empty ring");

	reset(false, false);
	a->flags = VRING_AVAIL_F_NO_INTERRUPT;
	vq_push(&vq, 0, 1);
	tap_is_int(calls(fd), 0, "no EVENT_IDX: NO_INTERRUPT honoured");
	a->flags = 0;
	vq_push(&vq, 0, 1);
	tap_is_int(calls(fd), 1, "no EVENT_IDX: interrupt");
	vq.call_fd = -1;
	close(fd);
}

static void
test_rewalk(void)
{
	struct vq_elem *e = NULL;

	reset(false, false);
	set_desc(DESC_GPA, 0, OUT_GPA, 100, VRING_DESC_F_NEXT, 1);
	set_desc(DESC_GPA, 1, IN_GPA, 200, VRING_DESC_F_WRITE, 0);
	tap_is_int(vq_rewalk(&vq, &mt, 0, &e), 0, "rewalk a chain by head");
	tap_ok(e && e->in_len == 200, "  its buffers");
	free(e);
	tap_is_int(vq_rewalk(&vq, &mt, NUM, &e), EINVAL,
		   "rewalk out of range");
}

int
main(void)
{
	int fd = guest_fd = memfd_create("guest", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, GUEST_SIZE) < 0 ||
	    mem_add(&mt, fd, 0, GUEST_SIZE, UVA_BASE, 0) != 0) {
		tap_ok(false, "guest memory");
		return tap_done();
	}
	vq_init(&vq, 1);
	test_map();
	test_chains();
	test_indirect();
	test_merge();
	test_regions();
	test_broken();
	test_notify();
	test_rewalk();
	vq_destroy(&vq);
	mem_clear(&mt);
	close(fd);
	return tap_done();
}
