#!/bin/sh
# smoke.sh - build the fuzzers, fuzz for about 80 + 40 seconds, then replay every regression case in tests/fuzz/crashers through both.
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
# Then the differential target (fuzz_diff.c: pcifix's reading and writing
# against libxml2's tree) fuzzes the corpus the first run grew for
# FUZZ_SMOKE_DIFF_SECONDS (default 40).
#
# Environment: FUZZ_SMOKE_SECONDS (default 80), FUZZ_SMOKE_DIFF_SECONDS; TMPDIR.

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

# The differential target (fuzz_diff.c), on the corpus the first one grew.
diff_fuzzer=$(dirname "$fuzzer")/fuzz_diff
dsecs=${FUZZ_SMOKE_DIFF_SECONDS:-40}
"$diff_fuzzer" -dict="$here/xml.dict" -max_len=65536 -max_total_time="$dsecs" -timeout=25 \
	-rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$work/artifacts/diff-" \
	"$work/corpus" >"$work/dlog" 2>&1
st=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/dlog" | tail -n 1)
if [ "$st" -ne 0 ]; then
	echo "fuzz smoke: FAIL: the differential target ended with status $st after ${runs:-?} executions:"
	grep -E -A 40 '^==[0-9]+== ?ERROR|runtime error|^fuzz_diff:' "$work/dlog" | head -n 60 |
		sed 's/^/  /'
	for f in "$work"/artifacts/diff-*; do
		[ -f "$f" ] || continue
		echo "  input (base64), save it as tests/fuzz/crashers/NAME:"
		base64 "$f" | head -n 20 | sed 's/^/    /'
	done
	failed=1
else
	echo "fuzz smoke: differential target $dsecs s, ${runs:-?} executions, no difference"
fi

# Every regression input through both targets.
n=0
bad=0
for f in "$here"/crashers/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	for t in "$fuzzer" "$diff_fuzzer"; do
		if ! "$t" -runs=1 -timeout=20 "$f" >"$work/replay.log" 2>&1; then
			echo "fuzz smoke: FAIL: regression case crashers/$(basename "$f") ($(basename "$t")):"
			grep -E -A 30 '^==[0-9]+== ?ERROR|runtime error|^fuzz_pcifix:|^fuzz_diff:' \
				"$work/replay.log" | head -n 40 | sed 's/^/  /'
			bad=$((bad + 1))
		fi
	done
done
echo "fuzz smoke: $n regression cases replayed through both targets, $bad failed"
[ "$bad" -eq 0 ] || failed=1
exit "$failed"
