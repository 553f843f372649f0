export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon list vm1
