/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qemuconf.h: libvirt's conf syntax and the qemu.conf settings virtiofs needs */
#ifndef VS_QEMUCONF_H
#define VS_QEMUCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/*
 * The syntax is libvirt's (src/util/virconf.c): `name = value` statements
 * separated by newlines or ';', `#` comments, values that are integers
 * (optional sign), strings in '...', "..." (one line, no escape sequences:
 * a backslash is kept as is, exactly as libvirt reads it) or """...""" (may
 * span lines), and lists `[ v, v, ]` that may span lines and hold comments.
 */
enum qemuconf_type {
	QEMUCONF_INT,
	QEMUCONF_STRING,
	QEMUCONF_LIST,
};

struct qemuconf_value {
	enum qemuconf_type type;
	long long num;       /* QEMUCONF_INT */
	bool negative;       /* QEMUCONF_INT written with '-' */
	char *str;           /* QEMUCONF_STRING */
	struct qemuconf_value *items; /* QEMUCONF_LIST */
	size_t nitems;
};

struct qemuconf_entry {
	char *name;
	int line;
	struct qemuconf_value value;
};

struct qemuconf {
	char *path;
	struct qemuconf_entry *entries;
	size_t n;
	size_t cap;
};

/*
 * Parse text (len bytes, need not be NUL-terminated); path is used in
 * messages. Returns the file (caller frees) or NULL after reporting
 * VS_ERR_PARSE as "path:line: what is wrong".
 */
struct qemuconf *qemuconf_parse(const char *path, const char *text,
				size_t len);
/* The first entry of that name, as libvirt uses it, or NULL. Borrowed. */
const struct qemuconf_entry *qemuconf_get(const struct qemuconf *c,
					  const char *name);
void qemuconf_free(struct qemuconf *c);
DEFINE_AUTOPTR(qemuconf)

/*
 * The qemu.conf settings virtshare cares about, with libvirt's defaults
 * filled in where the file leaves them unset (the *_set flags tell which).
 */
struct qemu_settings {
	char *path;                  /* the file read (under the root) */
	bool present;                /* the file exists */
	char *memory_backing_dir;
	bool memory_backing_dir_set;
	struct strlist hugetlbfs_mount; /* empty when unset: auto-detected */
	bool hugetlbfs_mount_set;
	char *user;
	bool user_set;
	char *group;
	bool group_set;
	struct strlist security_driver; /* empty when unset: libvirt probes */
	bool security_driver_set;
	bool virtiofsd_debug;
	bool virtiofsd_debug_set;
	struct strlist duplicates;   /* keys given more than once */
};

/* libvirt's built-in values on Debian when qemu.conf leaves a key unset. */
#define QEMUCONF_DEFAULT_MEMORY_BACKING_DIR "/var/lib/libvirt/qemu/ram"
#define QEMUCONF_DEFAULT_USER "libvirt-qemu"
#define QEMUCONF_DEFAULT_GROUP "libvirt-qemu"
#define QEMUCONF_PATH "/etc/libvirt/qemu.conf"

/*
 * Read <root>/etc/libvirt/qemu.conf into *s (cleared first). A missing
 * file is not an error: s->present is false and defaults apply. Returns 0,
 * or -1 after reporting VS_ERR_IO or VS_ERR_PARSE (syntax, or a value of
 * the wrong type as libvirt would refuse it: "path:line: ...").
 */
int qemu_settings_read(const char *root, struct qemu_settings *s);
void qemu_settings_clear(struct qemu_settings *s);

#endif
