/* SPDX-License-Identifier: GPL-2.0-or-later */
/* base64.h: RFC 4648 base64, as the QEMU guest agent carries data */
#ifndef VS_BASE64_H
#define VS_BASE64_H

#include <stddef.h>

#include "util.h"

/* Append the base64 form of n bytes at p to sb (with '=' padding). */
void base64_encode(struct strbuf *sb, const void *p, size_t n);
/*
 * Append the bytes s encodes to sb; whitespace is skipped. Returns 0, or
 * -1 (sb then holds a part; nothing reported) when s is not base64.
 */
int base64_decode(struct strbuf *sb, const char *s);

#endif
