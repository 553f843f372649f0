# SPDX-License-Identifier: GPL-2.0-or-later
# tmux-lib.sh: drive the wizard in a private tmux server (source after lib.sh)
#
# Each test script has its own server (-S), with no status line, so the
# pane is exactly the size asked for; a pane whose program ended stays, so
# its last screen can be read.
: "${TMUX_BIN:=$(command -v tmux)}"
# The server's socket lives (and goes) with the test's directory.
TMUX_SOCK=$TESTTMP/tmux.sock
TMUX_PANE_CMD=
# Where the wizard writes each text it had to cut to fit ($VIRTSHARE_TUI_CUTS).
TMUX_CUTS=$TESTTMP/cuts

tmux_cmd() {
	"$TMUX_BIN" -S "$TMUX_SOCK" -f "$TESTTMP/tmux.conf" "$@"
}

tmux_stop() {
	"$TMUX_BIN" -S "$TMUX_SOCK" kill-server > /dev/null 2>&1 || true
	rm -f "$TMUX_SOCK"
}

# tmux_start [ENV=VALUE...] -- COMMAND...: run COMMAND in an 80x24 pane.
# After it ends the pane shows "[exit N]" and the terminal's modes
# (icanon echo ...) as stty sees them.
tmux_start() {
	local envs=() cmd
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	tmux_stop
	cat > "$TESTTMP/tmux.conf" <<-EOF
		set -g status off
		set -g remain-on-exit on
		set -g default-terminal screen
	EOF
	: > "$TMUX_CUTS"
	cmd=$(printf '%q ' env VIRTSHARE_DATADIR="$VIRTSHARE_DATADIR" \
		VIRTSHARE_STATEDIR="$TESTTMP/state" \
		VIRTSHARE_RUNDIR="$TESTTMP/run" VIRTSHARE_TUI_CUTS="$TMUX_CUTS" \
		"${envs[@]}" "$@")
	TMUX_PANE_CMD="$cmd; echo \"[exit \$?]\"; stty -a | tr ' ;' '\n\n' | grep -E '^-?(icanon|echo|icrnl|isig)\$' | tr '\n' ' '"
	tmux_cmd new-session -d -x 80 -y 24 -s wz "$TMUX_PANE_CMD"
}

# The pane as text, as the user sees it (trailing blanks cut).
screen() {
	tmux_cmd capture-pane -p -t wz | sed -e 's/ *$//'
}

# The pane with its history: what a program printed after leaving the
# full screen may have scrolled up.
screen_all() {
	tmux_cmd capture-pane -p -S -200 -t wz | sed -e 's/ *$//'
}

# The screen with box lines in ASCII and the test's paths and versions
# replaced, so UTF-8 and ASCII runs and machines compare alike.
screen_normal() {
	screen | sed -e 's/─/-/g; s/│/|/g; s/[┌┐└┘├┤]/+/g' | normalize |
		sed -E -e 's/(library|daemon) [0-9]+\.[0-9]+\.[0-9]+/\1 X.Y.Z/g' \
		    -e 's/vs-test\.[A-Za-z0-9]{6}/vs-test.XXXXXX/g' \
		    -e 's/libvirt [0-9]+\.[0-9]+\.[0-9]+/libvirt X.Y.Z/g'
}

keys() {
	tmux_cmd send-keys -t wz "$@"
}

# The pid of the program in the pane (the shell's child).
pane_pid() {
	local shell
	shell=$(tmux_cmd display -p -t wz '#{pane_pid}')
	pgrep -P "$shell" | head -1
}

# How long a screen may take to show what is waited for: a deadline, not
# a measurement (a slow or busy machine only waits longer).
: "${TUI_WAIT:=120}"

# wait_for TEXT: until the screen holds TEXT and has stopped changing.
wait_for() {
	local text=$1 prev="" now end=$((SECONDS + TUI_WAIT))
	while [ $SECONDS -le $end ]; do
		now=$(screen)
		if grep -qF -- "$text" <<< "$now" && [ "$now" = "$prev" ]; then
			return 0
		fi
		prev=$now
		sleep 0.1
	done
	return 1
}

# wait_change BEFORE: until the screen differs from BEFORE and has stopped
# changing.
wait_change() {
	local prev=$1 now end=$((SECONDS + TUI_WAIT))
	while [ $SECONDS -le $end ]; do
		now=$(screen)
		[ "$now" != "$1" ] && [ "$now" = "$prev" ] && return 0
		prev=$now
		sleep 0.05
	done
	return 1
}

# expect NAME TEXT: a case passing when TEXT shows up.
expect() {
	if wait_for "$2"; then ok "$1"; else not_ok "$1" "$(screen)"; fi
}

# The screen's lines joined with single blanks, a dialog's lines without
# its frame (the text between its two borders): what wrapped text reads.
screen_flow() {
	screen | sed -E -e '/[│|].*[│|]/ { s/^[^│|]*[│|] ?//; s/ *[│|]+[^│|]*$//; }' |
		tr -s ' \n' '  '
}

# keybar NAME TEXT: a case passing when the key line (the bottom line)
# shows TEXT.
keybar() {
	local end=$((SECONDS + TUI_WAIT))
	while [ $SECONDS -le $end ]; do
		if [ "$(screen | tail -1)" = "$2" ]; then
			ok "$1"
			return
		fi
		sleep 0.1
	done
	not_ok "$1" "key line: $(screen | tail -1)" "wanted:   $2"
}

# expect_flow NAME TEXT: like expect, for TEXT the wizard may wrap.
expect_flow() {
	local end=$((SECONDS + TUI_WAIT))
	while [ $SECONDS -le $end ]; do
		if screen_flow | grep -qF -- "$2"; then
			ok "$1"
			return
		fi
		sleep 0.1
	done
	not_ok "$1" "$(screen)"
}

# no_cuts NAME: a case passing when the wizard cut no text to fit since
# the last no_cuts (or the start): call it once the screen is stable.
no_cuts() {
	if [ -s "$TMUX_CUTS" ]; then
		not_ok "$1: no text cut" "cut at row,column:" \
			"$(sort -u "$TMUX_CUTS" | head -20)" "$(screen)"
	else
		ok "$1: no text cut"
	fi
	: > "$TMUX_CUTS"
}

# screen_golden NAME FILE: the normalized screen against a golden file.
screen_golden() {
	golden "$1" "$2" "$(screen_normal)"
}

# Wait for the program in the pane to end; its "[exit N]" line.
wait_exit() {
	local end=$((SECONDS + TUI_WAIT))
	while [ $SECONDS -le $end ]; do
		if screen_all | grep -q '^\[exit [0-9]*\]'; then
			screen_all | grep -o '^\[exit [0-9]*\]' | tail -1
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# Whether the terminal is back in its usual modes after the program.
terminal_sane() {
	local modes
	modes=$(screen_all | grep -E '^(-?(icrnl|isig|icanon|echo) ?)+$' | tail -1)
	for m in icrnl isig icanon echo; do
		grep -qw -- "$m" <<< "$modes" && ! grep -qw -- "-$m" <<< "$modes" ||
			return 1
	done
}

# select_row TEXT [PREFIX]: press Down until the selected row holds TEXT:
# "> TEXT" after PREFIX (a regular expression; " " for the pages' lists).
# Each press waits for the screen to change; at the end of the list it
# does not, and the deadline fails the search.
select_row() {
	local i before prefix=${2:- }
	for i in $(seq 100); do
		before=$(screen)
		grep -q "^$prefix> .*$1" <<< "$before" && return 0
		keys Down
		wait_change "$before" || return 1
	done
	return 1
}

# The pane with its colours and attributes as escape sequences.
screen_sgr() {
	tmux_cmd capture-pane -e -p -t wz
}

# Whether the pane shows colours (SGR 30-38, 40-48, 90-97, 100-107), or
# reverse video (SGR 7).
screen_has_colour() {
	screen_sgr | grep -qP '\e\[([0-9]*;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]'
}
screen_has_reverse() {
	screen_sgr | grep -qP '\e\[([0-9]*;)*7[;m]'
}

tmux_available() {
	[ -n "$TMUX_BIN" ] && [ -x "$TMUX_BIN" ]
}
