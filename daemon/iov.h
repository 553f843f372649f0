/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iov.h: copying to, from and slicing of iovec arrays (guest buffers) */
#ifndef FSD_IOV_H
#define FSD_IOV_H

#include <stddef.h>
#include <sys/uio.h>

/* Total length of the iovecs (saturates at SIZE_MAX). */
size_t iov_size(const struct iovec *iov, unsigned cnt);

/*
 * Copy up to len bytes starting offset bytes into iov to dst; returns the
 * number copied (less than len when the iovecs end first).
 */
size_t iov_to_buf(const struct iovec *iov, unsigned cnt, size_t offset,
		  void *dst, size_t len);
/* Copy up to len bytes of src into iov starting offset bytes in. */
size_t iov_from_buf(const struct iovec *iov, unsigned cnt, size_t offset,
		    const void *src, size_t len);

/*
 * Make dst (room for max entries) describe the bytes [offset, offset+len)
 * of iov, clipped to what iov holds. Returns the number of entries used
 * and sets *got to the bytes described; -1 if max is too small.
 */
int iov_slice(const struct iovec *iov, unsigned cnt, size_t offset,
	      size_t len, struct iovec *dst, unsigned max, size_t *got);

#endif
