# an --add that would overflow
virtshare pages alloc 2M 18446744073709551615 --add --root "$DATA/hosts/numa-server"
