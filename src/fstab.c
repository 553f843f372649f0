/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fstab.c: find, add and remove a virtiofs line in fstab text */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fstab.h"
#include "util.h"

/* One line of the text: [start, start + len) without its '\n'. */
struct line {
	const char *start;
	size_t len;
	bool nl;
};

/* The fields of a line that matter here, decoded; all NULL for none. */
struct fields {
	char *spec;
	char *file;
	char *type;
};

static void
fields_clear(struct fields *f)
{
	free(f->spec);
	free(f->file);
	free(f->type);
	f->spec = f->file = f->type = NULL;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The line starting at p (p < end of text). */
static struct line
line_at(const char *p)
{
	const char *nl = strchr(p, '\n');
	struct line l = {p, nl ? (size_t)(nl - p) : strlen(p), nl != NULL};

	return l;
}

/* fstab(5) escapes: a backslash and three octal digits is that byte. */
static char *
field_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' &&
		    s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			*o++ = (char)((s[i + 1] - '0') * 64 +
				      (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Split a line into its first three fields; false for comments/blanks. */
static bool
line_fields(const struct line *l, struct fields *f)
{
	const char *p = l->start, *end = l->start + l->len;
	char **slot[] = {&f->spec, &f->file, &f->type};
	size_t k = 0;

	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p == '#')
		return false;
	while (p < end && k < ARRAY_SIZE(slot)) {
		const char *w = p;

		while (p < end && !is_blank(*p))
			p++;
		*slot[k++] = field_decode(w, (size_t)(p - w));
		while (p < end && is_blank(*p))
			p++;
	}
	return true;
}

static bool
mounts_tag(const struct fields *f, const char *tag)
{
	return f->spec && f->type && STREQ(f->spec, tag) &&
	       STREQ(f->type, "virtiofs");
}

/* The escaped form of a field for writing. */
static void
field_encode(struct strbuf *sb, const char *s)
{
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\\' || (c == '#' && p == s))
			sb_printf(sb, "\\%03o", c);
		else
			sb_addc(sb, (char)c);
	}
}

char *
fstab_find(const char *text, const char *tag)
{
	for (const char *p = text; p && *p;) {
		struct line l = line_at(p);
		struct fields f = {0};

		if (line_fields(&l, &f) && mounts_tag(&f, tag) && f.file) {
			char *dir = steal_ptr(f.file);

			fields_clear(&f);
			return dir;
		}
		fields_clear(&f);
		p = l.start + l.len + l.nl;
	}
	return NULL;
}

/* Whether the text's first line ends in CRLF. */
static bool
uses_crlf(const char *text)
{
	const char *nl = strchr(text, '\n');

	return nl && nl > text && nl[-1] == '\r';
}

/*
 * 1: text already mounts tag on dir; 0: neither tag nor dir is taken;
 * -1 (reported): one of them is taken by another line.
 */
static int
add_check(const char *text, const char *tag, const char *dir)
{
	unsigned lineno = 0;

	for (const char *p = text; *p;) {
		struct line l = line_at(p);
		struct fields f = {0};
		int rc = 0;

		lineno++;
		if (line_fields(&l, &f) && f.file) {
			bool same_dir = path_same(f.file, dir);

			if (mounts_tag(&f, tag) && same_dir)
				rc = 1;
			else if (mounts_tag(&f, tag))
				rc = vs_error(
				    VS_ERR_CONFLICT,
				    _("Line %1$u of the guest's fstab already "
				      "mounts the tag '%2$s' on %3$s. Remove "
				      "that line first, or mount the tag "
				      "there."),
				    lineno, tag, f.file);
			else if (same_dir)
				rc = vs_error(
				    VS_ERR_CONFLICT,
				    _("Line %1$u of the guest's fstab already "
				      "mounts %2$s on %3$s. Choose another "
				      "mount point for the tag '%4$s'."),
				    lineno, f.spec, f.file, tag);
		}
		fields_clear(&f);
		if (rc != 0)
			return rc;
		p = l.start + l.len + l.nl;
	}
	return 0;
}

char *
fstab_add(const char *text, const char *tag, const char *dir, bool *changed)
{
	struct strbuf sb = STRBUF_INIT;
	const char *eol;
	size_t len = strlen(text);
	int rc;

	*changed = false;
	if (!tag || !*tag) {
		vs_error(VS_ERR_INVALID,
			 _("The mount tag is empty. Give the tag of the "
			   "share."));
		return NULL;
	}
	if (!dir || dir[0] != '/') {
		vs_error(VS_ERR_INVALID,
			 _("The mount point '%1$s' is not an absolute path. "
			   "Give it from / on."),
			 dir ? dir : "");
		return NULL;
	}
	rc = add_check(text, tag, dir);
	if (rc < 0)
		return NULL;
	if (rc > 0)
		return xstrdup(text);

	eol = uses_crlf(text) ? "\r\n" : "\n";
	sb_add(&sb, text);
	if (len > 0 && text[len - 1] != '\n')
		sb_add(&sb, eol);
	field_encode(&sb, tag);
	sb_addc(&sb, ' ');
	field_encode(&sb, dir);
	sb_printf(&sb, " virtiofs %s 0 0%s", FSTAB_OPTIONS, eol);
	*changed = true;
	return sb_steal(&sb);
}

char *
fstab_remove(const char *text, const char *tag, const char *dir,
	     bool *changed)
{
	struct strbuf sb = STRBUF_INIT;

	*changed = false;
	sb_add(&sb, "");
	for (const char *p = text; *p;) {
		struct line l = line_at(p);
		struct fields f = {0};
		bool drop = line_fields(&l, &f) && mounts_tag(&f, tag) &&
			    (!dir || (f.file && path_same(f.file, dir)));

		fields_clear(&f);
		if (drop)
			*changed = true;
		else
			sb_addn(&sb, l.start, l.len + l.nl);
		p = l.start + l.len + l.nl;
	}
	return sb_steal(&sb);
}

size_t
fstab_mounts(const char *text, struct fstab_mount **out)
{
	size_t n = 0, cap = 0;

	*out = NULL;
	for (const char *p = text; p && *p;) {
		struct line l = line_at(p);
		struct fields f = {0};

		if (line_fields(&l, &f) && f.file && f.type &&
		    STREQ(f.type, "virtiofs")) {
			xgrow(out, &cap, n + 1, sizeof(**out));
			(*out)[n].tag = steal_ptr(f.spec);
			(*out)[n].dir = steal_ptr(f.file);
			n++;
		}
		fields_clear(&f);
		p = l.start + l.len + l.nl;
	}
	return n;
}

void
fstab_mounts_free(struct fstab_mount *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free(m[i].tag);
		free(m[i].dir);
	}
	free(m);
}
