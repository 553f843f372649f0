virtshare pages allocate 2M 1
