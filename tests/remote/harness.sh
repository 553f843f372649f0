#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# harness.sh: the remote test environment itself: two private libvirt hosts
# beside the system libvirtd, one reached over ssh, each starting a TCG
# guest with a virtiofs share, and nothing of them left afterwards.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/libvirtd.sh"
. "$top_srcdir/tests/remote/lib.sh"

trap 'remote_cleanup; rm -rf "$TESTTMP"' EXIT
trap 'exit 1' INT TERM HUP

if ! why=$(remote_can_run); then
	skip "private libvirt hosts over ssh" "$why"
	done_testing
	exit
fi

A=vs-host-a
B=vs-host-b
DOM=vs-remote-$$
SHARE=/srv/vs-share-$$
SYS=qemu:///system
fs_xml="<filesystem type='mount' accessmode='passthrough'>
      <driver type='virtiofs'/><source dir='$SHARE'/><target dir='data'/>
    </filesystem>"
mem_xml="<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>"

# start_host NAME: remote_host_start as a test case; the test ends when
# a host cannot start, since every later case needs it.
start_host() {
	if remote_host_start "$1" 2> "$TESTTMP/start.err"; then
		ok "host $1 started"
	else
		not_ok "host $1 started" "$(cat "$TESTTMP/start.err")"
		done_testing
		exit
	fi
}

# The system libvirtd runs too, as on a machine where other tests use it.
check "the system libvirtd answers on $SYS" libvirtd_start

t0=$SECONDS
start_host $A
REMOTE_HUGEPAGES="2048:16:12 1048576:2:2" start_host $B
echo "# two hosts started in $((SECONDS - t0)) s"
UA=$(remote_uri $A)
echo "# $UA"

# Each host is itself: its own hostname, daemon and socket.
for h in $A $B; do
	out=$(remote_virsh $h hostname 2>&1)
	if [ "$out" = "$h" ]; then
		ok "$h: its libvirtd answers on its own socket, as host $h"
	else
		not_ok "$h: its libvirtd answers on its own socket, as host $h" "$out"
	fi
done
out=$(timeout 120 virsh -q -c "$UA" hostname 2>&1)
if [ "$out" = "$A" ]; then
	ok "virsh over ssh reaches $A's libvirtd"
else
	not_ok "virsh over ssh reaches $A's libvirtd" "$out"
fi
out=$(timeout 120 virsh -q -c "$UA" uri 2>&1)
[ "$out" = "$UA" ]
verdict $? "the connection keeps the ssh URI" "$out"

# A share directory that exists on host A only (its /srv is its own).
check "$SHARE made on $A" remote_exec $A mkdir -p "$SHARE"
if [ ! -e "$SHARE" ] && remote_exec $A test -d "$SHARE"; then
	ok "$SHARE exists on $A and not here"
else
	not_ok "$SHARE exists on $A and not here"
fi

# Define over ssh: visible there, not on B, not on the system libvirtd.
remote_domain_xml $A "$DOM" "$fs_xml" | sed "s|<vcpu>|$mem_xml<vcpu>|" > "$TESTTMP/dom.xml"
check "virsh -c ssh define $DOM on $A" \
	timeout 120 virsh -q -c "$UA" define "$TESTTMP/dom.xml"
out=$(timeout 120 virsh -q -c "$UA" list --all --name 2>&1)
grep -qx "$DOM" <<< "$out"
verdict $? "virsh -c ssh list --all shows $DOM" "$out"
out=$(remote_virsh $B list --all --name 2>&1) && ! grep -qx "$DOM" <<< "$out"
verdict $? "$B does not have $DOM" "$out"
out=$(timeout 120 virsh -q -c $SYS list --all --name 2>&1) && ! grep -qx "$DOM" <<< "$out"
verdict $? "the system libvirtd does not have $DOM" "$out"
[ ! -e "/etc/libvirt/qemu/$DOM.xml" ] && remote_exec $A test -f "/etc/libvirt/qemu/$DOM.xml"
verdict $? "its definition is in $A's /etc/libvirt/qemu only"

# Start it over ssh: QEMU and libvirt's virtiofsd run on host A.
out=$(timeout 180 virsh -q -c "$UA" start "$DOM" 2>&1)
verdict $? "virsh -c ssh start $DOM (TCG, virtiofs, memfd)" "$out"
qemu_on_a=no virtiofsd_on_a=no
for p in $(remote_left $A); do
	args=$(tr '\0' ' ' < "/proc/$p/cmdline" 2> /dev/null)
	case $args in
	*qemu-system*"guest=$DOM,"*) qemu_on_a=yes ;;
	*virtiofsd*"source=$SHARE"*) virtiofsd_on_a=yes ;;
	esac
done
[ $qemu_on_a = yes ] && [ $virtiofsd_on_a = yes ]
verdict $? "its QEMU and virtiofsd run in $A's namespaces" \
	"qemu: $qemu_on_a, virtiofsd: $virtiofsd_on_a"
remote_exec $A grep -q "vhost-user-fs" "/var/log/libvirt/qemu/$DOM.log" &&
	[ ! -e "/var/log/libvirt/qemu/$DOM.log" ]
verdict $? "its QEMU log is in $A's /var/log/libvirt only"
timeout 60 virsh -q -c "$UA" destroy "$DOM" > /dev/null 2>&1

# Host B starts the same kind of guest through its socket.
remote_exec $B mkdir -p "$SHARE"
remote_domain_xml $B "$DOM" "$fs_xml" | sed "s|<vcpu>|$mem_xml<vcpu>|" > "$TESTTMP/dom-b.xml"
out=$(remote_virsh $B define "$TESTTMP/dom-b.xml" 2>&1 && remote_virsh $B start "$DOM" 2>&1)
verdict $? "$B defines and starts a guest of the same name" "$out"

# B's hugepage pools are its own files: libvirt reports and changes them.
out=$(remote_virsh $B freepages --all 2>&1)
grep -q "1048576KiB: 2" <<< "$out" && grep -q "2048KiB: 12" <<< "$out"
verdict $? "$B's libvirt reports its own pools (2M: 12 free, 1G: 2 free)" "$out"
G1=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages
real=$(cat $G1 2> /dev/null || echo none)
out=$(remote_virsh $B allocpages 1G 3 2>&1) &&
	[ "$(remote_exec $B cat $G1)" = 3 ] &&
	[ "$(cat $G1 2> /dev/null || echo none)" = "$real" ]
verdict $? "virsh allocpages on $B sets its 1G pool, not this kernel's" "$out"

# Stopping ends every process of a host and removes its directory; the
# system libvirtd is still there, without the hosts' guests.
for h in $A $B; do
	dir=$REMOTE_ROOT/$h
	out=$(remote_host_stop $h 2>&1) && [ -z "$(remote_left $h)" ]
	verdict $? "$h stopped: no process left in it" "$out"
	[ ! -e "$dir" ] && ! grep -q "$dir" /proc/mounts
	verdict $? "$h: no directory and no mount left" "$(grep "$dir" /proc/mounts)"
done
REMOTE_HOSTS=()
out=$(timeout 120 virsh -q -c $SYS list --all --name 2>&1) && ! grep -qx "$DOM" <<< "$out"
verdict $? "the system libvirtd still answers, without $DOM" "$out"

# A test that dies without its EXIT trap (SIGKILL) takes its host along.
t0=$SECONDS
(bash -c '. "$1"; remote_host_start vs-host-c > /dev/null 2>&1 || exit 1
	echo "$REMOTE_ROOT"; cat "$REMOTE_ROOT/vs-host-c/run/vs-uts"
	kill -9 $$' orphan "$top_srcdir/tests/remote/lib.sh"; :) > "$TESTTMP/orphan" 2>&1
root=$(sed -n 1p "$TESTTMP/orphan")
uts=$(sed -n 2p "$TESTTMP/orphan")
if [ -n "$uts" ]; then
	for _ in $(seq 600); do
		left=$(stat -L -c '%i %n' /proc/[0-9]*/ns/uts 2> /dev/null |
			awk -v ns="$uts" '$1 == ns { print $2 }')
		[ -z "$left" ] && [ ! -e "$root/vs-host-c" ] && break
		sleep 0.1
	done
	if [ -z "$left" ] && [ ! -e "$root/vs-host-c" ]; then
		ok "a host whose test was killed stops by itself ($((SECONDS - t0)) s)"
	else
		not_ok "a host whose test was killed stops by itself" "left: $left"
	fi
	rmdir "$root" 2> /dev/null
else
	not_ok "a host whose test was killed stops by itself" "$(cat "$TESTTMP/orphan")"
fi

done_testing
