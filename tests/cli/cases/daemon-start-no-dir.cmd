# the first start of a share needs its directory
export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon start vm1 data
