/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page-host.c: step 1, what the host offers and what stops virtiofs */
#include <stdlib.h>

#include "tui.h"

static struct {
	size_t top;
	size_t nrows; /* wrapped rows at the last draw */
	int height;
} st;

/* The summary wrapped to width, each row with its role. */
static size_t
rows_make(const struct wizard *w, int width, struct strlist *rows,
	  enum ui_role **roles)
{
	size_t n = 0;

	*roles = NULL;
	for (size_t i = 0; i < w->nlines; i++) {
		const struct wiz_line *l = &w->lines[i];
		AUTOFREE char *text =
		    l->kind == WIZ_LINE_PROBLEM ? xasprintf("! %s", l->text)
						: xstrdup(l->text);
		enum ui_role role = l->kind == WIZ_LINE_PROBLEM ? UI_PROBLEM
				    : l->kind == WIZ_LINE_HEAD  ? UI_HEAD
								: UI_NORMAL;
		size_t before = rows->n;

		ui_wrap(text, width, rows);
		*roles = xrealloc(*roles, rows->n * sizeof(**roles));
		for (size_t k = before; k < rows->n; k++)
			(*roles)[k] = role;
		n = rows->n;
	}
	return n;
}

static void
host_draw(struct tui *t, int y, int x, int h, int w)
{
	struct strlist rows = {0};
	AUTOFREE enum ui_role *roles = NULL;
	size_t n = rows_make(t->w, w - 2, &rows, &roles);

	st.nrows = n;
	st.height = h;
	if (st.top + (size_t)h > n)
		st.top = n > (size_t)h ? n - (size_t)h : 0;
	for (int i = 0; i < h && st.top + (size_t)i < n; i++)
		ui_put(y + i, x, w - 2, roles[st.top + (size_t)i],
		       rows.v[st.top + (size_t)i], false);
	/* Where the more is, as characters: monochrome sees them too. */
	if (st.top)
		ui_put(y, x + w - 1, 1, UI_DIM, "^", false);
	if (st.top + (size_t)h < n)
		ui_put(y + h - 1, x + w - 1, 1, UI_DIM, "v", false);
	strlist_clear(&rows);
}

static bool
host_key(struct tui *t, int key)
{
	struct ui_view v = {.top = st.top};
	bool used;

	/* Only the scrolling: the rows are made again at each draw. */
	v.lines.n = st.nrows;
	used = ui_view_key(&v, key, st.height);
	st.top = v.top;
	return used;
}

static void
host_enter(struct tui *t)
{
	st.top = 0;
	if (t->w->nproblems)
		tui_status(t, UI_PROBLEM,
			   P_("%zu problem found: see the lines marked '!'.",
			      "%zu problems found: see the lines marked '!'.",
			      t->w->nproblems),
			   t->w->nproblems);
}

const struct page_ops page_host = {
	.name = N_("Host"),
	.title = N_("Host summary"),
	.help = N_("What this host offers for virtiofs: hugepage pools per "
		   "page size and NUMA node with their hugetlbfs mounts, the "
		   "qemu.conf settings that matter, the libvirt and QEMU "
		   "versions, and the virtiofs daemons installed. Lines "
		   "marked '!' are problems that stop or slow a share, each "
		   "with what to do. Up, Down, PgUp and PgDn scroll; Enter "
		   "goes on to choose a domain."),
	.keys = N_("Enter next  Up/Down scroll  F1 help  q quit"),
	.enter = host_enter,
	.draw = host_draw,
	.key = host_key,
};
