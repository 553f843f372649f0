## tests/fuzz/local.mk: fuzz targets; libFuzzer with --enable-fuzzing, else
## a replay of the corpus as a regular test

fuzz_targets = tests/fuzz/fuzz-qemuconf tests/fuzz/fuzz-ini
tests_fuzz_fuzz_qemuconf_SOURCES = tests/fuzz/fuzz-qemuconf.c
tests_fuzz_fuzz_qemuconf_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_fuzz_fuzz_ini_SOURCES = tests/fuzz/fuzz-ini.c
tests_fuzz_fuzz_ini_CPPFLAGS = $(VS_TEST_CPPFLAGS)
if ENABLE_FUZZING
tests_fuzz_fuzz_qemuconf_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_qemuconf_LDADD = $(VS_CORE_LIBS)
tests_fuzz_fuzz_ini_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_ini_LDADD = $(VS_CORE_LIBS)
noinst_PROGRAMS += $(fuzz_targets)
else
tests_fuzz_fuzz_qemuconf_SOURCES += tests/fuzz/replay.c
tests_fuzz_fuzz_qemuconf_LDADD = $(VS_CORE_LIBS)
tests_fuzz_fuzz_ini_SOURCES += tests/fuzz/replay.c
tests_fuzz_fuzz_ini_LDADD = $(VS_CORE_LIBS)
check_PROGRAMS += $(fuzz_targets)
TESTS += tests/fuzz/replay-qemuconf.sh tests/fuzz/replay-ini.sh
endif
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/replay-qemuconf.sh \
	tests/fuzz/replay-ini.sh
