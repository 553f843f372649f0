#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# i18n.sh: every user-visible string is marked and listed for xgettext,
# the catalogue builds from po/POTFILES.in, every LINGUAS translation is
# complete and valid, and `LANGUAGE=de virtshare` speaks German from the
# build tree.
. "$top_srcdir/tests/cli/lib.sh"

PO=$top_srcdir/po
UNMARKED=$top_srcdir/tests/pkg/unmarked.pl
cd "$top_srcdir" || exit 1

listed=$(grep -v '^#' po/POTFILES.in | grep .)
missing=
for f in $listed; do [ -f "$f" ] || missing="$missing $f"; done
if [ -z "$missing" ]; then ok "every file of po/POTFILES.in exists"
else not_ok "every file of po/POTFILES.in exists" "missing:$missing"; fi

# Every C file that marks strings is listed (the programs that use
# gettext: src/ and tui/; the daemon prints English only).
marking=$(grep -lE '(^|[^A-Za-z0-9_])(N_|P_|_)\(' $(find src tui -name '*.c' 2>/dev/null | sort))
unlisted=
for f in $marking; do
	grep -qxF "$f" <<< "$listed" || unlisted="$unlisted $f"
done
if [ -z "$unlisted" ]; then ok "every C file with _() strings is in po/POTFILES.in"
else not_ok "every C file with _() strings is in po/POTFILES.in" \
	"add to po/POTFILES.in:$unlisted"; fi
# Headers too (error.h's table of error kinds): those with a string in
# N_() or _(), not the ones whose comments name the macros.
marking=$(grep -lE '(^|[^A-Za-z0-9_])(N_|P_|_)\( *"' $(find src tui -name '*.h' 2>/dev/null | sort))
unlisted=
for f in $marking; do
	grep -qxF "$f" <<< "$listed" || unlisted="$unlisted $f"
done
if [ -n "$marking" ] && [ -z "$unlisted" ]; then
	ok "every header with N_() strings is in po/POTFILES.in ($(echo $marking))"
else
	not_ok "every header with N_() strings is in po/POTFILES.in" \
		"add to po/POTFILES.in:$unlisted"
fi

# The check finds an unmarked string (so that its silence means something).
cat > "$TESTTMP/sample.c" <<'EOF'
void f(void) {
	fprintf(stderr, _("marked %s\n"), "an argument");
	vs_error(VS_ERR_USAGE, "Not marked: %s", x);
	/* i18n: not translated (a version) */
	printf("virtshare %s\n", VERSION);
	ui_message(_("A title"), "Not marked either.");
	ui_input_set(in, "/srv/data");
}
EOF
out=$(perl "$UNMARKED" "$TESTTMP/sample.c")
check "unmarked.pl finds exactly the unmarked messages of a sample" \
	test "$out" = "$TESTTMP/sample.c:3: vs_error(\"Not marked: %s\")
$TESTTMP/sample.c:6: ui_message(\"Not marked either.\")"
out=$(perl "$UNMARKED" $(find src tui -name '*.c' 2>/dev/null | sort))
if [ -z "$out" ]; then ok "no user-visible string in src/ or tui/ is unmarked"
else not_ok "no user-visible string in src/ or tui/ is unmarked" \
	"mark these with _() (or N_() in tables):" "$out"; fi

# The catalogue, as po/Makefile makes it (options of po/Makevars).
opts=$(sed -n '/^XGETTEXT_OPTIONS/,/[^\\]$/p' po/Makevars |
	sed -e 's/^XGETTEXT_OPTIONS *= *//' -e 's/\\$//' | tr '\n' ' ')
# shellcheck disable=SC2086
xgettext $opts --package-name=virtshare -o "$TESTTMP/virtshare.pot" \
	--files-from=po/POTFILES.in 2> "$TESTTMP/xgettext.err"
check "xgettext builds the catalogue from po/POTFILES.in" \
	test -s "$TESTTMP/virtshare.pot"
[ -s "$TESTTMP/xgettext.err" ] && sed 's/^/# /' "$TESTTMP/xgettext.err"
n=$(grep -c '^msgid ' "$TESTTMP/virtshare.pot")
check "the catalogue holds the messages ($n)" test "$n" -gt 100

for lang in $(grep -v '^#' po/LINGUAS); do
	po=po/$lang.po
	check "$po exists" test -f "$po"
	check "$po passes msgfmt --check (formats, plural forms, header)" \
		msgfmt --check -o "$TESTTMP/$lang.mo" "$po"
	msgmerge -q --no-fuzzy-matching -o "$TESTTMP/$lang.merged" "$po" \
		"$TESTTMP/virtshare.pot"
	stats=$(LC_ALL=C msgfmt --statistics -o /dev/null \
		"$TESTTMP/$lang.merged" 2>&1)
	if ! grep -qE 'fuzzy|untranslated' <<< "$stats"; then
		ok "$po translates every message of the sources"
	else
		not_ok "$po translates every message of the sources" \
			"$stats: run po/update-po.sh and translate the" \
			"untranslated and fuzzy messages of po/$lang.po:" \
			"$(msgattrib --untranslated --no-wrap "$TESTTMP/$lang.merged" |
				grep '^msgid ' | head -20)"
	fi
done

# German from the build tree: the catalogue just compiled, found through
# $VIRTSHARE_LOCALEDIR.
mkdir -p "$TESTTMP/locale/de/LC_MESSAGES"
msgfmt -o "$TESTTMP/locale/de/LC_MESSAGES/virtshare.mo" po/de.po
de() { VIRTSHARE_LOCALEDIR=$TESTTMP/locale LC_ALL=C.UTF-8 LANGUAGE=de "$@"; }
en() { LC_ALL=C LANGUAGE= "$@"; }
out=$(de "$VIRTSHARE" --help)
check "LANGUAGE=de virtshare --help is German" grep -q '^Befehle:$' <<< "$out"
check "LANGUAGE=de: exit statuses in German" grep -q '^Rückgabewert:$' <<< "$out"
for c in $(en "$VIRTSHARE" --list-commands); do
	e=$(en "$VIRTSHARE" --help | grep -E "^  $c ")
	d=$(grep -E "^  $c " <<< "$out")
	check "LANGUAGE=de: the summary of $c is translated" \
		test -n "$d" -a "$d" != "$e"
	h=$(de "$VIRTSHARE" "$c" --help)
	check "LANGUAGE=de virtshare $c --help is German" \
		grep -q "^Aufruf: virtshare $c " <<< "$h"
done
out=$(de "$VIRTSHARE" no-such-command 2>&1)
check "LANGUAGE=de: an error in German" \
	grep -q "^virtshare: Unbekannter Befehl 'no-such-command'" <<< "$out"
out=$(de "$VIRTSHARE" --demo shares build 2>&1)
check "LANGUAGE=de: a command's output in German" \
	grep -q "^Domäne 'build'" <<< "$out"
out=$(LC_ALL=C.UTF-8 LANGUAGE= VIRTSHARE_LOCALEDIR=$TESTTMP/locale \
	"$VIRTSHARE" --help)
check "without LANGUAGE it stays English" grep -q '^Commands:$' <<< "$out"

done_testing
