virtshare pages alloc 2M 1 --node 7 --root "$DATA/hosts/numa-server"
