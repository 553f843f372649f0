/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vu-rate.c: CPU and wall time per FUSE request: floor, ours, the reference */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <linux/virtio_ring.h>

#include "../tests/daemon/fusecl.h"
#include "../tests/daemon/spawn.h"
#include "../tests/daemon/vuclient.h"

/*
 * Usage: vu-rate --ours=PATH --reference=PATH [--floor=PATH] [--pool=N]
 *                [--rounds=N] [--scale=F] [--only=OPS] [--depth=N]
 *                [--who=floor,ours,inline,pool,ref] [--no-memory]
 *
 * No guest: this program plays the guest and QEMU. It drives each back
 * end through the same ring, as fast as it answers, with 1, 4 or 16
 * requests in flight (several chains made available before one kick, as
 * a guest with several processes does; kicks and calls suppressed with
 * EVENT_IDX as Linux's virtio driver does). The back ends:
 *
 *   floor   bench/vu-floor: only what any vhost-user-fs back end must pay
 *           per request (the wait for the kick, the operation's own
 *           system calls, the call eventfd); the lower bound on this
 *           kernel
 *   ours    virtshare-fsd with its defaults
 *   inline  virtshare-fsd --thread-pool-size=0: no helper threads
 *   pool    virtshare-fsd --thread-pool-size=N (16: what libvirt passes
 *           for <thread_pool size='16'/>)
 *   ref     QEMU's C virtiofsd with its defaults
 *
 * create+unlink is CREATE, RELEASE, UNLINK and FORGET of a new file
 * per operation, as a guest's creat, close and unlink; mostly the host
 * file system's work, so it varies with the disk's other users.
 * lookup+forget is LOOKUP of a name and FORGET of the inode it returned,
 * as a guest with cache=none (entry timeout 0) sends for every path
 * component: it drops the dentry, and so the inode, as soon as nothing
 * uses it, and the next LOOKUP of the name is new to the daemon.
 *
 * all with cache=none, alternately (floor ours inline pool ref, floor
 * ...). CPU is what the daemon (all its threads and forked children)
 * spent, from /proc; wall is this client's elapsed time per request, so
 * it also holds the scheduler and the client. Each figure is the median
 * of the rounds. Then the memory test: resident size of each daemon after
 * the guest looked up 100 000 files (or as many as RLIMIT_NOFILE allows).
 */

enum op {
	OP_GETATTR,
	OP_LOOKUP,
	OP_READ4K,
	OP_READ128K,
	OP_READ1M,
	OP_WRITE4K,
	OP_OPENREL,
	OP_CREATE,	/* CREATE, RELEASE and UNLINK of a new file */
	OP_LOOKUP_FORGET, /* LOOKUP, then FORGET of what it returned */
	OP_LOOKUP_MANY, /* the memory test: a different name each time */
	OP_N
};

static const struct {
	const char *name;
	uint32_t opcode;
	uint32_t size;  /* data bytes of READ and WRITE */
	unsigned steps; /* requests of one operation, when more than 1 */
} ops[OP_N] = {
    [OP_GETATTR] = {"getattr", FUSE_GETATTR, 0},
    [OP_LOOKUP] = {"lookup", FUSE_LOOKUP, 0},
    [OP_READ4K] = {"read-4k", FUSE_READ, 4096},
    [OP_READ128K] = {"read-128k", FUSE_READ, 128 << 10},
    [OP_READ1M] = {"read-1M", FUSE_READ, 1 << 20},
    [OP_WRITE4K] = {"write-4k", FUSE_WRITE, 4096},
    [OP_OPENREL] = {"open+release", FUSE_OPEN, 0, 2},
    [OP_CREATE] = {"create+unlink", FUSE_CREATE, 0, 4},
    [OP_LOOKUP_FORGET] = {"lookup+forget", FUSE_LOOKUP, 0, 2},
    [OP_LOOKUP_MANY] = {"lookup-many", FUSE_LOOKUP, 0},
};

/* What is measured: an operation at a depth, this many times a round. */
static const struct test {
	enum op op;
	unsigned depth;
	long count;
} tests[] = {
    {OP_GETATTR, 1, 40000},   {OP_LOOKUP, 1, 40000},
    {OP_READ4K, 1, 40000},    {OP_READ128K, 1, 10000},
    {OP_READ1M, 1, 3000},     {OP_WRITE4K, 1, 40000},
    {OP_OPENREL, 1, 20000},   {OP_CREATE, 1, 2000},
    {OP_LOOKUP_FORGET, 1, 20000},
    {OP_GETATTR, 4, 40000},
    {OP_LOOKUP, 4, 40000},    {OP_READ4K, 4, 40000},
    {OP_WRITE4K, 4, 40000},   {OP_READ1M, 4, 3000},
    {OP_GETATTR, 16, 40000},  {OP_LOOKUP, 16, 40000},
    {OP_READ4K, 16, 40000},   {OP_WRITE4K, 16, 40000},
    {OP_READ1M, 16, 3000},
};
#define NTESTS (sizeof(tests) / sizeof(tests[0]))

enum who { W_FLOOR, W_OURS, W_INLINE, W_POOL, W_REF, W_N };
static const char *const who_name[W_N] = {"floor", "ours", "inline", "pool",
                                          "ref"};

#define MAX_ROUNDS 15
#define MAX_DEPTH  16
#define DATA_SIZE  (16 << 20) /* data.bin */
#define MANY_FILES 100000 /* or what RLIMIT_NOFILE lets both hold */

struct sample {
	double cpu_ns; /* per request */
	double wall_ns;
};

static struct sample samples[W_N][NTESTS][MAX_ROUNDS];
static bool measured[W_N];
static char workdir[256], share[300];
static double scale = 1;
static long many_files = MANY_FILES;
static const char *only;
static unsigned only_depth;

/* ---- a guest driver with requests in flight ------------------------- */

/* One request's place in guest memory, reused for every request. */
struct slot {
	uint16_t desc; /* its ring descriptor: an indirect table */
	struct vring_desc *table;
	uint64_t table_gpa;
	struct fuse_in_header *inh;
	uint64_t inh_gpa;
	uint8_t *arg; /* 4 KiB of arguments */
	uint64_t arg_gpa;
	struct fuse_out_header *outh;
	uint64_t outh_gpa;
	uint8_t *reply; /* 4 KiB of reply arguments */
	uint64_t reply_gpa;
	uint64_t data_gpa; /* 1 MiB of page-aligned data */
	uint64_t unique;
	uint32_t want_len; /* the reply's length, 0 when it varies */
	unsigned step; /* of open+release (2 requests), create+unlink (3) */
	char name[16]; /* the file create+unlink makes */
	uint64_t created; /* its node id */
	bool noreply;     /* FORGET: the chain comes back without a reply */
};

struct driver {
	struct vuclient *vu;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	unsigned num;
	int call_fd;
	bool event_idx;
	uint16_t avail_idx, last_used;
	uint64_t unique;
	uint64_t nodeid, fh, many; /* data.bin, its handle, the "many" dir */
	unsigned long created;     /* files create+unlink made */
	struct slot slot[MAX_DEPTH];
	struct slot *by_desc[1024];
	char err[256];
};

#define PAGE 4096
#define SLOT_TABLE (8 + (1 << 20) / PAGE)

static int
drv_galloc(struct driver *d, int region, size_t len, size_t align,
           uint64_t *gpa, void **host)
{
	struct vuclient_gbuf g;
	size_t skip;

	if (vuclient_galloc(d->vu, region, len + align, &g) < 0)
		return -1;
	skip = (align - g.gpa % align) % align;
	*gpa = g.gpa + skip;
	*host = (uint8_t *)g.host + skip;
	return 0;
}

static int
drv_init(struct driver *d, struct vuclient *vu)
{
	uint16_t idx[MAX_DEPTH];
	unsigned i;
	void *h;

	memset(d, 0, sizeof(*d));
	d->vu = vu;
	d->desc = vuclient_desc_table(vu, VUC_QUEUE_REQUEST);
	d->avail = vuclient_avail_ring(vu, VUC_QUEUE_REQUEST);
	d->used = vuclient_used_ring(vu, VUC_QUEUE_REQUEST);
	d->num = vuclient_queue_size(vu, VUC_QUEUE_REQUEST);
	d->call_fd = vuclient_call_fd(vu, VUC_QUEUE_REQUEST);
	d->event_idx = vuclient_has_feature(vu, VIRTIO_RING_F_EVENT_IDX);
	d->avail_idx = vuclient_avail_idx(vu, VUC_QUEUE_REQUEST);
	d->last_used = __atomic_load_n(&d->used->idx, __ATOMIC_ACQUIRE);
	d->unique = 1000000;
	if (d->last_used != d->avail_idx || d->num > 1024 ||
	    !vuclient_has_feature(vu, VIRTIO_RING_F_INDIRECT_DESC) ||
	    vuclient_desc_reserve(vu, VUC_QUEUE_REQUEST, MAX_DEPTH, idx) < 0)
		return -1;
	/* The client's own waits poll first; ours block in read. */
	if (fcntl(d->call_fd, F_SETFL,
	          fcntl(d->call_fd, F_GETFL) & ~O_NONBLOCK) < 0)
		return -1;
	for (i = 0; i < MAX_DEPTH; i++) {
		struct slot *s = &d->slot[i];

		s->desc = idx[i];
		d->by_desc[idx[i]] = s;
		if (drv_galloc(d, 0, SLOT_TABLE * sizeof(struct vring_desc), 16,
		               &s->table_gpa, &h) < 0)
			return -1;
		s->table = h;
		if (drv_galloc(d, 1, PAGE, 64, &s->inh_gpa, &h) < 0)
			return -1;
		s->inh = h;
		if (drv_galloc(d, 1, PAGE, 64, &s->arg_gpa, &h) < 0)
			return -1;
		s->arg = h;
		if (drv_galloc(d, 1, PAGE, 64, &s->outh_gpa, &h) < 0)
			return -1;
		s->outh = h;
		if (drv_galloc(d, 1, PAGE, 64, &s->reply_gpa, &h) < 0)
			return -1;
		s->reply = h;
		if (drv_galloc(d, 1, 1 << 20, PAGE, &s->data_gpa, &h) < 0)
			return -1;
		memset(h, 'w', 1 << 20);
	}
	return 0;
}

static void
slot_desc(struct slot *s, unsigned *n, uint64_t gpa, uint32_t len,
          bool writable)
{
	struct vring_desc *t = &s->table[*n];

	t->addr = gpa;
	t->len = len;
	t->flags = (writable ? VRING_DESC_F_WRITE : 0);
	t->next = (uint16_t)(*n + 1);
	if (*n > 0)
		s->table[*n - 1].flags |= VRING_DESC_F_NEXT;
	(*n)++;
}

/* The data buffer, one descriptor a page, as the guest's pages are. */
static void
slot_pages(struct slot *s, unsigned *n, uint32_t size, bool writable)
{
	uint32_t off;

	for (off = 0; off < size; off += PAGE)
		slot_desc(s, n, s->data_gpa + off, PAGE, writable);
}

/* Lay out request i of op in slot s and make it available. */
static void
slot_post(struct driver *d, struct slot *s, enum op op, long i)
{
	uint32_t opcode = ops[op].opcode, arglen = 0, replen = 0;
	uint64_t nodeid = d->nodeid;
	unsigned n = 0;

	memset(s->arg, 0, 64);
	switch (op) {
	case OP_GETATTR:
		arglen = sizeof(struct fuse_getattr_in);
		replen = sizeof(struct fuse_attr_out);
		break;
	case OP_LOOKUP:
		nodeid = FUSE_ROOT_ID;
		arglen = (uint32_t)sizeof("data.bin");
		memcpy(s->arg, "data.bin", arglen);
		replen = sizeof(struct fuse_entry_out);
		break;
	case OP_LOOKUP_FORGET:
		if (s->step == 1) {
			opcode = FUSE_FORGET;
			nodeid = ((struct fuse_entry_out *)s->reply)->nodeid;
			((struct fuse_forget_in *)s->arg)->nlookup = 1;
			arglen = sizeof(struct fuse_forget_in);
			break;
		}
		nodeid = FUSE_ROOT_ID;
		arglen = (uint32_t)sizeof("fresh.bin");
		memcpy(s->arg, "fresh.bin", arglen);
		replen = sizeof(struct fuse_entry_out);
		break;
	case OP_LOOKUP_MANY:
		nodeid = d->many;
		arglen = (uint32_t)snprintf((char *)s->arg, 64, "f%06ld",
		                            i % many_files) +
		         1;
		replen = sizeof(struct fuse_entry_out);
		break;
	case OP_READ4K:
	case OP_READ128K:
	case OP_READ1M: {
		struct fuse_read_in *r = (void *)s->arg;
		uint32_t size = ops[op].size;

		r->fh = d->fh;
		r->size = size;
		r->offset = (uint64_t)((i * 7919) % (DATA_SIZE / size)) * size;
		arglen = sizeof(*r);
		replen = size;
		break;
	}
	case OP_WRITE4K: {
		struct fuse_write_in *w = (void *)s->arg;

		w->fh = d->fh;
		w->size = ops[op].size;
		w->offset = (uint64_t)((i * 7919) % (DATA_SIZE / PAGE)) * PAGE;
		arglen = sizeof(*w);
		replen = sizeof(struct fuse_write_out);
		break;
	}
	case OP_OPENREL:
		if (s->step == 1) {
			struct fuse_release_in *r = (void *)s->arg;

			opcode = FUSE_RELEASE;
			r->fh = ((struct fuse_open_out *)s->reply)->fh;
			arglen = sizeof(*r);
		} else {
			((struct fuse_open_in *)s->arg)->flags = O_RDONLY;
			arglen = sizeof(struct fuse_open_in);
			replen = sizeof(struct fuse_open_out);
		}
		break;
	case OP_CREATE:
		if (s->step == 0) {
			struct fuse_create_in *c = (void *)s->arg;

			c->flags = O_RDWR;
			c->mode = S_IFREG | 0644;
			snprintf(s->name, sizeof(s->name), "c%08lu",
			         (unsigned long)d->created++);
			arglen = (uint32_t)(sizeof(*c) + strlen(s->name) + 1);
			memcpy(s->arg + sizeof(*c), s->name, arglen - sizeof(*c));
			replen = sizeof(struct fuse_entry_out) +
			         sizeof(struct fuse_open_out);
		} else if (s->step == 1) {
			struct fuse_release_in *r = (void *)s->arg;

			opcode = FUSE_RELEASE;
			r->fh = ((struct fuse_open_out *)(s->reply +
			                                  sizeof(struct
			                                         fuse_entry_out)))
			            ->fh;
			r->flags = O_RDWR;
			arglen = sizeof(*r);
			s->created = ((struct fuse_entry_out *)s->reply)->nodeid;
			nodeid = s->created;
			break;
		} else if (s->step == 2) {
			opcode = FUSE_UNLINK;
			arglen = (uint32_t)strlen(s->name) + 1;
			memcpy(s->arg, s->name, arglen);
		} else {
			opcode = FUSE_FORGET;
			((struct fuse_forget_in *)s->arg)->nlookup = 1;
			arglen = sizeof(struct fuse_forget_in);
			nodeid = s->created;
			break;
		}
		nodeid = FUSE_ROOT_ID;
		break;
	default:
		abort();
	}
	s->unique = d->unique += 2;
	*s->inh = (struct fuse_in_header){
	    .len = (uint32_t)(sizeof(*s->inh) + arglen +
	                      (opcode == FUSE_WRITE ? ops[op].size : 0)),
	    .opcode = opcode,
	    .unique = s->unique,
	    .nodeid = nodeid,
	};
	memset(s->outh, 0, sizeof(*s->outh));
	slot_desc(s, &n, s->inh_gpa, sizeof(*s->inh), false);
	slot_desc(s, &n, s->arg_gpa, arglen, false);
	if (opcode == FUSE_WRITE)
		slot_pages(s, &n, ops[op].size, false);
	s->noreply = opcode == FUSE_FORGET;
	if (!s->noreply)
		slot_desc(s, &n, s->outh_gpa, sizeof(*s->outh), true);
	if (opcode == FUSE_READ)
		slot_pages(s, &n, replen, true);
	else if (replen)
		slot_desc(s, &n, s->reply_gpa, replen, true);
	s->want_len = (uint32_t)sizeof(*s->outh) + replen;
	d->desc[s->desc] = (struct vring_desc){
	    .addr = s->table_gpa,
	    .len = n * (uint32_t)sizeof(struct vring_desc),
	    .flags = VRING_DESC_F_INDIRECT,
	};
	d->avail->ring[d->avail_idx % d->num] = s->desc;
	d->avail_idx++;
}

/* Publish what slot_post() made available; kick if the device asked. */
static int
drv_publish(struct driver *d, uint16_t old)
{
	uint16_t event;

	if (d->avail_idx == old)
		return 0;
	__atomic_store_n(&d->avail->idx, d->avail_idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (d->event_idx) {
		event = __atomic_load_n((uint16_t *)&d->used->ring[d->num],
		                        __ATOMIC_RELAXED);
		if (!vring_need_event(event, d->avail_idx, old))
			return 0;
	} else if (d->used->flags & VRING_USED_F_NO_NOTIFY) {
		return 0;
	}
	return vuclient_kick(d->vu, VUC_QUEUE_REQUEST);
}

/* Sleep until the used ring has something new. */
static int
drv_wait(struct driver *d)
{
	uint16_t *used_event = &d->avail->ring[d->num];
	uint64_t v;

	for (;;) {
		if (__atomic_load_n(&d->used->idx, __ATOMIC_ACQUIRE) !=
		    d->last_used)
			return 0;
		if (d->event_idx) {
			__atomic_store_n(used_event, d->last_used,
			                 __ATOMIC_RELAXED);
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (__atomic_load_n(&d->used->idx, __ATOMIC_ACQUIRE) !=
			    d->last_used)
				return 0;
		}
		if (read(d->call_fd, &v, sizeof(v)) < 0 && errno != EINTR) {
			snprintf(d->err, sizeof(d->err), "call eventfd: %s",
			         strerror(errno));
			return -1;
		}
	}
}

/* The reply in slot s is complete and right; false (with d->err) if not. */
static bool
slot_check(struct driver *d, struct slot *s, uint32_t used_len)
{
	const struct fuse_out_header *oh = s->outh;

	if (s->noreply) {
		if (used_len == 0)
			return true;
		snprintf(d->err, sizeof(d->err), "FORGET: used length %u",
		         used_len);
		return false;
	}
	if (oh->unique != s->unique || oh->error != 0 ||
	    oh->len != used_len || oh->len != s->want_len) {
		snprintf(d->err, sizeof(d->err),
		         "reply to %llu: unique %llu error %d len %u used %u "
		         "(want %u)",
		         (unsigned long long)s->unique,
		         (unsigned long long)oh->unique, oh->error, oh->len,
		         used_len, s->want_len);
		return false;
	}
	return true;
}

/* n requests of op, depth in flight; false (with d->err) on a failure. */
static bool
drv_run(struct driver *d, enum op op, unsigned depth, long n)
{
	long posted = 0, done = 0;
	uint16_t old = d->avail_idx;
	unsigned i;

	for (i = 0; i < depth && posted < n; i++) {
		d->slot[i].step = 0;
		slot_post(d, &d->slot[i], op, posted++);
	}
	if (drv_publish(d, old) < 0)
		return false;
	while (done < n) {
		if (drv_wait(d) < 0)
			return false;
		old = d->avail_idx;
		while (d->last_used !=
		       __atomic_load_n(&d->used->idx, __ATOMIC_ACQUIRE)) {
			struct vring_used_elem *e =
			    &d->used->ring[d->last_used % d->num];
			struct slot *s = e->id < 1024 ? d->by_desc[e->id] : NULL;

			d->last_used++;
			if (!s) {
				snprintf(d->err, sizeof(d->err),
				         "used descriptor %u is not ours",
				         e->id);
				return false;
			}
			if (!slot_check(d, s, e->len))
				return false;
			if (++s->step < ops[op].steps) {
				slot_post(d, s, op, 0);
				continue;
			}
			s->step = 0;
			if (++done < n && posted < n)
				slot_post(d, s, op, posted++);
		}
		if (drv_publish(d, old) < 0)
			return false;
	}
	return true;
}

/* ---- the runs ---------------------------------------------------------- */

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void
watchdog(int sig)
{
	static const char msg[] = "vu-rate: no progress for 120 s, giving up\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

static bool
test_selected(const struct test *t)
{
	return (!only || strstr(only, ops[t->op].name)) &&
	       (!only_depth || only_depth == t->depth);
}

/*
 * Start a daemon, connect, INIT, LOOKUP and OPEN data.bin (and LOOKUP the
 * directory of many files), then hand the ring to the driver: the test
 * client's own calls would share its avail index and reuse its memory.
 */
static struct spawn *
daemon_start(const char *path, const char *name, const char *const *extra,
             bool many, struct vuclient **vu, struct fusecl **f,
             struct driver *d)
{
	struct spawn_opts so = {
	    .binary = path,
	    .shared_dir = share,
	    .workdir = workdir,
	    .options = "cache=none",
	    .extra = extra,
	};
	struct vuclient_opts vo = {
	    .want_indirect = true,
	    .want_event_idx = true,
	    .region_size = 64 << 20,
	    .timeout_ms = 30000,
	};
	struct fuse_entry_out e, m = {0};
	struct spawn *s;
	uint64_t fh;

	*vu = NULL;
	*f = NULL;
	s = spawn_start(&so, name);
	if (!s)
		return NULL;
	*vu = vuclient_connect(s->sock, &vo);
	if (!*vu || vuclient_start(*vu) < 0) {
		fprintf(stderr, "%s: %s\n", path,
		        *vu ? vuclient_error(*vu) : strerror(errno));
		goto fail;
	}
	*f = fusecl_new(*vu);
	if (fusecl_init(*f, FUSE_MAX_PAGES | FUSE_INIT_EXT | FUSE_BIG_WRITES) <
	        0 ||
	    fusecl_lookup(*f, FUSE_ROOT_ID, "data.bin", &e) < 0 ||
	    fusecl_open(*f, FUSE_OPEN, e.nodeid, O_RDWR, &fh) < 0 ||
	    (many && fusecl_lookup(*f, FUSE_ROOT_ID, "many", &m) < 0)) {
		fprintf(stderr, "%s: setup: %s\n", path, fusecl_error(*f));
		goto fail;
	}
	if (drv_init(d, *vu) < 0) {
		fprintf(stderr, "%s: driver setup: %s\n", path,
		        vuclient_error(*vu));
		goto fail;
	}
	d->nodeid = e.nodeid;
	d->fh = fh;
	d->many = m.nodeid;
	return s;
fail:
	fusecl_free(*f);
	vuclient_free(*vu);
	spawn_free(s);
	return NULL;
}

static void
daemon_stop(struct spawn *s, struct vuclient *vu, struct fusecl *f,
            const char *path)
{
	fusecl_free(f);
	vuclient_free(vu);
	if (!spawn_wait(s, 3000))
		fprintf(stderr, "%s did not exit on disconnect\n", path);
	spawn_free(s);
}

static int
run_daemon(const char *path, enum who who, const char *const *extra,
           int round)
{
	struct vuclient *vu;
	struct fusecl *f;
	struct driver *d = calloc(1, sizeof(*d));
	struct spawn *s;
	unsigned t;
	int rc = -1;

	if (!d)
		abort();
	s = daemon_start(path, who_name[who], extra, false, &vu, &f, d);
	if (!s) {
		free(d);
		return -1;
	}
	for (t = 0; t < NTESTS; t++) {
		const struct test *te = &tests[t];
		long n = (long)(te->count * scale), c0, c1;
		double t0, t1;

		if (!test_selected(te))
			continue;
		if (n < 10)
			n = 10;
		alarm(120);
		/* warm up: page cache, daemon caches, thread wake-ups */
		if (!drv_run(d, te->op, te->depth, 200))
			goto fail;
		c0 = spawn_cpu_ns(s);
		t0 = now_ns();
		if (!drv_run(d, te->op, te->depth, n))
			goto fail;
		t1 = now_ns();
		c1 = spawn_cpu_ns(s);
		alarm(0);
		samples[who][t][round].cpu_ns = (double)(c1 - c0) / n;
		samples[who][t][round].wall_ns = (t1 - t0) / n;
		printf("# round %d %-5s %-13s qd %-2u %8.0f ns CPU/req "
		       "%8.0f ns wall/req\n",
		       round + 1, who_name[who], ops[te->op].name, te->depth,
		       (double)(c1 - c0) / n, (t1 - t0) / n);
		fflush(stdout);
	}
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "%s: %s\n", path, d->err);
out:
	free(d);
	daemon_stop(s, vu, f, path);
	return rc;
}

/* ---- memory: 100 000 inodes -------------------------------------------- */

/* Resident kB of pid and its descendants. */
static long
rss_kb(pid_t pid, int depth)
{
	char path[128], line[256];
	long total = 0, kb;
	FILE *fp;

	if (depth > 4)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			total += kb;
	fclose(fp);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	         (int)pid);
	fp = fopen(path, "r");
	if (fp) {
		int child;

		while (fscanf(fp, "%d", &child) == 1)
			total += rss_kb(child, depth + 1);
		fclose(fp);
	}
	return total;
}

/*
 * Every inode both daemons hold is an open file descriptor: the test
 * takes as many inodes as RLIMIT_NOFILE's hard limit lets each of them
 * hold (raising it needs CAP_SYS_RESOURCE), at most MANY_FILES, and both
 * daemons get that limit.
 */
static void
memory_prepare(char *nofile_arg, size_t len)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    rl.rlim_max < MANY_FILES * 10 / 7 + 1000)
		many_files = (long)(rl.rlim_max * 7 / 10) / 1000 * 1000;
	snprintf(nofile_arg, len, "--rlimit-nofile=%llu",
	         (unsigned long long)(getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	                                      rl.rlim_max != RLIM_INFINITY &&
	                                      rl.rlim_max < 1000000
	                                  ? rl.rlim_max
	                                  : 1000000));
}

static void
memory_test(const char *path, const char *name, const char *nofile_arg,
            long result[2])
{
	const char *extra[] = {nofile_arg, NULL};
	struct vuclient *vu;
	struct fusecl *f;
	struct driver *d = calloc(1, sizeof(*d));
	struct spawn *s;

	result[0] = result[1] = -1;
	if (!d)
		abort();
	s = daemon_start(path, name, extra, true, &vu, &f, d);
	if (!s) {
		free(d);
		return;
	}
	/* after the setup's requests went through */
	result[0] = rss_kb(s->pid, 0);
	alarm(300);
	if (!drv_run(d, OP_LOOKUP_MANY, 16, many_files)) {
		fprintf(stderr, "%s: %s\n", path, d->err);
		goto out;
	}
	alarm(0);
	result[1] = rss_kb(s->pid, 0);
out:
	free(d);
	daemon_stop(s, vu, f, path);
}

/* ---- the share and the tables ----------------------------------------- */

static void
make_share(bool many)
{
	static uint8_t chunk[1 << 20];
	char path[400];
	int fd, i;

	snprintf(workdir, sizeof(workdir), "%s/vs-rate.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(workdir)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(share, sizeof(share), "%s/share", workdir);
	mkdir(share, 0755);
	memset(chunk, 'd', sizeof(chunk));
	snprintf(path, sizeof(path), "%s/data.bin", share);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (i = 0; fd >= 0 && i < DATA_SIZE >> 20; i++)
		if (write(fd, chunk, sizeof(chunk)) != sizeof(chunk))
			break;
	if (fd < 0 || i < DATA_SIZE >> 20) {
		perror("data.bin");
		exit(1);
	}
	close(fd);
	snprintf(path, sizeof(path), "%s/fresh.bin", share);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(path);
		exit(1);
	}
	close(fd);
	if (!many)
		return;
	snprintf(path, sizeof(path), "%s/many", share);
	mkdir(path, 0755);
	for (i = 0; i < many_files; i++) {
		snprintf(path, sizeof(path), "%s/many/f%06d", share, i);
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0) {
			perror(path);
			exit(1);
		}
		close(fd);
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double
test_median(enum who who, unsigned t, int rounds, bool wall)
{
	double v[MAX_ROUNDS];
	int r;

	if (!measured[who])
		return 0;
	for (r = 0; r < rounds; r++)
		v[r] = wall ? samples[who][t][r].wall_ns
		            : samples[who][t][r].cpu_ns;
	return median(v, rounds);
}

static double
ratio(double a, double b)
{
	return a > 0 && b > 0 ? a / b : 0;
}

static void
print_one(int rounds, bool wall)
{
	unsigned t;
	int k;

	printf("%-13s %2s |", "request", "qd");
	for (k = 0; k < W_N; k++)
		printf(" %8s", who_name[k]);
	printf(" | %9s %9s\n", "ours/floor", "ours/ref");
	for (t = 0; t < NTESTS; t++) {
		double v[W_N];

		if (!test_selected(&tests[t]))
			continue;
		printf("%-13s %2u |", ops[tests[t].op].name, tests[t].depth);
		for (k = 0; k < W_N; k++) {
			v[k] = test_median(k, t, rounds, wall);
			printf(" %8.0f", v[k]);
		}
		printf(" | %9.2f %9.2f\n", ratio(v[W_OURS], v[W_FLOOR]),
		       ratio(v[W_OURS], v[W_REF]));
	}
}

static void
print_table(int rounds, const char *pool_arg)
{
	printf("\n# vhost-user back ends, cache=none, medians of %d rounds. "
	       "ours: defaults; inline:\n# --thread-pool-size=0; pool: %s; "
	       "ref: QEMU's virtiofsd, defaults.\n",
	       rounds, pool_arg);
	printf("# daemon CPU time per request (ns)\n");
	print_one(rounds, false);
	printf("# elapsed time per request (ns), qd requests in flight\n");
	print_one(rounds, true);
	printf("# targets: qd 1: CPU ours/floor <= 1.3, wall ours/ref <= 0.9; "
	       "qd 16: CPU ours/ref <= 0.6,\n# wall ours/ref <= 0.77 (1.3x "
	       "the rate)\n");
}

/*
 * The host reading 1 MiB at a time, no daemon, into nbufs buffers in turn
 * (CPU ns per read, median of 5 x 1000): READ 1M's bound. One buffer stays
 * in the CPU's caches; MAX_DEPTH of them do not, as the slots' do not.
 */
static double
host_preadv_into(int fd, uint8_t *bufs, unsigned nbufs)
{
	struct timespec a, b;
	double v[5];
	int r, i;

	for (r = 0; r < 5; r++) {
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
		for (i = 0; i < 1000; i++) {
			struct iovec iov = {bufs + ((size_t)(i % nbufs) << 20),
			                    1 << 20};

			if (preadv(fd, &iov, 1, (off_t)(i % 16) << 20) < 0)
				break;
		}
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
		v[r] = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) /
		       1000;
	}
	return median(v, 5);
}

static void
host_preadv(int rounds)
{
	static uint8_t buf[MAX_DEPTH << 20];
	char path[400];
	double host, cold;
	unsigned t;
	int fd;

	snprintf(path, sizeof(path), "%s/data.bin", share);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	memset(buf, 0, sizeof(buf));
	host = host_preadv_into(fd, buf, 1);
	cold = host_preadv_into(fd, buf, MAX_DEPTH);
	close(fd);
	printf("# host preadv of 1 MiB into a buffer: %.0f ns CPU; into %d "
	       "buffers in turn: %.0f ns\n# (median of 5 x 1000)\n",
	       host, MAX_DEPTH, cold);
	for (t = 0; t < NTESTS; t++)
		if (tests[t].op == OP_READ1M && test_selected(&tests[t]) &&
		    measured[W_OURS])
			printf("# read-1M qd %-2u: ours %.0f ns CPU = %.2f x the "
			       "host's preadv (target <= 1.5), %.2f x into %d "
			       "buffers; floor %.2f x\n",
			       tests[t].depth,
			       test_median(W_OURS, t, rounds, false),
			       test_median(W_OURS, t, rounds, false) / host,
			       test_median(W_OURS, t, rounds, false) / cold,
			       MAX_DEPTH,
			       test_median(W_FLOOR, t, rounds, false) / host);
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"ours", required_argument, NULL, 'o'},
	    {"reference", required_argument, NULL, 'r'},
	    {"floor", required_argument, NULL, 'f'},
	    {"pool", required_argument, NULL, 'p'},
	    {"rounds", required_argument, NULL, 'n'},
	    {"scale", required_argument, NULL, 's'},
	    {"only", required_argument, NULL, 'O'},
	    {"no-memory", no_argument, NULL, 'M'},
	    {"who", required_argument, NULL, 'w'},
	    {"depth", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	const char *path[W_N] = {NULL, NULL, NULL, NULL,
	                         "/usr/lib/qemu/virtiofsd"};
	char floor_default[4096], pool_arg[64], nofile_arg[64], cmd[400];
	const char *pool_extra[] = {pool_arg, NULL};
	const char *inline_extra[] = {"--thread-pool-size=0", NULL};
	const char *const *extra[W_N] = {NULL, NULL, inline_extra, pool_extra,
	                                 NULL};
	const char *whoset = "floor,ours,inline,pool,ref";
	bool memory = true;
	int rounds = 3, pool = 16, c, r, k;
	long mem[2][2];

	snprintf(floor_default, sizeof(floor_default), "%s", argv[0]);
	if (strrchr(floor_default, '/'))
		strcpy(strrchr(floor_default, '/') + 1, "vu-floor");
	else
		strcpy(floor_default, "./vu-floor");
	path[W_FLOOR] = floor_default;
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			path[W_OURS] = path[W_INLINE] = path[W_POOL] = optarg;
			break;
		case 'r':
			path[W_REF] = optarg;
			break;
		case 'f':
			path[W_FLOOR] = optarg;
			break;
		case 'p':
			pool = atoi(optarg);
			break;
		case 'n':
			rounds = atoi(optarg);
			break;
		case 's':
			scale = atof(optarg);
			break;
		case 'O':
			only = optarg;
			break;
		case 'M':
			memory = false;
			break;
		case 'w':
			whoset = optarg;
			break;
		case 'd':
			only_depth = (unsigned)atoi(optarg);
			break;
		default:
			fprintf(stderr,
			        "usage: %s --ours=PATH --reference=PATH "
			        "[--floor=PATH] [--pool=N] [--rounds=N] "
			        "[--scale=F] [--only=OPS] [--depth=N] "
			        "[--who=LIST] [--no-memory]\n",
			        argv[0]);
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || scale <= 0 || pool < 1) {
		fprintf(stderr, "rounds must be 1..%d\n", MAX_ROUNDS);
		return 2;
	}
	snprintf(pool_arg, sizeof(pool_arg), "--thread-pool-size=%d", pool);
	for (k = 0; k < W_N; k++) {
		measured[k] = strstr(whoset, who_name[k]) != NULL;
		if (measured[k] && (!path[k] || access(path[k], X_OK) < 0)) {
			printf("# %s daemon %s is not there: nothing to "
			       "compare\n",
			       who_name[k], path[k] ? path[k] : "(none)");
			return 0;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, watchdog);
	if (memory)
		memory_prepare(nofile_arg, sizeof(nofile_arg));
	make_share(memory);
	printf("# floor  %s\n# ours   %s\n# inline %s %s\n# pool   %s %s\n"
	       "# ref    %s\n",
	       path[W_FLOOR], path[W_OURS], path[W_OURS], inline_extra[0],
	       path[W_OURS], pool_arg, path[W_REF]);
	for (r = 0; r < rounds; r++)
		for (k = 0; k < W_N; k++)
			if (measured[k] &&
			    run_daemon(path[k], k, extra[k], r) < 0)
				return 1;
	print_table(rounds, pool_arg);
	host_preadv(rounds);
	if (memory && measured[W_OURS] && measured[W_REF]) {
		memory_test(path[W_OURS], "ours-mem", nofile_arg, mem[0]);
		memory_test(path[W_REF], "ref-mem", nofile_arg, mem[1]);
		printf("\n# resident memory after %ld LOOKUPs of distinct files "
		       "(kB, daemon and its children; %s)\n",
		       many_files, nofile_arg);
		printf("%-6s %10s %10s %12s\n", "daemon", "before", "after",
		       "bytes/inode");
		for (k = 0; k < 2; k++)
			printf("%-6s %10ld %10ld %12.0f\n", k ? "ref" : "ours",
			       mem[k][0], mem[k][1],
			       mem[k][1] > 0 ? (mem[k][1] - mem[k][0]) * 1024.0 /
			                           many_files
			                     : 0);
		if (mem[0][1] > 0 && mem[1][1] > 0)
			printf("# ours/ref resident after: %.2f; at %d inodes "
			       "(before + %d x bytes/inode): ours %.0f kB, ref "
			       "%.0f kB\n",
			       (double)mem[0][1] / mem[1][1], MANY_FILES,
			       MANY_FILES,
			       mem[0][0] + (mem[0][1] - mem[0][0]) *
			                       (double)MANY_FILES / many_files,
			       mem[1][0] + (mem[1][1] - mem[1][0]) *
			                       (double)MANY_FILES / many_files);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", workdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", workdir);
	return 0;
}
