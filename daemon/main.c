/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c: virtshare-fsd, a virtiofs daemon (vhost-user-fs back end) */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "fuse.h"
#include "lockwait.h"
#include "log.h"
#include "options.h"
#include "passthrough.h"
#include "sandbox.h"
#include "util.h"
#include "vhost-user.h"

/* File descriptors kept back from the guest's share of RLIMIT_NOFILE. */
#define MAIN_RESERVED_FDS 64

struct main_ctx {
	struct vu_dev *dev;
	struct fuse_server *srv;
};

static long
main_handle(void *opaque, unsigned qidx, const struct vq_elem *elem)
{
	struct main_ctx *ctx = opaque;
	struct fuse_call call = {
		.out = elem->out,
		.out_num = elem->out_num,
		.in = elem->in,
		.in_num = elem->in_num,
		.qidx = qidx,
		.head = elem->head,
		.epoch = elem->epoch,
		.desc_limit = vu_desc_limit(ctx->dev),
	};
	long r = fuse_process(ctx->srv, &call);

	return r == FUSE_DEFERRED ? VU_DEFERRED : r;
}

static bool
main_heavy(void *opaque, const struct vq_elem *elem)
{
	return fuse_request_heavy(elem->out, elem->out_num);
}

static int
main_deliver(void *opaque, unsigned qidx, uint16_t head, uint32_t epoch,
	     const void *reply, size_t len)
{
	struct main_ctx *ctx = opaque;

	return vu_deliver(ctx->dev, qidx, head, epoch, reply, len);
}

/* Raise (or set) RLIMIT_NOFILE; returns the soft limit in force. */
static unsigned long long
main_rlimit(const struct opt *o)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024;
	if (o->rlimit_nofile_set && o->rlimit_nofile > 0) {
		struct rlimit want = { o->rlimit_nofile, o->rlimit_nofile };

		if (want.rlim_max < rl.rlim_max && geteuid() != 0)
			want.rlim_max = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &want) < 0)
			log_warn("cannot set RLIMIT_NOFILE to %llu: %m",
				 o->rlimit_nofile);
	} else if (!o->rlimit_nofile_set && rl.rlim_cur < rl.rlim_max) {
		/* Every inode the guest holds is an fd (CVE-2020-10717). */
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("cannot raise RLIMIT_NOFILE: %m");
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024;
	return rl.rlim_cur;
}

/*
 * Create the listening socket at o->socket_path. It is bound under a
 * temporary name, given its owner and mode, put in listening state and
 * only then renamed into place, so whoever sees the path (QEMU, a script
 * polling for it) can connect at once and never meets a socket that
 * refuses connections or has the wrong permissions.
 */
static int
main_listen(const struct opt *o)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char tmp[sizeof(sa.sun_path)];
	struct stat st;
	mode_t mode = 0600;
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld", o->socket_path,
			     (long)getpid()) >= sizeof(tmp)) {
		log_error("socket path too long: %s", o->socket_path);
		return -1;
	}
	/* A stale socket from an earlier run is replaced; nothing else. */
	if (lstat(o->socket_path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		log_error("%s exists and is not a socket", o->socket_path);
		return -1;
	}
	strcpy(sa.sun_path, tmp);
	unlink(tmp);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_error("socket: %m");
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		log_error("cannot bind %s: %m", tmp);
		goto fail;
	}
	if (o->socket_group) {
		struct group *gr = getgrnam(o->socket_group);
		unsigned long long gid;

		if (gr)
			gid = gr->gr_gid;
		else if (parse_uint(o->socket_group, 0, UINT32_MAX, &gid) < 0) {
			log_error("unknown group '%s'", o->socket_group);
			goto fail_unlink;
		}
		if (chown(tmp, (uid_t)-1, (gid_t)gid) < 0) {
			log_error("cannot give %s to group %s: %m", tmp,
				  o->socket_group);
			goto fail_unlink;
		}
		mode = 0660;
	}
	if (chmod(tmp, mode) < 0) {
		log_error("chmod %s: %m", tmp);
		goto fail_unlink;
	}
	if (listen(fd, 1) < 0) {
		log_error("listen: %m");
		goto fail_unlink;
	}
	if (rename(tmp, o->socket_path) < 0) {
		log_error("cannot rename %s to %s: %m", tmp, o->socket_path);
		goto fail_unlink;
	}
	return fd;
fail_unlink:
	unlink(tmp);
fail:
	close(fd);
	return -1;
}

/*
 * The front end's connection: accepted on the listening socket (libvirt's
 * --fd or ours), or --fd itself when it is already connected. -1 on error
 * (logged), -2 when a signal told us to stop first.
 */
static int
main_connect(int fd, int sigfd)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = sigfd, .events = POLLIN },
	};
	int listening = 0, conn;
	socklen_t len = sizeof(listening);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0) {
		log_error("fd %d is not a socket: %m", fd);
		return -1;
	}
	if (!listening)
		return fd;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll: %m");
			return -1;
		}
		if (pfd[1].revents) {
			log_info("stopping on a signal");
			return -2;
		}
		/* The fd may be non-blocking (libvirt makes it so). */
		conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (conn >= 0)
			return conn;
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED) {
			log_error("accept: %m");
			return -1;
		}
	}
}

static int
main_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	/* Blocked here, so every thread started later blocks them too. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/*
 * Serve one front end: listen (or take --fd), wait for the connection,
 * enter the sandbox (namespace and chroot fork: the parent waits outside
 * and removes the socket at the end), open the share from inside it and
 * run the vhost-user device until the front end goes away.
 */
static int
main_serve(const struct opt *o, int sigfd)
{
	struct main_ctx ctx = { 0 };
	struct pt_config pcfg = {
		.source = o->source,
		.cache = o->cache,
		.xattr = o->xattr,
		.readonly = o->readonly,
		.announce_submounts = o->announce_submounts,
		.allow_direct_io = o->allow_direct_io,
	};
	struct fuse_config fcfg = {
		.cache = o->cache,
		.posix_lock = o->posix_lock,
		.flock = o->flock,
		.readdirplus = o->readdirplus,
		.announce_submounts = o->announce_submounts,
		.deliver = main_deliver,
		.opaque = &ctx,
	};
	struct vu_config vcfg = {
		.nqueues = VU_MAX_QUEUES,
		.thread_pool_size = o->thread_pool_size_set
					    ? o->thread_pool_size
					    : opt_default_helpers(),
		.handle = main_handle,
		.heavy = main_heavy,
		.opaque = &ctx,
		.quit_fd = sigfd,
	};
	struct sandbox_config scfg = {
		.mode = o->sandbox,
		.seccomp = o->seccomp,
		.source = o->source,
		.uid_map = o->uid_map,
		.gid_map = o->gid_map,
	};
	struct sandbox_view view;
	unsigned long long nofile = main_rlimit(o), budget;
	struct pt_fs *fs = NULL;
	struct lockwait *lw;
	int lfd, conn, r, err = 0, ret = 1;
	/* Inside a sandbox the path would name a file in the share. */
	bool unlink_socket = o->socket_path != NULL;

	budget = nofile > MAIN_RESERVED_FDS * 2 ? nofile - MAIN_RESERVED_FDS
						: MAIN_RESERVED_FDS;
	pcfg.max_handles = (unsigned)MIN(budget / 4, (unsigned long long)1 << 20);
	pcfg.max_inodes = (unsigned)MIN(budget - pcfg.max_handles,
					(unsigned long long)1 << 24);
	if (sandbox_prepare(&scfg) < 0)
		return 1;
	lfd = o->socket_path ? main_listen(o) : o->fd;
	if (lfd < 0)
		return 1;
	log_info("sharing %s (cache %s%s%s), waiting for the front end on %s",
		 o->source, opt_cache_name(o->cache),
		 o->xattr ? ", xattr" : "", o->readonly ? ", read-only" : "",
		 o->socket_path ? o->socket_path : "the --fd socket");
	conn = main_connect(lfd, sigfd);
	if (conn != lfd)
		close(lfd);
	if (conn < 0) {
		ret = conn == -2 ? 0 : 1;
		goto out_unlink;
	}
	log_info("front end connected");
	r = sandbox_enter(&scfg, conn, &view, &ret);
	if (r == 1)
		goto out_unlink; /* the parent: the child served */
	if (o->sandbox != OPT_SANDBOX_NONE)
		unlink_socket = false;
	if (r < 0) {
		ret = 1;
		goto out_unlink;
	}
	pcfg.source = view.root;
	pcfg.proc_fd = view.proc_fd;
	pcfg.keep_creds = view.keep_creds;
	fs = pt_new(&pcfg, &err);
	if (!fs) {
		log_error("cannot share %s: %s", o->source, strerror(err));
		ret = 1;
		goto out_unlink;
	}

	lw = lockwait_new();
	fcfg.fs = fs;
	fcfg.lw = lw;
	ctx.srv = fuse_server_new(&fcfg);
	ctx.dev = vu_new(conn, &vcfg);
	ret = vu_run(ctx.dev) == 0 ? 0 : 1;
	lockwait_free(lw);
	vu_free(ctx.dev);
	fuse_server_free(ctx.srv);
	pt_free(fs);
out_unlink:
	if (unlink_socket)
		unlink(o->socket_path);
	log_info("exiting with status %d", ret);
	return ret;
}

/*
 * The socket path is removed at exit, and the working directory does not
 * stay where it was (passthrough uses /proc/self/fd): make it absolute.
 */
static int
main_absolute_socket(struct opt *o)
{
	char cwd[4096];
	char *abs;

	if (!o->socket_path || o->socket_path[0] == '/')
		return 0;
	if (!getcwd(cwd, sizeof(cwd))) {
		log_error("cannot resolve the socket path %s: %m",
			  o->socket_path);
		return -1;
	}
	abs = xmalloc(strlen(cwd) + strlen(o->socket_path) + 2);
	sprintf(abs, "%s/%s", cwd, o->socket_path);
	free(o->socket_path);
	o->socket_path = abs;
	return 0;
}

int
main(int argc, char **argv)
{
	struct opt o;
	char err[512];
	int sigfd, ret;

	if (opt_parse(&o, argc, argv, err, sizeof(err)) < 0) {
		fprintf(stderr,
			"virtshare-fsd: %s\n"
			"Try 'virtshare-fsd --help' for more information.\n",
			err);
		opt_free(&o);
		return 2;
	}
	switch (o.action) {
	case OPT_HELP:
		fputs(opt_usage(), stdout);
		opt_free(&o);
		return 0;
	case OPT_VERSION:
		printf("virtshare-fsd %s\nLicense GPL-2.0-or-later: the GNU "
		       "General Public License, version 2 or later.\nThis is "
		       "free software: you may change and redistribute it. "
		       "There is NO WARRANTY.\n",
		       PACKAGE_VERSION);
		opt_free(&o);
		return 0;
	case OPT_PRINT_CAPS:
		fputs(opt_capabilities(), stdout);
		opt_free(&o);
		return 0;
	case OPT_RUN:
		break;
	}
	log_init((enum log_level)o.log_level, o.syslog);
	if (main_absolute_socket(&o) < 0) {
		opt_free(&o);
		return 1;
	}
	/* Creates take the guest's mode as is: the guest applied its umask. */
	umask(0);
	sigfd = main_signals();
	if (sigfd < 0) {
		log_error("signalfd: %m");
		opt_free(&o);
		return 1;
	}
	ret = main_serve(&o, sigfd);
	close(sigfd);
	opt_free(&o);
	return ret;
}
