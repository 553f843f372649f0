## SPDX-License-Identifier: GPL-2.0-or-later
## tests/cli/local.mk: the `virtshare` command line, case by case
cli_tests = tests/cli/run-cases.sh tests/cli/inspect-libvirtd.sh \
	tests/cli/share-libvirtd.sh \
	tests/cli/pages-live.sh \
	tests/cli/daemon.sh tests/cli/daemon-fsd.sh \
	tests/cli/apply-libvirtd.sh \
	tests/cli/doctor.sh tests/cli/doctor-socket.sh tests/cli/doctor-libvirtd.sh \
	tests/cli/completion.sh tests/cli/manpages.sh
TESTS += $(cli_tests)
EXTRA_DIST += $(cli_tests) tests/cli/lib.sh tests/cli/libvirtd.sh \
	tests/cli/daemon-lib.sh \
	tests/cli/cases
