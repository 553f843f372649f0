# the directory and the socket are recorded in their canonical form, so
# any way of writing them names the same share
export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
mkdir share run
virtshare -c qemu:///session daemon start --dir share/./ --socket run/../run//fs.sock > /dev/null
virtshare daemon status --socket $PWD/run/fs.sock --json | jq -r '.name, .dir, .socket'
virtshare daemon list | awk '{print $1, $2, $4, $5}'
virtshare daemon stop --socket $PWD//run/./fs.sock | sed 's/pid [0-9]*/pid N/'
# (as started, should the names above not find it)
virtshare daemon stop --socket run/../run//fs.sock > /dev/null 2>&1
