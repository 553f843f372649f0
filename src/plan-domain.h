/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan-domain.h: the changes of a domain definition: shares, backing, undo */
#ifndef VS_PLAN_DOMAIN_H
#define VS_PLAN_DOMAIN_H

#include <stdbool.h>

#include "domxml.h"
#include "inspect.h"
#include "plan-target.h"
#include "share-request.h"

struct plan;

/*
 * Whether the domain of t has a virtiofs share of tag now, and who runs
 * its daemon (*kind: external for <source socket>), so that a request
 * that gives only options goes where that share's options go. Reads the
 * definition without reporting: false when it cannot be read (planning
 * then says why).
 */
bool plan_share_kind(struct plan_target *t, const char *tag,
		     enum share_daemon_kind *kind);
/*
 * Put t's domain into p as it is now: a step that changes nothing until
 * other changes of it are planned, so that a domain that cannot be
 * changed (missing, transient) is reported once. As plan_share().
 */
int plan_domain(struct plan *p, struct plan_target *t);
/*
 * Add to p the change that makes the share r->share in the domain of t,
 * and shares its memory (the backing given, or the one backing_choose()
 * picks from in). in (may be NULL) gives the libvirt version the options
 * are checked against and the host; root is where source directories
 * must exist (NULL: they are on another host and not checked). Source
 * paths are written in their canonical form (path_canon_at()) and
 * compared with those of the definition canonically. A request with a
 * tag and no source changes the options of the share of that tag
 * (VS_ERR_USAGE when there is none). Several
 * changes of one domain make one step. An external share with a
 * directory also gets virtshare's record in the definition and a step
 * that starts virtshare-fsd once the domain is defined (on
 * launch_default_socket() when no socket is given; the socket owned as
 * launch_spec_set_owner() says for the connection). A running domain of
 * libvirt also gets the share hot-plugged when it can take it and
 * r->config_only is not set, and mounted inside at r->mount
 * (plan-live.h); the notes say why not. The plan owns t from
 * now on, even on failure. Returns 0, or -1 after reporting, with p
 * unchanged.
 */
int plan_share(struct plan *p, struct plan_target *t,
	       const struct share_request *r, const struct inspection *in,
	       const char *root);
/*
 * The change that removes the share with that tag; with
 * PLAN_UNSHARE_MISSING_OK, no such share is no change (else
 * VS_ERR_NOT_FOUND). When the domain runs and has the share live, it is
 * also unmounted inside and detached (plan_live_detach()), unless
 * PLAN_UNSHARE_CONFIG_ONLY. A share served by virtshare-fsd loses its
 * record, and its daemon is stopped once the domain is defined, unless
 * the running guest still uses it. As plan_share().
 */
int plan_unshare(struct plan *p, struct plan_target *t, const char *tag,
		 unsigned flags);
/* As plan_unshare(); a running guest has timeout_s seconds (not
 * PLAN_LIVE_DETACH_TIMEOUT) to release the device. */
int plan_unshare_within(struct plan *p, struct plan_target *t,
			const char *tag, unsigned flags, int timeout_s);
enum plan_unshare_flags {
	PLAN_UNSHARE_MISSING_OK = 1 << 0,
	/* A running guest keeps the share until it stops. */
	PLAN_UNSHARE_CONFIG_ONLY = 1 << 1,
};
/*
 * Remove every virtiofs share of t's domain whose tag keep does not
 * list, each as plan_unshare() does (a running guest lets go of it
 * live). As plan_share().
 */
int plan_prune(struct plan *p, struct plan_target *t,
	       const struct strlist *keep);
/*
 * Make guest memory shared the way b says (NULL: the one
 * backing_choose() picks from in), with no share to add. As
 * plan_share().
 */
int plan_backing(struct plan *p, struct plan_target *t,
		 const struct domxml_backing *b, const struct inspection *in);
/*
 * The change that restores the definition saved before the last change
 * (below statedir for libvirt, FILE.bak for a file); applying it uses
 * the saved copy up. VS_ERR_NO_UNDO when there is none. As plan_share().
 */
int plan_undo(struct plan *p, struct plan_target *t, const char *statedir);

#endif
