# the demo promises to change nothing on the host
export VIRTSHARE_RUNDIR=$PWD/run
virtshare --demo daemon start vm1 data --dir /
