/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-fleet.c: a file of several hosts on libvirt's test driver, 1 and 3
 * hosts at a time: parts planned and applied alone, failures kept apart */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fleet.h"
#include "tap.h"

static const struct fleet_part *
part(const struct fleet *f, size_t host, const char *domain)
{
	const struct fleet_host *h = &f->hosts[host];

	for (size_t k = 0; k < h->nparts; k++)
		if (domain ? h->parts[k].domain &&
				 STREQ(h->parts[k].domain->name, domain)
			   : !h->parts[k].domain)
			return &h->parts[k];
	return NULL;
}

static enum fleet_result
result(const struct fleet *f, size_t host, const char *domain)
{
	const struct fleet_part *p = part(f, host, domain);

	return p ? p->result : FLEET_RESULT__COUNT;
}

/* Progress as it comes: the fleet calls it one call at a time. */
static void
collect(void *arg, size_t i, size_t n, const char *host, const char *domain,
	const char *what)
{
	strlist_take(arg, xasprintf("%zu/%zu %s %s: %s", i + 1, n, host,
				    domain ? domain : "-", what));
}

/*
 * Host a: test:///default, where test gets a share. Host b: a node of
 * its own whose pool of node 7 cannot be planned (no such node), so its
 * vm1 is planned but skipped when applied. Host gone: not reached.
 */
static void
test_fleet(const char *srcdir, unsigned jobs)
{
	AUTOFREE char *node = xasprintf("test://%s/tests/data/apply/node.xml",
					srcdir);
	AUTOFREE char *root =
	    xasprintf("%s/tests/data/hosts/numa-server", srcdir);
	AUTOFREE char *text = xasprintf("[host a]\nuri = test:///default\n"
					"[host b]\nuri = %s\n"
					"[host gone]\nuri = test:///nonexistent"
					"/node.xml\n"
					"[share a/test data]\ndir = /srv/data\n"
					"[hugepages b/2M@7]\npages = 1\n"
					"[share b/vm1 data]\ndir = /srv/data\n"
					"[share gone/vm1 data]\ndir = /srv/data\n",
					node);
	AUTOPTR(cfg) c = cfg_parse("fleet.ini", text, strlen(text));
	AUTOPTR(fleet) f = NULL;
	AUTOFREE char *statedir = xstrdup("/tmp/test-fleet.XXXXXX");
	AUTOFREE char *plan = NULL, *summary = NULL, *rm = NULL;
	struct strlist seen = {0};

	if (!tap_ok(c != NULL, "jobs %u: the file is read", jobs)) {
		tap_diag("%s", vs_error_message());
		return;
	}
	if (!mkdtemp(statedir))
		return;
	f = fleet_new(c, root, jobs);
	f->progress = collect;
	f->progress_arg = &seen;
	fleet_plan(f);
	tap_ok(f->n == 3 && f->hosts[0].conn && f->hosts[1].conn &&
		   !f->hosts[2].conn && f->hosts[2].code == VS_ERR_CONNECT,
	       "jobs %u: a and b reached, gone not (VS_ERR_CONNECT)", jobs);
	tap_ok(result(f, 0, "test") == FLEET_PLANNED &&
		   result(f, 1, NULL) == FLEET_REFUSED &&
		   result(f, 1, "vm1") == FLEET_PLANNED &&
		   result(f, 2, "vm1") == FLEET_SKIPPED,
	       "jobs %u: planned per part: b's pool refused, its vm1 planned, "
	       "gone's vm1 skipped",
	       jobs);
	tap_ok(fleet_changes(f), "jobs %u: there are changes", jobs);
	plan = fleet_render_plan(f);
	tap_ok(strstr(plan, "Host a (test:///default), 1 of 3:") &&
		   strstr(plan, "  not reached, skipped: ") &&
		   strstr(plan, "fleet.ini:9: "),
	       "jobs %u: the plan names each host and the refused pool's "
	       "line",
	       jobs);
	tap_ok(strlist_has(&seen, "3/3 gone -: connecting") &&
		   strlist_has(&seen, "2/3 b vm1: planning"),
	       "jobs %u: progress while planning: host i of n, domain, step",
	       jobs);
	fleet_apply(f, statedir);
	if (!tap_ok(strlist_has(&seen, "1/3 a test: Domain 'test' on "
					"test:///default"),
		    "jobs %u: progress while applying: each step's title",
		    jobs))
		for (size_t k = 0; k < seen.n; k++)
			tap_diag("%s", seen.v[k]);
	tap_ok(result(f, 0, "test") == FLEET_CHANGED,
	       "jobs %u: a's test changed", jobs);
	tap_ok(result(f, 1, "vm1") == FLEET_SKIPPED &&
		   strstr(part(f, 1, "vm1")->error, "hugepage pools"),
	       "jobs %u: b's vm1 skipped, its pools could not be planned",
	       jobs);
	tap_is_int(fleet_status(f), 4, "jobs %u: exit status 4 (gone)", jobs);
	summary = fleet_render_summary(f);
	tap_ok(strstr(summary, "  test: changed\n") &&
		   strstr(summary, "  vm1: skipped\n") &&
		   strstr(summary, "2 of 3 host(s) reached: 1 changed"),
	       "jobs %u: the summary per host and domain", jobs);
	if (!tap_ok(!strstr(summary, "  vm1: skipped\n    Not applied: the "
				     "host was not reached"),
		    "jobs %u: an unreached host's domains without the reason "
		    "again",
		    jobs))
		tap_diag("%s", summary);
	strlist_clear(&seen);
	rm = xasprintf("rm -rf '%s'", statedir);
	if (system(rm) != 0)
		tap_diag("%s failed", rm);
}

int
main(void)
{
	const char *srcdir = getenv("top_srcdir");

	if (!srcdir)
		srcdir = ".";
	test_fleet(srcdir, 1);
	test_fleet(srcdir, 3);
	return tap_done();
}
