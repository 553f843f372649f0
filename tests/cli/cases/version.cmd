virtshare --version
