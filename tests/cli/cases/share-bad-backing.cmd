# an unknown backing is refused before anything is read
virtshare share vm1 --tag data --dir /srv/data --backing hugepages:2X
