/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-domxml.c: libFuzzer target for the domain XML engine (src/domxml.c) */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "domxml-priv.h"
#include "error.h"

/*
 * The input is a domain XML document, as a file or libvirt gives it.
 * Whatever it holds, no reading or edit may crash, and:
 *  - an exact document is written back byte for byte;
 *  - compared with itself, a document has no difference;
 *  - each memory backing and a new share, when they are accepted, give a
 *    document that parses again, exactly, with the share in it, and the
 *    same edit of that document changes nothing.
 * VIRTSHARE_DATADIR must name the templates directory.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const backings[] = {
	NULL, "memfd", "file", "numa", "hugepages", "hugepages:2M",
	"hugepages:1G@0", "hugepages:2M@1",
};

static void
check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static void
read_all(const struct domxml *d)
{
	struct domxml_share *s = NULL;
	struct domxml_record *r = NULL;
	struct domxml_memory m;
	struct strlist diffs = {0};
	AUTOFREE char *why = NULL;
	size_t n = domxml_shares(d, &s);

	domxml_shares_free(s, n);
	n = domxml_records(d, &r);
	domxml_records_free(r, n);
	domxml_memory(d, &m);
	domxml_memory_shared(&m, &why);
	domxml_memory_kind(&m);
	for (size_t i = 0; i < m.npages; i++)
		domxml_memory_for_nodes(&m, m.pages[i].nodeset);
	domxml_memory_clear(&m);
	domxml_name(d);
	domxml_kernel(d);
	domxml_check_shared(d);
	check(domxml_compare(d, d, &diffs) == 0);
	strlist_clear(&diffs);
}

/* The edit of one backing and a share "fuzz"; the new text or NULL. */
static char *
edit(const char *xml, const char *backing)
{
	AUTOPTR(domxml) d = domxml_parse(xml, "fuzz.xml");
	struct domxml_backing b = {.kind = DOMXML_BACKING_KEEP};
	struct domxml_share r;
	struct domxml_env env = {0}; /* no version, no directory checks */
	struct strlist notes = {0};
	char *out = NULL;

	domxml_share_init(&r);
	r.tag = xstrdup("fuzz");
	r.dir = xstrdup("/srv/fuzz");
	if (d && (!backing || domxml_backing_parse(backing, &b) == 0) &&
	    domxml_backing_set(d, &b, &env, &notes) == 0 &&
	    domxml_share_set(d, &r, &env, &notes, &notes) == 0)
		out = domxml_format(d);
	domxml_share_clear(&r);
	domxml_backing_clear(&b);
	strlist_clear(&notes);
	vs_error_reset();
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	AUTOFREE char *xml = strndup((const char *)data, size);
	AUTOPTR(domxml) d = NULL;
	AUTOFREE char *same = NULL;
	bool exact;

	if (!xml || !(d = domxml_parse(xml, "fuzz.xml"))) {
		vs_error_reset();
		return 0;
	}
	exact = domxml_exact(d);
	same = domxml_format(d);
	check(!exact || strcmp(same, xml) == 0);
	read_all(d);
	for (size_t i = 0; i < sizeof(backings) / sizeof(*backings); i++) {
		AUTOFREE char *out = edit(xml, backings[i]);
		AUTOFREE char *again = NULL, *diff = NULL;
		AUTOPTR(domxml) e = NULL;
		struct domxml_share *s = NULL;
		size_t n;
		bool found = false;

		if (!out)
			continue;
		e = domxml_parse(out, "out.xml");
		check(e != NULL && (!exact || domxml_exact(e)));
		read_all(e);
		n = domxml_shares(e, &s);
		for (size_t k = 0; k < n; k++)
			found |= s[k].tag && strcmp(s[k].tag, "fuzz") == 0;
		domxml_shares_free(s, n);
		check(found);
		again = edit(out, backings[i]);
		check(again && strcmp(again, out) == 0);
		diff = diff_unified(xml, out, "a", "b", 3);
	}
	vs_error_reset();
	return 0;
}
