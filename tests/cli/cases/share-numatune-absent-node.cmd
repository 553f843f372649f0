# the domain's own <numatune> names host nodes this host lacks: a warning that names it, not a refusal about a node nobody typed
cp -r "$DATA/hosts/hugepages-no-mount" host && chmod -R u+w host && mkdir -p host/srv/data
cp "$DATA/domains/numatune-absent-node.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --dry-run | grep -e warning -e Dry
