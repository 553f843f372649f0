/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error.h: error codes and the one place errors are reported (error.c uses
 * base.h only: every other module may report through it) */
#ifndef VS_ERROR_H
#define VS_ERROR_H

#include "i18n.h"

/*
 * X(code, exit status, short description). The exit statuses are the ones
 * `virtshare --help` documents:
 *   0 success, 1 the operation failed, 2 bad command line,
 *   3 bad input (file, XML, value, rule), 4 libvirt failure.
 */
#define VS_ERROR_LIST(X)                                                      \
	X(VS_OK,              0, N_("success"))                               \
	X(VS_ERR_USAGE,       2, N_("invalid command line"))                  \
	X(VS_ERR_IO,          1, N_("file could not be read or written"))    \
	X(VS_ERR_SYSTEM,      1, N_("system call failed"))                    \
	X(VS_ERR_PERM,        1, N_("permission denied"))                     \
	X(VS_ERR_PARSE,       3, N_("syntax error"))                          \
	X(VS_ERR_XML,         3, N_("malformed domain XML"))                  \
	X(VS_ERR_INVALID,     3, N_("invalid value"))                         \
	X(VS_ERR_CONFLICT,    3, N_("conflicts with the existing config"))    \
	X(VS_ERR_UNSUPPORTED, 3, N_("not supported by this host or version")) \
	X(VS_ERR_NOT_FOUND,   1, N_("not found"))                             \
	X(VS_ERR_NO_DOMAIN,   1, N_("no such domain"))                        \
	X(VS_ERR_NO_PAGES,    1, N_("not enough hugepages"))                  \
	X(VS_ERR_PARTIAL,     1, N_("only partly possible, rolled back"))     \
	X(VS_ERR_LIBVIRT,     4, N_("libvirt reported an error"))             \
	X(VS_ERR_CONNECT,     4, N_("cannot connect to libvirt"))             \
	X(VS_ERR_DAEMON,      1, N_("virtiofs daemon failed"))                \
	X(VS_ERR_NO_UNDO,     1, N_("nothing to undo"))

#define VS_ERROR_ENUM(code, status, desc) code,
enum vs_code { VS_ERROR_LIST(VS_ERROR_ENUM) VS_ERR__COUNT };
#undef VS_ERROR_ENUM

/*
 * Record an error where it is found; callers return -1/NULL without
 * reporting again. The message is a whole translated sentence that says
 * what to do. A later report replaces an earlier one. Always returns -1.
 */
int vs_error(enum vs_code code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* As vs_error() with ": strerror(errnum)" appended. */
int vs_error_errno(enum vs_code code, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The last error's code (VS_OK when none) and message (borrowed, or ""). */
enum vs_code vs_error_code(void);
const char *vs_error_message(void);
/* Forget the last error. */
void vs_error_reset(void);

/* Table lookups: "VS_ERR_NO_PAGES", the exit status, the description. */
const char *vs_error_name(enum vs_code code);
int vs_error_status(enum vs_code code);
const char *vs_error_desc(enum vs_code code);

#endif
