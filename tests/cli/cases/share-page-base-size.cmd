# a <page> of the base page size (4K) is ordinary memory to libvirt: no hugepages are counted or refused
cp -r "$DATA/hosts/hugepages-no-mount" host && chmod -R u+w host && mkdir -p host/srv/data
cp "$DATA/domains/page-base-size.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --dry-run | grep -e warning -e Dry
