/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.c: a small streaming JSON writer */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void
json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
	j->first[0] = true;
}

void
json_quote(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': sb_add(sb, "\\\""); break;
		case '\\': sb_add(sb, "\\\\"); break;
		case '\n': sb_add(sb, "\\n"); break;
		case '\t': sb_add(sb, "\\t"); break;
		case '\r': sb_add(sb, "\\r"); break;
		default:
			if (*p < 0x20)
				sb_printf(sb, "\\u%04x", *p);
			else
				sb_addc(sb, (char)*p);
		}
	}
	sb_addc(sb, '"');
}

static void
json_indent(struct json *j)
{
	sb_addc(&j->sb, '\n');
	for (int i = 0; i < j->depth; i++)
		sb_add(&j->sb, "  ");
}

/* Separator, indentation and "key": before any value. */
static void
json_prefix(struct json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			sb_addc(&j->sb, ',');
		json_indent(j);
	}
	j->first[j->depth] = false;
	if (key) {
		json_quote(&j->sb, key);
		sb_add(&j->sb, ": ");
	}
}

static void
json_open(struct json *j, const char *key, char c)
{
	json_prefix(j, key);
	sb_addc(&j->sb, c);
	if (++j->depth >= JSON_MAX_DEPTH)
		abort();
	j->first[j->depth] = true;
}

static void
json_close(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	j->depth--;
	if (!empty)
		json_indent(j);
	sb_addc(&j->sb, c);
}

void
json_obj_begin(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void
json_obj_end(struct json *j)
{
	json_close(j, '}');
}

void
json_arr_begin(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void
json_arr_end(struct json *j)
{
	json_close(j, ']');
}

void
json_str(struct json *j, const char *key, const char *val)
{
	json_prefix(j, key);
	if (val)
		json_quote(&j->sb, val);
	else
		sb_add(&j->sb, "null");
}

void
json_int(struct json *j, const char *key, long long val)
{
	json_prefix(j, key);
	sb_printf(&j->sb, "%lld", val);
}

void
json_u64(struct json *j, const char *key, uint64_t val)
{
	json_prefix(j, key);
	sb_printf(&j->sb, "%" PRIu64, val);
}

void
json_bool(struct json *j, const char *key, bool val)
{
	json_prefix(j, key);
	sb_add(&j->sb, val ? "true" : "false");
}

void
json_null(struct json *j, const char *key)
{
	json_prefix(j, key);
	sb_add(&j->sb, "null");
}

void
json_error(struct json *j, enum vs_code code, const char *msg)
{
	if (!msg) {
		json_null(j, "error");
		return;
	}
	json_obj_begin(j, "error");
	json_str(j, "code", vs_error_name(code));
	json_str(j, "message", msg);
	json_obj_end(j);
}

char *
json_steal(struct json *j)
{
	sb_addc(&j->sb, '\n');
	return sb_steal(&j->sb);
}

/* ---- reading ------------------------------------------------------------ */

#define JSON_PARSE_MAX_DEPTH 64

struct jparser {
	const char *p;
	const char *end;
	int depth;
};

static void
jp_space(struct jparser *jp)
{
	while (jp->p < jp->end && strchr(" \t\r\n", *jp->p) && *jp->p)
		jp->p++;
}

static bool
jp_lit(struct jparser *jp, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, lit, n))
		return false;
	jp->p += n;
	return true;
}

static char *
jp_string(struct jparser *jp)
{
	struct strbuf sb = STRBUF_INIT;

	if (jp->p >= jp->end || *jp->p != '"')
		return NULL;
	jp->p++;
	sb_add(&sb, "");
	while (jp->p < jp->end && *jp->p != '"') {
		char c = *jp->p++;

		if ((unsigned char)c < 0x20)
			goto bad;
		if (c != '\\') {
			sb_addc(&sb, c);
			continue;
		}
		if (jp->p >= jp->end)
			goto bad;
		c = *jp->p++;
		switch (c) {
		case '"': case '\\': case '/': sb_addc(&sb, c); break;
		case 'b': sb_addc(&sb, '\b'); break;
		case 'f': sb_addc(&sb, '\f'); break;
		case 'n': sb_addc(&sb, '\n'); break;
		case 'r': sb_addc(&sb, '\r'); break;
		case 't': sb_addc(&sb, '\t'); break;
		case 'u': {
			unsigned v = 0;

			for (int i = 0; i < 4; i++) {
				char h = jp->p < jp->end ? *jp->p++ : 0;

				v <<= 4;
				if (h >= '0' && h <= '9')
					v |= (unsigned)(h - '0');
				else if (h >= 'a' && h <= 'f')
					v |= (unsigned)(h - 'a' + 10);
				else if (h >= 'A' && h <= 'F')
					v |= (unsigned)(h - 'A' + 10);
				else
					goto bad;
			}
			sb_addc(&sb, v && v < 0x80 ? (char)v : '?');
			break;
		}
		default:
			goto bad;
		}
	}
	if (jp->p >= jp->end)
		goto bad;
	jp->p++;
	return sb_steal(&sb);
bad:
	sb_clear(&sb);
	return NULL;
}

static void
json_node_clear(struct json_node *n)
{
	for (size_t i = 0; i < n->n; i++)
		json_node_clear(&n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n->key);
}

static bool jp_value(struct jparser *jp, struct json_node *out);

static bool
jp_container(struct jparser *jp, struct json_node *out, bool obj)
{
	size_t cap = 0;
	char close = obj ? '}' : ']';

	if (++jp->depth > JSON_PARSE_MAX_DEPTH)
		return false;
	out->type = obj ? JSON_OBJ : JSON_ARR;
	jp->p++;
	jp_space(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		jp->depth--;
		return true;
	}
	for (;;) {
		struct json_node *kid;
		char *key = NULL;

		jp_space(jp);
		if (obj) {
			if (!(key = jp_string(jp)))
				return false;
			jp_space(jp);
			if (jp->p >= jp->end || *jp->p != ':') {
				free(key);
				return false;
			}
			jp->p++;
		}
		xgrow(&out->kids, &cap, out->n + 1, sizeof(*out->kids));
		kid = &out->kids[out->n++];
		memset(kid, 0, sizeof(*kid));
		kid->key = key;
		if (!jp_value(jp, kid))
			return false;
		jp_space(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			jp->depth--;
			return true;
		}
		return false;
	}
}

static bool
jp_value(struct jparser *jp, struct json_node *out)
{
	jp_space(jp);
	if (jp->p >= jp->end)
		return false;
	switch (*jp->p) {
	case '{': return jp_container(jp, out, true);
	case '[': return jp_container(jp, out, false);
	case '"':
		out->type = JSON_STR;
		return (out->str = jp_string(jp)) != NULL;
	case 't': out->type = JSON_BOOL; out->b = true; return jp_lit(jp, "true");
	case 'f': out->type = JSON_BOOL; return jp_lit(jp, "false");
	case 'n': out->type = JSON_NULL; return jp_lit(jp, "null");
	default: {
		char buf[64], *end;
		size_t n = 0;

		while (jp->p + n < jp->end && n < sizeof(buf) - 1 &&
		       strchr("+-0123456789.eE", jp->p[n]) && jp->p[n])
			n++;
		if (!n)
			return false;
		memcpy(buf, jp->p, n);
		buf[n] = '\0';
		out->type = JSON_NUM;
		out->num = strtod(buf, &end);
		jp->p += n;
		return *end == '\0';
	}
	}
}

struct json_node *
json_parse(const char *text, size_t len)
{
	struct jparser jp = {.p = text, .end = text + len};
	struct json_node *n = xcalloc(1, sizeof(*n));

	if (!jp_value(&jp, n)) {
		json_node_free(n);
		return NULL;
	}
	jp_space(&jp);
	if (jp.p != jp.end) {
		json_node_free(n);
		return NULL;
	}
	return n;
}

const struct json_node *
json_get(const struct json_node *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (obj->kids[i].key && STREQ(obj->kids[i].key, key))
			return &obj->kids[i];
	return NULL;
}

void
json_node_free(struct json_node *n)
{
	if (!n)
		return;
	json_node_clear(n);
	free(n);
}
