#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fleet.sh: one INI file for several hosts (issue 17): two private libvirt
# hosts reached over ssh and a third that cannot be reached, guests on
# both sharing a directory; a domain whose definition libvirt cannot
# write on one host fails there alone and stays as it was; applying
# again changes nothing; doctor --all-hosts looks at every host.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/remote/lib.sh"

trap 'remote_cleanup; rm -rf "$TESTTMP"' EXIT
trap 'exit 1' INT TERM HUP

if ! why=$(remote_can_run); then
	skip "one INI file for several hosts" "$why"
	done_testing
	exit
fi

A=vs-fleet-a
B=vs-fleet-b
DIR=/srv/vs-fleet-$$
export VIRTSHARE_STATEDIR=$TESTTMP/state VIRTSHARE_RUNDIR=$TESTTMP/run
unset LIBVIRT_DEFAULT_URI VIRTSHARE_URI

for h in $A $B; do
	if remote_host_start $h 2> "$TESTTMP/start.err"; then
		ok "host $h started"
	else
		not_ok "host $h started" "$(cat "$TESTTMP/start.err")"
		done_testing
		exit
	fi
	remote_exec $h mkdir -p "$DIR"
	for d in web db; do
		remote_domain_xml $h $d > "$TESTTMP/$h-$d.xml"
		remote_virsh $h define "$TESTTMP/$h-$d.xml" > /dev/null
	done
done
UA=$(remote_uri $A)
UB=$(remote_uri $B)
# Nothing listens on port 1: that host cannot be reached.
UGONE=$(sed "s|127.0.0.1:[0-9]*|127.0.0.1:1|" <<< "$UA")

fleet_ini() {	# fleet_ini [gone]: the file, with the third host or not
	cat <<-EOF
		[host $A]
		uri = $UA

		[host $B]
		uri = $UB
	EOF
	[ "${1:-}" = gone ] && printf '\n[host gone]\nuri = %s\n\n[share gone/web data]\ndir = %s\n' "$UGONE" "$DIR"
	cat <<-EOF

		[share $A/web data]
		dir = $DIR

		[share $A/db data]
		dir = $DIR
		cache = none

		[share $B/db data]
		dir = $DIR

		[share $B/web data]
		dir = $DIR
	EOF
}
fleet_ini gone > "$TESTTMP/fleet.ini"
fleet_ini > "$TESTTMP/two.ini"

fs() {	# fs HOST DOMAIN: the shares of its definition
	remote_virsh "$1" dumpxml --inactive "$2" | grep -c "<source dir='$DIR'/>"
}
app() {	# app ARGS...: virtshare apply, output in $out, stderr in $err
	out=$(timeout 600 "$VIRTSHARE" apply "$@" 2> "$TESTTMP/err")
	rc=$?
	err=$(cat "$TESTTMP/err")
}

# ---- the plan -------------------------------------------------------------
app "$TESTTMP/fleet.ini" --dry-run
[ $rc = 4 ] && grep -q "^Host $A (.*), 1 of 3:" <<< "$out" &&
	grep -q "^Host $B (.*), 2 of 3:" <<< "$out" &&
	grep -q "^Host gone (.*), 3 of 3:" <<< "$out" &&
	grep -A1 "^Host gone" <<< "$out" | grep -q "not reached, skipped: Cannot connect to libvirt" &&
	[ "$(grep -c "^  change    Domain '.*' on qemu+ssh" <<< "$out")" = 4 ] &&
	grep -q "Dry run: nothing was changed." <<< "$out" &&
	[ "$(fs $A web)$(fs $B web)" = 00 ]
verdict $? "apply --dry-run: one plan, host by host; the unreachable host said; nothing changed; exit 4" "$out"
[ -z "$err" ]
verdict $? "apply: no progress when stderr is not a terminal" "$err"

# ---- a define that fails on one host --------------------------------------
# libvirt writes a definition to NAME.xml.new and renames it over NAME.xml:
# a bind mount on db.xml of host B makes that rename fail (EBUSY), so
# libvirt refuses the new definition of B's db, and only that one.
before_bdb=$(remote_virsh $B dumpxml --inactive db)
remote_exec $B mount --bind /etc/libvirt/qemu/db.xml /etc/libvirt/qemu/db.xml
verdict $? "host $B: its db.xml cannot be replaced"

app "$TESTTMP/fleet.ini" --yes --jobs 3
[ $rc = 4 ]
verdict $? "apply --yes: exit 4, a host was not reached" "$out"
[ "$(fs $A web)$(fs $A db)$(fs $B web)" = 111 ] &&
	remote_virsh $A dumpxml --inactive db | grep -q "<cache mode='none'/>"
verdict $? "apply --yes: the shares are on both hosts' guests" "$out"
[ "$(remote_virsh $B dumpxml --inactive db)" = "$before_bdb" ]
verdict $? "apply --yes: the domain whose define failed is as before on $B"
sed -n "/^Host $B/,/^Host gone/p" <<< "$out" > "$TESTTMP/b.txt"
grep -q "^  web: changed" "$TESTTMP/b.txt" &&
	grep -q "^  db: failed, as before" "$TESTTMP/b.txt" &&
	grep -q "db.xml.new" "$TESTTMP/b.txt" &&
	grep -q "2 of 3 host(s) reached: 3 changed, 0 as is, 1 failed (0 of them partly changed), 0 refused, 1 skipped." <<< "$out"
verdict $? "apply --yes: the summary says what changed and what failed, per host and domain" "$out"
grep -q "^  not reached, skipped: Cannot connect to libvirt at qemu+ssh://root@127.0.0.1:1/" <<< "$out"
verdict $? "apply --yes: the unreachable host is reported" "$out"

app "$TESTTMP/fleet.ini" --yes --json
[ $rc = 4 ] && [ "$(jq -r '[.schema, .status, .applied] | join(" ")' <<< "$out")" = "2 4 true" ] &&
	[ "$(jq -r '.hosts[] | .name + ":" + (.reached | tostring) + ":" + ([.parts[] | .domain + "=" + .result] | join(","))' <<< "$out" | tr '\n' ' ')" = \
		"$A:true:web=as-is,db=as-is $B:true:db=failed,web=as-is gone:false:web=skipped " ] &&
	[ "$(jq -r ".hosts[1].parts[0].error.code" <<< "$out")" = VS_ERR_LIBVIRT ] &&
	[ "$(jq -r ".hosts[2].error.code" <<< "$out")" = VS_ERR_CONNECT ]
verdict $? "apply --json: per host and per domain, the failure with its code (schema 2)" "$out"

# ---- the host lets the definition be written again ------------------------
remote_exec $B umount /etc/libvirt/qemu/db.xml
app "$TESTTMP/two.ini" --yes --jobs 1
[ $rc = 0 ] && [ "$(fs $B db)" = 1 ] &&
	grep -q "^  db: changed" <<< "$out" &&
	grep -q "2 of 2 host(s) reached: 1 changed, 3 as is, 0 failed" <<< "$out"
verdict $? "apply again: B's db is changed now, the rest as is; exit 0" "$out"

app "$TESTTMP/two.ini"
[ $rc = 0 ] && grep -q "No changes on any host reached" <<< "$out" &&
	[ "$(grep -c "^  as is     Domain" <<< "$out")" = 4 ]
verdict $? "apply a third time: no change on any host" "$out"
app "$TESTTMP/two.ini" --json --yes
[ $rc = 0 ] && [ "$(jq -r '[.hosts[].parts[].result] | unique | join(",")' <<< "$out")" = as-is ] &&
	[ "$(jq -r '.changes' <<< "$out")" = false ]
verdict $? "apply --json again: every part as-is" "$out"

# ---- progress on a terminal -----------------------------------------------
if command -v script > /dev/null; then
	script -qec "'$VIRTSHARE' apply '$TESTTMP/two.ini' --dry-run > /dev/null" \
		"$TESTTMP/tty.log" > /dev/null 2>&1
	grep -q "\[host 2 of 2: $B\] web: planning" "$TESTTMP/tty.log" &&
		grep -q "\[host 1 of 2: $A\] connecting" "$TESTTMP/tty.log"
	verdict $? "apply on a terminal: host i of n, domain and step on stderr" "$(cat "$TESTTMP/tty.log")"
	script -qec "'$VIRTSHARE' apply '$TESTTMP/two.ini' --json > /dev/null" \
		"$TESTTMP/tty.log" > /dev/null 2>&1
	! grep -q "\[host" "$TESTTMP/tty.log"
	verdict $? "apply --json on a terminal: no progress" "$(cat "$TESTTMP/tty.log")"
else
	skip "progress on a terminal" "no script(1)"
fi

# ---- doctor --all-hosts ---------------------------------------------------
out=$(timeout 600 "$VIRTSHARE" doctor --all-hosts "$TESTTMP/fleet.ini" 2>&1)
rc=$?
[ $rc = 4 ] && grep -q "^=== Host $A (.*), 1 of 3 ===" <<< "$out" &&
	grep -q "^=== Host $B (.*), 2 of 3 ===" <<< "$out" &&
	grep -q "^Not reached: Cannot connect to libvirt" <<< "$out" &&
	[ "$(grep -c "^Domain 'web' (shut off, qemu+ssh" <<< "$out")" = 2 ] &&
	grep -q "All hosts: 2 of 3 reached" <<< "$out"
verdict $? "doctor --all-hosts: a section per host, the unreachable one said; exit 4" "$out"
out=$(timeout 600 "$VIRTSHARE" doctor --all-hosts "$TESTTMP/two.ini" --json 2>&1)
rc=$?
[ "$(jq -r '[.hosts[] | .name + "=" + (.report.sections | map(.domain // "host") | join("+"))] | join(" ")' <<< "$out")" = \
	"$A=host+db+web $B=host+db+web" ]
verdict $? "doctor --all-hosts --json: per host, its host and domain sections" "$out"

for h in $A $B; do
	out=$(remote_host_stop $h 2>&1)
	verdict $? "host $h stopped, nothing left" "$out"
done
done_testing
