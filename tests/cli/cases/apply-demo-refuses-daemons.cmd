# the demo starts no daemon
export VIRTSHARE_RUNDIR=$PWD/run
virtshare --demo apply "$TEMPLATES/ini/external.ini" --yes > /dev/null
