## tests/golden/local.mk
