/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table.c: aligned text columns, measured in terminal cells */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "table.h"

struct table {
	size_t ncols;
	bool *right;
	struct strlist cells; /* row-major */
};

struct table *
table_new(size_t ncols)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	t->right = xcalloc(ncols, sizeof(*t->right));
	return t;
}

void
table_free(struct table *t)
{
	if (!t)
		return;
	strlist_clear(&t->cells);
	free(t->right);
	free(t);
}

void
table_right(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->right[col] = true;
}

void
table_rowv(struct table *t, ...)
{
	va_list ap;

	va_start(ap, t);
	for (size_t i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);

		strlist_add(&t->cells, s ? s : "-");
	}
	va_end(ap);
}

size_t
text_width(const char *s)
{
	mbstate_t st;
	size_t width = 0;

	memset(&st, 0, sizeof(st));
	while (*s) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* not valid in this locale: count bytes */
			memset(&st, 0, sizeof(st));
			s++;
			width++;
			continue;
		}
		w = wcwidth(wc);
		width += w > 0 ? (size_t)w : 0;
		s += n;
	}
	return width;
}

void
table_render(const struct table *t, size_t indent, struct strbuf *sb)
{
	size_t nrows = t->ncols ? t->cells.n / t->ncols : 0;
	size_t *width = xcalloc(t->ncols ? t->ncols : 1, sizeof(*width));

	for (size_t i = 0; i < t->cells.n; i++) {
		size_t w = text_width(t->cells.v[i]);

		if (w > width[i % t->ncols])
			width[i % t->ncols] = w;
	}
	for (size_t r = 0; r < nrows; r++) {
		struct strbuf line = STRBUF_INIT;

		sb_pad(&line, indent);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells.v[r * t->ncols + c];
			size_t pad = width[c] - text_width(cell);

			if (c > 0)
				sb_add(&line, "  ");
			if (t->right[c])
				sb_pad(&line, pad);
			sb_add(&line, cell);
			if (!t->right[c] && c + 1 < t->ncols)
				sb_pad(&line, pad);
		}
		/* no trailing blanks when the last columns are empty */
		while (line.len && line.buf[line.len - 1] == ' ')
			line.buf[--line.len] = '\0';
		sb_add(sb, sb_str(&line));
		sb_addc(sb, '\n');
		sb_clear(&line);
	}
	free(width);
}
