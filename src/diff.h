/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diff.h: unified diffs of two texts, line by line, as `diff -u` prints */
#ifndef VS_DIFF_H
#define VS_DIFF_H

#include "util.h"

#define DIFF_CONTEXT 3

/*
 * The unified diff that turns text a into text b: "--- a_label" and
 * "+++ b_label" headers, then hunks with context lines of context around
 * each change, "\ No newline at end of file" where a text ends without
 * one. The edit is a shortest one (Myers' algorithm, linear space). Returns
 * "" when the texts are equal; the caller frees. Never fails.
 */
char *diff_unified(const char *a, const char *b, const char *a_label,
		   const char *b_label, unsigned context);

#endif
