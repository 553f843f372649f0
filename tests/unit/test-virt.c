/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-virt.c: the libvirt calls (virt.c) on libvirt's test driver */
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "error.h"
#include "tap.h"
#include "virt.h"

#define URI "test:///default"

static const char new_domain[] =
    "<domain type='test'>\n"
    "  <name>vt1</name>\n"
    "  <memory unit='KiB'>262144</memory>\n"
    "  <vcpu>2</vcpu>\n"
    "  <os><type>hvm</type></os>\n"
    "</domain>\n";

/* One test of remoteness (issue 17): a host part or a network transport. */
static const struct {
	const char *uri;
	bool remote;
} remote_uris[] = {
	{NULL, false},
	{"", false},
	{"qemu:///system", false},
	{"qemu:///session", false},
	{"qemu+unix:///system?socket=/run/x/libvirt-sock", false},
	{"test:///default", false},
	{"qemu+ssh://kvm7/system", true},
	{"qemu+ssh://root@localhost:2222/system?keyfile=/k&no_verify=1", true},
	{"qemu+ssh://localhost/system", true},
	{"qemu+ssh:///system", true},
	{"qemu+tcp://10.0.0.2/system", true},
	{"qemu+tls://kvm7.example/system", true},
	{"qemu+libssh2://root@kvm7/system", true},
	{"qemu://kvm7/system", true},
	{"qemu://localhost/system", true},
};

static void
test_pure(void)
{
	/* Version formatting belongs to the compat module (issue 15), tested
	 * there. */
	tap_ok(virt_uri_is_local(NULL) && virt_uri_is_local("qemu:///system") &&
		   virt_uri_is_local("qemu:///session"),
	       "virt_uri_is_local: the default and qemu:/// URIs");
	tap_ok(!virt_uri_is_local("qemu+ssh://host/system") &&
		   !virt_uri_is_local(URI),
	       "virt_uri_is_local: a remote host, the test driver");
	for (size_t i = 0; i < sizeof(remote_uris) / sizeof(*remote_uris);
	     i++)
		tap_ok(virt_uri_is_remote(remote_uris[i].uri) ==
			   remote_uris[i].remote,
		       "virt_uri_is_remote(%s): %s",
		       remote_uris[i].uri ? remote_uris[i].uri : "NULL",
		       remote_uris[i].remote ? "remote" : "not remote");
	tap_ok(!virt_uri_is_local("qemu+ssh://root@localhost:2222/system") &&
		   virt_uri_is_local("qemu+unix:///system?socket=/x/sock"),
	       "virt_uri_is_local: ssh to localhost is not, a unix socket is");
	tap_is_str(virt_state_name(VIR_DOMAIN_RUNNING), "running",
		   "virt_state_name: running");
	tap_is_str(virt_state_name(-1), "unknown",
		   "virt_state_name: out of range");
}

static void
test_open(void)
{
	struct virt_conn *c;

	vs_error_reset();
	c = virt_open("nosuchdriver:///x", 0);
	tap_ok(!c && vs_error_code() == VS_ERR_CONNECT,
	       "virt_open: an unknown driver is VS_ERR_CONNECT");
	virt_conn_free(c);
	virt_conn_free(NULL);
	vs_error_reset();
}

static void
test_conn(struct virt_conn *c)
{
	struct virt_info info;

	tap_is_str(virt_uri(c), URI, "virt_uri: the canonical URI");
	tap_ok(virt_is_test(c) && !virt_is_session(c) && !virt_is_remote(c),
	       "the test driver: test, not session, not remote");
	tap_is_int(virt_info_read(c, &info), 0, "virt_info_read");
	tap_ok(info.uri && STREQ(info.uri, URI) && info.driver &&
		   STREQ(info.driver, "TEST") && info.lib_version >= 1000000,
	       "virt_info: URI, driver and library version");
	virt_info_clear(&info);
	tap_ok(info.uri == NULL && info.driver == NULL,
	       "virt_info_clear leaves nothing behind");
}

static void
test_domains(struct virt_conn *c)
{
	struct virt_domain *d = NULL;
	int n = virt_domain_list(c, &d);
	AUTOFREE char *xml = NULL;
	bool active = false, persistent = false;

	tap_ok(n == 1 && STREQ(d[0].name, "test") && d[0].active &&
		   d[0].persistent && d[0].state == VIR_DOMAIN_RUNNING &&
		   d[0].memory_kib > 0 && d[0].vcpus > 0,
	       "virt_domain_list: the test driver's running domain");
	virt_domains_free(d, n);

	xml = virt_domain_xml(c, "test", true);
	tap_ok(xml && strstr(xml, "<name>test</name>"),
	       "virt_domain_xml: the persistent definition");
	tap_ok(virt_domain_status(c, "test", &active, &persistent) == 0 &&
		   active && persistent,
	       "virt_domain_status: running and persistent");
	tap_is_int(virt_domain_snapshots(c, "test"), 0,
		   "virt_domain_snapshots: none");

	vs_error_reset();
	tap_ok(!virt_domain_xml(c, "nosuch", true) &&
		   vs_error_code() == VS_ERR_NO_DOMAIN,
	       "virt_domain_xml: no such domain is VS_ERR_NO_DOMAIN");
	vs_error_reset();
	tap_ok(virt_domain_status(c, "nosuch", &active, &persistent) < 0 &&
		   vs_error_code() == VS_ERR_NO_DOMAIN,
	       "virt_domain_status: no such domain is VS_ERR_NO_DOMAIN");
	vs_error_reset();
	tap_ok(virt_domain_snapshots(c, "nosuch") < 0 &&
		   vs_error_code() == VS_ERR_NO_DOMAIN,
	       "virt_domain_snapshots: no such domain is VS_ERR_NO_DOMAIN");
}

static void
test_define(struct virt_conn *c)
{
	struct virt_domain *d = NULL;
	AUTOFREE char *xml = NULL;
	bool active = true, persistent = false;
	int n;

	tap_is_int(virt_domain_define(c, new_domain, true), 0,
		   "virt_domain_define: a new domain, validated");
	n = virt_domain_list(c, &d);
	tap_ok(n == 2 && STREQ(d[0].name, "test") && STREQ(d[1].name, "vt1") &&
		   !d[1].active && d[1].memory_kib == 262144 &&
		   d[1].vcpus == 2,
	       "virt_domain_list: sorted by name, the new one shut off");
	virt_domains_free(d, n);
	tap_ok(virt_domain_status(c, "vt1", &active, &persistent) == 0 &&
		   !active && persistent,
	       "virt_domain_status: defined, not running");
	xml = virt_domain_xml(c, "vt1", false);
	tap_ok(xml && strstr(xml, "<name>vt1</name>"),
	       "virt_domain_xml: the live definition of a shut-off domain");

	vs_error_reset();
	tap_ok(virt_domain_define(c, "<domain type='test'><nonsense/>"
				     "</domain>",
				  true) < 0 &&
		   vs_error_code() == VS_ERR_LIBVIRT && *vs_error_message(),
	       "virt_domain_define: libvirt refuses, VS_ERR_LIBVIRT with "
	       "its message");
	vs_error_reset();
}

static void
test_pages(struct virt_conn *c)
{
	AUTOPTR(host_info) h = virt_host_pages(c);

	tap_ok(h != NULL && h->root == NULL,
	       "virt_host_pages: the test driver's host, no root");
	vs_error_reset();
	tap_ok(virt_pages_set(c, -1, 2048, 1) < 0 &&
		   vs_error_code() == VS_ERR_UNSUPPORTED,
	       "virt_pages_set: the test driver cannot, VS_ERR_UNSUPPORTED");
	vs_error_reset();
}

int
main(void)
{
	AUTOPTR(virt_conn) c = NULL;

	test_pure();
	test_open();
	if (!tap_ok((c = virt_open(URI, 0)) != NULL, "virt_open %s", URI)) {
		tap_diag("%s", vs_error_message());
		return tap_done();
	}
	test_conn(c);
	test_domains(c);
	test_define(c);
	test_pages(c);
	return tap_done();
}
