/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan-target-priv.h: what only the tests of plan-target.c use */
#ifndef VS_PLAN_TARGET_PRIV_H
#define VS_PLAN_TARGET_PRIV_H

#include "plan-target.h"

/*
 * As plan_target_libvirt(), but defined without VIR_DOMAIN_DEFINE_VALIDATE,
 * the way a libvirt without its schema files behaves: elements libvirt
 * does not know are dropped silently, which the read-back check must
 * catch.
 */
struct plan_target *plan_target_libvirt_unvalidated(struct virt_conn *conn,
						    const char *domain);

#endif
