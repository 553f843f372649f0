/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuse-ops.c: every FUSE opcode through vhost-user, checked on the host too */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "../tap.h"
#include "fusecl.h"
#include "spawn.h"
#include "vuclient.h"

/*
 * Usage: fuse-ops --daemon=PATH --kind=ours|reference
 *
 * Starts the daemon on a fresh temporary share, plays QEMU with a
 * vuclient and sends every FUSE opcode the guest kernel can send. Each
 * reply is checked, and so is what the request did to the host
 * directory. The reference daemon (QEMU 7.2's C virtiofsd) differs from
 * ours in a few documented places; those expectations are per kind and
 * say why.
 */

enum kind { KIND_OURS, KIND_REFERENCE };

static enum kind kind;
static const char *daemon_path;
static char workdir[256], share[300];
static struct spawn *daemon_proc;
static struct vuclient *vu;
static struct fusecl *fc;
static int broken;

static const char *
hpath(const char *rel)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", share, rel);
	return buf[i];
}

static void
bail(const char *why)
{
	printf("# daemon log:\n");
	if (daemon_proc)
		spawn_dump_log(daemon_proc, stdout, 40);
	printf("Bail out! %s\n", why);
	exit(1);
}

/* A reply check: got must equal want; a broken transport ends the run. */
static bool __attribute__((format(printf, 3, 4)))
is_res(long got, long want, const char *fmt, ...)
{
	char name[256];
	va_list ap;
	bool r;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	r = tap_ok(got == want, "%s", name);
	if (!r) {
		if (got == -FUSECL_EBROKEN)
			tap_diag("  transport: %s", fusecl_error(fc));
		else
			tap_diag("  got %ld (%s), want %ld (%s)", got,
			         got < 0 ? strerror(-got) : "-", want,
			         want < 0 ? strerror(-want) : "-");
	}
	/* a malformed reply is one failure; a dead daemon ends the run */
	if (got == -FUSECL_EBROKEN &&
	    (++broken >= 5 || !daemon_proc || spawn_wait(daemon_proc, 0)))
		bail(name);
	return r;
}

static void
write_host(const char *rel, const void *data, size_t len)
{
	int fd = open(hpath(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		bail("cannot write the share on the host");
	close(fd);
}

static ssize_t
read_host(const char *rel, void *buf, size_t len)
{
	int fd = open(hpath(rel), O_RDONLY);
	ssize_t n, got = 0;

	if (fd < 0)
		return -1;
	while ((size_t)got < len &&
	       (n = read(fd, (char *)buf + got, len - got)) > 0)
		got += n;
	close(fd);
	return got;
}

static void
fill_pattern(uint8_t *p, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)((i * 131 + seed * 7 + (i >> 9)) & 0xff);
}

static uint64_t
lookup_id(uint64_t parent, const char *name)
{
	struct fuse_entry_out e;

	if (fusecl_lookup(fc, parent, name, &e) < 0)
		return 0;
	return e.nodeid;
}

/* start_daemon() with the -o options @options instead of the suite's */
static struct spawn *
start_daemon_with(const char *name, const char *options, bool use_fd,
                  const char *const *extra)
{
	const char *args[8];
	struct spawn_opts o = {
	    .extra = args,
	    .binary = daemon_path,
	    .shared_dir = share,
	    .workdir = workdir,
	    .options = options,
	    .use_fd = use_fd,
	};
	int n = 0;

	while (extra && *extra && n < 6)
		args[n++] = *extra++;
	if (getenv("VS_DAEMON_DEBUG"))
		args[n++] = "-d";
	args[n] = NULL;
	return spawn_start(&o, name);
}

/* @extra: more daemon arguments, NULL-terminated (may be NULL) */
static struct spawn *
start_daemon(const char *name, bool use_fd, const char *const *extra)
{
	return start_daemon_with(name, "cache=none,xattr,posix_lock,flock",
	                         use_fd, extra);
}

static void
connect_client(const char *what, const struct vuclient_opts *vo)
{
	vu = vuclient_connect(daemon_proc->sock, vo);
	if (!tap_ok(vu != NULL, "%s: connect to the daemon's socket", what))
		bail("no socket");
	if (!tap_ok(vuclient_start(vu) == 0,
	            "%s: vhost-user negotiation, memory table, two rings",
	            what)) {
		tap_diag("  %s", vuclient_error(vu));
		bail("vhost-user setup failed");
	}
	fc = fusecl_new(vu);
}

static void
disconnect_client(const char *what)
{
	uint32_t bases[VUC_NQUEUES];
	int q;

	if (tap_ok(vuclient_stop(vu, bases) == 0, "%s: rings stopped", what))
		for (q = 0; q < VUC_NQUEUES; q++)
			tap_is_int(bases[q], vuclient_avail_idx(vu, q),
			           "%s: GET_VRING_BASE of ring %d is the "
			           "number of chains made available",
			           what, q);
	else
		tap_diag("  %s", vuclient_error(vu));
	fusecl_free(fc);
	vuclient_free(vu);
	fc = NULL;
	vu = NULL;
	if (!tap_ok(spawn_wait(daemon_proc, 5000) &&
	                WIFEXITED(daemon_proc->status) &&
	                WEXITSTATUS(daemon_proc->status) == 0,
	            "%s: the daemon exits (status 0) when the front end "
	            "disconnects",
	            what)) {
		tap_diag("  wait status %#x", daemon_proc->status);
		spawn_dump_log(daemon_proc, stdout, 8);
	}
	spawn_free(daemon_proc);
	daemon_proc = NULL;
}

/* ---- the opcode suite ------------------------------------------------- */

static void
t_init(void)
{
	int r = fusecl_init(fc, FUSE_ASYNC_READ | FUSE_POSIX_LOCKS |
	                            FUSE_FLOCK_LOCKS | FUSE_BIG_WRITES |
	                            FUSE_DO_READDIRPLUS | FUSE_MAX_PAGES |
	                            FUSE_INIT_EXT);

	is_res(r, 0, "INIT");
	tap_is_int(fc->init.major, FUSE_KERNEL_VERSION, "INIT: major 7");
	tap_ok(fc->init.minor >= 27 &&
	           fc->init.minor <= FUSE_KERNEL_MINOR_VERSION,
	       "INIT: minor %u within 27..%u", fc->init.minor,
	       FUSE_KERNEL_MINOR_VERSION);
	tap_ok(fc->init.max_write >= 4096, "INIT: max_write %u >= 4096",
	       fc->init.max_write);
	tap_diag("INIT: minor %u flags %#x max_write %u max_pages %u",
	         fc->init.minor, fc->init.flags, fc->init.max_write,
	         fc->init.max_pages);
}

static void
t_lookup_getattr(void)
{
	struct fuse_entry_out e;
	struct fuse_attr a;
	struct stat st;

	stat(hpath("hello.txt"), &st);
	is_res(fusecl_lookup(fc, FUSE_ROOT_ID, "hello.txt", &e), 0,
	       "LOOKUP of a host file");
	tap_ok(e.nodeid != 0 && e.nodeid != FUSE_ROOT_ID,
	       "LOOKUP: a fresh node id");
	tap_is_int(e.attr.ino, st.st_ino, "LOOKUP: inode number of the host");
	tap_is_int(e.attr.size, 13, "LOOKUP: size");
	tap_ok(S_ISREG(e.attr.mode), "LOOKUP: regular file");
	is_res(fusecl_lookup(fc, FUSE_ROOT_ID, "no-such-file", &e), -ENOENT,
	       "LOOKUP of a missing name: ENOENT");
	is_res(fusecl_getattr(fc, FUSE_ROOT_ID, &a), 0, "GETATTR of the root");
	stat(share, &st);
	tap_ok(S_ISDIR(a.mode) && a.ino == st.st_ino,
	       "GETATTR: the root is the shared directory");
	is_res(fusecl_lookup(fc, FUSE_ROOT_ID, "sub", &e), 0,
	       "LOOKUP of a subdirectory");
	is_res(fusecl_lookup(fc, e.nodeid, "inner.txt", &e), 0,
	       "LOOKUP inside the subdirectory");
	is_res(fusecl_getattr(fc, e.nodeid, &a), 0, "GETATTR of a file");
	tap_is_int(a.size, 5, "GETATTR: size of sub/inner.txt");
}

static void
t_read(void)
{
	uint64_t id = lookup_id(FUSE_ROOT_ID, "hello.txt"), fh = 0;
	char buf[64];
	long n;

	is_res(fusecl_open(fc, FUSE_OPEN, id, O_RDONLY, &fh), 0,
	       "OPEN read-only");
	memset(buf, 0, sizeof(buf));
	n = fusecl_read(fc, id, fh, 0, buf, sizeof(buf));
	is_res(n, 13, "READ past EOF returns the short length");
	tap_is_str(buf, "hello, world\n", "READ: the host file's bytes");
	memset(buf, 0, sizeof(buf));
	n = fusecl_read(fc, id, fh, 7, buf, 5);
	is_res(n, 5, "READ at an offset");
	tap_is_str(buf, "world", "READ at an offset: bytes");
	is_res(fusecl_read(fc, id, fh, 4096, buf, 16), 0,
	       "READ beyond EOF returns 0 bytes");
	is_res(fusecl_release(fc, FUSE_RELEASE, id, fh), 0, "RELEASE");
}

static void
t_create_write(void)
{
	static uint8_t big[1 << 20], back[1 << 20];
	struct fuse_entry_out e;
	struct fuse_fsync_in fs = {0};
	struct fuse_flush_in fl = {0};
	uint32_t chunk;
	struct stat st;
	uint64_t fh = 0;
	long n;

	is_res(fusecl_create(fc, FUSE_ROOT_ID, "new.txt", O_RDWR | O_CREAT,
	                     S_IFREG | 0640, &e, &fh),
	       0, "CREATE");
	tap_ok(stat(hpath("new.txt"), &st) == 0 && S_ISREG(st.st_mode),
	       "CREATE: the file exists on the host");
	tap_is_int(st.st_mode & 07777, 0640, "CREATE: host mode 0640");
	tap_is_int(e.attr.ino, st.st_ino, "CREATE: entry is the host inode");

	fill_pattern(big, sizeof(big), 1);
	n = fusecl_write(fc, e.nodeid, fh, 0, big, 100000);
	is_res(n, 100000, "WRITE of 100000 bytes");
	fl.fh = fh;
	is_res(fusecl_call(fc, FUSE_FLUSH, e.nodeid, &fl, sizeof(fl), NULL,
	                   NULL, 0),
	       0, "FLUSH");
	fs.fh = fh;
	is_res(fusecl_call(fc, FUSE_FSYNC, e.nodeid, &fs, sizeof(fs), NULL,
	                   NULL, 0),
	       0, "FSYNC");
	fs.fsync_flags = FUSE_FSYNC_FDATASYNC;
	is_res(fusecl_call(fc, FUSE_FSYNC, e.nodeid, &fs, sizeof(fs), NULL,
	                   NULL, 0),
	       0, "FSYNC with FDATASYNC");
	tap_ok(read_host("new.txt", back, sizeof(back)) == 100000 &&
	           memcmp(back, big, 100000) == 0,
	       "WRITE: the host file holds the bytes");

	/* the largest write the daemon allows, up to 1 MiB, one request */
	chunk =
	    fc->init.max_write < sizeof(big) ? fc->init.max_write : sizeof(big);
	fill_pattern(big, chunk, 2);
	n = fusecl_write(fc, e.nodeid, fh, 4096, big, chunk);
	is_res(n, chunk, "WRITE of max_write (%u) bytes at 4096", chunk);
	memset(back, 0, chunk);
	n = fusecl_read(fc, e.nodeid, fh, 4096, back, chunk);
	is_res(n, chunk, "READ of %u bytes", chunk);
	tap_ok(memcmp(back, big, chunk) == 0, "READ: what WRITE wrote");
	stat(hpath("new.txt"), &st);
	tap_is_int(st.st_size, 4096 + (off_t)chunk, "WRITE: host size");
	is_res(fusecl_release(fc, FUSE_RELEASE, e.nodeid, fh), 0,
	       "RELEASE after writing");
	fusecl_forget(fc, e.nodeid, 1);
}

static void
t_setattr(void)
{
	uint64_t id = lookup_id(FUSE_ROOT_ID, "new.txt");
	struct fuse_setattr_in in;
	struct fuse_attr_out out;
	struct stat st;
	long n;

	memset(&in, 0, sizeof(in));
	in.valid = FATTR_SIZE;
	in.size = 4096;
	n = fusecl_call(fc, FUSE_SETATTR, id, &in, sizeof(in), NULL, &out,
	                sizeof(out));
	is_res(n, sizeof(out), "SETATTR size (truncate)");
	tap_is_int(out.attr.size, 4096, "SETATTR size: reply attributes");
	stat(hpath("new.txt"), &st);
	tap_is_int(st.st_size, 4096, "SETATTR size: host size");

	memset(&in, 0, sizeof(in));
	in.valid = FATTR_MODE;
	in.mode = S_IFREG | 0604;
	n = fusecl_call(fc, FUSE_SETATTR, id, &in, sizeof(in), NULL, &out,
	                sizeof(out));
	is_res(n, sizeof(out), "SETATTR mode (chmod)");
	stat(hpath("new.txt"), &st);
	tap_is_int(st.st_mode & 07777, 0604, "SETATTR mode: host mode");

	memset(&in, 0, sizeof(in));
	in.valid = FATTR_UID | FATTR_GID;
	in.uid = 4321;
	in.gid = 4322;
	n = fusecl_call(fc, FUSE_SETATTR, id, &in, sizeof(in), NULL, &out,
	                sizeof(out));
	is_res(n, sizeof(out), "SETATTR uid/gid (chown)");
	stat(hpath("new.txt"), &st);
	tap_ok(st.st_uid == 4321 && st.st_gid == 4322,
	       "SETATTR uid/gid: host owner %u:%u", st.st_uid, st.st_gid);

	memset(&in, 0, sizeof(in));
	in.valid = FATTR_MTIME | FATTR_ATIME;
	in.mtime = 1000000000;
	in.atime = 1100000000;
	n = fusecl_call(fc, FUSE_SETATTR, id, &in, sizeof(in), NULL, &out,
	                sizeof(out));
	is_res(n, sizeof(out), "SETATTR times (utimensat)");
	stat(hpath("new.txt"), &st);
	tap_ok(st.st_mtime == 1000000000 && st.st_atime == 1100000000,
	       "SETATTR times: host mtime and atime");
	if (chown(hpath("new.txt"), 0, 0) < 0)
		bail("chown back");
	fusecl_forget(fc, id, 1);
}

static void
t_fallocate_lseek(void)
{
	struct fuse_entry_out e;
	struct fuse_fallocate_in fa;
	struct fuse_lseek_in ls;
	struct fuse_lseek_out lo;
	uint8_t blk[4096];
	struct stat st;
	uint64_t fh = 0;
	off_t want;
	int hfd;
	long n;

	is_res(fusecl_create(fc, FUSE_ROOT_ID, "sparse", O_RDWR | O_CREAT,
	                     S_IFREG | 0644, &e, &fh),
	       0, "CREATE a file for FALLOCATE and LSEEK");
	memset(&fa, 0, sizeof(fa));
	fa.fh = fh;
	fa.offset = 0;
	fa.length = 1 << 20;
	n = fusecl_call(fc, FUSE_FALLOCATE, e.nodeid, &fa, sizeof(fa), NULL,
	                NULL, 0);
	is_res(n, 0, "FALLOCATE 1 MiB");
	stat(hpath("sparse"), &st);
	tap_ok(st.st_size == 1 << 20 && st.st_blocks * 512 >= 1 << 20,
	       "FALLOCATE: host size and blocks");
	fa.offset = 4 << 20;
	fa.length = 4096;
	fa.mode = FALLOC_FL_KEEP_SIZE;
	n = fusecl_call(fc, FUSE_FALLOCATE, e.nodeid, &fa, sizeof(fa), NULL,
	                NULL, 0);
	is_res(n, 0, "FALLOCATE with KEEP_SIZE");
	stat(hpath("sparse"), &st);
	tap_is_int(st.st_size, 1 << 20, "FALLOCATE KEEP_SIZE: size kept");

	/* data at 0 and at 8 MiB, a hole between */
	if (truncate(hpath("sparse"), 0) < 0)
		bail("truncate");
	memset(blk, 'x', sizeof(blk));
	n = fusecl_write(fc, e.nodeid, fh, 0, blk, sizeof(blk));
	is_res(n, sizeof(blk), "WRITE at 0 after a truncate");
	n = fusecl_write(fc, e.nodeid, fh, 8 << 20, blk, sizeof(blk));
	is_res(n, sizeof(blk), "WRITE after a hole");
	hfd = open(hpath("sparse"), O_RDONLY);
	memset(&ls, 0, sizeof(ls));
	ls.fh = fh;
	ls.offset = 0;
	ls.whence = SEEK_HOLE;
	n = fusecl_call(fc, FUSE_LSEEK, e.nodeid, &ls, sizeof(ls), NULL, &lo,
	                sizeof(lo));
	want = lseek(hfd, 0, SEEK_HOLE);
	is_res(n, sizeof(lo), "LSEEK SEEK_HOLE");
	tap_is_int(lo.offset, want, "LSEEK SEEK_HOLE: as on the host");
	ls.offset = 64 << 10;
	ls.whence = SEEK_DATA;
	n = fusecl_call(fc, FUSE_LSEEK, e.nodeid, &ls, sizeof(ls), NULL, &lo,
	                sizeof(lo));
	want = lseek(hfd, 64 << 10, SEEK_DATA);
	is_res(n, sizeof(lo), "LSEEK SEEK_DATA");
	tap_is_int(lo.offset, want, "LSEEK SEEK_DATA: as on the host");
	ls.offset = 9 << 20;
	n = fusecl_call(fc, FUSE_LSEEK, e.nodeid, &ls, sizeof(ls), NULL, &lo,
	                sizeof(lo));
	is_res(n, -ENXIO, "LSEEK SEEK_DATA past the end: ENXIO");
	close(hfd);
	fusecl_release(fc, FUSE_RELEASE, e.nodeid, fh);
	fusecl_forget(fc, e.nodeid, 1);
}

static void
t_copy_file_range(void)
{
	uint64_t src = lookup_id(FUSE_ROOT_ID, "hello.txt"), sfh = 0, dfh = 0;
	struct fuse_copy_file_range_in in;
	struct fuse_write_out out;
	struct fuse_entry_out e;
	char buf[64] = "";
	long n;

	fusecl_open(fc, FUSE_OPEN, src, O_RDONLY, &sfh);
	fusecl_create(fc, FUSE_ROOT_ID, "copy.txt", O_RDWR | O_CREAT,
	              S_IFREG | 0644, &e, &dfh);
	memset(&in, 0, sizeof(in));
	in.fh_in = sfh;
	in.off_in = 7;
	in.nodeid_out = e.nodeid;
	in.fh_out = dfh;
	in.off_out = 2;
	in.len = 6;
	n = fusecl_call(fc, FUSE_COPY_FILE_RANGE, src, &in, sizeof(in), NULL,
	                &out, sizeof(out));
	is_res(n, sizeof(out), "COPY_FILE_RANGE");
	tap_is_int(out.size, 6, "COPY_FILE_RANGE: 6 bytes copied");
	read_host("copy.txt", buf, sizeof(buf) - 1);
	tap_ok(memcmp(buf, "\0\0world\n", 8) == 0,
	       "COPY_FILE_RANGE: host file has the bytes at offset 2");
	fusecl_release(fc, FUSE_RELEASE, src, sfh);
	fusecl_release(fc, FUSE_RELEASE, e.nodeid, dfh);
	fusecl_forget(fc, e.nodeid, 1);
	fusecl_forget(fc, src, 1);
}

static void
t_statfs(void)
{
	struct fuse_statfs_out out;
	struct statvfs sv;
	long n;

	n = fusecl_call(fc, FUSE_STATFS, FUSE_ROOT_ID, NULL, 0, NULL, &out,
	                sizeof(out));
	is_res(n, sizeof(out), "STATFS");
	statvfs(share, &sv);
	tap_ok(out.st.blocks == sv.f_blocks && out.st.bsize == sv.f_bsize &&
	           out.st.namelen == sv.f_namemax,
	       "STATFS: blocks, block size and name length of the host fs");
}

static void
t_namespace_ops(void)
{
	struct fuse_entry_out d1, e, hello;
	struct fuse_mknod_in mk;
	struct fuse_rename_in rn;
	struct fuse_rename2_in rn2;
	struct fuse_link_in ln;
	uint64_t nid, ida, idb;
	struct stat st;
	char buf[256];
	long n;

	is_res(fusecl_mkdir(fc, FUSE_ROOT_ID, "d1", S_IFDIR | 0750, &d1), 0,
	       "MKDIR");
	tap_ok(stat(hpath("d1"), &st) == 0 && S_ISDIR(st.st_mode) &&
	           (st.st_mode & 07777) == 0750,
	       "MKDIR: host directory with mode 0750");
	is_res(fusecl_mkdir(fc, FUSE_ROOT_ID, "d1", S_IFDIR | 0750, &e),
	       -EEXIST, "MKDIR of an existing name: EEXIST");

	memset(&mk, 0, sizeof(mk));
	mk.mode = S_IFIFO | 0644;
	mk.umask = 022;
	n = fusecl_call(fc, FUSE_MKNOD, d1.nodeid, &mk, sizeof(mk), "fifo", &e,
	                sizeof(e));
	is_res(n, sizeof(e), "MKNOD of a FIFO");
	tap_ok(lstat(hpath("d1/fifo"), &st) == 0 && S_ISFIFO(st.st_mode),
	       "MKNOD: a FIFO on the host");
	fusecl_forget(fc, e.nodeid, 1);
	mk.mode = S_IFREG | 0600;
	n = fusecl_call(fc, FUSE_MKNOD, d1.nodeid, &mk, sizeof(mk), "plain", &e,
	                sizeof(e));
	is_res(n, sizeof(e), "MKNOD of a regular file");
	tap_ok(lstat(hpath("d1/plain"), &st) == 0 && S_ISREG(st.st_mode) &&
	           (st.st_mode & 0777) == 0600,
	       "MKNOD: a regular file with mode 0600 on the host");
	fusecl_forget(fc, e.nodeid, 1);

	{
		const char sym[] = "link\0hello.txt";
		struct iovec a = {(void *)sym, sizeof(sym)};

		n = fusecl_callv(fc, FUSE_SYMLINK, FUSE_ROOT_ID, &a, 1, &e,
		                 sizeof(e));
	}
	is_res(n, sizeof(e), "SYMLINK");
	memset(buf, 0, sizeof(buf));
	tap_ok(readlink(hpath("link"), buf, sizeof(buf) - 1) == 9 &&
	           strcmp(buf, "hello.txt") == 0,
	       "SYMLINK: the host link points at hello.txt");
	memset(buf, 0, sizeof(buf));
	n = fusecl_call(fc, FUSE_READLINK, e.nodeid, NULL, 0, NULL, buf,
	                sizeof(buf) - 1);
	is_res(n, 9, "READLINK");
	tap_is_str(buf, "hello.txt", "READLINK: the target");
	fusecl_forget(fc, e.nodeid, 1);

	fusecl_lookup(fc, FUSE_ROOT_ID, "hello.txt", &hello);
	ln.oldnodeid = hello.nodeid;
	n = fusecl_call(fc, FUSE_LINK, d1.nodeid, &ln, sizeof(ln), "hl", &e,
	                sizeof(e));
	is_res(n, sizeof(e), "LINK");
	stat(hpath("hello.txt"), &st);
	tap_is_int(st.st_nlink, 2, "LINK: host link count 2");
	tap_is_int(e.attr.nlink, 2, "LINK: reply link count 2");
	tap_is_int(e.nodeid, hello.nodeid,
	           "LINK: a hard link is the same node as its original");
	fusecl_forget(fc, e.nodeid, 1);
	fusecl_forget(fc, hello.nodeid, 1);

	/*
	 * The guest kernel always holds a LOOKUP reference on a name before
	 * it sends RENAME, UNLINK or RMDIR for it; do the same (QEMU's
	 * virtiofsd answers EIO to names it has no inode for).
	 */
	nid = lookup_id(FUSE_ROOT_ID, "new.txt");
	rn.newdir = d1.nodeid;
	{
		struct iovec a[3] = {
		    {&rn, sizeof(rn)},
		    {"new.txt", 8},
		    {"renamed.txt", 12},
		};

		n = fusecl_callv(fc, FUSE_RENAME, FUSE_ROOT_ID, a, 3, NULL, 0);
	}
	is_res(n, 0, "RENAME across directories");
	tap_ok(access(hpath("new.txt"), F_OK) < 0 &&
	           access(hpath("d1/renamed.txt"), F_OK) == 0,
	       "RENAME: moved on the host");
	fusecl_forget(fc, nid, 1);

	write_host("a.txt", "AAAA", 4);
	write_host("b.txt", "BB", 2);
	ida = lookup_id(FUSE_ROOT_ID, "a.txt");
	idb = lookup_id(FUSE_ROOT_ID, "b.txt");
	memset(&rn2, 0, sizeof(rn2));
	rn2.newdir = FUSE_ROOT_ID;
	rn2.flags = RENAME_NOREPLACE;
	{
		struct iovec a[3] = {
		    {&rn2, sizeof(rn2)},
		    {"a.txt", 6},
		    {"b.txt", 6},
		};

		n = fusecl_callv(fc, FUSE_RENAME2, FUSE_ROOT_ID, a, 3, NULL, 0);
		is_res(n, -EEXIST, "RENAME2 NOREPLACE onto a file: EEXIST");
		rn2.flags = RENAME_EXCHANGE;
		n = fusecl_callv(fc, FUSE_RENAME2, FUSE_ROOT_ID, a, 3, NULL, 0);
		is_res(n, 0, "RENAME2 EXCHANGE");
	}
	memset(buf, 0, sizeof(buf));
	read_host("a.txt", buf, sizeof(buf));
	tap_is_str(buf, "BB", "RENAME2 EXCHANGE: the host files swapped");
	fusecl_forget(fc, ida, 1);
	fusecl_forget(fc, idb, 1);

	nid = lookup_id(d1.nodeid, "hl");
	n = fusecl_call(fc, FUSE_UNLINK, d1.nodeid, NULL, 0, "hl", NULL, 0);
	is_res(n, 0, "UNLINK");
	tap_ok(access(hpath("d1/hl"), F_OK) < 0, "UNLINK: gone on the host");
	fusecl_forget(fc, nid, 1);
	n = fusecl_call(fc, FUSE_UNLINK, d1.nodeid, NULL, 0, "hl", NULL, 0);
	if (kind == KIND_REFERENCE)
		/* lo_unlink looks the name up in its inode table first */
		is_res(n, -EIO,
		       "UNLINK of a missing name: EIO (reference "
		       "daemon)");
	else
		is_res(n, -ENOENT, "UNLINK of a missing name: ENOENT");
	n = fusecl_call(fc, FUSE_RMDIR, FUSE_ROOT_ID, NULL, 0, "d1", NULL, 0);
	is_res(n, -ENOTEMPTY, "RMDIR of a non-empty directory: ENOTEMPTY");
	fusecl_mkdir(fc, d1.nodeid, "empty", S_IFDIR | 0755, &e);
	n = fusecl_call(fc, FUSE_RMDIR, d1.nodeid, NULL, 0, "empty", NULL, 0);
	is_res(n, 0, "RMDIR");
	tap_ok(access(hpath("d1/empty"), F_OK) < 0, "RMDIR: gone on the host");
	fusecl_forget(fc, e.nodeid, 1);
	fusecl_forget(fc, d1.nodeid, 1);
}

/* Read a whole directory with READDIR or READDIRPLUS in small buffers. */
static int
read_dir(uint64_t id, uint32_t opcode, uint32_t bufsize, int *names_seen,
         const char *prefix, int nprefix, int *dots, bool *attrs_ok)
{
	static uint8_t buf[65536];
	struct fuse_read_in in;
	uint64_t fh = 0, off = 0;
	int total = 0, rounds = 0;
	long n;

	if (fusecl_open(fc, FUSE_OPENDIR, id, O_RDONLY, &fh) < 0)
		return -1;
	for (;;) {
		size_t p = 0;

		memset(&in, 0, sizeof(in));
		in.fh = fh;
		in.offset = off;
		in.size = bufsize;
		n = fusecl_call(fc, opcode, id, &in, sizeof(in), NULL, buf,
		                bufsize);
		if (n < 0 || ++rounds > 100000) {
			total = -1;
			break;
		}
		if (n == 0)
			break;
		while (p < (size_t)n) {
			const struct fuse_dirent *d;
			const struct fuse_entry_out *eo = NULL;
			size_t reclen;
			char name[256];

			if (opcode == FUSE_READDIRPLUS) {
				const struct fuse_direntplus *dp =
				    (const void *)(buf + p);

				eo = &dp->entry_out;
				d = &dp->dirent;
				reclen = FUSE_DIRENTPLUS_SIZE(dp);
			} else {
				d = (const void *)(buf + p);
				reclen = FUSE_DIRENT_SIZE(d);
			}
			if (d->namelen > 255 || p + reclen > (size_t)n) {
				tap_diag("  malformed directory entry");
				total = -1;
				goto out;
			}
			memcpy(name, d->name, d->namelen);
			name[d->namelen] = 0;
			off = d->off;
			p += reclen;
			total++;
			if (!strcmp(name, ".") || !strcmp(name, "..")) {
				(*dots)++;
				continue;
			}
			/* every entry of READDIRPLUS is a lookup */
			if (eo && !eo->nodeid)
				*attrs_ok = false;
			if (eo && eo->nodeid) {
				struct stat st;
				char rel[300];

				snprintf(rel, sizeof(rel), "many/%s", name);
				if (lstat(hpath(rel), &st) < 0 ||
				    st.st_ino != eo->attr.ino ||
				    st.st_size != (off_t)eo->attr.size)
					*attrs_ok = false;
				fusecl_forget(fc, eo->nodeid, 1);
			}
			if (!strncmp(name, prefix, strlen(prefix))) {
				int k = atoi(name + strlen(prefix));

				if (k >= 0 && k < nprefix)
					names_seen[k]++;
			}
		}
	}
out:
	is_res(fusecl_call(fc, FUSE_FSYNCDIR, id,
	                   &(struct fuse_fsync_in){.fh = fh},
	                   sizeof(struct fuse_fsync_in), NULL, NULL, 0),
	       0, "%s: FSYNCDIR",
	       opcode == FUSE_READDIR ? "READDIR" : "READDIRPLUS");
	is_res(fusecl_release(fc, FUSE_RELEASEDIR, id, fh), 0, "%s: RELEASEDIR",
	       opcode == FUSE_READDIR ? "READDIR" : "READDIRPLUS");
	return total;
}

static void
t_readdir(void)
{
	enum { N = 300 };
	int seen[N], i, dots, once;
	bool attrs_ok;
	uint64_t id;
	int total;
	char rel[64];

	mkdir(hpath("many"), 0755);
	for (i = 0; i < N; i++) {
		snprintf(rel, sizeof(rel), "many/entry-%d", i);
		write_host(rel, "0123456789abcdefg", i % 17);
	}
	id = lookup_id(FUSE_ROOT_ID, "many");
	tap_ok(id != 0, "LOOKUP of a directory with %d entries", N);

	memset(seen, 0, sizeof(seen));
	dots = 0;
	attrs_ok = true;
	total = read_dir(id, FUSE_READDIR, 4096, seen, "entry-", N, &dots,
	                 &attrs_ok);
	tap_is_int(total, N + 2, "READDIR in 4 KiB pieces: %d entries + . ..",
	           N);
	for (i = 0, once = 0; i < N; i++)
		once += seen[i] == 1;
	tap_is_int(once, N, "READDIR: every host entry exactly once");
	tap_is_int(dots, 2, "READDIR: . and ..");

	memset(seen, 0, sizeof(seen));
	dots = 0;
	total = read_dir(id, FUSE_READDIRPLUS, 4096, seen, "entry-", N, &dots,
	                 &attrs_ok);
	tap_is_int(total, N + 2, "READDIRPLUS in 4 KiB pieces");
	for (i = 0, once = 0; i < N; i++)
		once += seen[i] == 1;
	tap_is_int(once, N, "READDIRPLUS: every host entry exactly once");
	tap_ok(attrs_ok, "READDIRPLUS: entries carry the host inode and size");
	fusecl_forget(fc, id, 1);
}

static void
t_access(void)
{
	uint64_t id = lookup_id(FUSE_ROOT_ID, "hello.txt");
	struct fuse_access_in in = {.mask = R_OK | W_OK};

	if (kind == KIND_REFERENCE) {
		/*
		 * QEMU 7.2's virtiofsd has no access handler; the guest
		 * kernel then checks permissions itself.
		 */
		is_res(fusecl_call(fc, FUSE_ACCESS, id, &in, sizeof(in), NULL,
		                   NULL, 0),
		       -ENOSYS, "ACCESS: ENOSYS (reference daemon)");
		fusecl_forget(fc, id, 1);
		return;
	}
	is_res(fusecl_call(fc, FUSE_ACCESS, id, &in, sizeof(in), NULL, NULL, 0),
	       0, "ACCESS R_OK|W_OK");
	in.mask = X_OK;
	is_res(fusecl_call(fc, FUSE_ACCESS, id, &in, sizeof(in), NULL, NULL, 0),
	       -EACCES, "ACCESS X_OK on a 0644 file: EACCES");
	fusecl_forget(fc, id, 1);
}

static void
t_xattr(void)
{
	uint64_t id = lookup_id(FUSE_ROOT_ID, "hello.txt");
	struct fuse_setxattr_in si;
	struct fuse_getxattr_in gi;
	struct fuse_getxattr_out go;
	char buf[256];
	long n;

	memset(&si, 0, sizeof(si));
	si.size = 5;
	{
		/* without FUSE_SETXATTR_EXT the header is the 8-byte form */
		struct iovec a[3] = {
		    {&si, FUSE_COMPAT_SETXATTR_IN_SIZE},
		    {"user.test", 10},
		    {"value", 5},
		};

		n = fusecl_callv(fc, FUSE_SETXATTR, id, a, 3, NULL, 0);
	}
	is_res(n, 0, "SETXATTR user.test");
	memset(buf, 0, sizeof(buf));
	tap_ok(getxattr(hpath("hello.txt"), "user.test", buf, sizeof(buf)) ==
	               5 &&
	           !strcmp(buf, "value"),
	       "SETXATTR: the host file has the attribute");

	gi.size = 0;
	gi.padding = 0;
	n = fusecl_call(fc, FUSE_GETXATTR, id, &gi, sizeof(gi), "user.test",
	                &go, sizeof(go));
	is_res(n, sizeof(go), "GETXATTR size probe");
	tap_is_int(go.size, 5, "GETXATTR size probe: 5");
	gi.size = sizeof(buf);
	memset(buf, 0, sizeof(buf));
	n = fusecl_call(fc, FUSE_GETXATTR, id, &gi, sizeof(gi), "user.test",
	                buf, sizeof(buf));
	is_res(n, 5, "GETXATTR");
	tap_is_str(buf, "value", "GETXATTR: the value");
	gi.size = 2;
	n = fusecl_call(fc, FUSE_GETXATTR, id, &gi, sizeof(gi), "user.test",
	                buf, 2);
	is_res(n, -ERANGE, "GETXATTR into a short buffer: ERANGE");

	gi.size = 0;
	n = fusecl_call(fc, FUSE_LISTXATTR, id, &gi, sizeof(gi), NULL, &go,
	                sizeof(go));
	is_res(n, sizeof(go), "LISTXATTR size probe");
	tap_ok(go.size >= 10, "LISTXATTR size probe: %u", go.size);
	gi.size = sizeof(buf);
	memset(buf, 0, sizeof(buf));
	n = fusecl_call(fc, FUSE_LISTXATTR, id, &gi, sizeof(gi), NULL, buf,
	                sizeof(buf));
	tap_ok(n >= 10 && memmem(buf, n, "user.test", 10) != NULL,
	       "LISTXATTR: lists user.test");

	n = fusecl_call(fc, FUSE_REMOVEXATTR, id, NULL, 0, "user.test", NULL,
	                0);
	is_res(n, 0, "REMOVEXATTR");
	tap_ok(getxattr(hpath("hello.txt"), "user.test", buf, sizeof(buf)) <
	               0 &&
	           errno == ENODATA,
	       "REMOVEXATTR: gone on the host");
	gi.size = sizeof(buf);
	n = fusecl_call(fc, FUSE_GETXATTR, id, &gi, sizeof(gi), "user.test",
	                buf, sizeof(buf));
	is_res(n, -ENODATA, "GETXATTR of a removed attribute: ENODATA");
	fusecl_forget(fc, id, 1);
}

/* Can a host process take a write lock on @rel (fcntl or flock)? */
static int
host_try_lock(const char *rel, bool use_flock)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int fd = open(hpath(rel), O_RDWR);
		struct flock fl = {.l_type = F_WRLCK,
		                   .l_whence = SEEK_SET,
		                   .l_start = 0,
		                   .l_len = 100};

		if (fd < 0)
			_exit(2);
		if (use_flock)
			_exit(flock(fd, LOCK_EX | LOCK_NB) < 0 ? 1 : 0);
		_exit(fcntl(fd, F_SETLK, &fl) < 0 ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st); /* 0 locked, 1 conflict */
}

static long
lk_call(uint32_t opcode, uint64_t id, uint64_t fh, uint64_t owner,
        uint32_t type, uint32_t lk_flags, struct fuse_lk_out *out)
{
	struct fuse_lk_in in;

	memset(&in, 0, sizeof(in));
	in.fh = fh;
	in.owner = owner;
	in.lk.start = 0;
	in.lk.end = 99;
	in.lk.type = type;
	/* the kernel sends the caller's pid on SETLK, 0 on GETLK/unlock */
	in.lk.pid = opcode == FUSE_GETLK || type == F_UNLCK ? 0 : 4242;
	in.lk_flags = lk_flags;
	return fusecl_call(fc, opcode, id, &in, sizeof(in), NULL, out,
	                   out ? sizeof(*out) : 0);
}

static void
t_locks(void)
{
	uint64_t id = lookup_id(FUSE_ROOT_ID, "hello.txt"), fa = 0, fb = 0;
	struct fuse_lk_out lo;
	long n;

	fusecl_open(fc, FUSE_OPEN, id, O_RDWR, &fa);
	fusecl_open(fc, FUSE_OPEN, id, O_RDWR, &fb);
	n = lk_call(FUSE_SETLK, id, fa, 0xa, F_WRLCK, 0, NULL);
	is_res(n, 0, "SETLK write lock (owner A)");
	tap_is_int(host_try_lock("hello.txt", false), 1,
	           "SETLK: a host process sees the lock");
	memset(&lo, 0, sizeof(lo));
	n = lk_call(FUSE_GETLK, id, fb, 0xb, F_WRLCK, 0, &lo);
	is_res(n, sizeof(lo), "GETLK (owner B)");
	tap_is_int(lo.lk.type, F_WRLCK, "GETLK: reports the conflicting lock");
	n = lk_call(FUSE_SETLK, id, fb, 0xb, F_WRLCK, 0, NULL);
	is_res(n, -EAGAIN, "SETLK conflicting (owner B): EAGAIN");

	if (kind == KIND_REFERENCE) {
		/*
		 * QEMU 7.2's virtiofsd answers EOPNOTSUPP to SETLKW
		 * (lo_setlk: "Don't support blocking locks") rather than
		 * block its queue thread.
		 */
		n = lk_call(FUSE_SETLKW, id, fb, 0xb, F_WRLCK, 0, NULL);
		is_res(n, -EOPNOTSUPP, "SETLKW: EOPNOTSUPP (reference daemon)");
		n = lk_call(FUSE_SETLK, id, fa, 0xa, F_UNLCK, 0, NULL);
		is_res(n, 0, "SETLK unlock (owner A)");
	} else {
		/* ours blocks the one request, never the queue */
		struct fuse_lk_in in;
		struct iovec a = {&in, sizeof(in)};
		struct fusecl_pending p;
		struct fuse_attr at;

		memset(&in, 0, sizeof(in));
		in.fh = fb;
		in.owner = 0xb;
		in.lk.end = 99;
		in.lk.type = F_WRLCK;
		tap_ok(fusecl_submit(fc, VUC_QUEUE_REQUEST, FUSE_SETLKW, id, &a,
		                     1, NULL, 0, &p) == 0,
		       "SETLKW on a held lock submitted");
		is_res(fusecl_getattr(fc, id, &at), 0,
		       "GETATTR completes while SETLKW waits");
		n = lk_call(FUSE_SETLK, id, fa, 0xa, F_UNLCK, 0, NULL);
		is_res(n, 0, "SETLK unlock (owner A) while SETLKW waits");
		is_res(fusecl_wait(fc, &p, 5000), 0,
		       "SETLKW completes once the lock is free");
		tap_is_int(host_try_lock("hello.txt", false), 1,
		           "SETLKW: owner B holds the lock on the host");
		n = lk_call(FUSE_SETLK, id, fb, 0xb, F_UNLCK, 0, NULL);
		is_res(n, 0, "SETLK unlock (owner B)");
	}
	tap_is_int(host_try_lock("hello.txt", false), 0,
	           "SETLK unlock: a host process can lock again");

	n = lk_call(FUSE_SETLK, id, fa, 0xa, F_WRLCK, FUSE_LK_FLOCK, NULL);
	is_res(n, 0, "SETLK with FUSE_LK_FLOCK (flock LOCK_EX)");
	tap_is_int(host_try_lock("hello.txt", true), 1,
	           "flock: a host process sees the lock");
	n = lk_call(FUSE_SETLK, id, fa, 0xa, F_UNLCK, FUSE_LK_FLOCK, NULL);
	is_res(n, 0, "SETLK with FUSE_LK_FLOCK unlock");
	tap_is_int(host_try_lock("hello.txt", true), 0,
	           "flock unlock: a host process can lock again");
	fusecl_release(fc, FUSE_RELEASE, id, fa);
	fusecl_release(fc, FUSE_RELEASE, id, fb);
	fusecl_forget(fc, id, 1);
}

static void
t_hiprio(void)
{
	struct fuse_interrupt_in ii = {.unique = 2};
	struct iovec a = {&ii, sizeof(ii)};
	struct {
		struct fuse_batch_forget_in b;
		struct fuse_forget_one one[2];
	} bf;
	struct iovec ab = {&bf, sizeof(bf)};
	uint64_t id1, id2;

	id1 = lookup_id(FUSE_ROOT_ID, "a.txt");
	lookup_id(FUSE_ROOT_ID, "a.txt");
	id2 = lookup_id(FUSE_ROOT_ID, "b.txt");
	is_res(fusecl_forget(fc, id1, 1), 0,
	       "FORGET on the hiprio queue: chain returned, no reply");
	memset(&bf, 0, sizeof(bf));
	bf.b.count = 2;
	bf.one[0].nodeid = id1;
	bf.one[0].nlookup = 1;
	bf.one[1].nodeid = id2;
	bf.one[1].nlookup = 1;
	is_res(
	    fusecl_noreply(fc, VUC_QUEUE_HIPRIO, FUSE_BATCH_FORGET, 0, &ab, 1),
	    0, "BATCH_FORGET: chain returned, no reply");
	if (kind == KIND_REFERENCE)
		/*
		 * QEMU 7.2's virtiofsd queues an INTERRUPT whose target it
		 * cannot find and later answers it EAGAIN on a chain that
		 * has no writable buffer, then dies. Linux never sends
		 * INTERRUPT over virtio-fs, so it never shows in practice.
		 */
		tap_skip(1, "reference daemon dies on FUSE_INTERRUPT");
	else
		is_res(fusecl_noreply(fc, VUC_QUEUE_HIPRIO, FUSE_INTERRUPT, 0,
		                      &a, 1),
		       0,
		       "INTERRUPT of a finished request: chain returned, "
		       "no reply");
	is_res(fusecl_getattr(fc, FUSE_ROOT_ID, NULL), 0,
	       "the daemon still serves after FORGET and INTERRUPT");
	tap_ok(lookup_id(FUSE_ROOT_ID, "a.txt") != 0,
	       "LOOKUP of a forgotten name works again");
}

static void
t_misc(void)
{
	struct fuse_syncfs_in sf = {0};

	is_res(fusecl_call(fc, FUSE_SYNCFS, FUSE_ROOT_ID, &sf, sizeof(sf), NULL,
	                   NULL, 0),
	       0, "SYNCFS");
	is_res(fusecl_call(fc, 9999, FUSE_ROOT_ID, NULL, 0, NULL, NULL, 0),
	       -ENOSYS, "unknown opcode 9999: ENOSYS");
	is_res(fusecl_call(fc, FUSE_DESTROY, 0, NULL, 0, NULL, NULL, 0), 0,
	       "DESTROY");
}

/* ---- transport variants on a second daemon started with --fd ---------- */

static void
t_transport(void)
{
	struct vuclient_opts vo = {
	    .want_indirect = true,
	    .want_event_idx = true,
	};
	static uint8_t big[256 << 10], back[256 << 10];
	struct fusecl_pending p[32];
	struct fuse_entry_out e;
	uint64_t feats, fh = 0;
	int i, ok;
	long n;

	daemon_proc = start_daemon("fsd-fd", true, NULL);
	if (!daemon_proc)
		bail("cannot start the daemon with --fd");
	vo.use_add_mem_reg = true;
	vu = vuclient_connect(daemon_proc->sock, &vo);
	if (!tap_ok(vu != NULL, "--fd: connect to the socket libvirt-style"))
		bail("no socket");
	if (!tap_ok(vuclient_start(vu) == 0,
	            "--fd: negotiation with ADD_MEM_REG per region")) {
		tap_diag("  ADD_MEM_REG path: %s", vuclient_error(vu));
		bail("vhost-user setup with --fd failed");
	}
	fc = fusecl_new(vu);
	feats = vuclient_features(vu);
	tap_diag("transport: offered %#llx negotiated %#llx protocol %#llx",
	         (unsigned long long)vuclient_offered_features(vu),
	         (unsigned long long)feats,
	         (unsigned long long)vuclient_protocol_features(vu));
	tap_ok(!(vuclient_protocol_features(vu) &
	         (1ull << VHOST_USER_PROTOCOL_F_CONFIG)),
	       "PROTOCOL_F_CONFIG is not negotiated (QEMU 7.2 serves config)");
	is_res(fusecl_init(fc, FUSE_MAX_PAGES | FUSE_INIT_EXT), 0,
	       "--fd: INIT");

	tap_ok(feats & (1ull << VIRTIO_RING_F_EVENT_IDX),
	       "EVENT_IDX negotiated");
	tap_ok(feats & (1ull << VIRTIO_RING_F_INDIRECT_DESC),
	       "INDIRECT_DESC negotiated");

	/* many requests in flight at once, reaped in any order */
	for (i = 0; i < 32; i++)
		if (fusecl_submit(
		        fc, VUC_QUEUE_REQUEST, FUSE_GETATTR, FUSE_ROOT_ID,
		        &(struct iovec){&(struct fuse_getattr_in){0},
		                        sizeof(struct fuse_getattr_in)},
		        1, back + i * 128, sizeof(struct fuse_attr_out),
		        &p[i]) < 0)
			bail(fusecl_error(fc));
	for (i = 0, ok = 0; i < 32; i++)
		ok += fusecl_wait(fc, &p[i], 0) == sizeof(struct fuse_attr_out);
	tap_is_int(ok, 32, "32 GETATTR requests in flight at once");

	if (feats & (1ull << VIRTIO_RING_F_INDIRECT_DESC)) {
		fc->mode = VUC_CHAIN_INDIRECT;
		is_res(fusecl_create(fc, FUSE_ROOT_ID, "indirect.bin",
		                     O_RDWR | O_CREAT, S_IFREG | 0644, &e, &fh),
		       0, "indirect chain: CREATE");
		fill_pattern(big, sizeof(big), 3);
		is_res(fusecl_write(fc, e.nodeid, fh, 0, big, sizeof(big)),
		       sizeof(big), "indirect chain: WRITE 256 KiB");
		n = fusecl_read(fc, e.nodeid, fh, 0, back, sizeof(back));
		tap_ok(n == sizeof(back) && !memcmp(big, back, n),
		       "indirect chain: READ 256 KiB back");
		tap_ok(read_host("indirect.bin", back, sizeof(back)) ==
		               sizeof(big) &&
		           !memcmp(big, back, sizeof(big)),
		       "indirect chain: the host file has the bytes");
		fusecl_release(fc, FUSE_RELEASE, e.nodeid, fh);
	} else {
		tap_skip(4, "INDIRECT_DESC not offered");
	}

	/*
	 * Buffers cut in pieces alternating between the two memory regions,
	 * the FUSE header itself across three descriptors: the virtio spec
	 * lets a driver frame buffers any way it likes.
	 */
	fc->mode = VUC_CHAIN_SPLIT;
	is_res(fusecl_create(fc, FUSE_ROOT_ID, "split.bin", O_RDWR | O_CREAT,
	                     S_IFREG | 0644, &e, &fh),
	       0, "split chain: CREATE");
	fill_pattern(big, sizeof(big), 4);
	is_res(fusecl_write(fc, e.nodeid, fh, 0, big, sizeof(big)), sizeof(big),
	       "split chain: WRITE 256 KiB");
	n = fusecl_read(fc, e.nodeid, fh, 0, back, sizeof(back));
	tap_ok(n == sizeof(back) && !memcmp(big, back, n),
	       "split chain: READ 256 KiB back");
	tap_ok(read_host("split.bin", back, sizeof(back)) == sizeof(big) &&
	           !memcmp(big, back, sizeof(big)),
	       "split chain: the host file has the bytes");
	fusecl_release(fc, FUSE_RELEASE, e.nodeid, fh);
	fc->mode = VUC_CHAIN_DIRECT;
	disconnect_client("--fd");
}

/* ---- set-user-ID and set-group-ID bits (issue 14) --------------------- */

/*
 * A guest user who changes a set-user-ID or set-group-ID file must not
 * leave it so: on the host the bits go as the kernel lets them go for a
 * caller without CAP_FSETID (write, truncate, fallocate, copy_file_range,
 * open with O_TRUNC), and on chown for anyone. Each case makes a file of
 * owner 1000 on the host, sends what Linux 6.1 sends for the operation
 * and the caller, and reads the mode on the host.
 *
 * Without FUSE_HANDLE_KILLPRIV_V2 Linux clears the bits itself (a SETATTR
 * of the mode) before a cached write, a truncate, fallocate or
 * copy_file_range when its cached attributes show them. What reaches the
 * daemon without that SETATTR is tested here: a direct (cache=none) write,
 * which carries FUSE_WRITE_KILL_SUIDGID instead; an open with O_TRUNC,
 * where the kernel drops its own SETATTR (atomic_o_trunc); and the rest
 * from a guest whose cache did not show the bits (set on the host since).
 */

#define KP_OWNER 1000
#define KP_N(a)  (sizeof(a) / sizeof((a)[0]))

struct kp_caller {
	const char *name;
	uint32_t uid, gid;
	bool fsetid;  /* has CAP_FSETID in the guest */
	bool v2flags; /* sends the FUSE_HANDLE_KILLPRIV_V2 flags anyway */
};

static const struct kp_caller kp_nobody = {"nobody", 65534, 65534, false,
                                           false};
static const struct kp_caller kp_root = {"root", 0, 0, true, false};
static const struct kp_caller kp_root_nofsetid = {"root without CAP_FSETID", 0,
                                                  0, false, false};
static const struct kp_caller kp_root_v2flags = {
    "root without CAP_FSETID, with the KILLPRIV_V2 flags", 0, 0, false, true};

static const char kp_ref_guest[] =
    "reference daemon: QEMU 7.2's virtiofsd leaves this to the guest "
    "kernel, which clears the bits only when its cache shows them";
static const char kp_ref_trunc[] =
    "reference daemon: Linux drops its own SETATTR of the mode for an "
    "O_TRUNC open (atomic_o_trunc), and QEMU 7.2's virtiofsd opens as root "
    "with CAP_FSETID unless run with -o killpriv_v2";
static const char kp_ref_create[] =
    "reference daemon: QEMU 7.2's virtiofsd aborts when CREATE opens an "
    "existing file (glibc: openat with O_CREAT and no mode)";
static const char kp_ref_v2[] =
    "reference daemon: QEMU 7.2's virtiofsd obeys FATTR_KILL_SUIDGID and "
    "FUSE_OPEN_KILL_SUIDGID only with -o killpriv_v2";

static bool kp_v2;                 /* FUSE_HANDLE_KILLPRIV_V2 negotiated */
static uint64_t kp_dir;            /* the directory of the cases */
static uint64_t kp_src, kp_src_fh; /* COPY_FILE_RANGE's source */
static unsigned kp_serial;

typedef long (*kp_op_fn)(uint64_t id, const char *name,
                         const struct kp_caller *c);

/* The kernel's KILL_SUIDGID flags for this caller */
static bool
kp_flags(const struct kp_caller *c)
{
	return !c->fsetid && (kp_v2 || c->v2flags);
}

static long
kp_open(uint64_t id, uint32_t flags, uint32_t open_flags, uint64_t *fh)
{
	struct fuse_open_in in = {.flags = flags, .open_flags = open_flags};
	struct fuse_open_out out;
	long n = fusecl_call(fc, FUSE_OPEN, id, &in, sizeof(in), NULL, &out,
	                     sizeof(out));

	if (n >= 0)
		*fh = out.fh;
	return n < 0 ? n : 0;
}

/*
 * Open id write-only, send opcode for nodeid with the arguments a (the
 * handle goes to *fh_slot, inside them), release: what the guest sends
 * for a write, fallocate or copy_file_range on a file it opens for it.
 */
static long
kp_on_open(uint64_t id, uint32_t opcode, uint64_t nodeid, const struct iovec *a,
           int na, uint64_t *fh_slot, void *out, size_t outsize)
{
	uint64_t fh = 0;
	long n = kp_open(id, O_WRONLY, 0, &fh);

	if (n < 0)
		return n;
	*fh_slot = fh;
	n = fusecl_callv(fc, opcode, nodeid, a, na, out, outsize);
	fusecl_release(fc, FUSE_RELEASE, id, fh);
	return n;
}

static long
kp_write(uint64_t id, uint32_t write_flags)
{
	struct fuse_write_in in = {.size = 4, .write_flags = write_flags};
	struct fuse_write_out out;
	struct iovec a[2] = {{&in, sizeof(in)}, {"EVIL", 4}};
	long n =
	    kp_on_open(id, FUSE_WRITE, id, a, 2, &in.fh, &out, sizeof(out));

	return n < 0 ? n : out.size == 4 ? 0 : -EIO;
}

/* fuse_direct_io(): the flag whenever the caller lacks CAP_FSETID */
static long
kp_op_write_direct(uint64_t id, const char *name, const struct kp_caller *c)
{
	(void)name;
	return kp_write(id, c->fsetid ? 0 : FUSE_WRITE_KILL_SUIDGID);
}

/* fuse_send_write_pages(): the flag only with KILLPRIV_V2 */
static long
kp_op_write_cached(uint64_t id, const char *name, const struct kp_caller *c)
{
	(void)name;
	return kp_write(id, kp_flags(c) ? FUSE_WRITE_KILL_SUIDGID : 0);
}

static long
kp_setattr(uint64_t id, struct fuse_setattr_in *in)
{
	struct fuse_attr_out out;
	long n = fusecl_call(fc, FUSE_SETATTR, id, in, sizeof(*in), NULL, &out,
	                     sizeof(out));

	return n < 0 ? n : 0;
}

static long
kp_op_truncate(uint64_t id, const char *name, const struct kp_caller *c)
{
	struct fuse_setattr_in in = {
	    .valid = FATTR_SIZE | FATTR_LOCKOWNER, .size = 2, .lock_owner = 1};

	(void)name;
	if (kp_flags(c))
		in.valid |= FATTR_KILL_SUIDGID;
	return kp_setattr(id, &in);
}

static long
kp_op_chown(uint64_t id, const char *name, const struct kp_caller *c)
{
	struct fuse_setattr_in in = {.valid = FATTR_UID | FATTR_GID,
	                             .uid = KP_OWNER + 1,
	                             .gid = KP_OWNER + 1};

	(void)name;
	/* "Kill suid/sgid for non-directory chown unconditionally" */
	if (kp_v2 || c->v2flags)
		in.valid |= FATTR_KILL_SUIDGID;
	return kp_setattr(id, &in);
}

/* chmod g+s of a file whose group the daemon is not in: CAP_FSETID */
static long
kp_op_chmod_sgid(uint64_t id, const char *name, const struct kp_caller *c)
{
	struct fuse_setattr_in in = {.valid = FATTR_MODE,
	                             .mode = S_IFREG | 02755};

	(void)name;
	(void)c;
	return kp_setattr(id, &in);
}

static long
kp_op_fallocate(uint64_t id, const char *name, const struct kp_caller *c)
{
	struct fuse_fallocate_in in = {.length = 65536};
	struct iovec a = {&in, sizeof(in)};

	(void)name;
	(void)c;
	return kp_on_open(id, FUSE_FALLOCATE, id, &a, 1, &in.fh, NULL, 0);
}

static long
kp_op_copy_file_range(uint64_t id, const char *name, const struct kp_caller *c)
{
	struct fuse_copy_file_range_in in = {
	    .fh_in = kp_src_fh, .nodeid_out = id, .len = 5};
	struct iovec a = {&in, sizeof(in)};
	struct fuse_write_out out;
	long n = kp_on_open(id, FUSE_COPY_FILE_RANGE, kp_src, &a, 1, &in.fh_out,
	                    &out, sizeof(out));

	(void)name;
	(void)c;
	return n < 0 ? n : out.size == 5 ? 0 : -EIO;
}

static long
kp_op_open_trunc(uint64_t id, const char *name, const struct kp_caller *c)
{
	uint64_t fh = 0;
	long n = kp_open(id, O_WRONLY | O_TRUNC,
	                 kp_flags(c) ? FUSE_OPEN_KILL_SUIDGID : 0, &fh);

	(void)name;
	if (n == 0)
		fusecl_release(fc, FUSE_RELEASE, id, fh);
	return n;
}

/* An O_CREAT|O_TRUNC open of a name the guest believed missing */
static long
kp_op_create_trunc(uint64_t id, const char *name, const struct kp_caller *c)
{
	struct fuse_create_in in = {
	    .flags = O_WRONLY | O_CREAT | O_TRUNC,
	    .mode = S_IFREG | 0644,
	    .umask = 022,
	    .open_flags = kp_flags(c) ? FUSE_OPEN_KILL_SUIDGID : 0,
	};
	struct fuse_entry_out e;
	uint64_t fh = 0;
	long n = fusecl_create_in(fc, kp_dir, name, &in, &e, &fh);

	if (n < 0)
		return n;
	fusecl_release(fc, FUSE_RELEASE, e.nodeid, fh);
	fusecl_forget(fc, e.nodeid, 1);
	return e.nodeid == id ? 0 : -ESTALE;
}

/* ACCESS runs as the caller: the daemon changes its ids and back */
static long
kp_op_access(uint64_t id, const char *name, const struct kp_caller *c)
{
	struct fuse_access_in in = {.mask = W_OK};
	long n;

	(void)name;
	(void)c;
	n = fusecl_call(fc, FUSE_ACCESS, id, &in, sizeof(in), NULL, NULL, 0);
	return n == -ENOSYS ? 0 : n; /* the reference has no ACCESS */
}

/*
 * One case: a fresh host file of @mode, @op by @c, then the host mode
 * must be @want. @ref_skip: why the reference daemon is not held to it.
 */
static void
kp_case(const char *what, kp_op_fn op, const struct kp_caller *c, mode_t mode,
        mode_t want, const char *ref_skip)
{
	char name[32], rel[64];
	struct stat st;
	uint64_t id;
	long r;

	if (kind == KIND_REFERENCE && ref_skip) {
		tap_skip(1, ref_skip);
		return;
	}
	snprintf(name, sizeof(name), "f%u", ++kp_serial);
	snprintf(rel, sizeof(rel), "kp/%s", name);
	write_host(rel, "0123456789", 10);
	if (chown(hpath(rel), KP_OWNER, KP_OWNER) < 0 ||
	    chmod(hpath(rel), mode) < 0)
		bail("cannot make a set-user-ID file on the host");
	id = lookup_id(kp_dir, name);
	fc->uid = c->uid;
	fc->gid = c->gid;
	r = id ? op(id, name, c) : -ENOENT;
	fc->uid = 0;
	fc->gid = 0;
	if (r == -FUSECL_EBROKEN)
		is_res(r, 0, "%s by %s", what, c->name);
	st.st_mode = 0;
	stat(hpath(rel), &st);
	if (!tap_ok(r == 0 && (st.st_mode & 07777) == want,
	            "%s by %s, %04o file: host mode %04o", what, c->name,
	            (unsigned)mode, (unsigned)want))
		tap_diag("  reply %ld (%s), host mode %04o", r,
		         r < 0 ? strerror(-r) : "success",
		         (unsigned)(st.st_mode & 07777));
	if (id)
		fusecl_forget(fc, id, 1);
}

/* What a caller without CAP_FSETID may do that clears the bits */
static const struct kp_op {
	const char *what;
	kp_op_fn fn;
	const char *ref_skip; /* for a caller without CAP_FSETID */
	const char *ref_any;  /* for any caller */
} kp_ops[] = {
    {"WRITE (direct I/O)", kp_op_write_direct, NULL},
    {"WRITE (cached; the guest saw no bits)", kp_op_write_cached, kp_ref_guest},
    {"SETATTR size (the guest saw no bits)", kp_op_truncate, kp_ref_guest},
    {"FALLOCATE (the guest saw no bits)", kp_op_fallocate, kp_ref_guest},
    {"COPY_FILE_RANGE (the guest saw no bits)", kp_op_copy_file_range,
     kp_ref_guest},
    {"OPEN with O_TRUNC", kp_op_open_trunc, kp_ref_trunc},
    {"CREATE with O_TRUNC of an existing file", kp_op_create_trunc,
     kp_ref_create, kp_ref_create},
};

static void
kp_session(const char *label, const char *const *extra)
{
	static const mode_t modes[] = {04777, 02777, 06777};
	/* what Linux 6.1 offers that changes nothing the client models */
	uint32_t offer =
	    FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_ATOMIC_O_TRUNC |
	    FUSE_BIG_WRITES | FUSE_FLOCK_LOCKS | FUSE_DO_READDIRPLUS |
	    FUSE_ASYNC_DIO | FUSE_PARALLEL_DIROPS | FUSE_HANDLE_KILLPRIV |
	    FUSE_MAX_PAGES | FUSE_HANDLE_KILLPRIV_V2 | FUSE_INIT_EXT;
	char what[96], dir[32];
	size_t i, m;

	daemon_proc = start_daemon("fsd-kp", false, extra);
	if (!daemon_proc)
		bail("cannot start the daemon");
	connect_client(label, NULL);
	is_res(fusecl_init(fc, offer), 0, "%s: INIT as Linux 6.1", label);
	tap_diag("%s: INIT flags %#x", label, fc->init.flags);
	kp_v2 = fc->init.flags & FUSE_HANDLE_KILLPRIV_V2;
	if (kind == KIND_OURS)
		tap_ok(!(fc->init.flags &
		         (FUSE_HANDLE_KILLPRIV | FUSE_HANDLE_KILLPRIV_V2)),
		       "%s: neither HANDLE_KILLPRIV nor HANDLE_KILLPRIV_V2: "
		       "the guest clears the bits in its own cache",
		       label);
	if (!tap_ok(fc->init.flags & FUSE_ATOMIC_O_TRUNC,
	            "%s: ATOMIC_O_TRUNC negotiated (O_TRUNC comes in OPEN)",
	            label) ||
	    (fc->init.flags & FUSE_HANDLE_KILLPRIV && !kp_v2))
		bail("the cases model a kernel with atomic O_TRUNC and "
		     "without KILLPRIV (v1)");
	snprintf(dir, sizeof(dir), "kp");
	mkdir(hpath(dir), 0777);
	chmod(hpath(dir), 0777);
	kp_dir = lookup_id(FUSE_ROOT_ID, dir);
	kp_src = lookup_id(FUSE_ROOT_ID, "hello.txt");
	if (!kp_dir || !kp_src || kp_open(kp_src, O_RDONLY, 0, &kp_src_fh) < 0)
		bail("cannot look up the files of the privilege cases");

	for (i = 0; i < KP_N(kp_ops); i++)
		for (m = 0; m < KP_N(modes); m++) {
			snprintf(what, sizeof(what), "%s: %s", label,
			         kp_ops[i].what);
			kp_case(what, kp_ops[i].fn, &kp_nobody, modes[m], 0777,
			        kp_ops[i].ref_skip);
		}
	for (m = 0; m < KP_N(modes); m++) {
		snprintf(what, sizeof(what), "%s: SETATTR uid/gid (chown)",
		         label);
		kp_case(what, kp_op_chown, &kp_root, modes[m], 0777, NULL);
	}
	/* a caller with CAP_FSETID keeps them */
	for (i = 0; i < KP_N(kp_ops); i++) {
		snprintf(what, sizeof(what), "%s: %s", label, kp_ops[i].what);
		kp_case(what, kp_ops[i].fn, &kp_root, 06777, 06777,
		        kp_ops[i].ref_any);
	}
	/* root without CAP_FSETID: only the flags tell */
	snprintf(what, sizeof(what), "%s: %s", label, kp_ops[0].what);
	kp_case(what, kp_op_write_direct, &kp_root_nofsetid, 06777, 0777, NULL);
	snprintf(what, sizeof(what), "%s: SETATTR size", label);
	kp_case(what, kp_op_truncate, &kp_root_v2flags, 06777, 0777, kp_ref_v2);
	snprintf(what, sizeof(what), "%s: OPEN with O_TRUNC", label);
	kp_case(what, kp_op_open_trunc, &kp_root_v2flags, 06777, 0777,
	        kp_ref_v2);
	snprintf(what, sizeof(what),
	         "%s: CREATE with O_TRUNC of an existing file", label);
	kp_case(what, kp_op_create_trunc, &kp_root_v2flags, 06777, 0777,
	        kp_ref_v2);

	/*
	 * Without a thread pool one thread serves every request: what one
	 * request does to its capabilities must not leak into the next.
	 */
	snprintf(what, sizeof(what), "%s: %s", label, kp_ops[0].what);
	kp_case(what, kp_op_write_direct, &kp_nobody, 04777, 0777, NULL);
	snprintf(what, sizeof(what), "%s: then SETATTR mode 02755 (chmod g+s)",
	         label);
	kp_case(what, kp_op_chmod_sgid, &kp_root, 0755, 02755, NULL);
	snprintf(what, sizeof(what), "%s: %s", label, kp_ops[6].what);
	kp_case(what, kp_op_create_trunc, &kp_nobody, 04777, 0777,
	        kp_ref_create);
	snprintf(what, sizeof(what), "%s: then %s", label, kp_ops[0].what);
	kp_case(what, kp_op_write_direct, &kp_nobody, 04777, 0777, NULL);
	snprintf(what, sizeof(what), "%s: ACCESS W_OK", label);
	kp_case(what, kp_op_access, &kp_nobody, 04777, 04777, NULL);
	snprintf(what, sizeof(what), "%s: then %s", label, kp_ops[0].what);
	kp_case(what, kp_op_write_direct, &kp_nobody, 04777, 0777, NULL);

	fusecl_release(fc, FUSE_RELEASE, kp_src, kp_src_fh);
	disconnect_client(label);
}

static void
t_killpriv(void)
{
	static const char *const nopool[] = {"--thread-pool-size=0", NULL};
	static const char *const chroot[] = {"--thread-pool-size=0",
	                                     "--sandbox=chroot", NULL};
	static const char *const none[] = {"--thread-pool-size=0",
	                                   "--sandbox=none", NULL};

	if (kind == KIND_REFERENCE) {
		kp_session("privilege bits", nopool);
		return;
	}
	kp_session("privilege bits, sandbox namespace", nopool);
	kp_session("privilege bits, sandbox chroot", chroot);
	kp_session("privilege bits, sandbox none", none);
}

/*
 * What each cache mode makes the guest send. With cache=none the guest
 * must ask again for every name and attribute (timeouts 0, no negative
 * entries), never cache data (direct I/O, no writeback cache) and must
 * not be told to use READDIRPLUS, which only adds lookups then; and every
 * mode must let it send requests in parallel and 1 MiB at once. The
 * guest's offer is Linux 6.1's virtiofs (flags and flags2 0xb of its
 * INIT, seen in the reference daemon's debug log).
 */
#define GUEST_6_1_INIT_FLAGS 0x7bfffffbu

static const struct cache_case {
	const char *mode;
	uint64_t valid_min, valid_max; /* entry and attribute timeouts (s) */
} cache_cases[] = {
    {"none", 0, 0},
    {"auto", 1, 1},
    {"always", 3600, UINT64_MAX},
};

static void
t_cache_mode(const struct cache_case *cc)
{
	struct vuclient_opts vo = {
	    .want_indirect = true,
	    .want_event_idx = true,
	};
	struct fuse_getattr_in gin = {0};
	struct fuse_attr_out aout;
	struct fuse_open_in oin = {.flags = O_RDONLY};
	struct fuse_open_out oout;
	struct fuse_entry_out e;
	char label[64], options[64];
	bool none = !strcmp(cc->mode, "none");
	uint32_t fl;
	long r;

	snprintf(label, sizeof(label), "cache=%s", cc->mode);
	snprintf(options, sizeof(options), "cache=%s", cc->mode);
	daemon_proc = start_daemon_with("fsd-cache", options, false, NULL);
	if (!daemon_proc)
		bail("cannot start the daemon");
	connect_client(label, &vo);
	is_res(fusecl_init(fc, GUEST_6_1_INIT_FLAGS), 0, "%s: INIT", label);
	fl = fc->init.flags;
	tap_diag("%s: INIT flags %#x max_pages %u max_background %u", label,
	         fl, fc->init.max_pages, fc->init.max_background);
	tap_ok((fl & FUSE_ASYNC_READ) && (fl & FUSE_PARALLEL_DIROPS),
	       "%s: INIT: async reads, parallel directory operations", label);
	tap_ok((fl & FUSE_MAX_PAGES) && fc->init.max_pages >= 256 &&
	           fc->init.max_write >= (1u << 20),
	       "%s: INIT: 1 MiB requests (max_pages %u, max_write %u)", label,
	       fc->init.max_pages, fc->init.max_write);
	tap_ok(!(fl & (FUSE_NO_OPEN_SUPPORT | FUSE_NO_OPENDIR_SUPPORT)),
	       "%s: INIT: OPEN and OPENDIR stay (answered, not ENOSYS)",
	       label);
	if (none) {
		tap_ok(!(fl & FUSE_DO_READDIRPLUS),
		       "%s: INIT: no READDIRPLUS (only lookups without a "
		       "cache)",
		       label);
		tap_ok(!(fl & FUSE_WRITEBACK_CACHE),
		       "%s: INIT: no writeback cache", label);
	}

	is_res(fusecl_lookup(fc, FUSE_ROOT_ID, "hello.txt", &e), 0,
	       "%s: LOOKUP", label);
	tap_ok(e.entry_valid >= cc->valid_min &&
	           e.entry_valid <= cc->valid_max &&
	           e.attr_valid >= cc->valid_min &&
	           e.attr_valid <= cc->valid_max &&
	           (cc->valid_max || (!e.entry_valid_nsec && !e.attr_valid_nsec)),
	       "%s: LOOKUP: entry %llu.%09u s, attributes %llu.%09u s", label,
	       (unsigned long long)e.entry_valid, e.entry_valid_nsec,
	       (unsigned long long)e.attr_valid, e.attr_valid_nsec);
	r = fusecl_call(fc, FUSE_GETATTR, e.nodeid, &gin, sizeof(gin), NULL,
	                &aout, sizeof(aout));
	is_res(r, sizeof(aout), "%s: GETATTR", label);
	tap_ok(aout.attr_valid >= cc->valid_min &&
	           aout.attr_valid <= cc->valid_max &&
	           (cc->valid_max || !aout.attr_valid_nsec),
	       "%s: GETATTR: attributes %llu.%09u s", label,
	       (unsigned long long)aout.attr_valid, aout.attr_valid_nsec);
	r = fusecl_call(fc, FUSE_OPEN, e.nodeid, &oin, sizeof(oin), NULL, &oout,
	                sizeof(oout));
	is_res(r, sizeof(oout), "%s: OPEN", label);
	if (none)
		tap_ok(oout.open_flags & FOPEN_DIRECT_IO,
		       "%s: OPEN: direct I/O (open flags %#x)", label,
		       oout.open_flags);
	if (r == sizeof(oout))
		fusecl_release(fc, FUSE_RELEASE, e.nodeid, oout.fh);
	if (none)
		is_res(fusecl_lookup(fc, FUSE_ROOT_ID, "no-such-file", &e),
		       -ENOENT, "%s: LOOKUP of a missing name: ENOENT, no "
		       "negative entry",
		       label);
	disconnect_client(label);
}

static void
t_cache_modes(void)
{
	size_t i;

	for (i = 0; i < sizeof(cache_cases) / sizeof(cache_cases[0]); i++)
		t_cache_mode(&cache_cases[i]);
}

static void
populate_share(void)
{
	snprintf(workdir, sizeof(workdir), "%s/vs-fuse-ops.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(workdir))
		bail("mkdtemp");
	snprintf(share, sizeof(share), "%s/share", workdir);
	if (mkdir(share, 0755) < 0)
		bail("mkdir share");
	write_host("hello.txt", "hello, world\n", 13);
	mkdir(hpath("sub"), 0755);
	write_host("sub/inner.txt", "inner", 5);
}

static void
cleanup(void)
{
	char cmd[600];

	spawn_free(daemon_proc);
	if (workdir[0] && !getenv("VS_KEEP_TMP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", workdir);
		if (system(cmd) != 0)
			fprintf(stderr, "# could not remove %s\n", workdir);
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"daemon", required_argument, NULL, 'd'},
	    {"kind", required_argument, NULL, 'k'},
	    {NULL, 0, NULL, 0},
	};
	const char *kname = "ours";
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			daemon_path = optarg;
			break;
		case 'k':
			kname = optarg;
			break;
		default:
			fprintf(stderr,
			        "usage: %s --daemon=PATH "
			        "--kind=ours|reference\n",
			        argv[0]);
			return 2;
		}
	}
	if (!daemon_path) {
		fprintf(stderr, "%s: --daemon=PATH is required\n", argv[0]);
		return 2;
	}
	kind = strcmp(kname, "reference") ? KIND_OURS : KIND_REFERENCE;
	signal(SIGPIPE, SIG_IGN);
	if (access(daemon_path, X_OK) < 0) {
		printf("1..0 # SKIP %s is not there\n", daemon_path);
		return 0;
	}
	if (kind == KIND_REFERENCE && geteuid() != 0) {
		printf("1..0 # SKIP the reference daemon needs root for its "
		       "sandbox\n");
		return 0;
	}
	populate_share();
	atexit(cleanup);
	tap_diag("%s daemon %s, share %s", kname, daemon_path, share);

	daemon_proc = start_daemon("fsd", false, NULL);
	if (!daemon_proc)
		bail("cannot start the daemon");
	connect_client("--socket-path", NULL);
	t_init();
	t_lookup_getattr();
	t_read();
	t_create_write();
	t_setattr();
	t_fallocate_lseek();
	t_copy_file_range();
	t_statfs();
	t_namespace_ops();
	t_readdir();
	t_access();
	t_xattr();
	t_locks();
	t_hiprio();
	t_misc();
	disconnect_client("--socket-path");

	t_transport();
	t_cache_modes();
	t_killpriv();
	return tap_done();
}
