# the demo build guest shares /srv/build
virtshare --demo unshare build build --dry-run
