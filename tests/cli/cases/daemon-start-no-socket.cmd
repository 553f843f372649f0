# the explicit form needs both --dir and --socket
export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon start --dir /
