# a socket is for a daemon outside libvirt
virtshare share vm1 --tag data --socket /run/data.sock --daemon libvirt
