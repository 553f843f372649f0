/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diff.c: shortest line edit (Myers, linear space) printed as a unified diff */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

struct line {
	const char *s;
	size_t len;     /* without the newline */
	bool nl;        /* ends with a newline (only the last line may not) */
	unsigned hash;
};

struct lines {
	struct line *v;
	size_t n;
	size_t cap;
};

/* What compare() marks: lines outside the longest common subsequence. */
struct diff_ctx {
	const struct line *a;
	const struct line *b;
	bool *del; /* a[i] is deleted */
	bool *ins; /* b[j] is inserted */
};

/* The lines of text[0, size). */
static void
split_lines(const char *text, size_t size, struct lines *out)
{
	const char *p = text, *end = text + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct line *l;
		unsigned h = 5381;

		xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v));
		for (size_t i = 0; i < len; i++)
			h = h * 33 + (unsigned char)p[i];
		l = &out->v[out->n++];
		l->s = p;
		l->len = len;
		l->nl = nl != NULL;
		l->hash = h;
		p += len + (nl ? 1 : 0);
	}
}

static bool
line_eq(const struct line *x, const struct line *y)
{
	return x->hash == y->hash && x->len == y->len && x->nl == y->nl &&
	       memcmp(x->s, y->s, x->len) == 0;
}

static void compare(struct diff_ctx *c, long a0, long a1, long b0, long b1);

static void
mark_all(struct diff_ctx *c, long a0, long a1, long b0, long b1)
{
	for (long i = a0; i < a1; i++)
		c->del[i] = true;
	for (long j = b0; j < b1; j++)
		c->ins[j] = true;
}

/*
 * Find the middle snake of a[a0,a1) against b[b0,b1) by running the
 * forward and the reverse search until they overlap, then solve both
 * halves. Both ranges are non-empty and their first and last lines differ.
 */
static void
bisect(struct diff_ctx *c, long a0, long a1, long b0, long b1)
{
	const struct line *a = c->a + a0, *b = c->b + b0;
	long n = a1 - a0, m = b1 - b0;
	long max_d = (n + m + 1) / 2, off = max_d, vlen = 2 * max_d + 2;
	long delta = n - m;
	bool front = delta % 2 != 0;
	long k1start = 0, k1end = 0, k2start = 0, k2end = 0;
	long *v1 = xmalloc((size_t)vlen * sizeof(long));
	long *v2 = xmalloc((size_t)vlen * sizeof(long));
	long sx = -1, sy = -1;

	for (long i = 0; i < vlen; i++)
		v1[i] = v2[i] = -1;
	v1[off + 1] = v2[off + 1] = 0;
	for (long d = 0; d < max_d && sx < 0; d++) {
		for (long k1 = -d + k1start; k1 <= d - k1end && sx < 0;
		     k1 += 2) {
			long k1o = off + k1, x1, y1;

			if (k1 == -d || (k1 != d && v1[k1o - 1] < v1[k1o + 1]))
				x1 = v1[k1o + 1];
			else
				x1 = v1[k1o - 1] + 1;
			y1 = x1 - k1;
			while (x1 < n && y1 < m && line_eq(&a[x1], &b[y1]))
				x1++, y1++;
			v1[k1o] = x1;
			if (x1 > n) {
				k1end += 2;
			} else if (y1 > m) {
				k1start += 2;
			} else if (front) {
				long k2o = off + delta - k1;

				if (k2o >= 0 && k2o < vlen && v2[k2o] != -1 &&
				    x1 >= n - v2[k2o])
					sx = x1, sy = y1;
			}
		}
		for (long k2 = -d + k2start; k2 <= d - k2end && sx < 0;
		     k2 += 2) {
			long k2o = off + k2, x2, y2;

			if (k2 == -d || (k2 != d && v2[k2o - 1] < v2[k2o + 1]))
				x2 = v2[k2o + 1];
			else
				x2 = v2[k2o - 1] + 1;
			y2 = x2 - k2;
			while (x2 < n && y2 < m &&
			       line_eq(&a[n - x2 - 1], &b[m - y2 - 1]))
				x2++, y2++;
			v2[k2o] = x2;
			if (x2 > n) {
				k2end += 2;
			} else if (y2 > m) {
				k2start += 2;
			} else if (!front) {
				long k1o = off + delta - k2;

				if (k1o >= 0 && k1o < vlen && v1[k1o] != -1 &&
				    v1[k1o] >= n - x2) {
					sx = v1[k1o];
					sy = off + sx - k1o;
				}
			}
		}
	}
	free(v1);
	free(v2);
	/* No overlap (nothing in common), or a split that would not make
	 * the problem smaller: every line differs. */
	if (sx < 0 || (sx == 0 && sy == 0) || (sx == n && sy == m)) {
		mark_all(c, a0, a1, b0, b1);
		return;
	}
	compare(c, a0, a0 + sx, b0, b0 + sy);
	compare(c, a0 + sx, a1, b0 + sy, b1);
}

static void
compare(struct diff_ctx *c, long a0, long a1, long b0, long b1)
{
	while (a0 < a1 && b0 < b1 && line_eq(&c->a[a0], &c->b[b0]))
		a0++, b0++;
	while (a0 < a1 && b0 < b1 && line_eq(&c->a[a1 - 1], &c->b[b1 - 1]))
		a1--, b1--;
	if (a0 == a1 || b0 == b1)
		mark_all(c, a0, a1, b0, b1);
	else
		bisect(c, a0, a1, b0, b1);
}

/* One line of the edit script: ' ' kept, '-' deleted, '+' inserted. */
struct edit {
	char op;
	size_t ai; /* the line of a at this point */
	size_t bj; /* the line of b at this point */
};

/*
 * The lines both texts start with and end with are no part of the edit:
 * only the lines between them, with context lines on each side, are
 * compared, so a small edit of a large text costs a walk over it, not a
 * table of all its lines. [*a0, *a1) and [*b0, *b1) are what is left;
 * *skipped is the number of lines before it.
 */
struct trim {
	size_t a0, a1, b0, b1;
	size_t skipped;
};

/* The line of s[0, len) that starts at off: its length without the
 * newline; *nl: whether it has one. */
static size_t
line_at(const char *s, size_t len, size_t off, bool *nl)
{
	const char *e = memchr(s + off, '\n', len - off);

	*nl = e != NULL;
	return e ? (size_t)(e - s) - off : len - off;
}

/* Where the last line of s[from, end) starts; *nl: whether it has a
 * newline. end > from. */
static size_t
last_line(const char *s, size_t from, size_t end, bool *nl)
{
	size_t stop = end - ((*nl = s[end - 1] == '\n') ? 1 : 0);
	const char *prev = stop > from ? memrchr(s + from, '\n', stop - from)
				       : NULL;

	return prev ? (size_t)(prev - s) + 1 : from;
}

static void
trim_common(const char *a, size_t la, const char *b, size_t lb,
	    unsigned context, struct trim *t)
{
	size_t pa = 0, pb = 0, ea = la, eb = lb, n = 0;

	/* Common lines at the start (equal bytes, so pa == pb). */
	while (pa < la && pb < lb) {
		bool na, nb;
		size_t xa = line_at(a, la, pa, &na), xb = line_at(b, lb, pb, &nb);

		if (xa != xb || na != nb || memcmp(a + pa, b + pb, xa) != 0)
			break;
		pa += xa + na;
		pb += xb + nb;
		n++;
	}
	/* Common lines at the end, not into those at the start. */
	while (ea > pa && eb > pb) {
		bool na, nb;
		size_t sa = last_line(a, pa, ea, &na);
		size_t sb = last_line(b, pb, eb, &nb);

		if (ea - sa != eb - sb || na != nb ||
		    memcmp(a + sa, b + sb, ea - sa) != 0)
			break;
		ea = sa;
		eb = sb;
	}
	/* Context: back over lines at the start, on over lines at the end. */
	for (unsigned k = 0; k < context && pa > 0; k++) {
		bool nl;

		pa = pb = last_line(a, 0, pa, &nl);
		n--;
	}
	for (unsigned k = 0; k < context && ea < la && eb < lb; k++) {
		bool na, nb;
		size_t xa = line_at(a, la, ea, &na), xb = line_at(b, lb, eb, &nb);

		ea += xa + na;
		eb += xb + nb;
	}
	t->a0 = pa;
	t->a1 = ea;
	t->b0 = pb;
	t->b1 = eb;
	t->skipped = n;
}

static void
range(struct strbuf *sb, char sign, size_t start, size_t count)
{
	/* As diff -u: an empty range names the line before it. */
	if (count == 0)
		sb_printf(sb, "%c%zu,0", sign, start);
	else if (count == 1)
		sb_printf(sb, "%c%zu", sign, start + 1);
	else
		sb_printf(sb, "%c%zu,%zu", sign, start + 1, count);
}

static void
emit_line(struct strbuf *sb, char op, const struct line *l)
{
	sb_addc(sb, op);
	sb_addn(sb, l->s, l->len);
	sb_addc(sb, '\n');
	if (!l->nl)
		sb_add(sb, "\\ No newline at end of file\n");
}

static void
emit_hunk(struct strbuf *sb, const struct edit *e, size_t from, size_t to,
	  const struct lines *a, const struct lines *b, size_t skipped)
{
	size_t na = 0, nb = 0;

	for (size_t k = from; k < to; k++) {
		na += e[k].op != '+';
		nb += e[k].op != '-';
	}
	sb_add(sb, "@@ ");
	range(sb, '-', skipped + e[from].ai, na);
	sb_addc(sb, ' ');
	range(sb, '+', skipped + e[from].bj, nb);
	sb_add(sb, " @@\n");
	for (size_t k = from; k < to; k++)
		emit_line(sb, e[k].op,
			  e[k].op == '+' ? &b->v[e[k].bj] : &a->v[e[k].ai]);
}

char *
diff_unified(const char *a, const char *b, const char *a_label,
	     const char *b_label, unsigned context)
{
	struct lines la = {0}, lb = {0};
	struct diff_ctx c;
	struct edit *e;
	struct strbuf sb = STRBUF_INIT;
	struct trim t;
	size_t ne = 0, i = 0, j = 0, k = 0;

	if (STREQ(a, b))
		return xstrdup("");
	trim_common(a, strlen(a), b, strlen(b), context, &t);
	split_lines(a + t.a0, t.a1 - t.a0, &la);
	split_lines(b + t.b0, t.b1 - t.b0, &lb);
	c.a = la.v;
	c.b = lb.v;
	c.del = xcalloc(la.n + 1, sizeof(bool));
	c.ins = xcalloc(lb.n + 1, sizeof(bool));
	compare(&c, 0, (long)la.n, 0, (long)lb.n);

	e = xcalloc(la.n + lb.n + 1, sizeof(*e));
	while (i < la.n || j < lb.n) {
		struct edit *x = &e[ne++];

		x->ai = i;
		x->bj = j;
		if (i < la.n && c.del[i]) {
			x->op = '-';
			i++;
		} else if (j < lb.n && c.ins[j]) {
			x->op = '+';
			j++;
		} else {
			x->op = ' ';
			i++;
			j++;
		}
	}

	sb_printf(&sb, "--- %s\n+++ %s\n", a_label, b_label);
	while (k < ne) {
		size_t start, last, end;

		if (e[k].op == ' ') {
			k++;
			continue;
		}
		start = k > context ? k - context : 0;
		last = k;
		for (size_t x = k; x < ne; x++) {
			if (e[x].op != ' ')
				last = x;
			else if (x - last > 2 * (size_t)context)
				break;
		}
		end = last + 1 + context < ne ? last + 1 + context : ne;
		emit_hunk(&sb, e, start, end, &la, &lb, t.skipped);
		k = end;
	}
	free(e);
	free(c.del);
	free(c.ins);
	free(la.v);
	free(lb.v);
	return sb_steal(&sb);
}
