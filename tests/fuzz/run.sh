#!/usr/bin/env bash
# run.sh - fuzz pcifix_process_buffer() with libFuzzer for SECONDS on one core; print the executions.
#
# Usage: tests/fuzz/run.sh [SECONDS]        (default 600)
#
# Builds the fuzzer (tests/fuzz/build.sh), seeds it from tests/data/*.xml,
# data/*.xml and the oracle's examples (tests/fuzz/seed.sh copies them, the
# originals are never touched), and runs one libFuzzer process with the XML
# dictionary tests/fuzz/xml.dict and -max_len=65536 until SECONDS have
# passed.  After a crash it records the input and starts again for the time
# that is left (at most 20 times), so a long unattended run keeps fuzzing.
#
# Everything it writes is under $PCIFIX_FUZZ_DIR (default
# ${TMPDIR:-/tmp}/pcifix-fuzz), never in the source tree:
#   build/      the fuzzer          corpus/     the corpus, kept between runs
#   seeds/      the seeds           artifacts/  crash-*, leak-*, timeout-*, oom-*,
#                                               slow-unit-* (over 10 s, reported only)
#   log.TIME.N  libFuzzer's output of each segment of the run started at TIME
# Copy a crasher you have fixed into tests/fuzz/crashers/ as a regression case.
#
# The last lines are a summary:
#   fuzz: executions N in S s (R/s), coverage cov C ft F, corpus K inputs, crashes M
# Exit status: 0 no crash, 1 a crash (or leak, timeout, oom), 77 no clang/libFuzzer.
#
# Environment: PCIFIX_FUZZ_DIR; FUZZ_ARGS (more libFuzzer flags);
# PCIFIX_FUZZ_IDEMPOTENT=1 and PCIFIX_FUZZ_LAX=1 (see fuzz_pcifix.c).

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-600}
case $secs in
'' | *[!0-9]*) echo "usage: tests/fuzz/run.sh [SECONDS]" >&2; exit 2 ;;
esac
work=${PCIFIX_FUZZ_DIR:-${TMPDIR:-/tmp}/pcifix-fuzz}
mkdir -p "$work/corpus" "$work/artifacts" "$work/build" || exit 1

fuzzer=$("$here/build.sh" "$work/build")
st=$?
if [ "$st" -ne 0 ]; then
	exit "$st"
fi
rm -rf "$work/seeds"
nseeds=$("$here/seed.sh" "$work/seeds") || exit 1
echo "fuzz: $nseeds seeds, corpus in $work/corpus, $secs s"

start=$(date +%s)
stamp=$(date -u +%Y%m%dT%H%M%S)
total=0
crashes=0
segment=0
cov=0
ft=0
corpus=0
while :; do
	now=$(date +%s)
	left=$((secs - (now - start)))
	[ "$left" -gt 0 ] || break
	segment=$((segment + 1))
	log=$work/log.$stamp.$segment
	before=$(find "$work/artifacts" -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l)
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
	"$fuzzer" -dict="$here/xml.dict" -max_len=65536 -max_total_time="$left" \
		-timeout=25 -rss_limit_mb=2560 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/" ${FUZZ_ARGS:-} \
		"$work/corpus" "$work/seeds" 2>&1 | tee "$log" |
		grep --line-buffered -E '^#[0-9]+.*(pulse|REDUCE|NEW|DONE|INITED)' |
		awk 'NR % 50 == 1 || /DONE|INITED/ { print; fflush() }'
	rc=${PIPESTATUS[0]}
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	total=$((total + ${n:-0}))
	line=$(grep -E '^#[0-9]+.* cov: ' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		cov=$(printf '%s\n' "$line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
		ft=$(printf '%s\n' "$line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
		corpus=$(printf '%s\n' "$line" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	fi
	after=$(find "$work/artifacts" -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l)
	if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
		crashes=$((crashes + 1))
		echo "fuzz: segment $segment ended with status $rc; its report:"
		grep -E -A 40 '^==[0-9]+== ?ERROR|runtime error|^fuzz_pcifix:|ALARM|out-of-memory' "$log" |
			head -n 60 | sed 's/^/  /'
		if [ "$crashes" -ge 20 ]; then
			echo "fuzz: 20 crashes, giving up"
			break
		fi
	fi
done
elapsed=$(($(date +%s) - start))
[ "$elapsed" -gt 0 ] || elapsed=1
echo "fuzz: artifacts in $work/artifacts (slow-unit-*: an input that took more than 10 s, not a crash):"
ls -l "$work/artifacts" | sed 's/^/  /'
echo "fuzz: executions $total in $elapsed s ($((total / elapsed))/s), coverage cov $cov ft $ft, corpus $corpus inputs, crashes $crashes"
echo "total executions: $total"
[ "$crashes" -eq 0 ]
