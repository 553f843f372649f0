/* SPDX-License-Identifier: GPL-2.0-or-later */
/* backing.h: choosing how a guest's memory is shared, with the reasons */
#ifndef VS_BACKING_H
#define VS_BACKING_H

#include <stdbool.h>

#include "domxml.h"
#include "inspect.h"

/* The backings weighed, in the order they are shown. */
#define BACKING_NOPTIONS 4

/* Why an option is (not) possible; the arguments are in arg[]. */
enum backing_reason {
	BACKING_R_KEEP,              /* memory already shared */
	BACKING_R_MEMFD,             /* possible */
	BACKING_R_SOURCE_UNLISTED,   /* not in the domain capabilities: source */
	BACKING_R_LIBVIRT_NO_NUMA,   /* libvirt too old: have, since */
	BACKING_R_QEMU_NO_NUMA,      /* QEMU too old: have, since */
	BACKING_R_LIBVIRT_MEMFD,     /* libvirt too old for memfd: have, since */
	BACKING_R_FILE,              /* possible: dir */
	BACKING_R_FILE_ON_DISK,      /* possible but slow: dir, fstype */
	BACKING_R_FILE_REMOTE,       /* possible: the host's dir, not checked */
	BACKING_R_HUGEPAGES_KEPT,    /* the domain uses hugepages */
	BACKING_R_HUGEPAGES_REQUEST, /* possible on request: sizes */
	BACKING_R_HUGEPAGES_NONE,    /* the host offers no hugepages */
	BACKING_R_NUMA,              /* possible: count is the cells */
	BACKING_R_NUMA_NONE,         /* the domain has no guest NUMA cells */
	/* One hugepage size. */
	BACKING_R_PAGES_ENOUGH,      /* pages needed, free */
	BACKING_R_PAGES_SHORT,       /* pages needed, free: allocate first */
	BACKING_R_PAGES_UNUSABLE,    /* not possible: what pages.c says */
	BACKING_R_PAGES_NO_MOUNT,    /* not possible yet: what to mount */
	BACKING_R_MEMORY_UNKNOWN,    /* the guest's memory size is unknown */
	BACKING_R_PAGES_SIZE_KEPT,   /* in use, of a size not known */
	BACKING_NREASONS
};

#define BACKING_NARGS 3

/* What one backing would be for a domain on this host. */
struct backing_option {
	/* What choosing it applies: the kind, and for hugepages the page
	 * size (0: the one the domain uses), nodes and file source. */
	struct domxml_backing backing;
	bool possible;
	bool recommended; /* it is backing_choose()'s choice */
	bool kept;        /* hugepages: the size the domain uses now */
	bool short_pages; /* hugepages: possible once pages are allocated */
	enum backing_reason code;
	uint64_t count;             /* the number a plural depends on */
	char *arg[BACKING_NARGS];   /* the code's arguments, as text */
	/* Rendered from the above, translated: */
	char *label;  /* "memfd", "hugepages 2M (kept)", "keep (memfd)" */
	char *detail; /* why it is (not) possible, e.g. "possible: ..." */
	char *reason; /* the kind and the detail: "memfd: possible: ..." */
};

struct backing_choice {
	/* The backing to apply: DOMXML_BACKING_KEEP when the memory is
	 * already shared. */
	struct domxml_backing chosen;
	char *why; /* one translated line: why this one */
	/* Each kind weighed once (memfd, file, hugepages, numa): what the
	 * notes of a plan and the error say. */
	struct backing_option options[BACKING_NOPTIONS];
	/* What a user can pick, in the order shown: keep (when memory is
	 * shared), memfd, file, hugepages once per page size of the guest's
	 * host (the size in use first), numa. One is recommended. */
	struct backing_option *offers;
	size_t noffers;
};

/*
 * Choose the memory backing of domain d from the inspection in (which may
 * have no libvirt: versions then count as new enough). In this order:
 * memory that is already shared is kept; a domain that uses hugepages
 * keeps them, made shared; a file source stays; else memfd when libvirt
 * and QEMU offer it; else the NUMA form when the domain has cells; else
 * file. Each page size of in->host is weighed against the guest's
 * memory and qemu.conf (in->qemu). Fills *c (cleared first; the caller
 * clears it). Returns 0, or -1 after reporting VS_ERR_UNSUPPORTED with
 * the reasons when no backing is possible.
 */
int backing_choose(const struct inspection *in, const struct domxml *d,
		   struct backing_choice *c);
/* As backing_choose(), with the hugepages of pages_host (e.g. libvirt's
 * view of a remote host) instead of in->host's. */
int backing_choose_host(const struct inspection *in,
			const struct host_info *pages_host,
			const struct domxml *d, struct backing_choice *c);
void backing_choice_clear(struct backing_choice *c);

/*
 * Why c chose what it chose and, unless memory is kept as it is, what
 * else it weighed: translated lines added to notes, as a plan shows them.
 */
void backing_choice_notes(const struct backing_choice *c,
			  struct strlist *notes);

/* The offer that applies b as given (kind, and for hugepages the page
 * size), or NULL. Borrowed from c. */
const struct backing_option *
backing_offer_find(const struct backing_choice *c,
		   const struct domxml_backing *b);

#endif
