/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan-target.h: where a domain definition lives, and its saved copies */
#ifndef VS_PLAN_TARGET_H
#define VS_PLAN_TARGET_H

#include <stdbool.h>

#include "util.h"
#include "virt.h"

/*
 * Where a domain definition lives: libvirt, or a file. The struct is
 * open to the domain step (plan-domain.c), which reads and writes the
 * definition through its ops; everyone else uses the functions below.
 */
struct plan_target;

struct target_ops {
	/* The definition now. NULL, reported. */
	char *(*read)(struct plan_target *t);
	/* Replace the definition. 0, or -1 reported. */
	int (*write)(struct plan_target *t, const char *xml);
	/* Keep xml, the definition about to be replaced; *where says
	 * where (caller frees). 0, or -1 reported. */
	int (*save)(struct plan_target *t, const char *statedir,
		    const char *xml, char **where);
	/* Take back the last save (at where): the change it was for did
	 * not happen, or was taken back. Best effort, not reported. */
	void (*unsave)(struct plan_target *t, const char *where);
	/* The saved definitions, newest first. */
	void (*saved)(struct plan_target *t, const char *statedir,
		      struct strlist *paths);
	/* Whether the domain runs; -1 reported. Transient domains are
	 * refused here. */
	int (*active)(struct plan_target *t);
	/* Where the saved definitions are, and the command that undoes
	 * (caller frees). */
	char *(*saved_where)(struct plan_target *t, const char *statedir);
	char *(*undo_command)(struct plan_target *t);
};

struct plan_target {
	const struct target_ops *ops;
	char *domain;
	char *key;   /* the same definition has the same key */
	char *label; /* the domain and where it is, for people */
	struct virt_conn *conn;
	bool validate;
	char *path;
	char *prev_bak; /* FILE.bak before the last save, NULL: none */
	char *saved_in; /* libvirt: backups/ subdirectory, once known */
};

/*
 * The state directory: $VIRTSHARE_STATEDIR, else LOCALSTATEDIR
 * "/lib/virtshare". Saved definitions go below backups/. Borrowed.
 */
const char *plan_statedir(void);

/* ---- domain targets ------------------------------------------------------ */

/*
 * Domain name on the connection conn (borrowed; it must outlive the
 * plan). Definitions are read with VIR_DOMAIN_XML_INACTIVE, written with
 * VIR_DOMAIN_DEFINE_VALIDATE, and read back to check what libvirt kept.
 */
struct plan_target *plan_target_libvirt(struct virt_conn *conn,
					const char *domain);
/*
 * A domain definition in a file, with no libvirt at all: written
 * atomically, the previous content kept as FILE.bak. domain is the name
 * the file must define.
 */
struct plan_target *plan_target_file(const char *path, const char *domain);
/*
 * Whether domain of conn runs now: 1 or 0; -1 (reported) when its status
 * cannot be read or it is transient (no persistent definition to change).
 */
int plan_domain_active(struct virt_conn *conn, const char *domain);
/* Whether t is a domain of libvirt (else a file). */
bool plan_target_is_libvirt(const struct plan_target *t);
void plan_target_free(struct plan_target *t);
DEFINE_AUTOPTR(plan_target)

#endif
