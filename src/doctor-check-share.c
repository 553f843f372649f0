/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-check-share.c: the checks of shares */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing.h"
#include "compat.h"
#include "doctor-priv.h"
#include "error.h"
#include "launch.h"

static void
run_tag(const struct doctor_facts *f, struct doctor_result *r)
{
	const char *tag = f->share->tag;
	size_t len = tag ? strlen(tag) : 0;

	if (!len) {
		doctor_verdict(r, DOCTOR_ERROR, _("The share has no <target "
						  "dir>: the guest has no tag "
						  "to mount it by."));
		doctor_fix(r, _("Remove the share and add it again with a tag: "
				"virtshare share %s --tag TAG ..."),
			   f->domain);
		return;
	}
	if (len > COMPAT_TAG_MAX) {
		AUTOFREE char *d = shell_word(f->domain);
		AUTOFREE char *t = shell_word(tag);

		doctor_verdict(r, DOCTOR_ERROR,
			       _("The tag '%1$s' has %2$zu bytes; a virtiofs "
				 "tag has at most %3$d, and QEMU refuses it."),
			       tag, len, COMPAT_TAG_MAX);
		doctor_fix(r, _("Remove the share (virtshare unshare %1$s "
				"%2$s) and add it again with a tag of at most "
				"%3$d bytes; the guest mounts it by that "
				"name."),
			   d, t, COMPAT_TAG_MAX);
		return;
	}
	for (size_t i = 0; i < f->nshares; i++)
		if (i != f->si && f->shares[i].tag &&
		    STREQ(f->shares[i].tag, tag)) {
			doctor_message(r, "filesystem target '%s' specified "
					  "twice",
				       tag);
			doctor_verdict(r, DOCTOR_ERROR,
				       _("Another share of the domain has the "
					 "tag '%s' too: the guest can mount "
					 "only one of them."),
				       tag);
			doctor_fix(r, _("Give one of them another tag: remove "
					"it (virsh edit %s) and add it again "
					"with virtshare share."),
				   f->domain);
			return;
		}
	doctor_verdict(r, DOCTOR_OK, _("The tag '%1$s' has %2$zu bytes and is "
				       "the share's own."),
		       tag, len);
}

static const struct doctor_check check_tag = {
	.id = "tag",
	.group = DOCTOR_GROUP_SHARE,
	.scope = DOCTOR_SCOPE_SHARE,
	.looks_at = N_("<target dir>, the mount tag"),
	.message = "tag property must be 36 bytes or less",
	.patterns = {"tag property must be * bytes or less",
		     "filesystem target '*' specified twice"},
	.cause = N_("The guest finds the share by its tag: at most 36 "
		    "bytes (the kernel's tag[36]), one per share."),
	.fix = N_("Remove the share and add it again with a short, "
		  "unique tag."),
	.run = run_tag,
};

static void
run_guest_kernel(const struct doctor_facts *f, struct doctor_result *r)
{
	const char *kernel = domxml_kernel(f->d);
	AUTOFREE char *version = NULL;
	unsigned major, minor;

	if (!kernel) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("The guest boots a kernel of its own: in the "
				 "guest, grep virtiofs /proc/filesystems tells "
				 "whether it has virtiofs (Linux 5.4 or "
				 "later)."));
		return;
	}
	if (!doctor_host_local(f, r))
		return;
	version = host_kernel_version(f->env->root, kernel);
	if (!version && (errno == EACCES || errno == EPERM)) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("%s cannot be read with your rights: run "
				 "virtshare doctor as root to know its "
				 "version."),
			       kernel);
		return;
	}
	if (!version || sscanf(version, "%u.%u", &major, &minor) != 2) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("The version of %s cannot be read: in the "
				 "guest, grep virtiofs /proc/filesystems tells "
				 "whether it has virtiofs (Linux 5.4 or "
				 "later)."),
			       kernel);
		return;
	}
	if (major < 5 || (major == 5 && minor < 4)) {
		doctor_verdict(r, DOCTOR_ERROR,
			       _("The guest boots Linux %1$s (%2$s), which has "
				 "no virtiofs: it cannot mount the share."),
			       version, kernel);
		doctor_fix(r, _("Boot Linux 5.4 or later: change <os><kernel> "
				"with virsh edit %s."),
			   f->domain);
		return;
	}
	doctor_verdict(r, DOCTOR_OK,
		       _("The guest boots Linux %1$s (%2$s), which has "
			 "virtiofs."),
		       version, kernel);
}

static const struct doctor_check check_guest_kernel = {
	.id = "guest-kernel",
	.group = DOCTOR_GROUP_SHARE,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = N_("the version of the kernel the domain boots "
		       "directly (<os><kernel>)"),
	.message = "mount: unknown filesystem type 'virtiofs'",
	.cause = N_("Linux has virtiofs since 5.4: an older guest "
		    "kernel cannot mount the share."),
	.fix = N_("Boot the guest with Linux 5.4 or later."),
	.run = run_guest_kernel,
};

static void
run_source_dir(const struct doctor_facts *f, struct doctor_result *r)
{
	const char *dir = f->share->dir;
	AUTOFREE char *full = NULL, *w = NULL;
	struct stat st;

	if (doctor_share_is_external(f, r) || !doctor_host_local(f, r))
		return;
	if (!dir) {
		doctor_verdict(r, DOCTOR_ERROR, _("The share has no <source "
						  "dir>."));
		return;
	}
	full = path_under(f->env->root, dir);
	w = shell_word(dir);
	if (stat(full, &st) < 0) {
		doctor_message(r,
			       "the virtiofs export directory '%s' does not "
			       "exist",
			       dir);
		doctor_verdict(r, DOCTOR_ERROR,
			       _("The shared directory %s does not exist: "
				 "libvirt refuses to start the domain."),
			       dir);
		doctor_fix(r, _("Create it (mkdir -p %s) or point the share at "
				"a directory that exists."),
			   w);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		doctor_verdict(r, DOCTOR_ERROR, _("%s is not a "
						  "directory."), dir);
		doctor_message(r, "source is not a directory");
		doctor_fix(r, _("Point the share at a directory."));
		return;
	}
	doctor_verdict(r, DOCTOR_OK, _("%s is a directory."), dir);
}

static const struct doctor_check check_source_dir = {
	.id = "source-dir",
	.group = DOCTOR_GROUP_SHARE,
	.scope = DOCTOR_SCOPE_SHARE,
	.looks_at = N_("<source dir>"),
	.message = "the virtiofs export directory 'DIR' does not exist",
	.patterns = {"the virtiofs export directory '*' does not exist",
		     "source is not a directory",
		     "failed to stat source"},
	.cause = N_("libvirt refuses to start a daemon for a directory "
		    "that is not there."),
	.fix = N_("Create the directory, or point the share at one "
		  "that exists."),
	.run = run_source_dir,
};

static void
run_xattr(const struct doctor_facts *f, struct doctor_result *r)
{
	if (doctor_share_is_external(f, r))
		return;
	if (f->share->xattr == DOMXML_ON) {
		doctor_verdict(r, DOCTOR_OK, _("Extended attributes are on."));
		return;
	}
	/* The logs that would tell are the other host's. */
	if (!doctor_host_local(f, r))
		return;
	if (!doctor_quote_logs(f, r)) {
		doctor_verdict(r, DOCTOR_OK,
			       _("Extended attributes are off; no sign in the "
				 "logs that the guest needs them."));
		return;
	}
	doctor_verdict(r, DOCTOR_WARNING,
		       _("Extended attributes are off, and the guest asked for "
			 "them (quoted)."));
	doctor_fix(r, _("Turn extended attributes on for the share."));
	doctor_share_command(f, r, f->share, "--xattr");
	doctor_share_fix(r, f->share)->share.xattr = DOMXML_ON;
}

static const struct doctor_check check_xattr = {
	.id = "xattr",
	.group = DOCTOR_GROUP_SHARE,
	.scope = DOCTOR_SCOPE_SHARE,
	.looks_at = N_("<binary xattr>, \"Operation not supported\" on "
		       "xattr calls in the daemon's log"),
	.message = "Operation not supported",
	.patterns = {"xattr*Operation not supported",
		     "Operation not supported*xattr"},
	.cause = N_("Extended attributes are off unless asked for; "
		    "guests that label files (SELinux), use ACLs or "
		    "file capabilities get \"Operation not "
		    "supported\"."),
	.fix = N_("Turn them on: virtshare share DOMAIN --tag TAG "
		  "--dir DIR --xattr."),
	.run = run_xattr,
};

static void
run_idmap(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct domxml_share *s = f->share;
	AUTOFREE char *user = NULL, *group = NULL, *w = NULL;
	uint64_t ustart, ucount, gstart, gcount;
	int hu, hg;

	if (!f->env->session) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("libvirt starts the daemon as root: no id "
				 "mapping is needed."));
		return;
	}
	if (doctor_share_is_external(f, r) || !doctor_host_local(f, r))
		return;
	if (s->nuid || s->ngid) {
		doctor_verdict(r, DOCTOR_OK, _("The share maps ids with "
					       "<idmap>."));
		return;
	}
	user = host_user_name(f->env->uid);
	group = host_group_name(f->env->gid);
	hu = host_subid_find(f->env->root, "/etc/subuid", user, f->env->uid,
			     &ustart, &ucount);
	hg = host_subid_find(f->env->root, "/etc/subgid", group, f->env->gid,
			     &gstart, &gcount);
	if (hu > 0 && hg > 0) {
		doctor_verdict(r, DOCTOR_OK,
			       _("libvirt maps guest ids 1 and up to %1$s's "
				 "ranges (%2$llu uids from %3$llu, %4$llu gids "
				 "from %5$llu)."),
			       user, ULL(ucount), ULL(ustart), ULL(gcount),
			       ULL(gstart));
		return;
	}
	if (hu <= 0)
		doctor_verdict(r, DOCTOR_WARNING,
			       _("%s has no range in /etc/subuid and the share "
				 "has no <idmap>: the daemon maps only that "
				 "user, so files of other users show as nobody "
				 "and cannot be changed."),
			       user);
	else
		doctor_verdict(r, DOCTOR_WARNING,
			       _("The group %s has no range in /etc/subgid and "
				 "the share has no <idmap>: the daemon maps "
				 "only that group, so files of other groups "
				 "show as nogroup and cannot be changed."),
			       group);
	w = shell_word(user);
	doctor_fix(r, _("Give the user subordinate ids (usermod --add-subuids "
			"100000-165535 --add-subgids 100000-165535 %s), then "
			"start the guest again; or map ids with <idmap> "
			"(virtshare share ... --idmap uid:0:%u:1 --idmap "
			"gid:0:%u:1)."),
		   w, (unsigned)f->env->uid, (unsigned)f->env->gid);
}

static const struct doctor_check check_idmap = {
	.id = "idmap",
	.group = DOCTOR_GROUP_SHARE,
	.scope = DOCTOR_SCOPE_SHARE,
	.looks_at = N_("session mode, <idmap>, the user's ranges in "
		       "/etc/subuid and /etc/subgid"),
	.message = NULL,
	.cause = N_("An unprivileged daemon maps guest ids through a "
		    "user namespace: libvirt fills it from the user's "
		    "/etc/subuid and /etc/subgid ranges when the share "
		    "has no <idmap>."),
	.fix = N_("Give the user ranges (usermod --add-subuids "
		  "--add-subgids), or map ids with <idmap>: virtshare "
		  "share ... --idmap uid:0:UID:COUNT."),
	.run = run_idmap,
};

const struct doctor_check *const doctor_checks_share[] = {
	&check_tag, &check_guest_kernel, &check_source_dir, &check_xattr,
	&check_idmap, NULL,
};
