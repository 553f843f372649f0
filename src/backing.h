/* SPDX-License-Identifier: GPL-2.0-or-later */
/* backing.h: choosing how a guest's memory is shared, with the reasons */
#ifndef VS_BACKING_H
#define VS_BACKING_H

#include <stdbool.h>

#include "domxml.h"
#include "inspect.h"

/* The backings weighed, in the order they are shown. */
#define BACKING_NOPTIONS 4

/* What one backing would be for a domain on this host. */
struct backing_option {
	enum domxml_backing_kind kind; /* memfd, file, hugepages or numa */
	bool possible;
	char *reason; /* one translated line: why it is (not) possible */
};

struct backing_choice {
	/* The backing to apply: DOMXML_BACKING_KEEP when the memory is
	 * already shared. */
	struct domxml_backing chosen;
	char *why; /* one translated line: why this one */
	struct backing_option options[BACKING_NOPTIONS];
};

/*
 * Choose the memory backing of domain d from the inspection in (which may
 * have no libvirt: versions then count as new enough). In this order:
 * memory that is already shared is kept; a domain that uses hugepages
 * keeps them, made shared; a file source stays; else memfd when libvirt
 * and QEMU offer it; else the NUMA form when the domain has cells; else
 * file. Fills *c (cleared first; the caller clears it). Returns 0, or -1
 * after reporting VS_ERR_UNSUPPORTED with the reasons when no backing is
 * possible.
 */
int backing_choose(const struct inspection *in, const struct domxml *d,
		   struct backing_choice *c);
void backing_choice_clear(struct backing_choice *c);

#endif
