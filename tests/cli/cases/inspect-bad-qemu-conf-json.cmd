virtshare inspect --root "$DATA/hosts/bad-qemu-conf" -c test:///default --json | grep -A3 "\"qemu_conf\""
