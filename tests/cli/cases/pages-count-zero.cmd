virtshare pages alloc 2M 0 --root "$DATA/hosts/numa-server"
