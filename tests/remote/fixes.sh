#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fixes.sh: what virtshare must not do on this machine when -c names a
# host reached over ssh (issue 17): mount, stop daemons, weigh pools,
# read qemu.conf, list daemons or give advice for the local host. Each
# case is one the code got wrong before; a daemon of this machine runs
# beside the remote host so that touching it shows.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/remote/lib.sh"

trap 'stop_local; unmount_here; remote_cleanup; rm -rf "$TESTTMP"' EXIT
trap 'exit 1' INT TERM HUP

if ! why=$(remote_can_run); then
	skip "virtshare over ssh, nothing done here" "$why"
	done_testing
	exit
fi

H=vs-fix
export VIRTSHARE_STATEDIR=$TESTTMP/state VIRTSHARE_RUNDIR=$TESTTMP/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
unset LIBVIRT_DEFAULT_URI VIRTSHARE_URI

# A daemon of this machine, for domain web's tag ext, as `virtshare
# daemon start` leaves it; the remote web gets a share of the same socket.
LOCAL_SOCK=$VIRTSHARE_RUNDIR/web-ext.sock
local_pid() {
	cat "$VIRTSHARE_RUNDIR/web-ext.pid" 2> /dev/null
}
local_alive() {
	local p
	p=$(local_pid) && [ -n "$p" ] && kill -0 "$p" 2> /dev/null
}
stop_local() {
	local p
	p=$(local_pid) && [ -n "$p" ] && kill "$p" 2> /dev/null
}
# What a broken virtshare mounted here, so that nothing stays mounted.
unmount_here() {
	local m
	for m in $(awk -v t="$TESTTMP/" 'index($2, t) == 1 { print $2 }' /proc/mounts); do
		umount "$m"
	done
}
hugetlbfs_here() {
	awk '$3 == "hugetlbfs"' /proc/mounts | sort
}

remote_test_host $H
mkdir -p "$TESTTMP/here"
out=$(timeout 60 "$VIRTSHARE" -c qemu:///session daemon start web ext \
	--dir "$TESTTMP/here" 2>&1)
local_alive
verdict $? "a daemon of this machine serves web/ext" "$out"

# ---- one test of "remote" ---------------------------------------------------
# ssh to localhost is another host all the same (here: other namespaces).
UL=$(remote_uri $H localhost)
out=$(timeout 300 "$VIRTSHARE" -c "$UL" daemon start db ext --dir "$DATA" --socket /run/vs-x.sock 2>&1)
rc=$?
[ $rc = 3 ] && grep -q "The daemon must run on the guest's host" <<< "$out"
verdict $? "daemon start over ssh to localhost: refused, as for any host" "$out"
out=$(timeout 300 "$VIRTSHARE" -c "$UL" pages 2>&1)
grep -q "(from libvirt)" <<< "$out" && grep -Eq "^  2M +all +16 +12 " <<< "$out"
verdict $? "pages over ssh to localhost: the host's pools, from libvirt" "$out"

# ---- pages mount ---------------------------------------------------------
mounts=$(hugetlbfs_here)
vs pages mount 2M --dry-run
[ $rc = 3 ] && grep -q "not done on a remote host" <<< "$out"
verdict $? "pages mount --dry-run: refused, hugetlbfs is not mounted through libvirt" "$out"
vs pages mount 2M "$TESTTMP/hp" --yes
[ $rc = 3 ] && [ "$(hugetlbfs_here)" = "$mounts" ] && [ ! -e "$TESTTMP/hp" ]
verdict $? "pages mount --yes: refused, nothing mounted here" "$out"

# ---- daemon status, list, stop -------------------------------------------
for args in "list" "status web ext" "stop web ext" "restart web ext"; do
	# shellcheck disable=SC2086
	vs daemon $args
	[ $rc = 3 ] && grep -q "not done on a remote host" <<< "$out" && local_alive
	verdict $? "daemon $args: refused for a remote host, this machine's daemon untouched" "$out"
done

# ---- share, unshare ------------------------------------------------------
vs share web --tag ext --socket "$LOCAL_SOCK" --yes
[ $rc = 0 ]
verdict $? "share --socket: the remote web uses a socket path this machine also has" "$out"
vs unshare web ext --dry-run
[ $rc = 0 ] && grep -q "not stopped from here" <<< "$out" && ! grep -q "Stops it once" <<< "$out"
verdict $? "unshare --dry-run: the host's daemon is its own, not this machine's" "$out"
vs unshare web ext --yes
[ $rc = 0 ] && local_alive &&
	! remote_virsh $H dumpxml --inactive web | grep -q "<filesystem"
verdict $? "unshare --yes: the share is gone there, this machine's daemon still runs" "$out"

vs share web --tag data --dir "$DATA" --dry-run
[ $rc = 0 ] && grep -q "virtiofs daemon .*not checked on a remote host" <<< "$out"
verdict $? "share without --binary: the host's virtiofs daemon is not checked, and said" "$out"
vs share db --tag data --dir "$DATA" --backing file --dry-run
[ $rc = 0 ] && grep -q "memory_backing_dir .*not checked on a remote host" <<< "$out" &&
	! grep -q "which is on a disk" <<< "$out"
verdict $? "share --backing file: memory_backing_dir is the host's, not checked" "$out"

# The URI has an '&': every command printed for it must survive a shell.
vs share web --tag data --dir "$DATA" --yes
[ $rc = 0 ] && grep -qF "virtshare -c '$U' undo web" <<< "$out"
verdict $? "share --yes: the undo hint quotes the URI" "$out"

# Backups stay on this machine, under the host's name and the domain's UUID.
uuid=$(remote_virsh $H domuuid web | tr -d '[:space:]')
saved=$(cd "$VIRTSHARE_STATEDIR/backups" 2>&1 && find . -name '*.xml' | sort)
# share --socket, unshare and share: three, all there.
[ "$(grep -c "^\./$H/$uuid/00000[1-3]\.xml\$" <<< "$saved")" = 3 ] &&
	[ "$(wc -l <<< "$saved")" = 3 ]
verdict $? "the backups are backups/HOSTNAME/UUID/NNNNNN.xml" "$saved"
vs undo web --yes
[ $rc = 0 ] && ! remote_virsh $H dumpxml --inactive web | grep -q "<filesystem"
verdict $? "undo finds it there" "$out"

# ---- doctor --------------------------------------------------------------
vs share db --tag data --dir "$DATA" --backing hugepages:2M --yes
[ $rc = 0 ] && grep -qF "Add 52 with 'virtshare -c '$U' pages alloc 2M 52 --add'" <<< "$out"
verdict $? "share --backing hugepages:2M: the advice allocates on that host (-c)" "$out"
vs doctor db --fix --dry-run
[ $rc = 1 ] && grep -q "Grows the pool of 2M pages from 16 to 68 pages" <<< "$out"
verdict $? "doctor --fix: the pool grows from the host's 16 pages, by the 52 missing" "$out"
vs doctor db
[ $rc = 1 ] && ! grep -q "no sign in" <<< "$out" &&
	grep -Eq "skipped +xattr +\[data\] libvirt runs on another host" <<< "$out"
verdict $? "doctor: the host's logs are not read, and xattr says so" "$out"

# ---- inspect -------------------------------------------------------------
vs inspect
[ $rc = 0 ] && grep -q "^Host $H (through libvirt)" <<< "$out" &&
	grep -Eq "^  2M +all +16 +12 " <<< "$out" &&
	grep -q "not checked on a remote host" <<< "$out" &&
	grep -Eq "QEMU runs as \+[0-9]+:\+[0-9]+ there" <<< "$out" &&
	! grep -q "$(uname -r)" <<< "$out"
verdict $? "inspect: the host's name and pools from libvirt, the rest not checked" "$out"
vs inspect --json
[ $rc = 0 ] && [ "$(jq -r '.host.hostname, .host.remote' <<< "$out" | tr '\n' ' ')" = "$H true " ]
verdict $? "inspect --json: the host's name, marked remote" "$out"

# ---- an unreachable host, a closed pipe ------------------------------------
out=$("$VIRTSHARE" -c "$U" shares web | true; echo "${PIPESTATUS[0]}")
[ "$out" != 141 ]
verdict $? "a reader that is gone: no death by SIGPIPE" "$out"
U=$(sed "s|127.0.0.1:[0-9]*|127.0.0.1:1|" <<< "$U")
vs shares web
[ $rc = 4 ] && ! grep -q "systemctl start libvirtd" <<< "$out" && grep -q "ssh" <<< "$out"
verdict $? "an unreachable host: advice for that host, not this one's libvirtd" "$out"

local_alive
verdict $? "this machine's daemon ran through it all"
out=$(remote_host_stop $H 2>&1)
verdict $? "host $H stopped, nothing left" "$out"
done_testing
