# no record, no --dir: the domain's definition says what to serve
export VIRTSHARE_RUNDIR=$PWD/run
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
mkdir share run
cat > node.xml <<XML
<node>
  <domain type='test'>
    <name>vm9</name>
    <metadata>
      <virtshare:shares xmlns:virtshare="https://virtshare.invalid/xmlns/1">
        <virtshare:share tag="data" dir="$PWD/share" cache="auto"/>
      </virtshare:shares>
    </metadata>
    <memory unit='GiB'>1</memory>
    <os><type arch='x86_64'>hvm</type></os>
    <devices>
      <filesystem type='mount' accessmode='passthrough'>
        <driver type='virtiofs'/>
        <source socket='$PWD/run/vm9-data.sock'/>
        <target dir='data'/>
      </filesystem>
      <filesystem type='mount' accessmode='passthrough'>
        <driver type='virtiofs'/>
        <source dir='$PWD/share'/>
        <target dir='libvirts'/>
      </filesystem>
    </devices>
  </domain>
</node>
XML
virtshare -c test://$PWD/node.xml daemon start vm9 data --socket-user root --socket-group root | sed 's/^  pid .*/  pid        N/; s/(pid [0-9]*)/(pid N)/'
virtshare daemon stop vm9 data | sed 's/pid [0-9]*/pid N/'
virtshare -c test://$PWD/node.xml daemon start vm9 libvirts
virtshare -c test://$PWD/node.xml daemon start vm9 nothing
