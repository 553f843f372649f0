# release every free page of node 1
cp -RL "$DATA/hosts/numa-server" h && chmod -R u+w h
virtshare pages free 2M --node 1 --root h
cat h/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages
