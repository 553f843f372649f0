/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp.c: the system call allow-list of virtshare-fsd (libseccomp) */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <seccomp.h>

#include "log.h"
#include "fsd-seccomp.h"
#include "util.h"

/*
 * Every system call the daemon makes once it serves, on x86_64 with glibc
 * 2.36 (and what glibc uses under the names: openat for open, newfstatat
 * for stat, clone3 for pthread_create, rseq, ...). Found by reading the
 * code and checked by running the opcode suites under --seccomp=log: a
 * missing entry logs an audit line (type=1326) naming the call. Names
 * unknown on an architecture are skipped.
 */
static const char *const seccomp_allowed[] = {
	/* files and directories (passthrough) */
	"openat", "open", "close", "close_range", "dup", "dup3", "fcntl",
	"fstat", "newfstatat", "statx", "lstat", "stat", "fstatfs", "statfs",
	"getdents64", "lseek", "read", "write", "readv", "writev", "pread64",
	"pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
	"ftruncate", "fallocate", "fsync", "fdatasync", "syncfs",
	"copy_file_range", "flock", "mkdirat", "mknodat", "symlinkat",
	"linkat", "unlinkat", "renameat", "renameat2", "readlinkat",
	"fchmod", "fchmodat", "fchown", "fchownat", "utimensat",
	"faccessat", "faccessat2", "fchdir", "umask",
	"getxattr", "lgetxattr", "fgetxattr", "setxattr", "lsetxattr",
	"fsetxattr", "listxattr", "llistxattr", "flistxattr", "removexattr",
	"lremovexattr", "fremovexattr",
	/* per-request credentials (the raw calls change one thread) */
	"setresuid", "setresgid", "getuid", "geteuid", "getgid", "getegid",
	"getresuid", "getresgid", "capget", "capset",
	/* vhost-user: the socket, guest memory, eventfds */
	"recvmsg", "sendmsg", "sendto", "recvfrom", "shutdown", "mmap",
	"munmap", "mremap", "mprotect", "madvise", "brk", "eventfd2",
	"poll", "ppoll", "epoll_create1", "epoll_ctl", "epoll_wait",
	"epoll_pwait",
	/* threads, the pool, signals, time */
	"clone", "clone3", "set_robust_list", "rseq", "futex", "gettid",
	"getpid", "getppid", "tgkill", "rt_sigaction", "rt_sigprocmask",
	"rt_sigreturn", "rt_sigtimedwait", "sigaltstack", "restart_syscall",
	"sched_yield", "sched_getaffinity", "nanosleep", "clock_nanosleep",
	"clock_gettime", "gettimeofday", "getrandom", "prlimit64",
	"getrlimit", "exit", "exit_group", "membarrier",
	/* syslog reconnecting (socket: AF_UNIX only, below) */
	"connect",
	/* the socket removed at exit by --sandbox=none */
	"unlink",
#if defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer and LeakSanitizer's stop-the-world at exit */
	"ptrace", "wait4", "prctl", "readlink", "getpgid", "sched_getparam",
	"uname", "getdents",
#endif
};

size_t
seccomp_allowed_count(void)
{
	return ARRAY_SIZE(seccomp_allowed);
}

const char *
seccomp_allowed_name(size_t i)
{
	return i < ARRAY_SIZE(seccomp_allowed) ? seccomp_allowed[i] : NULL;
}

int
seccomp_setup(enum opt_seccomp action)
{
	scmp_filter_ctx ctx;
	size_t i;
	int r, nr;

	if (action == OPT_SECCOMP_NONE)
		return 0;
	ctx = seccomp_init(action == OPT_SECCOMP_KILL ? SCMP_ACT_KILL_PROCESS
						      : SCMP_ACT_LOG);
	if (!ctx) {
		log_error("cannot set up the seccomp filter");
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(seccomp_allowed); i++) {
		nr = seccomp_syscall_resolve_name(seccomp_allowed[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (r < 0) {
			log_error("cannot allow %s in the seccomp filter: %s",
				  seccomp_allowed[i], strerror(-r));
			goto fail;
		}
	}
	r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
			     SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	if (r < 0) {
		log_error("cannot allow socket in the seccomp filter: %s",
			  strerror(-r));
		goto fail;
	}
	r = seccomp_load(ctx);
	if (r < 0) {
		log_error("cannot load the seccomp filter: %s", strerror(-r));
		goto fail;
	}
	seccomp_release(ctx);
	log_debug("seccomp filter loaded (%s on other system calls)",
		  action == OPT_SECCOMP_KILL ? "kill" : "log");
	return 0;
fail:
	seccomp_release(ctx);
	return -1;
}
