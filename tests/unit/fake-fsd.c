/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fake-fsd.c: a stand-in for virtshare-fsd's command line and socket, for
 * launcher tests */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/*
 * Behaves as the daemon does towards whoever launches it: takes the same
 * options (unknown ones: exit 2), checks the shared directory, listens on
 * --socket-path (group and umask as virtiofsd does with --socket-group),
 * serves one front end and exits when it disconnects. It speaks no
 * vhost-user. $FAKE_FSD_MODE changes that for the error paths:
 *   fail      report a missing shared directory and exit 1
 *   hang      never listen (the launcher's timeout)
 *   noterm    ignore SIGTERM (the launcher's SIGKILL)
 * $FAKE_FSD_ARGV, when set, names a file that gets argv, one per line.
 * `fake-fsd --connect PATH` is a front end instead: it connects (as QEMU
 * would, with the caller's rights), says so and hangs up; exit 1 when the
 * connection is refused.
 */

static const char *const known[] = {
	"--socket-path=", "--socket-group=", "--shared-dir=",
	"--cache=",       "--xattr",         "--no-xattr",
	"--readonly",     "--sandbox=",      "--thread-pool-size=",
	"--log-level=",
};

static int
known_option(const char *arg)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		size_t n = strlen(known[i]);

		if (known[i][n - 1] == '=' ? strncmp(arg, known[i], n) == 0
					   : strcmp(arg, known[i]) == 0)
			return 1;
	}
	return 0;
}

static int
front_end(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(sun.sun_path))
		return 1;
	strcpy(sun.sun_path, path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		printf("cannot connect to %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("connected to %s\n", path);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *mode = getenv("FAKE_FSD_MODE");
	const char *argv_file = getenv("FAKE_FSD_ARGV");
	const char *socket_path = NULL, *group = NULL, *dir = NULL;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct stat sb;
	char buf[256];
	int lfd, cfd;

	if (argc == 3 && strcmp(argv[1], "--connect") == 0)
		return front_end(argv[2]);
	if (!mode)
		mode = "";
	if (argv_file) {
		FILE *f = fopen(argv_file, "w");

		for (int i = 0; f && i < argc; i++)
			fprintf(f, "%s\n", argv[i]);
		if (f)
			fclose(f);
	}
	for (int i = 1; i < argc; i++) {
		if (!known_option(argv[i])) {
			fprintf(stderr, "fake-fsd: unknown option %s\n",
				argv[i]);
			return 2;
		}
		if (strncmp(argv[i], "--socket-path=", 14) == 0)
			socket_path = argv[i] + 14;
		else if (strncmp(argv[i], "--socket-group=", 15) == 0)
			group = argv[i] + 15;
		else if (strncmp(argv[i], "--shared-dir=", 13) == 0)
			dir = argv[i] + 13;
	}
	if (!socket_path || !dir) {
		fprintf(stderr, "fake-fsd: --socket-path and --shared-dir "
				"are required\n");
		return 2;
	}
	fprintf(stderr, "fake-fsd: serving %s\n", dir);
	if (strcmp(mode, "fail") == 0 || stat(dir, &sb) < 0) {
		fprintf(stderr, "fake-fsd: cannot open %s: %s\n", dir,
			strerror(ENOENT));
		return 1;
	}
	if (strcmp(mode, "noterm") == 0)
		signal(SIGTERM, SIG_IGN);
	if (strcmp(mode, "hang") == 0)
		for (;;)
			pause();
	if (strlen(socket_path) >= sizeof(sun.sun_path))
		return 1;
	strcpy(sun.sun_path, socket_path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	umask(group ? 0007 : 0077);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(lfd, 1) < 0) {
		fprintf(stderr, "fake-fsd: cannot listen on %s: %s\n",
			socket_path, strerror(errno));
		return 1;
	}
	if (group) {
		struct group *g = getgrnam(group);

		if (!g || chown(socket_path, (uid_t)-1, g->gr_gid) < 0)
			fprintf(stderr, "fake-fsd: cannot set group %s\n",
				group);
	}
	fprintf(stderr, "fake-fsd: listening on %s\n", socket_path);
	/* One front end, as a vhost-user back end serves. */
	cfd = accept(lfd, NULL, NULL);
	close(lfd);
	if (cfd < 0)
		return 1;
	while (read(cfd, buf, sizeof(buf)) > 0)
		;
	fprintf(stderr, "fake-fsd: front end disconnected, exiting\n");
	return 0;
}
