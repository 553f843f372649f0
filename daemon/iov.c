/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iov.c: copying to, from and slicing of iovec arrays (guest buffers) */
#include <stdint.h>
#include <string.h>

#include "iov.h"

size_t
iov_size(const struct iovec *iov, unsigned cnt)
{
	size_t total = 0;
	unsigned i;

	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len > SIZE_MAX - total)
			return SIZE_MAX;
		total += iov[i].iov_len;
	}
	return total;
}

size_t
iov_to_buf(const struct iovec *iov, unsigned cnt, size_t offset, void *dst,
	   size_t len)
{
	size_t done = 0;
	unsigned i;

	for (i = 0; i < cnt && done < len; i++) {
		size_t n;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		n = iov[i].iov_len - offset;
		if (n > len - done)
			n = len - done;
		memcpy((char *)dst + done, (char *)iov[i].iov_base + offset, n);
		done += n;
		offset = 0;
	}
	return done;
}

size_t
iov_from_buf(const struct iovec *iov, unsigned cnt, size_t offset,
	     const void *src, size_t len)
{
	size_t done = 0;
	unsigned i;

	for (i = 0; i < cnt && done < len; i++) {
		size_t n;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		n = iov[i].iov_len - offset;
		if (n > len - done)
			n = len - done;
		memcpy((char *)iov[i].iov_base + offset, (const char *)src + done,
		       n);
		done += n;
		offset = 0;
	}
	return done;
}

int
iov_slice(const struct iovec *iov, unsigned cnt, size_t offset, size_t len,
	  struct iovec *dst, unsigned max, size_t *got)
{
	unsigned i, n = 0;
	size_t done = 0;

	for (i = 0; i < cnt && done < len; i++) {
		size_t take;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		if (n >= max)
			return -1;
		take = iov[i].iov_len - offset;
		if (take > len - done)
			take = len - done;
		dst[n].iov_base = (char *)iov[i].iov_base + offset;
		dst[n].iov_len = take;
		n++;
		done += take;
		offset = 0;
	}
	*got = done;
	return (int)n;
}
