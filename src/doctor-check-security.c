/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-check-security.c: the checks of denials of SELinux, AppArmor */
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

static void
run_denials(const struct doctor_facts *f, struct doctor_result *r)
{
	bool apparmor = false, selinux = false;
	AUTOFREE char *tried = NULL;

	if (!f->nshares) {
		doctor_verdict(r, DOCTOR_SKIPPED, _("The domain has no "
						    "virtiofs share."));
		return;
	}
	if (!doctor_host_local(f, r))
		return;
	if (!f->security_read) {
		struct strbuf sb = STRBUF_INIT;

		for (size_t i = 0; i < f->security_tried.n; i++)
			sb_printf(&sb, "%s%s", i ? ", " : "",
				  f->security_tried.v[i]);
		tried = sb_steal(&sb);
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("No audit or kernel log could be read "
				 "(%s)."), tried);
		return;
	}
	for (size_t i = 0; i < f->nlogs; i++)
		for (size_t j = 0; f->logs[i].kind == LOG_SECURITY &&
				   j < f->logs[i].lines.n;
		     j++) {
			const char *line = f->logs[i].lines.v[j];

			apparmor |= strstr(line, "apparmor=") != NULL;
			selinux |= strstr(line, "avc:") != NULL;
		}
	if (!apparmor && !selinux) {
		doctor_verdict(r, DOCTOR_OK,
			       _("No SELinux or AppArmor denial names this "
				 "domain or its shares."));
		return;
	}
	doctor_verdict(r, DOCTOR_ERROR,
		       apparmor ? _("AppArmor denied QEMU or the daemon what "
				    "virtiofs needs (quoted).")
				: _("SELinux denied QEMU or the daemon what "
				    "virtiofs needs (quoted)."));
	if (apparmor)
		doctor_fix(r,
			   _("Allow the path of the denial: add a line such as "
			     "'\"/run/virtshare/**\" rw,' (the path quoted) to "
			     "/etc/apparmor.d/local/abstractions/libvirt-qemu "
			     "and reload AppArmor (systemctl reload apparmor); "
			     "or keep sockets below /run/libvirt or "
			     "/var/lib/libvirt/qemu, which the profile "
			     "allows."));
	else
		doctor_fix(r, _("Label what was denied for QEMU (for a socket: "
				"chcon -t svirt_image_t SOCKET, or semanage "
				"fcontext for a lasting rule), or keep sockets "
				"below /var/lib/libvirt/qemu; 'ausearch -m avc "
				"-ts recent' lists the denials."));
}

static const struct doctor_check check_denials = {
	.id = "denials",
	.group = DOCTOR_GROUP_SECURITY,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = N_("/var/log/audit/audit.log, /var/log/kern.log, "
		       "the kernel's messages (/dev/kmsg)"),
	.message = "avc:  denied  { connectto }",
	.patterns = {"avc:*denied", "apparmor=\"DENIED\""},
	.cause = N_("SELinux or AppArmor keeps QEMU from the daemon's "
		    "socket or the daemon from the directory; QEMU "
		    "then sees the daemon hang up (\"Failed to read "
		    "msg header. Read 0 instead of 12\")."),
	.fix = N_("Allow it in the policy (AppArmor: "
		  "/etc/apparmor.d/local/abstractions/libvirt-qemu; "
		  "SELinux: the socket's label), or keep sockets where "
		  "the policy allows."),
	.run = run_denials,
};

const struct doctor_check *const doctor_checks_security[] = {
	&check_denials, NULL,
};
