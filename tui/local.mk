## tui/local.mk
