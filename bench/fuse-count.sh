#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fuse-count.sh: the FUSE requests a TCG guest sends to our daemon and to
# QEMU's C virtiofsd for the metadata jobs of fio-ab.sh (create, stat,
# unlink of N files), counted per opcode and phase from each daemon's
# debug log. Deterministic where fio-ab.sh's times are not: a daemon that
# makes the guest send more requests shows here.
# With VS_BENCH_DEBUG=0 the daemons log nothing and only the guest's
# time per phase and each daemon's CPU time, context switches and
# system calls (perf stat) are printed, for VS_BENCH_ROUNDS alternated rounds.
# env: VS_BENCH_CACHE (none), VS_BENCH_MANY (200), VS_BENCH_DEBUG (1),
#      VS_BENCH_ROUNDS (1), REFERENCE_VIRTIOFSD
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/bench/ab-lib.sh"

cache=${VS_BENCH_CACHE:-none}
many=${VS_BENCH_MANY:-200}
debug=${VS_BENCH_DEBUG:-1}
rounds=${VS_BENCH_ROUNDS:-1}
reference=${REFERENCE_VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
e2e_setup
e2e_initramfs bench
ours=$e2e_daemon
[ -x "$reference" ] || tap_skip_all "no reference daemon $reference"
events=task-clock,context-switches,cpu-migrations
for sc in read write epoll_wait poll ppoll futex preadv pwritev; do
	events=$events,syscalls:sys_enter_$sc
done
append="vs.mode=bench vs.bench=count vs.many=$many"

# opcodes LOG: one opcode name a line, in order, from either daemon's log
opcodes() {
	sed -n -e 's/.*opcode: \([A-Z_0-9]*\) (.*/\1/p' \
		-e 's/.*\] \([A-Z_0-9]*\) unique [0-9]* node .*/\1/p' "$1"
}

# count_round WHO ROUND DAEMON RUNDIR: one guest, the daemon under perf
# stat (which follows its threads and children: the sandbox)
count_round() {
	printf '#!/bin/sh\nexec perf stat -x, -o %s -e %s -- %s %s "$@"\n' \
		"$4/stat.txt" "$events" "$3" "$flag" > "$4/daemon-d"
	chmod +x "$4/daemon-d"
	e2e_daemon=$4/daemon-d
	e2e_qemu_boot "$1" "$4" memfd "$cache" "$append"
	tr -d '\r' < "$e2e_serial" | grep '^E2E: FAIL' | sed "s/^/# $1: /"
	tr -d '\r' < "$e2e_serial" | sed -n 's/^BENCH count-seconds //p' |
		sed "s/^/# $1 round $2: guest seconds /"
	tr -d '\r' < "$e2e_serial" | sed -n 's/^BENCH count-irqs //p' |
		sed "s/^/# $1 round $2: guest interrupts after /"
	awk -F, -v who="$1" -v r="$2" '$3 ~ /./ { sub(/^syscalls:sys_enter_/, "", $3);
		line = line sprintf(" %s=%s", $3, $1) }
		END { print "# " who " round " r ": daemon" line }' "$4/stat.txt"
	opcodes "$4/daemon.log" > "$e2e_dir/count-$1.txt"
	grep -i 'FUSE session:\|^.*flags2\?=' "$4/daemon.log" | sed "s/^/# $1: /"
	[ -n "${VS_E2E_KEEP:-}" ] || rm -rf "$4"
}
flag=
[ "$debug" = 0 ] || flag=-d
ab_rounds "$rounds" count count_round
[ "$debug" = 0 ] && exit 0

# phases: mount (to the first STATFS), create, stat, unlink, the rest
echo "# FUSE requests per phase, cache=$cache, $many files: per file, then each opcode"
for who in ours reference; do
	awk -v who=$who '
	BEGIN { split("mount create stat unlink end", name, " ") }
	$1 == "STATFS" { phase++; next }
	phase >= 1 && phase <= 3 { c[name[phase + 1] " " who " " $1]++ }
	END { for (k in c) print k, c[k] }' "$e2e_dir/count-$who.txt"
done | sort -k1,1 -k2,2 -k3,3 | awk -v n="$many" '
function flush() { if (key != "") printf "%-7s %-9s %6.2f/file: %s\n", p, w, tot / n, line }
{ if ($1 " " $2 != key) { flush(); key = $1 " " $2; p = $1; w = $2; tot = 0; line = "" }
  tot += $4; line = line " " $3 "=" $4 }
END { flush() }'
