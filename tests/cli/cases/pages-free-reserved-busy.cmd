# system-wide, reserved pages count as in use
virtshare pages free 2M 2561 --root "$DATA/hosts/numa-server"
