#!/usr/bin/env bash
# bench.sh: time and peak memory of pcifix against xmllint on generated domains.
#
# DEVELOPERS: "A domain of thousands of devices must take about as long as
# libxml2 needs to read and write it; no quadratic scans."  This script
# measures that and reports; it is not part of `make check` and does not
# fail on a missed target.
#
# Targets, per case (median of BENCH_RUNS runs of each command):
#   time ratio    pcifix wall time / xmllint wall time       <= 1.2
#   memory ratio  pcifix peak RSS  / xmllint peak RSS         <= 1.5
# and per growth series (the same machine, more devices):
#   linear growth the marginal time per device of the last step (extra time
#                 per extra device from the size before) is at most 1.5x that
#                 of the first step (xmllint: 1.0; a scan of all devices for
#                 each device makes it ~10x when the sizes grow 10x)
#
# Cases, all generated here into a temporary directory (tests/bench/gen.awk:
# valid libvirt QEMU domains, type='qemu', /usr/bin/qemu-system-x86_64, a
# UUID, unique MACs, disk targets vda, vdb, ..., vdaa, ...; no addresses), the
# same bytes on every run:
#   pc-10          pc, 5 virtio disks and 5 virtio NICs
#   pc-disk500     pc, 500 virtio disks (pci-bridges needed)
#   q35-nic200     q35, 200 virtio NICs (one pcie-root-port each)
#   pc-max7669     pc, 3834 virtio disks and 3835 virtio NICs: the largest
#                  domain of these pcifix accepts (see Limits)
#   pc-mixN        growth series on pc, N/2 disks and N/2 NICs, N in
#                  BENCH_PC_SIZES (default 50 500 5000)
#   q35-nicN       growth series on q35, N NICs, N in BENCH_Q35_SIZES
#                  (default 10 50 200; 200 is q35-nic200)
#   check-FILES    BENCH_FILES (default 1000) small pc and q35 domains (2 to 7
#                  devices), given their addresses by `pcifix -i` first, as a
#                  repository CI lints: `pcifix --check FILES...` against
#                  `xmllint --noout FILES...`
#   corpus-N       the same on libvirt's own test-suite domains (BENCH_CORPUS,
#                  default /var/tmp/pcifix-libvirt-corpus, made by
#                  tests/libvirt/corpus-fetch.sh; skipped with a note when
#                  missing): real files, small and varied
# Each command is run once untimed (warm cache), then BENCH_RUNS times, pcifix
# and xmllint alternately.
# The output of every single-file case is re-read with `pcifix --check`: a
# result pcifix itself rejects is reported as "output INVALID".
#
# Limits (libvirt 9.0 and pcifix, measured on these generated domains):
# libvirt places at most 537 such endpoints on pc, then fails ("no PCI slot
# for a pci-bridge"); pcifix goes on by adding bridges behind bridges (note
# [beyond-libvirt]; libvirt defines the result) up to 7669 endpoints, where
# controller index 255 is used up.  q35 takes at most 229 NICs, then the
# pcie-root-ports on pcie.0 run out.  Past either limit pcifix exits 3
# [pci-capacity] (as libvirt fails) and this script stops with status 1.
#
# Peak RSS and wall time come from tests/bench/runstat.c (fork, exec,
# wait4; compiled here with $CC, default cc), or, when no C compiler works,
# from GNU time (/usr/bin/time, Debian package `time`; 10 ms resolution).
#
# BENCH_CALLGRIND=1 counts instructions instead (valgrind --tool=callgrind,
# Debian package `valgrind`; one run each, repeatable on a loaded or shared
# machine): the same table with instruction counts and ratios, no memory
# column, and the growth section in instructions per device.  To see where
# the instructions go:
#   valgrind --tool=callgrind --callgrind-out-file=cg.out src/pcifix big.xml >/dev/null
#   callgrind_annotate --inclusive=yes cg.out | head -40
# (BENCH_KEEP=1 keeps the generated inputs and prints where they are.)
#
# Environment:
#   PCIFIX           program under test (default: src/pcifix next to tests/)
#   XMLLINT          reference (default: xmllint)
#   BENCH_RUNS       timed runs per command, median reported (default 5)
#   BENCH_CALLGRIND  1: count instructions with callgrind instead of timing
#   BENCH_PC_SIZES   pc growth series (default "50 500 5000"; at most 7669)
#   BENCH_Q35_SIZES  q35 growth series (default "10 50 200"; at most 229)
#   BENCH_FILES      number of small files for the --check case (default 1000)
#   BENCH_KEEP       1: keep the temporary directory
#   CC, VALGRIND     compiler for runstat.c, valgrind program
#
# Exit status: 0 when every command ran (targets met or not), 1 when a
# command failed or could not be run, 2 on a usage error.

set -u
set -o pipefail
export LC_ALL=C
me=bench

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
gen=$here/bench/gen.awk
PCIFIX=${PCIFIX:-$top/src/pcifix}
XMLLINT=${XMLLINT:-xmllint}
RUNS=${BENCH_RUNS:-5}
CALLGRIND=${BENCH_CALLGRIND:-0}
PC_SIZES=${BENCH_PC_SIZES:-50 500 5000}
Q35_SIZES=${BENCH_Q35_SIZES:-10 50 200}
NFILES=${BENCH_FILES:-1000}
KEEP=${BENCH_KEEP:-0}
VALGRIND=${VALGRIND:-valgrind}

# Targets, used for the verdicts below.
T_TIME=1.2
T_MEM=1.5
T_GROWTH=1.5

say() { printf '%s: %s\n' "$me" "$*" >&2; }
fail() { say "ERROR: $*"; exit 1; }
usage() { say "$*"; exit 2; }

isnum() { case $1 in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }
ispos() { isnum "$1" && [ "$1" -ge 1 ]; }
ispos "$RUNS" || usage "BENCH_RUNS must be a positive integer"
ispos "$NFILES" || usage "BENCH_FILES must be a positive integer"
for n in $PC_SIZES $Q35_SIZES; do
    ispos "$n" || usage "growth sizes must be positive integers: $n"
done
case $CALLGRIND in 0 | 1) ;; *) usage "BENCH_CALLGRIND must be 0 or 1" ;; esac

case $PCIFIX in */*) ;; *) PCIFIX=$(command -v "$PCIFIX") ;; esac
[ -x "$PCIFIX" --max-size=1G ] || fail "PCIFIX=$PCIFIX is not executable (run make first)"
command -v "$XMLLINT" >/dev/null 2>&1 || fail "$XMLLINT not found (Debian: libxml2-utils)"
command -v awk >/dev/null 2>&1 || fail "awk not found"
[ -r "$gen" ] || fail "$gen not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/pcifix-bench.XXXXXX") || fail "mktemp failed"
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    if [ "$KEEP" = 1 ]; then say "inputs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the measuring tool ----------------------------------------------------
# timer RESULT CMD...: runs CMD, writes "SECONDS KIB" as the last line of RESULT,
# exits with CMD's status.
timer=()
if [ "$CALLGRIND" = 1 ]; then
    command -v "$VALGRIND" >/dev/null 2>&1 ||
        fail "$VALGRIND not found (Debian: apt-get install valgrind)"
    how="instructions: $VALGRIND --tool=callgrind, 1 run each"
elif "${CC:-cc}" -O2 -o "$work/runstat" "$here/bench/runstat.c" 2>"$work/cc.err"; then
    timer=("$work/runstat")
    how="wall time and peak RSS: tests/bench/runstat.c (wait4), median of $RUNS runs"
elif [ -x /usr/bin/time ] && /usr/bin/time -f '%e %M' -o "$work/one" true 2>/dev/null; then
    timer=(/usr/bin/time -f '%e %M' -o)
    how="wall time and peak RSS: GNU time (10 ms resolution), median of $RUNS runs"
else
    cat "$work/cc.err" >&2
    fail "need a C compiler (\$CC, cc) for tests/bench/runstat.c, or GNU time (/usr/bin/time, Debian package time)"
fi

# Median of the numbers on standard input, one a line.
median() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) exit 1
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Reports a failed command with its standard error and stops.
cmdfail() {
    local rc=$1
    shift
    say "ERROR: exit status $rc from: $*"
    sed -n '1,20p' "$work/stderr" >&2
    exit 1
}

# Exit statuses a measured command may have (the corpus has files pcifix and
# xmllint refuse: 1 and 3 there).
OKRC=0
okrc() { case " $OKRC " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# run_once TAG CMD...: runs CMD (standard output discarded; it must exit 0) and
# appends "SECONDS KIB" to $work/TAG.samples, or "INSTRUCTIONS -" in callgrind
# mode.
run_once() {
    local tag=$1 rc=0 ir
    shift
    if [ "$CALLGRIND" = 1 ]; then
        "$VALGRIND" --tool=callgrind --callgrind-out-file="$work/cg.out" -- "$@" \
            >/dev/null 2>"$work/stderr" || rc=$?
        okrc "$rc" || cmdfail "$rc" "$VALGRIND" "$@"
        ir=$(awk '$1 == "summary:" { print $2 }' "$work/cg.out")
        isnum "$ir" || fail "no instruction count in $work/cg.out"
        echo "$ir -" >>"$work/$tag.samples"
    else
        "${timer[@]}" "$work/one" "$@" >/dev/null 2>"$work/stderr" || rc=$?
        okrc "$rc" || cmdfail "$rc" "$@"
        tail -n 1 "$work/one" >>"$work/$tag.samples"
    fi
}

# compare: runs the command in the array pcmd (pcifix) and the one in xcmd
# (xmllint) once each untimed (warm cache), then BENCH_RUNS times each,
# alternately, so that a change of load hits both alike (callgrind mode: once
# each).  Sets pt, xt (median seconds, or instructions), pm, xm (median peak
# RSS in KiB, "-" in callgrind mode) and ps (pcifix's largest minus smallest
# time: the run-to-run spread, 0 in callgrind mode).
compare() {
    local i n=$RUNS rc
    : >"$work/p.samples"
    : >"$work/x.samples"
    if [ "$CALLGRIND" = 1 ]; then
        n=1
    else
        rc=0
        "${pcmd[@]}" >/dev/null 2>"$work/stderr" || rc=$?
        okrc "$rc" || cmdfail "$rc" "${pcmd[@]}"
        rc=0
        "${xcmd[@]}" >/dev/null 2>"$work/stderr" || rc=$?
        okrc "$rc" || cmdfail "$rc" "${xcmd[@]}"
    fi
    for ((i = 0; i < n; i++)); do
        run_once p "${pcmd[@]}"
        run_once x "${xcmd[@]}"
    done
    pt=$(cut -d' ' -f1 "$work/p.samples" | median) || fail "no samples"
    xt=$(cut -d' ' -f1 "$work/x.samples" | median) || fail "no samples"
    if [ "$CALLGRIND" = 1 ]; then
        pm=- xm=- ps=0
        return
    fi
    pm=$(cut -d' ' -f2 "$work/p.samples" | median) || fail "no samples"
    xm=$(cut -d' ' -f2 "$work/x.samples" | median) || fail "no samples"
    ps=$(awk 'NR == 1 || $1 < lo { lo = $1 } NR == 1 || $1 > hi { hi = $1 }
        END { print hi - lo }' "$work/p.samples")
}

# ---- inputs -------------------------------------------------------------------
# gen FILE MACHINE DISKS NICS ID
gen() {
    awk -v machine="$2" -v disks="$3" -v nics="$4" -v id="$5" -f "$gen" >"$1" ||
        fail "generating $1"
}

# Results, one line per case: name devices bytes pcifix_t xmllint_t pcifix_m
# xmllint_m note pcifix_spread
results=$work/results
: >"$results"
notes=$work/notes
: >"$notes"

# bench_file NAME MACHINE DISKS NICS ID
bench_file() {
    local name=$1 f=$work/$1.xml rc note=
    gen "$f" "$2" "$3" "$4" "$5"
    say "$name: $(($3 + $4)) devices"
    # Once for the result and its diagnostics (not timed): is it valid?
    rc=0
    "$PCIFIX" --max-size=1G "$f" >"$work/$name.out.xml" 2>"$work/$name.diag" || rc=$?
    [ "$rc" -eq 0 ] || { cp "$work/$name.diag" "$work/stderr"; cmdfail "$rc" "$PCIFIX" --max-size=1G "$f"; }
    rc=0
    "$PCIFIX" --max-size=1G --check "$work/$name.out.xml" >/dev/null 2>"$work/$name.recheck" || rc=$?
    if [ "$rc" -ne 0 ]; then
        note=invalid
        printf '%s: output INVALID: pcifix --check on it exits %s: %s\n' "$name" "$rc" \
            "$(head -n 1 "$work/$name.recheck" | sed "s|$work/||g")" >>"$notes"
    fi
    if [ -s "$work/$name.diag" ]; then
        printf '%s: %s\n' "$name" "$(head -n 1 "$work/$name.diag" | sed "s|$work/||g")" >>"$notes"
    fi
    pcmd=("$PCIFIX" --max-size=1G "$f")
    xcmd=("$XMLLINT" --output /dev/null "$f")
    compare
    printf '%s %s %s %s %s %s %s %s %s\n' "$name" "$(($3 + $4))" "$(wc -c <"$f")" \
        "$pt" "$xt" "$pm" "$xm" "${note:--}" "$ps" >>"$results"
}

say "$how"
say "pcifix: $PCIFIX; xmllint: $(command -v "$XMLLINT")"

bench_file pc-10 pc 5 5 1
bench_file pc-disk500 pc 500 0 2
bench_file q35-nic200 q35 0 200 3
# The largest such domain pcifix accepts: 7669 endpoints on pc.
bench_file pc-max7669 pc 3834 3835 4
id=10
for n in $PC_SIZES; do
    [ "$n" -le 7669 ] || say "warning: pc-mix$n: more than 7669 endpoints do not fit on pc"
    id=$((id + 1))
    bench_file "pc-mix$n" pc $((n / 2)) $((n - n / 2)) "$id"
done
for n in $Q35_SIZES; do
    [ "$n" = 200 ] && continue # that is q35-nic200
    [ "$n" -le 229 ] || say "warning: q35-nic$n: more than 229 NICs do not fit on q35"
    id=$((id + 1))
    bench_file "q35-nic$n" q35 0 "$n" "$id"
done

# The CI lint case: many small files, already addressed.
mkdir "$work/check" || fail "mkdir $work/check"
devices=0
for ((i = 1; i <= NFILES; i++)); do
    d=$((1 + i % 4)) n=$((1 + i % 3))
    if ((i % 2)); then m=pc; else m=q35; fi
    gen "$(printf '%s/check/dom%04d.xml' "$work" "$i")" "$m" "$d" "$n" $((1000 + i))
    devices=$((devices + d + n))
done
files=("$work"/check/*.xml)
say "check-$NFILES: ${#files[@]} files, $devices devices"
rc=0
"$PCIFIX" --max-size=1G -i "${files[@]}" >/dev/null 2>"$work/stderr" || rc=$?
[ "$rc" -eq 0 ] || cmdfail "$rc" "$PCIFIX" --max-size=1G -i "$work/check/*.xml"
pcmd=("$PCIFIX" --max-size=1G --check "${files[@]}")
xcmd=("$XMLLINT" --noout "${files[@]}")
compare
printf '%s %s %s %s %s %s %s - %s\n' "check-$NFILES" "$devices" \
    "$(cat "${files[@]}" | wc -c)" "$pt" "$xt" "$pm" "$xm" "$ps" >>"$results"

# Real files: libvirt's own test-suite domains (tests/libvirt/corpus-fetch.sh
# puts them in BENCH_CORPUS), small and varied as a repository's are; some
# are not valid for pcifix (exit 3), which is part of the work.
CORPUS=${BENCH_CORPUS:-/var/tmp/pcifix-libvirt-corpus}
if [ -d "$CORPUS/argv" ] && [ -d "$CORPUS/out" ]; then
    cfiles=("$CORPUS"/argv/*.xml "$CORPUS"/out/*.xml)
    say "corpus: ${#cfiles[@]} libvirt test-suite files from $CORPUS"
    pcmd=("$PCIFIX" --check "${cfiles[@]}")
    xcmd=("$XMLLINT" --noout "${cfiles[@]}")
    OKRC="0 1 3"
    compare
    OKRC=0
    printf '%s %s %s %s %s %s %s - %s\n' "corpus-${#cfiles[@]}" - \
        "$(cat "${cfiles[@]}" | wc -c)" "$pt" "$xt" "$pm" "$xm" "$ps" >>"$results"
else
    say "note: no corpus row: $CORPUS has no libvirt test-suite domains (sh tests/libvirt/corpus-fetch.sh --enable-deb-src $CORPUS)"
fi

# ---- report -------------------------------------------------------------------
echo
echo "$("$PCIFIX" --max-size=1G --version 2>/dev/null | head -n 1) against $("$XMLLINT" --version 2>&1 | head -n 1)"
echo "pcifix: $PCIFIX"
echo "$how"
if [ "$CALLGRIND" = 0 ] && [ -r /proc/loadavg ]; then
    echo "CPUs: $(nproc 2>/dev/null || echo '?'), load average: $(cut -d' ' -f1-3 /proc/loadavg)" \
        "(a loaded machine makes times noisy: BENCH_CALLGRIND=1 does not care)"
fi
echo "pcifix FILE >/dev/null vs xmllint --output /dev/null FILE;" \
    "check-N: pcifix --check FILES vs xmllint --noout FILES"
echo
awk -v cg="$CALLGRIND" -v tt="$T_TIME" -v tm="$T_MEM" '
function size(b) {
    if (b >= 1048576) return sprintf("%.1fM", b / 1048576)
    if (b >= 1024) return sprintf("%.1fK", b / 1024)
    return b "B"
}
BEGIN {
    if (cg) printf "%-13s %7s %7s %14s %14s %7s  %s\n", "case", "devices", "size",
        "pcifix Ir", "xmllint Ir", "Ir x", "verdict (Ir x <= " tt ")"
    else printf "%-13s %7s %7s %9s %10s %6s %10s %11s %6s  %s\n", "case", "devices",
        "size", "pcifix ms", "xmllint ms", "time x", "pcifix MiB", "xmllint MiB",
        "mem x", "verdict (time x <= " tt ", mem x <= " tm ")"
}
{
    rt = $5 > 0 ? $4 / $5 : 0
    miss = ""
    if (rt > tt) miss = sprintf("%s %.2f > %s", cg ? "Ir" : "time", rt, tt)
    if (!cg) {
        rm = $7 > 0 ? $6 / $7 : 0
        if (rm > tm) miss = miss (miss == "" ? "" : ", ") sprintf("mem %.2f > %s", rm, tm)
    }
    v = miss == "" ? "target met" : "target MISSED (" miss ")"
    if ($8 == "invalid") v = v ", output INVALID"
    if (cg) printf "%-13s %7d %7s %14d %14d %7.2f  %s\n", $1, $2, size($3), $4, $5, rt, v
    else printf "%-13s %7d %7s %9.1f %10.1f %6.2f %10.1f %11.1f %6.2f  %s\n", $1, $2,
        size($3), $4 * 1000, $5 * 1000, rt, $6 / 1024, $7 / 1024, rm, v
}' "$results" || fail "report"

# Growth: per series, in size order, the cost per device and the marginal cost
# per extra device from the size before.
echo
if [ "$CALLGRIND" = 1 ]; then
    echo "growth: pcifix instructions per device; marginal = extra instructions per extra"
    echo "device from the size before, for pcifix and for xmllint"
else
    echo "growth: pcifix time per device; marginal = extra time (us) per extra device from"
    echo "the size before, for pcifix and for xmllint; KiB/dev = pcifix's extra peak RSS"
fi
growth() {
    local series=$1 prefix=$2
    shift 2
    local n
    for n in "$@"; do
        awk -v name="$prefix$n" '$1 == name' "$results"
    done | awk -v series="$series" -v cg="$CALLGRIND" -v tg="$T_GROWTH" '
    BEGIN {
        if (cg) printf "%-4s %7s %14s %10s %10s %10s\n", series, "devices",
            "pcifix Ir", "Ir/dev", "marginal", "xmllint"
        else printf "%-4s %7s %9s %9s %9s %9s %10s %9s\n", series, "devices",
            "pcifix ms", "us/dev", "marginal", "xmllint", "pcifix MiB", "KiB/dev"
    }
    {
        n = $2; t = $4; x = $5; m = $6
        mt = mx = mm = ""
        if (NR > 1 && n > pn) {
            mt = (t - pt) / (n - pn); mx = (x - px) / (n - pn)
            if (!cg) mm = (m - pm) / (n - pn)
            steps++
            if (steps == 1) first = mt
            if (steps == 1) { dfirst = t - pt; noise = $9 + ps; xfirst = mx }
            last = mt; xlast = mx
        }
        if (cg) printf "%-4s %7d %14d %10.0f %10s %10s\n", "", n, t, t / n,
            mt == "" ? "-" : sprintf("%.0f", mt), mx == "" ? "-" : sprintf("%.0f", mx)
        else printf "%-4s %7d %9.1f %9.1f %9s %9s %10.1f %9s\n", "", n, t * 1000,
            t * 1e6 / n, mt == "" ? "-" : sprintf("%.1f", mt * 1e6),
            mx == "" ? "-" : sprintf("%.1f", mx * 1e6), m / 1024,
            mm == "" ? "-" : sprintf("%.1f", mm)
        pn = n; pt = t; px = x; pm = m; ps = $9
    }
    END {
        printf "%-4s linear growth: ", ""
        if (steps < 2) {
            print "needs three sizes or more, not judged"
            exit
        }
        if (first > 0)
            printf "last marginal / first marginal = %.2f (xmllint %s)\n%-4s ", last / first,
                (xfirst > 0 ? sprintf("%.2f", xlast / xfirst) : "-"), ""
        if (first <= 0 || (!cg && dfirst < 2 * noise))
            printf "not judged: the first step (%+.1f ms) is within twice the run-to-run " \
                "spread (%.1f ms); use BENCH_CALLGRIND=1\n", dfirst * 1000, noise * 1000
        else
            print (last / first <= tg ? "target met (<= " tg ")" : "target MISSED (> " tg ")")
    }'
}
# shellcheck disable=SC2086 # the size lists are meant to be split
growth pc pc-mix $PC_SIZES || fail "growth report"
# shellcheck disable=SC2086
growth q35 q35-nic $Q35_SIZES || fail "growth report"

if [ -s "$notes" ]; then
    echo
    echo "pcifix diagnostics on the inputs (first line each):"
    cat "$notes"
fi
exit 0
