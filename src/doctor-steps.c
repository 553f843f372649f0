/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-steps.c: the plan steps of doctor --fix: mounts, daemons */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "launch.h"
#include "doctor-steps.h"

/* ---- hugetlbfs mounts ---------------------------------------------------- */

struct mount_step {
	uint64_t size_kib;
	char *mounted; /* what apply mounted, for revert */
};

static void
mount_step_free(void *data)
{
	struct mount_step *ms = data;

	if (!ms)
		return;
	free(ms->mounted);
	free(ms);
}

static bool
mount_changes(const struct plan_step *s)
{
	return true;
}

static int
mount_apply(struct plan_step *s, const struct plan_ctx *ctx,
	    struct strlist *done)
{
	struct mount_step *ms = s->data;
	AUTOPTR(host_info) h = host_read("/", 0);
	AUTOFREE char *dir = NULL, *size = size_format_kib(ms->size_kib);
	AUTOFREE char *fstab = NULL;
	bool created;

	if (pages_mount(h, ms->size_kib, NULL, &dir, &created) < 0)
		return -1;
	if (!created) {
		strlist_take(done, xasprintf(_("hugetlbfs for %1$s pages was "
					       "already mounted on %2$s."),
					     size, dir));
		return 0;
	}
	fstab = pages_fstab_line(dir, ms->size_kib);
	strlist_take(done, xasprintf(_("Mounted hugetlbfs for %1$s pages on "
				       "%2$s. Add '%3$s' to /etc/fstab to "
				       "mount it at boot, and restart libvirtd "
				       "so that it sees the mount."),
				     size, dir, fstab));
	ms->mounted = steal_ptr(dir);
	return 0;
}

static int
mount_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	struct mount_step *ms = s->data;

	if (!ms->mounted || host_umount(ms->mounted) < 0)
		return ms->mounted ? -1 : 0;
	free(steal_ptr(ms->mounted));
	return 0;
}

static const struct plan_step_ops mount_step_ops = {
	.kind = "hugetlbfs-mount",
	.phase = PLAN_PHASE_HOST,
	.changes = mount_changes,
	.apply = mount_apply,
	.revert = mount_revert,
	.free = mount_step_free,
};

void
doctor_plan_mount(struct plan *p, uint64_t size_kib)
{
	struct mount_step *ms = xcalloc(1, sizeof(*ms));
	AUTOFREE char *size = size_format_kib(size_kib);

	ms->size_kib = size_kib;
	plan_step_add(p, &mount_step_ops, ms,
		      xasprintf(_("Mount hugetlbfs for %s pages"), size));
}

/* ---- daemons ------------------------------------------------------------- */

struct daemon_step {
	char *name;
	bool was_running;
	bool started;
};

static void
daemon_step_free(void *data)
{
	struct daemon_step *ds = data;

	if (!ds)
		return;
	free(ds->name);
	free(ds);
}

static bool
daemon_changes(const struct plan_step *s)
{
	return true;
}

static int
daemon_apply(struct plan_step *s, const struct plan_ctx *ctx,
	     struct strlist *done)
{
	struct daemon_step *ds = s->data;
	AUTOPTR(launch_status) before = launch_status_read(ds->name);
	AUTOPTR(launch_status) st = NULL;

	if (!before)
		return -1;
	ds->was_running = before->state == LAUNCH_RUNNING;
	if (!(st = launch_restart(ds->name, 0, 0)))
		return -1;
	ds->started = true;
	strlist_take(done, xasprintf(_("The daemon of %1$s runs (pid %2$d) "
				       "and listens on %3$s."),
				     ds->name, st->pid, st->spec.socket));
	return 0;
}

static int
daemon_revert(struct plan_step *s, const struct plan_ctx *ctx)
{
	struct daemon_step *ds = s->data;

	if (!ds->started || ds->was_running)
		return 0;
	ds->started = false;
	return launch_stop(ds->name, 0, NULL);
}

static const struct plan_step_ops daemon_step_ops = {
	.kind = "daemon",
	.phase = PLAN_PHASE_START,
	.changes = daemon_changes,
	.apply = daemon_apply,
	.revert = daemon_revert,
	.free = daemon_step_free,
};

void
doctor_plan_daemon(struct plan *p, const char *name)
{
	struct daemon_step *ds = xcalloc(1, sizeof(*ds));

	ds->name = xstrdup(name);
	plan_step_add(p, &daemon_step_ops, ds,
		      xasprintf(_("Start the daemon of %s again"), name));
}
