virtshare pages alloc 4M 1 --root "$DATA/hosts/numa-server"
