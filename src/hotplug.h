/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hotplug.h: can a running domain take a virtiofs device now, and why not */
#ifndef VS_HOTPLUG_H
#define VS_HOTPLUG_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

/* The name of the QEMU guest agent's virtio-serial port. */
#define HOTPLUG_AGENT_CHANNEL "org.qemu.guest_agent.0"

enum hotplug_machine {
	HOTPLUG_MACHINE_OTHER,  /* virt, pseries, microvm, none given, ... */
	HOTPLUG_MACHINE_Q35,    /* q35, pc-q35-*: PCIe, needs a root port */
	HOTPLUG_MACHINE_I440FX, /* pc, pc-i440fx-*, pc-N.M: slots on pci.0 */
};

/*
 * What the check found, in the order it reports them. Findings that
 * block refuse a live attach; the others say what else will not work
 * (the mount inside the guest needs the agent).
 */
enum hotplug_what {
	HOTPLUG_LIBVIRT_OLD,        /* blocks: libvirt older than COMPAT_HOTPLUG */
	HOTPLUG_NO_ACPI,            /* blocks: x86 without <features><acpi/> */
	HOTPLUG_NO_ROOT_PORT,       /* blocks: q35 without a free root port */
	HOTPLUG_ROOT_HOTPLUG_OFF,   /* blocks: i440fx pci-root hotplug='off' */
	HOTPLUG_TAG_TAKEN,          /* blocks: a device has the tag already */
	HOTPLUG_NO_CGROUP,          /* blocks a daemon libvirt starts: the
				       domain has no cgroup (libvirt 9.0
				       segfaults); hotplug_check_cgroup() */
	HOTPLUG_MACHINE_UNKNOWN,    /* not checked: a machine we do not know */
	HOTPLUG_NO_AGENT,           /* no guest agent channel: no mount */
	HOTPLUG_AGENT_DISCONNECTED, /* the channel is there, no agent in it */
};

struct hotplug_finding {
	enum hotplug_what what;
	bool blocks;
	char *reason; /* a translated sentence that says what to do */
};

struct hotplug_check {
	enum hotplug_machine machine;
	char *machine_name;       /* as in <os><type machine>, or NULL */
	bool x86;                 /* arch x86_64 or i686 (or none given) */
	bool acpi;                /* <features><acpi/> */
	unsigned root_ports;      /* pcie-root-port controllers */
	unsigned free_root_ports; /* of those: hot-pluggable, no device on
				     their bus */
	bool agent;               /* the agent channel is defined */
	int agent_connected;      /* its live state: 1, 0, -1 (no state:
				     an inactive definition) */
	struct hotplug_finding *findings;
	size_t n;
};

/*
 * Check doc, a domain's live XML (virDomainGetXMLDesc without
 * VIR_DOMAIN_XML_INACTIVE: its devices have their PCI addresses), for a
 * live attach of a virtiofs share with tag (NULL: any tag) under libvirt
 * libvirt_version (0: unknown, not checked). Fills *out (cleared first;
 * hotplug_check_clear() frees it). Returns 0, or -1 after reporting
 * VS_ERR_XML when doc is not a domain. Reads nothing but doc.
 *
 * Free root ports: pcie-root-port controllers whose <target
 * hotplug='off'/> is not set and whose index no <address type='pci'
 * bus=...> of another device uses (live-facts.md, "PCI slots").
 */
int hotplug_check(xmlDocPtr doc, const char *tag,
		  unsigned long libvirt_version, struct hotplug_check *out);
void hotplug_check_clear(struct hotplug_check *c);

/*
 * Add what virt_domain_cgroups() said of the running domain (has, 1, 0
 * or -1) to c: with 0, the blocking finding HOTPLUG_NO_CGROUP. It
 * blocks only a share whose virtiofs daemon libvirt starts itself
 * (<binary> or none, not <source socket>): libvirt 9.0's
 * qemuDomainAttachFSDevice() puts that daemon into the domain's cgroup
 * without checking there is one (qemuVirtioFSSetupCgroup() with
 * priv->cgroup NULL), and libvirtd dies of the NULL pointer, leaving
 * the guest unmanaged until it restarts. The start path checks
 * (qemuSetupCgroup...), so a share in the definition is fine at the next
 * start.
 */
void hotplug_check_cgroup(struct hotplug_check *c, int has);

/* No finding blocks the attach. */
bool hotplug_ready(const struct hotplug_check *c);
/* The finding what, or NULL (borrowed). */
const struct hotplug_finding *hotplug_find(const struct hotplug_check *c,
					   enum hotplug_what what);
/* "HOTPLUG_NO_ACPI": for tests and --json. */
const char *hotplug_what_name(enum hotplug_what what);

#endif
