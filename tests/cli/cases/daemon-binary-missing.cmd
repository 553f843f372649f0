export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=/nonexistent/virtshare-fsd
virtshare -c qemu:///session daemon start vm1 data --dir /
