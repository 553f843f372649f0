#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# doctor.sh: every check of `virtshare doctor` on a fixture that triggers it
# and on one that does not (libvirt's test driver with the domains of
# tests/data/doctor/node.xml, the host tree beside it and copies of it with
# one thing changed), the text and JSON reports against golden files, and
# --fix on copies.
. "$top_srcdir/tests/cli/lib.sh"

DATA=$top_srcdir/tests/data/doctor
NODE=test://$DATA/node.xml
GOLDEN=$top_srcdir/tests/golden
# Our daemon is not installed in the fixtures: pin its path.
export VIRTSHARE_FSD=/usr/libexec/virtshare-fsd
export VIRTSHARE_RUNDIR=$TESTTMP/run VIRTSHARE_STATEDIR=$TESTTMP/state
unset LIBVIRT_DEFAULT_URI VIRTSHARE_URI

if ! command -v jq > /dev/null; then
	skip "doctor" "jq is not installed"
	done_testing
	exit
fi

# host VARIANT: the fixture host, or a copy of it with one thing changed.
host() {
	local dir=$TESTTMP/hosts/$1
	if [ ! -d "$dir" ]; then
		mkdir -p "$dir"
		cp -a "$DATA/host/." "$dir"
		# make distcheck's source tree is read-only.
		chmod -R u+w "$dir"
		case $1 in
		base | fix | locked) ;;
		nomount) sed -i '/hugetlbfs/d' "$dir/proc/mounts" ;;
		diskdir)
			echo 'memory_backing_dir = "/var/lib/libvirt/qemu/ram"' \
				> "$dir/etc/libvirt/qemu.conf"
			mkdir -p "$dir/var/lib/libvirt/qemu/ram" ;;
		nobackingdir)
			echo 'memory_backing_dir = "/dev/shm/vms"' \
				> "$dir/etc/libvirt/qemu.conf" ;;
		nodesc) rm -r "$dir/usr/share/qemu/vhost-user" ;;
		badconf) echo 'memory_backing_dir = ' > "$dir/etc/libvirt/qemu.conf" ;;
		boot-short)
			echo "root=/dev/sda1 ro hugepagesz=2M hugepages=1024" \
				> "$dir/proc/cmdline" ;;
		nologs) rm -r "$dir/var/log/audit" "$dir/dev/kmsg" ;;
		*) echo "unknown host variant $1" >&2; return 1 ;;
		esac
	fi
	echo "$dir"
}

# report HOST DOMAIN [ARGS...]: doctor --json, kept per host and domain.
report() {
	local h=$1 d=$2 f=$TESTTMP/json/$1-$2.json
	shift 2
	mkdir -p "$TESTTMP/json"
	[ -f "$f" ] || "$VIRTSHARE" -c "$NODE" --root "$(host "$h")" doctor \
		"$d" --json "$@" > "$f" 2> "$f.err"
	cat "$f"
}

# expect HOST DOMAIN CHECK VERDICT: the check's (first) verdict.
expect() {
	local got
	got=$(report "$1" "$2" | jq -r --arg id "$3" \
		'[.sections[].checks[] | select(.id == $id)][0].verdict')
	if [ "$got" = "$4" ]; then
		ok "$3: $4 for $2 on the $1 host"
	else
		not_ok "$3: $4 for $2 on the $1 host" "got '$got'" \
			"$(report "$1" "$2" | jq -c --arg id "$3" \
				'.sections[].checks[] | select(.id == $id)')" \
			"$(cat "$TESTTMP/json/$1-$2.json.err")"
	fi
}

# Each check: what triggers it, then what does not. (session-mode,
# qemu-virtiofs, memory-source, idmap and config-pending need a QEMU
# driver, session mode or one process: tests/unit/test-doctor.c.)
expect badconf good qemu-conf error
expect base good qemu-conf ok
expect boot-short good hugepages-boot warning
expect base good hugepages-boot ok
expect nodesc good daemon-installed error
expect base good daemon-installed ok

expect base private shared-memory error
expect base private-cell shared-memory error
expect base good shared-memory ok
expect diskdir file-ok backing-dir warning
expect nobackingdir file-ok backing-dir warning
expect base file-ok backing-dir ok
expect base good backing-dir skipped
expect base file-big backing-space error
expect base file-ok backing-space ok

expect base huge-1g hugepage-size error
expect base huge-ok hugepage-size ok
expect nomount huge-ok hugetlbfs-mount error
expect base huge-logged hugetlbfs-mount warning
expect base huge-ok hugetlbfs-mount ok
expect base huge-short hugepages-free error
expect base huge-ok hugepages-free ok
expect base good hugepages-free skipped

expect base nodaemon daemon-binary error
expect nodesc good daemon-binary error
expect base good daemon-binary ok
expect base died daemon-died error
expect base good daemon-died ok
expect base socket-missing external-socket error
expect base good external-socket skipped
expect base locks-rust locks warning
expect base good locks ok
expect base openfiles open-files error
expect base good open-files ok

expect base tag-long tag error
expect base good tag ok
expect base kernel-old guest-kernel error
expect base kernel-new guest-kernel ok
expect base good guest-kernel skipped
expect base nodir source-dir error
expect base notdir source-dir error
expect base good source-dir ok
expect base xattr-needed xattr warning
expect base good xattr ok
expect base good idmap skipped

expect base denied denials error
expect base socket-missing denials error
expect base good denials ok
expect nologs good denials skipped
expect base snap migration warning
expect base good migration ok
expect base good config-pending ok
expect base private config-pending skipped

# A duplicated tag cannot be defined in libvirt: the file form.
out=$("$VIRTSHARE" --root "$(host base)" doctor tag-dup --xml "$DATA/tag-dup.xml" \
	--json | jq -r '[.sections[1].checks[] | select(.id == "tag") | .verdict] | join(" ")')
check "tag: error for both shares of tag-dup (a file)" test "$out" = "error error"

# The log lines are quoted as they are.
out=$(report base nodir | jq -r '.sections[1].checks[] | select(.id == "source-dir") | .log[0].line')
check "source-dir quotes libvirt's line" grep -qF \
	"the virtiofs export directory '/srv/missing' does not exist" <<< "$out"
out=$(report base died | jq -r '.sections[1].checks[] | select(.id == "daemon-died") | .log[].file')
check "daemon-died quotes the daemon's, QEMU's and libvirt's logs" test \
	"$(echo $out)" = "/var/log/libvirt/qemu/died-fs0-virtiofsd.log /var/log/libvirt/qemu/died.log /var/log/libvirt/libvirtd.log"
out=$(report base good | jq -r '[.sections[1].checks[].log[]] | length')
check "an earlier failed start of a running guest is not quoted" test "$out" = 0
out=$(report base socket-missing | jq -r '.sections[1].checks[] | select(.id == "denials") | .log[0].file')
check "a denial from the kernel's messages is quoted" test "$out" = /dev/kmsg
out=$(report base denied | jq -r '[.sections[1].checks[] | select(.id == "denials") | .log[].line] | join("\n")')
check "a denial of another path is not this domain's" \
	test "$(grep -c connectto <<< "$out")" = 0

# Logs a user may not read are said to be so, not taken as missing.
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
	h=$(host locked)
	chmod 711 "$TESTTMP" && chmod -R a+rX "$TESTTMP/hosts"
	chmod 700 "$h/var/log/libvirt/qemu"
	out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups \
		env HOME=/nonexistent "$VIRTSHARE" -c "$NODE" --root "$h" doctor died --json 2>&1)
	check "an unreadable log is a note" test "$(jq -r '.notes[0]' <<< "$out")" = \
		"/var/log/libvirt/qemu/died.log cannot be read with your rights: run virtshare doctor as root to look at it too."
	check "and daemon-died says it could not look" \
		test "$(jq -r '.sections[1].checks[] | select(.id == "daemon-died") | .verdict' <<< "$out")" = skipped
	chmod 700 "$TESTTMP"
else
	skip "unreadable logs" "needs root and setpriv"
	skip "unreadable logs: daemon-died" "needs root and setpriv"
fi

# Exit status: 1 with an error, 0 with warnings only.
for d in good:0 private:1 locks-rust:0; do
	"$VIRTSHARE" -c "$NODE" --root "$(host base)" doctor "${d%:*}" > /dev/null 2>&1
	check "exit status ${d#*:} for ${d%:*}" test $? = "${d#*:}"
done

# Golden reports: every domain as text; two as JSON; a host variant.
out=$("$VIRTSHARE" -c "$NODE" --root "$DATA/host" doctor 2>&1 | normalize)
golden "doctor: every domain (text)" "$GOLDEN/doctor-all.txt" "$out"
for d in private died; do
	out=$("$VIRTSHARE" -c "$NODE" --root "$DATA/host" doctor "$d" --json 2>&1 | normalize)
	golden "doctor $d (json)" "$GOLDEN/doctor-$d.json" "$out"
	if printf '%s\n' "$out" | jq -e . > /dev/null 2>&1; then
		ok "doctor $d: --json output is valid JSON"
	else
		not_ok "doctor $d: --json output is valid JSON"
	fi
done
out=$("$VIRTSHARE" -c "$NODE" --root "$(host nomount)" doctor huge-ok 2>&1 |
	sed "s|$TESTTMP/hosts/nomount|@host@|g" | normalize)
golden "doctor huge-ok without a hugetlbfs mount (text)" "$GOLDEN/doctor-nomount.txt" "$out"
out=$("$VIRTSHARE" --root "$DATA/host" doctor tag-dup --xml "$DATA/tag-dup.xml" 2>&1 | normalize)
golden "doctor tag-dup --xml (text)" "$GOLDEN/doctor-tag-dup.txt" "$out"

# ---- --fix -------------------------------------------------------------------
# A domain XML file: the memory is made shared, the rest left alone.
h=$(host fix)
sed -n '/<name>private<\/name>/,/<\/domain>/p' "$DATA/node.xml" |
	sed -e '1i <domain type='"'"'kvm'"'"'>' -e '/test:runstate/d' > "$TESTTMP/private.xml"
cp "$TESTTMP/private.xml" "$TESTTMP/private.orig.xml"
out=$("$VIRTSHARE" --root "$h" doctor private --xml "$TESTTMP/private.xml" --fix --dry-run 2>&1)
check "--fix --dry-run exits 1 (the error stays)" test $? = 1
check "--fix --dry-run shows the change" grep -q "^+ *<source type='memfd'/>" <<< "$out"
check "--fix --dry-run changes nothing" cmp -s "$TESTTMP/private.xml" "$TESTTMP/private.orig.xml"
out=$("$VIRTSHARE" --root "$h" doctor private --xml "$TESTTMP/private.xml" --fix --yes 2>&1)
check "--fix --yes exits 0 when every error is fixed" test $? = 0
check "--fix says what it did" grep -q "^After the fixes: 0 error(s)" <<< "$out"
out=$("$VIRTSHARE" --root "$h" doctor private --xml "$TESTTMP/private.xml" --json |
	jq -r '.sections[1].checks[] | select(.id == "shared-memory") | .verdict')
check "after --fix the memory is shared" test "$out" = ok
check "the old definition is kept as FILE.bak" cmp -s "$TESTTMP/private.xml.bak" "$TESTTMP/private.orig.xml"

# Hugepages: the pool of the (copied) host tree grows by what is missing.
out=$("$VIRTSHARE" -c "$NODE" --root "$h" doctor huge-short --fix --yes 2>&1)
check "--fix adds the missing hugepages" grep -q "^Hugepages: the pool of 2M pages, at least 1024:" <<< "$out"
check "the pool asked for is written" test "$(cat "$h/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages")" = 1024

# Fixes virtshare cannot make are said so.
out=$("$VIRTSHARE" -c "$NODE" --root "$h" doctor nodir --fix --yes 2>&1)
check "--fix with nothing for virtshare to do exits 1" test $? = 1
check "and says the fixes are the user's" grep -q "Nothing here is for virtshare to fix" <<< "$out"
out=$("$VIRTSHARE" -c "$NODE" --root "$h" doctor private --fix --dry-run 2>&1 | normalize)
golden "doctor private --fix --dry-run (text)" "$GOLDEN/doctor-fix-private.txt" "$out"

done_testing
