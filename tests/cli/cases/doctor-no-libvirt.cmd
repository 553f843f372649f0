# No -c and the default libvirt does not answer: the host checks, and a note.
# The default URI names a socket nothing listens on, so that no libvirtd
# running on this machine can answer it.
LIBVIRT_DEFAULT_URI='qemu+unix:///system?socket=/nonexistent/libvirt-sock' virtshare --root "$DATA/doctor/host" doctor | sed -n '/^Host/,/^  libvirt/p;/^Notes/,$p'
