# undo puts FILE.bak back and uses it up; a second undo has nothing left
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data host/srv/media
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
cp vm1.xml before.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --yes > /dev/null
virtshare undo vm1 --xml vm1.xml --yes | tail -1
cmp vm1.xml before.xml && ls
virtshare undo vm1 --xml vm1.xml --yes
