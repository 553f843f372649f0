#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fio-ab.sh: in-guest fio and metadata jobs against our daemon (A) and
# QEMU's C virtiofsd (B), alternating A B B A A B ..., medians and ratios.
#
# The guest's emulated CPU (TCG) dominates and the same daemon measured
# twice differs by up to 2x between single runs: only medians of
# alternated rounds, from one run on one machine, mean anything.
# env: VS_BENCH_ROUNDS (3), VS_BENCH_CACHE (auto), VS_BENCH_FIOTIME (5 s),
#      VS_BENCH_FIOSIZE (128 MiB), VS_E2E_DAEMON (ours), REFERENCE_VIRTIOFSD,
#      VS_BENCH_JOBS (job,job: only these, "meta" for the metadata jobs),
#      VS_BENCH_CPU (1: the jobs run on the guest's vCPU 1; N, or any),
#      VS_BENCH_PERF (1: the daemon under perf stat; its CPU time, context
#      switches and migrations per boot), with the guest's interrupts per job
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/bench/ab-lib.sh"

rounds=${VS_BENCH_ROUNDS:-3}
cache=${VS_BENCH_CACHE:-auto}
reference=${REFERENCE_VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
e2e_setup
e2e_initramfs bench
ours=$e2e_daemon
[ -x "$reference" ] || tap_skip_all "no reference daemon $reference"
results=$e2e_dir/bench-fio.txt
: > "$results"
append="vs.mode=bench vs.fiotime=${VS_BENCH_FIOTIME:-5} vs.fiosize=${VS_BENCH_FIOSIZE:-128} vs.many=10000"
[ -z "${VS_BENCH_JOBS:-}" ] || append="$append vs.jobs=$VS_BENCH_JOBS"
# The guest takes the request queue's interrupts on vCPU 0: a job on that
# vCPU runs at 0.55-0.65x the speed it has on vCPU 1 (either daemon), and
# unpinned the scheduler picks one per boot, which swamped the daemons'
# difference (libaio qd16 at 12 000 or 20 000 IOPS by the boot).
bench_cpu=${VS_BENCH_CPU:-1}
[ "$bench_cpu" = any ] || append="$append vs.benchcpu=$bench_cpu"
perf_events=task-clock,context-switches,cpu-migrations

# bench_round WHO ROUND DAEMON RUNDIR: one guest, its BENCH lines kept
bench_round() {
	e2e_daemon=$3
	if [ "${VS_BENCH_PERF:-0}" = 1 ]; then
		printf '#!/bin/sh\nexec perf stat -x, -o %s -e %s -- %s "$@"\n' \
			"$4/stat.txt" "$perf_events" "$3" > "$4/daemon-perf"
		chmod +x "$4/daemon-perf"
		e2e_daemon=$4/daemon-perf
	fi
	e2e_qemu_boot "round $2 $1" "$4" memfd "$cache" "$append"
	tr -d '\r' < "$e2e_serial" | sed -n 's/^BENCH //p' |
		sed "s/^/$1 $2 /" >> "$results"
	tr -d '\r' < "$e2e_serial" | sed -n 's/^BENCH-INFO //p' |
		sed "s/^/# $1 round $2: guest /"
	[ ! -f "$4/stat.txt" ] || awk -F, -v who="$1" -v r="$2" '$3 ~ /./ {
		line = line sprintf(" %s=%s", $3, $1) }
		END { print "# " who " round " r ": daemon" line }' "$4/stat.txt"
	tr -d '\r' < "$e2e_serial" | grep '^E2E: FAIL' | sed "s/^/# $1: /"
	rm -rf "$4"
}
ab_rounds "$rounds" bench bench_round

# lines: daemon round job key=value ...; print the medians and ours/ref
echo "# fio and metadata jobs, cache=$cache, $rounds rounds, medians"
awk '
function median(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	split($4, kv, "=")
	key = $3 " " kv[1]
	v[$1, key] = v[$1, key] " " kv[2]
	keys[key] = 1
}
END {
	printf "%-34s %12s %12s %8s\n", "job metric", "ours", "reference", "ratio"
	for (k in keys) {
		o = median(v["ours", k]); r = median(v["reference", k])
		printf "%-34s %12.0f %12.0f %8.2f\n", k, o, r, (r > 0 ? o / r : 0)
	}
}' "$results" | sort
echo "# every metric is higher-is-better: ratio = ours / reference, > 1 ours faster"
