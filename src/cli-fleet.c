/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli-fleet.c: what apply and doctor share for a file of several hosts */
#include <stdio.h>
#include <unistd.h>

#include "cfg.h"
#include "cli.h"
#include "error.h"
#include "fleet.h"

int
cli_jobs(const char *arg, unsigned *jobs)
{
	int n;

	if (str_to_int(arg, &n) < 0 || n < 1 || n > CLI_JOBS_MAX)
		return vs_error(VS_ERR_USAGE,
				_("--jobs takes a number of hosts from 1 to "
				  "%1$d, not '%2$s'."),
				CLI_JOBS_MAX, arg);
	*jobs = (unsigned)n;
	return 0;
}

int
cli_fleet_check(const struct cli *cli, const struct cfg *c)
{
	if (cli->uri_given && !cli->uri_from_env)
		return vs_error(VS_ERR_USAGE,
				_("%s names its hosts in [host NAME] sections, "
				  "each with its uri: -c and --demo do not go "
				  "with it."),
				c->file);
	/* As for -c: a remote host is read through libvirt only. */
	for (size_t i = 0; !root_is_host(cli->root) && i < c->nhosts; i++)
		if (virt_uri_is_remote(c->hosts[i].uri))
			return vs_error(VS_ERR_USAGE,
					_("--root %1$s reads a host tree on "
					  "this machine, but host %2$s of %3$s "
					  "is another host, read through "
					  "libvirt. Drop --root."),
					cli->root, c->hosts[i].name, c->file);
	return 0;
}

/* One line per thing begun: the threads of several hosts take turns. */
static void
progress_line(void *arg, size_t i, size_t n, const char *host,
	      const char *domain, const char *what)
{
	(void)arg;
	if (domain)
		fprintf(stderr, _("[host %1$zu of %2$zu: %3$s] %4$s: %5$s\n"),
			i + 1, n, host, domain, what);
	else
		fprintf(stderr, _("[host %1$zu of %2$zu: %3$s] %4$s\n"), i + 1,
			n, host, what);
}

void
cli_fleet_progress(struct fleet *f, bool quiet)
{
	if (quiet || !isatty(STDERR_FILENO))
		return;
	f->progress = progress_line;
}
