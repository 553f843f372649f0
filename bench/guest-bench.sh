# SPDX-License-Identifier: GPL-2.0-or-later
# guest-bench.sh: the benchmark half of the e2e guest, sourced by /init as
# /bench.sh when the kernel command line says vs.mode=bench. Prints
# "BENCH job iops=N kib_s=N" (fio) and "BENCH meta-* ops_per_s=N" lines.
B=/mnt/bench
rm -rf "$B"
mkdir -p "$B"
# fio --minimal: field 7/8 read KiB/s and IOPS, 48/49 the same for writes
fio_job() {
	job=$1
	shift
	if fio --name="$job" --filename="$B/fio.bin" --size="${FIOSIZE}M" \
		--thread --group_reporting --minimal "$@" > /tmp/fio.out 2>/tmp/fio.err; then
		awk -F';' -v j="$job" '{
			if ($8 + 0 > 0) printf "BENCH %s iops=%d kib_s=%d\n", j, $8, $7;
			else printf "BENCH %s iops=%d kib_s=%d\n", j, $49, $48 }' /tmp/fio.out
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
if /bin/vs-guest meta "$B/meta" "$MANY" > /tmp/meta.out 2>&1; then
	cat /tmp/meta.out
	pass meta
else
	fail meta "($(tail -n 1 /tmp/meta.out))"
fi
rm -rf "$B"
