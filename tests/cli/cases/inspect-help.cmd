virtshare inspect --help
