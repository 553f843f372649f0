/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page-backing.c: step 4, how guest memory is shared */
#include <stdlib.h>

#include "error.h"
#include "tui.h"

static struct {
	struct ui_list l;
	char *error; /* no backing is possible: why */
	int height;
} st;

static void
backing_enter(struct tui *t)
{
	struct wizard *w = t->w;

	free(st.error);
	st.error = NULL;
	if (!w->choice.noffers && wizard_backing_load(w) < 0) {
		st.error = xstrdup(vs_error_message());
		vs_error_reset();
	}
	st.l.n = w->choice.noffers;
	st.l.sel = w->bsel;
	st.l.top = 0;
}

/* "(*)" chosen, "( )" possible, "(-)" not possible. */
static const char *
mark(const struct wizard *w, size_t i)
{
	if (!w->choice.offers[i].possible)
		return "(-)";
	return i == w->bsel ? "(*)" : "( )";
}

/* The width of the label column: the widest label, at least 15 cells,
 * at most a third of the page. */
static int
label_width(const struct wizard *w, int width)
{
	int lw = 15;

	for (size_t i = 0; i < w->choice.noffers; i++)
		if (ui_width(w->choice.offers[i].label) > lw)
			lw = ui_width(w->choice.offers[i].label);
	return lw < width / 3 ? lw : width / 3;
}

/*
 * The rows of option k into rows: its cursor, mark and label, then its
 * reason wrapped to width beside them, the lines after the first under
 * the first (as the review page wraps its lines, not cut at the edge).
 */
static void
option_rows(const struct wizard *w, size_t k, int lw, int width,
	    struct strlist *rows)
{
	const struct backing_option *o = &w->choice.offers[k];
	AUTOFREE char *reason = xasprintf(
	    "%s%s", o->recommended ? _("(recommended) ") : "", o->detail);
	/* "> (*) " and the label column with a blank after it */
	int indent = 6 + lw + 1;
	struct strlist lines = {0};
	struct strbuf sb = STRBUF_INIT;
	int lab = ui_width(o->label);

	ui_wrap(reason, width - indent, &lines);
	for (size_t i = 0; i < lines.n; i++) {
		if (i == 0) {
			sb_printf(&sb, "%s%s %s", k == st.l.sel ? "> " : "  ",
				  mark(w, k), o->label);
			sb_pad(&sb, lab < lw ? (size_t)(lw - lab) + 1 : 1);
		} else {
			sb_pad(&sb, (size_t)indent);
		}
		sb_add(&sb, lines.v[i]);
		strlist_take(rows, sb_steal(&sb));
	}
	strlist_clear(&lines);
}

/* The first option shown so that the selected one shows whole in avail
 * rows, given each option's number of rows. */
static size_t
first_shown(const size_t *nrows, size_t sel, size_t top, int avail)
{
	size_t used;

	if (sel < top)
		top = sel;
	for (;;) {
		used = 0;
		for (size_t k = top; k <= sel; k++)
			used += nrows[k];
		if (used <= (size_t)avail || top == sel)
			return top;
		top++;
	}
}

static void
backing_draw(struct tui *t, int y, int x, int h, int w)
{
	struct wizard *wz = t->w;
	struct domxml_memory m;
	AUTOFREE char *mem = NULL, *head = NULL, *rec = NULL;
	AUTOFREE size_t *nrows = NULL;
	struct strlist *opts = NULL;
	int row, extra, lw, shown = 0;
	bool more = false;
	size_t k;

	if (!wz->doc)
		return;
	domxml_memory(wz->doc, &m);
	mem = size_format_kib(m.memory_kib);
	head = xasprintf(domxml_memory_shared(&m, NULL)
			     ? _("Guest memory of '%1$s': %2$s, %3$s, shared.")
			     : _("Guest memory of '%1$s': %2$s, %3$s, not "
				 "shared: virtiofs needs it shared."),
			 wz->domain, mem, domxml_memory_kind(&m));
	domxml_memory_clear(&m);
	/* The two lines on top wrap when longer than the page is wide (in
	 * some languages), moving the rest down by the EXTRA lines. */
	extra = ui_put_wrapped(y, x, w, 0, UI_NORMAL, head) - 1;
	if (st.error) {
		if (2 + extra < h)
			ui_put_wrapped(y + 2 + extra, x, w, h - 2 - extra,
				       UI_PROBLEM, st.error);
		return;
	}
	rec = xasprintf(_("Recommended: %s"),
			wz->choice.why ? wz->choice.why : "");
	extra += ui_put_wrapped(y + 1 + extra, x, w, 0, UI_NORMAL, rec) - 1;
	if (!st.l.n)
		return;
	/* The options, each on as many rows as its reason needs; the last
	 * column keeps the marks that say more is above or below. */
	row = y + 3 + extra;
	lw = label_width(wz, w - 1);
	opts = xcalloc(st.l.n, sizeof(*opts));
	nrows = xcalloc(st.l.n, sizeof(*nrows));
	for (k = 0; k < st.l.n; k++) {
		option_rows(wz, k, lw, w - 1, &opts[k]);
		nrows[k] = opts[k].n;
	}
	st.l.top = first_shown(nrows, st.l.sel, st.l.top, y + h - row);
	for (k = st.l.top; k < st.l.n && !more; k++) {
		const struct backing_option *o = &wz->choice.offers[k];
		bool sel = k == st.l.sel;

		for (size_t i = 0; i < opts[k].n; i++) {
			if (row == y + h) {
				more = true;
				break;
			}
			ui_put(row++, x, w - 1,
			       sel	       ? UI_SELECTED
			       : !o->possible ? UI_DIM
					      : UI_NORMAL,
			       opts[k].v[i], sel);
		}
		shown += !more;
	}
	more = more || k < st.l.n;
	if (st.l.top)
		ui_put(y + 3 + extra, x + w - 1, 1, UI_DIM, "^", false);
	if (more)
		ui_put(y + h - 1, x + w - 1, 1, UI_DIM, "v", false);
	st.height = shown;
	for (k = 0; k < st.l.n; k++)
		strlist_clear(&opts[k]);
	free(opts);
}

static bool
backing_key(struct tui *t, int key)
{
	if (key == ' ' && st.l.n) {
		if (wizard_backing_select(t->w, st.l.sel) < 0)
			ui_error(NULL);
		return true;
	}
	return ui_list_key(&st.l, key, st.height);
}

static int
backing_leave(struct tui *t)
{
	if (st.error)
		return vs_error(VS_ERR_UNSUPPORTED, "%s", st.error);
	return wizard_backing_select(t->w, st.l.sel);
}

const struct page_ops page_backing = {
	.name = N_("Memory"),
	.title = N_("Memory backing"),
	.help = N_("virtiofs needs the guest's memory shared with the daemon. "
		   "memfd needs no host setup; file keeps guest memory in "
		   "files under qemu.conf's memory_backing_dir (fast on tmpfs, "
		   "slow on a disk); hugepages use the host's reserved large "
		   "pages of one size, which must be free (the next step "
		   "allocates what is missing); numa shares each guest NUMA "
		   "cell, for old libvirt or QEMU or guests that have cells. "
		   "The recommended one is selected. Options marked (-) are "
		   "not possible here, with the reason. Up and Down move, "
		   "Enter takes the option under the cursor."),
	.keys = N_("Enter choose  Up/Down move  Esc back  F1 help  q quit"),
	.enter = backing_enter,
	.draw = backing_draw,
	.key = backing_key,
	.leave = backing_leave,
};
