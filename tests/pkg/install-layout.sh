#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# install-layout.sh: `make install DESTDIR=...` of this build puts every
# part where a Debian host looks for it, and the installed programs work
# from there (the data, the catalogues and the daemon they name).
. "$top_srcdir/tests/cli/lib.sh"

D=$TESTTMP/root
# A make of its own, not the job server of the `make check` running us.
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" \
	install DESTDIR="$D" > "$TESTTMP/install.log" 2>&1; then
	not_ok "make install DESTDIR=..." "$(tail -30 "$TESTTMP/install.log")"
	done_testing
	exit
fi
ok "make install DESTDIR=..."
eval "$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" \
	print-install-dirs)"

check "virtshare in bindir" test -x "$D$bindir/virtshare"
check "virtshare-fsd in libexecdir" test -x "$D$libexecdir/virtshare-fsd"
check "installed virtshare --version" \
	grep -qx "virtshare [0-9.]*" <(LC_ALL=C "$D$bindir/virtshare" --version)
check "installed virtshare-fsd --version" \
	grep -qx "virtshare-fsd [0-9.]*" <(LC_ALL=C "$D$libexecdir/virtshare-fsd" --version)

check "virtshare.1 in man1" test -s "$D$mandir/man1/virtshare.1"
check "virtshare-fsd.8 in man8" test -s "$D$mandir/man8/virtshare-fsd.8"
check "virtshare.1 names the installed paths" \
	grep -qF "$libexecdir/virtshare" "$D$mandir/man1/virtshare.1"
# Every manual of the tree (virtshare.ini.5 and any later one) is installed.
for m in $(cd "$top_srcdir" && find src daemon templates -maxdepth 1 -name '*.[1-8]' \
	-o -name '*.[1-8].in' | sort); do
	name=$(basename "$m" .in)
	check "$name installed in man${name##*.}" \
		test -s "$D$mandir/man${name##*.}/$name"
done

for t in domain.xml filesystem.xml memorybacking.xml demo/node.xml; do
	check "template $t in pkgdatadir" test -s "$D$pkgdatadir/$t"
done
check "the demo host tree in pkgdatadir" test -d "$D$pkgdatadir/demo/host/sys"
out=$(VIRTSHARE_DATADIR=$D$pkgdatadir "$D$bindir/virtshare" --demo inspect 2>&1)
check "the installed virtshare runs the installed demo" \
	grep -q 'hugepage\|Hugepage' <<< "$out"

json=$D$vhostuserdir/60-virtshare-fsd.json
check "the vhost-user descriptor in $vhostuserdir" test -s "$json"
check "the descriptor names the installed daemon" \
	grep -qF "\"binary\": \"$libexecdir/virtshare-fsd\"" "$json"
check "the descriptor is of type fs" grep -qF '"type": "fs"' "$json"
if command -v jq > /dev/null; then
	check "the descriptor is valid JSON" jq -e .binary "$json"
fi

unit=$D$systemdsystemunitdir/virtshare-fsd@.service
check "the systemd unit template in $systemdsystemunitdir" test -s "$unit"
check "the unit runs the installed daemon" \
	grep -qE "^ExecStart=$libexecdir/virtshare-fsd( |$)" "$unit"
check "the unit has no @variable@ left" bash -c '! grep -E "@[a-z_]+@" "$1"' _ "$unit"

comp=$D$bashcompletiondir/virtshare
check "bash completion in $bashcompletiondir" test -s "$comp"
check "the completion is valid bash" bash -n "$comp"
check "the completion knows the installed data directory" \
	grep -qF ":-$pkgdatadir}/demo/node.xml" "$comp"

for lang in $(grep -v '^#' "$top_srcdir/po/LINGUAS"); do
	check "the $lang catalogue in localedir" \
		test -s "$D$localedir/$lang/LC_MESSAGES/virtshare.mo"
done
out=$(VIRTSHARE_LOCALEDIR=$D$localedir LC_ALL=C.UTF-8 LANGUAGE=de \
	"$D$bindir/virtshare" --help)
check "the installed virtshare speaks German from the installed catalogue" \
	grep -q '^Befehle:$' <<< "$out"

check "the state directory under localstatedir" \
	test -d "$D$localstatedir/lib/virtshare"
check "the state directory is private" \
	test "$(stat -c %a "$D$localstatedir/lib/virtshare")" = 700

# Nothing lands outside the directories above. A find that fails is a
# failure, not an empty list; grep -v finding nothing left is the pass.
if installed=$(cd "$D" && find . -type f) && [ -n "$installed" ]; then
	unexpected=$(sed 's|^\.||' <<< "$installed" | grep -vE \
		"^($bindir|$libexecdir|$mandir|$pkgdatadir|$localedir|$vhostuserdir|$systemdsystemunitdir|$bashcompletiondir)/")
	check "nothing else is installed" test -z "$unexpected"
	[ -z "$unexpected" ] || printf '# %s\n' $unexpected
else
	not_ok "nothing else is installed" "cannot list the files under $D"
fi

env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" \
	uninstall DESTDIR="$D" > "$TESTTMP/uninstall.log" 2>&1
left=$(find "$D" -type f)
check "make uninstall removes every file" test -z "$left"
[ -z "$left" ] || printf '# %s\n' $left

done_testing
