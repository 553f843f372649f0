#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# include-cycles.pl DIR...: the modules of the C files in DIR (foo.c with
# foo.h, foo-priv.h being foo's too) and which include which ("bar.h" of
# the same directory); prints each module that is part of a cycle with
# the cycle, and exits 1 if there is any. Modules must depend on each
# other one way only: a module that needs another's callers says so
# through a callback, not an include back.
use strict;
use warnings;

my $bad = 0;
for my $dir (@ARGV) {
	opendir(my $dh, $dir) or die "$dir: $!\n";
	my @files = sort grep { /\.[ch]$/ } readdir($dh);
	closedir($dh);
	my %have = map { $_ => 1 } @files;
	my %deps;
	for my $f (@files) {
		(my $mod = $f) =~ s/(-priv)?\.[ch]$//;
		$deps{$mod} //= {};
		open(my $fh, '<', "$dir/$f") or die "$dir/$f: $!\n";
		while (<$fh>) {
			next unless /^\s*#\s*include\s+"([^"\/]+)\.h"/;
			next unless $have{"$1.h"};
			(my $to = $1) =~ s/-priv$//;
			$deps{$mod}{$to} = 1 if $to ne $mod;
		}
		close($fh);
	}
	# Depth-first search; a back edge closes a cycle.
	my (%state, @stack, %seen);
	my $visit;
	$visit = sub {
		my ($m) = @_;
		$state{$m} = 1;
		push @stack, $m;
		for my $to (sort keys %{$deps{$m}}) {
			if (($state{$to} // 0) == 1) {
				my @c = @stack;
				shift @c while $c[0] ne $to;
				my $cycle = join(' -> ', @c, $to);
				print "$dir: include cycle: $cycle\n"
				    unless $seen{$cycle}++;
				$bad = 1;
			} elsif (!$state{$to}) {
				$visit->($to);
			}
		}
		pop @stack;
		$state{$m} = 2;
	};
	for my $m (sort keys %deps) {
		$visit->($m) unless $state{$m};
	}
}
exit($bad);
