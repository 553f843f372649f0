/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-json.c: the JSON writer and reader (json.c) */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

static void
test_writer(void)
{
	struct json j;
	AUTOFREE char *doc = NULL;

	json_init(&j);
	json_obj_begin(&j, NULL);
	json_str(&j, "s", "a\"b\\c\n\x01");
	json_int(&j, "i", -3);
	json_arr_begin(&j, "empty");
	json_arr_end(&j);
	json_arr_begin(&j, "l");
	json_bool(&j, NULL, true);
	json_null(&j, NULL);
	json_arr_end(&j);
	json_obj_end(&j);
	doc = json_steal(&j);
	tap_is_str(doc,
		   "{\n  \"s\": \"a\\\"b\\\\c\\n\\u0001\",\n  \"i\": -3,\n"
		   "  \"empty\": [],\n  \"l\": [\n    true,\n    null\n  ]\n}\n",
		   "json writer: escapes, nesting, empty arrays");
}

/* Each kind of value, and the nesting of objects in arrays. */
static void
test_writer_values(void)
{
	struct json j;
	AUTOFREE char *doc = NULL;

	json_init(&j);
	json_obj_begin(&j, NULL);
	json_u64(&j, "big", UINT64_MAX);
	json_int(&j, "min", -9223372036854775807LL - 1);
	json_bool(&j, "no", false);
	json_str(&j, "none", NULL);
	json_str(&j, "tab", "a\tb\rc");
	json_obj_begin(&j, "empty");
	json_obj_end(&j);
	json_arr_begin(&j, "objs");
	json_obj_begin(&j, NULL);
	json_int(&j, "n", 1);
	json_obj_end(&j);
	json_obj_begin(&j, NULL);
	json_obj_end(&j);
	json_arr_end(&j);
	json_obj_end(&j);
	doc = json_steal(&j);
	tap_is_str(doc,
		   "{\n"
		   "  \"big\": 18446744073709551615,\n"
		   "  \"min\": -9223372036854775808,\n"
		   "  \"no\": false,\n"
		   "  \"none\": null,\n"
		   "  \"tab\": \"a\\tb\\rc\",\n"
		   "  \"empty\": {},\n"
		   "  \"objs\": [\n"
		   "    {\n"
		   "      \"n\": 1\n"
		   "    },\n"
		   "    {}\n"
		   "  ]\n"
		   "}\n",
		   "json writer: u64, int, false, null, tab and CR, "
		   "objects in arrays");

	json_init(&j);
	json_str(&j, NULL, "top");
	doc = (free(doc), json_steal(&j));
	tap_is_str(doc, "\"top\"\n", "json writer: a lone top-level value");
}

static void
test_quote(void)
{
	struct strbuf sb = STRBUF_INIT;

	json_quote(&sb, "");
	sb_add(&sb, " ");
	json_quote(&sb, "\x1f\x7f\xc3\xa4/");
	tap_is_str(sb_str(&sb), "\"\" \"\\u001f\x7f\xc3\xa4/\"",
		   "json_quote: control characters escaped, UTF-8 and / kept");
	sb_clear(&sb);
}

static void
test_reader(void)
{
	static const char caps[] =
	    "{\"type\":\"fs\",\"features\":[\"separate-options\"]}";
	static const char doc[] =
	    " {\"n\": -1.5e2, \"t\": true, \"f\": false, \"z\": null,\n"
	    "  \"s\": \"\\u0041\\u00e4\\/\\b\\f\\t\", \"o\": {\"a\": [1, {}]},"
	    "  \"s\": \"second\"}\t\n";
	AUTOPTR(json_node) n = NULL;
	const struct json_node *f;
	struct json j;
	AUTOFREE char *own = NULL;

	json_init(&j);
	json_obj_begin(&j, NULL);
	json_str(&j, "s", "a\"b\\c\n\x01");
	json_arr_begin(&j, "l");
	json_null(&j, NULL);
	json_arr_end(&j);
	json_obj_end(&j);
	own = json_steal(&j);
	n = json_parse(own, strlen(own));
	tap_ok(n && n->type == JSON_OBJ && n->n == 2, "json reader: own output");
	f = json_get(n, "s");
	tap_ok(f && f->type == JSON_STR && STREQ(f->str, "a\"b\\c\n\x01"),
	       "json reader: string escapes round trip");
	json_node_free(steal_ptr(n));

	n = json_parse(caps, strlen(caps));
	f = json_get(n, "features");
	tap_ok(f && f->type == JSON_ARR && f->n == 1 &&
		   STREQ(f->kids[0].str, "separate-options"),
	       "json reader: virtiofsd capabilities");
	json_node_free(steal_ptr(n));

	n = json_parse(doc, strlen(doc));
	tap_ok(n != NULL, "json reader: white space around and inside");
	f = json_get(n, "n");
	tap_ok(f && f->type == JSON_NUM && f->num == -150.0,
	       "json reader: a number with sign, fraction and exponent");
	f = json_get(n, "t");
	tap_ok(f && f->type == JSON_BOOL && f->b, "json reader: true");
	f = json_get(n, "f");
	tap_ok(f && f->type == JSON_BOOL && !f->b, "json reader: false");
	f = json_get(n, "z");
	tap_ok(f && f->type == JSON_NULL, "json reader: null");
	f = json_get(n, "s");
	tap_ok(f && f->type == JSON_STR && STREQ(f->str, "A?/\b\f\t"),
	       "json reader: \\u escapes (non-ASCII as ?), the first of "
	       "two equal keys");
	f = json_get(json_get(n, "o"), "a");
	tap_ok(f && f->type == JSON_ARR && f->n == 2 &&
		   f->kids[0].type == JSON_NUM && f->kids[0].num == 1 &&
		   f->kids[1].type == JSON_OBJ && f->kids[1].n == 0,
	       "json reader: nested object and array");
	tap_ok(!json_get(n, "missing") && !json_get(f, "a") &&
		   !json_get(NULL, "a"),
	       "json_get: a missing key, an array, NULL");
	/* The length is what counts, not a NUL. */
	json_node_free(steal_ptr(n));
	n = json_parse("[1] trailing", 3);
	tap_ok(n && n->type == JSON_ARR && n->n == 1,
	       "json reader: reads len bytes only");
}

static void
test_reader_refuses(void)
{
	static const char *const bad[] = {
		"", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "\"\\x\"", "tru",
		"{} x", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		"[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
		"]]]]]]]]]]]]]]]]]]]]]]]]]",
		"\"a\nb\"", "\"\\u12g4\"", "\"open", "{1: 2}", "[1,]", "-",
		"1.2.3", "nul", "[\"a\" \"b\"]",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct json_node *b = json_parse(bad[i], strlen(bad[i]));

		tap_ok(b == NULL, "json reader refuses malformed input #%zu", i);
		json_node_free(b);
	}
}

int
main(void)
{
	test_writer();
	test_writer_values();
	test_quote();
	test_reader();
	test_reader_refuses();
	return tap_done();
}
