/* SPDX-License-Identifier: GPL-2.0-or-later */
/* i18n.c: locale and message catalogue setup */
#include <stdlib.h>

#include "i18n.h"

void
i18n_init(void)
{
	const char *dir = getenv("VIRTSHARE_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, dir && *dir ? dir : LOCALEDIR);
	textdomain(PACKAGE);
}
