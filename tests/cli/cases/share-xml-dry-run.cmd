# --dry-run shows the plan and the diff and changes nothing
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data host/srv/media
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
cp vm1.xml before.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --dry-run
cmp vm1.xml before.xml && ls
