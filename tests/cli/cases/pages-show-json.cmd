# the same as JSON
virtshare pages --json --root "$DATA/hosts/numa-server"
