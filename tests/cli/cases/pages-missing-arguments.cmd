virtshare pages alloc 2M
