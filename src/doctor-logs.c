/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-logs.c: the lines of libvirt's, QEMU's and the kernel's logs */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "doctor-priv.h"
#include "error.h"
#include "launch.h"

/* ---- logs ---------------------------------------------------------------- */

bool
doctor_match(const char *pattern, const char *line)
{
	const char *at = line;

	for (const char *p = pattern; *p;) {
		const char *star = strchr(p, '*');
		size_t len = star ? (size_t)(star - p) : strlen(p);

		if (len) {
			const char *hit = memmem(at, strlen(at), p, len);

			if (!hit)
				return false;
			at = hit + len;
		}
		if (!star)
			break;
		p = star + 1;
	}
	return true;
}

static bool
has_quote(const struct doctor_result *r, const char *file, const char *line)
{
	for (size_t i = 0; i < r->nquotes; i++)
		if (STREQ(r->quotes[i].line, line) &&
		    STREQ(r->quotes[i].file, file))
			return true;
	return false;
}

/* A line as it is, or its first QUOTE_MAX bytes (whole UTF-8
 * characters) and " [...]". */
static char *
quote_line(const char *line)
{
	size_t len = strlen(line);

	if (len <= QUOTE_MAX)
		return xstrdup(line);
	len = QUOTE_MAX;
	while (len && ((unsigned char)line[len] & 0xc0) == 0x80)
		len--;
	return xasprintf("%.*s [...]", (int)len, line);
}

void
doctor_quote_add(struct doctor_result *r, const char *file, const char *line)
{
	AUTOFREE char *q = NULL;

	if (r->nquotes >= MAX_QUOTES)
		return;
	q = quote_line(line);
	if (has_quote(r, file, q))
		return;
	r->quotes = xrealloc(r->quotes, (r->nquotes + 1) * sizeof(*r->quotes));
	r->quotes[r->nquotes].file = xstrdup(file);
	r->quotes[r->nquotes].line = steal_ptr(q);
	r->nquotes++;
}

/*
 * Whether a line of a domain-wide log is about the current share: with
 * one share every line is; with more, the line must name the share's
 * directory, socket or device alias.
 */
static bool
about_share(const struct doctor_facts *f, const char *line)
{
	const struct domxml_share *s = f->share;
	AUTOFREE char *alias = NULL;

	if (!s || f->nshares < 2)
		return true;
	if ((s->dir && strstr(line, s->dir)) ||
	    (s->socket && strstr(line, s->socket)))
		return true;
	alias = s->alias ? xstrdup(s->alias) : xasprintf("fs%zu", f->si);
	if (f->si < f->nlive && f->live_shares[f->si].alias) {
		free(alias);
		alias = xstrdup(f->live_shares[f->si].alias);
	}
	{
		AUTOFREE char *sock = xasprintf("/%s-fs.sock", alias);
		AUTOFREE char *pid = xasprintf("-%s-fs.pid", alias);

		return strstr(line, sock) || strstr(line, pid);
	}
}

/* A share's daemon log is about that share only. */
bool
doctor_log_visible(const struct doctor_facts *f, const struct doctor_log *l)
{
	return !(l->kind == LOG_DAEMON && f->share && l->share >= 0 &&
		 (size_t)l->share != f->si);
}

/* Quote the newest lines matching pattern; true when one matched. */
bool
doctor_quote_pattern(const struct doctor_facts *f, struct doctor_result *r,
	      const char *pattern)
{
	bool found = false;

	for (size_t i = 0; i < f->nlogs; i++) {
		const struct doctor_log *l = &f->logs[i];

		if (!doctor_log_visible(f, l))
			continue;
		for (size_t j = l->lines.n; j-- > 0;) {
			const char *line = l->lines.v[j];

			if (!doctor_match(pattern, line))
				continue;
			if (l->kind != LOG_DAEMON && !about_share(f, line))
				continue;
			doctor_quote_add(r, l->file, line);
			found = true;
			break;
		}
	}
	return found;
}

/* Quote the lines of the check's known messages; true when any. */
bool
doctor_quote_logs(const struct doctor_facts *f, struct doctor_result *r)
{
	bool found = false;

	for (size_t i = 0; i < DOCTOR_MAX_PATTERNS && r->check->patterns[i];
	     i++)
		found |= doctor_quote_pattern(f, r, r->check->patterns[i]);
	return found;
}

/* "2024-05-02 10:11:12.345+0000: ..." or "2024-05-02T10:11:12.345Z ...". */
static bool
line_time(const char *line, time_t *t)
{
	struct tm tm = {0};
	char sep;

	if (sscanf(line, "%4d-%2d-%2d%c%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &sep, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec) != 7 ||
	    (sep != ' ' && sep != 'T'))
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*t = timegm(&tm);
	return *t != (time_t)-1;
}

/* "msg=audit(1714644672.123:456)": the audit record's time. */
static bool
audit_time(const char *line, time_t *t)
{
	const char *a = strstr(line, "audit(");
	unsigned long long v;

	if (!a || sscanf(a + strlen("audit("), "%llu", &v) != 1)
		return false;
	*t = (time_t)v;
	return true;
}

static void
split_lines(char *text, struct strlist *out)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);

		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = '\0';
		if (len)
			strlist_add(out, line);
	}
}

/* A line of libvirt's own in a domain log: "<time>: starting up ...". */
static bool
log_header(const char *line, const char *what)
{
	const char *colon = strstr(line, "+0000: ");

	return colon && colon - line < 40 &&
	       STRPREFIX(colon + strlen("+0000: "), what);
}

/*
 * Keep the lines of the last start of a domain (lines of earlier starts
 * are fixed or forgotten). libvirt opens a start with "Starting external
 * device" (the daemons) or "starting up", and ends it with "shutting
 * down, reason=...", the only line when a start fails early.
 */
static void
qemu_last_run(struct strlist *lines, struct log_run *run)
{
	size_t start = 0;
	bool ended = true, any = false;
	struct strlist keep = {0};

	for (size_t i = 0; i < lines->n; i++) {
		const char *l = lines->v[i];
		bool begin = log_header(l, "Starting external device") ||
			     log_header(l, "starting up");
		bool end = log_header(l, "shutting down");

		if ((begin || end) && ended) {
			start = i;
			any = true;
		}
		if (begin)
			ended = false;
		if (end)
			ended = true;
	}
	memset(run, 0, sizeof(*run));
	if (!any) {
		strlist_clear(lines);
		return;
	}
	run->known = true;
	for (size_t i = start; i < lines->n; i++) {
		time_t t;

		if (line_time(lines->v[i], &t)) {
			if (!run->start)
				run->start = t;
			run->end = t;
		}
		if (log_header(lines->v[i], "shutting down"))
			run->failed =
			    strstr(lines->v[i], "reason=failed") != NULL;
		strlist_add(&keep, lines->v[i]);
	}
	strlist_clear(lines);
	*lines = keep;
}

/* Lines naming the domain or one of its shares. */
static bool
names_domain(const struct doctor_facts *f, const char *line)
{
	AUTOFREE char *quoted = xasprintf("'%s'", f->domain);
	AUTOFREE char *dir = xasprintf("-%s/", f->domain);
	AUTOFREE char *pid = xasprintf("-%s-", f->domain);

	/* libvirt's per-domain paths: domain-N-NAME/, N-NAME-fs0-fs.pid. */
	if (strstr(line, quoted) ||
	    (strstr(line, "domain-") && strstr(line, dir)) ||
	    (strstr(line, pid) && strstr(line, "-fs.pid")))
		return true;
	for (size_t i = 0; i < f->nshares; i++)
		if ((f->shares[i].dir && strstr(line, f->shares[i].dir)) ||
		    (f->shares[i].socket && strstr(line, f->shares[i].socket)))
			return true;
	return false;
}

/* Lines naming the daemon a share of the domain has libvirt start
 * ("virtiofsd binary 'PATH' is not executable"): other domains may use
 * it too, so only in the domain's last start. */
static bool
names_binary(const struct doctor_facts *f, const char *line)
{
	for (size_t i = 0; i < f->nshares; i++) {
		AUTOFREE char *quoted = NULL;

		if (!f->shares[i].binary)
			continue;
		quoted = xasprintf("'%s'", f->shares[i].binary);
		if (strstr(line, quoted))
			return true;
	}
	return false;
}

/* Whether t falls in the domain's last run, give or take the window. */
static bool
in_run(const struct log_run *run, time_t t, bool from_start_only)
{
	if (!run->known || !run->start)
		return false;
	if (t + LOG_WINDOW_S < run->start)
		return false;
	return from_start_only || t <= run->end + LOG_WINDOW_S;
}

static struct doctor_log *
log_add(struct doctor_facts *f, enum log_kind kind, const char *file)
{
	struct doctor_log *l;

	f->logs = xrealloc(f->logs, (f->nlogs + 1) * sizeof(*f->logs));
	l = &f->logs[f->nlogs++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->file = xstrdup(file);
	l->share = -1;
	return l;
}

static char *
session_dir(const char *sub)
{
	const char *home = getenv("HOME");

	return xasprintf("%s/.cache/libvirt%s", home && *home ? home : "",
			 sub);
}

static char *
qemu_logdir(const struct doctor_env *env)
{
	if (env->qemu_logdir)
		return xstrdup(env->qemu_logdir);
	return env->session ? session_dir("/qemu/log")
			    : xstrdup(DEFAULT_QEMU_LOGDIR);
}

static char *
libvirt_logdir(const struct doctor_env *env)
{
	if (env->libvirt_logdir)
		return xstrdup(env->libvirt_logdir);
	return env->session ? session_dir("")
			    : xstrdup(DEFAULT_LIBVIRT_LOGDIR);
}

/* The text of a log, or NULL; one we may not read is noted. */
static char *
log_text(struct doctor_facts *f, const char *path)
{
	char *text = host_log_tail(f->env->root, path, LOG_TAIL_MAX);

	if (!text && (errno == EACCES || errno == EPERM))
		strlist_add(&f->unreadable, path);
	return text;
}

static void
read_qemu_log(struct doctor_facts *f, const char *dir)
{
	AUTOFREE char *path = xasprintf("%s/%s.log", dir, f->domain);
	AUTOFREE char *text = log_text(f, path);
	struct doctor_log *l;

	if (!text)
		return;
	l = log_add(f, LOG_QEMU, path);
	split_lines(text, &l->lines);
	qemu_last_run(&l->lines, &f->run);
}

/* The share a daemon log of alias is for, or -1. */
static int
alias_share(const struct doctor_facts *f, const char *alias)
{
	unsigned long n;
	char *end;

	for (size_t i = 0; i < f->nlive; i++)
		if (f->live_shares[i].alias &&
		    STREQ(f->live_shares[i].alias, alias))
			return (int)i;
	for (size_t i = 0; i < f->nshares; i++)
		if (f->shares[i].alias && STREQ(f->shares[i].alias, alias))
			return (int)i;
	/* libvirt numbers filesystems fs0, fs1, ... in document order. */
	if (STRPREFIX(alias, "fs")) {
		n = strtoul(alias + 2, &end, 10);
		if (!*end && end != alias + 2 && n < f->nshares)
			return (int)n;
	}
	return -1;
}

bool
doctor_error_line(const char *line)
{
	static const char *const words[] = {
	    "error", "ERROR", "Error", "failed", "Failed", "fatal", "panic",
	    "cannot", "Cannot", "No such file", "not a directory",
	    "Permission denied", "Operation not permitted"};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strstr(line, words[i]))
			return true;
	return false;
}

/* The line virtshare writes to a launch log before each start. */
#define LAUNCH_LOG_MARK "--- virtshare: starting at "

bool
doctor_quote_launch_log(struct doctor_result *r,
			const struct launch_status *st)
{
	AUTOFREE char *tail = NULL;
	struct strlist lines = {0};
	size_t from = 0;
	bool any = false;

	if (!st || st->state == LAUNCH_RUNNING || !st->log)
		return false;
	tail = launch_log_tail(st->log, DAEMON_LOG_LINES);
	split_lines(tail, &lines);
	for (size_t i = lines.n; i-- > 0;)
		if (STRPREFIX(lines.v[i], LAUNCH_LOG_MARK)) {
			from = i + 1;
			break;
		}
	for (size_t i = from; i < lines.n; i++)
		if (doctor_error_line(lines.v[i])) {
			doctor_quote_add(r, st->log, lines.v[i]);
			any = true;
		}
	strlist_clear(&lines);
	return any;
}

/* Daemon logs start afresh where the daemon says it waits for QEMU. */
static const char *const daemon_start_marks[] = {
	"Waiting for vhost-user socket connection",
	"waiting for the front end",
};

static void
keep_daemon_run(struct strlist *lines)
{
	size_t from = lines->n > DAEMON_LOG_LINES ? lines->n - DAEMON_LOG_LINES
						  : 0;
	struct strlist keep = {0};

	for (size_t i = lines->n; i-- > from;) {
		bool mark = false;

		for (size_t m = 0; m < ARRAY_SIZE(daemon_start_marks); m++)
			mark |= strstr(lines->v[i], daemon_start_marks[m]) !=
				NULL;
		if (mark) {
			from = i;
			break;
		}
	}
	for (size_t i = from; i < lines->n; i++)
		strlist_add(&keep, lines->v[i]);
	strlist_clear(lines);
	*lines = keep;
}

static void
read_daemon_logs(struct doctor_facts *f, const char *dir)
{
	AUTOFREE char *prefix = xasprintf("%s-", f->domain);
	const char *suffix = "-virtiofsd.log";
	struct strlist names = {0};

	host_dir_list(f->env->root, dir, prefix, suffix, &names);
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		size_t pl = strlen(prefix);
		AUTOFREE char *alias =
		    xstrndup(name + pl, strlen(name) - pl - strlen(suffix));
		AUTOFREE char *path = xasprintf("%s/%s", dir, name);
		AUTOFREE char *text = NULL;
		struct doctor_log *l;
		int share = alias_share(f, alias);

		/* "vm-fs0" of domain "vm" is not domain "vm-fs0"'s. */
		if (share < 0 && !STRPREFIX(alias, "ua-"))
			continue;
		if (!(text = log_text(f, path)))
			continue;
		l = log_add(f, LOG_DAEMON, path);
		l->share = share;
		split_lines(text, &l->lines);
		keep_daemon_run(&l->lines);
	}
	strlist_clear(&names);
}

/* libvirt's daemon logs: its error lines that are the domain's. */
static void
read_libvirt_logs(struct doctor_facts *f, const char *dir)
{
	static const char *const names[] = {"libvirtd.log", "virtqemud.log"};

	for (size_t n = 0; n < ARRAY_SIZE(names); n++) {
		AUTOFREE char *path = xasprintf("%s/%s", dir, names[n]);
		AUTOFREE char *text = log_text(f, path);
		struct strlist lines = {0};
		struct doctor_log *l;

		if (!text)
			continue;
		l = log_add(f, LOG_LIBVIRT, path);
		split_lines(text, &lines);
		for (size_t i = 0; i < lines.n; i++) {
			const char *line = lines.v[i];
			time_t t;
			bool timed = line_time(line, &t);
			bool named;

			if (!strstr(line, ": error : "))
				continue;
			/* In the last start, unless it names a path that is
			 * not the domain's (another domain started then); or
			 * naming the domain since that start. */
			named = names_domain(f, line);
			if ((timed && in_run(&f->run, t, false) &&
			     (named || names_binary(f, line) ||
			      !strstr(line, "'/"))) ||
			    (named && (!f->run.known || !timed ||
				       in_run(&f->run, t, true))))
				strlist_add(&l->lines, line);
		}
		strlist_clear(&lines);
	}
}

static bool
is_denial(const char *line)
{
	return (strstr(line, "avc:") && strstr(line, "denied")) ||
	       strstr(line, "apparmor=\"DENIED\"");
}

static void
security_lines(struct doctor_facts *f, const char *file, char *text)
{
	struct strlist lines = {0};
	struct doctor_log *l = log_add(f, LOG_SECURITY, file);

	f->security_read = true;
	split_lines(text, &lines);
	for (size_t i = 0; i < lines.n; i++) {
		const char *line = lines.v[i];
		time_t t;

		if (!is_denial(line) || !names_domain(f, line))
			continue;
		if (f->run.known && audit_time(line, &t) &&
		    !in_run(&f->run, t, true))
			continue;
		strlist_add(&l->lines, line);
	}
	strlist_clear(&lines);
}

static void
read_security_logs(struct doctor_facts *f)
{
	static const char *const files[] = {"/var/log/audit/audit.log",
					    "/var/log/kern.log"};
	AUTOFREE char *kmsg = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		AUTOFREE char *text = log_text(f, files[i]);

		strlist_add(&f->security_tried, files[i]);
		if (text)
			security_lines(f, files[i], text);
	}
	strlist_add(&f->security_tried, "/dev/kmsg");
	if ((kmsg = host_kmsg_tail(f->env->root, LOG_TAIL_MAX)))
		security_lines(f, "/dev/kmsg", kmsg);
}

void
doctor_read_logs(struct doctor_facts *f)
{
	AUTOFREE char *qdir = qemu_logdir(f->env);
	AUTOFREE char *ldir = libvirt_logdir(f->env);

	if (f->remote)
		return;
	read_qemu_log(f, qdir);
	read_daemon_logs(f, qdir);
	read_libvirt_logs(f, ldir);
	read_security_logs(f);
}

void
doctor_host_logs(struct doctor_facts *f)
{
	AUTOFREE char *dir = NULL;

	if (f->remote)
		return;
	dir = libvirt_logdir(f->env);
	for (size_t n = 0; n < 2; n++) {
		AUTOFREE char *path = xasprintf(
		    "%s/%s", dir, n ? "virtqemud.log" : "libvirtd.log");
		AUTOFREE char *text = log_text(f, path);
		struct strlist lines = {0};
		struct doctor_log *l;

		if (!text)
			continue;
		l = log_add(f, LOG_LIBVIRT, path);
		split_lines(text, &lines);
		for (size_t i = 0; i < lines.n; i++)
			if (strstr(lines.v[i], ": error : "))
				strlist_add(&l->lines, lines.v[i]);
		strlist_clear(&lines);
	}
}
