/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan-live.h: changes of a running guest: hot-plug, unplug, mounts inside */
#ifndef VS_PLAN_LIVE_H
#define VS_PLAN_LIVE_H

#include <stdbool.h>

#include "util.h"
#include "virt.h"

struct plan;

/*
 * These steps run once the definitions are written (PLAN_PHASE_START),
 * in the order they are added: the definition is the domain step's to
 * change (saved, checked, undoable); these make the running guest match
 * it. A failing one makes the plan take the definition back too, so
 * the definition and the running guest stay alike. conn is borrowed and
 * must outlive the plan.
 */

/* What plan_live_ready() saw in the running guest besides its verdict. */
struct plan_live_facts {
	bool agent;        /* an agent channel not known to be disconnected,
			    * so that a mount inside can be offered */
	bool no_root_port; /* q35 without a free pcie-root-port
			    * (HOTPLUG_NO_ROOT_PORT): spare ones help */
};

/*
 * Whether the running domain on conn can take the share tag now: its
 * live XML through hotplug_check() (libvirt_version 0: not checked) and
 * its memory shared. Returns 1 (ready), 0 (not: a translated sentence
 * per reason added to why), or -1 after reporting (the live XML cannot
 * be read). The findings that do not block (no agent) go to notes;
 * facts, when not NULL, gets what else the live XML said.
 */
int plan_live_ready(struct virt_conn *conn, const char *domain,
		    const char *tag, unsigned long libvirt_version,
		    struct strlist *why, struct strlist *notes,
		    struct plan_live_facts *facts);

/*
 * Whether libvirt can start the virtiofs daemon of a share it hot-plugs
 * into the running domain: not when the domain has no cgroup
 * (hotplug_check_cgroup(): libvirt 9.0's libvirtd crashes). 1, or 0
 * with the reason added to why; 1 too when libvirt does not tell.
 * Reports nothing.
 */
int plan_live_daemon_ready(struct virt_conn *conn, const char *domain,
			   struct strlist *why);

/*
 * Attach fs_xml (a <filesystem> of tag) to the running domain live, then
 * read the live XML back: the share must be there with an alias (alias,
 * when not NULL, the one asked for). Taken back by a live detach.
 */
void plan_live_attach(struct plan *p, struct virt_conn *conn,
		      const char *domain, const char *tag,
		      const char *fs_xml, const char *alias);

/*
 * Whether the running domain's live XML has the share tag: 1 with
 * *fs_xml and *alias (caller frees; alias may be NULL), 0 when not, -1
 * reported.
 */
int plan_live_find(struct virt_conn *conn, const char *domain,
		   const char *tag, char **fs_xml, char **alias);

/*
 * Unmount tag inside the guest when its agent answers (else a warning at
 * apply time; a mount that stays busy fails the step), remove its line
 * from the guest's fstab, then detach fs_xml live and wait at most
 * timeout_s for alias to leave the live definition (libvirt's
 * DEVICE_REMOVED). When it does not, the
 * step fails saying so, and the plan puts the definition back: the
 * device is still in the running guest.
 */
void plan_live_detach(struct plan *p, struct virt_conn *conn,
		      const char *domain, const char *tag,
		      const char *fs_xml, const char *alias, int timeout_s);

/*
 * Mount tag on dir inside the running guest through its agent, and with
 * persist add the line of the guest's fstab. now false: the share
 * reaches the guest at its next start, so only the fstab line is added
 * (persist must be set). Taken back: unmounted, line removed.
 */
void plan_guest_mount(struct plan *p, struct virt_conn *conn,
		      const char *domain, const char *tag, const char *dir,
		      bool persist, bool now);

/*
 * Mount tag on dir in the running guest now (when now) and with persist
 * add its fstab line, through the agent; a failure leaves nothing half
 * done. *mounted and *fstab_changed (for taking it back) say what
 * changed; done gets a line per thing done. 0, or -1 reported.
 */
int plan_live_mount(struct virt_conn *conn, const char *domain,
		    const char *tag, const char *dir, bool persist, bool now,
		    bool *mounted, bool *fstab_changed, struct strlist *done);
/*
 * Unmount every mount of tag in the running guest, and with persist
 * remove its fstab lines. VS_ERR_NOT_FOUND when there was neither.
 * 0, or -1 reported.
 */
int plan_live_umount(struct virt_conn *conn, const char *domain,
		     const char *tag, bool persist, struct strlist *done);

/*
 * Shut the running domain down (at most timeout_s; then destroy it only
 * with force) and start it again, so that its changed definition takes
 * effect. Cannot be taken back.
 */
void plan_live_restart(struct plan *p, struct virt_conn *conn,
		       const char *domain, int timeout_s, bool force);
/* How long a shutdown for --restart may take, in seconds (120). */
#define PLAN_LIVE_SHUTDOWN_TIMEOUT 120

/* How long an unplug waits for the guest, in seconds (30). */
#define PLAN_LIVE_DETACH_TIMEOUT 30

#endif
