/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-fuse.c: FUSE requests through fuse_process() on a scratch directory */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/capability.h>
#include <linux/fuse.h>

#include "fuse.h"
#include "lockwait.h"
#include "passthrough.h"
#include "tap.h"
#include "util.h"

static char dir[64];
static struct fuse_server *srv;
static struct pt_fs *fs;
static struct lockwait *lw;
static uint64_t next_unique = 1;
static unsigned desc_limit = 1024;

/* Deferred answers land here. */
static pthread_mutex_t dlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dcond = PTHREAD_COND_INITIALIZER;
static int delivered_error;
static uint64_t delivered_unique;
static int ndelivered;

static int
deliver(void *opaque, unsigned qidx, uint16_t head, uint32_t epoch,
	const void *reply, size_t len)
{
	const struct fuse_out_header *oh = reply;

	pthread_mutex_lock(&dlock);
	delivered_error = oh->error;
	delivered_unique = oh->unique;
	ndelivered++;
	pthread_cond_broadcast(&dcond);
	pthread_mutex_unlock(&dlock);
	return 0;
}

/* Wait (up to 5 s) for n deferred answers in total. */
static bool
wait_delivered(int n)
{
	struct timespec ts;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	pthread_mutex_lock(&dlock);
	while (ndelivered < n &&
	       pthread_cond_timedwait(&dcond, &dlock, &ts) == 0)
		;
	ok = ndelivered >= n;
	pthread_mutex_unlock(&dlock);
	return ok;
}

struct req {
	uint8_t buf[8192] __attribute__((aligned(8)));
	size_t len;
	uint64_t unique;
};

static void
req_init(struct req *r, uint32_t opcode, uint64_t nodeid)
{
	struct fuse_in_header h = {
		.opcode = opcode,
		.unique = next_unique++,
		.nodeid = nodeid,
		.uid = 0,
		.gid = 0,
		.pid = 42,
	};

	memcpy(r->buf, &h, sizeof(h));
	r->len = sizeof(h);
	r->unique = h.unique;
}

static void
req_add(struct req *r, const void *p, size_t n)
{
	memcpy(r->buf + r->len, p, n);
	r->len += n;
}

static void
req_str(struct req *r, const char *s)
{
	req_add(r, s, strlen(s) + 1);
}

/* The reply of a request: its error (0 or -errno) and body. */
struct rep {
	long ret;		/* what fuse_process returned */
	int error;
	uint8_t body[70000] __attribute__((aligned(8)));
	size_t body_len;
};

static struct rep rep;

#define NO_REPLY (-100000)

/*
 * Send r, split in two readable and two writable buffers the way the
 * kernel lays them out; room is the reply space offered.
 */
static int
send_room(struct req *r, size_t room)
{
	static uint8_t in[sizeof(rep.body) + 16];
	struct fuse_in_header *h = (struct fuse_in_header *)r->buf;
	struct iovec out_iov[2], in_iov[2];
	struct fuse_call call = { 0 };
	struct fuse_out_header oh;

	if (h->len == 0)
		h->len = (uint32_t)r->len;
	out_iov[0].iov_base = r->buf;
	out_iov[0].iov_len = MIN(r->len, sizeof(*h));
	out_iov[1].iov_base = r->buf + out_iov[0].iov_len;
	out_iov[1].iov_len = r->len - out_iov[0].iov_len;
	in_iov[0].iov_base = in;
	in_iov[0].iov_len = MIN(room, sizeof(oh));
	in_iov[1].iov_base = in + in_iov[0].iov_len;
	in_iov[1].iov_len = room - in_iov[0].iov_len;
	call.out = out_iov;
	call.out_num = 2;
	call.in = in_iov;
	call.in_num = 2;
	call.qidx = 1;
	call.head = 7;
	call.desc_limit = desc_limit;
	memset(in, 0xee, sizeof(in));
	rep.ret = fuse_process(srv, &call);
	rep.error = NO_REPLY; /* no header: never a success */
	rep.body_len = 0;
	if (rep.ret >= (long)sizeof(oh)) {
		memcpy(&oh, in, sizeof(oh));
		rep.error = oh.error;
		rep.body_len = (size_t)rep.ret - sizeof(oh);
		memcpy(rep.body, in + sizeof(oh), rep.body_len);
		if (oh.unique != r->unique || oh.len != (uint32_t)rep.ret)
			tap_diag("reply header mismatch");
	}
	return rep.error;
}

static int
send_req(struct req *r)
{
	return send_room(r, sizeof(rep.body) + 16);
}

/* ---- helpers for common requests ------------------------------------------ */

static int
do_init(uint32_t minor, struct fuse_init_out *out)
{
	struct fuse_init_in in = { .major = 7, .minor = minor,
				   .max_readahead = 65536,
				   .flags = 0xffffffff };
	struct req r;

	req_init(&r, FUSE_INIT, 0);
	req_add(&r, &in, sizeof(in));
	send_req(&r);
	if (out && rep.body_len >= sizeof(*out))
		memcpy(out, rep.body, sizeof(*out));
	return rep.error;
}

static int
lookup(uint64_t parent, const char *name, struct fuse_entry_out *e)
{
	struct req r;

	req_init(&r, FUSE_LOOKUP, parent);
	req_str(&r, name);
	send_req(&r);
	if (!rep.error && e)
		memcpy(e, rep.body, sizeof(*e));
	return rep.error;
}

static int
create(uint64_t parent, const char *name, uint32_t flags, uint64_t *nodeid,
       uint64_t *fh)
{
	struct fuse_create_in in = { .flags = flags, .mode = S_IFREG | 0640 };
	struct fuse_entry_out e;
	struct fuse_open_out o;
	struct req r;

	req_init(&r, FUSE_CREATE, parent);
	req_add(&r, &in, sizeof(in));
	req_str(&r, name);
	if (send_req(&r))
		return rep.error;
	memcpy(&e, rep.body, sizeof(e));
	memcpy(&o, rep.body + sizeof(e), sizeof(o));
	*nodeid = e.nodeid;
	*fh = o.fh;
	return 0;
}

static int
do_open(uint64_t nodeid, uint32_t flags, uint64_t *fh)
{
	struct fuse_open_in in = { .flags = flags };
	struct req r;

	req_init(&r, FUSE_OPEN, nodeid);
	req_add(&r, &in, sizeof(in));
	if (!send_req(&r))
		*fh = ((struct fuse_open_out *)rep.body)->fh;
	return rep.error;
}

static int
do_write(uint64_t nodeid, uint64_t fh, uint64_t off, const char *data)
{
	struct fuse_write_in in = { .fh = fh, .offset = off,
				    .size = (uint32_t)strlen(data) };
	struct req r;

	req_init(&r, FUSE_WRITE, nodeid);
	req_add(&r, &in, sizeof(in));
	req_add(&r, data, strlen(data));
	return send_req(&r);
}

static int
do_read(uint64_t nodeid, uint64_t fh, uint64_t off, uint32_t size)
{
	struct fuse_read_in in = { .fh = fh, .offset = off, .size = size };
	struct req r;

	req_init(&r, FUSE_READ, nodeid);
	req_add(&r, &in, sizeof(in));
	return send_req(&r);
}

static int
do_release(uint64_t nodeid, uint64_t fh, uint32_t opcode)
{
	struct fuse_release_in in = { .fh = fh };
	struct req r;

	req_init(&r, opcode, nodeid);
	req_add(&r, &in, sizeof(in));
	return send_req(&r);
}

static int
do_getattr(uint64_t nodeid, struct fuse_attr_out *out)
{
	struct fuse_getattr_in in = { 0 };
	struct req r;

	req_init(&r, FUSE_GETATTR, nodeid);
	req_add(&r, &in, sizeof(in));
	if (!send_req(&r) && out)
		memcpy(out, rep.body, sizeof(*out));
	return rep.error;
}

static int
do_lk(uint32_t opcode, uint64_t nodeid, uint64_t fh, uint64_t owner,
      uint32_t type, uint32_t lk_flags, uint64_t *unique)
{
	struct fuse_lk_in in = {
		.fh = fh,
		.owner = owner,
		.lk = { .start = 0, .end = INT64_MAX, .type = type },
		.lk_flags = lk_flags,
	};
	struct req r;

	req_init(&r, opcode, nodeid);
	req_add(&r, &in, sizeof(in));
	if (unique)
		*unique = r.unique;
	return send_req(&r);
}

static void
host_write(const char *name, const char *data)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f) {
		fputs(data, f);
		fclose(f);
	}
}

static char *
host_path(const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

/* ---- tests ---------------------------------------------------------------- */

static void
test_init(void)
{
	struct fuse_init_out out;

	tap_is_int(do_getattr(FUSE_ROOT_ID, NULL), -EIO,
		   "requests before INIT: EIO");
	tap_is_int(do_init(20, NULL), -EPROTO, "INIT 7.20 is too old");
	desc_limit = 128;
	tap_is_int(do_init(38, &out), 0, "INIT 7.38");
	tap_is_int(out.max_write, (128 - 8) * 4096,
		   "max_write bounded by 128 descriptors");
	desc_limit = 1024;
	tap_is_int(do_init(31, &out), 0, "INIT again (a new session)");
	tap_ok(out.major == 7 && out.minor == FUSE_KERNEL_MINOR_VERSION,
	       "we answer 7.%u", out.minor);
	tap_is_int(out.max_write, 1024 * 1024, "max_write 1 MiB");
	tap_is_int(out.max_pages, 256, "max_pages 256");
	tap_ok(out.flags & FUSE_POSIX_LOCKS, "POSIX locks offered");
	tap_ok(out.flags & FUSE_FLOCK_LOCKS, "flock offered");
	tap_ok(out.flags & FUSE_DO_READDIRPLUS, "readdirplus (cache auto)");
	tap_ok(!(out.flags & FUSE_WRITEBACK_CACHE), "no writeback cache");
	tap_ok(!(out.flags & (FUSE_HANDLE_KILLPRIV | FUSE_HANDLE_KILLPRIV_V2)),
	       "no HANDLE_KILLPRIV(_V2): the guest clears S_ISUID itself");
}

static void
test_lookup(void)
{
	struct fuse_entry_out e, e2;
	char longname[300];

	host_write("hello.txt", "hello world\n");
	tap_is_int(lookup(FUSE_ROOT_ID, "hello.txt", &e), 0, "LOOKUP");
	tap_ok(e.nodeid > FUSE_ROOT_ID && e.attr.size == 12 &&
		   S_ISREG(e.attr.mode),
	       "  node id and attributes");
	tap_is_int(e.entry_valid, 1, "  cache auto: 1 s");
	tap_is_int(lookup(FUSE_ROOT_ID, "hello.txt", &e2), 0, "LOOKUP again");
	tap_is_int(e2.nodeid, e.nodeid, "  same node id");
	if (link(host_path("hello.txt"), host_path("hard.txt")) == 0) {
		tap_is_int(lookup(FUSE_ROOT_ID, "hard.txt", &e2), 0,
			   "LOOKUP a hard link");
		tap_is_int(e2.nodeid, e.nodeid, "  hard links share a node id");
	} else {
		tap_skip(2, "cannot make a hard link on the host");
	}
	tap_is_int(lookup(FUSE_ROOT_ID, "missing", &e2), 0,
		   "LOOKUP of a missing name with caching");
	tap_is_int(e2.nodeid, 0, "  is a negative entry");

	tap_is_int(lookup(FUSE_ROOT_ID, "", NULL), -EINVAL, "empty name");
	tap_is_int(lookup(FUSE_ROOT_ID, ".", NULL), -EINVAL, "'.'");
	tap_is_int(lookup(FUSE_ROOT_ID, "..", NULL), -EINVAL, "'..'");
	tap_is_int(lookup(FUSE_ROOT_ID, "../etc", NULL), -EINVAL, "'../etc'");
	tap_is_int(lookup(FUSE_ROOT_ID, "a/b", NULL), -EINVAL, "'a/b'");
	tap_is_int(lookup(FUSE_ROOT_ID, "/etc", NULL), -EINVAL, "'/etc'");
	memset(longname, 'x', 256);
	longname[256] = '\0';
	tap_is_int(lookup(FUSE_ROOT_ID, longname, NULL), -ENAMETOOLONG,
		   "256-byte name");
	{
		struct req r;

		req_init(&r, FUSE_LOOKUP, FUSE_ROOT_ID);
		req_add(&r, "hello.txt\0x", 12);
		tap_is_int(send_req(&r), -EINVAL,
			   "name with a NUL inside (or trailing bytes)");
		req_init(&r, FUSE_LOOKUP, FUSE_ROOT_ID);
		req_add(&r, "hello.txt", 9);
		tap_is_int(send_req(&r), -EINVAL, "name without its NUL");
	}
	tap_is_int(lookup(12345678, "x", NULL), -ESTALE, "unknown parent");
	tap_is_int(lookup(e.nodeid, "x", NULL), -ENOTDIR,
		   "lookup under a file");
}

static void
test_symlinks(void)
{
	struct fuse_entry_out e;
	uint64_t fh;

	/* Planted on the host, pointing out of the share. */
	if (symlink("/etc", host_path("escape")) < 0) {
		tap_skip(12, "cannot make a symbolic link on the host");
		return;
	}
	tap_is_int(lookup(FUSE_ROOT_ID, "escape", &e), 0, "LOOKUP a symlink");
	tap_ok(S_ISLNK(e.attr.mode), "  is the link itself, not /etc");
	tap_is_int(lookup(e.nodeid, "passwd", NULL), -ENOTDIR,
		   "  never followed by a lookup under it");
	tap_is_int(do_open(e.nodeid, O_RDONLY, &fh), -EACCES,
		   "  never opened");
	{
		struct req r;

		req_init(&r, FUSE_READLINK, e.nodeid);
		tap_is_int(send_req(&r), 0, "READLINK");
		tap_ok(rep.body_len == 4 && !memcmp(rep.body, "/etc", 4),
		       "  the target as stored");
	}
	if (mkfifo(host_path("fifo"), 0666) == 0) {
		tap_is_int(lookup(FUSE_ROOT_ID, "fifo", &e), 0, "LOOKUP a FIFO");
		tap_is_int(do_open(e.nodeid, O_RDONLY, &fh), -EACCES,
			   "  a FIFO is never opened");
	} else {
		tap_skip(2, "cannot make a FIFO on the host");
	}
	if (mknod(host_path("null"), S_IFCHR | 0666, makedev(1, 3)) == 0) {
		tap_is_int(lookup(FUSE_ROOT_ID, "null", &e), 0,
			   "LOOKUP a device node");
		tap_is_int(do_open(e.nodeid, O_RDWR, &fh), -EACCES,
			   "  a device is never opened");
	} else {
		tap_skip(2, "making a device node on the host needs root");
	}
	tap_is_int(create(FUSE_ROOT_ID, "escape", O_WRONLY, &e.nodeid, &fh),
		   -ELOOP, "CREATE through a symlink refused");
	tap_is_int(create(FUSE_ROOT_ID, "fifo", O_RDONLY, &e.nodeid, &fh),
		   -EACCES, "CREATE on an existing FIFO refused");
}

static void
test_files(void)
{
	struct fuse_attr_out a;
	uint64_t nodeid, fh;
	struct stat st;

	tap_is_int(create(FUSE_ROOT_ID, "new.txt", O_RDWR, &nodeid, &fh), 0,
		   "CREATE");
	tap_ok(stat(host_path("new.txt"), &st) == 0 &&
		   (st.st_mode & 07777) == 0640,
	       "  on the host with its mode");
	tap_is_int(do_write(nodeid, fh, 0, "hello, guest"), 0, "WRITE");
	tap_is_int(((struct fuse_write_out *)rep.body)->size, 12,
		   "  12 bytes");
	tap_is_int(do_read(nodeid, fh, 7, 100), 0, "READ");
	tap_ok(rep.body_len == 5 && !memcmp(rep.body, "guest", 5),
	       "  the data");
	tap_is_int(do_read(nodeid, fh, 100, 100), 0, "READ past the end");
	tap_is_int(rep.body_len, 0, "  nothing");
	tap_is_int(do_getattr(nodeid, &a), 0, "GETATTR");
	tap_is_int(a.attr.size, 12, "  size");
	{
		struct fuse_write_in in = { .fh = fh, .size = 100 };
		struct req r;

		req_init(&r, FUSE_WRITE, nodeid);
		req_add(&r, &in, sizeof(in));
		req_add(&r, "short", 5);
		tap_is_int(send_req(&r), -EINVAL,
			   "WRITE claiming more data than sent");
	}
	{
		struct fuse_setattr_in in = {
			.valid = FATTR_MODE | FATTR_SIZE | FATTR_MTIME,
			.mode = 0600,
			.size = 5,
			.mtime = 1000000,
		};
		struct req r;

		req_init(&r, FUSE_SETATTR, nodeid);
		req_add(&r, &in, sizeof(in));
		tap_is_int(send_req(&r), 0, "SETATTR mode, size, mtime");
		tap_ok(stat(host_path("new.txt"), &st) == 0 &&
			   (st.st_mode & 07777) == 0600 && st.st_size == 5 &&
			   st.st_mtime == 1000000,
		       "  applied on the host");
	}
	tap_is_int(do_release(nodeid, fh, FUSE_RELEASE), 0, "RELEASE");
	tap_is_int(do_read(nodeid, fh, 0, 10), -EBADF,
		   "READ on a released handle");
	tap_is_int(do_read(nodeid, 0xdeadbeef, 0, 10), -EBADF,
		   "READ on a made-up handle");
	tap_is_int(create(FUSE_ROOT_ID, "new.txt", O_RDWR | O_EXCL, &nodeid,
			  &fh),
		   -EEXIST, "CREATE O_EXCL of an existing file");
	tap_is_int(create(FUSE_ROOT_ID, "new.txt", O_RDWR, &nodeid, &fh), 0,
		   "CREATE without O_EXCL opens it");
	do_release(nodeid, fh, FUSE_RELEASE);
	{
		struct req r;

		req_init(&r, FUSE_STATFS, FUSE_ROOT_ID);
		tap_is_int(send_req(&r), 0, "STATFS");
		tap_ok(((struct fuse_statfs_out *)rep.body)->st.bsize > 0,
		       "  block size");
	}
}

static void
test_dirs(void)
{
	struct fuse_mkdir_in mk = { .mode = 0755 };
	struct fuse_entry_out e;
	struct fuse_read_in rd = { .size = 4096 };
	struct fuse_open_in op = { 0 };
	struct req r;
	uint64_t d, fh;
	size_t off;
	int n = 0;

	req_init(&r, FUSE_MKDIR, FUSE_ROOT_ID);
	req_add(&r, &mk, sizeof(mk));
	req_str(&r, "sub");
	tap_is_int(send_req(&r), 0, "MKDIR");
	memcpy(&e, rep.body, sizeof(e));
	d = e.nodeid;
	host_write("sub/a", "a");
	host_write("sub/b", "b");
	req_init(&r, FUSE_OPENDIR, d);
	req_add(&r, &op, sizeof(op));
	tap_is_int(send_req(&r), 0, "OPENDIR");
	fh = ((struct fuse_open_out *)rep.body)->fh;
	rd.fh = fh;
	req_init(&r, FUSE_READDIR, d);
	req_add(&r, &rd, sizeof(rd));
	tap_is_int(send_req(&r), 0, "READDIR");
	for (off = 0; off + FUSE_NAME_OFFSET <= rep.body_len;) {
		struct fuse_dirent *de = (struct fuse_dirent *)(rep.body + off);

		n++;
		off += FUSE_DIRENT_SIZE(de);
	}
	tap_is_int(n, 4, "  ., .., a and b");
	req_init(&r, FUSE_READDIRPLUS, d);
	rd.offset = 0;
	req_add(&r, &rd, sizeof(rd));
	tap_is_int(send_req(&r), 0, "READDIRPLUS");
	n = 0;
	for (off = 0; off + FUSE_NAME_OFFSET_DIRENTPLUS <= rep.body_len;) {
		struct fuse_direntplus *dp =
		    (struct fuse_direntplus *)(rep.body + off);

		if (dp->entry_out.nodeid)
			n++;
		off += FUSE_DIRENTPLUS_SIZE(dp);
	}
	tap_is_int(n, 2, "  a and b with node ids");
	rd.size = 60; /* room for one entry at a time */
	rd.offset = 0;
	n = 0;
	for (int i = 0; i < 10; i++) {
		req_init(&r, FUSE_READDIR, d);
		req_add(&r, &rd, sizeof(rd));
		if (send_req(&r) || rep.body_len == 0)
			break;
		rd.offset = ((struct fuse_dirent *)rep.body)->off;
		n++;
	}
	tap_is_int(n, 4, "READDIR one entry per call resumes correctly");
	tap_is_int(do_release(d, fh, FUSE_RELEASEDIR), 0, "RELEASEDIR");

	req_init(&r, FUSE_RMDIR, FUSE_ROOT_ID);
	req_str(&r, "sub");
	tap_is_int(send_req(&r), -ENOTEMPTY, "RMDIR of a full directory");
	req_init(&r, FUSE_UNLINK, d);
	req_str(&r, "a");
	tap_is_int(send_req(&r), 0, "UNLINK");
	{
		struct fuse_rename2_in rn = { .newdir = FUSE_ROOT_ID,
					      .flags = RENAME_NOREPLACE };

		req_init(&r, FUSE_RENAME2, d);
		req_add(&r, &rn, sizeof(rn));
		req_str(&r, "b");
		req_str(&r, "hello.txt");
		tap_is_int(send_req(&r), -EEXIST, "RENAME2 NOREPLACE");
		rn.flags = 0;
		req_init(&r, FUSE_RENAME2, d);
		req_add(&r, &rn, sizeof(rn));
		req_str(&r, "b");
		req_str(&r, "b-moved");
		tap_is_int(send_req(&r), 0, "RENAME2 across directories");
		tap_ok(access(host_path("b-moved"), F_OK) == 0, "  moved");
		req_init(&r, FUSE_RENAME2, FUSE_ROOT_ID);
		req_add(&r, &rn, sizeof(rn));
		req_str(&r, "b-moved");
		req_str(&r, "../outside");
		tap_is_int(send_req(&r), -EINVAL, "RENAME2 to '../outside'");
	}
	{
		struct fuse_link_in ln = { 0 };

		tap_is_int(lookup(FUSE_ROOT_ID, "b-moved", &e), 0, "LOOKUP");
		ln.oldnodeid = e.nodeid;
		req_init(&r, FUSE_LINK, d);
		req_add(&r, &ln, sizeof(ln));
		req_str(&r, "b-link");
		tap_is_int(send_req(&r), 0, "LINK");
		tap_is_int(((struct fuse_entry_out *)rep.body)->nodeid,
			   e.nodeid, "  the same node");
		tap_is_int(((struct fuse_entry_out *)rep.body)->attr.nlink, 2,
			   "  nlink 2");
	}
	req_init(&r, FUSE_SYMLINK, d);
	req_str(&r, "sl");
	req_str(&r, "/absolute/target");
	tap_is_int(send_req(&r), 0, "SYMLINK with an absolute target");
}

static void
test_locks(void)
{
	uint64_t nodeid, fh1, fh2, unique;
	int before;

	tap_is_int(create(FUSE_ROOT_ID, "locked", O_RDWR, &nodeid, &fh1), 0,
		   "CREATE a file to lock");
	do_open(nodeid, O_RDWR, &fh2);
	tap_is_int(do_lk(FUSE_SETLK, nodeid, fh1, 1, F_WRLCK, 0, NULL), 0,
		   "owner 1 takes a write lock");
	tap_is_int(do_lk(FUSE_SETLK, nodeid, fh2, 2, F_RDLCK, 0, NULL),
		   -EAGAIN, "owner 2 conflicts");
	tap_is_int(do_lk(FUSE_GETLK, nodeid, fh2, 2, F_RDLCK, 0, NULL), 0,
		   "owner 2 GETLK");
	tap_is_int(((struct fuse_lk_out *)rep.body)->lk.type, F_WRLCK,
		   "  sees the write lock");
	tap_is_int(do_lk(FUSE_GETLK, nodeid, fh1, 1, F_RDLCK, 0, NULL), 0,
		   "owner 1 GETLK");
	tap_is_int(((struct fuse_lk_out *)rep.body)->lk.type, F_UNLCK,
		   "  its own lock does not conflict");
	{
		/* A host process sees the guest's lock. */
		struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
		int fd = open(host_path("locked"), O_RDONLY);

		tap_ok(fd >= 0 && fcntl(fd, F_GETLK, &fl) == 0 &&
			   fl.l_type == F_WRLCK,
		       "the lock is real on the host");
		if (fd >= 0)
			close(fd);
	}

	before = ndelivered;
	do_lk(FUSE_SETLKW, nodeid, fh2, 2, F_WRLCK, 0, NULL);
	tap_is_int(rep.ret, FUSE_DEFERRED, "SETLKW of owner 2 is deferred");
	tap_is_int(do_getattr(nodeid, NULL), 0, "other requests still served");
	tap_is_int(do_lk(FUSE_SETLK, nodeid, fh1, 1, F_UNLCK, 0, NULL), 0,
		   "owner 1 unlocks");
	tap_ok(wait_delivered(before + 1), "  the waiter is answered");
	tap_is_int(delivered_error, 0, "  granted");

	before = ndelivered;
	do_lk(FUSE_SETLKW, nodeid, fh1, 3, F_WRLCK, 0, &unique);
	tap_is_int(rep.ret, FUSE_DEFERRED, "SETLKW of owner 3 (waits for owner 2) is deferred");
	{
		struct fuse_interrupt_in in = { .unique = unique };
		struct req r;

		req_init(&r, FUSE_INTERRUPT, 0);
		req_add(&r, &in, sizeof(in));
		send_req(&r);
		tap_is_int(rep.ret, 0, "INTERRUPT has no reply");
	}
	tap_ok(wait_delivered(before + 1), "  the waiter is answered");
	tap_is_int(delivered_error, -EINTR, "  with EINTR");
	tap_is_int(delivered_unique, unique, "  to the right request");

	{
		struct fuse_flush_in fl = { .fh = fh2, .lock_owner = 2 };
		struct req r;

		req_init(&r, FUSE_FLUSH, nodeid);
		req_add(&r, &fl, sizeof(fl));
		tap_is_int(send_req(&r), 0, "FLUSH by owner 2");
	}
	tap_is_int(do_lk(FUSE_SETLK, nodeid, fh1, 3, F_WRLCK, 0, NULL), 0,
		   "  released its locks");
	do_lk(FUSE_SETLK, nodeid, fh1, 3, F_UNLCK, 0, NULL);

	tap_is_int(do_lk(FUSE_SETLK, nodeid, fh1, 0, F_WRLCK, FUSE_LK_FLOCK,
			 NULL),
		   0, "flock on handle 1");
	tap_is_int(do_lk(FUSE_SETLK, nodeid, fh2, 0, F_RDLCK, FUSE_LK_FLOCK,
			 NULL),
		   -EAGAIN, "flock on handle 2 conflicts");
	before = ndelivered;
	do_lk(FUSE_SETLKW, nodeid, fh2, 0, F_RDLCK, FUSE_LK_FLOCK,
			 NULL);
	tap_is_int(rep.ret, FUSE_DEFERRED, "flock wait on handle 2 is deferred");
	tap_is_int(do_release(nodeid, fh1, FUSE_RELEASE), 0,
		   "RELEASE of handle 1 drops its flock");
	tap_ok(wait_delivered(before + 1), "  the waiter is answered");
	tap_is_int(delivered_error, 0, "  granted");
	{
		struct fuse_lk_in in = { .fh = fh2, .lk = { .start = 10, .end = 5,
							    .type = F_RDLCK } };
		struct req r;

		req_init(&r, FUSE_SETLK, nodeid);
		req_add(&r, &in, sizeof(in));
		tap_is_int(send_req(&r), -EINVAL, "lock range end < start");
	}
	do_release(nodeid, fh2, FUSE_RELEASE);
}

static void
test_hostile(void)
{
	struct fuse_in_header *h;
	struct req r;

	req_init(&r, FUSE_GETATTR, FUSE_ROOT_ID);
	h = (struct fuse_in_header *)r.buf;
	h->len = 4096;
	tap_is_int(send_req(&r), -EINVAL, "header length beyond the buffers");
	req_init(&r, FUSE_GETATTR, FUSE_ROOT_ID);
	h = (struct fuse_in_header *)r.buf;
	h->len = 10;
	tap_is_int(send_req(&r), -EINVAL, "header length below the header");
	req_init(&r, FUSE_GETATTR, FUSE_ROOT_ID);
	h = (struct fuse_in_header *)r.buf;
	h->total_extlen = 1000;
	tap_is_int(send_req(&r), -EINVAL, "extension longer than the request");
	req_init(&r, FUSE_GETATTR, FUSE_ROOT_ID);
	r.len = 20;
	h = (struct fuse_in_header *)r.buf;
	h->len = 20;
	send_req(&r);
	tap_is_int(rep.ret, 0, "truncated header: no reply at all");
	req_init(&r, 9999, FUSE_ROOT_ID);
	tap_is_int(send_req(&r), -ENOSYS, "unknown opcode: ENOSYS");
	req_init(&r, FUSE_IOCTL, FUSE_ROOT_ID);
	tap_is_int(send_req(&r), -ENOSYS, "IOCTL: ENOSYS");
	req_init(&r, FUSE_GETATTR, FUSE_ROOT_ID);
	tap_is_int(send_req(&r), -EINVAL, "GETATTR without its arguments");
	req_init(&r, FUSE_GETATTR, FUSE_ROOT_ID);
	{
		struct fuse_getattr_in in = { 0 };

		req_add(&r, &in, sizeof(in));
	}
	send_room(&r, 16);
	tap_is_int(rep.error, -EINVAL, "no room for the reply: an error");
	send_room(&r, 8);
	tap_is_int(rep.ret, 0, "no room even for a header: nothing");
	{
		struct fuse_forget_in in = { .nlookup = 1000 };

		req_init(&r, FUSE_FORGET, 777777);
		req_add(&r, &in, sizeof(in));
		send_req(&r);
		tap_is_int(rep.ret, 0, "FORGET of an unknown node: ignored");
		req_init(&r, FUSE_FORGET, FUSE_ROOT_ID);
		req_add(&r, &in, sizeof(in));
		send_req(&r);
		tap_is_int(do_getattr(FUSE_ROOT_ID, NULL), 0,
			   "FORGET of the root: it stays");
	}
	{
		struct fuse_batch_forget_in in = { .count = 100000 };

		req_init(&r, FUSE_BATCH_FORGET, 0);
		req_add(&r, &in, sizeof(in));
		send_req(&r);
		tap_is_int(rep.ret, 0, "BATCH_FORGET with a lying count");
	}
	{
		struct fuse_entry_out e;
		struct fuse_forget_in in = { .nlookup = UINT64_MAX };

		tap_is_int(lookup(FUSE_ROOT_ID, "hello.txt", &e), 0, "LOOKUP");
		req_init(&r, FUSE_FORGET, e.nodeid);
		req_add(&r, &in, sizeof(in));
		send_req(&r);
		tap_is_int(do_getattr(e.nodeid, NULL), -ESTALE,
			   "over-FORGET frees the node without underflow");
		tap_is_int(lookup(FUSE_ROOT_ID, "hello.txt", &e), 0,
			   "  and a new lookup works");
	}
}

/* CAP_FSETID in this thread's effective set, or -1 */
static int
thread_fsetid(void)
{
	char line[256];
	unsigned long long eff;
	int r = -1;
	FILE *f = fopen("/proc/thread-self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			r = !!(eff & (1ull << CAP_FSETID));
	if (f)
		fclose(f);
	return r;
}

static mode_t
host_mode(const char *name)
{
	struct stat st;

	return stat(host_path(name), &st) == 0 ? st.st_mode & 07777 : 0;
}

static void
test_killpriv(void)
{
	struct fuse_write_in wr = { .size = 1,
				    .write_flags = FUSE_WRITE_KILL_SUIDGID };
	struct fuse_setattr_in sa = { .valid = FATTR_MODE,
				      .mode = S_IFREG | 02755 };
	uint64_t nodeid, fh;
	struct req r;

	if (geteuid() != 0 || thread_fsetid() != 1) {
		tap_skip(7, "needs root with CAP_FSETID");
		return;
	}
	create(FUSE_ROOT_ID, "suid", O_RDWR, &nodeid, &fh);
	if (chown(host_path("suid"), 1000, 1000) < 0 ||
	    chmod(host_path("suid"), 04777) < 0)
		tap_diag("cannot make suid set-user-ID");
	wr.fh = fh;
	req_init(&r, FUSE_WRITE, nodeid);
	((struct fuse_in_header *)r.buf)->uid = 65534;
	req_add(&r, &wr, sizeof(wr));
	req_add(&r, "x", 1);
	tap_is_int(send_req(&r), 0, "WRITE by nobody, KILL_SUIDGID");
	tap_is_int(host_mode("suid"), 0777, "  clears S_ISUID on the host");
	tap_is_int(thread_fsetid(), 0,
		   "  CAP_FSETID stays dropped for the next such request");
	tap_is_int(do_getattr(nodeid, NULL), 0, "GETATTR");
	tap_is_int(thread_fsetid(), 0, "  does not touch CAP_FSETID");
	req_init(&r, FUSE_SETATTR, nodeid);
	req_add(&r, &sa, sizeof(sa));
	send_req(&r);
	tap_is_int(host_mode("suid"), 02755,
		   "chmod g+s by root then keeps S_ISGID (not in the group)");
	tap_is_int(thread_fsetid(), 1, "  with CAP_FSETID raised again");
	do_release(nodeid, fh, FUSE_RELEASE);
}

static void
test_readonly_and_destroy(void)
{
	struct fuse_entry_out e;
	struct pt_config cfg = { .source = dir, .cache = PT_CACHE_NEVER,
				 .readonly = true };
	struct fuse_config fcfg = { .cache = PT_CACHE_NEVER, .posix_lock = true,
				    .flock = true, .deliver = deliver };
	struct fuse_server *rw = srv;
	struct pt_fs *rofs;
	uint64_t nodeid, fh;
	int err = 0;

	rofs = pt_new(&cfg, &err);
	fcfg.fs = rofs;
	fcfg.lw = lw;
	srv = fuse_server_new(&fcfg);
	tap_is_int(do_init(38, NULL), 0, "read-only share: INIT");
	tap_is_int(create(FUSE_ROOT_ID, "x", O_RDWR, &nodeid, &fh), -EROFS,
		   "  CREATE: EROFS");
	tap_is_int(lookup(FUSE_ROOT_ID, "hello.txt", &e), 0, "  LOOKUP");
	tap_is_int(e.entry_valid, 0, "  cache never: timeout 0");
	tap_is_int(do_open(e.nodeid, O_RDWR, &fh), -EROFS, "  OPEN O_RDWR");
	tap_is_int(do_open(e.nodeid, O_RDONLY, &fh), 0, "  OPEN O_RDONLY");
	tap_ok(((struct fuse_open_out *)rep.body)->open_flags &
		   FOPEN_DIRECT_IO,
	       "  cache never: direct I/O");
	tap_is_int(do_write(e.nodeid, fh, 0, "x"), -EROFS, "  WRITE");
	tap_is_int(lookup(FUSE_ROOT_ID, "nothere", NULL), -ENOENT,
		   "  cache never: plain ENOENT");
	{
		struct req r;

		req_init(&r, FUSE_DESTROY, 0);
		tap_is_int(send_req(&r), 0, "DESTROY");
	}
	tap_is_int(do_getattr(FUSE_ROOT_ID, NULL), -EIO, "  then EIO");
	fuse_server_free(srv);
	pt_free(rofs);
	srv = rw;
}

/* FORGET nlookup of nodeid (no reply). */
static void
forget(uint64_t nodeid, uint64_t nlookup)
{
	struct fuse_forget_in in = { .nlookup = nlookup };
	struct req r;

	req_init(&r, FUSE_FORGET, nodeid);
	req_add(&r, &in, sizeof(in));
	send_req(&r);
}

/*
 * LOOKUP stats the name first or opens it first, guessing from the last
 * lookup whether the guest still holds the inode: every pairing of guess
 * and truth must count the same lookups and name the same inode.
 */
static void
test_lookup_guess(void)
{
	struct fuse_entry_out p, p2, q, n;
	char from[256];

	host_write("p.txt", "p\n");
	host_write("q.txt", "q\n");
	tap_is_int(lookup(FUSE_ROOT_ID, "p.txt", &p), 0, "LOOKUP a new name");
	tap_is_int(lookup(FUSE_ROOT_ID, "p.txt", &p2), 0,
		   "LOOKUP it again (held)");
	tap_is_int(p2.nodeid, p.nodeid, "  same node id");
	tap_is_int(lookup(FUSE_ROOT_ID, "q.txt", &q), 0,
		   "LOOKUP a new name after a held one");
	tap_ok(q.nodeid != p.nodeid && q.attr.size == 2,
	       "  its own node id and attributes");
	tap_is_int(lookup(FUSE_ROOT_ID, "p.txt", &p2), 0,
		   "LOOKUP a held name after a new one");
	tap_is_int(p2.nodeid, p.nodeid, "  same node id");
	/* The name now names another file: a new inode, whatever comes first. */
	snprintf(from, sizeof(from), "%s", host_path("q.txt"));
	tap_ok(rename(from, host_path("p.txt")) == 0,
	       "host: q.txt renamed over p.txt");
	tap_is_int(lookup(FUSE_ROOT_ID, "p.txt", &n), 0,
		   "LOOKUP a name replaced on the host");
	tap_is_int(n.nodeid, q.nodeid, "  the node id of the file it names now");
	tap_is_int(lookup(FUSE_ROOT_ID, "p.txt", &n), 0, "LOOKUP it again");
	tap_is_int(n.nodeid, q.nodeid, "  still that one");
	/* p was looked up three times, q once and twice as p.txt. */
	forget(p.nodeid, 2);
	tap_is_int(do_getattr(p.nodeid, NULL), 0,
		   "two FORGETs of three lookups: the node stays");
	forget(p.nodeid, 1);
	tap_is_int(do_getattr(p.nodeid, NULL), -ESTALE,
		   "  the third frees it");
	forget(q.nodeid, 2);
	tap_is_int(do_getattr(q.nodeid, NULL), 0,
		   "two FORGETs of three lookups of the other");
	forget(q.nodeid, 1);
	tap_is_int(do_getattr(q.nodeid, NULL), -ESTALE, "  the third frees it");
	unlink(host_path("p.txt"));
}

int
main(void)
{
	struct pt_config cfg = { .cache = PT_CACHE_AUTO, .xattr = true };
	struct fuse_config fcfg = { .cache = PT_CACHE_AUTO, .posix_lock = true,
				    .flock = true, .readdirplus = true,
				    .deliver = deliver };
	char cmd[128];
	int err = 0;

	strcpy(dir, "/tmp/fsd-test-XXXXXX");
	if (!mkdtemp(dir)) {
		tap_ok(false, "scratch directory");
		return tap_done();
	}
	cfg.source = dir;
	fs = pt_new(&cfg, &err);
	lw = lockwait_new();
	fcfg.fs = fs;
	fcfg.lw = lw;
	srv = fuse_server_new(&fcfg);
	tap_ok(fs && srv, "passthrough on %s", dir);
	test_init();
	test_lookup();
	test_lookup_guess();
	test_symlinks();
	test_files();
	test_dirs();
	test_locks();
	test_hostile();
	test_killpriv();
	test_readonly_and_destroy();
	lockwait_free(lw);
	fuse_server_free(srv);
	pt_free(fs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", dir);
	return tap_done();
}
