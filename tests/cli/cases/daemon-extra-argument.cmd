export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon start vm1 data extra --dir /
