# a <filesystem> without <target dir> (libvirt refuses it) is kept, with a warning; the share is written and checked after the write
cp "$top_srcdir/tests/golden/share-fs-no-target-socket.in.xml" vm1.xml
mkdir -p srv/data
virtshare share vm1 --xml vm1.xml --dir "$PWD/srv/data" --tag data --yes > out.txt
echo "share exited $?"
grep -e warning -e changed out.txt
