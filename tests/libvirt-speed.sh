#!/bin/sh
# libvirt-speed.sh: the libvirt harness stays fast: 200 x86_64 domains through
# tests/libvirt/lv-assign --batch, capabilities cache warm, in under 60 s.
#
# Why: where only root may open /dev/kvm, libvirt 9.0 run as root probes QEMU
# again at every define (~10 s a file instead of ~3 ms), and make check would
# take hours.  lv-assign hands the work to an unprivileged user when root (see
# its header); this test fails when that stops working, or when anything else
# makes a batch slow.  It reports files per second in the log (a benchmark-style
# figure to compare runs by) and asserts only a generous bound, so it does not
# flake: well-behaved runs take about a second.
#
# Steps: lv-assign --check (a round trip that also warms the capabilities
# cache of qemu-system-x86_64), gen.py writes 200 fresh x86_64 domains (seed
# 1), lv-assign --batch runs them under timeout(1) at LIMIT + 30 s.  Passes
# when every file got a result (accepted or rejected), libvirt accepted most
# of them, and the batch took at most LIMIT seconds.  Skips (77) without
# python3 or a usable libvirt.
#
# Environment: LIBVIRT_SPEED_N (default 200), LIBVIRT_SPEED_LIMIT (seconds,
# default 60); LV_ASSIGN_* as lv-assign reads them.

me=libvirt-speed
. "$(dirname "$0")/setup"
here=$(cd "$(dirname "$0")" && pwd)
lv=$here/libvirt/lv-assign
N=${LIBVIRT_SPEED_N:-200}
LIMIT=${LIBVIRT_SPEED_LIMIT:-60}
me=libvirt-speed

say() { printf '%s: %s\n' "$me" "$*"; }
command -v python3 >/dev/null 2>&1 || { say "SKIP: python3 not found"; exit 77; }
"$lv" --check || { say "SKIP: libvirt is not usable here"; exit 77; }

w=$(mktemp -d "${TMPDIR:-/tmp}/libvirt-speed.XXXXXX") || exit 99
trap 'rm -rf "$w"' EXIT
trap 'exit 130' INT TERM

python3 "$here/libvirt/gen.py" --arch x86_64 --seed 1 -n "$N" --out "$w/in" >/dev/null ||
    { say "ERROR: gen.py failed"; exit 99; }
to=
command -v timeout >/dev/null 2>&1 && to="timeout $((LIMIT + 30))"
t0=$(date +%s.%N)
$to "$lv" --batch "$w/in" "$w/out" 2>"$w/log"
rc=$?
t1=$(date +%s.%N)
sed 's/^/  /' "$w/log"
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
acc=$(ls "$w/out" 2>/dev/null | grep -c '\.out\.xml$')
res=$(ls "$w/out" 2>/dev/null | grep -c -E '\.(out\.xml|err)$')
say "$N files in $secs s: $(awk -v n="$N" -v t="$secs" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }') files/s ($acc accepted)"

fail=0
if [ "$rc" = 124 ]; then
    say "FAIL: the batch did not finish in $((LIMIT + 30)) s"; fail=1
elif [ "$rc" != 0 ]; then
    say "FAIL: lv-assign --batch exited $rc"; fail=1
fi
[ "$res" = "$N" ] || { say "FAIL: $res of $N files have a result"; fail=1; }
[ "$acc" -ge $((N / 2)) ] || { say "FAIL: libvirt accepted only $acc of $N"; fail=1; }
awk -v t="$secs" -v l="$LIMIT" 'BEGIN { exit !(t <= l) }' ||
    { say "FAIL: $N files took $secs s, more than $LIMIT s"; fail=1; }
[ "$fail" = 0 ] || exit 1
say "PASS"
