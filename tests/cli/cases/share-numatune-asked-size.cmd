# a size typed that the host lacks is still refused when the domain's <numatune> names nodes the host lacks
cp -r "$DATA/hosts/hugepages-no-mount" host && chmod -R u+w host && mkdir -p host/srv/data
cp "$DATA/domains/numatune-absent-node.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --backing hugepages:1G --dry-run
