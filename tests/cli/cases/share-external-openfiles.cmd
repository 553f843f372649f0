# numbers that must be 1 or more
virtshare share vm1 --tag data --dir /srv/data --openfiles 0
