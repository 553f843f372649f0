/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page-done.c: step 8, what changed and what to do in the guest */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tui.h"

static struct {
	struct ui_view v;
	int width;
	int height;
} st;

static void
done_enter(struct tui *t)
{
	ui_view_clear(&st.v);
	st.width = 0;
}

static char *
done_text(const struct wizard *w)
{
	struct strbuf sb = STRBUF_INIT;
	AUTOFREE char *guest = wizard_guest_text(w);
	AUTOFREE char *effects = wizard_effects_text(w);

	sb_add(&sb, _("What changed:\n"));
	for (size_t i = 0; i < w->done.n; i++)
		sb_printf(&sb, "- %s\n", w->done.v[i]);
	if (w->daemon_result)
		sb_printf(&sb, "%s %s\n", w->daemon_failed ? "!" : "-",
			  w->daemon_result);
	sb_addc(&sb, '\n');
	if (*effects) {
		sb_add(&sb, effects);
		sb_addc(&sb, '\n');
	}
	sb_add(&sb, guest);
	return sb_steal(&sb);
}

static enum ui_role
line_role(const char *l)
{
	if (l[0] == '!')
		return UI_PROBLEM;
	if (l[0] && l[0] != ' ' && l[0] != '-' && l[strlen(l) - 1] == ':')
		return UI_HEAD;
	if (l[0] == ' ' && l[1] == ' ' && l[2] != ' ')
		return UI_GOOD; /* commands to type */
	return UI_NORMAL;
}

static void
done_draw(struct tui *t, int y, int x, int h, int w)
{
	if (st.width != w) {
		AUTOFREE char *text = done_text(t->w);

		ui_view_set(&st.v, text, w - 1);
		st.width = w;
	}
	st.height = h;
	ui_view_draw(&st.v, y, x, h, w, line_role);
}

static void
show_definition(struct tui *t)
{
	AUTOFREE char *xml = wizard_definition_now(t->w);
	AUTOFREE char *title = NULL;

	if (!xml) {
		ui_error(NULL);
		return;
	}
	title = xasprintf(_("The definition of '%s' now"), t->w->domain);
	ui_message(title, xml);
}

static bool
done_key(struct tui *t, int key)
{
	if (ui_view_key(&st.v, key, st.height))
		return true;
	if (key == 'x') {
		show_definition(t);
		return true;
	}
	if (key == 'n') {
		wizard_restart(t->w);
		tui_goto(t, WIZ_DOMAIN);
		return true;
	}
	if (tui_is_enter(key)) {
		t->quit = true;
		return true;
	}
	return false;
}

const struct page_ops page_done = {
	.name = N_("Done"),
	.title = N_("Done"),
	.help = N_("What was changed, where the previous definition is saved "
		   "(and the command that puts it back), and how the guest "
		   "mounts the share. For a running guest, what it sees "
		   "already (the share attached, mounted at a directory) and "
		   "what waits for its next start. x shows the domain's "
		   "definition as libvirt (or the file) has it now; n shares "
		   "another directory; Enter or q quits."),
	.keys = N_("Enter/q quit  n another share  x show definition  F1 "
		   "help"),
	.enter = done_enter,
	.draw = done_draw,
	.key = done_key,
};
