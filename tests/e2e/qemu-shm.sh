#!/bin/sh
# qemu-shm.sh: guest RAM in a /dev/shm file (memory_backing_dir on tmpfs)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
e2e_setup
e2e_qemu_run shm none
e2e_qemu_run shm auto
e2e_done
