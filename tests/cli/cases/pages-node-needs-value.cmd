virtshare pages alloc 2M 1 --node
