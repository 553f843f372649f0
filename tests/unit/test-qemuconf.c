/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-qemuconf.c: libvirt conf syntax and qemu.conf settings */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "qemuconf.h"
#include "tap.h"

/* A successful parse: the value of key rendered as text. */
struct ok_case {
	const char *name;
	const char *text;
	const char *key;    /* NULL: expect no entries */
	const char *expect; /* rendered value of key */
};

/* A refused parse: the line named in the message and a word from it. */
struct err_case {
	const char *name;
	const char *text;
	int line;
	const char *words;
};

static const struct ok_case ok_cases[] = {
	{"empty file", "", NULL, NULL},
	{"comments and blank lines only", "# a\n\n   # b\n\t\n", NULL, NULL},
	{"double-quoted string", "user = \"qemu\"\n", "user", "s:qemu"},
	{"single-quoted string", "user = 'qemu'\n", "user", "s:qemu"},
	{"no blanks around =", "user=\"qemu\"", "user", "s:qemu"},
	{"triple-quoted string over lines",
	 "x = \"\"\"line1\nline2\"\"\"\n", "x", "s:line1\nline2"},
	{"single quote inside double quotes", "x = \"it's\"", "x", "s:it's"},
	{"backslash kept as written (libvirt has no escapes)",
	 "x = \"a\\tb\\\\\"\n", "x", "s:a\\tb\\\\"},
	{"integer", "virtiofsd_debug = 1\n", "virtiofsd_debug", "i:1"},
	{"negative integer", "x = -42\n", "x", "i:-42"},
	{"integer with plus sign", "x = +7\n", "x", "i:7"},
	{"largest integer", "x = 9223372036854775807\n", "x",
	 "i:9223372036854775807"},
	{"list over several lines with comments and a trailing comma",
	 "l = [\n  \"a\",  # first\n  # between\n  \"b\",\n]\n", "l",
	 "[s:a,s:b]"},
	{"empty list", "l = [ ]\n", "l", "[]"},
	{"nested list", "l = [ [1, 2], \"x\" ]\n", "l", "[[i:1,i:2],s:x]"},
	{"statements separated by ;", "a = 1; b = \"x\"\n", "b", "s:x"},
	{"comment after a value", "user = \"q\" # the user\n", "user",
	 "s:q"},
	{"CRLF line endings", "a = 1\r\nb = 2\r\n", "b", "i:2"},
	{"duplicate key: the first one counts, as in libvirt",
	 "user = \"first\"\nuser = \"second\"\n", "user", "s:first"},
	{"names with digits and underscores", "nvram_2 = \"x\"\n", "nvram_2",
	 "s:x"},
	{"no newline at the end", "group = \"kvm\"", "group", "s:kvm"},
	{"blanks before the name", "   \tgroup = \"kvm\"\n", "group",
	 "s:kvm"},
};

static const struct err_case err_cases[] = {
	{"unterminated double-quoted string", "a = 1\nuser = \"qemu\n", 2,
	 "unterminated"},
	{"unterminated single-quoted string", "user = 'qemu\n", 1,
	 "unterminated"},
	{"unterminated triple-quoted string: the line where it starts",
	 "a = 1\nx = \"\"\"abc\n\ndef\n", 2, "unterminated"},
	{"missing =", "user \"qemu\"\n", 1, "expected '='"},
	{"missing value", "user =\n", 1, "expected a value"},
	{"missing value at end of file", "user = ", 1, "expected a value"},
	{"bare word value", "user = qemu\n", 1, "expected a value"},
	{"list items without comma", "l = [ \"a\" \"b\" ]\n", 1,
	 "expected ','"},
	{"list not closed", "l = [ \"a\",\n \"b\"\n", 3, "not closed"},
	{"number too large", "x = 99999999999999999999\n", 1, "too large"},
	{"sign without digits", "x = -\n", 1, "digits"},
	{"two statements on one line", "a = 1 b = 2\n", 1, "one setting"},
	{"name starting with a digit", "1abc = 2\n", 1, "setting name"},
	{"name starting with an underscore", "_x = 2\n", 1, "setting name"},
	{"text after a string", "a = \"x\"y\n", 1, "one setting"},
	{"lists nested too deeply",
	 "l = [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]\n", 1, "nested"},
	{"error on a later line counts lines in lists",
	 "l = [\n\"a\",\n\"b\"\n]\nbad\n", 5, "expected '='"},
};

static void
render(const struct qemuconf_value *v, struct strbuf *sb)
{
	switch (v->type) {
	case QEMUCONF_INT:
		sb_printf(sb, "i:%lld", v->num);
		break;
	case QEMUCONF_STRING:
		sb_printf(sb, "s:%s", v->str);
		break;
	case QEMUCONF_LIST:
		sb_addc(sb, '[');
		for (size_t i = 0; i < v->nitems; i++) {
			if (i)
				sb_addc(sb, ',');
			render(&v->items[i], sb);
		}
		sb_addc(sb, ']');
		break;
	}
}

static void
test_ok(const struct ok_case *c)
{
	AUTOPTR(qemuconf) conf = qemuconf_parse("t.conf", c->text,
						strlen(c->text));
	const struct qemuconf_entry *e;
	struct strbuf sb = STRBUF_INIT;

	if (!tap_ok(conf != NULL, "parses: %s", c->name)) {
		tap_diag("  error: %s", vs_error_message());
		return;
	}
	if (!c->key) {
		tap_is_int(conf->n, 0, "no entries: %s", c->name);
		return;
	}
	e = qemuconf_get(conf, c->key);
	if (e)
		render(&e->value, &sb);
	tap_is_str(sb_str(&sb), c->expect, "value: %s", c->name);
	sb_clear(&sb);
}

static void
test_err(const struct err_case *c)
{
	AUTOPTR(qemuconf) conf = NULL;
	AUTOFREE char *where = xasprintf("t.conf:%d:", c->line);
	const char *msg;

	vs_error_reset();
	conf = qemuconf_parse("t.conf", c->text, strlen(c->text));
	msg = vs_error_message();
	tap_ok(!conf && vs_error_code() == VS_ERR_PARSE &&
		   STRPREFIX(msg, where) && strstr(msg, c->words),
	       "refused at line %d: %s", c->line, c->name);
	if (conf || !STRPREFIX(msg, where) || !strstr(msg, c->words))
		tap_diag("  message: %s", msg);
}

static void
test_nul_byte(void)
{
	static const char text[] = "user = \"a\0b\"\n";
	AUTOPTR(qemuconf) conf = qemuconf_parse("t.conf", text,
						sizeof(text) - 1);

	tap_ok(!conf && vs_error_code() == VS_ERR_PARSE,
	       "refused: NUL byte inside a string");
}

/* Write text as <root>/etc/libvirt/qemu.conf of a fresh temporary root. */
static char *
make_root(const char *text)
{
	char tmpl[] = "/tmp/vs-qemuconf-XXXXXX";
	char *root = xstrdup(mkdtemp(tmpl));
	AUTOFREE char *etc = xasprintf("%s/etc", root);
	AUTOFREE char *dir = xasprintf("%s/etc/libvirt", root);
	AUTOFREE char *file = xasprintf("%s/qemu.conf", dir);

	mkdir(etc, 0755);
	mkdir(dir, 0755);
	if (text && file_write_atomic(file, text, strlen(text), 0644) < 0)
		abort();
	return root;
}

static void
remove_root(const char *root)
{
	AUTOFREE char *cmd = xasprintf("rm -rf '%s'", root);

	if (system(cmd) != 0)
		tap_diag("could not remove %s", root);
}

static void
test_settings(void)
{
	struct qemu_settings s;
	char *root;

	root = make_root(NULL);
	tap_is_int(qemu_settings_read(root, &s), 0, "settings: missing file");
	/* libvirt's own defaults on Debian, not the constants of the code
	 * under test: a wrong constant must fail here. */
	tap_ok(!s.present && !s.user_set && !s.group_set &&
		   STREQ(s.memory_backing_dir, "/var/lib/libvirt/qemu/ram") &&
		   STREQ(s.user, "libvirt-qemu") &&
		   STREQ(s.group, "libvirt-qemu"),
	       "settings: libvirt's defaults apply without qemu.conf");
	qemu_settings_clear(&s);
	remove_root(root);
	free(root);

	root = make_root("hugetlbfs_mount = \"/dev/hugepages\"\n"
			 "security_driver = [ \"selinux\", \"apparmor\" ]\n"
			 "virtiofsd_debug = 1\nuser = \"+0\"\n"
			 "user = \"other\"\n");
	tap_is_int(qemu_settings_read(root, &s), 0, "settings: valid file");
	tap_ok(s.present && s.hugetlbfs_mount.n == 1 &&
		   STREQ(s.hugetlbfs_mount.v[0], "/dev/hugepages"),
	       "settings: hugetlbfs_mount as one string");
	tap_ok(s.security_driver.n == 2 &&
		   STREQ(s.security_driver.v[1], "apparmor"),
	       "settings: security_driver as a list");
	tap_ok(s.virtiofsd_debug && s.virtiofsd_debug_set,
	       "settings: virtiofsd_debug = 1");
	tap_ok(STREQ(s.user, "+0") && s.duplicates.n == 1 &&
		   STREQ(s.duplicates.v[0], "user"),
	       "settings: the first of a duplicated key, and it is noted");
	tap_ok(!s.group_set && STREQ(s.group, "libvirt-qemu"),
	       "settings: unset group keeps libvirt's default");
	qemu_settings_clear(&s);
	remove_root(root);
	free(root);

	static const struct {
		const char *text;
		const char *name;
	} bad[] = {
		{"# c\nuser = 107\n", "user given as a number"},
		{"virtiofsd_debug = 2\n", "virtiofsd_debug other than 0/1"},
		{"virtiofsd_debug = \"1\"\n", "virtiofsd_debug as a string"},
		{"hugetlbfs_mount = [ \"/a\", 1 ]\n",
		 "hugetlbfs_mount list with a number"},
		{"memory_backing_dir = [ \"/dev/shm\" ]\n",
		 "memory_backing_dir as a list"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		root = make_root(bad[i].text);
		vs_error_reset();
		tap_ok(qemu_settings_read(root, &s) < 0 &&
			   vs_error_code() == VS_ERR_PARSE &&
			   strstr(vs_error_message(), "qemu.conf:"),
		       "settings refused: %s", bad[i].name);
		qemu_settings_clear(&s);
		remove_root(root);
		free(root);
	}
}

int
main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(ok_cases); i++)
		test_ok(&ok_cases[i]);
	for (size_t i = 0; i < ARRAY_SIZE(err_cases); i++)
		test_err(&err_cases[i]);
	test_nul_byte();
	test_settings();
	return tap_done();
}
