export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon start --dir / --socket /tmp/$(printf 'x%.0s' $(seq 120)).sock
