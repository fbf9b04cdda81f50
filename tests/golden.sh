#!/bin/sh
# golden.sh - run pcifix on every tests/data/FAMILY/NAME.xml and compare with what is expected.
#
# A case is tests/data/FAMILY/NAME.xml (the input), where FAMILY is NAME up
# to its first '-' (pc-*, q35-*, bad-*, lint-*...), and, beside it:
#   NAME.out   expected standard output, byte for byte (absent: must be empty)
#   NAME.err   expected standard error (absent: must be empty)
#   NAME.rc    expected exit status on one line (absent: 0)
#   NAME.args  optional: extra arguments on one line, placed before the file,
#              so the command is `pcifix ARGS NAME.xml`
#   NAME.cmd   optional: the whole argument list on one line, used INSTEAD of
#              `ARGS NAME.xml` (missing files, several files, stdin, directories).
#              A word `<FILE` is not an argument: it makes FILE standard input
#              (otherwise standard input is /dev/null).
# Words in .args and .cmd are split at white space; there is no quoting and no
# globbing.  Every word (or `<FILE`) that names a case's file (in its family's
# folder, found by the same rule) is copied
# into the work directory first, so a .cmd may use other cases' inputs, e.g.
# `dom-pc-i440fx.xml multi-good-bad.xml` or `- <stdin-valid.xml`; a word that
# names no file there (`no-such-file.xml`, `.`) is passed through as it is.
#
# Case names say what they pin: fmt-* formatting that must survive byte for
# byte, addr-* address spellings, dom-* machine types, list-* --list, bad-*
# invalid input, io-*, multi-*, stdin-*, check-*, diff-*, json-* command lines,
# pc-* and q35-* the x86 assignment rules, spec-* the worked examples of the
# specification, ex-* the oracle's examples, man-* the man page's examples
# (tests/cli.sh runs them on data/ and compares with these).
# NAME.out pins the bytes (what is inserted, where, how it is indented); the
# addresses in it are libvirt's, not pcifix's: NAME.libvirt.xml beside it is
# real libvirt's result for the input (or NAME.libvirt.err its refusal), and
# tests/golden-libvirt.sh proves that NAME.out (XML, diff or listing) and
# NAME.libvirt.xml agree.  This script does not look at those two files
# (NAME.libvirt.xml is not a case).  Diagnostics are checked by hand.
#
# Each case runs in its own fresh directory under one `mktemp -d` directory
# (removed on exit), with the input copied there and named by its bare name,
# so diagnostics read `pcifix: NAME.xml:LINE: ...` whatever the source tree is.
# The exit status, stdout and stderr are compared byte for byte.  A plain
# transform (no .args, no .cmd, exit status 0) is run a second time on its own
# output, which must come back unchanged, with status 0 and no message on
# stderr that the first run did not print too, line numbers aside (notes and lint warnings about
# what pcifix does not change may repeat; a message about something the first
# run fixed must not).
#
# Environment:
#   PCIFIX             the program (default ./src/pcifix, relative to the current directory)
#   top_srcdir         the source tree (default: the directory above this script)
#   PCIFIX_VALGRIND    yes: run every pcifix under valgrind; any report fails the case
#   PCIFIX_REGENERATE  1: write NAME.out/.err/.rc from the actual results instead of
#                      comparing (review with `git diff tests/data`).  .out, .err
#                      and .rc are removed when stdout is empty, stderr is empty,
#                      and the status 0.  Never
#                      accept regenerated expectations without reading them.
#
# Usage: tests/golden.sh [NAME...]   (default: every case)
# Exit status: 0 when every case passed, 1 otherwise.

me=golden
. "$(dirname "$0")/setup"
regen=${PCIFIX_REGENERATE:-0}
need_pcifix
if [ ! -d "$data" ]; then
	echo "golden: no directory $data" >&2
	exit 99
fi
make_work

passed=0
failed=0
problems=

# note TEXT: record why the current case fails.
note() {
	problems="$problems  $1
"
}

# show_diff EXPECTED ACTUAL: a short unified diff, indented (for binary
# files, where diff only says that they differ, also where cmp sees it).
show_diff() {
	diff -u "$1" "$2" >"$work/diff.out" 2>&1
	sed -e '1{/^--- /d;}' -e '2{/^+++ /d;}' -e 's/^/    /' -e '30q' "$work/diff.out"
	if grep '^Binary files' "$work/diff.out" >/dev/null; then
		cmp "$1" "$2" 2>&1 | sed -e "s|$work/||g" -e "s|$data/||g" -e 's/^/    /'
	fi
}

# run DIR STDIN OUT ERR ARG...: run pcifix in DIR; sets $rc, and fails the
# case when valgrind reports anything.
run() {
	_dir=$1 _in=$2 _out=$3 _err=$4
	shift 4
	if [ -n "$vg" ]; then
		: >"$work/valgrind.log"
		(cd "$_dir" && exec valgrind --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=all -q --log-file="$work/valgrind.log" \
			"$PCIFIX" "$@") <"$_in" >"$_out" 2>"$_err"
		rc=$?
		if [ -s "$work/valgrind.log" ] || [ "$rc" -eq 99 ]; then
			note "valgrind reported errors:"
			problems="$problems$(sed -e 's/^/    /' -e '40q' "$work/valgrind.log")
"
		fi
	else
		(cd "$_dir" && exec "$PCIFIX" "$@") <"$_in" >"$_out" 2>"$_err"
		rc=$?
	fi
}

# copy_input WORD DIR: copy a case's file WORD into DIR when there is one.
copy_input() {
	case $1 in
	*/* | '') return 0 ;;
	esac
	if [ -f "$data/${1%%-*}/$1" ]; then
		cp "$data/${1%%-*}/$1" "$2/$1"
	fi
}

# run_case NAME
run_case() {
	name=$1
	src=$data/${name%%-*}
	dir=$work/$name
	problems=
	mkdir "$dir" || exit 1
	cp "$src/$name.xml" "$dir/$name.xml" || exit 1
	stdin=/dev/null
	plain=yes

	set -f
	set --
	if [ -f "$src/$name.cmd" ]; then
		plain=no
		words=$(cat "$src/$name.cmd")
		for w in $words; do
			case $w in
			'<'*)
				w=${w#<}
				copy_input "$w" "$dir"
				stdin=$dir/$w
				;;
			*)
				copy_input "$w" "$dir"
				set -- "$@" "$w"
				;;
			esac
		done
	else
		if [ -f "$src/$name.args" ]; then
			plain=no
			words=$(cat "$src/$name.args")
			for w in $words; do
				copy_input "$w" "$dir"
				set -- "$@" "$w"
			done
		fi
		set -- "$@" "$name.xml"
	fi
	set +f

	run "$dir" "$stdin" "$work/$name.stdout" "$work/$name.stderr" "$@"
	got_rc=$rc

	if [ "$regen" = 1 ]; then
		if [ -s "$work/$name.stdout" ]; then
			cp "$work/$name.stdout" "$src/$name.out"
		else
			rm -f "$src/$name.out"
		fi
		if [ -s "$work/$name.stderr" ]; then
			cp "$work/$name.stderr" "$src/$name.err"
		else
			rm -f "$src/$name.err"
		fi
		if [ "$got_rc" -ne 0 ]; then
			echo "$got_rc" >"$src/$name.rc"
		else
			rm -f "$src/$name.rc"
		fi
	fi

	exp_rc=0
	if [ -f "$src/$name.rc" ]; then
		exp_rc=$(tr -d ' \t\r\n' <"$src/$name.rc")
	fi
	exp_err=$src/$name.err
	if [ ! -f "$exp_err" ]; then
		exp_err=$work/empty
		: >"$exp_err"
	fi

	if [ "$got_rc" != "$exp_rc" ]; then
		note "exit status: expected $exp_rc, got $got_rc"
	fi
	exp_out=$src/$name.out
	if [ ! -f "$exp_out" ]; then
		exp_out=$work/empty
		: >"$exp_out"
	fi
	if ! cmp -s "$exp_out" "$work/$name.stdout"; then
		note "stdout differs (- expected, + actual):"
		problems="$problems$(show_diff "$exp_out" "$work/$name.stdout")
"
	fi
	if ! cmp -s "$exp_err" "$work/$name.stderr"; then
		note "stderr differs (- expected, + actual):"
		problems="$problems$(show_diff "$exp_err" "$work/$name.stderr")
"
	fi

	# Idempotence: a second run on the output changes nothing.
	if [ "$plain" = yes ] && [ "$exp_rc" = 0 ] && [ "$got_rc" = 0 ]; then
		mkdir "$dir/again" || exit 1
		cp "$work/$name.stdout" "$dir/again/$name.xml"
		run "$dir/again" /dev/null "$work/$name.stdout2" "$work/$name.stderr2" "$name.xml"
		if [ "$rc" -ne 0 ]; then
			note "second run on the output: exit status $rc"
		fi
		# Nothing new: what the second run says, the first said too (its
		# line numbers aside: what pcifix added above a device moves it).
		sed 's/^\(pcifix: [^:]*\):[0-9][0-9]*:/\1:/' "$work/$name.stderr" >"$work/$name.said1"
		sed 's/^\(pcifix: [^:]*\):[0-9][0-9]*:/\1:/' "$work/$name.stderr2" >"$work/$name.said2"
		if grep -v -x -F -f "$work/$name.said1" "$work/$name.said2" >"$work/$name.new2"; then
			note "second run on the output said what the first did not:"
			problems="$problems$(sed -e 's/^/    /' -e '10q' "$work/$name.new2")
"
		fi
		if ! cmp -s "$work/$name.stdout" "$work/$name.stdout2"; then
			note "second run on the output changed it (- first, + second):"
			problems="$problems$(show_diff "$work/$name.stdout" "$work/$name.stdout2")
"
		fi
	fi

	if [ -z "$problems" ]; then
		if [ "$regen" = 1 ]; then
			echo "PASS: $name (regenerated)"
		else
			echo "PASS: $name"
		fi
		passed=$((passed + 1))
	else
		echo "FAIL: $name"
		printf '%s' "$problems"
		failed=$((failed + 1))
	fi
}

# Expectation files without an input are mistakes (a renamed case, a typo),
# and so is a file outside its family's folder or a case file at the top.
# NAME.libvirt.xml and NAME.libvirt.err belong to case NAME.
for f in "$data"/*/* "$data"/*; do
	[ -f "$f" ] || continue
	b=${f##*/}
	case $f in
	"$data/$b")
		case $b in
		*.txt) ;;
		*) echo "FAIL: $b: a case file at the top of $data (it goes in ${b%%-*}/)"
			failed=$((failed + 1)) ;;
		esac
		continue ;;
	"$data/${b%%-*}/$b") ;;
	*) echo "FAIL: $b: in ${f%/*}, not in its family's folder ${b%%-*}/"
		failed=$((failed + 1))
		continue ;;
	esac
	base=${f%.*}
	base=${base%.libvirt}
	if [ ! -f "$base.xml" ]; then
		echo "FAIL: $b: no ${base##*/}.xml beside it"
		failed=$((failed + 1))
	fi
done

if [ $# -gt 0 ]; then
	for arg in "$@"; do
		name=${arg##*/}
		name=${name%.xml}
		if [ ! -f "$data/${name%%-*}/$name.xml" ]; then
			echo "FAIL: $name: no $name.xml in $data/${name%%-*}"
			failed=$((failed + 1))
			continue
		fi
		run_case "$name"
	done
else
	for f in "$data"/*/*.xml; do
		[ -f "$f" ] || continue
		case $f in
		*.libvirt.xml) continue ;;
		esac
		name=${f##*/}
		run_case "${name%.xml}"
	done
fi

echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
