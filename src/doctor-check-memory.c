/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-check-memory.c: the checks of guest memory */
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

/* Whether the guest's memory is a file in memory_backing_dir: libvirt
 * uses memory-backend-file for any memory access setting or a file
 * source, unless it is memfd or hugepages. */
static bool
file_backed(const struct domxml_memory *m)
{
	bool cell_access = false;

	for (size_t i = 0; i < m->ncells; i++)
		cell_access |= m->cells[i].mem_access != NULL;
	if (m->hugepages || (m->source && STREQ(m->source, "memfd")))
		return false;
	return (m->source && STREQ(m->source, "file")) || m->access ||
	       cell_access;
}

static bool
file_backing_applies(const struct doctor_facts *f, struct doctor_result *r)
{
	if (!f->nshares) {
		doctor_verdict(r, DOCTOR_SKIPPED, _("The domain has no "
						    "virtiofs share."));
		return false;
	}
	if (!file_backed(&f->mem)) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("Guest memory is not a file in "
				 "memory_backing_dir (%s)."),
			       domxml_memory_kind(&f->mem));
		return false;
	}
	return doctor_have_qemu_conf(f, r) && doctor_host_local(f, r);
}

static void
run_shared(const struct doctor_facts *f, struct doctor_result *r)
{
	struct backing_choice c = {0};
	AUTOFREE char *why = NULL, *kind = NULL, *extra = NULL;

	if (!f->nshares) {
		doctor_verdict(r, DOCTOR_SKIPPED, _("The domain has no "
						    "virtiofs share."));
		return;
	}
	if (domxml_memory_shared(&f->mem, &why)) {
		doctor_verdict(r, DOCTOR_OK, _("Guest memory is shared (%s)."),
			       domxml_memory_kind(&f->mem));
		return;
	}
	doctor_verdict(r, DOCTOR_ERROR,
		       _("Guest memory is not shared: %s. libvirt refuses to "
			 "start the domain."),
		       why);
	if (backing_choose(f->env->in, f->d, &c) < 0) {
		doctor_fix(r, "%s", vs_error_message());
		vs_error_reset();
		return;
	}
	kind = domxml_backing_str(&c.chosen);
	extra = xasprintf("--backing %s", kind);
	doctor_fix(r, _("Make guest memory shared. The backing virtshare "
			"chooses is %s"),
		   c.why);
	doctor_share_command(f, r, &f->shares[0], extra);
	{
		struct share_request *q = doctor_share_fix(r, &f->shares[0]);

		q->backing = c.chosen;
		c.chosen.nodeset = NULL; /* moved */
	}
	backing_choice_clear(&c);
}

static const struct doctor_check check_shared = {
	.id = "shared-memory",
	.group = DOCTOR_GROUP_MEMORY,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = N_("<memoryBacking><access>, the memAccess of each "
		       "guest NUMA <cell>"),
	.message = "unsupported configuration: 'virtiofs' requires "
		   "shared memory",
	.patterns = {"'virtiofs' requires shared memory"},
	.cause = N_("The daemon maps guest memory to serve requests, "
		    "so it must be shared: without NUMA cells <access "
		    "mode='shared'/>, with cells every cell "
		    "memAccess='shared' or inheriting a shared "
		    "access."),
	.fix = N_("Make the memory shared: virtshare share DOMAIN "
		  "--tag TAG --dir DIR --backing memfd (or file, "
		  "hugepages, numa)."),
	.run = run_shared,
};

static void
run_memfd(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct virt_info *v = &f->env->in->virt;

	if (!f->mem.source || !STREQ(f->mem.source, "memfd") ||
	    f->mem.hugepages) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("The domain does not ask for memfd memory."));
		return;
	}
	if (!doctor_have_domcaps(f, r))
		return;
	if (strlist_has(&v->source_types, "memfd")) {
		doctor_verdict(r, DOCTOR_OK, _("QEMU offers memfd memory."));
		return;
	}
	doctor_verdict(r, DOCTOR_ERROR,
		       _("The domain asks for memfd memory, which this QEMU "
			 "and libvirt do not offer."));
	doctor_fix(r, _("Back the memory with a file in memory_backing_dir "
			"instead."));
	if (f->nshares) {
		doctor_share_command(f, r, &f->shares[0], "--backing file");
		doctor_share_fix(r, &f->shares[0])->backing.kind =
		    DOMXML_BACKING_FILE;
	}
}

static const struct doctor_check check_memfd = {
	.id = "memory-source",
	.group = DOCTOR_GROUP_MEMORY,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = N_("<memoryBacking><source type='memfd'/>, the "
		       "memoryBacking sourceType values of libvirt's "
		       "domain capabilities"),
	.message = "this qemu doesn't support the memory-backend-memfd "
		   "object",
	.patterns = {"doesn't support the memory-backend-memfd object"},
	.cause = N_("memfd needs QEMU 4.0 (5.0 without NUMA cells)."),
	.fix = N_("Back the memory with a file: virtshare share DOMAIN "
		  "--tag TAG --dir DIR --backing file."),
	.run = run_memfd,
};

/* What the domain's and the host's check of memory_backing_dir share. */
static const char backing_dir_looks_at[] =
    N_("qemu.conf's memory_backing_dir and the filesystem it is on");
static const char backing_dir_cause[] =
    N_("Shared memory that is not memfd or hugepages is a file in "
       "memory_backing_dir: on a disk every guest page goes to the disk.");
static const char backing_dir_fix[] =
    N_("Set memory_backing_dir = \"/dev/shm\" in qemu.conf and restart "
       "libvirtd, or use memfd: virtshare share DOMAIN --tag TAG --dir DIR "
       "--backing memfd.");

/* memory_backing_dir below the root, and the mount it is on. */
static const struct host_mount *
backing_mount(const struct doctor_facts *f, bool *exists)
{
	const char *dir = f->q->memory_backing_dir;
	AUTOFREE char *path = path_under(f->env->root, dir);
	struct stat st;

	*exists = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	return host_mount_for_path(f->h, dir);
}

static void
run_backing_dir(const struct doctor_facts *f, struct doctor_result *r)
{
	const char *dir;
	const struct host_mount *m;
	bool exists;

	if (!file_backing_applies(f, r))
		return;
	dir = f->q->memory_backing_dir;
	m = backing_mount(f, &exists);
	if (m && !host_fstype_in_memory(m->fstype)) {
		doctor_verdict(r, DOCTOR_WARNING,
			       _("memory_backing_dir %1$s is on %2$s (%3$s), a "
				 "disk: every page of the guest's memory is "
				 "written there, which is slow."),
			       dir, m->dir, m->fstype);
		doctor_fix(r, _("Set memory_backing_dir = \"/dev/shm\" in %s "
				"and restart libvirtd, or back the memory with "
				"memfd."),
			   f->q->path ? f->q->path : QEMUCONF_PATH);
		doctor_fix_with_memfd(f, r);
		return;
	}
	if (!exists) {
		doctor_verdict(r, DOCTOR_WARNING,
			       _("memory_backing_dir %s does not exist; "
				 "libvirt creates it when the guest starts, if "
				 "it can."),
			       dir);
		doctor_fix(r, _("Create it (mkdir -p %s), or set "
				"memory_backing_dir in %s to a directory on a "
				"tmpfs such as /dev/shm."),
			   dir, f->q->path ? f->q->path : QEMUCONF_PATH);
		return;
	}
	doctor_verdict(r, DOCTOR_OK, _("memory_backing_dir %1$s is in memory "
				       "(%2$s)."),
		       dir, m ? m->fstype : "?");
}

static const struct doctor_check check_backing_dir = {
	.id = "backing-dir",
	.group = DOCTOR_GROUP_MEMORY,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = backing_dir_looks_at,
	.message = "Failed to create memory backing dir",
	.patterns = {"Failed to create memory backing dir"},
	.cause = backing_dir_cause,
	.fix = backing_dir_fix,
	.run = run_backing_dir,
};

/* The same for the host: whatever guest is backed by a file later. */
static void
run_backing_dir_host(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct host_mount *m;
	bool exists;

	if (!doctor_host_local(f, r) || !doctor_have_qemu_conf(f, r))
		return;
	m = backing_mount(f, &exists);
	if (m && !host_fstype_in_memory(m->fstype)) {
		doctor_verdict(r, DOCTOR_WARNING,
			       _("memory_backing_dir %1$s is on %2$s (%3$s), a "
				 "disk: the memory of guests backed by a file "
				 "is written there, which is slow."),
			       f->q->memory_backing_dir, m->dir, m->fstype);
		doctor_fix(r, _("Set memory_backing_dir = \"/dev/shm\" in %s "
				"and restart libvirtd, or back the memory with "
				"memfd."),
			   f->q->path ? f->q->path : QEMUCONF_PATH);
		return;
	}
	doctor_verdict(r, DOCTOR_OK, _("memory_backing_dir %1$s is in memory "
				       "(%2$s)."),
		       f->q->memory_backing_dir, m ? m->fstype : "?");
}

static const struct doctor_check check_backing_dir_host = {
	.id = "backing-dir-host",
	.group = DOCTOR_GROUP_MEMORY,
	.scope = DOCTOR_SCOPE_HOST,
	.looks_at = backing_dir_looks_at,
	.message = NULL,
	.cause = backing_dir_cause,
	.fix = backing_dir_fix,
	.run = run_backing_dir_host,
};

static void
run_backing_space(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct host_mount *m;
	AUTOFREE char *need = NULL, *have = NULL, *avail = NULL;
	uint64_t size, free_kib = HOST_UNKNOWN, room;
	bool exists;

	if (!file_backing_applies(f, r))
		return;
	m = backing_mount(f, &exists);
	if (!m || !host_fstype_in_memory(m->fstype)) {
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("memory_backing_dir is not on a memory "
				 "filesystem: see backing-dir."));
		return;
	}
	if (STREQ(m->dir, "/dev/shm") && f->h->shm_present) {
		size = f->h->shm_size_kib;
		free_kib = f->h->shm_free_kib;
	} else {
		size = m->size_kib ? m->size_kib
				   : f->h->mem_total_kib == HOST_UNKNOWN
					 ? 0
					 : f->h->mem_total_kib / 2;
	}
	if (!size || !f->mem.memory_kib) {
		doctor_verdict(r, DOCTOR_SKIPPED, _("The size of %s is not "
						    "known."),
			       m->dir);
		return;
	}
	/* A running guest's memory is in there already. */
	room = free_kib != HOST_UNKNOWN && !f->active ? free_kib : size;
	need = size_format_kib(f->mem.memory_kib);
	have = size_format_kib(size);
	avail = free_kib == HOST_UNKNOWN ? xstrdup(_("unknown"))
					 : size_format_kib(free_kib);
	if (f->mem.memory_kib <= room) {
		doctor_verdict(r, DOCTOR_OK,
			       _("The guest's %1$s fit in %2$s (%3$s, %4$s "
				 "free)."),
			       need, m->dir, have, avail);
		return;
	}
	doctor_verdict(r, DOCTOR_ERROR,
		       _("The guest's %1$s do not fit in %2$s (%3$s, %4$s "
			 "free): QEMU dies with SIGBUS when the guest uses "
			 "more than fits."),
		       need, m->dir, have, avail);
	doctor_fix(r, _("Make %1$s hold more than %2$s besides what is in it "
			"(mount -o remount,size=SIZE %1$s, and the same in "
			"/etc/fstab), or back the memory with memfd."),
		   m->dir, need);
	doctor_fix_with_memfd(f, r);
}

static const struct doctor_check check_backing_space = {
	.id = "backing-space",
	.group = DOCTOR_GROUP_MEMORY,
	.scope = DOCTOR_SCOPE_DOMAIN,
	.looks_at = N_("the guest's memory, the size of the tmpfs "
		       "holding memory_backing_dir (/dev/shm)"),
	.message = NULL,
	.cause = N_("A file-backed guest keeps its memory in the tmpfs "
		    "of memory_backing_dir; when that is smaller, QEMU "
		    "dies with SIGBUS once the guest uses more."),
	.fix = N_("Make the tmpfs larger (mount -o remount,size=SIZE "
		  "/dev/shm) or use memfd: virtshare share DOMAIN "
		  "--tag TAG --dir DIR --backing memfd."),
	.run = run_backing_space,
};

const struct doctor_check *const doctor_checks_memory[] = {
	&check_backing_dir_host, &check_shared, &check_memfd,
	&check_backing_dir, &check_backing_space, NULL,
};
