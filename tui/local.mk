## SPDX-License-Identifier: GPL-2.0-or-later
## tui/local.mk: the ncurses wizard: its logic (no curses) and its pages

# The wizard's state and decisions: unit-tested without a terminal.
noinst_LIBRARIES += tui/libwizard.a
tui_libwizard_a_CPPFLAGS = $(src_libvirtshare_a_CPPFLAGS) -I$(top_srcdir)/tui
tui_libwizard_a_SOURCES = \
	tui/wizard.c tui/wizard.h \
	tui/wizard-ini.c \
	tui/complete.c tui/complete.h

# The screens: curses, one page-*.c per step.
noinst_LIBRARIES += tui/libtui.a
tui_libtui_a_CPPFLAGS = $(tui_libwizard_a_CPPFLAGS) $(NCURSES_CFLAGS)
tui_libtui_a_SOURCES = \
	tui/main.c tui/tui.h \
	tui/ui.c tui/ui.h \
	tui/page-host.c \
	tui/page-domain.c \
	tui/page-share.c \
	tui/page-backing.c \
	tui/page-pages.c \
	tui/page-daemon.c \
	tui/page-live.c \
	tui/page-review.c \
	tui/page-done.c

# `virtshare wizard` links both (src/local.mk).
VS_TUI_LIBS = tui/libtui.a tui/libwizard.a $(NCURSES_LIBS)
