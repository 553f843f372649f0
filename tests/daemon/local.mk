## tests/daemon/local.mk
