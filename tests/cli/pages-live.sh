#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pages-live.sh: `virtshare pages` on this machine's kernel (root): allocate,
# verify, release, mount, refused writes, and a partial allocation that must
# be rolled back, by sysfs and through a real libvirtd. The host's pool sizes
# are put back on exit, whatever happens.
#
# The 2M pool is one per machine, and other tests (guests on hugetlbfs) may
# change it while this one runs: the test starts only when nobody holds
# pages, stops (skipping the rest) when someone else changes the pool, and
# on exit gives back only its own pages while anyone else holds some.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/libvirtd.sh"

SYS=/sys/kernel/mm/hugepages/hugepages-2048kB
NODES=/sys/devices/system/node
# For anything that changes hugepage pools during tests: take it too.
LOCK=/run/lock/virtshare-hugepages.lock

if [ "$(id -u)" != 0 ]; then
	skip "live hugepages" "needs root (CI runs as root)"
	done_testing
	exit
fi
if [ ! -w "$SYS/nr_hugepages" ]; then
	skip "live hugepages" "this kernel has no writable 2M pool"
	done_testing
	exit
fi

pool() { cat "$SYS/nr_hugepages"; }
pages_free() { cat "$SYS/free_hugepages"; }

# Nobody else uses hugepages: no guest runs, no page is held or reserved.
quiet() {
	! pgrep -f '^[^ ]*qemu-system' > /dev/null &&
		[ "$(pages_free)" = "$(pool)" ] &&
		[ "$(cat "$SYS/resv_hugepages")" = 0 ] &&
		[ "$(cat "$SYS/surplus_hugepages")" = 0 ]
}
wait_quiet() {	# wait_quiet SECONDS
	for _ in $(seq "$1"); do
		quiet && return 0
		sleep 1
	done
	return 1
}

exec 9> "$LOCK"
flock -w 900 9 || { not_ok "took $LOCK within 15 minutes"; done_testing; exit; }
if ! wait_quiet 600; then
	skip "live hugepages" "other tests hold hugepages on this machine"
	done_testing
	exit
fi

# The pool sizes before the test, system-wide and per node; what the pool
# holds if only this test changes it, and how many of those pages are ours.
orig=$(pool)
declare -A orig_node
for f in "$NODES"/node*/hugepages/hugepages-2048kB/nr_hugepages; do
	[ -e "$f" ] && orig_node[$f]=$(cat "$f")
done
expected=$orig
mine=0
mnt=$TESTTMP/huge

restore() {
	if quiet; then
		for f in "${!orig_node[@]}"; do
			echo "${orig_node[$f]}" > "$f" 2> /dev/null
		done
		[ "$(pool)" = "$orig" ] ||
			echo "$orig" > "$SYS/nr_hugepages" 2> /dev/null
	elif [ "$mine" -gt 0 ]; then
		echo $(($(pool) - mine)) > "$SYS/nr_hugepages" 2> /dev/null
	fi
	mountpoint -q "$mnt" 2> /dev/null && umount "$mnt"
	rm -rf "$TESTTMP"
}
trap restore EXIT
trap 'exit 130' INT TERM

# Stop here, without failing, when someone else changed the pool.
alone() {
	quiet && [ "$(pool)" = "$expected" ] && return 0
	skip "the rest of the live test" \
		"another process changed the 2M pool or started a guest"
	done_testing
	exit 0
}

# now N: the pool is N pages now, by this test's doing.
now() {
	expected=$1
	mine=$(($1 > orig ? $1 - orig : 0))
}

# expect NAME STATUS PATTERN COMMAND...: exit status and a line of output
expect() {
	local name=$1 want=$2 pattern=$3 out status
	shift 3
	out=$("$@" 2>&1)
	status=$?
	if [ "$status" = "$want" ] && grep -qE -- "$pattern" <<< "$out"; then
		ok "$name"
	else
		not_ok "$name" "exit $status (want $want), want /$pattern/ in:" "$out"
	fi
}

# is NAME GOT WANT
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got '$2', want '$3'"; fi
}

# pool_is NAME N: the pool holds N pages (read back from sysfs)
pool_is() {
	is "$1" "$(pool)" "$2"
	now "$(pool)"
}

alone
expect "pages shows the 2M pool" 0 "^  2M \(default\) +all +$orig " \
	"$VIRTSHARE" pages
json=$("$VIRTSHARE" pages --json)
check "pages --json: the 2M pool total is sysfs's" \
	jq -e --argjson n "$orig" \
	'.hugepages[] | select(.size_kib == 2048) | .total == $n' <<< "$json"

# Allocate, verify, grow, release: each step read back from sysfs.
alone
expect "alloc 2M $((orig + 8)): done" 0 "now has $((orig + 8)) pages" \
	"$VIRTSHARE" pages alloc 2M $((orig + 8))
pool_is "the kernel has $((orig + 8)) pages" $((orig + 8))
is "and all of them are free" "$(pages_free)" $((orig + 8))
alone
expect "alloc 2M 4 --add" 0 "now has $((orig + 12)) pages" \
	"$VIRTSHARE" pages alloc 2M 4 --add
pool_is "the kernel has $((orig + 12)) pages" $((orig + 12))
alone
expect "alloc 2M 2 --add --node 0" 0 "on NUMA node 0 now has" \
	"$VIRTSHARE" pages alloc 2M 2 --add --node 0
pool_is "the system-wide pool follows the node's" $((orig + 14))
alone
expect "free 2M 6" 0 "now has $((orig + 8)) pages" \
	"$VIRTSHARE" pages free 2M 6
pool_is "the kernel has $((orig + 8)) pages" $((orig + 8))
alone
expect "free 2M 8" 0 "it had $((orig + 8))" "$VIRTSHARE" pages free 2M 8
pool_is "back at the original $orig pages" "$orig"

# --dry-run says what would change and changes nothing; --yes is taken
# (these actions do not ask) and changes what the command says.
alone
expect "alloc 2M $((orig + 8)) --dry-run: what the pool would have" 0 \
	"would have $((orig + 8)) pages" \
	"$VIRTSHARE" pages alloc 2M $((orig + 8)) --dry-run
pool_is "the pool is unchanged" "$orig"
expect "free 2M --dry-run --yes: --dry-run wins" 0 \
	"Dry run: nothing was changed" "$VIRTSHARE" pages free 2M --dry-run --yes
pool_is "the pool is still unchanged" "$orig"
alone
expect "alloc 2M 2 --add --yes: taken, and done" 0 \
	"now has $((orig + 2)) pages" "$VIRTSHARE" pages alloc 2M 2 --add --yes
pool_is "the kernel has $((orig + 2)) pages" $((orig + 2))
alone
expect "free 2M 2 --yes" 0 "it had $((orig + 2))" \
	"$VIRTSHARE" pages free 2M 2 --yes
pool_is "back at the original $orig pages" "$orig"

# Refusals change nothing.
mem_kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
most=$((mem_kib / 2048))
alone
expect "alloc more pages than memory: refused" 3 "at most $most pages fit" \
	"$VIRTSHARE" pages alloc 2M $((most + 1))
expect "free more than is free: refused" 1 "cannot be released" \
	"$VIRTSHARE" pages free 2M $(($(pages_free) + 1))
if setpriv --reuid=65534 --regid=65534 --clear-groups "$VIRTSHARE" --version \
	> /dev/null 2>&1; then
	expect "a user who may not write sysfs: told to run as root" 1 \
		"Permission denied. Run virtshare as root, or add --via-libvirt" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$VIRTSHARE" pages alloc 2M 1 --add
else
	skip "a user who may not write sysfs" "nobody cannot run $VIRTSHARE"
fi
pool_is "the pool is unchanged" "$orig"

# A hugetlbfs mount for the size.
expect "mount 2M DIR --dry-run: where it would mount" 0 \
	"hugetlbfs for 2M pages would be mounted on $mnt" \
	"$VIRTSHARE" pages mount 2M "$mnt" --dry-run
check "and nothing is mounted there" bash -c "! mountpoint -q '$mnt'"
expect "mount 2M DIR" 0 "Mounted hugetlbfs for 2M pages on $mnt" \
	"$VIRTSHARE" pages mount 2M "$mnt"
check "the kernel lists it with pagesize=2M" \
	grep -qE "^[^ ]+ $mnt hugetlbfs [^ ]*pagesize=2M" /proc/mounts
expect "mount it again: already there" 0 "already mounted on $mnt" \
	"$VIRTSHARE" pages mount 2M "$mnt"
expect "a relative mount point: refused" 3 "not an absolute path" \
	"$VIRTSHARE" pages mount 2M relative/dir
expect "a directory holding another mount: refused" 3 \
	"/proc already holds a proc mount" "$VIRTSHARE" pages mount 2M /proc
touch "$TESTTMP/file"
expect "a mount point that is a file: the kernel's refusal, explained" 1 \
	"Cannot mount hugetlbfs \(pagesize=2048K\) on $TESTTMP/file: Not a directory" \
	"$VIRTSHARE" pages mount 2M "$TESTTMP/file"
umount "$mnt"

# Asking for more than the kernel can give: it gives what it can, and
# virtshare must put the pool back. This takes nearly all free memory
# for about a second, so never while a guest runs on this machine.
partial() {	# partial LABEL ARGS...
	local label=$1
	shift
	if ! wait_quiet 120; then
		skip "$label" "guests are running here; exhausting memory could get them killed"
		return
	fi
	alone
	expect "$label: refused as partial" 1 \
		"The kernel gave only [0-9]+ of the $most pages of 2M asked for\. Nothing was changed: the pool is back at $orig pages\. .*ask for at most [0-9]+ pages" \
		"$VIRTSHARE" pages alloc 2M $most "$@"
	pool_is "$label: the pool is back at $orig" "$orig"
	for f in "${!orig_node[@]}"; do
		is "$label: ${f#$NODES/} is back at ${orig_node[$f]}" \
			"$(cat "$f")" "${orig_node[$f]}"
	done
}
partial "sysfs: $most pages of 2M"

# The same through a real libvirtd (virNodeAllocPages).
if libvirtd_start; then
	alone
	expect "via libvirt: pages" 0 "^  2M +all +$orig " \
		"$VIRTSHARE" -c qemu:///system pages --via-libvirt
	expect "via libvirt: alloc 2M $((orig + 6))" 0 \
		"now has $((orig + 6)) pages" \
		"$VIRTSHARE" -c qemu:///system pages alloc 2M $((orig + 6)) \
		--via-libvirt
	pool_is "via libvirt: the kernel has $((orig + 6)) pages" $((orig + 6))
	alone
	expect "via libvirt: free 2M 6 --node 0" 0 "on NUMA node 0" \
		"$VIRTSHARE" -c qemu:///system pages free 2M 6 --node 0 \
		--via-libvirt
	pool_is "via libvirt: back at $orig" "$orig"
	partial "via libvirt: $most pages of 2M" -c qemu:///system --via-libvirt
else
	not_ok "libvirtd started (needs root and libvirt-daemon-system)"
fi
done_testing
