# a domain libvirt does not have
virtshare --demo shares nosuch
