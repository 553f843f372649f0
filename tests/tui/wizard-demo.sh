#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# wizard-demo.sh: the whole wizard on the demo, in an 80x24 tmux pane:
# screens against golden files, checks as typed, resizing, the hugepages
# step, saving the INI, applying and reading back, quitting, signals,
# NO_COLOR and plain ASCII.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/tui/tmux-lib.sh"

G=$top_srcdir/tests/tui/golden
trap 'tmux_stop; rm -rf "$TESTTMP"' EXIT
# Paths on the screen have the same length on every machine: the test's
# own directory (/tmp/vs-test.XXXXXX) instead of the source tree.
ln -s "$VIRTSHARE_DATADIR" "$TESTTMP/data"
VIRTSHARE_DATADIR=$TESTTMP/data
# The demo host has no virtshare-fsd wherever the build puts it.
export VIRTSHARE_FSD=/usr/libexec/virtshare-fsd

if ! tmux_available; then
	not_ok "tmux is installed (apt-get install tmux)"
	done_testing
	exit
fi

# ---- 1. the whole flow for 'web' -------------------------------------------
tmux_start -- "$VIRTSHARE" --demo wizard
expect "starts on the host summary" "Step 1 of 7: Host summary"
if screen_has_colour; then
	ok "a colour terminal shows colours"
else
	not_ok "a colour terminal shows colours" "$(screen_sgr | cat -v | head -3)"
fi
screen_golden "host summary" "$G/host.screen"
no_cuts "host summary"
keys Enter
expect "Enter: the domain list" "Step 2 of 7: Domain"
screen_golden "domain list" "$G/domain.screen"
no_cuts "domain list"
if select_row "web "; then ok "web selected"; else not_ok "web selected" "$(screen)"; fi
keys Enter
expect "Enter: the share form" "Step 3 of 7: Share"
screen_golden "share form, empty" "$G/share-empty.screen"
no_cuts "share form, empty"

# The key line says what the keys do in the field in focus, and they do it.
keybar "the directory field's keys: Tab completes" \
	"Tab complete  F2 browse  Enter/Down next field  Esc back  F1 help"
keys /srv/d Tab
expect "Tab completes the directory" "/srv/data/"
expect "the directory is checked as typed" "ok: A directory."
expect "the tag follows the directory" "ok: 4 of 36 bytes; a new share."
screen_golden "share form, filled" "$G/share-filled.screen"
no_cuts "share form, filled"
keys Tab
expect "a Tab with nothing more to complete stays in the directory" "> Host directory"
keys x
expect "... so what is typed next goes into the directory" "/srv/data/x"
keys BSpace
keys BSpace BSpace BSpace BSpace BSpace no
expect "a missing directory is refused as typed" "!! No such directory on this host"
keys BSpace BSpace data
expect "and accepted again" "ok: A directory."

keys Down C-u
expect "an empty tag says what it is" "Type the mount tag"
keybar "the tag field's keys" \
	"Tab/Enter/Down next field  Up previous field  Esc back  F1 help"
keys aaaaaaaaaabbbbbbbbbbccccccccccddddddX
expect "a 37-byte tag is refused as typed" "is 37 bytes long"
keys C-u data

# Resizing redraws at the new size, and back.
tmux_cmd resize-window -t wz -x 100 -y 30
if wait_for "Step 3 of 7: Share" &&
	[ "$(screen | head -1 | awk '{ print length($0) }')" = 99 ]; then
	ok "resized to 100x30: the title spans the new width"
else
	not_ok "resized to 100x30: the title spans the new width" "$(screen)"
fi
tmux_cmd resize-window -t wz -x 50 -y 12
expect "too small: says how big it must be" "make it at least 60x16"
tmux_cmd resize-window -t wz -x 80 -y 24
expect "back to 80x24" "Step 3 of 7: Share"
screen_golden "share form after resizing" "$G/share-data.screen"
no_cuts "share form after resizing"

keys Tab
expect "Tab goes from the tag to read-only" "> Read-only"
keybar "the read-only field's keys" \
	"Space toggle  Tab/Enter/Down next field  Esc back  F1 help"
keys Space
expect "Space toggles read-only" "[x] the guest cannot change anything"
keys Space Enter
expect "Enter goes on to the cache" "> Cache"
keybar "the cache field's keys" \
	"Left/Right change  Tab/Enter/Down next field  Esc back  F1 help"
keys Right
expect "Right changes the cache" "< none    >"
keys Right
expect "... again" "< always  >"
keys Left Left Down
expect "Left changes it back, Down goes on" "> Extended attrs"
keybar "the xattr field's keys" \
	"Left/Right change  Tab/Enter/Down next field  Esc back  F1 help"
keys Right
expect "Right: xattr on" "< on      >"
keys Right
expect "Right: xattr off" "< off     >"
keys Right
expect "Right: back to default" "< default > the daemon's default"
no_cuts "every option of the share form, read-only refused"
if screen | grep -q "< default > the daemon's default" &&
	screen | grep -q "\[ \] the guest cannot change"; then
	ok "read-only, cache and xattr are as they were"
else
	not_ok "read-only, cache and xattr are as they were" "$(screen)"
fi
keys Down
expect "Down reaches Continue" ">[ Continue ]"
keybar "Continue's keys" "Enter continue  Up previous field  Esc back  F1 help"
keys Enter
expect "Enter: guest memory" "Step 4 of 7: Memory backing"
screen_golden "memory backing: memfd recommended" "$G/backing.screen"
no_cuts "memory backing"
keys Enter
expect "Enter: the daemon" "Step 5 of 7: Daemon"
screen_golden "daemon" "$G/daemon.screen"
no_cuts "daemon"
keys Escape
expect "Esc goes back" "Step 4 of 7: Memory backing"
keys Enter
expect "and Enter on again" "Step 5 of 7: Daemon"
keys Enter
expect "Enter: the review" "Step 6 of 7: Review"
screen_golden "review: the plan" "$G/review.screen"
no_cuts "review"
keys NPage
expect "the plan scrolls to the diff" "+      <source dir='/srv/data'/>"

# Save as INI
keys Tab Tab
expect "Tab reaches Save as INI" ">[ Save as INI ]"
keys Enter
expect "a file name is asked" "The file to write the choices to"
keys C-u "$TESTTMP/web-data.ini" Enter
expect "saved, with the command that applies it" "virtshare apply $TESTTMP/web-data.ini"
keys Enter
golden "the INI file" "$G/web-data.ini" "$(normalize < "$TESTTMP/web-data.ini")"

keys Tab
expect "Tab goes round to Apply" ">[ Apply ]"
keys Enter
expect "Apply: done" "Step 7 of 7: Done"
screen_golden "done" "$G/done.screen"
no_cuts "done"
keys x
expect "x reads the definition back from libvirt: shared memory" "<access mode='shared'/>"
keys End
expect "and the share" "<source dir='/srv/data'/>"
keys Escape
expect "Esc closes it" "Step 7 of 7: Done"
keys Enter
status=$(wait_exit)
if [ "$status" = "[exit 0]" ]; then ok "Enter on done quits, status 0"; else not_ok "Enter on done quits, status 0" "$(screen)"; fi
if screen_all | grep -q "^Domain 'web' on .*: changed"; then
	ok "what changed stays on the terminal"
else
	not_ok "what changed stays on the terminal" "$(screen)"
fi
if terminal_sane; then
	ok "the terminal is back in its modes"
else
	not_ok "the terminal is back in its modes" "$(screen_all)"
fi

# ---- 2. hugepages that are short, back, and quitting ----------------------
tmux_start -- "$VIRTSHARE" --demo wizard
expect "second run" "Step 1 of 7: Host summary"
keys q
status=$(wait_exit)
if [ "$status" = "[exit 0]" ]; then ok "q with nothing chosen quits at once"; else not_ok "q with nothing chosen quits at once" "$(screen)"; fi

tmux_start -- "$VIRTSHARE" --demo wizard
expect "third run" "Step 1 of 7: Host summary"
keys Enter
expect "domains" "Step 2 of 7: Domain"
select_row "db " && keys Enter
expect "share for db" "Step 3 of 7: Share"
keys /srv/build Enter Enter Enter Enter Enter Enter
expect "memory for db" "Step 4 of 7: Memory backing"
expect "db keeps its 1G hugepages" "> (*) hugepages 1G (kept)"
select_row "hugepages 2M"
expect "the 2M pages selected" "> ( ) hugepages 2M"
no_cuts "memory backing of db"
keys Enter
expect "2M pages are short: the hugepages step" "Step 5 of 8: Hugepages"
screen_golden "hugepages: short of 1536 pages" "$G/pages.screen"
no_cuts "hugepages"
keybar "the count field's keys" \
	"Type a number  Tab/Enter/Down next field  Esc back  F1 help"
keys BTab
keybar "the node field's keys" \
	"Left/Right choose the node  Tab/Enter/Down next field  Esc back  F1 help"
keys Right
expect "Right chooses node 0" "< node 0    >"
keys Left Tab
expect "Left goes back to all nodes" "< all nodes >"
keys C-u Tab
keybar "Allocate's keys" "Enter allocate  Tab/Down next field  Esc back  F1 help"
keys Enter
expect_flow "Allocate with no count says to type one" "Type the number of pages to add, a whole number above 0."
keys Enter BTab 0 Tab Enter
expect_flow "0 pages are refused, the value named" "a whole number above 0, not '0'."
keys Enter BTab C-u 1536
expect "the count typed again" "= 3G"
keys Tab Enter
expect "the demo allocates nothing, and says so" "The demo changes nothing"
keys Enter Tab
keybar "Continue's keys on the hugepages page" \
	"Enter continue  Up previous field  Esc back  F1 help"
keys Enter
expect "going on short asks first" "Too few hugepages"
keys Left Enter
expect "Go on: the daemon" "Step 6 of 8: Daemon"
keys q
expect "q asks before losing the choices" "Quit the wizard?"
screen_golden "quit asks" "$G/quit.screen"
keys Enter
expect "Stay is the default" "Step 6 of 8: Daemon"
keys F1
expect "F1 shows the page's help" "Help: Daemon"
no_cuts "help of the daemon page"
keys Enter
select_row "virtshare starts"
expect "the external daemon: when it starts" "virtshare starts the daemon when the change"
no_cuts "daemon: the external one"
keys q Left Enter
status=$(wait_exit)
if [ "$status" = "[exit 0]" ]; then ok "Quit ends the wizard"; else not_ok "Quit ends the wizard" "$(screen)"; fi

# ---- 2b. bad input on the share and review pages --------------------------
# Each is refused as typed, with what to do; Continue on it shows the whole
# message in a dialog and stays on the page.
tmux_start -- "$VIRTSHARE" --demo wizard
expect "bad input run" "Step 1 of 7: Host summary"
keys Enter
expect "bad input: domains" "Step 2 of 7: Domain"
select_row "build " && keys Enter
expect "bad input: the share form of 'build'" "Share a host directory with domain 'build':"
keys srv/data
expect "a relative directory: says to give an absolute one" "!! Give an absolute path, starting with /."
keys C-u /srv/build/README
expect "a file: says a share is a directory" "!! Not a directory: a share exports a directory tree."
keys C-u /srv/nowhere
expect "a missing directory: says to create it" "!! No such directory on this host: create it first, or"
keys Down Down Down Down Down
expect "Down reaches Continue" ">[ Continue ]"
keys Enter
expect_flow "Continue on it: a dialog says so and what to do" "The source directory /srv/nowhere does not exist on this host. Create it first, or check the path."
keys Enter
if wait_for ">[ Continue ]" && screen | grep -q "Step 3 of 8: Share"; then
	ok "... and the share page stays"
else
	not_ok "... and the share page stays" "$(screen)"
fi
keys Up Up Up Up Up C-u /srv/data Down C-u build
expect "a tag another share has: refused as typed" "!! The share of /srv/build has this tag: choose another"
keys Down Down Down Down Enter
expect_flow "Continue on it: says how to free the tag" "Choose another tag, or remove that share first: virtshare unshare build build"
keys Enter Up Up Up Up C-u aaaaaaaaaabbbbbbbbbbccccccccccddddddX
expect_flow "a 37-byte tag: refused as typed" "!! The tag is 37 bytes long; the guest kernel takes at most 36."
keys Down Down Down Down Enter
expect_flow "Continue on it: says the limit and what to do" "the guest kernel takes at most 36. Choose a shorter tag."
keys Enter Up Up Up Up C-u
expect "an empty tag: says what a tag is" "Type the mount tag: the name the guest"
keys Down Down Down Down Enter
expect_flow "Continue on it: says to give one" "The mount tag is empty."
keys Enter Up Up Up Up data
expect "a good tag at last" "ok: 4 of 36 bytes; a new share."
keys Down Down Down Down Enter
expect "on to guest memory" "Step 4 of 8: Memory backing"
keys Enter
expect "bad input: the daemon" "Step 5 of 8: Daemon"
keys Enter
# build runs: the running guest page, which the demo cannot serve now.
expect "a running domain: the running guest page" "Step 6 of 8: Running guest"
expect "... asks whether to share now" "Domain 'build' is running. Give it the share now?"
expect "... not possible now on the demo" "[-] not possible now (see below): the guest gets the"
expect "... the demo's test driver is named" "This is libvirt's test driver (the demo): its domains run, but it"
expect "... no agent: the mount point says to leave it" "no agent to mount with: leave it empty (the last page"
no_cuts "running guest page"
keys NPage
expect "PgDn: the reasons follow" "Why the guest cannot take it now:"
keybar "the mount point's keys" \
	"Tab/Enter/Down next field  Up previous field  PgDn more  Esc back  F1 help"
keys Up Space
expect "Share now stays off: not possible" "[-] not possible now"
keys Down /mnt/data Down Down Enter
expect_flow "a mount point without an agent: refused, saying what to do" "The guest has no agent to mount the share with: leave the mount point empty"
keys Enter Up Up C-u Down Down Enter
expect "bad input: the review" "Step 7 of 8: Review"
keys Tab Tab
expect "Save as INI" ">[ Save as INI ]"
keys Enter
expect "a file name is asked" "The file to write the choices to"
keys C-u "$TESTTMP/no/such/build-data.ini" Enter
expect_flow "INI into a missing directory: says to create it" "The directory $TESTTMP/no/such does not exist: create it first, or save the file elsewhere."
keys Enter Enter
expect "asked again" "The file to write the choices to"
keys C-u "$TESTTMP" Enter
expect_flow "INI onto a directory: says which name to give" "$TESTTMP is a directory: type the file to write in it, such as $TESTTMP/build-data.ini."
keys Enter q
expect "quit asks" "Quit the wizard?"
keys Left Enter
status=$(wait_exit)
[ "$status" = "[exit 0]" ] && ok "bad input: quits, status 0" || not_ok "bad input: quits, status 0" "$(screen_all)"
if [ ! -e "$TESTTMP/no" ] && [ ! -e "$TESTTMP/build-data.ini" ]; then
	ok "bad input: no file written"
else
	not_ok "bad input: no file written" "$(ls -R "$TESTTMP")"
fi

# ---- 3. no colours, plain ASCII, a monochrome terminal, a signal -----------
tmux_start LC_ALL=C NO_COLOR=1 -- "$VIRTSHARE" --demo wizard
expect "LC_ALL=C NO_COLOR=1 run" "Step 1 of 7: Host summary"
if ! screen_has_colour && screen_has_reverse; then
	ok "NO_COLOR: no colours; the title bar in reverse video"
else
	not_ok "NO_COLOR: no colours; the title bar in reverse video" "$(screen_sgr | cat -v | head -3)"
fi
if screen | grep -q '[─│┌]'; then
	not_ok "no line drawing characters outside UTF-8" "$(screen)"
else
	ok "no line drawing characters outside UTF-8"
fi
screen_golden "the same host summary in ASCII" "$G/host.screen"
keys '?'
expect "? shows the help too" "Help: Host summary"
screen_golden "help in ASCII" "$G/help-ascii.screen"
keys Enter Enter
expect "on to the domains" "Step 2 of 7: Domain"
kill -TERM "$(pane_pid)"
status=$(wait_exit)
if [ "$status" = "[exit 143]" ]; then ok "SIGTERM ends it with status 143"; else not_ok "SIGTERM ends it with status 143" "$(screen)"; fi
if terminal_sane && screen_all | grep -q "interrupted; nothing was applied"; then
	ok "... the terminal restored, nothing applied"
else
	not_ok "... the terminal restored, nothing applied" "$(screen_all)"
fi

# A terminal without colours (vt220): the same screens, in reverse video.
tmux_start TERM=vt220 -- "$VIRTSHARE" --demo wizard
expect "TERM=vt220 run" "Step 1 of 7: Host summary"
if ! screen_has_colour && screen_has_reverse; then
	ok "monochrome: no colours; the title bar in reverse video"
else
	not_ok "monochrome: no colours; the title bar in reverse video" "$(screen_sgr | cat -v | head -3)"
fi
# The rule under the title is vt220's line drawing set, which tmux's
# capture shows as the letters it maps ("qqq").
golden "monochrome: the same host summary" "$G/host.screen" "$(screen_normal | sed -e '3y/q/-/')"
keys Enter
expect "monochrome: the domains" "Step 2 of 7: Domain"
if screen_sgr | grep -qP '\e\[([0-9]*;)*7[;m][^\e]*> build '; then
	ok "monochrome: the selected domain is marked and in reverse video"
else
	not_ok "monochrome: the selected domain is marked and in reverse video" "$(screen_sgr | cat -v)"
fi
keys q
status=$(wait_exit)
[ "$status" = "[exit 0]" ] && terminal_sane && ok "monochrome: quits, the terminal restored" ||
	not_ok "monochrome: quits, the terminal restored" "$(screen_all)"

tmux_start -- "$VIRTSHARE" --demo wizard
expect "fourth run" "Step 1 of 7: Host summary"
keys Enter
expect "domains again" "Step 2 of 7: Domain"
keys C-c
status=$(wait_exit)
if [ "$status" = "[exit 130]" ] && terminal_sane; then
	ok "Ctrl-C ends it with status 130, the terminal restored"
else
	not_ok "Ctrl-C ends it with status 130, the terminal restored" "$(screen_all)"
fi

# ---- 4. a domain XML file: the browser, completion, FILE.bak ---------------
cp "$top_srcdir/tests/golden/share-memfd.in.xml" "$TESTTMP/vm1.xml"
cp "$TESTTMP/vm1.xml" "$TESTTMP/vm1.orig"
tmux_start LIBVIRT_DEFAULT_URI=test:///nonexistent.xml -- \
	"$VIRTSHARE" --root "$VIRTSHARE_DATADIR/demo/host" wizard
expect_flow "no libvirt: a problem that says what still works" "only a domain XML file can be checked or edited"
no_cuts "host summary with a problem"
keys Enter
expect "the domain page offers a file" "> Open a domain XML file..."
keys Enter
expect "it asks for the file" "The domain definition to edit"
keys Escape
if wait_for "Step 2 of 7: Domain" && ! screen | grep -q "The domain definition to edit\|without saying why"; then
	ok "Esc cancels the question, with no error"
else
	not_ok "Esc cancels the question, with no error" "$(screen)"
fi
keys Enter
expect "it asks again" "The domain definition to edit"
keys C-u "$TESTTMP/none.xml" Enter
expect_flow "a missing file: says to check the name" "Cannot read $TESTTMP/none.xml: there is no such file. Check the file name."
keys Enter Enter
expect "asked again after a missing file" "The domain definition to edit"
keys C-u "$TESTTMP" Enter
expect_flow "a directory: says to name a file" "$TESTTMP is a directory, not a file. Name a file."
echo "not XML" > "$TESTTMP/junk.xml"
keys Enter Enter
expect "asked again after the error" "The domain definition to edit"
keys C-u "$TESTTMP/junk.xml" Enter
expect_flow "a file that is not XML: says where and to fix it" "$TESTTMP/junk.xml is not well-formed XML (line 1:"
keys Enter
expect "the domain page stays" "Step 2 of 7: Domain"
rm "$TESTTMP/junk.xml"
keys Enter
expect "and asks once more" "The domain definition to edit"
keys C-u "$TESTTMP/vm" Tab
expect "Tab completes up to what the files share" "$TESTTMP/vm1."
expect "... and lists them" "vm1.orig"
no_cuts "the file prompt listing completions"
keys x Tab
expect "then the one file" "$TESTTMP/vm1.xml"
keys Enter
expect "the file's domain: the share form" "Share a host directory with domain 'vm1':"
keys F2
expect "F2 browses the directories" "Choose a directory"
if select_row "srv/" "  . " && keys Enter && wait_for "/srv" && select_row "data/" "  . "; then
	ok "the browser goes down to /srv/data"
else
	not_ok "the browser goes down to /srv/data" "$(screen)"
fi
no_cuts "the directory browser"
keys Enter
expect "Enter opens it" "[ Use /srv/data ]"
keys Space
expect "Space takes it, the tag follows" "ok: 4 of 36 bytes; a new share."
expect "... and the directory" "/srv/data"
keys Down Down Down Down Enter
expect "memory" "Step 4 of 7: Memory backing"
keys Enter
expect "daemon" "Step 5 of 7: Daemon"
keys Enter
expect "review of the file" "Step 6 of 7: Review"
keys Enter
expect "applied to the file" "Step 7 of 7: Done"
expect "the old one is FILE.bak" "vm1.xml.bak"
keys Enter
status=$(wait_exit)
[ "$status" = "[exit 0]" ] && ok "file: quits with status 0" || not_ok "file: quits with status 0" "$(screen_all)"
if grep -q "<source dir='/srv/data'/>" "$TESTTMP/vm1.xml" &&
	grep -q "<access mode='shared'/>" "$TESTTMP/vm1.xml" &&
	cmp -s "$TESTTMP/vm1.xml.bak" "$TESTTMP/vm1.orig"; then
	ok "file: the share and shared memory written, the old file kept"
else
	not_ok "file: the share and shared memory written, the old file kept" "$(diff "$TESTTMP/vm1.orig" "$TESTTMP/vm1.xml")"
fi

# --xml FILE opens it at once.
tmux_start -- "$VIRTSHARE" --root "$VIRTSHARE_DATADIR/demo/host" wizard --xml "$TESTTMP/vm1.xml"
expect "--xml: no libvirt is no problem" "No problems found"
keys Enter
expect "--xml: the file is chosen" "> vm1 (the file $TESTTMP/vm1.xml)"
keys Enter
expect "--xml: the share form" "Share a host directory with domain 'vm1':"
keys /srv/data Enter
expect "--xml: the existing share is recognised" "changes the share that has this tag"
no_cuts "--xml: the share form of an existing share"
keys q Left Enter
wait_exit > /dev/null

# ---- 5. virtshare alone ----------------------------------------------------
tmux_start -- "$VIRTSHARE" --demo
expect "virtshare with no command on a terminal starts the wizard" "Step 1 of 7: Host summary"
keys q
wait_exit > /dev/null
out=$("$VIRTSHARE" --demo < /dev/null 2>&1)
status=$?
if [ $status = 2 ] && grep -q "^Usage: virtshare" <<< "$out"; then
	ok "without a terminal: the usage, status 2"
else
	not_ok "without a terminal: the usage, status 2" "$out"
fi
out=$("$VIRTSHARE" --demo wizard < /dev/null 2>&1)
if [ $? = 2 ] && grep -q "needs a terminal" <<< "$out"; then
	ok "wizard without a terminal says what to use instead"
else
	not_ok "wizard without a terminal says what to use instead" "$out"
fi
done_testing
