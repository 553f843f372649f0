# --yes applies: the file is written, the old one kept as .bak
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data host/srv/media
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --cache always --xattr --yes | tail -1
ls
diff vm1.xml.bak vm1.xml || true
