# a <page> of the base page size (4K) is ordinary memory to libvirt: the hugepage checks skip it, none is an error
cp -r "$DATA/hosts/hugepages-no-mount" host && chmod -R u+w host
cp "$DATA/domains/page-base-size.xml" vm1.xml
virtshare --root host doctor vm1 --xml vm1.xml | grep -A2 -e hugepage-size -e hugepages-free
