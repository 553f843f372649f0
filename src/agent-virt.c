/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent-virt.c: the guest agent's transport: virt.c's connection */
#include "config.h"

#include <stdlib.h>

#include "agent.h"
#include "error.h"
#include "util.h"
#include "virt.h"

struct agent_virt {
	struct virt_conn *conn; /* borrowed */
	char *domain;
};

/* virt.c's reasons for no reply, as agent failures. */
static const struct {
	enum virt_agent_err err;
	enum agent_fail kind;
} agent_virt_errors[] = {
	{VIRT_AGENT_NO_DOMAIN, AGENT_FAIL_NO_DOMAIN},
	{VIRT_AGENT_NOT_RUNNING, AGENT_FAIL_NOT_RUNNING},
	{VIRT_AGENT_NO_CHANNEL, AGENT_FAIL_NO_CHANNEL},
	{VIRT_AGENT_NO_ANSWER, AGENT_FAIL_NO_ANSWER},
	{VIRT_AGENT_FAILED, AGENT_FAIL_COMMAND},
};

static char *
agent_virt_send(void *opaque, const char *cmd, int timeout_s,
		enum agent_fail *kind, char **detail)
{
	struct agent_virt *v = opaque;
	enum virt_agent_err err;
	char *reply = virt_agent_command(v->conn, v->domain, cmd, timeout_s,
					 &err, detail);

	if (reply)
		return reply;
	*kind = AGENT_FAIL_COMMAND;
	for (size_t i = 0; i < ARRAY_SIZE(agent_virt_errors); i++)
		if (agent_virt_errors[i].err == err)
			*kind = agent_virt_errors[i].kind;
	return NULL;
}

static void
agent_virt_release(void *opaque)
{
	struct agent_virt *v = opaque;

	free(v->domain);
	free(v);
}

struct agent *
agent_open(struct virt_conn *conn, const char *domain)
{
	struct agent_virt *v;
	bool active, persistent;

	if (virt_domain_status(conn, domain, &active, &persistent) < 0)
		return NULL;
	v = xcalloc(1, sizeof(*v));
	v->conn = conn;
	v->domain = xstrdup(domain);
	return agent_new(domain, agent_virt_send, v, agent_virt_release);
}
