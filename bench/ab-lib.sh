# SPDX-License-Identifier: GPL-2.0-or-later
# ab-lib.sh: alternated guest rounds, ours then the reference, sourced by
# bench/fio-ab.sh and bench/fuse-count.sh after tests/e2e/lib.sh.
#
# ab_rounds ROUNDS NAME FN: for each round R and each daemon WHO ($ours
# and $reference), a fresh run directory $e2e_dir/run-NAME-WHO with an
# empty share/, then FN WHO R DAEMON RUNDIR. Ours goes first in odd
# rounds, the reference in even ones (A B B A A B ...): with ours always
# first, a load that fell through the run (6.2 to 2.3 at 22:57) favoured
# the reference in every round.
ab_rounds() {
	_ab_r=1
	while [ "$_ab_r" -le "$1" ]; do
		_ab_order="ours reference"
		[ $((_ab_r % 2)) = 1 ] || _ab_order="reference ours"
		for _ab_who in $_ab_order; do
			if [ "$_ab_who" = ours ]; then _ab_d=$ours; else _ab_d=$reference; fi
			_ab_run=$e2e_dir/run-$2-$_ab_who
			rm -rf "$_ab_run"
			mkdir -p "$_ab_run/share"
			"$3" "$_ab_who" "$_ab_r" "$_ab_d" "$_ab_run"
		done
		_ab_r=$((_ab_r + 1))
	done
}
