# the domain is the one argument
virtshare share --tag data --dir /srv/data
