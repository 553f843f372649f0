/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wizard-ini.c: the wizard's choices as an INI file for `virtshare apply` */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "wizard.h"

/*
 * The schema is virtshare.ini(5), which `virtshare apply` reads: [host]
 * with the URI, [hugepages SIZE[@NODE]] with the pages the pool needs,
 * [domain NAME] with the backing and [share DOMAIN TAG] with the share's
 * options. What the wizard left to virtshare is left out, so that apply
 * chooses it the same way: the recommended backing, the default socket.
 * Keys and comments are for the file, not translated.
 */

static const char *
yesno(enum domxml_switch s)
{
	return s == DOMXML_ON ? "yes" : "no";
}

/* The pool the guest's hugepages come from, as big as it must be. */
static void
ini_pool(const struct wizard *w, struct strbuf *sb)
{
	const struct pages_need *n = &w->need;
	const struct host_pool *pool =
	    w->alloc_node >= 0
		? host_node_pool_find(w->pages_host, w->alloc_node,
				      n->page_kib)
		: host_pool_find(w->pages_host, n->page_kib);
	uint64_t missing = 0, pages;
	AUTOFREE char *size = size_format_kib(n->page_kib);

	if (!pool || pool->total == HOST_UNKNOWN)
		return;
	if (n->free != HOST_UNKNOWN && n->pages > n->free)
		missing = n->pages - n->free;
	pages = pool->total + missing;
	sb_add(sb, "\n; The pool the guest's memory comes from, grown (never "
		   "shrunk) first.\n");
	if (w->alloc_node >= 0)
		sb_printf(sb, "[hugepages %s@%d]\n", size, w->alloc_node);
	else
		sb_printf(sb, "[hugepages %s]\n", size);
	sb_printf(sb, "pages = %" PRIu64 "\n", pages);
}

char *
wizard_ini(const struct wizard *w)
{
	struct strbuf sb = STRBUF_INIT;
	struct share_request r;
	const struct backing_option *o = wizard_backing(w);
	bool external;
	const char *domain = w->domain ? w->domain : "";

	wizard_request(w, &r);
	external = r.share.socket != NULL;
	sb_add(&sb, "; Written by the virtshare wizard (virtshare.ini(5)). "
		    "Apply it with\n"
		    ";   virtshare apply FILE --dry-run   to see the plan\n"
		    ";   virtshare apply FILE             to make the changes\n"
		    "; Applying it again changes nothing.\n");
	if (w->xml_path)
		sb_printf(&sb, "; The wizard edited %s: apply works on a "
			       "domain of libvirt, so define it first\n"
			       "; (virsh define %s).\n",
			  w->xml_path, w->xml_path);
	if (!w->xml_path && w->cfg.conn)
		sb_printf(&sb, "\n[host]\nuri = %s\n", virt_uri(w->cfg.conn));
	if (o && o->backing.kind == DOMXML_BACKING_HUGEPAGES && w->need_valid)
		ini_pool(w, &sb);
	sb_printf(&sb, "\n[domain %s]\n", domain);
	/* The recommended backing is left to apply, which chooses it again
	 * on the host as it is then. */
	if (o && !o->recommended) {
		AUTOFREE char *b = domxml_backing_str(&r.backing);

		sb_printf(&sb, "backing = %s\n", b);
	} else {
		sb_add(&sb, "; backing: left to virtshare, which chooses as "
			    "the wizard recommended.\n");
	}
	sb_printf(&sb, "\n[share %s %s]\n", domain, w->tag ? w->tag : "");
	sb_printf(&sb, "; In the guest: mount -t virtiofs %s /mnt/%s\n",
		  w->tag ? w->tag : "", w->tag ? w->tag : "");
	if (external)
		sb_add(&sb, "daemon = external\n");
	sb_printf(&sb, "dir = %s\n", w->dir ? w->dir : "");
	if (external) {
		/* The daemon's options: the wizard's, not the domain's. */
		if (w->readonly)
			sb_add(&sb, "readonly = yes\n");
		if (w->cache != WIZ_CACHE_DEFAULT)
			sb_printf(&sb, "cache = %s\n",
				  wizard_cache_name(w->cache));
		if (w->xattr != DOMXML_UNSET)
			sb_printf(&sb, "xattr = %s\n", yesno(w->xattr));
	} else {
		if (r.share.binary)
			sb_printf(&sb, "binary = %s\n", r.share.binary);
		if (r.share.readonly != DOMXML_UNSET)
			sb_printf(&sb, "readonly = %s\n",
				  yesno(r.share.readonly));
		if (r.share.cache)
			sb_printf(&sb, "cache = %s\n", r.share.cache);
		if (r.share.xattr != DOMXML_UNSET)
			sb_printf(&sb, "xattr = %s\n", yesno(r.share.xattr));
	}
	share_request_clear(&r);
	return sb_steal(&sb);
}

int
wizard_ini_save(const struct wizard *w, const char *path)
{
	AUTOFREE char *text = NULL, *parent = NULL;
	char *slash;
	struct stat st;

	if (!path || !*path)
		return vs_error(VS_ERR_INVALID,
				_("Type the file to write, such as "
				  "/root/web-data.ini."));
	if (!w->domain || !w->tag)
		return vs_error(VS_ERR_USAGE,
				_("Choose a domain and a share first."));
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return vs_error(VS_ERR_INVALID,
				_("%1$s is a directory: type the file to "
				  "write in it, such as %1$s/%2$s-%3$s.ini."),
				path, w->domain, w->tag);
	parent = xstrdup(path);
	if ((slash = strrchr(parent, '/')))
		*slash = '\0';
	if (slash && *parent && (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode)))
		return vs_error(VS_ERR_INVALID,
				_("The directory %s does not exist: create it "
				  "first, or save the file elsewhere."),
				parent);
	text = wizard_ini(w);
	return file_write_atomic(path, text, strlen(text), 0644);
}
