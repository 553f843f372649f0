# live, mount and persist_mount: each mistake with its file and line
printf '[share test a]\ndir = /srv/data\nlive = maybe\nmount = mnt/a\n\n[share test b]\ndir = /srv/data\npersist_mount = yes\n\n[share test c]\nstate = absent\nmount = /mnt/c\n\n[share test d]\ndir = /srv/data\nlive = no\nmount = /mnt/d\n' > live.ini
virtshare -c test:///default apply live.ini --dry-run
