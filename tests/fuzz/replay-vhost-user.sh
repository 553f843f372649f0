#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# replay-vhost-user.sh: virtshare-fsd's fuzz target vhost-user over its corpus
exec "$top_builddir/tests/fuzz/fuzz-vhost-user" "$top_srcdir"/tests/fuzz/corpus/vhost-user/*
