# pools per size and node, mounts, from a fixture tree
virtshare pages --root "$DATA/hosts/numa-server"
