virtshare pages alloc 2X 1 --root "$DATA/hosts/numa-server"
