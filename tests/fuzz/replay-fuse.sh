#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# replay-fuse.sh: virtshare-fsd's fuzz target fuse over its corpus
exec "$top_builddir/tests/fuzz/fuzz-fuse" "$top_srcdir"/tests/fuzz/corpus/fuse/*
