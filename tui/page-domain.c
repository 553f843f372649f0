/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page-domain.c: step 2, the domain to share with, or a domain XML file */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "table.h"
#include "tui.h"

static struct {
	struct ui_list l;
	bool loaded;
	int height;
} st;

/* Rows: the domains, the file chosen (if any), then "open a file". */
static size_t
file_row(const struct wizard *w)
{
	return w->xml_path ? w->ndomains : (size_t)-1;
}

static size_t
open_row(const struct wizard *w)
{
	return w->ndomains + (w->xml_path ? 1 : 0);
}

static void
domain_enter(struct tui *t)
{
	struct wizard *w = t->w;

	if (!st.loaded && !w->cfg.xml_file) {
		if (wizard_domains_load(w) < 0)
			vs_error_reset(); /* the page shows domains_error */
		st.loaded = true;
	}
	st.l.n = open_row(w) + 1;
	st.l.sel = w->xml_path ? file_row(w) : 0;
	for (size_t i = 0; w->domain && !w->xml_path && i < w->ndomains; i++)
		if (STREQ(w->domains[i].name, w->domain))
			st.l.sel = i;
	if (!w->ndomains && !w->xml_path)
		st.l.sel = open_row(w);
}

static void
detail(const struct wizard *w, int y, int x, int h, int width)
{
	struct strlist lines = {0};
	AUTOFREE char *text = NULL;
	enum ui_role role = UI_NORMAL;
	size_t sel = st.l.sel;

	if (sel < w->ndomains) {
		const struct wiz_domain *d = &w->domains[sel];

		if (d->problem) {
			text = xstrdup(d->problem);
			role = UI_PROBLEM;
		} else if (d->shared) {
			text = xasprintf(_("Guest memory of '%s' is shared: "
					   "ready for virtiofs."),
					 d->name);
			role = UI_GOOD;
		} else {
			text = xasprintf(_("Guest memory of '%s' is not shared "
					   "yet; virtiofs needs it shared, and "
					   "the wizard makes it so."),
					 d->name);
		}
	} else if (sel == file_row(w)) {
		text = xasprintf(_("Domain '%1$s' defined in %2$s: the file is "
				   "edited, no libvirt is involved."),
				 w->domain, w->xml_path);
	} else if (w->domains_error) {
		text = xstrdup(w->domains_error);
		role = UI_PROBLEM;
	} else {
		text = xstrdup(_("Edit a domain XML file instead of a domain "
				 "of libvirt (written atomically, the old one "
				 "kept as FILE.bak)."));
	}
	ui_wrap(text, width, &lines);
	for (size_t i = 0; i < lines.n && (int)i < h; i++)
		ui_put(y + (int)i, x, width, role, lines.v[i], false);
	strlist_clear(&lines);
}

static void
domain_draw(struct tui *t, int y, int x, int h, int w)
{
	struct wizard *wz = t->w;
	AUTOPTR(table) tb = table_new(5);
	struct strbuf sb = STRBUF_INIT;
	struct strlist rows = {0};
	int list_h;

	ui_put(y, x, w, UI_NORMAL,
	       _("Choose the domain (the guest) to share a directory with:"),
	       false);
	table_right(tb, 2);
	table_rowv(tb, _("NAME"), _("STATE"), _("MEMORY"), _("SHARES"),
		   _("GUEST MEMORY"));
	for (size_t i = 0; i < wz->ndomains; i++) {
		const struct wiz_domain *d = &wz->domains[i];
		AUTOFREE char *mem = size_format_kib(d->memory_kib);

		table_rowv(tb, d->name, d->state, mem,
			   *d->shares ? d->shares : "-", d->memory);
	}
	table_render(tb, 0, &sb);
	ui_wrap(sb_str(&sb), 1000, &rows);
	sb_clear(&sb);
	ui_put(y + 2, x + 2, w - 2, UI_HEAD, rows.v[0], false);
	list_h = tui_rows(h, 8);
	st.height = list_h;
	ui_list_show(&st.l, list_h);
	for (int i = 0; i < list_h && st.l.top + (size_t)i < st.l.n; i++) {
		size_t k = st.l.top + (size_t)i;
		bool sel = k == st.l.sel;
		AUTOFREE char *label =
		    k < wz->ndomains	? xstrdup(rows.v[k + 1])
		    : k == file_row(wz) ? xasprintf(_("%1$s (the file %2$s)"),
						    wz->domain, wz->xml_path)
					: xstrdup(_("Open a domain XML "
						    "file..."));
		AUTOFREE char *row = xasprintf("%s%s", sel ? "> " : "  ",
					       label);

		ui_put(y + 3 + i, x, w, sel ? UI_SELECTED : UI_NORMAL, row,
		       sel);
	}
	strlist_clear(&rows);
	/* The details right under the rows shown. */
	if ((size_t)list_h > st.l.n)
		list_h = (int)st.l.n;
	detail(wz, y + 4 + list_h, x, h - 4 - list_h, w);
}

static bool
domain_key(struct tui *t, int key)
{
	return ui_list_key(&st.l, key, st.height);
}

static int
domain_leave(struct tui *t)
{
	struct wizard *w = t->w;
	AUTOFREE char *path = NULL, *cwd = NULL, *start = NULL;

	if (st.l.sel < w->ndomains)
		return wizard_domain_choose(w, w->domains[st.l.sel].name);
	if (st.l.sel == file_row(w)) {
		path = xstrdup(w->xml_path);
		return wizard_domain_open(w, path);
	}
	cwd = getcwd(NULL, 0);
	start = xasprintf("%s/", cwd && !STREQ(cwd, "/") ? cwd : "");
	path = ui_prompt(_("Open a domain XML file"),
			 _("The domain definition to edit (such as the output "
			   "of virsh dumpxml --inactive):"),
			 start, "/", false);
	free(cwd);
	cwd = NULL;
	if (!path)
		return -1; /* cancelled: nothing to report */
	if (wizard_domain_open(w, path) < 0)
		return -1;
	st.l.n = open_row(w) + 1;
	st.l.sel = file_row(w);
	return 0;
}

const struct page_ops page_domain = {
	.name = N_("Domain"),
	.title = N_("Domain"),
	.help = N_("The domains of libvirt, with their state, memory, the "
		   "virtiofs shares they have and how their memory is backed. "
		   "Choose one with Up and Down and Enter. 'Open a domain XML "
		   "file...' edits a definition in a file instead (Tab "
		   "completes the path): the file is written atomically and "
		   "the old one kept as FILE.bak. A running domain sees the "
		   "change once it is shut down and started again."),
	.keys = N_("Enter choose  Up/Down move  Esc back  F1 help  q quit"),
	.enter = domain_enter,
	.draw = domain_draw,
	.key = domain_key,
	.leave = domain_leave,
};
