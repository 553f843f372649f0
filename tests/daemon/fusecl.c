/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fusecl.c: build FUSE requests into virtqueue chains and check the replies */
#include "fusecl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUSECL_MAXARGS 4

static void __attribute__((format(printf, 2, 3)))
fusecl_err(struct fusecl *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->err, sizeof(f->err), fmt, ap);
	va_end(ap);
}

struct fusecl *
fusecl_new(struct vuclient *vu)
{
	struct fusecl *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	f->vu = vu;
	f->mode = VUC_CHAIN_DIRECT;
	f->unique = 2;
	f->uid = getuid();
	f->gid = getgid();
	f->pid = getpid();
	return f;
}

void
fusecl_free(struct fusecl *f)
{
	free(f);
}

const char *
fusecl_error(const struct fusecl *f)
{
	return f->err;
}

/* Header first, then the arguments, each its own readable buffer. */
static int
fusecl_request(struct fusecl *f, struct fuse_in_header *ih, uint32_t opcode,
               uint64_t nodeid, const struct iovec *args, int nargs,
               struct iovec *rd)
{
	size_t len = sizeof(*ih);
	int i;

	if (nargs > FUSECL_MAXARGS) {
		fusecl_err(f, "too many arguments");
		return -1;
	}
	for (i = 0; i < nargs; i++) {
		rd[i + 1] = args[i];
		len += args[i].iov_len;
	}
	memset(ih, 0, sizeof(*ih));
	ih->len = len;
	ih->opcode = opcode;
	ih->unique = f->unique;
	f->unique += 2; /* even: bit 0 marks interrupts in FUSE */
	ih->nodeid = nodeid;
	ih->uid = f->uid;
	ih->gid = f->gid;
	ih->pid = f->pid;
	rd[0].iov_base = ih;
	rd[0].iov_len = sizeof(*ih);
	return nargs + 1;
}

int
fusecl_submit(struct fusecl *f, int queue, uint32_t opcode, uint64_t nodeid,
              const struct iovec *args, int nargs, void *out, size_t outsize,
              struct fusecl_pending *p)
{
	struct fuse_in_header ih;
	struct iovec rd[FUSECL_MAXARGS + 1];
	int nrd = fusecl_request(f, &ih, opcode, nodeid, args, nargs, rd);

	if (nrd < 0)
		return -1;
	memset(p, 0, sizeof(*p));
	p->queue = queue;
	p->opcode = opcode;
	p->unique = ih.unique;
	p->wr[0].iov_base = &p->oh;
	p->wr[0].iov_len = sizeof(p->oh);
	p->wr[1].iov_base = out;
	p->wr[1].iov_len = outsize;
	p->nwr = outsize ? 2 : 1;
	p->head =
	    vuclient_submit(f->vu, queue, rd, nrd, p->wr, p->nwr, f->mode);
	if (p->head < 0) {
		fusecl_err(f, "submit: %s", vuclient_error(f->vu));
		return -1;
	}
	return 0;
}

long
fusecl_wait(struct fusecl *f, struct fusecl_pending *p, int timeout_ms)
{
	long used = vuclient_wait(f->vu, p->queue, p->head, p->wr, p->nwr,
	                          timeout_ms ? timeout_ms : f->timeout_ms);
	const struct fuse_out_header *oh = &p->oh;

	if (used < 0) {
		fusecl_err(f, "opcode %u: %s", p->opcode,
		           vuclient_error(f->vu));
		return -FUSECL_EBROKEN;
	}
	if ((size_t)used < sizeof(*oh)) {
		fusecl_err(f, "opcode %u: reply of %ld bytes has no header",
		           p->opcode, used);
		return -FUSECL_EBROKEN;
	}
	if (oh->len != used || oh->unique != p->unique) {
		fusecl_err(f,
		           "opcode %u: reply header len %u unique %llu, "
		           "used length %ld unique %llu",
		           p->opcode, oh->len, (unsigned long long)oh->unique,
		           used, (unsigned long long)p->unique);
		return -FUSECL_EBROKEN;
	}
	if (oh->error > 0 || oh->error < -4095 ||
	    (oh->error && used != sizeof(*oh))) {
		fusecl_err(f, "opcode %u: bad error reply %d (%ld bytes)",
		           p->opcode, oh->error, used);
		return -FUSECL_EBROKEN;
	}
	if (oh->error)
		return oh->error;
	return used - sizeof(*oh);
}

long
fusecl_callv(struct fusecl *f, uint32_t opcode, uint64_t nodeid,
             const struct iovec *args, int nargs, void *out, size_t outsize)
{
	struct fusecl_pending p;

	if (fusecl_submit(f, VUC_QUEUE_REQUEST, opcode, nodeid, args, nargs,
	                  out, outsize, &p) < 0)
		return -FUSECL_EBROKEN;
	return fusecl_wait(f, &p, 0);
}

long
fusecl_call(struct fusecl *f, uint32_t opcode, uint64_t nodeid, const void *arg,
            size_t arglen, const char *name, void *out, size_t outsize)
{
	struct iovec a[2];
	int n = 0;

	if (arglen) {
		a[n].iov_base = (void *)arg;
		a[n++].iov_len = arglen;
	}
	if (name) {
		a[n].iov_base = (void *)name;
		a[n++].iov_len = strlen(name) + 1;
	}
	return fusecl_callv(f, opcode, nodeid, a, n, out, outsize);
}

long
fusecl_noreply(struct fusecl *f, int queue, uint32_t opcode, uint64_t nodeid,
               const struct iovec *args, int nargs)
{
	struct fuse_in_header ih;
	struct iovec rd[FUSECL_MAXARGS + 1];
	int nrd = fusecl_request(f, &ih, opcode, nodeid, args, nargs, rd);
	long used;

	if (nrd < 0)
		return -FUSECL_EBROKEN;
	used = vuclient_call(f->vu, queue, rd, nrd, NULL, 0, f->mode);
	if (used < 0) {
		fusecl_err(f, "opcode %u: %s", opcode, vuclient_error(f->vu));
		return -FUSECL_EBROKEN;
	}
	return used;
}

int
fusecl_init(struct fusecl *f, uint32_t flags)
{
	struct fuse_init_in in = {
	    .major = FUSE_KERNEL_VERSION,
	    .minor = FUSE_KERNEL_MINOR_VERSION,
	    .max_readahead = 128 << 10,
	    .flags = flags,
	};
	long n;

	memset(&f->init, 0, sizeof(f->init));
	n = fusecl_call(f, FUSE_INIT, 0, &in, sizeof(in), NULL, &f->init,
	                sizeof(f->init));
	if (n < 0)
		return n;
	if (n < FUSE_COMPAT_22_INIT_OUT_SIZE) {
		fusecl_err(f, "INIT reply of %ld bytes", n);
		return -FUSECL_EBROKEN;
	}
	return 0;
}

int
fusecl_lookup(struct fusecl *f, uint64_t parent, const char *name,
              struct fuse_entry_out *e)
{
	long n =
	    fusecl_call(f, FUSE_LOOKUP, parent, NULL, 0, name, e, sizeof(*e));

	if (n >= 0 && n != sizeof(*e)) {
		fusecl_err(f, "LOOKUP reply of %ld bytes", n);
		return -FUSECL_EBROKEN;
	}
	return n < 0 ? n : 0;
}

long
fusecl_forget(struct fusecl *f, uint64_t nodeid, uint64_t nlookup)
{
	struct fuse_forget_in in = {.nlookup = nlookup};
	struct iovec a = {&in, sizeof(in)};

	return fusecl_noreply(f, VUC_QUEUE_HIPRIO, FUSE_FORGET, nodeid, &a, 1);
}

int
fusecl_getattr(struct fusecl *f, uint64_t nodeid, struct fuse_attr *a)
{
	struct fuse_getattr_in in = {0};
	struct fuse_attr_out out;
	long n = fusecl_call(f, FUSE_GETATTR, nodeid, &in, sizeof(in), NULL,
	                     &out, sizeof(out));

	if (n >= 0 && n != sizeof(out)) {
		fusecl_err(f, "GETATTR reply of %ld bytes", n);
		return -FUSECL_EBROKEN;
	}
	if (n >= 0 && a)
		*a = out.attr;
	return n < 0 ? n : 0;
}

int
fusecl_open(struct fusecl *f, uint32_t opcode, uint64_t nodeid, uint32_t flags,
            uint64_t *fh)
{
	struct fuse_open_in in = {.flags = flags};
	struct fuse_open_out out;
	long n = fusecl_call(f, opcode, nodeid, &in, sizeof(in), NULL, &out,
	                     sizeof(out));

	if (n >= 0 && n != sizeof(out)) {
		fusecl_err(f, "OPEN reply of %ld bytes", n);
		return -FUSECL_EBROKEN;
	}
	if (n >= 0 && fh)
		*fh = out.fh;
	return n < 0 ? n : 0;
}

int
fusecl_release(struct fusecl *f, uint32_t opcode, uint64_t nodeid, uint64_t fh)
{
	struct fuse_release_in in = {.fh = fh};
	long n = fusecl_call(f, opcode, nodeid, &in, sizeof(in), NULL, NULL, 0);

	return n < 0 ? n : 0;
}

int
fusecl_create(struct fusecl *f, uint64_t parent, const char *name,
              uint32_t flags, uint32_t mode, struct fuse_entry_out *e,
              uint64_t *fh)
{
	struct fuse_create_in in = {
	    .flags = flags,
	    .mode = mode,
	    .umask = 022,
	};

	return fusecl_create_in(f, parent, name, &in, e, fh);
}

int
fusecl_create_in(struct fusecl *f, uint64_t parent, const char *name,
                 const struct fuse_create_in *in, struct fuse_entry_out *e,
                 uint64_t *fh)
{
	struct {
		struct fuse_entry_out e;
		struct fuse_open_out o;
	} out;
	long n = fusecl_call(f, FUSE_CREATE, parent, in, sizeof(*in), name,
	                     &out, sizeof(out));

	if (n >= 0 && n != sizeof(out)) {
		fusecl_err(f, "CREATE reply of %ld bytes", n);
		return -FUSECL_EBROKEN;
	}
	if (n >= 0 && e)
		*e = out.e;
	if (n >= 0 && fh)
		*fh = out.o.fh;
	return n < 0 ? n : 0;
}

int
fusecl_mkdir(struct fusecl *f, uint64_t parent, const char *name, uint32_t mode,
             struct fuse_entry_out *e)
{
	struct fuse_mkdir_in in = {.mode = mode, .umask = 022};
	struct fuse_entry_out out;
	long n = fusecl_call(f, FUSE_MKDIR, parent, &in, sizeof(in), name, &out,
	                     sizeof(out));

	if (n >= 0 && n != sizeof(out)) {
		fusecl_err(f, "MKDIR reply of %ld bytes", n);
		return -FUSECL_EBROKEN;
	}
	if (n >= 0 && e)
		*e = out;
	return n < 0 ? n : 0;
}

long
fusecl_read(struct fusecl *f, uint64_t nodeid, uint64_t fh, uint64_t off,
            void *buf, uint32_t size)
{
	struct fuse_read_in in = {.fh = fh, .offset = off, .size = size};

	return fusecl_call(f, FUSE_READ, nodeid, &in, sizeof(in), NULL, buf,
	                   size);
}

long
fusecl_write(struct fusecl *f, uint64_t nodeid, uint64_t fh, uint64_t off,
             const void *buf, uint32_t size)
{
	struct fuse_write_in in = {.fh = fh, .offset = off, .size = size};
	struct fuse_write_out out;
	struct iovec a[2] = {
	    {&in, sizeof(in)},
	    {(void *)buf, size},
	};
	long n = fusecl_callv(f, FUSE_WRITE, nodeid, a, 2, &out, sizeof(out));

	if (n >= 0 && n != sizeof(out)) {
		fusecl_err(f, "WRITE reply of %ld bytes", n);
		return -FUSECL_EBROKEN;
	}
	return n < 0 ? n : (long)out.size;
}
