/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tap.h: a minimal TAP producer for the C test programs */
#ifndef VS_TAP_H
#define VS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Each check prints "ok N - name" or "not ok N - name" with a diagnostic;
 * tap_done() prints the plan and returns the exit status. Header-only so
 * every test program (core, daemon, fuzz replay) can use it without
 * linking anything.
 */
static int tap_n, tap_failed;

static inline bool __attribute__((format(printf, 2, 3)))
tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static inline void __attribute__((format(printf, 1, 2)))
tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define tap_is_int(got, want, ...)                                        \
	({                                                                \
		long long tap_g_ = (long long)(got);                      \
		long long tap_w_ = (long long)(want);                     \
		bool tap_r_ = tap_ok(tap_g_ == tap_w_, __VA_ARGS__);      \
		if (!tap_r_)                                              \
			tap_diag("  got %lld, want %lld", tap_g_, tap_w_); \
		tap_r_;                                                   \
	})

#define tap_is_str(got, want, ...)                                          \
	({                                                                  \
		const char *tap_g_ = (got), *tap_w_ = (want);               \
		bool tap_r_ = tap_ok(tap_g_ && tap_w_ ? strcmp(tap_g_, tap_w_) == 0 \
						      : tap_g_ == tap_w_,   \
				     __VA_ARGS__);                          \
		if (!tap_r_)                                                \
			tap_diag("  got '%s', want '%s'",                   \
				 tap_g_ ? tap_g_ : "(null)",                \
				 tap_w_ ? tap_w_ : "(null)");               \
		tap_r_;                                                     \
	})

static inline void
tap_skip(int n, const char *why)
{
	while (n-- > 0)
		printf("ok %d # SKIP %s\n", ++tap_n, why);
}

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
