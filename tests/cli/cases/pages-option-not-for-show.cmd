virtshare pages --node 0
