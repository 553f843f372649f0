# the demo's db guest: hugepages kept, the private NUMA cell made shared
virtshare --demo share db --dir /srv/data --tag data --dry-run
