# a transient domain has no persistent definition to change
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data
cat > node.xml <<XML
<node>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>fleeting</name>
    <test:transient/>
    <test:runstate>1</test:runstate>
    <memory unit='GiB'>1</memory>
    <os><type arch='x86_64'>hvm</type></os>
  </domain>
</node>
XML
virtshare --root host -c "test://$PWD/node.xml" share fleeting --dir /srv/data --tag data --yes
