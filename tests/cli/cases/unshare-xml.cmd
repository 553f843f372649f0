# unshare removes the share and leaves memory shared
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data host/srv/media
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --yes > /dev/null
virtshare unshare vm1 data --xml vm1.xml --yes
