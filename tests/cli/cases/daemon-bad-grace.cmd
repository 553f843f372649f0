export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon stop vm1 data --grace -1
