virtshare -c test:///default doctor nosuch
