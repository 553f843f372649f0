# a file that is not there
virtshare share vm1 --xml nothing.xml --dir /srv/data --tag data --yes
