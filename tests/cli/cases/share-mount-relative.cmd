# --mount takes an absolute path inside the guest
virtshare -c test:///default share test --dir /srv/data --tag data --mount mnt/data --dry-run
