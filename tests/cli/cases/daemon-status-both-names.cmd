export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon status vm1 data --socket /tmp/x.sock
