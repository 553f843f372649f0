# libvirt 9.0 does not know <idmap> (10.0): refused before anything is written
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data host/srv/media
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host -c test:///default share test --dir /srv/data --tag data --idmap uid:0:100000:65536 --yes
