#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# doctor-socket.sh: the external-socket check on this host's real sockets
# (a daemon started by `virtshare daemon`, tests/unit/fake-fsd standing in
# for virtshare-fsd), its owner and mode against QEMU's user of
# /etc/libvirt/qemu.conf, and `doctor --fix` starting the daemon again.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/daemon-lib.sh"

FAKE=$top_builddir/tests/unit/fake-fsd
export VIRTSHARE_FSD=$FAKE VIRTSHARE_RUNDIR=$TESTTMP/run
export VIRTSHARE_STATEDIR=$TESTTMP/state
unset FAKE_FSD_MODE LIBVIRT_DEFAULT_URI VIRTSHARE_URI
SHARE=$TESTTMP/share
SOCK=$VIRTSHARE_RUNDIR/vm-data.sock
mkdir -p "$SHARE"
trap 'stop_all; rm -rf "$TESTTMP"' EXIT

# QEMU's user as libvirt's QEMU driver runs it (qemu.conf, else Debian's).
QUSER=$(sed -n 's/^[[:space:]]*user[[:space:]]*=[[:space:]]*"\(.*\)".*/\1/p' \
	/etc/libvirt/qemu.conf 2> /dev/null | tail -1)
QUSER=${QUSER:-libvirt-qemu}
if ! command -v jq > /dev/null || [ "$(id -u)" != 0 ] || ! id "$QUSER" > /dev/null 2>&1; then
	skip "doctor external-socket" "needs jq, root and QEMU's user $QUSER"
	done_testing
	exit
fi

cat > "$TESTTMP/vm.xml" <<EOF
<domain type='kvm'>
  <name>vm</name>
  <memory unit='MiB'>512</memory>
  <memoryBacking>
    <source type='memfd'/>
    <access mode='shared'/>
  </memoryBacking>
  <devices>
    <filesystem type='mount' accessmode='passthrough'>
      <driver type='virtiofs'/>
      <source socket='$SOCK'/>
      <target dir='data'/>
    </filesystem>
  </devices>
</domain>
EOF

doc() { "$VIRTSHARE" doctor vm --xml "$TESTTMP/vm.xml" "$@"; }
# The external-socket result: "VERDICT FIXABLE SUMMARY".
socket_check() {
	doc --json | jq -r '.sections[1].checks[] | select(.id == "external-socket") |
		.verdict + " " + (.fixable | tostring) + " " + .summary'
}
expect() {	# expect NAME VERDICT FIXABLE [SUMMARY-WORDS]
	local got
	got=$(socket_check)
	if [[ "$got" == "$2 $3 "*"${4:-}"* ]]; then ok "$1"; else not_ok "$1" "$got"; fi
}

chmod 700 "$TESTTMP"
expect "no daemon and no record: the socket is missing" error false "does not exist"
sfield() { doc --json | jq -r ".sections[1].checks[] | select(.id == \"external-socket\") | .$1"; }
check "the fix says how to start a daemon on it" \
	grep -qF "virtshare daemon start vm data --dir DIR --socket $SOCK" <<< "$(sfield fix)"
check "and what QEMU says then" \
	test "$(sfield message)" = "Failed to connect to '$SOCK': No such file or directory"

out=$("$VIRTSHARE" daemon start vm data --dir "$SHARE" 2>&1)
check "virtshare daemon start (as root: the socket is QEMU's user's)" \
	grep -q '^Started' <<< "$out"
expect "a directory QEMU's user cannot search" error false "may not search $TESTTMP"

chmod 755 "$TESTTMP"
expect "the daemon listens and QEMU's user may connect" ok false "A daemon listens on $SOCK"
doc > /dev/null
check "doctor exits 0" test $? = 0

chown root:root "$SOCK" && chmod 600 "$SOCK"
expect "a socket QEMU's user may not write to" error true "may not write to $SOCK"
out=$(doc --fix --yes 2>&1)
check "--fix starts the daemon again, with the socket's owner" \
	grep -q "^After the fixes: 0 error(s)" <<< "$out"
expect "then QEMU's user may connect" ok false

kill -9 "$(cat "$VIRTSHARE_RUNDIR/vm-data.pid")"
wait_state stale vm data
expect "a daemon that died leaves a socket nobody listens on" error true "Nothing listens"
out=$(doc --fix --dry-run 2>&1)
check "--fix --dry-run shows the start" grep -q "^Start the daemon of vm-data again" <<< "$out"
out=$(doc --fix --yes 2>&1)
check "--fix --yes starts it" test $? = 0
expect "it listens again" ok false

"$VIRTSHARE" daemon stop vm data > /dev/null
expect "a stopped daemon: the socket is gone, the record says how to start it" error true "does not exist"
out=$(doc)
check "the command is virtshare daemon start vm data" \
	grep -q "Run: virtshare daemon start vm data$" <<< "$out"
out=$(doc --fix --yes 2>&1)
check "--fix starts the stopped daemon" test $? = 0
expect "and it listens" ok false

# ---- virtshare-fsd ------------------------------------------------------------
# The real daemon: it stops listening once QEMU is connected, and when it
# dies its log in the run directory says why.
"$VIRTSHARE" daemon stop vm data > /dev/null
export VIRTSHARE_FSD=$top_builddir/daemon/virtshare-fsd
out=$("$VIRTSHARE" daemon start vm data --dir "$SHARE" 2>&1)
check "virtshare-fsd started by virtshare daemon start" grep -q '^Started' <<< "$out"
expect "virtshare-fsd listens" ok false "A daemon listens on $SOCK"
PY=$(command -v python3)
if [ -z "$PY" ]; then
	skip "a front end connected to virtshare-fsd" "needs python3"
	done_testing
	exit
fi
# hold_socket: play QEMU connecting (the daemon then serves it alone);
# send_garbage: a front end sending a request no vhost-user back end knows.
hold_socket() {
	"$PY" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
time.sleep(600)' "$SOCK" &
	HOLDER=$!
}
send_garbage() {
	"$PY" -c 'import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(struct.pack("<III", 9999, 1, 0))
s.recv(1)' "$SOCK"
}
wait_listening() {	# wait_listening true|false
	for _ in $(seq 100); do
		[ "$(field .listening vm data)" = "$1" ] && return 0
		sleep 0.05
	done
	return 1
}
hold_socket
check "the daemon takes the front end and stops listening" wait_listening false
expect "a daemon serving its front end is not a daemon gone" ok false "QEMU is connected"

# The same through libvirt (the test driver): fine for a running domain,
# an error for one that is shut off (its QEMU would find the daemon taken).
node() {	# node RUNSTATE: a test-driver node with vm sharing $SOCK
	cat > "$TESTTMP/node-$1.xml" <<EOF
<node>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>vm</name>
    <test:runstate>$1</test:runstate>
    <memory unit='MiB'>512</memory>
    <memoryBacking>
      <source type='memfd'/>
      <access mode='shared'/>
    </memoryBacking>
    <os><type arch='x86_64' machine='q35'>hvm</type></os>
    <devices>
      <filesystem type='mount' accessmode='passthrough'>
        <driver type='virtiofs'/>
        <source socket='$SOCK'/>
        <target dir='data'/>
      </filesystem>
    </devices>
  </domain>
</node>
EOF
	echo "test://$TESTTMP/node-$1.xml"
}
lv_socket() {
	"$VIRTSHARE" -c "$(node "$1")" doctor vm --json | jq -r '.sections[1].checks[] |
		select(.id == "external-socket") | .verdict + " " + .summary'
}
out=$(lv_socket 1)
check "libvirt: running, the daemon connected: ok" grep -q "^ok .*QEMU is connected" <<< "$out"
out=$(lv_socket 5)
check "libvirt: shut off, the daemon taken by another front end: error" \
	grep -q "^error .*serves another front end while vm is not running" <<< "$out"
out=$("$VIRTSHARE" -c "$(node 5)" doctor vm --fix --yes 2>&1)
check "libvirt: --fix restarts the daemon for vm" \
	grep -q "^After the fixes: 0 error(s)" <<< "$out"
check "which listens again" test "$(field .listening vm data)" = true
kill "$HOLDER"
wait "$HOLDER" 2> /dev/null

# A front end that breaks the protocol: the daemon logs why and exits.
send_garbage
check "a request it does not know: the daemon exits" wait_state stale vm data
expect "its socket is gone" error true "does not exist"
log=$(sfield 'log[] | .file + ": " + .line')
check "doctor quotes the daemon's error from its log" \
	grep -q "^$VIRTSHARE_RUNDIR/vm-data.log: .*\[error\] unsupported vhost-user request 9999" <<< "$log"
check "and the protocol error it died of" \
	grep -q "\[error\] protocol error: closing the vhost-user connection" <<< "$log"
check "only the last run's lines (one each)" \
	test "$(grep -c 'unsupported vhost-user request' <<< "$log")" = 1
check "the detail names the log" \
	grep -qF "its log $VIRTSHARE_RUNDIR/vm-data.log says why" <<< "$(sfield detail)"
out=$(doc 2>&1)
check "the text report quotes it too" grep -q "Seen in $VIRTSHARE_RUNDIR/vm-data.log:" <<< "$out"
out=$(doc --fix --yes 2>&1)
check "--fix starts virtshare-fsd again" grep -q "^After the fixes: 0 error(s)" <<< "$out"
expect "and it listens" ok false "A daemon listens on $SOCK"
"$VIRTSHARE" daemon stop vm data > /dev/null
done_testing
