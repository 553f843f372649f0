# SPDX-License-Identifier: GPL-2.0-or-later
# libvirtd.sh: start the real libvirt daemons for a test (source it; needs root)
# Debian 12 has no systemd in CI containers: run virtlogd and the monolithic
# libvirtd by hand (no -l: no TCP), as ../shared/reference/e2e does.

# libvirtd_start: returns 0 when qemu:///system answers, 1 when it cannot.
libvirtd_start() {
	[ "$(id -u)" = 0 ] || return 1
	command -v libvirtd > /dev/null || return 1
	# Tests may run in parallel: a second start fails on the pid file
	# lock, which is fine as long as one daemon answers.
	pgrep -x virtlogd > /dev/null || virtlogd -d || true
	pgrep -x libvirtd > /dev/null || libvirtd -d || true
	for _ in $(seq 100); do
		virsh -c qemu:///system version > /dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
