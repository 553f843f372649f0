# lock options are written, with a warning about the Rust virtiofsd
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data host/srv/media
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --lock-posix on --flock on --backing memfd --dry-run | grep -e warning -e '^Dry'
