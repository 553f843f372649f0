virtshare pages free 2M 0 --root "$DATA/hosts/numa-server"
