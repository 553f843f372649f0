/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-check-live.c: can a share be hot-plugged now, and is it mounted */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "agent-list.h"
#include "agent.h"
#include "doctor-priv.h"
#include "error.h"
#include "hotplug.h"

/* The running guest's XML through hotplug_check() for any tag: what a
 * live attach would run into. */
static void
run_hotplug(const struct doctor_facts *f, struct doctor_result *r)
{
	AUTOFREE char *xml = NULL;
	xmlDocPtr doc;
	struct hotplug_check c;
	struct strbuf why = STRBUF_INIT;

	/* Only a running guest takes a share live. */
	if (!f->live) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("The domain is not running."));
		return;
	}
	if (f->env->conn && virt_is_test(f->env->conn)) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("libvirt's test driver has no live devices."));
		return;
	}
	xml = domxml_format(f->live);
	doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOWARNING |
				XML_PARSE_NOERROR);
	if (hotplug_check(doc, NULL, f->env->libvirt_version, &c) < 0) {
		xmlFreeDoc(doc);
		doctor_verdict(r, DOCTOR_SKIPPED, "%s", vs_error_message());
		vs_error_reset();
		return;
	}
	xmlFreeDoc(doc);
	if (f->env->conn)
		hotplug_check_cgroup(&c,
				     virt_domain_cgroups(f->env->conn, f->domain));
	for (size_t i = 0; i < c.n; i++)
		if (c.findings[i].blocks)
			sb_printf(&why, "%s%s", why.len ? " " : "",
				  c.findings[i].reason);
	if (hotplug_ready(&c))
		doctor_verdict(r, DOCTOR_OK,
			       _("The running guest can take a hot-plugged "
				 "share now."));
	else
		doctor_verdict(r, DOCTOR_WARNING,
			       _("A share cannot be hot-plugged into this "
				 "guest: %s"),
			       sb_str(&why));
	for (size_t i = 0; i < c.n; i++)
		if (!c.findings[i].blocks)
			doctor_detail(r, "%s", c.findings[i].reason);
	sb_clear(&why);
	hotplug_check_clear(&c);
}

static const struct doctor_check check_hotplug = {
	.id = "hotplug",
	.group = DOCTOR_GROUP_LIFECYCLE,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = N_("the running definition: ACPI, "
		       "free PCIe root ports, i440fx hot-plug, the guest "
		       "agent channel; libvirt's version; whether libvirt "
		       "runs the guest in a cgroup"),
	.message = "Bus 'pci.0' does not support hotplugging",
	.patterns = {"does not support hotplugging",
		     "No more available PCI slots"},
	.cause = N_("A hot-plugged device needs ACPI PCI hot-plug in the "
		    "guest and a free slot: on q35 a free pcie-root-port."),
	.fix = N_("Add <acpi/> to <features> and spare pcie-root-port "
		  "controllers to the definition (virtshare share adds "
		  "them with the share: --root-ports N, or root_ports = N "
		  "in an INI file's [domain] section), then shut the guest "
		  "down and start it once (share --restart); until then, "
		  "share with --config-only."),
	.run = run_hotplug,
};

/* The running guest's virtiofs mounts, through its agent. */
static void
run_mounted(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct doctor_env *env = f->env;
	AUTOPTR(agent) a = NULL;
	struct agent_list l;
	struct strbuf missing = STRBUF_INIT;

	if (!f->live || !env->conn) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("The domain is not running."));
		return;
	}
	if (!env->agent_open && virt_is_test(env->conn)) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("libvirt's test driver has no guest agent."));
		return;
	}
	if (!f->nlive) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("The running guest has no virtiofs share."));
		return;
	}
	a = env->agent_open ? env->agent_open(env, f->domain)
			    : agent_open(env->conn, f->domain);
	agent_list_read(a, &l);
	if (l.state == AGENT_LIST_WINDOWS) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("The guest runs Windows: its mounts cannot be "
				 "read through the guest agent."));
		doctor_detail(r, _("In the guest, check that the VirtIO-FS "
				   "service (virtio-win viofs driver and "
				   "WinFsp) runs: it shows each share it "
				   "mounts as a drive letter."));
		agent_list_clear(&l);
		return;
	}
	if (l.state == AGENT_LIST_UNKNOWN) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("Whether the guest has the shares mounted is "
				 "not known: %s"),
			       l.why);
		agent_list_clear(&l);
		return;
	}
	for (size_t i = 0; i < f->nlive; i++) {
		const char *tag = f->live_shares[i].tag;
		AUTOFREE char *on = agent_list_dirs(&l, tag);

		if (tag && *on)
			doctor_detail(r, _("'%1$s' is mounted on %2$s."), tag,
				      on);
		else if (tag)
			sb_printf(&missing, "%s'%s'", missing.len ? ", " : "",
				  tag);
	}
	agent_list_clear(&l);
	if (!missing.len) {
		doctor_verdict(r, DOCTOR_OK,
			       _("The running guest has every share mounted."));
		return;
	}
	doctor_verdict(r, DOCTOR_WARNING,
		       _("The running guest has not mounted %s."),
		       sb_str(&missing));
	doctor_fix(r, _("Mount it: virtshare mount %1$s TAG DIR --persist"),
		   f->domain);
	sb_clear(&missing);
}

static const struct doctor_check check_mounted = {
	.id = "guest-mounts",
	.group = DOCTOR_GROUP_LIFECYCLE,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = N_("the running guest's /proc/mounts, through the QEMU "
		       "guest agent (not on Windows guests)"),
	.message = NULL,
	.cause = N_("A share reaches the guest as a device; the guest still "
		    "has to mount it."),
	.fix = N_("virtshare mount DOMAIN TAG DIR --persist, or a line "
		  "'TAG DIR virtiofs defaults,nofail 0 0' in the guest's "
		  "/etc/fstab."),
	.run = run_mounted,
};

const struct doctor_check *const doctor_checks_live[] = {
	&check_hotplug, &check_mounted, NULL,
};
