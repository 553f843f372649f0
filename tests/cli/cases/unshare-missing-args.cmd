# the domain and the tag
virtshare unshare vm1
