#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# commands.sh: the virtshare commands that already work over
# qemu+ssh://, against a private libvirt host whose directories and
# hugepage pools differ from this machine's: each case checks that the
# answer is that host's, or that what cannot be checked there is said.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/remote/lib.sh"

trap 'remote_cleanup; rm -rf "$TESTTMP"' EXIT
trap 'exit 1' INT TERM HUP

if ! why=$(remote_can_run); then
	skip "virtshare over ssh" "$why"
	done_testing
	exit
fi

H=vs-cmd
export VIRTSHARE_STATEDIR=$TESTTMP/state VIRTSHARE_RUNDIR=$TESTTMP/run
unset LIBVIRT_DEFAULT_URI VIRTSHARE_URI
POOL2M=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
POOL1G=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages

# Pools of its own, unlike this machine's; a directory only it has.
remote_test_host $H
before=$(remote_virsh $H dumpxml --inactive web)
local_1g=$(cat $POOL1G 2> /dev/null || echo none)

# ---- shares -------------------------------------------------------------
vs shares web
[ $rc = 0 ] && grep -q "^Domain 'web'" <<< "$out" && grep -q "No virtiofs shares" <<< "$out"
verdict $? "shares: the remote domain, no share yet" "$out"
vs shares web --json
[ $rc = 0 ] && [ "$(jq -r '.domain, .memory.shared' <<< "$out" | tr '\n' ' ')" = "web false " ]
verdict $? "shares --json: the remote domain, memory not shared" "$out"
vs shares nosuch
[ $rc = 1 ] && grep -q "no domain named 'nosuch' on $U" <<< "$out"
verdict $? "shares: a domain the host does not have fails" "$out"

# ---- share --------------------------------------------------------------
[ ! -e "$DATA" ]
verdict $? "$DATA does not exist on this machine"
vs share web --tag data --dir "$DATA" --dry-run
[ $rc = 0 ] && grep -q "The source directory is on another host and was not checked." <<< "$out" &&
	grep -q "Dry run: nothing was changed." <<< "$out" &&
	[ "$(remote_virsh $H dumpxml --inactive web)" = "$before" ]
verdict $? "share --dry-run: a directory of the host only is not checked here, and says so" "$out"
vs share web --tag data --dir "$DATA" --yes
[ $rc = 0 ] && remote_virsh $H dumpxml --inactive web | grep -q "<source dir='$DATA'/>"
verdict $? "share --yes: the host's libvirt has the share" "$out"
remote_virsh $H dumpxml --inactive web | grep -q "<access mode='shared'/>"
verdict $? "share --yes: and shared guest memory"
vs shares web
[ $rc = 0 ] && grep -q "ready for virtiofs" <<< "$out" && grep -q "^data  $DATA" <<< "$out"
verdict $? "shares: the new share, read back over ssh" "$out"
vs share web --tag data --dir "$DATA" --yes
[ $rc = 0 ] && grep -q "nothing to change" <<< "$out"
verdict $? "share again: nothing to change" "$out"

# Hugepages are weighed with the host's pools (libvirt's), not this
# machine's: 1G is offered there, 16M nowhere.
vs share db --tag data --dir "$DATA" --backing hugepages:2M --dry-run
[ $rc = 0 ] && grep -q "needs 64 pages of 2M (128M) but only 12 are free" <<< "$out"
verdict $? "share --backing hugepages:2M: the host's free pages (12)" "$out"
vs share db --tag data --dir "$DATA" --backing hugepages:1G --dry-run
[ $rc = 0 ] && grep -q "Hugepages of 1G for guest memory." <<< "$out" && ! grep -q "warning" <<< "$out"
verdict $? "share --backing hugepages:1G: the host's free 1G pages suffice" "$out"
vs share db --tag data --dir "$DATA" --backing hugepages:16M --dry-run
[ $rc = 3 ] && grep -q "offers 2M, 1G" <<< "$out"
verdict $? "share --backing hugepages:16M: refused with the host's sizes (2M, 1G)" "$out"

# A daemon virtshare would run itself cannot run here for that host.
vs share db --tag ext --dir "$DATA" --socket /run/vs-ext.sock --dry-run
[ $rc = 3 ] && grep -q "The daemon must run on the guest's host" <<< "$out"
verdict $? "share --socket --dir: refused, the daemon would run on the wrong host" "$out"

# ---- unshare, undo ------------------------------------------------------
with_share=$(remote_virsh $H dumpxml --inactive web)
vs unshare web data --yes
[ $rc = 0 ] && ! remote_virsh $H dumpxml --inactive web | grep -q "<filesystem"
verdict $? "unshare --yes: the share is gone from the host's definition" "$out"
# This machine's state directory, under the host's name and the
# domain's UUID (virtshare(1), undo).
uuid=$(remote_virsh $H domuuid web | tr -d '[:space:]')
saved=$(find "$VIRTSHARE_STATEDIR/backups/$H/$uuid" -name '*.xml' 2>&1)
[ "$(wc -l <<< "$saved")" = 2 ]
verdict $? "the two saved definitions are in the local state directory" "$saved"
vs undo web --yes
[ $rc = 0 ] && [ "$(remote_virsh $H dumpxml --inactive web)" = "$with_share" ]
verdict $? "undo: the definition before unshare is back" "$out"
vs undo web --yes
[ $rc = 0 ] && [ "$(remote_virsh $H dumpxml --inactive web)" = "$before" ]
verdict $? "undo again: the first definition is back" "$out"

# ---- pages --------------------------------------------------------------
vs pages
[ $rc = 0 ] && grep -q "(from libvirt)" <<< "$out" &&
	grep -Eq "^  1G +all +4 +4 " <<< "$out" && grep -Eq "^  2M +all +16 +12 " <<< "$out" &&
	grep -q "are not checked: run 'virtshare pages' there" <<< "$out"
verdict $? "pages: the host's pools from libvirt; mounts and qemu.conf not checked, and said" "$out"
vs pages --json
[ $rc = 0 ] && [ "$(jq -r '.source, (.hugepages | map(.size_kib) | join(","))' <<< "$out" | tr '\n' ' ')" = "libvirt 2048,1048576 " ]
verdict $? "pages --json: source libvirt, the host's sizes" "$out"
# This machine's pools must stay as they are; tests that change them hold
# the hugepages lock (pages-live.sh), so the comparison holds it too.
exec 9> /run/lock/virtshare-hugepages.lock
locked=no
flock -w 120 9 && locked=yes
local_2m=$(cat $POOL2M 2> /dev/null || echo none)
vs pages alloc 2M 20
[ $rc = 0 ] && [ "$(remote_exec $H cat $POOL2M)" = 20 ]
verdict $? "pages alloc 2M 20: the host's pool has 20 (virNodeAllocPages)" "$out"
vs pages alloc 2M 4 --add --node 0
[ $rc = 0 ] && [ "$(remote_exec $H cat $POOL2M)" = 24 ]
verdict $? "pages alloc 2M 4 --add --node 0: 24" "$out"
vs pages free 2M 4
[ $rc = 0 ] && [ "$(remote_exec $H cat $POOL2M)" = 20 ]
verdict $? "pages free 2M 4: back to 20" "$out"
vs pages alloc 1G 2
[ $rc = 0 ] && [ "$(remote_exec $H cat $POOL1G)" = 2 ]
verdict $? "pages alloc 1G 2: the host's 1G pool shrinks to 2" "$out"
if [ $locked = yes ]; then
	[ "$(cat $POOL2M 2> /dev/null || echo none)" = "$local_2m" ] &&
		[ "$(cat $POOL1G 2> /dev/null || echo none)" = "$local_1g" ]
	verdict $? "this machine's pools were not touched"
else
	skip "this machine's pools were not touched" "another test held the hugepages lock"
fi
flock -u 9
vs pages alloc 2M 20 --persist
[ $rc = 3 ] && grep -q "writes files on the local host only" <<< "$out"
verdict $? "pages --persist: refused for a remote host" "$out"

# ---- apply --------------------------------------------------------------
cat > "$TESTTMP/host.ini" <<EOF
[hugepages 2M]
pages = 32

[domain db]
backing = hugepages:1G

[share db data]
dir = $DATA

[share web data]
dir = $DATA
cache = none
EOF
vs apply "$TESTTMP/host.ini" --dry-run
[ $rc = 0 ] && grep -q "Grows the pool of 2M pages from 20 to 32" <<< "$out" &&
	[ "$(remote_exec $H cat $POOL2M)" = 20 ]
verdict $? "apply --dry-run: the plan starts from the host's pool (20)" "$out"
vs apply "$TESTTMP/host.ini" --yes
[ $rc = 0 ] && [ "$(remote_exec $H cat $POOL2M)" = 32 ] &&
	remote_virsh $H dumpxml --inactive db | grep -q "<page size='1048576' unit='KiB'/>" &&
	remote_virsh $H dumpxml --inactive web | grep -q "<cache mode='none'/>"
verdict $? "apply --yes: pool, backing and shares on the host" "$out"
vs apply "$TESTTMP/host.ini"
[ $rc = 0 ] && grep -q "No changes: everything is as" <<< "$out"
verdict $? "apply again: no changes" "$out"

# ---- doctor -------------------------------------------------------------
vs doctor
[ $rc = 0 ] && grep -q "qemu-virtiofs     QEMU (/usr/bin/qemu-system-x86_64) has virtiofs." <<< "$out" &&
	grep -Eq "skipped +qemu-conf +libvirt runs on another host" <<< "$out" &&
	grep -Eq "skipped +daemon-installed +libvirt runs on another host" <<< "$out"
verdict $? "doctor: libvirt's answers from the host; qemu.conf and daemons skipped, and said" "$out"
remote_virsh $H undefine db > /dev/null
remote_virsh $H define "$TESTTMP/db.xml" > /dev/null
vs share db --tag data --dir "$DATA" --backing hugepages:2M --yes
vs doctor db
[ $rc = 1 ] && grep -Eq "error +hugepages-free +The guest needs 64 pages of 2M; only 12 are" <<< "$out" &&
	grep -Eq "skipped +hugetlbfs-mount +libvirt runs on another host" <<< "$out" &&
	grep -Eq "skipped +source-dir +\[data\] libvirt runs on another host" <<< "$out"
verdict $? "doctor DOMAIN: the host's free pages; mounts and directories skipped, and said" "$out"

# ---- daemon -------------------------------------------------------------
vs daemon start db ext --dir "$DATA" --socket /run/vs-ext.sock
[ $rc = 3 ] && grep -q "The daemon must run on the guest's host" <<< "$out" && [ ! -e "$VIRTSHARE_RUNDIR" ]
verdict $? "daemon start: refused for a remote host, nothing started here" "$out"

# ---- an unreachable host ------------------------------------------------
U=$(sed "s|127.0.0.1:[0-9]*|127.0.0.1:1|" <<< "$U")
vs shares web
[ $rc = 4 ] && grep -q "Cannot connect to libvirt" <<< "$out"
verdict $? "an unreachable host: status 4, 'Cannot connect'" "$out"

out=$(remote_host_stop $H 2>&1)
verdict $? "host $H stopped, nothing left" "$out"
done_testing
