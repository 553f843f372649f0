/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wizard-ini.c: the wizard's choices as an INI file for `virtshare apply` */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cfg.h"
#include "error.h"
#include "wizard.h"

/*
 * The schema is virtshare.ini(5), which `virtshare apply` reads: [host]
 * with the URI, [hugepages SIZE[@NODE]] with the pages the pool needs,
 * [domain NAME] with the backing and [share DOMAIN TAG] with the share's
 * options, as the state cfg_parse() reads, written by cfg_format(). What
 * the wizard left to virtshare is left out, so that apply chooses it the
 * same way: the recommended backing, the default socket. Keys and
 * comments are for the file, not translated.
 */

/* The pool the guest's hugepages come from, as big as it must be. */
static void
ini_pool(const struct wizard *w, struct cfg *c)
{
	const struct pages_need *n = &w->need;
	const struct host_pool *pool =
	    w->alloc_node >= 0
		? host_node_pool_find(w->pages_host, w->alloc_node,
				      n->page_kib)
		: host_pool_find(w->pages_host, n->page_kib);
	uint64_t missing = 0;
	struct cfg_pool *p;

	if (!pool || pool->total == HOST_UNKNOWN)
		return;
	if (n->free != HOST_UNKNOWN && n->pages > n->free)
		missing = n->pages - n->free;
	c->pools = xcalloc(1, sizeof(*c->pools));
	p = &c->pools[c->npools++];
	p->comment = xstrdup("The pool the guest's memory comes from, grown "
			     "(never shrunk) first.");
	p->size_kib = n->page_kib;
	p->node = w->alloc_node;
	p->pages = pool->total + missing;
}

/* An option the wizard checked already, for virtshare-fsd. */
static void
launch_set(struct share_request *r, const char *name, const char *value)
{
	if (share_request_set(r, name, value, name) < 0)
		vs_error_reset();
}

/* The share: the request's options, or for a daemon virtshare runs the
 * wizard's (not the domain's) and no socket, which apply chooses. */
static void
ini_share(const struct wizard *w, const struct share_request *req,
	  struct cfg_share *s)
{
	struct share_request *r = &s->req;

	s->domain = xstrdup(w->domain ? w->domain : "");
	s->name = xstrdup(w->tag ? w->tag : "");
	s->comment = xasprintf("In the guest: mount -t virtiofs %s /mnt/%s",
			       s->name, s->name);
	share_request_init(r);
	r->share.tag = xstrdup(s->name);
	r->config_only = req->config_only;
	r->mount = xstrdup0(req->mount);
	r->persist_mount = req->persist_mount;
	if (!req->share.socket) {
		r->share.dir = req->share.dir ? xstrdup(req->share.dir)
					      : xstrdup("");
		r->share.binary = req->share.binary ? xstrdup(req->share.binary)
						    : NULL;
		r->share.readonly = req->share.readonly;
		r->share.cache = req->share.cache ? xstrdup(req->share.cache)
						  : NULL;
		r->share.xattr = req->share.xattr;
		return;
	}
	r->daemon = SHARE_DAEMON_EXTERNAL;
	launch_set(r, "dir", w->dir ? w->dir : "");
	if (w->readonly)
		launch_set(r, "readonly", "yes");
	if (w->cache != WIZ_CACHE_DEFAULT)
		launch_set(r, "cache", wizard_cache_name(w->cache));
	if (w->xattr != DOMXML_UNSET)
		launch_set(r, "xattr", w->xattr == DOMXML_ON ? "yes" : "no");
}

struct cfg *
wizard_cfg(const struct wizard *w)
{
	struct cfg *c = xcalloc(1, sizeof(*c));
	struct share_request r;
	const struct backing_option *o = wizard_backing(w);
	struct cfg_domain *d;

	wizard_request(w, &r);
	c->comment = xstrdup(
	    "Written by the virtshare wizard (virtshare.ini(5)). Apply it "
	    "with\n"
	    "  virtshare apply FILE --dry-run   to see the plan\n"
	    "  virtshare apply FILE             to make the changes\n"
	    "Applying it again changes nothing.");
	if (w->xml_path) {
		char *more = xasprintf("%s\nThe wizard edited %s: apply works "
				       "on a domain of libvirt, so define it "
				       "first\n(virsh define %s).",
				       c->comment, w->xml_path, w->xml_path);

		free(c->comment);
		c->comment = more;
	}
	if (!w->xml_path && w->cfg.conn)
		c->uri = xstrdup(virt_uri(w->cfg.conn));
	if (o && o->backing.kind == DOMXML_BACKING_HUGEPAGES && w->need_valid)
		ini_pool(w, c);
	c->domains = xcalloc(1, sizeof(*c->domains));
	d = &c->domains[c->ndomains++];
	d->name = xstrdup(w->domain ? w->domain : "");
	/* The recommended backing is left to apply, which chooses it again
	 * on the host as it is then. */
	if (o && !o->recommended) {
		d->backing = r.backing;
		r.backing.nodeset = NULL; /* moved */
		d->backing_given = true;
	} else {
		d->comment = xstrdup("backing: left to virtshare, which "
				     "chooses as the wizard recommended.");
	}
	c->shares = xcalloc(1, sizeof(*c->shares));
	ini_share(w, &r, &c->shares[c->nshares++]);
	share_request_clear(&r);
	return c;
}

char *
wizard_ini(const struct wizard *w)
{
	AUTOPTR(cfg) c = wizard_cfg(w);

	return cfg_format(c);
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
