#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# include-cycles.sh: the modules of src/, tui/ and daemon/ include each
# other one way only (include-cycles.pl), and the check does see a cycle
# planted in a copy of src/.
. "$top_srcdir/tests/cli/lib.sh"

CHECK=$top_srcdir/tests/pkg/include-cycles.pl
cd "$top_srcdir" || exit 1

if out=$(perl "$CHECK" src tui daemon 2>&1); then
	ok "no include cycle in src/, tui/, daemon/"
else
	not_ok "no include cycle in src/, tui/, daemon/" "$out"
fi

tmp=$TESTTMP/src
mkdir "$tmp"
cp src/*.c src/*.h "$tmp"/
# base.h is the bottom layer: util.h including it, base.h including
# util.h closes a cycle.
sed -i 's|^#include <stdarg.h>$|#include "util.h"\n&|' "$tmp/base.h"
out=$(perl "$CHECK" "$tmp" 2>&1)
rc=$?
want='include cycle: base -> util -> base'
if [ $rc -ne 0 ] && grep -qF "$want" <<< "$out"; then
	ok "a planted cycle (base.h including util.h) is found"
else
	not_ok "a planted cycle (base.h including util.h) is found" \
		"exit $rc" "$out"
fi

done_testing
