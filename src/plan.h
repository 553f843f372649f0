/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan.h: the whole plan, for those who build and apply one */
#ifndef VS_PLAN_H
#define VS_PLAN_H

/*
 * The CLI, `apply FILE.ini`, doctor and the wizard include this one
 * header. The parts depend on each other in one direction only, and no
 * part includes this header:
 *
 *   plan-domain.h -> plan-host.h, plan-target.h, share-request.h
 *   plan-domain.c, plan-host.c -> plan-engine.h (the step engine)
 */
#include "plan-domain.h"
#include "plan-engine.h"
#include "plan-host.h"
#include "plan-target.h"
#include "share-request.h"

#endif
