/* SPDX-License-Identifier: GPL-2.0-or-later */
/* backing.c: weigh memfd, file, hugepages and NUMA cells for one domain */
#include <stdlib.h>
#include <string.h>

#include "backing.h"
#include "compat.h"
#include "error.h"

/* What the inspection says about the libvirt that will run the domain. */
struct facts {
	unsigned long libvirt; /* 0: unknown */
	unsigned long qemu;    /* 0: unknown or not QEMU */
	const struct strlist *sources; /* NULL: unknown */
	const struct domxml_memory *m;
	const struct inspection *in;
};

/* Why a memory source cannot be used, or NULL (caller frees). */
static char *
source_blocked(const struct facts *f, const char *source)
{
	if (f->sources && !strlist_has(f->sources, source))
		return xasprintf(_("libvirt does not list '%s' among the "
				   "memory sources of this hypervisor"),
				 source);
	if (f->m->ncells)
		return NULL;
	if (!compat_allows(COMPAT_NO_NUMA, f->libvirt)) {
		AUTOFREE char *v = compat_version_str(f->libvirt);
		AUTOFREE char *since =
		    compat_version_str(compat_since(COMPAT_NO_NUMA));

		return xasprintf(_("libvirt %1$s is older than %2$s, which "
				   "shared memory without guest NUMA cells "
				   "needs"),
				 v, since);
	}
	if (!compat_allows(COMPAT_QEMU_NO_NUMA, f->qemu)) {
		AUTOFREE char *v = compat_version_str(f->qemu);
		AUTOFREE char *since =
		    compat_version_str(compat_since(COMPAT_QEMU_NO_NUMA));

		return xasprintf(_("QEMU %1$s is older than %2$s, which "
				   "shared memory without guest NUMA cells "
				   "needs"),
				 v, since);
	}
	return NULL;
}

static void
weigh_memfd(const struct facts *f, struct backing_option *o)
{
	AUTOFREE char *why = source_blocked(f, "memfd");

	if (!why && !compat_allows(COMPAT_MEMFD, f->libvirt)) {
		AUTOFREE char *v = compat_version_str(f->libvirt);
		AUTOFREE char *since =
		    compat_version_str(compat_since(COMPAT_MEMFD));

		why = xasprintf(_("libvirt %1$s is older than %2$s"), v, since);
	}
	o->possible = why == NULL;
	o->reason = why ? xasprintf(_("memfd: not possible: %s."), why)
			: xstrdup(_("memfd: possible: anonymous shared memory, "
				    "no host setup needed."));
}

static void
weigh_file(const struct facts *f, struct backing_option *o)
{
	AUTOFREE char *why = source_blocked(f, "file");
	const struct qemu_settings *q = &f->in->qemu;
	const char *dir = q->memory_backing_dir
				  ? q->memory_backing_dir
				  : QEMUCONF_DEFAULT_MEMORY_BACKING_DIR;
	const struct host_mount *mnt;

	o->possible = why == NULL;
	if (why) {
		o->reason = xasprintf(_("file: not possible: %s."), why);
		return;
	}
	mnt = f->in->host ? host_mount_for_path(f->in->host, dir) : NULL;
	if (mnt && !host_fstype_in_memory(mnt->fstype))
		o->reason = xasprintf(_("file: possible, but slow: guest "
					"memory in files under %1$s, which is "
					"on a disk (%2$s); set "
					"memory_backing_dir = \"/dev/shm\" in "
					"qemu.conf."),
				      dir, mnt->fstype);
	else
		o->reason = xasprintf(_("file: possible: guest memory in files "
					"under %s (qemu.conf "
					"memory_backing_dir)."),
				      dir);
}

static void
add_size(struct strbuf *sb, uint64_t kib)
{
	AUTOFREE char *s = size_format_kib(kib);

	if (sb->len)
		sb_add(sb, ", ");
	sb_add(sb, s);
}

static void
weigh_hugepages(const struct facts *f, struct backing_option *o)
{
	const struct host_info *h = f->in->host;
	const struct virt_info *v = &f->in->virt;
	struct strbuf sizes = STRBUF_INIT;

	/* libvirt knows the host that runs the guest, even a remote one;
	 * its first page size is the base page. */
	if (f->in->have_virt && v->npage_sizes)
		for (size_t i = 1; i < v->npage_sizes; i++)
			add_size(&sizes, v->page_sizes_kib[i]);
	else
		for (size_t i = 0; h && i < h->npools; i++)
			add_size(&sizes, h->pools[i].size_kib);
	o->possible = sizes.len > 0;
	if (f->m->hugepages)
		o->reason = xstrdup(_("hugepages: the domain already uses "
				      "them: they are kept."));
	else if (sizes.len)
		o->reason = xasprintf(_("hugepages: possible on request "
					"(pages of %s): the guest's memory "
					"must first be reserved as free "
					"hugepages, so they are never chosen "
					"alone."),
				      sb_str(&sizes));
	else
		o->reason = xstrdup(_("hugepages: not possible: this host "
				      "offers no hugepages."));
	sb_clear(&sizes);
}

static void
weigh_numa(const struct facts *f, struct backing_option *o)
{
	o->possible = f->m->ncells > 0;
	if (o->possible)
		o->reason = xasprintf(P_("numa: possible: the domain has %zu "
					 "guest NUMA cell; it gets "
					 "memAccess='shared'.",
					 "numa: possible: the domain has %zu "
					 "guest NUMA cells; each gets "
					 "memAccess='shared'.",
					 f->m->ncells),
				      f->m->ncells);
	else
		o->reason = xstrdup(_("numa: not possible: the domain has no "
				      "guest NUMA cells."));
}

static const struct {
	enum domxml_backing_kind kind;
	void (*weigh)(const struct facts *f, struct backing_option *o);
} weighers[BACKING_NOPTIONS] = {
	{DOMXML_BACKING_MEMFD, weigh_memfd},
	{DOMXML_BACKING_FILE, weigh_file},
	{DOMXML_BACKING_HUGEPAGES, weigh_hugepages},
	{DOMXML_BACKING_NUMA, weigh_numa},
};

static const struct backing_option *
option(const struct backing_choice *c, enum domxml_backing_kind k)
{
	for (size_t i = 0; i < BACKING_NOPTIONS; i++)
		if (c->options[i].kind == k)
			return &c->options[i];
	return NULL;
}

static void
facts_read(const struct inspection *in, const struct domxml_memory *m,
	   struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->in = in;
	f->m = m;
	f->libvirt = compat_libvirt(in);
	f->qemu = compat_qemu(in);
	if (in->have_virt && in->virt.domcaps_known)
		f->sources = &in->virt.source_types;
}

int
backing_choose(const struct inspection *in, const struct domxml *d,
	       struct backing_choice *c)
{
	struct domxml_memory m;
	struct facts f;
	AUTOFREE char *why_not = NULL;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	domxml_memory(d, &m);
	facts_read(in, &m, &f);
	for (size_t i = 0; i < BACKING_NOPTIONS; i++) {
		c->options[i].kind = weighers[i].kind;
		weighers[i].weigh(&f, &c->options[i]);
	}
	if (domxml_memory_shared(&m, &why_not)) {
		c->chosen.kind = DOMXML_BACKING_KEEP;
		c->why = xasprintf(_("Guest memory is already shared (%s): it "
				     "stays as it is."),
				   domxml_memory_kind(&m));
	} else if (m.hugepages) {
		c->chosen.kind = DOMXML_BACKING_HUGEPAGES;
		c->chosen.file_source = m.source && STREQ(m.source, "file");
		c->why = xstrdup(_("The domain uses hugepages: they are kept "
				   "and made shared."));
	} else if (m.source && STREQ(m.source, "file") &&
		   option(c, DOMXML_BACKING_FILE)->possible) {
		c->chosen.kind = DOMXML_BACKING_FILE;
		c->why = xstrdup(_("The domain's memory is file-backed: it "
				   "stays so and is made shared."));
	} else if (option(c, DOMXML_BACKING_MEMFD)->possible) {
		c->chosen.kind = DOMXML_BACKING_MEMFD;
		c->why = xstrdup(_("memfd: shared memory that needs no host "
				   "setup."));
	} else if (option(c, DOMXML_BACKING_NUMA)->possible) {
		c->chosen.kind = DOMXML_BACKING_NUMA;
		c->why = xstrdup(_("numa: memfd is not possible here, and the "
				   "domain has guest NUMA cells to share."));
	} else if (option(c, DOMXML_BACKING_FILE)->possible) {
		c->chosen.kind = DOMXML_BACKING_FILE;
		c->why = xstrdup(_("file: memfd is not possible here."));
	} else {
		ret = vs_error(VS_ERR_UNSUPPORTED,
			       _("No memory backing can share this guest's "
				 "memory, as virtiofs needs: %1$s %2$s %3$s"),
			       c->options[0].reason, c->options[1].reason,
			       c->options[3].reason);
	}
	domxml_memory_clear(&m);
	return ret;
}

void
backing_choice_clear(struct backing_choice *c)
{
	domxml_backing_clear(&c->chosen);
	free(c->why);
	for (size_t i = 0; i < BACKING_NOPTIONS; i++)
		free(c->options[i].reason);
	memset(c, 0, sizeof(*c));
}
