#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# wizard-libvirtd.sh: the wizard against a real libvirtd (qemu:///system) on
# scratch domains of type 'qemu': libvirt starting virtshare-fsd, then a
# read-only share served by virtshare-fsd started by the wizard on a
# socket; the XML read back with virsh, the guests started, undo; a walk
# resized mid-flow and quit, and one interrupted, that change nothing.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/libvirtd.sh"
. "$top_srcdir/tests/tui/tmux-lib.sh"

URI=qemu:///system
DOMS=()
export VIRTSHARE_STATEDIR=$TESTTMP/state VIRTSHARE_RUNDIR=$TESTTMP/run

cleanup() {
	tmux_stop
	for d in "${DOMS[@]}"; do
		"$VIRTSHARE" -c $URI daemon stop "$d" data > /dev/null 2>&1
		timeout 30 virsh -c $URI destroy "$d" > /dev/null 2>&1
		timeout 30 virsh -c $URI undefine "$d" > /dev/null 2>&1
	done
	rm -rf "$TESTTMP"
}
trap cleanup EXIT

if ! tmux_available; then
	not_ok "tmux is installed (apt-get install tmux)"
	done_testing
	exit
fi
if ! libvirtd_start; then
	# Not a pass: CI runs as root with libvirt installed.
	not_ok "libvirtd started (needs root and libvirt-daemon-system)"
	done_testing
	exit
fi
ok "libvirtd answers on $URI"
KERNEL=$(ls /boot/vmlinuz-* 2> /dev/null | sort -V | tail -1)
if [ -z "$KERNEL" ]; then
	not_ok "a kernel in /boot to boot the guest (linux-image-amd64)"
	done_testing
	exit
fi
# QEMU runs as libvirt-qemu: it must reach the share and the socket.
chmod 755 "$TESTTMP"
mkdir -p "$TESTTMP/share" "$TESTTMP/run"
chmod 755 "$TESTTMP/share"
echo hello > "$TESTTMP/share/hello.txt"

# A guest with private memory and no share; it panics at once (no root
# file system) and libvirt destroys it: starting is what is checked.
define() {
	cat > "$TESTTMP/$1.xml" <<-EOF
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
		    <emulator>/usr/bin/qemu-system-x86_64</emulator>
		    <memballoon model='none'/>
		  </devices>
		</domain>
	EOF
	DOMS+=("$1")
	timeout 60 virsh -c $URI define "$TESTTMP/$1.xml" > /dev/null
}

# walk DOMAIN: host, domain, share of $TESTTMP/share as 'data'
walk_to_memory() {
	tmux_start -- "$VIRTSHARE" -c $URI wizard
	expect "$1: the host summary" "Step 1 of 7: Host summary"
	no_cuts "$1: the host summary"
	keys Enter
	expect "$1: the domains of libvirt" "Step 2 of 7: Domain"
	if select_row "$1 "; then ok "$1: listed, selected"; else not_ok "$1: listed, selected" "$(screen)"; fi
	expect "$1: its memory is not shared yet" "is not shared"
	keys Enter
	expect "$1: the share form" "Step 3 of 7: Share"
	keys "$TESTTMP/share" Enter C-u data
	expect "$1: the directory exists" "ok: A directory."
	expect "$1: the tag is new" "ok: 4 of 36 bytes; a new share."
}

# ---- 1. libvirt starts virtshare-fsd ----------------------------------------
dom=vs-wizard-$$
define "$dom" && ok "define $dom (private memory, no share)" || not_ok "define $dom"
before=$(virsh -c $URI dumpxml --inactive "$dom")
walk_to_memory "$dom"
keys Down Down Down Down Enter
expect "memory: memfd selected" "> (*) memfd"
expect "memory: ... recommended" "(recommended)"
keys Enter
expect "daemon page" "Step 5 of 7: Daemon"
expect "libvirt starting virtshare-fsd is offered first" "> (*) libvirt starts virtshare-fsd"
no_cuts "the daemon page"
keys Enter
expect "review" "Step 6 of 7: Review"
keys End
expect "the plan names virtshare-fsd (the path is checked in virsh dumpxml)" "+      <binary"
keys Enter
expect "applied: done" "Step 7 of 7: Done"
expect_flow "says where the previous definition is saved" "previous definition is saved in $TESTTMP/state/backups/"
no_cuts "the done page"
keys x
expect "x reads the definition back from libvirt" "<access mode='shared'/>"
keys Escape Enter
status=$(wait_exit)
[ "$status" = "[exit 0]" ] && ok "quits with status 0" || not_ok "quits with status 0" "$(screen_all)"
xml=$(virsh -c $URI dumpxml --inactive "$dom")
if grep -q "<source type='memfd'/>" <<< "$xml" && grep -q "<access mode='shared'/>" <<< "$xml" &&
	grep -q "<source dir='$TESTTMP/share'/>" <<< "$xml" && grep -q "<target dir='data'/>" <<< "$xml" &&
	grep -q "<binary path='$VIRTSHARE_FSD'/>" <<< "$xml"; then
	ok "virsh dumpxml: the share, virtshare-fsd, memfd shared memory"
else
	not_ok "virsh dumpxml: the share, virtshare-fsd, memfd shared memory" "$xml"
fi
out=$(timeout 120 virsh -c $URI start "$dom" 2>&1)
if [ $? = 0 ]; then ok "the guest starts (libvirt runs virtshare-fsd)"; else not_ok "the guest starts (libvirt runs virtshare-fsd)" "$out"; fi
timeout 30 virsh -c $URI destroy "$dom" > /dev/null 2>&1
out=$("$VIRTSHARE" -c $URI undo "$dom" --yes 2>&1)
after=$(virsh -c $URI dumpxml --inactive "$dom")
if [ "$before" = "$after" ]; then
	ok "virtshare undo puts back the definition from before the wizard"
else
	not_ok "virtshare undo puts back the definition from before the wizard" "$out" "$(diff <(echo "$before") <(echo "$after"))"
fi

# ---- 2. read-only: only virtshare's own daemon on a socket can ------------
dom=vs-wizard-ro-$$
define "$dom" && ok "define $dom" || not_ok "define $dom"
walk_to_memory "$dom"
keys Down Space
expect "read-only ticked, libvirt's limit said" "cannot make a share read-only"
no_cuts "read-only ticked"
keys Down Down Down Enter
expect "memory" "Step 4 of 7: Memory backing"
keys Enter
expect "daemon page" "Step 5 of 7: Daemon"
expect "libvirt's daemons are not possible, with why" "(-) libvirt starts virtshare-fsd"
expect "the external daemon is selected" "> (*) virtshare starts virtshare-fsd on a socket"
no_cuts "the daemon page, read-only"
keys Enter
expect "review" "Step 6 of 7: Review"
keys End
expect "the plan has the socket" "socket='$TESTTMP/run/$dom-data.sock'/>"
keys Enter
expect "applied: done" "Step 7 of 7: Done"
expect "the daemon was started" "Started virtshare-fsd for $dom-data"
keys Enter
status=$(wait_exit)
[ "$status" = "[exit 0]" ] && ok "quits with status 0" || not_ok "quits with status 0" "$(screen_all)"
out=$("$VIRTSHARE" -c $URI daemon status "$dom" data 2>&1)
if grep -q "waiting for QEMU" <<< "$out" && grep -q "readonly" <<< "$out" &&
	grep -q "$TESTTMP/share" <<< "$out"; then
	ok "virtshare daemon status: listening, read-only, the directory"
else
	not_ok "virtshare daemon status: listening, read-only, the directory" "$out"
fi
xml=$(virsh -c $URI dumpxml --inactive "$dom")
if grep -q "<source socket='$TESTTMP/run/$dom-data.sock'/>" <<< "$xml" &&
	grep -q "<access mode='shared'/>" <<< "$xml"; then
	ok "virsh dumpxml: the socket and shared memory"
else
	not_ok "virsh dumpxml: the socket and shared memory" "$xml"
fi
out=$(timeout 120 virsh -c $URI start "$dom" 2>&1)
if [ $? = 0 ]; then ok "the guest starts, connected to the daemon"; else not_ok "the guest starts, connected to the daemon" "$out" "$(cat "$TESTTMP/run/$dom-data.log" 2>/dev/null)"; fi
timeout 30 virsh -c $URI destroy "$dom" > /dev/null 2>&1

# ---- 3. resized mid-flow, then cancelled: nothing changes -----------------
dom=vs-wizard-quit-$$
define "$dom" && ok "define $dom" || not_ok "define $dom"
before=$(virsh -c $URI dumpxml --inactive "$dom")
walk_to_memory "$dom"
keys Down Down Down Down Enter
expect "memory" "Step 4 of 7: Memory backing"
keys Enter
expect "daemon page" "Step 5 of 7: Daemon"
keys Enter
expect "review" "Step 6 of 7: Review"
tmux_cmd resize-window -t wz -x 120 -y 40
if wait_for "Step 6 of 7: Review" &&
	[ "$(screen | head -1 | awk '{ print length($0) }')" = 119 ]; then
	ok "resized to 120x40 on the review: the title spans the new width"
else
	not_ok "resized to 120x40 on the review: the title spans the new width" "$(screen)"
fi
expect "... the plan and the buttons redrawn" ">[ Apply ]"
tmux_cmd resize-window -t wz -x 80 -y 24
expect "back to 80x24" "Step 6 of 7: Review"
keys Escape
expect "Esc from the review goes back" "Step 5 of 7: Daemon"
keys q
expect "q asks before losing the choices" "Quit the wizard?"
keys Left Enter
status=$(wait_exit)
[ "$status" = "[exit 0]" ] && terminal_sane && ok "Quit ends it, status 0, the terminal restored" ||
	not_ok "Quit ends it, status 0, the terminal restored" "$(screen_all)"
after=$(virsh -c $URI dumpxml --inactive "$dom")
if [ "$before" = "$after" ]; then
	ok "quit: virsh dumpxml shows the definition unchanged"
else
	not_ok "quit: virsh dumpxml shows the definition unchanged" "$(diff <(echo "$before") <(echo "$after"))"
fi

# Ctrl-C on the review page, with the plan shown: nothing applied either.
walk_to_memory "$dom"
keys Down Down Down Down Enter
expect "again: memory" "Step 4 of 7: Memory backing"
keys Enter
expect "again: daemon" "Step 5 of 7: Daemon"
keys Enter
expect "again: review" "Step 6 of 7: Review"
keys C-c
status=$(wait_exit)
if [ "$status" = "[exit 130]" ] && terminal_sane &&
	screen_all | grep -q "interrupted; nothing was applied"; then
	ok "Ctrl-C on the review: status 130, says nothing was applied"
else
	not_ok "Ctrl-C on the review: status 130, says nothing was applied" "$(screen_all)"
fi
after=$(virsh -c $URI dumpxml --inactive "$dom")
if [ "$before" = "$after" ] && [ ! -e "$TESTTMP/run/$dom-data.sock" ]; then
	ok "Ctrl-C: the definition unchanged, no daemon started"
else
	not_ok "Ctrl-C: the definition unchanged, no daemon started" "$(diff <(echo "$before") <(echo "$after"))"
fi
done_testing
