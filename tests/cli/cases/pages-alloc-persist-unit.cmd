# 1G pages: a systemd unit and the kernel command line
cp -RL "$DATA/hosts/numa-server" h && chmod -R u+w h
virtshare pages alloc 1G 20 --persist --root h
cat h/etc/systemd/system/virtshare-hugepages-1048576kB.service
readlink h/etc/systemd/system/sysinit.target.wants/virtshare-hugepages-1048576kB.service
