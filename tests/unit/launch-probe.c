/* SPDX-License-Identifier: GPL-2.0-or-later */
/* launch-probe.c: play QEMU on a launched daemon's socket and read one file */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "fusecl.h"
#include "vuclient.h"

/*
 * launch-probe SOCKET NAME: connect as a vhost-user front end, start the
 * rings, FUSE INIT, LOOKUP NAME in the share's root, OPEN and READ it, and
 * print what it holds. Exit 0 on success, 1 with a reason on stderr.
 * Proves that a socket `virtshare daemon start` made is served by a daemon
 * that speaks vhost-user and FUSE (and, run as QEMU's user, that this
 * user may connect).
 */
int
main(int argc, char **argv)
{
	struct vuclient_opts vo = {
	    .queue_size = 128, .region_size = 4 << 20, .timeout_ms = 5000};
	struct vuclient *vu;
	struct fusecl *fc;
	struct fuse_entry_out e;
	char buf[4096];
	uint64_t fh;
	long n;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SOCKET NAME\n", argv[0]);
		return 2;
	}
	if (!(vu = vuclient_connect(argv[1], &vo))) {
		perror("launch-probe: connect");
		return 1;
	}
	if (vuclient_start(vu) < 0) {
		fprintf(stderr, "launch-probe: start: %s\n",
			vuclient_error(vu));
		vuclient_free(vu);
		return 1;
	}
	fc = fusecl_new(vu);
	if (fusecl_init(fc, FUSE_ASYNC_READ) < 0 ||
	    fusecl_lookup(fc, FUSE_ROOT_ID, argv[2], &e) < 0 ||
	    fusecl_open(fc, FUSE_OPEN, e.nodeid, O_RDONLY, &fh) < 0 ||
	    (n = fusecl_read(fc, e.nodeid, fh, 0, buf, sizeof(buf) - 1)) < 0) {
		fprintf(stderr, "launch-probe: FUSE: %s\n", fusecl_error(fc));
	} else {
		buf[n] = '\0';
		fputs(buf, stdout);
		fusecl_release(fc, FUSE_RELEASE, e.nodeid, fh);
		rc = 0;
	}
	fusecl_free(fc);
	vuclient_free(vu);
	return rc;
}
