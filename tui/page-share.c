/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page-share.c: step 3, the host directory, mount tag and options */
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "tui.h"

enum field {
	F_DIR,
	F_TAG,
	F_RO,
	F_CACHE,
	F_XATTR,
	F_GO,
	F_COUNT,
};

static struct {
	struct ui_input dir;
	struct ui_input tag;
	bool tag_auto; /* the tag follows the directory until edited */
	char *prefilled; /* the tag whose share the options came from */
	bool readonly;
	enum wiz_cache cache;
	enum domxml_switch xattr;
	enum field focus;
	struct strlist matches; /* of the last completion */
} st;

static const char *const cache_help[] = {
	[WIZ_CACHE_DEFAULT] = N_("the daemon's default"),
	[WIZ_CACHE_NONE] = N_("no caching: the guest sees host changes at "
			      "once"),
	[WIZ_CACHE_ALWAYS] = N_("cache everything: fastest, when only the "
				"guest changes the files"),
};

static const char *
xattr_name(enum domxml_switch s)
{
	return s == DOMXML_ON ? "on" : s == DOMXML_OFF ? "off" : "default";
}

static const char *
xattr_help(enum domxml_switch s)
{
	return s == DOMXML_ON    ? _("extended attributes and ACLs pass "
				     "through")
	       : s == DOMXML_OFF ? _("no extended attributes (ACLs, "
				     "SELinux labels) in the guest")
				 : _("the daemon's default");
}

/* Take the options of the existing share that has the tag typed. */
static void
prefill(struct wizard *w, const char *tag)
{
	if (st.prefilled && STREQ(st.prefilled, tag))
		return;
	free(st.prefilled);
	st.prefilled = xstrdup(tag);
	wizard_share_prefill(w, tag);
	st.readonly = w->readonly;
	st.cache = w->cache;
	st.xattr = w->xattr;
}

/* The tag follows the directory until the user edits it. */
static void
dir_changed(struct wizard *w)
{
	AUTOFREE char *dir = ui_input_get(&st.dir);
	AUTOFREE char *tag = NULL;

	if (!st.tag_auto || !*dir)
		return;
	tag = wizard_tag_suggest(w, dir);
	ui_input_set(&st.tag, tag);
}

static void
share_enter(struct tui *t)
{
	struct wizard *w = t->w;

	ui_input_set(&st.dir, w->dir ? w->dir : "");
	ui_input_set(&st.tag, w->tag ? w->tag : "");
	st.tag_auto = !w->tag;
	st.readonly = w->readonly;
	st.cache = w->cache;
	st.xattr = w->xattr;
	free(st.prefilled);
	st.prefilled = w->tag ? xstrdup(w->tag) : NULL;
	st.focus = F_DIR;
	strlist_clear(&st.matches);
}

/* The outcome of a check under its field, on up to two lines (a longer
 * one ends in "...": Continue shows it whole); returns the lines used. */
static int
check_line(int y, int x, int width, enum wiz_check c, const char *msg)
{
	bool good = c == WIZ_CHECK_OK || c == WIZ_CHECK_EXISTS;
	AUTOFREE char *text = xasprintf("%s%s",
					good		     ? "ok: "
					: c == WIZ_CHECK_BAD ? "!! "
							     : "",
					msg);

	struct strlist lines = {0};
	char *cut;
	int n;

	ui_wrap(text, width, &lines);
	if (lines.n > 2) {
		strlist_clear(&lines);
		ui_wrap(text, width - 4, &lines);
		cut = xasprintf("%s ...", lines.v[1]);
		free(lines.v[1]);
		lines.v[1] = cut;
	}
	for (n = 0; n < 2 && (size_t)n < lines.n; n++)
		ui_put(y + n, x, width, good		     ? UI_GOOD
					: c == WIZ_CHECK_BAD ? UI_PROBLEM
							     : UI_DIM,
		       lines.v[n], false);
	strlist_clear(&lines);
	return n;
}

/* The labels of the fields before the button, in enum field order. */
static const char *const labels[F_GO] = {
	[F_DIR] = N_("Host directory"),
	[F_TAG] = N_("Mount tag"),
	[F_RO] = N_("Read-only"),
	[F_CACHE] = N_("Cache"),
	[F_XATTR] = N_("Extended attrs"),
};

static void
label(int y, int x, int width, enum field f)
{
	ui_form_label(y, x, width, st.focus == f, _(labels[f]));
}

/* The matches of the last completion that fit width cells, with "..."
 * when not all of them do. */
static char *
matches_line(int width)
{
	struct strbuf sb = STRBUF_INIT;
	int used = 0;

	for (size_t i = 0; i < st.matches.n; i++) {
		int need = ui_width(st.matches.v[i]);
		/* Room for the blanks and "..." after it, unless last. */
		int room = width - (i + 1 < st.matches.n ? 5 : 0);

		if (used + need > room) {
			sb_add(&sb, "...");
			break;
		}
		sb_add(&sb, st.matches.v[i]);
		used += need;
		if (i + 1 < st.matches.n) {
			sb_add(&sb, "  ");
			used += 2;
		}
	}
	return sb_steal(&sb);
}

/* An option's label, its choice and what the choice does, wrapped beside
 * it; returns the rows used. */
static int
option(int y, int x, int fx, int fw, enum field f, const char *choice,
       const char *help)
{
	label(y, x, fx - x, f);
	ui_put(y, fx, 11, st.focus == f ? UI_SELECTED : UI_NORMAL, choice,
	       false);
	return ui_put_wrapped(y, fx + 12, fw - 12, 0, UI_NORMAL, help);
}

static void
share_draw(struct tui *t, int y, int x, int h, int w)
{
	struct wizard *wz = t->w;
	AUTOFREE char *dir = ui_input_get(&st.dir);
	AUTOFREE char *tag = ui_input_get(&st.tag);
	AUTOFREE char *dmsg = NULL, *tmsg = NULL, *blocked = NULL;
	AUTOFREE char *cache = NULL, *xattr = NULL;
	enum wiz_check dc = wizard_dir_check(wz, dir, &dmsg);
	enum wiz_check tc = wizard_tag_check(wz, tag, dir, &tmsg);
	int fx = x + ui_form_column(labels, F_GO, w), fw = w - (fx - x);
	int row;

	if (tc == WIZ_CHECK_EXISTS)
		prefill(wz, tag);
	ui_putf(y, x, w, UI_NORMAL, _("Share a host directory with domain "
				      "'%s':"),
		wz->domain);
	label(y + 2, x, fx - x, F_DIR);
	if (check_line(y + 3, fx, fw, dc, dmsg) > 1) {
		/* The message took the line of the hint. */
	} else if (st.matches.n > 1) {
		AUTOFREE char *list = matches_line(fw);

		ui_put(y + 4, fx, fw, UI_DIM, list, false);
	} else {
		ui_put(y + 4, fx, fw, UI_DIM,
		       _("Tab completes, F2 browses the directories."), false);
	}
	label(y + 6, x, fx - x, F_TAG);
	check_line(y + 7, fx, fw, tc, tmsg);

	/* The options below move down when a text takes more than a line
	 * (a longer translation, the reason read-only is refused). */
	row = y + 9;
	label(row, x, fx - x, F_RO);
	ui_putf(row, fx, fw, st.focus == F_RO ? UI_SELECTED : UI_NORMAL,
		"[%s]", st.readonly ? "x" : " ");
	row += ui_put_wrapped(row, fx + 4, fw - 4, 0, UI_NORMAL,
			      _("the guest cannot change anything (Space "
				"toggles)"));
	if ((blocked = wizard_readonly_blocked(wz)) && st.readonly)
		row += ui_put_wrapped(row, fx + 4, fw - 4, 0, UI_DIM,
				      blocked);
	else
		row++;
	cache = xasprintf("< %-7s >", wizard_cache_name(st.cache));
	row += option(row, x, fx, fw, F_CACHE, cache, _(cache_help[st.cache]));
	xattr = xasprintf("< %-7s >", xattr_name(st.xattr));
	row += option(row, x, fx, fw, F_XATTR, xattr, xattr_help(st.xattr));
	if (++row < y + h)
		ui_form_continue(row, fx, fw, st.focus == F_GO);
	/* The fields last: the focused one places the cursor. */
	ui_input_draw(&st.tag, y + 6, fx, fw < 38 ? fw : 38, st.focus == F_TAG);
	ui_input_draw(&st.dir, y + 2, fx, fw, st.focus == F_DIR);
}

static void
cycle(int dir)
{
	if (st.focus == F_CACHE)
		st.cache = (enum wiz_cache)((st.cache + 3 + dir) % 3);
	if (st.focus == F_XATTR) {
		/* default, on, off */
		static const enum domxml_switch order[] = {
		    DOMXML_UNSET, DOMXML_ON, DOMXML_OFF};
		int i = st.xattr == DOMXML_ON	 ? 1
			: st.xattr == DOMXML_OFF ? 2
						 : 0;

		st.xattr = order[(i + 3 + dir) % 3];
	}
}

static void
browse(struct tui *t)
{
	AUTOFREE char *dir = ui_input_get(&st.dir);
	AUTOFREE char *chosen = ui_browse(t->w->cfg.root,
					  *dir ? dir : "/");

	if (!chosen)
		return;
	ui_input_set(&st.dir, chosen);
	dir_changed(t->w);
	st.focus = F_TAG;
}

/* Tab in the directory: complete it (it never moves on, so that what
 * is typed after a Tab always goes where the key line says). */
static void
complete(struct tui *t)
{
	AUTOFREE char *typed = ui_input_get(&st.dir);
	AUTOFREE char *done = NULL;

	if (!*typed) {
		ui_input_set(&st.dir, "/");
		return;
	}
	done = complete_path(t->w->cfg.root, typed, true, &st.matches);
	if (!STREQ(done, typed)) {
		ui_input_set(&st.dir, done);
		dir_changed(t->w);
	}
	/* Several matches stay listed under the field. */
	if (st.matches.n <= 1)
		strlist_clear(&st.matches);
}

static bool
share_key(struct tui *t, int key)
{
	struct ui_input *in = st.focus == F_DIR   ? &st.dir
			      : st.focus == F_TAG ? &st.tag
						  : NULL;
	int r, focus = (int)st.focus;

	if (key == UI_KEY(KEY_F(2))) {
		browse(t);
		return true;
	}
	if (key == UI_TAB && st.focus == F_DIR) {
		complete(t);
		return true;
	}
	if (ui_form_move(&focus, F_COUNT, key)) {
		st.focus = (enum field)focus;
		return true;
	}
	if (in && (r = ui_input_key(in, key)) >= 0) {
		if (r > 0 && in == &st.dir) {
			strlist_clear(&st.matches);
			dir_changed(t->w);
		}
		if (r > 0 && in == &st.tag)
			st.tag_auto = false;
		return true;
	}
	if (st.focus == F_RO && key == ' ') {
		st.readonly = !st.readonly;
		return true;
	}
	if ((st.focus == F_CACHE || st.focus == F_XATTR) &&
	    (key == ' ' || key == UI_KEY(KEY_RIGHT) ||
	     key == UI_KEY(KEY_LEFT))) {
		cycle(key == UI_KEY(KEY_LEFT) ? -1 : 1);
		return true;
	}
	return false;
}

static int
share_leave(struct tui *t)
{
	AUTOFREE char *dir = ui_input_get(&st.dir);
	AUTOFREE char *tag = ui_input_get(&st.tag);

	return wizard_share_set(t->w, dir, tag, st.readonly, st.cache,
				st.xattr);
}

/* What the keys do in each field (share_key()). */
static const char *const field_keys[F_COUNT] = {
	[F_DIR] = N_("Tab complete  F2 browse  Enter/Down next field  Esc back  "
		     "F1 help"),
	[F_TAG] = N_("Tab/Enter/Down next field  Up previous field  Esc back  "
		     "F1 help"),
	[F_RO] = N_("Space toggle  Tab/Enter/Down next field  Esc back  F1 "
		    "help"),
	[F_CACHE] = N_("Left/Right change  Tab/Enter/Down next field  Esc back  "
		       "F1 help"),
	[F_XATTR] = N_("Left/Right change  Tab/Enter/Down next field  Esc back  "
		       "F1 help"),
	[F_GO] = N_("Enter continue  Up previous field  Esc back  F1 help"),
};

static const char *
share_field_keys(struct tui *t)
{
	return field_keys[st.focus];
}

const struct page_ops page_share = {
	.name = N_("Share"),
	.title = N_("Share"),
	.help = N_("The host directory to share (it must exist; Tab "
		   "completes it, F2 browses), and the mount tag the guest "
		   "mounts it by: at most 36 bytes, one per share of the "
		   "domain; it follows the directory's name until you edit "
		   "it. Each field is checked as you type. Read-only needs "
		   "libvirt 11.0 when libvirt starts the daemon. Cache: none "
		   "shows host changes at once, always is fastest when only "
		   "the guest changes the files. Extended attributes carry "
		   "ACLs and security labels. Down, Up and Enter move between "
		   "fields, and Tab too outside the directory, where it "
		   "completes; Space or Left/Right change an option, Enter on "
		   "Continue goes on. The line at the bottom says what the "
		   "keys do in the field you are in."),
	.field_keys = share_field_keys,
	.enter = share_enter,
	.draw = share_draw,
	.key = share_key,
	.leave = share_leave,
};
