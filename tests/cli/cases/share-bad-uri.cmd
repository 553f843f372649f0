# a libvirt that cannot be reached
virtshare -c test:///nonexistent/node.xml share test --dir /srv/data --tag data --yes
