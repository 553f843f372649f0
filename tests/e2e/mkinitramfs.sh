#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mkinitramfs.sh: build the e2e guest initramfs (busybox-static, the Debian
# kernel's virtio/fuse/virtiofs modules, vs-guest, fio when installed).
#
# Usage: mkinitramfs.sh OUT.cpio.gz GUEST_HELPER
#   env: KVER (default: the newest kernel under /boot), WITH_FIO=1|0,
#        top_srcdir
# Rebuilds only when an input changed: the key of the inputs is stored
# next to the output, so one build tree reuses its initramfs.
set -eu

out=$1 helper=$2
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
e2edir=$srcdir/tests/e2e
kver=${KVER:-$(ls /boot | sed -n 's/^vmlinuz-//p' | sort -V | tail -n 1)}
with_fio=${WITH_FIO:-1}
[ -x /usr/bin/fio ] || with_fio=0
busybox=$(command -v busybox)

key=$( {
	echo "$kver $with_fio"
	cat "$e2edir/guest-init.sh" "$srcdir/bench/guest-bench.sh" \
		"$helper" "$busybox" "$0" 2>/dev/null
	[ "$with_fio" = 0 ] || cat /usr/bin/fio
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
for m in virtio_pci virtiofs; do
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

# fio and the libraries it links, at the same paths as on the host
if [ "$with_fio" = 1 ]; then
	cp /usr/bin/fio "$root/usr/bin/fio"
	ldd /usr/bin/fio | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
	sort -u | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
fi

cp "$e2edir/guest-init.sh" "$root/init"
cp "$srcdir/bench/guest-bench.sh" "$root/bench.sh" 2>/dev/null ||
	echo 'echo "E2E-INFO no bench script"' > "$root/bench.sh"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
echo "$key" > "$out.key"
rm -rf "$root"
echo "built $out for kernel $kver (fio: $with_fio)"
