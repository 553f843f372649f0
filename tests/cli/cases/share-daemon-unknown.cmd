virtshare share vm1 --tag data --dir /srv/data --daemon systemd
