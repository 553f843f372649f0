# libvirt's test driver has no virNodeAllocPages
virtshare -c test:///default pages alloc 2M 1
