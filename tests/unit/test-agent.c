/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-agent.c: agent.c against a simulated qemu-ga and guest */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agent-list.h"
#include "agent.h"
#include "base64.h"
#include "error.h"
#include "fstab.h"
#include "json.h"
#include "tap.h"
#include "util.h"

/*
 * The simulated guest: files, directories, probed virtiofs tags, mounts,
 * and the agent's exec and file handles. Commands behave as busybox's do
 * in the live e2e guest (tests/e2e/live-facts.md), messages included.
 */
#define MAX_PIDS 256
#define MAX_HANDLES 16

struct fake {
	struct strlist file_paths, file_data; /* parallel */
	struct strlist dirs;
	struct strlist devices;   /* tags of probed virtio-fs devices */
	struct strlist mnt_tags, mnt_dirs; /* parallel, in mount order */
	bool virtiofs_loaded;
	bool virtiofs_module;     /* modprobe virtiofs works */
	bool no_modprobe;         /* modprobe missing: guest-exec fails */
	enum agent_fail transport; /* every command fails so when set */
	int sends;                /* commands sent to the agent */
	int timeouts[8];          /* the timeout of each of the first ones */
	int unprobed;             /* mounts that see EINVAL first */
	int running_polls;        /* statuses with exited:false first */
	bool never_exits;
	size_t chunk;             /* read at most this per guest-file-read */
	const char *busy_dir;     /* umount there: EBUSY */
	const char *broken;       /* this command fails (status 1) */
	const char *os_id;        /* guest-get-osinfo's id (NULL: none) */
	bool no_osinfo;           /* an agent without guest-get-osinfo */
	struct {
		int status;
		char *out, *err;
	} res[MAX_PIDS];
	int npids;
	struct {
		char *path;
		struct strbuf buf;
		size_t pos;
		bool write;
	} h[MAX_HANDLES];
	struct strlist log;       /* the guest commands run, argv joined */
};

static long
find(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (STREQ(l->v[i], s))
			return (long)i;
	return -1;
}

static void
strlist_del(struct strlist *l, size_t i)
{
	free(l->v[i]);
	memmove(&l->v[i], &l->v[i + 1], (l->n - i) * sizeof(*l->v));
	l->n--;
}

static const char *
file_get(struct fake *f, const char *path)
{
	long i = find(&f->file_paths, path);

	return i < 0 ? NULL : f->file_data.v[i];
}

static void
file_put(struct fake *f, const char *path, const char *data)
{
	long i = find(&f->file_paths, path);

	if (i >= 0) {
		free(f->file_data.v[i]);
		f->file_data.v[i] = xstrdup(data);
		return;
	}
	strlist_add(&f->file_paths, path);
	strlist_add(&f->file_data, data);
}

static void
file_del(struct fake *f, const char *path)
{
	long i = find(&f->file_paths, path);

	if (i >= 0) {
		strlist_del(&f->file_paths, (size_t)i);
		strlist_del(&f->file_data, (size_t)i);
	}
}

static bool
is_dir(struct fake *f, const char *p)
{
	return find(&f->dirs, p) >= 0;
}

static char *
proc_text(struct fake *f, const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add(&sb, "");
	if (STREQ(path, "/proc/filesystems")) {
		sb_add(&sb, "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\n\text4\n");
		if (f->virtiofs_loaded)
			sb_add(&sb, "nodev\tfuse\nnodev\tvirtiofs\n");
		return sb_steal(&sb);
	}
	sb_add(&sb, "rootfs / rootfs rw 0 0\n"
		    "proc /proc proc rw,relatime 0 0\n"
		    "/dev/vda /persist ext4 rw,relatime 0 0\n");
	for (size_t i = 0; i < f->mnt_tags.n; i++) {
		AUTOFREE char *dir = NULL;
		struct strbuf e = STRBUF_INIT;

		for (const char *p = f->mnt_dirs.v[i]; *p; p++)
			if (*p == ' ')
				sb_add(&e, "\\040");
			else
				sb_addc(&e, *p);
		dir = sb_steal(&e);
		sb_printf(&sb, "%s %s virtiofs rw,relatime 0 0\n",
			  f->mnt_tags.v[i], dir);
	}
	return sb_steal(&sb);
}

/* Run one guest command: its status and what it prints. */
static int
sim(struct fake *f, char **argv, int argc, const char *input,
    struct strbuf *out, struct strbuf *err)
{
	const char *cmd = argv[0];

#define ARG(i) ((i) < argc ? argv[i] : "")
	if (f->broken && STREQ(cmd, f->broken)) {
		sb_printf(err, "%s: it broke\n", cmd);
		return 1;
	}
	if (STREQ(cmd, "test")) {
		bool r = STREQ(ARG(1), "-d")
			     ? is_dir(f, ARG(2))
			     : is_dir(f, ARG(2)) || file_get(f, ARG(2));
		return r ? 0 : 1;
	}
	if (STREQ(cmd, "mkdir")) {
		if (file_get(f, ARG(2))) {
			sb_printf(err, "mkdir: can't create directory '%s': File exists\n",
				  ARG(2));
			return 1;
		}
		if (!is_dir(f, ARG(2)))
			strlist_add(&f->dirs, ARG(2));
		return 0;
	}
	if (STREQ(cmd, "rmdir")) {
		long i = find(&f->dirs, ARG(1));

		if (i >= 0)
			strlist_del(&f->dirs, (size_t)i);
		return i >= 0 ? 0 : 1;
	}
	if (STREQ(cmd, "modprobe")) {
		if (!f->virtiofs_module) {
			sb_add(err, "modprobe: module virtiofs not found\n");
			return 1;
		}
		f->virtiofs_loaded = true;
		return 0;
	}
	if (STREQ(cmd, "mount")) {
		const char *tag = ARG(3), *dir = ARG(4);
		const char *why = NULL;

		if (!f->virtiofs_loaded)
			why = "No such device";
		else if (file_get(f, dir))
			why = "Not a directory";
		else if (!is_dir(f, dir))
			why = "No such file or directory";
		else if (f->unprobed > 0 || find(&f->devices, tag) < 0)
			why = "Invalid argument";
		if (f->unprobed > 0)
			f->unprobed--;
		for (size_t i = 0; !why && i < f->mnt_tags.n; i++)
			if (STREQ(f->mnt_tags.v[i], tag) &&
			    STREQ(f->mnt_dirs.v[i], dir))
				why = "Device or resource busy";
		if (why) {
			sb_printf(err, "mount: mounting %s on %s failed: %s\n",
				  tag, dir, why);
			return 255;
		}
		strlist_add(&f->mnt_tags, tag);
		strlist_add(&f->mnt_dirs, dir);
		return 0;
	}
	if (STREQ(cmd, "umount")) {
		if (f->busy_dir && STREQ(f->busy_dir, ARG(1))) {
			sb_printf(err, "umount: can't unmount %s: Device or resource busy\n",
				  ARG(1));
			return 255;
		}
		for (size_t i = f->mnt_dirs.n; i-- > 0;) {
			if (STREQ(f->mnt_dirs.v[i], ARG(1))) {
				strlist_del(&f->mnt_tags, i);
				strlist_del(&f->mnt_dirs, i);
				return 0;
			}
		}
		sb_printf(err, "umount: can't unmount %s: Invalid argument\n",
			  ARG(1));
		return 255;
	}
	if (STREQ(cmd, "cp") || STREQ(cmd, "mv")) {
		const char *from = ARG(2), *to = ARG(3);
		AUTOFREE char *data = NULL;

		if (!file_get(f, from)) {
			sb_printf(err, "%s: can't stat '%s': No such file or directory\n",
				  cmd, from);
			return 1;
		}
		data = xstrdup(file_get(f, from));
		file_put(f, to, data);
		if (STREQ(cmd, "mv"))
			file_del(f, from);
		return 0;
	}
	if (STREQ(cmd, "chmod"))
		return file_get(f, ARG(2)) ? 0 : 1;
	if (STREQ(cmd, "rm")) {
		file_del(f, ARG(2));
		return 0;
	}
	if (STREQ(cmd, "cat")) {
		sb_add(out, input ? input : "");
		return 0;
	}
	if (STREQ(cmd, "false")) {
		sb_add(err, "it went wrong\n");
		return 1;
	}
#undef ARG
	return -1;
}

static char *
reply_ok(const char *ret)
{
	return xasprintf("{\"return\":%s}", ret);
}

static const struct json_node *
arg(const struct json_node *cmd, const char *key)
{
	const struct json_node *args = json_get(cmd, "arguments");

	return args ? json_get(args, key) : NULL;
}

static char *
do_exec(struct fake *f, const struct json_node *cmd, enum agent_fail *kind,
	char **detail)
{
	const struct json_node *path = arg(cmd, "path"), *a = arg(cmd, "arg");
	const struct json_node *in = arg(cmd, "input-data");
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT, input = STRBUF_INIT;
	struct strbuf line = STRBUF_INIT;
	char *argv[16];
	int argc = 0, st, pid;

	argv[argc++] = path->str;
	sb_add(&line, path->str);
	for (size_t i = 0; a && i < a->n && argc < 15; i++) {
		argv[argc++] = a->kids[i].str;
		sb_printf(&line, " %s", a->kids[i].str);
	}
	argv[argc] = NULL;
	strlist_take(&f->log, sb_steal(&line));
	if (in)
		base64_decode(&input, in->str);
	if (STREQ(path->str, "modprobe") && f->no_modprobe)
		st = -1;
	else
		st = sim(f, argv, argc, input.buf, &out, &err);
	sb_clear(&input);
	if (st < 0) {
		sb_clear(&out);
		sb_clear(&err);
		*kind = AGENT_FAIL_COMMAND;
		*detail = xasprintf("Failed to execute child process “%s” (No such file or directory)",
				    path->str);
		return NULL;
	}
	pid = f->npids++;
	f->res[pid].status = st;
	f->res[pid].out = sb_steal(&out);
	f->res[pid].err = sb_steal(&err);
	return xasprintf("{\"return\":{\"pid\":%d}}", pid + 1000);
}

static char *
do_status(struct fake *f, const struct json_node *cmd)
{
	int pid = (int)arg(cmd, "pid")->num - 1000;
	struct strbuf sb = STRBUF_INIT;

	if (f->never_exits || f->running_polls > 0) {
		f->running_polls--;
		return reply_ok("{\"exited\":false}");
	}
	sb_printf(&sb, "{\"return\":{\"exited\":true,\"exitcode\":%d",
		  f->res[pid].status);
	if (*f->res[pid].out) {
		sb_add(&sb, ",\"out-data\":\"");
		base64_encode(&sb, f->res[pid].out, strlen(f->res[pid].out));
		sb_addc(&sb, '"');
	}
	if (*f->res[pid].err) {
		sb_add(&sb, ",\"err-data\":\"");
		base64_encode(&sb, f->res[pid].err, strlen(f->res[pid].err));
		sb_addc(&sb, '"');
	}
	sb_add(&sb, "}}");
	return sb_steal(&sb);
}

static char *
do_file(struct fake *f, const char *ex, const struct json_node *cmd,
	enum agent_fail *kind, char **detail)
{
	const struct json_node *hn = arg(cmd, "handle");
	int h = hn ? (int)hn->num : -1;
	struct strbuf sb = STRBUF_INIT;

	if (STREQ(ex, "guest-file-open")) {
		const char *path = arg(cmd, "path")->str;
		const char *mode = arg(cmd, "mode")->str;
		const char *data = file_get(f, path);
		int i = 0;

		while (i < MAX_HANDLES && f->h[i].path)
			i++;
		if (STREQ(mode, "r") && !data && !STRPREFIX(path, "/proc/")) {
			*kind = AGENT_FAIL_COMMAND;
			*detail = xasprintf("failed to open file '%s' (mode: 'r'): No such file or directory",
					    path);
			return NULL;
		}
		f->h[i].path = xstrdup(path);
		f->h[i].write = !STREQ(mode, "r");
		f->h[i].pos = 0;
		sb_add(&f->h[i].buf, "");
		if (!f->h[i].write) {
			AUTOFREE char *proc = STRPREFIX(path, "/proc/")
						  ? proc_text(f, path)
						  : NULL;

			sb_add(&f->h[i].buf, proc ? proc : data);
		} else {
			file_put(f, path, "");
		}
		return xasprintf("{\"return\":%d}", i);
	}
	if (STREQ(ex, "guest-file-read")) {
		size_t left = f->h[h].buf.len - f->h[h].pos;
		size_t n = (size_t)arg(cmd, "count")->num;

		if (f->chunk && n > f->chunk)
			n = f->chunk;
		if (n > left)
			n = left;
		sb_printf(&sb, "{\"return\":{\"count\":%zu,\"buf-b64\":\"", n);
		base64_encode(&sb, f->h[h].buf.buf + f->h[h].pos, n);
		f->h[h].pos += n;
		sb_printf(&sb, "\",\"eof\":%s}}",
			  f->h[h].pos == f->h[h].buf.len ? "true" : "false");
		return sb_steal(&sb);
	}
	if (STREQ(ex, "guest-file-write")) {
		size_t before = f->h[h].buf.len;

		base64_decode(&f->h[h].buf, arg(cmd, "buf-b64")->str);
		return xasprintf("{\"return\":{\"count\":%zu,\"eof\":false}}",
				 f->h[h].buf.len - before);
	}
	/* guest-file-close */
	if (f->h[h].write)
		file_put(f, f->h[h].path, sb_str(&f->h[h].buf));
	free(f->h[h].path);
	f->h[h].path = NULL;
	sb_clear(&f->h[h].buf);
	return reply_ok("{}");
}

static char *
fake_send(void *opaque, const char *text, int timeout_s,
	  enum agent_fail *kind, char **detail)
{
	struct fake *f = opaque;
	AUTOPTR(json_node) cmd = json_parse(text, strlen(text));
	const char *ex = json_get(cmd, "execute")->str;

	if (f->sends < (int)ARRAY_SIZE(f->timeouts))
		f->timeouts[f->sends] = timeout_s;
	f->sends++;
	if (f->transport != AGENT_FAIL_NONE) {
		*kind = f->transport;
		*detail = xstrdup(f->transport == AGENT_FAIL_NO_CHANNEL
				      ? "argument unsupported: QEMU guest agent is not configured"
				      : "Guest agent is not responding: Guest agent not available for now");
		return NULL;
	}
	if (STREQ(ex, "guest-ping"))
		return reply_ok("{}");
	if (STREQ(ex, "guest-exec"))
		return do_exec(f, cmd, kind, detail);
	if (STREQ(ex, "guest-exec-status"))
		return do_status(f, cmd);
	if (STRPREFIX(ex, "guest-file-"))
		return do_file(f, ex, cmd, kind, detail);
	if (STREQ(ex, "guest-get-osinfo") && !f->no_osinfo) {
		AUTOFREE char *id = f->os_id ? xasprintf(",\"id\":\"%s\"",
							 f->os_id)
					     : xstrdup("");

		return xasprintf("{\"return\":{\"kernel-release\":\"6.1.0\","
				 "\"machine\":\"x86_64\"%s}}",
				 id);
	}
	*kind = AGENT_FAIL_COMMAND;
	*detail = xasprintf("The command %s has not been found", ex);
	return NULL;
}

static void
fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->virtiofs_loaded = true;
	f->virtiofs_module = true;
	strlist_add(&f->dirs, "/");
	strlist_add(&f->dirs, "/etc");
	strlist_add(&f->dirs, "/mnt");
	strlist_add(&f->devices, "vsa");
	strlist_add(&f->devices, "vsb");
}

static void
fake_clear(struct fake *f)
{
	strlist_clear(&f->file_paths);
	strlist_clear(&f->file_data);
	strlist_clear(&f->dirs);
	strlist_clear(&f->devices);
	strlist_clear(&f->mnt_tags);
	strlist_clear(&f->mnt_dirs);
	strlist_clear(&f->log);
	for (int i = 0; i < f->npids; i++) {
		free(f->res[i].out);
		free(f->res[i].err);
	}
	for (int i = 0; i < MAX_HANDLES; i++) {
		free(f->h[i].path);
		sb_clear(&f->h[i].buf);
	}
}

static struct agent *
fake_agent(struct fake *f)
{
	struct agent *a = agent_new("guest1", fake_send, f, NULL);

	agent_set_limits(a, 5, 60000, 1, 60000);
	return a;
}

/* The guest commands run, "|"-joined, then forgotten. */
static char *
ran(struct fake *f)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add(&sb, "");
	for (size_t i = 0; i < f->log.n; i++)
		sb_printf(&sb, "%s%s", i ? "|" : "", f->log.v[i]);
	strlist_clear(&f->log);
	return sb_steal(&sb);
}

/* The mounted dir of tag in the fake, or NULL. */
static const char *
mounted(struct fake *f, const char *tag)
{
	long i = find(&f->mnt_tags, tag);

	return i < 0 ? NULL : f->mnt_dirs.v[i];
}

static void
expect_fail(struct agent *a, int rc, enum agent_fail kind, const char *what)
{
	tap_is_int(rc, -1, "%s: fails", what);
	tap_is_str(agent_fail_name(agent_failure(a)), agent_fail_name(kind),
		   "%s: the failure kind", what);
	tap_is_int(vs_error_code(), agent_fail_code(kind), "%s: error %s", what,
		   vs_error_name(agent_fail_code(kind)));
	tap_diag("  %s", vs_error_message());
}

static void
test_transport(void)
{
	static const struct {
		enum agent_fail kind;
		enum vs_code code;
		const char *want; /* in the message */
	} cases[] = {
		{AGENT_FAIL_NO_CHANNEL, VS_ERR_NOT_FOUND, "org.qemu.guest_agent.0"},
		{AGENT_FAIL_NO_ANSWER, VS_ERR_LIBVIRT, "qemu-guest-agent"},
		{AGENT_FAIL_NOT_RUNNING, VS_ERR_INVALID, "not running"},
		{AGENT_FAIL_NO_DOMAIN, VS_ERR_NO_DOMAIN, "virsh list --all"},
	};
	struct fake f;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		AUTOPTR(agent) a = NULL;
		const char *name = agent_fail_name(cases[i].kind);

		fake_init(&f);
		a = fake_agent(&f);
		f.transport = cases[i].kind;
		vs_error_reset();
		expect_fail(a, agent_ping(a, 3), cases[i].kind, name);
		tap_is_int(agent_fail_code(cases[i].kind), cases[i].code,
			   "%s: the code of the table", name);
		tap_ok(strstr(vs_error_message(), cases[i].want) != NULL,
		       "%s: the message says what to do ('%s')", name,
		       cases[i].want);
		fake_clear(&f);
	}
	fake_init(&f);
	{
		AUTOPTR(agent) a = fake_agent(&f);

		tap_is_int(agent_ping(a, 3), 0, "ping: the agent answers");
		tap_is_int(agent_failure(a), AGENT_FAIL_NONE, "ping: no failure");
	}
	fake_clear(&f);
}

static void
test_exec(void)
{
	struct fake f;
	AUTOPTR(agent) a = NULL;
	struct agent_exec r;
	const char *cat[] = {"cat", NULL};
	const char *no[] = {"false", NULL};
	const char *missing[] = {"/bin/nonexistent", "x", NULL};
	const char in[] = "line one\nbytes \x01\x7f\xc3\xa4 and \"quotes\" \\ end";

	fake_init(&f);
	a = fake_agent(&f);
	f.running_polls = 3;
	tap_is_int(agent_exec(a, cat, in, &r), 0, "exec: cat with input");
	tap_is_str(r.out, in, "exec: stdout decoded, input encoded");
	tap_is_int(r.out_len, strlen(in), "exec: out_len");
	tap_is_int(r.status, 0, "exec: status 0");
	tap_is_int(f.running_polls, 0, "exec: polled until it exited");
	agent_exec_clear(&r);

	tap_is_int(agent_exec(a, no, NULL, &r), 0, "exec: false runs");
	tap_is_int(r.status, 1, "exec: its status");
	tap_is_str(r.err, "it went wrong\n", "exec: its stderr");
	agent_exec_clear(&r);
	vs_error_reset();
	expect_fail(a, agent_run(a, no, NULL), AGENT_FAIL_EXIT,
		    "run: a non-zero status");
	tap_ok(strstr(vs_error_message(), "it went wrong") != NULL,
	       "run: stderr in the message");

	vs_error_reset();
	expect_fail(a, agent_exec(a, missing, NULL, &r), AGENT_FAIL_COMMAND,
		    "exec: no such program");
	tap_ok(strstr(vs_error_message(), "/bin/nonexistent") != NULL,
	       "exec: the agent's message is kept");

	f.never_exits = true;
	agent_set_limits(a, 0, -1, 0, 0);
	vs_error_reset();
	expect_fail(a, agent_exec(a, cat, NULL, &r), AGENT_FAIL_TIMEOUT,
		    "exec: still running after the limit");
	fake_clear(&f);
}

static void
test_files(void)
{
	struct fake f;
	AUTOPTR(agent) a = NULL;
	AUTOFREE char *got = NULL, *big = NULL, *back = NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t len = 0;

	fake_init(&f);
	a = fake_agent(&f);
	file_put(&f, "/etc/hostname", "guest1\n");
	f.chunk = 3;
	got = agent_file_read(a, "/etc/hostname", 100, &len);
	tap_is_str(got, "guest1\n", "file read: in chunks of 3 bytes");
	tap_is_int(len, 7, "file read: length");
	vs_error_reset();
	tap_ok(agent_file_read(a, "/etc/hostname", 4, NULL) == NULL,
	       "file read: over max refused");
	tap_is_int(agent_failure(a), AGENT_FAIL_TOO_BIG, "file read: TOO_BIG");
	tap_ok(f.h[0].path == NULL, "file read: the handle is closed");
	vs_error_reset();
	tap_ok(agent_file_read(a, "/etc/nope", 100, NULL) == NULL,
	       "file read: a missing file");
	tap_is_int(agent_failure(a), AGENT_FAIL_COMMAND,
		   "file read: missing is the agent's refusal");
	tap_ok(strstr(vs_error_message(), "No such file") != NULL,
	       "file read: with the agent's reason");

	for (int i = 0; i < 20000; i++)
		sb_printf(&sb, "%05d\n", i);
	big = sb_steal(&sb);
	f.chunk = 0;
	tap_is_int(agent_file_write(a, "/tmp/big", big, strlen(big)), 0,
		   "file write: 120000 bytes in chunks");
	back = agent_file_read(a, "/tmp/big", 1 << 20, NULL);
	tap_is_str(back, big, "file write: read back the same");
	tap_ok(file_get(&f, "/tmp/big") && STREQ(file_get(&f, "/tmp/big"), big),
	       "file write: the guest has it");
	fake_clear(&f);
}

static void
test_mount(void)
{
	struct fake f;
	AUTOPTR(agent) a = NULL;
	AUTOFREE char *log = NULL;
	struct fstab_mount *m = NULL;
	bool already = true;
	unsigned count = 9;
	long n;

	fake_init(&f);
	a = fake_agent(&f);
	tap_is_int(agent_mount(a, "vsa", "/mnt/share a", &already), 0,
		   "mount: into a new directory with a space");
	tap_ok(!already, "mount: was not mounted before");
	tap_is_str(mounted(&f, "vsa"), "/mnt/share a", "mount: the guest has it");
	log = ran(&f);
	tap_is_str(log, "test -d /mnt/share a|test -e /mnt/share a|mkdir -p "
			"/mnt/share a|mount -t virtiofs vsa /mnt/share a",
		   "mount: checks, mkdir -p, mount");
	n = agent_mounts(a, &m);
	tap_ok(n == 1 && STREQ(m[0].tag, "vsa") && STREQ(m[0].dir, "/mnt/share a"),
	       "mounts: the virtiofs mount, escapes decoded, others skipped");
	fstab_mounts_free(m, n > 0 ? (size_t)n : 0);

	tap_is_int(agent_mount(a, "vsa", "/mnt/share a/", &already), 0,
		   "mount again: fine");
	tap_ok(already, "mount again: says it was mounted");
	free(log);
	log = ran(&f);
	tap_is_str(log, "", "mount again: runs nothing in the guest");

	vs_error_reset();
	expect_fail(a, agent_mount(a, "vsa", "/srv/other", NULL),
		    AGENT_FAIL_ELSEWHERE, "mount: the tag mounted elsewhere");
	free(log);
	log = ran(&f);
	tap_is_str(log, "", "mount elsewhere: nothing done in the guest");

	vs_error_reset();
	expect_fail(a, agent_mount(a, "vsb", "/mnt/share a", NULL),
		    AGENT_FAIL_DIR_BUSY, "mount: another tag on the directory");

	file_put(&f, "/mnt/file", "x");
	vs_error_reset();
	expect_fail(a, agent_mount(a, "vsb", "/mnt/file", NULL),
		    AGENT_FAIL_NOT_DIR, "mount: the mount point is a file");
	tap_ok(mounted(&f, "vsb") == NULL, "mount on a file: nothing mounted");

	strlist_clear(&f.log);
	agent_set_limits(a, 0, 0, 0, -1);
	vs_error_reset();
	expect_fail(a, agent_mount(a, "nosuchtag", "/mnt/n", NULL),
		    AGENT_FAIL_EXIT, "mount: a tag the guest does not have");
	tap_ok(strstr(vs_error_message(), "Invalid argument") != NULL,
	       "mount of an unknown tag: mount's reason in the message");
	tap_ok(!is_dir(&f, "/mnt/n"), "mount of an unknown tag: the directory "
				      "it made is gone again");
	tap_is_int(agent_failure(a), AGENT_FAIL_EXIT,
		   "mount of an unknown tag: the mount's failure is kept");

	agent_set_limits(a, 0, 0, 0, 60000);
	f.unprobed = 2;
	tap_is_int(agent_mount(a, "vsb", "/mnt/b", NULL), 0,
		   "mount: retried until the guest probed the device");
	tap_is_str(mounted(&f, "vsb"), "/mnt/b", "mount after retries: there");

	vs_error_reset();
	expect_fail(a, agent_mount(a, "-o", "/mnt/x", NULL), AGENT_FAIL_ARGS,
		    "mount: a tag like an option");
	vs_error_reset();
	expect_fail(a, agent_mount(a, "vsa", "mnt/x", NULL), AGENT_FAIL_ARGS,
		    "mount: a relative mount point");

	/* umount */
	strlist_add(&f.mnt_tags, "vsb");
	strlist_add(&f.mnt_dirs, "/mnt/b2");
	tap_is_int(agent_umount(a, "vsb", &count), 0, "umount: both mounts");
	tap_is_int(count, 2, "umount: counts them");
	tap_ok(!mounted(&f, "vsb"), "umount: gone from the guest");
	tap_is_int(agent_umount(a, "vsb", &count), 0, "umount again: fine");
	tap_is_int(count, 0, "umount again: nothing to do");
	f.busy_dir = "/mnt/share a";
	vs_error_reset();
	expect_fail(a, agent_umount(a, "vsa", &count), AGENT_FAIL_EXIT,
		    "umount: busy");
	tap_ok(strstr(vs_error_message(), "busy") != NULL,
	       "umount busy: umount's reason in the message");
	fake_clear(&f);

	/* a kernel without virtiofs */
	fake_init(&f);
	agent_free(steal_ptr(a));
	a = fake_agent(&f);
	f.virtiofs_loaded = false;
	tap_is_int(agent_mount(a, "vsa", "/mnt/a", NULL), 0,
		   "mount: virtiofs as a module, loaded first");
	free(log);
	log = ran(&f);
	tap_ok(STRPREFIX(log, "modprobe virtiofs|"), "mount: modprobe ran");
	fake_clear(&f);
	for (int no_modprobe = 0; no_modprobe < 2; no_modprobe++) {
		fake_init(&f);
		f.virtiofs_loaded = false;
		f.virtiofs_module = false;
		f.no_modprobe = no_modprobe;
		vs_error_reset();
		expect_fail(a, agent_mount(a, "vsa", "/mnt/a", NULL),
			    AGENT_FAIL_NO_VIRTIOFS,
			    no_modprobe ? "mount: no virtiofs, no modprobe"
					: "mount: no virtiofs, no module");
		tap_ok(!is_dir(&f, "/mnt/a") && !mounted(&f, "vsa"),
		       "no virtiofs: nothing done in the guest");
		fake_clear(&f);
	}
	agent_free(steal_ptr(a));
	fake_init(&f);
	a = fake_agent(&f);
	f.transport = AGENT_FAIL_NO_ANSWER;
	vs_error_reset();
	expect_fail(a, agent_mount(a, "vsa", "/mnt/a", NULL),
		    AGENT_FAIL_NO_ANSWER, "mount: the agent does not answer");
	fake_clear(&f);
}

static void
test_fstab(void)
{
	struct fake f;
	AUTOPTR(agent) a = NULL;
	const char *old = "# fstab\r\n/dev/vda / ext4 defaults 0 1\r\n";
	const char *line = "vsa /mnt/vsa virtiofs " FSTAB_OPTIONS " 0 0";
	AUTOFREE char *want = xasprintf("%s%s\r\n", old, line);
	AUTOFREE char *want_new = xasprintf("%s\n", line);
	bool changed = false;

	fake_init(&f);
	a = fake_agent(&f);
	tap_is_int(agent_fstab_add(a, NULL, "vsa", "/mnt/vsa", &changed), 0,
		   "fstab: a guest without /etc/fstab");
	tap_ok(changed, "fstab: changed");
	tap_is_str(file_get(&f, "/etc/fstab"), want_new, "fstab: one line");
	tap_ok(!file_get(&f, "/etc/fstab.virtshare-bak"),
	       "fstab: no backup of a file that was not there");
	fake_clear(&f);

	fake_init(&f);
	file_put(&f, "/etc/fstab", old);
	tap_is_int(agent_fstab_add(a, NULL, "vsa", "/mnt/vsa", &changed), 0,
		   "fstab: add to an existing CRLF file");
	tap_is_str(file_get(&f, "/etc/fstab"), want,
		   "fstab: the line added, CRLF kept");
	tap_is_str(file_get(&f, "/etc/fstab.virtshare-bak"), old,
		   "fstab: the old file kept as a backup");
	tap_ok(!file_get(&f, "/etc/fstab.virtshare-new"),
	       "fstab: no temporary file left");
	tap_is_int(agent_fstab_add(a, NULL, "vsa", "/mnt/vsa", &changed), 0,
		   "fstab: add again");
	tap_ok(!changed, "fstab: add again changes nothing");
	tap_is_str(file_get(&f, "/etc/fstab"), want, "fstab: still one line");

	vs_error_reset();
	expect_fail(a, agent_fstab_add(a, NULL, "vsa", "/srv/x", &changed),
		    AGENT_FAIL_FSTAB, "fstab: the tag on another directory");
	tap_is_str(file_get(&f, "/etc/fstab"), want,
		   "fstab: a refused add leaves the file");

	f.broken = "mv";
	vs_error_reset();
	expect_fail(a, agent_fstab_remove(a, NULL, "vsa", NULL, &changed),
		    AGENT_FAIL_EXIT, "fstab: the rename fails");
	tap_ok(strstr(vs_error_message(), "mv: it broke") != NULL,
	       "fstab: the rename's error is the one reported");
	tap_ok(!file_get(&f, "/etc/fstab.virtshare-new"),
	       "fstab: the new file is removed again");
	tap_is_str(file_get(&f, "/etc/fstab"), want,
		   "fstab: a failed rename leaves the file");
	f.broken = NULL;
	tap_is_int(agent_fstab_remove(a, NULL, "vsa", NULL, &changed), 0,
		   "fstab: remove");
	tap_ok(changed, "fstab: remove changed it");
	tap_is_str(file_get(&f, "/etc/fstab"), old, "fstab: as before");
	tap_is_int(agent_fstab_remove(a, "/etc/fstab", "vsa", NULL, &changed),
		   0, "fstab: remove again");
	tap_ok(!changed, "fstab: remove again changes nothing");
	fake_clear(&f);
}

/* RFC 4648 section 10 vectors, both ways, and what is not base64. */
static void
test_base64(void)
{
	static const char *const v[][2] = {
	    {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
	    {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
	    {"foobar", "Zm9vYmFy"},
	};
	static const char *const bad[] = {"Zm9", "Zg=a", "Z===", "Zm9v!", "Zm-v"};

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		struct strbuf e = STRBUF_INIT, d = STRBUF_INIT;

		sb_add(&e, "");
		sb_add(&d, "");
		base64_encode(&e, v[i][0], strlen(v[i][0]));
		tap_is_str(sb_str(&e), v[i][1], "base64: '%s' encoded", v[i][0]);
		tap_ok(base64_decode(&d, v[i][1]) == 0 &&
			   STREQ(sb_str(&d), v[i][0]),
		       "base64: '%s' decoded", v[i][1]);
		sb_clear(&e);
		sb_clear(&d);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct strbuf d = STRBUF_INIT;

		tap_is_int(base64_decode(&d, bad[i]), -1, "base64: '%s' refused",
			   bad[i]);
		sb_clear(&d);
	}
}

/* A Windows guest gets the Windows instructions, and nothing is run in
 * it; a guest whose agent does not say is taken as Linux. */
static void
test_windows(void)
{
	static const struct {
		const char *id;
		bool no_osinfo;
		bool windows;
	} guests[] = {
		{"mswindows", false, true},
		{"debian", false, false},
		{NULL, false, false}, /* no /etc/os-release */
		{NULL, true, false},  /* qemu-ga without guest-get-osinfo */
	};

	for (size_t i = 0; i < ARRAY_SIZE(guests); i++) {
		const char *what = guests[i].no_osinfo ? "no guest-get-osinfo"
				   : guests[i].id	   ? guests[i].id
							   : "no id";
		struct fake f;
		AUTOPTR(agent) a = NULL;
		AUTOFREE char *id = NULL, *log = NULL;
		bool changed = true;
		int rc;

		fake_init(&f);
		f.os_id = guests[i].id;
		f.no_osinfo = guests[i].no_osinfo;
		a = fake_agent(&f);
		tap_is_int(agent_os_id(a, &id), 0, "os %s: asked", what);
		tap_is_str(id, guests[i].id, "os %s: its id", what);
		rc = agent_mount(a, "vsa", "/mnt/vsa", NULL);
		if (!guests[i].windows) {
			tap_is_int(rc, 0, "os %s: mounted", what);
			strlist_clear(&f.log);
			fake_clear(&f);
			continue;
		}
		expect_fail(a, rc, AGENT_FAIL_WINDOWS, "os mswindows: mount");
		tap_ok(strstr(vs_error_message(), "virtio-win viofs driver") &&
			   strstr(vs_error_message(), "VirtIO-FS service") &&
			   strstr(vs_error_message(), "'vsa'"),
		       "os mswindows: the message says what Windows does");
		log = ran(&f);
		tap_is_str(log, "", "os mswindows: nothing ran in the guest");
		tap_ok(!mounted(&f, "vsa"), "os mswindows: nothing mounted");
		expect_fail(a, agent_umount(a, "vsa", NULL), AGENT_FAIL_WINDOWS,
			    "os mswindows: umount");
		expect_fail(a,
			    agent_fstab_add(a, NULL, "vsa", "/mnt/vsa", &changed),
			    AGENT_FAIL_WINDOWS, "os mswindows: fstab line");
		tap_ok(!changed, "os mswindows: no fstab changed");
		vs_error_reset();
		fake_clear(&f);
	}
}

/* "mounted_on" of tag as agent_list_json() writes it: "[...]" of its
 * directories, "null", or "absent". Caller frees. */
static char *
list_json(const struct agent_list *l, const char *tag)
{
	struct json j;
	AUTOFREE char *text = NULL;
	AUTOPTR(json_node) root = NULL;
	const struct json_node *n;
	struct strbuf sb = STRBUF_INIT;

	json_init(&j);
	json_obj_begin(&j, NULL);
	agent_list_json(&j, l, tag);
	json_obj_end(&j);
	text = json_steal(&j);
	root = json_parse(text, strlen(text));
	n = root ? json_get(root, "mounted_on") : NULL;
	if (!n)
		return xstrdup("absent");
	if (n->type == JSON_NULL)
		return xstrdup("null");
	sb_addc(&sb, '[');
	for (size_t i = 0; n->type == JSON_ARR && i < n->n; i++)
		sb_printf(&sb, "%s%s", i ? "," : "", n->kids[i].str);
	sb_addc(&sb, ']');
	return sb_steal(&sb);
}

/*
 * What shares and doctor's guest-mounts see: a Linux guest's mounts, a
 * Windows guest's unknown ones (nothing read there), and an agent that
 * does not answer, asked once with a short timeout and not again.
 */
static void
test_list(void)
{
	struct fake f;
	struct agent_list l;
	AUTOPTR(agent) a = NULL;
	AUTOFREE char *dirs = NULL, *js = NULL;

	fake_init(&f);
	f.os_id = "debian";
	strlist_add(&f.mnt_tags, "vsa");
	strlist_add(&f.mnt_dirs, "/mnt/a");
	a = fake_agent(&f);
	agent_list_read(a, &l);
	tap_is_int(l.state, AGENT_LIST_MOUNTS, "list linux: its mounts");
	tap_is_int(f.timeouts[0], AGENT_LIST_TIMEOUT_S,
		   "list linux: the first command waits %d s",
		   AGENT_LIST_TIMEOUT_S);
	dirs = agent_list_dirs(&l, "vsa");
	tap_is_str(dirs, "/mnt/a", "list linux: where vsa is mounted");
	free(dirs);
	dirs = agent_list_dirs(&l, "vsb");
	tap_is_str(dirs, "", "list linux: vsb is not mounted");
	js = list_json(&l, "vsa");
	tap_is_str(js, "[/mnt/a]", "list linux: mounted_on in JSON");
	agent_list_clear(&l);
	agent_free(steal_ptr(a));
	fake_clear(&f);

	fake_init(&f);
	f.os_id = "mswindows";
	a = fake_agent(&f);
	agent_list_read(a, &l);
	tap_is_int(l.state, AGENT_LIST_WINDOWS, "list windows: not read");
	tap_is_int(f.sends, 1, "list windows: only the OS is asked");
	free(dirs);
	dirs = agent_list_dirs(&l, "vsa");
	tap_ok(dirs == NULL, "list windows: where vsa is mounted is unknown");
	free(js);
	js = list_json(&l, "vsa");
	tap_is_str(js, "null", "list windows: mounted_on is null in JSON");
	expect_fail(a, agent_mount(a, "vsa", "/mnt/a", NULL),
		    AGENT_FAIL_WINDOWS, "list windows, then mount");
	tap_is_int(f.sends, 1, "list windows, then mount: the OS is not "
			       "asked twice");
	vs_error_reset();
	agent_list_clear(&l);
	agent_free(steal_ptr(a));
	fake_clear(&f);

	fake_init(&f);
	f.transport = AGENT_FAIL_NO_ANSWER;
	a = fake_agent(&f);
	agent_list_read(a, &l);
	tap_is_int(l.state, AGENT_LIST_UNKNOWN, "list silent: unknown");
	tap_ok(l.why && strstr(l.why, "does not answer"),
	       "list silent: says the agent does not answer: %s",
	       l.why ? l.why : "");
	tap_is_int(f.sends, 1, "list silent: one command");
	tap_is_int(f.timeouts[0], AGENT_LIST_TIMEOUT_S,
		   "list silent: with the short timeout");
	tap_is_int(vs_error_code(), VS_OK, "list silent: nothing reported");
	free(js);
	js = list_json(&l, "vsa");
	tap_is_str(js, "absent", "list silent: no mounted_on in JSON");
	expect_fail(a, agent_mount(a, "vsa", "/mnt/a", NULL),
		    AGENT_FAIL_NO_ANSWER, "list silent, then mount");
	tap_ok(strstr(vs_error_message(), "qemu-guest-agent") != NULL,
	       "list silent, then mount: says what to do");
	tap_is_int(f.sends, 1, "list silent, then mount: not asked again");
	vs_error_reset();
	agent_list_clear(&l);
	fake_clear(&f);

	vs_error(VS_ERR_NO_DOMAIN, "no domain x");
	agent_list_read(NULL, &l);
	tap_ok(l.state == AGENT_LIST_UNKNOWN && l.why &&
		       STREQ(l.why, "no domain x"),
	       "list without an agent: unknown, why as reported");
	agent_list_clear(&l);
}

int
main(void)
{
	test_base64();
	test_transport();
	test_exec();
	test_files();
	test_mount();
	test_fstab();
	test_windows();
	test_list();
	for (int k = 0; k < AGENT_FAIL__COUNT; k++)
		tap_ok(STRPREFIX(agent_fail_name(k), "AGENT_FAIL_"),
		       "failure %d has a name (%s)", k, agent_fail_name(k));
	return tap_done();
}
