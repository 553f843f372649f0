# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh: TAP helpers for the shell tests (source it; needs bash)
# Environment from `make check`: top_srcdir, top_builddir, VIRTSHARE, ...
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${VIRTSHARE:=$top_builddir/src/virtshare}"
: "${VIRTSHARE_DATADIR:=$top_srcdir/templates}"
export top_srcdir top_builddir VIRTSHARE VIRTSHARE_DATADIR

tap_n=0
tap_failed=0

ok() {	# ok NAME: a passing case
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

not_ok() {	# not_ok NAME [DIAGNOSTIC...]: a failing case
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	for d in "$@"; do printf '%s\n' "$d" | sed 's/^/# /'; done
}

check() {	# check NAME COMMAND...: passes when COMMAND succeeds
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$out"; fi
}

skip() {	# skip NAME REASON
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# Replace what differs between machines and runs with stable markers.
normalize() {
	sed -e "s|$top_srcdir|@top_srcdir@|g" \
	    -e "s|$top_builddir|@top_builddir@|g" \
	    ${TESTTMP:+-e "s|$TESTTMP|@tmp@|g"} \
	    -E -e 's/^(  (library|daemon) +)[0-9]+\.[0-9]+\.[0-9]+$/\1X.Y.Z/' \
	    -e 's/"(library|daemon)_version": "[0-9.]+"/"\1_version": "X.Y.Z"/'
}

# golden NAME EXPECTED-FILE ACTUAL-TEXT: compare, or rewrite with REGENERATE=1
golden() {
	local name=$1 file=$2 actual=$3
	if [ -n "${REGENERATE:-}" ]; then
		printf '%s\n' "$actual" > "$file"
		ok "$name # regenerated"
	elif [ ! -f "$file" ]; then
		not_ok "$name" "missing golden file $file (run REGENERATE=1 make check)"
	elif diff -u "$file" <(printf '%s\n' "$actual") > "$TESTTMP/diff" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "$(head -40 "$TESTTMP/diff")"
	fi
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}

TESTTMP=$(mktemp -d /tmp/vs-test.XXXXXX)
trap 'rm -rf "$TESTTMP"' EXIT
