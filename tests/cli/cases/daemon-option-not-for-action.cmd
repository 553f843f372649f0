# --cache describes a share: stop does not take it
export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon stop vm1 data --cache auto
