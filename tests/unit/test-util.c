/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-util.c: sizes, strings, JSON, tables and child processes */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "table.h"
#include "tap.h"
#include "util.h"

static void
test_sizes(void)
{
	static const struct {
		const char *in;
		int ret;
		uint64_t kib;
	} cases[] = {
		{"2M", 0, 2048}, {"2048K", 0, 2048}, {"2048k", 0, 2048},
		{"2048", 0, 2048}, {"1G", 0, 1048576}, {"1048576", 0, 1048576},
		{"2MiB", 0, 2048}, {"1GiB", 0, 1048576}, {"4KiB", 0, 4},
		{"", -1, 0}, {"M", -1, 0}, {"-2M", -1, 0}, {"2X", -1, 0},
		{"2 M", -1, 0}, {" 2M", -1, 0}, {"1.5G", -1, 0},
		{"99999999999999999999", -1, 0},
		{"18014398509481984T", -1, 0}, /* overflows KiB */
	};
	static const struct {
		uint64_t kib;
		const char *out;
	} fmt[] = {
		{4, "4K"}, {2048, "2M"}, {1048576, "1G"}, {1536, "1.5M"},
		{3 * 1048576ULL * 1024, "3T"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t kib = 0;
		int ret = size_parse_kib(cases[i].in, &kib);

		tap_ok(ret == cases[i].ret && (ret < 0 || kib == cases[i].kib),
		       "size_parse_kib(\"%s\")", cases[i].in);
	}
	for (size_t i = 0; i < ARRAY_SIZE(fmt); i++) {
		AUTOFREE char *s = size_format_kib(fmt[i].kib);

		tap_is_str(s, fmt[i].out, "size_format_kib(%llu)",
			   (unsigned long long)fmt[i].kib);
	}
}

static void
test_strings(void)
{
	uint64_t v;
	int n;
	char buf[] = "  \t padded \n";
	AUTOFREE char *p1 = path_under("/tmp/root/", "/etc/x");
	AUTOFREE char *p2 = path_under("/", "/etc/x");

	tap_ok(str_to_u64("123", &v) == 0 && v == 123, "str_to_u64 decimal");
	tap_ok(str_to_u64("12a", &v) < 0 && str_to_u64("-1", &v) < 0 &&
		   str_to_u64("", &v) < 0,
	       "str_to_u64 refuses junk, signs and empty");
	tap_ok(str_to_int("-5", &n) == 0 && n == -5, "str_to_int negative");
	tap_ok(str_to_int("99999999999", &n) < 0, "str_to_int range");
	tap_is_str(str_trim(buf), "padded", "str_trim");
	tap_is_str(p1, "/tmp/root/etc/x", "path_under a fixture root");
	tap_is_str(p2, "/etc/x", "path_under the host");
}

static void
test_json(void)
{
	struct json j;
	AUTOFREE char *doc = NULL;
	AUTOPTR(json_node) n = NULL;
	const struct json_node *f;

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

	n = json_parse(doc, strlen(doc));
	tap_ok(n && n->type == JSON_OBJ && n->n == 4, "json reader: own output");
	f = json_get(n, "s");
	tap_ok(f && f->type == JSON_STR && STREQ(f->str, "a\"b\\c\n\x01"),
	       "json reader: string escapes round trip");
	json_node_free(steal_ptr(n));

	static const char caps[] =
	    "{\"type\":\"fs\",\"features\":[\"separate-options\"]}";
	n = json_parse(caps, strlen(caps));
	f = json_get(n, "features");
	tap_ok(f && f->type == JSON_ARR && f->n == 1 &&
		   STREQ(f->kids[0].str, "separate-options"),
	       "json reader: virtiofsd capabilities");
	json_node_free(steal_ptr(n));

	static const char *const bad[] = {
		"", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "\"\\x\"", "tru",
		"{} x", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		"[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
		"]]]]]]]]]]]]]]]]]]]]]]]]]",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct json_node *b = json_parse(bad[i], strlen(bad[i]));

		tap_ok(b == NULL, "json reader refuses malformed input #%zu", i);
		json_node_free(b);
	}
}

static void
test_table(void)
{
	AUTOPTR(table) t = table_new(3);
	struct strbuf sb = STRBUF_INIT;

	table_right(t, 1);
	table_rowv(t, "size", "free", "mount");
	table_rowv(t, "2M", "1024", NULL);
	table_rowv(t, "1G", "8", "");
	table_render(t, 2, &sb);
	tap_is_str(sb_str(&sb),
		   "  size  free  mount\n"
		   "  2M    1024  -\n"
		   "  1G       8\n",
		   "table: alignment, NULL cells, no trailing blanks");
	sb_clear(&sb);
}

static void
test_run(void)
{
	char *echo[] = {(char *)"/bin/echo", (char *)"hi", NULL};
	char *fail[] = {(char *)"/bin/false", NULL};
	char *slow[] = {(char *)"/bin/sleep", (char *)"10", NULL};
	char *none[] = {(char *)"/nonexistent/prog", NULL};
	AUTOFREE char *out = NULL;

	tap_ok(run_capture(echo, 5000, 100, &out) == 0 && out &&
		   STREQ(out, "hi\n"),
	       "run_capture: output and status");
	tap_is_int(run_capture(fail, 5000, 100, NULL), 1,
		   "run_capture: exit status");
	tap_is_int(run_capture(slow, 200, 100, NULL), -1,
		   "run_capture: killed at the deadline");
	tap_is_int(run_capture(none, 5000, 100, NULL), 127,
		   "run_capture: missing program");
}

static void
test_errors(void)
{
	vs_error_reset();
	tap_is_int(vs_error_code(), VS_OK, "no error after reset");
	tap_is_int(vs_error(VS_ERR_NO_PAGES, "only %d", 3), -1,
		   "vs_error returns -1");
	tap_is_str(vs_error_message(), "only 3", "message kept");
	tap_is_str(vs_error_name(vs_error_code()), "VS_ERR_NO_PAGES",
		   "code name from the table");
	tap_is_int(vs_error_status(VS_ERR_USAGE), 2, "usage exit status");
	tap_is_int(vs_error_status(VS_ERR_LIBVIRT), 4, "libvirt exit status");
	vs_error_errno(VS_ERR_IO, 2, "open %s", "x");
	tap_is_str(vs_error_message(), "open x: No such file or directory",
		   "vs_error_errno appends strerror");
}

int
main(void)
{
	test_sizes();
	test_strings();
	test_json();
	test_table();
	test_run();
	test_errors();
	return tap_done();
}
