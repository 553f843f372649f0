# a 1G mount that qemu.conf's hugetlbfs_mount does not list
cp -RL "$DATA/hosts/numa-server" h && chmod -R u+w h
echo 'hugetlbfs_mount = "/dev/hugepages"' > h/etc/libvirt/qemu.conf
virtshare pages --root h | sed -n "/^Notes/,\$p"
