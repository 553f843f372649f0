# shrinking with alloc below the pages in use is refused too
virtshare pages alloc 2M 10 --node 0 --root "$DATA/hosts/numa-server"
