/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-checks.c: the table of checks in order, and what the logs add */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing.h"
#include "doctor-priv.h"
#include "error.h"
#include "launch.h"

/* ---- the table ----------------------------------------------------------- */

/* The groups in the order doctor runs and shows them (doctor-check-*.c). */
static const struct doctor_check *const *const group_checks[] = {
	doctor_checks_libvirt, doctor_checks_memory, doctor_checks_hugepages,
	doctor_checks_daemon, doctor_checks_share, doctor_checks_security,
	doctor_checks_lifecycle,
};

/* The checks of all groups in one array, made on first use. */
static struct doctor_check *checks;
static size_t nchecks;

static void
checks_build(void)
{
	size_t n = 0;

	if (checks)
		return;
	for (size_t g = 0; g < ARRAY_SIZE(group_checks); g++)
		for (size_t i = 0; group_checks[g][i]; i++)
			n++;
	checks = xcalloc(n, sizeof(*checks));
	for (size_t g = 0; g < ARRAY_SIZE(group_checks); g++)
		for (size_t i = 0; group_checks[g][i]; i++)
			checks[nchecks++] = *group_checks[g][i];
}

/*
 * What to do when the last start failed with a check's message although
 * the facts look right now (the host changed since, or libvirt has not
 * seen the change yet).
 */
static const struct {
	const char *id;
	const char *fix;
} logged_fixes[] = {
	{"hugetlbfs-mount",
	 N_("libvirt looks for hugetlbfs mounts when it starts: restart "
	    "libvirtd (systemctl restart libvirtd) so that it sees the mount, "
	    "then start the domain again.")},
};

const struct doctor_check *
doctor_checks(size_t *n)
{
	checks_build();
	*n = nchecks;
	return checks;
}

const struct doctor_check *
doctor_check_find(const char *id)
{
	checks_build();
	for (size_t i = 0; i < nchecks; i++)
		if (STREQ(checks[i].id, id))
			return &checks[i];
	return NULL;
}

static const char *const verdict_names[] = {
	[DOCTOR_OK] = "ok",
	[DOCTOR_SKIPPED] = "skipped",
	[DOCTOR_WARNING] = "warning",
	[DOCTOR_ERROR] = "error",
};

const char *
doctor_verdict_name(enum doctor_verdict v)
{
	return verdict_names[v];
}

static const struct {
	const char *name;
	const char *title;
} groups[] = {
	[DOCTOR_GROUP_LIBVIRT] = {"libvirt", N_("libvirt and QEMU")},
	[DOCTOR_GROUP_MEMORY] = {"memory", N_("Guest memory")},
	[DOCTOR_GROUP_HUGEPAGES] = {"hugepages", N_("Hugepages")},
	[DOCTOR_GROUP_DAEMON] = {"daemon", N_("The virtiofs daemon")},
	[DOCTOR_GROUP_SHARE] = {"share", N_("Shares")},
	[DOCTOR_GROUP_SECURITY] = {"security", N_("SELinux and AppArmor")},
	[DOCTOR_GROUP_LIFECYCLE] = {"lifecycle",
				    N_("Running, snapshots, migration")},
};

const char *
doctor_group_name(enum doctor_group g)
{
	return groups[g].name;
}

const char *
doctor_group_title(enum doctor_group g)
{
	return _(groups[g].title);
}

/* ---- failures the logs show ---------------------------------------------- */

static const char *
logged_fix(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(logged_fixes); i++)
		if (STREQ(logged_fixes[i].id, id))
			return _(logged_fixes[i].fix);
	return NULL;
}

void
doctor_escalate(const struct doctor_facts *f, struct doctor_result *r)
{
	AUTOFREE char *now = steal_ptr(r->summary);
	const char *lf = logged_fix(r->check->id);

	doctor_verdict(r, DOCTOR_WARNING,
		       f->run.failed ? _("The last start failed with the "
					 "message quoted, though this looks "
					 "right now.")
				     : _("The logs show the message quoted, "
					 "though this looks right now."));
	doctor_detail(r, _("Now: %s"), now);
	free(steal_ptr(r->command));
	doctor_fix_clear(&r->action);
	if (lf)
		doctor_fix(r, "%s", lf);
	else
		doctor_fix(r, _("Start the domain again (virsh start %s); if "
				"it fails the same way, the lines quoted say "
				"why."),
			   f->domain);
}
