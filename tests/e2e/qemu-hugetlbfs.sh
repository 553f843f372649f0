#!/bin/sh
# qemu-hugetlbfs.sh: guest RAM on 2 MiB hugepages from a hugetlbfs mount
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
e2e_setup
e2e_hugepages_get || tap_skip_all "not enough free 2 MiB hugepages"
e2e_qemu_run hugetlbfs none
e2e_qemu_run hugetlbfs auto
e2e_hugepages_put
e2e_done
