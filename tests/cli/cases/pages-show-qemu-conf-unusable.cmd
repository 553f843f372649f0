# qemu.conf cannot be parsed: noted, not a failure
virtshare pages --root "$DATA/hosts/bad-qemu-conf"
