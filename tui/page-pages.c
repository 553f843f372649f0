/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page-pages.c: step 5, allocate the hugepages the guest is short of */
#include <inttypes.h>
#include <stdlib.h>

#include "error.h"
#include "tui.h"

enum field {
	P_NODE,
	P_COUNT,
	P_ALLOC,
	P_GO,
	P_COUNT_FIELDS,
};

static struct {
	enum field focus;
	int node; /* -1: system-wide */
	struct ui_input count;
} st;

static void
pages_enter(struct tui *t)
{
	AUTOFREE char *n = xasprintf("%" PRIu64, t->w->alloc_count);

	st.focus = t->w->alloc_result ? P_GO : P_COUNT;
	st.node = t->w->alloc_node;
	ui_input_set(&st.count, n);
}

/* The next node choice: -1, then each node of the host. */
static void
node_cycle(const struct host_info *h, int dir)
{
	int n = (int)h->nnodes, i = -1;

	for (int k = 0; k < n; k++)
		if (h->nodes[k].id == st.node)
			i = k;
	i = (i + 1 + dir + n + 1) % (n + 1) - 1;
	st.node = i < 0 ? -1 : h->nodes[i].id;
}

static char *
node_free_text(const struct wizard *w)
{
	const struct host_info *h = w->pages_host;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < h->nnodes; i++) {
		const struct host_pool *p =
		    host_node_pool_find(h, h->nodes[i].id, w->need.page_kib);

		if (!p || p->free == HOST_UNKNOWN)
			continue;
		if (sb.len)
			sb_add(&sb, "; ");
		sb_printf(&sb, _("node %1$d: %2$" PRIu64 " of %3$" PRIu64
				 " free"),
			  h->nodes[i].id, p->free, p->total);
	}
	return sb_steal(&sb);
}

static void
button(int y, int x, enum field f, const char *text)
{
	AUTOFREE char *b = xasprintf("%s[ %s ]", st.focus == f ? ">" : " ",
				     text);

	ui_put(y, x, 0, st.focus == f ? UI_SELECTED : UI_NORMAL, b, false);
}

static void
pages_draw(struct tui *t, int y, int x, int h, int w)
{
	struct wizard *wz = t->w;
	const struct pages_need *n = &wz->need;
	AUTOFREE char *size = size_format_kib(n->page_kib);
	AUTOFREE char *fr = n->free == HOST_UNKNOWN
				? xstrdup("?")
				: xasprintf("%" PRIu64, n->free);
	AUTOFREE char *nodes = node_free_text(wz);
	AUTOFREE char *where = st.node < 0 ? xstrdup(_("all nodes"))
					   : xasprintf(_("node %d"), st.node);
	AUTOFREE char *node = xasprintf("< %-9s >", where);
	AUTOFREE char *count = ui_input_get(&st.count);
	AUTOFREE char *head = NULL;
	uint64_t c = 0;
	const char *on = _("  Allocate on"), *add = _("  Pages to add");
	/* The fields start 18 columns in, further for longer labels (up
	 * to half the width). */
	int lw = (ui_width(on) > ui_width(add) ? ui_width(on)
					       : ui_width(add)) + 2;
	int fx = x + (lw < 18 ? 18 : lw < w / 2 ? lw : w / 2), row;

	if (!wz->need_valid)
		return;
	head = xasprintf(_("Guest '%1$s' in %2$s pages: %3$" PRIu64 " pages "
			   "needed, %4$s free."),
			 wz->domain, size, n->pages, fr);
	/* Lines longer than the page wrap, moving the rest down. */
	row = y + 1 + ui_put_wrapped(y, x, w, 0, UI_NORMAL, head);
	if (n->reason) {
		row += ui_put_wrapped(row, x, w, 0,
				      n->enough ? UI_NORMAL : UI_PROBLEM,
				      n->reason);
	} else if (n->enough) {
		ui_put(row++, x, w, UI_GOOD,
		       _("ok: enough free pages now; Continue goes on."),
		       false);
	}
	row++;
	ui_put(row, x, fx - x, st.focus == P_NODE ? UI_HEAD : UI_NORMAL, on,
	       false);
	ui_put(row, fx, 15, st.focus == P_NODE ? UI_SELECTED : UI_NORMAL,
	       node, false);
	row += 1;
	/* What each node has free, under the choice of node. */
	row += ui_put_wrapped(row, fx, w - (fx - x), 0, UI_DIM, nodes);
	ui_put(row, x, fx - x, st.focus == P_COUNT ? UI_HEAD : UI_NORMAL, add,
	       false);
	if (str_to_u64(count, &c) == 0 && c) {
		AUTOFREE char *mem = size_format_kib(c * n->page_kib);

		ui_putf(row, fx + 14, w - (fx - x) - 14, UI_DIM, "= %s", mem);
	}
	ui_input_draw(&st.count, row, fx, 12, st.focus == P_COUNT);
	row += 2;
	button(row, fx, P_ALLOC, _("Allocate"));
	button(row + 1, fx, P_GO, _("Continue"));
	row += 3;
	if (wz->alloc_result) {
		AUTOFREE char *r = xasprintf(_("Result: %s"), wz->alloc_result);

		if (row < y + h)
			row += ui_put_wrapped(row, x, w, y + h - row, UI_GOOD,
					      r);
	}
	if (wz->cfg.demo && row < y + h)
		ui_put(row, x, w, UI_DIM,
		       _("The demo changes nothing: Allocate says so."), false);
}

static void
allocate(struct tui *t)
{
	AUTOFREE char *count = ui_input_get(&st.count);
	uint64_t c;

	if (!*count) {
		vs_error(VS_ERR_INVALID, _("Type the number of pages to add, "
					   "a whole number above 0."));
		ui_error(NULL);
		return;
	}
	if (str_to_u64(count, &c) < 0 || !c) {
		vs_error(VS_ERR_INVALID,
			 _("Type the number of pages to add, a whole number "
			   "above 0, not '%s'."),
			 count);
		ui_error(NULL);
		return;
	}
	if (wizard_pages_alloc(t->w, st.node, c) < 0) {
		ui_error(_("The pages were not allocated"));
		return;
	}
	pages_enter(t);
}

static bool
pages_key(struct tui *t, int key)
{
	int r;

	if (key == UI_TAB || key == UI_KEY(KEY_DOWN)) {
		st.focus = (enum field)((st.focus + 1) % P_COUNT_FIELDS);
		return true;
	}
	if (key == UI_KEY(KEY_BTAB) || key == UI_KEY(KEY_UP)) {
		st.focus = (enum field)((st.focus + P_COUNT_FIELDS - 1) %
					P_COUNT_FIELDS);
		return true;
	}
	if (st.focus == P_NODE &&
	    (key == ' ' || key == UI_KEY(KEY_LEFT) ||
	     key == UI_KEY(KEY_RIGHT))) {
		node_cycle(t->w->pages_host,
			   key == UI_KEY(KEY_LEFT) ? -1 : 1);
		return true;
	}
	if (st.focus == P_COUNT && key < UI_FN && key >= ' ' &&
	    (key < '0' || key > '9'))
		return key != 'q' && key != '?'; /* digits only */
	if (st.focus == P_COUNT && (r = ui_input_key(&st.count, key)) >= 0)
		return true;
	if (tui_is_enter(key) && st.focus == P_ALLOC) {
		allocate(t);
		return true;
	}
	if (tui_is_enter(key) && st.focus != P_GO) {
		st.focus = (enum field)(st.focus + 1);
		return true;
	}
	return false;
}

static int
pages_leave(struct tui *t)
{
	const struct wizard *w = t->w;
	AUTOFREE char *text = NULL;

	if (!wizard_pages_short(w))
		return 0;
	text = xasprintf(_("The guest needs %1$" PRIu64 " free pages and "
			   "the host has fewer: it will not start until they "
			   "are free ('unable to map backing store for guest "
			   "RAM'). Go on anyway?"),
			 w->need.pages);
	if (ui_confirm(_("Too few hugepages"), text, _("Go on"), _("Stay")))
		return 0;
	return -1;
}

/* What the keys do in each field (pages_key()). */
static const char *const field_keys[P_COUNT_FIELDS] = {
	[P_NODE] = N_("Left/Right choose the node  Tab/Enter/Down next field  "
		      "Esc back  F1 help"),
	[P_COUNT] = N_("Type a number  Tab/Enter/Down next field  Esc back  F1 "
		       "help"),
	[P_ALLOC] = N_("Enter allocate  Tab/Down next field  Esc back  F1 help"),
	[P_GO] = N_("Enter continue  Up previous field  Esc back  F1 help"),
};

static const char *
pages_field_keys(struct tui *t)
{
	return field_keys[st.focus];
}

const struct page_ops page_pages = {
	.name = N_("Hugepages"),
	.title = N_("Hugepages"),
	.help = N_("The guest's memory must be free hugepages of the size "
		   "chosen when it starts, and the host has too few. Allocate "
		   "adds pages to the pool, on all NUMA nodes or on one: the "
		   "kernel may give fewer (fragmented memory); then nothing is "
		   "kept and the error says what was possible. 1G pages are "
		   "best reserved at boot (hugepagesz=1G hugepages=N). "
		   "'virtshare pages alloc --persist' keeps a pool across "
		   "reboots. Tab moves, Left/Right choose the node, Enter on "
		   "Allocate allocates, on Continue goes on."),
	.field_keys = pages_field_keys,
	.enter = pages_enter,
	.draw = pages_draw,
	.key = pages_key,
	.leave = pages_leave,
};
