/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-vhost-user.c: libFuzzer target for virtshare-fsd's vhost-user handler */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "fuzz-fsd.h"
#include "iov.h"
#include "log.h"
#include "util.h"
#include "vhost-user.h"

/*
 * The input is a list of records, each starting with a control byte:
 *
 *   0x80 set: write guest memory: u16 offset (little endian, modulo the
 *             memory size), u8 length, then that many bytes.
 *   0x40 set: kick: process every started ring, then answer the
 *             deferred requests with vu_deliver().
 *   else:     a vhost-user message: a 12-byte header, then up to the
 *             header's size bytes of payload (fewer if the input ends: a
 *             truncated message), with (ctl & 0x0f) descriptors: dups of
 *             the guest memory memfd, or new eventfds if ctl & 0x10.
 *
 * The guest memory is one FUZZ_MEM_SIZE memfd the regions of
 * SET_MEM_TABLE and ADD_MEM_REG map with whatever offsets the input says.
 * The request handler reads the first and last byte of every buffer,
 * copies the readable bytes into the writable ones, and defers requests
 * whose first byte is odd (answered at the next kick, after whatever
 * messages came in between).
 */

#define FUZZ_MEM_SIZE	 (64 * 1024)
#define FUZZ_MAX_DEFER	 64
#define VU_HDR_SIZE	 12
#define VU_PAYLOAD_MAX	 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

struct fuzz_deferred {
	unsigned qidx;
	uint16_t head;
	uint32_t epoch;
};

static struct fuzz_deferred fuzz_deferred[FUZZ_MAX_DEFER];
static unsigned fuzz_ndeferred;
static volatile uint8_t fuzz_sink;

static void
fuzz_touch(const struct iovec *iov, unsigned cnt)
{
	unsigned i;

	for (i = 0; i < cnt; i++) {
		const volatile uint8_t *p = iov[i].iov_base;

		if (iov[i].iov_len == 0)
			continue;
		fuzz_sink ^= p[0];
		fuzz_sink ^= p[iov[i].iov_len - 1];
	}
}

static long
fuzz_handle(void *opaque, unsigned qidx, const struct vq_elem *elem)
{
	uint8_t buf[512];
	size_t n;

	fuzz_touch(elem->out, elem->out_num);
	fuzz_touch(elem->in, elem->in_num);
	n = iov_to_buf(elem->out, elem->out_num, 0, buf, sizeof(buf));
	if (n > 0 && (buf[0] & 1) && fuzz_ndeferred < FUZZ_MAX_DEFER) {
		struct fuzz_deferred *d = &fuzz_deferred[fuzz_ndeferred++];

		d->qidx = qidx;
		d->head = elem->head;
		d->epoch = elem->epoch;
		return VU_DEFERRED;
	}
	return (long)iov_from_buf(elem->in, elem->in_num, 0, buf, n);
}

static void
fuzz_kick(struct vu_dev *dev)
{
	static const char reply[] = "a deferred reply";
	unsigned i, keep = 0;

	vu_process_rings(dev);
	for (i = 0; i < fuzz_ndeferred; i++) {
		struct fuzz_deferred *d = &fuzz_deferred[i];

		if (vu_deliver(dev, d->qidx, d->head, d->epoch, reply,
			       sizeof(reply)) == EAGAIN)
			fuzz_deferred[keep++] = *d;
	}
	fuzz_ndeferred = keep;
}

/* Read and drop the replies, so that the socket never fills up. */
static void
fuzz_drain(int peer)
{
	char buf[4096];

	while (recv(peer, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init(getenv("FUZZ_LOG") ? LOG_LVL_DEBUG : LOG_LVL_OFF, false);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vu_config cfg = { .nqueues = 3, .handle = fuzz_handle,
				 .quit_fd = -1, .no_queue_threads = true };
	struct vu_dev *dev;
	uint8_t *mem;
	int sv[2], memfd;
	size_t pos = 0;

	fuzz_fd_check_begin();
	memfd = memfd_create("fuzz-guest", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, FUZZ_MEM_SIZE) < 0)
		abort();
	mem = mmap(NULL, FUZZ_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   memfd, 0);
	if (mem == MAP_FAILED)
		abort();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	dev = vu_new(sv[0], &cfg);
	fuzz_ndeferred = 0;

	while (pos < size) {
		uint8_t ctl = data[pos++];

		if (ctl & 0x80) {
			size_t off, len;

			if (size - pos < 3)
				break;
			off = (data[pos] | (size_t)data[pos + 1] << 8) %
			      FUZZ_MEM_SIZE;
			len = data[pos + 2];
			pos += 3;
			len = MIN(len, size - pos);
			len = MIN(len, FUZZ_MEM_SIZE - off);
			memcpy(mem + off, data + pos, len);
			pos += len;
		} else if (ctl & 0x40) {
			fuzz_kick(dev);
		} else {
			int fds[16];
			unsigned nfds = ctl & 0x0f, i;
			uint32_t psize;
			size_t len;

			if (size - pos < VU_HDR_SIZE)
				len = size - pos;
			else {
				memcpy(&psize, data + pos + 8, sizeof(psize));
				len = VU_HDR_SIZE +
				      MIN(MIN(psize, VU_PAYLOAD_MAX + 1),
					  size - pos - VU_HDR_SIZE);
			}
			for (i = 0; i < nfds; i++) {
				fds[i] = ctl & 0x10
					     ? eventfd(0, EFD_CLOEXEC |
							      EFD_NONBLOCK)
					     : fcntl(memfd, F_DUPFD_CLOEXEC, 0);
				if (fds[i] < 0)
					abort();
			}
			if (vu_handle_message(dev, data + pos, len, fds,
					      nfds) < 0)
				break; /* the connection would close */
			pos += len;
			fuzz_drain(sv[1]);
		}
	}

	vu_free(dev);
	close(sv[1]);
	munmap(mem, FUZZ_MEM_SIZE);
	close(memfd);
	fuzz_fd_check_end();
	return 0;
}
