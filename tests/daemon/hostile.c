/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostile.c: a guest and a front end that lie, and what the daemon does about
 * it */
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
#include <linux/virtio_ring.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "../tap.h"
#include "fusecl.h"
#include "spawn.h"
#include "vuclient.h"

/*
 * Usage: hostile --daemon=PATH [--kind=ours|reference]
 *
 * Each case sends something a modified guest kernel or a broken front
 * end could send, then checks, from the host: nothing outside the share
 * changed, the request got an error reply (or the connection was closed),
 * and the daemon is either still serving or exited by itself with a
 * warning or error in its log; a signal (or, sandboxed, its parent's
 * report of one), a hang or silence fails the case, and so does an exit
 * where the daemon must serve on. Cases that may kill a daemon get a
 * fresh one; the rest share one.
 */

static const char *daemon_path;
static bool reference;
static char workdir[256], share[300], outside[300];
static struct spawn *sp;
static struct vuclient *vu;
static struct fusecl *fc;
static long log_mark;
static unsigned restarts;
static uint64_t victim_id; /* nodeid of share/victim.txt */

#define LONG_NAME_MAX 4200

static long
log_size(void)
{
	struct stat st;

	return sp && stat(sp->log, &st) == 0 ? st.st_size : 0;
}

/* The daemon's last two log lines, borrowed until the next call. */
static const char *
last_log_line(void)
{
	static char line[256], prev[256], last[256], both[520];
	FILE *f = sp ? fopen(sp->log, "r") : NULL;

	prev[0] = last[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (line[0] == '\n')
			continue;
		memcpy(prev, last, sizeof(prev));
		memcpy(last, line, sizeof(last));
	}
	if (f)
		fclose(f);
	prev[strcspn(prev, "\n")] = 0;
	last[strcspn(last, "\n")] = 0;
	snprintf(both, sizeof(both), "%s | %s", prev, last);
	return both;
}

static void
put_file(const char *dir, const char *rel, const char *data)
{
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, strlen(data)) < 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	close(fd);
}

/* Everything outside the share is as it was made, and nothing new. */
static bool
outside_intact(void)
{
	char path[600], buf[64] = "";
	struct stat st;
	int fd, n = 0;

	snprintf(path, sizeof(path), "%s/secret.txt", outside);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n != 7 || strcmp(buf, "secret\n") || stat(path, &st) < 0 ||
	    (st.st_mode & 07777) != 0600 || st.st_uid != 0 || st.st_nlink != 1)
		return false;
	snprintf(path, sizeof(path), "%s/escape", workdir);
	if (lstat(path, &st) == 0)
		return false;
	snprintf(path, sizeof(path), "%s/escape", outside);
	if (lstat(path, &st) == 0)
		return false;
	snprintf(path, sizeof(path), "/tmp/vs-hostile-escape");
	return lstat(path, &st) < 0;
}

static void
stop_daemon(void)
{
	fusecl_free(fc);
	vuclient_free(vu);
	fc = NULL;
	vu = NULL;
	if (sp && !spawn_wait(sp, 3000))
		spawn_stop(sp);
	spawn_free(sp);
	sp = NULL;
}

/* A connected front end, not started: for the vhost-user cases. */
static bool
raw_daemon(void)
{
	struct spawn_opts o = {
	    .binary = daemon_path,
	    .shared_dir = share,
	    .workdir = workdir,
	    .options = "cache=none,xattr,posix_lock,flock",
	};
	struct vuclient_opts vo = {.timeout_ms = 2000, .want_indirect = true};

	stop_daemon();
	restarts++;
	sp = spawn_start(&o, "fsd");
	if (!sp)
		return false;
	vu = vuclient_connect(sp->sock, &vo);
	log_mark = log_size();
	return vu != NULL;
}

/* A daemon that has done INIT and looked up the victim file. */
static void
fresh_daemon(void)
{
	struct fuse_entry_out e;

	if (!raw_daemon() || vuclient_start(vu) < 0) {
		printf("# %s\n", vu ? vuclient_error(vu) : "no connection");
		spawn_dump_log(sp, stdout, 20);
		printf("Bail out! cannot start the daemon\n");
		exit(1);
	}
	fc = fusecl_new(vu);
	fc->timeout_ms = 2000;
	if (fusecl_init(fc, FUSE_POSIX_LOCKS | FUSE_FLOCK_LOCKS |
	                        FUSE_MAX_PAGES | FUSE_INIT_EXT) < 0 ||
	    fusecl_lookup(fc, FUSE_ROOT_ID, "victim.txt", &e) < 0) {
		printf("Bail out! INIT/LOOKUP: %s\n", fusecl_error(fc));
		exit(1);
	}
	victim_id = e.nodeid;
	log_mark = log_size();
}

/*
 * The first line the daemon logged since log_mark that contains one of
 * words (NULL-terminated), borrowed until the next call; NULL if none.
 */
static const char *
log_find(const char *const *words)
{
	static char line[512];
	const char *const *w;
	const char *found = NULL;
	FILE *f = sp ? fopen(sp->log, "r") : NULL;

	if (f && fseek(f, log_mark, SEEK_SET) == 0)
		while (!found && fgets(line, sizeof(line), f))
			for (w = words; *w && !found; w++)
				if (strstr(line, *w))
					found = line;
	if (f)
		fclose(f);
	if (found)
		line[strcspn(line, "\n")] = '\0';
	return found;
}

/* A sandboxed daemon crashing shows as its parent's exit status 1. */
static const char *const log_crashed[] = {"the sandboxed daemon was killed",
                                          NULL};
/* Every exit logs "exiting with status N" (info): that is no reason. */
static const char *const log_reason[] = {"] [error] ", "] [warn] ", NULL};

/*
 * After a hostile act: is the daemon still serving, or did it exit by
 * itself with a warning or error in its log? Anything else fails; with
 * must_serve, only serving passes. A daemon that is not serving is
 * replaced for the next case.
 */
static bool
verdict_common(const char *name, bool must_serve)
{
	const char *why = NULL;
	bool ok;

	if (fc && fusecl_getattr(fc, FUSE_ROOT_ID, NULL) == 0) {
		ok = tap_ok(outside_intact(), "%s", name);
		if (!ok)
			tap_diag("  something outside the share changed");
		return ok;
	}
	/* not answering: hang up like QEMU would, then it must exit */
	fusecl_free(fc);
	vuclient_free(vu);
	fc = NULL;
	vu = NULL;
	if (!spawn_wait(sp, 3000))
		why = "hung: no answer, no exit";
	else if (WIFSIGNALED(sp->status))
		why = strsignal(WTERMSIG(sp->status));
	else if (log_find(log_crashed))
		why = log_find(log_crashed);
	else if (must_serve)
		why = "stopped serving";
	else if (!log_find(log_reason))
		why = "exited without a warning or error in its log";
	ok = tap_ok(!why && outside_intact(), "%s", name);
	if (ok)
		tap_diag("  the daemon closed the session: exit %d, log: %s",
		         WEXITSTATUS(sp->status), last_log_line());
	else {
		tap_diag("  %s", why ? why
		                     : "something outside the share "
		                       "changed");
		spawn_dump_log(sp, stdout, 8);
	}
	fresh_daemon();
	return ok;
}

static bool
verdict(const char *name)
{
	return verdict_common(name, false);
}

/* The daemon must still serve (and nothing outside the share changed). */
static bool
serves(const char *name)
{
	return verdict_common(name, true);
}

/* An error reply (not success, not a broken transport) and no damage. */
static bool
expect_error(long r, const char *fmt, ...)
{
	char name[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (r == -FUSECL_EBROKEN)
		return verdict(name);
	if (!tap_ok(r < 0 && outside_intact(), "%s", name)) {
		tap_diag("  got %ld%s", r,
		         outside_intact() ? "" : ", and outside changed");
		return false;
	}
	return true;
}

/* ---- names ------------------------------------------------------------ */

struct badname {
	const char *label;
	char bytes[LONG_NAME_MAX];
	size_t len; /* as sent, NUL included when there is one */
};

static struct badname badnames[10];
static int nbadnames;

static void
badname_add(const char *label, const char *s, size_t len)
{
	struct badname *b = &badnames[nbadnames++];

	b->label = label;
	memcpy(b->bytes, s, len);
	b->len = len;
}

static void
badnames_init(void)
{
	static char big[LONG_NAME_MAX];

	badname_add("empty", "", 1);
	badname_add("\".\"", ".", 2);
	badname_add("\"..\"", "..", 3);
	badname_add("a/b", "a/b", 4);
	badname_add("../escape", "../escape", 10);
	badname_add("/tmp/vs-hostile-escape", "/tmp/vs-hostile-escape", 23);
	badname_add("../outside/secret.txt", "../outside/secret.txt", 22);
	memset(big, 'n', 256);
	big[256] = 0;
	badname_add("256 bytes", big, 257);
	memset(big, 'n', LONG_NAME_MAX - 1);
	badname_add("4199 bytes", big, LONG_NAME_MAX);
	badname_add("no NUL", "unterminated", 12);
}

enum nameop {
	N_LOOKUP,
	N_MKDIR,
	N_MKNOD,
	N_CREATE,
	N_SYMLINK,
	N_UNLINK,
	N_RMDIR,
	N_RENAME_FROM,
	N_RENAME_TO,
	N_RENAME2_TO,
	N_LINK,
	N_SYMLINK_TARGET,
	N_COUNT
};

static const char *const nameop_label[N_COUNT] = {
    "LOOKUP", "MKDIR",       "MKNOD",     "CREATE",     "SYMLINK", "UNLINK",
    "RMDIR",  "RENAME from", "RENAME to", "RENAME2 to", "LINK",    "SYMLINK",
};

static long
send_name(enum nameop op, const struct badname *b)
{
	union {
		struct fuse_entry_out e;
		uint8_t raw[512];
	} out;
	struct fuse_mkdir_in mk = {.mode = S_IFDIR | 0755};
	struct fuse_mknod_in mn = {.mode = S_IFREG | 0644};
	struct fuse_create_in cr = {.flags = O_RDWR | O_CREAT,
	                            .mode = S_IFREG | 0644};
	struct fuse_rename_in rn = {.newdir = FUSE_ROOT_ID};
	struct fuse_rename2_in rn2 = {.newdir = FUSE_ROOT_ID};
	struct fuse_link_in ln = {.oldnodeid = victim_id};
	struct iovec a[3];
	int n = 0;

#define ARG(p, l)                                                              \
	do {                                                                   \
		a[n].iov_base = (void *)(p);                                   \
		a[n++].iov_len = (l);                                          \
	} while (0)
	switch (op) {
	case N_LOOKUP:
		ARG(b->bytes, b->len);
		return fusecl_callv(fc, FUSE_LOOKUP, FUSE_ROOT_ID, a, n, &out,
		                    sizeof(out.e));
	case N_MKDIR:
		ARG(&mk, sizeof(mk));
		ARG(b->bytes, b->len);
		return fusecl_callv(fc, FUSE_MKDIR, FUSE_ROOT_ID, a, n, &out,
		                    sizeof(out.e));
	case N_MKNOD:
		ARG(&mn, sizeof(mn));
		ARG(b->bytes, b->len);
		return fusecl_callv(fc, FUSE_MKNOD, FUSE_ROOT_ID, a, n, &out,
		                    sizeof(out.e));
	case N_CREATE:
		ARG(&cr, sizeof(cr));
		ARG(b->bytes, b->len);
		return fusecl_callv(fc, FUSE_CREATE, FUSE_ROOT_ID, a, n, &out,
		                    sizeof(out.e) +
		                        sizeof(struct fuse_open_out));
	case N_SYMLINK:
		ARG(b->bytes, b->len);
		ARG("target", 7);
		return fusecl_callv(fc, FUSE_SYMLINK, FUSE_ROOT_ID, a, n, &out,
		                    sizeof(out.e));
	case N_UNLINK:
		ARG(b->bytes, b->len);
		return fusecl_callv(fc, FUSE_UNLINK, FUSE_ROOT_ID, a, n, NULL,
		                    0);
	case N_RMDIR:
		ARG(b->bytes, b->len);
		return fusecl_callv(fc, FUSE_RMDIR, FUSE_ROOT_ID, a, n, NULL,
		                    0);
	case N_RENAME_FROM:
		ARG(&rn, sizeof(rn));
		ARG(b->bytes, b->len);
		ARG("renamed", 8);
		return fusecl_callv(fc, FUSE_RENAME, FUSE_ROOT_ID, a, n, NULL,
		                    0);
	case N_RENAME_TO:
		ARG(&rn, sizeof(rn));
		ARG("victim.txt", 11);
		ARG(b->bytes, b->len);
		return fusecl_callv(fc, FUSE_RENAME, FUSE_ROOT_ID, a, n, NULL,
		                    0);
	case N_RENAME2_TO:
		ARG(&rn2, sizeof(rn2));
		ARG("victim.txt", 11);
		ARG(b->bytes, b->len);
		return fusecl_callv(fc, FUSE_RENAME2, FUSE_ROOT_ID, a, n, NULL,
		                    0);
	case N_LINK:
		ARG(&ln, sizeof(ln));
		ARG(b->bytes, b->len);
		return fusecl_callv(fc, FUSE_LINK, FUSE_ROOT_ID, a, n, &out,
		                    sizeof(out.e));
	case N_SYMLINK_TARGET:
		/* a symlink whose target leaves the share is legal to make
		 * (the guest resolves it); the name is what is hostile */
		ARG("okname", 7);
		ARG(b->bytes, b->len);
		return fusecl_callv(fc, FUSE_SYMLINK, FUSE_ROOT_ID, a, n, &out,
		                    sizeof(out.e));
	default:
		return -EINVAL;
	}
#undef ARG
}

static void
t_names(void)
{
	struct stat st;
	char path[600];
	int op, i;

	for (op = 0; op < N_COUNT; op++) {
		for (i = 0; i < nbadnames; i++) {
			const struct badname *b = &badnames[i];
			long r;

			if (op == N_SYMLINK_TARGET && i > 0)
				break; /* targets are free text: one case */
			r = send_name(op, b);
			if (op == N_SYMLINK_TARGET) {
				/* made or refused, never followed */
				expect_error(r == -FUSECL_EBROKEN ? r : -1,
				             "SYMLINK with a hostile target");
				continue;
			}
			expect_error(r, "%s with name %s: error",
			             nameop_label[op], b->label);
		}
	}
	snprintf(path, sizeof(path), "%s/victim.txt", share);
	tap_ok(stat(path, &st) == 0 && st.st_nlink == 1,
	       "the victim file is still there, with one link");
	snprintf(path, sizeof(path), "%s/okname", share);
	unlink(path);
}

/* ---- symlinks, hard links and special files planted on the host -------- */

static uint64_t
lookup(uint64_t parent, const char *name, uint32_t *mode)
{
	struct fuse_entry_out e;

	if (fusecl_lookup(fc, parent, name, &e) < 0)
		return 0;
	if (mode)
		*mode = e.attr.mode;
	return e.nodeid;
}

static void
t_planted(void)
{
	struct fuse_setattr_in sa;
	struct fuse_attr_out ao;
	struct fuse_setxattr_in sx = {.size = 1};
	struct fuse_create_in cr = {.flags = O_RDWR | O_CREAT | O_TRUNC,
	                            .mode = S_IFREG | 0644};
	struct fuse_mkdir_in mk = {.mode = S_IFDIR | 0755};
	uint8_t out[512];
	uint32_t mode = 0;
	uint64_t id, fh;
	char target[300];
	long r;

	id = lookup(FUSE_ROOT_ID, "to-outside", &mode);
	tap_ok(id && S_ISLNK(mode),
	       "LOOKUP of a symlink to a directory outside: the link itself");
	{
		struct fuse_entry_out e;

		expect_error(fusecl_lookup(fc, id, "secret.txt", &e),
		             "LOOKUP through a symlink to outside: error");
	}
	expect_error(fusecl_open(fc, FUSE_OPEN, id, O_RDONLY, &fh),
	             "OPEN of a symlink node: error");
	expect_error(fusecl_open(fc, FUSE_OPENDIR, id, O_RDONLY, &fh),
	             "OPENDIR of a symlink to outside: error");
	expect_error(fusecl_mkdir(fc, id, "escape", S_IFDIR | 0755, NULL),
	             "MKDIR inside a symlink to outside: error");
	expect_error(fusecl_create(fc, id, "escape", O_RDWR | O_CREAT,
	                           S_IFREG | 0644, NULL, &fh),
	             "CREATE inside a symlink to outside: error");
	memset(target, 0, sizeof(target));
	r = fusecl_call(fc, FUSE_READLINK, id, NULL, 0, NULL, target,
	                sizeof(target) - 1);
	tap_ok(r > 0 && strcmp(target, outside) == 0,
	       "READLINK tells the target as it is (the guest resolves it)");

	id = lookup(FUSE_ROOT_ID, "secret-link", &mode);
	tap_ok(id && S_ISLNK(mode), "LOOKUP of a symlink to a file outside");
	expect_error(fusecl_open(fc, FUSE_OPEN, id, O_RDWR, &fh),
	             "OPEN of a symlink to an outside file: error");
	memset(&sa, 0, sizeof(sa));
	sa.valid = FATTR_SIZE;
	sa.size = 0;
	r = fusecl_call(fc, FUSE_SETATTR, id, &sa, sizeof(sa), NULL, &ao,
	                sizeof(ao));
	expect_error(r == sizeof(ao) ? (outside_intact() ? -1 : 0) : r,
	             "SETATTR size on a symlink never truncates its target");
	memset(&sa, 0, sizeof(sa));
	sa.valid = FATTR_MODE;
	sa.mode = S_IFREG | 0666;
	r = fusecl_call(fc, FUSE_SETATTR, id, &sa, sizeof(sa), NULL, &ao,
	                sizeof(ao));
	expect_error(r == sizeof(ao) ? (outside_intact() ? -1 : 0) : r,
	             "SETATTR mode on a symlink never chmods its target");
	{
		struct iovec a[3] = {
		    {&sx, FUSE_COMPAT_SETXATTR_IN_SIZE},
		    {"user.x", 7},
		    {"v", 1},
		};

		r = fusecl_callv(fc, FUSE_SETXATTR, id, a, 3, NULL, 0);
		expect_error(r == 0 ? (outside_intact() ? -1 : 0) : r,
		             "SETXATTR on a symlink never reaches its target");
	}
	r = fusecl_call(
	    fc, FUSE_CREATE, FUSE_ROOT_ID, &cr, sizeof(cr), "secret-link", out,
	    sizeof(struct fuse_entry_out) + sizeof(struct fuse_open_out));
	expect_error(
	    r >= 0 ? (outside_intact() ? -1 : 0) : r,
	    "CREATE O_TRUNC over a symlink never truncates its target");
	r = fusecl_call(fc, FUSE_MKDIR, FUSE_ROOT_ID, &mk, sizeof(mk),
	                "to-outside", out, sizeof(struct fuse_entry_out));
	expect_error(r, "MKDIR over a symlink: EEXIST");

	/* a hard link made on the host is the host's business; a forged
	 * LINK from the guest is ours */
	{
		struct fuse_link_in ln = {.oldnodeid = 0x7fffffff12345678ull};

		r = fusecl_call(fc, FUSE_LINK, FUSE_ROOT_ID, &ln, sizeof(ln),
		                "escape", out, sizeof(struct fuse_entry_out));
		expect_error(r, "LINK of a forged node id: error");
	}

	id = lookup(FUSE_ROOT_ID, "null-dev", &mode);
	tap_ok(id && S_ISCHR(mode),
	       "LOOKUP of a character device in the share");
	expect_error(fusecl_open(fc, FUSE_OPEN, id, O_RDWR, &fh),
	             "OPEN of a character device: refused (CVE-2020-35517)");
	r = fusecl_call(
	    fc, FUSE_CREATE, FUSE_ROOT_ID, &cr, sizeof(cr), "null-dev", out,
	    sizeof(struct fuse_entry_out) + sizeof(struct fuse_open_out));
	expect_error(r, "CREATE over a character device: refused");
	id = lookup(FUSE_ROOT_ID, "fifo", &mode);
	tap_ok(id && S_ISFIFO(mode), "LOOKUP of a FIFO in the share");
	expect_error(fusecl_open(fc, FUSE_OPEN, id, O_RDONLY, &fh),
	             "OPEN of a FIFO: refused, and no hang");
	id = lookup(FUSE_ROOT_ID, "sock", &mode);
	tap_ok(id && S_ISSOCK(mode), "LOOKUP of a UNIX socket in the share");
	expect_error(fusecl_open(fc, FUSE_OPEN, id, O_RDWR, &fh),
	             "OPEN of a socket: refused");
	{
		struct fuse_mknod_in mn = {
		    .mode = S_IFCHR | 0666,
		    .rdev = makedev(1, 3),
		};
		uint64_t nid;

		r = fusecl_call(fc, FUSE_MKNOD, FUSE_ROOT_ID, &mn, sizeof(mn),
		                "guest-dev", out,
		                sizeof(struct fuse_entry_out));
		nid = r > 0 ? ((struct fuse_entry_out *)out)->nodeid : 0;
		/* the guest's root may make one: made or refused, answered */
		if (!tap_ok(r != -FUSECL_EBROKEN && (r < 0 || nid),
		            "MKNOD of a character device: made or refused "
		            "(%ld)",
		            r))
			tap_diag("  %s", fusecl_error(fc));
		serves("the daemon serves after MKNOD of a character device");
		if (nid)
			expect_error(
			    fusecl_open(fc, FUSE_OPEN, nid, O_RDWR, &fh),
			    "OPEN of a device the guest made: "
			    "refused");
	}
}

/* ---- forged node ids and file handles --------------------------------- */

static void
t_forged(void)
{
	static const uint64_t ids[] = {0, 0xdeadbeefcafeull, ~0ull};
	struct fuse_read_in rd;
	struct fuse_write_in wr;
	struct fuse_release_in rl;
	struct fuse_lk_in lk;
	struct fuse_copy_file_range_in cf;
	uint8_t out[4096];
	uint64_t fh = 0;
	unsigned i;
	long r;

	for (i = 0; i < 3; i++) {
		expect_error(fusecl_getattr(fc, ids[i], NULL),
		             "GETATTR of node id %#llx: error",
		             (unsigned long long)ids[i]);
		expect_error(fusecl_lookup(fc, ids[i], "victim.txt", NULL),
		             "LOOKUP under node id %#llx: error",
		             (unsigned long long)ids[i]);
		expect_error(fusecl_open(fc, FUSE_OPEN, ids[i], O_RDONLY, &fh),
		             "OPEN of node id %#llx: error",
		             (unsigned long long)ids[i]);
	}
	fusecl_open(fc, FUSE_OPEN, victim_id, O_RDWR, &fh);
	memset(&rd, 0, sizeof(rd));
	rd.fh = fh + 0x100000;
	rd.size = 16;
	r = fusecl_call(fc, FUSE_READ, victim_id, &rd, sizeof(rd), NULL, out,
	                16);
	expect_error(r, "READ with a forged file handle: error");
	rd.fh = ~0ull;
	r = fusecl_call(fc, FUSE_READ, victim_id, &rd, sizeof(rd), NULL, out,
	                16);
	expect_error(r, "READ with file handle ~0: error");
	memset(&wr, 0, sizeof(wr));
	wr.fh = fh ^ 0x5a5a5a5a00ull;
	wr.size = 4;
	{
		struct iovec a[2] = {{&wr, sizeof(wr)}, {"evil", 4}};

		r = fusecl_callv(fc, FUSE_WRITE, victim_id, a, 2, out,
		                 sizeof(struct fuse_write_out));
	}
	expect_error(r, "WRITE with a forged file handle: error");
	memset(&rl, 0, sizeof(rl));
	rl.fh = 0xabcdef0123ull;
	r = fusecl_call(fc, FUSE_RELEASE, victim_id, &rl, sizeof(rl), NULL,
	                NULL, 0);
	tap_ok(r != -FUSECL_EBROKEN,
	       "RELEASE of a forged file handle: "
	       "answered (%ld)",
	       r);
	memset(&lk, 0, sizeof(lk));
	lk.fh = 0xabcdef0123ull;
	lk.lk.type = F_WRLCK;
	lk.lk.end = 10;
	r = fusecl_call(fc, FUSE_SETLK, victim_id, &lk, sizeof(lk), NULL, NULL,
	                0);
	/*
	 * A daemon may key POSIX locks by node and owner and never look at
	 * fh (QEMU's does): then the lock lands on the node's own file,
	 * which the guest may lock anyway. Either answer is fine.
	 */
	tap_ok(r != -FUSECL_EBROKEN && outside_intact(),
	       "SETLK with a forged file handle: answered (%ld)", r);
	lk.lk.type = F_UNLCK;
	fusecl_call(fc, FUSE_SETLK, victim_id, &lk, sizeof(lk), NULL, NULL, 0);
	memset(&cf, 0, sizeof(cf));
	cf.fh_in = fh;
	cf.nodeid_out = 0x99999999ull;
	cf.fh_out = 0x99999999ull;
	cf.len = 4;
	r = fusecl_call(fc, FUSE_COPY_FILE_RANGE, victim_id, &cf, sizeof(cf),
	                NULL, out, sizeof(struct fuse_write_out));
	expect_error(r, "COPY_FILE_RANGE to a forged node: error");
	{
		struct fuse_forget_in fi = {.nlookup = 1000000};
		struct iovec a = {&fi, sizeof(fi)};
		long used = fusecl_noreply(fc, VUC_QUEUE_HIPRIO, FUSE_FORGET,
		                           0xdeadbeefull, &a, 1);

		tap_ok(used >= 0, "FORGET of an unknown node: ignored");
		used = fusecl_noreply(fc, VUC_QUEUE_HIPRIO, FUSE_FORGET,
		                      FUSE_ROOT_ID, &a, 1);
		tap_ok(used >= 0, "FORGET of the root a million times: "
		                  "ignored");
		serves("the daemon serves after bogus FORGETs");
	}
	{
		/* a lookup count cannot go below zero and free the inode */
		struct fuse_forget_in fi = {.nlookup = 5};
		struct iovec a = {&fi, sizeof(fi)};

		fusecl_noreply(fc, VUC_QUEUE_HIPRIO, FUSE_FORGET, victim_id, &a,
		               1);
		r = fusecl_call(fc, FUSE_READ, victim_id,
		                &(struct fuse_read_in){.fh = fh, .size = 4},
		                sizeof(struct fuse_read_in), NULL, out, 4);
		tap_ok(r != -FUSECL_EBROKEN,
		       "READ after over-forgetting its node: answered (%ld)",
		       r);
		serves("the daemon serves after an unbalanced FORGET");
		fresh_daemon();
	}
}

/* ---- lengths that lie and truncated headers ---------------------------- */

#define RAW_DROPPED (-100001L) /* the chain came back without a reply */
#define RAW_OVERRUN (-100002L) /* the daemon wrote past the buffers */

/* Send raw readable bytes as a request, a reply buffer of @wr bytes. */
static long
raw_request(const void *req, size_t len, size_t wr)
{
	static uint8_t reply[8192];
	struct iovec rd = {(void *)req, len};
	struct iovec w = {reply, wr};
	long used;

	used = vuclient_call(vu, VUC_QUEUE_REQUEST, &rd, 1, &w, wr ? 1 : 0,
	                     VUC_CHAIN_DIRECT);
	if (used < 0) {
		snprintf(fc->err, sizeof(fc->err), "%s", vuclient_error(vu));
		if (strstr(fc->err, "exceeds"))
			return RAW_OVERRUN;
		return -FUSECL_EBROKEN;
	}
	if (used >= (long)sizeof(struct fuse_out_header)) {
		struct fuse_out_header *oh = (void *)reply;

		if (oh->len != used)
			return -FUSECL_EBROKEN;
		return oh->error ? oh->error : used;
	}
	return RAW_DROPPED;
}

/*
 * A request the daemon must not carry out: an error reply, or the chain
 * given back with no reply; a broken transport goes to verdict().
 * @short_ok: a successful reply of at most that many bytes is fine too.
 */
static void
expect_refused(long r, long short_ok, const char *name)
{
	if (r == -FUSECL_EBROKEN) {
		verdict(name);
		return;
	}
	if (!tap_ok(r != RAW_OVERRUN && outside_intact() &&
	                (r < 0 || r <= short_ok),
	            "%s", name))
		tap_diag("  got %ld%s", r,
		         r == RAW_OVERRUN ? " (wrote past the buffers)" : "");
}

struct req_buf {
	struct fuse_in_header h;
	uint8_t arg[256];
};

static size_t
mk_req(struct req_buf *b, uint32_t opcode, uint64_t nodeid, const void *arg,
       size_t arglen)
{
	memset(b, 0, sizeof(*b));
	b->h.len = sizeof(b->h) + arglen;
	b->h.opcode = opcode;
	b->h.unique = fc->unique;
	fc->unique += 2;
	b->h.nodeid = nodeid;
	if (arglen)
		memcpy(b->arg, arg, arglen);
	return sizeof(b->h) + arglen;
}

static void
t_lengths(void)
{
	struct req_buf b;
	struct fuse_getattr_in ga = {0};
	struct fuse_read_in rd = {.size = 1 << 20};
	struct fuse_write_in wr = {.size = 1 << 20};
	struct fuse_setxattr_in sx = {.size = 1000};
	struct fuse_getxattr_in gx = {.size = 65536};
	struct fuse_batch_forget_in bf = {.count = 1000000};
	struct fuse_lseek_in ls = {.whence = 77};
	struct fuse_fallocate_in fa = {.offset = ~0ull >> 1, .length = ~0ull};
	struct fuse_init_in in = {.major = 7, .minor = 38};
	uint64_t fh = 0;
	size_t n;

	fusecl_open(fc, FUSE_OPEN, victim_id, O_RDWR, &fh);
	n = mk_req(&b, FUSE_GETATTR, FUSE_ROOT_ID, &ga, sizeof(ga));
	b.h.len = 4096;
	expect_refused(raw_request(&b, n, 256), -1,
	               "in_header.len larger than the chain");
	n = mk_req(&b, FUSE_GETATTR, FUSE_ROOT_ID, &ga, sizeof(ga));
	b.h.len = 20;
	expect_refused(raw_request(&b, n, 256), -1,
	               "in_header.len shorter than the header");
	n = mk_req(&b, FUSE_GETATTR, FUSE_ROOT_ID, &ga, sizeof(ga));
	b.h.len = 0;
	expect_refused(raw_request(&b, n, 256), -1, "in_header.len 0");
	n = mk_req(&b, FUSE_GETATTR, FUSE_ROOT_ID, &ga, sizeof(ga));
	b.h.len = ~0u;
	expect_refused(raw_request(&b, n, 256), -1, "in_header.len ~0");
	n = mk_req(&b, FUSE_GETATTR, FUSE_ROOT_ID, &ga, sizeof(ga));
	b.h.len = 10;
	expect_refused(raw_request(&b, 10, 256), -1,
	               "a request of 10 bytes (half a header)");
	n = mk_req(&b, FUSE_GETATTR, FUSE_ROOT_ID, &ga, sizeof(ga));
	expect_refused(raw_request(&b, n, 0), -1,
	               "a request with no room for a reply");
	n = mk_req(&b, FUSE_GETATTR, FUSE_ROOT_ID, &ga, sizeof(ga));
	expect_refused(raw_request(&b, n, 8), -1,
	               "a reply buffer shorter than the out header");

	rd.fh = fh;
	n = mk_req(&b, FUSE_READ, victim_id, &rd, sizeof(rd));
	expect_refused(raw_request(&b, n, 100), 100,
	               "READ of 1 MiB into 100 bytes: error or short");
	rd.size = ~0u;
	n = mk_req(&b, FUSE_READ, victim_id, &rd, sizeof(rd));
	expect_refused(raw_request(&b, n, 4096), 4096,
	               "READ of 4 GiB into 4 KiB: error or short");
	wr.fh = fh;
	n = mk_req(&b, FUSE_WRITE, victim_id, &wr, sizeof(wr));
	memcpy(b.arg + sizeof(wr), "tiny", 4);
	b.h.len += 4;
	expect_refused(raw_request(&b, n + 4, 64), -1,
	               "WRITE claiming 1 MiB with 4 bytes of data");
	n = mk_req(&b, FUSE_WRITE, victim_id, &wr, 20);
	expect_refused(raw_request(&b, n, 64), -1,
	               "WRITE with a truncated write_in");
	n = mk_req(&b, FUSE_SETXATTR, victim_id, &sx, 8);
	memcpy(b.arg + 8, "user.a\0v", 8);
	b.h.len += 8;
	expect_refused(raw_request(&b, n + 8, 64), -1,
	               "SETXATTR claiming 1000 value bytes with 1");
	n = mk_req(&b, FUSE_GETXATTR, victim_id, &gx, sizeof(gx));
	memcpy(b.arg + sizeof(gx), "user.a", 7);
	b.h.len += 7;
	expect_refused(raw_request(&b, n + 7, 64), 48,
	               "GETXATTR of 64 KiB into 64 bytes");
	n = mk_req(&b, FUSE_LISTXATTR, victim_id, &gx, sizeof(gx));
	expect_refused(raw_request(&b, n, 64), 48,
	               "LISTXATTR of 64 KiB into 64 bytes");
	n = mk_req(&b, FUSE_BATCH_FORGET, 0, &bf, sizeof(bf));
	raw_request(&b, n, 0);
	verdict("BATCH_FORGET counting a million entries, sending none");
	n = mk_req(&b, FUSE_RENAME, FUSE_ROOT_ID,
	           &(struct fuse_rename_in){.newdir = FUSE_ROOT_ID}, 8);
	memcpy(b.arg + 8, "victim.txt", 11);
	b.h.len += 11;
	expect_refused(raw_request(&b, n + 11, 64), -1, "RENAME with one name");
	n = mk_req(&b, FUSE_SYMLINK, FUSE_ROOT_ID, "onlyone", 8);
	expect_refused(raw_request(&b, n, 256), -1, "SYMLINK with one string");
	n = mk_req(&b, FUSE_LOOKUP, FUSE_ROOT_ID, NULL, 0);
	expect_refused(raw_request(&b, n, 256), -1, "LOOKUP with no name");
	ls.fh = fh;
	n = mk_req(&b, FUSE_LSEEK, victim_id, &ls, sizeof(ls));
	expect_refused(raw_request(&b, n, 64), -1, "LSEEK whence 77");
	fa.fh = fh;
	n = mk_req(&b, FUSE_FALLOCATE, victim_id, &fa, sizeof(fa));
	expect_refused(raw_request(&b, n, 64), -1, "FALLOCATE past 2^63");
	n = mk_req(&b, FUSE_INIT, 0, &in, 8);
	{
		long r = raw_request(&b, n, 256);

		if (!tap_ok(r != -FUSECL_EBROKEN && r != RAW_OVERRUN,
		            "INIT again, truncated: answered within the "
		            "buffers"))
			tap_diag("  got %ld", r);
	}
	serves("the daemon serves after the lying lengths");
}

/* ---- opcodes ---------------------------------------------------------- */

static void
t_opcodes(void)
{
	static const uint32_t ops[] = {
	    0,
	    37 /* BMAP */,
	    39 /* IOCTL */,
	    40 /* POLL */,
	    41 /* NOTIFY_REPLY */,
	    48 /* SETUPMAPPING */,
	    49 /* REMOVEMAPPING */,
	    51 /* TMPFILE */,
	    52,
	    100,
	    4096,
	    FUSE_INIT_BSWAP_RESERVED,
	    0x7fffffff,
	    ~0u,
	};
	uint8_t zero[64] = {0};
	unsigned i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		long r = fusecl_call(fc, ops[i], FUSE_ROOT_ID, zero,
		                     sizeof(zero), NULL, zero, sizeof(zero));

		if (reference)
			expect_error(r, "opcode %u: error", ops[i]);
		else if (!tap_ok(r == -ENOSYS, "opcode %u: ENOSYS", ops[i])) {
			tap_diag("  got %ld", r);
			if (r == -FUSECL_EBROKEN)
				verdict("daemon after the opcode");
		}
	}
	{
		long r = fusecl_call(
		    fc, FUSE_INIT, 0, &(struct fuse_init_in){.major = 6},
		    sizeof(struct fuse_init_in), NULL, zero, sizeof(zero));

		tap_ok(r != -FUSECL_EBROKEN, "INIT of FUSE major 6: answered");
	}
	serves("the daemon serves after the unknown opcodes");
}

/* ---- descriptor chains and guest addresses ----------------------------- */

/*
 * Put hand-made descriptors in the ring, linked in order unless the
 * case fixes next itself (then @link is false). Returns the head.
 */
static int
raw_chain(int q, struct vring_desc *d, unsigned n, bool link, uint16_t *idx_out)
{
	struct vring_desc *t = vuclient_desc_table(vu, q);
	uint16_t idx[64];
	unsigned k;

	if (vuclient_desc_reserve(vu, q, n, idx) < 0)
		return -1;
	for (k = 0; k < n; k++) {
		t[idx[k]] = d[k];
		if (link && k + 1 < n) {
			t[idx[k]].flags |= VRING_DESC_F_NEXT;
			t[idx[k]].next = idx[k + 1];
		}
	}
	if (idx_out)
		memcpy(idx_out, idx, n * sizeof(*idx));
	return idx[0];
}

/* A GETATTR of the root in guest memory: header, arg, reply buffers. */
static void
getattr_bufs(struct vuclient_gbuf *in, struct vuclient_gbuf *out)
{
	struct {
		struct fuse_in_header h;
		struct fuse_getattr_in g;
	} req = {{.len = sizeof(req),
	          .opcode = FUSE_GETATTR,
	          .nodeid = FUSE_ROOT_ID}};

	req.h.unique = fc->unique;
	fc->unique += 2;
	vuclient_galloc(vu, 1, sizeof(req), in);
	memcpy(in->host, &req, sizeof(req));
	vuclient_galloc(vu, 1, 256, out);
}

enum chaincase {
	C_ADDR_ZERO,
	C_ADDR_GAP,
	C_ADDR_CROSS_END,
	C_ADDR_WRAP,
	C_LEN_HUGE,
	C_WRITE_OUTSIDE,
	C_WRITE_READONLY_ORDER,
	C_LOOP_SELF,
	C_LOOP_TWO,
	C_NEXT_RANGE,
	C_INDIRECT_UNMAPPED,
	C_INDIRECT_ODD_LEN,
	C_INDIRECT_ZERO_LEN,
	C_INDIRECT_NESTED,
	C_INDIRECT_LOOP,
	C_INDIRECT_HUGE,
	C_INDIRECT_WITH_NEXT,
	C_ZERO_LEN_ONLY,
	C_HEAD_RANGE,
	C_AVAIL_JUMP,
	C_COUNT
};

static const char *const chaincase_label[C_COUNT] = {
    "descriptor at guest address 0 (unmapped)",
    "descriptor in the gap between regions",
    "descriptor crossing the end of a region",
    "descriptor address wrapping around 2^64",
    "descriptor of 4 GiB",
    "reply buffer outside guest memory",
    "writable descriptor before the readable ones",
    "chain looping on itself",
    "chain of two descriptors looping",
    "next index beyond the queue size",
    "indirect table outside guest memory",
    "indirect table of 17 bytes",
    "indirect table of 0 bytes",
    "indirect descriptor inside an indirect table",
    "indirect table looping",
    "indirect table longer than the queue",
    "indirect descriptor with NEXT set",
    "chain of one empty descriptor",
    "avail ring naming head 65535",
    "avail index jumping past the ring size",
};

static void
chain_case(enum chaincase cc)
{
	struct vuclient_gbuf in, out, tab;
	uint64_t r0 = vuclient_region_gpa(vu, 0);
	uint64_t r1 = vuclient_region_gpa(vu, 1);
	size_t rs = vuclient_region_size(vu, 0);
	struct vring_desc d[4], *it;
	uint16_t idx[4];
	int head = -1, n = 2, k;
	bool link = true;

	getattr_bufs(&in, &out);
	d[0] = (struct vring_desc){in.gpa, in.len, 0, 0};
	d[1] = (struct vring_desc){out.gpa, out.len, VRING_DESC_F_WRITE, 0};
	switch (cc) {
	case C_ADDR_ZERO:
		d[0].addr = 0;
		break;
	case C_ADDR_GAP:
		d[0].addr = r0 + rs + 4096;
		break;
	case C_ADDR_CROSS_END:
		d[0].addr = r0 + rs - 8;
		break;
	case C_ADDR_WRAP:
		d[0].addr = ~0ull - 15;
		d[0].len = 64;
		break;
	case C_LEN_HUGE:
		d[0].addr = r1;
		d[0].len = ~0u;
		break;
	case C_WRITE_OUTSIDE:
		d[1].addr = 0x10000;
		break;
	case C_WRITE_READONLY_ORDER:
		d[2] = d[0];
		d[0] = d[1];
		d[1] = d[2];
		break;
	case C_LOOP_SELF:
	case C_LOOP_TWO:
	case C_NEXT_RANGE:
		link = false;
		break;
	case C_INDIRECT_UNMAPPED:
	case C_INDIRECT_ODD_LEN:
	case C_INDIRECT_ZERO_LEN:
	case C_INDIRECT_NESTED:
	case C_INDIRECT_LOOP:
	case C_INDIRECT_HUGE:
	case C_INDIRECT_WITH_NEXT:
		vuclient_galloc(vu, 0, 16 * 2048, &tab);
		it = tab.host;
		memset(it, 0, 16 * 2048);
		it[0] = d[0];
		it[0].flags = VRING_DESC_F_NEXT;
		it[0].next = 1;
		it[1] = d[1];
		d[0] =
		    (struct vring_desc){tab.gpa, 32, VRING_DESC_F_INDIRECT, 0};
		n = 1;
		if (cc == C_INDIRECT_UNMAPPED)
			d[0].addr = 0x1000;
		else if (cc == C_INDIRECT_ODD_LEN)
			d[0].len = 17;
		else if (cc == C_INDIRECT_ZERO_LEN)
			d[0].len = 0;
		else if (cc == C_INDIRECT_NESTED)
			it[1] = (struct vring_desc){tab.gpa, 32,
			                            VRING_DESC_F_INDIRECT, 0};
		else if (cc == C_INDIRECT_LOOP)
			it[1] = (struct vring_desc){
			    out.gpa, out.len,
			    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0};
		else if (cc == C_INDIRECT_HUGE) {
			for (k = 1; k < 2047; k++) {
				it[k] = (struct vring_desc){
				    out.gpa, 1,
				    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
				    k + 1};
			}
			it[2047] = (struct vring_desc){out.gpa, 1,
			                               VRING_DESC_F_WRITE, 0};
			d[0].len = 16 * 2048;
		} else if (cc == C_INDIRECT_WITH_NEXT) {
			d[0].flags |= VRING_DESC_F_NEXT;
			d[1] = (struct vring_desc){out.gpa, out.len,
			                           VRING_DESC_F_WRITE, 0};
			n = 2;
		}
		break;
	case C_ZERO_LEN_ONLY:
		d[0].len = 0;
		n = 1;
		break;
	case C_HEAD_RANGE:
	case C_AVAIL_JUMP:
		break;
	default:
		break;
	}
	if (cc == C_HEAD_RANGE) {
		vuclient_publish(vu, VUC_QUEUE_REQUEST, 65535);
		verdict(chaincase_label[cc]);
		return;
	}
	if (cc == C_AVAIL_JUMP) {
		struct vring_avail *av =
		    vuclient_avail_ring(vu, VUC_QUEUE_REQUEST);

		head = raw_chain(VUC_QUEUE_REQUEST, d, n, true, idx);
		vuclient_submit_raw(vu, VUC_QUEUE_REQUEST, head, idx, n);
		__atomic_store_n(&av->idx, av->idx + 1000, __ATOMIC_RELEASE);
		vuclient_kick(vu, VUC_QUEUE_REQUEST);
		verdict(chaincase_label[cc]);
		return;
	}
	head = raw_chain(VUC_QUEUE_REQUEST, d, n, link, idx);
	if (head < 0) {
		tap_ok(false, "%s: %s", chaincase_label[cc],
		       vuclient_error(vu));
		return;
	}
	if (cc == C_LOOP_SELF) {
		struct vring_desc *t = vuclient_desc_table(vu, 1);

		t[idx[0]].flags |= VRING_DESC_F_NEXT;
		t[idx[0]].next = idx[0];
	} else if (cc == C_LOOP_TWO) {
		struct vring_desc *t = vuclient_desc_table(vu, 1);

		t[idx[0]].flags |= VRING_DESC_F_NEXT;
		t[idx[0]].next = idx[1];
		t[idx[1]].flags |= VRING_DESC_F_NEXT;
		t[idx[1]].next = idx[0];
	} else if (cc == C_NEXT_RANGE) {
		struct vring_desc *t = vuclient_desc_table(vu, 1);

		t[idx[0]].flags |= VRING_DESC_F_NEXT;
		t[idx[0]].next = 1000;
	}
	vuclient_submit_raw(vu, VUC_QUEUE_REQUEST, head, idx, n);
	/* the chain may come back (with an error or nothing) or not at all */
	vuclient_wait(vu, VUC_QUEUE_REQUEST, head, NULL, 0, 500);
	verdict(chaincase_label[cc]);
}

static void
t_chains(void)
{
	int cc;

	for (cc = 0; cc < C_COUNT; cc++) {
		fresh_daemon();
		chain_case(cc);
	}
}

/* Reply bytes must land only in the writable buffers. */
static void
t_canary(void)
{
	struct vuclient_gbuf in, out, canary;
	struct vring_desc d[2];
	uint16_t idx[2];
	struct {
		struct fuse_in_header h;
		struct fuse_read_in r;
	} req = {{.len = sizeof(req), .opcode = FUSE_READ}};
	uint64_t fh = 0;
	int head, k;
	long used;
	bool intact = true;

	fresh_daemon();
	fusecl_open(fc, FUSE_OPEN, victim_id, O_RDONLY, &fh);
	req.h.unique = fc->unique;
	fc->unique += 2;
	req.h.nodeid = victim_id;
	req.r.fh = fh;
	req.r.size = 4096;
	vuclient_galloc(vu, 1, sizeof(req), &in);
	memcpy(in.host, &req, sizeof(req));
	vuclient_galloc(vu, 1, 20, &out); /* header + 4 bytes */
	vuclient_galloc(vu, 1, 4096, &canary);
	memset(canary.host, 0xc5, 4096);
	memset(out.host, 0, 20);
	d[0] = (struct vring_desc){in.gpa, in.len, 0, 0};
	d[1] = (struct vring_desc){out.gpa, 20, VRING_DESC_F_WRITE, 0};
	head = raw_chain(VUC_QUEUE_REQUEST, d, 2, true, idx);
	vuclient_submit_raw(vu, VUC_QUEUE_REQUEST, head, idx, 2);
	/* answered (an error or 4 bytes), or nothing was tried at all */
	used = vuclient_wait(vu, VUC_QUEUE_REQUEST, head, NULL, 0, 5000);
	/* the arena is reset once nothing is in flight; the bytes remain */
	for (k = 0; k < 4096; k++)
		intact &= ((uint8_t *)canary.host)[k] == 0xc5;
	if (!tap_ok(used >= 0 && intact,
	            "READ of 4 KiB into 20 bytes writes nothing past them"))
		tap_diag("  chain %s, bytes past the buffer %s",
		         used >= 0 ? "returned" : vuclient_error(vu),
		         intact ? "intact" : "written");
	serves("the daemon serves after the short READ buffer");
}

/* ---- vhost-user messages ------------------------------------------------ */

enum vucase {
	V_UNKNOWN_REQ,
	V_HUGE_SIZE,
	V_BAD_VERSION,
	V_SET_FEATURES_SHORT,
	V_GET_FEATURES_PAYLOAD,
	V_MEM_NO_REGIONS,
	V_MEM_NINE_REGIONS,
	V_MEM_MISSING_FD,
	V_MEM_EXTRA_FD,
	V_MEM_ZERO_SIZE,
	V_MEM_PAST_EOF,
	V_MEM_OVERLAP,
	V_MEM_EVENTFD,
	V_VRING_NUM_INDEX,
	V_VRING_NUM_ZERO,
	V_VRING_NUM_ODD,
	V_VRING_NUM_HUGE,
	V_VRING_ADDR_UNMAPPED,
	V_VRING_KICK_NOFD,
	V_VRING_CALL_INDEX,
	V_LOG_BASE,
	V_ADD_MEM_NOFD,
	V_REM_MEM_UNKNOWN,
	V_TRUNCATED,
	V_MANY_FDS,
	V_GET_BASE_IDLE,
	V_COUNT
};

static const char *const vucase_label[V_COUNT] = {
    "vhost-user request 999",
    "vhost-user header claiming a 1 MiB payload",
    "vhost-user header of version 3",
    "SET_FEATURES with a 4-byte payload",
    "GET_FEATURES with a payload",
    "SET_MEM_TABLE with no regions",
    "SET_MEM_TABLE with 9 regions",
    "SET_MEM_TABLE with 2 regions and 1 fd",
    "SET_MEM_TABLE with 1 region and 3 fds",
    "SET_MEM_TABLE with a region of size 0",
    "SET_MEM_TABLE with a region past the end of its file",
    "SET_MEM_TABLE with overlapping regions",
    "SET_MEM_TABLE with an eventfd for memory",
    "SET_VRING_NUM for ring 7",
    "SET_VRING_NUM 0",
    "SET_VRING_NUM 100 (not a power of 2)",
    "SET_VRING_NUM 65536",
    "SET_VRING_ADDR outside every region",
    "SET_VRING_KICK with neither fd nor NOFD flag",
    "SET_VRING_CALL for ring 200",
    "SET_LOG_BASE without LOG_SHMFD",
    "ADD_MEM_REG without an fd",
    "REM_MEM_REG of an unknown region",
    "a message cut after the header",
    "GET_FEATURES carrying 8 fds",
    "GET_VRING_BASE of a ring never started",
};

struct memreg {
	uint64_t gpa, size, uaddr, off;
};

static void
vu_case(enum vucase vc)
{
	struct {
		uint32_t n, pad;
		struct memreg r[9];
	} mt = {2,
	        0,
	        {{0x40000000, 1 << 20, 0x7f0000000000, 0},
	         {0x80000000, 1 << 20, 0x7f0100000000, 1 << 20}}};
	int memfd = vuclient_memfd(vu);
	int fds[8], i, efd = eventfd(0, EFD_CLOEXEC);
	uint64_t v = 0, buf[64] = {0};
	struct {
		uint32_t index, num;
	} st = {0, 128};

	for (i = 0; i < 8; i++)
		fds[i] = memfd;
	/* most cases come after a normal start of the session */
	if (vc >= V_MEM_NO_REGIONS && vc != V_TRUNCATED && vc != V_MANY_FDS &&
	    vc != V_GET_BASE_IDLE) {
		vuclient_get_u64(vu, VHOST_USER_GET_FEATURES, &v);
		vuclient_send(vu, VHOST_USER_SET_OWNER, 0, NULL, 0, NULL, 0);
	}
	switch (vc) {
	case V_UNKNOWN_REQ:
		vuclient_send(vu, 999, 0, &v, 8, NULL, 0);
		break;
	case V_HUGE_SIZE: {
		uint32_t h[3] = {VHOST_USER_SET_FEATURES, 1, 1 << 20};

		if (write(vuclient_socket(vu), h, sizeof(h)) < 0)
			break;
	} break;
	case V_BAD_VERSION:
		vuclient_send(vu, VHOST_USER_GET_FEATURES, 2, NULL, 0, NULL, 0);
		break;
	case V_SET_FEATURES_SHORT:
		vuclient_send(vu, VHOST_USER_SET_FEATURES, 0, &v, 4, NULL, 0);
		break;
	case V_GET_FEATURES_PAYLOAD:
		vuclient_send(vu, VHOST_USER_GET_FEATURES, 0, buf, 100, NULL,
		              0);
		break;
	case V_MEM_NO_REGIONS:
		mt.n = 0;
		vuclient_send(vu, VHOST_USER_SET_MEM_TABLE, 0, &mt, 8, NULL, 0);
		break;
	case V_MEM_NINE_REGIONS:
		mt.n = 9;
		vuclient_send(vu, VHOST_USER_SET_MEM_TABLE, 0, &mt,
		              8 + 8 * sizeof(struct memreg), fds, 8);
		break;
	case V_MEM_MISSING_FD:
		vuclient_send(vu, VHOST_USER_SET_MEM_TABLE, 0, &mt,
		              8 + 2 * sizeof(struct memreg), fds, 1);
		break;
	case V_MEM_EXTRA_FD:
		mt.n = 1;
		vuclient_send(vu, VHOST_USER_SET_MEM_TABLE, 0, &mt,
		              8 + sizeof(struct memreg), fds, 3);
		break;
	case V_MEM_ZERO_SIZE:
		mt.r[1].size = 0;
		vuclient_send(vu, VHOST_USER_SET_MEM_TABLE, 0, &mt,
		              8 + 2 * sizeof(struct memreg), fds, 2);
		break;
	case V_MEM_PAST_EOF:
		mt.r[1].off = 1ull << 40;
		vuclient_send(vu, VHOST_USER_SET_MEM_TABLE, 0, &mt,
		              8 + 2 * sizeof(struct memreg), fds, 2);
		break;
	case V_MEM_OVERLAP:
		mt.r[1].gpa = mt.r[0].gpa + 4096;
		mt.r[1].uaddr = mt.r[0].uaddr + 4096;
		vuclient_send(vu, VHOST_USER_SET_MEM_TABLE, 0, &mt,
		              8 + 2 * sizeof(struct memreg), fds, 2);
		break;
	case V_MEM_EVENTFD:
		fds[0] = fds[1] = efd;
		vuclient_send(vu, VHOST_USER_SET_MEM_TABLE, 0, &mt,
		              8 + 2 * sizeof(struct memreg), fds, 2);
		break;
	case V_VRING_NUM_INDEX:
		st.index = 7;
		vuclient_send(vu, VHOST_USER_SET_VRING_NUM, 0, &st, 8, NULL, 0);
		break;
	case V_VRING_NUM_ZERO:
		st.num = 0;
		vuclient_send(vu, VHOST_USER_SET_VRING_NUM, 0, &st, 8, NULL, 0);
		break;
	case V_VRING_NUM_ODD:
		st.num = 100;
		vuclient_send(vu, VHOST_USER_SET_VRING_NUM, 0, &st, 8, NULL, 0);
		break;
	case V_VRING_NUM_HUGE:
		st.num = 65536;
		vuclient_send(vu, VHOST_USER_SET_VRING_NUM, 0, &st, 8, NULL, 0);
		break;
	case V_VRING_ADDR_UNMAPPED:
		buf[0] = 1;
		buf[1] = 0x1000;
		buf[2] = 0x2000;
		buf[3] = 0x3000;
		vuclient_send(vu, VHOST_USER_SET_MEM_TABLE, 0, &mt,
		              8 + 2 * sizeof(struct memreg), fds, 2);
		vuclient_send(vu, VHOST_USER_SET_VRING_NUM, 0, &st, 8, NULL, 0);
		vuclient_send(vu, VHOST_USER_SET_VRING_ADDR, 0, buf, 40, NULL,
		              0);
		v = 1;
		vuclient_send(vu, VHOST_USER_SET_VRING_KICK, 0, &v, 8, &efd, 1);
		break;
	case V_VRING_KICK_NOFD:
		v = 1;
		vuclient_send(vu, VHOST_USER_SET_VRING_KICK, 0, &v, 8, NULL, 0);
		break;
	case V_VRING_CALL_INDEX:
		v = 200;
		vuclient_send(vu, VHOST_USER_SET_VRING_CALL, 0, &v, 8, &efd, 1);
		break;
	case V_LOG_BASE:
		vuclient_send(vu, VHOST_USER_SET_LOG_BASE, 0, buf, 16, &efd, 1);
		break;
	case V_ADD_MEM_NOFD:
		vuclient_send(vu, VHOST_USER_ADD_MEM_REG, 0, buf, 40, NULL, 0);
		break;
	case V_REM_MEM_UNKNOWN:
		buf[1] = 0x123456789000ull;
		buf[2] = 4096;
		vuclient_send(vu, VHOST_USER_REM_MEM_REG, 0, buf, 40, &memfd,
		              1);
		break;
	case V_TRUNCATED: {
		uint32_t h[3] = {VHOST_USER_SET_FEATURES, 1, 8};

		if (write(vuclient_socket(vu), h, sizeof(h)) < 0)
			break;
		shutdown(vuclient_socket(vu), SHUT_WR);
	} break;
	case V_MANY_FDS:
		vuclient_send(vu, VHOST_USER_GET_FEATURES, 0, NULL, 0, fds, 8);
		break;
	case V_GET_BASE_IDLE:
		/* its reply read, so that the session can start after it */
		if (vuclient_send(vu, VHOST_USER_GET_VRING_BASE, 0, &st, 8,
		                  NULL, 0) == 0)
			vuclient_recv(vu, VHOST_USER_GET_VRING_BASE, buf,
			              sizeof(buf));
		break;
	default:
		break;
	}
	close(efd);
	/* the front end now tries to carry on as QEMU would */
	if (vuclient_start(vu) == 0) {
		fc = fusecl_new(vu);
		fc->timeout_ms = 2000;
		if (fusecl_init(fc, 0) < 0) {
			fusecl_free(fc);
			fc = NULL;
		}
	}
	verdict(vucase_label[vc]);
}

static void
t_vhost_user(void)
{
	int vc;

	for (vc = 0; vc < V_COUNT; vc++) {
		stop_daemon();
		if (!raw_daemon()) {
			tap_ok(false, "%s: no connection", vucase_label[vc]);
			continue;
		}
		vu_case(vc);
	}
}

/* The memory table replaced while a request waits in the daemon. */
static void
t_remap_inflight(void)
{
	struct fusecl_pending p;
	struct fuse_lk_in lk;
	struct iovec a = {&lk, sizeof(lk)};
	uint64_t fa = 0, fb = 0;
	long r;

	fresh_daemon();
	fusecl_open(fc, FUSE_OPEN, victim_id, O_RDWR, &fa);
	fusecl_open(fc, FUSE_OPEN, victim_id, O_RDWR, &fb);
	memset(&lk, 0, sizeof(lk));
	lk.fh = fa;
	lk.owner = 1;
	lk.lk.type = F_WRLCK;
	lk.lk.end = 10;
	fusecl_call(fc, FUSE_SETLK, victim_id, &lk, sizeof(lk), NULL, NULL, 0);
	lk.fh = fb;
	lk.owner = 2;
	if (fusecl_submit(fc, VUC_QUEUE_REQUEST, FUSE_SETLKW, victim_id, &a, 1,
	                  NULL, 0, &p) < 0) {
		tap_ok(false, "SETLKW for the remap case");
		return;
	}
	r = vuclient_set_mem_table(vu);
	if (!tap_ok(r == 0, "SET_MEM_TABLE while a SETLKW waits: accepted"))
		tap_diag("  %s", vuclient_error(vu));
	lk.fh = fa;
	lk.owner = 1;
	lk.lk.type = F_UNLCK;
	r = fusecl_call(fc, FUSE_SETLK, victim_id, &lk, sizeof(lk), NULL, NULL,
	                0);
	if (r == -FUSECL_EBROKEN) {
		verdict("memory table replaced under a waiting request");
		return;
	}
	r = fusecl_wait(fc, &p, 3000);
	tap_ok(r == 0 || (r < 0 && r != -FUSECL_EBROKEN),
	       "the waiting SETLKW is answered after the remap (%ld)", r);
	verdict("memory table replaced under a waiting request");
}

/* Before INIT nothing but INIT is served. */
static void
t_before_init(void)
{
	stop_daemon();
	if (!raw_daemon() || vuclient_start(vu) < 0) {
		tap_ok(false, "a session without INIT");
		return;
	}
	fc = fusecl_new(vu);
	fc->timeout_ms = 2000;
	expect_error(fusecl_getattr(fc, FUSE_ROOT_ID, NULL),
	             "GETATTR before INIT: error");
	expect_error(fusecl_lookup(fc, FUSE_ROOT_ID, "victim.txt", NULL),
	             "LOOKUP before INIT: error");
	tap_ok(fusecl_init(fc, 0) == 0, "INIT after refused requests");
	fresh_daemon();
}

static void
setup(void)
{
	char path[600];

	snprintf(workdir, sizeof(workdir), "%s/vs-hostile.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(workdir)) {
		printf("Bail out! mkdtemp\n");
		exit(1);
	}
	snprintf(share, sizeof(share), "%s/share", workdir);
	snprintf(outside, sizeof(outside), "%s/outside", workdir);
	mkdir(share, 0755);
	mkdir(outside, 0755);
	put_file(outside, "secret.txt", "secret\n");
	snprintf(path, sizeof(path), "%s/secret.txt", outside);
	chmod(path, 0600);
	put_file(share, "victim.txt", "victim\n");
	snprintf(path, sizeof(path), "%s/to-outside", share);
	if (symlink(outside, path) < 0)
		exit(1);
	snprintf(path, sizeof(path), "%s/secret-link", share);
	{
		char t[600];

		snprintf(t, sizeof(t), "%s/secret.txt", outside);
		if (symlink(t, path) < 0)
			exit(1);
	}
	snprintf(path, sizeof(path), "%s/null-dev", share);
	mknod(path, S_IFCHR | 0666, makedev(1, 3));
	snprintf(path, sizeof(path), "%s/fifo", share);
	mkfifo(path, 0666);
	snprintf(path, sizeof(path), "%s/sock", share);
	mknod(path, S_IFSOCK | 0666, 0);
}

static void
cleanup(void)
{
	char cmd[600];

	stop_daemon();
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
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			daemon_path = optarg;
		else if (c == 'k')
			reference = !strcmp(optarg, "reference");
		else
			return 2;
	}
	if (!daemon_path) {
		fprintf(stderr, "usage: %s --daemon=PATH\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (access(daemon_path, X_OK) < 0) {
		printf("1..0 # SKIP %s is not there\n", daemon_path);
		return 0;
	}
	if (geteuid() != 0) {
		printf("1..0 # SKIP planting device nodes needs root\n");
		return 0;
	}
	setup();
	atexit(cleanup);
	badnames_init();
	tap_diag("daemon %s, share %s", daemon_path, share);
	fresh_daemon();
	t_names();
	t_planted();
	t_forged();
	t_lengths();
	t_opcodes();
	t_before_init();
	t_chains();
	t_canary();
	t_vhost_user();
	t_remap_inflight();
	tap_ok(outside_intact(), "at the end, nothing outside the share "
	                         "changed");
	tap_diag("%u daemon instances", restarts);
	return tap_done();
}
