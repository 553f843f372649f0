#!/bin/bash
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

if (cd "$SRC" && dpkg-buildpackage -us -uc -b) > "$TESTTMP/build.log" 2>&1; then
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

# Install, use, purge.
trap 'dpkg --purge virtshare virtshare-fsd > /dev/null 2>&1; rm -rf "$TESTTMP"' EXIT
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
