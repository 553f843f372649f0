/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-ini.c: libFuzzer target for the INI loader of `virtshare apply` */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cfg.h"
#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg *c = cfg_parse("fuzz.ini", (const char *)data, size);

	/* A file read is whole: every share has its domain and a tag, and
	 * every domain it names is listed. */
	for (size_t i = 0; c && i < c->nshares; i++) {
		const struct cfg_share *s = &c->shares[i];
		bool listed = false;

		if (!s->domain || !s->req.share.tag || !*s->req.share.tag)
			__builtin_trap();
		for (size_t k = 0; k < c->ndomains; k++)
			listed |= strcmp(c->domains[k].name, s->domain) == 0 &&
				  (c->domains[k].host == s->host ||
				   strcmp(c->domains[k].host, s->host) == 0);
		if (!listed)
			__builtin_trap();
	}
	for (size_t i = 0; c && i < c->npools; i++)
		if (!c->pools[i].size_kib || !c->pools[i].pages)
			__builtin_trap();
	/* Everything is on a host of the file, or none has hosts. */
	for (size_t i = 0; c && i < c->ndomains; i++)
		if (c->nhosts ? !c->domains[i].host ||
				    !cfg_host_find(c, c->domains[i].host)
			      : c->domains[i].host != NULL)
			__builtin_trap();
	for (size_t i = 0; c && i < c->nshares; i++)
		if (c->nhosts ? !c->shares[i].host ||
				    !cfg_host_find(c, c->shares[i].host)
			      : c->shares[i].host != NULL)
			__builtin_trap();
	for (size_t i = 0; c && i < c->npools; i++)
		if (c->nhosts ? !c->pools[i].host ||
				    !cfg_host_find(c, c->pools[i].host)
			      : c->pools[i].host != NULL)
			__builtin_trap();
	/* A refusal always says why. */
	if (!c && !*vs_error_message())
		__builtin_trap();
	cfg_free(c);
	vs_error_reset();
	return 0;
}
