/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vs-guest.c: file-operation checks busybox cannot do, run inside the e2e guest
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <grp.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>

/*
 * Linked statically into the guest initramfs. Each subcommand exits 0
 * when the check holds and prints one line to stderr saying what did
 * not; guest-init.sh turns the exit status into "E2E: PASS|FAIL name".
 */

#define FUSE_SUPER_MAGIC 0x65735546

static int
fail(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, errno ? strerror(errno) : "wrong");
	return 1;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* mkmany DIR N: create N empty files (one CREATE, FLUSH, RELEASE each) */
static int
cmd_mkmany(const char *dir, long n)
{
	char path[4096];
	long i;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return fail("mkdir");
	for (i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%06ld", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			return fail(path);
		close(fd);
	}
	return 0;
}

/* countdir DIR N: readdir sees exactly N entries besides . and .. */
static int
cmd_countdir(const char *dir, long want)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	long n = 0;

	if (!d)
		return fail("opendir");
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	if (n != want) {
		fprintf(stderr, "readdir saw %ld entries, want %ld\n", n, want);
		return 1;
	}
	return 0;
}

/* rmmany DIR N: unlink what mkmany made, then the directory */
static int
cmd_rmmany(const char *dir, long n)
{
	char path[4096];
	long i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%06ld", dir, i);
		if (unlink(path) < 0)
			return fail(path);
	}
	return rmdir(dir) < 0 ? fail("rmdir") : 0;
}

/* meta DIR N: timed create, stat, unlink of N files (a benchmark) */
static int
cmd_meta(const char *dir, long n)
{
	char path[4096];
	struct stat st;
	double t0, t1, t2, t3;
	long i;

	t0 = now();
	if (cmd_mkmany(dir, n))
		return 1;
	t1 = now();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%06ld", dir, i);
		if (stat(path, &st) < 0)
			return fail(path);
	}
	t2 = now();
	if (cmd_rmmany(dir, n))
		return 1;
	t3 = now();
	printf("BENCH meta-create ops_per_s=%.0f\n", n / (t1 - t0));
	printf("BENCH meta-stat ops_per_s=%.0f\n", n / (t2 - t1));
	printf("BENCH meta-unlink ops_per_s=%.0f\n", n / (t3 - t2));
	return 0;
}

static int
cmd_xattr(const char *file)
{
	char buf[256];
	ssize_t n;

	errno = 0;
	if (setxattr(file, "user.e2e", "guest-value", 11, 0) < 0)
		return fail("setxattr");
	memset(buf, 0, sizeof(buf));
	n = getxattr(file, "user.e2e", buf, sizeof(buf));
	if (n != 11 || memcmp(buf, "guest-value", 11))
		return fail("getxattr");
	n = listxattr(file, buf, sizeof(buf));
	if (n < 9 || !memmem(buf, n, "user.e2e", 9))
		return fail("listxattr");
	if (setxattr(file, "user.gone", "x", 1, 0) < 0 ||
	    removexattr(file, "user.gone") < 0)
		return fail("removexattr");
	if (getxattr(file, "user.gone", buf, sizeof(buf)) >= 0 ||
	    errno != ENODATA)
		return fail("getxattr after removexattr");
	return 0;
}

/* Run @fn in a child; its exit status. */
static int
in_child(int (*fn)(const char *), const char *file)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		alarm(20);
		_exit(fn(file));
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static int
child_flock_nb(const char *file)
{
	int fd = open(file, O_RDWR);

	if (fd < 0)
		return 2;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	return errno == EWOULDBLOCK ? 1 : 3;
}

/* flock FILE: LOCK_NB only, so the daemon sees SETLK, never SETLKW */
static int
cmd_flock(const char *file)
{
	int fd = open(file, O_RDWR | O_CREAT, 0644);

	errno = 0;
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
		return fail("flock LOCK_EX|LOCK_NB");
	if (in_child(child_flock_nb, file) != 1)
		return fail("a second open file got the flock");
	if (flock(fd, LOCK_UN | LOCK_NB) < 0)
		return fail("flock LOCK_UN");
	if (in_child(child_flock_nb, file) != 0)
		return fail("the flock was not released");
	close(fd);
	return 0;
}

static int
child_flock_wait(const char *file)
{
	int fd = open(file, O_RDWR);

	if (fd < 0)
		return 2;
	return flock(fd, LOCK_EX) == 0 ? 0 : 3;
}

static int
child_fcntl_wait(const char *file)
{
	struct flock fl = {
	    .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
	int fd = open(file, O_RDWR);

	if (fd < 0)
		return 2;
	return fcntl(fd, F_SETLKW, &fl) == 0 ? 0 : 3;
}

/*
 * Hold a lock, start a child that blocks on it (SETLKW on the wire),
 * release after a while: the child must get the lock. alarm() ends a
 * hang.
 */
static int
wait_for_child(int fd, bool use_flock, int (*child)(const char *),
               const char *file)
{
	struct flock fl = {
	    .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		alarm(20);
		_exit(child(file));
	}
	usleep(300000);
	if (use_flock ? flock(fd, LOCK_UN) < 0 : fcntl(fd, F_SETLK, &fl) < 0)
		return fail("unlock");
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		fprintf(stderr, "the blocked child ended with %#x\n", st);
		return 1;
	}
	return 0;
}

static int
cmd_flockwait(const char *file)
{
	int fd = open(file, O_RDWR | O_CREAT, 0644);

	errno = 0;
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
		return fail("flock LOCK_EX|LOCK_NB");
	return wait_for_child(fd, true, child_flock_wait, file);
}

static int
child_fcntl_probe(const char *file)
{
	struct flock fl = {
	    .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
	int fd = open(file, O_RDWR);

	if (fd < 0)
		return 2;
	if (fcntl(fd, F_GETLK, &fl) < 0)
		return 3;
	/* l_pid is whatever the host said: only the type is portable */
	if (fl.l_type != F_WRLCK)
		return 4;
	fl.l_type = F_WRLCK;
	if (fcntl(fd, F_SETLK, &fl) == 0)
		return 5;
	if (errno != EAGAIN && errno != EACCES)
		return 6;
	return 1;
}

/* fcntl FILE: F_SETLK, F_GETLK from another process, conflict, unlock */
static int
cmd_fcntl(const char *file)
{
	struct flock fl = {
	    .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
	int fd = open(file, O_RDWR | O_CREAT, 0644), r;

	errno = 0;
	if (fd < 0 || fcntl(fd, F_SETLK, &fl) < 0)
		return fail("F_SETLK");
	r = in_child(child_fcntl_probe, file);
	if (r != 1) {
		fprintf(stderr, "probe child: %d\n", r);
		return 1;
	}
	fl.l_type = F_UNLCK;
	if (fcntl(fd, F_SETLK, &fl) < 0)
		return fail("F_UNLCK");
	fl.l_type = F_WRLCK;
	if (in_child(child_fcntl_probe, file) != 4)
		return fail("the lock was not released");
	close(fd);
	return 0;
}

static int
cmd_fcntlwait(const char *file)
{
	struct flock fl = {
	    .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
	int fd = open(file, O_RDWR | O_CREAT, 0644);

	errno = 0;
	if (fd < 0 || fcntl(fd, F_SETLK, &fl) < 0)
		return fail("F_SETLK");
	return wait_for_child(fd, false, child_fcntl_wait, file);
}

/* mmapread FILE: a private read-only mapping shows what read() shows */
static int
cmd_mmapread(const char *file)
{
	int fd = open(file, O_RDONLY);
	struct stat st;
	uint8_t *m, *buf;
	ssize_t n, got = 0;

	errno = 0;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0)
		return fail("open");
	m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return fail("mmap");
	buf = malloc(st.st_size);
	while (got < st.st_size &&
	       (n = pread(fd, buf + got, st.st_size - got, got)) > 0)
		got += n;
	if (got != st.st_size || memcmp(m, buf, got))
		return fail("mapping differs from read()");
	munmap(m, st.st_size);
	free(buf);
	close(fd);
	return 0;
}

/* odirect FILE MB: O_DIRECT write then O_DIRECT read of aligned blocks */
static int
cmd_odirect(const char *file, long mb)
{
	size_t len = (size_t)mb << 20;
	uint8_t *w, *r;
	size_t i;
	int fd;

	errno = 0;
	if (posix_memalign((void **)&w, 4096, len) ||
	    posix_memalign((void **)&r, 4096, len))
		return fail("memalign");
	for (i = 0; i < len; i++)
		w[i] = (uint8_t)(i * 7 + (i >> 12));
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_DIRECT, 0644);
	if (fd < 0)
		return fail("open O_DIRECT");
	if (pwrite(fd, w, len, 0) != (ssize_t)len)
		return fail("O_DIRECT write");
	if (fsync(fd) < 0)
		return fail("fsync");
	close(fd);
	fd = open(file, O_RDONLY | O_DIRECT);
	if (fd < 0 || pread(fd, r, len, 0) != (ssize_t)len)
		return fail("O_DIRECT read");
	close(fd);
	if (memcmp(w, r, len))
		return fail("O_DIRECT data differs");
	return 0;
}

static int
cmd_fsync(const char *file)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644);

	errno = 0;
	if (fd < 0 || write(fd, "synced\n", 7) != 7)
		return fail("write");
	if (fsync(fd) < 0 || fdatasync(fd) < 0)
		return fail("fsync");
	return close(fd) < 0 ? fail("close") : 0;
}

/* statfs DIR: a FUSE file system; print what the host should also see */
static int
cmd_statfs(const char *dir)
{
	struct statfs sf;

	errno = 0;
	if (statfs(dir, &sf) < 0)
		return fail("statfs");
	printf("E2E-INFO statfs blocks=%llu bsize=%ld namelen=%ld\n",
	       (unsigned long long)sf.f_blocks, (long)sf.f_bsize,
	       (long)sf.f_namelen);
	if ((unsigned long)sf.f_type != FUSE_SUPER_MAGIC || sf.f_blocks == 0)
		return fail("not a FUSE file system with blocks");
	return 0;
}

/* What killpriv does to DIR/kp-OP-MODE; 0 when the call worked */
static int
kp_do(const char *op, const char *path, const char *src)
{
	int fd = -1, in, r = -1;

	errno = 0;
	if (!strcmp(op, "write") || !strcmp(op, "root-write")) {
		fd = open(path, O_WRONLY);
		r = fd < 0 || write(fd, "EVIL", 4) != 4;
	} else if (!strcmp(op, "truncate")) {
		r = truncate(path, 2);
	} else if (!strcmp(op, "otrunc")) {
		fd = open(path, O_WRONLY | O_TRUNC);
		r = fd < 0;
	} else if (!strcmp(op, "fallocate")) {
		fd = open(path, O_WRONLY);
		r = fd < 0 || fallocate(fd, 0, 0, 65536) < 0;
	} else if (!strcmp(op, "copy")) {
		fd = open(path, O_WRONLY);
		in = open(src, O_RDONLY);
		r = fd < 0 || in < 0 ||
		    copy_file_range(in, NULL, fd, NULL, 5, 0) != 5;
		if (in >= 0)
			close(in);
	} else if (!strcmp(op, "chown")) {
		r = chown(path, 1234, 1234);
	}
	if (r)
		fprintf(stderr, "%s of %s: %s\n", op, path,
		        errno ? strerror(errno) : "failed");
	if (fd >= 0)
		close(fd);
	return r ? 1 : 0;
}

/*
 * killpriv DIR OP: for modes 4777, 2777 and 6777, root makes
 * DIR/kp-OP-MODE, then OP runs on it as nobody (uid and gid 65534,
 * without capabilities): write, truncate, otrunc (open with O_TRUNC),
 * fallocate, copy (copy_file_range), and the guest must see the bits
 * gone; chown runs as root and clears them too; root-write writes as
 * root, with CAP_FSETID, and keeps them. The host checks the same files.
 */
static int
cmd_killpriv(const char *dir, const char *op)
{
	static const mode_t modes[] = {04777, 02777, 06777};
	bool as_root = !strcmp(op, "chown") || !strcmp(op, "root-write");
	char path[4096], src[4096];
	struct stat st;
	mode_t want;
	unsigned i;
	int fd, bad = 0;

	snprintf(src, sizeof(src), "%s/kp-src", dir);
	fd = open(src, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "guest", 5) != 5 || close(fd) < 0)
		return fail(src);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		pid_t pid;
		int status;

		snprintf(path, sizeof(path), "%s/kp-%s-%o", dir, op,
		         (unsigned)modes[i]);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		errno = 0;
		if (fd < 0 || write(fd, "0123456789", 10) != 10 ||
		    close(fd) < 0 || chmod(path, modes[i]) < 0)
			return fail(path);
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			if (!as_root &&
			    (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
			     setuid(65534) < 0))
				_exit(fail("setuid 65534"));
			_exit(kp_do(op, path, src));
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			bad++;
			continue;
		}
		want = !strcmp(op, "root-write") ? modes[i] : 0777;
		if (stat(path, &st) < 0)
			return fail(path);
		if ((st.st_mode & 07777) != want) {
			fprintf(stderr, "%s as %s: mode %04o, want %04o\n",
			        path, as_root ? "root" : "nobody",
			        (unsigned)(st.st_mode & 07777), (unsigned)want);
			bad++;
		}
	}
	return bad ? 1 : 0;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";
	long num = argc > 3 ? atol(argv[3]) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "mkmany"))
		return cmd_mkmany(arg, num);
	if (!strcmp(cmd, "countdir"))
		return cmd_countdir(arg, num);
	if (!strcmp(cmd, "rmmany"))
		return cmd_rmmany(arg, num);
	if (!strcmp(cmd, "meta"))
		return cmd_meta(arg, num);
	if (!strcmp(cmd, "xattr"))
		return cmd_xattr(arg);
	if (!strcmp(cmd, "flock"))
		return cmd_flock(arg);
	if (!strcmp(cmd, "flockwait"))
		return cmd_flockwait(arg);
	if (!strcmp(cmd, "fcntl"))
		return cmd_fcntl(arg);
	if (!strcmp(cmd, "fcntlwait"))
		return cmd_fcntlwait(arg);
	if (!strcmp(cmd, "mmapread"))
		return cmd_mmapread(arg);
	if (!strcmp(cmd, "odirect"))
		return cmd_odirect(arg, num);
	if (!strcmp(cmd, "fsync"))
		return cmd_fsync(arg);
	if (!strcmp(cmd, "statfs"))
		return cmd_statfs(arg);
	if (!strcmp(cmd, "killpriv") && argc > 3)
		return cmd_killpriv(arg, argv[3]);
	fprintf(stderr,
	        "usage: vs-guest mkmany|countdir|rmmany|meta DIR N | "
	        "xattr|flock|flockwait|fcntl|fcntlwait|mmapread|fsync FILE | "
	        "odirect FILE MB | statfs DIR | killpriv DIR OP\n");
	return 2;
}
