## tests/cli/local.mk
