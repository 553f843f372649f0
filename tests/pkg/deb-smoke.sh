#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# deb-smoke.sh: build the Debian packages from a copy of this tree
# (dpkg-buildpackage -us -uc -b), install them with dpkg, try what a user
# tries first, then purge them. Root, a few minutes (a full build): run by
# `make check-deb` (./quickstart test), not by `make check`.
#
# It installs into the real /usr, so it refuses to run while virtshare
# packages are installed already (someone's own) and serialises on
# /tmp/virtshare-deb.lock; the tests of the build tree never use /usr.
. "$top_srcdir/tests/cli/lib.sh"

if [ "$(id -u)" != 0 ]; then
	skip "Debian packages" "needs root (dpkg -i)"
	done_testing
	exit
fi
for t in dpkg-buildpackage dh fakeroot; do
	if ! command -v "$t" > /dev/null; then
		not_ok "the packaging tools are installed" \
			"$t is missing: apt-get install dpkg-dev debhelper fakeroot"
		done_testing
		exit
	fi
done
exec 9> /tmp/virtshare-deb.lock
flock 9
for p in virtshare virtshare-fsd; do
	if dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q installed; then
		skip "Debian packages" "$p is installed already; not replacing it"
		done_testing
		exit
	fi
done

# A copy of the source: the files git knows (uncommitted ones too), or
# the whole unpacked tarball.
SRC=$TESTTMP/src
mkdir -p "$SRC"
if git -C "$top_srcdir" rev-parse --git-dir > /dev/null 2>&1; then
	git -C "$top_srcdir" ls-files -co --exclude-standard -z |
		(cd "$top_srcdir" && tar --null -cf - -T -) | tar -xf - -C "$SRC"
else
	(cd "$top_srcdir" && tar --exclude='./_build*' -cf - .) | tar -xf - -C "$SRC"
fi
version=$(cd "$SRC" && dpkg-parsechangelog -S Version)
check "debian/changelog has a version" test -n "$version"

# Without the variables of the make running this test: its TESTS (in
# MAKEFLAGS) would make the package's own `make check` run this test
# again, which would wait for the lock forever.
if (cd "$SRC" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	-u TESTS dpkg-buildpackage -us -uc -b) > "$TESTTMP/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	not_ok "dpkg-buildpackage -us -uc -b" "$(tail -40 "$TESTTMP/build.log")"
	done_testing
	exit
fi
arch=$(dpkg --print-architecture)
debs=()
for p in virtshare virtshare-fsd; do
	deb=$TESTTMP/${p}_${version}_$arch.deb
	check "${p}_${version}_$arch.deb was built" test -s "$deb"
	debs+=("$deb")
done

# What each package holds.
contents() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'; }
vs=$(contents "${debs[0]}")
fsd=$(contents "${debs[1]}")
for f in /usr/bin/virtshare /usr/share/man/man1/virtshare.1.gz \
	/usr/share/bash-completion/completions/virtshare \
	/usr/share/locale/de/LC_MESSAGES/virtshare.mo \
	/usr/share/virtshare/demo/node.xml /var/lib/virtshare/; do
	check "virtshare holds $f" grep -qxF "$f" <<< "$vs"
done
for f in /usr/libexec/virtshare-fsd /usr/share/man/man8/virtshare-fsd.8.gz \
	/usr/share/qemu/vhost-user/60-virtshare-fsd.json \
	/lib/systemd/system/virtshare-fsd@.service; do
	check "virtshare-fsd holds $f" grep -qxF "$f" <<< "$fsd"
done
check "/var/lib/virtshare is root's only" \
	grep -qE '^drwx------ root/root .* \./var/lib/virtshare/$' \
	<(dpkg-deb -c "${debs[0]}")
check "virtshare-fsd holds nothing of virtshare" \
	bash -c '! grep -qE "^/usr/(bin|share/virtshare)/." <<< "$1"' _ "$fsd"
check "virtshare-fsd depends on no libvirt" \
	bash -c '! dpkg-deb -f "$1" Depends | grep -q libvirt' _ "${debs[1]}"

# Install, use, purge. cleanup also undoes what the libvirt part did.
ETCVU=/etc/qemu/vhost-user
MASK=$ETCVU/50-qemu-virtiofsd.json
DOM=vs-deb-smoke-$$
made_dirs=()
restore_mask() {
	[ -n "${masked:-}" ] || return 0
	rm -f "$MASK"
	if [ -e "$TESTTMP/mask.saved" ] || [ -L "$TESTTMP/mask.saved" ]; then
		mv "$TESTTMP/mask.saved" "$MASK"
	fi
	masked=
	for ((i = ${#made_dirs[@]} - 1; i >= 0; i--)); do
		rmdir "${made_dirs[i]}" 2> /dev/null
	done
	made_dirs=()
}
cleanup() {
	if [ -n "${defined:-}" ]; then
		timeout 30 virsh -c qemu:///system destroy "$DOM" > /dev/null 2>&1
		timeout 30 virsh -c qemu:///system undefine "$DOM" > /dev/null 2>&1
	fi
	restore_mask
	dpkg --purge virtshare virtshare-fsd > /dev/null 2>&1
	rm -rf "$TESTTMP"
}
trap cleanup EXIT
if dpkg -i "${debs[@]}" > "$TESTTMP/install.log" 2>&1; then
	ok "dpkg -i installs both packages"
else
	not_ok "dpkg -i installs both packages" "$(cat "$TESTTMP/install.log")"
	done_testing
	exit
fi
run() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "$@"; }
check "virtshare --version" \
	grep -qx "virtshare ${version%%-*}" <(run virtshare --version)
check "virtshare-fsd --version" \
	grep -qx "virtshare-fsd ${version%%-*}" <(run /usr/libexec/virtshare-fsd --version)
check "virtshare-fsd --print-capabilities (what libvirt asks)" \
	grep -q '"features"' <(run /usr/libexec/virtshare-fsd --print-capabilities)
out=$(run virtshare inspect 2>&1)
check "virtshare inspect" test $? = 0
out=$(run virtshare inspect --json 2>&1)
check "inspect finds the daemon through its vhost-user descriptor" \
	grep -q '60-virtshare-fsd.json' <<< "$out"
out=$(run virtshare --demo shares build 2>&1)
check "virtshare --demo runs on the installed demo" \
	grep -q "Domain 'build'" <<< "$out"
out=$(run env LANGUAGE=de virtshare --help 2>&1)
check "LANGUAGE=de virtshare --help is German" grep -q '^Befehle:$' <<< "$out"
out=$(run bash -c '. /usr/share/bash-completion/completions/virtshare &&
	COMP_WORDS=(virtshare sh) COMP_CWORD=1 && _virtshare &&
	echo "${COMPREPLY[*]}"')
check "the installed completion completes commands" \
	grep -qx 'share shares' <<< "$out"
if command -v man > /dev/null; then
	check "man virtshare finds the manual" run man -w virtshare
	check "man 8 virtshare-fsd finds the manual" run man -w 8 virtshare-fsd
else
	check "the manuals are installed" test -s /usr/share/man/man1/virtshare.1.gz \
		-a -s /usr/share/man/man8/virtshare-fsd.8.gz
fi

# libvirt finds the daemon through its descriptor. libvirt 9.0 reads the
# descriptors of /usr/share/qemu/vhost-user and /etc/qemu/vhost-user (a
# file in /etc replaces the one of the same name in /usr/share) and, for a
# <filesystem> without <binary path>, runs the first "fs" one in filename
# order: QEMU's 50-qemu-virtiofsd.json comes before our 60-. An admin
# masks QEMU's with an empty file of the same name in /etc (libvirt skips
# empty descriptors). A symlink to /dev/null does not mask it: libvirt
# stat()s the entry, sees a character device and ignores it, so the file
# in /usr/share stays; this test once proved that with a real guest.
. "$top_srcdir/tests/cli/libvirtd.sh"
if ! libvirtd_start; then
	not_ok "libvirtd started (libvirt-daemon-system is installed in CI)"
else
	for d in /etc/qemu $ETCVU; do
		[ -d "$d" ] && continue
		mkdir "$d" && made_dirs+=("$d")
	done
	if [ -e "$MASK" ] || [ -L "$MASK" ]; then
		mv "$MASK" "$TESTTMP/mask.saved"
	fi
	masked=1
	: > "$MASK"
	mkdir -p "$TESTTMP/share"
	chmod 755 "$TESTTMP"
	cat > "$TESTTMP/domain.xml" <<XML
<domain type='qemu'>
  <name>$DOM</name>
  <memory unit='MiB'>128</memory>
  <memoryBacking>
    <source type='memfd'/>
    <access mode='shared'/>
  </memoryBacking>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <filesystem type='mount' accessmode='passthrough'>
      <driver type='virtiofs'/>
      <source dir='$TESTTMP/share'/>
      <target dir='data'/>
    </filesystem>
    <memballoon model='none'/>
  </devices>
</domain>
XML
	out=$(timeout 60 virsh -c qemu:///system define "$TESTTMP/domain.xml" 2>&1)
	if [ $? = 0 ]; then
		defined=1
		ok "define a guest whose <filesystem> has no <binary path>"
	else
		not_ok "define a guest whose <filesystem> has no <binary path>" "$out"
	fi
	out=$(timeout 120 virsh -c qemu:///system start "$DOM" 2>&1)
	if [ $? = 0 ]; then
		ok "virsh start with QEMU's descriptor masked"
	else
		not_ok "virsh start with QEMU's descriptor masked" "$out"
	fi
	# Every process libvirt started for the share (the daemon and its
	# sandboxed child) runs the packaged binary.
	exes=$(for pid in $(pgrep -f "source=$TESTTMP/share"); do
		readlink "/proc/$pid/exe"
	done | sort -u)
	log=/var/log/libvirt/qemu/$DOM-fs0-virtiofsd.log
	if [ "$exes" = /usr/libexec/virtshare-fsd ]; then
		ok "libvirt ran /usr/libexec/virtshare-fsd for the share"
	else
		not_ok "libvirt ran /usr/libexec/virtshare-fsd for the share" \
			"processes: ${exes:-none}" "$(tail -20 "$log" 2> /dev/null)"
	fi
	check "the running guest's XML names the packaged daemon" \
		grep -qF "<binary path='/usr/libexec/virtshare-fsd'" \
		<(timeout 30 virsh -c qemu:///system dumpxml "$DOM")
	check "virsh destroy" timeout 60 virsh -c qemu:///system destroy "$DOM"
	out=$(timeout 60 virsh -c qemu:///system undefine "$DOM" 2>&1)
	if [ $? = 0 ]; then
		defined=
		ok "virsh undefine"
	else
		not_ok "virsh undefine" "$out"
	fi
	restore_mask
fi

if dpkg --purge virtshare virtshare-fsd > "$TESTTMP/purge.log" 2>&1; then
	ok "dpkg --purge removes both packages"
else
	not_ok "dpkg --purge removes both packages" "$(cat "$TESTTMP/purge.log")"
fi
for f in /usr/bin/virtshare /usr/libexec/virtshare-fsd \
	/usr/share/qemu/vhost-user/60-virtshare-fsd.json /usr/share/virtshare \
	/var/lib/virtshare; do
	check "$f is gone after purge" test ! -e "$f"
done

done_testing
