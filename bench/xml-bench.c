/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xml-bench.c: time and peak memory of `virtshare share --xml` on large domains */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

/*
 * Usage: xml-bench --virtshare=PATH [--sizes=100K,1M,15M] [--runs=N]
 *
 * For each size, a domain XML of that many bytes (many disks, each with
 * a comment, and application data in <metadata>, as large definitions
 * are) is shared with `virtshare share bench --xml FILE --tag bench --dir
 * DIR --backing memfd --yes`: the whole engine, from reading the file
 * through the diff, the write and the read-back check. Each run starts
 * from a fresh copy; the figures are the median time (wall and CPU) and
 * the largest peak resident set of the runs, also per MB of XML. Exits 1
 * when a run fails or gives the wrong document.
 */

#define MIB (1024.0 * 1024.0)

/* The 15 MB figures the engine must stay under (issue 14). */
#define TARGET_SIZE (15u << 20)
#define TARGET_SECONDS 0.5
#define TARGET_TIMES_SIZE 10.0

struct run {
	double wall;
	double cpu;
	long peak_kib;
};

static const char head[] =
    "<domain type='kvm'>\n"
    "  <name>bench</name>\n"
    "  <uuid>3f0a9a52-6c55-4d6c-9d84-0c1ee1f0b3a1</uuid>\n"
    "  <metadata>\n"
    "    <app:inventory xmlns:app='https://example.invalid/app/1'>\n";
static const char mid[] =
    "    </app:inventory>\n"
    "  </metadata>\n"
    "  <memory unit='KiB'>2097152</memory>\n"
    "  <currentMemory unit='KiB'>2097152</currentMemory>\n"
    "  <vcpu placement='static'>2</vcpu>\n"
    "  <os>\n"
    "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n"
    "  </os>\n"
    "  <devices>\n"
    "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n";
static const char tail[] =
    "    <interface type='network'>\n"
    "      <source network='default'/>\n"
    "      <model type='virtio'/>\n"
    "    </interface>\n"
    "    <console type='pty'/>\n"
    "  </devices>\n"
    "</domain>\n";

static void
die(const char *what)
{
	fprintf(stderr, "xml-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A domain of about size bytes: a tenth application data, the rest
 * disks. */
static char *
domain_xml(size_t size, size_t *len)
{
	size_t cap = size + 4096, n = 0, i;
	char *s = malloc(cap);

	if (!s)
		die("malloc");
#define ADD(...) (n += (size_t)snprintf(s + n, cap - n, __VA_ARGS__))
	ADD("%s", head);
	for (i = 0; n < size / 10; i++)
		ADD("      <app:item id='%zu' state='ready'>host %zu, rack "
		    "%zu</app:item>\n",
		    i, i % 97, i % 13);
	ADD("%s", mid);
	for (i = 0; n + sizeof(tail) < size; i++)
		ADD("    <!-- data disk %zu -->\n"
		    "    <disk type='file' device='disk'>\n"
		    "      <driver name='qemu' type='qcow2' cache='none'/>\n"
		    "      <source file='/var/lib/libvirt/images/bench-%zu.qcow2'/>\n"
		    "      <target dev='vd%zu' bus='virtio'/>\n"
		    "      <address type='pci' domain='0x0000' bus='0x%02zx' "
		    "slot='0x%02zx' function='0x0'/>\n"
		    "    </disk>\n",
		    i, i, i, i % 256, i % 32);
	ADD("%s", tail);
#undef ADD
	*len = n;
	return s;
}

static void
write_file(const char *path, const char *s, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(s, 1, len, f) != len || fclose(f) != 0)
		die(path);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One share edit of path; 0, or -1 when it failed or wrote the wrong
 * document. */
static int
run_once(const char *virtshare, const char *path, const char *dir,
	 struct run *r)
{
	struct rusage ru;
	double start;
	int status;
	pid_t pid;

	fflush(stdout);
	start = now();
	pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(virtshare, virtshare, "share", "bench", "--xml", path,
		      "--tag", "bench", "--dir", dir, "--backing", "memfd",
		      "--yes", (char *)NULL);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		die("wait4");
	r->wall = now() - start;
	r->cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		 ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	r->peak_kib = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "xml-bench: virtshare failed on %s (status "
				"%d)\n",
			path, status);
		return -1;
	}
	return 0;
}

/* The edited document has the new share, and is the original with it
 * inserted: as long as the original plus the share's lines. */
static int
check_result(const char *path, size_t before)
{
	struct stat st;
	FILE *f = fopen(path, "r");
	char *s;
	int ok;

	if (!f || fstat(fileno(f), &st) < 0)
		die(path);
	s = malloc((size_t)st.st_size + 1);
	if (!s || fread(s, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
		die(path);
	s[st.st_size] = '\0';
	fclose(f);
	ok = strstr(s, "<target dir='bench'/>") != NULL &&
	     strstr(s, "<source type='memfd'/>") != NULL &&
	     (size_t)st.st_size > before && (size_t)st.st_size < before + 400;
	free(s);
	if (!ok)
		fprintf(stderr, "xml-bench: %s is not the edit expected\n",
			path);
	return ok ? 0 : -1;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static size_t
size_parse(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*end == 'K' || *end == 'k')
		v *= 1024;
	else if (*end == 'M' || *end == 'm')
		v *= MIB;
	return v > 0 ? (size_t)v : 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"virtshare", required_argument, NULL, 'v'},
	    {"sizes", required_argument, NULL, 's'},
	    {"runs", required_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0},
	};
	const char *virtshare = NULL;
	char sizes[256] = "100K,1M,15M";
	char tmpl[] = "/tmp/xml-bench.XXXXXX";
	int runs = 3, c, failed = 0;
	char *save = NULL;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'v')
			virtshare = optarg;
		else if (c == 's')
			snprintf(sizes, sizeof(sizes), "%s", optarg);
		else if (c == 'r' && atoi(optarg) > 0)
			runs = atoi(optarg);
		else
			return 2;
	}
	if (!virtshare) {
		fprintf(stderr, "Usage: xml-bench --virtshare=PATH "
				"[--sizes=100K,1M,15M] [--runs=N]\n");
		return 2;
	}
	if (!mkdtemp(tmpl))
		die("mkdtemp");
	printf("%-8s %9s %9s %9s %9s %10s %11s\n", "XML", "wall s", "CPU s",
	       "wall s/MB", "peak MB", "peak MB/MB", "15 MB goal");
	for (char *tok = strtok_r(sizes, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t want = size_parse(tok), len;
		char *xml = domain_xml(want, &len);
		char path[512];
		double walls[32], cpus[32], mb = len / MIB;
		long peak = 0;
		int n = 0;

		snprintf(path, sizeof(path), "%s/bench.xml", tmpl);
		for (int i = 0; i < runs && i < 32; i++) {
			struct run r;

			write_file(path, xml, len);
			if (run_once(virtshare, path, tmpl, &r) < 0 ||
			    check_result(path, len) < 0) {
				failed = 1;
				break;
			}
			walls[n] = r.wall;
			cpus[n++] = r.cpu;
			if (r.peak_kib > peak)
				peak = r.peak_kib;
		}
		free(xml);
		if (!n)
			continue;
		qsort(walls, (size_t)n, sizeof(*walls), cmp_double);
		qsort(cpus, (size_t)n, sizeof(*cpus), cmp_double);
		printf("%-8s %9.3f %9.3f %9.3f %9.1f %10.1f %11s\n", tok,
		       walls[n / 2], cpus[n / 2], walls[n / 2] / mb,
		       peak / 1024.0, peak / 1024.0 / mb,
		       len < TARGET_SIZE ? ""
		       : cpus[n / 2] < TARGET_SECONDS &&
			       peak / 1024.0 < TARGET_TIMES_SIZE * mb
			   ? "met"
			   : "MISSED");
		unlink(path);
		snprintf(path, sizeof(path), "%s/bench.xml.bak", tmpl);
		unlink(path);
	}
	printf("Goal at 15 MB: under %.1f s of CPU and a peak under %.0f "
	       "times the XML.\n",
	       TARGET_SECONDS, TARGET_TIMES_SIZE);
	rmdir(tmpl);
	return failed;
}
