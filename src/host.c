/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host.c: read hugepage pools, NUMA nodes, mounts and installed daemons below a root */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "error.h"
#include "host.h"
#include "json.h"

#define SYS_HUGEPAGES HOST_SYS_HUGEPAGES
#define SYS_NODES "/sys/devices/system/node"

/* The virtiofs daemons libvirt users meet, besides ours. */
static const char *const known_daemons[] = {
	"/usr/libexec/virtiofsd",  /* Rust virtiofsd (Debian 13, Fedora) */
	"/usr/lib/qemu/virtiofsd", /* QEMU's C virtiofsd (Debian 12) */
};

/* Where QEMU and libvirt look for vhost-user descriptors, by priority. */
static const char *const descriptor_dirs[] = {
	"/etc/qemu/vhost-user",
	"/usr/share/qemu/vhost-user",
};

static void
warn(struct host_info *h, const char *what, const char *path, int err)
{
	strlist_take(&h->warnings,
		     xasprintf(_("Cannot read %1$s (%2$s): %3$s"), what, path,
			       strerror(err)));
}

static int
pool_cmp(const void *a, const void *b)
{
	const struct host_pool *x = a, *y = b;

	return (x->size_kib > y->size_kib) - (x->size_kib < y->size_kib);
}

static int
node_cmp(const void *a, const void *b)
{
	const struct host_node *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static uint64_t
read_count(const char *dir, const char *name)
{
	AUTOFREE char *path = xasprintf("%s/%s", dir, name);
	uint64_t v;

	return file_read_u64(path, &v) < 0 ? HOST_UNKNOWN : v;
}

/*
 * Read every hugepages-<N>kB directory below dir into a sorted array.
 * Returns the count; a missing dir is not a warning (no hugepage support,
 * or a node without pools), an unreadable one is.
 */
static size_t
read_pools(struct host_info *h, const char *dir, bool per_node,
	   struct host_pool **out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0, cap = 0;

	*out = NULL;
	if (!d) {
		if (errno != ENOENT)
			warn(h, _("hugepage pools"), dir, errno);
		return 0;
	}
	while ((de = readdir(d))) {
		AUTOFREE char *sub = NULL;
		struct host_pool *p;
		uint64_t kib;
		char *end;

		if (!STRPREFIX(de->d_name, "hugepages-"))
			continue;
		errno = 0;
		kib = strtoull(de->d_name + strlen("hugepages-"), &end, 10);
		if (errno || !STREQ(end, "kB") || kib == 0)
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		xgrow(out, &cap, n + 1, sizeof(**out));
		p = &(*out)[n++];
		p->size_kib = kib;
		p->total = read_count(sub, "nr_hugepages");
		p->free = read_count(sub, "free_hugepages");
		p->surplus = read_count(sub, "surplus_hugepages");
		p->reserved = per_node ? HOST_UNKNOWN
				       : read_count(sub, "resv_hugepages");
		if (p->total == HOST_UNKNOWN || p->free == HOST_UNKNOWN)
			warn(h, _("hugepage pool"), sub, errno ? errno : EIO);
	}
	closedir(d);
	qsort(*out, n, sizeof(**out), pool_cmp);
	return n;
}

/* "Node 0 MemTotal:  16384 kB" lines of nodeN/meminfo. */
static void
read_node_meminfo(const char *path, struct host_node *node)
{
	AUTOFREE char *text = file_read(path, 1 << 20, NULL);
	char *line, *save = NULL;

	node->mem_total_kib = node->mem_free_kib = HOST_UNKNOWN;
	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char key[64];
		unsigned long long v;
		int id;

		if (sscanf(line, "Node %d %63[^:]: %llu kB", &id, key, &v) != 3)
			continue;
		if (STREQ(key, "MemTotal"))
			node->mem_total_kib = v;
		else if (STREQ(key, "MemFree"))
			node->mem_free_kib = v;
	}
}

static void
read_nodes(struct host_info *h)
{
	AUTOFREE char *dir = path_under(h->root, SYS_NODES);
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	if (!d) {
		if (errno != ENOENT)
			warn(h, _("NUMA nodes"), dir, errno);
		return;
	}
	while ((de = readdir(d))) {
		AUTOFREE char *meminfo = NULL, *pools = NULL;
		struct host_node *node;
		int id;

		if (!STRPREFIX(de->d_name, "node") ||
		    str_to_int(de->d_name + 4, &id) < 0 || id < 0)
			continue;
		xgrow(&h->nodes, &cap, h->nnodes + 1, sizeof(*h->nodes));
		node = &h->nodes[h->nnodes++];
		memset(node, 0, sizeof(*node));
		node->id = id;
		meminfo = xasprintf("%s/%s/meminfo", dir, de->d_name);
		read_node_meminfo(meminfo, node);
		pools = xasprintf("%s/%s/hugepages", dir, de->d_name);
		node->npools = read_pools(h, pools, true, &node->pools);
	}
	closedir(d);
	qsort(h->nodes, h->nnodes, sizeof(*h->nodes), node_cmp);
}

static void
read_meminfo(struct host_info *h)
{
	AUTOFREE char *path = path_under(h->root, "/proc/meminfo");
	AUTOFREE char *text = file_read(path, 1 << 20, NULL);
	char *line, *save = NULL;

	h->mem_total_kib = h->mem_available_kib = HOST_UNKNOWN;
	if (!text) {
		warn(h, _("memory information"), path, errno);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char key[64];
		unsigned long long v;

		if (sscanf(line, "%63[^:]: %llu", key, &v) != 2)
			continue;
		if (STREQ(key, "MemTotal"))
			h->mem_total_kib = v;
		else if (STREQ(key, "MemAvailable"))
			h->mem_available_kib = v;
		else if (STREQ(key, "Hugepagesize"))
			h->default_page_kib = v;
	}
}

/* "always [madvise] never" -> "madvise" */
static void
read_thp(struct host_info *h)
{
	AUTOFREE char *path =
	    path_under(h->root, "/sys/kernel/mm/transparent_hugepage/enabled");
	AUTOFREE char *line = file_read_line(path);
	char *open, *close;

	if (!line)
		return;
	if ((open = strchr(line, '[')) && (close = strchr(open, ']')))
		h->thp = xstrndup(open + 1, (size_t)(close - open - 1));
}

/* /proc/mounts escapes space, tab, newline and backslash as \ooo. */
static char *
unescape_mount(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add(&sb, "");
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			sb_addc(&sb, (char)((s[1] - '0') * 64 +
					    (s[2] - '0') * 8 + (s[3] - '0')));
			s += 3;
		} else {
			sb_addc(&sb, *s);
		}
	}
	return sb_steal(&sb);
}

/* The value of option name in a comma list like "rw,pagesize=2M", or NULL. */
static char *
mount_option(const char *options, const char *name)
{
	size_t nl = strlen(name);

	for (const char *p = options; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=')
			return xstrndup(p + nl + 1, len - nl - 1);
		p = comma ? comma + 1 : NULL;
	}
	return NULL;
}

static void
read_mounts(struct host_info *h)
{
	AUTOFREE char *path = path_under(h->root, "/proc/mounts");
	AUTOFREE char *text = file_read(path, 4 << 20, NULL);
	char *line, *save = NULL;
	size_t cap = 0;

	if (!text) {
		warn(h, _("the mount table"), path, errno);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char dev[4096], dir[4096], type[256], opts[4096];
		struct host_mount *m;
		AUTOFREE char *pagesize = NULL, *size = NULL;

		if (sscanf(line, "%4095s %4095s %255s %4095s", dev, dir, type,
			   opts) != 4)
			continue;
		xgrow(&h->mounts, &cap, h->nmounts + 1, sizeof(*h->mounts));
		m = &h->mounts[h->nmounts++];
		memset(m, 0, sizeof(*m));
		m->dir = unescape_mount(dir);
		m->fstype = xstrdup(type);
		m->options = xstrdup(opts);
		if ((size = mount_option(opts, "size")) &&
		    size_parse_kib(size, &m->size_kib) < 0)
			m->size_kib = 0; /* "50%" and such: not a size */
		if (STREQ(type, "hugetlbfs")) {
			pagesize = mount_option(opts, "pagesize");
			if (!pagesize ||
			    size_parse_kib(pagesize, &m->pagesize_kib) < 0)
				m->pagesize_kib = h->default_page_kib;
		}
	}
}

static void
read_shm(struct host_info *h)
{
	const struct host_mount *m = host_mount_for_path(h, "/dev/shm");
	struct statvfs st;

	h->shm_free_kib = HOST_UNKNOWN;
	if (!m || !STREQ(m->dir, "/dev/shm"))
		return;
	h->shm_present = true;
	if (root_is_host(h->root) && statvfs("/dev/shm", &st) == 0) {
		h->shm_size_kib = (uint64_t)st.f_blocks * st.f_frsize / 1024;
		h->shm_free_kib = (uint64_t)st.f_bavail * st.f_frsize / 1024;
	} else if (m->size_kib) {
		h->shm_size_kib = m->size_kib;
	} else if (h->mem_total_kib != HOST_UNKNOWN) {
		h->shm_size_kib = h->mem_total_kib / 2; /* tmpfs default */
	}
}

char *
host_pool_path(int node, uint64_t size_kib)
{
	if (node < 0)
		return xasprintf(SYS_HUGEPAGES "/hugepages-%" PRIu64
					       "kB/nr_hugepages",
				 size_kib);
	return xasprintf(SYS_NODES "/node%d/hugepages/hugepages-%" PRIu64
				   "kB/nr_hugepages",
			 node, size_kib);
}

int
host_pool_get(const char *root, int node, uint64_t size_kib,
	      uint64_t *count)
{
	AUTOFREE char *host_path = host_pool_path(node, size_kib);
	AUTOFREE char *path = path_under(root, host_path);

	if (file_read_u64(path, count) < 0)
		return vs_error(VS_ERR_IO,
				_("Cannot read the hugepage pool size from "
				  "%1$s: %2$s. Check the page size and node "
				  "with 'virtshare pages'."),
				path, strerror(errno));
	return 0;
}

/* $VIRTSHARE_FSD when set and not empty, else NULL. */
static const char *
our_daemon_env(void)
{
	const char *env = getenv("VIRTSHARE_FSD");

	return env && *env ? env : NULL;
}

const char *
host_our_daemon_path(void)
{
	const char *env = our_daemon_env();

	return env ? env : LIBEXECDIR "/virtshare-fsd";
}

static struct host_daemon *
daemon_add(struct host_info *h, size_t *cap, const char *path)
{
	struct host_daemon *d;

	for (size_t i = 0; i < h->ndaemons; i++)
		if (STREQ(h->daemons[i].path, path))
			return &h->daemons[i];
	xgrow(&h->daemons, cap, h->ndaemons + 1, sizeof(*h->daemons));
	d = &h->daemons[h->ndaemons++];
	memset(d, 0, sizeof(*d));
	d->path = xstrdup(path);
	return d;
}

/*
 * Parse {"type": "fs", "features": [...]} as virtiofsd prints it, running
 * exe (d->path itself, or its copy in a fixture tree); then --version.
 */
static void
daemon_probe(struct host_daemon *d, const char *exe)
{
	char *argv[] = {(char *)exe, (char *)"--print-capabilities", NULL};
	char *vargv[] = {(char *)exe, (char *)"--version", NULL};
	AUTOFREE char *out = NULL, *ver = NULL;
	AUTOPTR(json_node) caps = NULL;
	const struct json_node *type, *features;

	if (run_capture(argv, 5000, 64 * 1024, &out) != 0 || !out)
		return;
	if (!(caps = json_parse(out, strlen(out))))
		return;
	d->probed = true;
	if ((type = json_get(caps, "type")) && type->type == JSON_STR)
		d->type = xstrdup(type->str);
	features = json_get(caps, "features");
	for (size_t i = 0; features && features->type == JSON_ARR &&
			   i < features->n;
	     i++)
		if (features->kids[i].type == JSON_STR)
			strlist_add(&d->features, features->kids[i].str);
	if (run_capture(vargv, 5000, 64 * 1024, &ver) == 0 && ver) {
		ver[strcspn(ver, "\n")] = '\0';
		if (*str_trim(ver))
			d->version = xstrdup(ver);
	}
}

static void
read_descriptors(struct host_info *h, size_t *cap)
{
	for (size_t i = 0; i < ARRAY_SIZE(descriptor_dirs); i++) {
		AUTOFREE char *dir = path_under(h->root, descriptor_dirs[i]);
		DIR *d = opendir(dir);
		struct dirent *de;

		if (!d)
			continue;
		while ((de = readdir(d))) {
			AUTOFREE char *file = NULL, *text = NULL;
			AUTOPTR(json_node) doc = NULL;
			const struct json_node *type, *bin;
			struct host_daemon *dm;
			size_t len;

			if (strlen(de->d_name) < 6 ||
			    !STREQ(de->d_name + strlen(de->d_name) - 5,
				   ".json"))
				continue;
			file = xasprintf("%s/%s", dir, de->d_name);
			if (!(text = file_read(file, 1 << 20, &len)))
				continue;
			doc = json_parse(text, len);
			type = json_get(doc, "type");
			bin = json_get(doc, "binary");
			if (!type || type->type != JSON_STR ||
			    !STREQ(type->str, "fs") || !bin ||
			    bin->type != JSON_STR)
				continue;
			dm = daemon_add(h, cap, bin->str);
			if (!dm->descriptor)
				dm->descriptor = xasprintf(
				    "%s/%s", descriptor_dirs[i], de->d_name);
		}
		closedir(d);
	}
}

static void
read_daemons(struct host_info *h, unsigned flags)
{
	struct host_daemon *ours;
	size_t cap = 0;

	ours = daemon_add(h, &cap, host_our_daemon_path());
	ours->ours = true;
	ours->from_env = our_daemon_env() != NULL;
	for (size_t i = 0; i < ARRAY_SIZE(known_daemons); i++)
		daemon_add(h, &cap, known_daemons[i]);
	read_descriptors(h, &cap);

	for (size_t i = 0; i < h->ndaemons; i++) {
		struct host_daemon *d = &h->daemons[i];
		AUTOFREE char *p = path_under(h->root, d->path);

		d->present = access(p, X_OK) == 0;
		if (d->present && root_is_host(h->root) &&
		    (flags & HOST_PROBE_DAEMONS))
			daemon_probe(d, d->path);
	}
}

struct host_info *
host_read(const char *root, unsigned flags)
{
	AUTOPTR(host_info) h = xcalloc(1, sizeof(*h));
	AUTOFREE char *path = NULL;

	h->root = xstrdup(root_is_host(root) ? "/" : root);
	path = path_under(root, "/proc/sys/kernel/osrelease");
	if (!(h->kernel = file_read_line(path)))
		warn(h, _("the kernel version"), path, errno);
	read_meminfo(h);
	read_thp(h);
	free(path);
	path = path_under(root, SYS_HUGEPAGES);
	h->npools = read_pools(h, path, false, &h->pools);
	read_nodes(h);
	read_mounts(h);
	read_shm(h);
	read_daemons(h, flags);
	return steal_ptr(h);
}

void
host_info_free(struct host_info *h)
{
	if (!h)
		return;
	free(h->remote_uri);
	for (size_t i = 0; i < h->nnodes; i++)
		free(h->nodes[i].pools);
	for (size_t i = 0; i < h->nmounts; i++) {
		free(h->mounts[i].dir);
		free(h->mounts[i].fstype);
		free(h->mounts[i].options);
	}
	for (size_t i = 0; i < h->ndaemons; i++)
		host_daemon_clear(&h->daemons[i]);
	free(h->root);
	free(h->kernel);
	free(h->thp);
	free(h->pools);
	free(h->nodes);
	free(h->mounts);
	free(h->daemons);
	strlist_clear(&h->warnings);
	free(h);
}

const struct host_pool *
host_pool_find(const struct host_info *h, uint64_t size_kib)
{
	for (size_t i = 0; i < h->npools; i++)
		if (h->pools[i].size_kib == size_kib)
			return &h->pools[i];
	return NULL;
}

const struct host_node *
host_node_find(const struct host_info *h, int node)
{
	for (size_t i = 0; i < h->nnodes; i++)
		if (h->nodes[i].id == node)
			return &h->nodes[i];
	return NULL;
}

const struct host_pool *
host_node_pool_find(const struct host_info *h, int node, uint64_t size_kib)
{
	const struct host_node *n = host_node_find(h, node);

	for (size_t i = 0; n && i < n->npools; i++)
		if (n->pools[i].size_kib == size_kib)
			return &n->pools[i];
	return NULL;
}

const struct host_mount *
host_hugetlbfs_find(const struct host_info *h, uint64_t size_kib)
{
	for (size_t i = 0; i < h->nmounts; i++)
		if (STREQ(h->mounts[i].fstype, "hugetlbfs") &&
		    h->mounts[i].pagesize_kib == size_kib)
			return &h->mounts[i];
	return NULL;
}

const struct host_mount *
host_mount_for_path(const struct host_info *h, const char *path)
{
	const struct host_mount *best = NULL;
	size_t bestlen = 0;

	/* Later mounts shadow earlier ones on the same directory. */
	for (size_t i = 0; i < h->nmounts; i++) {
		const char *dir = h->mounts[i].dir;
		size_t len = strlen(dir);

		if (STREQ(dir, "/"))
			len = 0;
		else if (strncmp(path, dir, len) != 0 ||
			 (path[len] != '/' && path[len] != '\0'))
			continue;
		if (!best || len >= bestlen) {
			best = &h->mounts[i];
			bestlen = len;
		}
	}
	return best;
}

bool
host_fstype_in_memory(const char *fstype)
{
	return STREQ(fstype, "tmpfs") || STREQ(fstype, "ramfs") ||
	       STREQ(fstype, "hugetlbfs");
}

/* ---- processes, sockets and accounts ------------------------------------ */

#define DELETED_SUFFIX " (deleted)"
/* __SO_ACCEPTCON in /proc/net/unix: the socket is listening. */
#define UNIX_FLAG_ACCEPTCON 0x10000UL

/* Fields 3 (state) and 22 (starttime) of a /proc/PID/stat line. */
static int
parse_proc_stat(char *line, struct host_proc *p)
{
	char *rest = strrchr(line, ')'), *save = NULL, *tok;
	int field = 3;

	/* "pid (comm) state ...": comm may hold spaces and ')'. */
	if (!rest || rest[1] != ' ')
		return -1;
	for (tok = strtok_r(rest + 2, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save), field++) {
		uint64_t v;

		if (field == 3)
			p->state = tok[0];
		if (field != 22)
			continue;
		if (str_to_u64(tok, &v) < 0)
			return -1;
		p->start_ticks = v;
		return 0;
	}
	return -1;
}

int
host_proc_read(const char *root, int pid, struct host_proc *p)
{
	AUTOFREE char *dir = NULL, *stat_path = NULL, *exe_path = NULL;
	AUTOFREE char *line = NULL;
	char exe[4096];
	size_t sl = strlen(DELETED_SUFFIX);
	ssize_t n;

	memset(p, 0, sizeof(*p));
	if (pid <= 0) {
		errno = ESRCH;
		return -1;
	}
	dir = path_under(root, "/proc");
	stat_path = xasprintf("%s/%d/stat", dir, pid);
	exe_path = xasprintf("%s/%d/exe", dir, pid);
	if (!(line = file_read_line(stat_path)))
		return -1;
	if (parse_proc_stat(line, p) < 0) {
		errno = EINVAL;
		return -1;
	}
	p->pid = pid;
	/* Unreadable for other users' processes unless root: then NULL. */
	n = readlink(exe_path, exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((size_t)n > sl && STREQ(exe + n - sl, DELETED_SUFFIX))
			exe[n - sl] = '\0';
		p->exe = xstrdup(exe);
	}
	return 0;
}

void
host_proc_clear(struct host_proc *p)
{
	free(p->exe);
	memset(p, 0, sizeof(*p));
}

bool
host_proc_alive(const struct host_proc *p)
{
	return p->pid > 0 && p->state != 'Z' && p->state != 'X' &&
	       p->state != 'x';
}

/*
 * /proc/net/unix shows the name a socket was bound to. virtshare-fsd binds
 * "PATH.PID" and renames it to PATH once it listens, so that PATH appears
 * only when it can be connected to: that name counts for PATH once a socket
 * is at PATH (before the rename, it is not ready yet).
 */
static bool
unix_path_matches(const char *root, const char *bound, const char *path)
{
	size_t n = strlen(path);
	struct stat st;

	if (strncmp(bound, path, n) != 0)
		return false;
	if (bound[n] == '\0')
		return true;
	if (bound[n] != '.' || !bound[n + 1])
		return false;
	for (const char *p = bound + n + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return false;

	AUTOFREE char *real = path_under(root, path);
	return lstat(real, &st) == 0 && S_ISSOCK(st.st_mode);
}

int
host_unix_listening(const char *root, int pid, const char *path)
{
	AUTOFREE char *rel = pid > 0 ? xasprintf("/proc/%d/net/unix", pid)
				     : xstrdup("/proc/net/unix");
	AUTOFREE char *file = path_under(root, rel);
	AUTOFREE char *text = file_read(file, 64 << 20, NULL);
	char *line, *save = NULL;

	if (!text)
		return -1;
	/* "Num RefCount Protocol Flags Type St Inode Path", hex numbers. */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long flags;
		unsigned type, st;
		int off = -1;

		if (sscanf(line, "%*s %*s %*s %lx %x %x %*u %n", &flags, &type,
			   &st, &off) != 3 ||
		    off < 0)
			continue;
		if ((flags & UNIX_FLAG_ACCEPTCON) &&
		    unix_path_matches(root, line + off, path))
			return 1;
	}
	return 0;
}

/* "+N" is a numeric id in qemu.conf, as libvirt's virGetUserID(). */
static bool
numeric_id(const char *name, unsigned *id)
{
	uint64_t v;

	if (name[0] != '+' || str_to_u64(name + 1, &v) < 0 || v >= UINT32_MAX)
		return false;
	*id = (unsigned)v;
	return true;
}

static size_t
pw_bufsize(int which)
{
	long n = sysconf(which);

	return n > 0 ? (size_t)n : 16384;
}

int
host_user_lookup(const char *name, uid_t *uid, gid_t *gid)
{
	size_t len = pw_bufsize(_SC_GETPW_R_SIZE_MAX);
	AUTOFREE char *buf = xmalloc(len);
	struct passwd pw, *res = NULL;
	unsigned id;
	int rc;

	if (numeric_id(name, &id)) {
		*uid = id;
		*gid = getpwuid_r(id, &pw, buf, len, &res) == 0 && res
			   ? pw.pw_gid
			   : id;
		return 0;
	}
	rc = getpwnam_r(name, &pw, buf, len, &res);
	if (rc != 0 || !res) {
		errno = rc ? rc : ENOENT;
		return -1;
	}
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	return 0;
}

int
host_group_lookup(const char *name, gid_t *gid)
{
	size_t len = pw_bufsize(_SC_GETGR_R_SIZE_MAX);
	AUTOFREE char *buf = xmalloc(len);
	struct group gr, *res = NULL;
	unsigned id;
	int rc;

	if (numeric_id(name, &id)) {
		*gid = id;
		return 0;
	}
	rc = getgrnam_r(name, &gr, buf, len, &res);
	if (rc != 0 || !res) {
		errno = rc ? rc : ENOENT;
		return -1;
	}
	*gid = gr.gr_gid;
	return 0;
}

bool
host_user_in_group(const char *name, gid_t primary, gid_t gid)
{
	int n = 64;
	AUTOFREE gid_t *groups = NULL;

	if (primary == gid)
		return true;
	for (;;) {
		int got = n;

		groups = xrealloc(groups, (size_t)n * sizeof(*groups));
		if (getgrouplist(name, primary, groups, &got) >= 0) {
			for (int i = 0; i < got; i++)
				if (groups[i] == gid)
					return true;
			return false;
		}
		if (got <= n)
			return false;
		n = got;
	}
}

/* May user (uid, gid) do want (rwx bits) on st? */
static bool
may_access(const char *user, uid_t uid, gid_t gid, const struct stat *st,
	   unsigned want)
{
	unsigned bits;

	if (uid == 0)
		return true;
	if (st->st_uid == uid)
		bits = (st->st_mode >> 6) & 7;
	else if (host_user_in_group(user, gid, st->st_gid))
		bits = (st->st_mode >> 3) & 7;
	else
		bits = st->st_mode & 7;
	return (bits & want) == want;
}

char *
host_unreachable(const char *root, const char *path, const char *user,
		 uid_t uid, gid_t gid)
{
	AUTOFREE char *full = path_under(root, path);
	AUTOFREE char *dir = xstrdup(path);
	struct stat st;
	char *slash;

	if (stat(full, &st) == 0 && !may_access(user, uid, gid, &st, 2))
		return xstrdup(path);
	while ((slash = strrchr(dir, '/')) && slash != dir) {
		AUTOFREE char *p = NULL;

		*slash = '\0';
		p = path_under(root, dir);
		if (stat(p, &st) == 0 && !may_access(user, uid, gid, &st, 1))
			return xstrdup(dir);
	}
	return NULL;
}

char *
host_user_name(uid_t uid)
{
	size_t len = pw_bufsize(_SC_GETPW_R_SIZE_MAX);
	AUTOFREE char *buf = xmalloc(len);
	struct passwd pw, *res = NULL;

	if (getpwuid_r(uid, &pw, buf, len, &res) == 0 && res)
		return xstrdup(pw.pw_name);
	return xasprintf("%u", (unsigned)uid);
}

char *
host_group_name(gid_t gid)
{
	size_t len = pw_bufsize(_SC_GETGR_R_SIZE_MAX);
	AUTOFREE char *buf = xmalloc(len);
	struct group gr, *res = NULL;

	if (getgrgid_r(gid, &gr, buf, len, &res) == 0 && res)
		return xstrdup(gr.gr_name);
	return xasprintf("%u", (unsigned)gid);
}

/* ---- logs and limits ----------------------------------------------------- */

char *
host_log_tail(const char *root, const char *path, size_t max)
{
	AUTOFREE char *full = path_under(root, path);
	AUTOCLOSE int fd = open(full, O_RDONLY | O_CLOEXEC);
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	char chunk[8192];
	bool cut = false;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size > max) {
		if (lseek(fd, st.st_size - (off_t)max, SEEK_SET) < 0)
			return NULL;
		cut = true;
	}
	sb_add(&sb, "");
	while (sb.len < max &&
	       (n = read(fd, chunk, sizeof(chunk) < max - sb.len
					? sizeof(chunk)
					: max - sb.len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			sb_clear(&sb);
			return NULL;
		}
		sb_addn(&sb, chunk, (size_t)n);
	}
	/* A crash can leave NUL bytes in a log: they would end the text. */
	for (size_t i = 0; i < sb.len; i++)
		if (sb.buf[i] == '\0')
			sb.buf[i] = ' ';
	if (cut) {
		const char *nl = strchr(sb.buf, '\n');
		char *rest = xstrdup(nl ? nl + 1 : "");

		sb_clear(&sb);
		return rest;
	}
	return sb_steal(&sb);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
host_dir_list(const char *root, const char *dir, const char *prefix,
	      const char *suffix, struct strlist *out)
{
	AUTOFREE char *full = path_under(root, dir);
	size_t pl = strlen(prefix), sl = strlen(suffix), first = out->n;
	DIR *d = opendir(full);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > pl + sl && STRPREFIX(de->d_name, prefix) &&
		    STREQ(de->d_name + len - sl, suffix))
			strlist_add(out, de->d_name);
	}
	closedir(d);
	if (out->n > first)
		qsort(out->v + first, out->n - first, sizeof(*out->v),
		      name_cmp);
}

/* "PRI,SEQ,USEC,FLAGS;TEXT": the text; continuation lines are dropped. */
static void
kmsg_record(struct strbuf *sb, const char *rec, size_t len)
{
	const char *semi = memchr(rec, ';', len);
	const char *end;

	if (!semi || rec[0] == ' ')
		return;
	semi++;
	end = memchr(semi, '\n', len - (size_t)(semi - rec));
	sb_addn(sb, semi, end ? (size_t)(end - semi)
			      : len - (size_t)(semi - rec));
	sb_addc(sb, '\n');
}

/* Keep the last max bytes of sb, from a line start. */
static void
keep_tail(struct strbuf *sb, size_t max)
{
	const char *start, *nl;
	char *rest;

	if (sb->len <= max)
		return;
	start = sb->buf + sb->len - max;
	nl = strchr(start, '\n');
	rest = xstrdup(nl ? nl + 1 : "");
	sb_clear(sb);
	sb_add(sb, rest);
	free(rest);
}

char *
host_kmsg_tail(const char *root, size_t max)
{
	AUTOFREE char *path = path_under(root, "/dev/kmsg");
	AUTOCLOSE int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct strbuf sb = STRBUF_INIT;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return NULL;
	sb_add(&sb, "");
	if (S_ISCHR(st.st_mode)) {
		/* One record per read; EAGAIN at the end, EPIPE when the
		 * ring overwrote a record (skip it). */
		char rec[8192];

		for (;;) {
			ssize_t n = read(fd, rec, sizeof(rec) - 1);

			if (n < 0 && (errno == EINTR || errno == EPIPE))
				continue;
			if (n <= 0)
				break;
			kmsg_record(&sb, rec, (size_t)n);
			if (sb.len > 2 * max)
				keep_tail(&sb, max);
		}
	} else {
		AUTOFREE char *text = host_log_tail(root, "/dev/kmsg", 4 * max);
		char *line, *save = NULL;

		if (!text) {
			sb_clear(&sb);
			return NULL;
		}
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			kmsg_record(&sb, line, strlen(line));
	}
	keep_tail(&sb, max);
	return sb_steal(&sb);
}

char *
host_kernel_version(const char *root, const char *path)
{
	AUTOFREE char *full = path_under(root, path);
	AUTOCLOSE int fd = open(full, O_RDONLY | O_CLOEXEC);
	unsigned char buf[0x8000];
	size_t at, end;
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = pread(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return NULL;
	if ((size_t)n < 0x210 || memcmp(buf + 0x202, "HdrS", 4) != 0) {
		errno = ENOEXEC;
		return NULL;
	}
	at = 0x200 + (size_t)(buf[0x20e] | buf[0x20f] << 8);
	for (end = at; end < (size_t)n && buf[end] > ' ' && buf[end] < 0x7f;
	     end++)
		;
	if (at >= (size_t)n || end == at || end == (size_t)n) {
		errno = ENOEXEC;
		return NULL;
	}
	return xstrndup((const char *)buf + at, end - at);
}

int
host_subid_find(const char *root, const char *file, const char *name,
		unsigned id, uint64_t *start, uint64_t *count)
{
	AUTOFREE char *path = path_under(root, file);
	AUTOFREE char *text = file_read(path, 4 << 20, NULL);
	char *line, *save = NULL;

	if (!text)
		return -1;
	/* "NAME-OR-ID:START:COUNT", as libvirt's virGetSubIDs() reads. */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *who = str_trim(line), *s, *c;
		uint64_t v, st, cn;

		if (!*who || *who == '#' || !(s = strchr(who, ':')))
			continue;
		*s++ = '\0';
		if (!(c = strchr(s, ':')))
			continue;
		*c++ = '\0';
		if (str_to_u64(s, &st) < 0 || str_to_u64(c, &cn) < 0)
			continue;
		if ((name && STREQ(who, name)) ||
		    (str_to_u64(who, &v) == 0 && v == id)) {
			*start = st;
			*count = cn;
			return 1;
		}
	}
	return 0;
}

static int
limit_value(const char *s, uint64_t *v)
{
	if (STREQ(s, "unlimited")) {
		*v = UINT64_MAX;
		return 0;
	}
	return str_to_u64(s, v);
}

int
host_proc_nofile(const char *root, int pid, uint64_t *soft, uint64_t *hard)
{
	AUTOFREE char *rel = xasprintf("/proc/%d/limits", pid);
	AUTOFREE char *path = path_under(root, rel);
	AUTOFREE char *text = file_read(path, 1 << 20, NULL);
	char *line, *save = NULL;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char s[32], h[32];

		if (!STRPREFIX(line, "Max open files") ||
		    sscanf(line + strlen("Max open files"), "%31s %31s", s,
			   h) != 2)
			continue;
		if (limit_value(s, soft) < 0 || limit_value(h, hard) < 0)
			break;
		return 0;
	}
	errno = EINVAL;
	return -1;
}

int
host_pid_file(const char *root, const char *path)
{
	AUTOFREE char *full = path_under(root, path);
	AUTOFREE char *line = file_read_line(full);
	int pid;

	if (!line)
		return -1;
	if (str_to_int(str_trim(line), &pid) < 0 || pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	return pid;
}

int
host_daemon_probe(const char *root, const char *path, struct host_daemon *d)
{
	AUTOFREE char *exe = path_under(root, path);

	if (!d->path)
		d->path = xstrdup(path);
	d->present = access(exe, X_OK) == 0;
	if (d->present && !d->probed)
		daemon_probe(d, exe);
	return d->probed ? 0 : -1;
}

bool
host_executable(const char *root, const char *path)
{
	AUTOFREE char *full = path_under(root, path);
	struct stat st;

	return stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(full, X_OK) == 0;
}

void
host_daemon_clear(struct host_daemon *d)
{
	free(d->path);
	free(d->type);
	free(d->descriptor);
	free(d->version);
	strlist_clear(&d->features);
	memset(d, 0, sizeof(*d));
}

static void
boot_add(struct host_boot_pages **out, size_t *n, size_t *cap,
	 uint64_t size_kib, uint64_t count, const char *source)
{
	struct host_boot_pages *b;

	for (size_t i = 0; i < *n; i++)
		if ((*out)[i].size_kib == size_kib) {
			(*out)[i].count = count;
			free((*out)[i].source);
			(*out)[i].source = xstrdup(source);
			return;
		}
	xgrow(out, cap, *n + 1, sizeof(**out));
	b = &(*out)[(*n)++];
	b->size_kib = size_kib;
	b->count = count;
	b->source = xstrdup(source);
}

/* vm.nr_hugepages (or vm/nr_hugepages) of one sysctl file. */
static void
boot_sysctl(const char *root, const char *file, struct host_boot_pages **out,
	    size_t *n, size_t *cap)
{
	AUTOFREE char *path = path_under(root, file);
	AUTOFREE char *text = file_read(path, 1 << 20, NULL);
	char *line, *save = NULL;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *key = str_trim(line), *eq = strchr(key, '=');
		uint64_t v;

		if (!eq || *key == '#' || *key == ';')
			continue;
		*eq = '\0';
		key = str_trim(key[0] == '-' ? key + 1 : key);
		if ((STREQ(key, "vm.nr_hugepages") ||
		     STREQ(key, "vm/nr_hugepages")) &&
		    str_to_u64(str_trim(eq + 1), &v) == 0)
			boot_add(out, n, cap, 0, v, file);
	}
}

size_t
host_boot_pages(const char *root, struct host_boot_pages **out)
{
	AUTOFREE char *cmdline_path = path_under(root, "/proc/cmdline");
	AUTOFREE char *cmdline = file_read_line(cmdline_path);
	struct strlist files = {0};
	size_t n = 0, cap = 0;
	uint64_t size = 0;
	char *save = NULL;

	*out = NULL;
	/* "hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512"; a count
	 * before any hugepagesz= is of the default size. */
	for (char *w = cmdline ? strtok_r(cmdline, " \t", &save) : NULL; w;
	     w = strtok_r(NULL, " \t", &save)) {
		uint64_t v;

		if (STRPREFIX(w, "hugepagesz=")) {
			if (size_parse_kib(w + strlen("hugepagesz="), &v) == 0)
				size = v;
		} else if (STRPREFIX(w, "hugepages=") &&
			   str_to_u64(w + strlen("hugepages="), &v) == 0) {
			boot_add(out, &n, &cap, size, v, "/proc/cmdline");
		}
	}
	boot_sysctl(root, "/etc/sysctl.conf", out, &n, &cap);
	host_dir_list(root, "/etc/sysctl.d", "", ".conf", &files);
	for (size_t i = 0; i < files.n; i++) {
		AUTOFREE char *file = xasprintf("/etc/sysctl.d/%s", files.v[i]);

		boot_sysctl(root, file, out, &n, &cap);
	}
	strlist_clear(&files);
	return n;
}

void
host_boot_pages_free(struct host_boot_pages *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++)
		free(p[i].source);
	free(p);
}
