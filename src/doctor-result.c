/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-result.c: what a check says, and the helpers the checks share */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "doctor-priv.h"
#include "error.h"

/* ---- results ------------------------------------------------------------- */

void
doctor_verdict(struct doctor_result *r, enum doctor_verdict v, const char *fmt,
	       ...)
{
	va_list ap;

	r->verdict = v;
	free(r->summary);
	va_start(ap, fmt);
	r->summary = xvasprintf(fmt, ap);
	va_end(ap);
}

void
doctor_message(struct doctor_result *r, const char *fmt, ...)
{
	va_list ap;

	free(r->message);
	va_start(ap, fmt);
	r->message = xvasprintf(fmt, ap);
	va_end(ap);
}

void
doctor_detail(struct doctor_result *r, const char *fmt, ...)
{
	va_list ap;

	free(r->detail);
	va_start(ap, fmt);
	r->detail = xvasprintf(fmt, ap);
	va_end(ap);
}

void
doctor_fix(struct doctor_result *r, const char *fmt, ...)
{
	va_list ap;

	free(r->fix);
	va_start(ap, fmt);
	r->fix = xvasprintf(fmt, ap);
	va_end(ap);
}

void
doctor_command(struct doctor_result *r, const char *fmt, ...)
{
	va_list ap;

	free(r->command);
	va_start(ap, fmt);
	r->command = xvasprintf(fmt, ap);
	va_end(ap);
}

void
doctor_fix_clear(struct doctor_fix *x)
{
	share_request_clear(&x->share);
	free(x->daemon);
	memset(x, 0, sizeof(*x));
}

void
doctor_result_clear(struct doctor_result *r)
{
	free(r->subject);
	free(r->summary);
	free(r->message);
	free(r->detail);
	free(r->fix);
	free(r->command);
	doctor_fix_clear(&r->action);
	for (size_t i = 0; i < r->nquotes; i++) {
		free(r->quotes[i].file);
		free(r->quotes[i].line);
	}
	free(r->quotes);
	memset(r, 0, sizeof(*r));
}

/* ---- helpers of the checks ----------------------------------------------- */

bool
doctor_have_libvirt(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct inspection *in = f->env->in;

	if (in->have_virt)
		return true;
	if (in->virt_error)
		doctor_verdict(r, DOCTOR_SKIPPED, _("libvirt could not be "
						    "asked: %s"),
			       in->virt_error);
	else
		doctor_verdict(r, DOCTOR_SKIPPED,
			       _("No libvirt connection: nothing to ask."));
	return false;
}

bool
doctor_have_domcaps(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct virt_info *v = &f->env->in->virt;

	if (!doctor_have_libvirt(f, r))
		return false;
	if (v->domcaps_known)
		return true;
	doctor_verdict(r, DOCTOR_SKIPPED,
		       _("libvirt's %s driver reports no domain "
			 "capabilities."),
		       v->driver ? v->driver : "?");
	return false;
}

bool
doctor_have_qemu_conf(const struct doctor_facts *f, struct doctor_result *r)
{
	if (f->q)
		return true;
	doctor_verdict(r, DOCTOR_SKIPPED,
		       _("qemu.conf cannot be read: see qemu-conf."));
	return false;
}

bool
doctor_host_local(const struct doctor_facts *f, struct doctor_result *r)
{
	if (!f->remote)
		return true;
	doctor_verdict(r, DOCTOR_SKIPPED,
		       _("libvirt runs on another host: run virtshare doctor "
			 "there for this check."));
	return false;
}

bool
doctor_share_is_external(const struct doctor_facts *f, struct doctor_result *r)
{
	if (!f->share->socket)
		return false;
	doctor_verdict(r, DOCTOR_SKIPPED,
		       _("A daemon of its own serves the socket %s: see "
			 "external-socket."),
		       f->share->socket);
	return true;
}

/* "--dir /srv" or "--socket /run/x.sock", quoted for a shell. */
static char *
source_args(const struct domxml_share *s)
{
	AUTOFREE char *w = shell_word(s->dir ? s->dir : s->socket);

	return xasprintf("%s %s", s->dir ? "--dir" : "--socket", w);
}

void
doctor_share_command(const struct doctor_facts *f, struct doctor_result *r,
		     const struct domxml_share *s, const char *extra)
{
	AUTOFREE char *dom = shell_word(f->domain);
	AUTOFREE char *tag = shell_word(s->tag ? s->tag : "");
	AUTOFREE char *src = source_args(s);

	doctor_command(r, "%s share %s --tag %s %s %s%s", f->cmd, dom, tag, src,
		       extra, f->xml_suffix);
}

struct share_request *
doctor_share_fix(struct doctor_result *r, const struct domxml_share *s)
{
	struct share_request *q = &r->action.share;

	doctor_fix_clear(&r->action);
	r->action.kind = DOCTOR_FIX_SHARE;
	share_request_init(q);
	q->share.tag = xstrdup(s->tag ? s->tag : "");
	q->share.dir = s->dir ? xstrdup(s->dir) : NULL;
	q->share.socket = s->socket ? xstrdup(s->socket) : NULL;
	/* Guest memory stays as it is unless the fix is about it. */
	q->backing_given = true;
	q->backing.kind = DOMXML_BACKING_KEEP;
	return q;
}

/* The daemon libvirt starts for shares without a path: the descriptor
 * that sorts first by file name names it. */
void
doctor_fix_with_memfd(const struct doctor_facts *f, struct doctor_result *r)
{
	doctor_share_command(f, r, &f->shares[0], "--backing memfd");
	doctor_share_fix(r, &f->shares[0])->backing.kind = DOMXML_BACKING_MEMFD;
}

const struct host_daemon *
doctor_descriptor_daemon(const struct host_info *h)
{
	const struct host_daemon *best = NULL;

	for (size_t i = 0; i < h->ndaemons; i++) {
		const char *base, *best_base;

		if (!h->daemons[i].descriptor)
			continue;
		base = strrchr(h->daemons[i].descriptor, '/');
		best_base = best ? strrchr(best->descriptor, '/') : NULL;
		if (!best || strcmp(base, best_base) < 0)
			best = &h->daemons[i];
	}
	return best;
}
