/* SPDX-License-Identifier: GPL-2.0-or-later */
/* i18n.h: gettext macros for user-visible strings */
#ifndef VS_I18N_H
#define VS_I18N_H

#include <libintl.h>
#include <locale.h>

/* _() translates now; N_() marks a string in a static table for later. */
#define _(s)  gettext(s)
#define N_(s) (s)
/* P_(singular, plural, n): a translated sentence that depends on a count. */
#define P_(s, p, n) ngettext((s), (p), (n))
/* NP_(singular, plural): a pair for P_() later, in a static table (two
 * initialisers). */
#define NP_(s, p) (s), (p)

/* Bind the message catalogue ($VIRTSHARE_LOCALEDIR, else LOCALEDIR);
 * call once from main(). */
void i18n_init(void);

#endif
