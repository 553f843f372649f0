#!/bin/sh
# libvirt.sh: the guest suite through libvirtd, which starts our daemon
# itself (<binary path=.../>, a listening socket passed with --fd)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
e2e_setup
command -v virsh >/dev/null && command -v libvirtd >/dev/null ||
	tap_skip_all "libvirt-daemon-system is not installed"
uri=qemu:///system
name=virtshare-e2e
run=$e2e_dir/run-libvirt
cache=none

# no systemd here: start the daemons by hand when they are not running
pgrep -x virtlogd >/dev/null || virtlogd -d
pgrep -x libvirtd >/dev/null || libvirtd -d
i=0
until virsh -c $uri version >/dev/null 2>&1; do
	[ $i -lt 100 ] || tap_bail "libvirtd does not answer on $uri"
	sleep 0.1
	i=$((i + 1))
done

rm -rf "$run"
mkdir -p "$run"
chmod 755 "$run"
e2e_share "$run/share" 16
serial=$run/serial.log
sed -e "s|@NAME@|$name|" -e "s|@KERNEL@|$e2e_kernel|" \
	-e "s|@INITRD@|$e2e_initrd|" -e "s|@TAG@|$e2e_tag|g" \
	-e "s|@APPEND@|vs.mode=test vs.md5mb=16|" -e "s|@DAEMON@|$e2e_daemon|" \
	-e "s|@CACHE@|$cache|" -e "s|@SHARE@|$run/share|" \
	-e "s|@SERIAL@|$serial|" "$srcdir/tests/e2e/domain.xml.in" > "$run/domain.xml"
if command -v virt-xml-validate >/dev/null; then
	tap_check "libvirt: the domain XML validates" \
		sh -c 'virt-xml-validate "$1" domain >/dev/null 2>&1' - "$run/domain.xml"
fi

virsh -c $uri destroy $name >/dev/null 2>&1
virsh -c $uri undefine $name >/dev/null 2>&1
tap_check "libvirt: define" \
	sh -c 'virsh -c "$1" define "$2" >/dev/null' - $uri "$run/domain.xml"
if ! virsh -c $uri start $name > "$run/start.log" 2>&1; then
	tap_not_ok "libvirt: start"
	sed 's/^/#   /' "$run/start.log"
	tail -n 20 "/var/log/libvirt/qemu/$name-fs0-virtiofsd.log" 2>/dev/null |
		sed 's/^/#   daemon: /'
	virsh -c $uri undefine $name >/dev/null 2>&1
	e2e_done
	exit 1
fi
tap_ok "libvirt: start"

# how libvirt ran the daemon: find it by its executable, read its argv
cmdline=
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/exe" 2>/dev/null)" = "$(readlink -f "$e2e_daemon")" ] || continue
	cmdline=$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)
	case $cmdline in *"$run/share"*) break ;; esac
done
echo "# daemon command line: $cmdline"
case $cmdline in
*--fd=*) tap_ok "libvirt: started the daemon with --fd" ;;
*) tap_not_ok "libvirt: started the daemon with --fd" ;;
esac

end=$(($(date +%s) + e2e_timeout))
while [ "$(virsh -c $uri domstate $name 2>/dev/null)" = running ] &&
	[ "$(date +%s)" -lt "$end" ]; do
	sleep 0.5
done
state=$(virsh -c $uri domstate $name 2>&1)
if [ "$state" = running ]; then
	virsh -c $uri destroy $name >/dev/null 2>&1
	tap_not_ok "libvirt: the guest powered off within ${e2e_timeout}s"
else
	tap_ok "libvirt: the guest powered off within ${e2e_timeout}s"
fi
virsh -c $uri undefine $name >/dev/null 2>&1
grep -q vhost-user-fs "/var/log/libvirt/qemu/$name.log" 2>/dev/null &&
	echo "# $(grep -o 'vhost-user-fs-pci[^ ]*' "/var/log/libvirt/qemu/$name.log" | tail -n 1)"

e2e_guest_tap libvirt "$serial"
e2e_host_checks libvirt "$run/share" "$serial"
if grep -q '^E2E: FAIL\|^E2E-SUMMARY.*fail=[1-9]' "$run/serial.log.txt" 2>/dev/null ||
	! grep -q '^E2E-DONE' "$run/serial.log.txt" 2>/dev/null; then
	tail -n 20 "/var/log/libvirt/qemu/$name-fs0-virtiofsd.log" 2>/dev/null |
		sed 's/^/#   daemon: /'
fi
[ -n "${VS_E2E_KEEP:-}" ] || rm -rf "$run"
e2e_done
