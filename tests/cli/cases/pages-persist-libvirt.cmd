# --persist through libvirt is refused before anything changes
virtshare -c test:///default pages alloc 2M 1 --persist
