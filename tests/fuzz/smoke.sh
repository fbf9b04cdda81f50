#!/bin/sh
# smoke.sh - build the fuzzer, fuzz for about 80 seconds, then replay every regression case in tests/fuzz/crashers.
#
# For .ci/run (and `make check` if listed in TESTS): at most about two minutes.
# Exit status: 0 no crash, 1 a crash, a leak or a failing regression case,
# 77 (skip) when clang or libFuzzer is not installed.
#
# tests/fuzz/crashers/NAME holds inputs that once crashed pcifix, in the
# fuzzer's input format: one option byte (see fuzz_pcifix.c), then the
# document.  Each is run once (files whose name starts with "." are not), and
# must finish within 20 seconds: timeout-* cases once hung pcifix.  Both the
# fuzzing and the replay check idempotence (PCIFIX_FUZZ_IDEMPOTENT=1): the
# idempotent-* cases once printed XML that pcifix itself then rejected.
#
# Environment: FUZZ_SMOKE_SECONDS (default 80); TMPDIR.

set -u

here=$(cd "$(dirname "$0")" && pwd)
secs=${FUZZ_SMOKE_SECONDS:-80}
work=$(mktemp -d "${TMPDIR:-/tmp}/pcifix-fuzz-smoke.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

fuzzer=$("$here/build.sh" "$work/build")
st=$?
if [ "$st" -eq 77 ]; then
	echo "fuzz smoke: SKIP: no clang with libFuzzer"
	exit 77
elif [ "$st" -ne 0 ]; then
	echo "fuzz smoke: FAIL: the fuzzer does not build"
	exit 1
fi
"$here/seed.sh" "$work/seeds" >/dev/null || exit 1
mkdir "$work/corpus" "$work/artifacts"

# The stronger oracle: a successful print must be a fixed point (see fuzz_pcifix.c).
PCIFIX_FUZZ_IDEMPOTENT=1
export PCIFIX_FUZZ_IDEMPOTENT

failed=0
"$fuzzer" -dict="$here/xml.dict" -max_len=65536 -max_total_time="$secs" -timeout=25 \
	-rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
	"$work/corpus" "$work/seeds" >"$work/log" 2>&1
st=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
cov=$(grep -E '^#[0-9]+.* cov: ' "$work/log" | tail -n 1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
if [ "$st" -ne 0 ]; then
	echo "fuzz smoke: FAIL: fuzzing for $secs s ended with status $st after ${runs:-?} executions:"
	grep -E -A 40 '^==[0-9]+== ?ERROR|runtime error|^fuzz_pcifix:|ALARM|out-of-memory' \
		"$work/log" | head -n 60 | sed 's/^/  /'
	for f in "$work"/artifacts/*; do
		[ -f "$f" ] || continue
		echo "  input (base64), save it as tests/fuzz/crashers/NAME:"
		base64 "$f" | head -n 20 | sed 's/^/    /'
	done
	failed=1
else
	echo "fuzz smoke: $secs s, ${runs:-?} executions, cov ${cov:-?}, no crash"
fi

n=0
bad=0
for f in "$here"/crashers/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	if ! "$fuzzer" -runs=1 -timeout=20 "$f" >"$work/replay.log" 2>&1; then
		echo "fuzz smoke: FAIL: regression case crashers/$(basename "$f"):"
		grep -E -A 30 '^==[0-9]+== ?ERROR|runtime error|^fuzz_pcifix:' "$work/replay.log" |
			head -n 40 | sed 's/^/  /'
		bad=$((bad + 1))
	fi
done
echo "fuzz smoke: $n regression cases replayed, $bad failed"
[ "$bad" -eq 0 ] || failed=1
exit "$failed"
