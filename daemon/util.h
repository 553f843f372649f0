/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h: allocation, fd and small helpers of virtshare-fsd (no src/ code) */
#ifndef FSD_UTIL_H
#define FSD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Allocation never fails: out of memory aborts with a message, so no caller
 * has an OOM branch (tmux's xmalloc).
 */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

/* free(*pp); for __attribute__((cleanup)). */
void autofree_cleanup(void *pp);
#define AUTOFREE __attribute__((cleanup(autofree_cleanup)))

/* Close *fd if it is open and set it to -1; errno is preserved. */
void close_fd(int *fd);

/*
 * Parse a decimal unsigned number that must fill all of s and lie in
 * [min, max]. Returns 0 or -1 (nothing is reported).
 */
int parse_uint(const char *s, unsigned long long min, unsigned long long max,
	       unsigned long long *out);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STREQ(a, b)   (strcmp((a), (b)) == 0)
#define MIN(a, b)     ((a) < (b) ? (a) : (b))
#define MAX(a, b)     ((a) > (b) ? (a) : (b))

/*
 * Read a value the guest (or another thread) may change under us exactly
 * once, so a check and a use see the same value (no double fetch).
 */
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif
