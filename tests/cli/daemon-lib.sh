# SPDX-License-Identifier: GPL-2.0-or-later
# daemon-lib.sh: helpers of the `virtshare daemon` tests (source after lib.sh)

vs() { "$VIRTSHARE" "$@"; }
# jq over `daemon status SHARE --json`
field() { local f=$1; shift; vs daemon status "$@" --json | jq -r "$f"; }
# Wait until a share reaches a state (the daemon exits asynchronously).
wait_state() {
	local want=$1; shift
	for _ in $(seq 100); do
		[ "$(field .state "$@")" = "$want" ] && return 0
		sleep 0.05
	done
	return 1
}
sock_stat() { stat -c '%U:%G %a' "$1"; }
# A process is gone when /proc has no such pid or it is a zombie (whoever
# adopted it may not reap it: PID 1 of a container often does not).
gone() {
	local st
	st=$(sed -e 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -d' ' -f1)
	[ -z "$st" ] || [ "$st" = Z ]
}
alive() { ! gone "$1"; }

# test_account USER GROUP: create a system user in its own group (root);
# test_account_cleanup removes them. Returns 1 when that is not possible.
test_account() {
	[ "$(id -u)" = 0 ] && command -v useradd > /dev/null || return 1
	groupadd -r "$2" || return 1
	useradd -r -M -N -g "$2" -s /bin/false "$1" || { groupdel "$2"; return 1; }
	test_account_user=$1 test_account_group=$2
}
test_account_cleanup() {
	[ -n "${test_account_user:-}" ] && userdel "$test_account_user" 2> /dev/null
	[ -n "${test_account_group:-}" ] && groupdel "$test_account_group" 2> /dev/null
	test_account_user= test_account_group=
}
# stop_all: kill what the tests started (the run directory's pid files)
stop_all() {
	for f in "$VIRTSHARE_RUNDIR"/*.pid; do
		[ -f "$f" ] && kill -9 "$(cat "$f")" 2> /dev/null
	done
	return 0
}
