# more pages than the host has memory
virtshare pages alloc 2M 999999999 --root "$DATA/hosts/numa-server"
