export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
virtshare -c qemu:///session daemon start --dir / --socket $PWD/nodir/fs.sock
