#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sandbox-ours.sh: virtshare-fsd's sandbox, capabilities and seccomp (issue 7)
exec "${top_builddir:-.}/tests/daemon/sandbox" \
	--daemon="${VIRTSHARE_FSD:-${top_builddir:-.}/daemon/virtshare-fsd}"
