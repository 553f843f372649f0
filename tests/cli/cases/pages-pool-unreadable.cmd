# a pool file that cannot be read: refused before any change
cp -RL "$DATA/hosts/numa-server" h && chmod -R u+w h
rm h/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages
virtshare pages alloc 2M 1 --add --root h
cat h/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
