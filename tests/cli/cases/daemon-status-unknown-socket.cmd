export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon status --socket /tmp/nothing-here.sock
