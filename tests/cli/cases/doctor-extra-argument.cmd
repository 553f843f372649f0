virtshare -c test:///default doctor test other
