export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon list
virtshare daemon status
virtshare daemon list --json
