/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qemuconf.c: a parser for libvirt's conf syntax and the qemu.conf keys */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "qemuconf.h"

#define QEMUCONF_MAX_SIZE (10 * 1024 * 1024) /* libvirt's own limit */
#define QEMUCONF_MAX_NESTING 16

struct parser {
	const char *path;
	const char *p;
	const char *end;
	int line;
	int nesting;
};

static int
parse_fail(struct parser *ps, const char *what)
{
	return vs_error(VS_ERR_PARSE,
			_("%1$s:%2$d: %3$s. libvirt refuses to start with this "
			  "file: correct that line."),
			ps->path, ps->line, what);
}

static bool
at_end(const struct parser *ps)
{
	return ps->p >= ps->end;
}

static char
cur(const struct parser *ps)
{
	return at_end(ps) ? '\0' : *ps->p;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_eol(char c)
{
	return c == '\n' || c == '\r';
}

static void
skip_blanks(struct parser *ps)
{
	while (!at_end(ps) && is_blank(*ps->p))
		ps->p++;
}

/* Blanks, newlines and (inside lists) comments. */
static void
skip_space(struct parser *ps, bool comments)
{
	while (!at_end(ps)) {
		char c = *ps->p;

		if (c == '\n')
			ps->line++;
		if (is_blank(c) || is_eol(c)) {
			ps->p++;
		} else if (comments && c == '#') {
			while (!at_end(ps) && !is_eol(*ps->p))
				ps->p++;
		} else {
			break;
		}
	}
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void
value_clear(struct qemuconf_value *v)
{
	for (size_t i = 0; i < v->nitems; i++)
		value_clear(&v->items[i]);
	free(v->items);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

static int
parse_string(struct parser *ps, struct qemuconf_value *v)
{
	const char *start, *end;
	bool quote3 = ps->end - ps->p >= 3 && memcmp(ps->p, "\"\"\"", 3) == 0;

	if (quote3) {
		int first_line = ps->line;

		ps->p += 3;
		start = ps->p;
		while (ps->end - ps->p >= 3 && memcmp(ps->p, "\"\"\"", 3)) {
			if (*ps->p == '\n')
				ps->line++;
			ps->p++;
		}
		if (ps->end - ps->p < 3) {
			ps->line = first_line;
			return parse_fail(ps, _("unterminated \"\"\" string"));
		}
		ps->p += 3;
	} else {
		char quote = *ps->p++;

		start = ps->p;
		while (!at_end(ps) && *ps->p != quote && !is_eol(*ps->p))
			ps->p++;
		if (cur(ps) != quote)
			return parse_fail(
			    ps, _("unterminated string (a quoted string must "
				  "end on the same line; use \"\"\" for "
				  "several lines)"));
		ps->p++;
	}
	end = ps->p - (quote3 ? 3 : 1);
	if (memchr(start, '\0', (size_t)(end - start)))
		return parse_fail(ps, _("NUL byte in a string"));
	v->str = xstrndup(start, (size_t)(end - start));
	v->type = QEMUCONF_STRING;
	return 0;
}

static int
parse_number(struct parser *ps, struct qemuconf_value *v)
{
	unsigned long long n = 0;
	bool neg = false;

	if (cur(ps) == '-' || cur(ps) == '+')
		neg = *ps->p++ == '-';
	if (!is_digit(cur(ps)))
		return parse_fail(ps, _("a sign must be followed by digits"));
	while (is_digit(cur(ps))) {
		unsigned d = (unsigned)(*ps->p++ - '0');

		if (n > (ULLONG_MAX - d) / 10)
			return parse_fail(ps, _("number too large"));
		n = n * 10 + d;
	}
	if (neg && n > (unsigned long long)LLONG_MAX + 1)
		return parse_fail(ps, _("number too large"));
	if (!neg && n > (unsigned long long)LLONG_MAX)
		return parse_fail(ps, _("number too large"));
	v->type = QEMUCONF_INT;
	v->negative = neg;
	v->num = neg ? (long long)(0 - n) : (long long)n;
	return 0;
}

static int parse_value(struct parser *ps, struct qemuconf_value *v);

static int
parse_list(struct parser *ps, struct qemuconf_value *v)
{
	size_t cap = 0;

	if (++ps->nesting > QEMUCONF_MAX_NESTING)
		return parse_fail(ps, _("lists nested too deeply"));
	v->type = QEMUCONF_LIST;
	ps->p++; /* '[' */
	skip_space(ps, true);
	while (cur(ps) != ']') {
		if (at_end(ps))
			return parse_fail(ps, _("list is not closed with ]"));
		if (v->nitems > 0) {
			if (cur(ps) != ',')
				return parse_fail(
				    ps, _("expected ',' between list items"));
			ps->p++;
			skip_space(ps, true);
			if (cur(ps) == ']')
				break;
		}
		xgrow(&v->items, &cap, v->nitems + 1, sizeof(*v->items));
		memset(&v->items[v->nitems], 0, sizeof(*v->items));
		if (parse_value(ps, &v->items[v->nitems++]) < 0)
			return -1;
		skip_space(ps, true);
	}
	ps->p++; /* ']' */
	ps->nesting--;
	return 0;
}

static int
parse_value(struct parser *ps, struct qemuconf_value *v)
{
	char c;

	skip_blanks(ps);
	c = cur(ps);
	if (at_end(ps) || is_eol(c))
		return parse_fail(ps, _("expected a value after '='"));
	if (c == '"' || c == '\'')
		return parse_string(ps, v);
	if (c == '[')
		return parse_list(ps, v);
	if (is_digit(c) || c == '-' || c == '+')
		return parse_number(ps, v);
	return parse_fail(ps, _("expected a value: a \"quoted string\", a "
				"number or a [ list ]"));
}

static int
parse_statement(struct parser *ps, struct qemuconf *c)
{
	struct qemuconf_entry *e;
	const char *start;

	skip_blanks(ps);
	if (cur(ps) == '#') {
		while (!at_end(ps) && !is_eol(*ps->p))
			ps->p++;
		return 0;
	}
	if (at_end(ps) || is_eol(cur(ps)) || cur(ps) == ';')
		return 0;
	if (!is_alpha(cur(ps)))
		return parse_fail(ps, _("expected a setting name"));
	start = ps->p;
	while (!at_end(ps) &&
	       (is_alpha(*ps->p) || is_digit(*ps->p) || *ps->p == '_'))
		ps->p++;

	xgrow(&c->entries, &c->cap, c->n + 1, sizeof(*c->entries));
	e = &c->entries[c->n++];
	memset(e, 0, sizeof(*e));
	e->name = xstrndup(start, (size_t)(ps->p - start));
	e->line = ps->line;

	skip_blanks(ps);
	if (cur(ps) != '=')
		return parse_fail(ps, _("expected '=' after the setting name"));
	ps->p++;
	if (parse_value(ps, &e->value) < 0)
		return -1;
	skip_blanks(ps);
	if (cur(ps) == '#')
		while (!at_end(ps) && !is_eol(*ps->p))
			ps->p++;
	return 0;
}

static int
parse_separator(struct parser *ps)
{
	skip_blanks(ps);
	if (at_end(ps))
		return 0;
	if (cur(ps) == ';') {
		ps->p++;
		return 0;
	}
	if (!is_eol(cur(ps)))
		return parse_fail(ps, _("unexpected text after the value (one "
					"setting per line, or separate them "
					"with ';')"));
	skip_space(ps, false);
	return 0;
}

struct qemuconf *
qemuconf_parse(const char *path, const char *text, size_t len)
{
	AUTOPTR(qemuconf) c = xcalloc(1, sizeof(*c));
	struct parser ps = {
		.path = path, .p = text, .end = text + len, .line = 1,
	};

	c->path = xstrdup(path);
	skip_space(&ps, false);
	while (!at_end(&ps)) {
		if (parse_statement(&ps, c) < 0 || parse_separator(&ps) < 0)
			return NULL;
		skip_space(&ps, false);
	}
	return steal_ptr(c);
}

const struct qemuconf_entry *
qemuconf_get(const struct qemuconf *c, const char *name)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (STREQ(c->entries[i].name, name))
			return &c->entries[i];
	return NULL;
}

void
qemuconf_free(struct qemuconf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->entries[i].name);
		value_clear(&c->entries[i].value);
	}
	free(c->entries);
	free(c->path);
	free(c);
}

/* ---- qemu.conf semantics ----------------------------------------------- */

static int
type_fail(const struct qemuconf *c, const struct qemuconf_entry *e,
	  const char *expected)
{
	return vs_error(VS_ERR_PARSE,
			_("%1$s:%2$d: '%3$s' must be %4$s. libvirt refuses to "
			  "start with this file: correct that line."),
			c->path, e->line, e->name, expected);
}

static int
get_string(const struct qemuconf *c, const char *name, char **out, bool *set)
{
	const struct qemuconf_entry *e = qemuconf_get(c, name);

	if (!e)
		return 0;
	if (e->value.type != QEMUCONF_STRING)
		return type_fail(c, e, _("a quoted string"));
	free(*out);
	*out = xstrdup(e->value.str);
	*set = true;
	return 0;
}

/* A string or a list of strings, as libvirt's compat string lists. */
static int
get_string_list(const struct qemuconf *c, const char *name,
		struct strlist *out, bool *set)
{
	const struct qemuconf_entry *e = qemuconf_get(c, name);

	if (!e)
		return 0;
	if (e->value.type == QEMUCONF_STRING) {
		strlist_add(out, e->value.str);
	} else if (e->value.type == QEMUCONF_LIST) {
		for (size_t i = 0; i < e->value.nitems; i++) {
			if (e->value.items[i].type != QEMUCONF_STRING)
				return type_fail(c, e,
						 _("a string or a list of "
						   "strings"));
			strlist_add(out, e->value.items[i].str);
		}
	} else {
		return type_fail(c, e, _("a string or a list of strings"));
	}
	*set = true;
	return 0;
}

static int
get_bool(const struct qemuconf *c, const char *name, bool *out, bool *set)
{
	const struct qemuconf_entry *e = qemuconf_get(c, name);

	if (!e)
		return 0;
	if (e->value.type != QEMUCONF_INT ||
	    (e->value.num != 0 && e->value.num != 1))
		return type_fail(c, e, _("0 or 1"));
	*out = e->value.num == 1;
	*set = true;
	return 0;
}

void
qemu_settings_clear(struct qemu_settings *s)
{
	free(s->path);
	free(s->memory_backing_dir);
	free(s->user);
	free(s->group);
	strlist_clear(&s->hugetlbfs_mount);
	strlist_clear(&s->security_driver);
	strlist_clear(&s->duplicates);
	memset(s, 0, sizeof(*s));
}

int
qemu_settings_read(const char *root, struct qemu_settings *s)
{
	AUTOPTR(qemuconf) c = NULL;
	AUTOFREE char *text = NULL;
	size_t len;

	memset(s, 0, sizeof(*s));
	s->path = path_under(root, QEMUCONF_PATH);
	s->memory_backing_dir = xstrdup(QEMUCONF_DEFAULT_MEMORY_BACKING_DIR);
	s->user = xstrdup(QEMUCONF_DEFAULT_USER);
	s->group = xstrdup(QEMUCONF_DEFAULT_GROUP);

	text = file_load(s->path, QEMUCONF_MAX_SIZE, &len);
	if (!text && errno == ENOENT) {
		/* No qemu.conf: libvirt's defaults. */
		vs_error_reset();
		return 0;
	}
	if (!text)
		return -1;
	s->present = true;
	if (!(c = qemuconf_parse(s->path, text, len)))
		return -1;
	for (size_t i = 0; i < c->n; i++)
		for (size_t j = 0; j < i; j++)
			if (STREQ(c->entries[i].name, c->entries[j].name) &&
			    !strlist_has(&s->duplicates, c->entries[i].name))
				strlist_add(&s->duplicates,
					    c->entries[i].name);

	if (get_string(c, "memory_backing_dir", &s->memory_backing_dir,
		       &s->memory_backing_dir_set) < 0 ||
	    get_string_list(c, "hugetlbfs_mount", &s->hugetlbfs_mount,
			    &s->hugetlbfs_mount_set) < 0 ||
	    get_string(c, "user", &s->user, &s->user_set) < 0 ||
	    get_string(c, "group", &s->group, &s->group_set) < 0 ||
	    get_string_list(c, "security_driver", &s->security_driver,
			    &s->security_driver_set) < 0 ||
	    get_bool(c, "virtiofsd_debug", &s->virtiofsd_debug,
		     &s->virtiofsd_debug_set) < 0)
		return -1;
	return 0;
}
