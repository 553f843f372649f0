# applied on the test driver: a summary, the diff, what was done
printf '[domain test]\nbacking = memfd\n\n[share test data]\ndir = /srv/data\ncache = none\n' > site.ini
virtshare --root $DATA/hosts/numa-server -c test:///default apply site.ini --yes | sed 's/[0-9]\{6\}\.xml/NNNNNN.xml/'
