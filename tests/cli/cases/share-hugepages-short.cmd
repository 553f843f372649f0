# hugepages the host lacks: the plan warns and says how to get them
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data host/srv/media
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --backing hugepages:1G --dry-run | grep -e warning -e Dry
