/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-steps.h: the plan steps of doctor --fix: mounts, daemons */
#ifndef VS_DOCTOR_STEPS_H
#define VS_DOCTOR_STEPS_H

#include "pages.h"
#include "plan.h"

/*
 * Step kinds of struct plan for what `doctor --fix` changes on the host
 * (hugepage pools are plan_pages() of plan.h),
 * next to the domain definitions of plan.c. Each one looks at the host
 * again when it is applied (what was planned may be done already) and can
 * be taken back if a later step fails.
 */

/*
 * Mount hugetlbfs for size_kib pages on the live host where `virtshare
 * pages mount` would (an existing mount of that size will do). Phase
 * PLAN_PHASE_HOST; reverting unmounts what it mounted.
 */
void doctor_plan_mount(struct plan *p, uint64_t size_kib);

/*
 * Start the daemon of the launch record name again (launch_restart():
 * stopped first when it runs), so its socket is back with the owner and
 * mode QEMU needs. Phase PLAN_PHASE_START; reverting stops it when it
 * was not running before.
 */
void doctor_plan_daemon(struct plan *p, const char *name);

#endif
