/* fuzz-fsd.c: what the virtshare-fsd fuzz targets share */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz-fsd.h"

static int fuzz_fd_first;

/* The lowest free descriptor: it moves up when one leaks. */
static int
fuzz_fd_lowest(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		perror("/dev/null");
		abort();
	}
	close(fd);
	return fd;
}

void
fuzz_fd_check_begin(void)
{
	fuzz_fd_first = fuzz_fd_lowest();
}

void
fuzz_fd_check_end(void)
{
	int fd = fuzz_fd_lowest();

	if (fd != fuzz_fd_first) {
		fprintf(stderr, "fuzz: file descriptor leak (lowest free fd "
				"%d, was %d)\n",
			fd, fuzz_fd_first);
		abort();
	}
}
