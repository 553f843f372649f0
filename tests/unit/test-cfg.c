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
	    "persist_mount = yes\n"
	    "mount = /mnt/data2\n"
	    "tag = data2\n"
	    "daemon = external\n"
	    "dir = /srv/data\n"
	    "readonly = no\n"
	    "[share vm2 gone]\n"
	    "state = absent\n"
	    "live = no\n"
	    "[share vm2 kept]\n"
	    "live = yes\n"
	    "dir = /srv/kept\n"
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
	    "readonly = no\n"
	    "mount = /mnt/data2\n"
	    "persist_mount = yes\n"
	    "\n"
	    "[share vm2 gone]\n"
	    "state = absent\n"
	    "live = no\n"
	    "\n"
	    "[share vm2 kept]\n"
	    "dir = /srv/kept\n";
	AUTOPTR(cfg) c = cfg_parse("written.ini", text, strlen(text));
	AUTOFREE char *out = c ? cfg_format(c) : NULL;

	tap_is_str(out, want, "every kind of section and value, in order");
}

/* One [share] section: read, or refused with the line and message. */
static void
share_keys_case(const char *keys, const char *error, const char *name)
{
	AUTOFREE char *text = xasprintf("[share vm1 data]\n%s", keys);
	AUTOPTR(cfg) c = cfg_parse("k.ini", text, strlen(text));

	if (!error) {
		if (!tap_ok(c != NULL, "%s: read", name))
			tap_diag("%s", vs_error_message());
	} else if (!tap_ok(!c && strstr(vs_error_message(), error),
			   "%s: refused with '%s'", name, error)) {
		tap_diag("%s", c ? "(read)" : vs_error_message());
	}
	vs_error_reset();
}

/* live, mount and persist_mount: what they set, and their rules. */
static void
test_live_keys(void)
{
	static const char text[] = "[share vm1 a]\n"
				   "dir = /srv/a\n"
				   "mount = /mnt/a\n"
				   "persist_mount = yes\n"
				   "[share vm1 b]\n"
				   "dir = /srv/b\n"
				   "live = no\n"
				   "[share vm1 c]\n"
				   "dir = /srv/c\n";
	AUTOPTR(cfg) c = cfg_parse("live.ini", text, strlen(text));

	if (!tap_ok(c && c->nshares == 3, "live keys: read"))
		return;
	tap_ok(!c->shares[0].req.config_only &&
		       STREQ(c->shares[0].req.mount, "/mnt/a") &&
		       c->shares[0].req.persist_mount,
	       "mount and persist_mount set the request; live by default");
	tap_ok(c->shares[1].req.config_only && !c->shares[1].req.mount,
	       "live = no: the definition only");
	tap_ok(!c->shares[2].req.config_only && !c->shares[2].req.persist_mount,
	       "no keys: live, nothing mounted");
	share_keys_case("dir = /srv/a\nlive = on\nmount = /mnt/a\n"
			"persist_mount = 1\n",
			NULL, "switches as on/off, 1/0");
	share_keys_case("dir = /srv/a\nlive = maybe\n",
			"k.ini:3: live takes yes or no, not 'maybe'.",
			"live = maybe");
	share_keys_case("dir = /srv/a\nmount = mnt/a\n",
			"k.ini:3: mount takes the mount point inside the "
			"guest, an absolute path",
			"a relative mount point");
	share_keys_case("dir = /srv/a\nmount = /mnt/a b\n",
			"k.ini:3: mount takes the mount point",
			"a mount point with a blank");
	share_keys_case("dir = /srv/a\npersist_mount = yes\n",
			"k.ini:3: persist_mount goes with mount = DIR",
			"persist_mount without mount");
	share_keys_case("dir = /srv/a\npersist_mount = no\n", NULL,
			"persist_mount = no without mount");
	share_keys_case("state = absent\nmount = /mnt/a\n",
			"k.ini:3: mount is for a share that is there",
			"mount with state = absent");
	share_keys_case("dir = /srv/a\nlive = no\nmount = /mnt/a\n",
			"k.ini:4: mount needs the share in the running guest, "
			"and live = no",
			"mount with live = no");
	share_keys_case("state = absent\nlive = no\n", NULL,
			"state = absent with live = no");
	share_keys_case("dir = /srv/a\nmount =\n", "k.ini:3: 'mount' has no "
			"value", "an empty mount");
	share_keys_case("dir = /srv/a\npersist-mount = yes\n",
			"keys are written with '_', as in persist_mount",
			"persist-mount");
	share_keys_case("dir = /srv/a\nmounted = /mnt\n",
			"state, live, mount, persist_mount, tag",
			"an unknown key lists the live keys");
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
	test_live_keys();
	each_file(templates, "", false);
	each_file(golden, "ini-", true);
	return tap_done();
}
