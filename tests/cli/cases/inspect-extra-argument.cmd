virtshare inspect extra-arg
