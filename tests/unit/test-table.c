/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-table.c: aligned text columns (table.c) */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "tap.h"

static void
test_render(void)
{
	AUTOPTR(table) t = table_new(3);
	struct strbuf sb = STRBUF_INIT;

	table_right(t, 1);
	table_rowv(t, "size", "free", "mount");
	table_rowv(t, "2M", "1024", NULL);
	table_rowv(t, "1G", "8", "");
	table_render(t, 2, &sb);
	tap_is_str(sb_str(&sb),
		   "  size  free  mount\n"
		   "  2M    1024  -\n"
		   "  1G       8\n",
		   "table: alignment, NULL cells, no trailing blanks");
	sb_clear(&sb);
}

static void
test_edges(void)
{
	AUTOPTR(table) t = table_new(2);
	AUTOPTR(table) one = table_new(1);
	struct strbuf sb = STRBUF_INIT;

	table_render(t, 4, &sb);
	tap_is_str(sb_str(&sb), "", "table: no rows, no output");
	table_right(t, 7); /* out of range: ignored */
	table_rowv(t, "", "");
	table_rowv(t, "a", "b");
	table_render(t, 0, &sb);
	tap_is_str(sb_str(&sb), "\na  b\n",
		   "table: an empty row is an empty line; no indent");
	sb_clear(&sb);

	sb_add(&sb, "before\n");
	table_right(one, 0);
	table_rowv(one, "1");
	table_rowv(one, "100");
	table_render(one, 1, &sb);
	tap_is_str(sb_str(&sb), "before\n   1\n 100\n",
		   "table: appends to sb; one right-aligned column");
	sb_clear(&sb);
}

static void
test_width(void)
{
	AUTOPTR(table) t = table_new(2);
	struct strbuf sb = STRBUF_INIT;

	tap_is_int(text_width(""), 0, "text_width: empty");
	tap_is_int(text_width("abc"), 3, "text_width: ASCII");
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		tap_skip(4, "no C.UTF-8 locale");
		return;
	}
	tap_is_int(text_width("gr\xc3\xb6\xc3\x9f" "e"), 5,
		   "text_width: two-byte letters are one cell");
	tap_is_int(text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4,
		   "text_width: wide characters are two cells");
	tap_is_int(text_width("a\xff" "b"), 3,
		   "text_width: an invalid byte counts as one cell");
	table_rowv(t, "\xc3\xa4\xc3\xa4", "x");
	table_rowv(t, "abc", "y");
	table_render(t, 0, &sb);
	tap_is_str(sb_str(&sb), "\xc3\xa4\xc3\xa4   x\nabc  y\n",
		   "table: padding by display width, not bytes");
	sb_clear(&sb);
	setlocale(LC_CTYPE, "C");
}

int
main(void)
{
	test_render();
	test_edges();
	test_width();
	return tap_done();
}
