#!/bin/sh
# replay-vhost-user.sh: virtshare-fsd's fuzz target vhost-user over its corpus
exec "$top_builddir/tests/fuzz/fuzz-vhost-user" "$top_srcdir"/tests/fuzz/corpus/vhost-user/*
