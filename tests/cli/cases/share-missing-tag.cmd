# --tag is required
virtshare share vm1 --dir /srv/data --xml vm1.xml
