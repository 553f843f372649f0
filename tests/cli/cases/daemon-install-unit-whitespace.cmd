# systemd would split an option holding white space
export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_CONFDIR=$PWD/conf
virtshare -c qemu:///session daemon install-unit vm1 data --dir / --socket-group 'a b'
