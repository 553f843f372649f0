#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# guest-init.sh: /init of the e2e guest: mount the virtiofs tag, run the
# file-operation suite (or the benchmarks), report on the console, power off.
#
# Kernel command line: vs.tag=TAG vs.mode=test|bench vs.md5mb=N vs.many=N
#   vs.fiosize=MB vs.fiotime=S vs.jobs=JOB,JOB (bench: only these jobs)
#   vs.benchcpu=N (bench: the jobs run on that vCPU only)
# Console protocol, read by tests/e2e/lib.sh:
#   E2E: PASS name | E2E: FAIL name (why)   one line per case
#   E2E-INFO ...  BENCH name key=value ...  free-form facts
#   E2E-SUMMARY pass=N fail=M, then E2E-DONE
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp

TAG=vsfs MODE=test MD5MB=16 MANY=1000 FIOSIZE=128 FIOTIME=5 JOBS= BENCHCPU=
for kv in $(cat /proc/cmdline); do
	case $kv in
	vs.tag=*) TAG=${kv#*=} ;;
	vs.mode=*) MODE=${kv#*=} ;;
	vs.md5mb=*) MD5MB=${kv#*=} ;;
	vs.many=*) MANY=${kv#*=} ;;
	vs.fiosize=*) FIOSIZE=${kv#*=} ;;
	vs.fiotime=*) FIOTIME=${kv#*=} ;;
	vs.jobs=*) JOBS=${kv#*=} ;;
	vs.benchcpu=*) BENCHCPU=${kv#*=} ;;
	esac
done

PASS=0 FAIL=0
pass() { PASS=$((PASS + 1)); echo "E2E: PASS $1"; }
fail() { FAIL=$((FAIL + 1)); echo "E2E: FAIL $1 ${2:-}"; }
uptime() { read -r up _ < /proc/uptime; echo "$up"; }
# check NAME CMD...: one case; the last lines of its output explain a
# failure, its E2E-INFO and BENCH lines go to the console as they are
check() {
	name=$1; shift
	t0=$(uptime)
	if "$@" >/tmp/check.out 2>&1; then
		pass "$name"
	else
		fail "$name" "($(grep -v '^E2E-INFO' /tmp/check.out | tail -n 3 | tr '\n' ' '))"
	fi
	grep -E '^(E2E-INFO|BENCH) ' /tmp/check.out
	echo "E2E-TIME $name $(awk -v a="$t0" -v b="$(uptime)" 'BEGIN { print b - a }')"
}
finish() {
	cd /
	echo "E2E-SUMMARY pass=$PASS fail=$FAIL"
	umount /mnt 2>/dev/null
	echo "E2E-DONE"
	poweroff -f
}

for m in $(cat /lib/modules/load-order); do
	insmod "/lib/modules/$m" 2>/dev/null || echo "E2E-INFO insmod $m failed"
done
echo "E2E-BOOTED kernel=$(uname -r)"
check mount mount -t virtiofs "$TAG" /mnt
grep -q " /mnt virtiofs " /proc/mounts || finish

if [ "$MODE" = bench ]; then
	. /bench.sh
	finish
fi

G=/mnt/guest
rm -rf "$G"
check mkdir mkdir -p "$G/d1/d2"
cd "$G" || finish

# host -> guest
check host-file-visible sh -c '[ "$(cat /mnt/host/hello.txt)" = hello-from-host ]'
check host-md5-in-guest sh -c \
	'[ "$(md5sum < /mnt/host/rand.bin)" = "$(cat /mnt/host/rand.md5)" ]'

# data
check create-write sh -c 'echo "written by the guest" > from-guest.txt'
check read-back grep -q "written by the guest" from-guest.txt
check append sh -c 'echo line2 >> from-guest.txt &&
	[ "$(wc -l < from-guest.txt)" = 2 ]'
check truncate-grow sh -c 'printf 12345 > t && truncate -s 1M t &&
	[ "$(stat -c %s t)" = 1048576 ]'
check truncate-shrink sh -c 'truncate -s 3 t && [ "$(cat t)" = 123 ]'
check overwrite-middle sh -c 'printf abcdef > o &&
	printf XY | dd of=o bs=1 seek=2 conv=notrunc 2>/dev/null &&
	[ "$(cat o)" = abXYef ]'
check fsync /bin/vs-guest fsync synced.txt
check mmap-read /bin/vs-guest mmapread /mnt/host/rand.bin
check o-direct /bin/vs-guest odirect direct.bin 4

# names
check rename sh -c 'printf r > r1 && mv r1 r2 && [ ! -e r1 ] && [ -f r2 ]'
check rename-across-dirs sh -c 'mv r2 d1/d2/r3 && [ "$(cat d1/d2/r3)" = r ]'
check rename-over-existing sh -c 'printf new > n1 && printf old > n2 &&
	mv n1 n2 && [ "$(cat n2)" = new ] && [ ! -e n1 ]'
check hardlink sh -c 'ln d1/d2/r3 hard && [ "$(stat -c %h hard)" = 2 ]'
check symlink sh -c 'ln -s d1/d2/r3 sym && [ "$(readlink sym)" = d1/d2/r3 ] &&
	[ "$(cat sym)" = r ]'
check unlink sh -c 'printf x > gone && rm gone && [ ! -e gone ]'
check mkfifo sh -c 'mkfifo fifo && [ -p fifo ]'
check rmdir sh -c 'mkdir empty && rmdir empty && [ ! -e empty ]'
check rmdir-nonempty sh -c '! rmdir d1 2>/dev/null && [ -d d1 ]'

# metadata
check chmod sh -c 'printf m > mode.txt && chmod 640 mode.txt &&
	[ "$(stat -c %a mode.txt)" = 640 ]'
check chown sh -c 'printf o > owner.txt && chown 1234:5678 owner.txt &&
	[ "$(stat -c %u:%g owner.txt)" = 1234:5678 ]'
check touch-mtime sh -c 'touch -d "2001-02-03 04:05:06" old.txt &&
	[ "$(stat -c %Y old.txt)" = 981173106 ]'
check xattr /bin/vs-guest xattr from-guest.txt
check statfs /bin/vs-guest statfs /mnt
check df sh -c 'df /mnt | grep -q /mnt'

# set-user-ID and set-group-ID bits: what a user without CAP_FSETID
# changes loses them, chown loses them, root's write keeps them
for op in write truncate otrunc fallocate copy chown root-write; do
	check killpriv-$op /bin/vs-guest killpriv . $op
done

# directories: the host made 10 000 entries (creating them through FUSE
# under TCG with cache=none takes minutes); the guest makes $MANY itself
check readdir-small sh -c 'ls -a d1 | grep -qx d2'
check readdir-10000-host-entries /bin/vs-guest countdir /mnt/host/many 10000
check create-$MANY-files /bin/vs-guest mkmany many "$MANY"
check readdir-$MANY-entries /bin/vs-guest countdir many "$MANY"
check ls-$MANY-entries sh -c "[ \$(ls many | wc -l) = $MANY ]"
check unlink-$MANY-files /bin/vs-guest rmmany many "$MANY"

# locks
check flock /bin/vs-guest flock lock-flock
check flock-wait /bin/vs-guest flockwait lock-flock
check fcntl-locks /bin/vs-guest fcntl lock-fcntl
check fcntl-setlkw /bin/vs-guest fcntlwait lock-fcntl

# guest -> host, and back after dropping the guest's caches
check guest-write-random sh -c "dd if=/dev/urandom of=rand.bin bs=1M \
	count=$MD5MB 2>/dev/null && md5sum < rand.bin > rand.md5"
check reread-after-drop-caches sh -c 'sync && echo 3 > /proc/sys/vm/drop_caches &&
	[ "$(md5sum < rand.bin)" = "$(cat rand.md5)" ]'
check large-copy sh -c 'cp rand.bin copy.bin &&
	[ "$(md5sum < copy.bin)" = "$(cat rand.md5)" ] && rm copy.bin'
sync
finish
