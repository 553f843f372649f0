/* i18n.c: locale and message catalogue setup */
#include "i18n.h"

void
i18n_init(void)
{
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);
}
