/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox.c: confine virtshare-fsd (namespaces or chroot, capabilities) */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <cap-ng.h>

#include "log.h"
#include "sandbox.h"
#include "fsd-seccomp.h"
#include "util.h"

/* What passthrough needs: act as the guest's users on the share. */
static const unsigned sandbox_caps[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID,
	CAP_SETGID, CAP_SETUID,	CAP_MKNOD, CAP_SETFCAP,
};

/* The signals that stop the daemon, forwarded by the waiting parent. */
static const int sandbox_stop_signals[] = {
	SIGTERM, SIGINT, SIGHUP, SIGQUIT,
};

struct sandbox_idmap {
	unsigned long long ns, host, count;
};

/* ":ns:host:count:" (checked by the option parser already). */
static int
sandbox_idmap_parse(const char *s, struct sandbox_idmap *m)
{
	char end;

	if (sscanf(s, ":%llu:%llu:%llu%c", &m->ns, &m->host, &m->count,
		   &end) != 4 || end != ':')
		return -1;
	return 0;
}

/* true if map names ids other than id alone (NULL: false) */
static bool
sandbox_idmap_foreign(const char *map, unsigned long long id)
{
	struct sandbox_idmap m;

	if (!map)
		return false;
	return sandbox_idmap_parse(map, &m) < 0 || m.host != id ||
	       m.count != 1;
}

static bool
sandbox_use_userns(const struct sandbox_config *cfg)
{
	return cfg->mode == OPT_SANDBOX_NAMESPACE &&
	       (geteuid() != 0 || cfg->uid_map || cfg->gid_map);
}

int
sandbox_prepare(const struct sandbox_config *cfg)
{
	struct stat st;

	/* No supplementary group may leak into files (CVE-2022-0358). */
	if (geteuid() == 0 && setgroups(0, NULL) < 0) {
		log_error("cannot drop the supplementary groups: %m");
		return -1;
	}
	if ((cfg->uid_map || cfg->gid_map) &&
	    cfg->mode != OPT_SANDBOX_NAMESPACE) {
		log_error("--uid-map and --gid-map need --sandbox=namespace");
		return -1;
	}
	if (geteuid() != 0 &&
	    (sandbox_idmap_foreign(cfg->uid_map, geteuid()) ||
	     sandbox_idmap_foreign(cfg->gid_map, getegid()))) {
		log_error("cannot map %s %s: without root only your own uid "
			  "and gid can be mapped, one id each",
			  cfg->uid_map ? cfg->uid_map : "",
			  cfg->gid_map ? cfg->gid_map : "");
		return -1;
	}
	if (cfg->mode == OPT_SANDBOX_CHROOT && geteuid() != 0) {
		log_error("--sandbox=chroot needs root; run as root or use "
			  "--sandbox=namespace (a user namespace)");
		return -1;
	}
	if (stat(cfg->source, &st) < 0) {
		log_error("cannot share %s: %m", cfg->source);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_error("cannot share %s: it is not a directory",
			  cfg->source);
		return -1;
	}
	return 0;
}

/* Reduce the capabilities (and the bounding set when we may) to ours. */
static int
sandbox_drop_caps(bool keep)
{
	size_t i;

	if (capng_get_caps_process() < 0) {
		log_error("cannot read the process capabilities");
		return -1;
	}
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE)
		return 0;
	capng_clear(CAPNG_SELECT_BOTH);
	for (i = 0; keep && i < ARRAY_SIZE(sandbox_caps); i++)
		capng_update(CAPNG_ADD,
			     CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				 CAPNG_BOUNDING_SET,
			     sandbox_caps[i]);
	if (capng_apply(CAPNG_SELECT_BOTH) < 0) {
		log_error("cannot reduce the capabilities");
		return -1;
	}
#if defined(__SANITIZE_ADDRESS__)
	/*
	 * Changing credentials made us undumpable, and LeakSanitizer's
	 * tracer (a process sharing our memory) could not attach at exit.
	 * Sanitizer builds only.
	 */
	prctl(PR_SET_DUMPABLE, 1);
#endif
	return 0;
}

static int
sandbox_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * Write the id maps of pid's new user namespace from outside it (a map
 * can be written only by a process in the parent namespace, except one
 * line mapping the writer's own id). Runs in the helper; returns 0 or -1
 * (logged).
 */
static int
sandbox_write_maps(pid_t pid, const struct sandbox_config *cfg)
{
	struct sandbox_idmap um = { 0, geteuid(), 1 }, gm = { 0, getegid(), 1 };
	char path[64], line[96];

	if (cfg->uid_map)
		sandbox_idmap_parse(cfg->uid_map, &um);
	if (cfg->gid_map)
		sandbox_idmap_parse(cfg->gid_map, &gm);
	snprintf(path, sizeof(path), "/proc/%ld/uid_map", (long)pid);
	snprintf(line, sizeof(line), "%llu %llu %llu\n", um.ns, um.host,
		 um.count);
	if (sandbox_write(path, line) < 0) {
		log_error("cannot map uids '%s' in the user namespace: %m "
			  "(without root only your own uid can be mapped)",
			  line);
		return -1;
	}
	if (geteuid() != 0) {
		snprintf(path, sizeof(path), "/proc/%ld/setgroups", (long)pid);
		if (sandbox_write(path, "deny") < 0) {
			log_error("cannot deny setgroups in the user "
				  "namespace: %m");
			return -1;
		}
	}
	snprintf(path, sizeof(path), "/proc/%ld/gid_map", (long)pid);
	snprintf(line, sizeof(line), "%llu %llu %llu\n", gm.ns, gm.host,
		 gm.count);
	if (sandbox_write(path, line) < 0) {
		log_error("cannot map gids '%s' in the user namespace: %m "
			  "(without root only your own gid can be mapped)",
			  line);
		return -1;
	}
	return 0;
}

/*
 * Enter a new user namespace with the maps of cfg (default: our own uid
 * and gid as 0). A helper forked first writes the maps from outside.
 */
static int
sandbox_userns(const struct sandbox_config *cfg, bool *one_id)
{
	struct sandbox_idmap m;
	int go[2], wstatus;
	pid_t self = getpid(), helper;
	char c = 0;

	*one_id = true;
	if (cfg->uid_map && sandbox_idmap_parse(cfg->uid_map, &m) == 0 &&
	    m.count > 1)
		*one_id = false;
	if (pipe2(go, O_CLOEXEC) < 0) {
		log_error("pipe: %m");
		return -1;
	}
	helper = fork();
	if (helper < 0) {
		log_error("fork: %m");
		close(go[0]);
		close(go[1]);
		return -1;
	}
	if (helper == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(sandbox_write_maps(self, cfg) < 0 ? 1 : 0);
	}
	close(go[0]);
	if (unshare(CLONE_NEWUSER) < 0) {
		log_error("cannot create a user namespace: %m (are "
			  "unprivileged user namespaces enabled?)");
		close(go[1]);
		waitpid(helper, NULL, 0);
		return -1;
	}
	if (write(go[1], &c, 1) != 1)
		log_error("cannot wake the id map helper: %m");
	close(go[1]);
	if (waitpid(helper, &wstatus, 0) < 0 || !WIFEXITED(wstatus) ||
	    WEXITSTATUS(wstatus) != 0)
		return -1;
	/* Become the namespace's root (or the mapped id 0's stand-in). */
	if (syscall(SYS_setresgid, 0, 0, 0) < 0 ||
	    syscall(SYS_setresuid, 0, 0, 0) < 0) {
		/* No id 0 in the map: stay the id we are. */
		log_debug("keeping the mapped ids: %m");
	}
	return 0;
}

/*
 * The parent of the sandboxed process: wait for it, forwarding the stop
 * signals (blocked since start-up); its exit status becomes ours.
 */
static int
sandbox_wait(pid_t child)
{
	sigset_t set;
	siginfo_t si;
	size_t i;
	int wstatus, sig;

	sigemptyset(&set);
	for (i = 0; i < ARRAY_SIZE(sandbox_stop_signals); i++)
		sigaddset(&set, sandbox_stop_signals[i]);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		pid_t r = waitpid(child, &wstatus, WNOHANG);

		if (r == child)
			break;
		if (r < 0 && errno != EINTR) {
			log_error("waitpid: %m");
			return 1;
		}
		sig = sigwaitinfo(&set, &si);
		if (sig > 0 && sig != SIGCHLD)
			kill(child, sig);
	}
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	sig = WTERMSIG(wstatus);
	if (sig == SIGSYS)
		log_error("the sandboxed daemon was killed by SIGSYS: it "
			  "made a system call outside the seccomp allow-list "
			  "(a bug: please report it; --seccomp=log shows "
			  "which)");
	else
		log_error("the sandboxed daemon was killed by signal %d (%s)",
			  sig, strsignal(sig));
	return 1;
}

/*
 * In the new mount namespace: mount a /proc of the new pid namespace and
 * keep /proc/self/fd open, bind the share onto itself, make it the root
 * with pivot_root, and detach the old root, so that nothing of the host's
 * file system stays reachable.
 */
static int
sandbox_mounts(const char *source, int *proc_fd)
{
	int oldroot = -1, newroot = -1, ret = -1;

	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
		log_error("cannot make the mounts private: %m");
		return -1;
	}
	if (mount("proc", "/proc", "proc",
		  MS_NODEV | MS_NOEXEC | MS_NOSUID | MS_RELATIME, NULL) < 0) {
		log_error("cannot mount /proc in the sandbox: %m");
		return -1;
	}
	*proc_fd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*proc_fd < 0) {
		log_error("cannot open /proc/self/fd: %m");
		return -1;
	}
	if (mount(source, source, NULL, MS_BIND | MS_REC, NULL) < 0) {
		log_error("cannot bind-mount %s: %m", source);
		return -1;
	}
	oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	newroot = open(source, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0 || newroot < 0) {
		log_error("cannot open / or %s: %m", source);
		goto out;
	}
	if (fchdir(newroot) < 0 || syscall(SYS_pivot_root, ".", ".") < 0) {
		log_error("cannot pivot_root into %s: %m", source);
		goto out;
	}
	/* The old root is now stacked under the new one; detach it. */
	if (fchdir(oldroot) < 0 ||
	    mount("", ".", "", MS_SLAVE | MS_REC, NULL) < 0 ||
	    umount2(".", MNT_DETACH) < 0) {
		log_error("cannot detach the old root: %m");
		goto out;
	}
	if (fchdir(newroot) < 0 || chdir("/") < 0) {
		log_error("cannot enter the new root: %m");
		goto out;
	}
	ret = 0;
out:
	close_fd(&oldroot);
	close_fd(&newroot);
	return ret;
}

static int
sandbox_chroot(const char *source, int *proc_fd)
{
	*proc_fd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*proc_fd < 0) {
		log_error("cannot open /proc/self/fd: %m");
		return -1;
	}
	if (chroot(source) < 0 || chdir("/") < 0) {
		log_error("cannot chroot into %s: %m", source);
		return -1;
	}
	return 0;
}

int
sandbox_enter(const struct sandbox_config *cfg, int conn,
	      struct sandbox_view *view, int *status)
{
	bool userns = sandbox_use_userns(cfg), one_id = false;
	sigset_t chld;
	pid_t child;

	view->root = cfg->source;
	view->proc_fd = -1;
	view->keep_creds = false;
	if (cfg->mode != OPT_SANDBOX_NONE) {
		if (userns && sandbox_userns(cfg, &one_id) < 0)
			return -1;
		view->keep_creds = userns && one_id;
		/* The child is pid 1 of the new pid namespace. */
		if (cfg->mode == OPT_SANDBOX_NAMESPACE &&
		    unshare(CLONE_NEWPID) < 0) {
			log_error("cannot create a pid namespace: %m (or use "
				  "--sandbox=chroot as root, or none)");
			return -1;
		}
		/* Blocked before fork, so the parent cannot miss it. */
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		pthread_sigmask(SIG_BLOCK, &chld, NULL);
		child = fork();
		if (child < 0) {
			log_error("fork: %m");
			return -1;
		}
		if (child > 0) {
			close(conn);
			/* The parent only waits: it needs no privilege. */
			if (sandbox_drop_caps(false) < 0)
				log_warn("the waiting parent keeps its "
					 "capabilities");
			*status = sandbox_wait(child);
			return 1;
		}
		pthread_sigmask(SIG_UNBLOCK, &chld, NULL);
		/* Stop with the parent, whatever killed it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (cfg->mode == OPT_SANDBOX_NAMESPACE) {
			/*
			 * Only the child: pivot_root moves every process of
			 * the mount namespace whose root is the old one, and
			 * the parent must stay outside.
			 */
			if (unshare(CLONE_NEWNS | CLONE_NEWNET) < 0) {
				log_error("cannot create the mount and network "
					  "namespaces: %m");
				return -1;
			}
			if (sandbox_mounts(cfg->source, &view->proc_fd) < 0)
				return -1;
		} else if (sandbox_chroot(cfg->source, &view->proc_fd) < 0) {
			return -1;
		}
		view->root = "/";
		log_info("sandbox %s: serving %s as the root",
			 opt_sandbox_name(cfg->mode), cfg->source);
	}
	if (sandbox_drop_caps(true) < 0)
		return -1;
	if (seccomp_setup(cfg->seccomp) < 0)
		return -1;
	return 0;
}
