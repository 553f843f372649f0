#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# autogen.sh: generate configure and the Makefile templates from a clean clone
set -e
cd "$(dirname "$0")"
autoreconf --force --install
# automake ships the TAP driver but installs it only on request.
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
