#!/bin/sh
# qemu-reference.sh: the same guest suite against QEMU's C virtiofsd, so a
# failure elsewhere is known to be the daemon's and not the harness's
VS_E2E_DAEMON=${REFERENCE_VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
# QEMU 7.2's virtiofsd answers EOPNOTSUPP to SETLKW (blocking flock/fcntl)
e2e_xfail="flock-wait fcntl-setlkw"
e2e_xfail_why="the reference daemon does not support blocking locks"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
e2e_setup
e2e_qemu_run memfd auto
e2e_done
