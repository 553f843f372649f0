/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page-live.c: step 7 when the domain runs, the share in the running guest */
#include <stdlib.h>

#include "error.h"
#include "tui.h"

enum field {
	F_LIVE,
	F_MOUNT,
	F_PERSIST,
	F_GO,
	F_COUNT,
};

static struct {
	struct ui_input mount;
	bool live;
	bool persist;
	enum field focus;
	struct ui_view v; /* why not now, and the notes */
	int width;
	int height;
} st;

static void
live_enter(struct tui *t)
{
	struct wizard *w = t->w;

	if (wizard_live_load(w) < 0)
		ui_error(NULL);
	st.live = w->live;
	st.persist = w->persist;
	ui_input_set(&st.mount, w->mount ? w->mount : "");
	st.focus = w->live_ready ? F_LIVE : F_MOUNT;
	ui_view_clear(&st.v);
	st.width = 0;
}

static const char *const labels[F_GO] = {
	[F_LIVE] = N_("Share now"),
	[F_MOUNT] = N_("Mount inside at"),
	[F_PERSIST] = N_("At every boot"),
};

static void
label(int y, int x, int width, enum field f)
{
	ui_form_label(y, x, width, st.focus == f, _(labels[f]));
}

/* A check box and what it means, wrapped beside it; the rows used. */
static int
check_box(int y, int fx, int fw, enum field f, bool on, bool possible,
    const char *help)
{
	ui_putf(y, fx, fw, st.focus == f ? UI_SELECTED : UI_NORMAL, "[%s]",
		!possible ? "-" : on ? "x" : " ");
	return ui_put_wrapped(y, fx + 4, fw - 4, 0,
			      possible ? UI_NORMAL : UI_DIM, help);
}

/* Why not now, and the notes: a view below the fields (PgUp/PgDn). */
static char *
reasons_text(const struct wizard *wz)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < wz->live_notes.n; i++)
		sb_printf(&sb, "- %s\n", wz->live_notes.v[i]);
	if (wz->live_why.n)
		sb_add(&sb, _("Why the guest cannot take it now:\n"));
	for (size_t i = 0; i < wz->live_why.n; i++)
		sb_printf(&sb, "- %s\n", wz->live_why.v[i]);
	return sb_steal(&sb);
}

static enum ui_role
reason_role(const char *l)
{
	return l[0] && l[0] != ' ' && l[0] != '-' ? UI_HEAD : UI_DIM;
}

static void
live_draw(struct tui *t, int y, int x, int h, int w)
{
	struct wizard *wz = t->w;
	int fx = x + ui_form_column(labels, F_GO, w), fw = w - (fx - x);
	int row = y + 2, mrow;

	ui_putf(y, x, w, UI_NORMAL,
		_("Domain '%s' is running. Give it the share now?"),
		wz->domain);
	label(row, x, fx - x, F_LIVE);
	row += check_box(row, fx, fw, F_LIVE, st.live, wz->live_ready,
			 wz->live_ready
			     ? _("the running guest gets the share at once "
				 "(hot-plug), no restart (Space toggles)")
			     : _("not possible now (see below): the guest "
				 "gets the share at its next start"));
	mrow = row;
	label(row++, x, fx - x, F_MOUNT);
	row += ui_put_wrapped(row, fx, fw, 2, UI_DIM,
			      wz->live_agent
				  ? _("a directory inside the guest, mounted "
				      "through its agent; empty: not mounted")
				  : _("no agent to mount with: leave it empty "
				      "(the last page says how to mount by "
				      "hand)"));
	label(row, x, fx - x, F_PERSIST);
	row += check_box(row, fx, fw, F_PERSIST, st.persist, wz->live_agent,
			 _("a line in the guest's /etc/fstab mounts it at "
			   "every boot (Space toggles)"));
	if (++row < y + h)
		ui_form_continue(row, fx, fw, st.focus == F_GO);
	if (st.width != w) {
		AUTOFREE char *text = reasons_text(wz);

		ui_view_set(&st.v, text, w - 1);
		st.width = w;
	}
	st.height = y + h - (row + 2);
	if (st.height > 0)
		ui_view_draw(&st.v, row + 2, x, st.height, w, reason_role);
	/* The field last: in focus, it places the cursor. */
	ui_input_draw(&st.mount, mrow, fx, fw < 40 ? fw : 40,
		      st.focus == F_MOUNT);
}

static bool
live_key(struct tui *t, int key)
{
	int focus = (int)st.focus;

	if (ui_form_move(&focus, F_COUNT, key)) {
		st.focus = (enum field)focus;
		return true;
	}
	if ((key == UI_KEY(KEY_PPAGE) || key == UI_KEY(KEY_NPAGE)) &&
	    ui_view_key(&st.v, key, st.height))
		return true;
	if (st.focus == F_MOUNT && ui_input_key(&st.mount, key) >= 0)
		return true;
	if (key == ' ' && st.focus == F_LIVE && t->w->live_ready) {
		st.live = !st.live;
		return true;
	}
	if (key == ' ' && st.focus == F_PERSIST && t->w->live_agent) {
		st.persist = !st.persist;
		return true;
	}
	return false;
}

static int
live_leave(struct tui *t)
{
	AUTOFREE char *mount = ui_input_get(&st.mount);

	return wizard_live_set(t->w, st.live, mount, st.persist);
}

static const char *const field_keys[F_COUNT] = {
	[F_LIVE] = N_("Space toggle  Tab/Enter/Down next field  PgDn more  Esc "
		      "back  F1 help"),
	[F_MOUNT] = N_("Tab/Enter/Down next field  Up previous field  PgDn more  "
		       "Esc back  F1 help"),
	[F_PERSIST] = N_("Space toggle  Tab/Enter/Down next field  PgDn more  "
			 "Esc back  F1 help"),
	[F_GO] = N_("Enter continue  Up previous field  PgDn more  Esc back  F1 "
		    "help"),
};

static const char *
live_field_keys(struct tui *t)
{
	return field_keys[st.focus];
}

const struct page_ops page_live = {
	.name = N_("Guest"),
	.title = N_("Running guest"),
	.help = N_("The domain runs. When its guest can take the share now "
		   "(shared memory, ACPI, a free PCIe root port on q35), "
		   "virtshare attaches it at once (hot-plug), as 'virtshare "
		   "share' does; else the page says why, and the guest gets "
		   "the share at its next start. With a mount point, the "
		   "guest's agent (qemu-guest-agent) mounts the share there "
		   "now, and with 'at every boot' a line in the guest's "
		   "/etc/fstab mounts it whenever the guest starts. The last "
		   "page says what the guest already sees and what waits for "
		   "its next start."),
	.field_keys = live_field_keys,
	.enter = live_enter,
	.draw = live_draw,
	.key = live_key,
	.leave = live_leave,
};
