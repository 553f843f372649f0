# numbers are numbers
virtshare share vm1 --tag data --dir /srv/data --queue many
