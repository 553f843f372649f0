virtshare -c test:///default doctor --dry-run
