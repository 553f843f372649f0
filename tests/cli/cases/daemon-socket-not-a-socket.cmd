export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
echo data > fs.sock
virtshare -c qemu:///session daemon start --dir / --socket $PWD/fs.sock
