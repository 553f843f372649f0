# the demo changes nothing
virtshare --demo pages alloc 2M 1
