/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-error.c: the error table and the last reported error (error.c) */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "error.h"
#include "tap.h"
#include "util.h"

static void
test_report(void)
{
	vs_error_reset();
	tap_is_int(vs_error_code(), VS_OK, "no error after reset");
	tap_is_str(vs_error_message(), "", "no message after reset");
	tap_is_int(vs_error(VS_ERR_NO_PAGES, "only %d", 3), -1,
		   "vs_error returns -1");
	tap_is_str(vs_error_message(), "only 3", "message kept");
	tap_is_str(vs_error_name(vs_error_code()), "VS_ERR_NO_PAGES",
		   "code name from the table");
	tap_is_int(vs_error_status(VS_ERR_USAGE), 2, "usage exit status");
	tap_is_int(vs_error_status(VS_ERR_LIBVIRT), 4, "libvirt exit status");
	tap_is_int(vs_error_errno(VS_ERR_IO, ENOENT, "open %s", "x"), -1,
		   "vs_error_errno returns -1");
	tap_is_str(vs_error_message(), "open x: No such file or directory",
		   "vs_error_errno appends strerror");
	tap_is_int(vs_error_code(), VS_ERR_IO,
		   "a later report replaces the earlier one");
	vs_error_reset();
	tap_ok(vs_error_code() == VS_OK && !*vs_error_message(),
	       "reset forgets code and message");
}

/* Every row of the table: a unique name, a documented status, a text. */
static void
test_table(void)
{
	size_t complete = 0;

	for (int c = VS_OK; c < VS_ERR__COUNT; c++) {
		const char *name = vs_error_name(c);
		int st = vs_error_status(c);
		bool unique = true;

		for (int d = VS_OK; d < c; d++)
			unique &= !STREQ(vs_error_name(d), name);
		if (STRPREFIX(name, "VS_") && unique && st >= 0 && st <= 4 &&
		    (st == 0) == (c == VS_OK) && *vs_error_desc(c))
			complete++;
		else
			tap_diag("row %d (%s) is incomplete", c, name);
	}
	tap_is_int(complete, VS_ERR__COUNT,
		   "every code has a unique name, an exit status 0-4 (0 "
		   "only for VS_OK) and a description");
	tap_is_str(vs_error_name(VS_ERR__COUNT), "VS_ERR_UNKNOWN",
		   "a code past the table has a name");
	tap_is_int(vs_error_status((enum vs_code)-1), 1,
		   "a code past the table fails with status 1");
	tap_is_str(vs_error_desc(VS_ERR__COUNT), "",
		   "a code past the table has no description");
	tap_is_str(vs_error_desc(VS_ERR_NO_UNDO), "nothing to undo",
		   "a description from the table");
}

static void *
other_thread(void *arg)
{
	bool *clean = arg;

	*clean = vs_error_code() == VS_OK && !*vs_error_message();
	vs_error(VS_ERR_DAEMON, "in the thread");
	return NULL;
}

/* The last error is the thread's own. */
static void
test_threads(void)
{
	pthread_t t;
	bool clean = false;

	vs_error(VS_ERR_PARSE, "in main");
	if (pthread_create(&t, NULL, other_thread, &clean) != 0) {
		tap_skip(2, "no thread");
		return;
	}
	pthread_join(t, NULL);
	tap_ok(clean, "a new thread starts without an error");
	tap_ok(vs_error_code() == VS_ERR_PARSE &&
		   STREQ(vs_error_message(), "in main"),
	       "another thread's report leaves this thread's error alone");
	vs_error_reset();
}

int
main(void)
{
	test_report();
	test_table();
	test_threads();
	return tap_done();
}
