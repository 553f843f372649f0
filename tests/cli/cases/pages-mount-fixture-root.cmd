virtshare pages mount 2M --root "$DATA/hosts/numa-server"
