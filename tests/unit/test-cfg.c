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
	    "root_ports = 0\n"
	    "backing = hugepages:2M@0\n"
	    "prune = yes\n"
	    "[domain vm3]\n"
	    "root_ports = 4\n"
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
	    "root_ports = 0\n"
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
	    "dir = /srv/kept\n"
	    "\n"
	    "[domain vm3]\n"
	    "root_ports = 4\n";
	AUTOPTR(cfg) c = cfg_parse("written.ini", text, strlen(text));
	AUTOFREE char *out = c ? cfg_format(c) : NULL;

	tap_is_str(out, want, "every kind of section and value, in order");
}

/* One section header, then keys: read, or refused with the line and
 * message. */
static void
section_case(const char *header, const char *keys, const char *error,
	     const char *name)
{
	AUTOFREE char *text = xasprintf("%s\n%s", header, keys);
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

/* One [share] section, as section_case(). */
static void
share_keys_case(const char *keys, const char *error, const char *name)
{
	section_case("[share vm1 data]", keys, error, name);
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

/* root_ports of [domain]: what it sets, its range, and where it goes. */
static void
test_root_ports(void)
{
	static const char text[] = "[domain vm1]\n"
				   "root_ports = 32\n"
				   "[share vm1 a]\n"
				   "dir = /srv/a\n"
				   "[domain vm2]\n"
				   "root_ports = 0\n"
				   "[share vm3 c]\n"
				   "dir = /srv/c\n";
	AUTOPTR(cfg) c = cfg_parse("ports.ini", text, strlen(text));

	if (!tap_ok(c && c->ndomains == 3, "root_ports: read"))
		return;
	tap_ok(c->domains[0].root_ports_given &&
		       c->domains[0].root_ports == 32,
	       "root_ports = 32: the most, set");
	tap_ok(c->domains[1].root_ports_given &&
		       c->domains[1].root_ports == 0,
	       "root_ports = 0: none, set");
	tap_ok(!c->domains[2].root_ports_given,
	       "a domain named by its share alone: the default");
	section_case("[domain vm1]", "root_ports = 33\n",
		     "k.ini:2: root_ports takes a whole number from 0 to 32, "
		     "not '33'.",
		     "root_ports = 33");
	section_case("[domain vm1]", "root_ports = -1\n",
		     "k.ini:2: root_ports takes a whole number from 0 to 32, "
		     "not '-1'.",
		     "root_ports = -1");
	section_case("[domain vm1]", "root_ports = 4x\n",
		     "k.ini:2: root_ports takes a whole number from 0 to 32, "
		     "not '4x'.",
		     "root_ports = 4x");
	section_case("[domain vm1]", "prune = yes\nroot_ports =\n",
		     "k.ini:3: 'root_ports' has no value", "an empty root_ports");
	section_case("[domain vm1]", "root-ports = 2\n",
		     "k.ini:2: Unknown key 'root-ports' in [domain vm1]: keys "
		     "are written with '_', as in root_ports.",
		     "root-ports");
	section_case("[domain vm1]", "ports = 2\n",
		     "k.ini:2: Unknown key 'ports' in [domain vm1]. [domain "
		     "NAME] takes: backing, prune, root_ports.",
		     "an unknown key of [domain] lists root_ports");
	share_keys_case("dir = /srv/a\nroot_ports = 2\n",
			"k.ini:3: root_ports is a key of [domain NAME], not of "
			"a share",
			"root_ports in a [share] section");
}

/* A file of several hosts, written host by host with every HOST/. */
static void
test_hosts_written(void)
{
	static const char text[] =
	    "[host b]\n"
	    "uri = test:///b\n"
	    "[host a]\n"
	    "uri = test:///a\n"
	    "[share vm2 data]\n"
	    "dir = /srv/data\n"
	    "[share a/vm2 logs]\n"
	    "dir = /srv/logs\n"
	    "[domain b/vm1]\n"
	    "prune = yes\n"
	    "[share b/vm1 data]\n"
	    "dir = /srv/b\n"
	    "[hugepages a/2M@0]\n"
	    "pages = 8\n"
	    "[share \"b/big vm\" data]\n"
	    "dir = /srv/b\n";
	static const char want[] =
	    "[host b]\n"
	    "uri = test:///b\n"
	    "\n"
	    "[domain b/vm1]\n"
	    "prune = yes\n"
	    "\n"
	    "[share b/vm1 data]\n"
	    "dir = /srv/b\n"
	    "\n"
	    "[share \"b/big vm\" data]\n"
	    "dir = /srv/b\n"
	    "\n"
	    "[host a]\n"
	    "uri = test:///a\n"
	    "\n"
	    "[hugepages a/2M@0]\n"
	    "pages = 8\n"
	    "\n"
	    "[share a/vm2 data]\n"
	    "dir = /srv/data\n"
	    "\n"
	    "[share a/vm2 logs]\n"
	    "dir = /srv/logs\n";
	AUTOPTR(cfg) c = cfg_parse("hosts.ini", text, strlen(text));
	AUTOFREE char *out = c ? cfg_format(c) : NULL;

	if (!c)
		tap_diag("%s", vs_error_message());
	tap_is_str(out, want, "hosts: each with its pools and domains");
	tap_ok(c && c->nhosts == 2 && c->ndomains == 3 &&
		   STREQ(c->domains[0].host, "a") &&
		   STREQ(c->domains[1].host, "b"),
	       "hosts: vm2 named alone is on a, where a/vm2 puts it");
	tap_ok(c && cfg_host_find(c, "a") == &c->hosts[1] &&
		   !cfg_host_find(c, "c"),
	       "cfg_host_find");
}

/* Every refusal of the host sections and of HOST/NAME. */
static void
test_hosts_refused(void)
{
	static const struct {
		const char *name;
		const char *text;
		const char *err;
	} cases[] = {
	    {"unknown host", "[host a]\nuri = test:///a\n[share c/vm1 d]\n"
			     "dir = /d\n",
	     "x.ini:3: [share c/vm1 d] names host 'c', which has no [host c] "
	     "section. The file's hosts are: a."},
	    {"host prefix without hosts", "[share a/vm1 d]\ndir = /d\n",
	     "x.ini:1: [share a/vm1 d] puts 'vm1' on host 'a', but the file "
	     "names no host"},
	    {"domain on two hosts, bare",
	     "[host a]\nuri = test:///a\n[host b]\nuri = test:///b\n"
	     "[domain a/vm1]\n[domain b/vm1]\n[share vm1 d]\ndir = /d\n",
	     "x.ini:7: [share vm1 d]: domain 'vm1' is on host a (line 5) and "
	     "on host b (line 6): write a/vm1 or b/vm1 to say which."},
	    {"domain on no host, several hosts",
	     "[host a]\nuri = test:///a\n[host b]\nuri = test:///b\n"
	     "[domain vm1]\n",
	     "x.ini:5: [domain vm1]: on which host? The file names several: "
	     "write HOST/vm1 with one of a, b."},
	    {"pool on no host, several hosts",
	     "[host a]\nuri = test:///a\n[host b]\nuri = test:///b\n"
	     "[hugepages 2M]\npages = 1\n",
	     "x.ini:5: [hugepages 2M]: on which host? The file names "
	     "several: write HOST/2M with one of a, b."},
	    {"host without uri", "[host a]\n",
	     "x.ini:1: [host a] needs uri = URI"},
	    {"host with another key", "[host a]\nuri = test:///a\nport = 1\n",
	     "x.ini:3: Unknown key 'port' in [host a]. [host NAME] takes: uri."},
	    {"bad host name", "[host a:b]\nuri = test:///a\n",
	     "x.ini:1: 'a:b' cannot name a host"},
	    {"two hosts, one uri",
	     "[host a]\nuri = test:///a\n[host b]\nuri = test:///a\n",
	     "x.ini:3: [host b] has the uri of [host a] (line 1)"},
	    {"host twice", "[host a]\nuri = test:///a\n[host a]\n"
			   "uri = test:///b\n",
	     "x.ini:3: [host a] comes twice (first on line 1)"},
	    {"[host] with [host NAME]",
	     "[host]\nuri = test:///x\n[host a]\nuri = test:///a\n",
	     "x.ini:1: [host] without a name cannot go with [host NAME] "
	     "sections: name this host too, as in [host a]."},
	    {"same domain section, bare and with its host",
	     "[host a]\nuri = test:///a\n[host b]\nuri = test:///b\n"
	     "[domain a/vm1]\nprune = yes\n[domain vm1]\nprune = no\n",
	     "x.ini:7: [domain vm1] comes twice (first on line 5)"},
	    {"HOST/ with no name", "[host a]\nuri = test:///a\n"
				   "[domain a/]\n",
	     "x.ini:3: [domain a/] is not a section virtshare knows: write "
	     "HOST/NAME"},
	    {"one tag twice on one host",
	     "[host a]\nuri = test:///a\n[share a/vm1 d]\ndir = /d\n"
	     "[share vm1 e]\ntag = d\ndir = /e\n",
	     "x.ini:5: The tag 'd' of domain 'vm1' is also the tag of the "
	     "share on line 3"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		AUTOPTR(cfg) c = cfg_parse("x.ini", cases[i].text,
					   strlen(cases[i].text));

		if (!tap_ok(!c && strstr(vs_error_message(), cases[i].err),
			    "refused: %s", cases[i].name))
			tap_diag("got: %s", c ? "(accepted)" : vs_error_message());
		vs_error_reset();
	}
	/* One tag on two hosts' domains of one name is two shares. */
	{
		static const char text[] =
		    "[host a]\nuri = test:///a\n[host b]\nuri = test:///b\n"
		    "[share a/vm1 d]\ndir = /d\n[share b/vm1 d]\ndir = /d\n";
		AUTOPTR(cfg) c = cfg_parse("x.ini", text, strlen(text));

		tap_ok(c && c->nshares == 2 && c->ndomains == 2,
		       "accepted: one tag in vm1 of a and vm1 of b");
	}
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
	test_root_ports();
	test_hosts_written();
	test_hosts_refused();
	each_file(templates, "", false);
	each_file(golden, "ini-", true);
	return tap_done();
}
