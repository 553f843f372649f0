/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page-review.c: step 7, the plan and the XML diff; apply, back or save */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "tui.h"

enum button {
	B_APPLY,
	B_BACK,
	B_SAVE,
	B_COUNT,
};

static struct {
	struct ui_view v;
	int width;
	int height;
	enum button focus;
	char *error; /* the plan could not be made: why */
} st;

static const char *const labels[B_COUNT] = {
	[B_APPLY] = N_("Apply"),
	[B_BACK] = N_("Back"),
	[B_SAVE] = N_("Save as INI"),
};

static void
review_enter(struct tui *t)
{
	free(st.error);
	st.error = NULL;
	ui_view_clear(&st.v);
	st.width = 0;
	st.focus = B_APPLY;
	if (wizard_plan(t->w) < 0) {
		st.error = xstrdup(vs_error_message());
		st.focus = B_BACK;
		ui_error(_("The change cannot be made"));
	}
}

/* Diff lines in colour, warnings as problems, step titles as heads. */
static enum ui_role
line_role(const char *l)
{
	if (STRPREFIX(l, "+++") || STRPREFIX(l, "---"))
		return UI_HEAD;
	if (l[0] == '+')
		return UI_ADDED;
	if (l[0] == '-')
		return UI_REMOVED;
	if (STRPREFIX(l, "@@"))
		return UI_DIM;
	if (strstr(l, _("warning:")) == l + strspn(l, " "))
		return UI_PROBLEM;
	if (l[0] && l[0] != ' ' && l[strlen(l) - 1] == ':')
		return UI_HEAD;
	return UI_NORMAL;
}

static void
review_draw(struct tui *t, int y, int x, int h, int w)
{
	const struct wizard *wz = t->w;
	int bx = x;

	st.height = h - 2;
	if (st.error) {
		AUTOFREE char *text = xasprintf(
		    "%s\n\n%s", _("The change cannot be made:"), st.error);

		if (st.width != w) {
			ui_view_set(&st.v, text, w - 1);
			st.width = w;
		}
		ui_view_draw(&st.v, y, x, st.height, w, NULL);
	} else {
		AUTOFREE char *text =
		    wz->plan_changes
			? xstrdup(wz->plan_text)
			: xasprintf("%s\n%s", wz->plan_text,
				    _("Nothing to change: Apply only confirms "
				      "it."));

		if (st.width != w) {
			ui_view_set(&st.v, text, w - 1);
			st.width = w;
		}
		ui_view_draw(&st.v, y, x, st.height, w, line_role);
	}
	for (int i = 0; i < B_COUNT; i++) {
		bool sel = i == (int)st.focus;
		bool off = st.error && i != B_BACK;
		AUTOFREE char *b = xasprintf("%s[ %s ]", sel ? ">" : " ",
					     _(labels[i]));

		bx += ui_put(y + h - 1, bx, 0,
			     sel   ? UI_SELECTED
			     : off ? UI_DIM
				   : UI_NORMAL,
			     b, false) +
		      2;
	}
}

static void
save(struct tui *t)
{
	const struct wizard *w = t->w;
	AUTOFREE char *cwd = getcwd(NULL, 0);
	AUTOFREE char *start = xasprintf("%s/%s-%s.ini",
					 cwd && !STREQ(cwd, "/") ? cwd : "",
					 w->domain, w->tag);
	AUTOFREE char *path = ui_prompt(_("Save as INI"),
					_("The file to write the choices to, "
					  "for 'virtshare apply FILE':"),
					start, "/", false);
	AUTOFREE char *msg = NULL;

	if (!path)
		return;
	if (wizard_ini_save(w, path) < 0) {
		ui_error(_("The file was not written"));
		return;
	}
	msg = xasprintf(_("Saved %1$s. Apply the same change later, or on "
			  "other hosts, with:\n  virtshare apply %1$s"),
			path);
	ui_message(_("Saved"), msg);
	tui_status(t, UI_GOOD, _("Saved %s."), path);
}

static void
apply(struct tui *t)
{
	if (wizard_apply(t->w) < 0) {
		ui_error(_("Nothing was changed"));
		return;
	}
	tui_goto(t, WIZ_DONE);
}

static bool
review_key(struct tui *t, int key)
{
	if (key == UI_TAB || key == UI_KEY(KEY_RIGHT)) {
		st.focus = (enum button)((st.focus + 1) % B_COUNT);
		return true;
	}
	if (key == UI_KEY(KEY_BTAB) || key == UI_KEY(KEY_LEFT)) {
		st.focus = (enum button)((st.focus + B_COUNT - 1) % B_COUNT);
		return true;
	}
	if (ui_view_key(&st.v, key, st.height))
		return true;
	if (!tui_is_enter(key))
		return false;
	if (st.focus == B_BACK)
		tui_back(t);
	else if (st.error)
		ui_message(_("Not possible"),
			   _("The change cannot be made as chosen: go Back "
			     "and change what the message names."));
	else if (st.focus == B_APPLY)
		apply(t);
	else
		save(t);
	return true;
}

const struct page_ops page_review = {
	.name = N_("Review"),
	.title = N_("Review"),
	.help = N_("The plan: what changes in the domain and why, warnings, "
		   "and the domain XML as a diff (- the lines removed, + the "
		   "lines added). Nothing has changed yet. Apply makes the "
		   "change: the definition is saved first, libvirt checks "
		   "the new one, it is read back and compared, and on any "
		   "failure the old one is put back. Save as INI writes the "
		   "same choices to a file for 'virtshare apply'. Up, Down, "
		   "PgUp and PgDn scroll; Tab or Left/Right move between the "
		   "buttons."),
	.keys = N_("Tab/Left/Right button  Enter press  Up/Down scroll  Esc "
		   "back  F1 help"),
	.enter = review_enter,
	.draw = review_draw,
	.key = review_key,
};
