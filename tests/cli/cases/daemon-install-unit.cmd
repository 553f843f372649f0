export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_CONFDIR=$PWD/conf
virtshare -c qemu:///session daemon install-unit vm1 data --dir / --cache always --thread-pool 4 --socket-group root
cat conf/fsd/vm1-data.env
