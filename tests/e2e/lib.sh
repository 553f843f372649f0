# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh: the real-guest e2e harness, sourced by tests/e2e/*.e2e and bench/
#
# A run boots the Debian kernel with the initramfs from mkinitramfs.sh
# under QEMU (TCG; KVM does not work on these machines), with a
# vhost-user-fs device served by the daemon under test, and turns the
# guest's "E2E: PASS|FAIL name" console lines into TAP, adding checks
# made on the host (files the guest left, md5 both ways, the daemon's
# exit). Every QEMU runs under timeout(1); every test holds one lock on
# the machine (VS_E2E_LOCK) so guests never compete for the two cores or
# the hugepages, whichever build tree they come from.
#
# Environment: VS_E2E_DAEMON (default $VIRTSHARE_FSD, the daemon under
# test), VS_E2E_TIMEOUT (seconds per guest, 300), VS_E2E_MEM (512M),
# VS_E2E_KEEP=1 keeps the run directories.

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$(pwd)}
e2e_dir=$builddir/tests/e2e
e2e_timeout=${VS_E2E_TIMEOUT:-300}
e2e_mem=${VS_E2E_MEM:-512M}
e2e_tag=vsfs
# guest cases a daemon is known to fail, and why (TAP TODO: XFAIL, XPASS);
# a test may define e2e_xfail_reason CASE to give each case its own reason
e2e_xfail=${e2e_xfail:-}
e2e_xfail_why=${e2e_xfail_why:-}
command -v e2e_xfail_reason >/dev/null ||
	e2e_xfail_reason() { echo "$e2e_xfail_why"; }
tap_n=0
tap_failed=0

tap_ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
tap_not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}
tap_check() { # tap_check NAME CMD...
	_name=$1
	shift
	if "$@"; then tap_ok "$_name"; else tap_not_ok "$_name"; fi
}
# tap_check_todo NAME TODO CMD...: tap_check; with a TODO directive (a
# known failure) a failure is reported but not counted
tap_check_todo() {
	_name=$1 _t=$2
	shift 2
	if "$@"; then
		tap_ok "$_name$_t"
	elif [ -n "$_t" ]; then
		tap_n=$((tap_n + 1))
		echo "not ok $tap_n - $_name$_t"
	else
		tap_not_ok "$_name"
	fi
}
tap_skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }
tap_skip_all() { echo "1..0 # SKIP $*"; exit 0; }
tap_bail() { echo "Bail out! $*"; exit 1; }
e2e_done() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}

# e2e_setup [test|live]: check what a guest run needs, skip the test when
# it is absent; build the initramfs of that kind (default test)
e2e_setup() {
	[ "$(id -u)" = 0 ] || tap_skip_all "the e2e tests need root"
	command -v qemu-system-x86_64 >/dev/null ||
		tap_skip_all "qemu-system-x86_64 is not installed"
	command -v busybox >/dev/null || tap_skip_all "busybox-static is not installed"
	e2e_kver=$(ls /boot | sed -n 's/^vmlinuz-//p' | sort -V | tail -n 1)
	e2e_kernel=/boot/vmlinuz-$e2e_kver
	[ -r "$e2e_kernel" ] || tap_skip_all "no kernel under /boot"
	e2e_daemon=${VS_E2E_DAEMON:-${VIRTSHARE_FSD:-$builddir/daemon/virtshare-fsd}}
	[ -x "$e2e_daemon" ] || tap_skip_all "daemon $e2e_daemon is not built"
	[ -x "$e2e_dir/vs-guest" ] || tap_bail "$e2e_dir/vs-guest is not built"
	mkdir -p "$e2e_dir"
	# one guest at a time on the machine, whichever build tree runs it:
	# two TCG guests on two cores time out, and hugepages are global
	exec 9>> "${VS_E2E_LOCK:-/tmp/virtshare-e2e.lock}"
	flock 9
	e2e_initramfs "${1:-test}"
	echo "# daemon: $e2e_daemon"
}

# e2e_initramfs test|bench|live: build (or reuse) the initramfs, set
# e2e_initrd; fio and its 80 MB of libraries go only into the bench one,
# qemu-ga only into the live one (tests/e2e/live-lib.sh)
e2e_initramfs() {
	e2e_initrd=$e2e_dir/initramfs-$1.cpio.gz
	_fio=0
	_agent=0
	[ "$1" = bench ] && _fio=1
	[ "$1" = live ] && _agent=1
	KVER=$e2e_kver WITH_FIO=$_fio WITH_AGENT=$_agent \
		sh "$srcdir/tests/e2e/mkinitramfs.sh" \
		"$e2e_initrd" "$e2e_dir/vs-guest" | sed 's/^/# /'
	[ -s "$e2e_initrd" ] || tap_bail "cannot build the initramfs"
}

# e2e_share DIR MB: a fresh share with host-made files for the guest to check
e2e_share() {
	rm -rf "$1"
	mkdir -p "$1/host"
	echo hello-from-host > "$1/host/hello.txt"
	head -c "$(($2 << 20))" /dev/urandom > "$1/host/rand.bin"
	md5sum < "$1/host/rand.bin" > "$1/host/rand.md5"
	mkdir "$1/host/many"
	(cd "$1/host/many" && seq -f 'f%06g' 0 9999 | xargs touch)
}

# e2e_memobj BACKING: the -object for guest RAM; sets e2e_hp_cleanup
e2e_memobj() {
	case $1 in
	memfd)
		echo "memory-backend-memfd,id=mem,size=$e2e_mem,share=on" ;;
	shm)
		echo "memory-backend-file,id=mem,size=$e2e_mem,mem-path=/dev/shm,share=on" ;;
	hugetlbfs)
		echo "memory-backend-file,id=mem,size=$e2e_mem,mem-path=$e2e_dir/hugepages,share=on,prealloc=on" ;;
	*) return 1 ;;
	esac
}

# e2e_hugepages_get / _put: a 2 MiB hugetlbfs mount with enough pages,
# holding the lock every test that changes the host's pool takes
# (tests/cli/pages-live.sh too) from before the change until it is undone
e2e_hugepages_get() {
	exec 8> /run/lock/virtshare-hugepages.lock
	flock -w 900 8 || { echo "# the hugepage lock stayed taken"; return 1; }
	_need=$(($(numfmt --from=iec "$e2e_mem") / 2097152 + 8))
	e2e_hp_old=$(cat /proc/sys/vm/nr_hugepages)
	if [ "$e2e_hp_old" -lt "$_need" ]; then
		echo "$_need" > /proc/sys/vm/nr_hugepages 2>/dev/null
	fi
	_free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)
	if [ "$_free" -lt "$((_need - 8))" ]; then
		echo "# only $_free free 2 MiB pages, need $_need"
		e2e_hugepages_put
		return 1
	fi
	mkdir -p "$e2e_dir/hugepages"
	mountpoint -q "$e2e_dir/hugepages" ||
		mount -t hugetlbfs -o pagesize=2M none "$e2e_dir/hugepages"
}
e2e_hugepages_put() {
	mountpoint -q "$e2e_dir/hugepages" && umount "$e2e_dir/hugepages"
	echo "$e2e_hp_old" > /proc/sys/vm/nr_hugepages 2>/dev/null
	exec 8>&-
	return 0
}

# e2e_todo CASE: the TAP TODO directive of a case a daemon is known to fail
e2e_todo() {
	case " $e2e_xfail " in
	*" $1 "*) echo " # TODO $(e2e_xfail_reason "$1")" ;;
	esac
}

# e2e_guest_tap LABEL SERIALLOG: one TAP line per guest case
e2e_guest_tap() {
	_label=$1
	_log=$2
	tap_check "$_label: guest booted" grep -q '^E2E-BOOTED' "$_log"
	tr -d '\r' < "$_log" > "$_log.txt"
	while IFS= read -r _line; do
		case $_line in
		"E2E: PASS "*|"E2E: FAIL "*)
			_case=${_line#E2E: ???? }
			_case=${_case%% *}
			case $_line in
			"E2E: PASS "*) tap_check_todo "$_label: guest: ${_line#E2E: PASS }" \
				"$(e2e_todo "$_case")" true ;;
			*) tap_check_todo "$_label: guest: ${_line#E2E: FAIL }" \
				"$(e2e_todo "$_case")" false ;;
			esac ;;
		E2E-INFO*|BENCH*) echo "# $_line" ;;
		esac
	done < "$_log.txt"
	tap_check "$_label: guest suite ran to the end" grep -q '^E2E-DONE' "$_log"
}

# e2e_md5_matches FILE MD5FILE: the file's md5 is the one recorded
e2e_md5_matches() {
	[ -s "$1" ] && [ -s "$2" ] && [ "$(md5sum < "$1")" = "$(cat "$2")" ]
}

# e2e_killpriv_modes DIR OP: the host modes of the files `vs-guest killpriv
# DIR OP` left: the set-user-ID and set-group-ID bits gone, but for
# root-write
e2e_killpriv_modes() {
	for _m in 4777 2777 6777; do
		_w=777
		[ "$2" = root-write ] && _w=$_m
		_got=$(stat -c %a "$1/kp-$2-$_m" 2>&1)
		if [ "$_got" != "$_w" ]; then
			echo "#   $1/kp-$2-$_m: mode $_got, want $_w"
			return 1
		fi
	done
}

# e2e_host_checks LABEL SHARE SERIALLOG: what the guest left, seen on the host
e2e_host_checks() {
	_l=$1
	_g=$2/guest
	tap_check "$_l: host sees the guest's file" \
		grep -qx "written by the guest" "$_g/from-guest.txt"
	tap_check "$_l: md5 of the guest's random file on the host" \
		e2e_md5_matches "$_g/rand.bin" "$_g/rand.md5"
	tap_check "$_l: host mode of chmod 640" \
		test "$(stat -c %a "$_g/mode.txt" 2>/dev/null)" = 640
	tap_check "$_l: host owner of chown 1234:5678" \
		test "$(stat -c %u:%g "$_g/owner.txt" 2>/dev/null)" = 1234:5678
	tap_check "$_l: host symlink target" \
		test "$(readlink "$_g/sym")" = d1/d2/r3
	tap_check "$_l: host hard link count" \
		test "$(stat -c %h "$_g/hard" 2>/dev/null)" = 2
	tap_check "$_l: host FIFO from mknod" test -p "$_g/fifo"
	for _op in write truncate otrunc fallocate copy chown root-write; do
		tap_check_todo "$_l: host modes after killpriv-$_op" \
			"$(e2e_todo "killpriv-$_op")" e2e_killpriv_modes "$_g" "$_op"
	done
	if command -v getfattr >/dev/null; then
		tap_check "$_l: host xattr set by the guest" \
			test "$(getfattr --only-values -n user.e2e \
				"$_g/from-guest.txt" 2>/dev/null)" = guest-value
	else
		tap_skip "$_l: host xattr set by the guest" \
			"getfattr (attr) is not installed"
	fi
	_blocks=$(tr -d '\r' < "$3" | sed -n 's/^E2E-INFO statfs blocks=\([0-9]*\).*/\1/p')
	tap_check "$_l: guest statfs blocks are the host's" \
		test "${_blocks:-x}" = "$(stat -f -c %b "$2")"
}

# e2e_wait_pid PID SECONDS: true if the process is gone in time
e2e_wait_pid() {
	_i=0
	while kill -0 "$1" 2>/dev/null; do
		[ "$_i" -ge "$(($2 * 10))" ] && return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	return 0
}

# e2e_qemu_boot LABEL RUNDIR BACKING CACHE APPEND: daemon + QEMU; sets
# e2e_serial, e2e_qemu_rc, e2e_daemon_gone (1 when it exited by itself),
# e2e_daemon_rc (its exit status), e2e_wall
e2e_qemu_boot() {
	_label=$1 _run=$2 _back=$3 _cache=$4 _append=$5
	_sock=$_run/vhost.sock
	e2e_serial=$_run/serial.log
	rm -f "$_sock" "$e2e_serial"
	_obj=$(e2e_memobj "$_back") || tap_bail "unknown backing $_back"
	"$e2e_daemon" --socket-path="$_sock" \
		-o "source=$_run/share,cache=$_cache,xattr,posix_lock,flock" \
		> "$_run/daemon.log" 2>&1 &
	_dpid=$!
	_i=0
	while [ ! -S "$_sock" ] && [ "$_i" -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	_t0=$(date +%s)
	timeout --kill-after=10 "$e2e_timeout" qemu-system-x86_64 \
		-machine q35,accel=tcg -cpu max -smp 2 -m "$e2e_mem" \
		-nodefaults -no-user-config -display none -no-reboot \
		-object "$_obj" -numa node,memdev=mem \
		-chardev socket,id=vs0,path="$_sock" \
		-device vhost-user-fs-pci,queue-size=1024,chardev=vs0,tag=$e2e_tag \
		-kernel "$e2e_kernel" -initrd "$e2e_initrd" \
		-append "console=ttyS0 panic=-1 quiet loglevel=4 vs.tag=$e2e_tag $_append" \
		-serial file:"$e2e_serial" > "$_run/qemu.log" 2>&1
	e2e_qemu_rc=$?
	e2e_wall=$(($(date +%s) - _t0))
	e2e_daemon_gone=0
	if e2e_wait_pid "$_dpid" 5; then
		e2e_daemon_gone=1
	else
		kill "$_dpid" 2>/dev/null
		e2e_wait_pid "$_dpid" 2 || kill -9 "$_dpid" 2>/dev/null
	fi
	wait "$_dpid" 2>/dev/null
	e2e_daemon_rc=$?
	echo "# $_label: QEMU exit $e2e_qemu_rc after ${e2e_wall}s"
}

# e2e_qemu_run BACKING CACHE: one guest running the file-operation suite
e2e_qemu_run() {
	_label="$1 cache=$2"
	_run=$e2e_dir/run-$1-$2
	rm -rf "$_run"
	mkdir -p "$_run"
	e2e_share "$_run/share" 16
	e2e_qemu_boot "$_label" "$_run" "$1" "$2" "vs.mode=test vs.md5mb=16"
	tap_check "$_label: QEMU ran and powered off within ${e2e_timeout}s" \
		test "$e2e_qemu_rc" = 0
	if [ "$e2e_qemu_rc" != 0 ]; then
		sed 's/^/#   qemu: /' "$_run/qemu.log" | tail -n 20
		sed 's/^/#   daemon: /' "$_run/daemon.log" | tail -n 20
		tr -d '\r' < "$e2e_serial" | sed 's/^/#   console: /' | tail -n 20
	fi
	e2e_guest_tap "$_label" "$e2e_serial"
	e2e_host_checks "$_label" "$_run/share" "$e2e_serial"
	tap_check "$_label: the daemon exits (status 0) when QEMU disconnects" \
		test "$e2e_daemon_gone$e2e_daemon_rc" = 10
	[ -n "${VS_E2E_KEEP:-}" ] || rm -rf "$_run"
}
