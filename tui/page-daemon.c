/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page-daemon.c: step 6, who runs the virtiofs daemon */
#include <stdlib.h>

#include "tui.h"

static struct {
	struct ui_list l;
} st;

static void
daemon_enter(struct tui *t)
{
	wizard_daemon_load(t->w);
	st.l.n = WIZ_NDAEMONS;
	st.l.sel = t->w->dsel;
	st.l.top = 0;
}

static void
daemon_draw(struct tui *t, int y, int x, int h, int w)
{
	struct wizard *wz = t->w;
	struct strlist lines = {0};
	int row = y + 2;

	ui_putf(y, x, w, UI_NORMAL,
		_("Who runs the virtiofs daemon that serves '%1$s' to the "
		  "guest?"),
		wz->tag);
	for (size_t k = 0; k < WIZ_NDAEMONS; k++) {
		const struct wiz_daemon_opt *o = &wz->dopts[k];
		bool sel = k == st.l.sel;
		AUTOFREE char *text = xasprintf(
		    "%s%s %s", sel ? "> " : "  ",
		    !o->possible ? "(-)" : k == wz->dsel ? "(*)" : "( )",
		    o->label);

		ui_put(row, x, w,
		       sel	       ? UI_SELECTED
		       : !o->possible ? UI_DIM
				      : UI_NORMAL,
		       text, sel);
		row++;
		strlist_clear(&lines);
		ui_wrap(o->reason, w - 6, &lines);
		for (size_t i = 0; i < lines.n && row < y + h; i++)
			ui_put(row++, x + 6, w - 6,
			       o->possible ? UI_NORMAL : UI_DIM, lines.v[i],
			       false);
		row++;
	}
	strlist_clear(&lines);
	if (row < y + h && wz->dopts[st.l.sel].kind == WIZ_DAEMON_EXTERNAL &&
	    wz->dopts[st.l.sel].possible)
		ui_wrap(_("virtshare starts the daemon when the change is "
			  "applied; later: virtshare daemon start|stop|status "
			  "DOMAIN TAG."),
			w, &lines);
	for (size_t i = 0; i < lines.n && row < y + h; i++)
		ui_put(row++, x, w, UI_DIM, lines.v[i], false);
	strlist_clear(&lines);
}

static bool
daemon_key(struct tui *t, int key)
{
	if (key == ' ') {
		if (wizard_daemon_select(t->w, st.l.sel) < 0)
			ui_error(NULL);
		return true;
	}
	return ui_list_key(&st.l, key, WIZ_NDAEMONS);
}

static int
daemon_leave(struct tui *t)
{
	return wizard_daemon_select(t->w, st.l.sel);
}

const struct page_ops page_daemon = {
	.name = N_("Daemon"),
	.title = N_("Daemon"),
	.help = N_("A virtiofs daemon serves the directory to the guest. "
		   "libvirt can start one with the guest: virtshare-fsd (its "
		   "path goes in the domain), or whatever daemon its "
		   "vhost-user descriptors name (/usr/share/qemu/vhost-user). "
		   "Or virtshare starts virtshare-fsd itself on a socket that "
		   "libvirt connects the guest to (<source socket>): then the "
		   "daemon's options (read-only, cache, xattr) are the "
		   "daemon's, and 'virtshare daemon' starts, stops and shows "
		   "it. Options marked (-) are not possible here, with the "
		   "reason."),
	.keys = N_("Enter choose  Up/Down move  Esc back  F1 help  q quit"),
	.enter = daemon_enter,
	.draw = daemon_draw,
	.key = daemon_key,
	.leave = daemon_leave,
};
