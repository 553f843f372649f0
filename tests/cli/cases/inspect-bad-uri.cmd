# a test-driver URI naming a file that does not exist: reported in the
# report, not a failure of the command
virtshare inspect --root "$DATA/hosts/laptop" -c test:///nonexistent/node.xml | sed -n "/^libvirt/,/^$/p"
