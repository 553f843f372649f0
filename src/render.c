/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render.c: host report pieces inspect, pages and the wizard all print */
#include <inttypes.h>
#include <string.h>

#include "compat.h"
#include "inspect.h"
#include "render.h"
#include "table.h"

char *
render_count_str(uint64_t v)
{
	return v == HOST_UNKNOWN ? xstrdup("-") : xasprintf("%" PRIu64, v);
}

char *
render_kib(uint64_t v)
{
	return v == HOST_UNKNOWN ? xstrdup("?") : size_format_kib(v);
}

char *
render_setting(const char *value, bool set)
{
	return set ? xstrdup(value) : xasprintf(_("%s (default)"), value);
}

const char *
render_pools_title(const struct host_info *h)
{
	return h->npools ? _("Hugepages")
			 : _("Hugepages: none offered by this kernel");
}

char *
render_version(unsigned long v)
{
	return v ? compat_version_str(v) : xstrdup("?");
}

char *
render_join(const struct strlist *l, const char *sep)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < l->n; i++) {
		if (i)
			sb_add(&sb, sep);
		sb_add(&sb, l->v[i]);
	}
	return sb_steal(&sb);
}

char *
render_pool_mounts(const struct host_info *h, uint64_t size_kib)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < h->nmounts; i++) {
		if (!STREQ(h->mounts[i].fstype, "hugetlbfs") ||
		    h->mounts[i].pagesize_kib != size_kib)
			continue;
		if (sb.len)
			sb_add(&sb, ", ");
		sb_add(&sb, h->mounts[i].dir);
	}
	return sb.len ? sb_steal(&sb) : NULL;
}

char *
render_pages_memory_str(uint64_t pages, uint64_t size_kib)
{
	if (pages == HOST_UNKNOWN)
		return xstrdup("-");
	return pages ? size_format_kib(pages * size_kib) : xstrdup("0");
}

static void
pool_rows(struct table *t, const struct host_info *h, size_t i,
	  const char *const *mounts)
{
	const struct host_pool *p = &h->pools[i];
	AUTOFREE char *size = size_format_kib(p->size_kib);
	AUTOFREE char *label = p->size_kib == h->default_page_kib
				   ? xasprintf(_("%s (default)"), size)
				   : xstrdup(size);
	AUTOFREE char *tot = render_count_str(p->total);
	AUTOFREE char *fr = render_count_str(p->free);
	AUTOFREE char *rsv = render_count_str(p->reserved);
	AUTOFREE char *sur = render_count_str(p->surplus);
	AUTOFREE char *mem = render_pages_memory_str(p->total, p->size_kib);
	const char *mount = !mounts ? NULL : mounts[i] ? mounts[i]
						       : _("(none)");

	table_rowv(t, label, _("all"), tot, fr, rsv, sur, mem, mount);
	for (size_t n = 0; n < h->nnodes; n++) {
		const struct host_pool *np =
		    host_node_pool_find(h, h->nodes[n].id, p->size_kib);
		AUTOFREE char *id = NULL, *ntot = NULL, *nfr = NULL;
		AUTOFREE char *nsur = NULL, *nmem = NULL;

		if (!np)
			continue;
		id = xasprintf("%d", h->nodes[n].id);
		ntot = render_count_str(np->total);
		nfr = render_count_str(np->free);
		nsur = render_count_str(np->surplus);
		nmem = render_pages_memory_str(np->total, np->size_kib);
		table_rowv(t, "", id, ntot, nfr, "", nsur, nmem, "");
	}
}

void
render_pools_table(struct strbuf *sb, const struct host_info *h,
		const char *const *mounts)
{
	AUTOPTR(table) t = table_new(mounts ? 8 : 7);

	for (size_t c = 2; c <= 6; c++)
		table_right(t, c);
	table_rowv(t, _("size"), _("node"), _("total"), _("free"),
		   _("reserved"), _("surplus"), _("memory"),
		   _("hugetlbfs mount"));
	for (size_t i = 0; i < h->npools; i++)
		pool_rows(t, h, i, mounts);
	table_render(t, 2, sb);
}

void
render_daemons_table(struct strbuf *sb, const struct host_info *h,
		     bool details)
{
	AUTOPTR(table) t = table_new(2);

	for (size_t i = 0; i < h->ndaemons; i++) {
		const struct host_daemon *d = &h->daemons[i];
		struct strbuf what = STRBUF_INIT;

		sb_add(&what, inspection_daemon_state(d));
		if (details && d->probed) {
			AUTOFREE char *f = render_join(&d->features, " ");

			sb_printf(&what, _(", type %1$s, features: %2$s"),
				  d->type ? d->type : "?",
				  d->features.n ? f : _("none"));
		}
		if (d->descriptor && details)
			sb_printf(&what, _(", descriptor %s"), d->descriptor);
		else if (d->descriptor)
			sb_add(&what, _(", named by a descriptor"));
		table_rowv(t, d->path, sb_str(&what));
		sb_clear(&what);
	}
	table_render(t, 2, sb);
}
