/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virt.c: the libvirt connection, capabilities and domain calls */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/uri.h>
#include <libxml/xpath.h>

#include "error.h"
#include "virt.h"

struct virt_conn {
	virConnectPtr conn;
	char *uri;
	unsigned long lib_version;
};

static void
virt_silent(void *opaque, virErrorPtr err)
{
	(void)opaque;
	(void)err;
}

/* libxml2 inside libvirt prints parse warnings to stderr; we report. */
static void
xml_silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* libvirt's last message, or a fallback; borrowed. */
static const char *
virt_last_message(void)
{
	const char *msg = virGetLastErrorMessage();

	return msg && *msg ? msg : _("unknown libvirt error");
}

static int
virt_fail(const char *what)
{
	return vs_error(VS_ERR_LIBVIRT, _("%1$s: %2$s"), what,
			virt_last_message());
}

struct virt_conn *
virt_open(const char *uri, unsigned flags)
{
	AUTOPTR(virt_conn) c = xcalloc(1, sizeof(*c));
	const char *target = uri ? uri : getenv("LIBVIRT_DEFAULT_URI");
	char *canon;

	virSetErrorFunc(NULL, virt_silent);
	xmlSetGenericErrorFunc(NULL, xml_silent);
	if (virInitialize() < 0) {
		vs_error(VS_ERR_CONNECT, _("Cannot initialise libvirt: %s"),
			 virt_last_message());
		return NULL;
	}
	if (flags & VIRT_OPEN_READONLY)
		c->conn = virConnectOpenReadOnly(uri);
	else
		c->conn = virConnectOpen(uri);
	if (!c->conn && uri && STRPREFIX(uri, "test:")) {
		vs_error(VS_ERR_CONNECT,
			 _("Cannot open libvirt's test driver at %1$s: %2$s. "
			   "Name a readable node XML file after test://, or "
			   "use test:///default."),
			 uri, virt_last_message());
		return NULL;
	}
	if (!c->conn && virt_uri_is_remote(target)) {
		AUTOFREE char *w = shell_word(target);

		/* Nothing to start here: the daemon is the other host's. */
		vs_error(VS_ERR_CONNECT,
			 _("Cannot connect to libvirt at %1$s: %2$s. That "
			   "host must answer: for ssh, 'ssh HOST' must log in "
			   "without a password prompt, and HOST must run "
			   "libvirtd or virtqemud. Check with: virsh -c %3$s "
			   "version"),
			 target, virt_last_message(), w);
		return NULL;
	}
	if (!c->conn) {
		vs_error(VS_ERR_CONNECT,
			 _("Cannot connect to libvirt at %1$s: %2$s. Start the "
			   "daemon (systemctl start libvirtd, or libvirtd -d), "
			   "or choose another URI with -c (test:///default "
			   "needs no daemon)."),
			 uri ? uri : _("the default URI"), virt_last_message());
		return NULL;
	}
	canon = virConnectGetURI(c->conn);
	c->uri = xstrdup(canon ? canon : (uri ? uri : ""));
	free(canon);
	if (virGetVersion(&c->lib_version, NULL, NULL) < 0)
		c->lib_version = 0;
	return steal_ptr(c);
}

void
virt_conn_free(struct virt_conn *c)
{
	if (!c)
		return;
	if (c->conn)
		virConnectClose(c->conn);
	free(c->uri);
	free(c);
}

const char *
virt_uri(const struct virt_conn *c)
{
	return c->uri;
}

bool
virt_is_test(const struct virt_conn *c)
{
	return STRPREFIX(c->uri, "test:");
}

bool
virt_is_session(const struct virt_conn *c)
{
	return strstr(c->uri, "/session") != NULL;
}

/* ---- capabilities --------------------------------------------------------- */

static xmlDocPtr
xml_parse_string(const char *xml)
{
	return xmlReadMemory(xml, (int)strlen(xml), "libvirt.xml", NULL,
			     XML_PARSE_NONET | XML_PARSE_NOWARNING |
				 XML_PARSE_NOERROR);
}

/* Every text or attribute value the XPath expression selects. */
static void
xpath_strings(xmlDocPtr doc, const char *expr, struct strlist *out)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr obj;

	if (!ctx)
		return;
	obj = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	for (int i = 0; obj && obj->nodesetval && i < obj->nodesetval->nodeNr;
	     i++) {
		xmlChar *s = xmlNodeGetContent(obj->nodesetval->nodeTab[i]);

		if (s)
			strlist_add(out, (const char *)s);
		xmlFree(s);
	}
	xmlXPathFreeObject(obj);
	xmlXPathFreeContext(ctx);
}

static void
read_host_pages(struct virt_conn *c, struct virt_info *info)
{
	AUTOFREE char *xml = virConnectGetCapabilities(c->conn);
	struct strlist sizes = {0};
	xmlDocPtr doc;

	if (!xml || !(doc = xml_parse_string(xml))) {
		strlist_take(&info->warnings,
			     xasprintf(_("Host capabilities unavailable: %s"),
				       virt_last_message()));
		return;
	}
	/* Pages in KiB; libvirt always reports unit='KiB' here. */
	xpath_strings(doc, "/capabilities/host/cpu/pages/@size", &sizes);
	info->page_sizes_kib = xcalloc(sizes.n, sizeof(uint64_t));
	for (size_t i = 0; i < sizes.n; i++) {
		uint64_t v;

		if (str_to_u64(sizes.v[i], &v) == 0)
			info->page_sizes_kib[info->npage_sizes++] = v;
	}
	strlist_clear(&sizes);
	xmlFreeDoc(doc);
}

static void
read_domcaps(struct virt_conn *c, struct virt_info *info)
{
	AUTOFREE char *xml = NULL;
	xmlDocPtr doc;
	struct strlist emu = {0};

	xml = virConnectGetDomainCapabilities(c->conn, NULL, NULL, NULL, NULL,
					      0);
	if (!xml) /* no KVM: ask for plain QEMU (TCG) */
		xml = virConnectGetDomainCapabilities(c->conn, NULL, NULL,
						      NULL, "qemu", 0);
	if (!xml || !(doc = xml_parse_string(xml))) {
		/* Drivers without domain capabilities (the test driver
		 * before 9.8) are reported as such, not as a failure. */
		if (virGetLastErrorCode() != VIR_ERR_NO_SUPPORT)
			strlist_take(&info->warnings,
				     xasprintf(_("Domain capabilities "
						 "unavailable: %s"),
					       virt_last_message()));
		return;
	}
	info->domcaps_known = true;
	xpath_strings(doc, "/domainCapabilities/path", &emu);
	if (emu.n)
		info->emulator = xstrdup(emu.v[0]);
	strlist_clear(&emu);
	xpath_strings(doc,
		      "/domainCapabilities/memoryBacking[@supported='yes']"
		      "/enum[@name='sourceType']/value",
		      &info->source_types);
	xpath_strings(doc,
		      "/domainCapabilities/devices/filesystem[@supported='yes']"
		      "/enum[@name='driverType']/value",
		      &info->fs_drivers);
	xmlFreeDoc(doc);
}

int
virt_info_read(struct virt_conn *c, struct virt_info *info)
{
	const char *type;
	unsigned long v;

	memset(info, 0, sizeof(*info));
	info->uri = xstrdup(c->uri);
	info->lib_version = c->lib_version;
	if (!(type = virConnectGetType(c->conn)))
		return virt_fail(_("Cannot query the libvirt driver"));
	info->driver = xstrdup(type);
	if (virConnectGetLibVersion(c->conn, &v) == 0)
		info->daemon_version = v;
	if (virConnectGetVersion(c->conn, &v) == 0)
		info->hv_version = v;
	read_host_pages(c, info);
	read_domcaps(c, info);
	return 0;
}

void
virt_info_clear(struct virt_info *info)
{
	free(info->uri);
	free(info->driver);
	free(info->page_sizes_kib);
	free(info->emulator);
	strlist_clear(&info->source_types);
	strlist_clear(&info->fs_drivers);
	strlist_clear(&info->warnings);
	memset(info, 0, sizeof(*info));
}

/* ---- domains -------------------------------------------------------------- */

static const char *const state_names[] = {
	[VIR_DOMAIN_NOSTATE] = N_("no state"),
	[VIR_DOMAIN_RUNNING] = N_("running"),
	[VIR_DOMAIN_BLOCKED] = N_("idle"),
	[VIR_DOMAIN_PAUSED] = N_("paused"),
	[VIR_DOMAIN_SHUTDOWN] = N_("in shutdown"),
	[VIR_DOMAIN_SHUTOFF] = N_("shut off"),
	[VIR_DOMAIN_CRASHED] = N_("crashed"),
	[VIR_DOMAIN_PMSUSPENDED] = N_("suspended"),
};

const char *
virt_state_name(int state)
{
	if (state < 0 || (size_t)state >= ARRAY_SIZE(state_names) ||
	    !state_names[state])
		return _("unknown");
	return _(state_names[state]);
}

static int
domain_cmp(const void *a, const void *b)
{
	return strcmp(((const struct virt_domain *)a)->name,
		      ((const struct virt_domain *)b)->name);
}

int
virt_domain_list(struct virt_conn *c, struct virt_domain **out)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(c->conn, &doms, 0);

	*out = NULL;
	if (n < 0)
		return virt_fail(_("Cannot list the domains"));
	*out = xcalloc((size_t)n, sizeof(**out));
	for (int i = 0; i < n; i++) {
		struct virt_domain *d = &(*out)[i];
		virDomainInfo info;

		d->name = xstrdup(virDomainGetName(doms[i]));
		d->active = virDomainIsActive(doms[i]) == 1;
		d->persistent = virDomainIsPersistent(doms[i]) == 1;
		if (virDomainGetInfo(doms[i], &info) == 0) {
			d->state = info.state;
			d->memory_kib = info.maxMem;
			d->vcpus = info.nrVirtCpu;
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	qsort(*out, (size_t)n, sizeof(**out), domain_cmp);
	return n;
}

void
virt_domains_free(struct virt_domain *d, int n)
{
	for (int i = 0; d && i < n; i++)
		free(d[i].name);
	free(d);
}

static virDomainPtr
domain_lookup(struct virt_conn *c, const char *name)
{
	virDomainPtr dom = virDomainLookupByName(c->conn, name);
	AUTOFREE char *uri = NULL;

	if (dom)
		return dom;
	uri = shell_word(c->uri);
	if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN)
		vs_error(VS_ERR_NO_DOMAIN,
			 _("There is no domain named '%1$s' on %2$s. List the "
			   "domains with: virsh -c %3$s list --all"),
			 name, c->uri, uri);
	else
		virt_fail(_("Cannot look up the domain"));
	return NULL;
}

char *
virt_domain_xml(struct virt_conn *c, const char *name, bool inactive)
{
	virDomainPtr dom = domain_lookup(c, name);
	char *xml;

	if (!dom)
		return NULL;
	xml = virDomainGetXMLDesc(dom, inactive ? VIR_DOMAIN_XML_INACTIVE : 0);
	if (!xml)
		virt_fail(_("Cannot read the domain XML"));
	virDomainFree(dom);
	return xml;
}

int
virt_domain_define(struct virt_conn *c, const char *xml, bool validate)
{
	virDomainPtr dom = virDomainDefineXMLFlags(
	    c->conn, xml, validate ? VIR_DOMAIN_DEFINE_VALIDATE : 0);

	if (!dom)
		return virt_fail(_("libvirt rejected the domain XML"));
	virDomainFree(dom);
	return 0;
}

int
virt_domain_status(struct virt_conn *c, const char *name, bool *active,
		   bool *persistent)
{
	virDomainPtr dom = domain_lookup(c, name);
	int a, p;

	if (!dom)
		return -1;
	a = virDomainIsActive(dom);
	p = virDomainIsPersistent(dom);
	virDomainFree(dom);
	if (a < 0 || p < 0)
		return virt_fail(_("Cannot query the domain state"));
	*active = a == 1;
	*persistent = p == 1;
	return 0;
}

int
virt_domain_snapshots(struct virt_conn *c, const char *name)
{
	virDomainPtr dom = domain_lookup(c, name);
	int n;

	if (!dom)
		return -1;
	n = virDomainSnapshotNum(dom, 0);
	if (n < 0)
		virt_fail(_("Cannot count the domain's snapshots"));
	virDomainFree(dom);
	return n;
}

char *
virt_domain_uuid(struct virt_conn *c, const char *name)
{
	virDomainPtr dom = domain_lookup(c, name);
	char uuid[VIR_UUID_STRING_BUFLEN];
	int rc;

	if (!dom)
		return NULL;
	rc = virDomainGetUUIDString(dom, uuid);
	virDomainFree(dom);
	if (rc < 0) {
		virt_fail(_("Cannot read the domain's UUID"));
		return NULL;
	}
	return xstrdup(uuid);
}

char *
virt_hostname(struct virt_conn *c)
{
	char *name = virConnectGetHostname(c->conn);

	if (!name)
		virt_fail(_("libvirt did not tell the host's name"));
	return name;
}

bool
virt_uri_is_remote(const char *uri)
{
	xmlURIPtr u;
	const char *plus;
	bool remote;

	if (!uri || !*uri || !(u = xmlParseURI(uri)))
		return false;
	plus = u->scheme ? strchr(u->scheme, '+') : NULL;
	remote = (u->server && *u->server) || (plus && !STREQ(plus, "+unix"));
	xmlFreeURI(u);
	return remote;
}

bool
virt_is_remote(const struct virt_conn *c)
{
	return virt_uri_is_remote(c->uri);
}

/* ---- hugepages ------------------------------------------------------------ */

bool
virt_uri_is_local(const char *uri)
{
	xmlURIPtr u;

	if (!uri || !*uri)
		return true;
	/* Unparseable: let libvirt say what is wrong with it. */
	if (!(u = xmlParseURI(uri)))
		return false;
	xmlFreeURI(u);
	return !virt_uri_is_remote(uri) && !STRPREFIX(uri, "test:");
}

/* The first value the formatted XPath expression selects, as a number. */
static bool __attribute__((format(printf, 3, 4)))
xpath_u64(xmlDocPtr doc, uint64_t *out, const char *fmt, ...)
{
	struct strlist l = {0};
	AUTOFREE char *expr = NULL;
	va_list ap;
	bool found;

	va_start(ap, fmt);
	expr = xvasprintf(fmt, ap);
	va_end(ap);
	xpath_strings(doc, expr, &l);
	found = l.n && str_to_u64(str_trim(l.v[0]), out) == 0;
	strlist_clear(&l);
	return found;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Free pages per size on one cell into the pools of node (or unknown). */
static void
read_free_pages(struct virt_conn *c, struct host_info *h,
		struct host_node *node)
{
	AUTOFREE unsigned int *sizes = xcalloc(node->npools, sizeof(*sizes));
	AUTOFREE unsigned long long *counts =
	    xcalloc(node->npools, sizeof(*counts));

	for (size_t i = 0; i < node->npools; i++)
		sizes[i] = (unsigned int)node->pools[i].size_kib;
	/* The test driver answers 0, not the count, having filled them. */
	if (node->npools &&
	    virNodeGetFreePages(c->conn, (unsigned int)node->npools, sizes,
				node->id, 1, counts, 0) >= 0) {
		for (size_t i = 0; i < node->npools; i++)
			node->pools[i].free = counts[i];
		return;
	}
	if (node->npools)
		strlist_take(&h->warnings,
			     xasprintf(_("libvirt did not tell the free "
					 "hugepages of NUMA node %1$d: %2$s"),
				       node->id, virt_last_message()));
}

/* MemTotal of the host's /proc/meminfo and, as a stand-in for
 * MemAvailable, MemFree + Buffers + Cached; HOST_UNKNOWN when not told. */
static void
node_memory(struct virt_conn *c, uint64_t *total, uint64_t *avail)
{
	AUTOFREE virNodeMemoryStatsPtr params = NULL;
	uint64_t got[3] = {HOST_UNKNOWN, HOST_UNKNOWN, HOST_UNKNOWN};
	static const char *const parts[3] = {VIR_NODE_MEMORY_STATS_FREE,
					     VIR_NODE_MEMORY_STATS_BUFFERS,
					     VIR_NODE_MEMORY_STATS_CACHED};
	int n = 0;

	*total = *avail = HOST_UNKNOWN;
	if (virNodeGetMemoryStats(c->conn, VIR_NODE_MEMORY_STATS_ALL_CELLS,
				  NULL, &n, 0) < 0 ||
	    n <= 0)
		return;
	params = xcalloc((size_t)n, sizeof(*params));
	if (virNodeGetMemoryStats(c->conn, VIR_NODE_MEMORY_STATS_ALL_CELLS,
				  params, &n, 0) < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (STREQ(params[i].field, VIR_NODE_MEMORY_STATS_TOTAL))
			*total = params[i].value;
		for (size_t k = 0; k < ARRAY_SIZE(parts); k++)
			if (STREQ(params[i].field, parts[k]))
				got[k] = params[i].value;
	}
	if (got[0] != HOST_UNKNOWN)
		*avail = got[0] + (got[1] == HOST_UNKNOWN ? 0 : got[1]) +
			 (got[2] == HOST_UNKNOWN ? 0 : got[2]);
}

/* The free memory of a NUMA cell in KiB (libvirt counts bytes). */
static uint64_t
cell_free_kib(struct virt_conn *c, int cell)
{
	unsigned long long bytes;

	if (virNodeGetCellsFreeMemory(c->conn, &bytes, cell, 1) != 1)
		return HOST_UNKNOWN;
	return bytes / 1024;
}

static struct host_info *
caps_pages(struct virt_conn *c, bool with_free)
{
	AUTOFREE char *xml = virConnectGetCapabilities(c->conn);
	AUTOPTR(host_info) h = NULL;
	struct strlist sizes = {0}, cells = {0};
	AUTOFREE uint64_t *kib = NULL;
	size_t nkib = 0;
	virNodeInfo info;
	xmlDocPtr doc;

	if (!xml || !(doc = xml_parse_string(xml))) {
		virt_fail(_("Cannot read the host capabilities from libvirt"));
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	if (virt_is_remote(c))
		h->remote_uri = xstrdup(c->uri);
	node_memory(c, &h->mem_total_kib, &h->mem_available_kib);
	if (h->mem_total_kib == HOST_UNKNOWN &&
	    virNodeGetInfo(c->conn, &info) == 0)
		h->mem_total_kib = info.memory;
	xpath_strings(doc, "/capabilities/host/cpu/pages/@size", &sizes);
	kib = xcalloc(sizes.n, sizeof(*kib));
	for (size_t i = 0; i < sizes.n; i++)
		if (str_to_u64(sizes.v[i], &kib[nkib]) == 0)
			nkib++;
	qsort(kib, nkib, sizeof(*kib), u64_cmp);
	/* The smallest size is the base page, not a hugepage pool. */
	h->npools = nkib > 1 ? nkib - 1 : 0;
	h->pools = xcalloc(h->npools, sizeof(*h->pools));
	xpath_strings(doc, "/capabilities/host/topology/cells/cell/@id",
		      &cells);
	h->nodes = xcalloc(cells.n, sizeof(*h->nodes));
	for (size_t i = 0; i < cells.n; i++) {
		struct host_node *n = &h->nodes[h->nnodes];
		const char *cell = "/capabilities/host/topology/cells/cell";

		if (str_to_int(cells.v[i], &n->id) < 0)
			continue;
		h->nnodes++;
		if (!xpath_u64(doc, &n->mem_total_kib, "%s[@id='%d']/memory",
			       cell, n->id))
			n->mem_total_kib = HOST_UNKNOWN;
		n->mem_free_kib = HOST_UNKNOWN;
		n->npools = h->npools;
		n->pools = xcalloc(n->npools, sizeof(*n->pools));
		for (size_t p = 0; p < n->npools; p++) {
			struct host_pool *pool = &n->pools[p];

			pool->size_kib = kib[p + 1];
			pool->free = pool->reserved = pool->surplus =
			    HOST_UNKNOWN;
			if (!xpath_u64(doc, &pool->total,
				       "%s[@id='%d']/pages[@size='%" PRIu64
				       "']",
				       cell, n->id, pool->size_kib))
				pool->total = HOST_UNKNOWN;
		}
		if (with_free) {
			read_free_pages(c, h, n);
			n->mem_free_kib = cell_free_kib(c, n->id);
		}
	}
	for (size_t p = 0; p < h->npools; p++) {
		struct host_pool *pool = &h->pools[p];

		pool->size_kib = kib[p + 1];
		pool->reserved = pool->surplus = HOST_UNKNOWN;
		for (size_t i = 0; i < h->nnodes; i++) {
			const struct host_pool *np = &h->nodes[i].pools[p];

			pool->total = pool->total == HOST_UNKNOWN ||
					      np->total == HOST_UNKNOWN
					  ? HOST_UNKNOWN
					  : pool->total + np->total;
			pool->free = pool->free == HOST_UNKNOWN ||
					     np->free == HOST_UNKNOWN
					 ? HOST_UNKNOWN
					 : pool->free + np->free;
		}
		if (!h->nnodes)
			pool->total = pool->free = HOST_UNKNOWN;
	}
	strlist_clear(&sizes);
	strlist_clear(&cells);
	xmlFreeDoc(doc);
	return steal_ptr(h);
}

struct host_info *
virt_host_pages(struct virt_conn *c)
{
	return caps_pages(c, true);
}

char *
virt_qemu_dac_label(struct virt_conn *c)
{
	AUTOFREE char *xml = virConnectGetCapabilities(c->conn);
	struct strlist labels = {0};
	char *label = NULL;
	xmlDocPtr doc;

	if (!xml || !(doc = xml_parse_string(xml))) {
		virt_fail(_("Cannot read the host capabilities from libvirt"));
		return NULL;
	}
	xpath_strings(doc,
		      "/capabilities/host/secmodel[model='dac']/"
		      "baselabel[@type='qemu' or @type='kvm']",
		      &labels);
	if (labels.n)
		label = xstrdup(labels.v[0]);
	strlist_clear(&labels);
	xmlFreeDoc(doc);
	return label;
}

int
virt_pages_get(struct virt_conn *c, int node, uint64_t size_kib,
	       uint64_t *count)
{
	AUTOPTR(host_info) h = caps_pages(c, false);
	const struct host_pool *p;

	if (!h)
		return -1;
	p = node < 0 ? host_pool_find(h, size_kib)
		     : host_node_pool_find(h, node, size_kib);
	if (!p || p->total == HOST_UNKNOWN) {
		AUTOFREE char *uri = shell_word(c->uri);

		return vs_error(VS_ERR_LIBVIRT,
				_("libvirt at %1$s does not report the pool "
				  "of %2$llu KiB pages. Check the pools with: "
				  "virtshare -c %3$s pages"),
				c->uri, (unsigned long long)size_kib, uri);
	}
	*count = p->total;
	return 0;
}

int
virt_pages_set(struct virt_conn *c, int node, uint64_t size_kib,
	       uint64_t count)
{
	unsigned int sizes[1] = {(unsigned int)size_kib};
	unsigned long long counts[1] = {count};

	/* startCell -1 with one cell is the system-wide pool. */
	if (virNodeAllocPages(c->conn, 1, sizes, counts, node < 0 ? -1 : node,
			      1, VIR_NODE_ALLOC_PAGES_SET) >= 0)
		return 0;
	if (virGetLastErrorCode() == VIR_ERR_NO_SUPPORT && virt_is_test(c))
		return vs_error(VS_ERR_UNSUPPORTED,
				_("libvirt's test driver (%1$s) cannot "
				  "allocate hugepages: %2$s. Leave out -c to "
				  "change this host's pools, or connect to a "
				  "real host (qemu:///system, "
				  "qemu+ssh://HOST/system)."),
				c->uri, virt_last_message());
	if (virGetLastErrorCode() == VIR_ERR_NO_SUPPORT)
		return vs_error(VS_ERR_UNSUPPORTED,
				_("The libvirt driver at %1$s cannot allocate "
				  "hugepages: %2$s. Connect to the QEMU "
				  "driver (qemu:///system) instead."),
				c->uri, virt_last_message());
	return virt_fail(_("libvirt could not change the hugepage pool"));
}

/* ---- live devices and the guest agent ------------------------------------ */

int
virt_domain_attach(struct virt_conn *c, const char *name, const char *xml)
{
	virDomainPtr dom = domain_lookup(c, name);
	int rc;

	if (!dom)
		return -1;
	rc = virDomainAttachDeviceFlags(dom, xml, VIR_DOMAIN_AFFECT_LIVE);
	if (rc < 0)
		virt_fail(_("libvirt could not attach the share to the running "
			    "guest"));
	virDomainFree(dom);
	return rc < 0 ? -1 : 0;
}

/* Whether the live XML of dom still has a device of that alias. */
static bool
alias_present(virDomainPtr dom, const char *alias)
{
	AUTOFREE char *xml = virDomainGetXMLDesc(dom, 0);
	AUTOFREE char *a1 = xasprintf("<alias name='%s'/>", alias);
	AUTOFREE char *a2 = xasprintf("<alias name=\"%s\"/>", alias);

	/* No XML: the domain stopped, and its devices with it. */
	return xml && (strstr(xml, a1) || strstr(xml, a2));
}

int
virt_domain_detach(struct virt_conn *c, const char *name, const char *xml,
		   const char *alias, int timeout_ms)
{
	virDomainPtr dom = domain_lookup(c, name);
	long long end;
	int ret = -1;

	if (!dom)
		return -1;
	if (virDomainDetachDeviceFlags(dom, xml, VIR_DOMAIN_AFFECT_LIVE) < 0) {
		virt_fail(_("libvirt could not detach the share from the "
			    "running guest"));
		goto out;
	}
	/*
	 * libvirt drops the device from the live definition when it gets
	 * DEVICE_REMOVED: the live XML is polled rather than the event
	 * waited for, because an event loop registered with libvirt must
	 * also run all the time, or the daemon's keepalive closes an idle
	 * connection (the wizard's) and its next call hangs.
	 */
	end = now_ms() + timeout_ms;
	while (alias_present(dom, alias) && now_ms() < end)
		nanosleep(&(struct timespec){0, 250000000}, NULL);
	ret = !alias_present(dom, alias);
out:
	virDomainFree(dom);
	return ret;
}

/* One cgroup probe: 1 answered, 0 no controller, -1 other error. */
static int
cgroup_probe_result(int rc)
{
	if (rc >= 0)
		return 1;
	return virGetLastErrorCode() == VIR_ERR_OPERATION_INVALID ? 0 : -1;
}

/*
 * The parameters themselves, not their number: libvirt answers "how
 * many" (nparams 0) without looking for the cgroup.
 */
static int
params_probe(virDomainPtr dom,
	     int (*get)(virDomainPtr, virTypedParameterPtr, int *, unsigned))
{
	int n = 0, rc;
	virTypedParameterPtr p;

	if (get(dom, NULL, &n, 0) < 0 || n <= 0)
		return -1;
	p = xcalloc((size_t)n, sizeof(*p));
	rc = get(dom, p, &n, 0);
	virTypedParamsClear(p, n);
	free(p);
	return rc;
}

static int
cpu_stats_probe(virDomainPtr dom)
{
	int n = virDomainGetCPUStats(dom, NULL, 0, -1, 1, 0), rc;
	virTypedParameterPtr p;

	if (n <= 0)
		return -1;
	p = xcalloc((size_t)n, sizeof(*p));
	rc = virDomainGetCPUStats(dom, p, (unsigned)n, -1, 1, 0);
	virTypedParamsClear(p, rc > 0 ? rc : 0);
	free(p);
	return rc;
}

int
virt_domain_cgroups(struct virt_conn *c, const char *name)
{
	virDomainPtr dom = domain_lookup(c, name);
	char *sched;
	int n = 0, r[4];
	bool missing = false;

	if (!dom) {
		vs_error_reset();
		return -1;
	}
	sched = virDomainGetSchedulerType(dom, &n);
	r[0] = cgroup_probe_result(sched ? 0 : -1);
	free(sched);
	r[1] = cgroup_probe_result(
	    params_probe(dom, virDomainGetMemoryParameters));
	r[2] = cgroup_probe_result(
	    params_probe(dom, virDomainGetBlkioParameters));
	r[3] = cgroup_probe_result(cpu_stats_probe(dom));
	virResetLastError();
	virDomainFree(dom);
	for (size_t i = 0; i < ARRAY_SIZE(r); i++) {
		if (r[i] == 1)
			return 1;
		missing |= r[i] == 0;
	}
	return missing ? 0 : -1;
}

int
virt_domain_restart(struct virt_conn *c, const char *name, int timeout_s,
		    bool force)
{
	virDomainPtr dom = domain_lookup(c, name);
	long long end = now_ms() + timeout_s * 1000LL;
	bool powered_off = false;
	int ret = -1;

	if (!dom)
		return -1;
	if (virDomainShutdown(dom) < 0) {
		if (!force) {
			virt_fail(_("libvirt could not shut the guest down"));
			goto out;
		}
		/* Nothing to wait for: --force powers it off now. */
		virResetLastError();
		end = 0;
	}
	while (virDomainIsActive(dom) == 1 && now_ms() < end)
		nanosleep(&(struct timespec){0, 250000000}, NULL);
	if (virDomainIsActive(dom) == 1) {
		if (!force) {
			vs_error(VS_ERR_SYSTEM,
				 _("Domain '%1$s' did not shut down within %2$d "
				   "seconds, so it was not started again: it "
				   "still runs. Shut it down from inside, or add "
				   "--force to power it off (as pulling the "
				   "plug)."),
				 name, timeout_s);
			goto out;
		}
		if (virDomainDestroy(dom) < 0) {
			virt_fail(_("libvirt could not power the guest off"));
			goto out;
		}
		powered_off = true;
	}
	if (virDomainCreate(dom) < 0) {
		virt_fail(_("libvirt could not start the guest again"));
		goto out;
	}
	ret = powered_off ? 1 : 0;
out:
	virDomainFree(dom);
	return ret;
}

/* libvirt's answers when the agent is not there (live-facts.md). */
static const struct {
	int code;
	enum virt_agent_err err;
} agent_errors[] = {
	{VIR_ERR_NO_DOMAIN, VIRT_AGENT_NO_DOMAIN},
	/* "Requested operation is not valid: domain is not running" */
	{VIR_ERR_OPERATION_INVALID, VIRT_AGENT_NOT_RUNNING},
	/* "argument unsupported: QEMU guest agent is not configured" */
	{VIR_ERR_ARGUMENT_UNSUPPORTED, VIRT_AGENT_NO_CHANNEL},
	/* "Guest agent is not responding: QEMU guest agent is not
	 * connected" (no qemu-ga) / "Guest agent not available for now" */
	{VIR_ERR_AGENT_UNRESPONSIVE, VIRT_AGENT_NO_ANSWER},
	{VIR_ERR_AGENT_UNSYNCED, VIRT_AGENT_NO_ANSWER},
};

char *
virt_agent_command(struct virt_conn *c, const char *name, const char *cmd,
		   int timeout_s, enum virt_agent_err *err, char **detail)
{
	virDomainPtr dom = virDomainLookupByName(c->conn, name);
	char *reply = NULL;
	int code;

	*err = VIRT_AGENT_OK;
	*detail = NULL;
	if (dom)
		reply = virDomainQemuAgentCommand(dom, cmd, timeout_s, 0);
	if (!reply) {
		code = virGetLastErrorCode();
		*err = VIRT_AGENT_FAILED;
		for (size_t i = 0; i < ARRAY_SIZE(agent_errors); i++)
			if (agent_errors[i].code == code)
				*err = agent_errors[i].err;
		*detail = xstrdup(virt_last_message());
	}
	if (dom)
		virDomainFree(dom);
	return reply;
}
