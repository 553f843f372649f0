/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-fsd.c: what the virtshare-fsd fuzz targets share */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz-fsd.h"

static unsigned fuzz_fd_first;

/* How many descriptors the process has open. */
static unsigned
fuzz_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;

	if (!d) {
		perror("/proc/self/fd");
		abort();
	}
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

void
fuzz_fd_check_begin(void)
{
	fuzz_fd_first = fuzz_fd_count();
}

void
fuzz_fd_check_end(void)
{
	unsigned n = fuzz_fd_count();

	if (n != fuzz_fd_first) {
		fprintf(stderr, "fuzz: %u file descriptors open, %u before: "
				"a descriptor leaked\n",
			n, fuzz_fd_first);
		abort();
	}
}
