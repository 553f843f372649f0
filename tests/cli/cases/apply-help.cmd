virtshare apply --help
