#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# daemon.sh: `virtshare daemon` start/status/stop/restart/list/install-unit
# on a real process (tests/unit/fake-fsd: the daemon's options, its socket
# and its one-front-end life), socket ownership against qemu.conf's user.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/daemon-lib.sh"

FAKE=$top_builddir/tests/unit/fake-fsd
export VIRTSHARE_FSD=$FAKE VIRTSHARE_RUNDIR=$TESTTMP/run
export VIRTSHARE_CONFDIR=$TESTTMP/conf
unset FAKE_FSD_MODE LIBVIRT_DEFAULT_URI VIRTSHARE_URI
SHARE=$TESTTMP/share
mkdir -p "$SHARE"
trap 'stop_all; test_account_cleanup; rm -rf "$TESTTMP"' EXIT

if ! command -v jq > /dev/null; then
	skip "daemon CLI" "jq is not installed"
	done_testing
	exit
fi

# ---- the life of one share -----------------------------------------------
me=$(id -un)
myg=$(id -gn)
out=$(vs -c qemu:///session daemon start vm1 data --dir "$SHARE" \
	--cache auto --xattr 2>&1)
check "start DOMAIN TAG" grep -q '^Started virtshare-fsd for vm1-data (pid' <<< "$out"
sock=$VIRTSHARE_RUNDIR/vm1-data.sock
check "the socket is at RUNDIR/DOMAIN-TAG.sock" test -S "$sock"
check "status: running and listening" \
	test "$(field '.state + " " + (.listening|tostring)' vm1 data)" = "running true"
check "session: the socket is the caller's, mode 600" \
	test "$(sock_stat "$sock")" = "$me:$myg 600"
pid=$(cat "$VIRTSHARE_RUNDIR/vm1-data.pid")
check "the pid file names the daemon" \
	test "$(readlink /proc/"$pid"/exe)" = "$(readlink -f "$FAKE")"
check "status --json has the options" \
	test "$(field '.options.cache + " " + (.options.xattr|tostring)' vm1 data)" = "auto true"
out=$(vs daemon status vm1 data)
check "status text" grep -q '^vm1-data: running, waiting for QEMU to connect' <<< "$out"
check "status shows the log tail" grep -q 'fake-fsd: listening on' <<< "$out"

out=$(vs daemon start vm1 data 2>&1); rc=$?
check "a second start is refused (exit 3)" test "$rc" = 3
check "and says which daemon serves the socket" grep -q "already serves the socket $sock" <<< "$out"
check "the first daemon still runs" alive "$pid"

out=$(vs daemon list)
check "list" grep -qE "^vm1-data +running +$pid +$SHARE +$sock\$" <<< "$out"

# kill -9: the files stay, status says stale, start cleans up
kill -9 "$pid"
check "kill -9: stale" wait_state stale vm1 data
check "the dead daemon's socket is left" test -S "$sock"
out=$(vs daemon status vm1 data)
check "stale status says how to start it again" \
	grep -q '^    virtshare daemon start vm1 data$' <<< "$out"
out=$(vs daemon start vm1 data 2>&1)
check "start after kill -9" grep -q '^Started' <<< "$out"
pid2=$(cat "$VIRTSHARE_RUNDIR/vm1-data.pid")
check "a new daemon, the old options" \
	test "$pid2" != "$pid" -a "$(field .options.cache vm1 data)" = auto

# a front end connects and hangs up: the daemon exits, as virtiofsd does
check "a front end connects" "$FAKE" --connect "$sock"
check "after it hangs up the daemon is gone" wait_state stale vm1 data
out=$(vs daemon stop vm1 data)
check "stop of an exited daemon cleans up" grep -q 'had already exited' <<< "$out"
check "socket and pid file removed" \
	test ! -e "$sock" -a ! -e "$VIRTSHARE_RUNDIR/vm1-data.pid"

out=$(vs daemon restart vm1 data)
check "restart a stopped share" grep -q '^Restarted virtshare-fsd for vm1-data' <<< "$out"
pid3=$(field .pid vm1 data)
out=$(vs daemon restart vm1 data --grace 2 --timeout 5)
pid4=$(field .pid vm1 data)
check "restart a running share: a new process" test "$pid4" != "$pid3"
check "the old one is gone" gone "$pid3"
out=$(vs daemon stop vm1 data)
check "stop" grep -q "^Stopped virtshare-fsd for vm1-data (pid $pid4)" <<< "$out"
check "stopped: status says so" test "$(field .state vm1 data)" = stopped
check "stopped: no pid" test "$(field .pid vm1 data)" = null
out=$(vs daemon stop vm1 data)
check "stop again" grep -q 'was not running' <<< "$out"

# ---- the explicit form ------------------------------------------------------
mkdir -p "$TESTTMP/elsewhere"
out=$(cd "$TESTTMP" && vs -c qemu:///session daemon start --dir share \
	--socket elsewhere/fs.sock --tag t --readonly 2>&1)
check "start --dir --socket (relative paths)" grep -q '^Started' <<< "$out"
check "its socket" test -S "$TESTTMP/elsewhere/fs.sock"
check "status --socket" \
	test "$(field .tag --socket "$TESTTMP/elsewhere/fs.sock")" = t
out=$(vs daemon list --json | jq -r '.daemons[].name' | tr '\n' ' ')
check "list --json names both shares" grep -q 'elsewhere-fs.sock vm1-data' <<< "$out"
check "stop --socket" vs daemon stop --socket "$TESTTMP/elsewhere/fs.sock"

# ---- SIGKILL when SIGTERM is ignored ---------------------------------------
FAKE_FSD_MODE=noterm vs -c qemu:///session daemon start vm1 stubborn \
	--dir "$SHARE" > /dev/null
pid=$(field .pid vm1 stubborn)
start=$(date +%s%N)
vs daemon stop vm1 stubborn --grace 0.3 > /dev/null
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "a daemon ignoring SIGTERM is killed after the grace period" \
	gone "$pid"
check "after the grace period, not before (${ms} ms)" test "$ms" -ge 300

# ---- a daemon a guest is connected to: stop and restart ask ----------------
# Stopping it takes the shared directory from the guest (virtiofs does not
# reconnect), so without a terminal to ask on only --yes does it.
PY=$(command -v python3)
if [ -n "$PY" ]; then
	vs -c qemu:///session daemon start vm1 held --dir "$SHARE" > /dev/null
	"$PY" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
time.sleep(60)' "$VIRTSHARE_RUNDIR/vm1-held.sock" &
	holder=$!
	for _ in $(seq 100); do
		[ "$(field .listening vm1 held)" = false ] && break
		sleep 0.05
	done
	check "a front end is connected" \
		test "$(field '.state + " " + (.listening|tostring)' vm1 held)" = "running false"
	hpid=$(field .pid vm1 held)
	out=$(vs daemon stop vm1 held < /dev/null 2>&1); rc=$?
	check "stop: refused without a terminal or --yes (exit 2)" test "$rc" = 2
	check "and says why and what to do" bash -c \
		'grep -q "serves a guest that is connected" <<< "$1" &&
		 grep -q -- "Add --yes" <<< "$1"' - "$out"
	check "the daemon still runs" alive "$hpid"
	out=$(vs daemon restart vm1 held < /dev/null 2>&1); rc=$?
	check "restart: refused the same way (exit 2)" test "$rc" = 2
	check "the daemon still runs, the same one" \
		test "$(field .pid vm1 held)" = "$hpid"
	out=$(vs daemon stop vm1 held --dry-run)
	check "stop --dry-run: the guest would lose its share" \
		grep -q "would lose the shared directory" <<< "$out"
	check "and it still runs" alive "$hpid"
	out=$(vs daemon stop vm1 held --yes < /dev/null)
	check "stop --yes stops it" \
		grep -q "^Stopped virtshare-fsd for vm1-held (pid $hpid)" <<< "$out"
	check "it is gone" gone "$hpid"
	kill "$holder" 2> /dev/null
	wait "$holder" 2> /dev/null
else
	skip "stop and restart of a daemon a guest uses" "needs python3"
fi

# ---- install-unit: the systemd instance runs the same daemon --------------
out=$(vs -c qemu:///session daemon install-unit vm1 data --socket-group "$myg")
env=$VIRTSHARE_CONFDIR/fsd/vm1-data.env
check "install-unit writes the instance's settings" test -f "$env"
check "and says how to enable it" grep -q "enable --now 'virtshare-fsd@vm1-data.service'" <<< "$out"
check "the settings: socket, directory, options" bash -c "
	. '$env' && [ \"\$SOCKET\" = '$sock' ] && [ \"\$SHARED_DIR\" = '$SHARE' ] &&
	[ \"\$OPTIONS\" = '--socket-group=$myg --cache=auto --xattr' ]"
unit=$top_builddir/templates/virtshare-fsd@.service
if command -v systemd-analyze > /dev/null && [ -f "$unit" ]; then
	mkdir -p "$TESTTMP/units"
	sed -e "s|^ExecStart=[^ ]*|ExecStart=$FAKE|" \
	    -e "s|^\(EnvironmentFile=\).*|\1$VIRTSHARE_CONFDIR/fsd/%i.env|" \
	    "$unit" > "$TESTTMP/units/virtshare-fsd@.service"
	check "systemd-analyze verify accepts the unit" \
		systemd-analyze verify --man=no "$TESTTMP/units/virtshare-fsd@vm1-data.service"
else
	skip "systemd-analyze verify accepts the unit" "no systemd-analyze or unit"
fi
# What ExecStart= runs, with the variables as systemd expands them.
( set -a; . "$env"; set +a
  "$FAKE" --socket-path="$SOCKET" --shared-dir="$SHARED_DIR" $OPTIONS \
	2> "$TESTTMP/unit.log" & )
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
check "the unit's command line serves the share" "$FAKE" --connect "$sock"
rm -f "$sock"

# ---- ownership for qemu:///system: qemu.conf's user and group ------------
quser=vsu$$ qgroup=vsg$$
if ! test_account "$quser" "$qgroup"; then
	for t in "socket owner is qemu.conf's user" "warning" "QEMU's user connects" \
		"others cannot"; do
		skip "$t" "needs root and useradd"
	done
else
	root=$TESTTMP/host
	mkdir -p "$root/etc/libvirt"
	printf 'user = "%s"\ngroup = "%s"\n' "$quser" "$qgroup" > "$root/etc/libvirt/qemu.conf"
	chmod 700 "$TESTTMP"
	out=$(vs --root "$root" -c qemu:///system daemon start vm2 perm \
		--dir "$SHARE" 2>&1)
	sock=$VIRTSHARE_RUNDIR/vm2-perm.sock
	check "socket owner is qemu.conf's user and group, mode 660" \
		test "$(sock_stat "$sock")" = "$quser:$qgroup 660"
	check "warning: QEMU's user cannot reach a socket below a 0700 directory" \
		grep -q "warning: QEMU's user $quser cannot search $TESTTMP" <<< "$out"
	vs daemon stop vm2 perm > /dev/null
	chmod 711 "$TESTTMP"
	out=$(vs --root "$root" -c qemu:///system daemon start vm2 perm 2>&1)
	check "QEMU's user connects" runuser -u "$quser" -- "$FAKE" --connect "$sock"
	wait_state stale vm2 perm
	vs daemon start vm2 perm > /dev/null
	check "others cannot" bash -c "! runuser -u nobody -- '$FAKE' --connect '$sock'"
	vs daemon stop vm2 perm > /dev/null
fi
done_testing
