/* SPDX-License-Identifier: GPL-2.0-or-later */
/* live-agent.c: agent.c and fstab.c from a shell test, against a live guest */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "error.h"
#include "fstab.h"
#include "util.h"

/*
 * live-agent URI DOMAIN COMMAND [ARGS]: one agent.c call, for
 * live-agent.e2e. Prints what the call gives on stdout; a failure as
 * "FAIL AGENT_FAIL_x VS_ERR_y: message" on stderr, exit status 1.
 * Limits: VS_LIVE_EXEC_TIMEOUT (s, default 60) for a guest command,
 * VS_LIVE_MOUNT_RETRY_MS (default 5000) for a tag not probed yet.
 */
struct cmd {
	const char *name;
	int argc; /* arguments after the command */
	int (*run)(struct agent *a, char **argv);
};

static int
do_ping(struct agent *a, char **argv)
{
	return agent_ping(a, 10);
}

static int
do_mount(struct agent *a, char **argv)
{
	bool already;

	if (agent_mount(a, argv[0], argv[1], &already) < 0)
		return -1;
	printf("%s\n", already ? "already" : "mounted");
	return 0;
}

static int
do_umount(struct agent *a, char **argv)
{
	unsigned n;

	if (agent_umount(a, argv[0], &n) < 0)
		return -1;
	printf("%u\n", n);
	return 0;
}

static int
do_mounts(struct agent *a, char **argv)
{
	struct fstab_mount *m;
	long n = agent_mounts(a, &m);

	for (long i = 0; i < n; i++)
		printf("%s %s\n", m[i].tag, m[i].dir);
	fstab_mounts_free(m, n > 0 ? (size_t)n : 0);
	return n < 0 ? -1 : 0;
}

static int
do_read(struct agent *a, char **argv)
{
	size_t len;
	AUTOFREE char *data = agent_file_read(a, argv[0], 1 << 20, &len);

	if (!data)
		return -1;
	fwrite(data, 1, len, stdout);
	return 0;
}

static int
do_fstab(struct agent *a, char **argv, bool add)
{
	bool changed;
	int rc = add ? agent_fstab_add(a, argv[0], argv[1], argv[2], &changed)
		     : agent_fstab_remove(a, argv[0], argv[1], NULL, &changed);

	if (rc == 0)
		printf("%s\n", changed ? "changed" : "unchanged");
	return rc;
}

static int
do_fstab_add(struct agent *a, char **argv)
{
	return do_fstab(a, argv, true);
}

static int
do_fstab_remove(struct agent *a, char **argv)
{
	return do_fstab(a, argv, false);
}

static const struct cmd cmds[] = {
	{"ping", 0, do_ping},
	{"mount", 2, do_mount},           /* TAG DIR */
	{"umount", 1, do_umount},         /* TAG */
	{"mounts", 0, do_mounts},
	{"read", 1, do_read},             /* PATH */
	{"fstab-add", 3, do_fstab_add},   /* FSTAB TAG DIR */
	{"fstab-remove", 2, do_fstab_remove}, /* FSTAB TAG */
};

static int
env_int(const char *name, int dflt)
{
	const char *s = getenv(name);
	int v;

	return s && str_to_int(s, &v) == 0 ? v : dflt;
}

int
main(int argc, char **argv)
{
	AUTOPTR(agent) a = NULL;
	const struct cmd *c = NULL;

	for (size_t i = 0; argc >= 4 && i < ARRAY_SIZE(cmds); i++)
		if (STREQ(argv[3], cmds[i].name) && argc == 4 + cmds[i].argc)
			c = &cmds[i];
	if (!c) {
		fprintf(stderr, "usage: live-agent URI DOMAIN ping|mount TAG DIR|"
				"umount TAG|mounts|read PATH|fstab-add FSTAB TAG "
				"DIR|fstab-remove FSTAB TAG\n");
		return 2;
	}
	a = agent_open(argv[1], argv[2]);
	if (a) {
		agent_set_limits(a, 0, env_int("VS_LIVE_EXEC_TIMEOUT", 60) * 1000,
				 0, env_int("VS_LIVE_MOUNT_RETRY_MS", 5000));
		if (c->run(a, argv + 4) == 0)
			return 0;
	}
	fprintf(stderr, "FAIL %s %s: %s\n",
		agent_fail_name(a ? agent_failure(a) : AGENT_FAIL_NONE),
		vs_error_name(vs_error_code()), vs_error_message());
	return 1;
}
