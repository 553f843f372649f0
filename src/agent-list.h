/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent-list.h: a running guest's virtiofs mounts as listings show them */
#ifndef VS_AGENT_LIST_H
#define VS_AGENT_LIST_H

#include <stddef.h>

#include "agent.h"
#include "fstab.h"
#include "json.h"

/*
 * `virtshare shares` and doctor's guest-mounts check only look: they
 * must not wait long on an agent that does not answer, and must not say
 * "not mounted" where they could not look (a Windows guest has no
 * /proc/mounts; its VirtIO-FS service shows a share as a drive letter).
 */

/* Seconds the first command to the agent waits in a listing. libvirt's
 * guest-sync before it can still wait its own 5 s. */
#define AGENT_LIST_TIMEOUT_S 2

enum agent_list_state {
	AGENT_LIST_MOUNTS,  /* m[0..n): the guest's virtiofs mounts */
	AGENT_LIST_WINDOWS, /* a Windows guest: its mounts are not read */
	AGENT_LIST_UNKNOWN, /* the agent failed or did not answer: why */
};

struct agent_list {
	enum agent_list_state state;
	struct fstab_mount *m;
	size_t n;
	char *why; /* AGENT_LIST_UNKNOWN: the error, as reported */
};

/*
 * What the guest of a has mounted: agent_windows() within
 * AGENT_LIST_TIMEOUT_S (the ping: one command, so a dead agent costs one
 * wait), then a Linux guest's /proc/mounts. a NULL (agent_open() failed)
 * gives AGENT_LIST_UNKNOWN with the error reported so far. Fills *l
 * (agent_list_clear() frees); reports nothing: an error is reset and its
 * message kept in l->why.
 */
void agent_list_read(struct agent *a, struct agent_list *l);
void agent_list_clear(struct agent_list *l);

/*
 * Where the guest has tag mounted, ", " between ("": nowhere), or NULL
 * when that is not known (not AGENT_LIST_MOUNTS). Caller frees.
 */
char *agent_list_dirs(const struct agent_list *l, const char *tag);

/*
 * The member "mounted_on" of tag into the object j is in: the
 * directories (AGENT_LIST_MOUNTS), null (AGENT_LIST_WINDOWS: not known),
 * or nothing (AGENT_LIST_UNKNOWN, as for a guest that does not run).
 */
void agent_list_json(struct json *j, const struct agent_list *l,
		     const char *tag);

#endif
