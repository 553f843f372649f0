# qemu.conf's user owns the socket for qemu:///system
export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
mkdir -p host/etc/libvirt
printf 'user = "no-such-qemu-user"\ngroup = "root"\n' > host/etc/libvirt/qemu.conf
virtshare --root $PWD/host -c qemu:///system daemon start vm1 data --dir /
