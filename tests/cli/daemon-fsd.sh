#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# daemon-fsd.sh: `virtshare daemon` with the real virtshare-fsd: a vhost-user
# front end (tests/unit/launch-probe) reads a file through the launched
# socket, as QEMU's user; the daemon exits when it hangs up.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/daemon-lib.sh"

FSD=${VIRTSHARE_FSD:-$top_builddir/daemon/virtshare-fsd}
PROBE=$top_builddir/tests/unit/launch-probe
export VIRTSHARE_FSD=$FSD VIRTSHARE_RUNDIR=$TESTTMP/run
unset LIBVIRT_DEFAULT_URI VIRTSHARE_URI
trap 'stop_all; test_account_cleanup; rm -rf "$TESTTMP"' EXIT

if [ ! -x "$FSD" ] || ! command -v jq > /dev/null; then
	skip "virtshare daemon with virtshare-fsd" "no $FSD, or no jq"
	done_testing
	exit
fi
SHARE=$TESTTMP/share
mkdir -p "$SHARE"
echo "served by a launched virtshare-fsd" > "$SHARE/hello.txt"
chmod 711 "$TESTTMP"

# As root the socket goes to a qemu.conf user made for the test, and the
# front end runs as that user; otherwise it is all the caller's.
as_qemu=()
if test_account "vsfu$$" "vsfg$$" &&
	runuser -u "vsfu$$" -- test -x "$PROBE"; then
	mkdir -p "$TESTTMP/host/etc/libvirt"
	printf 'user = "vsfu%s"\ngroup = "vsfg%s"\n' $$ $$ \
		> "$TESTTMP/host/etc/libvirt/qemu.conf"
	conn=(--root "$TESTTMP/host" -c qemu:///system)
	as_qemu=(runuser -u "vsfu$$" --)
	echo "# the front end runs as vsfu$$, qemu.conf's user"
else
	conn=(-c qemu:///session)
	echo "# the front end runs as $(id -un): no test account here"
fi
sock=$VIRTSHARE_RUNDIR/vm1-data.sock

out=$(vs "${conn[@]}" daemon start vm1 data --dir "$SHARE" --cache auto 2>&1)
check "start virtshare-fsd" grep -q '^Started virtshare-fsd for vm1-data' <<< "$out"
pid=$(field .pid vm1 data)
check "it is virtshare-fsd" test "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$FSD")"
check "detached: its own session, not a session leader" \
	test "$(ps -o sid= -p "$pid" | tr -d ' ')" != "$pid" -a \
	"$(ps -o sid= -p "$pid" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')"
check "stdin is /dev/null, output goes to the log" \
	test "$(readlink "/proc/$pid/fd/0")" = /dev/null -a \
	"$(readlink "/proc/$pid/fd/2")" = "$VIRTSHARE_RUNDIR/vm1-data.log"
check "listening" test "$(field .listening vm1 data)" = true
out=$("${as_qemu[@]}" "$PROBE" "$sock" hello.txt 2>&1)
check "QEMU's user reads a file through the socket" \
	test "$out" = "served by a launched virtshare-fsd"
[ "$out" = "served by a launched virtshare-fsd" ] || echo "# $out"
check "the daemon exits when the front end hangs up" wait_state stale vm1 data
check "and is gone" gone "$pid"

out=$(vs "${conn[@]}" daemon start vm1 data 2>&1)
check "started again for the next boot" grep -q '^Started' <<< "$out"
if [ ${#as_qemu[@]} -gt 0 ] && runuser -u nobody -- test -x "$PROBE"; then
	check "another user is refused by the socket's mode" \
		bash -c "! runuser -u nobody -- '$PROBE' '$sock' hello.txt"
else
	skip "another user is refused by the socket's mode" "needs root"
fi
pid=$(field .pid vm1 data)
out=$(vs daemon stop vm1 data)
check "stop" grep -q "^Stopped virtshare-fsd for vm1-data (pid $pid)" <<< "$out"
check "the daemon is gone" gone "$pid"
check "its socket is removed" test ! -e "$sock"
done_testing
