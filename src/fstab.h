/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fstab.h: the virtiofs line virtshare keeps in a guest's /etc/fstab */
#ifndef VS_FSTAB_H
#define VS_FSTAB_H

#include <stdbool.h>

/*
 * Pure text edits of an fstab(5) file, as the guest agent reads and
 * writes it: no file access here. Every line but the one added or
 * removed stays byte for byte (comments, blank lines, CRLF line ends,
 * tabs and odd spacing, a missing newline at the end).
 *
 * A line mounts TAG when it is not a comment (its first non-blank
 * character is not '#'), its first field, with fstab's octal escapes
 * (\040 for a space) decoded, is TAG and its third field is "virtiofs".
 * Mount points are compared as path_same() does ("/mnt/x/" is
 * "/mnt/x").
 *
 * The line virtshare writes is "TAG DIR virtiofs FSTAB_OPTIONS 0 0",
 * with blanks, newlines, backslashes and a leading '#' escaped; nofail
 * lets the guest boot when the share is gone (systemd and util-linux
 * drop it before the kernel sees it; busybox mount ignores it).
 */
#define FSTAB_OPTIONS "defaults,nofail"

/*
 * The mount point (decoded) of the first line that mounts tag, or NULL
 * when there is none. Caller frees; does not report.
 */
char *fstab_find(const char *text, const char *tag);

/*
 * text with one line mounting tag on dir (caller frees). When a line
 * mounting tag on dir is already there, text comes back unchanged and
 * *changed is false; otherwise the line is appended, ending as the
 * file's first line ends (CRLF or LF), after a newline for a last line
 * that had none, and *changed is true.
 * Refused, NULL after reporting: tag empty or dir not absolute
 * (VS_ERR_INVALID); a line mounts tag on another directory, or mounts
 * something else on dir (VS_ERR_CONFLICT, naming the line).
 */
char *fstab_add(const char *text, const char *tag, const char *dir,
		bool *changed);

/*
 * text without the lines that mount tag (on dir only, when dir is not
 * NULL). Caller frees; *changed says whether a line went. Cannot fail.
 */
char *fstab_remove(const char *text, const char *tag, const char *dir,
		   bool *changed);

/*
 * The virtiofs mounts that text lists, in order: text is an fstab or
 * /proc/mounts (one format), comments skipped, fields decoded. Returns
 * their count; *out (NULL when none) caller frees with
 * fstab_mounts_free(). Does not report.
 */
struct fstab_mount {
	char *tag; /* the first field */
	char *dir; /* the second */
};
size_t fstab_mounts(const char *text, struct fstab_mount **out);
void fstab_mounts_free(struct fstab_mount *m, size_t n);

#endif
