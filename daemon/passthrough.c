/* SPDX-License-Identifier: GPL-2.0-or-later */
/* passthrough.c: the host side of the FUSE file system (inodes, handles) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <linux/capability.h>
#include <linux/fs.h>

#include "log.h"
#include "passthrough.h"
#include "util.h"

#define PT_LONG_TIMEOUT 86400

/* A POSIX lock owner's private file description on an inode. */
struct pt_owner {
	uint64_t owner;
	int fd;
	struct pt_owner *next;
};

struct pt_inode {
	uint64_t nodeid;
	dev_t dev;
	ino_t ino;
	mode_t type;		/* S_IFMT bits: they never change */
	int fd;			/* O_PATH */
	uint64_t nlookup;	/* the guest's references */
	uint64_t refs;		/* ours (requests, handles) */
	pthread_mutex_t owners_lock;
	struct pt_owner *owners;
	struct pt_inode *next_id;	/* also the list of the dead */
	struct pt_inode *next_key;
};

struct pt_handle {
	uint64_t fh;
	int fd;
	bool is_dir;
	unsigned refs;
	struct pt_inode *inode;	/* holds a reference */
	pthread_mutex_t dir_lock; /* position of the directory stream */
	uint64_t dir_pos;
	bool dir_pos_valid;
	struct pt_handle *next_dead;
};

struct pt_fs {
	struct pt_config cfg;
	char *source;
	int proc_fd;		/* /proc/self/fd */
	bool switch_creds;	/* we run as root: act as the caller */
	uint64_t entry_timeout;
	uint64_t attr_timeout;
	/*
	 * Whether the guest still held the inode of the last name it looked
	 * up: the guess for the next (pt_do_lookup()). Read and written
	 * relaxed, by any thread; a wrong guess costs one system call.
	 */
	bool lookup_held;

	/* Everything below is under lock. */
	pthread_mutex_t lock;
	struct pt_inode *root;
	struct pt_inode **by_id;
	struct pt_inode **by_key;
	size_t nbuckets;	/* a power of two */
	size_t ninodes;
	uint64_t next_nodeid;
	struct pt_handle **handles; /* slot -> handle */
	uint32_t *handle_gen;
	size_t handle_cap;
	unsigned *free_slots;
	size_t nfree;
	size_t nhandles;
	/* Dropped under the lock, closed and freed by pt_unlock(). */
	struct pt_inode *dead_inodes;
	struct pt_handle *dead_handles;
};

/* ---- names and small helpers ------------------------------------------ */

int
pt_name_check(const char *name)
{
	size_t len;

	if (!name || !*name)
		return EINVAL;
	if (STREQ(name, ".") || STREQ(name, ".."))
		return EINVAL;
	if (strchr(name, '/'))
		return EINVAL;
	len = strlen(name);
	if (len > NAME_MAX)
		return ENAMETOOLONG;
	return 0;
}

static int
pt_xattr_name_check(const char *name)
{
	if (!name || !*name)
		return EINVAL;
	if (strlen(name) > XATTR_NAME_MAX)
		return ERANGE;
	return 0;
}

/* The name of fd in /proc/self/fd. */
static void
pt_procname(char buf[16], int fd)
{
	snprintf(buf, 16, "%d", fd);
}

/* Open the object behind an O_PATH fd for real (never a symlink). */
static int
pt_reopen(struct pt_fs *fs, int fd, int flags)
{
	char name[16];

	pt_procname(name, fd);
	return openat(fs->proc_fd, name, (flags & ~O_NOFOLLOW) | O_CLOEXEC);
}

static int
pt_stat_fd(int fd, struct stat *st)
{
	return fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0
		   ? errno
		   : 0;
}

static void
pt_fill_attr(const struct stat *st, struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = st->st_ino;
	a->size = (uint64_t)st->st_size;
	a->blocks = (uint64_t)st->st_blocks;
	a->atime = (uint64_t)st->st_atim.tv_sec;
	a->mtime = (uint64_t)st->st_mtim.tv_sec;
	a->ctime = (uint64_t)st->st_ctim.tv_sec;
	a->atimensec = (uint32_t)st->st_atim.tv_nsec;
	a->mtimensec = (uint32_t)st->st_mtim.tv_nsec;
	a->ctimensec = (uint32_t)st->st_ctim.tv_nsec;
	a->mode = st->st_mode;
	a->nlink = (uint32_t)st->st_nlink;
	a->uid = st->st_uid;
	a->gid = st->st_gid;
	a->rdev = (uint32_t)st->st_rdev;
	a->blksize = (uint32_t)st->st_blksize;
}

void
pt_timeouts(const struct pt_fs *fs, uint64_t *entry, uint64_t *attr)
{
	*entry = fs->entry_timeout;
	*attr = fs->attr_timeout;
}

bool
pt_readonly(const struct pt_fs *fs)
{
	return fs->cfg.readonly;
}

/*
 * Act with the caller's ids for a create, so the new file is theirs and
 * the host checks their rights. The raw syscalls change only this thread
 * (glibc's wrappers would change every thread).
 */
static int
pt_cred_enter(struct pt_fs *fs, const struct pt_cred *cred)
{
	if (!fs->switch_creds || (cred->uid == 0 && cred->gid == 0))
		return 0;
	if (syscall(SYS_setresgid, -1, cred->gid, -1) < 0)
		return errno;
	if (syscall(SYS_setresuid, -1, cred->uid, -1) < 0) {
		int err = errno;

		if (syscall(SYS_setresgid, -1, 0, -1) < 0)
			abort();
		return err;
	}
	return 0;
}

/*
 * CAP_FSETID in this thread's effective set as pt_fsetid() left it, so
 * that a run of requests wanting the same costs no system call. Anything
 * else that changes the set (becoming root again in pt_cred_leave() gives
 * back every permitted capability) makes it UNKNOWN.
 */
enum pt_fsetid_state {
	PT_FSETID_UNKNOWN,
	PT_FSETID_KEPT,
	PT_FSETID_DROPPED,
	PT_FSETID_ABSENT,	/* not permitted: the host always clears */
};

static __thread enum pt_fsetid_state pt_fsetid_now;

static void
pt_cred_leave(struct pt_fs *fs, const struct pt_cred *cred)
{
	int saved = errno;

	if (!fs->switch_creds || (cred->uid == 0 && cred->gid == 0))
		return;
	/* Failing to become root again would leave a thread crippled. */
	if (syscall(SYS_setresuid, -1, 0, -1) < 0 ||
	    syscall(SYS_setresgid, -1, 0, -1) < 0) {
		log_error("cannot restore the daemon's credentials: %m");
		abort();
	}
	pt_fsetid_now = PT_FSETID_UNKNOWN;
	errno = saved;
}

/*
 * The host kernel keeps the set-user-ID and set-group-ID bits of a file
 * that is written, truncated, fallocated or copied into only for a holder
 * of CAP_FSETID, and does so under its own locks, atomically with the
 * change: so we do not clear them ourselves, we let the kernel apply its
 * rule to a thread that holds CAP_FSETID or not, as the guest's caller.
 * The raw capget/capset change only the calling thread.
 */
int
pt_fsetid(bool keep)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	struct __user_cap_data_struct *word = &d[CAP_TO_INDEX(CAP_FSETID)];
	uint32_t bit = CAP_TO_MASK(CAP_FSETID);
	enum pt_fsetid_state want = keep ? PT_FSETID_KEPT : PT_FSETID_DROPPED;
	int err;

	if (pt_fsetid_now == want || pt_fsetid_now == PT_FSETID_ABSENT)
		return 0;
	if (syscall(SYS_capget, &h, d) < 0)
		return errno;
	if (!(word->permitted & bit)) {
		pt_fsetid_now = PT_FSETID_ABSENT;
		return 0;
	}
	if (keep)
		word->effective |= bit;
	else
		word->effective &= ~bit;
	if (syscall(SYS_capset, &h, d) < 0) {
		err = errno;
		pt_fsetid_now = PT_FSETID_UNKNOWN;
		log_error("cannot %s CAP_FSETID: %s", keep ? "raise" : "drop",
			  strerror(err));
		return err;
	}
	pt_fsetid_now = want;
	return 0;
}

/* ---- the inode table (fs->lock held) ------------------------------------- */

static size_t
pt_hash_id(const struct pt_fs *fs, uint64_t nodeid)
{
	return (size_t)((nodeid * 0x9e3779b97f4a7c15ULL) >> 32) &
	       (fs->nbuckets - 1);
}

static size_t
pt_hash_key(const struct pt_fs *fs, dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;

	return (size_t)((h * 0xff51afd7ed558ccdULL) >> 32) &
	       (fs->nbuckets - 1);
}

static void
pt_table_link(struct pt_fs *fs, struct pt_inode *in)
{
	size_t i = pt_hash_id(fs, in->nodeid), k;

	in->next_id = fs->by_id[i];
	fs->by_id[i] = in;
	k = pt_hash_key(fs, in->dev, in->ino);
	in->next_key = fs->by_key[k];
	fs->by_key[k] = in;
}

static void
pt_table_grow(struct pt_fs *fs)
{
	struct pt_inode **old = fs->by_id, *in, *next;
	size_t n = fs->nbuckets, i;

	fs->nbuckets *= 2;
	fs->by_id = xcalloc(fs->nbuckets, sizeof(*fs->by_id));
	free(fs->by_key);
	fs->by_key = xcalloc(fs->nbuckets, sizeof(*fs->by_key));
	for (i = 0; i < n; i++) {
		for (in = old[i]; in; in = next) {
			next = in->next_id;
			pt_table_link(fs, in);
		}
	}
	free(old);
}

static struct pt_inode *
pt_find_id(struct pt_fs *fs, uint64_t nodeid)
{
	struct pt_inode *in;

	for (in = fs->by_id[pt_hash_id(fs, nodeid)]; in; in = in->next_id)
		if (in->nodeid == nodeid)
			return in;
	return NULL;
}

static struct pt_inode *
pt_find_key(struct pt_fs *fs, dev_t dev, ino_t ino)
{
	struct pt_inode *in;

	for (in = fs->by_key[pt_hash_key(fs, dev, ino)]; in; in = in->next_key)
		if (in->dev == dev && in->ino == ino)
			return in;
	return NULL;
}

static void
pt_owners_close(struct pt_inode *in)
{
	struct pt_owner *o, *next;

	pthread_mutex_lock(&in->owners_lock);
	for (o = in->owners; o; o = next) {
		next = o->next;
		close_fd(&o->fd);
		free(o);
	}
	in->owners = NULL;
	pthread_mutex_unlock(&in->owners_lock);
}

/*
 * Let fs->lock go, then close and free what was dropped under it:
 * closing the last descriptor of a file can take long (an unlinked file
 * is deleted then; a written one may be flushed), and the requests of
 * other threads that need the tables should not wait for that.
 */
static void
pt_unlock(struct pt_fs *fs)
{
	struct pt_inode *in = fs->dead_inodes, *next_in;
	struct pt_handle *h = fs->dead_handles, *next_h;

	fs->dead_inodes = NULL;
	fs->dead_handles = NULL;
	pthread_mutex_unlock(&fs->lock);
	for (; h; h = next_h) {
		next_h = h->next_dead;
		close_fd(&h->fd);
		pthread_mutex_destroy(&h->dir_lock);
		free(h);
	}
	for (; in; in = next_in) {
		next_in = in->next_id;
		pt_owners_close(in);
		pthread_mutex_destroy(&in->owners_lock);
		close_fd(&in->fd);
		free(in);
	}
}

/* Drop in if nobody holds it any more (pt_unlock() frees it). */
static void
pt_inode_maybe_free(struct pt_fs *fs, struct pt_inode *in)
{
	struct pt_inode **pp;

	if (in->nlookup || in->refs)
		return;
	for (pp = &fs->by_id[pt_hash_id(fs, in->nodeid)]; *pp;
	     pp = &(*pp)->next_id) {
		if (*pp == in) {
			*pp = in->next_id;
			break;
		}
	}
	for (pp = &fs->by_key[pt_hash_key(fs, in->dev, in->ino)]; *pp;
	     pp = &(*pp)->next_key) {
		if (*pp == in) {
			*pp = in->next_key;
			break;
		}
	}
	fs->ninodes--;
	in->next_id = fs->dead_inodes;
	fs->dead_inodes = in;
}

/* The inode nodeid with a reference taken, or NULL. */
static struct pt_inode *
pt_inode_get(struct pt_fs *fs, uint64_t nodeid)
{
	struct pt_inode *in;

	pthread_mutex_lock(&fs->lock);
	in = pt_find_id(fs, nodeid);
	if (in)
		in->refs++;
	pthread_mutex_unlock(&fs->lock);
	return in;
}

static void
pt_inode_put_locked(struct pt_fs *fs, struct pt_inode *in)
{
	if (in && in->refs > 0) {
		in->refs--;
		pt_inode_maybe_free(fs, in);
	}
}

static void
pt_inode_put(struct pt_fs *fs, struct pt_inode *in)
{
	if (!in)
		return;
	pthread_mutex_lock(&fs->lock);
	pt_inode_put_locked(fs, in);
	pt_unlock(fs);
}

/* Count a guest lookup of st's inode if we hold it (fs->lock held). */
static bool
pt_inode_count_locked(struct pt_fs *fs, const struct stat *st,
		      uint64_t *nodeid)
{
	struct pt_inode *in = pt_find_key(fs, st->st_dev, st->st_ino);

	if (in) {
		in->nlookup++;
		*nodeid = in->nodeid;
	}
	return in != NULL;
}

/* Count a guest lookup of st's inode if we hold it: true with *nodeid. */
static bool
pt_inode_lookup_known(struct pt_fs *fs, const struct stat *st,
		      uint64_t *nodeid)
{
	bool known;

	pthread_mutex_lock(&fs->lock);
	known = pt_inode_count_locked(fs, st, nodeid);
	pthread_mutex_unlock(&fs->lock);
	return known;
}

/*
 * Register a guest lookup of the object fd (O_PATH) describes: the
 * existing inode of st_dev/st_ino, or a new one that takes fd; *held,
 * unless NULL, says which. fd is consumed either way. Returns 0 with
 * *nodeid, or ENFILE at the cap.
 */
static int
pt_inode_lookup_fd(struct pt_fs *fs, int fd, const struct stat *st,
		   uint64_t *nodeid, bool *held)
{
	struct pt_inode *in;
	bool known;

	pthread_mutex_lock(&fs->lock);
	known = pt_inode_count_locked(fs, st, nodeid);
	if (held)
		*held = known;
	if (known) {
		pthread_mutex_unlock(&fs->lock);
		close(fd);
		return 0;
	}
	if (fs->ninodes >= fs->cfg.max_inodes) {
		pthread_mutex_unlock(&fs->lock);
		close(fd);
		log_guest("the guest holds %zu inodes, the limit", fs->ninodes);
		return ENFILE;
	}
	in = xcalloc(1, sizeof(*in));
	in->nodeid = fs->next_nodeid++;
	in->dev = st->st_dev;
	in->ino = st->st_ino;
	in->type = st->st_mode & S_IFMT;
	in->fd = fd;
	in->nlookup = 1;
	pthread_mutex_init(&in->owners_lock, NULL);
	pt_table_link(fs, in);
	fs->ninodes++;
	if (fs->ninodes > fs->nbuckets)
		pt_table_grow(fs);
	*nodeid = in->nodeid;
	pthread_mutex_unlock(&fs->lock);
	return 0;
}

void
pt_forget(struct pt_fs *fs, uint64_t nodeid, uint64_t nlookup)
{
	struct pt_inode *in;

	pthread_mutex_lock(&fs->lock);
	in = pt_find_id(fs, nodeid);
	/* Unknown inodes are ignored; counts never go below zero. */
	if (in && in != fs->root) {
		in->nlookup -= MIN(nlookup, in->nlookup);
		pt_inode_maybe_free(fs, in);
	}
	pt_unlock(fs);
}

/* ---- handles ------------------------------------------------------------- */

/* Take fd into a new handle on in (which gains a reference). */
static int
pt_handle_new(struct pt_fs *fs, int fd, struct pt_inode *in, bool is_dir,
	      uint64_t *fh)
{
	struct pt_handle *h;
	size_t slot, i;

	pthread_mutex_lock(&fs->lock);
	if (fs->nhandles >= fs->cfg.max_handles) {
		pthread_mutex_unlock(&fs->lock);
		close(fd);
		log_guest("the guest holds %zu open files, the limit",
			  fs->nhandles);
		return ENFILE;
	}
	if (fs->nfree == 0) {
		size_t cap = fs->handle_cap ? fs->handle_cap * 2 : 64;

		fs->handles = xrealloc(fs->handles, cap * sizeof(*fs->handles));
		fs->handle_gen = xrealloc(fs->handle_gen,
					  cap * sizeof(*fs->handle_gen));
		fs->free_slots = xrealloc(fs->free_slots,
					  cap * sizeof(*fs->free_slots));
		for (i = fs->handle_cap; i < cap; i++) {
			fs->handles[i] = NULL;
			fs->handle_gen[i] = 0;
		}
		/* Lowest slots on top of the stack. */
		for (i = cap; i > fs->handle_cap; i--)
			fs->free_slots[fs->nfree++] = (unsigned)(i - 1);
		fs->handle_cap = cap;
	}
	slot = fs->free_slots[--fs->nfree];
	h = xcalloc(1, sizeof(*h));
	fs->handle_gen[slot]++;
	if (fs->handle_gen[slot] == 0)
		fs->handle_gen[slot] = 1;
	h->fh = (uint64_t)fs->handle_gen[slot] << 32 | slot;
	h->fd = fd;
	h->is_dir = is_dir;
	h->refs = 1;
	h->inode = in;
	in->refs++;
	pthread_mutex_init(&h->dir_lock, NULL);
	fs->handles[slot] = h;
	fs->nhandles++;
	*fh = h->fh;
	pthread_mutex_unlock(&fs->lock);
	return 0;
}

/* The handle fh with a reference, or NULL if it is not (or no more) ours. */
static struct pt_handle *
pt_handle_get(struct pt_fs *fs, uint64_t fh, bool is_dir)
{
	size_t slot = (size_t)(fh & 0xffffffffu);
	struct pt_handle *h = NULL;

	pthread_mutex_lock(&fs->lock);
	if (slot < fs->handle_cap && fs->handles[slot] &&
	    fs->handles[slot]->fh == fh && fs->handles[slot]->is_dir == is_dir) {
		h = fs->handles[slot];
		h->refs++;
	}
	pthread_mutex_unlock(&fs->lock);
	return h;
}

static void
pt_handle_put_locked(struct pt_fs *fs, struct pt_handle *h)
{
	if (!h || --h->refs > 0)
		return;
	pt_inode_put_locked(fs, h->inode);
	h->next_dead = fs->dead_handles;
	fs->dead_handles = h;
}

static void
pt_handle_put(struct pt_fs *fs, struct pt_handle *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&fs->lock);
	pt_handle_put_locked(fs, h);
	pt_unlock(fs);
}

/* Drop the table's reference to the handle in slot (lock held). */
static void
pt_handle_remove_locked(struct pt_fs *fs, size_t slot)
{
	struct pt_handle *h = fs->handles[slot];

	fs->handles[slot] = NULL;
	fs->free_slots[fs->nfree++] = (unsigned)slot;
	fs->nhandles--;
	pt_handle_put_locked(fs, h);
}

static int
pt_handle_release(struct pt_fs *fs, uint64_t fh, bool is_dir)
{
	size_t slot = (size_t)(fh & 0xffffffffu);
	int err = EBADF;

	pthread_mutex_lock(&fs->lock);
	if (slot < fs->handle_cap && fs->handles[slot] &&
	    fs->handles[slot]->fh == fh && fs->handles[slot]->is_dir == is_dir) {
		pt_handle_remove_locked(fs, slot);
		err = 0;
	}
	pt_unlock(fs);
	return err;
}

/* ---- setup --------------------------------------------------------------- */

struct pt_fs *
pt_new(const struct pt_config *cfg, int *err)
{
	struct pt_fs *fs = xcalloc(1, sizeof(*fs));
	struct stat st;
	int fd;

	fs->cfg = *cfg;
	fs->source = xstrdup(cfg->source);
	fs->cfg.source = fs->source;
	if (!fs->cfg.max_inodes)
		fs->cfg.max_inodes = 1 << 20;
	if (!fs->cfg.max_handles)
		fs->cfg.max_handles = 1 << 16;
	fs->proc_fd = -1;
	pthread_mutex_init(&fs->lock, NULL);
	fs->nbuckets = 1024;
	fs->by_id = xcalloc(fs->nbuckets, sizeof(*fs->by_id));
	fs->by_key = xcalloc(fs->nbuckets, sizeof(*fs->by_key));
	fs->next_nodeid = FUSE_ROOT_ID + 1;
	switch (cfg->cache) {
	case PT_CACHE_NEVER:
		fs->entry_timeout = fs->attr_timeout = 0;
		break;
	case PT_CACHE_AUTO:
		fs->entry_timeout = fs->attr_timeout = 1;
		break;
	case PT_CACHE_METADATA:
	case PT_CACHE_ALWAYS:
		fs->entry_timeout = fs->attr_timeout = PT_LONG_TIMEOUT;
		break;
	}
	fs->switch_creds = geteuid() == 0 && !cfg->keep_creds;
	fs->proc_fd = cfg->proc_fd > 0 ? cfg->proc_fd
				       : open("/proc/self/fd",
					      O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fs->proc_fd < 0) {
		*err = errno;
		goto fail;
	}
	fd = open(cfg->source, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		goto fail;
	}
	if (pt_stat_fd(fd, &st)) {
		*err = errno;
		close(fd);
		goto fail;
	}
	fs->root = xcalloc(1, sizeof(*fs->root));
	fs->root->nodeid = FUSE_ROOT_ID;
	fs->root->dev = st.st_dev;
	fs->root->ino = st.st_ino;
	fs->root->type = S_IFDIR;
	fs->root->fd = fd;
	fs->root->nlookup = 1;
	fs->root->refs = 1; /* never freed */
	pthread_mutex_init(&fs->root->owners_lock, NULL);
	pt_table_link(fs, fs->root);
	fs->ninodes = 1;
	return fs;
fail:
	pt_free(fs);
	return NULL;
}

void
pt_reset(struct pt_fs *fs)
{
	struct pt_inode *in, *next;
	size_t i;

	pthread_mutex_lock(&fs->lock);
	/* Handles first: they hold inode references. */
	for (i = 0; i < fs->handle_cap; i++)
		if (fs->handles[i])
			pt_handle_remove_locked(fs, i);
	for (i = 0; i < fs->nbuckets; i++) {
		for (in = fs->by_id[i]; in; in = next) {
			next = in->next_id;
			pt_owners_close(in);
			if (in != fs->root) {
				in->nlookup = 0;
				pt_inode_maybe_free(fs, in);
			}
		}
	}
	pt_unlock(fs);
}

void
pt_free(struct pt_fs *fs)
{
	if (!fs)
		return;
	if (fs->root) {
		pt_reset(fs);
		fs->root->refs = 0;
		fs->root->nlookup = 0;
		pthread_mutex_lock(&fs->lock);
		pt_inode_maybe_free(fs, fs->root);
		pt_unlock(fs);
	}
	if (fs->ninodes)
		log_debug("%zu inodes still referenced at exit", fs->ninodes);
	close_fd(&fs->proc_fd);
	pthread_mutex_destroy(&fs->lock);
	free(fs->by_id);
	free(fs->by_key);
	free(fs->handles);
	free(fs->handle_gen);
	free(fs->free_slots);
	free(fs->source);
	free(fs);
}

/* ---- entries and attributes ---------------------------------------------- */

static void
pt_fill_entry(struct pt_fs *fs, uint64_t nodeid, const struct stat *st,
	      bool submount, struct fuse_entry_out *e)
{
	memset(e, 0, sizeof(*e));
	e->nodeid = nodeid;
	e->entry_valid = fs->entry_timeout;
	e->attr_valid = fs->attr_timeout;
	pt_fill_attr(st, &e->attr);
	if (submount)
		e->attr.flags |= FUSE_ATTR_SUBMOUNT;
}

/* Look name up in dir, counting one guest lookup. */
static int
pt_do_lookup(struct pt_fs *fs, struct pt_inode *dir, const char *name,
	     struct fuse_entry_out *e)
{
	struct stat st;
	uint64_t nodeid;
	bool held;
	int fd, err;

	if (dir->type != S_IFDIR)
		return ENOTDIR;
	/*
	 * A name whose inode the guest holds is one fstatat: the inode is
	 * in the table, held open, so its number cannot have been reused
	 * meanwhile. A new inode is opened and stated through its fd (what
	 * it is keyed by): a first fstatat would be a third system call.
	 * Which comes first follows the last lookup: with cache=none the
	 * guest forgets an inode as soon as no dentry uses it, so nearly
	 * every name is new to us; with caching it looks up names it holds.
	 */
	if (__atomic_load_n(&fs->lookup_held, __ATOMIC_RELAXED)) {
		if (fstatat(dir->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return errno;
		if (pt_inode_lookup_known(fs, &st, &nodeid))
			goto found;
		__atomic_store_n(&fs->lookup_held, false, __ATOMIC_RELAXED);
	}
	fd = openat(dir->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	err = pt_stat_fd(fd, &st);
	if (err) {
		close(fd);
		return err;
	}
	err = pt_inode_lookup_fd(fs, fd, &st, &nodeid, &held);
	if (err)
		return err;
	if (held)
		__atomic_store_n(&fs->lookup_held, true, __ATOMIC_RELAXED);
found:
	pt_fill_entry(fs, nodeid, &st,
		      fs->cfg.announce_submounts && S_ISDIR(st.st_mode) &&
			  st.st_dev != dir->dev,
		      e);
	return 0;
}

int
pt_lookup(struct pt_fs *fs, uint64_t parent, const char *name,
	  struct fuse_entry_out *out)
{
	struct pt_inode *dir;
	int err = pt_name_check(name);

	if (err)
		return err;
	dir = pt_inode_get(fs, parent);
	if (!dir)
		return ESTALE;
	err = pt_do_lookup(fs, dir, name, out);
	pt_inode_put(fs, dir);
	return err;
}

int
pt_getattr(struct pt_fs *fs, uint64_t nodeid, const uint64_t *fh,
	   struct fuse_attr_out *out)
{
	struct pt_inode *in = pt_inode_get(fs, nodeid);
	struct pt_handle *h = NULL;
	struct stat st;
	int err;

	if (!in)
		return ESTALE;
	if (fh)
		h = pt_handle_get(fs, *fh, false);
	if (h && h->inode == in)
		err = fstat(h->fd, &st) < 0 ? errno : 0;
	else
		err = pt_stat_fd(in->fd, &st);
	if (!err) {
		memset(out, 0, sizeof(*out));
		out->attr_valid = fs->attr_timeout;
		pt_fill_attr(&st, &out->attr);
	}
	pt_handle_put(fs, h);
	pt_inode_put(fs, in);
	return err;
}

static int
pt_set_times(struct pt_fs *fs, struct pt_inode *in, int hfd,
	     const struct fuse_setattr_in *a)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
	char name[16];

	if (a->valid & FATTR_ATIME_NOW) {
		ts[0].tv_nsec = UTIME_NOW;
	} else if (a->valid & FATTR_ATIME) {
		if (a->atimensec >= 1000000000u || a->atime > INT64_MAX)
			return EINVAL;
		ts[0].tv_sec = (time_t)a->atime;
		ts[0].tv_nsec = a->atimensec;
	}
	if (a->valid & FATTR_MTIME_NOW) {
		ts[1].tv_nsec = UTIME_NOW;
	} else if (a->valid & FATTR_MTIME) {
		if (a->mtimensec >= 1000000000u || a->mtime > INT64_MAX)
			return EINVAL;
		ts[1].tv_sec = (time_t)a->mtime;
		ts[1].tv_nsec = a->mtimensec;
	}
	if (hfd >= 0)
		return futimens(hfd, ts) < 0 ? errno : 0;
	/* A symlink itself, through its O_PATH fd. */
	if (in->type == S_IFLNK)
		return utimensat(in->fd, "", ts, AT_EMPTY_PATH) < 0 ? errno : 0;
	pt_procname(name, in->fd);
	return utimensat(fs->proc_fd, name, ts, 0) < 0 ? errno : 0;
}

static int
pt_truncate(struct pt_fs *fs, struct pt_inode *in, int hfd, uint64_t size)
{
	int fd, err = 0;

	if (size > INT64_MAX)
		return EFBIG;
	if (hfd >= 0)
		return ftruncate(hfd, (off_t)size) < 0 ? errno : 0;
	if (in->type == S_IFDIR)
		return EISDIR;
	if (in->type != S_IFREG)
		return EINVAL;
	fd = pt_reopen(fs, in->fd, O_WRONLY | O_NONBLOCK);
	if (fd < 0)
		return errno;
	if (ftruncate(fd, (off_t)size) < 0)
		err = errno;
	close(fd);
	return err;
}

int
pt_setattr(struct pt_fs *fs, uint64_t nodeid,
	   const struct fuse_setattr_in *a, struct fuse_attr_out *out)
{
	struct pt_inode *in;
	struct pt_handle *h = NULL;
	uint32_t valid = a->valid;
	int hfd = -1, err = 0;
	char name[16];

	if (fs->cfg.readonly)
		return EROFS;
	in = pt_inode_get(fs, nodeid);
	if (!in)
		return ESTALE;
	if (valid & FATTR_FH) {
		h = pt_handle_get(fs, a->fh, false);
		if (!h || h->inode != in) {
			err = EBADF;
			goto out;
		}
		hfd = h->fd;
	}
	if (valid & FATTR_MODE) {
		if (hfd >= 0) {
			err = fchmod(hfd, a->mode & 07777) < 0 ? errno : 0;
		} else if (in->type == S_IFLNK) {
			err = EOPNOTSUPP;
		} else {
			pt_procname(name, in->fd);
			err = fchmodat(fs->proc_fd, name, a->mode & 07777, 0) < 0
				  ? errno
				  : 0;
		}
		if (err)
			goto out;
	}
	if (valid & (FATTR_UID | FATTR_GID)) {
		uid_t uid = valid & FATTR_UID ? a->uid : (uid_t)-1;
		gid_t gid = valid & FATTR_GID ? a->gid : (gid_t)-1;

		if (fchownat(in->fd, "", uid, gid,
			     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
			err = errno;
			goto out;
		}
	}
	if (valid & FATTR_SIZE) {
		err = pt_truncate(fs, in, hfd, a->size);
		if (err)
			goto out;
	}
	if (valid & (FATTR_ATIME | FATTR_MTIME | FATTR_ATIME_NOW |
		     FATTR_MTIME_NOW)) {
		err = pt_set_times(fs, in, hfd, a);
		if (err)
			goto out;
	}
out:
	pt_handle_put(fs, h);
	pt_inode_put(fs, in);
	if (err)
		return err;
	return pt_getattr(fs, nodeid, NULL, out);
}

int
pt_readlink(struct pt_fs *fs, uint64_t nodeid, char *buf, size_t size,
	    size_t *len)
{
	struct pt_inode *in = pt_inode_get(fs, nodeid);
	ssize_t n;
	int err = 0;

	if (!in)
		return ESTALE;
	if (in->type != S_IFLNK) {
		err = EINVAL;
	} else {
		n = readlinkat(in->fd, "", buf, size);
		if (n < 0)
			err = errno;
		else
			*len = (size_t)n;
	}
	pt_inode_put(fs, in);
	return err;
}

/* ---- creating and removing names --------------------------------------- */

enum pt_make {
	PT_MAKE_NODE,
	PT_MAKE_DIR,
	PT_MAKE_SYMLINK,
};

static int
pt_make(struct pt_fs *fs, const struct pt_cred *cred, uint64_t parent,
	const char *name, enum pt_make kind, uint32_t mode, uint32_t rdev,
	const char *target, struct fuse_entry_out *out)
{
	struct pt_inode *dir;
	int err, r = 0;

	if (fs->cfg.readonly)
		return EROFS;
	err = pt_name_check(name);
	if (err)
		return err;
	dir = pt_inode_get(fs, parent);
	if (!dir)
		return ESTALE;
	if (dir->type != S_IFDIR) {
		err = ENOTDIR;
		goto out;
	}
	err = pt_cred_enter(fs, cred);
	if (err)
		goto out;
	switch (kind) {
	case PT_MAKE_NODE:
		r = mknodat(dir->fd, name, mode, rdev);
		break;
	case PT_MAKE_DIR:
		r = mkdirat(dir->fd, name, mode & 07777);
		break;
	case PT_MAKE_SYMLINK:
		r = symlinkat(target, dir->fd, name);
		break;
	}
	if (r < 0)
		err = errno;
	pt_cred_leave(fs, cred);
	if (!err)
		err = pt_do_lookup(fs, dir, name, out);
out:
	pt_inode_put(fs, dir);
	return err;
}

int
pt_mknod(struct pt_fs *fs, const struct pt_cred *cred, uint64_t parent,
	 const char *name, uint32_t mode, uint32_t rdev,
	 struct fuse_entry_out *out)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
	case S_IFCHR:
	case S_IFBLK:
		break;
	default:
		return EINVAL;
	}
	return pt_make(fs, cred, parent, name, PT_MAKE_NODE, mode, rdev, NULL,
		       out);
}

int
pt_mkdir(struct pt_fs *fs, const struct pt_cred *cred, uint64_t parent,
	 const char *name, uint32_t mode, struct fuse_entry_out *out)
{
	return pt_make(fs, cred, parent, name, PT_MAKE_DIR, mode, 0, NULL,
		       out);
}

int
pt_symlink(struct pt_fs *fs, const struct pt_cred *cred, uint64_t parent,
	   const char *name, const char *target, struct fuse_entry_out *out)
{
	/* The target is data: it is stored, never followed by us. */
	if (!target || !*target || strlen(target) >= PATH_MAX)
		return EINVAL;
	return pt_make(fs, cred, parent, name, PT_MAKE_SYMLINK, 0, 0, target,
		       out);
}

static int
pt_remove(struct pt_fs *fs, uint64_t parent, const char *name, int flags)
{
	struct pt_inode *dir;
	int err;

	if (fs->cfg.readonly)
		return EROFS;
	err = pt_name_check(name);
	if (err)
		return err;
	dir = pt_inode_get(fs, parent);
	if (!dir)
		return ESTALE;
	if (dir->type != S_IFDIR)
		err = ENOTDIR;
	else if (unlinkat(dir->fd, name, flags) < 0)
		err = errno;
	pt_inode_put(fs, dir);
	return err;
}

int
pt_unlink(struct pt_fs *fs, uint64_t parent, const char *name)
{
	return pt_remove(fs, parent, name, 0);
}

int
pt_rmdir(struct pt_fs *fs, uint64_t parent, const char *name)
{
	return pt_remove(fs, parent, name, AT_REMOVEDIR);
}

int
pt_rename(struct pt_fs *fs, uint64_t parent, const char *name,
	  uint64_t newparent, const char *newname, uint32_t flags)
{
	struct pt_inode *dir, *newdir;
	int err;

	if (fs->cfg.readonly)
		return EROFS;
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return EINVAL;
	err = pt_name_check(name);
	if (!err)
		err = pt_name_check(newname);
	if (err)
		return err;
	dir = pt_inode_get(fs, parent);
	newdir = pt_inode_get(fs, newparent);
	if (!dir || !newdir)
		err = ESTALE;
	else if (dir->type != S_IFDIR || newdir->type != S_IFDIR)
		err = ENOTDIR;
	else if (renameat2(dir->fd, name, newdir->fd, newname, flags) < 0)
		err = errno;
	pt_inode_put(fs, dir);
	pt_inode_put(fs, newdir);
	return err;
}

int
pt_link(struct pt_fs *fs, uint64_t nodeid, uint64_t newparent,
	const char *newname, struct fuse_entry_out *out)
{
	struct pt_inode *in, *dir;
	char name[16];
	int err;

	if (fs->cfg.readonly)
		return EROFS;
	err = pt_name_check(newname);
	if (err)
		return err;
	in = pt_inode_get(fs, nodeid);
	dir = pt_inode_get(fs, newparent);
	if (!in || !dir) {
		err = ESTALE;
		goto out;
	}
	if (dir->type != S_IFDIR) {
		err = ENOTDIR;
		goto out;
	}
	/*
	 * Following the /proc magic link lands on the object itself (even a
	 * symlink), without needing CAP_DAC_READ_SEARCH as AT_EMPTY_PATH
	 * would.
	 */
	pt_procname(name, in->fd);
	if (linkat(fs->proc_fd, name, dir->fd, newname, AT_SYMLINK_FOLLOW) < 0)
		err = errno;
	else
		err = pt_do_lookup(fs, dir, newname, out);
out:
	pt_inode_put(fs, in);
	pt_inode_put(fs, dir);
	return err;
}

/* ---- files ----------------------------------------------------------------- */

/* The host open flags for the guest's; never creates, never follows. */
static int
pt_open_flags(const struct pt_fs *fs, uint32_t flags)
{
	int keep = O_ACCMODE | O_APPEND | O_TRUNC | O_SYNC | O_DSYNC |
		   O_LARGEFILE | O_NOATIME;

	if (fs->cfg.allow_direct_io)
		keep |= O_DIRECT;
	return ((int)flags & keep) | O_CLOEXEC | O_NOCTTY;
}

static bool
pt_open_writes(uint32_t flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
}

static void
pt_fill_open(const struct pt_fs *fs, bool is_dir, uint64_t fh,
	     struct fuse_open_out *out)
{
	memset(out, 0, sizeof(*out));
	out->fh = fh;
	switch (fs->cfg.cache) {
	case PT_CACHE_NEVER:
	case PT_CACHE_METADATA:
		if (!is_dir)
			out->open_flags = FOPEN_DIRECT_IO;
		break;
	case PT_CACHE_AUTO:
		break;
	case PT_CACHE_ALWAYS:
		out->open_flags = FOPEN_KEEP_CACHE;
		if (is_dir)
			out->open_flags |= FOPEN_CACHE_DIR;
		break;
	}
}

int
pt_open(struct pt_fs *fs, uint64_t nodeid, uint32_t flags,
	struct fuse_open_out *out)
{
	struct pt_inode *in;
	uint64_t fh;
	int fd, err;

	if (fs->cfg.readonly && pt_open_writes(flags))
		return EROFS;
	in = pt_inode_get(fs, nodeid);
	if (!in)
		return ESTALE;
	/* Never open a device, FIFO or socket of the host for the guest. */
	if (in->type != S_IFREG) {
		err = in->type == S_IFDIR ? EISDIR : EACCES;
		goto out;
	}
	fd = pt_reopen(fs, in->fd, pt_open_flags(fs, flags));
	if (fd < 0) {
		err = errno;
		goto out;
	}
	err = pt_handle_new(fs, fd, in, false, &fh);
	if (!err)
		pt_fill_open(fs, false, fh, out);
out:
	pt_inode_put(fs, in);
	return err;
}

/*
 * Create or open name in dir as the caller. An existing name is opened
 * only if it is a regular file, checked on an O_PATH fd first so that a
 * FIFO or device planted there is never opened.
 */
static int
pt_create_open(struct pt_fs *fs, struct pt_inode *dir, const char *name,
	       uint32_t flags, uint32_t mode)
{
	int oflags = pt_open_flags(fs, flags), fd, pfd;
	struct stat st;

	fd = openat(dir->fd, name, oflags | O_CREAT | O_EXCL | O_NOFOLLOW,
		    mode & 07777);
	if (fd >= 0 || errno != EEXIST || (flags & O_EXCL))
		return fd;
	pfd = openat(dir->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		return -1;
	if (pt_stat_fd(pfd, &st) == 0) {
		if (S_ISREG(st.st_mode)) {
			fd = pt_reopen(fs, pfd, oflags);
		} else {
			errno = S_ISDIR(st.st_mode)   ? EISDIR
				: S_ISLNK(st.st_mode) ? ELOOP
						      : EACCES;
			fd = -1;
		}
	}
	close_fd(&pfd);
	return fd;
}

int
pt_create(struct pt_fs *fs, const struct pt_cred *cred, uint64_t parent,
	  const char *name, uint32_t flags, uint32_t mode,
	  struct fuse_entry_out *entry, struct fuse_open_out *open)
{
	struct pt_inode *dir, *in = NULL;
	struct stat st;
	uint64_t nodeid, fh;
	int fd = -1, pfd, err;

	if (fs->cfg.readonly)
		return EROFS;
	err = pt_name_check(name);
	if (err)
		return err;
	dir = pt_inode_get(fs, parent);
	if (!dir)
		return ESTALE;
	if (dir->type != S_IFDIR) {
		err = ENOTDIR;
		goto out;
	}
	err = pt_cred_enter(fs, cred);
	if (err)
		goto out;
	fd = pt_create_open(fs, dir, name, flags, mode);
	if (fd < 0)
		err = errno;
	pt_cred_leave(fs, cred);
	if (err)
		goto out;
	/* The inode of what we opened, whatever happens to the name. */
	if (fstat(fd, &st) < 0) {
		err = errno;
		goto out;
	}
	pfd = pt_reopen(fs, fd, O_PATH);
	if (pfd < 0) {
		err = errno;
		goto out;
	}
	err = pt_inode_lookup_fd(fs, pfd, &st, &nodeid, NULL);
	if (err)
		goto out;
	in = pt_inode_get(fs, nodeid);
	if (!in) {
		err = ESTALE;
		goto out;
	}
	err = pt_handle_new(fs, fd, in, false, &fh);
	fd = -1;
	if (err) {
		pt_forget(fs, nodeid, 1);
		goto out;
	}
	pt_fill_entry(fs, nodeid, &st, false, entry);
	pt_fill_open(fs, false, fh, open);
out:
	close_fd(&fd);
	pt_inode_put(fs, in);
	pt_inode_put(fs, dir);
	return err;
}

int
pt_read(struct pt_fs *fs, uint64_t fh, uint64_t off, const struct iovec *iov,
	int iovcnt, size_t *done)
{
	struct pt_handle *h;
	ssize_t n;
	int err = 0;

	if (off > INT64_MAX)
		return EINVAL;
	h = pt_handle_get(fs, fh, false);
	if (!h)
		return EBADF;
	do
		n = preadv(h->fd, iov, iovcnt, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		err = errno;
	else
		*done = (size_t)n;
	pt_handle_put(fs, h);
	return err;
}

int
pt_write(struct pt_fs *fs, uint64_t fh, uint64_t off, const struct iovec *iov,
	 int iovcnt, size_t *done)
{
	struct pt_handle *h;
	ssize_t n;
	int err = 0;

	if (fs->cfg.readonly)
		return EROFS;
	if (off > INT64_MAX)
		return EINVAL;
	h = pt_handle_get(fs, fh, false);
	if (!h)
		return EBADF;
	do
		n = pwritev(h->fd, iov, iovcnt, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		err = errno;
	else
		*done = (size_t)n;
	pt_handle_put(fs, h);
	return err;
}

/* Close the POSIX lock owner's description: its locks go with it. */
static void
pt_owner_drop(struct pt_inode *in, uint64_t owner)
{
	struct pt_owner **pp, *o;

	pthread_mutex_lock(&in->owners_lock);
	for (pp = &in->owners; (o = *pp); pp = &o->next) {
		if (o->owner == owner) {
			*pp = o->next;
			close_fd(&o->fd);
			free(o);
			break;
		}
	}
	pthread_mutex_unlock(&in->owners_lock);
}

int
pt_flush(struct pt_fs *fs, uint64_t nodeid, uint64_t fh, uint64_t lock_owner)
{
	struct pt_inode *in = pt_inode_get(fs, nodeid);
	struct pt_handle *h = pt_handle_get(fs, fh, false);
	int err = 0, fd;

	/* A close by the owner releases its POSIX locks on the file. */
	if (in)
		pt_owner_drop(in, lock_owner);
	/* close(dup()) gives the host file system its close-time flush. */
	if (h) {
		fd = dup(h->fd);
		if (fd < 0 || close(fd) < 0)
			err = errno;
	} else {
		err = EBADF;
	}
	pt_handle_put(fs, h);
	pt_inode_put(fs, in);
	return err;
}

int
pt_release(struct pt_fs *fs, uint64_t fh)
{
	return pt_handle_release(fs, fh, false);
}

static int
pt_sync_handle(struct pt_fs *fs, uint64_t fh, bool is_dir, bool datasync)
{
	struct pt_handle *h = pt_handle_get(fs, fh, is_dir);
	int err = 0;

	if (!h)
		return EBADF;
	if ((datasync ? fdatasync(h->fd) : fsync(h->fd)) < 0)
		err = errno;
	pt_handle_put(fs, h);
	return err;
}

int
pt_fsync(struct pt_fs *fs, uint64_t fh, bool datasync)
{
	return pt_sync_handle(fs, fh, false, datasync);
}

int
pt_fsyncdir(struct pt_fs *fs, uint64_t fh, bool datasync)
{
	return pt_sync_handle(fs, fh, true, datasync);
}

int
pt_statfs(struct pt_fs *fs, uint64_t nodeid, struct fuse_kstatfs *out)
{
	struct pt_inode *in = pt_inode_get(fs, nodeid);
	struct statfs s;
	int err = 0;

	if (!in)
		return ESTALE;
	if (fstatfs(in->fd, &s) < 0) {
		err = errno;
	} else {
		memset(out, 0, sizeof(*out));
		out->blocks = s.f_blocks;
		out->bfree = s.f_bfree;
		out->bavail = s.f_bavail;
		out->files = s.f_files;
		out->ffree = s.f_ffree;
		out->bsize = (uint32_t)s.f_bsize;
		out->namelen = (uint32_t)s.f_namelen;
		out->frsize = (uint32_t)s.f_frsize;
	}
	pt_inode_put(fs, in);
	return err;
}

/* ---- extended attributes --------------------------------------------------- */

/*
 * Regular files and directories are opened read-only for the f*xattr
 * calls; anything else (symlinks, devices, FIFOs: never opened) goes
 * through its name in /proc/self/fd, which resolves to the object itself.
 */
struct pt_xattr_target {
	int fd;
	char path[32];
};

static int
pt_xattr_target(struct pt_fs *fs, struct pt_inode *in,
		struct pt_xattr_target *t)
{
	t->fd = -1;
	if (in->type == S_IFREG || in->type == S_IFDIR) {
		t->fd = pt_reopen(fs, in->fd, O_RDONLY | O_NONBLOCK);
		return t->fd < 0 ? errno : 0;
	}
	/*
	 * Relative to /proc/self/fd, which a sandbox leaves reachable only
	 * as our descriptor; nothing else uses the working directory, and
	 * every thread sets the same one.
	 */
	if (fchdir(fs->proc_fd) < 0)
		return errno;
	pt_procname(t->path, in->fd);
	return 0;
}

int
pt_setxattr(struct pt_fs *fs, uint64_t nodeid, const char *name,
	    const void *value, size_t size, uint32_t flags)
{
	struct pt_xattr_target t;
	struct pt_inode *in;
	int err, r;

	if (!fs->cfg.xattr)
		return ENOSYS;
	if (fs->cfg.readonly)
		return EROFS;
	err = pt_xattr_name_check(name);
	if (err)
		return err;
	if (flags & ~(uint32_t)(XATTR_CREATE | XATTR_REPLACE))
		return EINVAL;
	in = pt_inode_get(fs, nodeid);
	if (!in)
		return ESTALE;
	err = pt_xattr_target(fs, in, &t);
	if (!err) {
		r = t.fd >= 0 ? fsetxattr(t.fd, name, value, size, (int)flags)
			      : setxattr(t.path, name, value, size, (int)flags);
		err = r < 0 ? errno : 0;
		close_fd(&t.fd);
	}
	pt_inode_put(fs, in);
	return err;
}

int
pt_getxattr(struct pt_fs *fs, uint64_t nodeid, const char *name, void *buf,
	    size_t size, size_t *len)
{
	struct pt_xattr_target t;
	struct pt_inode *in;
	ssize_t n;
	int err;

	if (!fs->cfg.xattr)
		return ENOSYS;
	err = pt_xattr_name_check(name);
	if (err)
		return err;
	in = pt_inode_get(fs, nodeid);
	if (!in)
		return ESTALE;
	err = pt_xattr_target(fs, in, &t);
	if (!err) {
		n = t.fd >= 0 ? fgetxattr(t.fd, name, size ? buf : NULL, size)
			      : getxattr(t.path, name, size ? buf : NULL, size);
		if (n < 0)
			err = errno;
		else
			*len = (size_t)n;
		close_fd(&t.fd);
	}
	pt_inode_put(fs, in);
	return err;
}

int
pt_listxattr(struct pt_fs *fs, uint64_t nodeid, void *buf, size_t size,
	     size_t *len)
{
	struct pt_xattr_target t;
	struct pt_inode *in;
	ssize_t n;
	int err;

	if (!fs->cfg.xattr)
		return ENOSYS;
	in = pt_inode_get(fs, nodeid);
	if (!in)
		return ESTALE;
	err = pt_xattr_target(fs, in, &t);
	if (!err) {
		n = t.fd >= 0 ? flistxattr(t.fd, size ? buf : NULL, size)
			      : listxattr(t.path, size ? buf : NULL, size);
		if (n < 0)
			err = errno;
		else
			*len = (size_t)n;
		close_fd(&t.fd);
	}
	pt_inode_put(fs, in);
	return err;
}

int
pt_removexattr(struct pt_fs *fs, uint64_t nodeid, const char *name)
{
	struct pt_xattr_target t;
	struct pt_inode *in;
	int err, r;

	if (!fs->cfg.xattr)
		return ENOSYS;
	if (fs->cfg.readonly)
		return EROFS;
	err = pt_xattr_name_check(name);
	if (err)
		return err;
	in = pt_inode_get(fs, nodeid);
	if (!in)
		return ESTALE;
	err = pt_xattr_target(fs, in, &t);
	if (!err) {
		r = t.fd >= 0 ? fremovexattr(t.fd, name)
			      : removexattr(t.path, name);
		err = r < 0 ? errno : 0;
		close_fd(&t.fd);
	}
	pt_inode_put(fs, in);
	return err;
}

/* ---- directories ---------------------------------------------------------- */

int
pt_opendir(struct pt_fs *fs, uint64_t nodeid, uint32_t flags,
	   struct fuse_open_out *out)
{
	struct pt_inode *in = pt_inode_get(fs, nodeid);
	uint64_t fh;
	int fd, err;

	if (!in)
		return ESTALE;
	if (in->type != S_IFDIR) {
		err = ENOTDIR;
		goto out;
	}
	fd = openat(in->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	err = pt_handle_new(fs, fd, in, true, &fh);
	if (!err)
		pt_fill_open(fs, true, fh, out);
out:
	pt_inode_put(fs, in);
	return err;
}

struct pt_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static bool
pt_is_dot(const char *name)
{
	return STREQ(name, ".") || STREQ(name, "..");
}

/* Append one record for d at buf + *filled; false if it does not fit. */
static bool
pt_dirent_add(struct pt_fs *fs, struct pt_inode *dir, bool plus,
	      const struct pt_dirent64 *d, char *buf, size_t size,
	      size_t *filled)
{
	size_t namelen = strlen(d->d_name);
	size_t reclen = plus ? FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET_DIRENTPLUS +
						  namelen)
			     : FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + namelen);
	struct fuse_dirent *de;
	char *rec = buf + *filled;

	if (reclen > size - *filled)
		return false;
	memset(rec, 0, reclen);
	if (plus) {
		struct fuse_direntplus *dp = (struct fuse_direntplus *)rec;

		/*
		 * Each entry counts as a lookup, except "." and ".." which
		 * the kernel never forgets. A name gone meanwhile is sent
		 * with node id 0, which the kernel only lists.
		 */
		if (!pt_is_dot(d->d_name) &&
		    pt_do_lookup(fs, dir, d->d_name, &dp->entry_out) != 0)
			memset(&dp->entry_out, 0, sizeof(dp->entry_out));
		if (dp->entry_out.nodeid == 0) {
			dp->entry_out.attr.ino = d->d_ino;
			dp->entry_out.attr.mode = (uint32_t)d->d_type << 12;
		}
		de = &dp->dirent;
	} else {
		de = (struct fuse_dirent *)rec;
	}
	de->ino = d->d_ino;
	de->off = (uint64_t)d->d_off;
	de->namelen = (uint32_t)namelen;
	de->type = d->d_type;
	memcpy(de->name, d->d_name, namelen);
	*filled += reclen;
	return true;
}

int
pt_readdir(struct pt_fs *fs, uint64_t nodeid, uint64_t fh, uint64_t off,
	   bool plus, void *buf, size_t size, size_t *len)
{
	struct pt_handle *h = pt_handle_get(fs, fh, true);
	char dbuf[16384] __attribute__((aligned(8)));
	size_t filled = 0;
	bool full = false;
	long n, pos;
	int err = 0;

	if (!h)
		return EBADF;
	if (off > INT64_MAX) {
		pt_handle_put(fs, h);
		return EINVAL;
	}
	pthread_mutex_lock(&h->dir_lock);
	if (!h->dir_pos_valid || h->dir_pos != off) {
		if (lseek(h->fd, (off_t)off, SEEK_SET) < 0) {
			err = errno;
			goto out;
		}
		h->dir_pos = off;
		h->dir_pos_valid = true;
	}
	while (!full) {
		n = syscall(SYS_getdents64, h->fd, dbuf, sizeof(dbuf));
		if (n < 0) {
			err = filled ? 0 : errno;
			h->dir_pos_valid = false;
			break;
		}
		if (n == 0)
			break;
		for (pos = 0; pos < n;) {
			const struct pt_dirent64 *d =
			    (const struct pt_dirent64 *)(dbuf + pos);

			if (!pt_dirent_add(fs, h->inode, plus, d, buf, size,
					   &filled)) {
				full = true;
				break;
			}
			h->dir_pos = (uint64_t)d->d_off;
			pos += d->d_reclen;
		}
		/* Entries read but not sent are read again next time. */
		if (full && lseek(h->fd, (off_t)h->dir_pos, SEEK_SET) < 0)
			h->dir_pos_valid = false;
	}
	*len = filled;
out:
	pthread_mutex_unlock(&h->dir_lock);
	pt_handle_put(fs, h);
	return err;
}

int
pt_releasedir(struct pt_fs *fs, uint64_t fh)
{
	return pt_handle_release(fs, fh, true);
}

/* ---- locks ------------------------------------------------------------------ */

static int
pt_lock_to_flock(const struct fuse_file_lock *lk, struct flock *fl)
{
	if (lk->type != F_RDLCK && lk->type != F_WRLCK && lk->type != F_UNLCK)
		return EINVAL;
	if (lk->start > INT64_MAX || lk->end > INT64_MAX || lk->end < lk->start)
		return EINVAL;
	memset(fl, 0, sizeof(*fl));
	fl->l_type = (short)lk->type;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)lk->start;
	/* end == OFFSET_MAX (INT64_MAX) means "to the end of the file". */
	fl->l_len = lk->end == INT64_MAX ? 0 : (off_t)(lk->end - lk->start + 1);
	return 0;
}

/*
 * Run the OFD lock command cmd for owner on in, through the description
 * that holds the owner's POSIX locks (opened on first use unless this is
 * an unlock). The fcntl runs under owners_lock: it never blocks, and a
 * concurrent FLUSH cannot close the fd under it. Returns 0 or an errno.
 */
static int
pt_owner_fcntl(struct pt_fs *fs, struct pt_inode *in, uint64_t owner, int cmd,
	       struct flock *fl)
{
	struct pt_owner *o;
	int fd, err = 0;

	pthread_mutex_lock(&in->owners_lock);
	for (o = in->owners; o; o = o->next)
		if (o->owner == owner)
			break;
	if (!o) {
		/* Nothing locked by that owner: nothing to unlock. */
		if (cmd == F_OFD_SETLK && fl->l_type == F_UNLCK)
			goto out;
		if (in->type != S_IFREG && in->type != S_IFDIR) {
			err = ENOLCK;
			goto out;
		}
		fd = -1;
		if (!fs->cfg.readonly && in->type == S_IFREG)
			fd = pt_reopen(fs, in->fd, O_RDWR | O_NONBLOCK);
		if (fd < 0)
			fd = pt_reopen(fs, in->fd, O_RDONLY | O_NONBLOCK);
		if (fd < 0) {
			err = errno;
			goto out;
		}
		o = xcalloc(1, sizeof(*o));
		o->owner = owner;
		o->fd = fd;
		o->next = in->owners;
		in->owners = o;
	}
	if (fcntl(o->fd, cmd, fl) < 0)
		err = errno == EACCES ? EAGAIN : errno;
out:
	pthread_mutex_unlock(&in->owners_lock);
	return err;
}

int
pt_getlk(struct pt_fs *fs, uint64_t nodeid, uint64_t owner,
	 struct fuse_file_lock *lk)
{
	struct pt_inode *in;
	struct flock fl;
	int err;

	err = pt_lock_to_flock(lk, &fl);
	if (err)
		return err;
	in = pt_inode_get(fs, nodeid);
	if (!in)
		return ESTALE;
	err = pt_owner_fcntl(fs, in, owner, F_OFD_GETLK, &fl);
	if (!err && fl.l_type == F_UNLCK) {
		lk->type = F_UNLCK;
	} else if (!err) {
		lk->type = (uint32_t)fl.l_type;
		lk->start = (uint64_t)fl.l_start;
		lk->end = fl.l_len == 0 ? INT64_MAX
					: (uint64_t)(fl.l_start + fl.l_len - 1);
		lk->pid = fl.l_pid > 0 ? (uint32_t)fl.l_pid : 0;
	}
	pt_inode_put(fs, in);
	return err;
}

int
pt_setlk(struct pt_fs *fs, uint64_t nodeid, uint64_t fh, uint64_t owner,
	 const struct fuse_file_lock *lk, bool flock_lock)
{
	struct pt_inode *in;
	struct pt_handle *h;
	struct flock fl;
	int err, op;

	err = pt_lock_to_flock(lk, &fl);
	if (err)
		return err;
	if (flock_lock) {
		h = pt_handle_get(fs, fh, false);
		if (!h)
			h = pt_handle_get(fs, fh, true);
		if (!h || h->inode->nodeid != nodeid) {
			pt_handle_put(fs, h);
			return EBADF;
		}
		op = lk->type == F_RDLCK   ? LOCK_SH
		     : lk->type == F_WRLCK ? LOCK_EX
					   : LOCK_UN;
		err = flock(h->fd, op | LOCK_NB) < 0 ? errno : 0;
		pt_handle_put(fs, h);
		return err == EWOULDBLOCK ? EAGAIN : err;
	}
	in = pt_inode_get(fs, nodeid);
	if (!in)
		return ESTALE;
	err = pt_owner_fcntl(fs, in, owner, F_OFD_SETLK, &fl);
	pt_inode_put(fs, in);
	return err;
}

/* ---- the rest ---------------------------------------------------------------- */

int
pt_access(struct pt_fs *fs, const struct pt_cred *cred, uint64_t nodeid,
	  uint32_t mask)
{
	struct pt_inode *in;
	char name[16];
	int err;

	if (mask & ~(uint32_t)(R_OK | W_OK | X_OK))
		return EINVAL;
	in = pt_inode_get(fs, nodeid);
	if (!in)
		return ESTALE;
	if ((mask & W_OK) && fs->cfg.readonly) {
		err = EROFS;
		goto out;
	}
	err = pt_cred_enter(fs, cred);
	if (err)
		goto out;
	pt_procname(name, in->fd);
	if (faccessat(fs->proc_fd, name, (int)mask, AT_EACCESS) < 0)
		err = errno;
	pt_cred_leave(fs, cred);
out:
	pt_inode_put(fs, in);
	return err;
}

int
pt_fallocate(struct pt_fs *fs, uint64_t fh, uint32_t mode, uint64_t off,
	     uint64_t len)
{
	struct pt_handle *h;
	int err = 0;

	if (fs->cfg.readonly)
		return EROFS;
	if (off > INT64_MAX || len > INT64_MAX)
		return EINVAL;
	h = pt_handle_get(fs, fh, false);
	if (!h)
		return EBADF;
	if (fallocate(h->fd, (int)mode, (off_t)off, (off_t)len) < 0)
		err = errno;
	pt_handle_put(fs, h);
	return err;
}

int
pt_lseek(struct pt_fs *fs, uint64_t fh, uint64_t off, uint32_t whence,
	 uint64_t *result)
{
	struct pt_handle *h;
	off_t r;
	int err = 0;

	if (off > INT64_MAX)
		return EINVAL;
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END &&
	    whence != SEEK_DATA && whence != SEEK_HOLE)
		return EINVAL;
	h = pt_handle_get(fs, fh, false);
	if (!h)
		return EBADF;
	r = lseek(h->fd, (off_t)off, (int)whence);
	if (r < 0)
		err = errno;
	else
		*result = (uint64_t)r;
	pt_handle_put(fs, h);
	return err;
}

int
pt_copy_file_range(struct pt_fs *fs, uint64_t fh_in, uint64_t off_in,
		   uint64_t fh_out, uint64_t off_out, uint64_t len,
		   uint64_t flags, size_t *done)
{
	struct pt_handle *hin, *hout;
	loff_t oi = (loff_t)off_in, oo = (loff_t)off_out;
	ssize_t n;
	int err = 0;

	if (fs->cfg.readonly)
		return EROFS;
	if (flags || off_in > INT64_MAX || off_out > INT64_MAX)
		return EINVAL;
	/* The reply counts in 32 bits. */
	if (len > 0x40000000)
		len = 0x40000000;
	hin = pt_handle_get(fs, fh_in, false);
	hout = pt_handle_get(fs, fh_out, false);
	if (!hin || !hout) {
		err = EBADF;
	} else {
		n = copy_file_range(hin->fd, &oi, hout->fd, &oo, (size_t)len, 0);
		if (n < 0)
			err = errno;
		else
			*done = (size_t)n;
	}
	pt_handle_put(fs, hin);
	pt_handle_put(fs, hout);
	return err;
}

int
pt_syncfs(struct pt_fs *fs, uint64_t nodeid)
{
	struct pt_inode *in = pt_inode_get(fs, nodeid);
	int fd, err = 0;

	if (!in)
		return ESTALE;
	/* syncfs() needs a real file: the inode itself or the root. */
	fd = pt_reopen(fs,
		       in->type == S_IFDIR || in->type == S_IFREG ? in->fd
								  : fs->root->fd,
		       O_RDONLY | O_NONBLOCK);
	if (fd < 0 || syncfs(fd) < 0)
		err = errno;
	close_fd(&fd);
	pt_inode_put(fs, in);
	return err;
}
