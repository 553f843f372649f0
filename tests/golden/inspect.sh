#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
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

# Our daemon is the one virtshare will use: named by $VIRTSHARE_FSD (here
# the build tree's, on this host), else the installed one.
fsd=$top_builddir/daemon/virtshare-fsd
out=$(VIRTSHARE_FSD=$fsd "$VIRTSHARE" inspect -c test:///default 2>&1)
line=$(grep -F "  $fsd  " <<< "$out")
if [[ $line == *'the daemon virtshare will use (from $VIRTSHARE_FSD)'* &&
	$line != *installed* && $line != *ours* ]]; then
	ok "inspect: \$VIRTSHARE_FSD's daemon is the one virtshare will use"
else
	not_ok "inspect: \$VIRTSHARE_FSD's daemon is the one virtshare will use" "$out"
fi
out=$(VIRTSHARE_FSD=$fsd "$VIRTSHARE" inspect --json -c test:///default 2>&1)
got=$(jq -c '[.daemons[] | select(.ours) | .path, .from_env, .present]' <<< "$out" 2>&1)
if [ "$got" = "[\"$fsd\",true,true]" ]; then
	ok "inspect --json: ours, from_env and present"
else
	not_ok "inspect --json: ours, from_env and present" "$got"
fi
root=$top_srcdir/tests/data/hosts/laptop
out=$(env -u VIRTSHARE_FSD "$VIRTSHARE" inspect --root "$root" -c test:///default 2>&1)
if grep -qE '^  /[^ ]*/virtshare-fsd +not installed, the daemon virtshare would use$' <<< "$out"; then
	ok "inspect: without \$VIRTSHARE_FSD, the installed one, missing here"
else
	not_ok "inspect: without \$VIRTSHARE_FSD, the installed one, missing here" "$out"
fi
out=$(env -u VIRTSHARE_FSD "$VIRTSHARE" inspect --json --root "$root" -c test:///default 2>&1)
got=$(jq -c '[.daemons[] | select(.ours) | .from_env, .present]' <<< "$out" 2>&1)
if [ "$got" = "[false,false]" ]; then
	ok "inspect --json: without \$VIRTSHARE_FSD, from_env is false"
else
	not_ok "inspect --json: without \$VIRTSHARE_FSD, from_env is false" "$got"
fi
done_testing
