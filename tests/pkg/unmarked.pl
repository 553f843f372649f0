#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# unmarked.pl FILE...: print FILE:LINE: "string" for every string literal
# that reaches the user unmarked: an argument of an output or error call
# (%sink below: the message or format argument) that is not inside _(),
# N_() or P_() and has words in it (two letters or more once
# %-conversions are removed), or two words or more given to any ui_*()
# function of the wizard. Lines with
# "i18n: not translated" in a comment on them or the line before are
# exempt (the version line, messages right before abort()).
use strict;
use warnings;

# call => the argument (from 0) that is the message or format
my %sink = (vs_error => 1, vs_warn => 1, printf => 0, fprintf => 1,
	fputs => 0, puts => 0, dprintf => 1, perror => 0, cli_out => 0,
	printw => 0, wprintw => 1, mvprintw => 2, mvwprintw => 3,
	addstr => 0, waddstr => 1, mvaddstr => 2, mvwaddstr => 3);
my $bad = 0;
for my $file (@ARGV) {
	open(my $fh, '<', $file) or die "$file: $!\n";
	my $src = do { local $/; <$fh> };
	close $fh;
	my @exempt;
	my $ln = 1;
	for (split /\n/, $src, -1) {
		$exempt[$ln] = $exempt[$ln + 1] = 1 if /i18n: not translated/;
		$ln++;
	}
	my (@stack, $ident, $line) = ();
	$line = 1;
	my $i = 0;
	my $n = length $src;
	$ident = '';
	while ($i < $n) {
		my $c = substr($src, $i, 1);
		if ($c eq "\n") { $line++; $i++; $ident = ''; next; }
		if (substr($src, $i, 2) eq '/*') {
			my $e = index($src, '*/', $i + 2);
			$e = $n if $e < 0;
			$line += () = substr($src, $i, $e - $i) =~ /\n/g;
			$i = $e + 2; next;
		}
		if (substr($src, $i, 2) eq '//' or ($c eq '#' and
		    (substr($src, 0, $i) =~ /(^|\n)[ \t]*$/))) {
			# comments and preprocessor lines (continued with \)
			my $e = $i;
			while (1) {
				$e = index($src, "\n", $e);
				last if $e < 0 or substr($src, $e - 1, 1) ne '\\';
				$e++; $line++;
			}
			$e = $n if $e < 0;
			$i = $e; next;
		}
		if ($c eq "'") {
			if (substr($src, $i) =~ /\A'(?:[^'\\]|\\.)*'/s) {
				$i += length($&);
			} else {
				$i++;
			}
			$ident = ''; next;
		}
		if ($c eq '"') {
			# adjacent literals are one string
			my ($text, $start) = ('', $line);
			while (substr($src, $i) =~ /\A"((?:[^"\\\n]|\\.)*)"(\s*)/s) {
				my ($t, $ws, $len) = ($1, $2, length $&);
				$text .= $t;
				$i += $len;
				$line += () = $ws =~ /\n/g;
			}
			if ($text eq '' and substr($src, $i, 1) eq '"') {
				$i++;	# not a C string: skip the quote
				next;
			}
			my ($inner, $arg) = @stack ? @{$stack[-1]} : ('', 0);
			my $marked = grep { $_->[0] =~ /^(?:_|N_|P_)$/ } @stack;
			(my $words = $text) =~ s/%(?:\d+\$)?[-+ #0]*[\d*]*(?:\.[\d*]+)?[hlLqjzt]*[a-zA-Z]//g;
			$words =~ s/\\[nt]/ /g;
			# the message argument of an output call, or words
			# given to the wizard's screen (ui_*(), any argument)
			my $shown = (defined $sink{$inner} &&
			    $sink{$inner} == $arg && $words =~ /[A-Za-z]{2,}/) ||
			    ($inner =~ /^ui_/ &&
			     $words =~ /[A-Za-z]{2,}\s+[A-Za-z]{2,}/);
			if (!$marked && $shown && !$exempt[$start]) {
				print "$file:$start: $inner(\"$text\")\n";
				$bad++;
			}
			$ident = ''; next;
		}
		if ($c =~ /[A-Za-z0-9_]/) {
			my ($w) = substr($src, $i) =~ /\A(\w+)/;
			$ident = $w; $i += length $w; next;
		}
		if ($c eq '(') { push @stack, [$ident, 0]; }
		elsif ($c eq ')') { pop @stack; }
		elsif ($c eq ',' and @stack) { $stack[-1][1]++; }
		elsif ($c eq '{' or $c eq '}' or $c eq ';') { @stack = (); }
		$ident = '' unless $c =~ /\s/;
		$i++;
	}
}
exit($bad ? 1 : 0);
