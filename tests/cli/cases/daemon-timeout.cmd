# the socket never listens: the daemon is stopped
export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
mkdir share
FAKE_FSD_MODE=hang virtshare -c qemu:///session daemon start vm1 data --dir $PWD/share --timeout 0.5
