# SPDX-License-Identifier: GPL-2.0-or-later
# guest-bench.sh: the benchmark half of the e2e guest, sourced by /init as
# /bench.sh when the kernel command line says vs.mode=bench. Prints
# "BENCH job iops=N kib_s=N" (fio) and "BENCH meta-* ops_per_s=N" lines.
B=/mnt/bench
rm -rf "$B"
# the virtio interrupts so far, per vector (queue): " name=N ..."
irqs() {
	awk '/virtio/ { n = 0; for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) n += $i;
		printf " %s=%d", $NF, n }' /proc/interrupts
}
# the virtio interrupts so far, all vectors
irqsum() {
	awk '/virtio/ { for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) n += $i }
		END { print n + 0 }' /proc/interrupts
}
# pin CMD...: CMD on vs.benchcpu's vCPU, when it names one
pin() {
	if [ -n "$BENCHCPU" ]; then
		taskset -c "$BENCHCPU" "$@"
	else
		"$@"
	fi
}
# wanted JOB: vs.jobs is empty or names JOB
wanted() {
	case ",${JOBS:-$1}," in *",$1,"*) return 0 ;; esac
	return 1
}
mkdir -p "$B"
# vs.bench=count (bench/fuse-count.sh): only the metadata jobs, their
# three phases apart, with a STATFS between phases for the host to split
# the daemon's request log on; nothing timed
case " $(cat /proc/cmdline) " in
*" vs.bench=count "*)
	M=$B/meta
	echo "BENCH count-irqs start$(irqs)"
	read -r t0 _ < /proc/uptime
	vs-guest statfs /mnt > /dev/null
	vs-guest mkmany "$M" "$MANY"
	vs-guest statfs /mnt > /dev/null
	read -r t1 _ < /proc/uptime
	echo "BENCH count-irqs create$(irqs)"
	i=0
	while [ "$i" -lt "$MANY" ]; do
		stat -L "$(printf '%s/f%06d' "$M" "$i")" > /dev/null || fail "stat $i"
		i=$((i + 1))
	done
	vs-guest statfs /mnt > /dev/null
	read -r t2 _ < /proc/uptime
	echo "BENCH count-irqs stat$(irqs)"
	vs-guest rmmany "$M" "$MANY"
	vs-guest statfs /mnt > /dev/null
	read -r t3 _ < /proc/uptime
	echo "BENCH count-irqs unlink$(irqs)"
	echo "BENCH count-seconds create=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')" \
		"stat=$(echo "$t2 $t1" | awk '{ print $1 - $2 }')" \
		"unlink=$(echo "$t3 $t2" | awk '{ print $1 - $2 }')"
	pass count
	rm -rf "$B"
	return 0
	;;
esac
# fio --minimal: field 7/8 read KiB/s and IOPS, 48/49 the same for writes
# and BENCH-INFO job request_irqs=N:N irqs_per_s=N: the request queue's
# interrupts so far per vCPU, the virtio interrupts per second of the job.
# seqwrite-1M lays the file out: it runs whatever vs.jobs says.
fio_job() {
	job=$1
	shift
	wanted "$job" || [ "$job" = seqwrite-1M ] || return 0
	i0=$(irqsum)
	read -r t0 _ < /proc/uptime
	if pin fio --name="$job" --filename="$B/fio.bin" --size="${FIOSIZE}M" \
		--thread --group_reporting --minimal "$@" > /tmp/fio.out 2>/tmp/fio.err; then
		awk -F';' -v j="$job" '{
			if ($8 + 0 > 0) printf "BENCH %s iops=%d kib_s=%d\n", j, $8, $7;
			else printf "BENCH %s iops=%d kib_s=%d\n", j, $49, $48 }' /tmp/fio.out
		read -r t1 _ < /proc/uptime
		echo "BENCH-INFO $job request_irqs=$(awk '/virtio/ && /request/ { printf "%s:%s", $2, $3 }' /proc/interrupts) irqs_per_s=$(echo "$(irqsum) $i0 $t1 $t0" |
			awk '{ printf "%d", ($1 - $2) / ($3 - $4) }')"
		pass "fio-$job"
	else
		fail "fio-$job" "($(tail -n 2 /tmp/fio.err | tr '\n' ' '))"
	fi
}
if [ -x /usr/bin/fio ]; then
	T="--runtime=$FIOTIME --time_based"
	# lay the file out first so every job reads real data
	fio_job seqwrite-1M --rw=write --bs=1M --ioengine=psync --direct=1 --end_fsync=1
	fio_job seqread-1M --rw=read --bs=1M --ioengine=psync --direct=1 $T
	fio_job randread-4k-psync --rw=randread --bs=4k --ioengine=psync --direct=1 $T
	fio_job randread-4k-libaio-qd16 --rw=randread --bs=4k --ioengine=libaio --iodepth=16 --direct=1 $T
	fio_job randwrite-4k-psync --rw=randwrite --bs=4k --ioengine=psync --direct=1 $T
	fio_job randwrite-4k-libaio-qd16 --rw=randwrite --bs=4k --ioengine=libaio --iodepth=16 --direct=1 $T
	rm -f "$B/fio.bin"
else
	fail fio "(fio is not in the initramfs)"
fi
if ! wanted meta; then
	:
elif pin /bin/vs-guest meta "$B/meta" "$MANY" > /tmp/meta.out 2>&1; then
	cat /tmp/meta.out
	pass meta
else
	fail meta "($(tail -n 1 /tmp/meta.out))"
fi
rm -rf "$B"
