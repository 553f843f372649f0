#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# seccomp-log-ours.sh: the opcode and hostile suites under --seccomp=log make
# the kernel log no system call outside virtshare-fsd's allow-list (issue 7)
top_builddir=${top_builddir:-.}
srcdir=${srcdir:-.}
fsd=${VIRTSHARE_FSD:-$top_builddir/daemon/virtshare-fsd}
# Audit records of the log action (code 0x7ffc0000) from our daemon.
logged() {
	dmesg 2>/dev/null | grep 'type=1326' | grep 'comm="virtshare-fsd"' |
		grep -c 'code=0x7ffc0000'
}
if ! dmesg >/dev/null 2>&1; then
	echo "1..0 # SKIP the kernel log (dmesg) is not readable"
	exit 0
fi
before=$(logged)
VS_FSD_ARGS=--seccomp=log "$top_builddir/tests/daemon/fuse-ops" --kind=ours \
	--daemon="$fsd" >/dev/null 2>&1
ops=$?
VS_FSD_ARGS=--seccomp=log "$top_builddir/tests/daemon/hostile" \
	--daemon="$fsd" >/dev/null 2>&1
hostile=$?
# Unsandboxed, the daemon also removes its socket itself.
VS_FSD_ARGS="--seccomp=log --sandbox=none" "$top_builddir/tests/daemon/fuse-ops" \
	--kind=ours --daemon="$fsd" >/dev/null 2>&1
none=$?
after=$(logged)
echo "1..4"
[ $ops -eq 0 ] && echo "ok 1 - the opcode suite passes under --seccomp=log" ||
	echo "not ok 1 - the opcode suite passes under --seccomp=log"
[ $hostile -eq 0 ] && echo "ok 2 - the hostile suite passes under --seccomp=log" ||
	echo "not ok 2 - the hostile suite passes under --seccomp=log"
[ $none -eq 0 ] && echo "ok 3 - the opcode suite passes with --sandbox=none" ||
	echo "not ok 3 - the opcode suite passes with --sandbox=none"
if [ "$before" = "$after" ]; then
	echo "ok 4 - no system call outside the allow-list was logged"
else
	echo "not ok 4 - system calls outside the allow-list were logged:"
	dmesg | grep 'type=1326' | grep 'comm="virtshare-fsd"' |
		grep 'code=0x7ffc0000' | tail -n $((after - before)) |
		sed 's/^/#   /'
fi
