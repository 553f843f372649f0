export VIRTSHARE_RUNDIR=/dev/null/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
virtshare -c qemu:///session daemon start vm1 data --dir /
