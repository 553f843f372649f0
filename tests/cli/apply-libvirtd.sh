#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# apply-libvirtd.sh: external shares and `virtshare apply` through a real
# libvirtd (qemu:///system, domains of type 'qemu' defined here and removed
# after) with the real virtshare-fsd: `share --socket` starts the daemon
# (socket owned by qemu.conf's user) and `unshare` stops it; QEMU starts
# on that socket; `daemon start DOMAIN TAG` finds the share in the
# definition after the run directory is gone; a file applied twice (the
# second time changes nothing); a define libvirt rejects half-way and a
# daemon that fails to start leave every domain as it was.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/libvirtd.sh"
. "$top_srcdir/tests/cli/daemon-lib.sh"

URI=qemu:///system
DOMS=()
FSD=${VIRTSHARE_FSD:-$top_builddir/daemon/virtshare-fsd}
export VIRTSHARE_STATEDIR=$TESTTMP/state VIRTSHARE_RUNDIR=$TESTTMP/run
export VIRTSHARE_FSD=$FSD
unset LIBVIRT_DEFAULT_URI VIRTSHARE_URI

cleanup() {
	for d in "${DOMS[@]}"; do
		timeout 30 virsh -c $URI destroy "$d" > /dev/null 2>&1
		timeout 30 virsh -c $URI undefine "$d" > /dev/null 2>&1
	done
	stop_all
	rm -rf "$TESTTMP"
}
trap cleanup EXIT

if ! libvirtd_start; then
	# Not a pass: CI runs as root with libvirt installed, so this must run there.
	not_ok "libvirtd started (needs root and libvirt-daemon-system)"
	done_testing
	exit
fi
KERNEL=$(ls /boot/vmlinuz-* 2> /dev/null | sort -V | tail -1)
if [ -z "$KERNEL" ] || [ ! -x "$FSD" ] || ! command -v jq > /dev/null; then
	not_ok "a kernel in /boot, $FSD and jq"
	done_testing
	exit
fi
ok "libvirtd answers on $URI"
# QEMU's user must reach the sockets and the shared directories.
chmod 755 "$TESTTMP"
mkdir -p "$TESTTMP/share" "$TESTTMP/data" "$TESTTMP/more" "$VIRTSHARE_RUNDIR"
chmod 755 "$VIRTSHARE_RUNDIR"
QUSER=$(vs -c $URI inspect --json | jq -r .qemu_conf.user.value)
QGROUP=$(vs -c $URI inspect --json | jq -r .qemu_conf.group.value)
xml() { virsh -c $URI dumpxml --inactive "$1"; }

# domain_xml NAME [EMULATOR]: private memory, no share, a kernel to boot.
domain_xml() {
	cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$KERNEL</kernel>
    <cmdline>console=ttyS0 panic=-1</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>${2:-/usr/bin/qemu-system-x86_64}</emulator>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}
define() {	# define NAME [EMULATOR] (check runs it in a subshell: the
	# caller adds NAME to DOMS)
	domain_xml "$@" > "$TESTTMP/$1.xml"
	timeout 60 virsh -c $URI define "$TESTTMP/$1.xml" > /dev/null
}

# ---- share --socket and unshare -------------------------------------------
S=vs-ext-$$
DOMS+=("$S")
check "define $S" define $S
sock=$VIRTSHARE_RUNDIR/s-data.sock
out=$(timeout 60 "$VIRTSHARE" -c $URI share $S --tag data --dir "$TESTTMP/share" \
	--socket "$sock" --cache auto --yes 2>&1)
if [ $? = 0 ] && grep -q "^Started virtshare-fsd for s-data" <<< "$out"; then
	ok "share --socket --dir: defined, and virtshare-fsd started"
else
	not_ok "share --socket --dir: defined, and virtshare-fsd started" "$out"
fi
check "the socket exists" test -S "$sock"
check "owned by qemu.conf's user and group ($QUSER:$QGROUP), mode 660" \
	test "$(sock_stat "$sock")" = "$QUSER:$QGROUP 660"
check "the daemon runs, waiting for QEMU" test "$(field .listening --socket "$sock")" = true
check "the domain has <source socket> and virtshare's record" \
	bash -c "xml=\$(virsh -c $URI dumpxml --inactive $S) &&
		grep -q \"<source socket='$sock'/>\" <<< \"\$xml\" &&
		grep -q 'virtshare:share tag=\"data\" dir=\"$TESTTMP/share\" cache=\"auto\"' <<< \"\$xml\""
out=$(timeout 60 "$VIRTSHARE" -c $URI share $S --tag data --dir "$TESTTMP/share" \
	--socket "$sock" --cache auto --yes 2>&1)
check "the same share again: nothing to change, the daemon left alone" \
	grep -q "virtshare-fsd for s-data: nothing to change" <<< "$out"
out=$(timeout 60 "$VIRTSHARE" -c $URI unshare $S data --yes 2>&1)
if [ $? = 0 ] && grep -q "^Stopped virtshare-fsd for s-data" <<< "$out"; then
	ok "unshare: the share removed and its daemon stopped"
else
	not_ok "unshare: the share removed and its daemon stopped" "$out"
fi
check "the socket is gone" test ! -e "$sock"
check "and its record forgotten" bash -c "! '$VIRTSHARE' daemon status --socket '$sock' 2>&1 &&
	'$VIRTSHARE' daemon status --socket '$sock' 2>&1 | grep -q 'No daemon was started on the socket'"
check "neither the share nor the record is left" \
	bash -c "! virsh -c $URI dumpxml --inactive $S | grep -q -e filesystem -e virtshare"

# The default socket, then a guest that connects to it.
out=$(timeout 60 "$VIRTSHARE" -c $URI share $S --tag data --dir "$TESTTMP/share" \
	--daemon external --yes 2>&1)
check "share --daemon external: RUNDIR/DOMAIN-TAG.sock" \
	test -S "$VIRTSHARE_RUNDIR/$S-data.sock"
[ -S "$VIRTSHARE_RUNDIR/$S-data.sock" ] || echo "$out" | sed 's/^/# /'
out=$(timeout 120 virsh -c $URI start $S 2>&1)
if [ $? = 0 ]; then ok "virsh start: QEMU connects to virtshare-fsd"; else not_ok "virsh start: QEMU connects to virtshare-fsd" "$out"; fi
check "the daemon serves QEMU" test "$(field .listening $S data)" = false
timeout 30 virsh -c $URI destroy $S > /dev/null 2>&1
if wait_state stale $S data; then
	ok "QEMU gone: the daemon exited"
else
	not_ok "QEMU gone: the daemon exited" "$(vs daemon status $S data 2>&1)"
fi
# After a reboot /run is empty: the definition says what to serve.
rm -rf "${VIRTSHARE_RUNDIR:?}"/*
out=$(timeout 60 "$VIRTSHARE" -c $URI daemon start $S data 2>&1)
if [ $? = 0 ] && grep -q "directory  *$TESTTMP/share" <<< "$out"; then
	ok "daemon start DOMAIN TAG: socket and directory from the definition"
else
	not_ok "daemon start DOMAIN TAG: socket and directory from the definition" "$out"
fi
out=$(timeout 60 "$VIRTSHARE" -c $URI unshare $S data --yes 2>&1)
check "unshare stops it again" grep -q "^Stopped virtshare-fsd" <<< "$out"

# ---- apply ----------------------------------------------------------------
A=vs-apply-a-$$
B=vs-apply-b-$$
ln -s /usr/bin/qemu-system-x86_64 "$TESTTMP/qemu"
DOMS+=("$A" "$B")
check "define $A" define $A
check "define $B (its emulator a link)" define $B "$TESTTMP/qemu"
cat > "$TESTTMP/site.ini" <<EOF
[host]
uri = $URI

[domain $A]
backing = memfd

[share $A data]
dir = $TESTTMP/data
cache = always

[share $B data]
daemon = external
dir = $TESTTMP/share
cache = auto
EOF
out=$(cd "$TESTTMP" && timeout 120 "$VIRTSHARE" apply site.ini --yes 2>&1)
if [ $? = 0 ]; then ok "apply site.ini"; else not_ok "apply site.ini" "$out"; fi
a1=$(xml $A) b1=$(xml $B)
check "$A: memfd, shared, the share" bash -c "grep -q \"<source type='memfd'/>\" <<< \"$a1\" &&
	grep -q \"<source dir='$TESTTMP/data'/>\" <<< \"$a1\""
if grep -q "<access mode='shared'/>" <<< "$b1" &&
	grep -q "<source socket='$VIRTSHARE_RUNDIR/$B-data.sock'/>" <<< "$b1" &&
	grep -q 'virtshare:share tag="data"' <<< "$b1"; then
	ok "$B: memory chosen and shared, <source socket>, the record"
else
	not_ok "$B: memory chosen and shared, <source socket>, the record" "$b1"
fi
check "$B's daemon runs" test "$(field .state $B data)" = running
out=$(cd "$TESTTMP" && timeout 120 "$VIRTSHARE" apply site.ini --yes 2>&1)
if [ $? = 0 ] && grep -q "^No changes" <<< "$out"; then
	ok "apply site.ini again: no changes"
else
	not_ok "apply site.ini again: no changes" "$out"
fi
check "and the definitions are the same" test "$(xml $A)" = "$a1" -a "$(xml $B)" = "$b1"
out=$(cd "$TESTTMP" && vs apply site.ini --json | jq -r '.changes, .uri')
check "--json: no changes, the file's uri" test "$out" = "false
$URI"

# libvirt rejects the second definition: the first is taken back.
cat > "$TESTTMP/more.ini" <<EOF
[share $A more]
dir = $TESTTMP/more
[share $B more]
dir = $TESTTMP/more
EOF
rm "$TESTTMP/qemu"
out=$(cd "$TESTTMP" && timeout 120 "$VIRTSHARE" -c $URI apply more.ini --yes 2>&1)
status=$?
if [ $status = 4 ] && grep -q "Cannot check QEMU binary" <<< "$out" &&
	grep -q "Taken back, as before: Domain '$A'" <<< "$out"; then
	ok "$B's define rejected by libvirt: apply fails and says $A was taken back"
else
	not_ok "$B's define rejected by libvirt: apply fails and says $A was taken back" "exit $status" "$out"
fi
check "$A is exactly as before" test "$(xml $A)" = "$a1"
check "$B is exactly as before" test "$(xml $B)" = "$b1"
ln -s /usr/bin/qemu-system-x86_64 "$TESTTMP/qemu"

# A daemon that fails to start after both definitions: both taken back.
cat > "$TESTTMP/fail-fsd" <<'EOF'
#!/bin/sh
echo "fail-fsd: refusing to serve" >&2
exit 1
EOF
chmod 755 "$TESTTMP/fail-fsd"
cat > "$TESTTMP/broken.ini" <<EOF
[share $A more]
dir = $TESTTMP/more
[share $B broken]
daemon = external
dir = $TESTTMP/more
EOF
out=$(cd "$TESTTMP" && VIRTSHARE_FSD=$TESTTMP/fail-fsd timeout 120 \
	"$VIRTSHARE" -c $URI apply broken.ini --yes 2>&1)
status=$?
if [ $status = 1 ] && grep -q "fail-fsd: refusing to serve" <<< "$out" &&
	grep -q "Taken back, as before: Domain '$A' on $URI and Domain '$B'" <<< "$out"; then
	ok "the daemon fails to start: apply fails and says both were taken back"
else
	not_ok "the daemon fails to start: apply fails and says both were taken back" "exit $status" "$out"
fi
check "$A is exactly as before" test "$(xml $A)" = "$a1"
check "$B is exactly as before" test "$(xml $B)" = "$b1"
check "$B's first daemon still runs" test "$(field .state $B data)" = running

# state = absent: the share and its record go, the daemon stops.
cat > "$TESTTMP/absent.ini" <<EOF
[share $B data]
state = absent
EOF
out=$(cd "$TESTTMP" && timeout 120 "$VIRTSHARE" -c $URI apply absent.ini --yes 2>&1)
check "state = absent: applied, the daemon stopped" grep -q "^Stopped virtshare-fsd for $B-data" <<< "$out"
check "$B has neither the share nor the record" \
	bash -c "! virsh -c $URI dumpxml --inactive $B | grep -q -e filesystem -e virtshare"
done_testing
