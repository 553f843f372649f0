/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli-plan.c: options anywhere, where a domain is, plans shown and applied */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "plan.h"

/* How many argv elements the option at argv[i] takes (1 or 2); 0 when
 * it is not an option. */
static int
option_width(char **argv, int argc, int i, const char *shortopts,
	     const struct option *longopts)
{
	const char *a = argv[i];
	const struct option *match = NULL;
	size_t len;
	int nmatch = 0;

	if (a[0] != '-' || !a[1])
		return 0;
	if (a[1] != '-') {
		/* A cluster of short options; one taking a value ends it. */
		for (const char *c = a + 1; *c; c++) {
			const char *o = strchr(shortopts, *c);

			if (o && o[1] == ':')
				return c[1] || i + 1 >= argc ? 1 : 2;
		}
		return 1;
	}
	len = strcspn(a + 2, "=");
	for (const struct option *o = longopts; o->name; o++) {
		if (strncmp(o->name, a + 2, len) != 0)
			continue;
		if (strlen(o->name) == len) {
			match = o;
			nmatch = 1;
			break;
		}
		/* getopt takes an unambiguous abbreviation. */
		match = o;
		nmatch++;
	}
	if (nmatch != 1 || match->has_arg != required_argument || a[2 + len])
		return 1;
	return i + 1 < argc ? 2 : 1;
}

void
cli_options_first(int argc, char **argv, const char *shortopts,
		  const struct option *longopts)
{
	AUTOFREE char **out = xcalloc((size_t)argc + 1, sizeof(*out));
	AUTOFREE char **args = xcalloc((size_t)argc + 1, sizeof(*args));
	AUTOFREE char *shorts = xasprintf("c:h%s", shortopts);
	int n = 0, nargs = 0, i = 1;

	out[n++] = argv[0];
	while (i < argc && !STREQ(argv[i], "--")) {
		int w = option_width(argv, argc, i, shorts, longopts);

		if (!w)
			args[nargs++] = argv[i++];
		while (w-- > 0)
			out[n++] = argv[i++];
	}
	/* getopt drops a "--" before the arguments. */
	if (i < argc)
		out[n++] = argv[i++];
	for (int k = 0; k < nargs; k++)
		out[n++] = args[k];
	while (i < argc)
		out[n++] = argv[i++];
	memcpy(argv, out, (size_t)argc * sizeof(*argv));
}

struct plan_target *
cli_target(struct cli *cli, const char *domain, const char *xml_file)
{
	struct virt_conn *conn;

	if (xml_file)
		return plan_target_file(xml_file, domain);
	if (!(conn = cli_connect(cli)))
		return NULL;
	return plan_target_libvirt(conn, domain);
}

int
cli_confirm(bool yes, const char *question)
{
	char line[64];
	bool agreed;

	if (yes)
		return 1;
	if (!isatty(STDIN_FILENO))
		return vs_error(VS_ERR_USAGE,
				_("Not changing anything without a yes, and "
				  "standard input is not a terminal to ask on. "
				  "Add --yes to apply the changes shown, or "
				  "--dry-run to only show them."));
	printf("%s ", question);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		line[0] = '\0';
	str_trim(line);
	/* TRANSLATORS: the answers that mean yes, lower case. */
	agreed = STREQ(line, "y") || STREQ(line, "yes") ||
		 STREQ(line, _("y")) || STREQ(line, _("yes"));
	if (!agreed)
		cli_out(_("Nothing was changed.\n"));
	return agreed;
}

int
cli_plan_run(struct cli *cli, struct plan *p, bool dry_run, bool yes)
{
	AUTOFREE char *text = plan_render(p);

	cli_out(text);
	return cli_plan_apply(cli, p, dry_run, yes);
}

int
cli_plan_apply(struct cli *cli, struct plan *p, bool dry_run, bool yes)
{
	struct plan_ctx ctx = {.statedir = plan_statedir()};
	struct strlist done = {0};
	int go;

	if (!plan_changes(p))
		return EXIT_OK;
	if (dry_run) {
		cli_out(_("Dry run: nothing was changed.\n"));
		return EXIT_OK;
	}
	if (cli->demo && plan_changes_host(p))
		return vs_error(VS_ERR_UNSUPPORTED,
				_("The demo changes nothing on this host, and "
				  "this plan would start or stop virtiofs "
				  "daemons or change hugepage pools. Add "
				  "--dry-run to only see it."));
	if ((go = cli_confirm(yes, _("Apply these changes? [y/N]"))) <= 0)
		return go < 0 ? -1 : EXIT_FAILED;
	if (plan_apply(p, &ctx, &done) < 0) {
		/* The error says what was taken back, and what stays. */
		strlist_clear(&done);
		return -1;
	}
	for (size_t i = 0; i < done.n; i++)
		printf("%s\n", done.v[i]);
	strlist_clear(&done);
	return EXIT_OK;
}
