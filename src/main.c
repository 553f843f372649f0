/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c: entry point of the `virtshare` command */
#include <signal.h>
#include <stdlib.h>

#include "cli.h"

int
main(int argc, char **argv)
{
	/* libvirt's remote driver writes to its ssh child and sockets; a
	 * peer that is gone must be an error it reports (EPIPE), not a
	 * death by signal (status 141), as libvirt asks of its clients.
	 * The same holds for a reader of our output that exits early:
	 * cli.c's finish() reports the failed write. Daemons virtshare
	 * starts get the default back (launch.c spawn_exec). */
	signal(SIGPIPE, SIG_IGN);
	i18n_init();
	exit(cli_main(argc, argv));
}
