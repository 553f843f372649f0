virtshare pages alloc 2M many --root "$DATA/hosts/numa-server"
