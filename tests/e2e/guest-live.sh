#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# guest-live.sh: /init of the live e2e guest: stays up with the QEMU guest
# agent until it is shut down, so shares can be hot-plugged and mounted.
#
# One script in three roles, chosen by the name it runs under:
#   /init           load the modules, name the virtio-serial ports as udev
#                   would, keep /etc on the disk (vda) when there is one,
#                   mount the fstab's virtiofs lines, then become busybox
#                   init, which respawns qemu-ga and acpid
#   /sbin/shutdown  what qemu-ga's guest-shutdown runs
#                   (shutdown -h -P +0 "hypervisor initiated shutdown")
#   /sbin/live-halt init's ::shutdown action: unmount, sync
# The ACPI power button (virsh shutdown --mode acpi) reaches busybox acpid
# through the button and evdev modules; acpid runs /etc/acpi/PWRF/00000080,
# which is `poweroff`: init runs live-halt, ends every process, powers off.
#
# Kernel command line: vs.noagent=1 (qemu-ga not started: the channel
# exists, nobody answers), vs.novirtiofs=1 (a kernel without virtiofs: the
# module is not loaded).
# Console lines, read by tests/e2e/live-lib.sh:
#   E2E-LIVE-BOOTED kernel=...   E2E-LIVE-INFO ...
#   E2E-LIVE-FSTAB mounted|failed TAG DIR
#   E2E-LIVE-UP agent=1|0        (init takes over)
#   E2E-LIVE-HALT                (on the way down)
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

# fstab_opts OPTS: the options the kernel gets; the ones only userspace
# reads (systemd and util-linux drop them) would fail the mount
fstab_opts() {
	_o=
	for _x in $(echo "$1" | tr , ' '); do
		case $_x in
		defaults|auto|nofail|_netdev|x-*|comment=*) ;;
		*) _o=${_o:+$_o,}$_x ;;
		esac
	done
	echo "${_o:-defaults}"
}

# mount the fstab's virtiofs lines, creating the mount points as
# systemd does (an initramfs forgets the directories made before a reboot)
fstab_mount() {
	while read -r _dev _dir _type _opts _rest; do
		case $_dev in '#'*|'') continue ;; esac
		[ "$_type" = virtiofs ] || continue
		case ,$_opts, in *,noauto,*) continue ;; esac
		mkdir -p "$_dir"
		if mount -t virtiofs -o "$(fstab_opts "$_opts")" "$_dev" "$_dir"; then
			echo "E2E-LIVE-FSTAB mounted $_dev $_dir"
		else
			echo "E2E-LIVE-FSTAB failed $_dev $_dir"
		fi
	done < /etc/fstab
}

# /dev/virtio-ports/NAME links, as udev's 60-virtio rules make them; the
# port names arrive from QEMU shortly after the driver binds
virtio_ports() {
	grep -qx 0x0003 /sys/bus/virtio/devices/*/device 2>/dev/null || return 0
	mkdir -p /dev/virtio-ports
	_i=0
	while [ "$_i" -lt 50 ]; do
		for _p in /sys/class/virtio-ports/vport*; do
			[ -s "$_p/name" ] || continue
			ln -sf "../${_p##*/}" "/dev/virtio-ports/$(cat "$_p/name")"
		done
		[ -e /dev/virtio-ports/org.qemu.guest_agent.0 ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "E2E-LIVE-INFO no org.qemu.guest_agent.0 port"
}

# /etc on the disk, so what the agent writes there (fstab) survives a
# restart; the files the initramfs brings are refreshed at every boot
persist_etc() {
	[ -b /dev/vda ] || return 0
	mkdir -p /persist
	if ! mount -t ext4 /dev/vda /persist 2>/dev/null; then
		mke2fs -F /dev/vda > /dev/null 2>&1 &&
			mount -t ext4 /dev/vda /persist || {
			echo "E2E-LIVE-INFO cannot use /dev/vda for /etc"
			return 0
		}
		echo "E2E-LIVE-INFO formatted /dev/vda"
	fi
	mkdir -p /persist/etc
	for _f in /etc/* /etc/.[!.]*; do
		[ -e "$_f" ] || continue
		case ${_f##*/} in
		fstab*) [ -e "/persist/etc/${_f##*/}" ] ||
			cp -a "$_f" /persist/etc/ ;;
		*) rm -rf "/persist/etc/${_f##*/}"
			cp -a "$_f" /persist/etc/ ;;
		esac
	done
	mount -o bind /persist/etc /etc
	echo "E2E-LIVE-INFO /etc is on /dev/vda"
}

live_init() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	mount -t tmpfs tmpfs /tmp
	mount -t tmpfs tmpfs /run
	NOAGENT=0 NOVIRTIOFS=0
	for _kv in $(cat /proc/cmdline); do
		case $_kv in
		vs.noagent=1) NOAGENT=1 ;;
		vs.novirtiofs=1) NOVIRTIOFS=1 ;;
		esac
	done
	for _m in $(cat /lib/modules/load-order); do
		case $NOVIRTIOFS:$_m in 1:virtiofs.ko) continue ;; esac
		insmod "/lib/modules/$_m" 2>/dev/null ||
			echo "E2E-LIVE-INFO insmod $_m failed"
	done
	echo "E2E-LIVE-BOOTED kernel=$(uname -r)"

	persist_etc
	# what busybox init, acpid and qemu-ga's guest-shutdown need
	mkdir -p /etc/acpi/PWRF
	printf '#!/bin/sh\nexec poweroff\n' > /etc/acpi/PWRF/00000080
	chmod 755 /etc/acpi/PWRF/00000080
	ln -sf /init /sbin/shutdown
	ln -sf /init /sbin/live-halt
	{
		echo "::shutdown:/sbin/live-halt"
		echo "::respawn:/bin/acpid -f -l /tmp/acpid.log"
	} > /etc/inittab

	virtio_ports
	_port=/dev/virtio-ports/org.qemu.guest_agent.0
	_agent=0
	if [ "$NOAGENT" = 0 ] && [ -e $_port ]; then
		echo "::respawn:/usr/sbin/qemu-ga -m virtio-serial -p $_port" \
			"-l /tmp/qemu-ga.log" >> /etc/inittab
		_agent=1
	fi
	fstab_mount
	echo "E2E-LIVE-UP agent=$_agent"
	exec /bin/busybox init
}

live_halt() {
	echo "E2E-LIVE-HALT"
	grep ' virtiofs ' /proc/mounts | while read -r _dev _dir _rest; do
		umount "$_dir" || umount -l "$_dir"
	done
	# init ends the other processes (qemu-ga) only after this: /etc stays
	# busy, so sync is what keeps the disk consistent
	sync
}

case ${0##*/} in
shutdown)
	case " $* " in
	*" -r "*) reboot ;;
	*" -H "*) halt ;;
	*) poweroff ;;
	esac ;;
live-halt) live_halt ;;
*) live_init ;;
esac
