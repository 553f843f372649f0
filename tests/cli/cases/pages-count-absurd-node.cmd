# more than node 0 has: 131936728 KiB / 2048 = 64422 pages
virtshare pages alloc 2M 64423 --node 0 --root "$DATA/hosts/numa-server"
