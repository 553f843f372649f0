/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h: paths, files, text, numbers and child processes for the core;
 * it reports through error.h, which needs only base.h (util -> error ->
 * base: no module below includes one above it) */
#ifndef VS_UTIL_H
#define VS_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "base.h"
#include "i18n.h"

/*
 * Paths below a root directory (tests point root at a fixture tree).
 * Returns root + path (caller frees); root "/" or NULL means the host.
 */
char *path_under(const char *root, const char *path);
bool root_is_host(const char *root);

/*
 * Read a whole file (at most max bytes) into a NUL-terminated buffer.
 * Returns the buffer (caller frees) or NULL with errno set; does not report.
 */
char *file_read(const char *path, size_t max, size_t *len);
/* Read a file's first line, trailing newline removed; NULL + errno. */
char *file_read_line(const char *path);
/* Parse a file holding one unsigned integer; -1 + errno on failure. */
int file_read_u64(const char *path, uint64_t *out);
/*
 * Read a file a command works on (a domain definition, an INI file,
 * qemu.conf, a saved definition, a record) as file_read() does, and
 * report a failure once, with the code of its kind and what to do: no
 * such file (VS_ERR_NOT_FOUND), no permission (VS_ERR_PERM), a directory
 * or more than max bytes, refused (VS_ERR_INVALID), any other read error
 * (VS_ERR_IO). Returns the buffer (caller frees) or NULL with errno set.
 */
char *file_load(const char *path, size_t max, size_t *len);
/*
 * Write data to path atomically (temporary file + fsync + rename) with the
 * given mode. Returns 0 or -1 and reports VS_ERR_IO.
 */
int file_write_atomic(const char *path, const char *data, size_t len,
		      unsigned mode);

/*
 * Text that a domain definition, an INI file and a daemon's command line
 * can all carry: UTF-8 (no overlong forms, surrogates or code points
 * beyond U+10FFFF), no control characters (below 0x20, and 0x7f) and
 * neither U+FFFE nor U+FFFF, which XML refuses. str_text_check() refuses
 * anything else in the value of shown ("--tag", "dir", "the share's
 * name"): 0, or -1 after reporting VS_ERR_INVALID with the byte at fault
 * and what to do (the value itself is not repeated: a terminal would
 * garble it). NULL is text.
 */
bool str_is_text(const char *s);
int str_text_check(const char *s, const char *shown);

/*
 * Paths compared as the kernel reads them, symbolic links kept as
 * written (not resolved): path_canon() writes an absolute path without
 * empty or "." components, with each ".." taking away the component
 * before it and no trailing slash ("/srv//data/./x/../" -> "/srv/data").
 * A relative path is returned as it is. Caller frees.
 */
char *path_canon(const char *path);
/* Whether a and b are one path once canonical (NULL is only NULL). */
bool path_same(const char *a, const char *b);
/*
 * path_canon(), but a ".." after a symbolic link is refused: the kernel
 * steps up from the link's target, not from where the link is, so the
 * written form would name another directory. The links are looked at
 * below root ("/" for the host); root NULL (another host) looks at
 * nothing. Returns the canonical path (caller frees), or NULL after
 * reporting VS_ERR_INVALID.
 */
char *path_canon_at(const char *path, const char *root);

/* Strip leading and trailing ASCII whitespace in place; returns s. */
char *str_trim(char *s);
/* Parse a decimal unsigned integer that must span the whole string. */
int str_to_u64(const char *s, uint64_t *out);
int str_to_int(const char *s, int *out);
/* yes/no, on/off, true/false, 1/0 (any case); -1 for anything else. */
int str_to_bool(const char *s, bool *out);
/*
 * s as one word of a POSIX shell command line: as it is when it holds
 * only characters no shell treats specially, else in single quotes (a URI
 * with '&' or '?', a path with spaces). Caller frees.
 */
char *shell_word(const char *s);

/*
 * Sizes as people and libvirt write them. size_parse_kib() accepts "2M",
 * "2048K", "2048k", "1G", "2MiB", "1048576" (a bare number is KiB, as
 * libvirt counts page sizes). Returns 0 or -1 (does not report).
 */
int size_parse_kib(const char *s, uint64_t *kib);
/* "2M", "1G", "512K", "1.5G": compact, for tables. Caller frees. */
char *size_format_kib(uint64_t kib);

/* Milliseconds of the monotonic clock (for deadlines). */
long long now_ms(void);

/*
 * Run argv with stdin from /dev/null, capturing stdout (at most max bytes)
 * and discarding stderr, killing it after timeout_ms. Returns the exit
 * status (0..255), or -1 if it could not run, was killed or timed out (not
 * reported). *out (caller frees) may be NULL.
 */
int run_capture(char *const argv[], int timeout_ms, size_t max, char **out);

#endif
