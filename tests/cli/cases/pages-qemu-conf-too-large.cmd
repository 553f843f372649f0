# a qemu.conf too large to be one is refused as such, with what to do
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host
truncate -s 11M host/etc/libvirt/qemu.conf
virtshare --root host pages | sed -n '/^Notes/,$p'
