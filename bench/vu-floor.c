/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vu-floor.c: the least any vhost-user-fs back end pays per request (bench) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <linux/fuse.h>
#include <linux/vhost_types.h>
#include <linux/virtio_config.h>

#include "iov.h"
#include "mem.h"
#include "util.h"
#include "virtqueue.h"

/*
 * Usage: vu-floor --socket-path=PATH -o source=DIR[,...] [--wait=MODE]
 *
 * Not a file system: a measuring stick for bench/vu-rate. It speaks just
 * enough vhost-user for the test client, takes one request queue and, per
 * request, pays only what the work itself costs on this kernel: the wait
 * for the kick, the file operation's own system calls on DIR/data.bin
 * (fstatat for GETATTR and LOOKUP, preadv/pwritev straight between the
 * file and the guest's buffers, openat and close for OPEN and RELEASE,
 * openat with O_CREAT and fstat for CREATE, unlinkat for UNLINK, nothing
 * for FORGET),
 * and the call eventfd when the driver asked for it, once per batch
 * (EVENT_IDX). No sandbox, no seccomp, no credentials, no inode table, no
 * allocation: whatever a real daemon spends above this is overhead.
 *
 * --wait=epoll (default) sleeps in epoll_wait on the kick eventfd,
 * edge-triggered, so the counter need not be read: one system call per
 * wake-up on an eventfd that QEMU made non-blocking. --wait=poll is
 * poll + read, the classic way, for comparison.
 */

#define FLOOR_MAX_ARGS 4096

enum floor_wait { FLOOR_EPOLL, FLOOR_POLL };

struct floor {
	int sock;
	struct mem_table mem;
	struct vq vq;		/* the request queue (1); hiprio is ignored */
	int kick_fd;
	uint64_t features;
	uint64_t protocol;
	bool running;
	pthread_t thread;
	enum floor_wait wait;
	int dir_fd;		/* the shared directory */
	int data_fd;		/* data.bin, read-write */
	int data_path_fd;	/* data.bin, O_PATH (GETATTR) */
};

struct floor_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
} __attribute__((packed));

static const uint64_t floor_features =
    (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |
    (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << 30);

#define FLOOR_PROTOCOL_REPLY_ACK (1ULL << 3)

/* ---- FUSE: the operations' own system calls -------------------------- */

static void
floor_attr(const struct stat *st, struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = st->st_ino;
	a->size = (uint64_t)st->st_size;
	a->blocks = (uint64_t)st->st_blocks;
	a->mode = st->st_mode;
	a->nlink = (uint32_t)st->st_nlink;
	a->blksize = (uint32_t)st->st_blksize;
}

/*
 * Write the header and len bytes of arg into the chain's writable
 * buffers, or only the header of a reply whose inplace bytes of data are
 * there already. Returns the used length.
 */
static uint32_t
floor_reply(const struct vq_elem *e, uint64_t unique, int err,
	    const void *arg, size_t len, size_t inplace)
{
	struct fuse_out_header oh = {
		.len = (uint32_t)(sizeof(oh) + (err ? 0 : len + inplace)),
		.error = -err,
		.unique = unique,
	};

	if (e->in_len < oh.len)
		return 0;
	iov_from_buf(e->in, e->in_num, 0, &oh, sizeof(oh));
	if (!err && len)
		iov_from_buf(e->in, e->in_num, sizeof(oh), arg, len);
	return oh.len;
}

static uint32_t
floor_request(struct floor *f, const struct vq_elem *e)
{
	union {
		char raw[FLOOR_MAX_ARGS + 1];
		struct fuse_read_in read;
		struct fuse_write_in write;
		struct fuse_open_in open;
		struct fuse_create_in create;
		struct fuse_release_in release;
		struct fuse_init_in init;
	} a;
	union {
		struct fuse_attr_out attr;
		struct fuse_entry_out entry;
		struct fuse_open_out open;
		struct {
			struct fuse_entry_out entry;
			struct fuse_open_out open;
		} create;
		struct fuse_write_out write;
		struct fuse_init_out init;
	} r;
	struct iovec io[VQ_MAX_IOV];
	struct fuse_in_header h;
	struct stat st;
	size_t arglen, got, len = 0, inplace = 0;
	ssize_t n;
	int cnt, err = 0;

	if (iov_to_buf(e->out, e->out_num, 0, &h, sizeof(h)) != sizeof(h))
		return 0;
	arglen = MIN(e->out_len - sizeof(h), (size_t)FLOOR_MAX_ARGS);
	if (h.opcode == FUSE_WRITE)
		arglen = MIN(arglen, sizeof(a.write));
	memset(&a, 0, sizeof(a.init));
	iov_to_buf(e->out, e->out_num, sizeof(h), a.raw, arglen);
	a.raw[arglen] = '\0';
	memset(&r, 0, sizeof(r));
	if (h.opcode == FUSE_FORGET)
		return 0;
	switch (h.opcode) {
	case FUSE_INIT:
		r.init.major = FUSE_KERNEL_VERSION;
		r.init.minor = FUSE_KERNEL_MINOR_VERSION;
		r.init.flags = a.init.flags & (FUSE_MAX_PAGES | FUSE_BIG_WRITES);
		r.init.max_write = 1 << 20;
		r.init.max_pages = 256;
		r.init.max_background = 64;
		len = sizeof(r.init);
		break;
	case FUSE_GETATTR:
		if (fstatat(f->data_path_fd, "", &st, AT_EMPTY_PATH) < 0) {
			err = errno;
			break;
		}
		floor_attr(&st, &r.attr.attr);
		len = sizeof(r.attr);
		break;
	case FUSE_LOOKUP:
		if (fstatat(f->dir_fd, a.raw, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			err = errno;
			break;
		}
		r.entry.nodeid = 2;
		floor_attr(&st, &r.entry.attr);
		len = sizeof(r.entry);
		break;
	case FUSE_OPEN:
		n = openat(f->dir_fd, "data.bin",
			   (a.open.flags & O_ACCMODE) | O_CLOEXEC);
		if (n < 0) {
			err = errno;
			break;
		}
		r.open.fh = (uint64_t)n;
		len = sizeof(r.open);
		break;
	case FUSE_CREATE:
		n = openat(f->dir_fd, a.raw + sizeof(a.create),
			   O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC,
			   a.create.mode & 0777);
		if (n < 0 || fstat((int)n, &st) < 0) {
			err = errno;
			break;
		}
		r.create.entry.nodeid = 3;
		floor_attr(&st, &r.create.entry.attr);
		r.create.open.fh = (uint64_t)n;
		len = sizeof(r.create);
		break;
	case FUSE_UNLINK:
		if (unlinkat(f->dir_fd, a.raw, 0) < 0)
			err = errno;
		break;
	case FUSE_RELEASE:
		/* Only what OPEN and CREATE gave, never our own descriptors. */
		if (a.release.fh <= (uint64_t)f->data_path_fd ||
		    a.release.fh > INT32_MAX)
			err = EBADF;
		else
			close((int)a.release.fh);
		break;
	case FUSE_READ:
		if (e->in_len < sizeof(struct fuse_out_header)) {
			err = EINVAL;
			break;
		}
		cnt = iov_slice(e->in, e->in_num, sizeof(struct fuse_out_header),
				MIN((size_t)a.read.size, e->in_len), io,
				VQ_MAX_IOV, &got);
		n = cnt < 0 ? -1
			    : preadv(f->data_fd, io, cnt, (off_t)a.read.offset);
		if (n < 0)
			err = cnt < 0 ? EINVAL : errno;
		else
			inplace = (size_t)n;
		break;
	case FUSE_WRITE:
		cnt = iov_slice(e->out, e->out_num, sizeof(h) + sizeof(a.write),
				a.write.size, io, VQ_MAX_IOV, &got);
		n = cnt < 0 ? -1
			    : pwritev(f->data_fd, io, cnt,
				      (off_t)a.write.offset);
		if (n < 0) {
			err = cnt < 0 ? EINVAL : errno;
			break;
		}
		r.write.size = (uint32_t)n;
		len = sizeof(r.write);
		break;
	default:
		err = ENOSYS;
		break;
	}
	return floor_reply(e, h.unique, err, &r, len, inplace);
}

/* ---- the request queue ------------------------------------------------ */

static void
floor_drain(struct floor *f, struct vq_elem *e)
{
	do {
		while (vq_pop_into(&f->vq, &f->mem, e, VQ_MAX_IOV) == 1)
			vq_fill(&f->vq, e->head, floor_request(f, e));
		vq_flush(&f->vq);
	} while (vq_rearm(&f->vq));
}

static void *
floor_thread(void *arg)
{
	struct floor *f = arg;
	struct vq_elem *e = vq_elem_new(VQ_MAX_IOV);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	int ep = epoll_create1(EPOLL_CLOEXEC);
	uint64_t v;

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, f->kick_fd, &ev) < 0) {
		perror("vu-floor: epoll");
		exit(1);
	}
	for (;;) {
		floor_drain(f, e);
		if (f->wait == FLOOR_EPOLL) {
			if (epoll_wait(ep, &ev, 1, -1) < 0 && errno != EINTR)
				break;
		} else {
			struct pollfd p = { f->kick_fd, POLLIN, 0 };

			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				break;
			if (read(f->kick_fd, &v, sizeof(v)) < 0 &&
			    errno != EAGAIN)
				break;
		}
	}
	free(e);
	return NULL;
}

/* ---- vhost-user: just what the test client sends ---------------------- */

static void
floor_send(struct floor *f, uint32_t request, const void *p, uint32_t size)
{
	struct floor_hdr h = { request, 0x1 | 0x4, size };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)p, size } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	if (sendmsg(f->sock, &mh, MSG_NOSIGNAL) != (ssize_t)(sizeof(h) + size))
		exit(0);
}

static int
floor_recv(struct floor *f, struct floor_hdr *h, void *p, int *fds,
	   unsigned *nfds)
{
	union {
		char buf[CMSG_SPACE(8 * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { h, sizeof(*h) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *c;

	*nfds = 0;
	if (recvmsg(f->sock, &mh, MSG_CMSG_CLOEXEC) != sizeof(*h) ||
	    h->size > 4096)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			for (size_t i = 0; i < n && *nfds < 8; i++)
				memcpy(&fds[(*nfds)++],
				       CMSG_DATA(c) + i * sizeof(int),
				       sizeof(int));
	}
	if (h->size == 0)
		return 0;
	return recv(f->sock, p, h->size, MSG_WAITALL) == (ssize_t)h->size
		   ? 0
		   : -1;
}

static void
floor_serve(struct floor *f)
{
	union {
		uint64_t u64;
		struct vhost_vring_state state;
		struct vhost_vring_addr addr;
		struct {
			uint32_t nregions, padding;
			struct {
				uint64_t gpa, size, uva, offset;
			} r[8];
		} mem;
		char raw[4096];
	} p;
	struct floor_hdr h;
	int fds[8], fd;
	unsigned nfds, i, q;
	bool ack;

	for (;;) {
		memset(&p, 0, sizeof(p));
		if (floor_recv(f, &h, &p, fds, &nfds) < 0)
			return;
		ack = (h.flags & 0x8) && (f->protocol & FLOOR_PROTOCOL_REPLY_ACK);
		q = p.u64 & 0xff;
		fd = nfds ? fds[0] : -1;
		switch (h.request) {
		case 1: /* GET_FEATURES */
			floor_send(f, h.request, &floor_features, 8);
			break;
		case 2: /* SET_FEATURES */
			f->features = p.u64;
			f->vq.event_idx = p.u64 & (1ULL << VIRTIO_RING_F_EVENT_IDX);
			f->vq.indirect =
			    p.u64 & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
			break;
		case 15: /* GET_PROTOCOL_FEATURES */
			p.u64 = FLOOR_PROTOCOL_REPLY_ACK;
			floor_send(f, h.request, &p.u64, 8);
			break;
		case 16: /* SET_PROTOCOL_FEATURES */
			f->protocol = p.u64;
			break;
		case 5: /* SET_MEM_TABLE */
			for (i = 0; i < p.mem.nregions && i < nfds; i++)
				if (mem_add(&f->mem, fds[i], p.mem.r[i].gpa,
					    p.mem.r[i].size, p.mem.r[i].uva,
					    p.mem.r[i].offset))
					exit(1);
			for (i = 0; i < nfds; i++)
				close(fds[i]);
			fd = -1;
			break;
		case 8: /* SET_VRING_NUM */
			if (p.state.index == 1)
				f->vq.num = (uint16_t)p.state.num;
			break;
		case 9: /* SET_VRING_ADDR */
			if (p.addr.index == 1) {
				f->vq.desc_uva = p.addr.desc_user_addr;
				f->vq.avail_uva = p.addr.avail_user_addr;
				f->vq.used_uva = p.addr.used_user_addr;
				f->vq.addr_set = true;
			}
			break;
		case 12: /* SET_VRING_KICK: the request queue starts */
			if (q == 1 && fd >= 0 && !f->running) {
				f->kick_fd = fd;
				fd = -1;
				if (vq_map(&f->vq, &f->mem))
					exit(1);
				vq_start(&f->vq, 0);
				f->running = true;
				pthread_create(&f->thread, NULL, floor_thread, f);
			}
			break;
		case 13: /* SET_VRING_CALL */
			if (q == 1 && fd >= 0) {
				f->vq.call_fd = fd;
				fd = -1;
			}
			break;
		default: /* owner, err fd, base, enable: nothing to do */
			break;
		}
		if (fd >= 0)
			close(fd);
		if (ack) {
			p.u64 = 0;
			floor_send(f, h.request, &p.u64, 8);
		}
	}
}

static int
floor_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), conn;

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 1) < 0)
		return -1;
	conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	close(fd);
	unlink(path);
	return conn;
}

int
main(int argc, char **argv)
{
	struct floor f = { .sock = -1, .kick_fd = -1 };
	const char *socket_path = NULL, *source = NULL;
	char src[4096], *comma;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--socket-path=", 14))
			socket_path = argv[i] + 14;
		else if (!strncmp(argv[i], "--fd=", 5))
			f.sock = atoi(argv[i] + 5);
		else if (!strcmp(argv[i], "--wait=poll"))
			f.wait = FLOOR_POLL;
		else if (!strcmp(argv[i], "-o") && i + 1 < argc &&
			 !strncmp(argv[i + 1], "source=", 7))
			source = argv[++i] + 7;
	}
	if ((!socket_path && f.sock < 0) || !source) {
		fprintf(stderr, "usage: vu-floor --socket-path=PATH "
				"-o source=DIR [--wait=epoll|poll]\n");
		return 2;
	}
	snprintf(src, sizeof(src), "%s", source);
	comma = strchr(src, ',');
	if (comma)
		*comma = '\0';
	vq_init(&f.vq, 1);
	f.dir_fd = open(src, O_PATH | O_DIRECTORY | O_CLOEXEC);
	f.data_fd = openat(f.dir_fd, "data.bin", O_RDWR | O_CLOEXEC);
	f.data_path_fd = openat(f.dir_fd, "data.bin", O_PATH | O_CLOEXEC);
	if (f.dir_fd < 0 || f.data_fd < 0 || f.data_path_fd < 0) {
		fprintf(stderr, "vu-floor: %s/data.bin: %s\n", src,
			strerror(errno));
		return 1;
	}
	if (socket_path)
		f.sock = floor_listen(socket_path);
	else
		f.sock = accept4(f.sock, NULL, NULL, SOCK_CLOEXEC);
	if (f.sock < 0) {
		perror("vu-floor: socket");
		return 1;
	}
	floor_serve(&f);
	/* The front end went away: that is the end of the run. */
	return 0;
}
