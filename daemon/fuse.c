/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuse.c: FUSE requests from virtqueue buffers, answered by passthrough */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fuse.h>
#include <linux/xattr.h>

#include "fuse.h"
#include "iov.h"
#include "log.h"
#include "util.h"

/* The oldest protocol we speak: what Linux 5.4's virtiofs sent. */
#define FUSE_MIN_MINOR 27

/* Most pages per request we ask for (Linux's FUSE_MAX_MAX_PAGES). */
#define FUSE_WANT_PAGES 256

/* Descriptors a request needs besides its data pages (headers, args). */
#define FUSE_HEADER_DESCS 8

/* Largest argument block we copy: SETXATTR's name and 64 KiB value. */
#define FUSE_MAX_ARGS (XATTR_SIZE_MAX + XATTR_NAME_MAX + 64)

/* Largest READDIR reply we build. */
#define FUSE_MAX_READDIR (1024 * 1024)

#define FUSE_MAX_IOV 1024

/*
 * Handler results besides a positive errno and 0 (success: the reply the
 * handler wrote, or just a header when it wrote none).
 */
#define FUSE_R_NOREPLY (-2)
#define FUSE_R_DEFER   (-3)

struct fuse_server {
	struct fuse_config cfg;
	pthread_mutex_t lock;	/* INIT and DESTROY */
	bool initialized;	/* read atomically */
	uint32_t minor;
	uint32_t flags;
	uint32_t max_write;
};

struct fuse_req {
	struct fuse_server *srv;
	const struct fuse_call *call;
	struct fuse_in_header h;
	const void *arg;	/* a private copy of the arguments */
	size_t arglen;		/* their length in the request */
	size_t in_len;		/* room for the reply */
	size_t data_off;	/* WRITE: the data in call->out */
	struct pt_cred cred;
	long reply_len;
};

/* A SETLKW waiting for its lock. */
struct fuse_lockwait {
	struct lockwait_entry e; /* first: the callbacks get &e */
	struct fuse_server *srv;
	unsigned qidx;
	uint16_t head;
	uint32_t epoch;
	uint64_t nodeid;
	uint64_t fh;
	uint64_t owner;
	struct fuse_file_lock lk;
	bool flock;
};

/* ---- replies ---------------------------------------------------------------- */

static int
fuse_reply_err(struct fuse_req *req, int err)
{
	struct fuse_out_header oh = {
		.len = sizeof(oh),
		.error = -err,
		.unique = req->h.unique,
	};

	if (req->in_len < sizeof(oh)) {
		log_guest("no room for the reply to request %llu",
			  (unsigned long long)req->h.unique);
		req->reply_len = 0;
		return 0;
	}
	iov_from_buf(req->call->in, req->call->in_num, 0, &oh, sizeof(oh));
	req->reply_len = sizeof(oh);
	return 0;
}

static int
fuse_reply(struct fuse_req *req, const void *arg, size_t len)
{
	struct fuse_out_header oh = {
		.len = (uint32_t)(sizeof(oh) + len),
		.error = 0,
		.unique = req->h.unique,
	};

	if (req->in_len < sizeof(oh) + len) {
		log_guest("request %llu left %zu bytes for a %zu byte reply",
			  (unsigned long long)req->h.unique, req->in_len,
			  sizeof(oh) + len);
		return EINVAL;
	}
	iov_from_buf(req->call->in, req->call->in_num, 0, &oh, sizeof(oh));
	if (len)
		iov_from_buf(req->call->in, req->call->in_num, sizeof(oh), arg,
			     len);
	req->reply_len = (long)(sizeof(oh) + len);
	return 0;
}

/* A reply whose len bytes of data are already in place after the header. */
static int
fuse_reply_inplace(struct fuse_req *req, size_t len)
{
	struct fuse_out_header oh = {
		.len = (uint32_t)(sizeof(oh) + len),
		.error = 0,
		.unique = req->h.unique,
	};

	iov_from_buf(req->call->in, req->call->in_num, 0, &oh, sizeof(oh));
	req->reply_len = (long)(sizeof(oh) + len);
	return 0;
}

/* ---- arguments ------------------------------------------------------------- */

/*
 * The n NUL-terminated strings that fill the arguments from off exactly
 * (what the kernel sends: no padding, nothing after).
 */
static int
fuse_arg_strings(struct fuse_req *req, size_t off, unsigned n,
		 const char **out)
{
	const char *p = (const char *)req->arg + off;
	size_t left = req->arglen - off, len;
	const char *nul;
	unsigned i;

	for (i = 0; i < n; i++) {
		nul = memchr(p, '\0', left);
		if (!nul)
			return EINVAL;
		len = (size_t)(nul - p) + 1;
		out[i] = p;
		p += len;
		left -= len;
	}
	return left ? EINVAL : 0;
}

static const char *
fuse_arg_name(struct fuse_req *req, size_t off, int *err)
{
	const char *name = NULL;

	*err = fuse_arg_strings(req, off, 1, &name);
	return name;
}

/* ---- the handlers ------------------------------------------------------------ */

static int
fuse_reply_entry_or_negative(struct fuse_req *req, int err,
			     struct fuse_entry_out *e)
{
	uint64_t entry, attr;

	/* With caching, remember that the name does not exist. */
	if (err == ENOENT && req->srv->cfg.cache != PT_CACHE_NEVER) {
		memset(e, 0, sizeof(*e));
		pt_timeouts(req->srv->cfg.fs, &entry, &attr);
		e->entry_valid = entry;
		err = 0;
	}
	return err ? err : fuse_reply(req, e, sizeof(*e));
}

static int
fuse_do_lookup(struct fuse_req *req)
{
	struct fuse_entry_out e;
	const char *name;
	int err;

	name = fuse_arg_name(req, 0, &err);
	if (err)
		return err;
	err = pt_lookup(req->srv->cfg.fs, req->h.nodeid, name, &e);
	return fuse_reply_entry_or_negative(req, err, &e);
}

static int
fuse_do_forget(struct fuse_req *req)
{
	const struct fuse_forget_in *in = req->arg;

	pt_forget(req->srv->cfg.fs, req->h.nodeid, in->nlookup);
	return FUSE_R_NOREPLY;
}

static int
fuse_do_batch_forget(struct fuse_req *req)
{
	const struct fuse_batch_forget_in *in = req->arg;
	const struct fuse_forget_one *one =
	    (const struct fuse_forget_one *)(in + 1);
	size_t room = (req->arglen - sizeof(*in)) / sizeof(*one), i;

	if (in->count > room)
		log_guest("BATCH_FORGET of %u entries in room for %zu",
			  in->count, room);
	for (i = 0; i < MIN((size_t)in->count, room); i++)
		pt_forget(req->srv->cfg.fs, one[i].nodeid, one[i].nlookup);
	return FUSE_R_NOREPLY;
}

static int
fuse_do_getattr(struct fuse_req *req)
{
	const struct fuse_getattr_in *in = req->arg;
	struct fuse_attr_out out;
	int err;

	err = pt_getattr(req->srv->cfg.fs, req->h.nodeid,
			 in->getattr_flags & FUSE_GETATTR_FH ? &in->fh : NULL,
			 &out);
	return err ? err : fuse_reply(req, &out, sizeof(out));
}

static int
fuse_do_setattr(struct fuse_req *req)
{
	struct fuse_attr_out out;
	int err;

	err = pt_setattr(req->srv->cfg.fs, req->h.nodeid, req->arg, &out);
	return err ? err : fuse_reply(req, &out, sizeof(out));
}

static int
fuse_do_readlink(struct fuse_req *req)
{
	char buf[PATH_MAX];
	size_t len = 0;
	int err;

	err = pt_readlink(req->srv->cfg.fs, req->h.nodeid, buf, sizeof(buf),
			  &len);
	return err ? err : fuse_reply(req, buf, len);
}

static int
fuse_do_symlink(struct fuse_req *req)
{
	struct fuse_entry_out e;
	const char *s[2];
	int err;

	err = fuse_arg_strings(req, 0, 2, s);
	if (err)
		return err;
	err = pt_symlink(req->srv->cfg.fs, &req->cred, req->h.nodeid, s[0],
			 s[1], &e);
	return err ? err : fuse_reply(req, &e, sizeof(e));
}

static int
fuse_do_mknod(struct fuse_req *req)
{
	const struct fuse_mknod_in *in = req->arg;
	struct fuse_entry_out e;
	const char *name;
	int err;

	name = fuse_arg_name(req, sizeof(*in), &err);
	if (err)
		return err;
	err = pt_mknod(req->srv->cfg.fs, &req->cred, req->h.nodeid, name,
		       in->mode, in->rdev, &e);
	return err ? err : fuse_reply(req, &e, sizeof(e));
}

static int
fuse_do_mkdir(struct fuse_req *req)
{
	const struct fuse_mkdir_in *in = req->arg;
	struct fuse_entry_out e;
	const char *name;
	int err;

	name = fuse_arg_name(req, sizeof(*in), &err);
	if (err)
		return err;
	err = pt_mkdir(req->srv->cfg.fs, &req->cred, req->h.nodeid, name,
		       in->mode, &e);
	return err ? err : fuse_reply(req, &e, sizeof(e));
}

static int
fuse_do_unlink(struct fuse_req *req)
{
	const char *name;
	int err;

	name = fuse_arg_name(req, 0, &err);
	return err ? err : pt_unlink(req->srv->cfg.fs, req->h.nodeid, name);
}

static int
fuse_do_rmdir(struct fuse_req *req)
{
	const char *name;
	int err;

	name = fuse_arg_name(req, 0, &err);
	return err ? err : pt_rmdir(req->srv->cfg.fs, req->h.nodeid, name);
}

static int
fuse_do_rename(struct fuse_req *req)
{
	const struct fuse_rename_in *in = req->arg;
	const char *s[2];
	int err;

	err = fuse_arg_strings(req, sizeof(*in), 2, s);
	return err ? err
		   : pt_rename(req->srv->cfg.fs, req->h.nodeid, s[0],
			       in->newdir, s[1], 0);
}

static int
fuse_do_rename2(struct fuse_req *req)
{
	const struct fuse_rename2_in *in = req->arg;
	const char *s[2];
	int err;

	err = fuse_arg_strings(req, sizeof(*in), 2, s);
	return err ? err
		   : pt_rename(req->srv->cfg.fs, req->h.nodeid, s[0],
			       in->newdir, s[1], in->flags);
}

static int
fuse_do_link(struct fuse_req *req)
{
	const struct fuse_link_in *in = req->arg;
	struct fuse_entry_out e;
	const char *name;
	int err;

	name = fuse_arg_name(req, sizeof(*in), &err);
	if (err)
		return err;
	err = pt_link(req->srv->cfg.fs, in->oldnodeid, req->h.nodeid, name,
		      &e);
	return err ? err : fuse_reply(req, &e, sizeof(e));
}

static int
fuse_do_open(struct fuse_req *req)
{
	const struct fuse_open_in *in = req->arg;
	struct fuse_open_out out;
	int err;

	err = pt_open(req->srv->cfg.fs, req->h.nodeid, in->flags, &out);
	return err ? err : fuse_reply(req, &out, sizeof(out));
}

static int
fuse_do_read(struct fuse_req *req)
{
	const struct fuse_read_in *in = req->arg;
	struct iovec iov[FUSE_MAX_IOV];
	size_t room = req->in_len - sizeof(struct fuse_out_header);
	size_t want, got, done = 0;
	int n, err;

	if (req->in_len < sizeof(struct fuse_out_header))
		return EINVAL;
	want = MIN((size_t)in->size, room);
	n = iov_slice(req->call->in, req->call->in_num,
		      sizeof(struct fuse_out_header), want, iov, FUSE_MAX_IOV,
		      &got);
	if (n < 0)
		return EINVAL;
	/* Straight into the guest's buffers. */
	err = pt_read(req->srv->cfg.fs, in->fh, in->offset, iov, n, &done);
	return err ? err : fuse_reply_inplace(req, done);
}

static int
fuse_do_write(struct fuse_req *req)
{
	const struct fuse_write_in *in = req->arg;
	struct fuse_write_out out = { 0 };
	struct iovec iov[FUSE_MAX_IOV];
	size_t got, done = 0;
	int n, err;

	/* The size must not claim more data than the request carries. */
	if (in->size > req->arglen - sizeof(*in))
		return EINVAL;
	n = iov_slice(req->call->out, req->call->out_num, req->data_off,
		      in->size, iov, FUSE_MAX_IOV, &got);
	if (n < 0 || got != in->size)
		return EINVAL;
	/* Straight from the guest's buffers. */
	err = pt_write(req->srv->cfg.fs, in->fh, in->offset, iov, n, &done);
	if (err)
		return err;
	out.size = (uint32_t)done;
	return fuse_reply(req, &out, sizeof(out));
}

static int
fuse_do_statfs(struct fuse_req *req)
{
	struct fuse_statfs_out out;
	int err;

	err = pt_statfs(req->srv->cfg.fs, req->h.nodeid, &out.st);
	return err ? err : fuse_reply(req, &out, sizeof(out));
}

static int
fuse_do_release(struct fuse_req *req)
{
	const struct fuse_release_in *in = req->arg;
	int err = pt_release(req->srv->cfg.fs, in->fh);

	/* Its flock locks went with the file. */
	lockwait_kick(req->srv->cfg.lw);
	return err;
}

static int
fuse_do_fsync(struct fuse_req *req)
{
	const struct fuse_fsync_in *in = req->arg;

	return pt_fsync(req->srv->cfg.fs, in->fh,
			in->fsync_flags & FUSE_FSYNC_FDATASYNC);
}

static int
fuse_do_setxattr(struct fuse_req *req)
{
	const struct fuse_setxattr_in *in = req->arg;
	const size_t fixed = FUSE_COMPAT_SETXATTR_IN_SIZE;
	const char *name = (const char *)req->arg + fixed, *nul;
	size_t left = req->arglen - fixed;

	/* name, its NUL, then exactly size bytes of value. */
	nul = memchr(name, '\0', left);
	if (!nul)
		return EINVAL;
	left -= (size_t)(nul - name) + 1;
	if (in->size != left || in->size > XATTR_SIZE_MAX)
		return EINVAL;
	return pt_setxattr(req->srv->cfg.fs, req->h.nodeid, name, nul + 1,
			   in->size, in->flags);
}

/* GETXATTR and LISTXATTR: size 0 asks how much room the answer needs. */
static int
fuse_xattr_reply(struct fuse_req *req, const char *name, uint32_t size)
{
	struct fuse_getxattr_out out = { 0 };
	size_t room, len = 0;
	AUTOFREE char *buf = NULL;
	int err;

	if (size == 0) {
		err = name ? pt_getxattr(req->srv->cfg.fs, req->h.nodeid, name,
					 NULL, 0, &len)
			   : pt_listxattr(req->srv->cfg.fs, req->h.nodeid, NULL,
					  0, &len);
		if (err)
			return err;
		out.size = (uint32_t)len;
		return fuse_reply(req, &out, sizeof(out));
	}
	if (req->in_len < sizeof(struct fuse_out_header))
		return EINVAL;
	room = MIN((size_t)size, req->in_len - sizeof(struct fuse_out_header));
	room = MIN(room, (size_t)XATTR_SIZE_MAX);
	buf = xmalloc(room);
	err = name ? pt_getxattr(req->srv->cfg.fs, req->h.nodeid, name, buf,
				 room, &len)
		   : pt_listxattr(req->srv->cfg.fs, req->h.nodeid, buf, room,
				  &len);
	return err ? err : fuse_reply(req, buf, len);
}

static int
fuse_do_getxattr(struct fuse_req *req)
{
	const struct fuse_getxattr_in *in = req->arg;
	const char *name;
	int err;

	name = fuse_arg_name(req, sizeof(*in), &err);
	return err ? err : fuse_xattr_reply(req, name, in->size);
}

static int
fuse_do_listxattr(struct fuse_req *req)
{
	const struct fuse_getxattr_in *in = req->arg;

	return fuse_xattr_reply(req, NULL, in->size);
}

static int
fuse_do_removexattr(struct fuse_req *req)
{
	const char *name;
	int err;

	name = fuse_arg_name(req, 0, &err);
	return err ? err
		   : pt_removexattr(req->srv->cfg.fs, req->h.nodeid, name);
}

static int
fuse_do_flush(struct fuse_req *req)
{
	const struct fuse_flush_in *in = req->arg;
	int err = pt_flush(req->srv->cfg.fs, req->h.nodeid, in->fh,
			   in->lock_owner);

	/* The owner's POSIX locks on the file are gone. */
	lockwait_kick(req->srv->cfg.lw);
	return err;
}

static int
fuse_do_opendir(struct fuse_req *req)
{
	const struct fuse_open_in *in = req->arg;
	struct fuse_open_out out;
	int err;

	err = pt_opendir(req->srv->cfg.fs, req->h.nodeid, in->flags, &out);
	return err ? err : fuse_reply(req, &out, sizeof(out));
}

static int
fuse_readdir_common(struct fuse_req *req, bool plus)
{
	const struct fuse_read_in *in = req->arg;
	AUTOFREE char *buf = NULL;
	size_t size, len = 0;
	int err;

	if (req->in_len < sizeof(struct fuse_out_header))
		return EINVAL;
	size = MIN((size_t)in->size,
		   req->in_len - sizeof(struct fuse_out_header));
	size = MIN(size, (size_t)FUSE_MAX_READDIR);
	buf = xmalloc(size ? size : 1);
	err = pt_readdir(req->srv->cfg.fs, req->h.nodeid, in->fh, in->offset,
			 plus, buf, size, &len);
	return err ? err : fuse_reply(req, buf, len);
}

static int
fuse_do_readdir(struct fuse_req *req)
{
	return fuse_readdir_common(req, false);
}

static int
fuse_do_readdirplus(struct fuse_req *req)
{
	return fuse_readdir_common(req, true);
}

static int
fuse_do_releasedir(struct fuse_req *req)
{
	const struct fuse_release_in *in = req->arg;
	int err = pt_releasedir(req->srv->cfg.fs, in->fh);

	lockwait_kick(req->srv->cfg.lw);
	return err;
}

static int
fuse_do_fsyncdir(struct fuse_req *req)
{
	const struct fuse_fsync_in *in = req->arg;

	return pt_fsyncdir(req->srv->cfg.fs, in->fh,
			   in->fsync_flags & FUSE_FSYNC_FDATASYNC);
}

static int
fuse_do_getlk(struct fuse_req *req)
{
	const struct fuse_lk_in *in = req->arg;
	struct fuse_lk_out out = { .lk = in->lk };
	int err;

	if (!req->srv->cfg.posix_lock)
		return ENOSYS;
	err = pt_getlk(req->srv->cfg.fs, req->h.nodeid, in->owner, &out.lk);
	return err ? err : fuse_reply(req, &out, sizeof(out));
}

static int
fuse_lockwait_retry(struct lockwait_entry *e)
{
	struct fuse_lockwait *w = (struct fuse_lockwait *)e;

	return pt_setlk(w->srv->cfg.fs, w->nodeid, w->fh, w->owner, &w->lk,
			w->flock);
}

static int
fuse_lockwait_deliver(struct lockwait_entry *e, int err)
{
	struct fuse_lockwait *w = (struct fuse_lockwait *)e;
	struct fuse_out_header oh = {
		.len = sizeof(oh),
		.error = -err,
		.unique = e->unique,
	};
	int r;

	r = w->srv->cfg.deliver(w->srv->cfg.opaque, w->qidx, w->head,
				w->epoch, &oh, sizeof(oh));
	if (r == 0)
		log_debug("SETLKW %llu answered: %s",
			  (unsigned long long)e->unique,
			  err ? strerror(err) : "granted");
	return r;
}

static void
fuse_lockwait_free(struct lockwait_entry *e)
{
	free(e);
}

static int
fuse_do_setlk(struct fuse_req *req)
{
	const struct fuse_lk_in *in = req->arg;
	struct fuse_server *srv = req->srv;
	bool flock = in->lk_flags & FUSE_LK_FLOCK;
	struct fuse_lockwait *w;
	int err;

	if (flock ? !srv->cfg.flock : !srv->cfg.posix_lock)
		return ENOSYS;
	err = pt_setlk(srv->cfg.fs, req->h.nodeid, in->fh, in->owner, &in->lk,
		       flock);
	if (err == 0) {
		lockwait_kick(srv->cfg.lw);
		return 0;
	}
	if (err != EAGAIN || req->h.opcode != FUSE_SETLKW)
		return err;
	/* Blocked: wait off the queue, answer when granted. */
	w = xcalloc(1, sizeof(*w));
	w->e.retry = fuse_lockwait_retry;
	w->e.deliver = fuse_lockwait_deliver;
	w->e.free = fuse_lockwait_free;
	w->e.unique = req->h.unique;
	w->srv = srv;
	w->qidx = req->call->qidx;
	w->head = req->call->head;
	w->epoch = req->call->epoch;
	w->nodeid = req->h.nodeid;
	w->fh = in->fh;
	w->owner = in->owner;
	w->lk = in->lk;
	w->flock = flock;
	if (!lockwait_add(srv->cfg.lw, &w->e)) {
		free(w);
		return ENOLCK;
	}
	log_debug("SETLKW %llu waits", (unsigned long long)req->h.unique);
	return FUSE_R_DEFER;
}

static int
fuse_do_access(struct fuse_req *req)
{
	const struct fuse_access_in *in = req->arg;

	return pt_access(req->srv->cfg.fs, &req->cred, req->h.nodeid,
			 in->mask);
}

static int
fuse_do_create(struct fuse_req *req)
{
	const struct fuse_create_in *in = req->arg;
	struct {
		struct fuse_entry_out e;
		struct fuse_open_out o;
	} out;
	const char *name;
	int err;

	name = fuse_arg_name(req, sizeof(*in), &err);
	if (err)
		return err;
	err = pt_create(req->srv->cfg.fs, &req->cred, req->h.nodeid, name,
			in->flags, in->mode, &out.e, &out.o);
	return err ? err : fuse_reply(req, &out, sizeof(out));
}

static int
fuse_do_interrupt(struct fuse_req *req)
{
	const struct fuse_interrupt_in *in = req->arg;

	/* Only a waiting SETLKW can be interrupted; the rest just finish. */
	lockwait_interrupt(req->srv->cfg.lw, in->unique);
	return FUSE_R_NOREPLY;
}

static int
fuse_do_fallocate(struct fuse_req *req)
{
	const struct fuse_fallocate_in *in = req->arg;

	return pt_fallocate(req->srv->cfg.fs, in->fh, in->mode, in->offset,
			    in->length);
}

static int
fuse_do_lseek(struct fuse_req *req)
{
	const struct fuse_lseek_in *in = req->arg;
	struct fuse_lseek_out out = { 0 };
	int err;

	err = pt_lseek(req->srv->cfg.fs, in->fh, in->offset, in->whence,
		       &out.offset);
	return err ? err : fuse_reply(req, &out, sizeof(out));
}

static int
fuse_do_copy_file_range(struct fuse_req *req)
{
	const struct fuse_copy_file_range_in *in = req->arg;
	struct fuse_write_out out = { 0 };
	size_t done = 0;
	int err;

	err = pt_copy_file_range(req->srv->cfg.fs, in->fh_in, in->off_in,
				 in->fh_out, in->off_out, in->len, in->flags,
				 &done);
	if (err)
		return err;
	out.size = (uint32_t)done;
	return fuse_reply(req, &out, sizeof(out));
}

static int
fuse_do_syncfs(struct fuse_req *req)
{
	return pt_syncfs(req->srv->cfg.fs, req->h.nodeid);
}

/* A new session (INIT) or its end (DESTROY): forget the guest's state. */
static void
fuse_session_reset(struct fuse_server *srv)
{
	lockwait_drop_all(srv->cfg.lw);
	pt_reset(srv->cfg.fs);
}

static int
fuse_do_init(struct fuse_req *req)
{
	struct fuse_server *srv = req->srv;
	struct fuse_init_in in = { 0 };
	struct fuse_init_out out = { 0 };
	uint32_t want, pages, limit = req->call->desc_limit;

	memcpy(&in, req->arg, MIN(req->arglen, sizeof(in)));
	out.major = FUSE_KERNEL_VERSION;
	out.minor = FUSE_KERNEL_MINOR_VERSION;
	if (in.major < FUSE_KERNEL_VERSION) {
		log_error("the guest speaks FUSE %u.%u, we need 7.%u", in.major,
			  in.minor, FUSE_MIN_MINOR);
		return EPROTO;
	}
	if (in.major > FUSE_KERNEL_VERSION) /* it asks again with ours */
		return fuse_reply(req, &out, FUSE_COMPAT_INIT_OUT_SIZE);
	if (in.minor < FUSE_MIN_MINOR) {
		log_error("the guest speaks FUSE 7.%u, we need 7.%u", in.minor,
			  FUSE_MIN_MINOR);
		return EPROTO;
	}
	/*
	 * Not FUSE_HANDLE_KILLPRIV(_V2): without them the guest clears the
	 * set-user-ID and set-group-ID bits itself, by a SETATTR whose reply
	 * also updates the mode it caches, wherever it knows of them; with
	 * them it would leave that to us and go on trusting a cached mode
	 * with bits we cleared (exec does, for a day with cache=always).
	 * What the guest leaves to us anyway: fuse_privs_caller().
	 */
	want = FUSE_ASYNC_READ | FUSE_PARALLEL_DIROPS | FUSE_BIG_WRITES |
	       FUSE_ATOMIC_O_TRUNC | FUSE_ASYNC_DIO | FUSE_MAX_PAGES;
	if (srv->cfg.posix_lock)
		want |= FUSE_POSIX_LOCKS;
	if (srv->cfg.flock)
		want |= FUSE_FLOCK_LOCKS;
	if (srv->cfg.cache == PT_CACHE_AUTO)
		want |= FUSE_AUTO_INVAL_DATA;
	if (srv->cfg.cache == PT_CACHE_ALWAYS)
		want |= FUSE_CACHE_SYMLINKS;
	/* Without caching READDIRPLUS only costs lookups. */
	if (srv->cfg.readdirplus && srv->cfg.cache != PT_CACHE_NEVER)
		want |= FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO;
	if (srv->cfg.announce_submounts)
		want |= FUSE_SUBMOUNTS;
	/* A request is its data pages plus a few header descriptors. */
	pages = limit > FUSE_HEADER_DESCS * 2 ? limit - FUSE_HEADER_DESCS : 1;
	pages = MIN(pages, (uint32_t)FUSE_WANT_PAGES);
	out.max_readahead = in.max_readahead;
	out.flags = in.flags & want;
	out.max_background = 64;
	out.congestion_threshold = 48;
	out.max_write = pages * (uint32_t)sysconf(_SC_PAGESIZE);
	out.time_gran = 1;
	out.max_pages = (uint16_t)pages;

	pthread_mutex_lock(&srv->lock);
	fuse_session_reset(srv);
	srv->minor = in.minor;
	srv->flags = out.flags;
	srv->max_write = out.max_write;
	__atomic_store_n(&srv->initialized, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&srv->lock);
	log_info("FUSE session: guest 7.%u, flags 0x%x, max_write %u", in.minor,
		 out.flags, out.max_write);
	return fuse_reply(req, &out, sizeof(out));
}

static int
fuse_do_destroy(struct fuse_req *req)
{
	struct fuse_server *srv = req->srv;

	pthread_mutex_lock(&srv->lock);
	__atomic_store_n(&srv->initialized, false, __ATOMIC_RELEASE);
	fuse_session_reset(srv);
	pthread_mutex_unlock(&srv->lock);
	log_info("FUSE session ended by the guest");
	return 0;
}

/* ---- set-user-ID and set-group-ID bits ----------------------------------------- */

/* What the host may do with the set-user-ID and set-group-ID bits. */
enum fuse_privs {
	FUSE_PRIVS_ANY,		/* the request cannot clear them */
	FUSE_PRIVS_KEEP,	/* as for a caller with CAP_FSETID */
	FUSE_PRIVS_KILL,	/* as for a caller without it: cleared */
};

/*
 * Does the caller lack CAP_FSETID, so that what it changes loses its
 * set-user-ID and set-group-ID bits, as the kernel would do? The guest
 * tells us (flag) for a direct write (FUSE_WRITE_KILL_SUIDGID, sent with
 * or without FUSE_HANDLE_KILLPRIV_V2) and, with V2 only, for a truncate
 * and an O_TRUNC open. Otherwise it clears the bits itself with a SETATTR
 * of the mode, but only when its cache shows them, and never for an
 * O_TRUNC open (atomic_o_trunc drops that SETATTR). So a caller other
 * than root counts as lacking CAP_FSETID, as it does by default in the
 * guest; a root caller without it is known only by a flag.
 */
static enum fuse_privs
fuse_privs_caller(const struct fuse_req *req, bool flag)
{
	return flag || req->h.uid != 0 ? FUSE_PRIVS_KILL : FUSE_PRIVS_KEEP;
}

static enum fuse_privs
fuse_privs_write(const struct fuse_req *req)
{
	const struct fuse_write_in *in = req->arg;

	return fuse_privs_caller(req,
				 in->write_flags & FUSE_WRITE_KILL_SUIDGID);
}

/* A chown clears the bits for any caller: the host does that itself. */
static enum fuse_privs
fuse_privs_setattr(const struct fuse_req *req)
{
	const struct fuse_setattr_in *in = req->arg;

	if (!(in->valid & FATTR_SIZE))
		return FUSE_PRIVS_KEEP;
	return fuse_privs_caller(req, in->valid & FATTR_KILL_SUIDGID);
}

/* An open changes the file with O_TRUNC; otherwise, as otherwise says. */
static enum fuse_privs
fuse_privs_trunc(const struct fuse_req *req, uint32_t flags,
		 uint32_t open_flags, enum fuse_privs otherwise)
{
	if (!(flags & O_TRUNC))
		return otherwise;
	return fuse_privs_caller(req, open_flags & FUSE_OPEN_KILL_SUIDGID);
}

static enum fuse_privs
fuse_privs_open(const struct fuse_req *req)
{
	const struct fuse_open_in *in = req->arg;

	return fuse_privs_trunc(req, in->flags, in->open_flags,
				FUSE_PRIVS_ANY);
}

/* CREATE opens an existing file too (the guest thought it missing). */
static enum fuse_privs
fuse_privs_create(const struct fuse_req *req)
{
	const struct fuse_create_in *in = req->arg;

	return fuse_privs_trunc(req, in->flags, in->open_flags,
				FUSE_PRIVS_KEEP);
}

/* FALLOCATE and COPY_FILE_RANGE carry no flag. */
static enum fuse_privs
fuse_privs_data(const struct fuse_req *req)
{
	return fuse_privs_caller(req, false);
}

/* ---- the opcode table ---------------------------------------------------------- */

#define FUSE_OP_MODIFIES 0x1 /* refused with EROFS on a read-only share */
#define FUSE_OP_NOREPLY	 0x2 /* never answered, not even on error */

/*
 * Every opcode we serve, with the fixed argument size it must have at
 * least (checked before the handler runs). Anything else gets ENOSYS.
 * privs says what the host may do with set-user-ID and set-group-ID bits
 * (NULL: keep them if the request modifies, else it cannot touch them).
 */
static const struct fuse_op {
	const char *name;
	uint16_t min_in;
	uint8_t flags;
	int (*fn)(struct fuse_req *req);
	enum fuse_privs (*privs)(const struct fuse_req *req);
} fuse_ops[] = {
#define OP(code, nm, size, fl, fn) [code] = { nm, size, fl, fn, NULL }
#define OPP(code, nm, size, fl, fn, pr) [code] = { nm, size, fl, fn, pr }
	OP(FUSE_LOOKUP, "LOOKUP", 0, 0, fuse_do_lookup),
	OP(FUSE_FORGET, "FORGET", sizeof(struct fuse_forget_in),
	   FUSE_OP_NOREPLY, fuse_do_forget),
	OP(FUSE_GETATTR, "GETATTR", sizeof(struct fuse_getattr_in), 0,
	   fuse_do_getattr),
	OPP(FUSE_SETATTR, "SETATTR", sizeof(struct fuse_setattr_in),
	    FUSE_OP_MODIFIES, fuse_do_setattr, fuse_privs_setattr),
	OP(FUSE_READLINK, "READLINK", 0, 0, fuse_do_readlink),
	OP(FUSE_SYMLINK, "SYMLINK", 0, FUSE_OP_MODIFIES, fuse_do_symlink),
	OP(FUSE_MKNOD, "MKNOD", sizeof(struct fuse_mknod_in), FUSE_OP_MODIFIES,
	   fuse_do_mknod),
	OP(FUSE_MKDIR, "MKDIR", sizeof(struct fuse_mkdir_in), FUSE_OP_MODIFIES,
	   fuse_do_mkdir),
	OP(FUSE_UNLINK, "UNLINK", 0, FUSE_OP_MODIFIES, fuse_do_unlink),
	OP(FUSE_RMDIR, "RMDIR", 0, FUSE_OP_MODIFIES, fuse_do_rmdir),
	OP(FUSE_RENAME, "RENAME", sizeof(struct fuse_rename_in),
	   FUSE_OP_MODIFIES, fuse_do_rename),
	OP(FUSE_LINK, "LINK", sizeof(struct fuse_link_in), FUSE_OP_MODIFIES,
	   fuse_do_link),
	OPP(FUSE_OPEN, "OPEN", sizeof(struct fuse_open_in), 0, fuse_do_open,
	    fuse_privs_open),
	OP(FUSE_READ, "READ", sizeof(struct fuse_read_in), 0, fuse_do_read),
	OPP(FUSE_WRITE, "WRITE", sizeof(struct fuse_write_in), FUSE_OP_MODIFIES,
	    fuse_do_write, fuse_privs_write),
	OP(FUSE_STATFS, "STATFS", 0, 0, fuse_do_statfs),
	OP(FUSE_RELEASE, "RELEASE", sizeof(struct fuse_release_in), 0,
	   fuse_do_release),
	OP(FUSE_FSYNC, "FSYNC", sizeof(struct fuse_fsync_in), 0,
	   fuse_do_fsync),
	OP(FUSE_SETXATTR, "SETXATTR", FUSE_COMPAT_SETXATTR_IN_SIZE,
	   FUSE_OP_MODIFIES, fuse_do_setxattr),
	OP(FUSE_GETXATTR, "GETXATTR", sizeof(struct fuse_getxattr_in), 0,
	   fuse_do_getxattr),
	OP(FUSE_LISTXATTR, "LISTXATTR", sizeof(struct fuse_getxattr_in), 0,
	   fuse_do_listxattr),
	OP(FUSE_REMOVEXATTR, "REMOVEXATTR", 0, FUSE_OP_MODIFIES,
	   fuse_do_removexattr),
	OP(FUSE_FLUSH, "FLUSH", sizeof(struct fuse_flush_in), 0,
	   fuse_do_flush),
	OP(FUSE_INIT, "INIT", 4 * sizeof(uint32_t), 0, fuse_do_init),
	OP(FUSE_OPENDIR, "OPENDIR", sizeof(struct fuse_open_in), 0,
	   fuse_do_opendir),
	OP(FUSE_READDIR, "READDIR", sizeof(struct fuse_read_in), 0,
	   fuse_do_readdir),
	OP(FUSE_RELEASEDIR, "RELEASEDIR", sizeof(struct fuse_release_in), 0,
	   fuse_do_releasedir),
	OP(FUSE_FSYNCDIR, "FSYNCDIR", sizeof(struct fuse_fsync_in), 0,
	   fuse_do_fsyncdir),
	OP(FUSE_GETLK, "GETLK", sizeof(struct fuse_lk_in), 0, fuse_do_getlk),
	OP(FUSE_SETLK, "SETLK", sizeof(struct fuse_lk_in), 0, fuse_do_setlk),
	OP(FUSE_SETLKW, "SETLKW", sizeof(struct fuse_lk_in), 0,
	   fuse_do_setlk),
	OP(FUSE_ACCESS, "ACCESS", sizeof(struct fuse_access_in), 0,
	   fuse_do_access),
	OPP(FUSE_CREATE, "CREATE", sizeof(struct fuse_create_in),
	    FUSE_OP_MODIFIES, fuse_do_create, fuse_privs_create),
	OP(FUSE_INTERRUPT, "INTERRUPT", sizeof(struct fuse_interrupt_in),
	   FUSE_OP_NOREPLY, fuse_do_interrupt),
	OP(FUSE_DESTROY, "DESTROY", 0, 0, fuse_do_destroy),
	OP(FUSE_BATCH_FORGET, "BATCH_FORGET",
	   sizeof(struct fuse_batch_forget_in), FUSE_OP_NOREPLY,
	   fuse_do_batch_forget),
	OPP(FUSE_FALLOCATE, "FALLOCATE", sizeof(struct fuse_fallocate_in),
	    FUSE_OP_MODIFIES, fuse_do_fallocate, fuse_privs_data),
	OP(FUSE_READDIRPLUS, "READDIRPLUS", sizeof(struct fuse_read_in), 0,
	   fuse_do_readdirplus),
	OP(FUSE_RENAME2, "RENAME2", sizeof(struct fuse_rename2_in),
	   FUSE_OP_MODIFIES, fuse_do_rename2),
	OP(FUSE_LSEEK, "LSEEK", sizeof(struct fuse_lseek_in), 0,
	   fuse_do_lseek),
	OPP(FUSE_COPY_FILE_RANGE, "COPY_FILE_RANGE",
	    sizeof(struct fuse_copy_file_range_in), FUSE_OP_MODIFIES,
	    fuse_do_copy_file_range, fuse_privs_data),
	OP(FUSE_SYNCFS, "SYNCFS", sizeof(struct fuse_syncfs_in), 0,
	   fuse_do_syncfs),
#undef OPP
#undef OP
};

static const struct fuse_op *
fuse_op_find(uint32_t opcode)
{
	if (opcode >= ARRAY_SIZE(fuse_ops) || !fuse_ops[opcode].fn)
		return NULL;
	return &fuse_ops[opcode];
}

/* ---- the entry point ----------------------------------------------------------- */

bool
fuse_request_heavy(const struct iovec *out, unsigned out_num)
{
	/* READ and WRITE have fh, offset and size first. */
	struct {
		struct fuse_in_header h;
		struct fuse_read_in r;
	} req;
	size_t got = iov_to_buf(out, out_num, 0, &req, sizeof(req));

	if (got < sizeof(req.h))
		return false;
	switch (req.h.opcode) {
	case FUSE_READ:
	case FUSE_WRITE:
		return got == sizeof(req) && req.r.size >= FUSE_HEAVY_BYTES;
	case FUSE_FSYNC:
	case FUSE_FSYNCDIR:
	case FUSE_FALLOCATE:
	case FUSE_COPY_FILE_RANGE:
	case FUSE_SYNCFS:
		return true;
	default:
		return false;
	}
}

struct fuse_server *
fuse_server_new(const struct fuse_config *cfg)
{
	struct fuse_server *srv = xcalloc(1, sizeof(*srv));

	srv->cfg = *cfg;
	pthread_mutex_init(&srv->lock, NULL);
	return srv;
}

void
fuse_server_free(struct fuse_server *srv)
{
	if (!srv)
		return;
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}

/*
 * Give this thread CAP_FSETID or not, as the request's caller (see
 * fuse_privs_caller()), before it changes anything on the host.
 */
static int
fuse_privs_set(const struct fuse_req *req, const struct fuse_op *op)
{
	enum fuse_privs p = FUSE_PRIVS_ANY;

	if (op->privs)
		p = op->privs(req);
	else if (op->flags & FUSE_OP_MODIFIES)
		p = FUSE_PRIVS_KEEP;
	return p == FUSE_PRIVS_ANY ? 0 : pt_fsetid(p == FUSE_PRIVS_KEEP);
}

/* Copy the arguments and run op; returns what the handler returns. */
static int
fuse_run(struct fuse_req *req, const struct fuse_op *op)
{
	uint64_t small[64]; /* aligned for the argument structs */
	size_t copy = req->arglen;
	void *buf = small;
	int r;

	if (req->arglen < op->min_in) {
		log_guest("%s of %zu argument bytes, %u needed", op->name,
			  req->arglen, op->min_in);
		return EINVAL;
	}
	/* WRITE data stays in the guest: it is written from there. */
	if (req->h.opcode == FUSE_WRITE) {
		copy = op->min_in;
		req->data_off = sizeof(req->h) + copy;
	}
	if (copy > FUSE_MAX_ARGS) {
		log_guest("%s with %zu argument bytes", op->name, copy);
		return E2BIG;
	}
	if (copy + 1 > sizeof(small))
		buf = xmalloc(copy + 1);
	iov_to_buf(req->call->out, req->call->out_num, sizeof(req->h), buf,
		   copy);
	((char *)buf)[copy] = '\0';
	req->arg = buf;
	if ((op->flags & FUSE_OP_MODIFIES) && pt_readonly(req->srv->cfg.fs))
		r = EROFS;
	else
		r = fuse_privs_set(req, op);
	if (r == 0)
		r = op->fn(req);
	if (buf != small)
		free(buf);
	return r;
}

long
fuse_process(struct fuse_server *srv, const struct fuse_call *call)
{
	struct fuse_req req = { .srv = srv, .call = call };
	size_t out_len = iov_size(call->out, call->out_num), ext;
	const struct fuse_op *op;
	int r;

	req.in_len = iov_size(call->in, call->in_num);
	if (out_len < sizeof(req.h)) {
		log_guest("request of %zu bytes, shorter than a FUSE header",
			  out_len);
		return 0;
	}
	iov_to_buf(call->out, call->out_num, 0, &req.h, sizeof(req.h));
	req.cred.uid = req.h.uid;
	req.cred.gid = req.h.gid;
	req.cred.pid = req.h.pid;
	op = fuse_op_find(req.h.opcode);
	ext = (size_t)req.h.total_extlen * 8;
	if (req.h.len < sizeof(req.h) || req.h.len > out_len ||
	    ext > req.h.len - sizeof(req.h)) {
		log_guest("request %llu claims %u bytes (%zu extension) in "
			  "%zu",
			  (unsigned long long)req.h.unique, req.h.len, ext,
			  out_len);
		r = EINVAL;
	} else if (!op) {
		log_debug("unsupported opcode %u", req.h.opcode);
		r = ENOSYS;
	} else if (!__atomic_load_n(&srv->initialized, __ATOMIC_ACQUIRE) &&
		   req.h.opcode != FUSE_INIT) {
		r = EIO;
	} else {
		req.arglen = req.h.len - sizeof(req.h) - ext;
		log_debug("%s unique %llu node %llu (%zu bytes)", op->name,
			  (unsigned long long)req.h.unique,
			  (unsigned long long)req.h.nodeid, req.arglen);
		r = fuse_run(&req, op);
	}
	if (op && (op->flags & FUSE_OP_NOREPLY))
		return 0;
	if (r == FUSE_R_DEFER)
		return FUSE_DEFERRED;
	if (r == FUSE_R_NOREPLY)
		return 0;
	if (r > 0) {
		if (r >= 4096)
			r = EIO;
		log_trace("unique %llu: %s", (unsigned long long)req.h.unique,
			  strerror(r));
		fuse_reply_err(&req, r);
	} else if (req.reply_len == 0) {
		/* Success without arguments is still a header. */
		fuse_reply_err(&req, 0);
	}
	return req.reply_len;
}
