/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-util.c: sizes, strings, text, paths, files and child processes */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
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
test_text(void)
{
	static const struct {
		const char *in;
		bool text;
		const char *name;
	} cases[] = {
		{"data", true, "ASCII"},
		{"d\xc3\xa4ta-\xe2\x82\xac-\xf0\x9f\x93\x81", true,
		 "two, three and four byte UTF-8"},
		{"", true, "empty"},
		{"a\xff" "b", false, "a byte that is never UTF-8"},
		{"\xe4ta", false, "Latin-1"},
		{"\xc0\xaf", false, "overlong '/'"},
		{"\xe0\x80\xaf", false, "overlong three bytes"},
		{"\xed\xa0\x80", false, "a surrogate"},
		{"\xf4\x90\x80\x80", false, "beyond U+10FFFF"},
		{"\xe2\x82", false, "cut short at the end"},
		{"\xe2\x82x", false, "cut short before ASCII"},
		{"\x80", false, "a continuation byte alone"},
		{"a\tb", false, "a tab"},
		{"a\x7f", false, "DEL"},
		{"\xef\xbf\xbe", false, "U+FFFE"},
		{"\xef\xbf\xbf", false, "U+FFFF"},
		{"\xef\xbf\xbd", true, "U+FFFD"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		tap_ok(str_is_text(cases[i].in) == cases[i].text,
		       "str_is_text: %s", cases[i].name);
	tap_ok(str_is_text(NULL), "str_is_text: NULL");
	vs_error_reset();
	tap_ok(str_text_check("a\xff" "b", "--tag") == -1 &&
		       vs_error_code() == VS_ERR_INVALID &&
		       strstr(vs_error_message(), "--tag") &&
		       strstr(vs_error_message(), "byte 2 is 0xFF") &&
		       !strchr(vs_error_message(), '\xff'),
	       "str_text_check names the option and the byte, not the value");
	tap_ok(str_text_check("\xef\xbf\xbf", "dir") == -1 &&
		       strstr(vs_error_message(), "U+FFFF"),
	       "str_text_check names a character XML refuses");
	tap_ok(str_text_check("/srv/d\xc3\xa4ta", "dir") == 0,
	       "str_text_check takes UTF-8");
}

static void
test_paths(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"/srv/share", "/srv/share"},
		{"/srv/share/", "/srv/share"},
		{"/srv//share///", "/srv/share"},
		{"/srv/./share/.", "/srv/share"},
		{"/srv/share/../share", "/srv/share"},
		{"/srv/a/b/../../share", "/srv/share"},
		{"/..", "/"},
		{"/../srv", "/srv"},
		{"/", "/"},
		{"//", "/"},
		{"/srv/..", "/"},
		{"/srv/...", "/srv/..."},
		{"/srv/.x/", "/srv/.x"},
		{"relative/./x/", "relative/./x/"},
	};
	char tmpl[] = "/tmp/test-util.XXXXXX";
	const char *root = mkdtemp(tmpl);
	AUTOFREE char *srv = NULL, *real = NULL, *dir = NULL, *link = NULL;
	char *got;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		AUTOFREE char *c = path_canon(cases[i].in);

		tap_is_str(c, cases[i].out, "path_canon(\"%s\")", cases[i].in);
	}
	tap_ok(path_same("/srv/share/", "/srv/share") &&
		   path_same("/srv/share/../share", "/srv//share") &&
		   !path_same("/srv/share", "/srv/other") &&
		   !path_same("/srv/share", NULL) && path_same(NULL, NULL),
	       "path_same compares canonical forms");
	if (!root) {
		tap_skip(4, "no temporary directory");
		return;
	}
	srv = xasprintf("%s/srv", root);
	real = xasprintf("%s/srv/real", root);
	dir = xasprintf("%s/srv/real/sub", root);
	link = xasprintf("%s/srv/link", root);
	tap_ok(mkdir(srv, 0700) == 0 && mkdir(real, 0700) == 0 &&
		   mkdir(dir, 0700) == 0 && symlink("real/sub", link) == 0,
	       "a fixture with a symbolic link");
	vs_error_reset();
	got = path_canon_at("/srv/link/../x", root);
	tap_ok(!got && vs_error_code() == VS_ERR_INVALID &&
		   strstr(vs_error_message(), "/srv/link/../x") &&
		   strstr(vs_error_message(), "link /srv/link "),
	       "path_canon_at refuses '..' after a symbolic link");
	free(got);
	got = path_canon_at("/srv/real/sub/../sub/", root);
	tap_is_str(got, "/srv/real/sub",
		   "path_canon_at takes '..' after a directory");
	free(got);
	got = path_canon_at("/srv/link/./", root);
	tap_is_str(got, "/srv/link", "path_canon_at keeps a link as written");
	free(got);
	got = path_canon_at("/srv/link/../x", NULL);
	tap_is_str(got, "/srv/x", "path_canon_at looks at nothing without a root");
	free(got);
	unlink(link);
	rmdir(dir);
	rmdir(real);
	rmdir(srv);
	rmdir(root);
}

static void
test_file_load(void)
{
	char tmpl[] = "/tmp/test-util.XXXXXX";
	const char *dir = mkdtemp(tmpl);
	AUTOFREE char *missing = NULL, *big = NULL, *small = NULL;
	char *text;
	FILE *f;

	if (!dir) {
		tap_skip(4, "no temporary directory");
		return;
	}
	missing = xasprintf("%s/missing.xml", dir);
	big = xasprintf("%s/big.xml", dir);
	small = xasprintf("%s/small.xml", dir);
	if ((f = fopen(big, "w"))) {
		for (int i = 0; i < 2048; i++)
			fputs("0123456789abcdef", f);
		fclose(f);
	}
	if ((f = fopen(small, "w"))) {
		fputs("<domain/>", f);
		fclose(f);
	}
	text = file_load(missing, 4096, NULL);
	tap_ok(!text && vs_error_code() == VS_ERR_NOT_FOUND &&
		   vs_error_status(vs_error_code()) == 1 &&
		   strstr(vs_error_message(), "no such file"),
	       "file_load: a missing file is not found (1)");
	text = file_load(big, 4096, NULL);
	tap_ok(!text && vs_error_code() == VS_ERR_INVALID &&
		   vs_error_status(vs_error_code()) == 3 &&
		   strstr(vs_error_message(), "larger than 4 KiB") &&
		   !strstr(vs_error_message(), "File too large"),
	       "file_load: a file over the limit is refused (3)");
	text = file_load(dir, 4096, NULL);
	tap_ok(!text && vs_error_code() == VS_ERR_INVALID &&
		   strstr(vs_error_message(), "is a directory"),
	       "file_load: a directory is refused (3)");
	text = file_load(small, 4096, NULL);
	tap_is_str(text, "<domain/>", "file_load: a file within the limit");
	free(text);
	unlink(missing);
	unlink(big);
	unlink(small);
	rmdir(dir);
}

int
main(void)
{
	test_sizes();
	test_strings();
	test_run();
	test_text();
	test_paths();
	test_file_load();
	return tap_done();
}
