## tests/tui/local.mk
