# a file instead of libvirt
cp "$top_srcdir/tests/golden/share-idempotent.in.xml" vm1.xml
virtshare shares vm1 --xml vm1.xml
