/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vuclient.c: vhost-user front end with memfd guest memory and split rings */
#include "vuclient.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/vhost_types.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#define VUC_MAX_FDS     8
#define VUC_MAX_PAYLOAD 4096

/* Guest-physical and front-end user bases: all distinct on purpose. */
static const uint64_t vuc_gpa_base[VUC_NREGIONS] = {0x40000000ull,
                                                    0x100000000ull};
static const uint64_t vuc_uaddr_base[VUC_NREGIONS] = {0x7f5500000000ull,
                                                      0x7f5580000000ull};

struct vuc_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
} __attribute__((packed));

struct vuc_mem_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t uaddr;
	uint64_t mmap_offset;
};

struct vuc_mem_table {
	uint32_t nregions;
	uint32_t padding;
	struct vuc_mem_region regions[8];
};

struct vuc_mem_reg {
	uint64_t padding;
	struct vuc_mem_region region;
};

struct vuc_region {
	uint64_t gpa;
	uint64_t uaddr;
	uint64_t offset; /* in the memfd */
	uint8_t *host;
	size_t size;
	size_t arena_start; /* first byte the arena may hand out */
	size_t arena_pos;
};

/* A piece of guest memory the daemon may write into. */
struct vuc_piece {
	uint8_t *host;
	size_t len;
};

struct vuc_slot {
	bool busy;
	bool done;
	uint32_t used_len;
	uint16_t *descs; /* ring descriptors of the chain */
	unsigned ndescs;
	struct vuc_piece *wr;
	unsigned nwr;
	size_t wr_total;
};

struct vuc_vq {
	unsigned num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_off, avail_off, used_off; /* in region 0 */
	int kick, call, err;
	uint16_t avail_idx;
	uint16_t last_used;
	uint16_t *free; /* stack of free descriptor indices */
	unsigned nfree;
	unsigned inflight;
	struct vuc_slot *slots;
};

struct vuclient {
	int sock;
	struct vuclient_opts o;
	int memfd;
	uint8_t *mem;
	size_t memsize;
	struct vuc_region reg[VUC_NREGIONS];
	struct vuc_vq vq[VUC_NQUEUES];
	uint64_t offered, features, protocol;
	char err[512];
};

static void __attribute__((format(printf, 2, 3)))
vuc_err(struct vuclient *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

const char *
vuclient_error(const struct vuclient *c)
{
	return c ? c->err : "no client";
}

static long long
vuc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

static size_t
vuc_align(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void
vuc_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Lay out the rings of each queue at the start of region 0. */
static int
vuc_rings_init(struct vuclient *c)
{
	size_t off = 0;
	int q;

	for (q = 0; q < VUC_NQUEUES; q++) {
		struct vuc_vq *vq = &c->vq[q];
		unsigned i, n = c->o.queue_size;

		vq->num = n;
		vq->desc_off = off;
		off = vuc_align(off + 16 * n, 4096);
		vq->avail_off = off;
		off = vuc_align(off + 6 + 2 * n, 4096);
		vq->used_off = off;
		off = vuc_align(off + 6 + 8 * n, 4096);
		vq->desc = (void *)(c->reg[0].host + vq->desc_off);
		vq->avail = (void *)(c->reg[0].host + vq->avail_off);
		vq->used = (void *)(c->reg[0].host + vq->used_off);
		vq->free = calloc(n, sizeof(*vq->free));
		vq->slots = calloc(n, sizeof(*vq->slots));
		if (!vq->free || !vq->slots)
			abort();
		for (i = 0; i < n; i++)
			vq->free[i] = n - 1 - i;
		vq->nfree = n;
		vq->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		vq->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		vq->err = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vq->kick < 0 || vq->call < 0 || vq->err < 0) {
			vuc_err(c, "eventfd: %s", strerror(errno));
			return -1;
		}
	}
	if (off >= c->reg[0].size / 2) {
		vuc_err(c, "rings do not fit in region 0");
		return -1;
	}
	c->reg[0].arena_start = c->reg[0].arena_pos = off;
	return 0;
}

static int
vuc_mem_init(struct vuclient *c)
{
	size_t rs = c->o.region_size;
	int i;

	c->memsize = rs * VUC_NREGIONS;
	c->memfd = memfd_create("vuclient-guest-ram", MFD_CLOEXEC);
	if (c->memfd < 0 || ftruncate(c->memfd, c->memsize) < 0) {
		vuc_err(c, "memfd: %s", strerror(errno));
		return -1;
	}
	c->mem = mmap(NULL, c->memsize, PROT_READ | PROT_WRITE, MAP_SHARED,
	              c->memfd, 0);
	if (c->mem == MAP_FAILED) {
		c->mem = NULL;
		vuc_err(c, "mmap guest memory: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < VUC_NREGIONS; i++) {
		c->reg[i].gpa = vuc_gpa_base[i];
		c->reg[i].uaddr = vuc_uaddr_base[i];
		c->reg[i].offset = rs * i;
		c->reg[i].host = c->mem + rs * i;
		c->reg[i].size = rs;
		c->reg[i].arena_start = c->reg[i].arena_pos = 0;
	}
	return vuc_rings_init(c);
}

static struct vuclient *
vuc_new(int sock, const struct vuclient_opts *opts)
{
	struct vuclient *c = calloc(1, sizeof(*c));
	int q;

	if (!c)
		abort();
	if (opts)
		c->o = *opts;
	if (!c->o.queue_size)
		c->o.queue_size = 128;
	if (!c->o.region_size)
		c->o.region_size = 16 << 20;
	if (!c->o.timeout_ms)
		c->o.timeout_ms = 5000;
	c->sock = sock;
	c->memfd = -1;
	for (q = 0; q < VUC_NQUEUES; q++)
		c->vq[q].kick = c->vq[q].call = c->vq[q].err = -1;
	if (vuc_mem_init(c) < 0) {
		int e = errno ? errno : EINVAL;

		vuclient_free(c);
		errno = e;
		return NULL;
	}
	return c;
}

struct vuclient *
vuclient_adopt(int sock, const struct vuclient_opts *opts)
{
	return vuc_new(sock, opts);
}

struct vuclient *
vuclient_connect(const char *path, const struct vuclient_opts *opts)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int timeout = opts && opts->timeout_ms ? opts->timeout_ms : 5000;
	long long deadline = vuc_now_ms() + timeout;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sa.sun_path, path);
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return NULL;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		close(fd);
		if ((errno != ENOENT && errno != ECONNREFUSED) ||
		    vuc_now_ms() > deadline)
			return NULL;
		usleep(20000);
	}
	return vuc_new(fd, opts);
}

void
vuclient_free(struct vuclient *c)
{
	int q;
	unsigned i;

	if (!c)
		return;
	vuc_close(&c->sock);
	for (q = 0; q < VUC_NQUEUES; q++) {
		struct vuc_vq *vq = &c->vq[q];

		vuc_close(&vq->kick);
		vuc_close(&vq->call);
		vuc_close(&vq->err);
		for (i = 0; vq->slots && i < vq->num; i++) {
			free(vq->slots[i].descs);
			free(vq->slots[i].wr);
		}
		free(vq->slots);
		free(vq->free);
	}
	if (c->mem)
		munmap(c->mem, c->memsize);
	vuc_close(&c->memfd);
	free(c);
}

uint64_t
vuclient_features(const struct vuclient *c)
{
	return c->features;
}

uint64_t
vuclient_offered_features(const struct vuclient *c)
{
	return c->offered;
}

uint64_t
vuclient_protocol_features(const struct vuclient *c)
{
	return c->protocol;
}

bool
vuclient_has_feature(const struct vuclient *c, unsigned bit)
{
	return (c->features >> bit) & 1;
}

int
vuclient_socket(const struct vuclient *c)
{
	return c->sock;
}

/* ---- vhost-user messages ---------------------------------------------- */

int
vuclient_send(struct vuclient *c, uint32_t req, uint32_t flags,
              const void *payload, uint32_t size, const int *fds, int nfds)
{
	struct vuc_hdr h = {req, flags | VHOST_USER_VERSION, size};
	struct iovec iov[2] = {
	    {&h, sizeof(h)},
	    {(void *)payload, size},
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * VUC_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct msghdr m = {.msg_iov = iov, .msg_iovlen = size ? 2 : 1};
	ssize_t n;

	if (nfds > VUC_MAX_FDS) {
		vuc_err(c, "too many fds");
		return -1;
	}
	if (nfds > 0) {
		struct cmsghdr *cm;

		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(c->sock, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)(sizeof(h) + size)) {
		vuc_err(c, "send vhost-user request %u: %s", req,
		        n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

static int
vuc_read_full(struct vuclient *c, void *buf, size_t len)
{
	long long deadline = vuc_now_ms() + c->o.timeout_ms;
	uint8_t *p = buf;

	while (len > 0) {
		struct pollfd pfd = {c->sock, POLLIN, 0};
		long long left = deadline - vuc_now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			vuc_err(c, "timed out waiting for a vhost-user reply");
			return -1;
		}
		n = recv(c->sock, p, len, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			vuc_err(c, "reading vhost-user reply: %s",
			        n ? strerror(errno)
			          : "daemon closed the connection");
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int
vuclient_recv(struct vuclient *c, uint32_t req, void *payload, uint32_t size)
{
	struct vuc_hdr h;
	uint8_t junk[VUC_MAX_PAYLOAD];

	if (vuc_read_full(c, &h, sizeof(h)) < 0)
		return -1;
	if (h.request != req || (h.flags & 3) != VHOST_USER_VERSION ||
	    !(h.flags & VHOST_USER_FLAG_REPLY)) {
		vuc_err(c, "bad reply header: request %u flags %#x to %u",
		        h.request, h.flags, req);
		return -1;
	}
	if (h.size > VUC_MAX_PAYLOAD) {
		vuc_err(c, "reply payload of %u bytes is too big", h.size);
		return -1;
	}
	if (vuc_read_full(c, junk, h.size) < 0)
		return -1;
	memcpy(payload, junk, h.size < size ? h.size : size);
	return (int)h.size;
}

int
vuclient_get_u64(struct vuclient *c, uint32_t req, uint64_t *val)
{
	int n;

	if (vuclient_send(c, req, 0, NULL, 0, NULL, 0) < 0)
		return -1;
	n = vuclient_recv(c, req, val, sizeof(*val));
	if (n < 0)
		return -1;
	if (n != sizeof(*val)) {
		vuc_err(c, "reply to %u has %d bytes, want 8", req, n);
		return -1;
	}
	return 0;
}

/* Send a message that has no reply of its own; wait for the ack. */
static int
vuc_set(struct vuclient *c, uint32_t req, const void *payload, uint32_t size,
        const int *fds, int nfds)
{
	bool ack = c->protocol & (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK);
	uint64_t status;
	int n;

	if (vuclient_send(c, req, ack ? VHOST_USER_FLAG_NEED_REPLY : 0, payload,
	                  size, fds, nfds) < 0)
		return -1;
	if (!ack)
		return 0;
	n = vuclient_recv(c, req, &status, sizeof(status));
	if (n < 0)
		return -1;
	if (n != sizeof(status) || status != 0) {
		vuc_err(c, "request %u was refused (ack %llu, %d bytes)", req,
		        (unsigned long long)status, n);
		return -1;
	}
	return 0;
}

int
vuclient_set_u64(struct vuclient *c, uint32_t req, uint64_t val)
{
	return vuc_set(c, req, &val, sizeof(val), NULL, 0);
}

static int
vuc_set_state(struct vuclient *c, uint32_t req, unsigned q, unsigned num)
{
	struct vhost_vring_state s = {.index = q, .num = num};

	return vuc_set(c, req, &s, sizeof(s), NULL, 0);
}

static int
vuc_set_vring_fd(struct vuclient *c, uint32_t req, unsigned q, int fd)
{
	uint64_t v = q;

	return vuc_set(c, req, &v, sizeof(v), &fd, 1);
}

static void
vuc_region_desc(const struct vuc_region *r, struct vuc_mem_region *d)
{
	d->gpa = r->gpa;
	d->size = r->size;
	d->uaddr = r->uaddr;
	d->mmap_offset = r->offset;
}

static int
vuc_mem_table(struct vuclient *c)
{
	int fds[VUC_NREGIONS], i;

	for (i = 0; i < VUC_NREGIONS; i++)
		fds[i] = c->memfd;
	if (c->o.use_add_mem_reg) {
		uint64_t slots;

		if (!(c->protocol &
		      (1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS))) {
			vuc_err(c, "CONFIGURE_MEM_SLOTS was not negotiated");
			return -1;
		}
		if (vuclient_get_u64(c, VHOST_USER_GET_MAX_MEM_SLOTS, &slots))
			return -1;
		if (slots < VUC_NREGIONS) {
			vuc_err(c, "daemon has only %llu memory slots",
			        (unsigned long long)slots);
			return -1;
		}
		for (i = 0; i < VUC_NREGIONS; i++) {
			struct vuc_mem_reg m = {0};

			vuc_region_desc(&c->reg[i], &m.region);
			if (vuc_set(c, VHOST_USER_ADD_MEM_REG, &m, sizeof(m),
			            &fds[i], 1) < 0)
				return -1;
		}
		return 0;
	} else {
		struct vuc_mem_table t = {.nregions = VUC_NREGIONS};

		for (i = 0; i < VUC_NREGIONS; i++)
			vuc_region_desc(&c->reg[i], &t.regions[i]);
		return vuc_set(c, VHOST_USER_SET_MEM_TABLE, &t,
		               8 + VUC_NREGIONS * sizeof(t.regions[0]), fds,
		               VUC_NREGIONS);
	}
}

static int
vuc_ring_start(struct vuclient *c, unsigned q)
{
	struct vuc_vq *vq = &c->vq[q];
	uint64_t ubase = c->reg[0].uaddr;
	struct vhost_vring_addr a = {
	    .index = q,
	    .desc_user_addr = ubase + vq->desc_off,
	    .used_user_addr = ubase + vq->used_off,
	    .avail_user_addr = ubase + vq->avail_off,
	};

	if (vuc_set_vring_fd(c, VHOST_USER_SET_VRING_CALL, q, vq->call) < 0 ||
	    vuc_set_vring_fd(c, VHOST_USER_SET_VRING_ERR, q, vq->err) < 0 ||
	    vuc_set_state(c, VHOST_USER_SET_VRING_NUM, q, vq->num) < 0 ||
	    vuc_set_state(c, VHOST_USER_SET_VRING_BASE, q, 0) < 0 ||
	    vuc_set(c, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a), NULL, 0) < 0 ||
	    vuc_set_vring_fd(c, VHOST_USER_SET_VRING_KICK, q, vq->kick) < 0)
		return -1;
	if (c->features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES))
		return vuc_set_state(c, VHOST_USER_SET_VRING_ENABLE, q, 1);
	return 0;
}

int
vuclient_start(struct vuclient *c)
{
	uint64_t want =
	    1ull << VIRTIO_F_VERSION_1 | 1ull << VHOST_USER_F_PROTOCOL_FEATURES;
	unsigned q;

	if (c->o.want_indirect)
		want |= 1ull << VIRTIO_RING_F_INDIRECT_DESC;
	if (c->o.want_event_idx)
		want |= 1ull << VIRTIO_RING_F_EVENT_IDX;
	if (vuclient_get_u64(c, VHOST_USER_GET_FEATURES, &c->offered) < 0)
		return -1;
	if (!(c->offered & (1ull << VIRTIO_F_VERSION_1))) {
		vuc_err(c, "daemon does not offer VIRTIO_F_VERSION_1");
		return -1;
	}
	if (c->offered & (1ull << VHOST_USER_F_PROTOCOL_FEATURES)) {
		uint64_t pf, pwant = 1ull << VHOST_USER_PROTOCOL_F_MQ |
		                     1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK;

		if (c->o.use_add_mem_reg)
			pwant |= 1ull
			         << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS;
		if (vuclient_get_u64(c, VHOST_USER_GET_PROTOCOL_FEATURES, &pf) <
		    0)
			return -1;
		pf &= pwant;
		if (vuclient_send(c, VHOST_USER_SET_PROTOCOL_FEATURES, 0, &pf,
		                  sizeof(pf), NULL, 0) < 0)
			return -1;
		c->protocol = pf;
		if (pf & (1ull << VHOST_USER_PROTOCOL_F_MQ)) {
			uint64_t nq;

			if (vuclient_get_u64(c, VHOST_USER_GET_QUEUE_NUM, &nq) <
			    0)
				return -1;
			if (nq < 1) {
				vuc_err(c, "GET_QUEUE_NUM says %llu queues",
				        (unsigned long long)nq);
				return -1;
			}
		}
	}
	if (vuc_set(c, VHOST_USER_SET_OWNER, NULL, 0, NULL, 0) < 0)
		return -1;
	c->features = c->offered & want;
	if (vuclient_set_u64(c, VHOST_USER_SET_FEATURES, c->features) < 0 ||
	    vuc_mem_table(c) < 0)
		return -1;
	for (q = 0; q < VUC_NQUEUES; q++)
		if (vuc_ring_start(c, q) < 0)
			return -1;
	return 0;
}

int
vuclient_stop(struct vuclient *c, uint32_t bases[VUC_NQUEUES])
{
	unsigned q;

	for (q = 0; q < VUC_NQUEUES; q++) {
		struct vhost_vring_state s = {.index = q};
		int n;

		if ((c->features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES)) &&
		    vuc_set_state(c, VHOST_USER_SET_VRING_ENABLE, q, 0) < 0)
			return -1;
		if (vuclient_send(c, VHOST_USER_GET_VRING_BASE, 0, &s,
		                  sizeof(s), NULL, 0) < 0)
			return -1;
		n = vuclient_recv(c, VHOST_USER_GET_VRING_BASE, &s, sizeof(s));
		if (n < 0)
			return -1;
		if (n != sizeof(s) || s.index != q) {
			vuc_err(c, "bad GET_VRING_BASE reply for ring %u", q);
			return -1;
		}
		if (bases)
			bases[q] = s.num;
	}
	return 0;
}

/* ---- guest memory arenas ---------------------------------------------- */

int
vuclient_galloc(struct vuclient *c, int region, size_t len,
                struct vuclient_gbuf *out)
{
	struct vuc_region *r;
	size_t at;

	if (region < 0 || region >= VUC_NREGIONS) {
		vuc_err(c, "no guest memory region %d", region);
		return -1;
	}
	r = &c->reg[region];
	at = vuc_align(r->arena_pos, 16);
	if (len > r->size || at > r->size - len) {
		vuc_err(c, "guest memory of region %d exhausted (%zu bytes)",
		        region, len);
		return -1;
	}
	r->arena_pos = at + len;
	out->gpa = r->gpa + at;
	out->host = r->host + at;
	out->len = len;
	return 0;
}

static void
vuc_arenas_reset(struct vuclient *c)
{
	int q, i;

	for (q = 0; q < VUC_NQUEUES; q++)
		if (c->vq[q].inflight)
			return;
	for (i = 0; i < VUC_NREGIONS; i++)
		c->reg[i].arena_pos = c->reg[i].arena_start;
}

void *
vuclient_desc_table(struct vuclient *c, int queue)
{
	return c->vq[queue].desc;
}

/* ---- chains ----------------------------------------------------------- */

/* Piece sizes for VUC_CHAIN_SPLIT: 13 + 3 cuts a fuse_in_header. */
static const size_t vuc_split_sizes[] = {13, 3, 40, 512, 4096, 65536};

struct vuc_build {
	struct vring_desc *d; /* descriptors being filled */
	unsigned n, cap;
	struct vuc_piece *wr;
	unsigned nwr;
	size_t wr_total;
	unsigned turn; /* split: which size and region comes next */
};

static int
vuc_build_add(struct vuclient *c, struct vuc_build *b, int region,
              const void *src, size_t len, bool writable)
{
	struct vuclient_gbuf g;

	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->d = realloc(b->d, b->cap * sizeof(*b->d));
		b->wr = realloc(b->wr, b->cap * sizeof(*b->wr));
		if (!b->d || !b->wr)
			abort();
	}
	if (vuclient_galloc(c, region, len ? len : 1, &g) < 0)
		return -1;
	if (writable)
		memset(g.host, 0xa5, len); /* so unwritten bytes show */
	else if (len)
		memcpy(g.host, src, len);
	b->d[b->n].addr = g.gpa;
	b->d[b->n].len = len;
	b->d[b->n].flags = writable ? VRING_DESC_F_WRITE : 0;
	b->d[b->n].next = 0;
	b->n++;
	if (writable) {
		b->wr[b->nwr].host = g.host;
		b->wr[b->nwr].len = len;
		b->nwr++;
		b->wr_total += len;
	}
	return 0;
}

static int
vuc_build_buf(struct vuclient *c, struct vuc_build *b, enum vuc_chain mode,
              const void *src, size_t len, bool writable)
{
	const uint8_t *p = src;

	if (mode != VUC_CHAIN_SPLIT)
		return vuc_build_add(c, b, 1, src, len, writable);
	while (len > 0) {
		size_t n = vuc_split_sizes[b->turn % 6];
		int region = b->turn % 2;

		if (n > len)
			n = len;
		if (vuc_build_add(c, b, region, p, n, writable) < 0)
			return -1;
		b->turn++;
		if (p)
			p += n;
		len -= n;
	}
	return 0;
}

int
vuclient_publish(struct vuclient *c, int queue, uint16_t head)
{
	struct vuc_vq *vq = &c->vq[queue];
	uint64_t one = 1;

	vq->avail->ring[vq->avail_idx % vq->num] = head;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vq->avail_idx++;
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (write(vq->kick, &one, sizeof(one)) != sizeof(one)) {
		vuc_err(c, "kick: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
vuclient_submit(struct vuclient *c, int queue, const struct iovec *rd, int nrd,
                const struct iovec *wr, int nwr, enum vuc_chain mode)
{
	struct vuc_vq *vq = &c->vq[queue];
	struct vuc_build b = {0};
	struct vuc_slot *s;
	unsigned nring, i;
	int head = -1, k;

	if (mode == VUC_CHAIN_INDIRECT &&
	    !vuclient_has_feature(c, VIRTIO_RING_F_INDIRECT_DESC)) {
		vuc_err(c, "INDIRECT_DESC was not negotiated");
		return -1;
	}
	for (k = 0; k < nrd; k++)
		if (vuc_build_buf(c, &b, mode, rd[k].iov_base, rd[k].iov_len,
		                  false) < 0)
			goto out;
	for (k = 0; k < nwr; k++)
		if (vuc_build_buf(c, &b, mode, NULL, wr[k].iov_len, true) < 0)
			goto out;
	if (b.n == 0) {
		vuc_err(c, "empty chain");
		goto out;
	}
	nring = mode == VUC_CHAIN_INDIRECT ? 1 : b.n;
	if (nring > vq->nfree) {
		vuc_err(c, "chain of %u descriptors, %u free", nring,
		        vq->nfree);
		goto out;
	}
	if (mode == VUC_CHAIN_INDIRECT) {
		struct vuclient_gbuf t;

		if (vuclient_galloc(c, 0, b.n * sizeof(*b.d), &t) < 0)
			goto out;
		for (i = 0; i < b.n; i++) {
			if (i + 1 < b.n) {
				b.d[i].flags |= VRING_DESC_F_NEXT;
				b.d[i].next = i + 1;
			}
		}
		memcpy(t.host, b.d, b.n * sizeof(*b.d));
		head = vq->free[--vq->nfree];
		vq->desc[head].addr = t.gpa;
		vq->desc[head].len = b.n * sizeof(*b.d);
		vq->desc[head].flags = VRING_DESC_F_INDIRECT;
		vq->desc[head].next = 0;
	} else {
		uint16_t prev = 0;

		for (i = 0; i < b.n; i++) {
			uint16_t d = vq->free[--vq->nfree];

			vq->desc[d] = b.d[i];
			if (i == 0)
				head = d;
			else {
				vq->desc[prev].flags |= VRING_DESC_F_NEXT;
				vq->desc[prev].next = d;
			}
			prev = d;
		}
	}
	s = &vq->slots[head];
	s->busy = true;
	s->done = false;
	s->ndescs = nring;
	s->descs = malloc(nring * sizeof(*s->descs));
	if (!s->descs)
		abort();
	if (mode == VUC_CHAIN_INDIRECT)
		s->descs[0] = head;
	else {
		uint16_t d = head;

		for (i = 0; i < nring; i++) {
			s->descs[i] = d;
			d = vq->desc[d].next;
		}
	}
	s->wr = b.wr;
	s->nwr = b.nwr;
	s->wr_total = b.wr_total;
	b.wr = NULL;
	vq->inflight++;
	if (vuclient_publish(c, queue, head) < 0)
		head = -1;
out:
	free(b.d);
	free(b.wr);
	if (head < 0)
		vuc_arenas_reset(c);
	return head;
}

/* Move new used entries into their slots. */
static int
vuc_reap(struct vuclient *c, int queue)
{
	struct vuc_vq *vq = &c->vq[queue];
	uint16_t idx = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);

	while (vq->last_used != idx) {
		struct vring_used_elem *e =
		    &vq->used->ring[vq->last_used % vq->num];
		uint32_t id = e->id;

		if (id >= vq->num || !vq->slots[id].busy ||
		    vq->slots[id].done) {
			vuc_err(c,
			        "daemon used descriptor %u that is not in "
			        "flight on queue %d",
			        id, queue);
			return -1;
		}
		vq->slots[id].done = true;
		vq->slots[id].used_len = e->len;
		vq->last_used++;
	}
	return 0;
}

static long
vuc_complete(struct vuclient *c, int queue, int head, const struct iovec *wr,
             int nwr)
{
	struct vuc_vq *vq = &c->vq[queue];
	struct vuc_slot *s = &vq->slots[head];
	size_t left = s->used_len, pi = 0, po = 0;
	long ret = s->used_len;
	int k = 0;
	unsigned i;

	if (s->wr_total != SIZE_MAX && s->used_len > s->wr_total) {
		vuc_err(c, "used length %u exceeds the %zu writable bytes",
		        s->used_len, s->wr_total);
		ret = -1;
		left = s->wr_total;
	}
	if (s->wr_total == SIZE_MAX)
		left = 0; /* a raw chain: nothing to copy back */
	/* copy the written bytes back, piece by piece, iovec by iovec */
	i = 0;
	while (wr && left > 0 && i < s->nwr && k < nwr) {
		size_t n = s->wr[i].len - pi;

		if (n > wr[k].iov_len - po)
			n = wr[k].iov_len - po;
		if (n > left)
			n = left;
		memcpy((uint8_t *)wr[k].iov_base + po, s->wr[i].host + pi, n);
		pi += n;
		po += n;
		left -= n;
		if (pi == s->wr[i].len) {
			i++;
			pi = 0;
		}
		if (po == wr[k].iov_len) {
			k++;
			po = 0;
		}
	}
	for (i = 0; i < s->ndescs; i++)
		vq->free[vq->nfree++] = s->descs[i];
	free(s->descs);
	free(s->wr);
	memset(s, 0, sizeof(*s));
	vq->inflight--;
	vuc_arenas_reset(c);
	return ret;
}

long
vuclient_wait(struct vuclient *c, int queue, int head, const struct iovec *wr,
              int nwr, int timeout_ms)
{
	struct vuc_vq *vq = &c->vq[queue];
	bool event_idx = vuclient_has_feature(c, VIRTIO_RING_F_EVENT_IDX);
	long long deadline;

	if (head < 0 || (unsigned)head >= vq->num || !vq->slots[head].busy) {
		vuc_err(c, "no chain %d in flight on queue %d", head, queue);
		return -1;
	}
	if (timeout_ms <= 0)
		timeout_ms = c->o.timeout_ms;
	deadline = vuc_now_ms() + timeout_ms;
	for (;;) {
		struct pollfd pfd[2] = {
		    {vq->call, POLLIN, 0},
		    {c->sock, POLLIN, 0},
		};
		long long left;
		uint64_t cnt;

		if (vuc_reap(c, queue) < 0)
			return -1;
		if (vq->slots[head].done)
			return vuc_complete(c, queue, head, wr, nwr);
		if (event_idx) {
			/* ask for a call when the next entry is used */
			vq->avail->ring[vq->num] = vq->last_used;
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (vuc_reap(c, queue) < 0)
				return -1;
			if (vq->slots[head].done)
				return vuc_complete(c, queue, head, wr, nwr);
		}
		left = deadline - vuc_now_ms();
		if (left <= 0) {
			vuc_err(c, "no reply on queue %d within %d ms", queue,
			        timeout_ms);
			return -1;
		}
		/* wake up now and then in case a call went astray */
		if (poll(pfd, 2, left > 100 ? 100 : (int)left) > 0) {
			if (pfd[0].revents & POLLIN) {
				if (read(vq->call, &cnt, sizeof(cnt)) < 0 &&
				    errno != EAGAIN)
					return -1;
			}
			if (pfd[1].revents & (POLLHUP | POLLERR)) {
				vuc_err(c, "daemon closed the connection while "
				           "a request was in flight");
				return -1;
			}
		}
	}
}

long
vuclient_call(struct vuclient *c, int queue, const struct iovec *rd, int nrd,
              const struct iovec *wr, int nwr, enum vuc_chain mode)
{
	int head = vuclient_submit(c, queue, rd, nrd, wr, nwr, mode);

	if (head < 0)
		return -1;
	return vuclient_wait(c, queue, head, wr, nwr, 0);
}

unsigned
vuclient_inflight(const struct vuclient *c, int queue)
{
	return c->vq[queue].inflight;
}

uint16_t
vuclient_avail_idx(const struct vuclient *c, int queue)
{
	return c->vq[queue].avail_idx;
}

uint64_t
vuclient_region_gpa(const struct vuclient *c, int region)
{
	return c->reg[region].gpa;
}

size_t
vuclient_region_size(const struct vuclient *c, int region)
{
	return c->reg[region].size;
}

int
vuclient_memfd(const struct vuclient *c)
{
	return c->memfd;
}

int
vuclient_desc_reserve(struct vuclient *c, int queue, unsigned n, uint16_t *idx)
{
	struct vuc_vq *vq = &c->vq[queue];
	unsigned i;

	if (n == 0 || n > vq->nfree) {
		vuc_err(c, "cannot reserve %u descriptors, %u free", n,
		        vq->nfree);
		return -1;
	}
	for (i = 0; i < n; i++)
		idx[i] = vq->free[--vq->nfree];
	return 0;
}

int
vuclient_submit_raw(struct vuclient *c, int queue, uint16_t head,
                    const uint16_t *idx, unsigned n)
{
	struct vuc_vq *vq = &c->vq[queue];
	struct vuc_slot *s;

	if (head >= vq->num || vq->slots[head].busy) {
		vuc_err(c, "head %u cannot be tracked", head);
		return -1;
	}
	s = &vq->slots[head];
	s->busy = true;
	s->done = false;
	s->ndescs = n;
	s->descs = malloc(n * sizeof(*s->descs));
	if (!s->descs)
		abort();
	memcpy(s->descs, idx, n * sizeof(*idx));
	s->wr = NULL;
	s->nwr = 0;
	s->wr_total = SIZE_MAX;
	vq->inflight++;
	return vuclient_publish(c, queue, head);
}

int
vuclient_set_mem_table(struct vuclient *c)
{
	return vuc_mem_table(c);
}

void *
vuclient_avail_ring(struct vuclient *c, int queue)
{
	return c->vq[queue].avail;
}

int
vuclient_kick(struct vuclient *c, int queue)
{
	uint64_t one = 1;

	if (write(c->vq[queue].kick, &one, sizeof(one)) != sizeof(one)) {
		vuc_err(c, "kick: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void *
vuclient_used_ring(struct vuclient *c, int queue)
{
	return c->vq[queue].used;
}

unsigned
vuclient_queue_size(const struct vuclient *c, int queue)
{
	return c->vq[queue].num;
}

int
vuclient_call_fd(const struct vuclient *c, int queue)
{
	return c->vq[queue].call;
}
