#!/bin/sh
# cli.sh - command-line behaviour of pcifix: -i, -o, --check, --diff, stdin, several files, usage.
#
# The golden cases (tests/golden.sh) pin what pcifix prints for one document;
# this script checks what only a whole command line shows: which files are
# (not) written, inodes and modification times, file modes, usage errors,
# --version and --help, the man page's examples, and that no external DTD is
# opened.  It uses the inputs in tests/data and data/.
#
# A file that pcifix must leave alone is a spelling (CRLF, BOM, ...) of
# tests/data/dom/dom-q35.xml, which is what libvirt itself wrote for a q35 guest:
# every address assigned and every implicit device present, so there is
# nothing to add to it (tests/golden-libvirt.sh proves it: libvirt's result
# for it, dom-q35.libvirt.xml, is the file itself for PCI purposes).
#
# The man page's examples run on the domains in data/.  What they print is
# pinned, and proven against real libvirt, by golden cases on copies of
# those files (tests/data/man/man-*.xml, each with NAME.libvirt.xml); the checks
# here make sure the copies are still the files in data/, and that the
# commands of the examples print exactly those proven results.
#
# Environment, as for golden.sh:
#   PCIFIX           the program (default ./src/pcifix, relative to the current directory)
#   top_srcdir       the source tree (default: the directory above this script)
#   PCIFIX_VALGRIND  yes: run every pcifix under valgrind; any report fails the check
# Each check prints PASS: name or FAIL: name with what went wrong; the last
# line is `cli: N passed, N failed'.  Exit status: 0 when every check passed,
# 1 otherwise.  Checks that need strace are skipped (and say so) without it.
#
# Usage: tests/cli.sh

me=cli
. "$(dirname "$0")/setup"
need_pcifix
make_work

passed=0
failed=0
problems=
t=

# begin NAME: start a check.  The current directory is a fresh, empty $t/d;
# pcifix's stdout and stderr go to $out and $err beside it.
begin() {
	name=$1
	problems=
	t=$work/$name
	out=$t/out
	err=$t/err
	mkdir "$t" "$t/d" && cd "$t/d" || exit 1
}

# end: report the check.
end() {
	cd "$work" || exit 1
	if [ -z "$problems" ]; then
		echo "PASS: $name"
		passed=$((passed + 1))
	else
		echo "FAIL: $name"
		printf '%s' "$problems"
		failed=$((failed + 1))
	fi
}

note() {
	problems="$problems  $1
"
}

# pcifix ARG...: run pcifix in the current directory with stdin from $stdin
# (default /dev/null, reset after each run); stdout to $out, stderr to $err,
# the exit status in $rc.
stdin=/dev/null
pcifix() {
	if [ -n "$vg" ]; then
		: >"$work/valgrind.log"
		valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all \
			-q --log-file="$work/valgrind.log" "$PCIFIX" "$@" <"$stdin" >"$out" 2>"$err"
		rc=$?
		if [ -s "$work/valgrind.log" ] || [ "$rc" -eq 99 ]; then
			note "valgrind reported errors for: pcifix $*"
			problems="$problems$(sed -e 's/^/    /' -e '40q' "$work/valgrind.log")
"
		fi
	else
		"$PCIFIX" "$@" <"$stdin" >"$out" 2>"$err"
		rc=$?
	fi
	stdin=/dev/null
}

# Assertions; each notes a problem and carries on.
expect_rc() {
	if [ "$rc" != "$1" ]; then
		note "exit status: expected $1, got $rc"
		if [ -s "$err" ]; then
			problems="$problems$(sed -e 's/^/    stderr: /' -e '10q' "$err")
"
		fi
	fi
}
expect_empty() {
	if [ -s "$1" ]; then
		note "${1##*/} should be empty but holds:"
		problems="$problems$(sed -e 's/^/    /' -e '10q' "$1")
"
	fi
}
expect_same() {
	if ! cmp -s "$1" "$2"; then
		note "${2##*/} differs from ${1##*/}:"
		problems="$problems$(diff -u "$1" "$2" | sed -e '1,2d' -e 's/^/    /' -e '20q')
"
	fi
}
expect_grep() {
	if ! grep -e "$1" "$2" >/dev/null 2>&1; then
		note "${2##*/} does not match /$1/; it holds:"
		problems="$problems$(sed -e 's/^/    /' -e '10q' "$2" 2>/dev/null)
"
	fi
}
expect_lines() {
	n=$(wc -l <"$2" | tr -d ' ')
	if [ "$n" != "$1" ]; then
		note "${2##*/}: expected $1 lines, got $n"
	fi
}
expect_absent() {
	if [ -e "$1" ] || [ -L "$1" ]; then
		note "$1 should not exist"
	fi
}
# The identity of a file: inode, size, modification time to the nanosecond, mode.
ident() {
	stat -c '%i %s %y %a' "$1"
}
# Files in the current directory, hidden ones too (to find left-over temporaries).
listing() {
	# shellcheck disable=SC2012 # the names here are plain
	ls -A | sort | tr '\n' ' '
}

old='2020-01-02 03:04:05'

# variant KIND: dom-q35.xml spelled in another way, on stdout.
q35=$data/dom/dom-q35.xml
variant() {
	case $1 in
	plain) cat "$q35" ;;
	crlf) awk '{ printf "%s\r\n", $0 }' "$q35" ;;
	cr) tr '\n' '\r' <"$q35" ;;
	bom) printf '\357\273\277' && cat "$q35" ;;
	no-final-newline) printf '%s' "$(cat "$q35")" ;;
	comment) printf '<!-- frozen by pcifix, d\303\251j\303\240 vu -->\n\n' && cat "$q35" ;;
	doctype) printf '<!DOCTYPE domain SYSTEM "http://example.invalid/domain.dtd">\n' && cat "$q35" ;;
	*) echo "cli: no variant $1" >&2 && exit 1 ;;
	esac
}

# ---- -i ----------------------------------------------------------------

begin in-place-unchanged-not-rewritten
variant comment >dom.xml
cp dom.xml orig.xml
touch -d "$old" dom.xml
before=$(ident dom.xml)
files=$(listing)
pcifix -i dom.xml
expect_rc 0
expect_empty "$out"
expect_empty "$err"
expect_same orig.xml dom.xml
after=$(ident dom.xml)
[ "$before" = "$after" ] || note "dom.xml was rewritten: '$before' became '$after'"
[ "$files" = "$(listing)" ] || note "files changed: '$files' became '$(listing)'"
end

begin in-place-crlf-cr-bom-no-final-newline
for f in crlf cr bom no-final-newline; do
	variant "$f" >"$f.xml"
	cp "$f.xml" "$f.orig"
	touch -d "$old" "$f.xml"
done
before=$(for f in *.xml; do ident "$f"; done)
pcifix -i crlf.xml cr.xml bom.xml no-final-newline.xml
expect_rc 0
expect_empty "$out"
expect_empty "$err"
for f in crlf cr bom no-final-newline; do
	expect_same "$f.orig" "$f.xml"
done
[ "$before" = "$(for f in *.xml; do ident "$f"; done)" ] || note "a file was rewritten"
end

begin in-place-read-only-file
variant plain >dom.xml
cp dom.xml orig.xml
chmod 444 dom.xml
before=$(ident dom.xml)
pcifix -i dom.xml
expect_rc 0
expect_empty "$err"
expect_same orig.xml dom.xml
[ "$before" = "$(ident dom.xml)" ] || note "dom.xml was rewritten or its mode changed"
end

begin in-place-symlink-stays-link
variant crlf >real.xml
cp real.xml orig.xml
ln -s real.xml link.xml
touch -d "$old" real.xml
before=$(ident real.xml)
pcifix -i link.xml
expect_rc 0
expect_empty "$err"
[ -L link.xml ] || note "link.xml is no longer a symbolic link"
expect_same orig.xml real.xml
[ "$before" = "$(ident real.xml)" ] || note "real.xml was rewritten"
end

begin in-place-one-bad-file
variant plain >a.xml
cp "$data/bad/bad-slot-junk.xml" b.xml
variant bom >c.xml
for f in a b c; do
	cp "$f.xml" "$f.orig"
	touch -d "$old" "$f.xml"
done
before=$(for f in a b c; do ident "$f.xml"; done)
files=$(listing)
pcifix -i a.xml b.xml c.xml
expect_rc 3
expect_empty "$out"
expect_lines 1 "$err"
expect_grep "^pcifix: b\.xml:17: error: .*\[bad-number\]\$" "$err"
for f in a b c; do
	expect_same "$f.orig" "$f.xml"
done
[ "$before" = "$(for f in a b c; do ident "$f.xml"; done)" ] || note "a file was rewritten"
[ "$files" = "$(listing)" ] || note "files changed: '$files' became '$(listing)'"
end

# ---- -o ----------------------------------------------------------------

begin output-new-file
variant crlf >dom.xml
umask 022
pcifix -o out.xml dom.xml
expect_rc 0
expect_empty "$out"
expect_empty "$err"
expect_same dom.xml out.xml
[ "$(stat -c %a out.xml 2>/dev/null)" = 644 ] ||
	note "out.xml has mode $(stat -c %a out.xml 2>/dev/null), expected 644 (0666 less umask 022)"
[ "$(listing)" = "dom.xml out.xml " ] || note "unexpected files: $(listing)"
end

begin output-replaces-existing-file
variant comment >dom.xml
echo 'old contents' >result.xml
chmod 600 result.xml
pcifix --output=result.xml dom.xml
expect_rc 0
expect_empty "$out"
expect_empty "$err"
expect_same dom.xml result.xml
[ "$(stat -c %a result.xml)" = 600 ] || note "result.xml lost its mode 600: $(stat -c %a result.xml)"
end

begin output-dash-is-a-file
variant plain >dom.xml
pcifix -o - dom.xml
expect_rc 0
expect_empty "$out"
expect_empty "$err"
if [ -f ./- ]; then
	expect_same dom.xml ./-
else
	note "-o - did not write a file named '-'"
fi
end

begin output-bad-input-writes-nothing
cp "$data/bad/bad-function-8.xml" dom.xml
pcifix -o new.xml dom.xml
expect_rc 3
expect_empty "$out"
expect_grep "^pcifix: dom\.xml:17: error: .*\[address-range\]\$" "$err"
expect_absent new.xml
echo 'keep me' >old.xml
cp old.xml old.orig
pcifix -o old.xml dom.xml
expect_rc 3
expect_same old.orig old.xml
[ "$(listing)" = "dom.xml old.orig old.xml " ] || note "unexpected files: $(listing)"
end

begin output-missing-directory
variant plain >dom.xml
pcifix -o no/such/dir/out.xml dom.xml
expect_rc 4
expect_empty "$out"
expect_grep '^pcifix: no/such/dir/out\.xml: error: .*No such file or directory \[io-error\]$' "$err"
end

# ---- --check and --diff ------------------------------------------------

begin check-valid-files
for f in plain crlf cr bom no-final-newline comment doctype; do
	variant "$f" >"$f.xml"
done
files=$(listing)
pcifix --check plain.xml crlf.xml cr.xml bom.xml no-final-newline.xml comment.xml doctype.xml
expect_rc 0
expect_empty "$out"
expect_empty "$err"
[ "$files" = "$(listing)" ] || note "files changed: '$files' became '$(listing)'"
end

begin check-bad-file
variant plain >a.xml
cp "$data/bad/bad-bus-0x100.xml" b.xml
pcifix --check a.xml b.xml
expect_rc 3
expect_empty "$out"
expect_lines 1 "$err"
expect_grep "^pcifix: b\.xml:17: error: invalid PCI address bus='0x100', must be <= 0xFF \[address-range\]\$" "$err"
end

begin diff-unchanged
variant comment >dom.xml
variant cr >cr.xml
pcifix --diff dom.xml cr.xml
expect_rc 0
expect_empty "$out"
expect_empty "$err"
pcifix --check --diff dom.xml cr.xml
expect_rc 0
expect_empty "$out"
expect_empty "$err"
end

# ---- standard input ----------------------------------------------------

begin stdin-dash
variant bom >dom.xml
stdin=dom.xml
pcifix -
expect_rc 0
expect_empty "$err"
expect_same dom.xml "$out"
stdin=dom.xml
pcifix --check -
expect_rc 0
expect_empty "$out"
expect_empty "$err"
stdin=dom.xml
pcifix --diff -
expect_rc 0
expect_empty "$out"
expect_empty "$err"
stdin=dom.xml
pcifix -o copy.xml -
expect_rc 0
expect_empty "$out"
expect_same dom.xml copy.xml
end

begin stdin-bad
cp "$data/bad/bad-slot-0x20.xml" dom.xml
stdin=dom.xml
pcifix -
expect_rc 3
expect_empty "$out"
expect_lines 1 "$err"
expect_grep "^pcifix: <stdin>:17: error: invalid PCI address slot='0x20', must be <= 0x1F \[address-range\]\$" "$err"
end

# ---- several files -----------------------------------------------------

begin several-files-every-one-processed
variant plain >a.xml
cp "$data/bad/bad-slot-junk.xml" b.xml
variant crlf >c.xml
cp "$data/bad/bad-unclosed-tag.xml" d.xml
variant no-final-newline >e.xml
pcifix a.xml b.xml c.xml missing.xml d.xml e.xml
expect_rc 4
cat a.xml c.xml e.xml >expected
expect_same expected "$out"
expect_lines 3 "$err"
expect_grep '^pcifix: b\.xml:17: error: .*\[bad-number\]$' "$err"
expect_grep '^pcifix: missing\.xml: error: cannot open: No such file or directory \[io-error\]$' "$err"
expect_grep '^pcifix: d\.xml:16: error: .*\[xml-syntax\]$' "$err"
pcifix a.xml b.xml c.xml d.xml e.xml
expect_rc 3
expect_same expected "$out"
expect_lines 2 "$err"
end

# ---- usage -------------------------------------------------------------

# usage NAME ARG...: pcifix ARG... must exit 2, print nothing on stdout, a
# `pcifix: ' message on stderr, and touch no file.
usage() {
	begin "usage-$1"
	shift
	cp "$data/dom/dom-minimal.xml" dom.xml
	cp "$data/dom/dom-ch.xml" two.xml
	touch -d "$old" dom.xml two.xml
	before=$(ident dom.xml)
	files=$(listing)
	pcifix "$@"
	expect_rc 2
	expect_empty "$out"
	expect_grep '^pcifix: ' "$err"
	[ "$before" = "$(ident dom.xml)" ] || note "dom.xml was rewritten"
	[ "$files" = "$(listing)" ] || note "files changed: '$files' became '$(listing)'"
	end
}
usage no-file
usage no-file-with-option --check
usage unknown-option --frobnicate dom.xml
usage unknown-short-option -z dom.xml
usage format-xml --format=xml dom.xml
usage format-empty --format= dom.xml
usage output-two-files -o out.xml dom.xml two.xml
usage in-place-stdin -i -
usage in-place-stdin-among-files -i dom.xml -
usage check-in-place --check -i dom.xml
usage check-output --check -o out.xml dom.xml
usage in-place-and-diff -i --diff dom.xml
usage list-and-diff --list --diff dom.xml
usage output-and-in-place -o out.xml -i dom.xml
usage output-without-argument dom.xml -o

begin usage-message-text
pcifix --format=xml dom.xml
expect_rc 2
expect_grep "^pcifix: --format must be 'text' or 'json', not 'xml'\$" "$err"
pcifix
expect_rc 2
expect_grep "^Try 'pcifix --help' for more information\.\$" "$err"
end

# ---- --version and --help ----------------------------------------------

begin version
version=$(sed -n 's/^AC_INIT(\[pcifix\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
pcifix --version
expect_rc 0
expect_empty "$err"
printf 'pcifix %s\n' "$version" >expected
expect_same expected "$out"
pcifix -V
expect_rc 0
expect_same expected "$out"
end

begin help-mentions-exit-statuses
pcifix --help
expect_rc 0
expect_empty "$err"
expect_grep 'Usage: pcifix' "$out"
expect_grep '[Ee]xit status' "$out"
expect_grep '0 ok' "$out"
expect_grep '1 --check' "$out"
expect_grep '2 usage' "$out"
expect_grep '3 invalid input' "$out"
expect_grep '4 I/O' "$out"
for opt in --in-place --output --check --diff --list --format --version; do
	expect_grep "$opt" "$out"
done
end

# ---- output errors -----------------------------------------------------

begin stdout-write-error
cp "$data/dom/dom-q35.xml" dom.xml
if [ -w /dev/full ]; then
	"$PCIFIX" dom.xml >/dev/full 2>"$err"
	rc=$?
	expect_rc 4
	expect_grep '^pcifix: <stdout>: error: cannot write.*\[io-error\]$' "$err"
else
	echo "cli: no /dev/full: stdout-write-error not checked" >&2
fi
end

# ---- no DTD or entity is ever loaded -----------------------------------

begin external-dtd-not-loaded
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true >/dev/null 2>&1; then
	for f in fmt-external-dtd fmt-external-dtd-public bad-external-entity bad-external-parameter-entity; do
		cp "$data/${f%%-*}/$f.xml" "$f.xml"
		strace -f -o "trace.$f" -e trace=open,openat,connect,socket "$PCIFIX" "$f.xml" >/dev/null 2>&1
		# Only the input file may be opened, apart from the shared libraries
		# and what a sanitizer runtime reads about its own process.
		if grep -v -e '\.so' -e 'ld\.so' -e "\"$f\.xml\"" -e '^[0-9]* *+++' \
			-e 'exited with' -e '/usr/lib/locale' -e 'gconv' \
			-e '"/proc/self/' "trace.$f" |
			grep -e 'open' -e 'connect' -e 'socket' >"opened.$f"; then
			note "pcifix $f.xml opened or connected to something besides its input:"
			problems="$problems$(sed -e 's/^/    /' -e '10q' "opened.$f")
"
		fi
	done
else
	echo "cli: strace is missing or not permitted: external-dtd-not-loaded checks less" >&2
fi
variant doctype >dom.xml
pcifix dom.xml
expect_rc 0
expect_empty "$err"
expect_same dom.xml "$out"
end

# ---- the man page's examples -------------------------------------------

# golden NAME: tests/data/FAMILY/NAME.out, with the case's file name in it replaced
# by FILE (the name the example uses), on stdout.
golden() {
	sed -e "s|$1\\.xml|$2|g" "$data/${1%%-*}/$1.out"
}

begin man-example-inputs-are-golden-cases
for c in pc-basic:man-pc-basic q35-basic:man-q35-basic q35-basic:man-q35-basic-list \
	legacy-partial:man-legacy-partial legacy-partial:man-legacy-partial-diff \
	legacy-partial:man-legacy-partial-list legacy-partial:man-legacy-partial-list-json; do
	f=${c%%:*} g=${c#*:}
	if ! cmp -s "$top_srcdir/data/$f.xml" "$data/${g%%-*}/$g.xml"; then
		note "data/$f.xml differs from tests/data/${g%%-*}/$g.xml: copy it there, then run"
		note "  tests/golden-libvirt.sh --make $g and PCIFIX_REGENERATE=1 tests/golden.sh $g"
	fi
	[ -f "$data/${g%%-*}/$g.libvirt.xml" ] || note "tests/data/${g%%-*}/$g.libvirt.xml is missing: libvirt's result proves $g.out"
done
end

# Pre-define step: the file gets libvirt's addresses, and then nothing is left to add.
begin man-example-in-place
cp "$top_srcdir/data/pc-basic.xml" web1.xml
touch -d "$old" web1.xml
before=$(ident web1.xml)
pcifix -i web1.xml
expect_rc 0
expect_empty "$out"
expect_empty "$err"
expect_same "$data/man/man-pc-basic.out" web1.xml
[ "$before" != "$(ident web1.xml)" ] || note "web1.xml was not rewritten"
pcifix --check web1.xml
expect_rc 0
expect_empty "$out"
expect_empty "$err"
end

# CI lint: every domain in data/ still lacks addresses, so each one is named.
begin man-example-check-data
cd "$top_srcdir" || exit 1
pcifix --check data/*.xml
expect_rc 1
expect_empty "$out"
for f in legacy-partial pc-basic q35-basic; do
	expect_grep "^pcifix: data/$f\\.xml: error: pcifix would change this file \\[would-change\\]\$" "$err"
	expect_grep "^pcifix: data/$f\\.xml: hint: run 'pcifix -i data/$f\\.xml' and review the result\$" "$err"
done
if grep ': error: ' "$err" | grep -v '\[would-change\]$' >"$t/other"; then
	note "errors besides would-change:"
	problems="$problems$(sed -e 's/^/    /' -e '10q' "$t/other")
"
fi
pcifix --check --format=json data/*.xml
expect_rc 1
expect_empty "$out"
for f in legacy-partial pc-basic q35-basic; do
	expect_grep "^{\"file\":\"data/$f\\.xml\",\"line\":0,\"severity\":\"error\",\"rule\":\"would-change\"," "$err"
done
end

# Migration: review the diff, apply it, and the file is complete.
begin man-example-diff-then-in-place
cp "$top_srcdir/data/legacy-partial.xml" db1.xml
pcifix --diff db1.xml
expect_rc 0
expect_empty "$err"
golden man-legacy-partial-diff db1.xml >"$t/expected"
expect_same "$t/expected" "$out"
pcifix -i db1.xml
expect_rc 0
expect_empty "$err"
expect_same "$data/man/man-legacy-partial.out" db1.xml
pcifix --check db1.xml
expect_rc 0
expect_empty "$err"
end

begin man-example-list
cd "$top_srcdir" || exit 1
pcifix --list data/legacy-partial.xml
expect_rc 0
expect_empty "$err"
golden man-legacy-partial-list data/legacy-partial.xml >"$t/expected"
expect_same "$t/expected" "$out"
stdin=data/legacy-partial.xml
pcifix --list -
expect_rc 0
golden man-legacy-partial-list '<stdin>' >"$t/expected-stdin"
expect_same "$t/expected-stdin" "$out"
pcifix --list --format=json data/legacy-partial.xml
expect_rc 0
expect_lines 1 "$out"
golden man-legacy-partial-list-json data/legacy-partial.xml >"$t/expected-json"
expect_same "$t/expected-json" "$out"
pcifix --list data/q35-basic.xml
expect_rc 0
golden man-q35-basic-list data/q35-basic.xml >"$t/expected-q35"
expect_same "$t/expected-q35" "$out"
end

# What libvirt wrote back for web1 has nothing left to add.
begin man-example-check-libvirt-output
stdin=$data/man/man-pc-basic.libvirt.xml
pcifix --check -
expect_rc 0
expect_empty "$out"
expect_empty "$err"
end

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
