export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon start --dir / --socket "$(printf '/tmp/a\nb.sock')"
