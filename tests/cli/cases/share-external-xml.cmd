# external with a directory: <source socket>, the record, the daemon step
export VIRTSHARE_RUNDIR=$PWD/run VIRTSHARE_FSD=/usr/libexec/virtshare-fsd
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --tag data --dir /srv/data --daemon external --cache auto --socket-group root --dry-run
