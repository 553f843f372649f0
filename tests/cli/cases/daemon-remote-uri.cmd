# the daemon runs where the guest runs
export VIRTSHARE_RUNDIR=$PWD/run
virtshare -c qemu+ssh://root@kvm1.example/system daemon start vm1 data --dir /
