#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# share-libvirtd.sh: the shared-memory rule as a real libvirtd applies it
# (qemu:///system, domain type 'qemu', direct kernel boot), before and
# after `virtshare share`.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/libvirtd.sh"

URI=qemu:///system
DOMS=()
export VIRTSHARE_STATEDIR=$TESTTMP/state

cleanup() {
	for d in "${DOMS[@]}"; do
		timeout 30 virsh -c $URI destroy "$d" > /dev/null 2>&1
		timeout 30 virsh -c $URI undefine "$d" > /dev/null 2>&1
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
if [ -z "$KERNEL" ]; then
	not_ok "a kernel in /boot to boot the guest (linux-image-amd64)"
	done_testing
	exit
fi
mkdir -p "$TESTTMP/share"
chmod 755 "$TESTTMP"

# domain_xml NAME [NUMA]: a guest with private memory and no share; with
# NUMA, one guest NUMA cell with memAccess='private'.
domain_xml() {
	local cpu=""
	[ -n "${2:-}" ] && cpu="<cpu><numa><cell id='0' cpus='0' memory='256' unit='MiB' memAccess='private'/></numa></cpu>"
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
  $cpu
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}

fs_xml="<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/><source dir='$TESTTMP/share'/><target dir='data'/></filesystem>"

# 1. The rule is libvirt's: a share with private memory cannot start.
#    (libvirt 9.0 checks it when the domain is defined, too.)
dom=vs-private-$$
DOMS+=("$dom")
domain_xml "$dom" | sed "s|<memballoon|$fs_xml<memballoon|" > "$TESTTMP/private.xml"
out=$(timeout 60 virsh -c $URI create "$TESTTMP/private.xml" 2>&1)
if [ $? != 0 ] && grep -q "'virtiofs' requires shared memory" <<< "$out"; then
	ok "private memory: virsh create (start) fails with 'virtiofs' requires shared memory"
else
	not_ok "private memory: virsh create (start) fails with 'virtiofs' requires shared memory" "$out"
fi
domain_xml "$dom" NUMA | sed -e "s|<memballoon|$fs_xml<memballoon|" \
	-e "s|<vcpu>|<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking><vcpu>|" \
	> "$TESTTMP/private-cell.xml"
out=$(timeout 60 virsh -c $URI create "$TESTTMP/private-cell.xml" 2>&1)
if [ $? != 0 ] && grep -q "'virtiofs' requires shared memory" <<< "$out"; then
	ok "shared memory but a private NUMA cell: fails the same way"
else
	not_ok "shared memory but a private NUMA cell: fails the same way" "$out"
fi

# 2. After virtshare share, the same guests start.
for variant in plain NUMA; do
	dom=vs-share-$variant-$$
	DOMS+=("$dom")
	domain_xml "$dom" $([ $variant = NUMA ] && echo NUMA) > "$TESTTMP/$dom.xml"
	check "$variant: define $dom (no share, private memory)" \
		timeout 60 virsh -c $URI define "$TESTTMP/$dom.xml"
	before=$(virsh -c $URI dumpxml --inactive "$dom")
	out=$(timeout 60 "$VIRTSHARE" -c $URI share "$dom" --dir "$TESTTMP/share" --tag data --yes 2>&1)
	if [ $? = 0 ]; then ok "$variant: virtshare share"; else not_ok "$variant: virtshare share" "$out"; fi
	out=$("$VIRTSHARE" -c $URI shares "$dom" 2>&1)
	if grep -q "ready for virtiofs" <<< "$out" && grep -q "^data  $TESTTMP/share" <<< "$out"; then
		ok "$variant: libvirt kept the share and the shared memory"
	else
		not_ok "$variant: libvirt kept the share and the shared memory" "$out"
	fi
	out=$(timeout 120 virsh -c $URI start "$dom" 2>&1)
	status=$?
	if grep -q "requires shared memory" <<< "$out"; then
		not_ok "$variant: virsh start does not fail with 'requires shared memory'" "$out"
	else
		ok "$variant: virsh start does not fail with 'requires shared memory'"
	fi
	if [ $status = 0 ]; then ok "$variant: virsh start succeeds"; else not_ok "$variant: virsh start succeeds" "$out"; fi
	timeout 30 virsh -c $URI destroy "$dom" > /dev/null 2>&1

	# 3. unshare, then undo twice: back where it started.
	out=$("$VIRTSHARE" -c $URI unshare "$dom" data --yes 2>&1)
	if [ $? = 0 ]; then ok "$variant: virtshare unshare"; else not_ok "$variant: virtshare unshare" "$out"; fi
	out=$("$VIRTSHARE" -c $URI undo "$dom" --yes 2>&1 && "$VIRTSHARE" -c $URI undo "$dom" --yes 2>&1)
	after=$(virsh -c $URI dumpxml --inactive "$dom")
	if [ "$before" = "$after" ]; then
		ok "$variant: two undos give back the first definition"
	else
		not_ok "$variant: two undos give back the first definition" "$out" "$(diff <(echo "$before") <(echo "$after"))"
	fi
done
done_testing
