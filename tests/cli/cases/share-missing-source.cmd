# options alone change an existing share; for a tag the domain does not
# have yet, --dir or --socket is required, and nothing is written
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host share vm1 --tag data --cache always --xml vm1.xml --yes
echo "[exit $?]"
ls
