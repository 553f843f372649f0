/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan-host.h: plan steps that change the host: pools, daemons, mounts */
#ifndef VS_PLAN_HOST_H
#define VS_PLAN_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "domxml.h"
#include "launch.h"
#include "pages.h"
#include "virt.h"

struct plan;

/*
 * The change that makes the pool of size_kib pages on node (-1: the
 * system-wide pool) hold at least pages pages: grown when it has fewer,
 * never shrunk. The pool is read from h now; t says where it is changed
 * (its root is copied, its connection borrowed: it must outlive the
 * plan). Steps of the host run before any domain is defined. Returns 0,
 * or -1 after reporting what pages_apply() would refuse.
 */
int plan_pages(struct plan *p, const struct pages_target *t,
	       const struct host_info *h, uint64_t size_kib, int node,
	       uint64_t pages);

/*
 * The change that has virtshare-fsd serve spec (complete: domain, tag,
 * socket, owner) once the domains are defined: started, or restarted
 * when it runs with other options; nothing when it runs as asked. A
 * daemon a running guest is connected to is not restarted (a warning
 * says when the options apply). Returns 0, or -1 after reporting.
 */
int plan_daemon_start(struct plan *p, const struct launch_spec *spec,
		      bool domain_active);
/*
 * The change that stops the daemon virtshare started on socket for
 * domain's share tag, if any, once the domains are defined, and forgets
 * its record (launch_forget()); left running with a warning while
 * domain_active. Returns 0, or -1 after reporting.
 */
int plan_daemon_stop(struct plan *p, const char *socket, const char *domain,
		     const char *tag, bool domain_active);

/*
 * The daemon of domain's share tag as its definition on c describes it:
 * the socket from <source socket>, the directory and options from
 * virtshare's record. Returns 0 with *spec (cleared first) filled:
 * domain, tag, socket, and the rest when there is a record (the owner is
 * the record's, if any). -1 after reporting: no such domain or share
 * (VS_ERR_NO_DOMAIN, VS_ERR_NOT_FOUND), a share with <source dir>, whose
 * daemon libvirt starts (VS_ERR_CONFLICT).
 */
int plan_daemon_spec(struct virt_conn *c, const char *domain,
		     const char *tag, struct launch_spec *spec);

/* virtshare's record of a share and the daemon spec it describes. */
void plan_record_from_spec(const struct launch_spec *spec,
			   struct domxml_record *r);
void plan_spec_from_record(const struct domxml_record *r,
			   struct launch_spec *spec);

/* ---- what `doctor --fix` changes on the host ----------------------------- */

/*
 * Each one looks at the host again when it is applied (what was planned
 * may be done already) and can be taken back if a later step fails.
 */

/*
 * Mount hugetlbfs for size_kib pages on the live host where `virtshare
 * pages mount` would (an existing mount of that size will do). Phase
 * PLAN_PHASE_HOST; reverting unmounts what it mounted.
 */
void plan_mount(struct plan *p, uint64_t size_kib);

/*
 * Start the daemon of the launch record name again (launch_restart():
 * stopped first when it runs), so its socket is back with the owner and
 * mode QEMU needs. Phase PLAN_PHASE_START; reverting stops it when it
 * was not running before.
 */
void plan_daemon_restart(struct plan *p, const char *name);

#endif
