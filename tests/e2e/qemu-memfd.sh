#!/bin/sh
# qemu-memfd.sh: a guest with memfd RAM mounts our share, cache=none and auto
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
e2e_setup
e2e_qemu_run memfd none
e2e_qemu_run memfd auto
e2e_done
