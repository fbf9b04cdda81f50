#!/bin/sh
# seed.sh - copy the example domains into a seed directory, each behind option bytes for fuzz_pcifix.
#
# Usage: tests/fuzz/seed.sh DIR
# The fuzzer reads its first byte as options (see fuzz_pcifix.c), so every
# domain from tests/data/*/*.xml, data/*.xml and /work/shared/oracle/examples/*.xml
# (ORACLE_EXAMPLES overrides the last) is written once per mode (bytes 0-7)
# and once with the Cloud Hypervisor and lint options (0xf8).  The sources
# are only read.  With SEED_CRASHERS=1 the regression cases in
# tests/fuzz/crashers are copied too, as they are.  Prints the number of seeds.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dir=${1:?usage: seed.sh DIR}
examples=${ORACLE_EXAMPLES:-/work/shared/oracle/examples}

mkdir -p "$dir"
n=0
for f in "$top"/tests/data/*/*.xml "$top"/data/*.xml "$examples"/*.xml; do
	[ -f "$f" ] || continue
	b=$(basename "$f" .xml)
	case $f in
	"$top"/tests/data/*) b=t-$b ;;
	"$top"/data/*) b=d-$b ;;
	*) b=o-$b ;;
	esac
	for sel in 000 001 002 003 004 005 006 007 370; do
		# printf '\NNN' is octal in POSIX sh.
		{ printf "\\$sel"; cat "$f"; } >"$dir/$b.$sel"
		n=$((n + 1))
	done
done
# Not by default: until their bug is fixed, a hang among the seeds stops
# every run right at the start.
[ "${SEED_CRASHERS:-0}" = 1 ] || { echo "$n"; exit 0; }
for f in "$here"/crashers/*; do
	[ -f "$f" ] || continue
	cp "$f" "$dir/crasher-$(basename "$f")"
	n=$((n + 1))
done
echo "$n"
