## SPDX-License-Identifier: GPL-2.0-or-later
## tests/fuzz/local.mk: fuzz targets; libFuzzer with --enable-fuzzing, else
## a replay of the corpus as a regular test

fuzz_targets = tests/fuzz/fuzz-qemuconf tests/fuzz/fuzz-ini \
	tests/fuzz/fuzz-domxml
tests_fuzz_fuzz_qemuconf_SOURCES = tests/fuzz/fuzz-qemuconf.c
tests_fuzz_fuzz_qemuconf_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_fuzz_fuzz_qemuconf_LDADD = $(VS_CORE_LIBS)
tests_fuzz_fuzz_ini_SOURCES = tests/fuzz/fuzz-ini.c
tests_fuzz_fuzz_ini_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_fuzz_fuzz_ini_LDADD = $(VS_CORE_LIBS)
tests_fuzz_fuzz_domxml_SOURCES = tests/fuzz/fuzz-domxml.c
tests_fuzz_fuzz_domxml_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_fuzz_fuzz_domxml_LDADD = $(VS_CORE_LIBS)

# virtshare-fsd's vhost-user message handler and FUSE request decoder.
FUZZ_FSD_CPPFLAGS = $(FSD_CPPFLAGS) -I$(top_srcdir)/tests \
	-I$(top_srcdir)/tests/fuzz
FUZZ_FSD_LDADD = daemon/libfsd.a -lpthread
fuzz_targets += tests/fuzz/fuzz-vhost-user tests/fuzz/fuzz-fuse
tests_fuzz_fuzz_vhost_user_SOURCES = tests/fuzz/fuzz-vhost-user.c \
	tests/fuzz/fuzz-fsd.c tests/fuzz/fuzz-fsd.h
tests_fuzz_fuzz_vhost_user_CPPFLAGS = $(FUZZ_FSD_CPPFLAGS)
tests_fuzz_fuzz_vhost_user_LDADD = $(FUZZ_FSD_LDADD)
tests_fuzz_fuzz_fuse_SOURCES = tests/fuzz/fuzz-fuse.c \
	tests/fuzz/fuzz-fsd.c tests/fuzz/fuzz-fsd.h
tests_fuzz_fuzz_fuse_CPPFLAGS = $(FUZZ_FSD_CPPFLAGS)
tests_fuzz_fuzz_fuse_LDADD = $(FUZZ_FSD_LDADD)

FUZZ_REPLAYS = \
	tests/fuzz/replay-qemuconf.sh \
	tests/fuzz/replay-ini.sh \
	tests/fuzz/replay-domxml.sh \
	tests/fuzz/replay-vhost-user.sh \
	tests/fuzz/replay-fuse.sh

if ENABLE_FUZZING
tests_fuzz_fuzz_qemuconf_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_ini_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_domxml_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_vhost_user_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_fuse_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
noinst_PROGRAMS += $(fuzz_targets)
else
tests_fuzz_fuzz_qemuconf_SOURCES += tests/fuzz/replay.c
tests_fuzz_fuzz_ini_SOURCES += tests/fuzz/replay.c
tests_fuzz_fuzz_domxml_SOURCES += tests/fuzz/replay.c
tests_fuzz_fuzz_vhost_user_SOURCES += tests/fuzz/replay.c
tests_fuzz_fuzz_fuse_SOURCES += tests/fuzz/replay.c
check_PROGRAMS += $(fuzz_targets)
TESTS += $(FUZZ_REPLAYS)
endif
EXTRA_DIST += tests/fuzz/corpus $(FUZZ_REPLAYS) tests/fuzz/gen-seeds.py \
	tests/fuzz/README
