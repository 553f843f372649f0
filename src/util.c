/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.c: paths, files, text, numbers and child processes for the core */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "error.h"
#include "util.h"

/* ---- paths and files ---------------------------------------------------- */

bool
root_is_host(const char *root)
{
	return !root || !*root || STREQ(root, "/");
}

char *
path_under(const char *root, const char *path)
{
	size_t rl;

	if (root_is_host(root))
		return xstrdup(path);
	rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	return xasprintf("%.*s%s%s", (int)rl, root, path[0] == '/' ? "" : "/",
			 path);
}

char *
file_read(const char *path, size_t max, size_t *lenp)
{
	AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct strbuf sb = STRBUF_INIT;
	char chunk[4096];
	ssize_t n;

	if (fd < 0)
		return NULL;
	sb_addn(&sb, "", 0);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			sb_clear(&sb);
			return NULL;
		}
		if (sb.len + (size_t)n > max) {
			sb_clear(&sb);
			errno = EFBIG;
			return NULL;
		}
		sb_addn(&sb, chunk, (size_t)n);
	}
	if (lenp)
		*lenp = sb.len;
	return sb_steal(&sb);
}

char *
file_read_line(const char *path)
{
	char *s = file_read(path, 1 << 16, NULL);
	char *nl;

	if (s && (nl = strchr(s, '\n')))
		*nl = '\0';
	return s;
}

int
file_read_u64(const char *path, uint64_t *out)
{
	AUTOFREE char *s = file_read_line(path);

	if (!s)
		return -1;
	if (str_to_u64(str_trim(s), out) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* "16 MiB" for a limit in bytes. Caller frees. */
static char *
limit_str(size_t max)
{
	if (max >= (1u << 20) && max % (1u << 20) == 0)
		return xasprintf("%zu MiB", max >> 20);
	if (max >= 1024 && max % 1024 == 0)
		return xasprintf("%zu KiB", max >> 10);
	return xasprintf("%zu bytes", max);
}

char *
file_load(const char *path, size_t max, size_t *len)
{
	char *text = file_read(path, max, len);
	AUTOFREE char *limit = NULL;
	int err = errno;

	if (text)
		return text;
	switch (err) {
	case ENOENT:
	case ENOTDIR:
		vs_error(VS_ERR_NOT_FOUND,
			 _("Cannot read %s: there is no such file. Check the "
			   "file name."),
			 path);
		break;
	case EACCES:
	case EPERM:
		vs_error(VS_ERR_PERM,
			 _("Cannot read %s: permission denied. Run virtshare "
			   "as a user who may read it (root for the host's "
			   "files), or change the file's permissions."),
			 path);
		break;
	case EISDIR:
		vs_error(VS_ERR_INVALID,
			 _("%s is a directory, not a file. Name a file."),
			 path);
		break;
	case EFBIG:
		limit = limit_str(max);
		vs_error(VS_ERR_INVALID,
			 _("%1$s is larger than %2$s, more than virtshare reads "
			   "of such a file, so it was refused. Check that it is "
			   "the file you meant."),
			 path, limit);
		break;
	default:
		vs_error_errno(VS_ERR_IO, err,
			       _("Cannot read %s. Check the file and the disk "
				 "it is on"),
			       path);
		break;
	}
	errno = err;
	return NULL;
}

int
file_write_atomic(const char *path, const char *data, size_t len,
		  unsigned mode)
{
	AUTOFREE char *tmp = xasprintf("%s.tmpXXXXXX", path);
	AUTOCLOSE int fd = mkostemp(tmp, O_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return vs_error_errno(VS_ERR_IO, errno,
				      _("Cannot create a file next to %s"),
				      path);
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		off += (size_t)n;
	}
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0)
		goto fail;
	close_fd(&fd);
	if (rename(tmp, path) < 0)
		goto fail;
	return 0;
fail:
	vs_error_errno(VS_ERR_IO, errno, _("Cannot write %s"), path);
	unlink(tmp);
	return -1;
}

/* ---- strings ------------------------------------------------------------ */

/* ---- text and paths ------------------------------------------------------- */

/* What is wrong with a value as text. */
enum text_fault {
	TEXT_OK,
	TEXT_CONTROL,  /* a control character */
	TEXT_NOT_UTF8, /* a byte that is not part of UTF-8 */
	TEXT_NONCHAR,  /* U+FFFE or U+FFFF */
};

/* The length of the UTF-8 sequence at s and its code point; 0 when it is
 * not one (RFC 3629: shortest form, no surrogates, up to U+10FFFF). */
static size_t
utf8_seq(const unsigned char *s, unsigned *cp)
{
	static const struct {
		unsigned char lead_mask, lead, len;
		unsigned min;
	} forms[] = {
		{0xe0, 0xc0, 2, 0x80},
		{0xf0, 0xe0, 3, 0x800},
		{0xf8, 0xf0, 4, 0x10000},
	};

	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		unsigned v;

		if ((s[0] & forms[i].lead_mask) != forms[i].lead)
			continue;
		v = s[0] & (0x7f >> forms[i].len);
		for (size_t k = 1; k < forms[i].len; k++) {
			if ((s[k] & 0xc0) != 0x80)
				return 0;
			v = v << 6 | (s[k] & 0x3f);
		}
		if (v < forms[i].min || v > 0x10ffff ||
		    (v >= 0xd800 && v <= 0xdfff))
			return 0;
		*cp = v;
		return forms[i].len;
	}
	return 0;
}

static enum text_fault
text_scan(const char *text, size_t *at, unsigned *what)
{
	const unsigned char *s = (const unsigned char *)text;

	for (size_t i = 0; s && s[i];) {
		unsigned cp = s[i];
		size_t n = cp < 0x80 ? 1 : utf8_seq(s + i, &cp);

		*at = i;
		*what = n ? cp : s[i];
		if (!n)
			return TEXT_NOT_UTF8;
		if (cp < 0x20 || cp == 0x7f)
			return TEXT_CONTROL;
		if (cp == 0xfffe || cp == 0xffff)
			return TEXT_NONCHAR;
		i += n;
	}
	return TEXT_OK;
}

bool
str_is_text(const char *s)
{
	size_t at;
	unsigned what;

	return text_scan(s, &at, &what) == TEXT_OK;
}

int
str_text_check(const char *s, const char *shown)
{
	size_t at = 0;
	unsigned what = 0;

	switch (text_scan(s, &at, &what)) {
	case TEXT_OK:
		return 0;
	case TEXT_CONTROL:
		return vs_error(VS_ERR_INVALID,
				_("The value of %s holds a control character "
				  "(a tab, a line break or another one), which "
				  "domain definitions and the daemon's options "
				  "cannot carry. Remove it."),
				shown);
	case TEXT_NOT_UTF8:
		return vs_error(VS_ERR_INVALID,
				_("The value of %1$s is not UTF-8 text (its "
				  "byte %2$zu is 0x%3$02X), and domain "
				  "definitions and the daemon's options hold "
				  "nothing else. Give it in UTF-8; a directory "
				  "whose name is in another encoding can be "
				  "renamed, or shared through a symbolic link "
				  "with a UTF-8 name."),
				shown, at + 1, what);
	case TEXT_NONCHAR:
		break;
	}
	return vs_error(VS_ERR_INVALID,
			_("The value of %1$s holds the character U+%2$04X, "
			  "which XML does not allow. Remove it."),
			shown, what);
}

/*
 * The canonical form of path; with root set, a ".." after a symbolic
 * link below root sets *link (caller frees) to that link and stops.
 */
static char *
canon(const char *path, const char *root, char **link)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = path;

	*link = NULL;
	if (path[0] != '/')
		return xstrdup(path);
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 1 && p[0] == '.') {
			/* nothing: the same directory */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = sb.len ? strrchr(sb.buf, '/') : NULL;
			struct stat st;

			if (slash && root) {
				AUTOFREE char *full = path_under(root, sb.buf);

				if (lstat(full, &st) == 0 &&
				    S_ISLNK(st.st_mode)) {
					*link = sb_steal(&sb);
					return NULL;
				}
			}
			if (slash) {
				sb.len = (size_t)(slash - sb.buf);
				sb.buf[sb.len] = '\0';
			}
		} else if (n) {
			sb_addc(&sb, '/');
			sb_addn(&sb, p, n);
		}
		p += n;
	}
	if (!sb.len)
		sb_addc(&sb, '/');
	return sb_steal(&sb);
}

char *
path_canon(const char *path)
{
	char *link;

	return canon(path, NULL, &link);
}

bool
path_same(const char *a, const char *b)
{
	AUTOFREE char *ca = NULL, *cb = NULL;

	if (!a || !b)
		return a == b;
	if (STREQ(a, b))
		return true;
	ca = path_canon(a);
	cb = path_canon(b);
	return STREQ(ca, cb);
}

char *
path_canon_at(const char *path, const char *root)
{
	AUTOFREE char *link = NULL;
	char *c = canon(path, root, &link);

	if (!c)
		vs_error(VS_ERR_INVALID,
			 _("The path %1$s steps out of the symbolic link %2$s "
			   "with '..', which leads up from where the link "
			   "points, not from where it is written. Give the "
			   "path without '..'."),
			 path, link);
	return c;
}

char *
str_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int
str_to_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int
str_to_int(const char *s, int *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < INT_MIN || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

int
str_to_bool(const char *s, bool *out)
{
	static const struct {
		const char *word;
		bool value;
	} words[] = {
		{"yes", true}, {"no", false}, {"on", true}, {"off", false},
		{"true", true}, {"false", false}, {"1", true}, {"0", false},
	};

	for (size_t i = 0; s && i < ARRAY_SIZE(words); i++)
		if (strcasecmp(s, words[i].word) == 0) {
			*out = words[i].value;
			return 0;
		}
	return -1;
}

static const struct {
	const char *suffix;
	uint64_t kib;
} size_units[] = {
	{"", 1}, /* a bare number is KiB, as libvirt's page sizes */
	{"k", 1}, {"K", 1}, {"KiB", 1}, {"KB", 1},
	{"m", 1024}, {"M", 1024}, {"MiB", 1024}, {"MB", 1024},
	{"g", 1024 * 1024}, {"G", 1024 * 1024}, {"GiB", 1024 * 1024},
	{"GB", 1024 * 1024},
	{"t", 1024ULL * 1024 * 1024}, {"T", 1024ULL * 1024 * 1024},
	{"TiB", 1024ULL * 1024 * 1024},
};

int
size_parse_kib(const char *s, uint64_t *kib)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(size_units); i++) {
		if (!STREQ(end, size_units[i].suffix))
			continue;
		if (v > UINT64_MAX / size_units[i].kib)
			return -1;
		*kib = v * size_units[i].kib;
		return 0;
	}
	return -1;
}

char *
shell_word(const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789/_.,:@%+=-";
	struct strbuf sb = STRBUF_INIT;

	if (*s && strspn(s, safe) == strlen(s))
		return xstrdup(s);
	sb_addc(&sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_add(&sb, "'\\''");
		else
			sb_addc(&sb, *s);
	}
	sb_addc(&sb, '\'');
	return sb_steal(&sb);
}

char *
size_format_kib(uint64_t kib)
{
	static const char units[] = "KMGTP";
	uint64_t scale = 1;
	size_t u = 0;

	while (u + 1 < sizeof(units) - 1 && kib >= scale * 1024)
		scale *= 1024, u++;
	if (kib % scale == 0)
		return xasprintf("%" PRIu64 "%c", kib / scale, units[u]);
	return xasprintf("%.1f%c", (double)kib / (double)scale, units[u]);
}

long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- child processes ------------------------------------------------------ */

int
run_capture(char *const argv[], int timeout_ms, size_t max, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	long long deadline = now_ms() + timeout_ms;
	int pipefd[2], status;
	bool killed = false;
	pid_t pid;

	if (out)
		*out = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(null, 0) < 0 || dup2(pipefd[1], 1) < 0 ||
		    dup2(null, 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
		long long left = deadline - now_ms();
		char chunk[4096];
		ssize_t n;

		if (left <= 0) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			break;
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(pipefd[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (sb.len + (size_t)n <= max)
			sb_addn(&sb, chunk, (size_t)n);
	}
	close(pipefd[0]);
	/* The child may close stdout and go on running: keep the deadline. */
	for (;;) {
		pid_t r = waitpid(pid, &status, killed ? 0 : WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			sb_clear(&sb);
			return -1;
		}
		if (r == 0 && now_ms() >= deadline) {
			kill(pid, SIGKILL);
			killed = true;
		} else if (r == 0) {
			poll(NULL, 0, 5);
		}
	}
	if (killed || !WIFEXITED(status)) {
		sb_clear(&sb);
		return -1;
	}
	if (out)
		*out = sb_steal(&sb);
	else
		sb_clear(&sb);
	return WEXITSTATUS(status);
}
