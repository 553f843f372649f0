# a domain libvirt does not have
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data host/srv/media
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host -c test:///default share nosuch --dir /srv/data --tag data --yes
