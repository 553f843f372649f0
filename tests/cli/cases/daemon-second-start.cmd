export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
virtshare -c qemu:///session daemon start vm1 data --dir / > /dev/null
out=$(virtshare -c qemu:///session daemon start vm1 data 2>&1)
rc=$?
echo "$out" | sed 's/pid [0-9]*/pid N/'
virtshare daemon stop vm1 data | sed 's/pid [0-9]*/pid N/'
exit $rc
