# a tree (or kernel) without hugepage pools
virtshare pages alloc 2M 1 --root /nonexistent
