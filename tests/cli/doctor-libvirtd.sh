#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# doctor-libvirtd.sh: guests that a real libvirtd (qemu:///system) fails to
# start, each for a known cause; `virtshare doctor DOMAIN` must name the
# cause and quote the line libvirt, QEMU or the daemon wrote in its log.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/libvirtd.sh"

URI=qemu:///system
LOGDIR=/var/log/libvirt/qemu
DOMS=()
export VIRTSHARE_STATEDIR=$TESTTMP/state
unset LIBVIRT_DEFAULT_URI VIRTSHARE_URI

cleanup() {
	for d in "${DOMS[@]}"; do
		timeout 30 virsh -c $URI destroy "$d" > /dev/null 2>&1
		timeout 30 virsh -c $URI undefine "$d" > /dev/null 2>&1
		rm -f "$LOGDIR/$d.log" "$LOGDIR/$d"-*-virtiofsd.log
	done
	rm -rf "$TESTTMP"
}
trap cleanup EXIT

if ! libvirtd_start; then
	# Not a pass: CI runs as root with libvirt installed, so this must run there.
	not_ok "libvirtd started (needs root and libvirt-daemon-system)"
	done_testing
	exit
fi
ok "libvirtd answers on $URI"
KERNEL=$(ls /boot/vmlinuz-* 2> /dev/null | sort -V | tail -1)
if [ -z "$KERNEL" ] || ! command -v jq > /dev/null; then
	not_ok "a kernel in /boot (linux-image-amd64) and jq"
	done_testing
	exit
fi
mkdir -p "$TESTTMP/share"
chmod 755 "$TESTTMP"

# domain NAME MEMORY-BACKING FILESYSTEM-EXTRA SOURCE-DIR: define a guest
# with one virtiofs share (no VALIDATE, as `virsh define` does).
domain() {
	DOMS+=("$1")
	cat > "$TESTTMP/$1.xml" <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <memoryBacking>$2</memoryBacking>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$KERNEL</kernel>
    <cmdline>console=ttyS0 panic=-1</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <filesystem type='mount' accessmode='passthrough'>
      <driver type='virtiofs'/>$3
      <source dir='$4'/>
      <target dir='data'/>
    </filesystem>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
	timeout 60 virsh -c $URI define "$TESTTMP/$1.xml" > /dev/null
}

# start_fails NAME: virsh start must fail (the cause is the fixture's).
start_fails() {
	local out
	out=$(timeout 120 virsh -c $URI start "$1" 2>&1)
	if [ $? != 0 ]; then
		ok "$1: virsh start fails"
	else
		not_ok "$1: virsh start fails" "$out"
		timeout 30 virsh -c $URI destroy "$1" > /dev/null 2>&1
	fi
	printf '%s\n' "$out" > "$TESTTMP/$1.virsh"
}

# verdict NAME CHECK: doctor's verdict; quoted NAME CHECK: its log lines.
report() { "$VIRTSHARE" -c $URI doctor "$1" --json 2> "$TESTTMP/$1.err"; }
verdict() {
	report "$1" | jq -r --arg id "$2" \
		'[.sections[1].checks[] | select(.id == $id)][0].verdict'
}
quoted() {
	report "$1" | jq -r --arg id "$2" \
		'.sections[1].checks[] | select(.id == $id) | .log[] | .file + ": " + .line'
}

# 1. A page size the host does not offer: libvirt finds no hugetlbfs mount
#    for it and says so in its log.
size=1G
[ -d /sys/kernel/mm/hugepages/hugepages-1048576kB ] && size=16G
dom=vs-doctor-pages-$$
domain "$dom" "<hugepages><page size='${size%G}' unit='G'/></hugepages><access mode='shared'/>" \
	"" "$TESTTMP/share"
start_fails "$dom"
check "$dom: doctor: hugepage-size is an error" test "$(verdict "$dom" hugepage-size)" = error
out=$(quoted "$dom" hugepage-size)
if grep -qE "^/var/log/libvirt/libvirtd.log: .*(hugetlbfs filesystem is not mounted|Unable to find any usable hugetlbfs mount for)" <<< "$out"; then
	ok "$dom: doctor quotes libvirt's line"
else
	not_ok "$dom: doctor quotes libvirt's line" "$out" "$(cat "$TESTTMP/$dom.virsh")"
fi
"$VIRTSHARE" -c $URI doctor "$dom" > "$TESTTMP/$dom.txt" 2>&1
check "$dom: doctor exits 1" test $? = 1
check "$dom: the text report quotes the line too" grep -q "Seen in /var/log/libvirt/libvirtd.log:" "$TESTTMP/$dom.txt"
out=$(report "$dom" | jq -r '.sections[0].checks[] | select(.id == "qemu-virtiofs") | .verdict')
check "QEMU has virtiofs (qemu-virtiofs ok from the domain capabilities)" test "$out" = ok

# 2. The shared directory is gone: libvirt refuses to start the daemon.
dom=vs-doctor-nodir-$$
mkdir "$TESTTMP/gone"
domain "$dom" "<source type='memfd'/><access mode='shared'/>" "" "$TESTTMP/gone"
rmdir "$TESTTMP/gone"
start_fails "$dom"
check "$dom: doctor: source-dir is an error" test "$(verdict "$dom" source-dir)" = error
out=$(quoted "$dom" source-dir)
check "$dom: doctor quotes libvirt's line" \
	grep -qF "the virtiofs export directory '$TESTTMP/gone' does not exist" <<< "$out"
check "$dom: memfd is offered (memory-source ok)" test "$(verdict "$dom" memory-source)" = ok

# 3. The daemon dies at once: only its log and QEMU's say so.
dom=vs-doctor-died-$$
cat > "$TESTTMP/dying-virtiofsd" <<'EOF'
#!/bin/sh
echo "dying-virtiofsd: error: cannot open the shared directory: Permission denied" >&2
exit 1
EOF
chmod 755 "$TESTTMP/dying-virtiofsd"
domain "$dom" "<source type='memfd'/><access mode='shared'/>" \
	"<binary path='$TESTTMP/dying-virtiofsd'/>" "$TESTTMP/share"
start_fails "$dom"
check "$dom: doctor: daemon-died is an error" test "$(verdict "$dom" daemon-died)" = error
out=$(quoted "$dom" daemon-died)
check "$dom: doctor quotes the daemon's log" \
	grep -qF "$LOGDIR/$dom-fs0-virtiofsd.log: dying-virtiofsd: error: cannot open the shared directory" <<< "$out"
if grep -qE "^$LOGDIR/$dom.log: .*(Connection refused|Failed to read msg header)" <<< "$out" ||
	grep -q "virtiofsd died unexpectedly" <<< "$out"; then
	ok "$dom: doctor quotes QEMU's or libvirt's line about it"
else
	not_ok "$dom: doctor quotes QEMU's or libvirt's line about it" "$out" "$(cat "$TESTTMP/$dom.virsh")"
fi
check "$dom: the other shares' checks stay quiet (source-dir ok)" \
	test "$(verdict "$dom" source-dir)" = ok

# 4. A share naming a daemon that is not installed: libvirt refuses to start
#    it. doctor names the cause and offers virtshare-fsd; --fix makes the
#    change through the plan (define, read back), and the guest starts.
export VIRTSHARE_FSD=$top_builddir/daemon/virtshare-fsd
dom=vs-doctor-binary-$$
domain "$dom" "<source type='memfd'/><access mode='shared'/>" \
	"<binary path='$TESTTMP/no-such-virtiofsd'/>" "$TESTTMP/share"
start_fails "$dom"
check "$dom: doctor: daemon-binary is an error" test "$(verdict "$dom" daemon-binary)" = error
out=$(quoted "$dom" daemon-binary)
check "$dom: doctor quotes libvirt's line" grep -qF \
	"/var/log/libvirt/libvirtd.log: " <<< "$out"
check "$dom: the line is the binary's" grep -qF \
	"virtiofsd binary '$TESTTMP/no-such-virtiofsd' is not executable" <<< "$out"
out=$(report "$dom" | jq -r '.sections[1].checks[] | select(.id == "daemon-binary") |
	(.fixable | tostring) + " " + .command')
check "$dom: the fix is virtshare's, with virtshare-fsd" test "$out" = \
	"true virtshare -c $URI share $dom --tag data --dir $TESTTMP/share --binary $VIRTSHARE_FSD"
out=$("$VIRTSHARE" -c $URI doctor "$dom" --fix --dry-run 2>&1)
check "$dom: --fix --dry-run shows the new <binary>" \
	grep -qF "+      <binary path='$VIRTSHARE_FSD'/>" <<< "$out"
check "$dom: and changes nothing" grep -qF "<binary path='$TESTTMP/no-such-virtiofsd'/>" \
	<<< "$(timeout 60 virsh -c $URI dumpxml --inactive "$dom")"
out=$("$VIRTSHARE" -c $URI doctor "$dom" --fix --yes 2>&1)
check "$dom: --fix --yes fixes it" test $? = 0
check "$dom: and says so" grep -q "^After the fixes: 0 error(s)" <<< "$out"
check "$dom: libvirt has the new definition" grep -qF "<binary path='$VIRTSHARE_FSD'/>" \
	<<< "$(timeout 60 virsh -c $URI dumpxml --inactive "$dom")"
out=$(report "$dom")
v=$(jq -r '[.sections[1].checks[] | select(.id == "daemon-binary")][0].verdict' \
	<<< "$out")
if [ "$v" = ok ]; then
	ok "$dom: doctor: daemon-binary is ok now"
else
	not_ok "$dom: doctor: daemon-binary is ok now" "verdict: $v" "$out" \
		"$(cat "$TESTTMP/$dom.err")"
fi

out=$(timeout 120 virsh -c $URI start "$dom" 2>&1)
check "$dom: virsh start succeeds (libvirt runs virtshare-fsd)" test $? = 0
check "$dom: the daemon serves QEMU" grep -q "front end connected" "$LOGDIR/$dom-fs0-virtiofsd.log"
check "$dom: guest-kernel reads the version of $KERNEL" \
	grep -q "^ok The guest boots Linux [0-9]" <<< "$(report "$dom" | jq -r \
		'.sections[1].checks[] | select(.id == "guest-kernel") | .verdict + " " + .summary')"
check "$dom: doctor on the running guest: no error" \
	test "$(report "$dom" | jq -r '.counts.error')" = 0
timeout 30 virsh -c $URI destroy "$dom" > /dev/null 2>&1
done_testing
