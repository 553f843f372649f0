/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent.c: guest-exec, guest-file-* and virtiofs mounts through qemu-ga */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "base64.h"
#include "error.h"
#include "fstab.h"
#include "json.h"
#include "util.h"

#define FILE_CHUNK 49152 /* bytes per guest-file-read/-write */
#define FSTAB_MAX (1024 * 1024)
#define PROC_MAX (1024 * 1024)

struct agent {
	char *domain;
	agent_send_fn send;
	void *opaque;
	void (*release)(void *opaque);
	enum agent_fail fail;
	int cmd_s;
	int exec_ms;
	int poll_ms;
	int mount_retry_ms;
	int windows; /* the guest runs Windows: 1, 0, -1 not asked yet */
	/* libvirt's message when the agent did not answer: it is not asked
	 * again (each try waits libvirt's guest-sync, 5 s) */
	char *silent;
};

static const struct {
	const char *name;
	enum vs_code code;
} fail_table[] = {
#define AGENT_FAIL_ROW(kind, code) {#kind, code},
	AGENT_FAIL_LIST(AGENT_FAIL_ROW)
#undef AGENT_FAIL_ROW
};

const char *
agent_fail_name(enum agent_fail kind)
{
	return (unsigned)kind < AGENT_FAIL__COUNT ? fail_table[kind].name
						  : "AGENT_FAIL_UNKNOWN";
}

enum vs_code
agent_fail_code(enum agent_fail kind)
{
	return (unsigned)kind < AGENT_FAIL__COUNT ? fail_table[kind].code
						  : VS_ERR_SYSTEM;
}

/* Report once, with the code of kind, and remember kind. Returns -1. */
static int __attribute__((format(printf, 3, 4)))
fail(struct agent *a, enum agent_fail kind, const char *fmt, ...)
{
	AUTOFREE char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	a->fail = kind;
	return vs_error(agent_fail_code(kind), "%s", msg);
}

struct agent *
agent_new(const char *domain, agent_send_fn send, void *opaque,
	  void (*release)(void *opaque))
{
	struct agent *a = xcalloc(1, sizeof(*a));

	a->domain = xstrdup(domain ? domain : "");
	a->send = send;
	a->opaque = opaque;
	a->release = release;
	a->cmd_s = 10;
	a->exec_ms = 60000;
	a->poll_ms = 100;
	a->mount_retry_ms = 5000;
	a->windows = -1;
	return a;
}

void
agent_free(struct agent *a)
{
	if (!a)
		return;
	if (a->release)
		a->release(a->opaque);
	free(a->domain);
	free(a->silent);
	free(a);
}

enum agent_fail
agent_failure(const struct agent *a)
{
	return a->fail;
}

void
agent_set_limits(struct agent *a, int cmd_s, int exec_ms, int poll_ms,
		 int mount_retry_ms)
{
	if (cmd_s > 0)
		a->cmd_s = cmd_s;
	if (exec_ms)
		a->exec_ms = exec_ms < 0 ? 0 : exec_ms;
	if (poll_ms > 0)
		a->poll_ms = poll_ms;
	if (mount_retry_ms)
		a->mount_retry_ms = mount_retry_ms < 0 ? 0 : mount_retry_ms;
}

/* ---- one command -------------------------------------------------------- */

/*
 * Send {"execute": cmd, "arguments": args} and return the parsed reply
 * (caller frees) with *ret its "return" member; NULL reported.
 */
static struct json_node *
call(struct agent *a, const char *cmd, const char *args, int timeout_s,
     const struct json_node **ret)
{
	AUTOFREE char *text = NULL, *reply = NULL, *detail = NULL;
	enum agent_fail kind = AGENT_FAIL_COMMAND;
	struct json_node *root;
	const char *d;

	if (a->silent) {
		kind = AGENT_FAIL_NO_ANSWER;
		detail = xstrdup(a->silent);
	} else {
		text = xasprintf("{\"execute\":\"%s\",\"arguments\":%s}",
				 cmd, args ? args : "{}");
		reply = a->send(a->opaque, text,
				timeout_s > 0 ? timeout_s : a->cmd_s, &kind,
				&detail);
	}
	d = detail ? detail : "";
	if (!reply && kind == AGENT_FAIL_NO_ANSWER && !a->silent)
		a->silent = xstrdup(d);
	if (!reply) {
		switch (kind) {
		case AGENT_FAIL_NO_DOMAIN:
			fail(a, kind, _("There is no domain '%1$s'. Check its "
					"name with: virsh list --all"),
			     a->domain);
			break;
		case AGENT_FAIL_NOT_RUNNING:
			fail(a, kind, _("The domain '%1$s' is not running. "
					"Start it first."),
			     a->domain);
			break;
		case AGENT_FAIL_NO_CHANNEL:
			fail(a, kind, _("The domain '%1$s' has no guest agent "
					"channel (%2$s). Add the channel "
					"org.qemu.guest_agent.0 to its "
					"definition (effective at the next "
					"start) and install qemu-guest-agent "
					"in the guest."),
			     a->domain, d);
			break;
		case AGENT_FAIL_NO_ANSWER:
			fail(a, kind, _("The guest agent of '%1$s' does not "
					"answer (%2$s). Install and start "
					"qemu-guest-agent in the guest, or "
					"wait until the guest has booted."),
			     a->domain, d);
			break;
		default:
			fail(a, AGENT_FAIL_COMMAND,
			     _("The guest agent of '%1$s' refused %2$s: %3$s"),
			     a->domain, cmd, d);
			break;
		}
		return NULL;
	}
	root = json_parse(reply, strlen(reply));
	*ret = root ? json_get(root, "return") : NULL;
	if (!*ret) {
		json_node_free(root);
		fail(a, AGENT_FAIL_REPLY,
		     _("The guest agent of '%1$s' gave an answer to %2$s that "
		       "virtshare does not understand. Check the guest's "
		       "qemu-guest-agent."),
		     a->domain, cmd);
		return NULL;
	}
	return root;
}

static bool
num_member(const struct json_node *o, const char *key, long long *v)
{
	const struct json_node *n = json_get(o, key);

	if (!n || n->type != JSON_NUM)
		return false;
	*v = (long long)n->num;
	return true;
}

static bool
bool_member(const struct json_node *o, const char *key)
{
	const struct json_node *n = json_get(o, key);

	return n && n->type == JSON_BOOL && n->b;
}

int
agent_ping(struct agent *a, int timeout_s)
{
	const struct json_node *ret;
	AUTOPTR(json_node) r = NULL;

	a->fail = AGENT_FAIL_NONE;
	r = call(a, "guest-ping", NULL, timeout_s, &ret);
	return r ? 0 : -1;
}

/* ---- guest-exec ---------------------------------------------------------- */

void
agent_exec_clear(struct agent_exec *r)
{
	if (!r)
		return;
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* The decoded member key ("out-data") of a status, NUL-terminated. */
static int
exec_data(struct agent *a, const struct json_node *st, const char *key,
	  char **out, size_t *len)
{
	const struct json_node *n = json_get(st, key);
	struct strbuf sb = STRBUF_INIT;

	sb_add(&sb, "");
	if (n && (n->type != JSON_STR || base64_decode(&sb, n->str) < 0)) {
		sb_clear(&sb);
		return fail(a, AGENT_FAIL_REPLY,
			    _("The guest agent of '%1$s' sent output that is "
			      "not base64. Check the guest's "
			      "qemu-guest-agent."),
			    a->domain);
	}
	*len = sb.len;
	*out = sb_steal(&sb);
	return 0;
}

/* The command line for messages: "mount -t virtiofs vsa /mnt". */
static char *
argv_str(const char *const argv[])
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; argv[i]; i++)
		sb_printf(&sb, "%s%s", i ? " " : "", argv[i]);
	return sb_steal(&sb);
}

int
agent_exec(struct agent *a, const char *const argv[], const char *input,
	   struct agent_exec *r)
{
	struct strbuf args = STRBUF_INIT;
	AUTOFREE char *args_s = NULL, *pid_args = NULL, *shown = NULL;
	AUTOPTR(json_node) reply = NULL;
	const struct json_node *ret;
	long long pid, deadline, code;
	int poll = a->poll_ms;

	memset(r, 0, sizeof(*r));
	a->fail = AGENT_FAIL_NONE;
	shown = argv_str(argv);
	sb_add(&args, "{\"path\":");
	json_quote(&args, argv[0]);
	sb_add(&args, ",\"arg\":[");
	for (size_t i = 1; argv[i]; i++) {
		if (i > 1)
			sb_addc(&args, ',');
		json_quote(&args, argv[i]);
	}
	sb_add(&args, "],\"capture-output\":true");
	if (input) {
		sb_add(&args, ",\"input-data\":\"");
		base64_encode(&args, input, strlen(input));
		sb_addc(&args, '"');
	}
	sb_addc(&args, '}');
	args_s = sb_steal(&args);

	reply = call(a, "guest-exec", args_s, 0, &ret);
	if (!reply)
		return -1;
	if (!num_member(ret, "pid", &pid))
		return fail(a, AGENT_FAIL_REPLY,
			    _("The guest agent of '%1$s' started '%2$s' "
			      "without saying its process. Check the guest's "
			      "qemu-guest-agent."),
			    a->domain, shown);
	pid_args = xasprintf("{\"pid\":%lld}", pid);
	deadline = now_ms() + a->exec_ms;
	for (;;) {
		json_node_free(reply);
		reply = call(a, "guest-exec-status", pid_args, 0, &ret);
		if (!reply)
			return -1;
		if (bool_member(ret, "exited"))
			break;
		if (now_ms() >= deadline)
			return fail(a, AGENT_FAIL_TIMEOUT,
				    _("'%1$s' in the guest of '%2$s' did not "
				      "end within %3$d ms and still runs "
				      "there. Look at the guest, or allow more "
				      "time."),
				    shown, a->domain, a->exec_ms);
		sleep_ms(poll);
		poll = poll * 2 > 1000 ? 1000 : poll * 2;
	}
	if (num_member(ret, "exitcode", &code))
		r->status = (int)code;
	else if (num_member(ret, "signal", &code))
		r->status = 128 + (int)code;
	else
		r->status = -1;
	if (exec_data(a, ret, "out-data", &r->out, &r->out_len) < 0 ||
	    exec_data(a, ret, "err-data", &r->err, &r->err_len) < 0) {
		agent_exec_clear(r);
		return -1;
	}
	return 0;
}

int
agent_run(struct agent *a, const char *const argv[], struct agent_exec *r)
{
	struct agent_exec local;
	struct agent_exec *x = r ? r : &local;
	AUTOFREE char *shown = NULL, *err = NULL;
	int rc = 0;

	if (agent_exec(a, argv, NULL, x) < 0)
		return -1;
	if (x->status != 0) {
		shown = argv_str(argv);
		err = str_trim(xstrdup(x->err));
		rc = fail(a, AGENT_FAIL_EXIT,
			  _("'%1$s' failed in the guest of '%2$s' (exit status "
			    "%3$d): %4$s"),
			  shown, a->domain, x->status, err);
	}
	if (!r)
		agent_exec_clear(&local);
	return rc;
}

/* ---- guest-file-* -------------------------------------------------------- */

static long long
file_open(struct agent *a, const char *path, const char *mode)
{
	struct strbuf args = STRBUF_INIT;
	AUTOFREE char *args_s = NULL;
	AUTOPTR(json_node) reply = NULL;
	const struct json_node *ret;

	sb_add(&args, "{\"path\":");
	json_quote(&args, path);
	sb_printf(&args, ",\"mode\":\"%s\"}", mode);
	args_s = sb_steal(&args);
	reply = call(a, "guest-file-open", args_s, 0, &ret);
	if (!reply)
		return -1;
	if (ret->type != JSON_NUM)
		return fail(a, AGENT_FAIL_REPLY,
			    _("The guest agent of '%1$s' opened %2$s without a "
			      "handle. Check the guest's qemu-guest-agent."),
			    a->domain, path);
	return (long long)ret->num;
}

/* The error reported so far, kept across a clean-up that reports its own. */
struct kept_error {
	enum vs_code code;
	enum agent_fail kind;
	char *msg;
};

static void
error_keep(const struct agent *a, struct kept_error *k)
{
	k->code = vs_error_code();
	k->kind = a->fail;
	k->msg = xstrdup(vs_error_message());
}

static void
error_restore(struct agent *a, struct kept_error *k)
{
	vs_error(k->code, "%s", k->msg);
	a->fail = k->kind;
	free(k->msg);
	k->msg = NULL;
}

/* Clean up after a failure in the guest; the first error stays reported:
 * it says what happened. */
static void
cleanup_run(struct agent *a, const char *const argv[])
{
	struct kept_error k;
	struct agent_exec r;

	error_keep(a, &k);
	if (agent_exec(a, argv, NULL, &r) == 0)
		agent_exec_clear(&r);
	error_restore(a, &k);
}

/* Close the handle; after_failure keeps the error reported before. */
static int
file_close(struct agent *a, long long h, bool after_failure)
{
	AUTOFREE char *args = xasprintf("{\"handle\":%lld}", h);
	const struct json_node *ret;
	AUTOPTR(json_node) reply = NULL;
	struct kept_error k;

	if (after_failure)
		error_keep(a, &k);
	reply = call(a, "guest-file-close", args, 0, &ret);
	if (after_failure)
		error_restore(a, &k);
	return reply ? 0 : -1;
}

char *
agent_file_read(struct agent *a, const char *path, size_t max, size_t *len)
{
	struct strbuf data = STRBUF_INIT;
	AUTOFREE char *args = NULL;
	long long h;
	int rc = 0;

	a->fail = AGENT_FAIL_NONE;
	h = file_open(a, path, "r");
	if (h < 0)
		return NULL;
	args = xasprintf("{\"handle\":%lld,\"count\":%d}", h, FILE_CHUNK);
	sb_add(&data, "");
	for (;;) {
		const struct json_node *ret, *buf;
		AUTOPTR(json_node) reply = call(a, "guest-file-read", args, 0,
						&ret);

		if (!reply) {
			rc = -1;
			break;
		}
		buf = json_get(ret, "buf-b64");
		if (!buf || buf->type != JSON_STR ||
		    base64_decode(&data, buf->str) < 0) {
			rc = fail(a, AGENT_FAIL_REPLY,
				  _("The guest agent of '%1$s' sent data of "
				    "%2$s that is not base64. Check the "
				    "guest's qemu-guest-agent."),
				  a->domain, path);
			break;
		}
		if (data.len > max) {
			rc = fail(a, AGENT_FAIL_TOO_BIG,
				  _("%1$s in the guest of '%2$s' is larger "
				    "than %3$zu bytes; virtshare reads only "
				    "small files there."),
				  path, a->domain, max);
			break;
		}
		if (bool_member(ret, "eof"))
			break;
	}
	if (file_close(a, h, rc < 0) < 0)
		rc = -1;
	if (rc < 0) {
		sb_clear(&data);
		return NULL;
	}
	if (len)
		*len = data.len;
	return sb_steal(&data);
}

int
agent_file_write(struct agent *a, const char *path, const char *data,
		 size_t len)
{
	long long h;
	int rc = 0;
	size_t off = 0;

	a->fail = AGENT_FAIL_NONE;
	h = file_open(a, path, "w");
	if (h < 0)
		return -1;
	do {
		size_t n = len - off > FILE_CHUNK ? FILE_CHUNK : len - off;
		struct strbuf args = STRBUF_INIT;
		AUTOFREE char *args_s = NULL;
		AUTOPTR(json_node) reply = NULL;
		const struct json_node *ret;
		long long count;

		sb_printf(&args, "{\"handle\":%lld,\"buf-b64\":\"", h);
		base64_encode(&args, data + off, n);
		sb_add(&args, "\"}");
		args_s = sb_steal(&args);
		reply = call(a, "guest-file-write", args_s, 0, &ret);
		if (!reply) {
			rc = -1;
			break;
		}
		if (!num_member(ret, "count", &count) ||
		    count != (long long)n) {
			rc = fail(a, AGENT_FAIL_REPLY,
				  _("The guest agent of '%1$s' wrote only part "
				    "of %2$s. Check the free space in the "
				    "guest."),
				  a->domain, path);
			break;
		}
		off += n;
	} while (off < len);
	if (file_close(a, h, rc < 0) < 0)
		rc = -1;
	return rc;
}

/* ---- mounts ------------------------------------------------------------ */

long
agent_mounts(struct agent *a, struct fstab_mount **out)
{
	AUTOFREE char *text = agent_file_read(a, "/proc/mounts", PROC_MAX,
					      NULL);

	*out = NULL;
	if (!text)
		return -1;
	return (long)fstab_mounts(text, out);
}

/* Whether /proc/filesystems text lists virtiofs. */
static bool
lists_virtiofs(const char *text)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n >= 8 && memcmp(p + n - 8, "virtiofs", 8) == 0 &&
		    (n == 8 || p[n - 9] == '\t' || p[n - 9] == ' '))
			return true;
		p += n + (nl != NULL);
	}
	return false;
}

/* The guest's kernel can mount virtiofs, loading the module if need be. */
static int
check_virtiofs(struct agent *a)
{
	const char *modprobe[] = {"modprobe", "virtiofs", NULL};
	struct agent_exec r;

	for (int round = 0; round < 2; round++) {
		AUTOFREE char *fs = agent_file_read(a, "/proc/filesystems",
						    PROC_MAX, NULL);

		if (!fs)
			return -1;
		if (lists_virtiofs(fs))
			return 0;
		if (round == 0) {
			/* a module not loaded yet is not listed; no modprobe
			 * in the guest is no failure by itself */
			if (agent_exec(a, modprobe, NULL, &r) < 0 &&
			    a->fail != AGENT_FAIL_COMMAND)
				return -1;
			agent_exec_clear(&r);
			a->fail = AGENT_FAIL_NONE;
		}
	}
	return fail(a, AGENT_FAIL_NO_VIRTIOFS,
		    _("The guest kernel of '%1$s' has no virtiofs (not in "
		      "/proc/filesystems, and modprobe virtiofs did not add "
		      "it). Install a kernel with CONFIG_VIRTIO_FS (Linux 5.4 "
		      "or later) in the guest."),
		    a->domain);
}

/* agent_os_id() within timeout_s (0: the limit). */
static int
os_id(struct agent *a, int timeout_s, char **id)
{
	const struct json_node *ret, *n;
	AUTOPTR(json_node) r = NULL;

	*id = NULL;
	a->fail = AGENT_FAIL_NONE;
	r = call(a, "guest-get-osinfo", NULL, timeout_s, &ret);
	if (!r) {
		/* qemu-ga before 2.10 has no guest-get-osinfo: it does not
		 * say. */
		if (a->fail != AGENT_FAIL_COMMAND)
			return -1;
		vs_error_reset();
		a->fail = AGENT_FAIL_NONE;
		return 0;
	}
	if ((n = json_get(ret, "id")) && n->type == JSON_STR && *n->str)
		*id = xstrdup(n->str);
	return 0;
}

int
agent_os_id(struct agent *a, char **id)
{
	return os_id(a, 0, id);
}

int
agent_windows(struct agent *a, int timeout_s)
{
	AUTOFREE char *id = NULL;

	a->fail = AGENT_FAIL_NONE;
	if (a->windows < 0) {
		if (os_id(a, timeout_s, &id) < 0)
			return -1;
		a->windows = id && STREQ(id, "mswindows");
	}
	return a->windows;
}

/*
 * A guest virtshare mounts in: not Windows. 0, or -1 reported
 * (AGENT_FAIL_WINDOWS, saying what Windows does instead).
 */
static int
check_linux(struct agent *a, const char *tag)
{
	int windows = agent_windows(a, 0);

	if (windows <= 0)
		return windows;
	return fail(a, AGENT_FAIL_WINDOWS,
		    _("The guest of '%1$s' runs Windows, where virtshare does "
		      "not mount shares. In the guest, install the virtio-win "
		      "viofs driver and WinFsp, then start the VirtIO-FS "
		      "service: the share '%2$s' appears as a drive."),
		    a->domain, tag);
}

static int
check_args(struct agent *a, const char *tag, const char *dir)
{
	if (!tag || !*tag || tag[0] == '-')
		return fail(a, AGENT_FAIL_ARGS,
			    _("'%1$s' is not a mount tag virtshare mounts. "
			      "Give the tag of the share (not empty, not "
			      "starting with '-')."),
			    tag ? tag : "");
	if (dir && dir[0] != '/')
		return fail(a, AGENT_FAIL_ARGS,
			    _("The mount point '%1$s' is not an absolute path. "
			      "Give it from / on."),
			    dir);
	return 0;
}

/* test(1) in the guest: 1 true, 0 false, -1 reported. */
static int
guest_test(struct agent *a, const char *op, const char *path)
{
	const char *argv[] = {"test", op, path, NULL};
	struct agent_exec r;
	int st;

	if (agent_exec(a, argv, NULL, &r) < 0)
		return -1;
	st = r.status;
	agent_exec_clear(&r);
	return st == 0;
}

/*
 * dir is a directory in the guest, made if missing (*made then true).
 * Refuses a dir that exists and is no directory.
 */
static int
mount_point(struct agent *a, const char *dir, bool *made)
{
	const char *mkdir_argv[] = {"mkdir", "-p", dir, NULL};
	int is_dir, exists;

	*made = false;
	is_dir = guest_test(a, "-d", dir);
	if (is_dir != 0)
		return is_dir < 0 ? -1 : 0;
	exists = guest_test(a, "-e", dir);
	if (exists < 0)
		return -1;
	if (exists)
		return fail(a, AGENT_FAIL_NOT_DIR,
			    _("The mount point %1$s in the guest of '%2$s' "
			      "exists and is not a directory. Choose another "
			      "mount point, or remove that file in the guest."),
			    dir, a->domain);
	if (agent_run(a, mkdir_argv, NULL) < 0)
		return -1;
	*made = true;
	return 0;
}

/* Whether the mounts have tag on dir; the index of tag elsewhere in *other
 * and of anything on dir in *busy (-1 for none). */
static bool
mounts_scan(const struct fstab_mount *m, size_t n, const char *tag,
	    const char *dir, long *other, long *busy)
{
	bool here = false;

	*other = *busy = -1;
	for (size_t i = 0; i < n; i++) {
		bool same_dir = path_same(m[i].dir, dir);

		if (STREQ(m[i].tag, tag) && same_dir)
			here = true;
		else if (STREQ(m[i].tag, tag) && *other < 0)
			*other = (long)i;
		else if (same_dir && *busy < 0)
			*busy = (long)i;
	}
	return here;
}

/* mount(8) says EINVAL while the guest has not probed the device yet. */
static bool
mount_not_probed(const struct agent_exec *r)
{
	return r->status != 0 && r->err && strstr(r->err, "Invalid argument");
}

int
agent_mount(struct agent *a, const char *tag, const char *dir,
	    bool *already)
{
	const char *mount_argv[] = {"mount", "-t", "virtiofs", tag, dir, NULL};
	const char *rmdir_argv[] = {"rmdir", dir, NULL};
	struct fstab_mount *m = NULL;
	struct agent_exec r = {0};
	long n, other, busy;
	long long deadline;
	bool made = false, here;
	int rc = -1;

	if (already)
		*already = false;
	a->fail = AGENT_FAIL_NONE;
	if (check_args(a, tag, dir) < 0 || check_linux(a, tag) < 0 ||
	    check_virtiofs(a) < 0)
		return -1;
	n = agent_mounts(a, &m);
	if (n < 0)
		return -1;
	here = mounts_scan(m, (size_t)n, tag, dir, &other, &busy);
	if (here) {
		if (already)
			*already = true;
		rc = 0;
		goto out;
	}
	if (other >= 0) {
		fail(a, AGENT_FAIL_ELSEWHERE,
		     _("The tag '%1$s' is already mounted on %2$s in the guest "
		       "of '%3$s'. Unmount it there first (virtshare umount), "
		       "or use that directory."),
		     tag, m[other].dir, a->domain);
		goto out;
	}
	if (busy >= 0) {
		fail(a, AGENT_FAIL_DIR_BUSY,
		     _("%1$s in the guest of '%2$s' already holds a mount "
		       "(%3$s). Choose another mount point for the tag "
		       "'%4$s'."),
		     dir, a->domain, m[busy].tag, tag);
		goto out;
	}
	if (mount_point(a, dir, &made) < 0)
		goto out;
	deadline = now_ms() + a->mount_retry_ms;
	for (;;) {
		agent_exec_clear(&r);
		if (agent_exec(a, mount_argv, NULL, &r) < 0)
			goto undo;
		if (!mount_not_probed(&r) || now_ms() >= deadline)
			break;
		sleep_ms(a->poll_ms * 5);
	}
	if (r.status != 0) {
		AUTOFREE char *err = str_trim(xstrdup(r.err));

		if (mount_not_probed(&r))
			fail(a, AGENT_FAIL_EXIT,
			     _("The guest of '%1$s' has no virtiofs device "
			       "with the tag '%2$s' (%3$s). Check the tag with "
			       "virtshare shares, and that the share is "
			       "attached."),
			     a->domain, tag, err);
		else
			fail(a, AGENT_FAIL_EXIT,
			     _("mount -t virtiofs %1$s %2$s failed in the "
			       "guest of '%3$s' (exit status %4$d): %5$s"),
			     tag, dir, a->domain, r.status, err);
		goto undo;
	}
	rc = 0;
	goto out;
undo:
	if (made)
		cleanup_run(a, rmdir_argv);
out:
	agent_exec_clear(&r);
	fstab_mounts_free(m, (size_t)(n > 0 ? n : 0));
	return rc;
}

int
agent_umount(struct agent *a, const char *tag, unsigned *count)
{
	struct fstab_mount *m = NULL;
	long n;
	unsigned done = 0;
	int rc = 0;

	if (count)
		*count = 0;
	a->fail = AGENT_FAIL_NONE;
	if (check_args(a, tag, NULL) < 0 || check_linux(a, tag) < 0)
		return -1;
	n = agent_mounts(a, &m);
	if (n < 0)
		return -1;
	/* the last mount first: a later one may sit below an earlier one */
	for (long i = n - 1; i >= 0 && rc == 0; i--) {
		const char *argv[] = {"umount", m[i].dir, NULL};

		if (!STREQ(m[i].tag, tag))
			continue;
		rc = agent_run(a, argv, NULL);
		if (rc == 0)
			done++;
	}
	fstab_mounts_free(m, (size_t)n);
	if (count)
		*count = done;
	return rc;
}

/* ---- fstab ------------------------------------------------------------- */

static int
fstab_edit(struct agent *a, const char *path, const char *tag,
	   const char *dir, bool add, bool *changed)
{
	AUTOFREE char *text = NULL, *next = NULL, *tmp = NULL, *bak = NULL;
	bool ch = false;
	int exists;

	if (changed)
		*changed = false;
	a->fail = AGENT_FAIL_NONE;
	if (!path)
		path = "/etc/fstab";
	if (check_args(a, tag, dir) < 0 || check_linux(a, tag) < 0)
		return -1;
	exists = guest_test(a, "-e", path);
	if (exists < 0)
		return -1;
	text = exists ? agent_file_read(a, path, FSTAB_MAX, NULL) : xstrdup("");
	if (!text)
		return -1;
	next = add ? fstab_add(text, tag, dir, &ch)
		   : fstab_remove(text, tag, dir, &ch);
	if (!next) {
		/* fstab_add() reported which line is in the way */
		a->fail = AGENT_FAIL_FSTAB;
		return -1;
	}
	if (!ch)
		return 0;
	tmp = xasprintf("%s.virtshare-new", path);
	bak = xasprintf("%s.virtshare-bak", path);
	{
		const char *cp_argv[] = {"cp", "-p", path, bak, NULL};
		const char *chmod_argv[] = {"chmod", "0644", tmp, NULL};
		const char *mv_argv[] = {"mv", "-f", tmp, path, NULL};
		const char *rm_argv[] = {"rm", "-f", tmp, NULL};

		if (exists && agent_run(a, cp_argv, NULL) < 0)
			return -1;
		if (agent_file_write(a, tmp, next, strlen(next)) < 0 ||
		    agent_run(a, chmod_argv, NULL) < 0 ||
		    agent_run(a, mv_argv, NULL) < 0) {
			cleanup_run(a, rm_argv);
			return -1;
		}
	}
	if (changed)
		*changed = true;
	return 0;
}

int
agent_fstab_add(struct agent *a, const char *fstab_path, const char *tag,
		const char *dir, bool *changed)
{
	return fstab_edit(a, fstab_path, tag, dir, true, changed);
}

int
agent_fstab_remove(struct agent *a, const char *fstab_path, const char *tag,
		   const char *dir, bool *changed)
{
	return fstab_edit(a, fstab_path, tag, dir, false, changed);
}
