/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui.h: what main.c and the wizard's pages share */
#ifndef VS_TUI_H
#define VS_TUI_H

#include <curses.h>
#include <stdbool.h>

#include "ui.h"
#include "wizard.h"

/* The running wizard. */
struct tui {
	struct wizard *w;
	enum wiz_page_id page;
	char *status;          /* a line under the page, or NULL */
	enum ui_role status_role;
	bool quit;
};

/*
 * One step of the wizard (tig's view_ops). Pages keep their own screen
 * state (focus, scroll) and leave every decision to wizard.c.
 */
struct page_ops {
	const char *name;  /* N_(): the step's name in the step bar */
	const char *title; /* N_(): the page's title */
	const char *help;  /* N_(): the F1 help */
	const char *keys;  /* N_(): the key line */
	/* N_(): the key line of the field in focus, for pages whose keys
	 * differ by field (NULL: keys). */
	const char *(*field_keys)(struct tui *t);
	/* The page is shown (again): refresh from the wizard's state. */
	void (*enter)(struct tui *t);
	/* Draw into the rectangle y, x, h, w. */
	void (*draw)(struct tui *t, int y, int x, int h, int w);
	/* A key; true when the page used it (else the global keys apply). */
	bool (*key)(struct tui *t, int key);
	/* Going forward: commit the page's choices. 0, or -1 reported (the
	 * error is shown and the page stays); -1 with no error: the user
	 * chose to stay. */
	int (*leave)(struct tui *t);
};

extern const struct page_ops page_host;
extern const struct page_ops page_domain;
extern const struct page_ops page_share;
extern const struct page_ops page_backing;
extern const struct page_ops page_pages;
extern const struct page_ops page_daemon;
extern const struct page_ops page_live;
extern const struct page_ops page_review;
extern const struct page_ops page_done;

/* Go to the next page (after the current one's leave()) or back. */
void tui_next(struct tui *t);
void tui_back(struct tui *t);
/* Jump to a page, entering it. */
void tui_goto(struct tui *t, enum wiz_page_id id);
/* Set the line under the page (NULL fmt clears it). */
void tui_status(struct tui *t, enum ui_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Draw the whole screen (dialogs draw it under themselves). */
void tui_draw(struct tui *t);

/* Enter, from the keypad or the main keyboard. */
static inline bool
tui_is_enter(int key)
{
	return key == UI_ENTER || key == UI_KEY(KEY_ENTER);
}

/* The rows a page can use for a list under h rows of other things. */
static inline int
tui_rows(int h, int used)
{
	return h - used > 1 ? h - used : 1;
}

#endif
