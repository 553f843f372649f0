# the domain's own <page> asks for a size this host lacks: a warning that names the <page>, not "use one of those sizes"
cp -r "$DATA/hosts/hugepages-no-mount" host && chmod -R u+w host && mkdir -p host/srv/data
cp "$DATA/domains/page-1G.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --dry-run | grep -e warning -e Dry
