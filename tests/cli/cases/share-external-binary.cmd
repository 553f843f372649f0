# virtshare-fsd is not libvirt's daemon: no --binary
virtshare share vm1 --tag data --dir /srv/data --daemon external --binary /usr/libexec/virtiofsd
