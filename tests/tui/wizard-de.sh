#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# wizard-de.sh: the wizard in German (LANGUAGE=de) in an 80x24 tmux pane:
# every page shows its German labels, and none is cut: the title and step,
# the steps line, the key bar, the buttons and the labels all appear whole,
# and the wizard cut no text to fit ($VIRTSHARE_TUI_CUTS). The German texts
# are looked up in the catalogue just compiled from po/de.po, so the test
# follows the translation rather than repeating it.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/tui/tmux-lib.sh"

trap 'tmux_stop; rm -rf "$TESTTMP"' EXIT
export VIRTSHARE_FSD=/usr/libexec/virtshare-fsd

if ! tmux_available; then
	not_ok "tmux is installed (apt-get install tmux)"
	done_testing
	exit
fi
for t in msgfmt gettext; do
	if ! command -v $t > /dev/null; then
		not_ok "$t is installed (apt-get install gettext)"
		done_testing
		exit
	fi
done
mkdir -p "$TESTTMP/locale/de/LC_MESSAGES"
msgfmt -o "$TESTTMP/locale/de/LC_MESSAGES/virtshare.mo" "$top_srcdir/po/de.po"

# de MSGID: the German of MSGID, as the wizard looks it up.
de() {
	TEXTDOMAINDIR=$TESTTMP/locale LC_ALL=C.UTF-8 LANGUAGE=de \
		gettext -d virtshare -- "$1"
}

# translated MSGID: whether the catalogue has MSGID (the German may be
# the same word: "Daemon", "Cache"); a .mo holds translated messages only.
msgunfmt --no-wrap "$TESTTMP/locale/de/LC_MESSAGES/virtshare.mo" |
	sed -n 's/^msgid "\(.*\)"$/\1/p' > "$TESTTMP/translated"
translated() {
	grep -qxF -- "$1" "$TESTTMP/translated"
}

# shows NAME MSGID [FORMAT]: a case passing when MSGID is translated and
# its German shows up whole on the screen (FORMAT: printf format around
# it, such as '[ %s ]' for a button).
shows() {
	local d
	d=$(printf "${3:-%s}" "$(de "$2")")
	if ! translated "$2"; then
		not_ok "$1 '$2': German" "not translated in po/de.po"
	elif wait_for "$d"; then
		ok "$1: '$d' whole"
	else
		not_ok "$1: '$d' whole" "$(screen)"
	fi
}

# field_keys NAME MSGID: the key line shows the German of MSGID.
field_keys() {
	if translated "$2"; then
		keybar "$1: the key line in German" "$(de "$2")"
	else
		not_ok "$1: the key line in German" "'$2' is not translated in po/de.po"
	fi
}

# page STEP TOTAL TITLE NAME KEYS: the frame of a page: the title with the
# step, the steps line up to the last one, the key bar, the width.
page() {
	local step=$1 total=$2 title=$3 name=$4 keys=$5 s line
	s=$(de 'Step %1$d of %2$d: %3$s')
	s=${s//'%1$d'/$step}
	s=${s//'%2$d'/$total}
	s=${s//'%3$s'/$(de "$title")}
	if ! translated "$title"; then
		not_ok "page $step ($title): German title" "not translated in po/de.po"
		return
	fi
	if ! wait_for "$s"; then
		not_ok "page $step ($title): '$s'" "$(screen)"
		return
	fi
	line=$(screen | sed -n 1p)
	if [[ $line == *"$s" && $line == *"$(de ' virtshare wizard' | sed 's/^ *//')"* ]]; then
		ok "page $step: title and '$s' both whole"
	else
		not_ok "page $step: title and '$s' both whole" "$line"
	fi
	line=$(screen | sed -n 2p)
	if [[ $line == *"[$(de "$name")]"* &&
		($line == *"$(de Done)" || $line == *"[$(de Done)]") ]]; then
		ok "page $step: the steps line shows [$(de "$name")] up to $(de Done)"
	else
		not_ok "page $step: the steps line shows [$(de "$name")] up to $(de Done)" "$line"
	fi
	line=$(screen | tail -1)
	if ! translated "$keys"; then
		# The English would pass as "whole" otherwise.
		not_ok "page $step: the key bar in German" "'$keys' is not translated in po/de.po"
	elif [ "$line" = "$(de "$keys")" ]; then
		ok "page $step: the key bar is whole"
	else
		not_ok "page $step: the key bar is whole" "screen: $line" \
			"German: $(de "$keys")"
	fi
	no_cuts "page $step"
}


K_CHOOSE='Enter choose  Up/Down move  Esc back  F1 help  q quit'
K_HOST='Enter next  Up/Down scroll  F1 help  q quit'
K_SHARE='Tab complete  F2 browse  Enter/Down next field  Esc back  F1 help'
K_REVIEW='Tab/Left/Right button  Enter press  Up/Down scroll  Esc back  F1 help'
K_DONE='Enter/q quit  n another share  x show definition  F1 help'
K_PAGES='Type a number  Tab/Enter/Down next field  Esc back  F1 help'
# The key lines of the other fields of the share and hugepages pages.
K_TAG='Tab/Enter/Down next field  Up previous field  Esc back  F1 help'
K_RO='Space toggle  Tab/Enter/Down next field  Esc back  F1 help'
K_OPTION='Left/Right change  Tab/Enter/Down next field  Esc back  F1 help'
K_GO='Enter continue  Up previous field  Esc back  F1 help'
K_NODE='Left/Right choose the node  Tab/Enter/Down next field  Esc back  F1 help'
K_ALLOC='Enter allocate  Tab/Down next field  Esc back  F1 help'
for k in "$K_CHOOSE" "$K_HOST" "$K_SHARE" "$K_REVIEW" "$K_DONE" "$K_PAGES" \
	"$K_TAG" "$K_RO" "$K_OPTION" "$K_GO" "$K_NODE" "$K_ALLOC"; do
	check "the key bar '$k' is a message of the wizard" \
		grep -qF "$k" <(cat "$top_srcdir"/tui/*.c | tr -d '\n\t' | sed 's/"  *"//g')
done

# ---- the whole flow for 'web', in German ----------------------------------
tmux_start LANGUAGE=de LC_ALL=C.UTF-8 VIRTSHARE_LOCALEDIR="$TESTTMP/locale" \
	-- "$VIRTSHARE" --demo wizard
page 1 7 "Host summary" Host "$K_HOST"
keys Enter
page 2 7 Domain Domain "$K_CHOOSE"
shows "domain list" "Choose the domain (the guest) to share a directory with:"
for c in NAME STATE MEMORY SHARES "GUEST MEMORY"; do
	shows "domain list: column" "$c"
done
# Each row whole up to its last column, how the guest memory is backed.
for r in "build:memfd:%s, shared" "db:hugepages:%s, not shared" \
	"web:default:%s, not shared"; do
	IFS=: read -r dom kind id <<< "$r"
	m=$(de "$id")
	m=${m//'%s'/$kind}
	if screen | grep -qE "^ *(> )?$dom .*$m\$"; then
		ok "domain list: the row of $dom ends with '$m'"
	else
		not_ok "domain list: the row of $dom ends with '$m'" "$(screen)"
	fi
done
if select_row "web "; then ok "web selected"; else not_ok "web selected" "$(screen)"; fi
keys Enter
page 3 7 Share Share "$K_SHARE"
keys /srv/data
for l in "Host directory" "Mount tag" "Read-only" "Cache" "Extended attrs"; do
	shows "share form: label" "$l"
done
shows "share form" "the guest cannot change anything (Space toggles)"
# A label ends before its field: the field's text follows it on the line.
line=$(screen | grep -F "$(de "Host directory")")
if [[ $line == *"$(de "Host directory") "*/srv/data* ]]; then
	ok "share form: the directory field follows its label"
else
	not_ok "share form: the directory field follows its label" "$line"
fi
no_cuts "share form"
# An error's dialog is titled with the kind of error, in German too.
keys C-u /srv/nowhere Down Down Down Down Down Enter
shows "error dialog: its title" "invalid value"
keys Enter Up Up Up Up Up C-u /srv/data
expect "share form: the directory again" "/srv/data"
# Each field: its own key line; each choice of each option whole.
keys Down
field_keys "share form: the tag" "$K_TAG"
keys Down
field_keys "share form: read-only" "$K_RO"
keys Space
expect "share form: read-only chosen" "[x]"
no_cuts "share form: read-only, refused by libvirt 9.0"
keys Space Down
field_keys "share form: cache" "$K_OPTION"
for c in none always default; do
	keys Right
	expect "share form: cache $c" "< $(printf '%-7s' $c) >"
	no_cuts "share form: cache $c"
done
keys Down
field_keys "share form: extended attributes" "$K_OPTION"
for c in on off default; do
	keys Right
	expect "share form: extended attributes $c" "< $(printf '%-7s' $c) >"
	no_cuts "share form: extended attributes $c"
done
keys Down
shows "share form: button" Continue '>[ %s ]'
field_keys "share form: Continue" "$K_GO"
no_cuts "share form"
keys Enter
page 4 7 "Memory backing" Memory "$K_CHOOSE"
# The line on top whole, wrapped if it is longer than the page is wide.
m=$(de "Guest memory of '%1\$s': %2\$s, %3\$s, not shared: virtiofs needs it shared.")
m=${m//'%1$s'/web}
m=${m//'%2$s'/4G}
m=${m//'%3$s'/default}
expect_flow "memory backing: '$m' whole" "$m"
keys F1
help=$(de 'Help: %s')
help=${help//'%s'/$(de 'Memory backing')}
if ! translated 'Help: %s'; then
	not_ok "help dialog: German" "'Help: %s' is not translated in po/de.po"
elif wait_for "$help"; then
	ok "help dialog: '$help' whole"
else
	not_ok "help dialog: '$help' whole" "$(screen)"
fi
no_cuts "help dialog"
keys Enter
page 4 7 "Memory backing" Memory "$K_CHOOSE"
keys Enter
page 5 7 Daemon Daemon "$K_CHOOSE"
keys Enter
page 6 7 Review Review "$K_REVIEW"
shows "review: button" Apply '>[ %s ]'
shows "review: button" Back '[ %s ]'
shows "review: button" "Save as INI" '[ %s ]'
keys q
shows "quit dialog" "Quit the wizard?"
shows "quit dialog: button" Quit '[ %s ]'
shows "quit dialog: button" Stay '[ %s ]'
no_cuts "quit dialog"
keys Enter
page 6 7 Review Review "$K_REVIEW"
keys Enter
page 7 7 Done Done "$K_DONE"
keys Enter
status=$(wait_exit)
if [ "$status" = "[exit 0]" ]; then ok "Enter on Done quits"; else not_ok "Enter on Done quits" "$(screen_all)"; fi

# ---- the hugepages page: 'db' on 2M pages ---------------------------------
tmux_start LANGUAGE=de LC_ALL=C.UTF-8 VIRTSHARE_LOCALEDIR="$TESTTMP/locale" \
	-- "$VIRTSHARE" --demo wizard
page 1 7 "Host summary" Host "$K_HOST"
keys Enter
page 2 7 Domain Domain "$K_CHOOSE"
select_row "db " && keys Enter
page 3 7 Share Share "$K_SHARE"
keys /srv/build Enter Enter Enter Enter Enter Enter
page 4 7 "Memory backing" Memory "$K_CHOOSE"
# The option's name may be translated too ("Hugepages 2M").
select_row "[Hh]ugepages 2M"
keys Enter
page 5 8 Hugepages Hugepages "$K_PAGES"
shows "hugepages: label" "  Allocate on"
shows "hugepages: label" "  Pages to add"
shows "hugepages: button" Allocate '[ %s ]'
shows "hugepages: button" Continue '[ %s ]'
no_cuts "hugepages"
keys BTab
field_keys "hugepages: the node" "$K_NODE"
keys Right
n0=$(de 'node %d')
expect "hugepages: node 0" "< ${n0//'%d'/0}"
no_cuts "hugepages: node 0"
keys Tab Tab
field_keys "hugepages: Allocate" "$K_ALLOC"
keys Tab
field_keys "hugepages: Continue" "$K_GO"
keys q
shows "quit dialog" "Quit the wizard?"
keys Left Enter
status=$(wait_exit)
if [ "$status" = "[exit 0]" ]; then ok "Quit ends the wizard"; else not_ok "Quit ends the wizard" "$(screen_all)"; fi
tmux_stop
done_testing
