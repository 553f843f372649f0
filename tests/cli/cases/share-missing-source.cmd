# --dir or --socket is required
virtshare share vm1 --tag data --xml vm1.xml
