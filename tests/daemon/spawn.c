/* SPDX-License-Identifier: GPL-2.0-or-later */
/* spawn.c: run the daemon under test with a socket path or a passed fd */
#include "spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

/* libvirt hands over whatever number it got; not 3, to catch assumptions */
#define SPAWN_FD      7
#define SPAWN_MAXARGS 32

static int
spawn_listen(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 1) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

struct spawn *
spawn_start(const struct spawn_opts *o, const char *name)
{
	struct spawn *s = calloc(1, sizeof(*s));
	char source[4096], fdarg[32], sockarg[300], envargs[1024];
	char *tok, *save;
	const char *argv[SPAWN_MAXARGS];
	int n = 0, lfd = -1, logfd, i;

	if (!s)
		abort();
	snprintf(s->sock, sizeof(s->sock), "%s/%s.sock", o->workdir, name);
	snprintf(s->log, sizeof(s->log), "%s/%s.log", o->workdir, name);
	snprintf(source, sizeof(source), "source=%s%s%s", o->shared_dir,
	         o->options && *o->options ? "," : "",
	         o->options ? o->options : "");
	argv[n++] = o->binary;
	if (o->use_fd) {
		lfd = spawn_listen(s->sock);
		if (lfd < 0) {
			fprintf(stderr, "# listen on %s: %s\n", s->sock,
			        strerror(errno));
			free(s);
			return NULL;
		}
		snprintf(fdarg, sizeof(fdarg), "--fd=%d", SPAWN_FD);
		argv[n++] = fdarg;
	} else {
		unlink(s->sock);
		snprintf(sockarg, sizeof(sockarg), "--socket-path=%s", s->sock);
		argv[n++] = sockarg;
	}
	argv[n++] = "-o";
	argv[n++] = source;
	for (i = 0; o->extra && o->extra[i] && n < SPAWN_MAXARGS - 1; i++)
		argv[n++] = o->extra[i];
	/* More daemon arguments from the environment, space-separated. */
	if (getenv("VS_FSD_ARGS")) {
		snprintf(envargs, sizeof(envargs), "%s", getenv("VS_FSD_ARGS"));
		for (tok = strtok_r(envargs, " ", &save);
		     tok && n < SPAWN_MAXARGS - 1;
		     tok = strtok_r(NULL, " ", &save))
			argv[n++] = tok;
	}
	argv[n] = NULL;

	logfd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0) {
		fprintf(stderr, "# %s: %s\n", s->log, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		free(s);
		return NULL;
	}
	fflush(NULL);
	s->pid = fork();
	if (s->pid == 0) {
		dup2(logfd, 1);
		dup2(logfd, 2);
		if (lfd >= 0) {
			/* dup2 clears FD_CLOEXEC on the new descriptor */
			if (dup2(lfd, SPAWN_FD) < 0)
				_exit(126);
		}
		execv(o->binary, (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", o->binary, strerror(errno));
		_exit(127);
	}
	close(logfd);
	if (lfd >= 0)
		close(lfd);
	if (s->pid < 0) {
		fprintf(stderr, "# fork: %s\n", strerror(errno));
		free(s);
		return NULL;
	}
	return s;
}

bool
spawn_wait(struct spawn *s, int timeout_ms)
{
	int waited = 0;

	while (!s->exited) {
		pid_t r = waitpid(s->pid, &s->status, WNOHANG);

		if (r == s->pid) {
			s->exited = true;
			break;
		}
		if (r < 0 && errno != EINTR) {
			s->exited = true;
			s->status = -1;
			break;
		}
		if (waited >= timeout_ms)
			return false;
		usleep(10000);
		waited += 10;
	}
	return true;
}

void
spawn_stop(struct spawn *s)
{
	if (!s || s->exited || s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	if (!spawn_wait(s, 1000)) {
		kill(s->pid, SIGKILL);
		spawn_wait(s, 5000);
	}
}

void
spawn_free(struct spawn *s)
{
	if (!s)
		return;
	spawn_stop(s);
	unlink(s->sock);
	free(s);
}

void
spawn_dump_log(const struct spawn *s, FILE *out, int max_lines)
{
	FILE *f = fopen(s->log, "r");
	char line[1024];
	int n = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && n++ < max_lines)
		fprintf(out, "#   %s%s", line, strchr(line, '\n') ? "" : "\n");
	fclose(f);
}

/* Sum of sum_exec_runtime over the threads of @pid, plus its children. */
static long long
spawn_tree_ns(pid_t pid, int depth)
{
	char path[128];
	struct dirent *de;
	long long total = 0;
	DIR *d;

	if (depth > 4)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char p2[512], buf[4096];
		unsigned long long ns;
		FILE *f;
		char *tok, *save;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p2, sizeof(p2), "%s/%s/schedstat", path, de->d_name);
		f = fopen(p2, "r");
		if (f) {
			if (fscanf(f, "%llu", &ns) == 1)
				total += ns;
			fclose(f);
		}
		snprintf(p2, sizeof(p2), "%s/%s/children", path, de->d_name);
		f = fopen(p2, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			for (tok = strtok_r(buf, " \n", &save); tok;
			     tok = strtok_r(NULL, " \n", &save))
				total += spawn_tree_ns(atoi(tok), depth + 1);
		}
		fclose(f);
	}
	closedir(d);
	return total;
}

long long
spawn_cpu_ns(const struct spawn *s)
{
	return spawn_tree_ns(s->pid, 0);
}
