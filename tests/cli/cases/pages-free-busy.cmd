# releasing pages in use is refused
virtshare pages free 2M 1025 --node 0 --root "$DATA/hosts/numa-server"
