#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# inspect-libvirtd.sh: `virtshare inspect` against a real libvirtd (qemu:///system)
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/libvirtd.sh"

if ! libvirtd_start; then
	# Not a pass: CI runs as root with libvirt installed, so this must run there.
	not_ok "libvirtd started (needs root and libvirt-daemon-system)"
	done_testing
	exit
fi
ok "libvirtd answers on qemu:///system"

text=$("$VIRTSHARE" -c qemu:///system inspect 2>&1)
status=$?
[ $status = 0 ] && ok "inspect exits 0" || not_ok "inspect exits 0" "$text"
for want in "driver +QEMU" "filesystem drivers +.*virtiofs" "memory sources +.*memfd" "hypervisor +[0-9]"; do
	if grep -qE -- "$want" <<< "$text"; then ok "report has: $want"
	else not_ok "report has: $want" "$text"; fi
done

json=$("$VIRTSHARE" inspect -c qemu:///system --json)
check "json: driver is QEMU" jq -e '.libvirt.driver == "QEMU"' <<< "$json"
check "json: virtiofs in the filesystem drivers" \
	jq -e '.libvirt.domain_capabilities.filesystem_drivers | index("virtiofs")' <<< "$json"
check "json: memfd among the memory sources" \
	jq -e '.libvirt.domain_capabilities.memory_source_types | index("memfd")' <<< "$json"
check "json: QEMU's C virtiofsd probed for capabilities" \
	jq -e '.daemons[] | select(.path == "/usr/lib/qemu/virtiofsd") | .probed and .type == "fs"' <<< "$json"
# The same host seen without libvirt's help must agree on the page sizes.
check "json: libvirt's page sizes include the kernel's default hugepage size" \
	jq -e '.host.default_hugepage_kib as $d | .libvirt.page_sizes_kib | index($d)' <<< "$json"
done_testing
