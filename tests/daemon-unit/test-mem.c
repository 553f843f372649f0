/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mem.c: guest memory regions and address translation */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "mem.h"
#include "tap.h"

#define MB (1024 * 1024)

static int
memfd(size_t size)
{
	int fd = memfd_create("guest", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		return -1;
	return fd;
}

static void
test_range(void)
{
	tap_ok(mem_range_in(10, 5, 10, 5), "exact range fits");
	tap_ok(!mem_range_in(10, 6, 10, 5), "one byte too long");
	tap_ok(!mem_range_in(9, 1, 10, 5), "one byte before");
	tap_ok(mem_range_in(15, 0, 10, 5), "empty range at the end");
	tap_ok(!mem_range_in(UINT64_MAX - 1, 4, 0, UINT64_MAX),
	       "wrapping range");
	tap_ok(!mem_range_in(0x1000, UINT64_MAX, 0x1000, 0x1000),
	       "huge length does not wrap into range");
}

static void
test_regions(void)
{
	struct mem_table mt = { 0 };
	struct iovec iov[4];
	uint8_t *p, *q;
	int fd = memfd(4 * MB), n;

	tap_ok(fd >= 0, "memfd");
	/* Two regions of one file, adjacent in guest physical space. */
	tap_is_int(mem_add(&mt, fd, 0x100000, MB, 0x7f0000000000ULL, 0), 0,
		   "add region 1");
	tap_is_int(mem_add(&mt, fd, 0x200000, MB, 0x7f0000200000ULL, 2 * MB),
		   0, "add region 2 at an offset");
	tap_is_int(mem_add(&mt, fd, 0x180000, MB, 0x7f1000000000ULL, 0), EINVAL,
		   "overlapping guest range refused");
	tap_is_int(mem_add(&mt, fd, 0x900000, MB, 0x7f2000000000ULL, 4 * MB),
		   EINVAL, "region beyond the end of the file refused");
	tap_is_int(mem_add(&mt, fd, 0x900000, 0, 0x7f2000000000ULL, 0), EINVAL,
		   "empty region refused");
	tap_is_int(mem_add(&mt, fd, UINT64_MAX - 10, MB, 0x7f3000000000ULL, 0),
		   EINVAL, "wrapping region refused");

	p = mem_gpa_ptr(&mt, 0x100000, 16);
	q = mem_uva_ptr(&mt, 0x7f0000000000ULL, 16);
	tap_ok(p && p == q, "gpa and uva of one byte agree");
	memcpy(p, "hello", 6);
	tap_is_str((char *)mem_gpa_ptr(&mt, 0x100000, 6), "hello",
		   "memory is shared");
	tap_ok(mem_gpa_ptr(&mt, 0x1fffff, 1) != NULL, "last byte of region 1");
	tap_ok(mem_gpa_ptr(&mt, 0x1fffff, 2) == NULL,
	       "crossing regions is not one pointer");
	tap_ok(mem_gpa_ptr(&mt, 0xfffff, 2) == NULL, "below the memory");
	tap_ok(mem_gpa_ptr(&mt, 0x300000, 1) == NULL, "above the memory");
	tap_ok(mem_gpa_ptr(&mt, 0x100000, UINT64_MAX) == NULL, "huge length");

	n = mem_gpa_iov(&mt, 0x1ff000, 0x2000, iov, 4);
	tap_is_int(n, 2, "a buffer across two regions is two iovecs");
	tap_ok(n == 2 && iov[0].iov_len == 0x1000 && iov[1].iov_len == 0x1000,
	       "split at the region boundary");
	tap_is_int(mem_gpa_iov(&mt, 0x1ff000, 0x2000, iov, 1), -1,
		   "not enough iovecs");
	tap_is_int(mem_gpa_iov(&mt, 0x2ff000, 0x2000, iov, 4), -1,
		   "partly unmapped buffer");
	tap_is_int(mem_gpa_iov(&mt, UINT64_MAX - 8, 0x100, iov, 4), -1,
		   "wrapping buffer");
	tap_is_int(mem_gpa_iov(&mt, 0x100000, 0, iov, 4), 0,
		   "empty buffer: no iovec");

	tap_is_int(mem_remove(&mt, 0x100000, MB, 1), ENOENT,
		   "remove needs the exact region");
	tap_is_int(mem_remove(&mt, 0x100000, MB, 0x7f0000000000ULL), 0,
		   "remove region 1");
	tap_ok(mem_gpa_ptr(&mt, 0x100000, 1) == NULL, "gone");
	tap_ok(mem_gpa_ptr(&mt, 0x200000, 1) != NULL, "region 2 stays");
	mem_clear(&mt);
	tap_is_int(mt.nregions, 0, "cleared");
	close(fd);
}

int
main(void)
{
	test_range();
	test_regions();
	return tap_done();
}
