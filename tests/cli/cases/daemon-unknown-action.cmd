# actions are start, stop, restart, status, list, install-unit
virtshare daemon frob
