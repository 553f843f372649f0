# INI values and section names that are not UTF-8: every one reported with
# its line, nothing planned
printf '[share vm1 data]\ndir = /srv/d\xe4ta\ncache = none\n\n[share vm\xff logs]\ndir = /srv/logs\n\n[share vm1 "t\xc3"]\ndir = /srv/data\n' > site.ini
virtshare -c test:///default apply site.ini --dry-run
