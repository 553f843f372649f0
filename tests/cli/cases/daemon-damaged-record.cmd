# a record that is not JSON: status names it, list skips it
export VIRTSHARE_RUNDIR=$PWD/run
mkdir run && echo garbage > run/vm1-data.json
virtshare daemon status --socket $PWD/run/vm1-data.sock
echo "[status $?]"
virtshare daemon list
