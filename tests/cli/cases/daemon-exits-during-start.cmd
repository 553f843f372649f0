# the daemon fails: its last log lines are shown
export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
mkdir share
FAKE_FSD_MODE=fail virtshare -c qemu:///session daemon start vm1 data --dir $PWD/share
rc=$?
ls run
exit $rc
