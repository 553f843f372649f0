/* wizard-ini.c: the wizard's choices as an INI file for `virtshare apply` */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "wizard.h"

/*
 * The schema is the one `virtshare apply` reads (virtshare.ini(5)): the
 * connection, a [domain NAME] section for guest memory and a
 * [share NAME TAG] section per share. Only what the wizard chose is
 * written: what is left out keeps its default, as on the command line.
 */

static const char *
onoff(enum domxml_switch s)
{
	return s == DOMXML_ON ? "on" : "off";
}

char *
wizard_ini(const struct wizard *w)
{
	struct strbuf sb = STRBUF_INIT;
	struct share_request r;
	const struct wiz_backing_opt *o = wizard_backing(w);
	bool external = w->dopts[w->dsel].label &&
			w->dopts[w->dsel].kind == WIZ_DAEMON_EXTERNAL;

	wizard_request(w, &r);
	/* Comments for the machine's next reader: not translated, as the
	 * keys are not. */
	sb_add(&sb, "# Written by the virtshare wizard. Apply it with:\n"
		    "#   virtshare apply FILE --dry-run  (show the plan)\n"
		    "#   virtshare apply FILE            (make the changes)\n");
	if (!w->xml_path && w->cfg.conn)
		sb_printf(&sb, "uri = %s\n", virt_uri(w->cfg.conn));
	if (w->xml_path)
		sb_printf(&sb, "# The domain is defined in %s, not in libvirt: "
			       "apply with --xml %s.\n",
			  w->xml_path, w->xml_path);
	if (w->need_valid && w->alloc_result && o &&
	    o->backing.kind == DOMXML_BACKING_HUGEPAGES) {
		AUTOFREE char *size = size_format_kib(w->need.page_kib);

		/* The pool as the guest needs it, not as it was found. */
		sb_printf(&sb, "\n[hugepages %s]\n", size);
		if (w->alloc_node >= 0)
			sb_printf(&sb, "node = %d\n", w->alloc_node);
		sb_printf(&sb, "free = %llu\n",
			  (unsigned long long)w->need.pages);
	}
	sb_printf(&sb, "\n[domain %s]\n", w->domain ? w->domain : "");
	if (o && o->backing.kind != DOMXML_BACKING_KEEP) {
		AUTOFREE char *b = domxml_backing_str(&o->backing);

		sb_printf(&sb, "backing = %s\n", b);
	} else {
		sb_add(&sb, "# guest memory is shared already: left as is\n");
	}
	sb_printf(&sb, "\n[share %s %s]\n", w->domain ? w->domain : "",
		  w->tag ? w->tag : "");
	sb_printf(&sb, "dir = %s\n", w->dir ? w->dir : "");
	if (w->readonly)
		sb_add(&sb, "readonly = yes\n");
	if (w->cache != WIZ_CACHE_DEFAULT)
		sb_printf(&sb, "cache = %s\n", wizard_cache_name(w->cache));
	if (w->xattr != DOMXML_UNSET)
		sb_printf(&sb, "xattr = %s\n", onoff(w->xattr));
	if (external) {
		sb_add(&sb, "daemon = external\n");
		if (w->socket)
			sb_printf(&sb, "socket = %s\n", w->socket);
	} else {
		sb_add(&sb, "daemon = libvirt\n");
		if (r.share.binary)
			sb_printf(&sb, "binary = %s\n", r.share.binary);
	}
	share_request_clear(&r);
	return sb_steal(&sb);
}

int
wizard_ini_save(const struct wizard *w, const char *path)
{
	AUTOFREE char *text = NULL;

	if (!path || !*path)
		return vs_error(VS_ERR_INVALID,
				_("Type the file to write, such as "
				  "/root/web-data.ini."));
	if (!w->domain || !w->tag)
		return vs_error(VS_ERR_USAGE,
				_("Choose a domain and a share first."));
	text = wizard_ini(w);
	return file_write_atomic(path, text, strlen(text), 0644);
}
