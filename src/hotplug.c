/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hotplug.c: the readiness of a running domain for a hot-plugged share */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>

#include "compat.h"
#include "error.h"
#include "hotplug.h"
#include "util.h"
#include "virt.h"

/* What the checks look at besides the filled-in struct hotplug_check. */
struct hp_ctx {
	const char *tag;
	unsigned long libvirt_version;
	bool tag_taken;
	bool root_hotplug_off; /* pci-root <target hotplug='off'/> */
};

static xmlXPathObjectPtr
xp_eval(xmlXPathContextPtr xc, const char *expr)
{
	return xmlXPathEvalExpression((const xmlChar *)expr, xc);
}

/* The string value of expr, or NULL when it is empty. Caller frees. */
static char *
xp_string(xmlXPathContextPtr xc, const char *expr)
{
	xmlXPathObjectPtr o = xp_eval(xc, expr);
	char *s = NULL;

	if (o && o->type == XPATH_STRING && o->stringval && *o->stringval)
		s = xstrdup((const char *)o->stringval);
	xmlXPathFreeObject(o);
	return s;
}

static double
xp_number(xmlXPathContextPtr xc, const char *expr)
{
	xmlXPathObjectPtr o = xp_eval(xc, expr);
	double n = o && o->type == XPATH_NUMBER ? o->floatval : 0;

	xmlXPathFreeObject(o);
	return n;
}

/* The values of the attribute nodes expr selects, as strings. */
static void
xp_values(xmlXPathContextPtr xc, const char *expr, struct strlist *out)
{
	xmlXPathObjectPtr o = xp_eval(xc, expr);

	if (o && o->type == XPATH_NODESET && o->nodesetval) {
		for (int i = 0; i < o->nodesetval->nodeNr; i++) {
			xmlChar *v =
			    xmlNodeGetContent(o->nodesetval->nodeTab[i]);

			strlist_add(out, v ? (const char *)v : "");
			xmlFree(v);
		}
	}
	xmlXPathFreeObject(o);
}

/* A PCI bus number as libvirt writes it ("0x03", or "3"); -1 if none. */
static long
bus_number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 0);

	return end != s && *end == '\0' && v >= 0 ? v : -1;
}

static enum hotplug_machine
machine_kind(const char *m)
{
	if (!m)
		return HOTPLUG_MACHINE_OTHER;
	if (STREQ(m, "q35") || strstr(m, "-q35"))
		return HOTPLUG_MACHINE_Q35;
	/* "pc", "pc-i440fx-7.2", and the old "pc-1.0" style */
	if (STREQ(m, "pc") || STRPREFIX(m, "pc-i440fx") ||
	    (STRPREFIX(m, "pc-") && m[3] >= '0' && m[3] <= '9'))
		return HOTPLUG_MACHINE_I440FX;
	return HOTPLUG_MACHINE_OTHER;
}

static void
read_root_ports(xmlXPathContextPtr xc, struct hotplug_check *c)
{
	struct strlist ports = {0}, used = {0};

	c->root_ports = (unsigned)xp_number(
	    xc, "count(/domain/devices/controller[@type='pci']"
		"[@model='pcie-root-port'])");
	xp_values(xc,
		  "/domain/devices/controller[@type='pci']"
		  "[@model='pcie-root-port']"
		  "[not(target/@hotplug='off')]/@index",
		  &ports);
	xp_values(xc, "/domain/devices/*/address[@type='pci']/@bus", &used);
	for (size_t i = 0; i < ports.n; i++) {
		long idx = bus_number(ports.v[i]);
		bool taken = idx < 0;

		for (size_t j = 0; j < used.n && !taken; j++)
			taken = bus_number(used.v[j]) == idx;
		if (!taken)
			c->free_root_ports++;
	}
	strlist_clear(&ports);
	strlist_clear(&used);
}

static void
read_agent(xmlXPathContextPtr xc, struct hotplug_check *c)
{
	const char *chan = "/domain/devices/channel/target[@type='virtio']"
			   "[@name='" HOTPLUG_AGENT_CHANNEL "']";
	AUTOFREE char *expr = xasprintf("count(%s)", chan);
	AUTOFREE char *sexpr = xasprintf("string((%s)[1]/@state)", chan);
	AUTOFREE char *state = NULL;

	c->agent = xp_number(xc, expr) > 0;
	state = c->agent ? xp_string(xc, sexpr) : NULL;
	c->agent_connected = !state		   ? -1
			     : STREQ(state, "connected") ? 1
							 : 0;
}

/* ---- the checks, in the order they are reported --------------------- */

static char *
check_libvirt(const struct hotplug_check *c, const struct hp_ctx *x)
{
	AUTOFREE char *have = NULL, *since = NULL;

	if (compat_allows(COMPAT_HOTPLUG, x->libvirt_version))
		return NULL;
	have = compat_version_str(x->libvirt_version);
	since = compat_version_str(compat_since(COMPAT_HOTPLUG));
	return xasprintf(_("libvirt %1$s cannot attach a share to a running "
			   "guest (that came with libvirt %2$s). The share "
			   "takes effect at the next start of the guest."),
			 have, since);
}

static char *
check_acpi(const struct hotplug_check *c, const struct hp_ctx *x)
{
	if (!c->x86 || c->acpi)
		return NULL;
	return xstrdup(_("The domain has no <acpi/> in <features>, so the "
			 "guest cannot take a hot-plugged device (an i440fx "
			 "guest refuses it, a q35 guest loses its other PCIe "
			 "devices). Add <acpi/> to <features> and start the "
			 "guest again once."));
}

static char *
check_root_port(const struct hotplug_check *c, const struct hp_ctx *x)
{
	if (c->machine != HOTPLUG_MACHINE_Q35 || c->free_root_ports > 0)
		return NULL;
	if (c->root_ports == 0)
		return xstrdup(_("The q35 domain has no pcie-root-port "
				 "controller for a hot-plugged device. "
				 "virtshare adds spare ones to the definition "
				 "with the share (share --root-ports N; "
				 "root_ports = N in an INI file's [domain] "
				 "section); they exist from the next start of "
				 "the guest."));
	return xasprintf(_("All %1$u pcie-root-port controllers of the q35 "
			   "domain are in use. virtshare adds spare ones to "
			   "the definition with the share (share --root-ports "
			   "N; root_ports = N in an INI file's [domain] "
			   "section); they exist from the next start of the "
			   "guest."),
			 c->root_ports);
}

static char *
check_root_hotplug(const struct hotplug_check *c, const struct hp_ctx *x)
{
	if (c->machine != HOTPLUG_MACHINE_I440FX || !x->root_hotplug_off)
		return NULL;
	return xstrdup(_("Hot-plug is switched off on the domain's pci-root "
			 "controller (<target hotplug='off'/>). Remove that "
			 "setting and start the guest again once."));
}

static char *
check_tag(const struct hotplug_check *c, const struct hp_ctx *x)
{
	if (!x->tag_taken)
		return NULL;
	return xasprintf(_("The running guest already has a share with the tag "
			   "'%1$s' (libvirt would attach a second one, which "
			   "the guest rejects). Choose another tag, or unshare "
			   "that one first."),
			 x->tag);
}

/* Added by hotplug_check_cgroup(), not by hotplug_check(). */
static char *
reason_no_cgroup(void)
{
	return xstrdup(_("libvirt runs the guest without a cgroup "
			 "(qemu.conf cgroup_controllers = [ ], or no cgroup "
			 "controllers on the host), and libvirt 9.0's libvirtd "
			 "crashes when it hot-plugs a share whose virtiofs "
			 "daemon it starts itself into such a guest. Use a "
			 "daemon started outside libvirt (--daemon external "
			 "or --socket PATH), or change the definition only and "
			 "start the guest again (--restart)."));
}

static char *
check_machine(const struct hotplug_check *c, const struct hp_ctx *x)
{
	if (c->machine != HOTPLUG_MACHINE_OTHER)
		return NULL;
	return xasprintf(_("The machine type '%1$s' is not one whose hot-plug "
			   "virtshare knows (q35, i440fx); the attach is tried "
			   "without checking ACPI or free slots."),
			 c->machine_name ? c->machine_name : "");
}

static char *
check_agent(const struct hotplug_check *c, const struct hp_ctx *x)
{
	if (c->agent)
		return NULL;
	return xstrdup(_("The domain has no guest agent channel "
			 "(org.qemu.guest_agent.0), so virtshare cannot mount "
			 "the share inside the guest. Add the channel (it "
			 "exists from the next start) and install "
			 "qemu-guest-agent in the guest, or mount the share "
			 "there by hand."));
}

static char *
check_agent_state(const struct hotplug_check *c, const struct hp_ctx *x)
{
	if (!c->agent || c->agent_connected != 0)
		return NULL;
	return xstrdup(_("No guest agent is connected to the domain's agent "
			 "channel, so virtshare cannot mount the share inside "
			 "the guest. Install and start qemu-guest-agent in the "
			 "guest."));
}

static const struct {
	enum hotplug_what what;
	const char *name;
	bool blocks;
	char *(*check)(const struct hotplug_check *c, const struct hp_ctx *x);
} checks[] = {
	{HOTPLUG_LIBVIRT_OLD, "HOTPLUG_LIBVIRT_OLD", true, check_libvirt},
	{HOTPLUG_NO_ACPI, "HOTPLUG_NO_ACPI", true, check_acpi},
	{HOTPLUG_NO_ROOT_PORT, "HOTPLUG_NO_ROOT_PORT", true, check_root_port},
	{HOTPLUG_ROOT_HOTPLUG_OFF, "HOTPLUG_ROOT_HOTPLUG_OFF", true,
	 check_root_hotplug},
	{HOTPLUG_TAG_TAKEN, "HOTPLUG_TAG_TAKEN", true, check_tag},
	{HOTPLUG_NO_CGROUP, "HOTPLUG_NO_CGROUP", true, NULL},
	{HOTPLUG_MACHINE_UNKNOWN, "HOTPLUG_MACHINE_UNKNOWN", false,
	 check_machine},
	{HOTPLUG_NO_AGENT, "HOTPLUG_NO_AGENT", false, check_agent},
	{HOTPLUG_AGENT_DISCONNECTED, "HOTPLUG_AGENT_DISCONNECTED", false,
	 check_agent_state},
};

int
hotplug_check(xmlDocPtr doc, const char *tag, unsigned long libvirt_version,
	      struct hotplug_check *out)
{
	struct hp_ctx x = {tag, libvirt_version, false, false};
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	xmlXPathContextPtr xc;
	AUTOFREE char *arch = NULL;
	struct strlist tags = {0};
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	if (!root || !xmlStrEqual(root->name, (const xmlChar *)"domain"))
		return vs_error(VS_ERR_XML,
				_("The XML is not a libvirt domain (no "
				  "<domain> element). Give a domain's XML."));
	xc = xmlXPathNewContext(doc);
	out->machine_name = xp_string(xc, "string(/domain/os/type/@machine)");
	out->machine = machine_kind(out->machine_name);
	arch = xp_string(xc, "string(/domain/os/type/@arch)");
	out->x86 = !arch || STREQ(arch, "x86_64") || STREQ(arch, "i686");
	out->acpi = xp_number(xc, "count(/domain/features/acpi)") > 0;
	read_root_ports(xc, out);
	read_agent(xc, out);
	x.root_hotplug_off =
	    xp_number(xc, "count(/domain/devices/controller[@type='pci']"
			  "[@model='pci-root'][target/@hotplug='off'])") > 0;
	xp_values(xc, "/domain/devices/filesystem/target/@dir", &tags);
	x.tag_taken = tag && strlist_has(&tags, tag);
	strlist_clear(&tags);
	xmlXPathFreeContext(xc);

	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		char *reason = checks[i].check ? checks[i].check(out, &x) : NULL;

		if (!reason)
			continue;
		xgrow(&out->findings, &cap, out->n + 1, sizeof(*out->findings));
		out->findings[out->n++] = (struct hotplug_finding){
		    checks[i].what, checks[i].blocks, reason};
	}
	return 0;
}

static void
finding_add(struct hotplug_check *c, enum hotplug_what what, char *reason)
{
	size_t cap = c->n;

	xgrow(&c->findings, &cap, c->n + 1, sizeof(*c->findings));
	c->findings[c->n++] = (struct hotplug_finding){what, true, reason};
}

void
hotplug_check_cgroup(struct hotplug_check *c, int has)
{
	if (has == 0 && !hotplug_find(c, HOTPLUG_NO_CGROUP))
		finding_add(c, HOTPLUG_NO_CGROUP, reason_no_cgroup());
}

void
hotplug_check_clear(struct hotplug_check *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->findings[i].reason);
	free(c->findings);
	free(c->machine_name);
	memset(c, 0, sizeof(*c));
}

bool
hotplug_ready(const struct hotplug_check *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->findings[i].blocks)
			return false;
	return true;
}

const struct hotplug_finding *
hotplug_find(const struct hotplug_check *c, enum hotplug_what what)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->findings[i].what == what)
			return &c->findings[i];
	return NULL;
}

const char *
hotplug_what_name(enum hotplug_what what)
{
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
		if (checks[i].what == what)
			return checks[i].name;
	return "HOTPLUG_UNKNOWN";
}
