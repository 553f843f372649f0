/* SPDX-License-Identifier: GPL-2.0-or-later */
/* domxml-priv.h: what the tests of domxml.c look at besides its contract */
#ifndef VS_DOMXML_PRIV_H
#define VS_DOMXML_PRIV_H

#include <stdbool.h>

#include "domxml.h"

/*
 * True when every node maps to its source text, so that unchanged parts
 * are written back exactly. Always true for what libvirt and people write;
 * false means the document is written in libvirt's own layout instead.
 */
bool domxml_exact(const struct domxml *d);

#endif
