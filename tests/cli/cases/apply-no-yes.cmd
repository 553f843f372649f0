# not on a terminal and no --yes: nothing is changed
printf '[share test data]\ndir = /srv/data\n' > site.ini
virtshare --root $DATA/hosts/numa-server -c test:///default apply site.ini < /dev/null > /dev/null
