#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# include-cycles.sh: the modules of src/, tui/ and daemon/ depend on each
# other one way only, by includes and by calls (include-cycles.pl), and
# the check does see a cycle of each kind planted in a copy of src/.
. "$top_srcdir/tests/cli/lib.sh"

CHECK=$top_srcdir/tests/pkg/include-cycles.pl
cd "$top_srcdir" || exit 1

if out=$(perl "$CHECK" src tui daemon 2>&1); then
	ok "no include or call cycle in src/, tui/, daemon/"
else
	not_ok "no include or call cycle in src/, tui/, daemon/" "$out"
fi

# planted NAME WANT: the check fails on $TESTTMP/NAME, printing WANT.
planted() {
	local name=$1 want=$2 out rc
	out=$(perl "$CHECK" "$TESTTMP/$name" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -qF "$want" <<< "$out"; then
		ok "a planted cycle is found: $want"
	else
		not_ok "a planted cycle is found: $want" "exit $rc" "$out"
	fi
}

# base is the bottom layer: util.h includes base.h, util.c calls it.
mkdir "$TESTTMP/inc" "$TESTTMP/call"
cp src/*.c src/*.h "$TESTTMP/inc"/
cp src/*.c src/*.h "$TESTTMP/call"/
sed -i 's|^#include <stdarg.h>$|#include "util.h"\n&|' "$TESTTMP/inc/base.h"
planted inc 'include cycle: base -> util -> base'
cat >> "$TESTTMP/call/base.c" <<'EOC'

bool
base_planted(void)
{
	return root_is_host("/");
}
EOC
planted call 'call cycle: base -> util -> base'

done_testing
