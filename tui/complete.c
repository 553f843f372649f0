/* SPDX-License-Identifier: GPL-2.0-or-later */
/* complete.c: path completion and directory listings for the wizard */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "complete.h"

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
sort(struct strlist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), name_cmp);
}

bool
complete_is_dir(const char *root, const char *dir)
{
	AUTOFREE char *path = path_under(root, dir);
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *
complete_join(const char *dir, const char *name)
{
	size_t len = strlen(dir);

	if (len && dir[len - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

char *
complete_parent(const char *dir)
{
	char *p = xstrdup(dir && *dir ? dir : "/");
	size_t len = strlen(p);
	char *slash;

	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	slash = strrchr(p, '/');
	if (!slash || slash == p) {
		free(p);
		return xstrdup("/");
	}
	*slash = '\0';
	return p;
}

/* Entries of dir starting with prefix (directories get a "/"). */
static void
entries(const char *root, const char *dir, const char *prefix,
	bool dirs_only, bool hidden, struct strlist *out)
{
	AUTOFREE char *path = path_under(root, dir);
	size_t plen = strlen(prefix);
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		AUTOFREE char *full = NULL;
		bool is_dir;

		if (STREQ(e->d_name, ".") || STREQ(e->d_name, ".."))
			continue;
		if (e->d_name[0] == '.' && !hidden)
			continue;
		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		full = complete_join(dir, e->d_name);
		is_dir = complete_is_dir(root, full);
		if (dirs_only && !is_dir)
			continue;
		strlist_take(out, is_dir ? xasprintf("%s/", e->d_name)
					 : xstrdup(e->d_name));
	}
	closedir(d);
	sort(out);
}

char *
complete_path(const char *root, const char *typed, bool dirs_only,
	      struct strlist *matches)
{
	struct strlist found = {0};
	const char *slash = typed ? strrchr(typed, '/') : NULL;
	AUTOFREE char *dir = NULL;
	const char *base;
	size_t common;
	char *ret;

	if (matches)
		strlist_clear(matches);
	if (!slash)
		return xstrdup(typed ? typed : "");
	dir = slash == typed ? xstrdup("/") : xstrndup(typed, slash - typed);
	base = slash + 1;
	entries(root, dir, base, dirs_only, base[0] == '.', &found);
	if (!found.n) {
		strlist_clear(&found);
		return xstrdup(typed);
	}
	common = strlen(found.v[0]);
	for (size_t i = 1; i < found.n; i++) {
		size_t k = 0;

		while (k < common && found.v[i][k] == found.v[0][k])
			k++;
		common = k;
	}
	/* A lone directory ends in "/"; with several, the common part
	 * must not take the "/" of one of them. */
	if (found.n > 1 && common && found.v[0][common - 1] == '/')
		common--;
	ret = xasprintf("%.*s%.*s", (int)(base - typed), typed, (int)common,
			found.v[0]);
	if (matches)
		*matches = found;
	else
		strlist_clear(&found);
	return ret;
}

int
complete_subdirs(const char *root, const char *dir, bool hidden,
		 struct strlist *out)
{
	AUTOFREE char *path = path_under(root, dir);
	DIR *d = opendir(path);

	strlist_clear(out);
	if (!d)
		return -1;
	closedir(d);
	entries(root, dir, "", true, hidden, out);
	/* The names without their "/": the browser shows its own. */
	for (size_t i = 0; i < out->n; i++)
		out->v[i][strlen(out->v[i]) - 1] = '\0';
	return 0;
}
