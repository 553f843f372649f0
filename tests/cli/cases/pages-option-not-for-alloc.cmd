virtshare pages alloc 2M 1 --json
