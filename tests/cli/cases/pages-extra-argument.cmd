virtshare pages free 2M 1 2
