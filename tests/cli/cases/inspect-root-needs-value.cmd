virtshare inspect --root
