## SPDX-License-Identifier: GPL-2.0-or-later
## tests/daemon/local.mk: the vhost-user test client and the FUSE opcode suite

# The client library: also linked by bench/ and the hostile-request suite.
check_LIBRARIES += tests/daemon/libvuclient.a
tests_daemon_libvuclient_a_SOURCES = \
	tests/daemon/vuclient.c tests/daemon/vuclient.h \
	tests/daemon/fusecl.c tests/daemon/fusecl.h \
	tests/daemon/spawn.c tests/daemon/spawn.h

check_PROGRAMS += tests/daemon/fuse-ops
tests_daemon_fuse_ops_SOURCES = tests/daemon/fuse-ops.c
tests_daemon_fuse_ops_LDADD = tests/daemon/libvuclient.a

check_PROGRAMS += tests/daemon/hostile
tests_daemon_hostile_SOURCES = tests/daemon/hostile.c
tests_daemon_hostile_LDADD = tests/daemon/libvuclient.a

# Same suite, two daemons: ours, and QEMU's C virtiofsd to prove the client.
DAEMON_TESTS = \
	tests/daemon/fuse-ops-ours.sh \
	tests/daemon/fuse-ops-reference.sh \
	tests/daemon/hostile-ours.sh
TESTS += $(DAEMON_TESTS)
EXTRA_DIST += $(DAEMON_TESTS)

# The sandbox, capabilities and seccomp of our daemon, checked from the host.
check_PROGRAMS += tests/daemon/sandbox
tests_daemon_sandbox_SOURCES = tests/daemon/sandbox.c
tests_daemon_sandbox_LDADD = tests/daemon/libvuclient.a
TESTS += tests/daemon/sandbox-ours.sh tests/daemon/seccomp-log-ours.sh
EXTRA_DIST += tests/daemon/sandbox-ours.sh tests/daemon/seccomp-log-ours.sh
