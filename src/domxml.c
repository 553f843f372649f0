/* SPDX-License-Identifier: GPL-2.0-or-later */
/* domxml.c: read and edit libvirt domain XML in place, keeping its layout */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "compat.h"
#include "domxml.h"
#include "domxml-priv.h"
#include "error.h"

/* ---- the source text of every node --------------------------------------- */

/*
 * libxml2 forgets how a document was written (quotes, blanks inside
 * tags, <a></a> against <a/>, entities). Each node parsed keeps in
 * _private where it was in the source; the writer copies those bytes for
 * what an edit did not touch and formats only new or changed parts.
 */
struct dx_attr {
	char *name;      /* as written, with its prefix */
	size_t off;      /* the blanks before it */
	size_t name_off; /* the name */
	size_t len;      /* blanks + name='value' */
	char quote;
	bool changed;
};

struct dx_span {
	size_t start;       /* '<' of an element, or the first byte */
	size_t end;         /* after the node */
	size_t head_end;    /* elements: after the last attribute */
	size_t open_end;    /* elements: after the start tag */
	size_t close_start; /* elements: the end tag (== end when empty) */
	bool empty;         /* written <x/> */
	bool opaque;        /* its content is not in the tree: written whole */
	bool attrs_dirty;
	struct dx_attr *attrs;
	size_t nattrs;
	size_t cap;
};

enum dx_template {
	TMPL_DOMAIN,
	TMPL_MEMORY,
	TMPL_FILESYSTEM,
	TMPL__COUNT,
};

static const char *const template_files[TMPL__COUNT] = {
	[TMPL_DOMAIN] = "domain.xml",
	[TMPL_MEMORY] = "memorybacking.xml",
	[TMPL_FILESYSTEM] = "filesystem.xml",
};

struct domxml {
	char *src;       /* the text parsed */
	size_t len;
	char *what;
	xmlDocPtr doc;
	xmlNodePtr root;
	bool exact;      /* every node has its span */
	size_t root_start;
	size_t root_end;
	char quote;      /* the quote the document uses for attributes */
	char *unit;      /* one level of indentation */
	const char *eol; /* the document's line end: "\n" or "\r\n" */
	/* The spans, SPAN_CHUNK to an allocation: a large domain has a
	 * node for each of its devices. */
	struct dx_span **chunks;
	size_t nspans;
	size_t capchunks;
	xmlDocPtr tmpl[TMPL__COUNT];
};

struct scan {
	struct domxml *d;
	const char *s;
	size_t len;
	size_t p;
};

/* What the scan tells apart in tags, a byte at a time. */
enum {
	CH_BLANK = 1,  /* ' ', tab, newline, CR */
	CH_NAME_END = 2, /* ends a name: blanks, '/', '>', '=' */
};

static const unsigned char char_class[256] = {
	[' '] = CH_BLANK | CH_NAME_END, ['\t'] = CH_BLANK | CH_NAME_END,
	['\n'] = CH_BLANK | CH_NAME_END, ['\r'] = CH_BLANK | CH_NAME_END,
	['/'] = CH_NAME_END, ['>'] = CH_NAME_END, ['='] = CH_NAME_END,
};

static bool
is_blank(char c)
{
	return char_class[(unsigned char)c] & CH_BLANK;
}

static void
skip_blanks(struct scan *sc)
{
	while (sc->p < sc->len && is_blank(sc->s[sc->p]))
		sc->p++;
}

static bool
at(const struct scan *sc, const char *lit)
{
	size_t n = strlen(lit);

	return sc->p + n <= sc->len && memcmp(sc->s + sc->p, lit, n) == 0;
}

/* Move past the next occurrence of lit. */
static bool
skip_past(struct scan *sc, const char *lit)
{
	const char *hit = strstr(sc->s + sc->p, lit);

	if (!hit)
		return false;
	sc->p = (size_t)(hit - sc->s) + strlen(lit);
	return true;
}

static size_t
name_end(const struct scan *sc, size_t p)
{
	while (p < sc->len &&
	       !(char_class[(unsigned char)sc->s[p]] & CH_NAME_END))
		p++;
	return p;
}

#define SPAN_CHUNK 256

static struct dx_span *
span_new(struct domxml *d, xmlNodePtr node)
{
	size_t c = d->nspans / SPAN_CHUNK;
	struct dx_span *sp;

	if (d->nspans % SPAN_CHUNK == 0) {
		xgrow(&d->chunks, &d->capchunks, c + 1, sizeof(*d->chunks));
		d->chunks[c] = xcalloc(SPAN_CHUNK, sizeof(**d->chunks));
	}
	sp = &d->chunks[c][d->nspans++ % SPAN_CHUNK];
	node->_private = sp;
	return sp;
}

static void
span_free(struct dx_span *sp)
{
	for (size_t i = 0; i < sp->nattrs; i++)
		free(sp->attrs[i].name);
	free(sp->attrs);
}

/* The name of a node with its namespace prefix. Caller frees. */
static char *
qname(xmlNodePtr n)
{
	if (n->ns && n->ns->prefix)
		return xasprintf("%s:%s", (const char *)n->ns->prefix,
				 (const char *)n->name);
	return xstrdup((const char *)n->name);
}

/* The name of an attribute with its namespace prefix. Caller frees. */
static char *
qname_attr(xmlAttrPtr a)
{
	if (a->ns && a->ns->prefix)
		return xasprintf("%s:%s", (const char *)a->ns->prefix,
				 (const char *)a->name);
	return xstrdup((const char *)a->name);
}

static bool
name_is(const struct scan *sc, size_t from, size_t to, const char *name)
{
	return strlen(name) == to - from &&
	       memcmp(sc->s + from, name, to - from) == 0;
}

/* The attributes of a start tag, matched against the node's, in order. */
static bool
scan_attrs(struct scan *sc, xmlNodePtr node, struct dx_span *sp)
{
	xmlAttrPtr a = node->properties;

	for (;;) {
		size_t blank = sc->p, nstart, nend;
		struct dx_attr *at_;
		const char *close;
		char q;

		skip_blanks(sc);
		if (sc->p >= sc->len)
			return false;
		if (sc->s[sc->p] == '>' || at(sc, "/>")) {
			sp->head_end = blank;
			break;
		}
		if (sc->p == blank)
			return false;
		nstart = sc->p;
		nend = name_end(sc, nstart);
		sc->p = nend;
		skip_blanks(sc);
		if (sc->p >= sc->len || sc->s[sc->p] != '=')
			return false;
		sc->p++;
		skip_blanks(sc);
		if (sc->p >= sc->len ||
		    (sc->s[sc->p] != '\'' && sc->s[sc->p] != '"'))
			return false;
		q = sc->s[sc->p];
		close = memchr(sc->s + sc->p + 1, q, sc->len - sc->p - 1);
		if (!close)
			return false;
		sc->p = (size_t)(close - sc->s) + 1;
		xgrow(&sp->attrs, &sp->cap, sp->nattrs + 1, sizeof(*sp->attrs));
		at_ = &sp->attrs[sp->nattrs++];
		memset(at_, 0, sizeof(*at_));
		at_->name = xstrndup(sc->s + nstart, nend - nstart);
		at_->off = blank;
		at_->name_off = nstart;
		at_->len = sc->p - blank;
		at_->quote = q;
		if (!sc->d->quote)
			sc->d->quote = q;
		/* Namespace declarations are not attributes in libxml2. */
		if (STRPREFIX(at_->name, "xmlns"))
			continue;
		if (!a) {
			return false;
		} else {
			AUTOFREE char *an = qname_attr(a);

			if (!STREQ(an, at_->name))
				return false;
		}
		a = a->next;
	}
	return a == NULL;
}

static bool scan_element(struct scan *sc, xmlNodePtr node);

/* Marks, in _private, an element whose content the tree leaves out
 * (parse_filter below); the scan replaces the mark with its span. */
static char opaque_mark;

/* Past the attributes of a start tag, up to its '>' or '/>'. */
static bool
skip_attrs(struct scan *sc)
{
	for (;;) {
		const char *close;

		skip_blanks(sc);
		if (sc->p >= sc->len)
			return false;
		if (sc->s[sc->p] == '>' || at(sc, "/>"))
			return true;
		sc->p = name_end(sc, sc->p);
		skip_blanks(sc);
		if (sc->p >= sc->len || sc->s[sc->p] != '=')
			return false;
		sc->p++;
		skip_blanks(sc);
		if (sc->p >= sc->len ||
		    (sc->s[sc->p] != '\'' && sc->s[sc->p] != '"'))
			return false;
		close = memchr(sc->s + sc->p + 1, sc->s[sc->p],
			       sc->len - sc->p - 1);
		if (!close)
			return false;
		sc->p = (size_t)(close - sc->s) + 1;
	}
}

/*
 * An element whose content is not in the tree, from the start tag at
 * sc->p to past its end tag, nested elements and all. libxml2 has found
 * the document well-formed, so only the markup needs to be told apart.
 */
static bool
scan_opaque(struct scan *sc, struct dx_span *sp)
{
	size_t depth = 0;

	for (;;) {
		/* At the '<' of a start tag. */
		sc->p = name_end(sc, sc->p + 1);
		if (!skip_attrs(sc))
			return false;
		if (at(sc, "/>")) {
			sc->p += 2;
			if (!depth) {
				sp->empty = true;
				sp->end = sc->p;
				return true;
			}
		} else {
			sc->p++;
			depth++;
		}
		for (;;) {
			const char *lt = memchr(sc->s + sc->p, '<',
						sc->len - sc->p);

			if (!lt)
				return false;
			sc->p = (size_t)(lt - sc->s);
			if (at(sc, "<!--")) {
				if (!skip_past(sc, "-->"))
					return false;
			} else if (at(sc, "<![CDATA[")) {
				if (!skip_past(sc, "]]>"))
					return false;
			} else if (at(sc, "<?")) {
				if (!skip_past(sc, "?>"))
					return false;
			} else if (at(sc, "</")) {
				if (!skip_past(sc, ">"))
					return false;
				if (--depth == 0) {
					sp->end = sc->p;
					return true;
				}
			} else {
				break;
			}
		}
	}
}

static bool
is_blank_text(xmlNodePtr n)
{
	if (!n || n->type != XML_TEXT_NODE || !n->content)
		return false;
	for (const xmlChar *c = n->content; *c; c++)
		if (!is_blank((char)*c))
			return false;
	return true;
}

/*
 * Whether the writer gives back the source of node, [start, sc->p),
 * without a span: blanks that are their own text (no CR, no character
 * reference), a comment written as it is. A large domain has two of
 * these for each device.
 */
static bool
written_alike(const struct scan *sc, xmlNodePtr node, size_t start)
{
	const char *src = sc->s + start;
	size_t len = sc->p - start;
	const char *c = (const char *)node->content;

	if (!c)
		return false;
	if (node->type == XML_TEXT_NODE)
		return is_blank_text(node) && strlen(c) == len &&
		       memcmp(c, src, len) == 0;
	if (node->type == XML_COMMENT_NODE)
		return len >= 7 && strlen(c) == len - 7 &&
		       memcmp(c, src + 4, len - 7) == 0;
	return false;
}

/* A comment, CDATA section, processing instruction or text node. */
static bool
scan_leaf(struct scan *sc, xmlNodePtr node, xmlElementType type,
	  const char *end)
{
	size_t start = sc->p;
	struct dx_span *sp;

	if (!node || node->type != type)
		return false;
	if (end) {
		if (!skip_past(sc, end))
			return false;
	} else {
		const char *lt = memchr(sc->s + sc->p, '<', sc->len - sc->p);

		sc->p = lt ? (size_t)(lt - sc->s) : sc->len;
	}
	if (written_alike(sc, node, start))
		return true;
	sp = span_new(sc->d, node);
	sp->start = start;
	sp->end = sc->p;
	return true;
}

static bool
scan_children(struct scan *sc, xmlNodePtr node, struct dx_span *sp)
{
	xmlNodePtr child = node->children;

	for (;;) {
		bool ok;

		if (sc->p >= sc->len)
			return false;
		if (at(sc, "</")) {
			sp->close_start = sc->p;
			if (child || !skip_past(sc, ">"))
				return false;
			sp->end = sc->p;
			return true;
		}
		if (at(sc, "<!--"))
			ok = scan_leaf(sc, child, XML_COMMENT_NODE, "-->");
		else if (at(sc, "<![CDATA["))
			ok = scan_leaf(sc, child, XML_CDATA_SECTION_NODE,
				       "]]>");
		else if (at(sc, "<?"))
			ok = scan_leaf(sc, child, XML_PI_NODE, "?>");
		else if (sc->s[sc->p] == '<')
			ok = scan_element(sc, child);
		else
			ok = scan_leaf(sc, child, XML_TEXT_NODE, NULL);
		if (!ok)
			return false;
		child = child->next;
	}
}

static bool
scan_element(struct scan *sc, xmlNodePtr node)
{
	AUTOFREE char *name = NULL;
	struct dx_span *sp;
	size_t nend;

	if (!node || node->type != XML_ELEMENT_NODE || sc->s[sc->p] != '<')
		return false;
	name = qname(node);
	nend = name_end(sc, sc->p + 1);
	if (!name_is(sc, sc->p + 1, nend, name))
		return false;
	if (node->_private == &opaque_mark) {
		sp = span_new(sc->d, node);
		sp->start = sc->p;
		sp->opaque = true;
		return scan_opaque(sc, sp);
	}
	sp = span_new(sc->d, node);
	sp->start = sc->p;
	sc->p = nend;
	if (!scan_attrs(sc, node, sp))
		return false;
	if (at(sc, "/>")) {
		sc->p += 2;
		sp->empty = true;
		sp->open_end = sp->close_start = sp->end = sc->p;
		return node->children == NULL;
	}
	sc->p++;
	sp->open_end = sc->p;
	return scan_children(sc, node, sp);
}

/* Map the tree onto the source; false when it cannot be done. */
static bool
scan_document(struct domxml *d)
{
	struct scan sc = {.d = d, .s = d->src, .len = d->len};

	/* A UTF-8 byte order mark stays where it is, before the prolog. */
	if (at(&sc, "\xEF\xBB\xBF"))
		sc.p += 3;
	for (;;) {
		skip_blanks(&sc);
		if (at(&sc, "<?")) {
			if (!skip_past(&sc, "?>"))
				return false;
		} else if (at(&sc, "<!--")) {
			if (!skip_past(&sc, "-->"))
				return false;
		} else if (at(&sc, "<") && !at(&sc, "<!")) {
			break;
		} else {
			return false;
		}
	}
	d->root_start = sc.p;
	if (!scan_element(&sc, d->root))
		return false;
	d->root_end = sc.p;
	return true;
}

/* ---- indentation --------------------------------------------------------- */


/*
 * The blanks at the start of n's line, or NULL when n does not start a
 * line. The root element is at column 0. Caller frees.
 */
static char *
indent_of(const struct domxml *d, xmlNodePtr n)
{
	const char *s, *nl;

	if (n == d->root)
		return xstrdup("");
	if (!is_blank_text(n->prev))
		return NULL;
	s = (const char *)n->prev->content;
	if (!(nl = strrchr(s, '\n')))
		return NULL;
	return xstrdup(nl + 1);
}

/* One level of indentation as the document uses it ("  " by default). */
static char *
find_unit(const struct domxml *d, xmlNodePtr n)
{
	for (; n; n = n->next) {
		AUTOFREE char *mine = NULL, *parent = NULL;
		char *found;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (n->parent && n->parent->type == XML_ELEMENT_NODE &&
		    (mine = indent_of(d, n)) &&
		    (parent = indent_of(d, n->parent)) &&
		    strlen(mine) > strlen(parent) && STRPREFIX(mine, parent))
			return xstrdup(mine + strlen(parent));
		if ((found = find_unit(d, n->children)))
			return found;
	}
	return NULL;
}

static xmlNodePtr
text_node(struct domxml *d, const char *s)
{
	return xmlNewDocText(d->doc, (const xmlChar *)s);
}

/* A line end as the document writes them + indent, as a new text node. */
static xmlNodePtr
newline_node(struct domxml *d, const char *indent)
{
	AUTOFREE char *s = xasprintf("%s%s", d->eol, indent);

	return text_node(d, s);
}

/* ---- parsing and writing ------------------------------------------------- */

/* The line end of the first line: what new lines are written with. */
static const char *
line_end(const char *src)
{
	const char *nl = strchr(src, '\n');

	return nl && nl > src && nl[-1] == '\r' ? "\r\n" : "\n";
}

/*
 * A domain definition can be megabytes of disks, interfaces and other
 * programs' <metadata>, which virtshare copies as written and never
 * reads. The tree keeps, by these rules, the elements virtshare reads and
 * edits whole, and every other element of the levels it inserts into
 * (the domain's children, the devices, <metadata>'s children) as an
 * opaque node: its name, no attributes, no content (the scan copies its
 * source bytes) but a device's <alias> and <address>. The tree then grows with what virtshare uses, not with
 * the document.
 */
enum dx_keep {
	KEEP_DOC,      /* the document: its root element */
	KEEP_ALL,      /* everything below */
	KEEP_ROOT,     /* <domain>: its children by keep_rules */
	KEEP_DEVICES,  /* <devices>: every device, filesystems whole */
	KEEP_METADATA, /* <metadata>: virtshare's element whole */
	KEEP_DEVICE,   /* an opaque device: only its <alias> (check_alias) */
	KEEP_NONE,     /* an opaque element: nothing below */
	KEEP_SKIPPED,  /* not in the tree at all */
};

static const struct {
	enum dx_keep parent;
	const char *name; /* NULL: any other element */
	const char *ns;   /* the element's namespace URI; NULL: none */
	enum dx_keep keep;
} keep_rules[] = {
	/* Most elements are below these: first. */
	{KEEP_ALL, NULL, NULL, KEEP_ALL},
	{KEEP_SKIPPED, NULL, NULL, KEEP_SKIPPED},
	{KEEP_NONE, NULL, NULL, KEEP_SKIPPED},
	{KEEP_DEVICE, "alias", NULL, KEEP_ALL},
	/* Which PCI buses are taken (domxml_root_ports_add). */
	{KEEP_DEVICE, "address", NULL, KEEP_ALL},
	{KEEP_DEVICE, NULL, NULL, KEEP_SKIPPED},
	{KEEP_DEVICES, "filesystem", NULL, KEEP_ALL},
	/* Read: the PCI controllers, the agent's channel. */
	{KEEP_DEVICES, "controller", NULL, KEEP_ALL},
	{KEEP_DEVICES, "channel", NULL, KEEP_ALL},
	{KEEP_DEVICES, NULL, NULL, KEEP_DEVICE},
	{KEEP_DOC, "domain", NULL, KEEP_ROOT},
	{KEEP_DOC, NULL, NULL, KEEP_ALL},
	{KEEP_ROOT, "name", NULL, KEEP_ALL},
	{KEEP_ROOT, "memory", NULL, KEEP_ALL},
	{KEEP_ROOT, "memoryBacking", NULL, KEEP_ALL},
	{KEEP_ROOT, "numatune", NULL, KEEP_ALL},
	{KEEP_ROOT, "os", NULL, KEEP_ALL},
	{KEEP_ROOT, "cpu", NULL, KEEP_ALL},
	{KEEP_ROOT, "devices", NULL, KEEP_DEVICES},
	{KEEP_ROOT, "metadata", NULL, KEEP_METADATA},
	{KEEP_ROOT, NULL, NULL, KEEP_NONE},
	{KEEP_METADATA, "shares", DOMXML_NS_URI, KEEP_ALL},
	{KEEP_METADATA, NULL, NULL, KEEP_NONE},
};

/* The parse's state, in the parser context's _private. */
struct filter {
	enum dx_keep *stack; /* the open elements */
	size_t n;
	size_t cap;
};

static enum dx_keep
keep_of(enum dx_keep parent, const xmlChar *name, const xmlChar *uri)
{
	for (size_t i = 0; i < ARRAY_SIZE(keep_rules); i++) {
		const char *ns = keep_rules[i].ns;

		if (keep_rules[i].parent != parent)
			continue;
		if (!keep_rules[i].name ||
		    (STREQ((const char *)name, keep_rules[i].name) &&
		     (ns ? uri && STREQ((const char *)uri, ns) : !uri)))
			return keep_rules[i].keep;
	}
	return KEEP_ALL;
}

static enum dx_keep
filter_top(void *ctx)
{
	const struct filter *f = ((xmlParserCtxtPtr)ctx)->_private;

	return f->n ? f->stack[f->n - 1] : KEEP_DOC;
}

/* Whether the content of the element being parsed is in the tree. */
static bool
filter_keeps(void *ctx)
{
	enum dx_keep k = filter_top(ctx);

	return k != KEEP_DEVICE && k != KEEP_NONE && k != KEEP_SKIPPED;
}

static void
filter_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
	     const xmlChar *uri, int nns, const xmlChar **ns, int nattrs,
	     int ndefaulted, const xmlChar **attrs)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct filter *f = ctxt->_private;
	enum dx_keep keep = keep_of(filter_top(ctx), name, uri);
	bool opaque = keep == KEEP_DEVICE || keep == KEEP_NONE;

	xgrow(&f->stack, &f->cap, f->n + 1, sizeof(*f->stack));
	f->stack[f->n++] = keep;
	if (keep == KEEP_SKIPPED)
		return;
	if (opaque)
		nattrs = ndefaulted = 0;
	xmlSAX2StartElementNs(ctx, name, prefix, uri, nns, ns, nattrs,
			      ndefaulted, opaque ? NULL : attrs);
	if (opaque && ctxt->node)
		ctxt->node->_private = &opaque_mark;
}

static void
filter_end(void *ctx, const xmlChar *name, const xmlChar *prefix,
	   const xmlChar *uri)
{
	struct filter *f = ((xmlParserCtxtPtr)ctx)->_private;
	enum dx_keep keep = f->n ? f->stack[--f->n] : KEEP_ALL;

	if (keep != KEEP_SKIPPED)
		xmlSAX2EndElementNs(ctx, name, prefix, uri);
}

static void
filter_text(void *ctx, const xmlChar *ch, int len)
{
	if (filter_keeps(ctx))
		xmlSAX2Characters(ctx, ch, len);
}

static void
filter_cdata(void *ctx, const xmlChar *ch, int len)
{
	if (filter_keeps(ctx))
		xmlSAX2CDataBlock(ctx, ch, len);
}

static void
filter_comment(void *ctx, const xmlChar *text)
{
	if (filter_keeps(ctx))
		xmlSAX2Comment(ctx, text);
}

static void
filter_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	if (filter_keeps(ctx))
		xmlSAX2ProcessingInstruction(ctx, target, data);
}

static void
filter_reference(void *ctx, const xmlChar *name)
{
	if (filter_keeps(ctx))
		xmlSAX2Reference(ctx, name);
}

/* The document handed to libxml2 a piece at a time: xmlReadMemory()
 * would copy all of it first. */
struct reader {
	const char *p;
	size_t left;
};

static int
reader_read(void *ctx, char *buf, int len)
{
	struct reader *r = ctx;
	size_t n = r->left < (size_t)len ? r->left : (size_t)len;

	memcpy(buf, r->p, n);
	r->p += n;
	r->left -= n;
	return (int)n;
}

static int
reader_close(void *ctx)
{
	return 0;
}

/*
 * Parse d->src, the whole tree or the one the keep rules make. Returns
 * the document, or NULL after reporting VS_ERR_XML.
 */
static xmlDocPtr
parse_doc(const struct domxml *d, bool whole)
{
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	struct filter f = {0};
	struct reader r = {.p = d->src, .left = d->len};
	xmlDocPtr doc;

	if (!ctxt)
		abort();
	if (!whole) {
		ctxt->_private = &f;
		ctxt->sax->startElementNs = filter_start;
		ctxt->sax->endElementNs = filter_end;
		ctxt->sax->characters = filter_text;
		/* The same function, so that libxml2 keeps every blank. */
		ctxt->sax->ignorableWhitespace = filter_text;
		ctxt->sax->cdataBlock = filter_cdata;
		ctxt->sax->comment = filter_comment;
		ctxt->sax->processingInstruction = filter_pi;
		ctxt->sax->reference = filter_reference;
	}
	/* xmlCtxtReadIO() keeps the handlers and _private. */
	doc = xmlCtxtReadIO(ctxt, reader_read, reader_close, &r, d->what, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOWARNING |
				XML_PARSE_NOERROR | XML_PARSE_COMPACT);
	if (!doc) {
		const xmlError *e = &ctxt->lastError;
		AUTOFREE char *msg = xstrdup(e->message ? e->message
							: "unknown error");

		str_trim(msg);
		vs_error(VS_ERR_XML,
			 _("%1$s is not well-formed XML (line %2$d: %3$s). Fix "
			   "the document and try again."),
			 d->what, e->line, msg);
	}
	xmlFreeParserCtxt(ctxt);
	free(f.stack);
	return doc;
}

static void
spans_free(struct domxml *d)
{
	for (size_t i = 0; i < d->nspans; i++)
		span_free(&d->chunks[i / SPAN_CHUNK][i % SPAN_CHUNK]);
	for (size_t c = 0; c * SPAN_CHUNK < d->nspans; c++)
		free(d->chunks[c]);
	free(d->chunks);
	d->chunks = NULL;
	d->nspans = d->capchunks = 0;
}

void
domxml_init(void)
{
	xmlInitParser();
}

struct domxml *
domxml_parse(const char *xml, const char *what)
{
	AUTOPTR(domxml) d = xcalloc(1, sizeof(*d));

	d->src = xstrdup(xml);
	d->len = strlen(xml);
	d->what = xstrdup(what);
	if (!(d->doc = parse_doc(d, false)))
		return NULL;
	d->root = xmlDocGetRootElement(d->doc);
	if (!d->root || !STREQ((const char *)d->root->name, "domain") ||
	    d->root->ns) {
		vs_error(VS_ERR_XML,
			 _("%1$s is not a libvirt domain definition: its root "
			   "element is <%2$s>, not <domain>."),
			 what, d->root ? (const char *)d->root->name : "");
		return NULL;
	}
	if (d->doc->intSubset || d->doc->extSubset) {
		vs_error(VS_ERR_XML,
			 _("%s has a <!DOCTYPE>, which libvirt never writes. "
			   "Remove it and try again."),
			 what);
		return NULL;
	}
	if (d->doc->encoding &&
	    strcasecmp((const char *)d->doc->encoding, "UTF-8") != 0) {
		vs_error(VS_ERR_XML,
			 _("%1$s is encoded in %2$s; virtshare edits UTF-8 "
			   "only, as libvirt writes it. Convert it first "
			   "(iconv -t UTF-8)."),
			 what, (const char *)d->doc->encoding);
		return NULL;
	}
	d->exact = scan_document(d);
	if (!d->exact) {
		/* Written in libvirt's layout, from the whole tree. */
		spans_free(d);
		xmlFreeDoc(d->doc);
		if (!(d->doc = parse_doc(d, true)))
			return NULL;
		d->root = xmlDocGetRootElement(d->doc);
	}
	if (!d->quote)
		d->quote = '\'';
	d->eol = line_end(d->src);
	d->unit = find_unit(d, d->root);
	if (!d->unit)
		d->unit = xstrdup("  ");
	return steal_ptr(d);
}

void
domxml_free(struct domxml *d)
{
	if (!d)
		return;
	spans_free(d);
	for (size_t i = 0; i < TMPL__COUNT; i++)
		if (d->tmpl[i])
			xmlFreeDoc(d->tmpl[i]);
	if (d->doc)
		xmlFreeDoc(d->doc);
	free(d->src);
	free(d->what);
	free(d->unit);
	free(d);
}

bool
domxml_exact(const struct domxml *d)
{
	return d->exact;
}

static void
escape(struct strbuf *sb, const char *s, char quote)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			sb_add(sb, "&amp;");
			break;
		case '<':
			sb_add(sb, "&lt;");
			break;
		case '>':
			sb_add(sb, "&gt;");
			break;
		case '\'':
			sb_add(sb, quote == '\'' ? "&apos;" : "'");
			break;
		case '"':
			sb_add(sb, quote == '"' ? "&quot;" : "\"");
			break;
		case '\n':
			sb_add(sb, quote ? "&#10;" : "\n");
			break;
		case '\t':
			sb_add(sb, quote ? "&#9;" : "\t");
			break;
		case '\r':
			/* Text: the CR of a CRLF line end that an edit adds. */
			sb_add(sb, quote ? "&#13;" : "\r");
			break;
		default:
			sb_addc(sb, *s);
		}
	}
}

static void
copy_src(const struct domxml *d, struct strbuf *sb, size_t from, size_t to)
{
	sb_addn(sb, d->src + from, to - from);
}

static void
write_attr(struct strbuf *sb, const char *name, const char *value, char q)
{
	sb_printf(sb, "%s=%c", name, q);
	escape(sb, value, q);
	sb_addc(sb, q);
}

static char *
attr_value(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *r = v ? xstrdup((const char *)v) : NULL;

	xmlFree(v);
	return r;
}

static const struct dx_attr *
span_attr(const struct dx_span *sp, const char *name)
{
	for (size_t i = 0; sp && i < sp->nattrs; i++)
		if (STREQ(sp->attrs[i].name, name))
			return &sp->attrs[i];
	return NULL;
}

/* "<name attr='v' ...": the source's bytes for attributes not changed. */
static void
write_head(const struct domxml *d, xmlNodePtr n, struct strbuf *sb)
{
	const struct dx_span *sp = n->_private;
	AUTOFREE char *name = qname(n);
	char q = sp && sp->nattrs ? sp->attrs[0].quote : d->quote;

	sb_printf(sb, "<%s", name);
	if (!sp) {
		for (xmlNsPtr ns = n->nsDef; ns; ns = ns->next) {
			AUTOFREE char *an =
			    ns->prefix
				? xasprintf("xmlns:%s",
					    (const char *)ns->prefix)
				: xstrdup("xmlns");

			sb_addc(sb, ' ');
			write_attr(sb, an, (const char *)ns->href, q);
		}
	}
	for (size_t i = 0; sp && i < sp->nattrs; i++) {
		const struct dx_attr *a = &sp->attrs[i];
		AUTOFREE char *v = NULL;

		if (!a->changed) {
			copy_src(d, sb, a->off, a->off + a->len);
			continue;
		}
		/* Removed: with the blanks before it. */
		if (!(v = attr_value(n, a->name)))
			continue;
		copy_src(d, sb, a->off, a->name_off);
		write_attr(sb, a->name, v ? v : "", a->quote);
	}
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		AUTOFREE char *an = qname_attr(a);
		xmlChar *v;

		if (span_attr(sp, an))
			continue;
		v = xmlNodeListGetString(n->doc, a->children, 1);
		sb_addc(sb, ' ');
		write_attr(sb, an, v ? (const char *)v : "", q);
		xmlFree(v);
	}
}

static void write_node(const struct domxml *d, xmlNodePtr n,
		       struct strbuf *sb);

static void
write_element(const struct domxml *d, xmlNodePtr n, struct strbuf *sb)
{
	const struct dx_span *sp = n->_private;
	AUTOFREE char *name = NULL;

	if (sp && sp->opaque) {
		copy_src(d, sb, sp->start, sp->end);
		return;
	}
	if (sp && !sp->attrs_dirty)
		copy_src(d, sb, sp->start, sp->head_end);
	else
		write_head(d, n, sb);
	if (!n->children) {
		if (sp && sp->empty) {
			copy_src(d, sb, sp->head_end, sp->end);
		} else if (sp) {
			copy_src(d, sb, sp->head_end, sp->open_end);
			copy_src(d, sb, sp->close_start, sp->end);
		} else {
			sb_add(sb, "/>");
		}
		return;
	}
	if (sp && !sp->empty)
		copy_src(d, sb, sp->head_end, sp->open_end);
	else
		sb_addc(sb, '>');
	for (xmlNodePtr c = n->children; c; c = c->next)
		write_node(d, c, sb);
	if (sp && !sp->empty) {
		copy_src(d, sb, sp->close_start, sp->end);
	} else {
		name = qname(n);
		sb_printf(sb, "</%s>", name);
	}
}

static void
write_node(const struct domxml *d, xmlNodePtr n, struct strbuf *sb)
{
	const struct dx_span *sp = n->_private;
	const char *content = (const char *)n->content;

	if (sp && n->type != XML_ELEMENT_NODE) {
		copy_src(d, sb, sp->start, sp->end);
		return;
	}
	switch (n->type) {
	case XML_ELEMENT_NODE:
		write_element(d, n, sb);
		break;
	case XML_TEXT_NODE:
		escape(sb, content ? content : "", 0);
		break;
	case XML_COMMENT_NODE:
		sb_printf(sb, "<!--%s-->", content ? content : "");
		break;
	case XML_CDATA_SECTION_NODE:
		sb_printf(sb, "<![CDATA[%s]]>", content ? content : "");
		break;
	case XML_PI_NODE:
		sb_printf(sb, "<?%s%s%s?>", (const char *)n->name,
			  content && *content ? " " : "",
			  content ? content : "");
		break;
	case XML_ENTITY_REF_NODE:
		sb_printf(sb, "&%s;", (const char *)n->name);
		break;
	default:
		break;
	}
}

/* One node as it would be written. Caller frees. */
static char *
node_text(const struct domxml *d, xmlNodePtr n)
{
	struct strbuf sb = STRBUF_INIT;

	write_node(d, n, &sb);
	return sb_steal(&sb);
}

char *
domxml_format(const struct domxml *d)
{
	struct strbuf sb = STRBUF_INIT;

	/* Room for the document and an edit's lines, allocated once. */
	xgrow(&sb.buf, &sb.cap, d->len + 4096, 1);
	sb.buf[0] = '\0';
	if (d->exact) {
		copy_src(d, &sb, 0, d->root_start);
		write_node(d, d->root, &sb);
		copy_src(d, &sb, d->root_end, d->len);
		return sb_steal(&sb);
	}
	for (xmlNodePtr n = d->doc->children; n; n = n->next) {
		if (n->type == XML_DTD_NODE)
			continue;
		write_node(d, n, &sb);
		sb_addc(&sb, '\n');
	}
	return sb_steal(&sb);
}

/* ---- finding and changing nodes ------------------------------------------ */

static xmlNodePtr
child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !c->ns &&
		    STREQ((const char *)c->name, name))
			return c;
	return NULL;
}

/* The nodes of path below parent, appended to *out. */
static void
collect(xmlNodePtr parent, const char *path, xmlNodePtr **out, size_t *n,
	size_t *cap)
{
	const char *slash = strchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : strlen(path);
	bool any = len == 1 && *path == '*';

	for (xmlNodePtr c = parent->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE ||
		    (!any && (c->ns || xmlStrlen(c->name) != (int)len ||
			      memcmp(c->name, path, len) != 0)))
			continue;
		if (slash) {
			collect(c, slash + 1, out, n, cap);
		} else {
			xgrow(out, cap, *n + 1, sizeof(**out));
			(*out)[(*n)++] = c;
		}
	}
}

/*
 * The elements along path below the root ("devices/filesystem"; "*" is
 * any element), in document order, as the XPath /domain/PATH selects
 * them; *out (caller frees) is NULL when there are none. A walk, not an
 * XPath evaluation: a large domain has tens of thousands of devices.
 */
static size_t
path_nodes(const struct domxml *d, const char *path, xmlNodePtr **out)
{
	size_t n = 0, cap = 0;

	*out = NULL;
	collect(d->root, path, out, &n, &cap);
	return n;
}

const char *
domxml_name(const struct domxml *d)
{
	xmlNodePtr n = child(d->root, "name");

	if (!n || !n->children || n->children->type != XML_TEXT_NODE)
		return NULL;
	return (const char *)n->children->content;
}

const char *
domxml_kernel(const struct domxml *d)
{
	xmlNodePtr os = child(d->root, "os");
	xmlNodePtr n = os ? child(os, "kernel") : NULL;

	if (!n || !n->children || n->children->type != XML_TEXT_NODE)
		return NULL;
	return (const char *)n->children->content;
}

static void
mark_attr(xmlNodePtr n, const char *name)
{
	struct dx_span *sp = n->_private;

	if (!sp)
		return;
	sp->attrs_dirty = true;
	for (size_t i = 0; i < sp->nattrs; i++)
		if (STREQ(sp->attrs[i].name, name))
			sp->attrs[i].changed = true;
}

/* Set an attribute; false when it already had that value. */
static bool
set_attr(xmlNodePtr n, const char *name, const char *value)
{
	AUTOFREE char *cur = attr_value(n, name);

	if (cur && STREQ(cur, value))
		return false;
	xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
	mark_attr(n, name);
	return true;
}

/* Remove an attribute; false when there was none. */
static bool
remove_attr(xmlNodePtr n, const char *name)
{
	if (!n || xmlUnsetProp(n, (const xmlChar *)name) < 0)
		return false;
	mark_attr(n, name);
	return true;
}

static bool
set_attr_u64(xmlNodePtr n, const char *name, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return set_attr(n, name, buf);
}

/* Whether n has element or comment children. */
static bool
has_content(xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (c->type != XML_TEXT_NODE || !is_blank_text(c))
			return true;
	return false;
}

/* Remove an element with the blanks that indent it. */
static void
remove_node(xmlNodePtr n)
{
	xmlNodePtr prev = n->prev;

	if (is_blank_text(prev) && strchr((const char *)prev->content, '\n')) {
		xmlUnlinkNode(prev);
		xmlFreeNode(prev);
	}
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

static int
template_load(struct domxml *d, enum dx_template t)
{
	const char *env = getenv("VIRTSHARE_DATADIR");
	AUTOFREE char *path = NULL, *text = NULL;

	if (d->tmpl[t])
		return 0;
	path = xasprintf("%s/%s", env && *env ? env : PKGDATADIR,
			 template_files[t]);
	if (!(text = file_read(path, 1 << 20, NULL)))
		return vs_error_errno(VS_ERR_IO, errno,
				      _("Cannot read the XML template %s. "
					"Reinstall virtshare, or point "
					"VIRTSHARE_DATADIR at its templates"),
				      path);
	d->tmpl[t] = xmlReadMemory(text, (int)strlen(text), path, NULL,
				   XML_PARSE_NONET | XML_PARSE_NOBLANKS |
				       XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
	if (!d->tmpl[t] || !xmlDocGetRootElement(d->tmpl[t]))
		return vs_error(VS_ERR_IO,
				_("The XML template %s is not well-formed. "
				  "Reinstall virtshare."),
				path);
	return 0;
}

/* Load every template, so that no edit can fail half-way. */
static int
templates_load(struct domxml *d)
{
	for (int t = 0; t < TMPL__COUNT; t++)
		if (template_load(d, (enum dx_template)t) < 0)
			return -1;
	return 0;
}

static xmlNodePtr
template_root(const struct domxml *d, enum dx_template t)
{
	return xmlDocGetRootElement(d->tmpl[t]);
}

/* The template of a child element; its absence is a broken template. */
static xmlNodePtr
template_child(xmlNodePtr tparent, const char *name)
{
	xmlNodePtr t = child(tparent, name);

	if (!t) {
		/* i18n: not translated (a broken install, then abort) */
		fprintf(stderr, "virtshare: template <%s> has no <%s>\n",
			(const char *)tparent->name, name);
		abort();
	}
	return t;
}

/* A new element like the template, with the attributes that have a
 * value there (the empty ones are slots). */
static xmlNodePtr
element_from(struct domxml *d, xmlNodePtr tmpl)
{
	xmlNodePtr e = xmlNewDocNode(d->doc, NULL, tmpl->name, NULL);

	for (xmlAttrPtr a = tmpl->properties; a; a = a->next) {
		xmlChar *v = xmlNodeListGetString(tmpl->doc, a->children, 1);

		if (v && *v)
			xmlNewProp(e, a->name, v);
		xmlFree(v);
	}
	return e;
}

/* Where name comes among the children of the template; -1: unknown. */
static int
rank_in(xmlNodePtr tparent, xmlNodePtr n)
{
	int r = 0;

	if (n->type != XML_ELEMENT_NODE || n->ns)
		return -1;
	for (xmlNodePtr t = tparent->children; t; t = t->next, r++)
		if (t->type == XML_ELEMENT_NODE &&
		    xmlStrEqual(t->name, n->name))
			return r;
	return -1;
}

/*
 * Link the new element e under parent at libvirt's place for it (the
 * order of tparent's children), after the siblings of its kind, indented
 * as its siblings are. Text nodes are never put next to text nodes:
 * libxml2 would merge them and lose the source bytes of the old one.
 */
static void
insert(struct domxml *d, xmlNodePtr parent, xmlNodePtr e, xmlNodePtr tparent)
{
	int rank = rank_in(tparent, e);
	xmlNodePtr ref = NULL, last = NULL, trail;
	AUTOFREE char *ci = NULL, *pi = indent_of(d, parent);

	for (xmlNodePtr c = parent->children; c; c = c->next) {
		int r;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!ci)
			ci = indent_of(d, c);
		last = c;
		r = rank_in(tparent, c);
		if (!ref && r > rank)
			ref = c;
	}
	if (!pi)
		pi = xstrdup("");
	if (!ci)
		ci = xasprintf("%s%s", pi, d->unit);
	if (ref) {
		/* Keep a comment with the element it describes. */
		while (is_blank_text(ref->prev) && ref->prev->prev &&
		       ref->prev->prev->type == XML_COMMENT_NODE)
			ref = ref->prev->prev;
		xmlAddPrevSibling(ref, e);
		xmlAddPrevSibling(ref, newline_node(d, ci));
	} else if (last) {
		xmlAddNextSibling(last, e);
		xmlAddPrevSibling(e, newline_node(d, ci));
	} else if ((trail = parent->last) && is_blank_text(trail)) {
		xmlAddPrevSibling(trail, e);
		xmlAddPrevSibling(e, newline_node(d, ci));
	} else if (parent->last && parent->last->type == XML_TEXT_NODE) {
		/* Mixed content: no indentation to follow. */
		xmlAddNextSibling(parent->last, e);
	} else {
		xmlAddChild(parent, newline_node(d, ci));
		xmlAddChild(parent, e);
		xmlAddChild(parent, newline_node(d, pi));
	}
}

/* The child element name of parent, made from the template when absent. */
static xmlNodePtr
ensure_child(struct domxml *d, xmlNodePtr parent, xmlNodePtr tparent,
	     const char *name, bool *added)
{
	xmlNodePtr c = child(parent, name);

	if (c)
		return c;
	c = element_from(d, template_child(tparent, name));
	insert(d, parent, c, tparent);
	if (added)
		*added = true;
	return c;
}

/* ---- sizes and values ---------------------------------------------------- */

/* libvirt's scaled integers: the unit multiplies into bytes. */
static const struct {
	const char *unit;
	uint64_t bytes;
} units[] = {
	{"b", 1}, {"bytes", 1},
	{"k", 1024}, {"KiB", 1024}, {"KB", 1000},
	{"M", 1024ULL << 10}, {"MiB", 1024ULL << 10}, {"MB", 1000000},
	{"G", 1024ULL << 20}, {"GiB", 1024ULL << 20}, {"GB", 1000000000},
	{"T", 1024ULL << 30}, {"TiB", 1024ULL << 30},
	{"TB", 1000000000000ULL},
};

/* A size in KiB, rounded up; 0 when unreadable. */
static uint64_t
scaled_kib(const char *value, const char *unit)
{
	AUTOFREE char *s = value ? xstrdup(value) : NULL;
	uint64_t v;

	if (!s || str_to_u64(str_trim(s), &v) < 0)
		return 0;
	if (!unit || !*unit)
		return v;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcasecmp(units[i].unit, unit) != 0)
			continue;
		if (units[i].bytes && v > UINT64_MAX / units[i].bytes)
			return 0;
		return (v * units[i].bytes + 1023) / 1024;
	}
	return 0;
}

static uint64_t
element_kib(xmlNodePtr n)
{
	xmlChar *text;
	AUTOFREE char *unit = NULL;
	uint64_t kib;

	if (!n)
		return 0;
	text = xmlNodeGetContent(n);
	unit = attr_value(n, "unit");
	kib = scaled_kib((const char *)text, unit);
	xmlFree(text);
	return kib;
}

static enum domxml_switch
switch_value(xmlNodePtr n, const char *name)
{
	AUTOFREE char *v = n ? attr_value(n, name) : NULL;

	if (!v)
		return DOMXML_UNSET;
	return STREQ(v, "on") || STREQ(v, "yes") ? DOMXML_ON : DOMXML_OFF;
}

static const char *
switch_str(enum domxml_switch s)
{
	return s == DOMXML_ON ? "on" : "off";
}

/* ---- reading shares ------------------------------------------------------ */

void
domxml_share_init(struct domxml_share *s)
{
	memset(s, 0, sizeof(*s));
	s->thread_pool = -1;
}

void
domxml_share_clear(struct domxml_share *s)
{
	free(s->tag);
	free(s->dir);
	free(s->socket);
	free(s->binary);
	free(s->cache);
	free(s->sandbox);
	free(s->uid);
	free(s->gid);
	free(s->alias);
	domxml_share_init(s);
}

void
domxml_shares_free(struct domxml_share *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		domxml_share_clear(&s[i]);
	free(s);
}

int
domxml_idmap_parse(const char *spec, struct domxml_share *s)
{
	AUTOFREE char *copy = xstrdup(spec);
	char *save = NULL;

	if (!*spec)
		goto bad;
	for (char *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		bool uid = STRPREFIX(tok, "uid:");
		struct domxml_idmap r;
		unsigned long long v[3];
		char *p = tok + 4, *end;

		if (!uid && !STRPREFIX(tok, "gid:"))
			goto bad;
		for (int i = 0; i < 3; i++) {
			if (!isdigit((unsigned char)*p))
				goto bad;
			errno = 0;
			v[i] = strtoull(p, &end, 10);
			if (errno || v[i] > UINT32_MAX ||
			    *end != (i < 2 ? ':' : '\0'))
				goto bad;
			p = end + 1;
		}
		r.start = (unsigned)v[0];
		r.target = (unsigned)v[1];
		r.count = (unsigned)v[2];
		if (uid) {
			s->uid = xrealloc(s->uid, (s->nuid + 1) * sizeof(r));
			s->uid[s->nuid++] = r;
		} else {
			s->gid = xrealloc(s->gid, (s->ngid + 1) * sizeof(r));
			s->gid[s->ngid++] = r;
		}
	}
	return 0;
bad:
	return vs_error(VS_ERR_INVALID,
			_("The id map '%s' is not understood. Write each "
			  "range as uid:START:TARGET:COUNT or "
			  "gid:START:TARGET:COUNT, e.g. uid:0:100000:65536."),
			spec);
}

static unsigned
uint_attr(xmlNodePtr n, const char *name)
{
	AUTOFREE char *v = n ? attr_value(n, name) : NULL;
	uint64_t u;

	if (!v || str_to_u64(v, &u) < 0 || u > UINT32_MAX)
		return 0;
	return (unsigned)u;
}

static void
read_ranges(xmlNodePtr idmap, const char *name, struct domxml_idmap **out,
	    size_t *n)
{
	size_t cap = 0;

	for (xmlNodePtr c = idmap ? idmap->children : NULL; c; c = c->next) {
		struct domxml_idmap *r;

		if (c->type != XML_ELEMENT_NODE ||
		    !STREQ((const char *)c->name, name))
			continue;
		xgrow(out, &cap, *n + 1, sizeof(**out));
		r = &(*out)[(*n)++];
		r->start = uint_attr(c, "start");
		r->target = uint_attr(c, "target");
		r->count = uint_attr(c, "count");
	}
}

/* Whether a <filesystem> has a source virtiofs can use. */
static bool
has_source(xmlNodePtr fs)
{
	xmlNodePtr src = child(fs, "source");

	return xmlHasProp(src, (const xmlChar *)"dir") ||
	       xmlHasProp(src, (const xmlChar *)"socket");
}

/* A share's tag in messages; a <filesystem> may have no <target dir>. */
static const char *
tag_label(const char *tag)
{
	return tag ? tag : _("(no mount tag)");
}

/* A share's source in messages; a <filesystem> may have no <source>. */
static const char *
source_label(const struct domxml_share *s)
{
	return s->dir ? s->dir : s->socket ? s->socket : _("(no source)");
}

static bool
is_virtiofs(xmlNodePtr fs)
{
	AUTOFREE char *type = attr_value(child(fs, "driver"), "type");

	return type && STREQ(type, "virtiofs");
}

static void
read_share(xmlNodePtr fs, struct domxml_share *s)
{
	xmlNodePtr drv = child(fs, "driver"), bin = child(fs, "binary");
	xmlNodePtr src = child(fs, "source"), idmap = child(fs, "idmap");
	xmlNodePtr lock = child(bin, "lock");
	AUTOFREE char *pool = NULL, *files = NULL;
	int n;
	uint64_t u;

	domxml_share_init(s);
	s->tag = attr_value(child(fs, "target"), "dir");
	s->dir = src ? attr_value(src, "dir") : NULL;
	s->socket = src ? attr_value(src, "socket") : NULL;
	s->queue = uint_attr(drv, "queue");
	if (bin) {
		s->binary = attr_value(bin, "path");
		s->xattr = switch_value(bin, "xattr");
		s->cache = attr_value(child(bin, "cache"), "mode");
		s->sandbox = attr_value(child(bin, "sandbox"), "mode");
		s->lock_posix = switch_value(lock, "posix");
		s->flock = switch_value(lock, "flock");
		pool = attr_value(child(bin, "thread_pool"), "size");
		if (pool && str_to_int(pool, &n) == 0)
			s->thread_pool = n;
		files = attr_value(child(bin, "openfiles"), "max");
		if (files && str_to_u64(files, &u) == 0)
			s->openfiles = u;
	}
	read_ranges(idmap, "uid", &s->uid, &s->nuid);
	read_ranges(idmap, "gid", &s->gid, &s->ngid);
	s->readonly = child(fs, "readonly") ? DOMXML_ON : DOMXML_OFF;
	s->alias = attr_value(child(fs, "alias"), "name");
}

size_t
domxml_shares(const struct domxml *d, struct domxml_share **out)
{
	AUTOFREE xmlNodePtr *fs = NULL;
	size_t n = path_nodes(d, "devices/filesystem", &fs), k = 0;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!is_virtiofs(fs[i]))
			continue;
		if (!*out)
			*out = xcalloc(n, sizeof(**out));
		read_share(fs[i], &(*out)[k++]);
	}
	return k;
}

static size_t find_tag(const struct domxml *d, const char *tag,
		       xmlNodePtr **out);

char *
domxml_share_xml(const struct domxml *d, const char *tag)
{
	AUTOFREE xmlNodePtr *fs = NULL;
	size_t n = find_tag(d, tag, &fs);

	for (size_t i = 0; i < n; i++)
		if (is_virtiofs(fs[i]))
			return node_text(d, fs[i]);
	return NULL;
}

/* ---- reading memory ------------------------------------------------------ */

void
domxml_memory_clear(struct domxml_memory *m)
{
	free(m->source);
	free(m->access);
	for (size_t i = 0; i < m->npages; i++)
		free(m->pages[i].nodeset);
	free(m->pages);
	for (size_t i = 0; i < m->ncells; i++) {
		free(m->cells[i].id);
		free(m->cells[i].cpus);
		free(m->cells[i].mem_access);
	}
	free(m->cells);
	free(m->host_nodeset);
	memset(m, 0, sizeof(*m));
}

static uint64_t
page_kib(xmlNodePtr page)
{
	AUTOFREE char *size = attr_value(page, "size");
	AUTOFREE char *unit = attr_value(page, "unit");

	return scaled_kib(size, unit);
}

/* A cell's guest node id: libvirt numbers cells without one in order. */
static char *
cell_id(xmlNodePtr cell, size_t index)
{
	char *id = attr_value(cell, "id");

	return id ? id : xasprintf("%zu", index);
}

void
domxml_memory(const struct domxml *d, struct domxml_memory *m)
{
	xmlNodePtr mb = child(d->root, "memoryBacking");
	xmlNodePtr huge = child(mb, "hugepages");
	AUTOFREE xmlNodePtr *cells = NULL;
	size_t cap = 0;

	memset(m, 0, sizeof(*m));
	m->memory_kib = element_kib(child(d->root, "memory"));
	m->backing = mb != NULL;
	m->source = attr_value(child(mb, "source"), "type");
	m->access = attr_value(child(mb, "access"), "mode");
	m->hugepages = huge != NULL;
	for (xmlNodePtr p = huge ? huge->children : NULL; p; p = p->next) {
		struct domxml_page *pg;

		if (p->type != XML_ELEMENT_NODE ||
		    !STREQ((const char *)p->name, "page"))
			continue;
		xgrow(&m->pages, &cap, m->npages + 1, sizeof(*m->pages));
		pg = &m->pages[m->npages++];
		pg->size_kib = page_kib(p);
		pg->nodeset = attr_value(p, "nodeset");
	}
	m->host_nodeset = attr_value(child(child(d->root, "numatune"),
					   "memory"),
				     "nodeset");
	m->ncells = path_nodes(d, "cpu/numa/cell", &cells);
	if (m->ncells)
		m->cells = xcalloc(m->ncells, sizeof(*m->cells));
	for (size_t i = 0; i < m->ncells; i++) {
		AUTOFREE char *mem = attr_value(cells[i], "memory");
		AUTOFREE char *unit = attr_value(cells[i], "unit");

		m->cells[i].id = cell_id(cells[i], i);
		m->cells[i].cpus = attr_value(cells[i], "cpus");
		m->cells[i].memory_kib = scaled_kib(mem, unit);
		m->cells[i].mem_access = attr_value(cells[i], "memAccess");
	}
}

/* s is want; false when either is missing. */
static bool
str_is(const char *s, const char *want)
{
	return s && want && STREQ(s, want);
}

/* Both missing, or both there and equal. */
static bool
str_same(const char *a, const char *b)
{
	return a && b ? STREQ(a, b) : a == b;
}

bool
domxml_memory_shared(const struct domxml_memory *m, char **why)
{
	bool shared = str_is(m->access, "shared");

	if (why)
		*why = NULL;
	if (!m->ncells) {
		if (shared)
			return true;
		if (why)
			*why = m->access
				? xasprintf(_("<memoryBacking> has <access "
					      "mode='%s'/>"),
					    m->access)
				: xstrdup(_("<memoryBacking> has no <access "
					    "mode='shared'/>"));
		return false;
	}
	for (size_t i = 0; i < m->ncells; i++) {
		const struct domxml_cell *c = &m->cells[i];

		if (str_is(c->mem_access, "shared"))
			continue;
		if (!c->mem_access && shared)
			continue;
		if (why)
			*why = c->mem_access
				? xasprintf(_("guest NUMA cell %1$s has "
					      "memAccess='%2$s'"),
					    c->id ? c->id : "?", c->mem_access)
				: xasprintf(_("guest NUMA cell %s inherits "
					      "memory access that is not "
					      "shared"),
					    c->id ? c->id : "?");
		return false;
	}
	return true;
}

const char *
domxml_memory_kind(const struct domxml_memory *m)
{
	if (m->hugepages)
		return "hugepages";
	if (m->source)
		return m->source;
	return "default";
}

/* ---- backing requests ---------------------------------------------------- */

static const char *const backing_names[] = {
	[DOMXML_BACKING_UNSET] = "unset",
	[DOMXML_BACKING_KEEP] = "keep",
	[DOMXML_BACKING_MEMFD] = "memfd",
	[DOMXML_BACKING_FILE] = "file",
	[DOMXML_BACKING_HUGEPAGES] = "hugepages",
	[DOMXML_BACKING_NUMA] = "numa",
};

const char *
domxml_backing_name(enum domxml_backing_kind k)
{
	return backing_names[k];
}

void
domxml_backing_clear(struct domxml_backing *b)
{
	free(b->nodeset);
	memset(b, 0, sizeof(*b));
}

#define NODES_MAX DOMXML_NODES_MAX

int
domxml_nodeset_parse(const char *nodeset, bool mask[DOMXML_NODES_MAX])
{
	AUTOFREE char *copy = xstrdup(nodeset);
	char *save = NULL;
	bool any = false;

	memset(mask, 0, NODES_MAX * sizeof(*mask));
	for (char *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		bool exclude = *tok == '^';
		unsigned long lo, hi;
		char *end;

		tok += exclude;
		if (!isdigit((unsigned char)*tok))
			return -1;
		lo = strtoul(tok, &end, 10);
		hi = lo;
		if (*end == '-' && isdigit((unsigned char)end[1]))
			hi = strtoul(end + 1, &end, 10);
		if (*end || hi < lo || hi >= NODES_MAX || (exclude && hi != lo))
			return -1;
		for (unsigned long n = lo; n <= hi; n++)
			mask[n] = !exclude;
		any |= !exclude;
	}
	return any ? 0 : -1;
}

int
domxml_backing_parse(const char *s, struct domxml_backing *b)
{
	const char *spec;

	memset(b, 0, sizeof(*b));
	for (size_t k = DOMXML_BACKING_MEMFD; k < ARRAY_SIZE(backing_names);
	     k++) {
		if (k != DOMXML_BACKING_HUGEPAGES &&
		    STREQ(s, backing_names[k])) {
			b->kind = (enum domxml_backing_kind)k;
			return 0;
		}
	}
	if (!STRPREFIX(s, "hugepages"))
		goto bad;
	b->kind = DOMXML_BACKING_HUGEPAGES;
	spec = s + strlen("hugepages");
	if (!*spec)
		return 0;
	if (*spec++ != ':' || !*spec)
		goto bad;
	{
		AUTOFREE char *size = xstrdup(spec);
		char *at_ = strchr(size, '@');

		if (at_) {
			*at_++ = '\0';
			bool mask[NODES_MAX];

			if (domxml_nodeset_parse(at_, mask) < 0)
				goto bad;
			b->nodeset = xstrdup(at_);
		}
		if (*size && (size_parse_kib(size, &b->page_kib) < 0 ||
			      b->page_kib == 0))
			goto bad;
	}
	return 0;
bad:
	domxml_backing_clear(b);
	return vs_error(VS_ERR_INVALID,
			_("Unknown memory backing '%s'. Use memfd, file, numa "
			  "or hugepages[:SIZE[@NODES]], e.g. hugepages:2M or "
			  "hugepages:1G@0-1."),
			s);
}

/* A page size as people write it: 2M, 1G, 64K. Caller frees. */
static char *
page_str(uint64_t kib)
{
	return size_format_kib(kib);
}

char *
domxml_backing_str(const struct domxml_backing *b)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add(&sb, backing_names[b->kind]);
	if (b->kind == DOMXML_BACKING_HUGEPAGES &&
	    (b->page_kib || b->nodeset)) {
		AUTOFREE char *size = b->page_kib ? page_str(b->page_kib)
						  : xstrdup("");

		sb_printf(&sb, ":%s", size);
		if (b->nodeset)
			sb_printf(&sb, "@%s", b->nodeset);
	}
	return sb_steal(&sb);
}

/* ---- checks -------------------------------------------------------------- */

/* What feature f needs of libvirt; fix says what to do instead. */
static int
version_check(const struct domxml_env *env, enum compat_feature f,
	      const char *fix)
{
	AUTOFREE char *need = NULL, *have = NULL;

	if (compat_allows(f, env->libvirt_version))
		return 0;
	need = compat_version_str(compat_since(f));
	have = compat_version_str(env->libvirt_version);
	return vs_error(VS_ERR_UNSUPPORTED,
			_("%1$s needs libvirt %2$s or newer; the connected "
			  "libvirt is %3$s. %4$s"),
			_(compat_entry(f)->what), need, have, fix);
}

/* The cell with that guest node id, or NULL. */
static const struct domxml_cell *
cell_of(const struct domxml_memory *m, unsigned long id)
{
	char s[24];

	snprintf(s, sizeof(s), "%lu", id);
	for (size_t i = 0; i < m->ncells; i++)
		if (str_is(m->cells[i].id, s))
			return &m->cells[i];
	return NULL;
}

/* The guest NUMA node numbers a nodeset names must be cells' ids. */
static int
nodeset_check(const char *nodeset, const struct domxml_memory *m)
{
	bool mask[NODES_MAX];

	if (domxml_nodeset_parse(nodeset, mask) < 0)
		return vs_error(VS_ERR_INVALID,
				_("The hugepage nodeset '%s' is not one "
				  "libvirt reads: write guest NUMA node ids "
				  "as 0, 0-3 or 0-3,^2."),
				nodeset);
	for (unsigned long n = 0; n < NODES_MAX; n++)
		if (mask[n] && !cell_of(m, n))
			return vs_error(VS_ERR_INVALID,
					_("The hugepage nodeset '%1$s' names "
					  "guest NUMA node %2$lu, which the "
					  "domain does not have. Use the ids "
					  "of its <cell> elements."),
					nodeset, n);
	return 0;
}

uint64_t
domxml_memory_for_nodes(const struct domxml_memory *m, const char *nodeset)
{
	bool mask[NODES_MAX];
	uint64_t sum = 0;

	if (!nodeset || domxml_nodeset_parse(nodeset, mask) < 0)
		return m->memory_kib;
	for (unsigned long n = 0; n < NODES_MAX; n++) {
		const struct domxml_cell *c = mask[n] ? cell_of(m, n) : NULL;

		if (c)
			sum += c->memory_kib;
	}
	return sum;
}

/* Whether two nodesets name the same nodes (NULL: none given). */
static bool
nodesets_equal(const char *a, const char *b)
{
	bool ma[NODES_MAX], mb[NODES_MAX];

	if (!a || !b)
		return a == b;
	if (domxml_nodeset_parse(a, ma) < 0 || domxml_nodeset_parse(b, mb) < 0)
		return STREQ(a, b);
	return memcmp(ma, mb, sizeof(ma)) == 0;
}

/* The first node two nodesets share, or -1. */
static long
nodesets_overlap(const char *a, const char *b)
{
	bool ma[NODES_MAX], mb[NODES_MAX];

	if (!a || !b || domxml_nodeset_parse(a, ma) < 0 ||
	    domxml_nodeset_parse(b, mb) < 0)
		return -1;
	for (long n = 0; n < NODES_MAX; n++)
		if (ma[n] && mb[n])
			return n;
	return -1;
}

static bool
is_page(xmlNodePtr p)
{
	return p->type == XML_ELEMENT_NODE && !p->ns &&
	       STREQ((const char *)p->name, "page");
}

/* The <page> for a nodeset (NULL: the one without nodeset), or NULL. */
static xmlNodePtr
find_page(xmlNodePtr huge, const char *nodeset)
{
	for (xmlNodePtr p = huge ? huge->children : NULL; p; p = p->next) {
		AUTOFREE char *ns = NULL;

		if (!is_page(p))
			continue;
		ns = attr_value(p, "nodeset");
		if (nodesets_equal(ns, nodeset))
			return p;
	}
	return NULL;
}

/*
 * libvirt refuses two <page> elements whose nodesets intersect: a page
 * for nodeset must not share a node with another page of the domain.
 */
static int
page_overlap_check(const struct domxml *d, const char *nodeset)
{
	xmlNodePtr huge = child(child(d->root, "memoryBacking"), "hugepages");
	xmlNodePtr same = find_page(huge, nodeset);

	for (xmlNodePtr p = huge ? huge->children : NULL; p; p = p->next) {
		AUTOFREE char *ns = NULL, *text = NULL;
		long node;

		if (!is_page(p) || p == same)
			continue;
		ns = attr_value(p, "nodeset");
		if ((node = nodesets_overlap(ns, nodeset)) < 0)
			continue;
		text = node_text(d, p);
		return vs_error(VS_ERR_CONFLICT,
				_("The domain's %1$s already covers guest NUMA "
				  "node %2$ld, and libvirt refuses pages whose "
				  "nodesets intersect. Ask for the nodes that "
				  "page does not cover, or for all of its nodes "
				  "(hugepages:SIZE@%3$s) to change its size."),
				text, node, ns);
	}
	return 0;
}

static int
backing_check(const struct domxml *d, const struct domxml_backing *b,
	      const struct domxml_env *env, const struct domxml_memory *m)
{
	const char *name = domxml_name(d) ? domxml_name(d) : d->what;

	if (b->kind == DOMXML_BACKING_UNSET)
		return vs_error(VS_ERR_INVALID,
				_("No memory backing was chosen for domain "
				  "'%s', not even to keep the current one."),
				name);
	if (b->kind == DOMXML_BACKING_KEEP)
		return 0;
	if (b->kind == DOMXML_BACKING_NUMA) {
		if (!m->ncells)
			return vs_error(VS_ERR_CONFLICT,
					_("Domain '%s' has no guest NUMA "
					  "cells, so there is no <cell "
					  "memAccess> to share. Use the memfd "
					  "or file backing instead."),
					name);
		return 0;
	}
	if (!m->ncells &&
	    version_check(env, COMPAT_NO_NUMA,
			  _("Give the domain guest NUMA cells and use the "
			    "numa backing, or upgrade libvirt.")) < 0)
		return -1;
	if (b->kind == DOMXML_BACKING_MEMFD &&
	    version_check(env, COMPAT_MEMFD,
			  _("Use the file backing, or upgrade libvirt.")) < 0)
		return -1;
	if (b->kind != DOMXML_BACKING_HUGEPAGES || !b->nodeset)
		return 0;
	if (!m->ncells)
		return vs_error(VS_ERR_CONFLICT,
				_("Hugepages for guest NUMA nodes %1$s need "
				  "guest NUMA cells; domain '%2$s' has none. "
				  "Leave the nodes out (hugepages:SIZE)."),
				b->nodeset, name);
	if (!b->page_kib)
		return vs_error(VS_ERR_INVALID,
				_("Give the page size for guest NUMA nodes "
				  "%1$s, e.g. hugepages:2M@%1$s."),
				b->nodeset);
	if (nodeset_check(b->nodeset, m) < 0)
		return -1;
	return page_overlap_check(d, b->nodeset);
}

/* ---- editing memory ------------------------------------------------------ */

static xmlNodePtr
ensure_backing(struct domxml *d)
{
	xmlNodePtr tdom = template_root(d, TMPL_DOMAIN);
	xmlNodePtr mb = child(d->root, "memoryBacking");

	if (mb)
		return mb;
	mb = element_from(d, template_root(d, TMPL_MEMORY));
	insert(d, d->root, mb, tdom);
	return mb;
}

static bool
remove_child(xmlNodePtr parent, const char *name)
{
	xmlNodePtr c = child(parent, name);

	if (!c)
		return false;
	remove_node(c);
	return true;
}

static void
set_page_size(xmlNodePtr page, uint64_t kib)
{
	static const struct {
		const char *unit;
		uint64_t kib;
	} big[] = {{"G", 1024 * 1024}, {"M", 1024}, {"K", 1}};

	if (page_kib(page) == kib)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(big); i++) {
		if (kib % big[i].kib)
			continue;
		set_attr_u64(page, "size", kib / big[i].kib);
		set_attr(page, "unit", big[i].unit);
		return;
	}
}

static void
set_hugepages(struct domxml *d, xmlNodePtr mb, const struct domxml_backing *b,
	      struct strlist *notes)
{
	xmlNodePtr tmem = template_root(d, TMPL_MEMORY);
	xmlNodePtr thuge = template_child(tmem, "hugepages");
	bool added = false;
	xmlNodePtr huge = ensure_child(d, mb, tmem, "hugepages", &added);
	xmlNodePtr page;
	AUTOFREE char *size = NULL;

	if (!b->page_kib) {
		if (added)
			strlist_add(notes, _("Added <hugepages/>: guest memory "
					     "in hugepages of the host's "
					     "default size."));
		return;
	}
	size = page_str(b->page_kib);
	page = find_page(huge, b->nodeset);
	if (page && page_kib(page) == b->page_kib)
		return;
	if (!page) {
		page = element_from(d, template_child(thuge, "page"));
		insert(d, huge, page, thuge);
		set_page_size(page, b->page_kib);
		if (b->nodeset)
			set_attr(page, "nodeset", b->nodeset);
	}
	set_page_size(page, b->page_kib);
	if (b->nodeset)
		strlist_take(notes, xasprintf(_("Hugepages of %1$s for guest "
						"NUMA nodes %2$s."),
					      size, b->nodeset));
	else
		strlist_take(notes,
			     xasprintf(_("Hugepages of %s for guest memory."),
				       size));
}

/*
 * libvirt refuses hugepages with <allocation mode='ondemand'/>: they are
 * always allocated when the guest starts. The mode goes (the element
 * too when nothing else is in it).
 */
static void
drop_ondemand(xmlNodePtr mb, struct strlist *notes)
{
	xmlNodePtr alloc = child(mb, "allocation");
	AUTOFREE char *mode = attr_value(alloc, "mode");

	if (!str_is(mode, "ondemand"))
		return;
	remove_attr(alloc, "mode");
	if (!alloc->properties && !has_content(alloc))
		remove_node(alloc);
	strlist_add(notes, _("Removed <allocation mode='ondemand'/>: libvirt "
			     "refuses hugepages with memory allocated on "
			     "demand, as hugepages are allocated when the "
			     "guest starts."));
}

/* memAccess='shared' on every cell that is not shared. */
static void
share_cells(struct domxml *d, bool domain_shared, struct strlist *notes)
{
	AUTOFREE xmlNodePtr *cells = NULL;
	size_t n = path_nodes(d, "cpu/numa/cell", &cells);

	for (size_t i = 0; i < n; i++) {
		AUTOFREE char *ma = attr_value(cells[i], "memAccess");
		AUTOFREE char *id = cell_id(cells[i], i);

		if (str_is(ma, "shared") || (!ma && domain_shared))
			continue;
		set_attr(cells[i], "memAccess", "shared");
		if (ma)
			strlist_take(notes,
				     xasprintf(_("Guest NUMA cell %1$s: "
						 "memAccess='%2$s' changed to "
						 "'shared' (libvirt refuses "
						 "virtiofs otherwise)."),
					       id, ma));
		else
			strlist_take(notes,
				     xasprintf(_("Guest NUMA cell %s: "
						 "memAccess='shared' set."),
					       id));
	}
}

int
domxml_backing_set(struct domxml *d, const struct domxml_backing *b,
		   const struct domxml_env *env, struct strlist *notes)
{
	struct domxml_memory m;
	xmlNodePtr tmem, mb;
	const char *source = NULL;
	bool changed = false;
	int ret = -1;

	domxml_memory(d, &m);
	if (backing_check(d, b, env, &m) < 0 || templates_load(d) < 0)
		goto out;
	ret = 0;
	if (b->kind == DOMXML_BACKING_KEEP)
		goto out;
	if (b->kind == DOMXML_BACKING_NUMA) {
		/* Only the cells: an inherited shared access already is. */
		share_cells(d, str_is(m.access, "shared"), notes);
		goto out;
	}
	tmem = template_root(d, TMPL_MEMORY);
	mb = ensure_backing(d);
	switch (b->kind) {
	case DOMXML_BACKING_MEMFD:
	case DOMXML_BACKING_FILE:
		source = b->kind == DOMXML_BACKING_MEMFD ? "memfd" : "file";
		if (remove_child(mb, "hugepages"))
			strlist_take(notes,
				     xasprintf(_("Removed <hugepages>: the %s "
						 "backing does not use them "
						 "(the hugepages backing keeps "
						 "them)."),
					       source));
		break;
	case DOMXML_BACKING_HUGEPAGES:
		set_hugepages(d, mb, b, notes);
		drop_ondemand(mb, notes);
		/* memfd serves hugepages without a hugetlbfs mount; an
		 * explicit file source stays (it uses the mount). */
		source = b->file_source || str_is(m.source, "file") ? "file"
								   : "memfd";
		break;
	default:
		break;
	}
	changed |= set_attr(ensure_child(d, mb, tmem, "source", NULL), "type",
			    source);
	changed |= set_attr(ensure_child(d, mb, tmem, "access", NULL), "mode",
			    "shared");
	if (changed)
		strlist_take(notes,
			     xasprintf(_("Guest memory: <source type='%1$s'/> "
					 "and <access mode='shared'/> (was "
					 "%2$s, %3$s)."),
				       source, domxml_memory_kind(&m),
				       m.access ? m.access : _("not shared")));
	share_cells(d, true, notes);
out:
	domxml_memory_clear(&m);
	return ret;
}

/* ---- checking and editing shares ----------------------------------------- */

/* One option that needs a newer libvirt than virtiofs itself. */
struct option_gate {
	enum compat_feature feature;
	bool (*used)(const struct domxml_share *r);
};

static bool
uses_sandbox(const struct domxml_share *r)
{
	return r->sandbox != NULL;
}

static bool
uses_socket(const struct domxml_share *r)
{
	return r->socket != NULL;
}

static bool
uses_thread_pool(const struct domxml_share *r)
{
	return r->thread_pool >= 0;
}

static bool
uses_idmap(const struct domxml_share *r)
{
	return r->nuid || r->ngid;
}

static bool
uses_openfiles(const struct domxml_share *r)
{
	return r->openfiles != 0;
}

static bool
uses_readonly(const struct domxml_share *r)
{
	return r->readonly == DOMXML_ON;
}

static bool
uses_virtiofs(const struct domxml_share *r)
{
	return true;
}

static const struct option_gate gates[] = {
	{COMPAT_VIRTIOFS, uses_virtiofs},
	{COMPAT_SANDBOX, uses_sandbox},
	{COMPAT_SOCKET, uses_socket},
	{COMPAT_THREAD_POOL, uses_thread_pool},
	{COMPAT_IDMAP, uses_idmap},
	{COMPAT_OPENFILES, uses_openfiles},
	{COMPAT_READONLY, uses_readonly},
};

/* Options that libvirt passes to a daemon it starts itself. */
static const char *
binary_option(const struct domxml_share *r)
{
	if (r->binary)
		return "<binary path>";
	if (r->xattr)
		return "<binary xattr>";
	if (r->cache)
		return "<cache mode>";
	if (r->sandbox)
		return "<sandbox mode>";
	if (r->lock_posix || r->flock)
		return "<lock>";
	if (r->thread_pool >= 0)
		return "<thread_pool size>";
	if (r->openfiles)
		return "<openfiles max>";
	if (r->nuid || r->ngid)
		return "<idmap>";
	return NULL;
}

/* The alias (its form checked already) must not name another device. */
static int
check_alias(const struct domxml *d, const char *alias, xmlNodePtr self)
{
	AUTOFREE xmlNodePtr *used = NULL;
	size_t n = path_nodes(d, "devices/*/alias", &used);

	for (size_t i = 0; i < n; i++) {
		AUTOFREE char *name = attr_value(used[i], "name");

		if (used[i]->parent != self && str_is(name, alias))
			return vs_error(VS_ERR_CONFLICT,
					_("The alias '%1$s' is already used by "
					  "a <%2$s> device of the domain. "
					  "Choose another one."),
					alias,
					(const char *)used[i]->parent->name);
	}
	return 0;
}

int
domxml_source_dir_check(const char *dir, const char *root)
{
	AUTOFREE char *path = NULL;
	struct stat st;

	if (!root)
		return 0;
	path = path_under(root, dir);
	if (stat(path, &st) < 0 && errno == ENOENT)
		return vs_error(VS_ERR_INVALID,
				_("The source directory %s does not exist on "
				  "this host. Create it first, or check the "
				  "path."),
				dir);
	if (stat(path, &st) < 0)
		return vs_error(VS_ERR_INVALID,
				_("The source directory %1$s cannot be used: "
				  "%2$s. Check the path and its permissions."),
				dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return vs_error(VS_ERR_INVALID,
				_("The source %s is not a directory. A share "
				  "exports a directory tree."),
				dir);
	return 0;
}

static int
check_source(const struct domxml_share *r, const struct domxml_env *env)
{
	if (!r->dir && !r->socket)
		return vs_error(VS_ERR_INVALID,
				_("A share needs a source: a host directory, "
				  "or the socket of a virtiofs daemon started "
				  "outside libvirt."));
	if (r->dir && r->socket)
		return vs_error(VS_ERR_INVALID,
				_("A share has a source directory or a socket, "
				  "not both: libvirt starts the daemon for a "
				  "directory, and connects to a running one "
				  "through a socket."));
	return r->dir ? domxml_source_dir_check(r->dir, env->root) : 0;
}

/* The first control character in s (XML cannot carry most of them), or
 * NULL. */
static const char *
control_char(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return s;
	return NULL;
}

static const struct {
	const char *what;
	size_t off;
} share_strings[] = {
	{N_("mount tag"), offsetof(struct domxml_share, tag)},
	{N_("source directory"), offsetof(struct domxml_share, dir)},
	{N_("socket path"), offsetof(struct domxml_share, socket)},
	{N_("daemon path"), offsetof(struct domxml_share, binary)},
	{N_("cache mode"), offsetof(struct domxml_share, cache)},
	{N_("sandbox mode"), offsetof(struct domxml_share, sandbox)},
	{N_("alias"), offsetof(struct domxml_share, alias)},
};

int
domxml_share_values_check(const struct domxml_share *r)
{
	size_t len = r->tag ? strlen(r->tag) : 0;

	for (size_t i = 0; i < ARRAY_SIZE(share_strings); i++) {
		const char *v =
		    *(char *const *)((const char *)r + share_strings[i].off);

		if (control_char(v))
			return vs_error(VS_ERR_INVALID,
					_("The %s holds a control character "
					  "(a tab, a line break or another "
					  "one), which a domain definition "
					  "cannot carry. Remove it."),
					_(share_strings[i].what));
	}
	if (r->tag && !len)
		return vs_error(VS_ERR_INVALID,
				_("The mount tag is empty. Give a short name "
				  "such as 'data': the guest mounts it with "
				  "mount -t virtiofs data /mnt/data."));
	if (len > COMPAT_TAG_MAX)
		return vs_error(VS_ERR_INVALID,
				_("The mount tag '%1$s' is %2$zu bytes long; "
				  "the guest kernel takes at most %3$d. Choose "
				  "a shorter tag."),
				r->tag, len, COMPAT_TAG_MAX);
	if (r->dir && r->dir[0] != '/')
		return vs_error(VS_ERR_INVALID,
				_("The source directory '%s' is not an "
				  "absolute path. Give the full path, e.g. "
				  "/srv/data."),
				r->dir);
	if (r->socket && r->socket[0] != '/')
		return vs_error(VS_ERR_INVALID,
				_("The socket path '%s' is not absolute. Give "
				  "the full path, e.g. "
				  "/run/virtshare/data.sock."),
				r->socket);
	/* QEMU's vhost-user-fs refuses anything else. */
	if (r->queue &&
	    (r->queue > COMPAT_QUEUE_MAX || (r->queue & (r->queue - 1))))
		return vs_error(VS_ERR_INVALID,
				_("The queue size %1$u is not one QEMU takes: "
				  "use a power of 2 up to %2$d, such as %3$d."),
				r->queue, COMPAT_QUEUE_MAX,
				COMPAT_QUEUE_DEFAULT);
	if (r->cache && !STREQ(r->cache, "none") && !STREQ(r->cache, "always"))
		return vs_error(VS_ERR_INVALID,
				_("The cache mode '%s' is not one libvirt "
				  "accepts for virtiofs: use none or always."),
				r->cache);
	if (r->sandbox && !STREQ(r->sandbox, "namespace") &&
	    !STREQ(r->sandbox, "chroot"))
		return vs_error(VS_ERR_INVALID,
				_("The sandbox mode '%s' is not known: use "
				  "namespace or chroot."),
				r->sandbox);
	if (r->binary && r->binary[0] != '/')
		return vs_error(VS_ERR_INVALID,
				_("The daemon path '%s' is not absolute. Give "
				  "the full path, e.g. "
				  "/usr/libexec/virtiofsd."),
				r->binary);
	for (size_t i = 0; i < r->nuid + r->ngid; i++) {
		const struct domxml_idmap *m =
		    i < r->nuid ? &r->uid[i] : &r->gid[i - r->nuid];

		if (!m->count)
			return vs_error(VS_ERR_INVALID,
					_("An <idmap> range maps no ids: give "
					  "it a count of at least 1."));
	}
	if (r->alias && (!STRPREFIX(r->alias, "ua-") || !r->alias[3]))
		return vs_error(VS_ERR_INVALID,
				_("The alias '%s' must start with 'ua-' "
				  "(libvirt accepts user aliases only with "
				  "that prefix), e.g. ua-data."),
				r->alias);
	for (const char *c = r->alias; c && *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return vs_error(VS_ERR_INVALID,
					_("The alias '%s' may hold only "
					  "letters, digits, '-' and '_'."),
					r->alias);
	return 0;
}

static int
check_values(const struct domxml_share *r)
{
	if (!r->tag || !*r->tag)
		return vs_error(VS_ERR_INVALID,
				_("The mount tag is empty. Give a short name "
				  "such as 'data': the guest mounts it with "
				  "mount -t virtiofs data /mnt/data."));
	return domxml_share_values_check(r);
}

/* The <filesystem> elements whose <target dir> is tag. */
static size_t
find_tag(const struct domxml *d, const char *tag, xmlNodePtr **out)
{
	AUTOFREE xmlNodePtr *fs = NULL;
	size_t n = path_nodes(d, "devices/filesystem", &fs), k = 0;

	*out = n ? xcalloc(n, sizeof(**out)) : NULL;
	for (size_t i = 0; i < n; i++) {
		AUTOFREE char *t = attr_value(child(fs[i], "target"), "dir");

		if (str_is(t, tag))
			(*out)[k++] = fs[i];
	}
	return k;
}

/*
 * The share of that tag to update (*found), or NULL for a new one;
 * -1 when the tag cannot be used.
 */
static int
check_tag(const struct domxml *d, const struct domxml_share *r,
	  xmlNodePtr *found)
{
	const char *name = domxml_name(d) ? domxml_name(d) : d->what;
	AUTOFREE xmlNodePtr *same = NULL;
	size_t n = find_tag(d, r->tag, &same);
	struct domxml_share cur;
	int ret = 0;

	*found = NULL;
	if (n == 0)
		return 0;
	if (n > 1)
		return vs_error(VS_ERR_CONFLICT,
				_("Domain '%1$s' already has %2$zu filesystems "
				  "with the tag '%3$s', which the guest cannot "
				  "tell apart. Remove all but one first."),
				name, n, r->tag);
	if (!is_virtiofs(same[0]))
		return vs_error(VS_ERR_CONFLICT,
				_("The tag '%1$s' is already used by a "
				  "<filesystem> of domain '%2$s' that is not a "
				  "virtiofs share (9p or another driver). "
				  "Choose another tag."),
				r->tag, name);
	read_share(same[0], &cur);
	/* A share without a source gets the one asked for. */
	if ((cur.dir || cur.socket) &&
	    ((r->dir && !path_same(cur.dir, r->dir)) ||
	     (r->socket && !path_same(cur.socket, r->socket))))
		ret = vs_error(VS_ERR_CONFLICT,
			       _("The tag '%1$s' is already used by the share "
				 "of %2$s in domain '%3$s'. Choose another "
				 "tag, or remove that share first: virtshare "
				 "unshare %3$s %1$s"),
			       r->tag, source_label(&cur), name);
	domxml_share_clear(&cur);
	if (ret == 0)
		*found = same[0];
	return ret;
}

/*
 * The <filesystem> elements libvirt refuses that an edit leaves as they
 * are: one without <target dir>, and a virtiofs share without a source
 * other than the one of tag (which the request gives a source). They
 * were there before, so they are warnings, with what to do.
 */
static void
warn_filesystems(const struct domxml *d, const char *tag,
		 struct strlist *warnings)
{
	const char *name = domxml_name(d) ? domxml_name(d) : d->what;
	AUTOFREE xmlNodePtr *fs = NULL;
	size_t n = path_nodes(d, "devices/filesystem", &fs);

	for (size_t i = 0; i < n; i++) {
		struct domxml_share s;

		read_share(fs[i], &s);
		if (!s.tag)
			strlist_take(warnings,
				     xasprintf(_("Domain '%1$s' has a "
						 "<filesystem> of %2$s without "
						 "<target dir>, which libvirt "
						 "refuses ('missing target "
						 "information'): add a mount "
						 "tag (<target dir='TAG'/>) to "
						 "it or remove it."),
					       name, source_label(&s)));
		else if (is_virtiofs(fs[i]) && !s.dir && !s.socket &&
			 !STREQ(s.tag, tag))
			strlist_take(warnings,
				     xasprintf(_("The virtiofs share '%1$s' of "
						 "domain '%2$s' has no "
						 "<source>, which libvirt "
						 "refuses: give it one "
						 "(virtshare share %2$s --tag "
						 "%1$s --dir DIR) or remove it "
						 "(virtshare unshare %2$s "
						 "%1$s)."),
					       s.tag, name));
		domxml_share_clear(&s);
	}
}

static int
share_check(const struct domxml *d, const struct domxml_share *r,
	    const struct domxml_env *env, struct strlist *warnings,
	    xmlNodePtr *found)
{
	const char *opt;

	*found = NULL;
	if (check_values(r) < 0 || check_source(r, env) < 0)
		return -1;
	if (r->socket && (opt = binary_option(r)))
		return vs_error(VS_ERR_CONFLICT,
				_("With a socket the virtiofs daemon runs "
				  "outside libvirt, so %s cannot be set in the "
				  "domain: give that option to the daemon "
				  "instead."),
				opt);
	for (size_t i = 0; i < ARRAY_SIZE(gates); i++)
		if (gates[i].used(r) &&
		    version_check(env, gates[i].feature,
				  gates[i].used == uses_virtiofs
				      ? _("Upgrade libvirt.")
				      : _("Leave it out, or upgrade "
					  "libvirt.")) < 0)
			return -1;
	if (env->session && !compat_allows(COMPAT_SESSION, env->libvirt_version)) {
		AUTOFREE char *have = compat_version_str(env->libvirt_version);
		AUTOFREE char *since =
		    compat_version_str(compat_since(COMPAT_SESSION));

		return vs_error(VS_ERR_UNSUPPORTED,
				_("virtiofs is not supported in session mode "
				  "(qemu:///session) before libvirt %1$s; "
				  "the connected libvirt is %2$s. Use "
				  "qemu:///system, or upgrade libvirt."),
				since, have);
	}
	if (check_tag(d, r, found) < 0)
		return -1;
	warn_filesystems(d, r->tag, warnings);
	if (r->alias && check_alias(d, r->alias, *found) < 0)
		return -1;
	if (r->lock_posix || r->flock)
		strlist_add(warnings,
			    _("<lock> is ignored by the Rust virtiofsd "
			      "(/usr/libexec/virtiofsd); QEMU's C virtiofsd "
			      "and virtshare-fsd honour it."));
	return 0;
}

int
domxml_tag_check(const struct domxml *d, const char *tag, const char *dir,
		 const char *socket)
{
	struct domxml_share r;
	xmlNodePtr found;

	domxml_share_init(&r);
	/* Borrowed for the checks only: r is not cleared. */
	r.tag = (char *)tag;
	r.dir = (char *)dir;
	r.socket = (char *)socket;
	if (check_values(&r) < 0 || check_tag(d, &r, &found) < 0)
		return -1;
	return found ? 1 : 0;
}

int
domxml_share_check(const struct domxml *d, const struct domxml_share *req,
		   const struct domxml_env *env, struct strlist *warnings)
{
	xmlNodePtr found;

	if (share_check(d, req, env, warnings, &found) < 0)
		return -1;
	return found ? 1 : 0;
}

static void
set_idmap(struct domxml *d, xmlNodePtr fs, xmlNodePtr tfs,
	  const struct domxml_share *r)
{
	xmlNodePtr tidmap = template_child(tfs, "idmap"), idmap;
	struct domxml_share cur;
	bool same;

	/* Compare first, so that the same ranges leave the bytes alone. */
	read_share(fs, &cur);
	same = cur.nuid == r->nuid && cur.ngid == r->ngid &&
	       (!r->nuid ||
		memcmp(cur.uid, r->uid, r->nuid * sizeof(*r->uid)) == 0) &&
	       (!r->ngid ||
		memcmp(cur.gid, r->gid, r->ngid * sizeof(*r->gid)) == 0);
	domxml_share_clear(&cur);
	if (same)
		return;
	remove_child(fs, "idmap");
	idmap = element_from(d, tidmap);
	insert(d, fs, idmap, tfs);
	for (size_t i = 0; i < r->nuid + r->ngid; i++) {
		bool uid = i < r->nuid;
		const struct domxml_idmap *m = uid ? &r->uid[i]
						   : &r->gid[i - r->nuid];
		xmlNodePtr e = element_from(
		    d, template_child(tidmap, uid ? "uid" : "gid"));

		insert(d, idmap, e, tidmap);
		set_attr_u64(e, "start", m->start);
		set_attr_u64(e, "target", m->target);
		set_attr_u64(e, "count", m->count);
	}
}

static void
set_binary(struct domxml *d, xmlNodePtr fs, xmlNodePtr tfs,
	   const struct domxml_share *r)
{
	xmlNodePtr tbin = template_child(tfs, "binary"), bin, lock;

	if (!r->binary && !r->xattr && !r->cache && !r->sandbox &&
	    !r->lock_posix && !r->flock && r->thread_pool < 0 && !r->openfiles)
		return;
	bin = ensure_child(d, fs, tfs, "binary", NULL);
	if (r->binary)
		set_attr(bin, "path", r->binary);
	if (r->xattr)
		set_attr(bin, "xattr", switch_str(r->xattr));
	if (r->cache)
		set_attr(ensure_child(d, bin, tbin, "cache", NULL), "mode",
			 r->cache);
	if (r->sandbox)
		set_attr(ensure_child(d, bin, tbin, "sandbox", NULL), "mode",
			 r->sandbox);
	if (r->lock_posix || r->flock) {
		lock = ensure_child(d, bin, tbin, "lock", NULL);
		if (r->lock_posix)
			set_attr(lock, "posix", switch_str(r->lock_posix));
		if (r->flock)
			set_attr(lock, "flock", switch_str(r->flock));
	}
	if (r->thread_pool >= 0)
		set_attr_u64(ensure_child(d, bin, tbin, "thread_pool", NULL),
			     "size", (uint64_t)r->thread_pool);
	if (r->openfiles)
		set_attr_u64(ensure_child(d, bin, tbin, "openfiles", NULL),
			     "max", r->openfiles);
}

int
domxml_share_set(struct domxml *d, const struct domxml_share *req,
		 const struct domxml_env *env, struct strlist *notes,
		 struct strlist *warnings)
{
	xmlNodePtr fs, tfs, tdev, devices;
	AUTOFREE char *before = NULL, *after = NULL;
	struct domxml_share *all = NULL;
	size_t n;

	if (share_check(d, req, env, warnings, &fs) < 0 ||
	    templates_load(d) < 0)
		return -1;
	tfs = template_root(d, TMPL_FILESYSTEM);
	tdev = template_child(template_root(d, TMPL_DOMAIN), "devices");
	if (fs) {
		before = node_text(d, fs);
	} else {
		devices = ensure_child(d, d->root,
				       template_root(d, TMPL_DOMAIN),
				       "devices", NULL);
		fs = element_from(d, tfs);
		insert(d, devices, fs, tdev);
		set_attr(ensure_child(d, fs, tfs, "driver", NULL), "type",
			 "virtiofs");
		if (req->dir)
			set_attr(ensure_child(d, fs, tfs, "source", NULL),
				 "dir", req->dir);
		else
			set_attr(ensure_child(d, fs, tfs, "source", NULL),
				 "socket", req->socket);
		set_attr(ensure_child(d, fs, tfs, "target", NULL), "dir",
			 req->tag);
		strlist_take(notes,
			     xasprintf(_("New share of %1$s with the mount tag "
					 "'%2$s'."),
				       req->dir ? req->dir : req->socket,
				       req->tag));
	}
	if (before && !has_source(fs))
		set_attr(ensure_child(d, fs, tfs, "source", NULL),
			 req->dir ? "dir" : "socket",
			 req->dir ? req->dir : req->socket);
	if (req->queue || !before)
		set_attr_u64(ensure_child(d, fs, tfs, "driver", NULL), "queue",
			     req->queue ? req->queue : COMPAT_QUEUE_DEFAULT);
	set_binary(d, fs, tfs, req);
	if (req->nuid || req->ngid)
		set_idmap(d, fs, tfs, req);
	if (req->readonly == DOMXML_ON)
		ensure_child(d, fs, tfs, "readonly", NULL);
	else if (req->readonly == DOMXML_OFF)
		remove_child(fs, "readonly");
	if (req->alias)
		set_attr(ensure_child(d, fs, tfs, "alias", NULL), "name",
			 req->alias);
	if (before && !STREQ(before, (after = node_text(d, fs))))
		strlist_take(notes, xasprintf(_("Updated the options of the "
						"share with the mount tag "
						"'%s'."),
					      req->tag));
	if (before)
		return 0;
	n = domxml_shares(d, &all);
	for (size_t i = 0; i < n; i++)
		if (req->dir && path_same(all[i].dir, req->dir) &&
		    !str_is(all[i].tag, req->tag))
			strlist_take(notes,
				     xasprintf(_("%1$s is also shared with the "
						 "tag '%2$s'."),
					       req->dir, tag_label(all[i].tag)));
	domxml_shares_free(all, n);
	return 0;
}

/*
 * A new device like the template's <name> (*tmpl: that element), linked
 * into <devices> (made when missing) after the devices of its kind; NULL
 * reported (a broken template).
 */
static xmlNodePtr
device_add(struct domxml *d, const char *name, xmlNodePtr *tmpl)
{
	xmlNodePtr tdev, devices, e;

	if (templates_load(d) < 0)
		return NULL;
	tdev = template_child(template_root(d, TMPL_DOMAIN), "devices");
	*tmpl = template_child(tdev, name);
	devices = ensure_child(d, d->root, template_root(d, TMPL_DOMAIN),
			       "devices", NULL);
	e = element_from(d, *tmpl);
	insert(d, devices, e, tdev);
	return e;
}

int
domxml_agent_add(struct domxml *d, const char *name, struct strlist *notes)
{
	AUTOFREE xmlNodePtr *ch = NULL;
	size_t n = path_nodes(d, "devices/channel", &ch);
	xmlNodePtr tch, c;

	for (size_t i = 0; i < n; i++) {
		AUTOFREE char *have = attr_value(child(ch[i], "target"), "name");

		if (str_is(have, name))
			return 0;
	}
	/* Not ensure_child(): other channels (spice) are no agent's. */
	if (!(c = device_add(d, "channel", &tch)))
		return -1;
	set_attr(ensure_child(d, c, tch, "target", NULL), "name", name);
	strlist_take(notes,
		     xasprintf(_("Adds the QEMU guest agent channel (%s): it "
				 "exists from the next start of the guest, "
				 "which needs qemu-guest-agent installed."),
			       name));
	return 0;
}

/* ---- spare PCIe root ports ----------------------------------------------- */

/* A PCI bus or controller index as libvirt writes it ("0x03", "3"); -1
 * when there is none. */
static long
pci_number(const char *s)
{
	char *end;
	long v;

	if (!s)
		return -1;
	v = strtol(s, &end, 0);
	return end != s && *end == '\0' && v >= 0 ? v : -1;
}

/* Whether the domain is a PCIe machine (q35): its machine type says so,
 * or it has a pcie-root controller. */
static bool
is_pcie_machine(const struct domxml *d, xmlNodePtr *ctl, size_t nctl)
{
	AUTOFREE char *machine =
	    attr_value(child(child(d->root, "os"), "type"), "machine");

	for (size_t i = 0; i < nctl; i++) {
		AUTOFREE char *type = attr_value(ctl[i], "type");
		AUTOFREE char *model = attr_value(ctl[i], "model");

		if (str_is(type, "pci") && str_is(model, "pcie-root"))
			return true;
	}
	return machine && strstr(machine, "q35");
}

/*
 * The free pcie-root-ports of the definition (hot-pluggable, no device's
 * PCI address on their bus) less the virtiofs shares that have no
 * address yet (libvirt gives each one of them at define), and the
 * highest PCI controller index.
 */
static long
free_root_ports(const struct domxml *d, xmlNodePtr *ctl, size_t nctl,
		long *max_index)
{
	AUTOFREE xmlNodePtr *addr = NULL, *fs = NULL;
	size_t naddr = path_nodes(d, "devices/*/address", &addr);
	size_t nfs = path_nodes(d, "devices/filesystem", &fs);
	long free_ports = 0;

	*max_index = 0;
	for (size_t i = 0; i < nctl; i++) {
		AUTOFREE char *type = attr_value(ctl[i], "type");
		AUTOFREE char *model = attr_value(ctl[i], "model");
		AUTOFREE char *idx = attr_value(ctl[i], "index");
		AUTOFREE char *hotplug = NULL;
		long index = pci_number(idx);
		bool used = index < 0;

		if (!str_is(type, "pci"))
			continue;
		if (index > *max_index)
			*max_index = index;
		if (!str_is(model, "pcie-root-port"))
			continue;
		hotplug = attr_value(child(ctl[i], "target"), "hotplug");
		used |= str_is(hotplug, "off");
		for (size_t j = 0; j < naddr && !used; j++) {
			AUTOFREE char *atype = attr_value(addr[j], "type");
			AUTOFREE char *bus = attr_value(addr[j], "bus");

			used = str_is(atype, "pci") && pci_number(bus) == index;
		}
		free_ports += !used;
	}
	for (size_t i = 0; i < nfs; i++)
		free_ports -= child(fs[i], "address") == NULL;
	return free_ports;
}

int
domxml_root_ports_add(struct domxml *d, unsigned spare, unsigned *added,
		      struct strlist *notes)
{
	const char *name = domxml_name(d) ? domxml_name(d) : d->what;
	AUTOFREE xmlNodePtr *ctl = NULL;
	size_t nctl = path_nodes(d, "devices/controller", &ctl);
	long max_index, have, want;

	*added = 0;
	if (!is_pcie_machine(d, ctl, nctl))
		return vs_error(VS_ERR_UNSUPPORTED,
				_("Domain '%s' is not a q35 (PCIe) machine: "
				  "pcie-root-port controllers are for q35 "
				  "machines only."),
				name);
	/* One free is enough: counting up to spare would add one more each
	 * time libvirt puts a new share on one of them. */
	have = free_root_ports(d, ctl, nctl, &max_index);
	if (have > 0 || spare == 0)
		return 0;
	want = (long)spare - have;
	/* After every PCI controller's index: libvirt gives chassis, port
	 * and a slot on pcie-root when it defines the domain. */
	for (long i = 1; i <= want; i++) {
		xmlNodePtr tctl, c = device_add(d, "controller", &tctl);

		if (!c)
			return -1;
		set_attr_u64(c, "index", (uint64_t)(max_index + i));
	}
	*added = (unsigned)want;
	strlist_take(notes,
		     xasprintf(P_("Adds %1$u pcie-root-port controller (index "
				  "%2$ld to %3$ld), so that %4$u stay free for "
				  "hot-plugging shares once the guest has been "
				  "shut down and started again.",
				  "Adds %1$u pcie-root-port controllers (index "
				  "%2$ld to %3$ld), so that %4$u stay free for "
				  "hot-plugging shares once the guest has been "
				  "shut down and started again.",
				  (unsigned long)want),
			       (unsigned)want, max_index + 1, max_index + want,
			       spare));
	return 0;
}

int
domxml_share_remove(struct domxml *d, const char *tag, struct strlist *notes)
{
	const char *name = domxml_name(d) ? domxml_name(d) : d->what;
	AUTOFREE xmlNodePtr *same = NULL;
	size_t n = find_tag(d, tag, &same), k = 0;
	struct domxml_share s;

	for (size_t i = 0; i < n; i++)
		if (is_virtiofs(same[i]))
			same[k++] = same[i];
	if (!k)
		return vs_error(VS_ERR_NOT_FOUND,
				_("Domain '%1$s' has no virtiofs share with "
				  "the tag '%2$s'. List its shares with: "
				  "virtshare shares %1$s"),
				name, tag);
	for (size_t i = 0; i < k; i++) {
		read_share(same[i], &s);
		strlist_take(notes, xasprintf(_("Removed the share of %1$s "
						"with the mount tag '%2$s'."),
					      source_label(&s), tag));
		domxml_share_clear(&s);
		remove_node(same[i]);
	}
	strlist_add(notes, _("Guest memory stays shared; other vhost-user "
			     "devices may need it."));
	return 0;
}

int
domxml_check_shared(const struct domxml *d)
{
	struct domxml_share *all = NULL;
	size_t n = domxml_shares(d, &all);
	struct domxml_memory m;
	AUTOFREE char *why = NULL;
	int ret = 0;

	domxml_shares_free(all, n);
	if (!n)
		return 0;
	domxml_memory(d, &m);
	if (!domxml_memory_shared(&m, &why))
		ret = vs_error(VS_ERR_CONFLICT,
			       _("'virtiofs' requires shared memory, and in "
				 "domain '%1$s' %2$s. Choose a memory backing "
				 "(memfd, file, hugepages or numa)."),
			       domxml_name(d) ? domxml_name(d) : d->what,
			       why);
	domxml_memory_clear(&m);
	return ret;
}

/* ---- virtshare's records in <metadata> ---------------------------------- */

/* The attributes of <virtshare:share>, in the order they are written. */
static const struct {
	const char *name;
	size_t off;
} record_attrs[] = {
	{"tag", offsetof(struct domxml_record, tag)},
	{"dir", offsetof(struct domxml_record, dir)},
	{"cache", offsetof(struct domxml_record, cache)},
	{"xattr", offsetof(struct domxml_record, xattr)},
	{"readonly", offsetof(struct domxml_record, readonly)},
	{"sandbox", offsetof(struct domxml_record, sandbox)},
	{"thread_pool", offsetof(struct domxml_record, thread_pool)},
	{"log_level", offsetof(struct domxml_record, log_level)},
	{"socket_user", offsetof(struct domxml_record, socket_user)},
	{"socket_group", offsetof(struct domxml_record, socket_group)},
};

static char **
record_field(struct domxml_record *r, size_t i)
{
	return (char **)((char *)r + record_attrs[i].off);
}

static const char *
record_value(const struct domxml_record *r, size_t i)
{
	return *(char *const *)((const char *)r + record_attrs[i].off);
}

void
domxml_record_clear(struct domxml_record *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(record_attrs); i++)
		free(*record_field(r, i));
	memset(r, 0, sizeof(*r));
}

bool
domxml_record_equal(const struct domxml_record *a,
		    const struct domxml_record *b)
{
	for (size_t i = 0; i < ARRAY_SIZE(record_attrs); i++) {
		const char *x = record_value(a, i), *y = record_value(b, i);

		if (x && y ? !STREQ(x, y) : x != y)
			return false;
	}
	return true;
}

void
domxml_records_free(struct domxml_record *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++)
		domxml_record_clear(&r[i]);
	free(r);
}

/* An element of our namespace named name below parent, or NULL. */
static xmlNodePtr
ns_child(xmlNodePtr parent, const char *name, xmlNodePtr after)
{
	xmlNodePtr c = after ? after->next : parent ? parent->children : NULL;

	for (; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns && c->ns->href &&
		    xmlStrEqual(c->ns->href, (const xmlChar *)DOMXML_NS_URI) &&
		    STREQ((const char *)c->name, name))
			return c;
	return NULL;
}

/* <virtshare:shares> in <metadata>, or NULL. */
static xmlNodePtr
records_node(const struct domxml *d)
{
	return ns_child(child(d->root, "metadata"), "shares", NULL);
}

static void
record_read(xmlNodePtr e, struct domxml_record *r)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < ARRAY_SIZE(record_attrs); i++)
		*record_field(r, i) = attr_value(e, record_attrs[i].name);
}

size_t
domxml_records(const struct domxml *d, struct domxml_record **out)
{
	xmlNodePtr shares = records_node(d);
	size_t n = 0, cap = 0;

	*out = NULL;
	for (xmlNodePtr e = ns_child(shares, "share", NULL); e;
	     e = ns_child(shares, "share", e)) {
		xgrow(out, &cap, n + 1, sizeof(**out));
		record_read(e, &(*out)[n++]);
	}
	return n;
}

/* The <virtshare:share> of tag, or NULL. */
static xmlNodePtr
record_find(xmlNodePtr shares, const char *tag)
{
	for (xmlNodePtr e = ns_child(shares, "share", NULL); e;
	     e = ns_child(shares, "share", e)) {
		AUTOFREE char *t = attr_value(e, "tag");

		if (str_is(t, tag))
			return e;
	}
	return NULL;
}

/* A new <virtshare:share> for r, in the namespace ns. */
static xmlNodePtr
record_element(struct domxml *d, xmlNsPtr ns, const struct domxml_record *r)
{
	xmlNodePtr e = xmlNewDocNode(d->doc, ns, (const xmlChar *)"share",
				     NULL);

	for (size_t i = 0; i < ARRAY_SIZE(record_attrs); i++)
		if (record_value(r, i))
			xmlNewProp(e, (const xmlChar *)record_attrs[i].name,
				   (const xmlChar *)record_value(r, i));
	return e;
}

/* <virtshare:shares>, added with <metadata> when missing. */
static xmlNodePtr
ensure_records(struct domxml *d)
{
	xmlNodePtr tdom = template_root(d, TMPL_DOMAIN);
	xmlNodePtr meta = ensure_child(d, d->root, tdom, "metadata", NULL);
	xmlNodePtr shares = records_node(d);
	xmlNsPtr ns;

	if (shares)
		return shares;
	shares = xmlNewDocNode(d->doc, NULL, (const xmlChar *)"shares", NULL);
	ns = xmlNewNs(shares, (const xmlChar *)DOMXML_NS_URI,
		      (const xmlChar *)DOMXML_NS_PREFIX);
	xmlSetNs(shares, ns);
	insert(d, meta, shares, template_child(tdom, "metadata"));
	return shares;
}

int
domxml_record_set(struct domxml *d, const struct domxml_record *r,
		  struct strlist *notes)
{
	xmlNodePtr shares, old, e;
	struct domxml_record cur;
	bool same;

	for (size_t i = 0; i < ARRAY_SIZE(record_attrs); i++)
		if (control_char(record_value(r, i)))
			return vs_error(VS_ERR_INVALID,
					_("The value of %s for the daemon "
					  "holds a control character, which a "
					  "domain definition cannot carry. "
					  "Remove it."),
					record_attrs[i].name);
	if (!r->tag)
		return vs_error(VS_ERR_INVALID,
				_("A daemon record needs the share's mount "
				  "tag."));
	if (templates_load(d) < 0)
		return -1;
	if ((old = record_find(records_node(d), r->tag))) {
		record_read(old, &cur);
		same = domxml_record_equal(&cur, r);
		domxml_record_clear(&cur);
		if (same)
			return 0;
	}
	shares = ensure_records(d);
	e = record_element(d, shares->ns, r);
	if (old) {
		/* In its place, so that the neighbours keep their bytes. */
		xmlAddPrevSibling(old, e);
		xmlUnlinkNode(old);
		xmlFreeNode(old);
		strlist_take(notes,
			     xasprintf(_("Updated virtshare's record of the "
					 "share '%1$s' in <metadata>: the "
					 "daemon serves %2$s."),
				       r->tag, r->dir ? r->dir : "?"));
	} else {
		insert(d, shares, e, template_child(template_root(
						      d, TMPL_DOMAIN),
						  "metadata"));
		strlist_take(notes,
			     xasprintf(_("Recorded in <metadata> that the "
					 "share '%1$s' is %2$s, served by "
					 "virtshare-fsd."),
				       r->tag, r->dir ? r->dir : "?"));
	}
	return 0;
}

bool
domxml_record_remove(struct domxml *d, const char *tag, struct strlist *notes)
{
	xmlNodePtr shares = records_node(d), meta, e = record_find(shares, tag);

	if (!e)
		return false;
	remove_node(e);
	strlist_take(notes, xasprintf(_("Removed virtshare's record of the "
					"share '%s' from <metadata>."),
				      tag));
	if (has_content(shares))
		return true;
	meta = shares->parent;
	remove_node(shares);
	if (!has_content(meta))
		remove_node(meta);
	return true;
}

/* ---- comparing what libvirt kept ----------------------------------------- */

static void
differ(struct strlist *diffs, const char *tag, const char *what,
       const char *want, const char *got)
{
	if (got)
		strlist_take(diffs, xasprintf(_("share '%1$s': %2$s is '%3$s' "
						"instead of '%4$s'"),
					      tag, what, got, want));
	else
		strlist_take(diffs, xasprintf(_("share '%1$s': %2$s='%3$s' "
						"was dropped"),
					      tag, what, want));
}

static void
cmp_str(struct strlist *diffs, const char *tag, const char *what,
	const char *want, const char *got)
{
	if (want && !str_is(got, want))
		differ(diffs, tag, what, want, got);
}

static void
cmp_u64(struct strlist *diffs, const char *tag, const char *what,
	uint64_t want, uint64_t got, bool set)
{
	char w[32], g[32];

	if (!set || want == got)
		return;
	snprintf(w, sizeof(w), "%" PRIu64, want);
	snprintf(g, sizeof(g), "%" PRIu64, got);
	differ(diffs, tag, what, w, g);
}

static void
cmp_switch(struct strlist *diffs, const char *tag, const char *what,
	   enum domxml_switch want, enum domxml_switch got)
{
	if (want && want != got)
		differ(diffs, tag, what, switch_str(want),
		       got ? switch_str(got) : NULL);
}

static void
cmp_share(struct strlist *diffs, const struct domxml_share *w,
	  const struct domxml_share *g)
{
	const char *t = tag_label(w->tag);

	cmp_str(diffs, t, "<source dir>", w->dir, g->dir);
	cmp_str(diffs, t, "<source socket>", w->socket, g->socket);
	cmp_u64(diffs, t, "<driver queue>", w->queue, g->queue, w->queue);
	cmp_str(diffs, t, "<binary path>", w->binary, g->binary);
	cmp_switch(diffs, t, "<binary xattr>", w->xattr, g->xattr);
	cmp_str(diffs, t, "<cache mode>", w->cache, g->cache);
	cmp_str(diffs, t, "<sandbox mode>", w->sandbox, g->sandbox);
	cmp_switch(diffs, t, "<lock posix>", w->lock_posix, g->lock_posix);
	cmp_switch(diffs, t, "<lock flock>", w->flock, g->flock);
	if (w->thread_pool >= 0 && w->thread_pool != g->thread_pool) {
		char want[16], got[16];

		snprintf(want, sizeof(want), "%d", w->thread_pool);
		snprintf(got, sizeof(got), "%d", g->thread_pool);
		differ(diffs, t, "<thread_pool size>", want,
		       g->thread_pool >= 0 ? got : NULL);
	}
	cmp_u64(diffs, t, "<openfiles max>", w->openfiles, g->openfiles,
		w->openfiles);
	if ((w->nuid || w->ngid) &&
	    (w->nuid != g->nuid || w->ngid != g->ngid))
		strlist_take(diffs, xasprintf(_("share '%s': <idmap> was "
						"dropped or changed"),
					      t));
	if (w->readonly == DOMXML_ON && g->readonly != DOMXML_ON)
		strlist_take(diffs,
			     xasprintf(_("share '%s': <readonly/> was dropped"),
				       t));
	cmp_str(diffs, t, "<alias name>", w->alias, g->alias);
}

static void
cmp_memory(struct strlist *diffs, const struct domxml_memory *w,
	   const struct domxml_memory *g)
{
	if (w->source && !str_is(g->source, w->source))
		strlist_take(diffs, xasprintf(_("memory: <source type='%s'/> "
						"was not kept"),
					      w->source));
	if (w->access && !str_is(g->access, w->access))
		strlist_take(diffs, xasprintf(_("memory: <access mode='%s'/> "
						"was not kept"),
					      w->access));
	if (w->hugepages != g->hugepages || w->npages != g->npages) {
		strlist_add(diffs, _("memory: <hugepages> was not kept"));
	} else {
		for (size_t i = 0; i < w->npages; i++)
			if (w->pages[i].size_kib &&
			    w->pages[i].size_kib != g->pages[i].size_kib)
				strlist_add(diffs, _("memory: a hugepage size "
						     "was not kept"));
	}
	for (size_t i = 0; i < w->ncells && i < g->ncells; i++)
		if (w->cells[i].mem_access &&
		    !str_is(g->cells[i].mem_access, w->cells[i].mem_access))
			strlist_take(diffs,
				     xasprintf(_("memory: memAccess of guest "
						 "NUMA cell %s was not kept"),
					       w->cells[i].id ? w->cells[i].id
							      : "?"));
}

static void
cmp_records(struct strlist *diffs, const struct domxml *want,
	    const struct domxml *got)
{
	struct domxml_record *w = NULL, *g = NULL;
	size_t nw = domxml_records(want, &w), ng = domxml_records(got, &g);

	for (size_t i = 0; i < nw; i++) {
		bool kept = false;

		for (size_t j = 0; j < ng && !kept; j++)
			kept = domxml_record_equal(&w[i], &g[j]);
		if (!kept)
			strlist_take(diffs,
				     xasprintf(_("virtshare's record of the "
						 "share '%s' in <metadata> was "
						 "not kept"),
					       tag_label(w[i].tag)));
	}
	for (size_t j = 0; j < ng; j++) {
		bool known = false;

		for (size_t i = 0; i < nw; i++)
			known |= str_same(w[i].tag, g[j].tag);
		if (!known)
			strlist_take(diffs,
				     xasprintf(_("virtshare's record of the "
						 "share '%s' is still in "
						 "<metadata>"),
					       tag_label(g[j].tag)));
	}
	domxml_records_free(w, nw);
	domxml_records_free(g, ng);
}

size_t
domxml_compare(const struct domxml *want, const struct domxml *got,
	       struct strlist *diffs)
{
	struct domxml_share *ws = NULL, *gs = NULL;
	size_t nw = domxml_shares(want, &ws), ng = domxml_shares(got, &gs);
	size_t before = diffs->n;
	struct domxml_memory wm, gm;

	for (size_t i = 0; i < nw; i++) {
		const struct domxml_share *match = NULL;

		for (size_t j = 0; j < ng && !match; j++)
			if (str_same(gs[j].tag, ws[i].tag))
				match = &gs[j];
		if (match)
			cmp_share(diffs, &ws[i], match);
		else
			strlist_take(diffs, xasprintf(_("share '%s' was "
							"dropped"),
						      tag_label(ws[i].tag)));
	}
	for (size_t j = 0; j < ng; j++) {
		bool known = false;

		for (size_t i = 0; i < nw; i++)
			known |= str_same(ws[i].tag, gs[j].tag);
		if (!known)
			strlist_take(diffs,
				     xasprintf(_("share '%s' is still there"),
					       tag_label(gs[j].tag)));
	}
	cmp_records(diffs, want, got);
	domxml_memory(want, &wm);
	domxml_memory(got, &gm);
	cmp_memory(diffs, &wm, &gm);
	domxml_memory_clear(&wm);
	domxml_memory_clear(&gm);
	domxml_shares_free(ws, nw);
	domxml_shares_free(gs, ng);
	return diffs->n - before;
}
