# No -c and the default libvirt does not answer: the host checks, and a note.
LIBVIRT_DEFAULT_URI=nosuchdriver:///x virtshare --root "$DATA/doctor/host" doctor | sed -n '/^Host/,/^  libvirt/p;/^Notes/,$p'
