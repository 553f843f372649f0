/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-iov.c: sizes, copies and slices of iovec arrays (daemon/iov.c) */
#include <stdint.h>
#include <string.h>

#include "iov.h"
#include "tap.h"

static void
test_size(void)
{
	char a[4], b[6];
	struct iovec iov[3] = {{a, 3}, {b, 0}, {b, 5}};
	struct iovec huge[2] = {{a, SIZE_MAX - 1}, {b, 5}};

	tap_is_int(iov_size(iov, 3), 8, "iov_size: 3 + 0 + 5");
	tap_is_int(iov_size(iov, 0), 0, "iov_size of no iovecs");
	tap_ok(iov_size(huge, 2) == SIZE_MAX,
	       "iov_size saturates instead of wrapping");
}

static void
test_to_buf(void)
{
	char a[4] = "abc", b[6] = "defgh", buf[16];
	struct iovec iov[3] = {{a, 3}, {b, 0}, {b, 5}};

	memset(buf, 0, sizeof(buf));
	tap_is_int(iov_to_buf(iov, 3, 2, buf, 4), 4,
		   "to_buf across an empty iovec");
	tap_is_str(buf, "cdef", "  bytes 2..5");
	memset(buf, 0, sizeof(buf));
	tap_is_int(iov_to_buf(iov, 3, 6, buf, 10), 2, "to_buf short at the end");
	tap_is_str(buf, "gh", "  the last two bytes");
	tap_is_int(iov_to_buf(iov, 3, 8, buf, 4), 0, "to_buf at the end: 0");
	tap_is_int(iov_to_buf(iov, 3, 100, buf, 4), 0,
		   "to_buf beyond the end: 0");
	tap_is_int(iov_to_buf(iov, 3, 0, buf, 0), 0, "to_buf of 0 bytes");
	memset(buf, 0, sizeof(buf));
	tap_is_int(iov_to_buf(iov, 3, 3, buf, 16), 5,
		   "to_buf from the start of an iovec");
	tap_is_str(buf, "defgh", "  all of the second buffer");
}

static void
test_from_buf(void)
{
	char a[4] = "abc", b[6] = "defgh";
	struct iovec iov[3] = {{a, 3}, {b, 0}, {b, 5}};

	tap_is_int(iov_from_buf(iov, 3, 1, "XYZW", 4), 4,
		   "from_buf across iovecs");
	tap_ok(memcmp(a, "aXY", 3) == 0 && memcmp(b, "ZWfgh", 5) == 0,
	       "  written across, nothing else touched");
	tap_is_int(iov_from_buf(iov, 3, 6, "123456", 6), 2,
		   "from_buf short at the end");
	tap_ok(memcmp(b, "ZWf12", 5) == 0 && b[5] == '\0',
	       "  never past the last iovec");
	tap_is_int(iov_from_buf(iov, 3, 9, "x", 1), 0,
		   "from_buf beyond the end: 0");
}

static void
test_slice(void)
{
	char a[4] = "abc", b[6] = "defgh";
	struct iovec iov[3] = {{a, 3}, {b, 0}, {b, 5}}, s[4];
	size_t got;
	int n;

	n = iov_slice(iov, 3, 2, 4, s, 4, &got);
	tap_ok(n == 2 && got == 4 && s[0].iov_base == a + 2 &&
		   s[0].iov_len == 1 && s[1].iov_base == b &&
		   s[1].iov_len == 3,
	       "slice [2,6): the empty iovec is skipped");
	n = iov_slice(iov, 3, 0, 100, s, 4, &got);
	tap_ok(n == 2 && got == 8, "slice clipped to the iovecs");
	n = iov_slice(iov, 3, 4, 2, s, 4, &got);
	tap_ok(n == 1 && got == 2 && s[0].iov_base == b + 1 &&
		   s[0].iov_len == 2,
	       "slice inside one iovec");
	n = iov_slice(iov, 3, 8, 4, s, 4, &got);
	tap_ok(n == 0 && got == 0, "slice at the end: empty");
	n = iov_slice(iov, 3, 1, 0, s, 4, &got);
	tap_ok(n == 0 && got == 0, "slice of 0 bytes: empty");
	tap_is_int(iov_slice(iov, 3, 0, 8, s, 1, &got), -1,
		   "slice needing more entries than allowed");
	n = iov_slice(iov, 3, 3, 5, s, 1, &got);
	tap_ok(n == 1 && got == 5, "slice needing exactly the entries allowed");
}

int
main(void)
{
	test_size();
	test_to_buf();
	test_from_buf();
	test_slice();
	return tap_done();
}
