# a share without <source> (libvirt refuses it) can be removed, and the note says so
cp "$top_srcdir/tests/golden/unshare-fs-no-source.in.xml" vm1.xml
virtshare unshare vm1 data --xml vm1.xml --dry-run | head -3
