/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-check-libvirt.c: the checks of libvirt and QEMU */
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

static char *
version_str(unsigned long v)
{
	return v ? compat_version_str(v) : xstrdup(_("(unknown version)"));
}

static void
run_reachable(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct inspection *in = f->env->in;

	if (in->have_virt) {
		/* The URI heads the section already. */
		doctor_verdict(r, DOCTOR_OK, _("libvirt answers (its %s "
					       "driver)."),
			       in->virt.driver ? in->virt.driver : "?");
		return;
	}
	if (!in->virt_error) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("No libvirt connection: nothing to ask."));
		return;
	}
	doctor_verdict(r, DOCTOR_WARNING, _("libvirt cannot be reached: %s"),
		       in->virt_error);
	doctor_fix(r, _("Without libvirt only a domain XML file can be "
			"checked or edited (--xml FILE)."));
}

static const struct doctor_check check_reachable = {
	.id = "libvirt-answers",
	.group = DOCTOR_GROUP_LIBVIRT,
	.scope = DOCTOR_SCOPE_HOST,
	.looks_at = N_("the connection to libvirt"),
	.message = "failed to connect to the hypervisor",
	.cause = N_("libvirtd (or virtqemud) does not run, or the URI "
		    "names a libvirt that is not there or that refuses "
		    "this user."),
	.fix = N_("Start libvirtd or name the right URI with -c; a "
		  "domain XML file needs no libvirt (--xml FILE)."),
	.run = run_reachable,
};

static void
run_version(const struct doctor_facts *f, struct doctor_result *r)
{
	unsigned long have = f->env->libvirt_version;
	AUTOFREE char *v = NULL, *since = NULL;

	if (!doctor_have_libvirt(f, r))
		return;
	if (!have) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("libvirt does not say its version."));
		return;
	}
	v = compat_version_str(have);
	since = compat_version_str(compat_since(COMPAT_VIRTIOFS));
	if (compat_allows(COMPAT_VIRTIOFS, have)) {
		doctor_verdict(r, DOCTOR_OK, _("libvirt %s knows virtiofs."), v);
		return;
	}
	doctor_verdict(r, DOCTOR_ERROR,
		       _("libvirt %1$s is older than %2$s, which virtiofs "
			 "needs."),
		       v, since);
	doctor_fix(r, _("Upgrade libvirt to %s or later."), since);
}

static const struct doctor_check check_version = {
	.id = "libvirt-virtiofs",
	.group = DOCTOR_GROUP_LIBVIRT,
	.scope = DOCTOR_SCOPE_HOST,
	.looks_at = N_("libvirt's version"),
	.message = NULL,
	.cause = N_("libvirt knows virtiofs shares from 6.2 on."),
	.fix = N_("Upgrade libvirt to 6.2 or later."),
	.run = run_version,
};

static void
run_session(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct doctor_env *e = f->env;
	AUTOFREE char *v = NULL;

	if (!doctor_have_libvirt(f, r))
		return;
	v = version_str(e->libvirt_version);
	if (!e->session) {
		/* The URI heads the section already. */
		doctor_verdict(r, DOCTOR_OK,
			       _("The connection is not a session "
				 "connection."));
		return;
	}
	if (e->libvirt_version >= compat_since(COMPAT_SESSION)) {
		doctor_verdict(r, DOCTOR_OK,
			       _("libvirt %s runs virtiofs in session "
				 "mode."), v);
		return;
	}
	doctor_verdict(r, DOCTOR_ERROR,
		       _("libvirt %s cannot run virtiofs in session mode (%s); "
			 "10.0 is the first that can."),
		       v, e->in->virt.uri);
	doctor_fix(r, _("Connect to the system instance (-c qemu:///system), "
			"where libvirt starts the daemon as root, or upgrade "
			"libvirt to 10.0 or later."));
}

static const struct doctor_check check_session = {
	.id = "session-mode",
	.group = DOCTOR_GROUP_LIBVIRT,
	.scope = DOCTOR_SCOPE_HOST,
	.looks_at = N_("the connection URI and libvirt's version"),
	.message = "virtiofs is not yet supported in session mode",
	.patterns = {"virtiofs is not yet supported in session mode"},
	.cause = N_("libvirt before 10.0 runs virtiofs only from its "
		    "system instance, where the daemon runs as root."),
	.fix = N_("Connect to qemu:///system, or upgrade libvirt to "
		  "10.0 or later."),
	.run = run_session,
};

static void
run_qemu_fs(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct virt_info *v = &f->env->in->virt;

	if (!doctor_have_domcaps(f, r))
		return;
	if (strlist_has(&v->fs_drivers, "virtiofs")) {
		doctor_verdict(r, DOCTOR_OK, _("QEMU (%s) has virtiofs."),
			       v->emulator ? v->emulator : "?");
		return;
	}
	doctor_verdict(r, DOCTOR_ERROR,
		       _("QEMU (%s) has no virtiofs: its vhost-user-fs device "
			 "is missing."),
		       v->emulator ? v->emulator : "?");
	doctor_fix(r, _("Install a QEMU with vhost-user-fs, 4.2 or later "
			"(Debian: apt install qemu-system-x86), and restart "
			"libvirtd."));
}

static const struct doctor_check check_qemu_fs = {
	.id = "qemu-virtiofs",
	.group = DOCTOR_GROUP_LIBVIRT,
	.scope = DOCTOR_SCOPE_HOST,
	.looks_at = N_("the filesystem driverType values of libvirt's "
		       "domain capabilities"),
	.message = "virtiofs is not supported with this QEMU binary",
	.patterns = {"virtiofs is not supported with this QEMU binary"},
	.cause = N_("The QEMU binary has no vhost-user-fs device (QEMU "
		    "4.2 and later have it)."),
	.fix = N_("Install a QEMU with vhost-user-fs (Debian: "
		  "qemu-system-x86) and restart libvirtd."),
	.run = run_qemu_fs,
};

static void
run_qemu_conf(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct inspection *in = f->env->in;

	if (!doctor_host_local(f, r))
		return;
	if (in->qemu_error) {
		doctor_verdict(r, DOCTOR_ERROR,
			       _("libvirt cannot read %s, so its QEMU driver "
				 "does not start."),
			       in->qemu.path ? in->qemu.path : QEMUCONF_PATH);
		doctor_detail(r, "%s", in->qemu_error);
		doctor_fix(r, _("Correct the file where the message says and "
				"restart libvirtd."));
		return;
	}
	if (!in->qemu.present)
		doctor_verdict(r, DOCTOR_OK,
			       _("%s does not exist: libvirt's defaults "
				 "apply."),
			       QEMUCONF_PATH);
	else
		doctor_verdict(r, DOCTOR_OK, _("%s is valid."), QEMUCONF_PATH);
}

static const struct doctor_check check_qemu_conf = {
	.id = "qemu-conf",
	.group = DOCTOR_GROUP_LIBVIRT,
	.scope = DOCTOR_SCOPE_HOST,
	.looks_at = N_("/etc/libvirt/qemu.conf"),
	.message = "configuration file syntax error",
	.patterns = {"configuration file syntax error"},
	.cause = N_("libvirt's QEMU driver does not start when it "
		    "cannot read qemu.conf."),
	.fix = N_("Correct qemu.conf at the line named and restart "
		  "libvirtd."),
	.run = run_qemu_conf,
};

const struct doctor_check *const doctor_checks_libvirt[] = {
	&check_reachable, &check_version, &check_session, &check_qemu_fs,
	&check_qemu_conf, NULL,
};
