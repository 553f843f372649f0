virtshare -c test:///default pages alloc 2M 1 --root "$DATA/hosts/numa-server"
