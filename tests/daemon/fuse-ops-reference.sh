#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fuse-ops-reference.sh: the same suite against QEMU's C virtiofsd, which
# proves that the test client speaks the protocol a real daemon expects
exec "${top_builddir:-.}/tests/daemon/fuse-ops" --kind=reference \
	--daemon="${REFERENCE_VIRTIOFSD:-/usr/lib/qemu/virtiofsd}"
