# the pool already has that size
virtshare pages alloc 2M 2048 --node 1 --root "$DATA/hosts/numa-server"
