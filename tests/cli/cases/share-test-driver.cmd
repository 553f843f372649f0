# through libvirt's test driver: the domain 'test' runs, so the change waits
# for a cold boot; the old definition is saved in the state directory
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data host/srv/media
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host -c test:///default share test --dir /srv/data --tag data --yes
find state -type f
