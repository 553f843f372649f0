#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# completion.sh: the bash completion of virtshare, driven as bash does it
# (COMP_WORDS, COMP_CWORD, then the function `complete -p` names). What it
# must offer is asked of the binary (--list-commands, CMD --help), so
# commands and options added later are checked too.
. "$top_srcdir/tests/cli/lib.sh"

COMPLETION=$top_builddir/src/bash-completion/virtshare
unset VIRTSHARE_URI LIBVIRT_DEFAULT_URI
# shellcheck source=/dev/null
. "$COMPLETION"

spec=$(complete -p virtshare 2>&1)
check "complete -p virtshare names a function" \
	grep -qE '^complete -F [_a-z]+ virtshare$' <<< "$spec"
func=$(sed -E 's/^complete -F ([_a-z]+) virtshare$/\1/' <<< "$spec")

# comp WORD...: complete the last word (may be ""); prints COMPREPLY sorted
comp() {
	COMP_WORDS=("$VIRTSHARE" "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$func" virtshare "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}" 2> "$TESTTMP/err"
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

# same NAME EXPECTED ACTUAL: the two lists are the same
same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected:" "$2" "got:" "$3" "$(cat "$TESTTMP/err")"
	fi
}

commands=$(LC_ALL=C "$VIRTSHARE" --list-commands)
check "--list-commands lists commands" test -n "$commands"
check "--list-commands lists every command of --help" \
	bash -c 'for c in $1; do
		LC_ALL=C "$2" --help | grep -qE "^  $c +[A-Z]" || exit 1; done' \
	_ "$commands" "$VIRTSHARE"
same "an empty word: every command" "$(sort <<< "$commands")" "$(comp "")"
same "a prefix: the commands it starts" \
	"$(grep '^sh' <<< "$commands" | sort)" "$(comp sh)"
same "global options come from --help" \
	"$(LC_ALL=C "$VIRTSHARE" --help | grep -o -- '--[a-z][a-z0-9-]*' |
		grep '^--d' | sort -u)" "$(comp --d)"
same "global options before the command are skipped" \
	"$(sort <<< "$commands")" "$(comp --demo -c test:///default "")"

# Every option of every command completes from its own --help.
for c in $commands; do
	opts=$(LC_ALL=C "$VIRTSHARE" "$c" --help | grep -o -- '--[a-z][a-z0-9-]*' |
		sort -u)
	same "$c: every option of '$c --help'" "$opts" "$(comp "$c" --)"
done

# Values of options: "--opt a|b" offers a and b; DIR offers directories.
same "share --cache offers the modes of its help" \
	"$(printf '%s\n' always none)" "$(comp share vm --cache "")"
same "share --cache a prefix" "always" "$(comp share vm --cache al)"
same "--backing offers the kinds" "numa" "$(comp share vm --backing nu)"
mkdir -p "$TESTTMP/dir-a" "$TESTTMP/dir-b"
: > "$TESTTMP/file-c"
same "--dir offers directories only" \
	"$(printf '%s\n' "$TESTTMP/dir-a" "$TESTTMP/dir-b")" \
	"$(comp share vm --dir "$TESTTMP/")"
same "--xml offers files" "$TESTTMP/file-c" \
	"$(comp shares vm --xml "$TESTTMP/file")"
same "doctor --all-hosts offers files" "$TESTTMP/file-c" \
	"$(comp doctor --all-hosts "$TESTTMP/file")"
same "apply --jobs: a number, nothing offered" "" "$(comp apply --jobs "")"
same "-c offers URIs" "test:///default" "$(comp -c test:)"
same "an option's value is not taken for the command" \
	"$(sort <<< "$commands")" "$(comp --root / "")"

# Actions of the usage line.
same "pages: its actions" "$(printf '%s\n' alloc free mount)" \
	"$(comp pages "")"
same "daemon: its actions" \
	"$(printf '%s\n' install-unit list restart start status stop)" \
	"$(comp daemon "")"
sizes=$(for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
	[ -d "$d" ] || continue
	k=${d##*-}; k=${k%kB}
	if [ $((k % 1048576)) = 0 ]; then echo "$((k / 1048576))G"
	else echo "$((k / 1024))M"; fi
done | sort)
same "pages alloc: the host's page sizes" "$sizes" "$(comp pages alloc "")"
same "pages --node N alloc: the value of --node is skipped" "$sizes" \
	"$(comp pages --node 0 alloc "")"
# Every command that changes something takes --dry-run and --yes.
for c in share unshare undo apply pages daemon; do
	same "$c: --dry-run and --yes" "$(printf '%s\n' --dry-run --yes)" \
		"$( (comp "$c" --dr; comp "$c" --ye) | sort)"
done

# Domains from libvirt through virsh, tags through `virtshare shares`.
if command -v virsh > /dev/null; then
	demo_domains=$(virsh -c "test://$VIRTSHARE_DATADIR/demo/node.xml" -q \
		list --all --name | grep . | sort)
	check "the demo has domains" test -n "$demo_domains"
	same "--demo shares: the domains" "$demo_domains" \
		"$(comp --demo shares "")"
	same "-c URI unshare: the domains of that URI" "test" \
		"$(comp -c test:///default unshare "")"
	same "--connect=URI share: the domains" "test" \
		"$(comp --connect=test:///default share "")"
	same "daemon start: a domain after the action" "$demo_domains" \
		"$(comp --demo daemon start "")"
else
	skip "domain names" "virsh is not installed"
fi
tags=$("$VIRTSHARE" --demo shares build --json | jq -r '.shares[].tag' 2>/dev/null |
	sort)
check "the demo domain build has a share" test -n "$tags"
same "unshare DOMAIN: its tags" "$tags" "$(comp --demo unshare build "")"
same "share DOMAIN --tag: its tags" "$tags" \
	"$(comp --demo share build --tag "")"
same "share --yes DOMAIN --tag: a flag before the domain" "$tags" \
	"$(comp --demo share --yes build --tag "")"
same "share --dir DIR DOMAIN --tag: an option's value before the domain" \
	"$tags" "$(comp --demo share --dir /tmp build --tag "")"
same "daemon stop DOMAIN: its tags" "$tags" \
	"$(comp --demo daemon stop build "")"
same "a domain without shares: no tags" "" "$(comp --demo unshare web "")"
# Live sharing (issue 16): the new commands and options complete.
same "mount DOMAIN: its tags" "$tags" "$(comp --demo mount build "")"
same "umount DOMAIN: its tags" "$tags" "$(comp --demo umount build "")"
same "share --config-only" "--config-only" "$(comp share --config-o)"
same "unshare --config-only" "--config-only" "$(comp unshare --config-o)"
same "share --mount and --persist" "$(printf '%s\n' --mount --persist)" \
	"$( (comp share --mou; comp share --pers) | sort)"
same "mount --persist" "--persist" "$(comp mount --pers)"

done_testing
