/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table.h: aligned text columns for human-readable reports */
#ifndef VS_TABLE_H
#define VS_TABLE_H

#include <stddef.h>

#include "util.h"

struct table;

/* A table of ncols columns; numeric columns are right-aligned. */
struct table *table_new(size_t ncols);
void table_free(struct table *t);
DEFINE_AUTOPTR(table)
/* Mark column col as right-aligned. */
void table_right(struct table *t, size_t col);
/* Add a row of exactly ncols strings (copied; NULL prints as "-"). */
void table_rowv(struct table *t, ...);
/*
 * Append the table to sb, each line prefixed by indent spaces, columns
 * separated by two spaces and padded by display width (UTF-8 aware).
 */
void table_render(const struct table *t, size_t indent, struct strbuf *sb);

/* Display width of a UTF-8 string in terminal cells. */
size_t text_width(const char *s);

#endif
