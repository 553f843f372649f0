#!/bin/bash
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
done_testing
