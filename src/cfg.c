/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cfg.c: read INI files (with inih) into the desired state, and plan it */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "cfg.h"
#include "error.h"

/*
 * The file is read in two passes. inih splits lines into sections and
 * NAME = VALUE pairs; a reader of our own hands it the lines, so that we
 * know every line's number, see the section headers (inih truncates long
 * ones and says nothing of empty sections), keep inih from joining
 * indented lines, and find each line it could not make sense of (it
 * returns only the first). The second pass checks the sections and keys
 * as a whole. Every error is kept with its line, and all are reported.
 */

#if HAVE_DECL_INI_MAX_LINE
#define CFG_LINE_MAX 4096
#else
#define CFG_LINE_MAX INI_MAX_LINE
#endif

struct ini_entry {
	unsigned line;
	char *key;
	char *value;
};

struct ini_section {
	unsigned line;
	char *header; /* between [ and ], NULL before the first section */
	bool broken;  /* a line of it could not be read, or its header */
	struct ini_entry *e;
	size_t n;
	size_t cap;
};

struct cfg_error {
	unsigned line;
	enum vs_code code;
	char *msg;
};

/* [domain HOST/NAME] or [share HOST/NAME TAG]: where the file puts a
 * domain, so that a bare NAME elsewhere can be placed. */
struct placement {
	unsigned line;
	char *host;
	char *domain;
};

enum line_kind { LINE_NONE, LINE_BLANK, LINE_SECTION, LINE_KEY };

struct loader {
	const char *file;
	const char *text;
	size_t len;
	size_t pos;
	unsigned line;       /* the line last handed to inih */
	enum line_kind kind; /* what it was */
	bool handled;        /* inih made a key of it */
	struct ini_section *sec;
	size_t nsec;
	size_t capsec;
	struct cfg_error *err;
	size_t nerr;
	size_t caperr;
	struct cfg *cfg;
	struct strlist hosts;     /* the names of [host NAME], file order */
	struct placement *place;
	size_t nplace;
	const char *host;         /* of the section being read, or NULL */
};

static void
add_error(struct loader *ld, unsigned line, enum vs_code code, char *msg)
{
	xgrow(&ld->err, &ld->caperr, ld->nerr + 1, sizeof(*ld->err));
	ld->err[ld->nerr].line = line;
	ld->err[ld->nerr].code = code;
	ld->err[ld->nerr++].msg = msg;
}

/* A line that could not be read: its section's missing keys are not
 * reported as well. */
static void
syntax_error(struct loader *ld, char *msg)
{
	add_error(ld, ld->line, VS_ERR_PARSE, msg);
	if (ld->nsec)
		ld->sec[ld->nsec - 1].broken = true;
}

/* The error vs_error() just reported, now kept for line. */
static void
take_error(struct loader *ld, unsigned line)
{
	add_error(ld, line, vs_error_code(), xstrdup(vs_error_message()));
	vs_error_reset();
}

#define ERR(ld, line, ...)                                                     \
	add_error((ld), (line), VS_ERR_INVALID, xasprintf(__VA_ARGS__))

/* ---- the first pass: lines, sections, keys ------------------------------- */

static struct ini_section *
section_add(struct loader *ld, unsigned line, const char *header)
{
	struct ini_section *s;

	xgrow(&ld->sec, &ld->capsec, ld->nsec + 1, sizeof(*ld->sec));
	s = &ld->sec[ld->nsec++];
	memset(s, 0, sizeof(*s));
	s->line = line;
	s->header = header ? xstrdup(header) : NULL;
	return s;
}

/*
 * Where inih ends a section header: at ']' or at an inline comment
 * (';' after white space). Returns the ']' or NULL.
 */
static const char *
header_end(const char *s, size_t n)
{
	bool space = false;

	for (size_t i = 1; i < n; i++) {
		if (s[i] == ']')
			return s + i;
		if (space && s[i] == ';')
			return NULL;
		space = isspace((unsigned char)s[i]);
	}
	return NULL;
}

/* The line before the next: a key line inih did not take is an error. */
static void
line_done(struct loader *ld)
{
	if (ld->kind == LINE_KEY && !ld->handled)
		syntax_error(ld, xasprintf(_("Expected NAME = VALUE, a "
					     "[section] or a comment "
					     "(starting with ; or #).")));
	ld->kind = LINE_NONE;
}

/*
 * inih's fgets(): the next line, at most num - 1 bytes with its newline,
 * leading white space and a byte order mark removed. A line that does
 * not fit, holds a NUL or is a broken section header is an error of its
 * own, handed on as a blank line.
 */
static char *
reader(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	const char *start, *nl, *end;
	size_t n;

	line_done(ld);
	if (ld->pos >= ld->len || num < 3)
		return NULL;
	start = ld->text + ld->pos;
	nl = memchr(start, '\n', ld->len - ld->pos);
	end = nl ? nl : ld->text + ld->len;
	ld->pos = (size_t)(end - ld->text) + (nl ? 1 : 0);
	ld->line++;
	ld->handled = false;
	if (ld->line == 1 && end - start >= 3 &&
	    memcmp(start, "\xef\xbb\xbf", 3) == 0)
		start += 3;
	while (start < end && isspace((unsigned char)*start))
		start++;
	n = (size_t)(end - start);
	while (n && isspace((unsigned char)start[n - 1]))
		n--;
	ld->kind = LINE_BLANK;
	if (memchr(start, '\0', n)) {
		syntax_error(ld, xasprintf(_("The line holds a NUL byte: this "
					     "is not a text file.")));
		n = 0;
	} else if (n > (size_t)num - 2) {
		syntax_error(ld, xasprintf(_("The line is %1$zu bytes long; "
					     "lines may be at most %2$d."),
					   n, num - 2));
		n = 0;
	} else if (n && start[0] == '[') {
		const char *close = header_end(start, n);

		if (!close) {
			/* Its keys belong to no section we know. */
			section_add(ld, ld->line, NULL)->broken = true;
			syntax_error(ld, xasprintf(_("A section header needs "
						     "its closing ], as in "
						     "[share vm1 data].")));
			n = 0;
		} else {
			size_t hn = (size_t)(close - start - 1);
			AUTOFREE char *h = xstrndup(start + 1, hn);

			section_add(ld, ld->line, str_trim(h));
			ld->kind = LINE_SECTION;
		}
	} else if (n && !strchr(";#", start[0])) {
		ld->kind = LINE_KEY;
	}
	memcpy(str, start, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	return str;
}

static const char *
section_label(const struct ini_section *s)
{
	return s->header ? s->header : "";
}

/* inih's handler: one NAME = VALUE of the line just read. */
static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	struct ini_section *s;

	ld->handled = true;
	if (!ld->nsec)
		section_add(ld, 0, NULL);
	s = &ld->sec[ld->nsec - 1];
	for (size_t i = 0; i < s->n; i++)
		if (STREQ(s->e[i].key, name)) {
			ERR(ld, ld->line,
			    _("'%1$s' is set twice in [%2$s] (first on line "
			      "%3$u): keep one of them."),
			    name, section_label(s), s->e[i].line);
			return 1;
		}
	xgrow(&s->e, &s->cap, s->n + 1, sizeof(*s->e));
	s->e[s->n].line = ld->line;
	s->e[s->n].key = xstrdup(name);
	s->e[s->n++].value = xstrdup(value ? value : "");
	return 1;
}

/* ---- the second pass: what the sections mean ---------------------------- */

/*
 * The words of a section header: blanks separate them, "double quotes"
 * keep blanks in one. Returns the count (only the first max are kept,
 * caller frees), or -1 for an unclosed quote (none kept).
 */
static int
header_words(const char *h, char **words, int max)
{
	int n = 0;

	while (*h) {
		struct strbuf sb = STRBUF_INIT;

		while (isspace((unsigned char)*h))
			h++;
		if (!*h)
			break;
		if (*h == '"') {
			const char *q = strchr(h + 1, '"');

			if (!q) {
				for (int i = 0; i < n && i < max; i++)
					free(steal_ptr(words[i]));
				return -1;
			}
			sb_addn(&sb, h + 1, (size_t)(q - h - 1));
			h = q + 1;
		} else {
			while (*h && !isspace((unsigned char)*h))
				sb_addc(&sb, *h++);
		}
		if (n < max)
			words[n] = sb_steal(&sb);
		else
			sb_clear(&sb);
		n++;
	}
	return n;
}

/* The desired state being filled in. */
static bool
same_host(const char *a, const char *b)
{
	return a == b || (a && b && STREQ(a, b));
}

static struct cfg_domain *
domain_get(struct cfg *c, const char *host, const char *name, unsigned line,
	   bool *added)
{
	for (size_t i = 0; i < c->ndomains; i++)
		if (same_host(c->domains[i].host, host) &&
		    STREQ(c->domains[i].name, name)) {
			*added = false;
			return &c->domains[i];
		}
	c->domains = xrealloc(c->domains,
			      (c->ndomains + 1) * sizeof(*c->domains));
	memset(&c->domains[c->ndomains], 0, sizeof(*c->domains));
	c->domains[c->ndomains].name = xstrdup(name);
	c->domains[c->ndomains].host = host ? xstrdup(host) : NULL;
	c->domains[c->ndomains].line = line;
	*added = true;
	return &c->domains[c->ndomains++];
}

struct section_type;

/* One key of a kind of section. */
struct key_def {
	const char *name;
	/* Take e's value; 0, or -1 after reporting (the error gets e's
	 * line). */
	int (*take)(struct loader *ld, void *obj, const struct ini_entry *e);
};

struct section_type {
	const char *name;
	int nargs;
	const char *form;        /* for messages: "[share DOMAIN NAME]" */
	/* Whether the first argument may be HOST/NAME, and of what. */
	enum { ON_NO_HOST, ON_HOST_POOL, ON_HOST_DOMAIN } on_host;
	void (*read)(struct loader *ld, const struct ini_section *s,
		     char **args);
};

static const char *
entry_value(const struct ini_section *s, const char *key, unsigned *line)
{
	for (size_t i = 0; i < s->n; i++)
		if (STREQ(s->e[i].key, key)) {
			if (line)
				*line = s->e[i].line;
			return s->e[i].value;
		}
	return NULL;
}

/* An unknown key: what the section takes, and '_' for '-'. */
static void
unknown_key(struct loader *ld, const struct ini_section *s,
	    const struct ini_entry *e, const char *form, const char *keys)
{
	if (strchr(e->key, '-')) {
		AUTOFREE char *fixed = xstrdup(e->key);

		for (char *c = fixed; *c; c++)
			if (*c == '-')
				*c = '_';
		ERR(ld, e->line,
		    _("Unknown key '%1$s' in [%2$s]: keys are written with "
		      "'_', as in %3$s."),
		    e->key, section_label(s), fixed);
		return;
	}
	ERR(ld, e->line, _("Unknown key '%1$s' in [%2$s]. %3$s takes: %4$s."),
	    e->key, section_label(s), form, keys);
}

/* Every key must have a value. */
static bool
empty_value(struct loader *ld, const struct ini_entry *e)
{
	if (*e->value)
		return false;
	ERR(ld, e->line, _("'%s' has no value: give one after '=', or remove "
			   "the line."),
	    e->key);
	return true;
}

static void
read_host(struct loader *ld, const struct ini_section *s, char **args)
{
	if (ld->hosts.n) {
		ERR(ld, s->line,
		    _("[host] without a name cannot go with [host NAME] "
		      "sections: name this host too, as in [host %s]."),
		    ld->hosts.v[0]);
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct ini_entry *e = &s->e[i];

		if (!STREQ(e->key, "uri")) {
			unknown_key(ld, s, e, "[host]", "uri");
			continue;
		}
		if (empty_value(ld, e))
			continue;
		ld->cfg->uri = xstrdup(e->value);
		ld->cfg->uri_line = e->line;
	}
}

/* A host's name: it is shown, written in JSON and in HOST/DOMAIN. */
static bool
host_name_ok(const char *n)
{
	if (!*n)
		return false;
	for (; *n; n++)
		if (!isalnum((unsigned char)*n) && !strchr(".-_", *n))
			return false;
	return true;
}

static void
read_named_host(struct loader *ld, const struct ini_section *s, char **args)
{
	struct cfg *c = ld->cfg;
	struct cfg_host h = {.line = s->line};
	bool ok = true;

	if (!host_name_ok(args[0])) {
		ERR(ld, s->line,
		    _("'%s' cannot name a host: use letters, digits, '.', "
		      "'-' and '_', as in [host kvm7.example.org]."),
		    args[0]);
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct ini_entry *e = &s->e[i];

		if (!STREQ(e->key, "uri")) {
			unknown_key(ld, s, e, "[host NAME]", "uri");
			ok = false;
		} else if (empty_value(ld, e)) {
			ok = false;
		} else {
			h.uri = e->value;
		}
	}
	if (ok && !h.uri && !s->broken) {
		ERR(ld, s->line,
		    _("[%s] needs uri = URI: the libvirt of that host, as in "
		      "qemu+ssh://root@kvm7/system."),
		    section_label(s));
		ok = false;
	}
	for (size_t i = 0; ok && i < c->nhosts; i++)
		if (STREQ(c->hosts[i].uri, h.uri)) {
			ERR(ld, s->line,
			    _("[%1$s] has the uri of [host %2$s] (line %3$u): "
			      "one libvirt is one host, so give it one "
			      "section."),
			    section_label(s), c->hosts[i].name,
			    c->hosts[i].line);
			ok = false;
		}
	if (!ok)
		return;
	h.name = xstrdup(args[0]);
	h.uri = xstrdup(h.uri);
	c->hosts = xrealloc(c->hosts, (c->nhosts + 1) * sizeof(*c->hosts));
	c->hosts[c->nhosts++] = h;
}

static void
read_hugepages(struct loader *ld, const struct ini_section *s, char **args)
{
	struct cfg *c = ld->cfg;
	struct cfg_pool pool = {.line = s->line, .node = -1};
	AUTOFREE char *host = ld->host ? xstrdup(ld->host) : NULL;
	AUTOFREE char *size = xstrdup(args[0]);
	char *at_ = strchr(size, '@');
	unsigned line = s->line;
	const char *v;
	bool ok = true;

	if (at_) {
		*at_++ = '\0';
		if (str_to_int(at_, &pool.node) < 0 || pool.node < 0) {
			ERR(ld, s->line,
			    _("'%s' is not a NUMA node: write the host node's "
			      "number after '@', as in [hugepages 2M@0]."),
			    at_);
			ok = false;
		}
	}
	if (size_parse_kib(size, &pool.size_kib) < 0 || !pool.size_kib) {
		ERR(ld, s->line,
		    _("'%s' is not a page size: write it as 2M, 1G or "
		      "2048K, as in [hugepages 2M]."),
		    size);
		ok = false;
	}
	for (size_t i = 0; i < s->n; i++)
		if (!STREQ(s->e[i].key, "pages"))
			unknown_key(ld, s, &s->e[i], "[hugepages SIZE]",
				    "pages");
	if (!(v = entry_value(s, "pages", &line))) {
		if (!s->broken)
			ERR(ld, s->line,
			    _("[%s] needs pages = N: the fewest pages the "
			      "pool must have."),
			    section_label(s));
		ok = false;
	} else if (str_to_u64(v, &pool.pages) < 0 || !pool.pages) {
		ERR(ld, line,
		    _("pages takes a number of pages, 1 or more, not '%s'."),
		    v);
		ok = false;
	}
	for (size_t i = 0; ok && i < c->npools; i++)
		if (c->pools[i].size_kib == pool.size_kib &&
		    c->pools[i].node == pool.node) {
			ERR(ld, s->line,
			    _("[%1$s] is the same pool as the section on line "
			      "%2$u: keep one of them."),
			    section_label(s), c->pools[i].line);
			ok = false;
		}
	if (!ok)
		return;
	pool.host = steal_ptr(host);
	c->pools = xrealloc(c->pools, (c->npools + 1) * sizeof(*c->pools));
	c->pools[c->npools++] = pool;
}

static void
read_domain(struct loader *ld, const struct ini_section *s, char **args)
{
	bool added, b;
	int n;
	struct cfg_domain *d =
	    domain_get(ld->cfg, ld->host, args[0], s->line, &added);

	d->line = s->line;
	for (size_t i = 0; i < s->n; i++) {
		const struct ini_entry *e = &s->e[i];

		if (STREQ(e->key, "backing")) {
			if (empty_value(ld, e))
				continue;
			domxml_backing_clear(&d->backing);
			if (domxml_backing_parse(e->value, &d->backing) < 0)
				take_error(ld, e->line);
			else
				d->backing_given = true;
		} else if (STREQ(e->key, "prune")) {
			if (str_to_bool(e->value, &b) < 0)
				ERR(ld, e->line,
				    _("prune takes yes or no, not '%s'."),
				    e->value);
			else
				d->prune = b;
		} else if (STREQ(e->key, "root_ports")) {
			if (empty_value(ld, e))
				continue;
			if (str_to_int(e->value, &n) < 0 || n < 0 ||
			    n > SHARE_ROOT_PORTS_MAX) {
				/* The words of share --root-ports. */
				ERR(ld, e->line,
				    _("%1$s takes a whole number from %2$d to "
				      "%3$d, not '%4$s'."),
				    e->key, 0, SHARE_ROOT_PORTS_MAX, e->value);
				continue;
			}
			d->root_ports = (unsigned)n;
			d->root_ports_given = true;
		} else {
			unknown_key(ld, s, e, "[domain NAME]",
				    "backing, prune, root_ports");
		}
	}
}

/* The share keys, as a list for messages. */
static char *
share_keys(void)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add(&sb, "daemon, state, live, mount, persist_mount");
	for (size_t i = 0; share_option_names[i]; i++) {
		sb_add(&sb, ", ");
		for (const char *c = share_option_names[i]; *c; c++)
			sb_addc(&sb, *c == '-' ? '_' : *c);
	}
	return sb_steal(&sb);
}

/* The share option of an INI key ("thread_pool"), or NULL. */
static char *
share_option_of(const char *key)
{
	AUTOFREE char *name = xstrdup(key);

	if (strchr(key, '-'))
		return NULL;
	for (char *c = name; *c; c++)
		if (*c == '_')
			*c = '-';
	return share_option_known(name) ? steal_ptr(name) : NULL;
}

/* ---- what a running guest gets: live, mount, persist_mount --------------- */

/* A yes/no key into *b; -1 after keeping the error. */
static int
take_bool(struct loader *ld, const struct ini_entry *e, bool *b)
{
	if (str_to_bool(e->value, b) == 0)
		return 0;
	ERR(ld, e->line, _("%1$s takes yes or no, not '%2$s'."), e->key,
	    e->value);
	return -1;
}

static int
take_live(struct loader *ld, struct share_request *r,
	  const struct ini_entry *e)
{
	bool live;

	if (take_bool(ld, e, &live) < 0)
		return -1;
	r->config_only = !live;
	return 0;
}

static int
take_mount(struct loader *ld, struct share_request *r,
	   const struct ini_entry *e)
{
	if (share_request_mount(r, e->value, e->key) == 0)
		return 0;
	take_error(ld, e->line);
	return -1;
}

static int
take_persist(struct loader *ld, struct share_request *r,
	     const struct ini_entry *e)
{
	return take_bool(ld, e, &r->persist_mount);
}

static const struct live_key {
	const char *name;
	int (*take)(struct loader *ld, struct share_request *r,
		    const struct ini_entry *e);
} live_keys[] = {
	{"live", take_live},
	{"mount", take_mount},
	{"persist_mount", take_persist},
};

static const struct live_key *
live_key_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(live_keys); i++)
		if (STREQ(live_keys[i].name, name))
			return &live_keys[i];
	return NULL;
}

/* The rules between them and state; false after keeping the errors. */
static bool
live_keys_check(struct loader *ld, const struct ini_section *s,
		const struct cfg_share *sh)
{
	const struct share_request *r = &sh->req;
	unsigned line = s->line;
	bool ok = true;

	if (r->mount && sh->absent) {
		entry_value(s, "mount", &line);
		ERR(ld, line,
		    _("mount is for a share that is there; with state = "
		      "absent the share is unmounted and removed: leave "
		      "mount out."));
		ok = false;
	}
	if (r->persist_mount && !r->mount) {
		entry_value(s, "persist_mount", &line);
		ERR(ld, line,
		    _("persist_mount goes with mount = DIR: the directory "
		      "the guest mounts the share on."));
		ok = false;
	}
	if (r->mount && r->config_only && !sh->absent) {
		entry_value(s, "mount", &line);
		ERR(ld, line,
		    _("mount needs the share in the running guest, and live "
		      "= no leaves it out: give one of them."));
		ok = false;
	}
	return ok;
}

static void
read_share(struct loader *ld, const struct ini_section *s, char **args)
{
	struct cfg *c = ld->cfg;
	struct cfg_share sh = {.line = s->line};
	struct share_request *r = &sh.req;
	AUTOFREE char *keys = share_keys();
	unsigned line;
	const char *v;
	bool added, ok = true;

	share_request_init(r);
	r->replace = true;
	sh.host = ld->host ? xstrdup(ld->host) : NULL;
	sh.domain = xstrdup(args[0]);
	sh.name = xstrdup(args[1]);
	/* Who runs the daemon decides where the other options go. */
	if ((v = entry_value(s, "daemon", &line)) &&
	    share_request_daemon(r, v, "daemon") < 0) {
		/* The other keys would be read for the wrong daemon. */
		take_error(ld, line);
		free(sh.host);
		free(sh.domain);
		free(sh.name);
		share_request_clear(r);
		return;
	} else if (!v && entry_value(s, "socket", NULL)) {
		r->daemon = SHARE_DAEMON_EXTERNAL;
	}
	if ((v = entry_value(s, "state", &line))) {
		if (STREQ(v, "absent") || STREQ(v, "present")) {
			sh.absent = STREQ(v, "absent");
		} else {
			ERR(ld, line,
			    _("state takes present (the share is there) or "
			      "absent (it is removed), not '%s'."),
			    v);
			ok = false;
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct ini_entry *e = &s->e[i];
		AUTOFREE char *name = share_option_of(e->key);
		const struct live_key *lk = live_key_find(e->key);

		if (STREQ(e->key, "daemon") || STREQ(e->key, "state"))
			continue;
		if (lk) {
			if (empty_value(ld, e) || lk->take(ld, r, e) < 0)
				ok = false;
		} else if (STREQ(e->key, "root_ports")) {
			/* share --root-ports is where a user looks first. */
			ERR(ld, e->line,
			    _("root_ports is a key of [domain NAME], not of a "
			      "share: the spare root ports are the domain's, "
			      "for all its shares."));
			ok = false;
		} else if (!name) {
			unknown_key(ld, s, e, "[share DOMAIN NAME]", keys);
			ok = false;
		} else if (empty_value(ld, e)) {
			ok = false;
		} else if (share_request_set(r, name, e->value, e->key) < 0) {
			take_error(ld, e->line);
			ok = false;
		}
	}
	if (!r->share.tag &&
	    share_request_set(r, "tag", sh.name, "the share's name") < 0) {
		take_error(ld, s->line);
		ok = false;
	}
	/* A line of the section was lost: what seems missing may be there. */
	if (s->broken)
		ok = false;
	if (ok && !live_keys_check(ld, s, &sh))
		ok = false;
	if (ok && !sh.absent && r->daemon == SHARE_DAEMON_LIBVIRT &&
	    !r->share.dir) {
		ERR(ld, s->line,
		    _("[%s] needs dir = DIR: the host directory to share."),
		    section_label(s));
		ok = false;
	} else if (ok && !sh.absent && r->daemon == SHARE_DAEMON_EXTERNAL &&
		   !r->launch.dir && !r->share.socket) {
		ERR(ld, s->line,
		    _("[%s] needs dir = DIR, which virtshare serves with "
		      "virtshare-fsd, or socket = PATH of a daemon you run "
		      "yourself."),
		    section_label(s));
		ok = false;
	} else if (ok && !sh.absent && share_request_check(r) < 0) {
		take_error(ld, s->line);
		ok = false;
	}
	for (size_t i = 0; ok && i < c->nshares; i++)
		if (same_host(c->shares[i].host, sh.host) &&
		    STREQ(c->shares[i].domain, sh.domain) &&
		    STREQ(c->shares[i].req.share.tag, r->share.tag)) {
			ERR(ld, s->line,
			    _("The tag '%1$s' of domain '%2$s' is also the "
			      "tag of the share on line %3$u: each share "
			      "needs its own."),
			    r->share.tag, sh.domain, c->shares[i].line);
			ok = false;
		}
	if (!ok) {
		free(sh.host);
		free(sh.domain);
		free(sh.name);
		share_request_clear(r);
		return;
	}
	domain_get(c, sh.host, sh.domain, s->line, &added);
	c->shares = xrealloc(c->shares, (c->nshares + 1) * sizeof(*c->shares));
	c->shares[c->nshares++] = sh;
}

static const struct section_type section_types[] = {
	{"host", 0, "[host] or [host NAME]", ON_NO_HOST, read_host},
	{"host", 1, "[host NAME]", ON_NO_HOST, read_named_host},
	{"hugepages", 1, "[hugepages SIZE]", ON_HOST_POOL, read_hugepages},
	{"domain", 1, "[domain NAME]", ON_HOST_DOMAIN, read_domain},
	{"share", 2, "[share DOMAIN NAME]", ON_HOST_DOMAIN, read_share},
};

/* The hosts a file names, for messages: "kvm1, kvm2". */
static char *
host_list(const struct loader *ld)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < ld->hosts.n; i++)
		sb_printf(&sb, "%s%s", i ? ", " : "", ld->hosts.v[i]);
	return sb_steal(&sb);
}

/* The first pass's view of the hosts and of the domains put on one. */
static void
scan_addresses(struct loader *ld)
{
	for (size_t i = 0; i < ld->nsec; i++) {
		char *w[3] = {NULL, NULL, NULL};
		int n = ld->sec[i].header
			    ? header_words(ld->sec[i].header, w, 3)
			    : 0;
		char *slash = n >= 2 ? strchr(w[1], '/') : NULL;

		if (n == 2 && STREQ(w[0], "host") && host_name_ok(w[1]) &&
		    !strlist_has(&ld->hosts, w[1])) {
			strlist_add(&ld->hosts, w[1]);
		} else if (slash && (STREQ(w[0], "domain") ||
				     STREQ(w[0], "share"))) {
			struct placement *pl;

			ld->place = xrealloc(ld->place, (ld->nplace + 1) *
							    sizeof(*ld->place));
			pl = &ld->place[ld->nplace++];
			pl->line = ld->sec[i].line;
			pl->host = xstrndup(w[1], (size_t)(slash - w[1]));
			pl->domain = xstrdup(slash + 1);
		}
		for (int k = 0; k < 3; k++)
			free(w[k]);
	}
}

/* The host a bare domain name is on: the one host the file puts it on
 * with HOST/. NULL with *other set: on two; NULL alone: on none. */
static const char *
placed_on(const struct loader *ld, const char *domain,
	  const struct placement **first, const struct placement **other)
{
	*first = *other = NULL;
	for (size_t i = 0; i < ld->nplace; i++) {
		const struct placement *pl = &ld->place[i];

		if (!STREQ(pl->domain, domain) ||
		    !strlist_has(&ld->hosts, pl->host))
			continue;
		if (!*first)
			*first = pl;
		else if (!STREQ((*first)->host, pl->host) && !*other)
			*other = pl;
	}
	return *first && !*other ? (*first)->host : NULL;
}

/*
 * What word of section s is about: "kvm7/vm1" or "vm1" (a domain when
 * domain, else a pool's size). *host is borrowed from ld->hosts (NULL:
 * a file of one host), *name the caller's. 0, or -1 after reporting
 * (quiet: nothing reported).
 */
static int
address(struct loader *ld, const struct ini_section *s, const char *word,
	bool domain, bool quiet, const char **host, char **name)
{
	const char *slash = strchr(word, '/');
	const struct placement *a, *b;
	AUTOFREE char *h = NULL, *hosts = host_list(ld);
	const char *found;
	size_t i;

	*host = NULL;
	*name = NULL;
	if (slash) {
		h = xstrndup(word, (size_t)(slash - word));
		if (!*h || !slash[1] || strchr(slash + 1, '/')) {
			if (!quiet)
				ERR(ld, s->line,
				    _("[%s] is not a section virtshare knows: "
				      "write HOST/NAME, as in [share kvm7/vm1 "
				      "data]."),
				    s->header);
			return -1;
		}
		if (!ld->hosts.n) {
			if (!quiet)
				ERR(ld, s->line,
				    _("[%1$s] puts '%2$s' on host '%3$s', but "
				      "the file names no host: add a [host "
				      "%3$s] section with its uri, or leave "
				      "out '%3$s/'."),
				    s->header, slash + 1, h);
			return -1;
		}
		for (i = 0; i < ld->hosts.n; i++)
			if (STREQ(ld->hosts.v[i], h))
				break;
		if (i == ld->hosts.n) {
			if (!quiet)
				ERR(ld, s->line,
				    _("[%1$s] names host '%2$s', which has no "
				      "[host %2$s] section. The file's hosts "
				      "are: %3$s."),
				    s->header, h, hosts);
			return -1;
		}
		*host = ld->hosts.v[i];
		*name = xstrdup(slash + 1);
		return 0;
	}
	if (ld->hosts.n <= 1) {
		*host = ld->hosts.n ? ld->hosts.v[0] : NULL;
		*name = xstrdup(word);
		return 0;
	}
	if (domain && (found = placed_on(ld, word, &a, &b))) {
		*host = found;
		*name = xstrdup(word);
		return 0;
	}
	if (quiet)
		return -1;
	if (domain && b)
		ERR(ld, s->line,
		    _("[%1$s]: domain '%2$s' is on host %3$s (line %4$u) and "
		      "on host %5$s (line %6$u): write %3$s/%2$s or %5$s/%2$s "
		      "to say which."),
		    s->header, word, a->host, a->line, b->host, b->line);
	else
		ERR(ld, s->line,
		    _("[%1$s]: on which host? The file names several: write "
		      "HOST/%2$s with one of %3$s."),
		    s->header, word, hosts);
	return -1;
}

static void
read_section(struct loader *ld, const struct ini_section *s)
{
	char *words[3] = {NULL, NULL, NULL};
	int n;

	if (!s->header && (s->broken || !s->n))
		return;
	if (!s->header) {
		ERR(ld, s->e[0].line,
		    _("'%s' comes before any section: put it in the section "
		      "it belongs to, e.g. uri in [host]."),
		    s->e[0].key);
		return;
	}
	n = header_words(s->header, words, 3);
	if (n < 0) {
		ERR(ld, s->line,
		    _("[%s] has a quote \" that is not closed."), s->header);
		return;
	}
	/* Domain and share names end up in definitions and records. */
	for (int i = 0; i < n && i < 3; i++)
		if (str_text_check(words[i], _("the section header")) < 0) {
			take_error(ld, s->line);
			goto out;
		}
	for (size_t i = 0; n > 0 && i < ARRAY_SIZE(section_types); i++) {
		const struct section_type *t = &section_types[i];

		if (!STREQ(words[0], t->name))
			continue;
		/* [host] and [host NAME] are two kinds. */
		const char *form = t->form;

		while (n - 1 != t->nargs && i + 1 < ARRAY_SIZE(section_types) &&
		       STREQ(t[1].name, t->name))
			t = &section_types[++i];
		if (n - 1 != t->nargs) {
			ERR(ld, s->line,
			    _("[%1$s] is not a section virtshare knows: write "
			      "it as %2$s."),
			    s->header, form);
		} else if (t->on_host != ON_NO_HOST) {
			const char *host;
			char *name;

			if (address(ld, s, words[1],
				    t->on_host == ON_HOST_DOMAIN, false, &host,
				    &name) == 0) {
				free(words[1]);
				words[1] = name;
				ld->host = host;
				t->read(ld, s, words + 1);
				ld->host = NULL;
			}
		} else {
			t->read(ld, s, words + 1);
		}
		goto out;
	}
	ERR(ld, s->line,
	    _("Unknown section [%s]. A file has [host], [hugepages SIZE], "
	      "[domain NAME] and [share DOMAIN NAME] sections."),
	    s->header);
out:
	for (int i = 0; i < 3; i++)
		free(words[i]);
}

/*
 * The words of a section's header with its HOST/NAME written out where
 * the file says which host (so that [domain vm1] and [domain kvm1/vm1]
 * of a file whose vm1 is on kvm1 are the same section). As
 * header_words().
 */
static int
canon_words(struct loader *ld, const struct ini_section *s, char **w)
{
	int n = header_words(s->header, w, 3);
	const char *host;
	char *name;

	if (n < 2 || !ld->hosts.n)
		return n;
	for (size_t i = 0; i < ARRAY_SIZE(section_types); i++)
		if (STREQ(section_types[i].name, w[0]) &&
		    section_types[i].on_host != ON_NO_HOST &&
		    address(ld, s, w[1],
			    section_types[i].on_host == ON_HOST_DOMAIN, true,
			    &host, &name) == 0) {
			free(w[1]);
			w[1] = xasprintf("%s/%s", host, name);
			free(name);
			break;
		}
	return n;
}

/* Two sections with the same header. */
static void
duplicate_sections(struct loader *ld)
{
	for (size_t i = 0; i < ld->nsec; i++) {
		char *a[3] = {NULL, NULL, NULL};
		int na;

		if (!ld->sec[i].header ||
		    (na = canon_words(ld, &ld->sec[i], a)) < 0)
			continue;
		for (size_t j = 0; j < i; j++) {
			char *b[3] = {NULL, NULL, NULL};
			int nb;
			bool same;

			if (!ld->sec[j].header ||
			    (nb = canon_words(ld, &ld->sec[j], b)) < 0)
				continue;
			same = na == nb && na <= 3;
			for (int k = 0; same && k < na; k++)
				same = STREQ(a[k], b[k]);
			for (int k = 0; k < 3; k++)
				free(b[k]);
			if (!same)
				continue;
			ERR(ld, ld->sec[i].line,
			    _("[%1$s] comes twice (first on line %2$u): put "
			      "its keys in one section."),
			    ld->sec[i].header, ld->sec[j].line);
			ld->sec[i].line = 0; /* read no further */
			break;
		}
		for (int k = 0; k < 3; k++)
			free(a[k]);
	}
}

static int
error_cmp(const void *a, const void *b)
{
	const struct cfg_error *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

/* Report every error kept, sorted by line (stable), and drop them. */
static void
report_errors(struct loader *ld)
{
	struct strbuf sb = STRBUF_INIT;
	enum vs_code code;

	/* qsort is not stable: order ties by when they were found. */
	for (size_t i = 1; i < ld->nerr; i++)
		for (size_t j = i; j > 0 && error_cmp(&ld->err[j - 1],
						      &ld->err[j]) > 0;
		     j--) {
			struct cfg_error t = ld->err[j];

			ld->err[j] = ld->err[j - 1];
			ld->err[j - 1] = t;
		}
	/* The first error says how it failed (exit status), as alone. */
	code = ld->err[0].code;
	for (size_t i = 0; i < ld->nerr; i++)
		if (ld->err[i].code == VS_ERR_PARSE)
			code = VS_ERR_PARSE;
	if (ld->nerr > 1)
		sb_printf(&sb,
			  _("%1$s has %2$zu errors; nothing was changed:\n"),
			  ld->file, ld->nerr);
	for (size_t i = 0; i < ld->nerr; i++) {
		if (ld->err[i].line)
			sb_printf(&sb, "%s:%u: %s", ld->file, ld->err[i].line,
				  ld->err[i].msg);
		else
			sb_printf(&sb, "%s: %s", ld->file, ld->err[i].msg);
		if (i + 1 < ld->nerr)
			sb_addc(&sb, '\n');
		free(ld->err[i].msg);
	}
	vs_error(code, "%s", sb_str(&sb));
	sb_clear(&sb);
	ld->nerr = 0;
}

static void
loader_clear(struct loader *ld)
{
	for (size_t i = 0; i < ld->nsec; i++) {
		for (size_t j = 0; j < ld->sec[i].n; j++) {
			free(ld->sec[i].e[j].key);
			free(ld->sec[i].e[j].value);
		}
		free(ld->sec[i].e);
		free(ld->sec[i].header);
	}
	free(ld->sec);
	for (size_t i = 0; i < ld->nerr; i++)
		free(ld->err[i].msg);
	free(ld->err);
	strlist_clear(&ld->hosts);
	for (size_t i = 0; i < ld->nplace; i++) {
		free(ld->place[i].host);
		free(ld->place[i].domain);
	}
	free(ld->place);
	cfg_free(ld->cfg);
}

struct cfg *
cfg_parse(const char *file, const char *text, size_t len)
{
	struct loader ld = {.file = file, .text = text, .len = len};
	struct cfg *c;

#if HAVE_DECL_INI_MAX_LINE
	ini_max_line = CFG_LINE_MAX;
	ini_use_stack = true;
#endif
	ld.cfg = xcalloc(1, sizeof(*ld.cfg));
	ld.cfg->file = xstrdup(file);
	/* Its first error line is ours already, with every other one. */
	(void)ini_parse_stream(reader, &ld, handler, &ld);
	line_done(&ld);
	scan_addresses(&ld);
	duplicate_sections(&ld);
	for (size_t i = 0; i < ld.nsec; i++)
		if (ld.sec[i].line || !ld.sec[i].header)
			read_section(&ld, &ld.sec[i]);
	if (ld.nerr) {
		report_errors(&ld);
		loader_clear(&ld);
		return NULL;
	}
	c = steal_ptr(ld.cfg);
	loader_clear(&ld);
	return c;
}

struct cfg *
cfg_load(const char *path)
{
	size_t len = 0;
	AUTOFREE char *text = file_load(path, CFG_FILE_MAX, &len);

	return text ? cfg_parse(path, text, len) : NULL;
}

void
cfg_free(struct cfg *c)
{
	if (!c)
		return;
	free(c->file);
	free(c->comment);
	free(c->uri);
	for (size_t i = 0; i < c->nhosts; i++) {
		free(c->hosts[i].name);
		free(c->hosts[i].uri);
		free(c->hosts[i].comment);
	}
	free(c->hosts);
	for (size_t i = 0; i < c->npools; i++) {
		free(c->pools[i].comment);
		free(c->pools[i].host);
	}
	free(c->pools);
	for (size_t i = 0; i < c->ndomains; i++) {
		free(c->domains[i].host);
		free(c->domains[i].name);
		free(c->domains[i].comment);
		domxml_backing_clear(&c->domains[i].backing);
	}
	free(c->domains);
	for (size_t i = 0; i < c->nshares; i++) {
		free(c->shares[i].host);
		free(c->shares[i].domain);
		free(c->shares[i].name);
		free(c->shares[i].comment);
		share_request_clear(&c->shares[i].req);
	}
	free(c->shares);
	free(c);
}

/* ---- writing ------------------------------------------------------------- */

/* The blank line between sections. */
static void
gap_add(struct strbuf *sb)
{
	if (sb->len)
		sb_add(sb, "\n");
}

/* A word of a section header, in quotes when it has blanks. */
static void
word_add(struct strbuf *sb, const char *w)
{
	bool quote = !*w || strpbrk(w, " \t;") != NULL;

	sb_printf(sb, quote ? " \"%s\"" : " %s", w);
}

/* The first word: HOST/NAME, or NAME in a file of one host. */
static void
addressed_add(struct strbuf *sb, const char *host, const char *name)
{
	AUTOFREE char *w = host ? xasprintf("%s/%s", host, name) : NULL;

	word_add(sb, w ? w : name);
}

static void
format_pool(struct strbuf *sb, const struct cfg_pool *pool)
{
	AUTOFREE char *size = size_format_kib(pool->size_kib);
	AUTOFREE char *at = pool->node >= 0
				? xasprintf("%s@%d", size, pool->node)
				: NULL;

	gap_add(sb);
	sb_add_lines(sb, "; ", pool->comment);
	sb_add(sb, "[hugepages");
	addressed_add(sb, pool->host, at ? at : size);
	sb_add(sb, "]\n");
	sb_printf(sb, "pages = %llu\n", (unsigned long long)pool->pages);
}

static void
format_share(struct strbuf *sb, const struct cfg_share *s)
{
	const struct share_request *r = &s->req;

	gap_add(sb);
	sb_add(sb, "[share");
	addressed_add(sb, s->host, s->domain);
	word_add(sb, s->name);
	sb_add(sb, "]\n");
	sb_add_lines(sb, "; ", s->comment);
	if (r->daemon == SHARE_DAEMON_EXTERNAL)
		sb_add(sb, "daemon = external\n");
	if (s->absent)
		sb_add(sb, "state = absent\n");
	for (size_t i = 0; share_option_names[i]; i++) {
		const char *name = share_option_names[i];
		AUTOFREE char *v = share_request_get(r, name);

		if (!v || (STREQ(name, "tag") && STREQ(v, s->name)))
			continue;
		for (const char *c = name; *c; c++)
			sb_addc(sb, *c == '-' ? '_' : *c);
		sb_printf(sb, " = %s\n", v);
	}
	if (r->config_only)
		sb_add(sb, "live = no\n");
	if (r->mount)
		sb_printf(sb, "mount = %s\n", r->mount);
	if (r->persist_mount)
		sb_add(sb, "persist_mount = yes\n");
}

static void
format_domain(struct strbuf *sb, const struct cfg *c,
	      const struct cfg_domain *d)
{
	if (d->backing_given || d->prune || d->root_ports_given || d->comment) {
		gap_add(sb);
		sb_add(sb, "[domain");
		addressed_add(sb, d->host, d->name);
		sb_add(sb, "]\n");
		sb_add_lines(sb, "; ", d->comment);
		if (d->backing_given) {
			AUTOFREE char *b = domxml_backing_str(&d->backing);

			sb_printf(sb, "backing = %s\n", b);
		}
		if (d->prune)
			sb_add(sb, "prune = yes\n");
		if (d->root_ports_given)
			sb_printf(sb, "root_ports = %u\n", d->root_ports);
	}
	for (size_t i = 0; i < c->nshares; i++)
		if (same_host(c->shares[i].host, d->host) &&
		    STREQ(c->shares[i].domain, d->name))
			format_share(sb, &c->shares[i]);
}

/* The pools and domains of host (NULL: a file of one host). */
static void
format_host_parts(struct strbuf *sb, const struct cfg *c, const char *host)
{
	for (size_t i = 0; i < c->npools; i++)
		if (same_host(c->pools[i].host, host))
			format_pool(sb, &c->pools[i]);
	for (size_t i = 0; i < c->ndomains; i++)
		if (same_host(c->domains[i].host, host))
			format_domain(sb, c, &c->domains[i]);
}

char *
cfg_format(const struct cfg *c)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add_lines(&sb, "; ", c->comment);
	if (c->uri) {
		gap_add(&sb);
		sb_printf(&sb, "[host]\nuri = %s\n", c->uri);
	}
	if (!c->nhosts)
		format_host_parts(&sb, c, NULL);
	for (size_t i = 0; i < c->nhosts; i++) {
		gap_add(&sb);
		sb_add(&sb, "[host");
		word_add(&sb, c->hosts[i].name);
		sb_add(&sb, "]\n");
		sb_add_lines(&sb, "; ", c->hosts[i].comment);
		sb_printf(&sb, "uri = %s\n", c->hosts[i].uri);
		format_host_parts(&sb, c, c->hosts[i].name);
	}
	return sb_steal(&sb);
}

const struct cfg_host *
cfg_host_find(const struct cfg *c, const char *name)
{
	for (size_t i = 0; i < c->nhosts; i++)
		if (STREQ(c->hosts[i].name, name))
			return &c->hosts[i];
	return NULL;
}

/* ---- the plan ------------------------------------------------------------ */

static void
plan_domain_of(struct loader *ld, const struct cfg *c,
	       const struct cfg_domain *d, const struct cfg_env *env,
	       struct plan *p)
{
	struct strlist keep = {0};
	bool present = false;

	if (plan_domain(p, plan_target_libvirt(env->conn, d->name)) < 0) {
		take_error(ld, d->line);
		return;
	}
	for (size_t i = 0; i < c->nshares; i++)
		present |= same_host(c->shares[i].host, d->host) &&
			   STREQ(c->shares[i].domain, d->name) &&
			   !c->shares[i].absent;
	/* Once for the domain: as asked, else chosen when it gets shares. */
	if ((d->backing_given || present) &&
	    plan_backing(p, plan_target_libvirt(env->conn, d->name),
			 d->backing_given ? &d->backing : NULL, env->in) < 0) {
		take_error(ld, d->line);
		return;
	}
	for (size_t i = 0; i < c->nshares; i++) {
		const struct cfg_share *s = &c->shares[i];
		struct share_request r;
		int rc;

		if (!same_host(s->host, d->host) || !STREQ(s->domain, d->name))
			continue;
		strlist_add(&keep, s->req.share.tag);
		if (s->absent) {
			/* A running guest lets go of it now, as unshare
			 * does, unless live = no. */
			rc = plan_unshare(
			    p, plan_target_libvirt(env->conn, d->name),
			    s->req.share.tag,
			    PLAN_UNSHARE_MISSING_OK |
				(s->req.config_only ? PLAN_UNSHARE_CONFIG_ONLY
						    : 0));
		} else {
			share_request_copy(&r, &s->req);
			/* The domain's backing is in place already: each
			 * share keeps it. */
			domxml_backing_clear(&r.backing);
			r.backing.kind = DOMXML_BACKING_KEEP;
			r.backing_given = true;
			/* The guest's controllers are the domain's to say. */
			if (d->root_ports_given)
				r.root_ports = d->root_ports;
			rc = plan_share(p,
					plan_target_libvirt(env->conn, d->name),
					&r, env->in, env->root);
			share_request_clear(&r);
		}
		if (rc < 0)
			take_error(ld, s->line);
	}
	if (d->prune &&
	    plan_prune(p, plan_target_libvirt(env->conn, d->name), &keep) < 0)
		take_error(ld, d->line);
	strlist_clear(&keep);
}

static void
plan_pools_of(struct loader *ld, const struct cfg *c, const char *host,
	      const struct cfg_env *env, struct plan *p)
{
	for (size_t i = 0; i < c->npools; i++)
		if (same_host(c->pools[i].host, host) &&
		    plan_pages(p, &env->pages, env->pools, c->pools[i].size_kib,
			       c->pools[i].node, c->pools[i].pages) < 0)
			take_error(ld, c->pools[i].line);
}

/* Report what planning found wrong, as cfg_parse() does. */
static int
plan_done(struct loader *ld)
{
	if (!ld->nerr)
		return 0;
	report_errors(ld);
	free(ld->err);
	return -1;
}

int
cfg_plan(const struct cfg *c, const struct cfg_env *env, struct plan *p)
{
	struct loader ld = {.file = c->file};

	plan_pools_of(&ld, c, NULL, env, p);
	for (size_t i = 0; i < c->ndomains; i++)
		plan_domain_of(&ld, c, &c->domains[i], env, p);
	return plan_done(&ld);
}

int
cfg_plan_pools(const struct cfg *c, const char *host,
	       const struct cfg_env *env, struct plan *p)
{
	struct loader ld = {.file = c->file};

	plan_pools_of(&ld, c, host, env, p);
	return plan_done(&ld);
}

int
cfg_plan_domain(const struct cfg *c, const struct cfg_domain *d,
		const struct cfg_env *env, struct plan *p)
{
	struct loader ld = {.file = c->file};

	plan_domain_of(&ld, c, d, env, p);
	return plan_done(&ld);
}
