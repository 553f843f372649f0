/* virt.h: every libvirt call virtshare makes */
#ifndef VS_VIRT_H
#define VS_VIRT_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* An open connection to one libvirt driver. */
struct virt_conn;

enum virt_open_flags {
	VIRT_OPEN_READONLY = 1 << 0,
};

/*
 * Connect to uri (NULL: libvirt's default, $LIBVIRT_DEFAULT_URI or
 * qemu:///system for root). libvirt's own error printing is silenced;
 * failures are reported once as VS_ERR_CONNECT with libvirt's message and
 * what to do. Returns NULL on failure.
 */
struct virt_conn *virt_open(const char *uri, unsigned flags);
void virt_conn_free(struct virt_conn *c);
DEFINE_AUTOPTR(virt_conn)

/* The canonical URI of the connection (borrowed). */
const char *virt_uri(const struct virt_conn *c);
/* True for libvirt's test driver (test:///...). */
bool virt_is_test(const struct virt_conn *c);
/* True for a per-user daemon (qemu:///session). */
bool virt_is_session(const struct virt_conn *c);
/* The libvirt library version as major * 1000000 + minor * 1000 + micro. */
unsigned long virt_lib_version(const struct virt_conn *c);

/* What the connection says about the host and its hypervisor. */
struct virt_info {
	char *uri;
	char *driver;                /* "QEMU", "TEST", ... */
	unsigned long lib_version;   /* of the library we run */
	unsigned long daemon_version; /* of libvirtd (remote), 0 if unknown */
	unsigned long hv_version;    /* of the hypervisor, 0 if unknown */
	uint64_t *page_sizes_kib;    /* host/cpu/pages from capabilities */
	size_t npage_sizes;
	bool domcaps_known;          /* the driver has domain capabilities */
	char *emulator;              /* from the domain capabilities */
	struct strlist source_types; /* memoryBacking sourceType values */
	struct strlist fs_drivers;   /* filesystem driverType values */
	struct strlist warnings;     /* what could not be read, translated */
};

/*
 * Fill *info from the connection (cleared first). Capabilities the driver
 * does not offer become warnings; returns -1 (reported) only when the
 * connection itself fails.
 */
int virt_info_read(struct virt_conn *c, struct virt_info *info);
void virt_info_clear(struct virt_info *info);

/* "9.0.0" from 9000000 (caller frees). */
char *virt_version_str(unsigned long v);

/* One domain as listed. */
struct virt_domain {
	char *name;
	int state;           /* virDomainState */
	bool active;
	bool persistent;
	uint64_t memory_kib; /* maximum memory */
	unsigned vcpus;
};

/*
 * All domains, active and inactive, sorted by name. Returns the count (the
 * caller frees with virt_domains_free()) or -1 (reported).
 */
int virt_domain_list(struct virt_conn *c, struct virt_domain **out);
void virt_domains_free(struct virt_domain *d, int n);
/* "running", "shut off", ... (translated, borrowed). */
const char *virt_state_name(int state);

/*
 * The persistent (inactive) XML of a domain, or the live one when
 * inactive is false. Returns the XML (caller frees) or NULL after
 * reporting VS_ERR_NO_DOMAIN or VS_ERR_LIBVIRT.
 */
char *virt_domain_xml(struct virt_conn *c, const char *name, bool inactive);
/* Whether the domain is running: 1, 0, or -1 (reported). */
int virt_domain_is_active(struct virt_conn *c, const char *name);
/*
 * Define (or redefine) a domain from xml, validated against libvirt's
 * schema when validate is set. Returns 0 or -1 (VS_ERR_LIBVIRT with
 * libvirt's message).
 */
int virt_domain_define(struct virt_conn *c, const char *xml, bool validate);

/*
 * Whether the domain is running and whether it has a persistent
 * definition. Returns 0, or -1 after reporting VS_ERR_NO_DOMAIN or
 * VS_ERR_LIBVIRT.
 */
int virt_domain_status(struct virt_conn *c, const char *name, bool *active,
		       bool *persistent);
/* True when the connection's daemon runs on this host (no host in the
 * URI), so that paths in a domain can be checked here. */
bool virt_is_local(const struct virt_conn *c);

#endif
