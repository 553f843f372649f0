#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mkinitramfs.sh: build the e2e guest initramfs (busybox-static, the Debian
# kernel's virtio/fuse/virtiofs modules, vs-guest, fio when installed).
#
# Usage: mkinitramfs.sh OUT.cpio.gz GUEST_HELPER
#   env: KVER (default: the newest kernel under /boot), WITH_FIO=1|0,
#        WITH_AGENT=1|0 (default 0), top_srcdir
# WITH_AGENT=1 builds the live guest instead (guest-live.sh as /init): it
# stays up with qemu-ga (Debian's qemu-guest-agent, with the libraries ldd
# names) on the virtio-serial port, powers off on the ACPI power button,
# keeps /etc on its disk when it has one; the modules for that
# (virtio_console, button, evdev, virtio_blk, ext4) come in addition.
# Rebuilds only when an input changed: the key of the inputs is stored
# next to the output, so one build tree reuses its initramfs.
set -eu

out=$1 helper=$2
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
e2edir=$srcdir/tests/e2e
kver=${KVER:-$(ls /boot | sed -n 's/^vmlinuz-//p' | sort -V | tail -n 1)}
with_fio=${WITH_FIO:-1}
[ -x /usr/bin/fio ] || with_fio=0
with_agent=${WITH_AGENT:-0}
qga=/usr/sbin/qemu-ga
if [ "$with_agent" = 1 ] && [ ! -x $qga ]; then
	echo "$qga is missing (apt-get install qemu-guest-agent)" >&2
	exit 1
fi
busybox=$(command -v busybox)
modules="virtio_pci virtiofs"
[ "$with_agent" = 0 ] ||
	modules="$modules virtio_console button evdev virtio_blk ext4"

key=$( {
	echo "$kver $with_fio"
	cat "$e2edir/guest-init.sh" "$srcdir/bench/guest-bench.sh" \
		"$helper" "$busybox" "$0" 2>/dev/null
	[ "$with_fio" = 0 ] || cat /usr/bin/fio
	[ "$with_agent" = 0 ] || cat "$e2edir/guest-live.sh" $qga
} | md5sum | cut -d' ' -f1)
if [ -s "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
	echo "initramfs $out is up to date"
	exit 0
fi

root=$out.d
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/proc" "$root/sys" \
	"$root/dev" "$root/mnt" "$root/tmp" "$root/lib/modules"
cp "$busybox" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
cp "$helper" "$root/bin/vs-guest"

# modules in dependency order, as modprobe would load them
: > "$root/lib/modules/load-order"
for m in $modules; do
	modprobe -S "$kver" --show-depends "$m"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
while read -r ko; do
	base=$(basename "$ko")
	base=${base%.xz}
	base=${base%.zst}
	case $ko in
	*.xz) xz -dc "$ko" > "$root/lib/modules/$base" ;;
	*.zst) zstd -qdc "$ko" > "$root/lib/modules/$base" ;;
	*) cp "$ko" "$root/lib/modules/$base" ;;
	esac
	echo "$base" >> "$root/lib/modules/load-order"
done
grep -q '^virtiofs\.ko$' "$root/lib/modules/load-order" || {
	echo "no virtiofs module for kernel $kver" >&2
	exit 1
}

# copy_linked BIN: BIN and the libraries it links, at the host's paths
copy_linked() {
	mkdir -p "$root$(dirname "$1")"
	cp "$1" "$root$1"
	ldd "$1" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
	sort -u | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
[ "$with_fio" = 0 ] || copy_linked /usr/bin/fio

if [ "$with_agent" = 1 ]; then
	copy_linked $qga
	mkdir -p "$root/etc" "$root/run" "$root/var" "$root/mnt/vs"
	ln -s ../run "$root/var/run"
	# a mount point that is not a directory, for the negative cases
	echo "not a directory" > "$root/mnt/notadir"
	cat > "$root/etc/fstab" <<-EOF
	# /etc/fstab of the virtshare live e2e guest
	proc /proc proc defaults 0 0
	EOF
	cp "$e2edir/guest-live.sh" "$root/init"
else
	cp "$e2edir/guest-init.sh" "$root/init"
fi
cp "$srcdir/bench/guest-bench.sh" "$root/bench.sh" 2>/dev/null ||
	echo 'echo "E2E-INFO no bench script"' > "$root/bench.sh"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
echo "$key" > "$out.key"
rm -rf "$root"
echo "built $out for kernel $kver (fio: $with_fio, agent: $with_agent)"
