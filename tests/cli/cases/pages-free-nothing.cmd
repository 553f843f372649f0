# nothing free to release: says so, succeeds
cp -RL "$DATA/hosts/numa-server" h && chmod -R u+w h
echo 0 > h/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/free_hugepages
virtshare pages free 1G --node 0 --root h
