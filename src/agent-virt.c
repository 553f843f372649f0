/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent-virt.c: the guest agent's transport over libvirt-qemu */
#include "config.h"

#include <stdlib.h>

#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "agent.h"
#include "error.h"
#include "util.h"

/*
 * The one libvirt call outside virt.c, until virt.c offers a command to
 * the agent over its connection (it keeps virConnectPtr to itself; issue
 * 15 restructures the core now).
 */
struct agent_virt {
	virConnectPtr conn;
	virDomainPtr dom;
};

static void
agent_virt_silent(void *opaque, virErrorPtr err)
{
	(void)opaque;
	(void)err;
}

/* libvirt's error codes for an agent that is not there (live-facts.md). */
static const struct {
	int code;
	enum agent_fail kind;
} agent_virt_errors[] = {
	{VIR_ERR_NO_DOMAIN, AGENT_FAIL_NO_DOMAIN},
	/* "Requested operation is not valid: domain is not running" */
	{VIR_ERR_OPERATION_INVALID, AGENT_FAIL_NOT_RUNNING},
	/* "argument unsupported: QEMU guest agent is not configured" */
	{VIR_ERR_ARGUMENT_UNSUPPORTED, AGENT_FAIL_NO_CHANNEL},
	/* "Guest agent is not responding: QEMU guest agent is not
	 * connected" (no qemu-ga) / "Guest agent not available for now" */
	{VIR_ERR_AGENT_UNRESPONSIVE, AGENT_FAIL_NO_ANSWER},
	{VIR_ERR_AGENT_UNSYNCED, AGENT_FAIL_NO_ANSWER},
};

static char *
agent_virt_send(void *opaque, const char *cmd, int timeout_s,
		enum agent_fail *kind, char **detail)
{
	struct agent_virt *v = opaque;
	char *reply = virDomainQemuAgentCommand(v->dom, cmd, timeout_s, 0);
	const char *msg;
	int code;

	if (reply)
		return reply;
	code = virGetLastErrorCode();
	msg = virGetLastErrorMessage();
	*kind = AGENT_FAIL_COMMAND;
	for (size_t i = 0; i < ARRAY_SIZE(agent_virt_errors); i++)
		if (agent_virt_errors[i].code == code)
			*kind = agent_virt_errors[i].kind;
	*detail = xstrdup(msg && *msg ? msg : _("unknown libvirt error"));
	return NULL;
}

static void
agent_virt_release(void *opaque)
{
	struct agent_virt *v = opaque;

	if (v->dom)
		virDomainFree(v->dom);
	if (v->conn)
		virConnectClose(v->conn);
	free(v);
}

struct agent *
agent_open(const char *uri, const char *domain)
{
	struct agent_virt *v = xcalloc(1, sizeof(*v));
	const char *msg;

	virSetErrorFunc(NULL, agent_virt_silent);
	v->conn = virConnectOpen(uri);
	if (!v->conn) {
		msg = virGetLastErrorMessage();
		vs_error(VS_ERR_CONNECT,
			 _("Cannot connect to libvirt at %1$s (%2$s). Check "
			   "that the daemon runs and that you may use it."),
			 uri ? uri : _("its default URI"), msg ? msg : "");
		agent_virt_release(v);
		return NULL;
	}
	v->dom = virDomainLookupByName(v->conn, domain);
	if (!v->dom) {
		vs_error(VS_ERR_NO_DOMAIN,
			 _("There is no domain '%1$s'. Check its name with: "
			   "virsh list --all"),
			 domain);
		agent_virt_release(v);
		return NULL;
	}
	return agent_new(domain, agent_virt_send, v, agent_virt_release);
}
