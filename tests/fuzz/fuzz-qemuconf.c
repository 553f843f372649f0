/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-qemuconf.c: libFuzzer target for the libvirt conf parser */
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "qemuconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qemuconf *c = qemuconf_parse("fuzz.conf", (const char *)data,
					    size);

	/* Every parsed value must be reachable and well-formed. */
	for (size_t i = 0; c && i < c->n; i++)
		if (qemuconf_get(c, c->entries[i].name) == NULL)
			__builtin_trap();
	qemuconf_free(c);
	vs_error_reset();
	return 0;
}
