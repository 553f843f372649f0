/* SPDX-License-Identifier: GPL-2.0-or-later */
/* base64.c: base64 encoding and decoding on a strbuf */
#include "config.h"

#include <string.h>

#include "base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
base64_encode(struct strbuf *sb, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		sb_addc(sb, alphabet[v >> 18 & 63]);
		sb_addc(sb, alphabet[v >> 12 & 63]);
		sb_addc(sb, i + 1 < n ? alphabet[v >> 6 & 63] : '=');
		sb_addc(sb, i + 2 < n ? alphabet[v & 63] : '=');
	}
}

int
base64_decode(struct strbuf *sb, const char *s)
{
	unsigned v = 0, bits = 0, pad = 0, chars = 0;

	for (; *s; s++) {
		const char *q;

		if (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
			continue;
		if (*s == '=') {
			pad++;
			chars++;
			continue;
		}
		q = strchr(alphabet, *s);
		if (!q || pad)
			return -1;
		v = v << 6 | (unsigned)(q - alphabet);
		bits += 6;
		chars++;
		if (bits >= 8) {
			bits -= 8;
			sb_addc(sb, (char)(v >> bits & 0xff));
		}
	}
	return pad > 2 || chars % 4 != 0 ? -1 : 0;
}
