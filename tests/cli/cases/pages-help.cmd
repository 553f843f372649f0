virtshare pages --help
