# add to the system-wide pool, options after the arguments too
cp -RL "$DATA/hosts/numa-server" h && chmod -R u+w h
virtshare pages --root h alloc 2048K 10 --add
cat h/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
