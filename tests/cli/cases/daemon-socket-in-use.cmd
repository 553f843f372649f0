# a daemon virtshare did not start listens there
export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
$VIRTSHARE_FSD --socket-path=$PWD/fs.sock --shared-dir=/ 2> /dev/null &
for _ in $(seq 100); do [ -S fs.sock ] && break; sleep 0.05; done
virtshare -c qemu:///session daemon start --dir / --socket $PWD/fs.sock
rc=$?
kill %1
exit $rc
