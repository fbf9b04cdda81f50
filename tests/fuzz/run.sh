#!/usr/bin/env bash
# run.sh - fuzz pcifix_process_buffer() with libFuzzer for SECONDS; print the executions.
#
# Usage: tests/fuzz/run.sh [SECONDS]        (default 600)
#
# Builds the fuzzer (tests/fuzz/build.sh), seeds it from tests/data/*/*.xml,
# data/*.xml and the oracle's examples (tests/fuzz/seed.sh copies them, the
# originals are never touched), and runs FUZZ_JOBS libFuzzer processes
# (default 1) on one shared corpus with the XML dictionary tests/fuzz/xml.dict
# and -max_len=65536 until SECONDS have passed.  After a crash a process
# records the input and starts again for the time that is left (at most 20
# times), so a long unattended run keeps fuzzing.
#
# FUZZ_FAST=1 fuzzes with a build without ASan/UBSan (-O2, several times
# the executions per second) and, at the end, runs every input of the
# corpus and every artifact once through the ASan+UBSan build: what the
# fast build found interesting is checked for memory errors and undefined
# behaviour too.  A failure there counts as a crash.
#
# Everything it writes is under $PCIFIX_FUZZ_DIR (default
# ${TMPDIR:-/tmp}/pcifix-fuzz), never in the source tree:
#   build/      the ASan+UBSan fuzzer   build-fast/  the fast one (FUZZ_FAST=1)
#   seeds/      the seeds               corpus/      the corpus, kept between runs
#   artifacts/  crash-*, leak-*, timeout-*, oom-*, slow-unit-* (over 10 s, reported only)
#   log.TIME.J.N  libFuzzer's output of segment N of job J of the run started at TIME
#   history     one line per finished run: date, commit, seconds, executions
# Copy a crasher you have fixed into tests/fuzz/crashers/ as a regression case.
#
# The last lines are a summary:
#   fuzz: executions N in S s (R/s), coverage cov C ft F, corpus K inputs, crashes M
#   total executions: N
#   executions recorded in history: T
# Exit status: 0 no crash, 1 a crash (or leak, timeout, oom), 77 no clang/libFuzzer.
# SIGINT or SIGTERM to this script ends the run early but
# cleanly: the fuzzers stop, their executions count, the replay and the
# summary still happen.
#
# FUZZ_TARGET=diff fuzzes the differential target (fuzz_diff.c) instead of
# fuzz_pcifix (FUZZ_TARGET=pcifix, the default); the corpus, artifacts and
# history of each target are kept apart (corpus-diff/, artifacts/diff-*).
#
# Environment: PCIFIX_FUZZ_DIR; FUZZ_JOBS; FUZZ_FAST; FUZZ_TARGET; FUZZ_ARGS (more
# libFuzzer flags); PCIFIX_FUZZ_IDEMPOTENT (default 1 here) and
# PCIFIX_FUZZ_LAX=1 (see fuzz_pcifix.c).

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-600}
case $secs in
'' | *[!0-9]*) echo "usage: tests/fuzz/run.sh [SECONDS]" >&2; exit 2 ;;
esac
jobs=${FUZZ_JOBS:-1}
case $jobs in
'' | *[!0-9]* | 0) echo "run.sh: FUZZ_JOBS must be a positive number" >&2; exit 2 ;;
esac
work=${PCIFIX_FUZZ_DIR:-${TMPDIR:-/tmp}/pcifix-fuzz}
target=${FUZZ_TARGET:-pcifix}
case $target in
pcifix) corpus_dir=$work/corpus prefix= ;;
diff) corpus_dir=$work/corpus-diff prefix=diff- ;;
*) echo "run.sh: FUZZ_TARGET must be pcifix or diff" >&2; exit 2 ;;
esac
mkdir -p "$corpus_dir" "$work/artifacts" "$work/build" || exit 1
PCIFIX_FUZZ_IDEMPOTENT=${PCIFIX_FUZZ_IDEMPOTENT:-1}
export PCIFIX_FUZZ_IDEMPOTENT

checker=$("$here/build.sh" "$work/build")
st=$?
[ "$st" -eq 0 ] || exit "$st"
if [ "$target" = diff ]; then
	checker=$(dirname "$checker")/fuzz_diff
fi
fuzzer=$checker
if [ "${FUZZ_FAST:-0}" = 1 ]; then
	fuzzer=$(FUZZ_SANITIZE=fuzzer "$here/build.sh" "$work/build-fast")
	st=$?
	[ "$st" -eq 0 ] || exit "$st"
	if [ "$target" = diff ]; then
		fuzzer=$(dirname "$fuzzer")/fuzz_diff
	fi
fi
rm -rf "$work/seeds"
nseeds=$("$here/seed.sh" "$work/seeds") || exit 1
echo "fuzz: $nseeds seeds, corpus in $corpus_dir, target $target, $secs s, $jobs job(s), $(basename "$(dirname "$fuzzer")")"

rm -f "$work/stop"
stopping() {
	[ -e "$work/stop" ]
}
# On a signal: tell the jobs, and stop their fuzzers (on SIGTERM libFuzzer
# prints its final statistics and exits with status 72).
on_signal() {
	touch "$work/stop"
	pkill -TERM -f "^$fuzzer " 2>/dev/null
}
trap on_signal INT TERM

artifacts() {
	find "$work/artifacts" -name "${prefix}crash-*" -o -name "${prefix}leak-*" \
		-o -name "${prefix}timeout-*" -o -name "${prefix}oom-*" | wc -l
}

# One job: segments until the time is up; writes "EXECUTIONS CRASHES" to $work/job.J.
job() {
	local j=$1 segment=0 total=0 crashes=0 log left now rc n before after
	while :; do
		now=$(date +%s)
		left=$((secs - (now - start)))
		[ "$left" -gt 0 ] || break
		stopping && break
		segment=$((segment + 1))
		log=$work/log.$stamp.$j.$segment
		before=$(artifacts)
		# shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
		"$fuzzer" -dict="$here/xml.dict" -max_len=65536 -max_total_time="$left" \
			-timeout=25 -rss_limit_mb=2560 -print_final_stats=1 -reload=1 \
			-artifact_prefix="$work/artifacts/$prefix" ${FUZZ_ARGS:-} \
			"$corpus_dir" "$work/seeds" >"$log" 2>&1
		rc=$?
		# An interruption we asked for is no crash.
		if [ "$rc" -eq 72 ] && stopping; then
			rc=0
		fi
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		total=$((total + ${n:-0}))
		after=$(artifacts)
		if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
			crashes=$((crashes + 1))
			{
				echo "fuzz: job $j segment $segment ended with status $rc; its report:"
				grep -E -A 40 '^==[0-9]+== ?ERROR|runtime error|^fuzz_pcifix:|^fuzz_diff:|ALARM|out-of-memory|deadly signal' "$log" |
					head -n 60 | sed 's/^/  /'
			} >&2
			[ "$crashes" -lt 20 ] || break
		fi
	done
	echo "$total $crashes" >"$work/job.$j"
}

start=$(date +%s)
stamp=$(date -u +%Y%m%dT%H%M%S)
pids=
for j in $(seq 1 "$jobs"); do
	rm -f "$work/job.$j"
	job "$j" &
	pids="$pids $!"
done
# A trapped signal ends `wait` early: wait again for a job still running.
for p in $pids; do
	while :; do
		wait "$p"
		[ $? -gt 128 ] && kill -0 "$p" 2>/dev/null && continue
		break
	done
done
total=0
crashes=0
for j in $(seq 1 "$jobs"); do
	read -r n c <"$work/job.$j" || { n=0; c=1; }
	total=$((total + n))
	crashes=$((crashes + c))
done
line=$(cat "$work"/log."$stamp".*.* | grep -E '^#[0-9]+.* cov: ' | tail -n 1)
cov=$(printf '%s\n' "$line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s\n' "$line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corpus=$(find "$corpus_dir" -type f | wc -l)

if [ "$fuzzer" != "$checker" ]; then
	# Every input the fast build kept, and whatever it flagged, through ASan+UBSan.
	find "$corpus_dir" -type f >"$work/replay.list"
	find "$work/artifacts" -type f -name "$prefix*" ! -name "${prefix}slow-unit-*" \
		! -name "${prefix}asan-*" >>"$work/replay.list"
	echo "fuzz: replaying $(wc -l <"$work/replay.list") inputs on the ASan+UBSan build"
	# Batches of files: libFuzzer runs each file given by name once, and
	# stops at the first failure, which leaves an asan-crash-* artifact.
	before=$(find "$work/artifacts" -name "${prefix}asan-*" | wc -l)
	xargs -d '\n' -n 200 "$checker" -runs=1 -timeout=25 -rss_limit_mb=2560 \
		-artifact_prefix="$work/artifacts/${prefix}asan-" <"$work/replay.list" >"$work/replay.log" 2>&1
	rc=$?
	bad=$(($(find "$work/artifacts" -name "${prefix}asan-*" | wc -l) - before))
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
	fi
	if [ "$bad" -ne 0 ]; then
		echo "fuzz: ASan+UBSan replay failed (status $rc):" >&2
		grep -E -A 30 '^==[0-9]+== ?ERROR|runtime error|^fuzz_pcifix:|^fuzz_diff:' "$work/replay.log" |
			head -n 60 | sed 's/^/  /' >&2
	fi
	echo "fuzz: replay: $bad failed"
	crashes=$((crashes + bad))
fi

elapsed=$(($(date +%s) - start))
[ "$elapsed" -gt 0 ] || elapsed=1
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $commit ${elapsed}s $total executions $jobs job(s) fast=${FUZZ_FAST:-0} target=$target crashes=$crashes" >>"$work/history"
echo "fuzz: artifacts in $work/artifacts (slow-unit-*: an input that took more than 10 s, not a crash):"
ls -l "$work/artifacts" | sed 's/^/  /'
echo "fuzz: executions $total in $elapsed s ($((total / elapsed))/s), coverage cov ${cov:-?} ft ${ft:-?}, corpus $corpus inputs, crashes $crashes"
echo "total executions: $total"
echo "executions recorded in history: $(awk '{ s += $4 } END { print s + 0 }' "$work/history")"
[ "$crashes" -eq 0 ]
