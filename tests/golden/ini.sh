#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ini.sh: every tests/golden/ini-NAME.ini planned by `virtshare apply
# --dry-run` against libvirt's test driver (tests/data/apply/node.xml) and
# the host tree tests/data/hosts/numa-server. The output and exit status
# must match ini-NAME.plan (planned) or ini-NAME.err (refused, with the
# lines of all errors). Some cases are planned with --json as well:
# ini-NAME.json. REGENERATE=1 rewrites them.
. "$top_srcdir/tests/cli/lib.sh"

cd "$top_srcdir/tests/golden" || exit 1
ROOT=$top_srcdir/tests/data/hosts/numa-server
URI=test://$top_srcdir/tests/data/apply/node.xml
# Nothing is started or saved: a run directory that does not exist.
export VIRTSHARE_RUNDIR=/run/virtshare-golden
export VIRTSHARE_FSD=/usr/libexec/virtshare-fsd
export VIRTSHARE_STATEDIR=$TESTTMP/state
unset VIRTSHARE_URI LIBVIRT_DEFAULT_URI

plan() {	# plan FILE [OPTIONS]: the output and "[exit N]"
	local out
	out=$("$VIRTSHARE" --root "$ROOT" -c "$URI" apply "$@" 2>&1)
	printf '%s\n[exit %d]\n' "$out" $? | normalize
}

n=0
for ini in ini-*.ini; do
	name=${ini%.ini}
	n=$((n + 1))
	out=$(plan "$ini" --dry-run)
	if [[ $out == *"[exit 0]" ]]; then
		want=$name.plan other=$name.err
	else
		want=$name.err other=$name.plan
	fi
	if [ -n "${REGENERATE:-}" ]; then
		rm -f "$other"
	elif [ -f "$other" ]; then
		not_ok "$name: $other is expected" "$out"
		continue
	fi
	golden "$name" "$want" "$out"
done
[ $n -ge 30 ] && ok "$n INI cases (at least 30)" || not_ok "only $n INI cases"

for name in ini-external ini-hugepages ini-as-is; do
	golden "$name --json" "$name.json" "$(plan "$name.ini" --json)"
done

# The JSON is JSON.
if command -v python3 > /dev/null; then
	check "ini-external --json parses" python3 -c \
		"import json,sys; json.loads(open(sys.argv[1]).read().rsplit('[exit', 1)[0])" \
		ini-external.json
fi
done_testing
