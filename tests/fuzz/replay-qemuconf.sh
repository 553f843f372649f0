#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# replay-qemuconf.sh: the qemu.conf parser over its fuzz corpus
exec "$top_builddir/tests/fuzz/fuzz-qemuconf" "$top_srcdir"/tests/fuzz/corpus/qemuconf/*
