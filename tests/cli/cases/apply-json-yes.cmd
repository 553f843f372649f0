# --json --yes: applied, and what was done
printf '[share test data]\ndir = /srv/data\n' > site.ini
virtshare --root $DATA/hosts/numa-server -c test:///default apply site.ini --json --yes | grep -A3 -e '"applied"' | sed 's/[0-9]\{6\}\.xml/NNNNNN.xml/'
