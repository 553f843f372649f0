## SPDX-License-Identifier: GPL-2.0-or-later
## tests/remote/local.mk: virtshare against private libvirt hosts over ssh (root)
remote_tests = tests/remote/harness.sh tests/remote/commands.sh \
	tests/remote/fixes.sh tests/remote/fleet.sh
TESTS += $(remote_tests)
EXTRA_DIST += $(remote_tests) tests/remote/lib.sh
