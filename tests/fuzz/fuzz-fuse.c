/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-fuse.c: libFuzzer target for virtshare-fsd's FUSE requests */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <linux/fuse.h>

#include "fuse.h"
#include "fuzz-fsd.h"
#include "lockwait.h"
#include "log.h"
#include "passthrough.h"
#include "util.h"

/*
 * The share is BASE/share, reseeded before every input with files, a
 * directory, a FIFO and symlinks pointing out of it; BASE/outside is its
 * sibling, which nothing the guest sends may change: it is checked after
 * every input (and in depth by the replay test at the end).
 *
 * The input: one byte of setup (bit 0: INIT first with the usual
 * arguments; 1: read-only; 2-3: cache mode; 4: xattr; 5: posix_lock and
 * flock; 6: readdirplus; 7: a descriptor limit of 4 instead of 1024),
 * then requests, each as:
 *
 *   u8 ctl: bits 0-1: number of readable buffers - 1 the request is split
 *           into; bits 2-4: the reply room (fuzz_rooms[]); bit 5: the
 *           reply room split in two buffers
 *   u16 length (little endian), then that many bytes of request (fewer
 *           if the input ends)
 *
 * Every buffer is its own allocation of exactly its size, so that ASan
 * sees a read or write past any of them.
 */

#define FUZZ_FSIZE_MAX (8 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int fuzz_replay_finish(void);

static const size_t fuzz_rooms[8] = {
	0, 15, 16, 80, 160, 4096, 8192 + 160, 128 * 1024 + 160,
};

static char fuzz_base[64], fuzz_share[96], fuzz_outside[96];
static bool fuzz_mounted;

/* What BASE/outside must still hold, entry by entry. */
static const struct fuzz_entry {
	const char *path;	/* under BASE/outside */
	mode_t mode;
	const char *content;	/* of a file, or the target of a symlink */
} fuzz_outside_entries[] = {
	{ "", S_IFDIR | 0755, NULL },
	{ "secret", S_IFREG | 0600, "outside the share\n" },
	{ "dir", S_IFDIR | 0700, NULL },
	{ "dir/file", S_IFREG | 0644, "also outside\n" },
	{ "link", S_IFLNK | 0777, "secret" },
};

struct fuzz_snap {
	struct stat st;
	char content[64];
	ssize_t len;
};

static struct fuzz_snap fuzz_outside_snap[sizeof(fuzz_outside_entries) /
					  sizeof(fuzz_outside_entries[0])];

#define FUZZ_NOUTSIDE \
	(sizeof(fuzz_outside_entries) / sizeof(fuzz_outside_entries[0]))

static void
fuzz_die(const char *what)
{
	fprintf(stderr, "fuzz-fuse: %s: %s\n", what, strerror(errno));
	abort();
}

static void
fuzz_path(char *buf, size_t size, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, size, "%s%s%s", dir, *name ? "/" : "",
			     name) >= size)
		abort();
}

static void
fuzz_snap_take(const struct fuzz_entry *e, struct fuzz_snap *s)
{
	char path[256];
	int fd;

	fuzz_path(path, sizeof(path), fuzz_outside, e->path);
	memset(s, 0, sizeof(*s));
	s->len = -1;
	if (lstat(path, &s->st) < 0)
		return;
	if (S_ISLNK(s->st.st_mode)) {
		s->len = readlink(path, s->content, sizeof(s->content));
	} else if (S_ISREG(s->st.st_mode)) {
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			s->len = read(fd, s->content, sizeof(s->content));
			close(fd);
		}
	}
}

/* 0 if BASE/outside is as it was made, else -1 with what changed. */
static int
fuzz_outside_check(bool times)
{
	unsigned i, n = 0;
	struct dirent *d;
	DIR *dir;
	int ret = 0;

	for (i = 0; i < FUZZ_NOUTSIDE; i++) {
		const struct fuzz_snap *a = &fuzz_outside_snap[i];
		struct fuzz_snap b;

		fuzz_snap_take(&fuzz_outside_entries[i], &b);
		if (b.st.st_mode != a->st.st_mode ||
		    b.st.st_ino != a->st.st_ino ||
		    b.st.st_uid != a->st.st_uid ||
		    b.st.st_gid != a->st.st_gid ||
		    b.st.st_nlink != a->st.st_nlink ||
		    b.st.st_size != a->st.st_size || b.len != a->len ||
		    memcmp(b.content, a->content, sizeof(a->content)) ||
		    (times && (b.st.st_mtim.tv_sec != a->st.st_mtim.tv_sec ||
			       b.st.st_mtim.tv_nsec != a->st.st_mtim.tv_nsec ||
			       b.st.st_ctim.tv_sec != a->st.st_ctim.tv_sec ||
			       b.st.st_ctim.tv_nsec !=
				   a->st.st_ctim.tv_nsec))) {
			fprintf(stderr, "fuzz-fuse: %s/%s changed\n",
				fuzz_outside, fuzz_outside_entries[i].path);
			ret = -1;
		}
	}
	/* Nothing new in BASE or BASE/outside either. */
	dir = opendir(fuzz_base);
	if (!dir)
		fuzz_die(fuzz_base);
	while ((d = readdir(dir)))
		n++;
	closedir(dir);
	if (n != 4) {
		fprintf(stderr, "fuzz-fuse: %s holds %u entries\n", fuzz_base,
			n);
		ret = -1;
	}
	n = 0;
	dir = opendir(fuzz_outside);
	if (!dir)
		fuzz_die(fuzz_outside);
	while ((d = readdir(dir)))
		n++;
	closedir(dir);
	if (n != 5) {
		fprintf(stderr, "fuzz-fuse: %s holds %u entries\n",
			fuzz_outside, n);
		ret = -1;
	}
	return ret;
}

static int
fuzz_rm_one(const char *path, const struct stat *st, int flag,
	    struct FTW *ftw)
{
	if (ftw->level == 0)
		return 0;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0)
		fuzz_die(path);
	return 0;
}

static int
fuzz_chmod_one(const char *path, const struct stat *st, int flag,
	       struct FTW *ftw)
{
	/* The guest may have left a directory we cannot enter. */
	if (flag == FTW_D || flag == FTW_DNR)
		chmod(path, 0700);
	return 0;
}

static void
fuzz_write(const char *dir, const char *name, const char *content,
	   mode_t mode)
{
	char path[256];
	int fd;

	fuzz_path(path, sizeof(path), dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, content, strlen(content)) < 0 ||
	    fchmod(fd, mode) < 0)
		fuzz_die(path);
	close(fd);
}

static void
fuzz_mkdir(const char *dir, const char *name, mode_t mode)
{
	char path[256];

	fuzz_path(path, sizeof(path), dir, name);
	if (mkdir(path, mode) < 0 || chmod(path, mode) < 0)
		fuzz_die(path);
}

static void
fuzz_symlink(const char *dir, const char *name, const char *target)
{
	char path[256];

	fuzz_path(path, sizeof(path), dir, name);
	if (symlink(target, path) < 0)
		fuzz_die(path);
}

/* Empty BASE/share and plant the same tree again. */
static void
fuzz_share_seed(void)
{
	char path[256];

	if (chmod(fuzz_share, 0755) < 0)
		fuzz_die(fuzz_share);
	nftw(fuzz_share, fuzz_chmod_one, 16, FTW_PHYS);
	if (nftw(fuzz_share, fuzz_rm_one, 16, FTW_PHYS | FTW_DEPTH) < 0)
		fuzz_die(fuzz_share);
	fuzz_write(fuzz_share, "hello.txt", "hello, world\n", 0644);
	fuzz_write(fuzz_share, "empty", "", 0600);
	fuzz_mkdir(fuzz_share, "dir", 0755);
	fuzz_write(fuzz_share, "dir/nested.txt", "nested\n", 0644);
	fuzz_mkdir(fuzz_share, "dir/sub", 0700);
	fuzz_symlink(fuzz_share, "up", "../outside/secret");
	fuzz_symlink(fuzz_share, "dir/upup", "../../outside");
	fuzz_symlink(fuzz_share, "abs", fuzz_outside);
	fuzz_symlink(fuzz_share, "dotdot", "..");
	fuzz_path(path, sizeof(path), fuzz_share, "fifo");
	if (mkfifo(path, 0644) < 0)
		fuzz_die(path);
}

static void
fuzz_cleanup(void)
{
	char cmd[128];

	if (!fuzz_base[0])
		return;
	if (fuzz_mounted)
		umount2(fuzz_base, MNT_DETACH);
	else
		nftw(fuzz_base, fuzz_chmod_one, 16, FTW_PHYS);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_base);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz-fuse: cannot remove %s\n", fuzz_base);
}

/*
 * As root, the scratch tree is a small nodev tmpfs in a mount namespace
 * of our own: a device node the guest makes cannot be opened, and nothing
 * fills the host's disk. Otherwise it is a plain directory.
 */
static void
fuzz_mount_scratch(void)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0)
		return;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return;
	if (mount("fuzz-fuse", fuzz_base, "tmpfs", MS_NODEV | MS_NOSUID,
		  "size=64m,mode=0755") == 0)
		fuzz_mounted = true;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct rlimit rl = { FUZZ_FSIZE_MAX, FUZZ_FSIZE_MAX };
	const char *tmp = getenv("TMPDIR");
	unsigned i;

	log_init(getenv("FUZZ_LOG") ? LOG_LVL_DEBUG : LOG_LVL_OFF, false);
	/* No file grows past a few MiB, whatever the offsets. */
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
		fuzz_die("RLIMIT_FSIZE");
	snprintf(fuzz_base, sizeof(fuzz_base), "%s/vs-fuzz-fuse-XXXXXX",
		 tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(fuzz_base))
		fuzz_die(fuzz_base);
	atexit(fuzz_cleanup);
	fuzz_mount_scratch();
	fuzz_path(fuzz_share, sizeof(fuzz_share), fuzz_base, "share");
	fuzz_path(fuzz_outside, sizeof(fuzz_outside), fuzz_base, "outside");
	fuzz_mkdir(fuzz_base, "share", 0755);
	fuzz_mkdir(fuzz_base, "outside", 0755);
	fuzz_write(fuzz_outside, "secret", "outside the share\n", 0600);
	fuzz_mkdir(fuzz_outside, "dir", 0700);
	fuzz_write(fuzz_outside, "dir/file", "also outside\n", 0644);
	fuzz_symlink(fuzz_outside, "link", "secret");
	for (i = 0; i < FUZZ_NOUTSIDE; i++)
		fuzz_snap_take(&fuzz_outside_entries[i],
			       &fuzz_outside_snap[i]);
	if (fuzz_outside_check(true) < 0)
		abort();
	return 0;
}

int
fuzz_replay_finish(void)
{
	return fuzz_outside_check(true);
}

static int
fuzz_deliver(void *opaque, unsigned qidx, uint16_t head, uint32_t epoch,
	     const void *reply, size_t len)
{
	/* The reply must be whole; it goes nowhere. */
	if (len < sizeof(struct fuse_out_header))
		abort();
	return 0;
}

/*
 * A reply of r bytes must say so in its header, answer the request's
 * unique, and carry an errno or data, not both.
 */
static void
fuzz_check_reply(const struct iovec *in, unsigned nin, size_t r,
		 const uint8_t *req, size_t len)
{
	struct fuse_out_header oh;
	struct fuse_in_header ih;
	size_t got = 0;
	unsigned i;

	for (i = 0; i < nin && got < sizeof(oh); i++) {
		size_t n = MIN(in[i].iov_len, sizeof(oh) - got);

		memcpy((char *)&oh + got, in[i].iov_base, n);
		got += n;
	}
	memcpy(&ih, req, MIN(len, sizeof(ih)));
	if (oh.len != r || (len >= sizeof(ih) && oh.unique != ih.unique) ||
	    oh.error > 0 || oh.error <= -4096 ||
	    (oh.error && r != sizeof(oh))) {
		fprintf(stderr, "fuzz-fuse: reply of %zu bytes with header len "
				"%u unique %llu error %d\n",
			r, oh.len, (unsigned long long)oh.unique, oh.error);
		abort();
	}
}

/* Run one request, split as ctl says, and check the reply's framing. */
static void
fuzz_call(struct fuse_server *srv, uint8_t ctl, const uint8_t *req,
	  size_t len, unsigned desc_limit)
{
	unsigned nout = (ctl & 3) + 1, nin = 0, i;
	size_t room = fuzz_rooms[(ctl >> 2) & 7], off = 0;
	struct iovec out[4], in[2];
	struct fuse_call call = {
		.out = out,
		.in = in,
		.qidx = 1,
		.desc_limit = desc_limit,
	};
	long r;

	for (i = 0; i < nout; i++) {
		size_t n = i + 1 == nout ? len - off : len / nout;

		out[i].iov_base = malloc(n ? n : 1);
		out[i].iov_len = n;
		memcpy(out[i].iov_base, req + off, n);
		off += n;
	}
	if (room) {
		size_t first = ctl & 0x20 ? room / 2 : room;

		in[nin].iov_base = malloc(first);
		in[nin++].iov_len = first;
		if (room - first) {
			in[nin].iov_base = malloc(room - first);
			in[nin++].iov_len = room - first;
		}
	}
	call.out_num = nout;
	call.in_num = nin;
	r = fuse_process(srv, &call);
	if (r != FUSE_DEFERRED && (r < 0 || (size_t)r > room)) {
		fprintf(stderr, "fuzz-fuse: a reply of %ld bytes in %zu\n", r,
			room);
		abort();
	}
	if (r >= (long)sizeof(struct fuse_out_header))
		fuzz_check_reply(in, nin, (size_t)r, req, len);
	for (i = 0; i < nout; i++)
		free(out[i].iov_base);
	for (i = 0; i < nin; i++)
		free(in[i].iov_base);
}

static void
fuzz_init(struct fuse_server *srv)
{
	struct {
		struct fuse_in_header h;
		struct fuse_init_in in;
	} req = {
		.h = { .len = sizeof(req), .opcode = FUSE_INIT, .unique = 1 },
		.in = { .major = 7, .minor = 38, .max_readahead = 65536,
			.flags = 0xffffffff, .flags2 = 0xffffffff },
	};

	fuzz_call(srv, 0x5 << 2, (const uint8_t *)&req, sizeof(req), 1024);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum pt_cache caches[4] = {
		PT_CACHE_NEVER, PT_CACHE_METADATA, PT_CACHE_AUTO,
		PT_CACHE_ALWAYS,
	};
	uint8_t setup = size ? data[0] : 0;
	struct pt_config pcfg = {
		.source = fuzz_share,
		.cache = caches[(setup >> 2) & 3],
		.xattr = setup & 0x10,
		.readonly = setup & 0x02,
		.max_inodes = 64,
		.max_handles = 32,
	};
	struct fuse_config fcfg = {
		.cache = pcfg.cache,
		.posix_lock = setup & 0x20,
		.flock = setup & 0x20,
		.readdirplus = setup & 0x40,
		.deliver = fuzz_deliver,
	};
	unsigned desc_limit = setup & 0x80 ? 4 : 1024;
	struct fuse_server *srv;
	struct lockwait *lw;
	struct pt_fs *fs;
	size_t pos = 1;
	int err = 0;

	if (!fuzz_base[0])
		LLVMFuzzerInitialize(NULL, NULL);
	/* libFuzzer catches it after LLVMFuzzerInitialize(): EFBIG it is. */
	signal(SIGXFSZ, SIG_IGN);
	fuzz_share_seed();
	fuzz_fd_check_begin();
	fs = pt_new(&pcfg, &err);
	if (!fs) {
		errno = err;
		fuzz_die("pt_new");
	}
	lw = lockwait_new();
	fcfg.fs = fs;
	fcfg.lw = lw;
	srv = fuse_server_new(&fcfg);
	if (setup & 1)
		fuzz_init(srv);
	while (pos + 3 <= size) {
		uint8_t ctl = data[pos];
		size_t len = data[pos + 1] | (size_t)data[pos + 2] << 8;

		pos += 3;
		len = len < size - pos ? len : size - pos;
		fuzz_call(srv, ctl, data + pos, len, desc_limit);
		pos += len;
	}
	lockwait_free(lw);
	fuse_server_free(srv);
	pt_free(fs);
	fuzz_fd_check_end();
	if (fuzz_outside_check(false) < 0)
		abort();
	return 0;
}
