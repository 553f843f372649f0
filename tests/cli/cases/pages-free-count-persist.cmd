# release 5 pages of node 0 and keep the pool so at boot
cp -RL "$DATA/hosts/numa-server" h && chmod -R u+w h
virtshare pages free 2M 5 --node 0 --root h --persist
cat h/etc/systemd/system/virtshare-hugepages-2048kB-node0.service | grep ExecStart
