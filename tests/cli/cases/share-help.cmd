# every option of share, with the libvirt version each needs
virtshare share --help
