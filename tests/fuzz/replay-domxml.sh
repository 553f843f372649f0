#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# replay-domxml.sh: the domain XML engine over every domain the golden and CLI tests use
VIRTSHARE_DATADIR=$top_srcdir/templates
export VIRTSHARE_DATADIR
exec "$top_builddir/tests/fuzz/fuzz-domxml" "$top_srcdir"/tests/golden/*.in.xml \
	"$top_srcdir"/tests/data/domains/*.xml
