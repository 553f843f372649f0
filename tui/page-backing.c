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
	if (!w->nbopts && wizard_backing_load(w) < 0) {
		st.error = xstrdup(vs_error_message());
		vs_error_reset();
	}
	st.l.n = w->nbopts;
	st.l.sel = w->bsel;
	st.l.top = 0;
}

/* "(*)" chosen, "( )" possible, "(-)" not possible. */
static const char *
mark(const struct wizard *w, size_t i)
{
	if (!w->bopts[i].possible)
		return "(-)";
	return i == w->bsel ? "(*)" : "( )";
}

static void
backing_draw(struct tui *t, int y, int x, int h, int w)
{
	struct wizard *wz = t->w;
	struct domxml_memory m;
	AUTOFREE char *mem = NULL, *head = NULL, *rec = NULL;
	struct strlist lines = {0};
	int list_h, row, extra;

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
	ui_wrap(head, w, &lines);
	for (size_t i = 0; i < lines.n; i++)
		ui_put(y + (int)i, x, w, UI_NORMAL, lines.v[i], false);
	extra = (int)lines.n - 1;
	strlist_clear(&lines);
	if (st.error) {
		ui_wrap(st.error, w, &lines);
		for (size_t i = 0; i < lines.n && (int)i + 2 + extra < h; i++)
			ui_put(y + 2 + extra + (int)i, x, w, UI_PROBLEM,
			       lines.v[i], false);
		strlist_clear(&lines);
		return;
	}
	rec = xasprintf(_("Recommended: %s"),
			wz->backing_why ? wz->backing_why : "");
	ui_wrap(rec, w, &lines);
	for (size_t i = 0; i < lines.n; i++)
		ui_put(y + 1 + extra + (int)i, x, w, UI_NORMAL, lines.v[i],
		       false);
	extra += (int)lines.n - 1;
	strlist_clear(&lines);
	row = y + 3 + extra;
	list_h = tui_rows(h - extra, 8);
	st.height = list_h;
	ui_list_show(&st.l, list_h);
	for (int i = 0; i < list_h && st.l.top + (size_t)i < st.l.n; i++) {
		size_t k = st.l.top + (size_t)i;
		const struct wiz_backing_opt *o = &wz->bopts[k];
		bool sel = k == st.l.sel;
		AUTOFREE char *text = xasprintf(
		    "%s%s %-15s %s%s", sel ? "> " : "  ", mark(wz, k), o->label,
		    o->recommended ? _("(recommended) ") : "", o->reason);

		ui_put(row + i, x, w,
		       sel	       ? UI_SELECTED
		       : !o->possible ? UI_DIM
				      : UI_NORMAL,
		       text, sel);
	}
	/* The whole reason of the option under the cursor. */
	if (st.l.n) {
		const struct wiz_backing_opt *o = &wz->bopts[st.l.sel];
		AUTOFREE char *text = xasprintf("%s: %s", o->label, o->reason);
		int dy = row + list_h + 1;

		ui_wrap(text, w, &lines);
		for (size_t i = 0; i < lines.n && dy + (int)i < y + h; i++)
			ui_put(dy + (int)i, x, w,
			       o->possible ? UI_NORMAL : UI_PROBLEM,
			       lines.v[i], false);
		strlist_clear(&lines);
	}
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
