/* SPDX-License-Identifier: GPL-2.0-or-later */
/* complete.h: path completion and directory listings below a root */
#ifndef VS_COMPLETE_H
#define VS_COMPLETE_H

#include <stdbool.h>

#include "util.h"

/*
 * Paths are host paths (absolute), looked up below root as everything
 * that reads the host does (root "/" or NULL: the host itself; a fixture
 * tree on the demo). Nothing here reports errors: a directory that
 * cannot be read has no entries.
 */

/*
 * Complete typed as a shell does on Tab: the last component is extended
 * by the longest common prefix of the entries that start with it, and a
 * single directory gets its "/". Only directories when dirs_only.
 * Hidden entries only when the typed component starts with a dot.
 * matches (may be NULL) gets the matching names, sorted, directories
 * with a trailing "/". Returns the completed text (caller frees), typed
 * itself when nothing extends it.
 */
char *complete_path(const char *root, const char *typed, bool dirs_only,
		    struct strlist *matches);

/*
 * The subdirectories of dir, sorted, without "." and ".."; hidden ones
 * only when hidden is set. Returns 0, or -1 with errno when dir cannot be
 * read.
 */
int complete_subdirs(const char *root, const char *dir, bool hidden,
		     struct strlist *out);

/* The parent of dir ("/" for "/"), and dir/name; both caller frees. */
char *complete_parent(const char *dir);
char *complete_join(const char *dir, const char *name);

/* Whether dir is a directory below root. */
bool complete_is_dir(const char *root, const char *dir);

#endif
