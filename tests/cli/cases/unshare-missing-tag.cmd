# a tag the domain does not have
virtshare --demo unshare build photos --yes
