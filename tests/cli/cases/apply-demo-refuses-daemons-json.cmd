# the demo starts no daemon, --json says so too
export VIRTSHARE_RUNDIR=$PWD/run
virtshare --demo apply "$TEMPLATES/ini/external.ini" --yes --json | grep -A3 '"applied"'
