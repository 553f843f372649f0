/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-cfg.c: cfg_format() writes what cfg_parse() reads back, unchanged */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "error.h"
#include "tap.h"
#include "util.h"

/*
 * Format what path holds, parse that text, format again: the same text,
 * and the second parse the same state (its format is the first text).
 */
static void
round_trip(const char *path, const char *name)
{
	AUTOPTR(cfg) c = cfg_load(path);
	AUTOPTR(cfg) again = NULL;
	AUTOFREE char *first = NULL, *second = NULL;

	if (!tap_ok(c != NULL, "%s: read", name)) {
		tap_diag("%s", vs_error_message());
		vs_error_reset();
		return;
	}
	first = cfg_format(c);
	again = cfg_parse(name, first, strlen(first));
	if (!tap_ok(again != NULL, "%s: its formatted text is read back",
		    name)) {
		tap_diag("%s\n%s", vs_error_message(), first);
		vs_error_reset();
		return;
	}
	second = cfg_format(again);
	tap_is_str(second, first, "%s: formatted again, the same text", name);
	tap_is_int(again->nshares, c->nshares, "%s: the same shares", name);
}

/* Every file of dir whose name starts with prefix and ends in .ini, and
 * (when plan_only) has a .plan beside it: files that apply takes. */
static void
each_file(const char *dir, const char *prefix, bool plan_only)
{
	struct strlist names = {0};
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!tap_ok(d != NULL, "%s: listed", dir))
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		AUTOFREE char *plan = NULL;

		if (!STRPREFIX(e->d_name, prefix) || n < 5 ||
		    !STREQ(e->d_name + n - 4, ".ini"))
			continue;
		plan = xasprintf("%s/%.*s.plan", dir, (int)(n - 4), e->d_name);
		if (plan_only && access(plan, F_OK) < 0)
			continue;
		strlist_add(&names, e->d_name);
	}
	closedir(d);
	tap_ok(names.n > 0, "%s: files found", dir);
	for (size_t i = 0; i < names.n; i++) {
		AUTOFREE char *path = xasprintf("%s/%s", dir, names.v[i]);

		round_trip(path, names.v[i]);
	}
	strlist_clear(&names);
}

/* What a writer sets that a file cannot say twice the same way. */
static void
test_written(void)
{
	static const char text[] =
	    "[share \"web server\" data]\n"
	    "dir = /srv/data\n"
	    "thread_pool = 0\n"
	    "idmap = uid:0:100000:65536,gid:0:100000:65536\n"
	    "[share vm2 other]\n"
	    "tag = data2\n"
	    "daemon = external\n"
	    "dir = /srv/data\n"
	    "readonly = no\n"
	    "[domain vm2]\n"
	    "backing = hugepages:2M@0\n"
	    "prune = yes\n"
	    "[hugepages 2M@1]\n"
	    "pages = 12\n";
	static const char want[] =
	    "[hugepages 2M@1]\n"
	    "pages = 12\n"
	    "\n"
	    "[share \"web server\" data]\n"
	    "dir = /srv/data\n"
	    "thread_pool = 0\n"
	    "idmap = uid:0:100000:65536,gid:0:100000:65536\n"
	    "\n"
	    "[domain vm2]\n"
	    "backing = hugepages:2M@0\n"
	    "prune = yes\n"
	    "\n"
	    "[share vm2 other]\n"
	    "daemon = external\n"
	    "tag = data2\n"
	    "dir = /srv/data\n"
	    "readonly = no\n";
	AUTOPTR(cfg) c = cfg_parse("written.ini", text, strlen(text));
	AUTOFREE char *out = c ? cfg_format(c) : NULL;

	tap_is_str(out, want, "every kind of section and value, in order");
}

int
main(void)
{
	const char *srcdir = getenv("top_srcdir");
	AUTOFREE char *templates = NULL, *golden = NULL;

	if (!srcdir)
		srcdir = ".";
	templates = xasprintf("%s/templates/ini", srcdir);
	golden = xasprintf("%s/tests/golden", srcdir);
	test_written();
	each_file(templates, "", false);
	each_file(golden, "ini-", true);
	return tap_done();
}
