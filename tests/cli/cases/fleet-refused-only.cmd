# Nothing to apply because a domain is refused: not "everything is as the
# file says"; the exit status is 3
printf '[host a]\nuri = test:///default\n[host b]\nuri = test:///default?b\n[share b/nosuch data]\ndir = /\n' > fleet.ini
virtshare apply fleet.ini --dry-run > plan.txt; echo "exit status $?"
tail -n 1 plan.txt
