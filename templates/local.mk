## templates/local.mk
