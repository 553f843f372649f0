/* SPDX-License-Identifier: GPL-2.0-or-later */
/* backing.c: weigh memfd, file, hugepages and NUMA cells for one domain */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "backing.h"
#include "compat.h"
#include "error.h"
#include "pages.h"
#include "render.h"

/* What the inspection says about the libvirt that will run the domain. */
struct facts {
	unsigned long libvirt; /* 0: unknown */
	unsigned long qemu;    /* 0: unknown or not QEMU */
	const struct strlist *sources; /* NULL: unknown */
	const struct domxml_memory *m;
	const struct inspection *in;
	const struct host_info *pages_host;
};

/* ---- the reasons as text ------------------------------------------------- */

/* How a reason is put: "not possible: %s." around a cause, or as is. */
enum wrap {
	WRAP_NONE,
	WRAP_NOT_POSSIBLE_DOT, /* a clause: the sentence ends here */
	WRAP_NOT_POSSIBLE,     /* a sentence of its own */
	WRAP_NOT_YET,
};

static const char *const wraps[] = {
	[WRAP_NONE] = "%1$s",
	[WRAP_NOT_POSSIBLE_DOT] = N_("not possible: %1$s."),
	[WRAP_NOT_POSSIBLE] = N_("not possible: %1$s"),
	[WRAP_NOT_YET] = N_("not possible yet: %1$s"),
};

/* Each reason's text; the arguments are strings, %1$s on. A NULL text
 * is arg[0] as it stands (a sentence another module wrote). */
static const struct {
	enum backing_reason code;
	enum wrap wrap;
	const char *text;
	const char *plural; /* with count, or NULL */
} reasons[BACKING_NREASONS] = {
	{BACKING_R_KEEP, WRAP_NONE,
	 N_("guest memory is already shared: nothing to change."), NULL},
	{BACKING_R_MEMFD, WRAP_NONE,
	 N_("possible: anonymous shared memory, no host setup needed."), NULL},
	{BACKING_R_SOURCE_UNLISTED, WRAP_NOT_POSSIBLE_DOT,
	 N_("libvirt does not list '%1$s' among the memory sources of this "
	    "hypervisor"),
	 NULL},
	{BACKING_R_LIBVIRT_NO_NUMA, WRAP_NOT_POSSIBLE_DOT,
	 N_("libvirt %1$s is older than %2$s, which shared memory without "
	    "guest NUMA cells needs"),
	 NULL},
	{BACKING_R_QEMU_NO_NUMA, WRAP_NOT_POSSIBLE_DOT,
	 N_("QEMU %1$s is older than %2$s, which shared memory without guest "
	    "NUMA cells needs"),
	 NULL},
	{BACKING_R_LIBVIRT_MEMFD, WRAP_NOT_POSSIBLE_DOT,
	 N_("libvirt %1$s is older than %2$s"), NULL},
	{BACKING_R_FILE, WRAP_NONE,
	 N_("possible: guest memory in files under %1$s (qemu.conf "
	    "memory_backing_dir)."),
	 NULL},
	{BACKING_R_FILE_ON_DISK, WRAP_NONE,
	 N_("possible, but slow: guest memory in files under %1$s, which is "
	    "on a disk (%2$s); set memory_backing_dir = \"/dev/shm\" in "
	    "qemu.conf."),
	 NULL},
	{BACKING_R_FILE_REMOTE, WRAP_NONE,
	 N_("possible: guest memory in files under the memory_backing_dir of "
	    "the guest's host, which is not checked on a remote host."),
	 NULL},
	{BACKING_R_HUGEPAGES_KEPT, WRAP_NONE,
	 N_("the domain already uses them: they are kept."), NULL},
	{BACKING_R_HUGEPAGES_REQUEST, WRAP_NONE,
	 N_("possible on request (pages of %1$s): the guest's memory must "
	    "first be reserved as free hugepages, so they are never chosen "
	    "alone."),
	 NULL},
	{BACKING_R_HUGEPAGES_NONE, WRAP_NOT_POSSIBLE_DOT,
	 N_("this host offers no hugepages"), NULL},
	{BACKING_R_NUMA, WRAP_NONE,
	 NP_("possible: the domain has %1$s guest NUMA cell; it gets "
	     "memAccess='shared'.",
	     "possible: the domain has %1$s guest NUMA cells; each gets "
	     "memAccess='shared'.")},
	{BACKING_R_NUMA_NONE, WRAP_NOT_POSSIBLE_DOT,
	 N_("the domain has no guest NUMA cells"), NULL},
	{BACKING_R_PAGES_ENOUGH, WRAP_NONE,
	 N_("%1$s pages needed, %2$s free."), NULL},
	{BACKING_R_PAGES_SHORT, WRAP_NONE,
	 N_("%1$s pages needed, %2$s free: the next step allocates the "
	    "rest."),
	 NULL},
	{BACKING_R_PAGES_UNUSABLE, WRAP_NOT_POSSIBLE, NULL, NULL},
	{BACKING_R_PAGES_NO_MOUNT, WRAP_NOT_YET, NULL, NULL},
	{BACKING_R_MEMORY_UNKNOWN, WRAP_NOT_POSSIBLE,
	 N_("the guest's memory size is unknown"), NULL},
	{BACKING_R_PAGES_SIZE_KEPT, WRAP_NONE,
	 N_("the domain already uses them."), NULL},
};

/* fmt with each %N$s replaced by arg[N - 1] (positional strings only, as
 * the table has; a translation may reorder them). */
static char *
expand(const char *fmt, char *const arg[BACKING_NARGS])
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = fmt; *p; p++) {
		int n = p[1] - '0';

		if (p[0] == '%' && n >= 1 && n <= BACKING_NARGS &&
		    p[2] == '$' && p[3] == 's') {
			sb_add(&sb, arg[n - 1] ? arg[n - 1] : "");
			p += 3;
		} else if (p[0] == '%' && p[1] == '%') {
			sb_add(&sb, "%");
			p++;
		} else {
			sb_addn(&sb, p, 1);
		}
	}
	return sb_steal(&sb);
}

static char *
detail_render(const struct backing_option *o)
{
	const char *text = reasons[o->code].text;
	AUTOFREE char *inner = NULL;

	if (reasons[o->code].code != o->code)
		abort();
	if (!text)
		inner = xstrdup(o->arg[0] ? o->arg[0] : "");
	else if (reasons[o->code].plural)
		inner = expand(P_(text, reasons[o->code].plural, o->count),
			       o->arg);
	else
		inner = expand(_(text), o->arg);
	if (reasons[o->code].wrap == WRAP_NONE)
		return steal_ptr(inner);
	return expand(_(wraps[reasons[o->code].wrap]), (char *[BACKING_NARGS]){inner});
}

/* Render the texts of o from its code and arguments. */
static void
option_render(struct backing_option *o, char *label)
{
	o->label = label ? label
			 : xstrdup(domxml_backing_name(o->backing.kind));
	o->detail = detail_render(o);
	o->reason = xasprintf(_("%1$s: %2$s"),
			      domxml_backing_name(o->backing.kind), o->detail);
}

static void
option_set(struct backing_option *o, bool possible, enum backing_reason code,
	   char *a0, char *a1)
{
	o->possible = possible;
	o->code = code;
	o->arg[0] = a0;
	o->arg[1] = a1;
}

static void
option_clear(struct backing_option *o)
{
	domxml_backing_clear(&o->backing);
	for (size_t i = 0; i < BACKING_NARGS; i++)
		free(o->arg[i]);
	free(o->label);
	free(o->detail);
	free(o->reason);
	memset(o, 0, sizeof(*o));
}

static char *
version_pair(unsigned long have, enum compat_feature f, char **since)
{
	*since = compat_version_str(compat_since(f));
	return compat_version_str(have);
}

/* ---- weighing each kind -------------------------------------------------- */

/* Why a memory source cannot be used: false with o's reason set. */
static bool
source_usable(const struct facts *f, const char *source,
	      struct backing_option *o)
{
	char *since = NULL, *have;

	if (f->sources && !strlist_has(f->sources, source)) {
		option_set(o, false, BACKING_R_SOURCE_UNLISTED, xstrdup(source),
			   NULL);
		return false;
	}
	if (f->m->ncells)
		return true;
	if (!compat_allows(COMPAT_NO_NUMA, f->libvirt)) {
		have = version_pair(f->libvirt, COMPAT_NO_NUMA, &since);
		option_set(o, false, BACKING_R_LIBVIRT_NO_NUMA, have, since);
		return false;
	}
	if (!compat_allows(COMPAT_QEMU_NO_NUMA, f->qemu)) {
		have = version_pair(f->qemu, COMPAT_QEMU_NO_NUMA, &since);
		option_set(o, false, BACKING_R_QEMU_NO_NUMA, have, since);
		return false;
	}
	return true;
}

static void
weigh_memfd(const struct facts *f, struct backing_option *o)
{
	char *since = NULL, *have;

	if (!source_usable(f, "memfd", o))
		return;
	if (!compat_allows(COMPAT_MEMFD, f->libvirt)) {
		have = version_pair(f->libvirt, COMPAT_MEMFD, &since);
		option_set(o, false, BACKING_R_LIBVIRT_MEMFD, have, since);
		return;
	}
	option_set(o, true, BACKING_R_MEMFD, NULL, NULL);
}

static void
weigh_file(const struct facts *f, struct backing_option *o)
{
	const struct qemu_settings *q = &f->in->qemu;
	const char *dir = q->memory_backing_dir
				  ? q->memory_backing_dir
				  : QEMUCONF_DEFAULT_MEMORY_BACKING_DIR;
	const struct host_mount *mnt;

	if (!source_usable(f, "file", o))
		return;
	/* qemu.conf and the mounts here are this machine's, not its. */
	if (f->in->remote) {
		option_set(o, true, BACKING_R_FILE_REMOTE, NULL, NULL);
		return;
	}
	mnt = f->in->host ? host_mount_for_path(f->in->host, dir) : NULL;
	if (mnt && !host_fstype_in_memory(mnt->fstype))
		option_set(o, true, BACKING_R_FILE_ON_DISK, xstrdup(dir),
			   xstrdup(mnt->fstype));
	else
		option_set(o, true, BACKING_R_FILE, xstrdup(dir), NULL);
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
	if (f->m->hugepages)
		option_set(o, sizes.len > 0, BACKING_R_HUGEPAGES_KEPT, NULL,
			   NULL);
	else if (sizes.len)
		option_set(o, true, BACKING_R_HUGEPAGES_REQUEST,
			   sb_steal(&sizes), NULL);
	else
		option_set(o, false, BACKING_R_HUGEPAGES_NONE, NULL, NULL);
	sb_clear(&sizes);
}

static void
weigh_numa(const struct facts *f, struct backing_option *o)
{
	if (f->m->ncells) {
		option_set(o, true, BACKING_R_NUMA,
			   xasprintf("%zu", f->m->ncells), NULL);
		o->count = f->m->ncells;
	} else {
		option_set(o, false, BACKING_R_NUMA_NONE, NULL, NULL);
	}
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
		if (c->options[i].backing.kind == k)
			return &c->options[i];
	return NULL;
}

/* ---- the choice ---------------------------------------------------------- */

static void
choose(const struct domxml_memory *m, struct backing_choice *c)
{
	AUTOFREE char *why_not = NULL;

	if (domxml_memory_shared(m, &why_not)) {
		c->chosen.kind = DOMXML_BACKING_KEEP;
		c->why = xasprintf(_("Guest memory is already shared (%s): it "
				     "stays as it is."),
				   domxml_memory_kind(m));
	} else if (m->hugepages) {
		c->chosen.kind = DOMXML_BACKING_HUGEPAGES;
		c->chosen.file_source = m->source && STREQ(m->source, "file");
		c->why = xstrdup(_("The domain uses hugepages: they are kept "
				   "and made shared."));
	} else if (m->source && STREQ(m->source, "file") &&
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
	}
}

/* ---- what a user can pick ------------------------------------------------ */

static struct backing_option *
offer_add(struct backing_choice *c, enum domxml_backing_kind kind)
{
	struct backing_option *o;

	c->offers = xrealloc(c->offers, (c->noffers + 1) * sizeof(*o));
	o = &c->offers[c->noffers++];
	memset(o, 0, sizeof(*o));
	o->backing.kind = kind;
	return o;
}

/* An offer that says what a weighed option says. */
static void
offer_copy(struct backing_choice *c, const struct backing_option *w)
{
	struct backing_option *o = offer_add(c, w->backing.kind);

	o->possible = w->possible;
	o->code = w->code;
	o->count = w->count;
	for (size_t i = 0; i < BACKING_NARGS; i++)
		o->arg[i] = w->arg[i] ? xstrdup(w->arg[i]) : NULL;
	o->recommended = c->chosen.kind == w->backing.kind;
	option_render(o, NULL);
}

/* One hugepage size: what the guest needs of size_kib pages. */
static void
offer_size(const struct facts *f, struct backing_choice *c,
	   uint64_t size_kib, bool kept)
{
	AUTOFREE char *size = size_format_kib(size_kib);
	struct backing_option *o = offer_add(c, DOMXML_BACKING_HUGEPAGES);
	const struct domxml_memory *m = f->m;
	uint64_t mem = domxml_memory_for_nodes(m, NULL);
	struct pages_need need;

	o->backing.page_kib = kept ? 0 : size_kib;
	o->backing.file_source = c->chosen.file_source;
	o->kept = kept;
	o->recommended = kept && c->chosen.kind == DOMXML_BACKING_HUGEPAGES;
	if (!mem) {
		option_set(o, false, BACKING_R_MEMORY_UNKNOWN, NULL, NULL);
	} else if (pages_need(f->pages_host, &f->in->qemu, f->in->qemu_error,
			      mem, size_kib, m->host_nodeset, &need) < 0) {
		option_set(o, false, BACKING_R_PAGES_UNUSABLE,
			   xstrdup(vs_error_message()), NULL);
		vs_error_reset();
	} else {
		if (!need.size_offered) {
			option_set(o, false, BACKING_R_PAGES_UNUSABLE,
				   xstrdup(need.reason), NULL);
		} else if (need.mount_checked &&
			   (!need.mount || !need.qemu_conf_agrees)) {
			const char *dir;
			AUTOFREE char *advice = NULL;

			/* Pages can be allocated here, a mount cannot. */
			pages_mount_check(f->pages_host, &f->in->qemu,
					  size_kib, &dir, &advice);
			option_set(o, false, BACKING_R_PAGES_NO_MOUNT,
				   xstrdup(advice ? advice : need.reason),
				   NULL);
		} else {
			o->short_pages = !need.enough;
			option_set(o, true,
				   need.enough ? BACKING_R_PAGES_ENOUGH
					       : BACKING_R_PAGES_SHORT,
				   xasprintf("%" PRIu64, need.pages),
				   render_count_str(need.free));
		}
		pages_need_clear(&need);
	}
	option_render(o, kept ? xasprintf(_("hugepages %s (kept)"), size)
			      : xasprintf(_("hugepages %s"), size));
}

static void
offers_hugepages(const struct facts *f, struct backing_choice *c)
{
	const struct domxml_memory *m = f->m;
	const struct host_info *h = f->pages_host;
	struct backing_option *o;
	uint64_t kept = 0;

	/* The size the domain uses now (kept), then every other one. */
	if (m->hugepages)
		kept = m->npages && m->pages[0].size_kib
			   ? m->pages[0].size_kib
			   : h ? h->default_page_kib : 0;
	if (kept == HOST_UNKNOWN)
		kept = 0;
	if (m->hugepages && kept) {
		offer_size(f, c, kept, true);
	} else if (m->hugepages) {
		o = offer_add(c, DOMXML_BACKING_HUGEPAGES);
		o->backing.file_source = c->chosen.file_source;
		o->kept = true;
		o->recommended = c->chosen.kind == DOMXML_BACKING_HUGEPAGES;
		option_set(o, true, BACKING_R_PAGES_SIZE_KEPT, NULL, NULL);
		option_render(o, xstrdup(_("hugepages (kept)")));
	}
	for (size_t i = 0; h && i < h->npools; i++)
		if (h->pools[i].size_kib != kept)
			offer_size(f, c, h->pools[i].size_kib, false);
	if ((!h || !h->npools) && !m->hugepages) {
		o = offer_add(c, DOMXML_BACKING_HUGEPAGES);
		option_set(o, false, BACKING_R_HUGEPAGES_NONE, NULL, NULL);
		option_render(o, NULL);
	}
}

static void
offers_make(const struct facts *f, struct backing_choice *c)
{
	if (c->chosen.kind == DOMXML_BACKING_KEEP) {
		struct backing_option *o = offer_add(c, DOMXML_BACKING_KEEP);

		option_set(o, true, BACKING_R_KEEP, NULL, NULL);
		o->recommended = true;
		option_render(o, xasprintf(_("keep (%s)"),
					   domxml_memory_kind(f->m)));
	}
	offer_copy(c, option(c, DOMXML_BACKING_MEMFD));
	offer_copy(c, option(c, DOMXML_BACKING_FILE));
	offers_hugepages(f, c);
	offer_copy(c, option(c, DOMXML_BACKING_NUMA));
}

static void
facts_read(const struct inspection *in, const struct host_info *pages_host,
	   const struct domxml_memory *m, struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->in = in;
	f->m = m;
	f->pages_host = pages_host ? pages_host : in->host;
	f->libvirt = compat_libvirt(inspection_virt(in));
	f->qemu = compat_qemu(inspection_virt(in));
	if (in->have_virt && in->virt.domcaps_known)
		f->sources = &in->virt.source_types;
}

int
backing_choose_host(const struct inspection *in,
		    const struct host_info *pages_host,
		    const struct domxml *d, struct backing_choice *c)
{
	struct domxml_memory m;
	struct facts f;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	domxml_memory(d, &m);
	facts_read(in, pages_host, &m, &f);
	for (size_t i = 0; i < BACKING_NOPTIONS; i++) {
		c->options[i].backing.kind = weighers[i].kind;
		weighers[i].weigh(&f, &c->options[i]);
		option_render(&c->options[i], NULL);
	}
	choose(&m, c);
	if (!c->why)
		ret = vs_error(VS_ERR_UNSUPPORTED,
			       _("No memory backing can share this guest's "
				 "memory, as virtiofs needs: %1$s %2$s %3$s"),
			       c->options[0].reason, c->options[1].reason,
			       c->options[3].reason);
	else
		offers_make(&f, c);
	for (size_t i = 0; i < BACKING_NOPTIONS; i++)
		c->options[i].recommended =
		    c->options[i].backing.kind == c->chosen.kind;
	domxml_memory_clear(&m);
	return ret;
}

int
backing_choose(const struct inspection *in, const struct domxml *d,
	       struct backing_choice *c)
{
	return backing_choose_host(in, NULL, d, c);
}

void
backing_choice_notes(const struct backing_choice *c, struct strlist *notes)
{
	strlist_add(notes, c->why);
	for (size_t i = 0;
	     c->chosen.kind != DOMXML_BACKING_KEEP && i < BACKING_NOPTIONS; i++)
		if (c->options[i].backing.kind != c->chosen.kind)
			strlist_take(notes,
				     xasprintf(_("Also weighed: %s"),
					       c->options[i].reason));
}

const struct backing_option *
backing_offer_find(const struct backing_choice *c,
		   const struct domxml_backing *b)
{
	for (size_t i = 0; i < c->noffers; i++) {
		const struct backing_option *o = &c->offers[i];

		if (o->backing.kind == b->kind &&
		    (b->kind != DOMXML_BACKING_HUGEPAGES ||
		     o->backing.page_kib == b->page_kib))
			return o;
	}
	return NULL;
}

void
backing_choice_clear(struct backing_choice *c)
{
	domxml_backing_clear(&c->chosen);
	free(c->why);
	for (size_t i = 0; i < BACKING_NOPTIONS; i++)
		option_clear(&c->options[i]);
	for (size_t i = 0; i < c->noffers; i++)
		option_clear(&c->offers[i]);
	free(c->offers);
	memset(c, 0, sizeof(*c));
}
