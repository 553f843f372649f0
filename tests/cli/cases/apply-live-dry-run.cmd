# a running guest that cannot take the share live: the plan says what waits
# for its next start and why, and the fstab line the guest mounts it from
printf '[share test data]\ndir = /srv/data\nmount = /mnt/data\npersist_mount = yes\n\n[share test keep]\ndir = /srv/data\nlive = no\n' > live.ini
virtshare --root $DATA/hosts/numa-server -c test:///default apply live.ini --dry-run
