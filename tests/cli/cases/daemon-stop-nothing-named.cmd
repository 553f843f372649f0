export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon stop
