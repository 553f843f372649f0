# qemu.conf names a hugetlbfs_mount that is not mounted
virtshare pages --root "$DATA/hosts/disk-backing-dir"
