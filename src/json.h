/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.h: a small streaming JSON writer for the --json outputs */
#ifndef VS_JSON_H
#define VS_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "util.h"

#define JSON_MAX_DEPTH 32

/*
 * Build a document by nested calls; key is NULL for array elements and
 * the top-level value, a member name inside objects. Output is indented
 * with two spaces and ends with a newline. Nesting deeper than
 * JSON_MAX_DEPTH is a programming error (abort).
 */
struct json {
	struct strbuf sb;
	int depth;
	bool first[JSON_MAX_DEPTH];
};

void json_init(struct json *j);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
/* A NULL val writes null. */
void json_str(struct json *j, const char *key, const char *val);
void json_int(struct json *j, const char *key, long long val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/*
 * The member "error": {"code": NAME, "message": msg}, or null when msg
 * is NULL (what every --json document says about a failure).
 */
void json_error(struct json *j, enum vs_code code, const char *msg);
/* The finished document (caller frees); j is empty afterwards. */
char *json_steal(struct json *j);

/* Append s to sb as a quoted JSON string. */
void json_quote(struct strbuf *sb, const char *s);

/*
 * A parsed document, for the small JSON files other programs write
 * (vhost-user descriptors, --print-capabilities). Numbers are kept as
 * doubles; \u escapes outside ASCII become '?'.
 */
enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };
struct json_node {
	enum json_type type;
	bool b;
	double num;
	char *str;               /* JSON_STR */
	char *key;               /* member name inside an object */
	struct json_node *kids;  /* JSON_ARR, JSON_OBJ */
	size_t n;
};
/* Returns the tree (caller frees) or NULL if text is not valid JSON. */
struct json_node *json_parse(const char *text, size_t len);
/* The member key of an object, or NULL. Borrowed. */
const struct json_node *json_get(const struct json_node *obj,
				 const char *key);
void json_node_free(struct json_node *n);
DEFINE_AUTOPTR(json_node)

#endif
