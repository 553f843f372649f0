/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-check-daemon.c: the checks of the virtiofs daemon */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing.h"
#include "doctor-priv.h"
#include "error.h"
#include "launch.h"

/* Our daemon, when installed: what a share can be pointed at. */
static const char *
our_daemon(const struct doctor_facts *f)
{
	for (size_t i = 0; i < f->h->ndaemons; i++)
		if (f->h->daemons[i].ours && f->h->daemons[i].present)
			return f->h->daemons[i].path;
	return NULL;
}

/* Offer our daemon for the share as the fix. */
static void
fix_with_our_daemon(const struct doctor_facts *f, struct doctor_result *r,
		    const char *why)
{
	const char *ours = our_daemon(f);
	AUTOFREE char *extra = NULL, *w = NULL;

	if (!ours) {
		doctor_fix(r, _("%s Daemons: virtiofsd (Debian 13: apt install "
				"virtiofsd), QEMU's (Debian 12: apt install "
				"qemu-system-common) or virtshare-fsd; name "
				"one with --binary PATH."),
			   why);
		return;
	}
	w = shell_word(ours);
	extra = xasprintf("--binary %s", w);
	doctor_fix(r, _("%1$s Let libvirt start virtshare's daemon %2$s for "
			"the share."),
		   why, ours);
	doctor_share_command(f, r, f->share, extra);
	doctor_share_fix(r, f->share)->share.binary = xstrdup(ours);
}

/* The Rust virtiofsd (1.x), not QEMU's C one ("virtiofsd version 7.2"). */
static bool
daemon_is_rust(const struct share_daemon *sd)
{
	const struct host_daemon *p = &sd->probe;
	unsigned major;

	if (p->probed && strlist_has(&p->features, "separate-options"))
		return true;
	if (p->version)
		return sscanf(p->version, "virtiofsd %u.", &major) == 1 &&
		       major >= 1 && major < 5;
	return sd->path && STREQ(sd->path, RUST_VIRTIOFSD);
}

static void
run_daemon_installed(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct host_daemon *d;

	if (!doctor_host_local(f, r))
		return;
	d = doctor_descriptor_daemon(f->h);
	if (!d) {
		doctor_verdict(r, DOCTOR_ERROR,
			       _("No vhost-user descriptor names a virtiofs "
				 "daemon: libvirt cannot start shares that "
				 "name none."));
		if (our_daemon(f))
			doctor_fix(r, _("Name virtshare's daemon in each "
					"share: virtshare share DOMAIN --tag "
					"TAG --dir DIR --binary %s, or install "
					"a daemon with its descriptor (Debian "
					"13: apt install virtiofsd)."),
				   our_daemon(f));
		else
			doctor_fix(r, _("Install a daemon with its descriptor "
					"(Debian 13: apt install virtiofsd; "
					"Debian 12: apt install "
					"qemu-system-common), or install "
					"virtshare-fsd."));
		return;
	}
	if (!d->present) {
		doctor_message(r, "virtiofsd binary '%s' is not "
				  "executable", d->path);
		doctor_verdict(r, DOCTOR_ERROR,
			       _("libvirt picks the daemon %1$s, named by "
				 "%2$s, which is not installed or not "
				 "executable."),
			       d->path, d->descriptor);
		doctor_fix(r, _("Install it again, or remove %s so that the "
				"next descriptor is used."),
			   d->descriptor);
		return;
	}
	doctor_verdict(r, DOCTOR_OK,
		       _("For shares that name no daemon libvirt starts %1$s "
			 "(%2$s)."),
		       d->path, d->descriptor);
}

static const struct doctor_check check_daemon_installed = {
	.id = "daemon-installed",
	.group = DOCTOR_GROUP_DAEMON,
	.scope = DOCTOR_SCOPE_HOST,
	.looks_at = N_("the vhost-user descriptors in "
		       "/usr/share/qemu/vhost-user and /etc/qemu/"
		       "vhost-user, the daemons they name"),
	.message = "Unable to find a satisfying virtiofsd",
	.patterns = {"Unable to find a satisfying virtiofsd"},
	.cause = N_("For a share without <binary path>, libvirt starts "
		    "the daemon named by the first vhost-user "
		    "descriptor of type fs."),
	.fix = N_("Install a virtiofs daemon with its descriptor "
		  "(virtiofsd, virtshare-fsd), or name one per share: "
		  "virtshare share DOMAIN --tag TAG --dir DIR --binary "
		  "PATH."),
	.run = run_daemon_installed,
};

static void
run_daemon_binary(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct share_daemon *sd = &f->daemons[f->si];
	AUTOFREE char *why = NULL;

	if (doctor_share_is_external(f, r) || !doctor_host_local(f, r))
		return;
	if (!sd->path) {
		doctor_message(r, "Unable to find a satisfying virtiofsd");
		doctor_verdict(r, DOCTOR_ERROR,
			       _("The share names no daemon and no vhost-user "
				 "descriptor names one: libvirt fails with "
				 "\"Unable to find a satisfying virtiofsd\"."));
		fix_with_our_daemon(f, r, _("Give the share a daemon."));
		return;
	}
	if (!sd->present) {
		doctor_verdict(r, DOCTOR_ERROR,
			       _("The share's daemon %s is not installed or "
				 "not executable."),
			       sd->path);
		doctor_message(r, "virtiofsd binary '%s' is not "
				  "executable", sd->path);
		why = xasprintf(_("Install %s, or give the share another "
				  "daemon."),
				sd->path);
		fix_with_our_daemon(f, r, why);
		return;
	}
	if (sd->descriptor)
		doctor_verdict(r, DOCTOR_OK, _("libvirt starts %1$s (named by "
					       "%2$s)."),
			       sd->path, sd->descriptor);
	else
		doctor_verdict(r, DOCTOR_OK, _("libvirt starts %s."), sd->path);
}

static const struct doctor_check check_daemon_binary = {
	.id = "daemon-binary",
	.group = DOCTOR_GROUP_DAEMON,
	.scope = DOCTOR_SCOPE_SHARE,
	.looks_at = N_("the share's <binary path>, or the daemon the "
		       "descriptors name"),
	.message = "virtiofsd binary 'PATH' is not executable",
	.patterns = {"virtiofsd binary '*' is not executable",
		     "Unable to find a satisfying virtiofsd"},
	.cause = N_("libvirt checks that the daemon it is to start "
		    "exists and is executable."),
	.fix = N_("Name an installed daemon: virtshare share DOMAIN "
		  "--tag TAG --dir DIR --binary PATH."),
	.run = run_daemon_binary,
};

static void
run_daemon_died(const struct doctor_facts *f, struct doctor_result *r)
{
	bool any_log = false, daemon_said = false, found;

	if (doctor_share_is_external(f, r) || !doctor_host_local(f, r))
		return;
	for (size_t i = 0; i < f->nlogs; i++) {
		const struct doctor_log *l = &f->logs[i];

		if (l->kind == LOG_QEMU || l->kind == LOG_DAEMON)
			any_log = true;
		if (l->kind != LOG_DAEMON || !doctor_log_visible(f, l))
			continue;
		for (size_t j = l->lines.n; j-- > 0 && !daemon_said;)
			if (doctor_error_line(l->lines.v[j])) {
				doctor_quote_add(r, l->file, l->lines.v[j]);
				daemon_said = true;
			}
	}
	if (!any_log && f->unreadable.n) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("The logs cannot be read with your rights: "
				 "run as root."));
		return;
	}
	if (!any_log) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("libvirt has no log of this domain to look "
				 "at."));
		return;
	}
	found = doctor_quote_logs(f, r);
	if (!found && !daemon_said) {
		doctor_verdict(r, DOCTOR_OK,
			       _("The logs show no failure of the daemon."));
		return;
	}
	if (f->run.failed)
		doctor_verdict(r, DOCTOR_ERROR,
			       _("The daemon failed, and with it the last "
				 "start of the domain."));
	else if (found)
		doctor_verdict(r, DOCTOR_ERROR, _("The daemon died (quoted)."));
	else
		doctor_verdict(r, DOCTOR_WARNING,
			       _("The daemon's log reports an error "
				 "(quoted)."));
	doctor_fix(r, _("The lines quoted say why. Remove the cause, then "
			"start the domain again (virsh start %s)."),
		   f->domain);
}

static const struct doctor_check check_daemon_died = {
	.id = "daemon-died",
	.group = DOCTOR_GROUP_DAEMON,
	.scope = DOCTOR_SCOPE_SHARE,
	.looks_at = N_("the daemon's log "
		       "(<domain>-<alias>-virtiofsd.log), the domain's "
		       "QEMU log, libvirtd's log"),
	.message = "virtiofsd died unexpectedly",
	.patterns = {"virtiofsd died unexpectedly",
		     "Could not start 'virtiofsd'",
		     "Failed to connect to '*-fs.sock': Connection "
		     "refused",
		     "Failed to read msg header. Read 0 instead of"},
	.cause = N_("The daemon exited before or while QEMU used it; "
		    "its log says why."),
	.fix = N_("Read the daemon's log, remove the cause and start "
		  "the domain again."),
	.run = run_daemon_died,
};

/* The launch record serving socket, or NULL. */
static struct launch_status *
socket_record(const char *socket)
{
	AUTOFREE char *name = launch_find_socket(socket);
	struct launch_status *st;

	if (!name) {
		vs_error_reset();
		return NULL;
	}
	if (!(st = launch_status_read(name)))
		vs_error_reset();
	return st;
}

/* Whether the daemon's record gives its socket to user or group: then
 * starting it again puts the owner right. */
static bool
record_gives(const struct launch_status *st, const char *user,
	     const char *group)
{
	return st && ((st->spec.socket_user &&
		       STREQ(st->spec.socket_user, user)) ||
		      (st->spec.socket_group &&
		       STREQ(st->spec.socket_group, group)));
}

/* "virtshare daemon start DOM TAG" or "... --socket PATH". */
static void
daemon_command(const struct doctor_facts *f, struct doctor_result *r,
	       const struct launch_status *st, const char *verb)
{
	if (st->spec.domain && st->spec.tag) {
		AUTOFREE char *d = shell_word(st->spec.domain);
		AUTOFREE char *t = shell_word(st->spec.tag);

		doctor_command(r, "%s daemon %s %s %s", f->cmd, verb, d, t);
	} else {
		AUTOFREE char *s = shell_word(st->spec.socket);

		doctor_command(r, "%s daemon %s --socket %s", f->cmd, verb, s);
	}
	r->action.kind = DOCTOR_FIX_DAEMON;
	free(r->action.daemon);
	r->action.daemon = xstrdup(st->name);
}

/* The daemon virtshare started for the socket died: its log says why. */
static void
died_says(struct doctor_result *r, const struct launch_status *st)
{
	if (doctor_quote_launch_log(r, st))
		doctor_detail(r, _("The daemon virtshare started on it exited; "
				   "its log %s says why (quoted)."),
			      st->log);
}

static void
socket_fix(const struct doctor_facts *f, struct doctor_result *r,
	   const struct launch_status *st, const char *verb)
{
	AUTOFREE char *d = shell_word(f->domain);
	AUTOFREE char *t =
	    shell_word(f->share->tag ? f->share->tag : "");
	AUTOFREE char *s = shell_word(f->share->socket);

	if (st) {
		doctor_fix(r, _("Start the daemon virtshare recorded for it "
				"again: it listens and gives the socket QEMU's "
				"user and group."));
		daemon_command(f, r, st, verb);
		return;
	}
	doctor_fix(r, _("Start a daemon on it with the directory to share: "
			"virtshare daemon start %1$s %2$s --dir DIR --socket "
			"%3$s"),
		   d, t, s);
}

static void
run_socket(const struct doctor_facts *f, struct doctor_result *r)
{
	const char *sock = f->share->socket;
	const struct qemu_settings *q = f->q;
	const char *qgroup = q && q->group ? q->group : QEMUCONF_DEFAULT_GROUP;
	AUTOPTR(launch_status) st = NULL;
	AUTOFREE char *full = NULL, *blocked = NULL, *user = NULL;
	struct stat sb;
	uid_t uid;
	gid_t gid;
	int listening;

	if (!sock) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("libvirt starts the daemon and makes its "
				 "socket."));
		return;
	}
	if (!doctor_host_local(f, r))
		return;
	st = socket_record(sock);
	full = path_under(f->env->root, sock);
	if (lstat(full, &sb) < 0) {
		doctor_message(r,
			       "Failed to connect to '%s': No such file or "
			       "directory",
			       sock);
		doctor_verdict(r, DOCTOR_ERROR,
			       _("The socket %s does not exist: no daemon "
				 "serves the share, and QEMU fails with "
				 "\"Failed to connect to '%s': No such file or "
				 "directory\"."),
			       sock, sock);
		died_says(r, st);
		socket_fix(f, r, st, "start");
		return;
	}
	if (!S_ISSOCK(sb.st_mode)) {
		doctor_message(r, "Failed to connect to '%s': Connection "
				  "refused",
			       sock);
		doctor_verdict(r, DOCTOR_ERROR, _("%s is not a socket."), sock);
		doctor_fix(r, _("Remove it and start the share's daemon (it "
				"creates the socket)."));
		return;
	}
	listening = host_unix_listening(f->env->root, 0, sock);
	if (listening == 0 && st && st->state == LAUNCH_RUNNING) {
		/* It serves one front end and stops listening once QEMU
		 * is connected. */
		if (f->env->conn && !f->active) {
			doctor_message(r,
				       "Failed to connect to '%s': Connection "
				       "refused",
				       sock);
			doctor_verdict(r, DOCTOR_ERROR,
				       _("The daemon on %1$s (pid %2$d) serves "
					 "another front end while %3$s is not "
					 "running: a daemon serves one QEMU, "
					 "so starting %3$s fails with "
					 "\"Connection refused\"."),
				       sock, st->pid, f->domain);
			socket_fix(f, r, st, "restart");
			return;
		}
		doctor_verdict(r, DOCTOR_OK,
			       _("The daemon on %1$s (pid %2$d) serves the "
				 "guest: QEMU is connected."),
			       sock, st->pid);
		return;
	}
	if (listening == 0) {
		doctor_message(r, "Failed to connect to '%s': Connection "
				  "refused",
			       sock);
		doctor_verdict(r, DOCTOR_ERROR,
			       _("Nothing listens on %s: its daemon is gone, "
				 "and QEMU fails with \"Connection refused\"."),
			       sock);
		died_says(r, st);
		socket_fix(f, r, st, "start");
		return;
	}
	/* Whose QEMU connects: qemu.conf's user, or the session's. */
	if (f->env->session) {
		user = host_user_name(f->env->uid);
		uid = f->env->uid;
		gid = f->env->gid;
	} else {
		user = xstrdup(q ? q->user : QEMUCONF_DEFAULT_USER);
		if (host_user_lookup(user, &uid, &gid) < 0) {
			doctor_verdict(r, DOCTOR_WARNING,
				       _("%1$s listens, but QEMU's user %2$s "
					 "does not exist here, so who may "
					 "connect is not known."),
				       sock, user);
			return;
		}
	}
	if ((blocked = host_unreachable(f->env->root, sock, user, uid,
						 gid))) {
		AUTOFREE char *owner = host_user_name(sb.st_uid);
		AUTOFREE char *group = host_group_name(sb.st_gid);

		doctor_message(r, "Failed to connect to '%s': Permission "
				  "denied",
			       sock);
		doctor_verdict(r, DOCTOR_ERROR,
			       STREQ(blocked, sock)
				   ? _("QEMU runs as %1$s, who may not write "
				       "to %2$s (owner %3$s, group %4$s, mode "
				       "%5$04o): QEMU fails with \"Permission "
				       "denied\".")
				   : _("QEMU runs as %1$s, who may not search "
				       "%2$s on the way to the socket: QEMU "
				       "fails with \"Permission denied\"."),
			       user, blocked, owner, group,
			       (unsigned)(sb.st_mode & 07777));
		if (STREQ(blocked, sock) && !record_gives(st, user, qgroup)) {
			doctor_fix(r, _("Give the socket to QEMU's user: chown "
					"%1$s %2$s (or its group to %3$s and "
					"chmod 0660), or start the daemon with "
					"virtshare as root, which does so."),
				   user, sock, qgroup);
			return;
		}
		if (!STREQ(blocked, sock)) {
			doctor_fix(r, _("Let %1$s search %2$s (chmod o+x %2$s, "
					"or a group it is in), or put the "
					"socket elsewhere."),
				   user, blocked);
			return;
		}
		socket_fix(f, r, st, "restart");
		return;
	}
	if (st && st->warnings.n) {
		doctor_verdict(r, DOCTOR_WARNING, "%s", st->warnings.v[0]);
		socket_fix(f, r, st, "restart");
		return;
	}
	doctor_verdict(r, DOCTOR_OK,
		       listening > 0 ? _("A daemon listens on %1$s, and QEMU's "
					 "user %2$s may connect.")
				     : _("%1$s is there, and QEMU's user %2$s "
					 "may connect."),
		       sock, user);
}

static const struct doctor_check check_socket = {
	.id = "external-socket",
	.group = DOCTOR_GROUP_DAEMON,
	.scope = DOCTOR_SCOPE_SHARE,
	.looks_at = N_("the <source socket> file, /proc/net/unix, "
		       "virtshare's launch records, the socket's owner "
		       "and mode against qemu.conf's user"),
	.message = "Failed to connect to 'SOCKET': Connection refused",
	.patterns = {"Failed to connect to '*': No such file or "
		     "directory",
		     "Failed to connect to '*': Connection refused",
		     "Failed to connect to '*': Permission denied"},
	.cause = N_("With <source socket> nobody starts the daemon for "
		    "QEMU: it must listen before the guest starts, on "
		    "a socket QEMU's user may write to."),
	.fix = N_("Start it: virtshare daemon start DOMAIN TAG --dir "
		  "DIR (it gives the socket QEMU's user and group)."),
	.run = run_socket,
};

static const char *
switch_word(enum domxml_switch s)
{
	return s == DOMXML_ON ? "on" : s == DOMXML_OFF ? "off" : "-";
}

static void
run_locks(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct domxml_share *s = f->share;
	const struct share_daemon *sd = &f->daemons[f->si];
	const char *ours;
	AUTOFREE char *extra = NULL, *w = NULL;

	if (s->lock_posix == DOMXML_UNSET && s->flock == DOMXML_UNSET) {
		doctor_verdict(r, DOCTOR_OK, _("The share sets no <lock>."));
		return;
	}
	if (doctor_share_is_external(f, r))
		return;
	if (!sd->path || !daemon_is_rust(sd)) {
		doctor_verdict(r, DOCTOR_OK,
			       _("<lock posix='%1$s' flock='%2$s'> goes to "
				 "%3$s, which implements locks."),
			       switch_word(s->lock_posix),
			       switch_word(s->flock),
			       sd->path ? sd->path : "?");
		return;
	}
	doctor_verdict(r, DOCTOR_WARNING,
		       _("<lock posix='%1$s' flock='%2$s'> is set, but %3$s is "
			 "the Rust virtiofsd, which implements no locks: it "
			 "ignores the option and the guest's lock calls fail "
			 "with \"Function not implemented\"."),
		       switch_word(s->lock_posix), switch_word(s->flock),
		       sd->path);
	ours = our_daemon(f);
	if (!ours) {
		doctor_fix(r, _("Remove <lock> from the share (virsh edit %s), "
				"or use a daemon that implements locks."),
			   f->domain);
		return;
	}
	doctor_fix(r, _("Let virtshare's daemon %s serve the share: it "
			"implements POSIX and flock locks."),
		   ours);
	w = shell_word(ours);
	extra = xasprintf("--binary %s", w);
	doctor_share_command(f, r, s, extra);
	doctor_share_fix(r, s)->share.binary = xstrdup(ours);
}

static const struct doctor_check check_locks = {
	.id = "locks",
	.group = DOCTOR_GROUP_DAEMON,
	.scope = DOCTOR_SCOPE_SHARE,
	.looks_at = N_("<lock posix= flock=>, which daemon libvirt "
		       "starts"),
	.message = "Function not implemented",
	.cause = N_("The Rust virtiofsd implements no file locks: it "
		    "ignores <lock> and answers lock requests with "
		    "ENOSYS."),
	.fix = N_("Drop <lock>, or use a daemon with locks: virtshare "
		  "share DOMAIN --tag TAG --dir DIR --binary "
		  "virtshare-fsd."),
	.run = run_locks,
};

/* libvirtd's (or virtqemud's) open file limit, 0 when not known. */
static uint64_t
libvirtd_nofile(const struct doctor_facts *f)
{
	static const char *const pid_files[] = {"/run/libvirtd.pid",
						"/run/virtqemud.pid"};
	uint64_t soft, hard;

	for (size_t i = 0; i < ARRAY_SIZE(pid_files); i++) {
		int pid = host_pid_file(f->env->root, pid_files[i]);

		if (pid > 0 &&
		    host_proc_nofile(f->env->root, pid, &soft, &hard) == 0)
			return hard;
	}
	return 0;
}

static void
run_openfiles(const struct doctor_facts *f, struct doctor_result *r)
{
	uint64_t hard;
	AUTOFREE char *lim = NULL;

	if (doctor_share_is_external(f, r) || !doctor_host_local(f, r))
		return;
	hard = f->env->session ? 0 : libvirtd_nofile(f);
	lim = hard == UINT64_MAX ? xstrdup(_("unlimited"))
				 : xasprintf("%llu", ULL(hard));
	if (doctor_quote_logs(f, r)) {
		doctor_verdict(r, DOCTOR_ERROR,
			       _("The daemon ran out of file descriptors."));
		if (f->env->libvirt_version >=
		    compat_since(COMPAT_OPENFILES)) {
			doctor_fix(r, _("Raise the daemon's limit with "
					"<openfiles max>."));
			doctor_share_command(f, r, f->share,
					     "--openfiles 1048576");
			doctor_share_fix(r, f->share)->share.openfiles =
			    1048576;
		} else {
			doctor_fix(r, _("The daemon inherits libvirtd's limit "
					"(hard limit %s): raise it (systemctl "
					"edit libvirtd: [Service] "
					"LimitNOFILE=1048576), restart "
					"libvirtd and start the domain again. "
					"libvirt 10.6 and later take "
					"<openfiles max> per share."),
				   hard ? lim : _("unknown"));
		}
		return;
	}
	if (hard)
		doctor_verdict(r, DOCTOR_OK,
			       _("The daemon inherits libvirtd's open file "
				 "limit (%s); no sign in the logs that it ran "
				 "out."),
			       lim);
	else
		doctor_verdict(r, DOCTOR_OK,
			       _("No sign in the logs that the daemon ran out "
				 "of file descriptors."));
}

static const struct doctor_check check_openfiles = {
	.id = "open-files",
	.group = DOCTOR_GROUP_DAEMON,
	.scope = DOCTOR_SCOPE_SHARE,
	.looks_at = N_("the daemon's log, <openfiles max>, libvirtd's "
		       "open file limit (/proc/PID/limits)"),
	.message = "the hard limit ... of open file descriptors",
	.patterns = {"hard limit*open file descriptors",
		     "setrlimit(RLIMIT_NOFILE)", "Too many open files"},
	.cause = N_("The daemon keeps a descriptor for every file the "
		    "guest has looked up; it inherits libvirtd's "
		    "limit."),
	.fix = N_("Raise the limit: <openfiles max> (libvirt 10.6: "
		  "virtshare share ... --openfiles N), or libvirtd's "
		  "LimitNOFILE."),
	.run = run_openfiles,
};

const struct doctor_check *const doctor_checks_daemon[] = {
	&check_daemon_installed, &check_daemon_binary, &check_daemon_died,
	&check_socket, &check_locks, &check_openfiles, NULL,
};
