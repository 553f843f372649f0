export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_CONFDIR=/dev/null/conf
virtshare -c qemu:///session daemon install-unit vm1 data --dir /
