# set the 2M pool of node 0; the file is what the kernel would read
cp -RL "$DATA/hosts/numa-server" h && chmod -R u+w h
virtshare pages alloc 2M 2100 --node 0 --root h
cat h/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages
