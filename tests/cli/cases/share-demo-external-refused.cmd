# the demo starts no daemon
export VIRTSHARE_RUNDIR=$PWD/run
virtshare --demo share web --tag data --dir /srv/data --daemon external --yes > /dev/null
