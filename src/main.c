/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c: entry point of the `virtshare` command */
#include <stdlib.h>

#include "cli.h"

int
main(int argc, char **argv)
{
	i18n_init();
	exit(cli_main(argc, argv));
}
