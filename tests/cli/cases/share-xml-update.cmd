# the tag of an existing share: its options change, the others stay
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data host/srv/media
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --cache always --yes > /dev/null
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --cache none --thread-pool 4 --dry-run
