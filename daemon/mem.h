/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mem.h: the guest memory table (regions mmapped from the front end's fds) */
#ifndef FSD_MEM_H
#define FSD_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define MEM_MAX_REGIONS 32 /* what GET_MAX_MEM_SLOTS answers */

struct mem_region {
	uint64_t gpa;		/* guest physical address */
	uint64_t size;
	uint64_t uva;		/* front end's (QEMU's) user address */
	uint64_t mmap_offset;	/* of the region in the fd */
	uint8_t *host;		/* our address of gpa */
	void *map_base;		/* what mmap returned */
	size_t map_len;
};

struct mem_table {
	unsigned nregions;
	struct mem_region regions[MEM_MAX_REGIONS];
};

/*
 * Map size bytes of fd from mmap_offset and add the region. Returns 0 or a
 * positive errno (EINVAL: empty, overlapping or beyond the file; ENOSPC:
 * table full; or mmap's errno). The fd is not closed (the caller does).
 */
int mem_add(struct mem_table *mt, int fd, uint64_t gpa, uint64_t size,
	    uint64_t uva, uint64_t mmap_offset);
/* Unmap the region matching gpa, size and uva; ENOENT if none. */
int mem_remove(struct mem_table *mt, uint64_t gpa, uint64_t size,
	       uint64_t uva);
/* Unmap everything. */
void mem_clear(struct mem_table *mt);

/*
 * Our address of [gpa, gpa + len) or [uva, uva + len), which must lie in
 * one region; NULL otherwise (overflow-safe, len 0 allowed).
 */
void *mem_gpa_ptr(const struct mem_table *mt, uint64_t gpa, uint64_t len);
void *mem_uva_ptr(const struct mem_table *mt, uint64_t uva, uint64_t len);

/*
 * mem_gpa_ptr() for a caller translating many addresses in a row (the
 * buffers of one chain): *hint, a region index the caller keeps (0 to
 * start), is tried first and set to the region found. Same result.
 * mem_gpa_ptr_search() is its slow half (every region).
 */
void *mem_gpa_ptr_search(const struct mem_table *mt, uint64_t gpa,
			 uint64_t len, unsigned *hint);

static inline void *
mem_gpa_ptr_hint(const struct mem_table *mt, uint64_t gpa, uint64_t len,
		 unsigned *hint)
{
	const struct mem_region *r;

	if (*hint < mt->nregions) {
		r = &mt->regions[*hint];
		/* mem_range_in(), inline: no sum can wrap around. */
		if (gpa >= r->gpa && len <= r->size &&
		    gpa - r->gpa <= r->size - len)
			return r->host + (gpa - r->gpa);
	}
	return mem_gpa_ptr_search(mt, gpa, len, hint);
}

/*
 * Describe [gpa, gpa + len) with up to max iovecs appended at iov (it may
 * cross from one region into an adjacent one). Returns the number used,
 * or -1 if part of the range is unmapped or max is too small.
 */
int mem_gpa_iov(const struct mem_table *mt, uint64_t gpa, uint64_t len,
		struct iovec *iov, unsigned max);

/* Pure range check, exported for the tests: [a, a+len) within [base, base+size). */
bool mem_range_in(uint64_t a, uint64_t len, uint64_t base, uint64_t size);

#endif
