/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent.h: the QEMU guest agent of a running domain: exec, files, mounts */
#ifndef VS_AGENT_H
#define VS_AGENT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "fstab.h"
#include "util.h"
#include "virt.h"

/*
 * Commands to qemu-ga in a running Linux guest, through a transport: the
 * libvirt one (agent_open(), virDomainQemuAgentCommand) or a test's.
 * Every function returns 0 (or a pointer) on success and -1 (or NULL)
 * after reporting once with vs_error(); agent_failure() then says which
 * failure it was, beyond the vs_code (error.h has no code per agent
 * failure). Nothing here prints.
 *
 * X(kind, vs_code): the failures, each with a message that says what to
 * do. The first five come from the transport.
 */
#define AGENT_FAIL_LIST(X)                                                 \
	X(AGENT_FAIL_NONE, VS_OK)                /* no failure */          \
	X(AGENT_FAIL_NO_DOMAIN, VS_ERR_NO_DOMAIN) /* no such domain */     \
	X(AGENT_FAIL_NOT_RUNNING, VS_ERR_INVALID) /* domain shut off */    \
	X(AGENT_FAIL_NO_CHANNEL, VS_ERR_NOT_FOUND) /* no agent channel */  \
	X(AGENT_FAIL_NO_ANSWER, VS_ERR_LIBVIRT)  /* no agent answers */    \
	X(AGENT_FAIL_COMMAND, VS_ERR_LIBVIRT)    /* the agent refused */   \
	X(AGENT_FAIL_REPLY, VS_ERR_PARSE)        /* reply not understood */ \
	X(AGENT_FAIL_TIMEOUT, VS_ERR_SYSTEM)     /* guest command hangs */ \
	X(AGENT_FAIL_EXIT, VS_ERR_SYSTEM)        /* guest command failed */ \
	X(AGENT_FAIL_TOO_BIG, VS_ERR_INVALID)    /* file over the limit */ \
	X(AGENT_FAIL_ARGS, VS_ERR_INVALID)       /* bad tag or directory */ \
	X(AGENT_FAIL_NO_VIRTIOFS, VS_ERR_UNSUPPORTED) /* guest kernel */  \
	X(AGENT_FAIL_NOT_DIR, VS_ERR_INVALID)    /* mount point a file */  \
	X(AGENT_FAIL_ELSEWHERE, VS_ERR_CONFLICT) /* tag mounted elsewhere */ \
	X(AGENT_FAIL_DIR_BUSY, VS_ERR_CONFLICT)  /* dir holds a mount */   \
	X(AGENT_FAIL_FSTAB, VS_ERR_CONFLICT)     /* fstab has other line */ \
	X(AGENT_FAIL_WINDOWS, VS_ERR_UNSUPPORTED) /* not a Linux guest */

#define AGENT_FAIL_ENUM(kind, code) kind,
enum agent_fail { AGENT_FAIL_LIST(AGENT_FAIL_ENUM) AGENT_FAIL__COUNT };
#undef AGENT_FAIL_ENUM

/* "AGENT_FAIL_NO_CHANNEL" and the error.h code of a failure kind. */
const char *agent_fail_name(enum agent_fail kind);
enum vs_code agent_fail_code(enum agent_fail kind);

/*
 * A transport sends one command, the JSON text {"execute": ...,
 * "arguments": {...}}, waits at most timeout_s seconds and returns the
 * agent's whole reply text ({"return": ...}, caller frees). On failure it
 * returns NULL, reports nothing, sets *kind to one of AGENT_FAIL_NO_DOMAIN
 * .. AGENT_FAIL_COMMAND and *detail to the message it got (caller frees,
 * may be NULL).
 */
typedef char *(*agent_send_fn)(void *opaque, const char *cmd, int timeout_s,
			       enum agent_fail *kind, char **detail);

struct agent;

/*
 * An agent of domain (a name for messages) over send; opaque is passed
 * to send and, when the agent is freed, to release (may be NULL).
 */
struct agent *agent_new(const char *domain, agent_send_fn send,
			void *opaque, void (*release)(void *opaque));
/*
 * The agent of domain on the connection conn (borrowed: it must outlive
 * the agent), through virt_agent_command(). NULL after reporting
 * VS_ERR_NO_DOMAIN or VS_ERR_LIBVIRT. Does not talk to the agent.
 */
struct agent *agent_open(struct virt_conn *conn, const char *domain);
void agent_free(struct agent *a);
DEFINE_AUTOPTR(agent)

/* The kind of the last failure of a (AGENT_FAIL_NONE after a success). */
enum agent_fail agent_failure(const struct agent *a);

/*
 * An agent that did not answer once (AGENT_FAIL_NO_ANSWER) is not asked
 * again: every later command of a fails at once the same way. libvirt
 * precedes a command with guest-sync, which waits up to 5 s
 * (QEMU_AGENT_WAIT_TIME) whatever timeout the command has, so a second
 * try would only wait as long again.
 *
 * Limits: each agent command waits cmd_s seconds (default 10); a guest
 * command runs at most exec_ms (default 60000) and is polled every
 * poll_ms (default 100, doubling to 1000); a mount of a tag the guest has
 * not probed yet is retried every 5 * poll_ms for mount_retry_ms (default
 * 5000). 0 keeps
 * the current value; exec_ms and mount_retry_ms take -1 for "no wait".
 */
void agent_set_limits(struct agent *a, int cmd_s, int exec_ms, int poll_ms,
		      int mount_retry_ms);

/*
 * guest-ping within timeout_s: 0 when the agent answers, -1 reported
 * (AGENT_FAIL_NO_CHANNEL, AGENT_FAIL_NO_ANSWER, ...).
 */
int agent_ping(struct agent *a, int timeout_s);

/* What a guest command did. */
struct agent_exec {
	int status;     /* exit code, or 128 + signal number */
	char *out;      /* stdout, NUL-terminated (out_len bytes before it) */
	size_t out_len;
	char *err;      /* stderr, likewise */
	size_t err_len;
};
void agent_exec_clear(struct agent_exec *r);

/*
 * Run argv[0] (searched in qemu-ga's PATH) with argv[1..] (NULL-
 * terminated) and input on its stdin (NULL: none), wait until it exits
 * (guest-exec, then guest-exec-status polled), and fill *r (cleared
 * first) with its status and captured output. Returns 0 whatever the
 * status; -1 reported when it could not run or did not exit within the
 * limit (AGENT_FAIL_TIMEOUT: it is left running in the guest).
 */
int agent_exec(struct agent *a, const char *const argv[], const char *input,
	       struct agent_exec *r);
/*
 * agent_exec() that also fails (AGENT_FAIL_EXIT, reported with the
 * command and its stderr) on a non-zero status. r may be NULL.
 */
int agent_run(struct agent *a, const char *const argv[],
	      struct agent_exec *r);

/*
 * A file in the guest, at most max bytes (guest-file-open/read/close).
 * Returns the contents, NUL-terminated (caller frees), *len (may be
 * NULL) its length; NULL reported (AGENT_FAIL_COMMAND when the guest
 * cannot open it, AGENT_FAIL_TOO_BIG).
 */
char *agent_file_read(struct agent *a, const char *path, size_t max,
		      size_t *len);
/* Create or truncate path in the guest and write data. 0 or -1 reported. */
int agent_file_write(struct agent *a, const char *path, const char *data,
		     size_t len);

/*
 * The guest's virtiofs mounts now, from its /proc/mounts (parsed by
 * fstab_mounts()). Returns the count (*out: caller frees with
 * fstab_mounts_free()) or -1 reported.
 */
long agent_mounts(struct agent *a, struct fstab_mount **out);

/*
 * The guest's operating system as its agent says (guest-get-osinfo's
 * "id": "mswindows", "debian", ...) in *id (caller frees), NULL when it
 * does not say (an agent without the command, a guest without
 * /etc/os-release). 0, or -1 reported.
 */
int agent_os_id(struct agent *a, char **id);
/*
 * Whether the guest runs Windows (agent_os_id() "mswindows"): 1 or 0, or
 * -1 reported. Asked once per agent, within timeout_s seconds (0: the
 * limit of agent_set_limits()), and kept: agent_mount() and the others
 * below use the answer. An agent that does not say counts as Linux. As
 * the first command to an agent it is also its ping.
 */
int agent_windows(struct agent *a, int timeout_s);

/*
 * Mount the share tag on dir (absolute) in the guest: the kernel has
 * virtiofs (/proc/filesystems, after a modprobe; else
 * AGENT_FAIL_NO_VIRTIOFS), tag is not mounted on another directory
 * (AGENT_FAIL_ELSEWHERE) and nothing else is mounted on dir
 * (AGENT_FAIL_DIR_BUSY), dir is a directory (AGENT_FAIL_NOT_DIR) or is
 * created (mkdir -p), then `mount -t virtiofs tag dir`, retried while the
 * guest has not probed a just hot-plugged device yet. A directory it
 * created is removed again when the mount fails. *already (may be NULL)
 * is true when tag was mounted on dir before: nothing is done then.
 * Returns 0 or -1 reported.
 *
 * agent_mount(), agent_umount() and the fstab edits below work in Linux
 * guests: a Windows guest (agent_os_id() "mswindows") fails them with
 * AGENT_FAIL_WINDOWS, whose message says how Windows mounts a share.
 */
int agent_mount(struct agent *a, const char *tag, const char *dir,
		bool *already);
/*
 * Unmount every mount of tag in the guest (the directories stay).
 * *count (may be NULL) says how many there were; 0 is not a failure.
 * Returns 0 or -1 reported (AGENT_FAIL_EXIT with umount's message, e.g.
 * a process in the guest keeps the directory busy).
 */
int agent_umount(struct agent *a, const char *tag, unsigned *count);

/*
 * The guest's fstab (fstab_path, NULL for /etc/fstab) with one line
 * mounting tag on dir (fstab_add()), or without the lines of tag
 * (fstab_remove(); dir NULL for all). A missing file is empty. When the
 * text changes, the old file is kept as FSTAB.virtshare-bak and the new
 * one replaces it whole (written beside it as FSTAB.virtshare-new, mode
 * 0644, then renamed); *changed (may be NULL) says whether it changed.
 * Returns 0 or -1 reported (AGENT_FAIL_FSTAB for a conflicting line).
 */
int agent_fstab_add(struct agent *a, const char *fstab_path,
		    const char *tag, const char *dir, bool *changed);
int agent_fstab_remove(struct agent *a, const char *fstab_path,
		       const char *tag, const char *dir, bool *changed);

#endif
