#!/bin/sh
# po/update-po.sh: after strings were added or changed (a merge, a new
# command): regenerate po/virtshare.pot from po/POTFILES.in, merge it into
# every translation of po/LINGUAS and list what is left to translate.
#   po/update-po.sh            from the source tree, no build needed
# Then translate the entries marked fuzzy or with an empty msgstr in
# po/LL.po, remove the "#, fuzzy" lines, and run tests/pkg/i18n.sh (part
# of make check), which fails while a message is untranslated.
set -eu
cd "$(dirname "$0")/.."
opts=$(sed -n '/^XGETTEXT_OPTIONS/,/[^\\]$/p' po/Makevars |
	sed -e 's/^XGETTEXT_OPTIONS *= *//' -e 's/\\$//' | tr '\n' ' ')
version=$(sed -n 's/^AC_INIT(\[virtshare\], \[\([^]]*\)\].*/\1/p' configure.ac)
# shellcheck disable=SC2086
xgettext $opts --package-name=virtshare --package-version="$version" \
	--msgid-bugs-address="$(sed -n 's/^AC_INIT([^,]*, [^,]*, \[\([^]]*\)\].*/\1/p' configure.ac)" \
	--copyright-holder='the virtshare authors' \
	-o po/virtshare.pot --files-from=po/POTFILES.in
status=0
for lang in $(grep -v '^#' po/LINGUAS); do
	msgmerge -q --update --backup=none --previous --no-location --sort-output "po/$lang.po" po/virtshare.pot
	stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "po/$lang.po" 2>&1)
	echo "po/$lang.po: $stats"
	case $stats in
	*fuzzy* | *untranslated*)
		status=1
		msgattrib --only-fuzzy --no-wrap "po/$lang.po" | grep '^msgid ' || true
		msgattrib --untranslated --no-wrap "po/$lang.po" | grep '^msgid "[^"]' || true
		;;
	esac
done
exit $status
