/* SPDX-License-Identifier: GPL-2.0-or-later */
/* base.h: allocation that cannot fail, scope-bound ownership, growable
 * strings and lists: the layer under error.h and util.h, which reports
 * nothing and includes neither */
#ifndef VS_BASE_H
#define VS_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/*
 * Allocation never fails: out of memory aborts (as tmux's xmalloc), so no
 * caller has an OOM branch.
 */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* Grow *p (an array of *cap elements of elsize) so it holds at least need. */
void xgrow(void *p, size_t *cap, size_t need, size_t elsize);
char *xstrdup(const char *s);
/* xstrdup(s), or NULL when s is NULL. */
char *xstrdup0(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/*
 * Scope-bound ownership, as libvirt's g_autofree/g_autoptr:
 *   AUTOFREE char *s = xstrdup("x");        freed at end of scope
 *   AUTOPTR(host_info) h = host_read(...);  host_info_free() at end of scope
 *   return steal_ptr(s);                     hand ownership to the caller
 * A type opts in with DEFINE_AUTOPTR(type) next to its type_free().
 */
void autofree_cleanup(void *pp);
void autoclose_cleanup(int *fd);
#define AUTOFREE  __attribute__((cleanup(autofree_cleanup)))
#define AUTOCLOSE __attribute__((cleanup(autoclose_cleanup)))
#define AUTOPTR(type) \
	__attribute__((cleanup(type##_autoptr_cleanup))) struct type *
#define DEFINE_AUTOPTR(type)                                             \
	static inline void type##_autoptr_cleanup(struct type **p)       \
	{                                                                \
		type##_free(*p);                                         \
	}
#define steal_ptr(p)                        \
	({                                  \
		__typeof__(p) steal_tmp_ = (p); \
		(p) = NULL;                 \
		steal_tmp_;                 \
	})

/* Close *fd if open and set it to -1. */
void close_fd(int *fd);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STREQ(a, b)   (strcmp((a), (b)) == 0)
#define STRPREFIX(s, p) (strncmp((s), (p), strlen(p)) == 0)

/* A growable string; buf is always NUL-terminated once anything is added. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};
#define STRBUF_INIT {NULL, 0, 0}
void sb_add(struct strbuf *sb, const char *s);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_addc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Add each line of text (NULL: none) with prefix before it and a line
 * break after it. */
void sb_add_lines(struct strbuf *sb, const char *prefix, const char *text);
/* Add n spaces (for aligning columns). */
void sb_pad(struct strbuf *sb, size_t n);
/* Returns the string (caller frees, never NULL) and empties sb. */
char *sb_steal(struct strbuf *sb);
void sb_clear(struct strbuf *sb);
/* The current contents, "" when empty; borrowed. */
const char *sb_str(const struct strbuf *sb);

/* A NULL-terminated list of owned strings. */
struct strlist {
	char **v;
	size_t n;
	size_t cap;
};
void strlist_add(struct strlist *l, const char *s);
void strlist_take(struct strlist *l, char *s);
bool strlist_has(const struct strlist *l, const char *s);
void strlist_clear(struct strlist *l);

#endif
