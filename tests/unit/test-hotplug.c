/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-hotplug.c: hot-plug readiness of live domain XML fixtures */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "compat.h"
#include "error.h"
#include "hotplug.h"
#include "tap.h"
#include "util.h"
#include "virt.h"

#define V_9_0 9000000UL
#define V_7_8 7008000UL

static const struct hp_case {
	const char *file;     /* in tests/data/hotplug */
	const char *tag;
	unsigned long version;
	enum hotplug_machine machine;
	bool acpi;
	unsigned ports, free_ports;
	bool agent;
	int connected;
	bool ready;
	const char *findings; /* names, comma separated, in order */
} cases[] = {
	{"q35-ready.xml", "vsa", V_9_0, HOTPLUG_MACHINE_Q35, true, 4, 1, true,
	 1, true, ""},
	{"q35-ready.xml", "vsb", V_9_0, HOTPLUG_MACHINE_Q35, true, 4, 1, true,
	 1, false, "HOTPLUG_TAG_TAKEN"},
	{"q35-ready.xml", NULL, V_7_8, HOTPLUG_MACHINE_Q35, true, 4, 1, true,
	 1, false, "HOTPLUG_LIBVIRT_OLD"},
	{"q35-ready.xml", NULL, COMPAT_VERSION(7, 9, 0), HOTPLUG_MACHINE_Q35,
	 true, 4, 1, true, 1, true, ""},
	{"q35-ready.xml", NULL, 0, HOTPLUG_MACHINE_Q35, true, 4, 1, true, 1,
	 true, ""},
	/* the host address of a passed-through NIC is no guest bus */
	{"q35-hostdev-iface.xml", "vsa", V_9_0, HOTPLUG_MACHINE_Q35, true, 5, 1,
	 true, 1, true, ""},
	{"q35-noacpi.xml", "vsa", V_9_0, HOTPLUG_MACHINE_Q35, false, 4, 1, true,
	 1, false, "HOTPLUG_NO_ACPI"},
	{"q35-full.xml", "vsa", V_9_0, HOTPLUG_MACHINE_Q35, true, 3, 0, true, 1,
	 false, "HOTPLUG_NO_ROOT_PORT"},
	{"q35-hotplug-off.xml", "vsa", V_9_0, HOTPLUG_MACHINE_Q35, true, 4, 0,
	 true, 1, false, "HOTPLUG_NO_ROOT_PORT"},
	{"q35-noagent.xml", "vsa", V_9_0, HOTPLUG_MACHINE_Q35, true, 4, 2,
	 false, -1, true, "HOTPLUG_NO_AGENT"},
	{"q35-agent-disconnected.xml", "vsa", V_9_0, HOTPLUG_MACHINE_Q35, true,
	 4, 1, true, 0, true, "HOTPLUG_AGENT_DISCONNECTED"},
	{"q35-defined-noports.xml", "vsa", V_9_0, HOTPLUG_MACHINE_Q35, true, 0,
	 0, true, -1, false, "HOTPLUG_NO_ROOT_PORT"},
	{"pc-ready.xml", "vsa", V_9_0, HOTPLUG_MACHINE_I440FX, true, 0, 0, true,
	 0, true, "HOTPLUG_AGENT_DISCONNECTED"},
	{"pc-short-name.xml", "vsa", V_9_0, HOTPLUG_MACHINE_I440FX, true, 0, 0,
	 true, 0, true, "HOTPLUG_AGENT_DISCONNECTED"},
	{"pc-noacpi.xml", "vsa", V_7_8, HOTPLUG_MACHINE_I440FX, false, 0, 0,
	 true, 1, false, "HOTPLUG_LIBVIRT_OLD,HOTPLUG_NO_ACPI"},
	{"pc-root-hotplug-off.xml", "vsa", V_9_0, HOTPLUG_MACHINE_I440FX, true,
	 0, 0, true, 1, false, "HOTPLUG_ROOT_HOTPLUG_OFF"},
	{"aarch64-virt.xml", "vsa", V_9_0, HOTPLUG_MACHINE_OTHER, false, 1, 1,
	 true, 1, true, "HOTPLUG_MACHINE_UNKNOWN"},
};

static char *
data_path(const char *name)
{
	const char *src = getenv("top_srcdir");

	return xasprintf("%s/tests/data/hotplug/%s", src ? src : ".", name);
}

static xmlDocPtr
load(const char *name)
{
	AUTOFREE char *path = data_path(name);

	return xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
}

static char *
names(const struct hotplug_check *c)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add(&sb, "");
	for (size_t i = 0; i < c->n; i++)
		sb_printf(&sb, "%s%s", i ? "," : "",
			  hotplug_what_name(c->findings[i].what));
	return sb_steal(&sb);
}

static void
run_case(const struct hp_case *t)
{
	xmlDocPtr doc = load(t->file);
	struct hotplug_check c;
	AUTOFREE char *got = NULL;
	const char *n = t->file;

	if (!tap_ok(doc != NULL, "%s: the fixture parses", n))
		return;
	tap_is_int(hotplug_check(doc, t->tag, t->version, &c), 0,
		   "%s (tag %s): checked", n, t->tag ? t->tag : "none");
	got = names(&c);
	tap_is_str(got, t->findings, "%s (tag %s, libvirt %lu): findings", n,
		   t->tag ? t->tag : "none", t->version);
	tap_is_int(c.machine, t->machine, "%s: machine kind", n);
	tap_is_int(c.acpi, t->acpi, "%s: acpi", n);
	tap_is_int(c.root_ports, t->ports, "%s: root ports", n);
	tap_is_int(c.free_root_ports, t->free_ports, "%s: free root ports", n);
	tap_is_int(c.agent, t->agent, "%s: agent channel", n);
	tap_is_int(c.agent_connected, t->connected, "%s: agent state", n);
	tap_is_int(hotplug_ready(&c), t->ready, "%s: ready", n);
	for (size_t i = 0; i < c.n; i++)
		tap_ok(c.findings[i].reason && *c.findings[i].reason,
		       "%s: %s has a reason (%s)", n,
		       hotplug_what_name(c.findings[i].what),
		       c.findings[i].reason);
	hotplug_check_clear(&c);
	xmlFreeDoc(doc);
}

/*
 * A domain without cgroup blocks a daemon libvirt starts (libvirt 9.0
 * segfaults): hotplug_check_cgroup() with what virt_domain_cgroups()
 * says.
 */
static void
test_cgroup(void)
{
	xmlDocPtr doc = load("q35-ready.xml");
	struct hotplug_check c;
	const struct hotplug_finding *f;
	struct virt_conn *conn;

	hotplug_check(doc, "vsa", V_9_0, &c);
	tap_ok(hotplug_ready(&c), "cgroup: q35-ready is ready");
	hotplug_check_cgroup(&c, 1);
	hotplug_check_cgroup(&c, -1);
	tap_ok(hotplug_ready(&c) && !hotplug_find(&c, HOTPLUG_NO_CGROUP),
	       "cgroup: one, or libvirt does not tell: still ready");
	hotplug_check_cgroup(&c, 0);
	hotplug_check_cgroup(&c, 0);
	f = hotplug_find(&c, HOTPLUG_NO_CGROUP);
	tap_ok(f && f->blocks && !hotplug_ready(&c),
	       "cgroup: none blocks the attach");
	tap_ok(f && strstr(f->reason, "cgroup_controllers") &&
		   strstr(f->reason, "--socket") &&
		   strstr(f->reason, "--restart"),
	       "cgroup: the reason says why and what to do (%s)",
	       f ? f->reason : "none");
	tap_is_int(c.n, 1, "cgroup: added once");
	tap_is_str(hotplug_what_name(HOTPLUG_NO_CGROUP), "HOTPLUG_NO_CGROUP",
		   "cgroup: its name");
	hotplug_check_clear(&c);
	xmlFreeDoc(doc);

	/* The test driver answers the scheduler type: a cgroup, as far as
	 * libvirt tells. */
	conn = virt_open("test:///default", 0);
	tap_is_int(conn ? virt_domain_cgroups(conn, "test") : -2, 1,
		   "virt_domain_cgroups: test:///default's 'test' answers");
	tap_is_int(conn ? virt_domain_cgroups(conn, "nosuch") : -2, -1,
		   "virt_domain_cgroups: no such domain: cannot tell");
	tap_is_int(vs_error_code(), VS_OK, "... and nothing reported");
	virt_conn_free(conn);
}

int
main(void)
{
	xmlDocPtr doc;
	struct hotplug_check c;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);

	doc = load("q35-ready.xml");
	tap_ok(hotplug_check(doc, "vsb", V_9_0, &c) == 0 &&
		   hotplug_find(&c, HOTPLUG_TAG_TAKEN) &&
		   strstr(hotplug_find(&c, HOTPLUG_TAG_TAKEN)->reason, "'vsb'") &&
		   !hotplug_find(&c, HOTPLUG_NO_ACPI),
	       "hotplug_find: the finding, with the tag in its reason");
	hotplug_check_clear(&c);
	hotplug_check_clear(NULL);
	xmlFreeDoc(doc);

	doc = load("not-a-domain.xml");
	vs_error_reset();
	tap_is_int(hotplug_check(doc, "vsa", V_9_0, &c), -1,
		   "not a domain: refused");
	tap_is_int(vs_error_code(), VS_ERR_XML, "not a domain: VS_ERR_XML");
	tap_is_int(c.n, 0, "not a domain: no findings");
	xmlFreeDoc(doc);
	tap_is_int(hotplug_check(NULL, NULL, 0, &c), -1, "no document: refused");
	vs_error_reset();
	test_cgroup();
	xmlCleanupParser();
	return tap_done();
}
