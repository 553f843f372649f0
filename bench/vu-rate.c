/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vu-rate.c: daemon CPU time per FUSE request, ours against the reference */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../tests/daemon/fusecl.h"
#include "../tests/daemon/spawn.h"
#include "../tests/daemon/vuclient.h"

/*
 * Usage: vu-rate --ours=PATH --reference=PATH [--rounds=N] [--scale=N]
 *
 * No guest: the test client drives each daemon as fast as it answers,
 * one request in flight, and reads the CPU time the daemon (all its
 * threads and forked children) spent, from /proc. The daemons run
 * alternately, A B A B, and each figure is the median of the rounds.
 * CPU per request is what the daemon's code costs; requests per second
 * also includes this client and the scheduler.
 */

enum op {
	OP_GETATTR,
	OP_LOOKUP,
	OP_READ4K,
	OP_WRITE4K,
	OP_OPENREL,
	OP_READ1M,
	OP_N
};

static const struct {
	const char *name;
	long count; /* requests per round at --scale=1 */
} ops[OP_N] = {
    [OP_GETATTR] = {"getattr", 20000},      [OP_LOOKUP] = {"lookup", 20000},
    [OP_READ4K] = {"read-4k", 20000},       [OP_WRITE4K] = {"write-4k", 20000},
    [OP_OPENREL] = {"open+release", 10000}, [OP_READ1M] = {"read-1M", 1000},
};

#define MAX_ROUNDS 15

struct sample {
	double cpu_ns_per_req;
	double req_per_s;
};

static struct sample samples[2][OP_N][MAX_ROUNDS];
static char workdir[256], share[300];
static long scale = 1;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One request of @op; false when it failed. */
static bool
do_op(struct fusecl *f, enum op op, uint64_t ino, uint64_t fh, long i,
      uint8_t *buf)
{
	struct fuse_entry_out e;
	uint64_t h;
	long n;

	switch (op) {
	case OP_GETATTR:
		return fusecl_getattr(f, ino, NULL) == 0;
	case OP_LOOKUP:
		return fusecl_lookup(f, FUSE_ROOT_ID, "data.bin", &e) == 0;
	case OP_READ4K:
		n = fusecl_read(f, ino, fh, ((i * 7919) % 4096) * 4096, buf,
		                4096);
		return n == 4096;
	case OP_WRITE4K:
		n = fusecl_write(f, ino, fh, ((i * 7919) % 4096) * 4096, buf,
		                 4096);
		return n == 4096;
	case OP_OPENREL:
		return fusecl_open(f, FUSE_OPEN, ino, O_RDONLY, &h) == 0 &&
		       fusecl_release(f, FUSE_RELEASE, ino, h) == 0;
	case OP_READ1M:
		n = fusecl_read(f, ino, fh, (i % 16) << 20, buf, 1 << 20);
		return n == 1 << 20;
	default:
		return false;
	}
}

static int
run_daemon(const char *path, int who, int round)
{
	static uint8_t buf[1 << 20];
	struct spawn_opts so = {
	    .binary = path,
	    .shared_dir = share,
	    .workdir = workdir,
	    .options = "cache=auto",
	};
	struct vuclient_opts vo = {.want_indirect = true,
	                           .want_event_idx = true};
	struct fuse_entry_out e;
	struct vuclient *vu = NULL;
	struct fusecl *f = NULL;
	struct spawn *s;
	uint64_t fh = 0;
	int rc = -1, op;

	s = spawn_start(&so, who ? "reference" : "ours");
	if (!s)
		return -1;
	vu = vuclient_connect(s->sock, &vo);
	if (!vu || vuclient_start(vu) < 0) {
		fprintf(stderr, "%s: %s\n", path,
		        vu ? vuclient_error(vu) : strerror(errno));
		goto out;
	}
	f = fusecl_new(vu);
	if (fusecl_init(f, FUSE_MAX_PAGES | FUSE_INIT_EXT | FUSE_BIG_WRITES) <
	        0 ||
	    fusecl_lookup(f, FUSE_ROOT_ID, "data.bin", &e) < 0 ||
	    fusecl_open(f, FUSE_OPEN, e.nodeid, O_RDWR, &fh) < 0) {
		fprintf(stderr, "%s: setup: %s\n", path, fusecl_error(f));
		goto out;
	}
	memset(buf, 'x', sizeof(buf));
	for (op = 0; op < OP_N; op++) {
		long n = ops[op].count * scale, i;
		long long c0, c1;
		double t0, t1;

		/* warm up: page cache, daemon caches, the client's memory */
		for (i = 0; i < 50; i++)
			do_op(f, op, e.nodeid, fh, i, buf);
		c0 = spawn_cpu_ns(s);
		t0 = now();
		for (i = 0; i < n; i++)
			if (!do_op(f, op, e.nodeid, fh, i, buf)) {
				fprintf(stderr, "%s: %s failed: %s\n", path,
				        ops[op].name, fusecl_error(f));
				goto out;
			}
		t1 = now();
		c1 = spawn_cpu_ns(s);
		samples[who][op][round].cpu_ns_per_req = (double)(c1 - c0) / n;
		samples[who][op][round].req_per_s = n / (t1 - t0);
		printf("# round %d %-9s %-13s %9.0f req/s %8.0f ns CPU/req\n",
		       round + 1, who ? "reference" : "ours", ops[op].name,
		       n / (t1 - t0), (double)(c1 - c0) / n);
		fflush(stdout);
	}
	rc = 0;
out:
	fusecl_free(f);
	vuclient_free(vu);
	if (!spawn_wait(s, 3000))
		fprintf(stderr, "%s did not exit on disconnect\n", path);
	spawn_free(s);
	return rc;
}

static void
make_share(void)
{
	static uint8_t chunk[1 << 20];
	char path[400];
	int fd, i;

	snprintf(workdir, sizeof(workdir), "%s/vs-rate.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(workdir)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(share, sizeof(share), "%s/share", workdir);
	mkdir(share, 0755);
	memset(chunk, 'd', sizeof(chunk));
	snprintf(path, sizeof(path), "%s/data.bin", share);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (i = 0; fd >= 0 && i < 16; i++)
		if (write(fd, chunk, sizeof(chunk)) != sizeof(chunk))
			break;
	if (fd < 0 || i < 16) {
		perror("data.bin");
		exit(1);
	}
	close(fd);
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"ours", required_argument, NULL, 'o'},
	    {"reference", required_argument, NULL, 'r'},
	    {"rounds", required_argument, NULL, 'n'},
	    {"scale", required_argument, NULL, 's'},
	    {NULL, 0, NULL, 0},
	};
	const char *path[2] = {NULL, "/usr/lib/qemu/virtiofsd"};
	int rounds = 3, c, r, who, op;
	char cmd[400];

	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			path[0] = optarg;
			break;
		case 'r':
			path[1] = optarg;
			break;
		case 'n':
			rounds = atoi(optarg);
			break;
		case 's':
			scale = atol(optarg);
			break;
		default:
			fprintf(stderr,
			        "usage: %s --ours=PATH --reference=PATH "
			        "[--rounds=N] [--scale=N]\n",
			        argv[0]);
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || scale < 1) {
		fprintf(stderr, "rounds must be 1..%d\n", MAX_ROUNDS);
		return 2;
	}
	for (who = 0; who < 2; who++)
		if (!path[who] || access(path[who], X_OK) < 0) {
			printf("# %s daemon %s is not there: nothing to "
			       "compare\n",
			       who ? "reference" : "our",
			       path[who] ? path[who] : "(none)");
			return 0;
		}
	signal(SIGPIPE, SIG_IGN);
	make_share();
	for (r = 0; r < rounds; r++)
		for (who = 0; who < 2; who++)
			if (run_daemon(path[who], who, r) < 0)
				return 1;

	printf("# vhost-user request rate, one request in flight, median of "
	       "%d rounds\n",
	       rounds);
	printf("%-14s %12s %12s %7s %12s %12s %7s\n", "request", "ours ns/req",
	       "ref ns/req", "ratio", "ours req/s", "ref req/s", "ratio");
	for (op = 0; op < OP_N; op++) {
		double cpu[2], rate[2], v[MAX_ROUNDS];

		for (who = 0; who < 2; who++) {
			for (r = 0; r < rounds; r++)
				v[r] = samples[who][op][r].cpu_ns_per_req;
			cpu[who] = median(v, rounds);
			for (r = 0; r < rounds; r++)
				v[r] = samples[who][op][r].req_per_s;
			rate[who] = median(v, rounds);
		}
		printf("%-14s %12.0f %12.0f %7.2f %12.0f %12.0f %7.2f\n",
		       ops[op].name, cpu[0], cpu[1],
		       cpu[1] > 0 ? cpu[0] / cpu[1] : 0, rate[0], rate[1],
		       rate[1] > 0 ? rate[0] / rate[1] : 0);
	}
	printf("# CPU ratio < 1: ours spends less CPU per request; "
	       "rate ratio > 1: ours answers faster\n");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", workdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", workdir);
	return 0;
}
