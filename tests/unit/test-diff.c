/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-diff.c: unified diffs: fixed cases, and random texts patched back */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "tap.h"

struct fixed_case {
	const char *name;
	const char *a;
	const char *b;
	unsigned context;
	const char *want;
};

static const struct fixed_case fixed[] = {
	{"equal texts give nothing", "a\nb\n", "a\nb\n", 3, ""},
	{"both empty", "", "", 3, ""},
	{"one line changed", "a\nb\nc\n", "a\nB\nc\n", 3,
	 "--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
	{"insertion into an empty text", "", "x\ny\n", 3,
	 "--- old\n+++ new\n@@ -0,0 +1,2 @@\n+x\n+y\n"},
	{"everything deleted", "x\n", "", 3,
	 "--- old\n+++ new\n@@ -1 +0,0 @@\n-x\n"},
	{"context is cut at three lines",
	 "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n", 3,
	 "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n"
	 " 8\n"},
	{"changes far apart make two hunks",
	 "a\n1\n2\n3\n4\n5\n6\n7\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\nB\n", 1,
	 "--- old\n+++ new\n@@ -1,2 +1,2 @@\n-a\n+A\n 1\n@@ -8,2 +8,2 @@\n"
	 " 7\n-b\n+B\n"},
	{"changes close together make one hunk",
	 "a\n1\n2\nb\n", "A\n1\n2\nB\n", 1,
	 "--- old\n+++ new\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n-b\n+B\n"},
	{"insertion in the middle, as an XML edit",
	 "<devices>\n  <disk/>\n</devices>\n",
	 "<devices>\n  <disk/>\n  <filesystem/>\n</devices>\n", 3,
	 "--- old\n+++ new\n@@ -1,3 +1,4 @@\n <devices>\n   <disk/>\n"
	 "+  <filesystem/>\n </devices>\n"},
	{"a missing newline at the end is a difference", "a\nb", "a\nb\n", 3,
	 "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of "
	 "file\n+b\n"},
	{"zero context", "a\nb\nc\n", "a\nx\nc\n", 0,
	 "--- old\n+++ new\n@@ -2 +2 @@\n-b\n+x\n"},
};

/* Apply a unified diff to a: NULL when it does not fit. */
static char *
patch(const char *a, const char *diff)
{
	struct strbuf out = STRBUF_INIT;
	const char *ap = a, *p = diff;
	size_t aline = 0; /* lines of a consumed */
	char prev = 0;

	/* Skip the two header lines. */
	for (int i = 0; i < 2 && *p; i++)
		p = strchr(p, '\n') + 1;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = (size_t)(eol - p);
		const char *nl = strchr(ap, '\n');
		size_t l = nl ? (size_t)(nl - ap) : strlen(ap);

		if (STRPREFIX(p, "@@ -")) {
			char *end;
			unsigned long s = strtoul(p + 4, &end, 10);
			unsigned long cnt =
			    *end == ',' ? strtoul(end + 1, NULL, 10) : 1;
			/* An empty range names the line before it. */
			size_t before = cnt == 0 ? s : s - 1;

			while (aline < before && *ap) {
				nl = strchr(ap, '\n');
				l = nl ? (size_t)(nl - ap + 1) : strlen(ap);
				sb_addn(&out, ap, l);
				ap += l;
				aline++;
			}
		} else if (p[0] == '\\') {
			if (prev == '+' && out.len)
				out.buf[--out.len] = '\0';
		} else if (p[0] == ' ' || p[0] == '-') {
			if (l != len - 1 || memcmp(ap, p + 1, l) != 0) {
				sb_clear(&out);
				return NULL;
			}
			if (p[0] == ' ')
				sb_addn(&out, ap, l + (nl ? 1 : 0));
			ap += l + (nl ? 1 : 0);
			aline++;
		} else if (p[0] == '+') {
			sb_addn(&out, p + 1, len - 1);
			sb_addc(&out, '\n');
		}
		prev = p[0];
		p = eol + 1;
	}
	sb_add(&out, ap);
	return sb_steal(&out);
}

/* The number of - and + lines of a diff, headers left out. */
static size_t
count_edits(const char *d)
{
	size_t n = 0;
	const char *p = d;

	for (int i = 0; i < 2 && *p; i++)
		p = strchr(p, '\n') + 1;
	for (; *p; p = strchr(p, '\n') + 1)
		n += *p == '-' || *p == '+';
	return n;
}

/* Length of the longest common subsequence of two line arrays. */
static size_t
lcs(char **a, size_t n, char **b, size_t m)
{
	size_t *t = calloc((n + 1) * (m + 1), sizeof(size_t));
	size_t r;

	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;) {
			size_t *c = &t[i * (m + 1) + j];

			if (STREQ(a[i], b[j]))
				*c = 1 + t[(i + 1) * (m + 1) + j + 1];
			else
				*c = t[(i + 1) * (m + 1) + j] >
					     t[i * (m + 1) + j + 1]
					 ? t[(i + 1) * (m + 1) + j]
					 : t[i * (m + 1) + j + 1];
		}
	r = t[0];
	free(t);
	return r;
}

static void
random_text(unsigned *seed, size_t n, char **lines, struct strbuf *sb)
{
	static const char *const words[] = {"a", "b", "c", "<x/>", ""};

	for (size_t i = 0; i < n; i++) {
		lines[i] = (char *)words[rand_r(seed) % ARRAY_SIZE(words)];
		sb_add(sb, lines[i]);
		sb_addc(sb, '\n');
	}
}

static void
test_random(void)
{
	unsigned seed = 42;
	int bad_patch = 0, not_shortest = 0;
	const int rounds = 400;

	for (int r = 0; r < rounds; r++) {
		char *la[40], *lb[40];
		size_t n = (size_t)(rand_r(&seed) % 40);
		size_t m = (size_t)(rand_r(&seed) % 40);
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		AUTOFREE char *d = NULL, *got = NULL;

		random_text(&seed, n, la, &a);
		random_text(&seed, m, lb, &b);
		d = diff_unified(sb_str(&a), sb_str(&b), "old", "new",
				 (unsigned)(r % 4));
		got = *d ? patch(sb_str(&a), d) : xstrdup(sb_str(&a));
		if (!got || !STREQ(got, sb_str(&b))) {
			if (!bad_patch++)
				tap_diag("round %d:\n%s", r, d);
		}
		if (count_edits(d) != n + m - 2 * lcs(la, n, lb, m))
			not_shortest++;
		sb_clear(&a);
		sb_clear(&b);
	}
	tap_is_int(bad_patch, 0, "%d random diffs patch the old text into the "
				 "new one", rounds);
	tap_is_int(not_shortest, 0, "%d random diffs are shortest edits "
				    "(checked against an LCS table)", rounds);
}

/* Texts whose last line may have no newline: the common lines the diff
 * skips at the end must end alike, newline or not. */
static void
test_random_no_newline(void)
{
	unsigned seed = 7;
	int bad_patch = 0;
	const int rounds = 400;

	for (int r = 0; r < rounds; r++) {
		char *la[20], *lb[20];
		size_t n = (size_t)(rand_r(&seed) % 20);
		size_t m = (size_t)(rand_r(&seed) % 20);
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		AUTOFREE char *d = NULL, *got = NULL;

		random_text(&seed, n, la, &a);
		random_text(&seed, m, lb, &b);
		if (r & 1 && a.len)
			a.buf[--a.len] = '\0';
		if (r & 2 && b.len)
			b.buf[--b.len] = '\0';
		d = diff_unified(sb_str(&a), sb_str(&b), "old", "new",
				 (unsigned)(r % 4));
		got = *d ? patch(sb_str(&a), d) : xstrdup(sb_str(&a));
		if ((!got || !STREQ(got, sb_str(&b))) && !bad_patch++)
			tap_diag("round %d:\n%s", r, d);
		sb_clear(&a);
		sb_clear(&b);
	}
	tap_is_int(bad_patch, 0, "%d random diffs of texts that may end "
				 "without a newline patch the old text into "
				 "the new one", rounds);
}

static void
test_large(void)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	AUTOFREE char *d = NULL, *got = NULL;

	/* Two long texts with nothing in common, then a long one with one
	 * change: both must finish quickly and patch back. */
	for (int i = 0; i < 5000; i++) {
		sb_printf(&a, "a%d\n", i);
		sb_printf(&b, "b%d\n", i);
	}
	d = diff_unified(sb_str(&a), sb_str(&b), "old", "new", 3);
	got = patch(sb_str(&a), d);
	tap_ok(got && STREQ(got, sb_str(&b)),
	       "5000 lines with nothing in common");
	free(d);
	free(steal_ptr(got));
	sb_clear(&b);
	for (int i = 0; i < 5000; i++)
		sb_printf(&b, i == 2500 ? "changed\n" : "a%d\n", i);
	d = diff_unified(sb_str(&a), sb_str(&b), "old", "new", 3);
	tap_is_str(d, "--- old\n+++ new\n@@ -2498,7 +2498,7 @@\n a2497\n"
		      " a2498\n a2499\n-a2500\n+changed\n a2501\n a2502\n"
		      " a2503\n",
		   "5000 lines with one change");
	sb_clear(&a);
	sb_clear(&b);
}

int
main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
		AUTOFREE char *d = diff_unified(fixed[i].a, fixed[i].b, "old",
						"new", fixed[i].context);

		tap_is_str(d, fixed[i].want, "%s", fixed[i].name);
	}
	test_random();
	test_random_no_newline();
	test_large();
	return tap_done();
}
