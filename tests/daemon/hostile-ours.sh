#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# hostile-ours.sh: crafted requests and vhost-user messages against
# virtshare-fsd (issue 7); the reference daemon is not held to this
exec "${top_builddir:-.}/tests/daemon/hostile" \
	--daemon="${VIRTSHARE_FSD:-${top_builddir:-.}/daemon/virtshare-fsd}"
