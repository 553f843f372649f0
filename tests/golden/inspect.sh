#!/bin/bash
# inspect.sh: `virtshare inspect` on every fixture host, text and JSON, against golden files
. "$top_srcdir/tests/cli/lib.sh"

# The hosts of tests/data/hosts; each has inspect-<host>.txt and .json here.
hosts=(laptop numa-server hugepages-no-mount disk-backing-dir bad-qemu-conf)

# Our daemon's path is the build tree's in tests: pin the installed one.
export VIRTSHARE_FSD=/usr/libexec/virtshare-fsd
for h in "${hosts[@]}"; do
	root=$top_srcdir/tests/data/hosts/$h
	out=$("$VIRTSHARE" inspect --root "$root" -c test:///default 2>&1 | normalize)
	golden "inspect $h (text)" "$top_srcdir/tests/golden/inspect-$h.txt" "$out"
	out=$("$VIRTSHARE" inspect --json --root "$root" -c test:///default 2>&1 | normalize)
	golden "inspect $h (json)" "$top_srcdir/tests/golden/inspect-$h.json" "$out"
	if printf "%s\n" "$out" | jq -e . > /dev/null 2>&1; then
		ok "inspect $h: --json output is valid JSON"
	else
		not_ok "inspect $h: --json output is valid JSON"
	fi
done
done_testing
