# a saved definition that cannot be read is refused with what is wrong
# with it, and the definition stays as it is
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
mkdir vm1.xml.bak
virtshare undo vm1 --xml vm1.xml --yes
echo "[exit $?]"
cmp vm1.xml "$top_srcdir/tests/golden/share-memfd.in.xml" && echo unchanged
