# a share that is not there, removed: nothing to do
printf '[share test data]\nstate = absent\n' > site.ini
virtshare -c test:///default apply site.ini
