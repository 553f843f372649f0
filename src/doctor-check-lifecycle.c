/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-check-lifecycle.c: the checks of running, snapshots, migration */
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

/* Guest memory in one line, to compare two definitions. */
static char *
memory_print(const struct domxml *d)
{
	struct domxml_memory m;
	struct strbuf sb = STRBUF_INIT;

	domxml_memory(d, &m);
	sb_printf(&sb, "%s", domxml_memory_kind(&m));
	if (m.access)
		sb_printf(&sb, " access=%s", m.access);
	for (size_t i = 0; i < m.npages; i++)
		sb_printf(&sb, " page=%llu%s%s", ULL(m.pages[i].size_kib),
			  m.pages[i].nodeset ? "@" : "",
			  m.pages[i].nodeset ? m.pages[i].nodeset : "");
	for (size_t i = 0; i < m.ncells; i++)
		sb_printf(&sb, " cell%s=%s",
			  m.cells[i].id ? m.cells[i].id : "?",
			  m.cells[i].mem_access ? m.cells[i].mem_access : "-");
	domxml_memory_clear(&m);
	return sb_steal(&sb);
}

static bool
str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && STREQ(a, b));
}

static const struct domxml_share *
share_by_tag(const struct domxml_share *s, size_t n, const char *tag)
{
	for (size_t i = 0; i < n; i++)
		if (str_same(s[i].tag, tag))
			return &s[i];
	return NULL;
}

/* What the next cold boot changes: shares and memory. */
static void
pending_changes(const struct doctor_facts *f, struct strlist *out)
{
	AUTOFREE char *pm = memory_print(f->d), *lm = memory_print(f->live);

	for (size_t i = 0; i < f->nshares; i++) {
		const struct domxml_share *p = &f->shares[i];
		const struct domxml_share *l =
		    share_by_tag(f->live_shares, f->nlive, p->tag);

		if (!l)
			strlist_take(out, xasprintf(_("share '%s' is not in "
						      "the running guest"),
						    p->tag ? p->tag : ""));
		else if (!path_same(p->dir, l->dir) ||
			 !path_same(p->socket, l->socket) ||
			 (p->xattr && p->xattr != l->xattr) ||
			 (p->cache && !str_same(p->cache, l->cache)) ||
			 (p->binary && !str_same(p->binary, l->binary)) ||
			 (p->readonly && p->readonly != l->readonly))
			strlist_take(out, xasprintf(_("share '%s' runs with "
						      "other settings"),
						    p->tag ? p->tag : ""));
	}
	for (size_t i = 0; i < f->nlive; i++)
		if (!share_by_tag(f->shares, f->nshares, f->live_shares[i].tag))
			strlist_take(out,
				     xasprintf(_("share '%s' is removed but "
						 "still in the running guest"),
					       f->live_shares[i].tag
						   ? f->live_shares[i].tag
						   : ""));
	if (!STREQ(pm, lm))
		strlist_take(out, xasprintf(_("guest memory runs as '%1$s', "
					      "defined as '%2$s'"),
					    lm, pm));
}

static void
run_pending(const struct doctor_facts *f, struct doctor_result *r)
{
	struct strlist diffs = {0};
	struct strbuf sb = STRBUF_INIT;

	if (!f->live) {
		doctor_verdict(r, DOCTOR_SKIPPED, f->active
						      ? _("The definition was "
							  "read from a file.")
						      : _("The domain is not "
							  "running."));
		return;
	}
	pending_changes(f, &diffs);
	if (!diffs.n) {
		doctor_verdict(r, DOCTOR_OK,
			       _("The running guest has the shares and memory "
				 "of its definition."));
		return;
	}
	for (size_t i = 0; i < diffs.n; i++)
		sb_printf(&sb, "%s%s", i ? "; " : "", diffs.v[i]);
	doctor_verdict(r, DOCTOR_WARNING,
		       _("The running guest still has its old configuration: "
			 "%s."),
		       sb_str(&sb));
	doctor_fix(r, _("Shut the guest down and start it again (virsh "
			"shutdown %1$s, then virsh start %1$s): a reboot "
			"inside the guest keeps the old configuration."),
		   f->domain);
	sb_clear(&sb);
	strlist_clear(&diffs);
}

static const struct doctor_check check_pending = {
	.id = "config-pending",
	.group = DOCTOR_GROUP_LIFECYCLE,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = N_("the running (live) definition against the "
		       "persistent one: shares and memory"),
	.message = NULL,
	.cause = N_("A changed definition applies at the next start; "
		    "the running guest keeps the old one, even across "
		    "a reboot inside it."),
	.fix = N_("Shut the guest down and start it again."),
	.run = run_pending,
};

/* Why the guest cannot migrate with its shares, or NULL. Caller frees. */
static char *
migration_blocker(const struct doctor_facts *f)
{
	const struct doctor_env *e = f->env;
	const struct share_daemon *sd = f->nshares ? &f->daemons[0] : NULL;
	AUTOFREE char *v = NULL;
	unsigned a, b;

	if (!compat_allows(COMPAT_QEMU_MIGRATION, e->qemu_version)) {
		v = compat_version_str(e->qemu_version);
		return xasprintf(_("QEMU %s cannot migrate a vhost-user-fs "
				   "device (8.2 can, with virtiofsd 1.11)"),
				 v);
	}
	if (sd && sd->probe.version &&
	    sscanf(sd->probe.version, "virtiofsd %u.%u", &a, &b) == 2 &&
	    (a < 1 || (a == 1 && b < 11)))
		return xasprintf(_("%s cannot migrate its state (1.11 can)"),
				 sd->probe.version);
	if (sd && sd->probe.version &&
	    STRPREFIX(sd->probe.version, "virtiofsd version"))
		return xstrdup(_("QEMU's C virtiofsd cannot migrate its "
				 "state"));
	return NULL;
}

static void
run_migration(const struct doctor_facts *f, struct doctor_result *r)
{
	AUTOFREE char *blocker = NULL;

	if (!f->nshares) {
		doctor_verdict(r, DOCTOR_SKIPPED, _("The domain has no "
						    "virtiofs share."));
		return;
	}
	blocker = migration_blocker(f);
	if (f->snapshots > 0) {
		doctor_verdict(r, DOCTOR_WARNING,
			       _("The domain has %d snapshot(s); they do not "
				 "hold the shared directories: reverting one "
				 "leaves the files as they are now."),
			       f->snapshots);
		doctor_fix(r, _("Keep a copy of the shared directories with "
				"each snapshot (or snapshot their filesystem), "
				"and take disk-only snapshots while the share "
				"is attached (virsh snapshot-create-as %s "
				"--disk-only)."),
			   f->domain);
		if (blocker)
			doctor_detail(r, _("Also: %s."), blocker);
		doctor_message(r, "%s", "");
		return;
	}
	if (blocker) {
		doctor_verdict(r, DOCTOR_OK,
			       _("No snapshots. The guest cannot migrate while "
				 "the share is attached: %s."),
			       blocker);
		doctor_fix(r, _("Detach the share before migrating (virtshare "
				"unshare, then a cold boot), or shut the guest "
				"down and move it while it is off."));
		return;
	}
	doctor_verdict(r, f->snapshots < 0 ? DOCTOR_SKIPPED : DOCTOR_OK,
		       f->snapshots < 0 ? _("The snapshots could not be "
					    "counted.")
					: _("No snapshots, and nothing known "
					    "to keep the guest from "
					    "migrating."));
}

static const struct doctor_check check_migration = {
	.id = "migration",
	.group = DOCTOR_GROUP_LIFECYCLE,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = N_("snapshots of the domain, libvirt's, QEMU's and "
		       "the daemon's versions"),
	.message = "migration with virtiofs device is not supported",
	.patterns = {"migration with virtiofs device is not supported",
		     "State blocked by non-migratable device"},
	.cause = N_("Snapshots do not hold the shared files, and "
		    "migrating a guest with virtiofs needs QEMU 8.2 "
		    "and virtiofsd 1.11 or later."),
	.fix = N_("Back the shared directory up with the snapshots; "
		  "detach the share before migrating."),
	.run = run_migration,
};

const struct doctor_check *const doctor_checks_lifecycle[] = {
	&check_pending, &check_migration, NULL,
};
