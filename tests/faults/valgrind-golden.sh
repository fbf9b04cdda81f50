#!/bin/sh
# valgrind-golden.sh - run every golden case under valgrind (memcheck, full leak check); any report fails.
#
# Runs tests/golden.sh with PCIFIX_VALGRIND=yes, which starts each pcifix as
#   valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all -q
# and fails a case whose valgrind log is not empty.  This script then tells
# the two kinds of failure apart: cases with a valgrind report (memory
# errors or leaks: what this script is for) and cases that fail for another
# reason (expected output, status).  Both fail it: a case must pass under
# valgrind as it does without.
#
# The program: $PCIFIX when set; otherwise one built for the purpose from
# src/*.c with cc -g -O1 and no sanitizer in a temporary directory (valgrind
# cannot run an ASan build, and the tree's src/pcifix may be one).
#
# Usage: tests/faults/valgrind-golden.sh [CASE...]
# Exit status: 0 every case passed with no valgrind report, 1 otherwise,
# 77 no valgrind (or an ASan-built $PCIFIX).

# A PCIFIX given by the caller is used as it is; without one, a build of our own.
given=${PCIFIX:-}
me=valgrind-golden
. "$(dirname "$0")/../setup"
here=$(cd "$(dirname "$0")" && pwd)
top=$top_srcdir

if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind-golden: SKIP: valgrind is not installed (apt-get install -y valgrind)"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/pcifix-vg.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

if [ -n "$given" ]; then
	case $PCIFIX in
	/*) ;;
	*) PCIFIX=$(pwd)/$PCIFIX ;;
	esac
	if grep -q -a '__asan_init' "$PCIFIX" 2>/dev/null; then
		echo "valgrind-golden: SKIP: $PCIFIX is built with AddressSanitizer, which valgrind cannot run"
		exit 77
	fi
else
	cc=${CC:-cc}
	printf '%s\n' '#define _GNU_SOURCE 1' '#define PACKAGE_VERSION "valgrind"' >"$work/config.h"
	# shellcheck disable=SC2046 # the flag lists are meant to be split
	if ! "$cc" -g -O1 -I"$work" -I"$top/src" $(pkg-config --cflags libxml-2.0 popt) \
		"$top"/src/*.c $(pkg-config --libs libxml-2.0 popt) -o "$work/pcifix" \
		>"$work/cc.log" 2>&1; then
		echo "valgrind-golden: cannot build pcifix from src/:" >&2
		cat "$work/cc.log" >&2
		exit 1
	fi
	PCIFIX=$work/pcifix
fi
export PCIFIX
echo "valgrind-golden: $PCIFIX ($(valgrind --version))"

PCIFIX_VALGRIND=yes top_srcdir=$top sh "$top/tests/golden.sh" "$@" >"$work/golden.log" 2>&1
golden_rc=$?

# A FAIL block runs from "FAIL: NAME" to the next PASS/FAIL line.
awk -v out="$work" '
	/^(PASS|FAIL): / { name = ""; }
	/^FAIL: / { name = $2; failed[name] = 1; }
	name != "" && /valgrind reported errors/ { vg[name] = 1; }
	name != "" { print >> (out "/block." name); }
	END {
		for (n in failed) {
			if (n in vg)
				print n > (out "/vg.list");
			else
				print n > (out "/other.list");
		}
	}' "$work/golden.log"

total=$(grep -c -E '^(PASS|FAIL): ' "$work/golden.log")
nvg=0
nother=0
[ -f "$work/vg.list" ] && nvg=$(wc -l <"$work/vg.list")
[ -f "$work/other.list" ] && nother=$(wc -l <"$work/other.list")

if [ "$nvg" -gt 0 ]; then
	echo "valgrind-golden: cases with a valgrind report:"
	sort "$work/vg.list" | while read -r n; do
		echo "--- $n"
		sed -n '/valgrind reported errors/,$p' "$work/block.$n" | head -n 60
	done
fi
if [ "$nother" -gt 0 ]; then
	echo "valgrind-golden: cases failing for other reasons (not valgrind's; see tests/golden.sh):"
	sort "$work/other.list" | sed 's/^/  /'
fi
tail -n 1 "$work/golden.log" | sed 's/^/valgrind-golden: tests\/golden.sh said: /'
echo "valgrind-golden: $total cases run under valgrind: $nvg with valgrind errors or leaks," \
	"$nother failing for other reasons (golden.sh exit status $golden_rc)"
if [ "$total" -eq 0 ]; then
	echo "valgrind-golden: FAIL: no case ran" >&2
	exit 1
fi
[ "$nvg" -eq 0 ] && [ "$nother" -eq 0 ] && [ "$golden_rc" -eq 0 ]
