virtshare -c test:///default doctor --json --fix
