## SPDX-License-Identifier: GPL-2.0-or-later
## tests/e2e/local.mk: real guests under QEMU (TCG) mounting the daemon's share

# Runs inside the guest: static, and without the sanitizers of the host
# build (so not $(VS_CFLAGS); CI still sees its warnings in the log).
check_PROGRAMS += tests/e2e/vs-guest
tests_e2e_vs_guest_SOURCES = tests/e2e/vs-guest.c
tests_e2e_vs_guest_CFLAGS = -O2 -Wall -Wextra -Wshadow -Wformat=2 \
	-Wmissing-prototypes -Wstrict-prototypes
tests_e2e_vs_guest_LDFLAGS = -static

# check-e2e runs these as TESTS; automake only writes rules for tests it
# saw in TESTS, so they get an extension of their own with a TAP driver.
TEST_EXTENSIONS = .test .e2e
E2E_LOG_DRIVER = $(LOG_DRIVER)
E2E_TESTS += \
	tests/e2e/qemu-reference.e2e \
	tests/e2e/qemu-memfd.e2e \
	tests/e2e/qemu-shm.e2e \
	tests/e2e/qemu-hugetlbfs.e2e \
	tests/e2e/libvirt.e2e
EXTRA_DIST += $(E2E_TESTS) \
	tests/e2e/lib.sh \
	tests/e2e/mkinitramfs.sh \
	tests/e2e/guest-init.sh \
	tests/e2e/domain.xml.in
CLEANFILES += tests/e2e/initramfs-test.cpio.gz tests/e2e/initramfs-test.cpio.gz.key \
	tests/e2e/initramfs-bench.cpio.gz tests/e2e/initramfs-bench.cpio.gz.key

clean-local: clean-e2e
clean-e2e:
	-rm -rf tests/e2e/run-*
.PHONY: clean-e2e

# `virtshare daemon start` launches the daemon a guest mounts (<source socket>).
E2E_TESTS += tests/e2e/daemon-launch.e2e
EXTRA_DIST += tests/e2e/domain-socket.xml.in

# Live sharing (issue 16): a guest that stays up with the QEMU guest agent
# (mkinitramfs.sh WITH_AGENT=1, guest-live.sh, live-lib.sh); virsh alone
# hot-plugs, mounts through the agent, unmounts and unplugs.
E2E_TESTS += tests/e2e/live-virsh.e2e
EXTRA_DIST += tests/e2e/live-lib.sh tests/e2e/guest-live.sh \
	tests/e2e/domain-live.xml.in tests/e2e/live-facts.md
CLEANFILES += tests/e2e/initramfs-live.cpio.gz tests/e2e/initramfs-live.cpio.gz.key
# The guests a live attach cannot serve: private memory (then a restart
# with the mount in the guest's fstab), i440fx without ACPI, no free root
# port and no agent.
E2E_TESTS += tests/e2e/live-cases.e2e
# agent.c and fstab.c (the code `virtshare share --mount` will use)
# against the live guest, through the test program live-agent.
check_PROGRAMS += tests/e2e/live-agent
tests_e2e_live_agent_SOURCES = tests/e2e/live-agent.c
tests_e2e_live_agent_CPPFLAGS = $(src_libvirtshare_a_CPPFLAGS)
tests_e2e_live_agent_LDADD = $(VS_CORE_LIBS)
E2E_TESTS += tests/e2e/live-agent.e2e
# `virtshare share --mount`, mount, umount and unshare on running guests.
E2E_TESTS += tests/e2e/live-share.e2e
# `virtshare apply` with live, mount and persist_mount on a running guest.
E2E_TESTS += tests/e2e/live-apply.e2e
# What live-share.e2e leaves out: --restart --force, a guest that never
# releases a device, share --agent, spare root ports, a daemon virtshare
# starts for a hot-plug, and a libvirtd without cgroups.
E2E_TESTS += tests/e2e/live-more.e2e
