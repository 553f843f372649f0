# a virtiofs tag has at most 36 bytes
export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon start vm1 0123456789abcdef0123456789abcdef01234 --dir /
