# memfd serves hugepages without a hugetlbfs mount: no warning about one; a file source needs it
cp -r "$DATA/hosts/hugepages-no-mount" host && chmod -R u+w host && mkdir -p host/srv/data
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --backing hugepages:2M --dry-run | grep -e warning -e "<source type" -e Dry
cp "$top_srcdir/tests/golden/share-hugepages-file-source.in.xml" vm2.xml
virtshare --root host share vm1 --xml vm2.xml --dir /srv/data --tag data --backing hugepages:2M --dry-run | grep -e warning -e "<source type" -e Dry
