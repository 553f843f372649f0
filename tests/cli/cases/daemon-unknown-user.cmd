export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
virtshare daemon start vm1 data --dir / --socket-user no-such-user-vs --socket-group root
