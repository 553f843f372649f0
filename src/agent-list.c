/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent-list.c: a running guest's virtiofs mounts as listings show them */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agent-list.h"
#include "error.h"
#include "util.h"

void
agent_list_read(struct agent *a, struct agent_list *l)
{
	int windows;
	long n;

	memset(l, 0, sizeof(*l));
	l->state = AGENT_LIST_UNKNOWN;
	if (a && (windows = agent_windows(a, AGENT_LIST_TIMEOUT_S)) >= 0) {
		if (windows)
			l->state = AGENT_LIST_WINDOWS;
		else if ((n = agent_mounts(a, &l->m)) >= 0) {
			l->state = AGENT_LIST_MOUNTS;
			l->n = (size_t)n;
		}
	}
	if (l->state == AGENT_LIST_UNKNOWN)
		l->why = xstrdup(vs_error_message());
	vs_error_reset();
}

void
agent_list_clear(struct agent_list *l)
{
	fstab_mounts_free(l->m, l->n);
	free(l->why);
	memset(l, 0, sizeof(*l));
}

char *
agent_list_dirs(const struct agent_list *l, const char *tag)
{
	struct strbuf sb = STRBUF_INIT;

	if (l->state != AGENT_LIST_MOUNTS)
		return NULL;
	for (size_t i = 0; tag && i < l->n; i++)
		if (STREQ(l->m[i].tag, tag))
			sb_printf(&sb, "%s%s", sb.len ? ", " : "",
				  l->m[i].dir);
	return sb_steal(&sb);
}

void
agent_list_json(struct json *j, const struct agent_list *l, const char *tag)
{
	if (l->state == AGENT_LIST_WINDOWS) {
		json_null(j, "mounted_on");
		return;
	}
	if (l->state != AGENT_LIST_MOUNTS)
		return;
	json_arr_begin(j, "mounted_on");
	for (size_t i = 0; tag && i < l->n; i++)
		if (STREQ(l->m[i].tag, tag))
			json_str(j, NULL, l->m[i].dir);
	json_arr_end(j);
}
