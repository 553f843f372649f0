#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# include-cycles.pl DIR...: modules must depend on each other one way
# only. A module is foo.c with foo.h (foo-priv.h is foo's too). Two
# graphs are built over the C files of each DIR:
#   includes: foo -> bar when a file of foo includes "bar.h" of DIR;
#   calls:    foo -> bar when foo.c names a function or variable that
#             bar.c defines without static (comments, strings and
#             file-level tables of entries left out), which also sees
#             modules that share a header.
# Every cycle is printed ("DIR: include cycle: a -> b -> a", "DIR: call
# cycle: ..."); the exit status is 1 if there is any.
use strict;
use warnings;

my $bad = 0;

sub cycles {
	my ($dir, $what, $deps) = @_;
	my (%state, @stack, %seen);
	my $visit;
	$visit = sub {
		my ($m) = @_;
		$state{$m} = 1;
		push @stack, $m;
		for my $to (sort keys %{$deps->{$m}}) {
			if (($state{$to} // 0) == 1) {
				my @c = @stack;
				shift @c while $c[0] ne $to;
				# Start at the smallest name: one cycle,
				# one line, whatever the walk's order.
				my ($min) = sort @c;
				push @c, shift @c while $c[0] ne $min;
				my $cycle = join(' -> ', @c, $min);
				print "$dir: $what cycle: $cycle\n"
				    unless $seen{$cycle}++;
				$bad = 1;
			} elsif (!$state{$to}) {
				$visit->($to);
			}
		}
		pop @stack;
		$state{$m} = 2;
	};
	for my $m (sort keys %$deps) {
		$visit->($m) unless $state{$m};
	}
}

sub slurp {
	my ($path) = @_;
	open(my $fh, '<', $path) or die "$path: $!\n";
	local $/;
	my $text = <$fh>;
	close($fh);
	return $text;
}

for my $dir (@ARGV) {
	opendir(my $dh, $dir) or die "$dir: $!\n";
	my @files = sort grep { /\.[ch]$/ } readdir($dh);
	closedir($dh);
	my %have = map { $_ => 1 } @files;
	my (%inc, %calls, %defined_in, %code);

	for my $f (@files) {
		(my $mod = $f) =~ s/(-priv)?\.[ch]$//;
		my $text = slurp("$dir/$f");
		$inc{$mod} //= {};
		while ($text =~ /^\s*#\s*include\s+"([^"\/]+)\.h"/mg) {
			next unless $have{"$1.h"};
			(my $to = $1) =~ s/-priv$//;
			$inc{$mod}{$to} = 1 if $to ne $mod;
		}
		next unless $f =~ /\.c$/;
		# What the module defines for others: a function whose name
		# starts a line (the return type is on the line before), or
		# a variable with an initializer, neither static.
		my $prev = '';
		for my $line (split /\n/, $text) {
			my $name;
			if ($line =~ /^([a-z_]\w*)\(/) {
				$name = $1;
				undef $name if $prev =~ /^static\b/ ||
				    $prev !~ /\S/ || $prev =~ /[;{}]\s*$/;
			} elsif ($line =~ /^(?!static\b)[a-z][^(=;]*?\b([a-z_]\w*)\s*(?:\[[^\]]*\])?\s*=/) {
				$name = $1;
			}
			$defined_in{$name} //= $mod if defined $name;
			$prev = $line;
		}
		# The code without comments, strings and preprocessor lines.
		$text =~ s{/\*.*?\*/}{ }sg;
		$text =~ s{//[^\n]*}{}g;
		$text =~ s{"(\\.|[^"\\\n])*"}{""}g;
		$text =~ s{'(\\.|[^'\\\n])*'}{''}g;
		$text =~ s{^\s*#[^\n]*}{}mg;
		# A table of entries at file level (tmux's cmd_table, the
		# project's model) names its entries without calling them:
		# the entries may use the table's module.
		$text =~ s{^[^\n]*=\s*\{.*?^\};}{}msg;
		$code{$mod} .= $text;
		$calls{$mod} //= {};
	}
	for my $mod (keys %code) {
		my %named = map { $_ => 1 } ($code{$mod} =~ /\b([a-z_]\w*)\b/g);
		for my $name (keys %named) {
			my $to = $defined_in{$name};
			$calls{$mod}{$to} = 1 if defined $to && $to ne $mod;
		}
	}
	cycles($dir, 'include', \%inc);
	cycles($dir, 'call', \%calls);
}
exit($bad);
