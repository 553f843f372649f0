/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-backing.c: which memory backing is chosen, and the reasons given */
#include <stdlib.h>
#include <string.h>

#include "backing.h"
#include "error.h"
#include "tap.h"

struct choose_case {
	const char *name;
	const char *host;   /* tests/data/hosts/NAME */
	const char *domain; /* tests/golden/NAME.in.xml */
	const char *libvirt; /* NULL: no libvirt */
	const char *qemu;
	const char *sources; /* memory source types, comma separated */
	const char *chosen;  /* backing name, or NULL: refused */
	const char *possible; /* memfd file hugepages numa: 1 or 0 each */
	const char *reason;  /* a word the chosen line must hold */
};

static const struct choose_case cases[] = {
	{"plain guest, libvirt 9.0 and QEMU 7.2", "laptop", "share-memfd",
	 "9.0.0", "7.2.0", "file,anonymous,memfd", "memfd", "1110",
	 "no host setup"},
	{"memory already shared is kept", "laptop", "share-keep-shared",
	 "9.0.0", "7.2.0", "file,anonymous,memfd", "keep", "1110",
	 "already shared"},
	{"hugepages in use are kept", "numa-server", "share-hugepages-keep",
	 "9.0.0", "7.2.0", "file,anonymous,memfd", "hugepages", "1110",
	 "hugepages"},
	{"hugepages on a file source are kept", "laptop",
	 "share-hugepages-file-source",
	 "9.0.0", "7.2.0", "file,anonymous,memfd", "hugepages", "1110",
	 "hugepages"},
	{"no libvirt: memfd", "laptop", "share-memfd", NULL, NULL, NULL,
	 "memfd", "1110", "memfd"},
	{"no memfd in the domain capabilities: file", "laptop",
	 "share-memfd", "9.0.0", "7.2.0", "file,anonymous", "file", "0110",
	 "memfd is not possible"},
	{"libvirt 4.5 with NUMA cells: the NUMA form", "laptop",
	 "share-numa-private", "4.5.0", "2.12.0", NULL, "numa", "0111",
	 "NUMA cells"},
	{"libvirt 6.0 with NUMA cells: memfd, cells shared", "laptop",
	 "share-numa-private", "6.0.0", "4.2.0", NULL, "memfd", "1111",
	 "memfd"},
	{"QEMU 4.2 without NUMA cells: nothing works", "laptop",
	 "share-memfd", "9.0.0", "4.2.0", NULL, NULL, "0010", NULL},
	{"memory_backing_dir on a disk is said", "disk-backing-dir",
	 "share-memfd", "9.0.0", "7.2.0", NULL, "memfd", "1110", "memfd"},
};

static unsigned long
version_parse(const char *s)
{
	unsigned a = 0, b = 0, c = 0;

	if (!s || sscanf(s, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return a * 1000000UL + b * 1000UL + c;
}

static struct inspection *
fake_inspection(const char *srcdir, const struct choose_case *c)
{
	AUTOFREE char *root = xasprintf("%s/tests/data/hosts/%s", srcdir,
					c->host);
	struct inspection *in = inspection_gather(root, NULL, NULL, 0);

	if (!c->libvirt)
		return in;
	in->have_virt = true;
	in->virt.daemon_version = version_parse(c->libvirt);
	in->virt.hv_version = version_parse(c->qemu);
	in->virt.driver = xstrdup("QEMU");
	if (c->sources) {
		AUTOFREE char *copy = xstrdup(c->sources);
		char *save = NULL;

		in->virt.domcaps_known = true;
		for (char *t = strtok_r(copy, ",", &save); t;
		     t = strtok_r(NULL, ",", &save))
			strlist_add(&in->virt.source_types, t);
	}
	return in;
}

static void
test_case(const char *srcdir, const struct choose_case *c)
{
	AUTOPTR(inspection) in = fake_inspection(srcdir, c);
	AUTOFREE char *path = xasprintf("%s/tests/golden/%s.in.xml", srcdir,
					c->domain);
	AUTOFREE char *xml = file_read(path, 1 << 20, NULL);
	AUTOPTR(domxml) d = domxml_parse(xml, path);
	struct backing_choice bc;
	char possible[BACKING_NOPTIONS + 1] = {0};
	int ret = backing_choose(in, d, &bc);

	for (size_t i = 0; i < BACKING_NOPTIONS; i++)
		possible[i] = bc.options[i].possible ? '1' : '0';
	if (c->chosen)
		tap_ok(ret == 0 &&
			       STREQ(domxml_backing_name(bc.chosen.kind),
				     c->chosen) &&
			       strstr(bc.why, c->reason),
		       "%s: %s", c->name, c->chosen);
	else
		tap_ok(ret < 0 && vs_error_code() == VS_ERR_UNSUPPORTED,
		       "%s: refused", c->name);
	if (ret == 0)
		tap_diag("why: %s", bc.why);
	tap_is_str(possible, c->possible, "%s: what is possible", c->name);
	for (size_t i = 0; i < BACKING_NOPTIONS; i++)
		tap_ok(bc.options[i].reason &&
			       STRPREFIX(bc.options[i].reason,
					 domxml_backing_name(
					     bc.options[i].backing.kind)),
		       "%s: a reason for %s", c->name,
		       domxml_backing_name(bc.options[i].backing.kind));
	backing_choice_clear(&bc);
}

int
main(void)
{
	const char *srcdir = getenv("top_srcdir");
	AUTOFREE char *root = NULL;
	AUTOPTR(inspection) in = NULL;
	struct backing_choice bc;
	AUTOFREE char *path = NULL, *xml = NULL;
	AUTOPTR(domxml) d = NULL;

	if (!srcdir)
		srcdir = ".";
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		test_case(srcdir, &cases[i]);

	/* The file reason names the disk. */
	root = xasprintf("%s/tests/data/hosts/disk-backing-dir", srcdir);
	in = inspection_gather(root, NULL, NULL, 0);
	path = xasprintf("%s/tests/golden/share-memfd.in.xml", srcdir);
	xml = file_read(path, 1 << 20, NULL);
	d = domxml_parse(xml, path);
	backing_choose(in, d, &bc);
	tap_ok(strstr(bc.options[1].reason, "on a disk") != NULL,
	       "file on a disk: %s", bc.options[1].reason);
	backing_choice_clear(&bc);
	return tap_done();
}
