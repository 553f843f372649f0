#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# replay-ini.sh: the INI loader over its fuzz corpus and the golden INI cases
exec "$top_builddir/tests/fuzz/fuzz-ini" "$top_srcdir"/tests/fuzz/corpus/ini/* \
	"$top_srcdir"/tests/golden/ini-*.ini
