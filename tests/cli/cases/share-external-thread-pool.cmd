virtshare share vm1 --tag data --dir /srv/data --daemon external --thread-pool 2000
