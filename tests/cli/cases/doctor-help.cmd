virtshare doctor --help
