# anyone could swap the socket in such a directory
export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
mkdir open && chmod 777 open
virtshare -c qemu:///session daemon start --dir / --socket $PWD/open/fs.sock
