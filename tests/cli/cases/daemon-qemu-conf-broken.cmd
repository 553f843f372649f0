export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
mkdir -p host/etc/libvirt
printf 'user = libvirt-qemu\n' > host/etc/libvirt/qemu.conf
virtshare --root $PWD/host -c qemu:///system daemon start vm1 data --dir /
