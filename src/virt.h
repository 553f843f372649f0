/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virt.h: every libvirt call virtshare makes */
#ifndef VS_VIRT_H
#define VS_VIRT_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"
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
/*
 * How many snapshots the domain has. Returns the count, or -1 after
 * reporting VS_ERR_NO_DOMAIN or VS_ERR_LIBVIRT.
 */
int virt_domain_snapshots(struct virt_conn *c, const char *name);

/*
 * Whether uri names a daemon on another host, which virtshare reaches
 * through libvirt only: a host part (qemu://kvm7/system, even localhost)
 * or a transport other than unix (qemu+ssh:///system: ssh may land in
 * another machine or container). NULL, "" and unparseable URIs are not
 * remote. The one test of remoteness: every other one calls it.
 */
bool virt_uri_is_remote(const char *uri);
/* The domain's UUID as text. Caller frees; NULL after reporting
 * VS_ERR_NO_DOMAIN or VS_ERR_LIBVIRT. */
char *virt_domain_uuid(struct virt_conn *c, const char *name);
/*
 * The user and group QEMU runs as on the connection's host, as libvirt's
 * DAC security model labels it ("+64055:+64055": uid and gid there; the
 * names are that host's). Caller frees; NULL when the capabilities have
 * no DAC label, or after reporting VS_ERR_LIBVIRT.
 */
char *virt_qemu_dac_label(struct virt_conn *c);
/*
 * The name of the connection's host (virConnectGetHostname: the remote
 * host's for a remote URI). Caller frees; NULL after reporting
 * VS_ERR_LIBVIRT.
 */
char *virt_hostname(struct virt_conn *c);
/* virt_uri_is_remote() of the connection's URI: paths in its domains
 * cannot be checked here. The test driver is not remote. */
bool virt_is_remote(const struct virt_conn *c);

/*
 * Whether uri's driver manages this machine's kernel: not remote and not
 * the test driver. NULL, libvirt's default, counts as local.
 */
bool virt_uri_is_local(const char *uri);

/*
 * The hugepage pools of the connection's host as libvirt sees them: the
 * sizes above the base page (capabilities host/cpu/pages), the pool per
 * NUMA cell (capabilities topology: totals, not free pages), free pages
 * per cell (virNodeGetFreePages; HOST_UNKNOWN where the driver lacks it,
 * with a warning) and the memory (virNodeGetInfo). System-wide pools are
 * the sums of the cells; reserved and surplus counts are HOST_UNKNOWN.
 * root is NULL, and there are no mounts, daemons or default page size.
 * Returns the host (caller frees) or NULL after reporting VS_ERR_LIBVIRT.
 */
struct host_info *virt_host_pages(struct virt_conn *c);
/*
 * The pool size of size_kib pages on cell node (-1: the whole host) from
 * the capabilities, read now. Returns 0, or -1 after reporting.
 */
int virt_pages_get(struct virt_conn *c, int node, uint64_t size_kib,
		   uint64_t *count);
/*
 * Set that pool to count pages with virNodeAllocPages. libvirt fails
 * when the kernel gave fewer, having changed the pool all the same: read
 * back with virt_pages_get() either way. Returns 0, or -1 after reporting
 * VS_ERR_LIBVIRT, or VS_ERR_UNSUPPORTED for drivers without the call (the
 * test driver).
 */
int virt_pages_set(struct virt_conn *c, int node, uint64_t size_kib,
		   uint64_t count);

/* ---- live devices and the guest agent ------------------------------------ */

/*
 * Attach the device xml (a <filesystem> element) to the running domain
 * name, live only (VIR_DOMAIN_AFFECT_LIVE): its persistent definition is
 * the plan's domain step's to change, with the saved copy undo uses.
 * Returns 0, or -1 after reporting VS_ERR_LIBVIRT with libvirt's message.
 */
int virt_domain_attach(struct virt_conn *c, const char *name,
		       const char *xml);
/*
 * Detach the device xml from the running domain live and wait at most
 * timeout_ms for alias (the device's live alias) to leave the live
 * definition, which libvirt does on DEVICE_REMOVED: the guest must
 * release the device first. Returns 1 when
 * it is gone, 0 when it is still there after timeout_ms (not reported:
 * the caller says what that means), -1 after reporting VS_ERR_LIBVIRT.
 */
int virt_domain_detach(struct virt_conn *c, const char *name,
		       const char *xml, const char *alias, int timeout_ms);

/*
 * Shut the running domain name down (virDomainShutdown: the agent, else
 * ACPI) and wait at most timeout_s until it is off; with force, destroy
 * it when it is not, or when libvirt cannot ask it to shut down (no
 * agent, no ACPI). Then start it again. Returns 0 (it shut down), 1 (it
 * was powered off), or -1 after reporting (VS_ERR_LIBVIRT; VS_ERR_SYSTEM
 * when it did not shut down in time and force is not set: it still
 * runs).
 */
int virt_domain_restart(struct virt_conn *c, const char *name, int timeout_s,
			bool force);

/*
 * Whether libvirt runs the domain name in a cgroup of its own, asked
 * through the APIs that need one (scheduler type: cpu; memory and blkio
 * parameters; CPU statistics: cpuacct, each with its parameters, not
 * just their number, which libvirt gives without a cgroup): 1 when one
 * of them answers, 0 when none does and one says its controller is not
 * there (VIR_ERR_OPERATION_INVALID, as the QEMU driver does for a domain
 * without cgroup), -1 when libvirt does not tell (other errors, another
 * driver). Reports nothing.
 */
int virt_domain_cgroups(struct virt_conn *c, const char *name);

/* Why a command to the guest agent got no reply. */
enum virt_agent_err {
	VIRT_AGENT_OK,
	VIRT_AGENT_NO_DOMAIN,
	VIRT_AGENT_NOT_RUNNING, /* the domain is shut off */
	VIRT_AGENT_NO_CHANNEL,  /* no org.qemu.guest_agent.0 channel */
	VIRT_AGENT_NO_ANSWER,   /* no qemu-ga in the channel */
	VIRT_AGENT_FAILED,      /* the agent refused the command */
};

/*
 * Send cmd (JSON) to the guest agent of domain name and wait at most
 * timeout_s (virDomainQemuAgentCommand). Returns the reply (caller
 * frees), or NULL without reporting, with *err and *detail (libvirt's
 * message, caller frees) set.
 */
char *virt_agent_command(struct virt_conn *c, const char *name,
			 const char *cmd, int timeout_s,
			 enum virt_agent_err *err, char **detail);

#endif
