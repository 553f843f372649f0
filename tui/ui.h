/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ui.h: the terminal (curses set-up, keys, signals) and the shared widgets */
#ifndef VS_UI_H
#define VS_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "util.h"

/*
 * Only tui/ includes curses. The pages draw with these helpers, which
 * clip to the screen by display width (UTF-8 aware, '?' for what the
 * locale cannot show), use colours only when the terminal has them and
 * NO_COLOR is not set (attributes alone otherwise), and box lines that
 * fall back to ASCII. Every marker that matters (selection, problems,
 * disabled options) is also a character, so a monochrome screen or a
 * screen reader shows it too.
 */

enum ui_role {
	UI_NORMAL,
	UI_TITLE,    /* the title bar */
	UI_HEAD,     /* section titles */
	UI_SELECTED, /* the selected row or button */
	UI_PROBLEM,  /* problems and errors */
	UI_GOOD,     /* checks that passed */
	UI_DIM,      /* disabled options */
	UI_INPUT,    /* text fields */
	UI_KEYS,     /* the key help line */
	UI_ADDED,    /* diff: + lines */
	UI_REMOVED,  /* diff: - lines */
	UI_NROLES,
};

/* Keys: characters are their code points; function keys UI_FN + KEY_x. */
#define UI_FN          0x200000
#define UI_KEY(k)      (UI_FN + (k))
#define UI_CTRL(c)     ((c) & 0x1f)
#define UI_ESC         27
#define UI_TAB         9
#define UI_ENTER       '\n'
/* SIGINT, SIGTERM or SIGHUP arrived: the wizard must end cleanly. */
#define UI_INTERRUPT   (UI_FN + 0x10000)

/*
 * Start curses on the terminal: cbreak, no echo, keypad, the signal
 * handlers that restore the terminal (endwin) on SIGINT, SIGTERM, SIGHUP
 * and fatal signals, and an atexit() hook doing the same. Returns 0, or
 * -1 after reporting VS_ERR_USAGE when there is no terminal.
 */
int ui_init(void);
/* Give the terminal back (idempotent). */
void ui_end(void);

/* The next key, UI_KEY(KEY_RESIZE) after a resize, or UI_INTERRUPT. */
int ui_getkey(void);
/* The signal that asked to end (SIGINT when the terminal went away). */
int ui_signal_number(void);

int ui_rows(void);
int ui_cols(void);

/* ---- drawing ------------------------------------------------------------- */

/* Start a frame: clear the screen, hide the cursor. */
void ui_frame_begin(void);
/* End a frame: show the cursor where a focused field wants it. */
void ui_frame_end(void);
/* A focused text field puts the cursor at y, x. */
void ui_cursor(int y, int x);

/*
 * Write s at y, x, clipped to width cells (width <= 0: to the screen's
 * edge); pad with blanks to width when pad. Returns the cells written.
 * With $VIRTSHARE_TUI_CUTS naming a file, each text clipped is appended
 * to it, so that tests find text the screen does not show whole.
 */
int ui_put(int y, int x, int width, enum ui_role role, const char *s,
	   bool pad);
/* Like ui_put() with a printf format. */
int ui_putf(int y, int x, int width, enum ui_role role, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Display width of s in the current locale. */
int ui_width(const char *s);
/* Word-wrap s to width cells into out (each line owned); "\n" breaks. */
void ui_wrap(const char *s, int width, struct strlist *out);
/*
 * Write s word-wrapped to width cells from row y down, on at most rows
 * rows (rows <= 0: no limit; lines left out count as cut). Returns the
 * rows written.
 */
int ui_put_wrapped(int y, int x, int width, int rows, enum ui_role role,
		   const char *s);
void ui_hline(int y, int x, int width);
void ui_box(int y, int x, int h, int w);
/* Clear a rectangle. */
void ui_clear(int y, int x, int h, int w);

/* ---- widgets ------------------------------------------------------------- */

/* A list: the selected row and the first one shown. */
struct ui_list {
	size_t n;
	size_t sel;
	size_t top;
};

/* Move with Up, Down, PgUp, PgDn, Home, End; true when the key was one
 * of them. Keeps sel on screen for a list of height rows. */
bool ui_list_key(struct ui_list *l, int key, int height);
void ui_list_show(struct ui_list *l, int height);

/* A one-line text field. */
struct ui_input {
	wchar_t *buf;
	size_t len;
	size_t cap;
	size_t cur; /* the cursor, in characters */
	size_t off; /* the first character shown */
};

void ui_input_set(struct ui_input *in, const char *s);
/* The text, in the locale's encoding (caller frees). */
char *ui_input_get(const struct ui_input *in);
void ui_input_clear(struct ui_input *in);
/* Edit with characters, Backspace, Delete, Left, Right, Home, End,
 * Ctrl-A, Ctrl-E, Ctrl-U, Ctrl-K. 1: the text changed; 0: the cursor
 * moved; -1: not an editing key. */
int ui_input_key(struct ui_input *in, int key);
void ui_input_draw(struct ui_input *in, int y, int x, int width,
		   bool focused);

/* ---- forms: labelled fields in a column, a Continue button ------------- */

/*
 * Where the fields of a form start: 20 columns in, further when one of
 * the n (untranslated, N_()) labels needs it once translated, at most
 * half the width w.
 */
int ui_form_column(const char *const *labels, int n, int w);
/* A field's label, "> " before it and highlighted when it has focus. */
void ui_form_label(int y, int x, int width, bool focused, const char *label);
/* The translated Continue button, ">" before it when focused. */
void ui_form_continue(int y, int x, int width, bool focused);
/*
 * Move the focus among count fields (the last one the button): Tab,
 * Down, and Enter off the button go to the next, Up and Shift-Tab to the
 * previous. True when key moved it.
 */
bool ui_form_move(int *focus, int count, int key);

/* A scrollable text: wrapped lines and the first one shown. */
struct ui_view {
	struct strlist lines;
	size_t top;
};

void ui_view_set(struct ui_view *v, const char *text, int width);
void ui_view_clear(struct ui_view *v);
/* Scroll with Up, Down, PgUp, PgDn, Home, End, Space; true when used. */
bool ui_view_key(struct ui_view *v, int key, int height);
/* Draw height lines; role (may be NULL) colours each line. A scroll
 * position shows in the last column when the text is longer. */
void ui_view_draw(const struct ui_view *v, int y, int x, int height,
		  int width, enum ui_role (*role)(const char *line));

/* ---- dialogs (modal: they draw over the page until closed) ------------- */

/* What is under a dialog: redrawn on every frame (resizes included). */
void ui_set_background(void (*draw)(void *arg), void *arg);

/* A message with an OK button; long text scrolls. */
void ui_message(const char *title, const char *text);
/* The last error (vs_error_message()) under a title naming its kind;
 * the error is then forgotten. */
void ui_error(const char *title);
/* A question: true for yes. Left, Right and Tab move between the
 * buttons, Enter picks, Esc says no. */
bool ui_confirm(const char *title, const char *text, const char *yes,
		const char *no);
/*
 * Ask for a path, starting from initial, Tab completing below root (only
 * directories when dirs_only). Returns the text (caller frees), or NULL
 * when cancelled with Esc.
 */
char *ui_prompt(const char *title, const char *text, const char *initial,
		const char *root, bool dirs_only);
/*
 * Browse the directories below root from start: Enter opens, Backspace
 * or Left goes up, Space or 's' chooses the directory shown. Returns the
 * chosen host path (caller frees), or NULL when cancelled.
 */
char *ui_browse(const char *root, const char *start);

#endif
