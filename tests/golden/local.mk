## tests/golden/local.mk: golden-file tests (REGENERATE=1 make check rewrites)
golden_tests = tests/golden/inspect.sh tests/golden/ini.sh
TESTS += $(golden_tests)
# Globs, not the directory: in a VPATH build the build tree has a
# tests/golden of its own (test logs) that must not be distributed.
EXTRA_DIST += $(golden_tests) \
	$(wildcard $(srcdir)/tests/golden/*.txt) \
	$(wildcard $(srcdir)/tests/golden/*.json) \
	$(wildcard $(srcdir)/tests/golden/*.xml) \
	$(wildcard $(srcdir)/tests/golden/*.err) \
	$(wildcard $(srcdir)/tests/golden/*.ini) \
	$(wildcard $(srcdir)/tests/golden/*.plan)

# Domain XML edits: a table of cases in test-domxml.c, files <op>-<case>.*
check_PROGRAMS += tests/golden/test-domxml
TESTS += tests/golden/test-domxml
tests_golden_test_domxml_CPPFLAGS = $(VS_TEST_CPPFLAGS)
tests_golden_test_domxml_LDADD = $(VS_CORE_LIBS)
