virtshare pages alloc 2M 1 --node -1 --root "$DATA/hosts/numa-server"
