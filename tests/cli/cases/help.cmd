virtshare --help
