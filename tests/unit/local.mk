## SPDX-License-Identifier: GPL-2.0-or-later
## tests/unit/local.mk: unit tests of the core (no libvirt daemon needed)

VS_TEST_CPPFLAGS = $(src_libvirtshare_a_CPPFLAGS) -I$(top_srcdir)/tests
unit_tests = tests/unit/test-util tests/unit/test-qemuconf tests/unit/test-host \
	tests/unit/test-pages
check_PROGRAMS += $(unit_tests)
TESTS += $(unit_tests)

tests_unit_test_util_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_util_LDADD = $(VS_CORE_LIBS)
tests_unit_test_qemuconf_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_qemuconf_LDADD = $(VS_CORE_LIBS)
tests_unit_test_host_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_host_LDADD = $(VS_CORE_LIBS)

unit_tests += tests/unit/test-diff
# Modules of the core each with a test of their own.
unit_tests += tests/unit/test-json tests/unit/test-table tests/unit/test-error
tests_unit_test_json_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_json_LDADD = $(VS_CORE_LIBS)
tests_unit_test_table_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_table_LDADD = $(VS_CORE_LIBS)
tests_unit_test_error_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_error_LDADD = $(VS_CORE_LIBS) -lpthread
# libvirt's calls on its test driver (in process: no daemon).
unit_tests += tests/unit/test-virt
tests_unit_test_virt_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_virt_LDADD = $(VS_CORE_LIBS)
unit_tests += tests/unit/test-fleet
tests_unit_test_fleet_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_fleet_LDADD = $(VS_CORE_LIBS)
unit_tests += tests/unit/test-compat tests/unit/test-cfg
tests_unit_test_cfg_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_cfg_LDADD = $(VS_CORE_LIBS)
tests_unit_test_compat_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_compat_LDADD = $(VS_CORE_LIBS)
tests_unit_test_diff_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_diff_LDADD = $(VS_CORE_LIBS)

# Plans through libvirt's test driver (one process: it keeps no state).
unit_tests += tests/unit/test-plan tests/unit/test-backing
tests_unit_test_plan_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_plan_LDADD = $(VS_CORE_LIBS)
tests_unit_test_backing_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_backing_LDADD = $(VS_CORE_LIBS)

tests_unit_test_pages_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_pages_LDADD = $(VS_CORE_LIBS)

# The launcher against a stand-in daemon (same options, one front end).
unit_tests += tests/unit/test-launch
check_PROGRAMS += tests/unit/fake-fsd
tests_unit_test_launch_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_launch_LDADD = $(VS_CORE_LIBS)
tests_unit_fake_fsd_SOURCES = tests/unit/fake-fsd.c
# A vhost-user front end for the launched real daemon (tests/cli/daemon-fsd.sh).
check_PROGRAMS += tests/unit/launch-probe
tests_unit_launch_probe_SOURCES = tests/unit/launch-probe.c
tests_unit_launch_probe_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/daemon
tests_unit_launch_probe_LDADD = tests/daemon/libvuclient.a

# INI files applied on the test driver, twice, with fake-fsd as daemon.
unit_tests += tests/unit/test-apply
tests_unit_test_apply_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_apply_LDADD = $(VS_CORE_LIBS)
# The doctor's checks that need a QEMU driver, session mode or one process.
unit_tests += tests/unit/test-doctor
tests_unit_test_doctor_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_doctor_LDADD = $(VS_CORE_LIBS)

# Live sharing (issue 16): the guest's fstab line, edited as text.
unit_tests += tests/unit/test-fstab
tests_unit_test_fstab_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_fstab_LDADD = $(VS_CORE_LIBS)
# Hot-plug readiness of live domain XML (tests/data/hotplug).
unit_tests += tests/unit/test-hotplug
tests_unit_test_hotplug_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_hotplug_LDADD = $(VS_CORE_LIBS)
# The guest agent's commands against a simulated qemu-ga and guest.
unit_tests += tests/unit/test-agent
tests_unit_test_agent_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_unit_test_agent_LDADD = $(VS_CORE_LIBS)
