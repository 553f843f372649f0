/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ui.c: curses set-up, signals, drawing helpers, widgets and dialogs */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wctype.h>

#include "complete.h"
#include "error.h"
#include "ui.h"

static struct {
	bool active;
	bool utf8;
	bool ascii;
	bool color;
	attr_t attrs[UI_NROLES];
	bool want_cursor;
	int cur_y, cur_x;
	void (*bg)(void *arg);
	void *bg_arg;
	FILE *cuts; /* $VIRTSHARE_TUI_CUTS: the texts ui_put() cut */
} ui;

static volatile sig_atomic_t ui_signal;

/* ---- the terminal -------------------------------------------------------- */

static void
on_signal(int sig)
{
	ui_signal = sig;
}

/* A crash must not leave the terminal raw: restore it, then die as the
 * signal says. */
static void
on_fatal(int sig)
{
	if (ui.active)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
signals_set(void)
{
	static const int ending[] = {SIGINT, SIGTERM, SIGHUP};
	static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: the read of the next key must end so that the
	 * wizard can leave cleanly. */
	sa.sa_handler = on_signal;
	for (size_t i = 0; i < ARRAY_SIZE(ending); i++)
		sigaction(ending[i], &sa, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
}

static void
colors_set(void)
{
	static const struct {
		enum ui_role role;
		short fg, bg;
		attr_t extra;
		attr_t mono;
	} roles[] = {
	    {UI_NORMAL, -1, -1, 0, A_NORMAL},
	    {UI_TITLE, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE},
	    {UI_HEAD, COLOR_CYAN, -1, A_BOLD, A_BOLD},
	    {UI_SELECTED, COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
	    {UI_PROBLEM, COLOR_RED, -1, A_BOLD, A_BOLD},
	    {UI_GOOD, COLOR_GREEN, -1, 0, A_NORMAL},
	    {UI_DIM, -1, -1, A_DIM, A_DIM},
	    {UI_INPUT, -1, -1, A_UNDERLINE, A_UNDERLINE},
	    {UI_KEYS, COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE},
	    {UI_ADDED, COLOR_GREEN, -1, 0, A_BOLD},
	    {UI_REMOVED, COLOR_RED, -1, 0, A_NORMAL},
	};
	const char *no_color = getenv("NO_COLOR");

	/* https://no-color.org: set and not empty means no colour. */
	ui.color = has_colors() && !(no_color && *no_color);
	if (ui.color) {
		start_color();
		use_default_colors();
	}
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++) {
		short pair = (short)(i + 1);

		if (!ui.color) {
			ui.attrs[roles[i].role] = roles[i].mono;
			continue;
		}
		init_pair(pair, roles[i].fg, roles[i].bg);
		ui.attrs[roles[i].role] = COLOR_PAIR(pair) | roles[i].extra;
	}
}

int
ui_init(void)
{
	const char *ascii = getenv("VIRTSHARE_ASCII");
	const char *cuts = getenv("VIRTSHARE_TUI_CUTS");

	if (ui.active)
		return 0;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return vs_error(VS_ERR_USAGE,
				_("The wizard needs a terminal. In scripts "
				  "use the commands (virtshare --help), or "
				  "'virtshare apply FILE.ini'."));
	if (!newterm(NULL, stdout, stdin))
		return vs_error(VS_ERR_USAGE,
				_("The terminal type '%s' is not known to "
				  "curses. Set TERM to one that is, such as "
				  "xterm-256color or linux."),
				getenv("TERM") ? getenv("TERM") : "");
	ui.active = true;
	atexit(ui_end);
	signals_set();
	ui.utf8 = STREQ(nl_langinfo(CODESET), "UTF-8");
	/* Line drawing characters only with UTF-8: in other locales many
	 * terminals show the VT100 set as letters ("qqqq"). */
	ui.ascii = (ascii && *ascii && !STREQ(ascii, "0")) || !ui.utf8;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	colors_set();
	if (cuts && *cuts)
		ui.cuts = fopen(cuts, "ae");
	return 0;
}

void
ui_end(void)
{
	if (!ui.active)
		return;
	ui.active = false;
	curs_set(1);
	endwin();
	fflush(stdout);
	if (ui.cuts)
		fclose(ui.cuts);
	ui.cuts = NULL;
}

int
ui_signal_number(void)
{
	return ui_signal ? (int)ui_signal : SIGINT;
}

int
ui_getkey(void)
{
	int errors = 0;

	for (;;) {
		wint_t ch;
		int r;

		if (ui_signal)
			return UI_INTERRUPT;
		r = get_wch(&ch);
		if (r == KEY_CODE_YES)
			return UI_FN + (int)ch;
		if (r == OK)
			return ch == '\r' ? UI_ENTER : (int)ch;
		/* A signal ended the read, or the terminal is gone: a
		 * closed terminal gives nothing but errors. */
		if (ui_signal || ++errors > 100)
			return UI_INTERRUPT;
	}
}

int
ui_rows(void)
{
	return LINES;
}

int
ui_cols(void)
{
	return COLS;
}

/* ---- drawing ------------------------------------------------------------- */

void
ui_frame_begin(void)
{
	ui.want_cursor = false;
	erase();
}

void
ui_frame_end(void)
{
	if (ui.want_cursor) {
		move(ui.cur_y, ui.cur_x);
		curs_set(1);
	} else {
		curs_set(0);
	}
	refresh();
}

void
ui_cursor(int y, int x)
{
	ui.want_cursor = true;
	ui.cur_y = y;
	ui.cur_x = x;
}

/* s as wide characters; what the locale cannot read becomes '?'.
 * Caller frees. */
static wchar_t *
to_wide(const char *s, size_t *n)
{
	size_t len = strlen(s), k = 0;
	wchar_t *w = xcalloc(len + 1, sizeof(*w));
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	while (*s) {
		wchar_t wc;
		size_t r = mbrtowc(&wc, s, strlen(s), &st);

		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			memset(&st, 0, sizeof(st));
			wc = L'?';
			r = 1;
		}
		if (wc == L'\t')
			wc = L' ';
		w[k++] = iswprint((wint_t)wc) ? wc : L'?';
		s += r;
	}
	w[k] = L'\0';
	*n = k;
	return w;
}

static int
wc_width(wchar_t c)
{
	int w = wcwidth(c);

	return w < 0 ? 1 : w;
}

int
ui_width(const char *s)
{
	size_t n;
	AUTOFREE wchar_t *w = to_wide(s ? s : "", &n);
	int width = 0;

	for (size_t i = 0; i < n; i++)
		width += wc_width(w[i]);
	return width;
}

/* A text that does not show whole at y, x: into $VIRTSHARE_TUI_CUTS. */
static void
cut_note(int y, int x, const char *s)
{
	if (!ui.cuts)
		return;
	fprintf(ui.cuts, "%d,%d: %s\n", y, x, s);
	fflush(ui.cuts);
}

int
ui_put(int y, int x, int width, enum ui_role role, const char *s, bool pad)
{
	size_t n, k = 0;
	AUTOFREE wchar_t *w = to_wide(s ? s : "", &n);
	int used = 0;

	if (y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (width <= 0 || x + width > COLS)
		width = COLS - x;
	while (k < n && used + wc_width(w[k]) <= width)
		used += wc_width(w[k++]);
	if (k < n)
		cut_note(y, x, s);
	attrset(ui.attrs[role]);
	mvaddnwstr(y, x, w, (int)k);
	if (pad)
		for (; used < width; used++)
			addch(' ');
	attrset(A_NORMAL);
	return used;
}

int
ui_putf(int y, int x, int width, enum ui_role role, const char *fmt, ...)
{
	va_list ap;
	AUTOFREE char *s = NULL;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return ui_put(y, x, width, role, s, false);
}

/*
 * Wrap one paragraph. Continuation lines go under the text of a "- " or
 * "! " item, else a step further in than the first line; those of a
 * diff line ("+  <x>") keep its "+" or "-" so they read as added or
 * removed too.
 */
static void
wrap_line(const char *s, int width, struct strlist *out)
{
	size_t n, start = 0, indent = 0, lead;
	AUTOFREE wchar_t *w = to_wide(s, &n);
	AUTOFREE char *buf = xmalloc(MB_CUR_MAX * (n + 1) + 1);
	char mark = 0;

	if (n > 2 && (w[0] == L'+' || w[0] == L'-') && w[1] == L' ' &&
	    w[2] == L' ') {
		mark = (char)w[0];
		indent = 1;
	}
	while (indent < n && w[indent] == L' ')
		indent++;
	lead = indent;
	if (!mark && indent + 1 < n &&
	    (w[indent] == L'-' || w[indent] == L'!') && w[indent + 1] == L' ')
		indent += 2;
	else if (indent)
		indent += 2;
	if ((int)indent > width / 2)
		indent = mark ? 1 : 0;
	do {
		size_t end = start, brk = 0;
		int used = start ? (int)indent : 0;
		wchar_t save;
		struct strbuf line = STRBUF_INIT;

		while (end < n && used + wc_width(w[end]) <= width) {
			used += wc_width(w[end]);
			/* Not in the first line's own indentation. */
			if (w[end] == L' ' && end > lead)
				brk = end;
			end++;
		}
		if (end < n && brk > start)
			end = brk;
		if (end == start)
			end = start + 1; /* a character wider than the line */
		save = w[end];
		w[end] = L'\0';
		if (start && mark) {
			sb_addc(&line, mark);
			sb_pad(&line, indent - 1);
		} else if (start) {
			sb_pad(&line, indent);
		}
		wcstombs(buf, w + start, MB_CUR_MAX * (n + 1));
		sb_add(&line, buf);
		strlist_take(out, sb_steal(&line));
		w[end] = save;
		start = end;
		while (start < n && w[start] == L' ')
			start++;
	} while (start < n);
}

void
ui_wrap(const char *s, int width, struct strlist *out)
{
	if (width < 8)
		width = 8;
	while (s && *s) {
		size_t len = strcspn(s, "\n");
		AUTOFREE char *para = xstrndup(s, len);

		if (!*para)
			strlist_add(out, "");
		else
			wrap_line(para, width, out);
		s += len + (s[len] == '\n');
	}
}

int
ui_put_wrapped(int y, int x, int width, int rows, enum ui_role role,
	       const char *s)
{
	struct strlist lines = {0};
	int n = 0;

	ui_wrap(s, width, &lines);
	for (; (size_t)n < lines.n && (rows <= 0 || n < rows); n++)
		ui_put(y + n, x, width, role, lines.v[n], false);
	if ((size_t)n < lines.n)
		cut_note(y + n, x, s);
	strlist_clear(&lines);
	return n;
}

void
ui_hline(int y, int x, int width)
{
	if (y < 0 || y >= LINES || width <= 0)
		return;
	if (ui.ascii)
		mvhline(y, x, '-', width);
	else
		mvhline(y, x, ACS_HLINE, width);
}

void
ui_box(int y, int x, int h, int w)
{
	chtype hl = ui.ascii ? '-' : ACS_HLINE, vl = ui.ascii ? '|' : ACS_VLINE;
	chtype c1 = ui.ascii ? '+' : ACS_ULCORNER;
	chtype c2 = ui.ascii ? '+' : ACS_URCORNER;
	chtype c3 = ui.ascii ? '+' : ACS_LLCORNER;
	chtype c4 = ui.ascii ? '+' : ACS_LRCORNER;

	if (h < 2 || w < 2)
		return;
	mvhline(y, x + 1, hl, w - 2);
	mvhline(y + h - 1, x + 1, hl, w - 2);
	mvvline(y + 1, x, vl, h - 2);
	mvvline(y + 1, x + w - 1, vl, h - 2);
	mvaddch(y, x, c1);
	mvaddch(y, x + w - 1, c2);
	mvaddch(y + h - 1, x, c3);
	mvaddch(y + h - 1, x + w - 1, c4);
}

void
ui_clear(int y, int x, int h, int w)
{
	for (int i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
}

/* ---- lists and views ----------------------------------------------------- */

void
ui_list_show(struct ui_list *l, int height)
{
	size_t h = height > 0 ? (size_t)height : 1;

	if (l->n && l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + h)
		l->top = l->sel - h + 1;
	if (l->top + h > l->n)
		l->top = l->n > h ? l->n - h : 0;
}

bool
ui_list_key(struct ui_list *l, int key, int height)
{
	size_t page = height > 1 ? (size_t)height - 1 : 1;

	if (!l->n)
		return false;
	switch (key) {
	case UI_KEY(KEY_UP):
		l->sel = l->sel ? l->sel - 1 : 0;
		break;
	case UI_KEY(KEY_DOWN):
		l->sel = l->sel + 1 < l->n ? l->sel + 1 : l->sel;
		break;
	case UI_KEY(KEY_PPAGE):
		l->sel = l->sel > page ? l->sel - page : 0;
		break;
	case UI_KEY(KEY_NPAGE):
		l->sel = l->sel + page < l->n ? l->sel + page : l->n - 1;
		break;
	case UI_KEY(KEY_HOME):
		l->sel = 0;
		break;
	case UI_KEY(KEY_END):
		l->sel = l->n - 1;
		break;
	default:
		return false;
	}
	ui_list_show(l, height);
	return true;
}

void
ui_view_set(struct ui_view *v, const char *text, int width)
{
	strlist_clear(&v->lines);
	ui_wrap(text, width, &v->lines);
	if (v->top >= v->lines.n)
		v->top = v->lines.n ? v->lines.n - 1 : 0;
}

void
ui_view_clear(struct ui_view *v)
{
	strlist_clear(&v->lines);
	v->top = 0;
}

bool
ui_view_key(struct ui_view *v, int key, int height)
{
	size_t h = height > 1 ? (size_t)height : 1;
	size_t last = v->lines.n > h ? v->lines.n - h : 0;

	switch (key) {
	case UI_KEY(KEY_UP):
		v->top = v->top ? v->top - 1 : 0;
		break;
	case UI_KEY(KEY_DOWN):
		v->top = v->top < last ? v->top + 1 : last;
		break;
	case UI_KEY(KEY_PPAGE):
		v->top = v->top > h - 1 ? v->top - (h - 1) : 0;
		break;
	case UI_KEY(KEY_NPAGE):
	case ' ':
		v->top = v->top + h - 1 < last ? v->top + h - 1 : last;
		break;
	case UI_KEY(KEY_HOME):
		v->top = 0;
		break;
	case UI_KEY(KEY_END):
		v->top = last;
		break;
	default:
		return false;
	}
	return true;
}

void
ui_view_draw(const struct ui_view *v, int y, int x, int height, int width,
	     enum ui_role (*role)(const char *line))
{
	bool scrolls = v->lines.n > (size_t)height;

	for (int i = 0; i < height; i++) {
		size_t k = v->top + (size_t)i;

		if (k >= v->lines.n)
			break;
		ui_put(y + i, x, scrolls ? width - 1 : width,
		       role ? role(v->lines.v[k]) : UI_NORMAL, v->lines.v[k],
		       false);
	}
	if (scrolls) {
		/* Where we are, as a character: monochrome sees it too. */
		size_t last = v->lines.n - (size_t)height;
		int pos =
		    last ? (int)(v->top * (size_t)(height - 1) / last) : 0;

		for (int i = 0; i < height; i++)
			mvaddch(y + i, x + width - 1,
				i == pos ? '#' : (ui.ascii ? '|' : ACS_VLINE));
	}
}

/* ---- text fields --------------------------------------------------------- */

static void
input_reserve(struct ui_input *in, size_t need)
{
	if (need + 1 > in->cap) {
		in->cap = need + 32;
		in->buf = xrealloc(in->buf, in->cap * sizeof(*in->buf));
	}
}

void
ui_input_set(struct ui_input *in, const char *s)
{
	size_t n;
	AUTOFREE wchar_t *w = to_wide(s ? s : "", &n);

	input_reserve(in, n);
	wmemcpy(in->buf, w, n + 1);
	in->len = in->cur = n;
	in->off = 0;
}

char *
ui_input_get(const struct ui_input *in)
{
	size_t max = MB_CUR_MAX * (in->len + 1) + 1;
	char *s = xmalloc(max);
	wchar_t *w = xcalloc(in->len + 1, sizeof(*w));

	if (in->len)
		wmemcpy(w, in->buf, in->len);
	if (wcstombs(s, w, max) == (size_t)-1)
		s[0] = '\0';
	free(w);
	return s;
}

void
ui_input_clear(struct ui_input *in)
{
	free(in->buf);
	memset(in, 0, sizeof(*in));
}

int
ui_input_key(struct ui_input *in, int key)
{
	switch (key) {
	case UI_KEY(KEY_LEFT):
		in->cur = in->cur ? in->cur - 1 : 0;
		return 0;
	case UI_KEY(KEY_RIGHT):
		in->cur = in->cur < in->len ? in->cur + 1 : in->len;
		return 0;
	case UI_KEY(KEY_HOME):
	case UI_CTRL('a'):
		in->cur = 0;
		return 0;
	case UI_KEY(KEY_END):
	case UI_CTRL('e'):
		in->cur = in->len;
		return 0;
	case UI_KEY(KEY_BACKSPACE):
	case 127:
	case UI_CTRL('h'):
		if (!in->cur)
			return 0;
		wmemmove(in->buf + in->cur - 1, in->buf + in->cur,
			 in->len - in->cur + 1);
		in->cur--;
		in->len--;
		return 1;
	case UI_KEY(KEY_DC):
	case UI_CTRL('d'):
		if (in->cur == in->len)
			return 0;
		wmemmove(in->buf + in->cur, in->buf + in->cur + 1,
			 in->len - in->cur);
		in->len--;
		return 1;
	case UI_CTRL('u'):
		wmemmove(in->buf, in->buf + in->cur, in->len - in->cur + 1);
		in->len -= in->cur;
		in->cur = 0;
		return 1;
	case UI_CTRL('k'):
		in->len = in->cur;
		in->buf[in->len] = L'\0';
		return 1;
	default:
		break;
	}
	if (key >= UI_FN || key < ' ' || key == 127 || !iswprint((wint_t)key))
		return -1;
	input_reserve(in, in->len + 1);
	wmemmove(in->buf + in->cur + 1, in->buf + in->cur,
		 in->len - in->cur + 1);
	in->buf[in->cur++] = (wchar_t)key;
	in->len++;
	return 1;
}

void
ui_input_draw(struct ui_input *in, int y, int x, int width, bool focused)
{
	int used = 0;

	if (width < 2)
		return;
	input_reserve(in, in->len);
	if (in->cur < in->off)
		in->off = in->cur;
	/* Scroll so that the cursor shows, with room for one more. */
	for (;;) {
		int w = 0;

		for (size_t i = in->off; i < in->cur; i++)
			w += wc_width(in->buf[i]);
		if (w < width || in->off >= in->cur)
			break;
		in->off++;
	}
	attrset(ui.attrs[UI_INPUT] | (focused ? A_BOLD : 0));
	move(y, x);
	for (size_t i = in->off; i < in->len; i++) {
		int cw = wc_width(in->buf[i]);

		if (used + cw > width)
			break;
		addnwstr(&in->buf[i], 1);
		used += cw;
	}
	for (; used < width; used++)
		addch(' ');
	attrset(A_NORMAL);
	if (focused) {
		int cx = x;

		for (size_t i = in->off; i < in->cur; i++)
			cx += wc_width(in->buf[i]);
		ui_cursor(y, cx < x + width ? cx : x + width - 1);
	}
}

/* ---- dialogs ------------------------------------------------------------- */

void
ui_set_background(void (*draw)(void *arg), void *arg)
{
	ui.bg = draw;
	ui.bg_arg = arg;
}

struct dialog {
	const char *title;
	int y, x, h, w; /* the box */
	int top;        /* first line inside */
};

/* Place a box for text of nlines lines and extra lines below it. */
static void
dialog_place(struct dialog *d, int nlines, int extra, int width)
{
	int maxh = LINES - 2;

	d->w = width + 4 < COLS - 2 ? width + 4 : COLS - 2;
	d->h = nlines + extra + 2;
	if (d->h > maxh)
		d->h = maxh;
	if (d->h < 3)
		d->h = 3;
	d->y = (LINES - d->h) / 2;
	d->x = (COLS - d->w) / 2;
	d->top = d->y + 1;
}

static void
dialog_draw_frame(const struct dialog *d)
{
	ui_frame_begin();
	if (ui.bg)
		ui.bg(ui.bg_arg);
	ui.want_cursor = false;
	ui_clear(d->y, d->x, d->h, d->w);
	ui_box(d->y, d->x, d->h, d->w);
	if (d->title) {
		AUTOFREE char *t = xasprintf(" %s ", d->title);

		ui_put(d->y, d->x + 2, d->w - 4, UI_HEAD, t, false);
	}
}

/* Buttons on row y, centred; sel is the focused one. */
static void
dialog_buttons(const struct dialog *d, int y, const char *const *labels,
	       int n, int sel)
{
	int total = 0, x;

	for (int i = 0; i < n; i++)
		total += ui_width(labels[i]) + 6;
	x = d->x + (d->w - total) / 2;
	for (int i = 0; i < n; i++) {
		AUTOFREE char *b = xasprintf("%s[ %s ]", i == sel ? ">" : " ",
					     labels[i]);

		x += ui_put(y, x, 0, i == sel ? UI_SELECTED : UI_NORMAL, b,
			    false) + 1;
	}
}

static int
dialog_width(void)
{
	int w = COLS - 8;

	return w > 72 ? 72 : w < 20 ? 20 : w;
}

/* A text with buttons; returns the button chosen, or -1 for Esc. */
static int
dialog_run(const char *title, const char *text, const char *const *labels,
	   int n, int sel, bool esc_is_last)
{
	struct ui_view v = {0};
	struct dialog d = {.title = title};

	for (;;) {
		int key, body;

		ui_view_set(&v, text, dialog_width());
		dialog_place(&d, (int)v.lines.n, 2, dialog_width());
		body = d.h - 4;
		dialog_draw_frame(&d);
		ui_view_draw(&v, d.top, d.x + 2, body, d.w - 4, NULL);
		dialog_buttons(&d, d.y + d.h - 2, labels, n, sel);
		ui_frame_end();
		key = ui_getkey();
		if (key == UI_INTERRUPT || key == UI_ESC) {
			sel = key == UI_ESC && esc_is_last ? n - 1 : -1;
			break;
		}
		if (key == UI_ENTER || key == UI_KEY(KEY_ENTER))
			break;
		if (key == UI_TAB || key == UI_KEY(KEY_RIGHT))
			sel = (sel + 1) % n;
		else if (key == UI_KEY(KEY_BTAB) || key == UI_KEY(KEY_LEFT))
			sel = (sel + n - 1) % n;
		else
			ui_view_key(&v, key, body);
	}
	ui_view_clear(&v);
	return sel;
}

void
ui_message(const char *title, const char *text)
{
	const char *ok[] = {_("OK")};

	dialog_run(title, text, ok, 1, 0, false);
}

void
ui_error(const char *title)
{
	enum vs_code code = vs_error_code();
	AUTOFREE char *msg = xstrdup(code == VS_OK
					 ? _("The operation failed without "
					     "saying why.")
					 : vs_error_message());
	AUTOFREE char *head =
	    xstrdup(title ? title : vs_error_desc(code)); /* translated */

	vs_error_reset();
	ui_message(head, msg);
}

bool
ui_confirm(const char *title, const char *text, const char *yes,
	   const char *no)
{
	const char *labels[] = {yes, no};

	return dialog_run(title, text, labels, 2, 1, true) == 0;
}

char *
ui_prompt(const char *title, const char *text, const char *initial,
	  const char *root, bool dirs_only)
{
	struct ui_input in = {0};
	struct strlist matches = {0}, lines = {0};
	struct dialog d = {.title = title};
	char *ret = NULL;

	ui_input_set(&in, initial);
	for (;;) {
		int key, width = dialog_width(), shown;

		strlist_clear(&lines);
		ui_wrap(text, width, &lines);
		shown = matches.n ? (int)(matches.n > 6 ? 6 : matches.n) : 0;
		dialog_place(&d, (int)lines.n, 4 + shown, width);
		dialog_draw_frame(&d);
		for (size_t i = 0; i < lines.n; i++)
			ui_put(d.top + (int)i, d.x + 2, d.w - 4, UI_NORMAL,
			       lines.v[i], false);
		for (int i = 0; i < shown; i++)
			ui_put(d.top + (int)lines.n + 2 + i, d.x + 4, d.w - 6,
			       UI_DIM,
			       i == 5 && matches.n > 6 ? "..." : matches.v[i],
			       false);
		ui_put(d.y + d.h - 2, d.x + 2, d.w - 4, UI_KEYS,
		       _("Enter accept  Tab complete  Esc cancel"), true);
		ui_input_draw(&in, d.top + (int)lines.n + 1, d.x + 2, d.w - 4,
			      true);
		ui_frame_end();
		key = ui_getkey();
		if (key == UI_INTERRUPT || key == UI_ESC)
			break;
		if (key == UI_ENTER || key == UI_KEY(KEY_ENTER)) {
			ret = ui_input_get(&in);
			break;
		}
		if (key == UI_TAB) {
			AUTOFREE char *typed = ui_input_get(&in);
			AUTOFREE char *done =
			    complete_path(root, typed, dirs_only, &matches);

			ui_input_set(&in, done);
			if (matches.n == 1)
				strlist_clear(&matches);
			continue;
		}
		if (ui_input_key(&in, key) > 0)
			strlist_clear(&matches);
	}
	strlist_clear(&matches);
	strlist_clear(&lines);
	ui_input_clear(&in);
	return ret;
}

char *
ui_browse(const char *root, const char *start)
{
	AUTOFREE char *dir = xstrdup(start && *start == '/' ? start : "/");
	struct strlist subdirs = {0};
	struct ui_list l = {0};
	struct dialog d = {.title = _("Choose a directory")};
	char *ret = NULL;

	/* Start from the nearest directory that exists. */
	while (!complete_is_dir(root, dir) && !STREQ(dir, "/")) {
		char *up = complete_parent(dir);

		free(dir);
		dir = up;
	}
	complete_subdirs(root, dir, false, &subdirs);
	for (;;) {
		int key, rows, width = dialog_width();
		/* Row 0 chooses the directory shown, row 1 goes up. */
		size_t nrows = subdirs.n + 2;

		l.n = nrows;
		dialog_place(&d, LINES, 0, width);
		rows = d.h - 5;
		ui_list_show(&l, rows);
		dialog_draw_frame(&d);
		ui_put(d.top, d.x + 2, d.w - 4, UI_HEAD, dir, false);
		for (int i = 0; i < rows && l.top + (size_t)i < nrows; i++) {
			size_t k = l.top + (size_t)i;
			AUTOFREE char *label =
			    k == 0   ? xasprintf(_("[ Use %s ]"), dir)
			    : k == 1 ? xstrdup(_("../ (up)"))
				     : xasprintf("%s/", subdirs.v[k - 2]);
			AUTOFREE char *row =
			    xasprintf("%s%s", k == l.sel ? "> " : "  ", label);

			ui_put(d.top + 1 + i, d.x + 2, d.w - 4,
			       k == l.sel ? UI_SELECTED : UI_NORMAL, row, true);
		}
		ui_put(d.y + d.h - 2, d.x + 2, d.w - 4, UI_KEYS,
		       _("Enter open  Backspace up  Space use this  Esc "
			 "cancel"),
		       true);
		ui_frame_end();
		key = ui_getkey();
		if (key == UI_INTERRUPT || key == UI_ESC)
			break;
		if (ui_list_key(&l, key, rows))
			continue;
		if (key == ' ' || key == 's' ||
		    ((key == UI_ENTER || key == UI_KEY(KEY_ENTER)) &&
		     l.sel == 0)) {
			ret = xstrdup(dir);
			break;
		}
		if (key == UI_KEY(KEY_BACKSPACE) || key == 127 ||
		    key == UI_KEY(KEY_LEFT) ||
		    ((key == UI_ENTER || key == UI_KEY(KEY_ENTER)) &&
		     l.sel == 1)) {
			char *up = complete_parent(dir);

			free(dir);
			dir = up;
		} else if ((key == UI_ENTER || key == UI_KEY(KEY_ENTER) ||
			    key == UI_KEY(KEY_RIGHT)) &&
			   l.sel >= 2) {
			char *down = complete_join(dir, subdirs.v[l.sel - 2]);

			free(dir);
			dir = down;
		} else {
			continue;
		}
		complete_subdirs(root, dir, false, &subdirs);
		l.sel = l.top = 0;
	}
	strlist_clear(&subdirs);
	return ret;
}

/* ---- forms ---------------------------------------------------------------- */

int
ui_form_column(const char *const *labels, int n, int w)
{
	int col = 20;

	for (int f = 0; f < n; f++) {
		int need = ui_width(_(labels[f])) + 4;

		if (need > col)
			col = need;
	}
	return col < w / 2 ? col : w / 2;
}

void
ui_form_label(int y, int x, int width, bool focused, const char *label)
{
	AUTOFREE char *l = xasprintf("%s%s", focused ? "> " : "  ", label);

	ui_put(y, x, width, focused ? UI_HEAD : UI_NORMAL, l, false);
}

void
ui_form_continue(int y, int x, int width, bool focused)
{
	AUTOFREE char *go = xasprintf("%s[ %s ]", focused ? ">" : " ",
				      _("Continue"));

	ui_put(y, x, width, focused ? UI_SELECTED : UI_NORMAL, go, false);
}

bool
ui_form_move(int *focus, int count, int key)
{
	if (key == UI_TAB || key == UI_KEY(KEY_DOWN) ||
	    ((key == UI_ENTER || key == UI_KEY(KEY_ENTER)) &&
	     *focus != count - 1)) {
		*focus = (*focus + 1) % count;
		return true;
	}
	if (key == UI_KEY(KEY_BTAB) || key == UI_KEY(KEY_UP)) {
		*focus = (*focus + count - 1) % count;
		return true;
	}
	return false;
}
