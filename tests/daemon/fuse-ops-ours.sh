#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fuse-ops-ours.sh: every FUSE opcode through vhost-user against virtshare-fsd
exec "${top_builddir:-.}/tests/daemon/fuse-ops" --kind=ours \
	--daemon="${VIRTSHARE_FSD:-${top_builddir:-.}/daemon/virtshare-fsd}"
