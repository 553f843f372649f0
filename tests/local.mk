## SPDX-License-Identifier: GPL-2.0-or-later
## tests/local.mk: unit, golden, CLI, TUI, daemon and e2e tests (all TAP)
EXTRA_DIST += tests/tap.h
include tests/unit/local.mk
include tests/golden/local.mk
include tests/cli/local.mk
include tests/tui/local.mk
include tests/daemon/local.mk
include tests/e2e/local.mk
include tests/fuzz/local.mk
include tests/daemon-unit/local.mk
EXTRA_DIST += tests/data
include tests/pkg/local.mk
include tests/remote/local.mk
