/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-compat.c: the version table, the effective versions, the formatter */
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "inspect.h"
#include "tap.h"
#include "util.h"

/* The thresholds libvirt's and QEMU's release notes give. */
static void
test_thresholds(void)
{
	static const struct {
		enum compat_feature f;
		enum compat_component who;
		const char *since;
	} cases[] = {
		{COMPAT_MEMFD, COMPAT_LIBVIRT, "4.10.0"},
		{COMPAT_VIRTIOFS, COMPAT_LIBVIRT, "6.2.0"},
		{COMPAT_NO_NUMA, COMPAT_LIBVIRT, "6.9.0"},
		{COMPAT_QEMU_NO_NUMA, COMPAT_QEMU, "5.0.0"},
		{COMPAT_SANDBOX, COMPAT_LIBVIRT, "7.2.0"},
		{COMPAT_SOCKET, COMPAT_LIBVIRT, "7.3.0"},
		{COMPAT_THREAD_POOL, COMPAT_LIBVIRT, "8.5.0"},
		{COMPAT_IDMAP, COMPAT_LIBVIRT, "10.0.0"},
		{COMPAT_SESSION, COMPAT_LIBVIRT, "10.0.0"},
		{COMPAT_OPENFILES, COMPAT_LIBVIRT, "10.6.0"},
		{COMPAT_READONLY, COMPAT_LIBVIRT, "11.0.0"},
		{COMPAT_QEMU_MIGRATION, COMPAT_QEMU, "8.2.0"},
		{COMPAT_HOTPLUG, COMPAT_LIBVIRT, "7.9.0"},
	};

	tap_is_int(ARRAY_SIZE(cases), COMPAT_NFEATURES,
		   "every feature has a case");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct compat_entry *e = compat_entry(cases[i].f);
		AUTOFREE char *s = compat_version_str(e->since);
		unsigned long since = compat_since(cases[i].f);

		tap_ok(e->feature == cases[i].f && e->component == cases[i].who &&
			       e->what && *e->what,
		       "%s: entry in place", cases[i].since);
		tap_is_str(s, cases[i].since, "%s: since", e->what);
		tap_ok(compat_allows(cases[i].f, since) &&
			       compat_allows(cases[i].f, since + 1000000) &&
			       !compat_allows(cases[i].f, since - 1),
		       "%s: allowed from %s on", e->what, cases[i].since);
		tap_ok(compat_allows(cases[i].f, 0),
		       "%s: an unknown version is not checked", e->what);
	}
}

static void
test_versions(void)
{
	struct inspection in;
	AUTOFREE char *a = compat_version_str(COMPAT_VERSION(9, 0, 0));
	AUTOFREE char *b = compat_version_str(COMPAT_VERSION(10, 10, 12));

	tap_is_str(a, "9.0.0", "format 9.0.0");
	tap_is_str(b, "10.10.12", "format 10.10.12");

	memset(&in, 0, sizeof(in));
	in.virt.lib_version = COMPAT_VERSION(9, 0, 0);
	in.virt.daemon_version = COMPAT_VERSION(10, 0, 0);
	in.virt.hv_version = COMPAT_VERSION(7, 2, 0);
	in.virt.driver = "QEMU";
	tap_is_int(compat_libvirt(inspection_virt(&in)), 0, "no libvirt: no version");
	tap_is_int(compat_qemu(inspection_virt(&in)), 0, "no libvirt: no QEMU version");
	tap_is_int(compat_libvirt(inspection_virt(NULL)), 0, "no inspection: no version");
	in.have_virt = true;
	tap_is_int(compat_libvirt(inspection_virt(&in)), COMPAT_VERSION(10, 0, 0),
		   "the daemon's version counts");
	in.virt.daemon_version = 0;
	tap_is_int(compat_libvirt(inspection_virt(&in)), COMPAT_VERSION(9, 0, 0),
		   "else the library's");
	tap_is_int(compat_qemu(inspection_virt(&in)), COMPAT_VERSION(7, 2, 0),
		   "QEMU driver: the hypervisor is QEMU");
	in.virt.driver = "Test";
	tap_is_int(compat_qemu(inspection_virt(&in)), 0, "another driver: no QEMU version");
}

int
main(void)
{
	test_thresholds();
	test_versions();
	return tap_done();
}
