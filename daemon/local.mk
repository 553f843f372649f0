## daemon/local.mk
