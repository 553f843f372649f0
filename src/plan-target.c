/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan-target.c: where a domain definition lives, and its saved copies */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"
#include "error.h"
#include "plan-target-priv.h"
#include "plan-target.h"

const char *
plan_statedir(void)
{
	const char *env = getenv("VIRTSHARE_STATEDIR");

	return env && *env ? env : LOCALSTATEDIR "/lib/virtshare";
}

void
plan_target_free(struct plan_target *t)
{
	if (!t)
		return;
	free(t->domain);
	free(t->key);
	free(t->label);
	free(t->path);
	free(t->prev_bak);
	free(t->saved_in);
	free(t);
}

/* A path component from any text: what is not [A-Za-z0-9.-] becomes _. */
static char *
file_name_of(const char *s)
{
	char *r = xstrdup(s);

	for (char *c = r; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-')
			*c = '_';
	if (r[0] == '.')
		r[0] = '_';
	return r;
}

static int
mkdir_p(const char *path, mode_t mode)
{
	AUTOFREE char *copy = xstrdup(path);

	for (char *c = copy + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return -1;
		*c = '/';
	}
	return mkdir(copy, mode) < 0 && errno != EEXIST ? -1 : 0;
}

/*
 * Where a domain's saved definitions go below backups/: URI/DOMAIN for
 * this machine's libvirt; HOSTNAME/UUID for a remote one, so that they
 * stay here, keyed by the host whatever URI reaches it, and follow a
 * renamed domain (virtshare(1), undo).
 */
static char *
libvirt_saved_in(struct plan_target *t)
{
	AUTOFREE char *host = NULL, *uuid = NULL, *first = NULL;
	AUTOFREE char *second = NULL;

	if (virt_is_remote(t->conn) && (host = virt_hostname(t->conn)) &&
	    (uuid = virt_domain_uuid(t->conn, t->domain))) {
		first = file_name_of(host);
		return xasprintf("%s/%s", first, uuid);
	}
	/* A remote domain not there (yet): nothing is saved for it. */
	vs_error_reset();
	first = file_name_of(virt_uri(t->conn));
	second = file_name_of(t->domain);
	return xasprintf("%s/%s", first, second);
}

static char *
libvirt_dir(struct plan_target *t, const char *statedir)
{
	if (!t->saved_in)
		t->saved_in = libvirt_saved_in(t);
	return xasprintf("%s/backups/%s", statedir, t->saved_in);
}

static char *
libvirt_read(struct plan_target *t)
{
	return virt_domain_xml(t->conn, t->domain, true);
}

static int
libvirt_write(struct plan_target *t, const char *xml)
{
	return virt_domain_define(t->conn, xml, t->validate);
}

static int
saved_cmp(const void *a, const void *b)
{
	return -strcmp(*(char *const *)a, *(char *const *)b);
}

static void
libvirt_saved(struct plan_target *t, const char *statedir,
	      struct strlist *paths)
{
	AUTOFREE char *dir = libvirt_dir(t, statedir);
	DIR *dh = opendir(dir);
	struct dirent *e;

	if (!dh)
		return;
	while ((e = readdir(dh))) {
		size_t len = strlen(e->d_name);

		/* NNNNNN.xml: the number orders them. */
		if (len != 10 || strspn(e->d_name, "0123456789") != 6 ||
		    !STREQ(e->d_name + 6, ".xml"))
			continue;
		strlist_take(paths, xasprintf("%s/%s", dir, e->d_name));
	}
	closedir(dh);
	if (paths->n)
		qsort(paths->v, paths->n, sizeof(*paths->v), saved_cmp);
}

static int
libvirt_save(struct plan_target *t, const char *statedir, const char *xml,
	     char **where)
{
	AUTOFREE char *dir = libvirt_dir(t, statedir);
	struct strlist have = {0};
	unsigned long next = 1;

	if (mkdir_p(dir, 0700) < 0)
		return vs_error_errno(VS_ERR_IO, errno,
				      _("Cannot create %s for the saved "
					"definitions (set VIRTSHARE_STATEDIR "
					"to a writable directory)"),
				      dir);
	libvirt_saved(t, statedir, &have);
	if (have.n)
		next = strtoul(strrchr(have.v[0], '/') + 1, NULL, 10) + 1;
	strlist_clear(&have);
	if (next > 999999)
		return vs_error(VS_ERR_IO,
				_("%s holds a million saved definitions: "
				  "remove old ones."),
				dir);
	*where = xasprintf("%s/%06lu.xml", dir, next);
	/* Definitions can hold passwords (VNC, iSCSI): owner only. */
	if (file_write_atomic(*where, xml, strlen(xml), 0600) < 0) {
		free(steal_ptr(*where));
		return -1;
	}
	return 0;
}

static void
libvirt_unsave(struct plan_target *t, const char *where)
{
	unlink(where);
}

int
plan_domain_active(struct virt_conn *conn, const char *domain)
{
	bool active, persistent;

	AUTOFREE char *uri = NULL;

	if (virt_domain_status(conn, domain, &active, &persistent) < 0)
		return -1;
	if (persistent)
		return active;
	uri = shell_word(virt_uri(conn));
	return vs_error(VS_ERR_CONFLICT,
			_("Domain '%1$s' is transient: it has no persistent "
			  "definition to change. Make it persistent first: "
			  "virsh -c %2$s dumpxml %1$s > %1$s.xml && virsh -c "
			  "%2$s define %1$s.xml"),
			domain, uri);
}

static int
libvirt_active(struct plan_target *t)
{
	return plan_domain_active(t->conn, t->domain);
}

static char *
libvirt_undo_command(struct plan_target *t)
{
	AUTOFREE char *uri = shell_word(virt_uri(t->conn));
	AUTOFREE char *dom = shell_word(t->domain);

	return xasprintf("virtshare -c %s undo %s", uri, dom);
}

static const struct target_ops libvirt_ops = {
	.read = libvirt_read,
	.write = libvirt_write,
	.save = libvirt_save,
	.unsave = libvirt_unsave,
	.saved = libvirt_saved,
	.active = libvirt_active,
	.saved_where = libvirt_dir,
	.undo_command = libvirt_undo_command,
};

struct plan_target *
plan_target_libvirt(struct virt_conn *conn, const char *domain)
{
	struct plan_target *t = xcalloc(1, sizeof(*t));

	t->ops = &libvirt_ops;
	t->conn = conn;
	t->validate = true;
	t->domain = xstrdup(domain);
	t->key = xasprintf("libvirt %s %s", virt_uri(conn), domain);
	t->label = xasprintf(_("Domain '%1$s' on %2$s"), domain,
			     virt_uri(conn));
	return t;
}

struct plan_target *
plan_target_libvirt_unvalidated(struct virt_conn *conn, const char *domain)
{
	struct plan_target *t = plan_target_libvirt(conn, domain);

	t->validate = false;
	return t;
}

static char *
file_target_read(struct plan_target *t)
{
	return file_load(t->path, COMPAT_XML_MAX, NULL);
}

static unsigned
file_mode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_mode & 07777 : 0644;
}

static int
file_target_write(struct plan_target *t, const char *xml)
{
	return file_write_atomic(t->path, xml, strlen(xml),
				 file_mode(t->path));
}

static int
file_target_save(struct plan_target *t, const char *statedir,
		 const char *xml, char **where)
{
	*where = xasprintf("%s.bak", t->path);
	/* One saved copy: the one it replaces comes back with unsave. */
	free(t->prev_bak);
	t->prev_bak = file_read(*where, COMPAT_XML_MAX, NULL);
	if (file_write_atomic(*where, xml, strlen(xml), file_mode(t->path)) <
	    0) {
		free(steal_ptr(*where));
		return -1;
	}
	return 0;
}

static void
file_target_unsave(struct plan_target *t, const char *where)
{
	if (!t->prev_bak ||
	    file_write_atomic(where, t->prev_bak, strlen(t->prev_bak),
			      file_mode(t->path)) < 0)
		unlink(where);
	vs_error_reset();
	free(steal_ptr(t->prev_bak));
}

static void
file_target_saved(struct plan_target *t, const char *statedir,
		  struct strlist *paths)
{
	AUTOFREE char *bak = xasprintf("%s.bak", t->path);

	if (access(bak, F_OK) == 0)
		strlist_add(paths, bak);
}

static int
file_target_active(struct plan_target *t)
{
	return 0;
}

static char *
file_target_saved_where(struct plan_target *t, const char *statedir)
{
	return xasprintf("%s.bak", t->path);
}

static char *
file_target_undo_command(struct plan_target *t)
{
	AUTOFREE char *dom = shell_word(t->domain);
	AUTOFREE char *path = shell_word(t->path);

	return xasprintf("virtshare undo %s --xml %s", dom, path);
}

static const struct target_ops file_ops = {
	.read = file_target_read,
	.write = file_target_write,
	.save = file_target_save,
	.unsave = file_target_unsave,
	.saved = file_target_saved,
	.active = file_target_active,
	.saved_where = file_target_saved_where,
	.undo_command = file_target_undo_command,
};

struct plan_target *
plan_target_file(const char *path, const char *domain)
{
	struct plan_target *t = xcalloc(1, sizeof(*t));

	t->ops = &file_ops;
	t->path = xstrdup(path);
	t->domain = xstrdup(domain);
	t->key = xasprintf("file %s", path);
	t->label = xasprintf(_("Domain '%1$s' in %2$s"), domain, path);
	return t;
}

bool
plan_target_is_libvirt(const struct plan_target *t)
{
	return t->ops == &libvirt_ops;
}
