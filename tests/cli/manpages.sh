#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# manpages.sh: the manuals document everything the programs offer. The
# lists come from the programs themselves (virtshare --list-commands,
# CMD --help, virtshare-fsd --help), so a command or option added later
# without its paragraph in the manual fails here.
. "$top_srcdir/tests/cli/lib.sh"

: "${VIRTSHARE_FSD:=$top_builddir/daemon/virtshare-fsd}"
MAN1=$top_srcdir/src/virtshare.1.in
MAN8=$top_srcdir/daemon/virtshare-fsd.8

# options TEXT: the long options named in a help text, one a line
options() {
	grep -oE -- '(^|[ ,[])--[a-z][a-z0-9-]*' <<< "$1" | sed 's/^[ ,[]//' |
		sort -u
}

# plain: a manual's text with \- as - and no font changes (\fB...)
plain() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(em/-/g'
}

# named OPTION: stdin names OPTION as a whole word
named() {
	grep -qE -- "(^|[^a-z0-9_-])$1([^a-z0-9_-]|\$)"
}

# section MAN NAME: the text of subsection .SS NAME ... up to the next one
section() {
	awk -v name="$2" '
		/^\.S[SH] / { on = ($1 == ".SS" && $2 == name) }
		on' "$1"
}

man1=$(plain < "$MAN1")
man8=$(plain < "$MAN8")

check "virtshare(1) exists" test -s "$MAN1"
check "virtshare-fsd(8) exists" test -s "$MAN8"

global=$(options "$(LC_ALL=C "$VIRTSHARE" --help)")
check "virtshare --help names options" test -n "$global"
for o in $global; do
	check "virtshare(1) documents the global option $o" \
		named "$o" <<< "$man1"
done

commands=$(LC_ALL=C "$VIRTSHARE" --list-commands)
check "virtshare --list-commands names commands" test -n "$commands"
for c in $commands; do
	text=$(section "$MAN1" "$c" | plain)
	if [ -z "$text" ]; then
		not_ok "virtshare(1) has a section '.SS $c' for the command $c"
		continue
	fi
	ok "virtshare(1) has a section '.SS $c' for the command $c"
	missing=
	for o in $(options "$(LC_ALL=C "$VIRTSHARE" "$c" --help)"); do
		grep -qxF -- "$o" <<< "$global" && continue
		named "$o" <<< "$text" || missing="$missing $o"
	done
	if [ -z "$missing" ]; then
		ok "virtshare(1) section $c documents every option of '$c --help'"
	else
		not_ok "virtshare(1) section $c documents every option of '$c --help'" \
			"missing:$missing"
	fi
done

for s in "EXIT STATUS" EXAMPLES FILES ENVIRONMENT "SEE ALSO"; do
	check "virtshare(1) has the section $s" grep -qx "\.SH \"*$s\"*" "$MAN1"
done
# Every exit status of --help is explained in EXIT STATUS.
exits=$(LC_ALL=C "$VIRTSHARE" --help |
	awk '/^Exit status:/{on=1;next} on && !/^  [0-9]/{on=0} on{print $1}')
check "virtshare --help lists exit statuses" test -n "$exits"
text=$(awk '/^\.SH "?EXIT STATUS"?$/{on=1;next} /^\.SH/{on=0} on' "$MAN1")
for n in $exits; do
	check "virtshare(1) EXIT STATUS explains $n" grep -qx "\.B $n" <<< "$text"
done

fsd_help=$(LC_ALL=C "$VIRTSHARE_FSD" --help)
fsd=$(options "$fsd_help")
check "virtshare-fsd --help names options" test -n "$fsd"
missing=
for o in $fsd $(grep -oE '^  -[a-zA-Z]( |,)' <<< "$fsd_help" | tr -d ' ,'); do
	named "$o" <<< "$man8" || missing="$missing $o"
done
if [ -z "$missing" ]; then
	ok "virtshare-fsd(8) documents every option of --help"
else
	not_ok "virtshare-fsd(8) documents every option of --help" "missing:$missing"
fi
# The -o suboptions: the words listed under -o in --help.
subopts=$(awk '/^  -o /{on=1} on && /^$/{on=0} on' <<< "$fsd_help" |
	sed 's/^  -o OPT\[,OPT...\]//' | grep -oE '[a-z][a-z_]+(=[A-Z]+)?' |
	grep -E '_|=|^(xattr|flock|readonly|readdirplus)$' | sed 's/=.*//' |
	sort -u)
missing=
for o in $subopts; do
	named "$o" <<< "$man8" || missing="$missing $o"
done
if [ -z "$missing" ]; then
	ok "virtshare-fsd(8) documents every -o suboption of --help"
else
	not_ok "virtshare-fsd(8) documents every -o suboption of --help" \
		"missing:$missing"
fi

check "virtshare.1 has every @VARIABLE@ filled in" \
	bash -c '! grep -nE "@[A-Z_]+@" "$1"' _ "$top_builddir/src/virtshare.1"
if command -v groff > /dev/null; then
	for m in "$top_builddir/src/virtshare.1" "$MAN8"; do
		# (long installation paths may not adjust: -Wbreak)
		out=$(LC_ALL=C.UTF-8 groff -man -ww -Wbreak -z -Tutf8 "$m" 2>&1)
		check "$(basename "$m") renders without groff warnings" \
			test -z "$out"
		[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
	done
else
	skip "manuals render without warnings" "groff is not installed"
fi

# Whatever manual is in the tree is installed (tests/pkg/install-layout.sh
# checks the installed tree); here: every manual has NAME and SYNOPSIS.
for m in $(find "$top_srcdir/src" "$top_srcdir/daemon" -name '*.[158]' \
	-o -name '*.[158].in' | sort); do
	check "$(basename "$m") has NAME and SYNOPSIS" \
		bash -c 'grep -q "^\.SH NAME" "$1" && grep -q "^\.SH SYNOPSIS" "$1"' _ "$m"
done

done_testing
