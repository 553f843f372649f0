virtshare daemon --help
