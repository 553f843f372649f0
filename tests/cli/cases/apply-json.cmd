# --json without --yes: the plan only, as JSON
printf '[share test data]\ndir = /srv/data\n' > site.ini
virtshare --root $DATA/hosts/numa-server -c test:///default apply site.ini --json | sed 's/"diff": ".*"/"diff": "..."/'
