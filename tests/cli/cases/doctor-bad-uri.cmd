# A URI that names no driver. libvirt's reason depends on whether a libvirtd
# answers ("no connection driver available for ...") or not ("Failed to
# connect socket to ..."): only that reason is normalized; virtshare's words
# around it and the exit status are checked as they are.
virtshare -c nosuchdriver:///x doctor 2>&1 |
	sed -E "s|^(virtshare: Cannot connect to libvirt at nosuchdriver:///x: ).+(\. Start the daemon)|\1<libvirt's reason>\2|"
echo "[virtshare exit ${PIPESTATUS[0]}]"
# A URI libvirt cannot parse fails in the client, daemon or not.
virtshare -c 'nosuchdriver://[x' doctor
