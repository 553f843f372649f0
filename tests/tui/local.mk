## tests/tui/local.mk: the wizard: its logic without curses, its screens in tmux

tui_unit_tests = tests/tui/test-wizard
check_PROGRAMS += $(tui_unit_tests)
TESTS += $(tui_unit_tests)
tests_tui_test_wizard_CPPFLAGS = $(tui_libwizard_a_CPPFLAGS) -I$(top_srcdir)/tests
tests_tui_test_wizard_LDADD = tui/libwizard.a $(VS_CORE_LIBS)
