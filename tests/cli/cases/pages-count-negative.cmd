virtshare pages alloc 2M -5 --root "$DATA/hosts/numa-server"
