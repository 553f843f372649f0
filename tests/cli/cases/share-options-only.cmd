# the tag of an existing share with options only: they change, the
# directory and the other options stay
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --cache always --yes > /dev/null
virtshare --root host share vm1 --xml vm1.xml --tag data --binary /usr/libexec/virtiofsd --xattr --yes
grep -A6 '<filesystem' vm1.xml
