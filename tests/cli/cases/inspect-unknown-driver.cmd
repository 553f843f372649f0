# an explicit URI of a driver libvirt does not know
virtshare inspect --root "$DATA/hosts/laptop" -c nosuchdriver:///x --json | jq .libvirt.error | grep -c "Cannot connect to libvirt at nosuchdriver:///x"
