## SPDX-License-Identifier: GPL-2.0-or-later
## tests/tui/local.mk: the wizard: its logic without curses, its screens in tmux

tui_unit_tests = tests/tui/test-wizard
check_PROGRAMS += $(tui_unit_tests)
TESTS += $(tui_unit_tests)
tests_tui_test_wizard_SOURCES = tests/tui/test-wizard.c
tests_tui_test_wizard_CPPFLAGS = $(tui_libwizard_a_CPPFLAGS) -I$(top_srcdir)/tests
tests_tui_test_wizard_LDADD = tui/libwizard.a $(VS_CORE_LIBS)

# The screens, driven through tmux (send-keys, capture-pane).
tui_screen_tests = tests/tui/wizard-demo.sh tests/tui/wizard-libvirtd.sh \
	tests/tui/wizard-de.sh
TESTS += $(tui_screen_tests)
EXTRA_DIST += $(tui_screen_tests) tests/tui/tmux-lib.sh tests/tui/golden
