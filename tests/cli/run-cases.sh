#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-cases.sh: every tests/cli/cases/NAME.cmd is a command line; its output
# (stdout and stderr) and exit status must match NAME.out.
#
# A .cmd file is a shell snippet run in a fresh temporary directory ($PWD)
# with `virtshare` as a function calling the built binary; $DATA is
# tests/data, $TEMPLATES the templates directory. The .out file holds the
# normalized output followed by a line "[exit N]".
. "$top_srcdir/tests/cli/lib.sh"

virtshare() { "$VIRTSHARE" "$@"; }
export -f virtshare
export DATA=$top_srcdir/tests/data TEMPLATES=$top_srcdir/templates
export VIRTSHARE_FSD=/usr/libexec/virtshare-fsd

for cmd in "$top_srcdir"/tests/cli/cases/*.cmd; do
	name=$(basename "$cmd" .cmd)
	dir=$TESTTMP/$name
	mkdir -p "$dir"
	# Saved definitions stay in the case's directory, never the host's.
	out=$(cd "$dir" && TESTTMP=$dir VIRTSHARE_STATEDIR=$dir/state \
		bash -c "$(cat "$cmd")" 2>&1; echo "[exit $?]")
	out=$(printf '%s\n' "$out" | TESTTMP=$dir normalize)
	golden "cli $name" "${cmd%.cmd}.out" "$out"
done
done_testing
