/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c: `virtshare wizard`: the page loop, the frame and global keys */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "plan.h"
#include "tui.h"

/* The pages in wizard order (enum wiz_page_id). */
static const struct page_ops *const pages[WIZ_NPAGES] = {
	[WIZ_HOST] = &page_host,
	[WIZ_DOMAIN] = &page_domain,
	[WIZ_SHARE] = &page_share,
	[WIZ_BACKING] = &page_backing,
	[WIZ_PAGES] = &page_pages,
	[WIZ_DAEMON] = &page_daemon,
	[WIZ_LIVE] = &page_live,
	[WIZ_REVIEW] = &page_review,
	[WIZ_DONE] = &page_done,
};

#define MIN_COLS 60
#define MIN_ROWS 16

static const char *const default_keys =
    N_("Enter next  Esc back  F1 help  q quit");

static const char *const global_help = N_(
    "Keys everywhere: Enter goes on, Esc goes back a step, Tab and the "
    "arrow keys move between fields, F1 (or ? outside a text field) shows "
    "the help of the page, q quits (it asks first when choices would be "
    "lost). Nothing changes on the host before you choose Apply on the "
    "review page, except hugepages you allocate on the hugepages page.");

void
tui_status(struct tui *t, enum ui_role role, const char *fmt, ...)
{
	va_list ap;

	free(t->status);
	t->status = NULL;
	if (!fmt)
		return;
	va_start(ap, fmt);
	t->status = xvasprintf(fmt, ap);
	va_end(ap);
	t->status_role = role;
}

void
tui_goto(struct tui *t, enum wiz_page_id id)
{
	t->page = id;
	tui_status(t, UI_NORMAL, NULL);
	if (pages[id]->enter)
		pages[id]->enter(t);
}

void
tui_next(struct tui *t)
{
	const struct page_ops *p = pages[t->page];
	enum wiz_page_id next;

	vs_error_reset();
	if (p->leave && p->leave(t) < 0) {
		/* A page that stays on the user's word reports nothing. */
		if (vs_error_code() != VS_OK)
			ui_error(NULL);
		return;
	}
	next = wizard_next(t->w, t->page);
	if (next != t->page)
		tui_goto(t, next);
}

void
tui_back(struct tui *t)
{
	enum wiz_page_id prev = wizard_prev(t->w, t->page);

	if (t->page == WIZ_DONE || prev == t->page)
		return;
	tui_goto(t, prev);
}

/* "Host > Domain > [Share] > ..." with the steps of this flow; with
 * ">" alone between them when the names (longer in some languages) do
 * not fit with " > ". Returns the width used, or would use when dry. */
static int
draw_steps(struct tui *t, int y, int width, const char *sep, bool dry)
{
	int x = 1;
	bool first = true;

	for (int i = 0; i < WIZ_NPAGES; i++) {
		bool cur = i == (int)t->page;
		AUTOFREE char *name = NULL;

		if (i != WIZ_DONE && !cur &&
		    !wizard_page_shown(t->w, (enum wiz_page_id)i))
			continue;
		name = xasprintf(cur ? "[%s]" : "%s", _(pages[i]->name));
		if (dry) {
			x += (first ? 0 : ui_width(sep)) + ui_width(name);
			first = false;
			continue;
		}
		if (!first)
			x += ui_put(y, x, width - x, UI_DIM, sep, false);
		first = false;
		x += ui_put(y, x, width - x, cur ? UI_SELECTED : UI_NORMAL,
			    name, false);
	}
	return x;
}

/* The page's key line, for the field in focus when it has one per field. */
static const char *
keys_of(struct tui *t)
{
	const struct page_ops *p = pages[t->page];

	if (p->field_keys)
		return p->field_keys(t);
	return p->keys ? p->keys : default_keys;
}

void
tui_draw(struct tui *t)
{
	const struct page_ops *p = pages[t->page];
	int rows = ui_rows(), cols = ui_cols();
	AUTOFREE char *step = NULL;

	ui_frame_begin();
	if (rows < MIN_ROWS || cols < MIN_COLS) {
		AUTOFREE char *msg = xasprintf(
		    _("The terminal is %1$dx%2$d: make it at least %3$dx%4$d "
		      "for the wizard (q quits)."),
		    cols, rows, MIN_COLS, MIN_ROWS);
		struct strlist lines = {0};

		ui_wrap(msg, cols > 10 ? cols - 2 : 8, &lines);
		for (size_t i = 0; i < lines.n && (int)i < rows; i++)
			ui_put((int)i, 1, cols - 1, UI_PROBLEM, lines.v[i],
			       false);
		strlist_clear(&lines);
		ui_frame_end();
		return;
	}
	step = xasprintf(_("Step %1$d of %2$d: %3$s"),
			 wizard_step(t->w, t->page), wizard_nsteps(t->w),
			 _(p->title));
	ui_put(0, 0, cols, UI_TITLE, _(" virtshare wizard"), true);
	ui_put(0, cols - ui_width(step) - 1, 0, UI_TITLE, step, false);
	draw_steps(t, 1, cols,
		   draw_steps(t, 1, cols, " > ", true) < cols ? " > " : ">",
		   false);
	ui_hline(2, 0, cols);
	p->draw(t, 3, 1, rows - 5, cols - 2);
	if (t->status)
		ui_put(rows - 2, 1, cols - 2, t->status_role, t->status,
		       false);
	ui_put(rows - 1, 0, cols, UI_KEYS, _(keys_of(t)), true);
	ui_frame_end();
}

static void
draw_background(void *arg)
{
	struct tui *t = arg;

	tui_draw(t);
}

static void
help(struct tui *t)
{
	AUTOFREE char *text = xasprintf("%s\n\n%s", _(pages[t->page]->help),
					_(global_help));
	AUTOFREE char *title = xasprintf(_("Help: %s"),
					 _(pages[t->page]->title));

	ui_message(title, text);
}

/* Whether to quit: asks when choices would be lost. */
static bool
quit_ok(struct tui *t)
{
	const struct wizard *w = t->w;
	AUTOFREE char *text = NULL;

	if (!w->dirty || w->applied)
		return true;
	text = xasprintf("%s%s",
			 _("Your choices are not applied yet: quitting loses "
			   "them. Nothing was changed in the domain."),
			 w->alloc_result
			     ? _(" The hugepages allocated stay allocated.")
			     : "");
	return ui_confirm(_("Quit the wizard?"), text, _("Quit"), _("Stay"));
}

/* The loop: a frame, a key, until quit or a signal. */
static int
run(struct tui *t)
{
	tui_goto(t, t->page);
	while (!t->quit) {
		int key;

		tui_draw(t);
		key = ui_getkey();
		if (key == UI_INTERRUPT)
			return -1;
		if (key == UI_KEY(KEY_RESIZE))
			continue;
		if (ui_rows() < MIN_ROWS || ui_cols() < MIN_COLS) {
			if (key == 'q' || key == 'Q')
				t->quit = true;
			continue;
		}
		if (pages[t->page]->key && pages[t->page]->key(t, key))
			continue;
		if (key == UI_KEY(KEY_F(1)) || key == '?')
			help(t);
		else if (key == UI_ESC || key == UI_KEY(KEY_BACKSPACE))
			tui_back(t);
		else if (key == 'q' || key == 'Q' || key == UI_KEY(KEY_F(10)))
			t->quit = quit_ok(t);
		else if (tui_is_enter(key))
			tui_next(t);
		else if (key == UI_CTRL('l'))
			clearok(curscr, TRUE);
	}
	return 0;
}

/* What the terminal keeps once the wizard is gone. */
static void
summary(const struct wizard *w, bool interrupted)
{
	if (w->applied) {
		for (size_t i = 0; i < w->done.n; i++)
			printf("%s\n", w->done.v[i]);
		if (w->daemon_result)
			printf("%s\n", w->daemon_result);
		return;
	}
	if (interrupted)
		fprintf(stderr, _("virtshare: the wizard was interrupted; "
				  "nothing was applied.\n"));
}

int
cmd_wizard(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"xml", required_argument, NULL, 'x'},
		{NULL, 0, NULL, 0},
	};
	struct wiz_config cfg = {0};
	struct tui t = {0};
	AUTOFREE char *why = NULL;
	const char *xml = NULL;
	int c, ret;

	while ((c = cli_getopt(cli, argc, argv, "", opts)) != -1) {
		if (c == 'h')
			return EXIT_OK;
		if (c != 'x')
			return -1;
		xml = optarg;
	}
	if (cli_args(cli, argc, argv, 0, 0) < 0 || ui_init() < 0)
		return -1;
	ui_frame_begin();
	ui_put(1, 1, 0, UI_NORMAL, _("Reading the host and libvirt..."),
	       false);
	ui_frame_end();
	if (!xml) {
		cli_connect_optional(cli, &why);
		if (!cli->conn && !why) {
			why = xstrdup(vs_error_message());
			vs_error_reset();
		}
	}
	cfg.conn = cli->conn;
	cfg.conn_error = why;
	cfg.root = cli->root;
	cfg.demo = cli->demo;
	cfg.xml_file = xml;
	cfg.statedir = plan_statedir();
	t.w = wizard_new(&cfg);
	t.page = WIZ_HOST;
	if (xml && wizard_domain_open(t.w, xml) < 0)
		ui_error(NULL);
	t.w->dirty = false;
	ui_set_background(draw_background, &t);
	ret = run(&t);
	ui_set_background(NULL, NULL);
	ui_end();
	summary(t.w, ret < 0);
	tui_status(&t, UI_NORMAL, NULL);
	wizard_free(t.w);
	/* As a shell reports a command a signal ended. */
	return ret < 0 ? 128 + ui_signal_number() : EXIT_OK;
}
