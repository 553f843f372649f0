# SPDX-License-Identifier: GPL-2.0-or-later
# live-lib.sh: guests that stay up under libvirtd with the QEMU guest agent,
# for the live-sharing e2e tests (hot-plug, mount through the agent)
#
# Source it from a bash .e2e test after nothing else; it sources lib.sh
# (TAP, the machine lock), tests/remote/lib.sh and tests/cli/libvirtd.sh.
# live_setup skips the test when something is missing, takes the lock
# every e2e test takes, builds the live initramfs (mkinitramfs.sh
# WITH_AGENT=1: guest-live.sh as /init, qemu-ga on the virtio-serial port,
# powers off on the ACPI button) and starts the test's own libvirtd: a
# private privileged one in namespaces of its own (tests/remote/lib.sh,
# host "vslive", reached on its unix socket), so the guests, their logs
# and the agent sockets are the test's alone; libvirt 9.0 has virtiofs
# only in privileged daemons. VS_LIVE_URI=qemu:///system uses the system
# libvirtd instead (started when it is not running). Every domain a test
# defines with live_start and every daemon it registers with live_own_pid
# goes away on exit, whatever happens, and the private libvirtd with them.
#
# Every virsh call runs under timeout(1) (VS_LIVE_VIRSH_TIMEOUT, 60 s);
# waiting for the agent after start is bounded by VS_LIVE_BOOT_TIMEOUT
# (240 s: start to agent takes 10-15 s here, 20-40 s when other TCG
# guests run), a command in the guest by VS_LIVE_EXEC_TIMEOUT (60 s).
#
# Functions (NAME is a libvirt domain name):
#   live_setup                      checks, lock, initramfs, libvirtd, trap
#   live_host CMD...                run CMD where libvirtd runs (in the
#                                   private host's namespaces)
#   live_xml NAME [WORD...]         write $live_run/NAME.xml, print its path
#   live_start NAME XML             define + start; cleaned up on exit
#   live_wait_agent NAME [SECS]     until guest-ping answers
#   live_agent NAME JSON [SECS]     one agent command, prints its reply
#   live_ga NAME COMMAND [ARGS]     one agent command, prints its return
#   live_exec NAME PATH [ARG...]    guest-exec + guest-exec-status: returns
#                                   the exit code, sets live_rc, live_out,
#                                   live_err (255 and live_err = virsh's
#                                   message when the agent failed)
#   live_sh NAME SCRIPT             live_exec NAME /bin/sh -c SCRIPT
#   live_file_read NAME PATH        print a guest file (guest-file-*)
#   live_file_write NAME PATH       write stdin to a guest file (guest-file-*)
#   live_mounted NAME TAG           print where TAG is mounted in the guest
#   live_event_start NAME EVENT SECS / live_event_wait
#                                   virsh event in the background, then
#                                   wait for it: true if it came
#   live_fs_count NAME [--inactive] <filesystem> elements of the XML
#   live_shutdown NAME [SECS] [MODE] virsh shutdown --mode MODE (acpi),
#                                   wait for shut off; destroy and fail
#                                   after SECS (120)
#   live_wait_console NAME RE [SECS] until a console line starts with
#                                   RE (grep), e.g. E2E-LIVE-UP
#   live_console NAME               the guest's console so far
#   live_own_pid PID                kill PID on exit
#   lv ARGS...                      virsh -c $live_uri under timeout(1)

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"
. "$srcdir/tests/cli/libvirtd.sh"
. "$srcdir/tests/remote/lib.sh"

live_uri=${VS_LIVE_URI:-}
live_hostname=
live_virsh_timeout=${VS_LIVE_VIRSH_TIMEOUT:-60}
live_boot_timeout=${VS_LIVE_BOOT_TIMEOUT:-240}
live_exec_timeout=${VS_LIVE_EXEC_TIMEOUT:-60}
live_doms=
live_pids=
live_run=

lv() {
	timeout --kill-after=5 "$live_virsh_timeout" \
		virsh -q -c "$live_uri" "$@"
}

live_setup() {
	[ "$(id -u)" = 0 ] || tap_skip_all "the e2e tests need root"
	for _c in virsh libvirtd jq xmllint base64; do
		command -v $_c > /dev/null || tap_skip_all "$_c is not installed"
	done
	[ -x /usr/sbin/qemu-ga ] ||
		tap_skip_all "qemu-guest-agent is not installed"
	e2e_setup live
	live_run=$e2e_dir/run-live-$$
	rm -rf "$live_run"
	mkdir -p "$live_run"
	# QEMU runs as libvirt-qemu: it opens the console file and the disk
	chmod 755 "$live_run"
	trap live_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	if [ -n "$live_uri" ]; then
		[ "$live_uri" != qemu:///system ] || libvirtd_start ||
			tap_bail "libvirtd does not answer on $live_uri"
		echo "# libvirt: $live_uri"
		return 0
	fi
	_why=$(remote_can_run) || tap_skip_all "$_why"
	# with cgroups: libvirt 9.0 crashes when it hot-plugs a <binary> share
	# into a domain that has none (live-facts.md)
	# its /tmp is its own: a tree built under /tmp must stay visible
	REMOTE_SHOW="$(cd "$srcdir" && pwd) $(cd "$builddir" && pwd)" \
		REMOTE_CGROUPS=1 remote_host_start vslive 2> "$live_run/host.err" ||
		tap_bail "no private libvirtd: $(tr '\n' ' ' < "$live_run/host.err")"
	live_hostname=vslive
	live_uri=$(remote_unix_uri vslive)
	echo "# libvirt: the test's own libvirtd, $live_uri"
}

live_host() {
	if [ -n "$live_hostname" ]; then
		remote_exec "$live_hostname" "$@"
	else
		"$@"
	fi
}

live_cleanup() {
	_rc=$?
	for _d in $live_doms; do
		if [ "$_rc" != 0 ] || [ "$tap_failed" != 0 ]; then
			echo "# console of $_d (last lines):"
			live_console "$_d" | tail -n 15 | sed 's/^/#   /'
		fi
		lv destroy "$_d" > /dev/null 2>&1
		lv undefine "$_d" > /dev/null 2>&1
	done
	for _p in $live_pids; do
		kill "$_p" 2> /dev/null && e2e_wait_pid "$_p" 5 ||
			kill -9 "$_p" 2> /dev/null
	done
	[ "${#REMOTE_HOSTS[@]}" = 0 ] || remote_cleanup
	[ -n "${VS_E2E_KEEP:-}" ] || [ -z "$live_run" ] || rm -rf "$live_run"
	return "$_rc"
}

live_own_pid() { live_pids="$live_pids $1"; }

# live_xml NAME [WORD...]: the domain from domain-live.xml.in. Default: q35,
# ACPI, memfd shared memory, the agent channel, two spare root ports.
# WORDs: pc (i440fx, no root ports), noacpi, private (no <memoryBacking>),
# noagent (no channel), noports (none in the XML: libvirt adds one per
# device and, for such a new q35 domain, one spare), append=ARGS (kernel
# command line: e.g.
# vs.noagent=1, vs.novirtiofs=1). The disk NAME.disk keeps the guest's /etc.
live_xml() {
	_name=$1
	shift
	_keep=" q35 acpi shared agent ports " _machine=q35 _append=
	for _w in "$@"; do
		case $_w in
		pc) _machine=pc
			_keep=$(echo "$_keep" | sed 's/ q35 / /; s/ ports / /') ;;
		noacpi|noagent|noports)
			_keep=$(echo "$_keep" | sed "s/ ${_w#no} / /") ;;
		private) _keep=$(echo "$_keep" | sed 's/ shared / /') ;;
		append=*) _append="$_append ${_w#append=}" ;;
		*) tap_bail "live_xml: unknown word $_w" ;;
		esac
	done
	_sed=
	for _w in q35 acpi shared agent ports; do
		case $_keep in *" $_w "*) ;; *) _sed="$_sed /<!-- if:$_w -->/d;" ;; esac
	done
	_xml=$live_run/$_name.xml
	rm -f "$live_run/$_name.disk"
	truncate -s 32M "$live_run/$_name.disk"
	sed -e "$_sed s/ *<!-- if:[a-z]* -->\$//" \
		-e "s|@NAME@|$_name|" -e "s|@MACHINE@|$_machine|" \
		-e "s|@KERNEL@|$e2e_kernel|" -e "s|@INITRD@|$e2e_initrd|" \
		-e "s|@APPEND@|vs.mode=live$_append|" \
		-e "s|@DISK@|$live_run/$_name.disk|" \
		-e "s|@SERIAL@|$live_run/$_name.serial|" \
		"$srcdir/tests/e2e/domain-live.xml.in" > "$_xml"
	echo "$_xml"
}

# live_start NAME XML: define and start; the domain is removed on exit
live_start() {
	lv destroy "$1" > /dev/null 2>&1
	lv undefine "$1" > /dev/null 2>&1
	live_doms="$live_doms $1"
	rm -f "$live_run/$1.serial"
	lv define "$2" > "$live_run/$1.start.log" 2>&1 &&
		lv start "$1" >> "$live_run/$1.start.log" 2>&1 && return 0
	sed 's/^/#   /' "$live_run/$1.start.log"
	return 1
}

# live_state NAME: running, shut off, ... (empty when there is no domain)
live_state() { lv domstate "$1" 2> /dev/null | head -n 1; }

live_wait_agent() {
	_end=$(($(date +%s) + ${2:-$live_boot_timeout}))
	_t0=$(date +%s)
	while [ "$(date +%s)" -lt "$_end" ]; do
		[ "$(live_state "$1")" = running ] || {
			echo "# $1 is not running: $(live_state "$1")"
			return 1
		}
		if lv qemu-agent-command "$1" '{"execute":"guest-ping"}' \
			--timeout 5 > /dev/null 2>&1; then
			live_boot_secs=$(($(date +%s) - _t0))
			return 0
		fi
		sleep 1
	done
	echo "# the agent of $1 did not answer within ${2:-$live_boot_timeout}s"
	return 1
}

live_agent() {
	lv qemu-agent-command "$1" "$2" --timeout "${3:-30}"
}

live_exec() {
	_dom=$1 _path=$2
	shift 2
	live_rc=255 live_out='' live_err=''
	_in=
	[ -z "${live_input:-}" ] ||
		_in=$(printf '%s' "$live_input" | base64 -w 0)
	# each argument read raw (jq would take a "-c" after --args as its
	# own option), then the array
	_argv=$(for _x in "$@"; do printf '%s' "$_x" | jq -Rs .; done | jq -cs .)
	_cmd=$(jq -cn --arg p "$_path" --arg in "$_in" --argjson a "$_argv" \
		'{path: $p, arg: $a, "capture-output": true} +
		 (if $in == "" then {} else {"input-data": $in} end)')
	if ! _st=$(live_ga "$_dom" guest-exec "$_cmd" 2>&1); then
		live_err=$_st
		return 255
	fi
	_pid=$(echo "$_st" | jq -r .pid)
	_end=$(($(date +%s) + live_exec_timeout))
	while :; do
		if ! _st=$(live_ga "$_dom" guest-exec-status "{\"pid\":$_pid}" 2>&1)
		then
			live_err=$_st
			return 255
		fi
		[ "$(echo "$_st" | jq -r .exited)" = true ] && break
		if [ "$(date +%s)" -ge "$_end" ]; then
			live_err="still running after ${live_exec_timeout}s"
			return 255
		fi
		sleep 0.2
	done
	live_out=$(echo "$_st" | jq -r '.["out-data"] // ""' | base64 -d)
	live_err=$(echo "$_st" | jq -r '.["err-data"] // ""' | base64 -d)
	live_rc=$(echo "$_st" | jq -r '.exitcode // 128 + .signal')
	return "$live_rc"
}

live_sh() { live_exec "$1" /bin/sh -c "$2"; }

# live_ga NAME COMMAND [ARGUMENTS-JSON]: one agent command, prints the
# JSON of its return value; ARGUMENTS-JSON is an object
live_ga() {
	_a=${3:-}
	[ -n "$_a" ] || _a='{}'
	_r=$(live_agent "$1" "{\"execute\":\"$2\",\"arguments\":$_a}") &&
		echo "$_r" | jq -c .return
}

live_file_read() {
	_h=$(live_ga "$1" guest-file-open \
		"$(jq -cn --arg p "$2" '{path: $p, mode: "r"}')") || return 1
	_data= _ok=0
	while :; do
		_r=$(live_ga "$1" guest-file-read "{\"handle\":$_h,\"count\":65536}") ||
			{ _ok=1; break; }
		_data=$_data$(echo "$_r" | jq -r '.["buf-b64"]')
		[ "$(echo "$_r" | jq -r .eof)" = true ] && break
	done
	live_ga "$1" guest-file-close "{\"handle\":$_h}" > /dev/null
	printf '%s' "$_data" | base64 -d
	return $_ok
}

live_file_write() {
	_h=$(live_ga "$1" guest-file-open \
		"$(jq -cn --arg p "$2" '{path: $p, mode: "w"}')") || return 1
	_ok=0
	live_ga "$1" guest-file-write "$(base64 -w 0 | jq -cRs --argjson h "$_h" \
		'{handle: $h, "buf-b64": .}')" > /dev/null || _ok=1
	live_ga "$1" guest-file-close "{\"handle\":$_h}" > /dev/null || _ok=1
	return $_ok
}

# live_mounted NAME TAG: the guest's mount point of TAG, from /proc/mounts
live_mounted() {
	live_file_read "$1" /proc/mounts |
		awk -v t="$2" '$1 == t && $3 == "virtiofs" { print $2 }'
}

live_event_start() {
	live_event_out=$live_run/event.$$.$(date +%s%N)
	timeout --kill-after=5 "$(($3 + 10))" virsh -c "$live_uri" event \
		--domain "$1" --event "$2" --timeout "$3" > "$live_event_out" 2>&1 &
	live_event_pid=$!
	# virsh registers the callback after connecting: give it that time
	sleep 1
}
live_event_wait() {
	wait "$live_event_pid"
	sed 's/^/#   /' "$live_event_out"
	grep -q "^event '" "$live_event_out"
}

live_fs_count() {
	lv dumpxml "$@" | xmllint --xpath 'count(/domain/devices/filesystem)' -
}

live_shutdown() {
	_end=$(($(date +%s) + ${2:-120}))
	lv shutdown "$1" --mode "${3:-acpi}" > /dev/null || return 1
	while [ "$(live_state "$1")" = running ]; do
		if [ "$(date +%s)" -ge "$_end" ]; then
			lv destroy "$1" > /dev/null 2>&1
			return 1
		fi
		sleep 0.5
	done
	return 0
}

live_console() { tr -d '\r' < "$live_run/$1.serial" 2> /dev/null; }

live_wait_console() {
	_end=$(($(date +%s) + ${3:-$live_boot_timeout}))
	until live_console "$1" | grep -q "^$2"; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		[ "$(live_state "$1")" = running ] || return 1
		sleep 1
	done
}
