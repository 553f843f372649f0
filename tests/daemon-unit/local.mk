## SPDX-License-Identifier: GPL-2.0-or-later
## tests/daemon-unit/local.mk: unit tests of virtshare-fsd's modules (TAP)

DAEMON_UNIT_TESTS = \
	tests/daemon-unit/test-options \
	tests/daemon-unit/test-mem \
	tests/daemon-unit/test-iov \
	tests/daemon-unit/test-lockwait \
	tests/daemon-unit/test-virtqueue \
	tests/daemon-unit/test-fuse \
	tests/daemon-unit/test-seccomp

check_PROGRAMS += $(DAEMON_UNIT_TESTS)
TESTS += $(DAEMON_UNIT_TESTS)

DAEMON_UNIT_CPPFLAGS = $(FSD_CPPFLAGS) -I$(top_srcdir)/tests
DAEMON_UNIT_LDADD = daemon/libfsd.a -lpthread

tests_daemon_unit_test_options_SOURCES = tests/daemon-unit/test-options.c
tests_daemon_unit_test_options_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_daemon_unit_test_options_LDADD = $(DAEMON_UNIT_LDADD)

tests_daemon_unit_test_mem_SOURCES = tests/daemon-unit/test-mem.c
tests_daemon_unit_test_mem_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_daemon_unit_test_mem_LDADD = $(DAEMON_UNIT_LDADD)

tests_daemon_unit_test_iov_SOURCES = tests/daemon-unit/test-iov.c
tests_daemon_unit_test_iov_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_daemon_unit_test_iov_LDADD = $(DAEMON_UNIT_LDADD)

tests_daemon_unit_test_lockwait_SOURCES = tests/daemon-unit/test-lockwait.c
tests_daemon_unit_test_lockwait_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_daemon_unit_test_lockwait_LDADD = $(DAEMON_UNIT_LDADD)

tests_daemon_unit_test_virtqueue_SOURCES = tests/daemon-unit/test-virtqueue.c
tests_daemon_unit_test_virtqueue_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_daemon_unit_test_virtqueue_LDADD = $(DAEMON_UNIT_LDADD)

tests_daemon_unit_test_fuse_SOURCES = tests/daemon-unit/test-fuse.c
tests_daemon_unit_test_fuse_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_daemon_unit_test_fuse_LDADD = $(DAEMON_UNIT_LDADD)

tests_daemon_unit_test_seccomp_SOURCES = tests/daemon-unit/test-seccomp.c
tests_daemon_unit_test_seccomp_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_daemon_unit_test_seccomp_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
tests_daemon_unit_test_seccomp_LDADD = daemon/libfsd.a $(SECCOMP_LIBS) \
	-lpthread
