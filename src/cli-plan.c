/* cli-plan.c: where a domain is, and showing, confirming and applying a plan */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "plan.h"

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

/* Ask on the terminal; true for yes. */
static bool
confirm(void)
{
	char line[64];

	fputs(_("Apply these changes? [y/N] "), stdout);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	str_trim(line);
	/* TRANSLATORS: the answers that mean yes, lower case. */
	return STREQ(line, "y") || STREQ(line, "yes") || STREQ(line, _("y")) ||
	       STREQ(line, _("yes"));
}

int
cli_plan_run(struct cli *cli, struct plan *p, bool dry_run, bool yes)
{
	AUTOFREE char *text = plan_render(p);
	struct plan_ctx ctx = {.statedir = plan_statedir()};
	struct strlist done = {0};

	cli_out(text);
	if (!plan_changes(p))
		return EXIT_OK;
	if (dry_run) {
		cli_out(_("Dry run: nothing was changed.\n"));
		return EXIT_OK;
	}
	if (!yes && !isatty(STDIN_FILENO))
		return vs_error(VS_ERR_USAGE,
				_("Not changing anything without a yes, and "
				  "standard input is not a terminal to ask on. "
				  "Add --yes to apply the changes shown, or "
				  "--dry-run to only show them."));
	if (!yes && !confirm()) {
		cli_out(_("Nothing was changed.\n"));
		return EXIT_FAILED;
	}
	if (plan_apply(p, &ctx, &done) < 0)
		return -1;
	for (size_t i = 0; i < done.n; i++)
		printf("%s\n", done.v[i]);
	strlist_clear(&done);
	return EXIT_OK;
}
