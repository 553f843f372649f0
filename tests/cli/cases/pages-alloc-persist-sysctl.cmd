# default size system-wide: a sysctl.d drop-in
cp -RL "$DATA/hosts/numa-server" h && chmod -R u+w h
virtshare pages alloc 2M 5000 --persist --root h
cat h/etc/sysctl.d/80-virtshare-hugepages.conf
