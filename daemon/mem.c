/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mem.c: the guest memory table (regions mmapped from the front end's fds) */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "log.h"
#include "mem.h"

bool
mem_range_in(uint64_t a, uint64_t len, uint64_t base, uint64_t size)
{
	/* Written so that no sum can wrap around. */
	return a >= base && len <= size && a - base <= size - len;
}

static bool
mem_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int
mem_add(struct mem_table *mt, int fd, uint64_t gpa, uint64_t size,
	uint64_t uva, uint64_t mmap_offset)
{
	struct mem_region *r;
	struct statfs sfs;
	struct stat st;
	uint64_t align = (uint64_t)sysconf(_SC_PAGESIZE), start, len;
	unsigned i;
	void *p;

	if (mt->nregions >= MEM_MAX_REGIONS)
		return ENOSPC;
	if (size == 0 || gpa + size < gpa || uva + size < uva ||
	    mmap_offset + size < mmap_offset || size > SIZE_MAX / 2)
		return EINVAL;
	for (i = 0; i < mt->nregions; i++) {
		r = &mt->regions[i];
		if (mem_overlaps(gpa, size, r->gpa, r->size) ||
		    mem_overlaps(uva, size, r->uva, r->size))
			return EINVAL;
	}
	/*
	 * Touching a page beyond the end of the file would kill us with
	 * SIGBUS, so a region must lie within the file.
	 */
	if (fstat(fd, &st) < 0)
		return errno;
	if (S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size < mmap_offset + size)
		return EINVAL;
	/* hugetlbfs mappings must start and end on a huge page. */
	if (fstatfs(fd, &sfs) == 0 && sfs.f_type == HUGETLBFS_MAGIC &&
	    sfs.f_bsize > 0)
		align = (uint64_t)sfs.f_bsize;
	start = mmap_offset & ~(align - 1);
	len = mmap_offset - start + size;
	len = (len + align - 1) & ~(align - 1);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
		 fd, (off_t)start);
	if (p == MAP_FAILED)
		return errno;
	r = &mt->regions[mt->nregions++];
	r->gpa = gpa;
	r->size = size;
	r->uva = uva;
	r->mmap_offset = mmap_offset;
	r->map_base = p;
	r->map_len = len;
	r->host = (uint8_t *)p + (mmap_offset - start);
	log_debug("memory region gpa 0x%llx size 0x%llx uva 0x%llx "
		  "offset 0x%llx mapped at %p",
		  (unsigned long long)gpa, (unsigned long long)size,
		  (unsigned long long)uva, (unsigned long long)mmap_offset,
		  (void *)r->host);
	return 0;
}

static void
mem_unmap(struct mem_region *r)
{
	if (r->map_base)
		munmap(r->map_base, r->map_len);
	memset(r, 0, sizeof(*r));
}

int
mem_remove(struct mem_table *mt, uint64_t gpa, uint64_t size, uint64_t uva)
{
	unsigned i;

	for (i = 0; i < mt->nregions; i++) {
		struct mem_region *r = &mt->regions[i];

		if (r->gpa != gpa || r->size != size || r->uva != uva)
			continue;
		mem_unmap(r);
		mt->regions[i] = mt->regions[--mt->nregions];
		memset(&mt->regions[mt->nregions], 0, sizeof(*r));
		return 0;
	}
	return ENOENT;
}

void
mem_clear(struct mem_table *mt)
{
	unsigned i;

	for (i = 0; i < mt->nregions; i++)
		mem_unmap(&mt->regions[i]);
	mt->nregions = 0;
}

void *
mem_gpa_ptr(const struct mem_table *mt, uint64_t gpa, uint64_t len)
{
	unsigned i;

	for (i = 0; i < mt->nregions; i++) {
		const struct mem_region *r = &mt->regions[i];

		if (mem_range_in(gpa, len, r->gpa, r->size))
			return r->host + (gpa - r->gpa);
	}
	return NULL;
}

void *
mem_gpa_ptr_search(const struct mem_table *mt, uint64_t gpa, uint64_t len,
		   unsigned *hint)
{
	unsigned i;

	for (i = 0; i < mt->nregions; i++) {
		const struct mem_region *r = &mt->regions[i];

		if (mem_range_in(gpa, len, r->gpa, r->size)) {
			*hint = i;
			return r->host + (gpa - r->gpa);
		}
	}
	return NULL;
}

void *
mem_uva_ptr(const struct mem_table *mt, uint64_t uva, uint64_t len)
{
	unsigned i;

	for (i = 0; i < mt->nregions; i++) {
		const struct mem_region *r = &mt->regions[i];

		if (mem_range_in(uva, len, r->uva, r->size))
			return r->host + (uva - r->uva);
	}
	return NULL;
}

/* The region holding the byte at gpa, or NULL. */
static const struct mem_region *
mem_find_gpa(const struct mem_table *mt, uint64_t gpa)
{
	unsigned i;

	for (i = 0; i < mt->nregions; i++)
		if (mem_range_in(gpa, 1, mt->regions[i].gpa,
				 mt->regions[i].size))
			return &mt->regions[i];
	return NULL;
}

int
mem_gpa_iov(const struct mem_table *mt, uint64_t gpa, uint64_t len,
	    struct iovec *iov, unsigned max)
{
	unsigned n = 0;

	if (gpa + len < gpa)
		return -1;
	while (len > 0) {
		const struct mem_region *r = mem_find_gpa(mt, gpa);
		uint64_t avail, chunk;

		if (!r || n >= max)
			return -1;
		avail = r->size - (gpa - r->gpa);
		chunk = len < avail ? len : avail;
		iov[n].iov_base = r->host + (gpa - r->gpa);
		iov[n].iov_len = chunk;
		n++;
		gpa += chunk;
		len -= chunk;
	}
	return (int)n;
}
