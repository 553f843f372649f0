/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan.h: the whole plan, for those who build and apply one */
#ifndef VS_PLAN_H
#define VS_PLAN_H

/*
 * The CLI, `apply FILE.ini`, doctor and the wizard include this one
 * header. The parts depend on each other in one direction only, and no
 * part includes this header (tests/pkg/include-cycles.sh checks):
 *
 *   plan-domain  -> plan-host, plan-target, share-request, plan-engine
 *   plan-host    -> plan-engine
 *   plan-engine, plan-target, share-request: none of the others
 */
#include "plan-domain.h"
#include "plan-engine.h"
#include "plan-host.h"
#include "plan-target.h"
#include "share-request.h"

#endif
