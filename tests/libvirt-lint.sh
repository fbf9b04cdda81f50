#!/bin/sh
# libvirt-lint.sh: the linter against real libvirt, on domains with one defect each.
#
# tests/libvirt/gen_invalid.py writes LIBVIRT_LINT_N small x86 domains (seed
# LIBVIRT_LINT_SEED), each with exactly one address or controller defect and
# its kind recorded in MANIFEST.tsv; libvirt defines each one
# (tests/libvirt/lv-assign --batch), and `$PCIFIX --check --format=json` runs
# on every file.  Then:
#  (a) every domain libvirt REJECTS must be rejected by pcifix: exit status
#      not 0 and at least one error-level diagnostic under one of libvirt's
#      rules (pci-address, pci-duplicate, pci-controller, pci-capacity,
#      address-type, address-none, unassigned-misuse, address-range,
#      bad-number, bad-value).  libvirt's message is printed above pcifix's for
#      every such domain, so that a reviewer can compare them;
#  (b) every domain libvirt ACCEPTS must get exactly the beyond-libvirt
#      rule(s) its kind names in the manifest (function-zero,
#      multifunction-off, multifunction-extra, partial-hostdev,
#      hotplug-capacity, or none at all), no other diagnostic (would-change
#      is ignored: pcifix adds the addresses libvirt would), and the exit
#      status that goes with them (1 with an error-level diagnostic, else 0).
# Passes only if all of (a) and all of (b) hold.  Lines starting with "note:"
# do not fail the test: pcifix reported a libvirt rejection under another
# libvirt rule than the kind names, or added a beyond-libvirt diagnostic to
# a domain whose only defect libvirt rejects, or libvirt did not do what the
# generator expected of the kind.
# Skips (77) without python3 or a usable libvirt (lv-assign --check).
#
# Environment:
#   PCIFIX               program under test (default ./src/pcifix)
#   LIBVIRT_LINT_N       number of domains (default 240)
#   LIBVIRT_LINT_SEED    generator seed (default 1)
#   LIBVIRT_LINT_KEEP    directory: keep the inputs (in/), libvirt's results
#                        (lv/) and pcifix's JSON (pcifix/NAME.json) there
#   LIBVIRT_LINT_VERBOSE 1 (default): show libvirt's and pcifix's messages for
#                        every rejected domain; 0: only for failures

me=libvirt-lint
. "$(dirname "$0")/setup"
here=$(cd "$(dirname "$0")" && pwd)
lv=$here/libvirt/lv-assign
gen=$here/libvirt/gen_invalid.py
PCIFIX=${PCIFIX:-./src/pcifix}
N=${LIBVIRT_LINT_N:-240}
SEED=${LIBVIRT_LINT_SEED:-1}
KEEP=${LIBVIRT_LINT_KEEP:-}
VERBOSE=${LIBVIRT_LINT_VERBOSE:-1}
me=libvirt-lint

say() { printf '%s: %s\n' "$me" "$*"; }
hard() { say "ERROR: $*"; exit 99; }

command -v python3 >/dev/null 2>&1 || { say "SKIP: python3 not found"; exit 77; }
if ! "$lv" --check; then
    say "SKIP: libvirt is not usable here (see above)"
    exit 77
fi
case $PCIFIX in */*) ;; *) PCIFIX=$(command -v "$PCIFIX") ;; esac
[ -x "$PCIFIX" ] || hard "PCIFIX=$PCIFIX is not executable"
PCIFIX=$(cd "$(dirname "$PCIFIX")" && pwd)/$(basename "$PCIFIX")

work=$(mktemp -d "${TMPDIR:-/tmp}/libvirt-lint.XXXXXX") || hard "mktemp failed"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

python3 "$gen" --seed "$SEED" -n "$N" --out "$work/in" || hard "gen_invalid.py failed"
"$lv" --batch "$work/in" "$work/lv" 2>"$work/lv.log" || { cat "$work/lv.log"; hard "lv-assign failed"; }
cat "$work/lv.log"
mkdir "$work/pcifix" || hard "mkdir failed"

python3 - "$PCIFIX" "$work" "$VERBOSE" <<'PY'
import concurrent.futures
import json
import os
import subprocess
import sys

pcifix, work, verbose = sys.argv[1], sys.argv[2], sys.argv[3] != '0'
indir, lvdir, outdir = (os.path.join(work, x) for x in ('in', 'lv', 'pcifix'))
LIBVIRT_RULES = {'pci-address', 'pci-duplicate', 'pci-controller', 'pci-capacity',
                 'address-type', 'address-none', 'unassigned-misuse', 'address-range',
                 'bad-number', 'bad-value'}
BEYOND_RULES = {'function-zero', 'multifunction-off', 'multifunction-extra',
                'partial-hostdev', 'hotplug-capacity'}


def libvirt_message(name):
    """libvirt's error lines, without virsh's 'Failed to define' and log noise."""
    with open(os.path.join(lvdir, name + '.err'), errors='replace') as f:
        lines = [l.rstrip('\n') for l in f]
    errs = [l[len('error: '):] for l in lines
            if l.startswith('error: ') and 'Failed to define domain' not in l]
    return errs or [l for l in lines if l.strip()] or ['(no message)']


def run_pcifix(name):
    """(exit status, diagnostics, problems) of pcifix --check --format=json."""
    f = name + '.xml'
    try:
        p = subprocess.run([pcifix, '--check', '--format=json', f], cwd=indir,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
    except subprocess.TimeoutExpired:
        return None, [], ['pcifix took more than 30 s']
    except OSError as e:
        sys.stderr.write('libvirt-lint: cannot run %s: %s\n' % (pcifix, e))
        os._exit(2)
    err = p.stderr.decode('utf-8', 'replace')
    with open(os.path.join(outdir, name + '.json'), 'w') as o:
        o.write(err)
    diags, problems = [], []
    if p.stdout:
        problems.append('--check wrote %d bytes to stdout' % len(p.stdout))
    for line in err.splitlines():
        try:
            d = json.loads(line)
        except ValueError:
            problems.append('not a JSON line: %r' % line[:200])
            continue
        if not isinstance(d, dict) or not {'file', 'line', 'severity', 'rule', 'message',
                                           'hint'} <= set(d):
            problems.append('JSON object without the expected keys: %r' % line[:200])
            continue
        if d['file'] != f:
            problems.append('diagnostic names file %r, not %r' % (d['file'], f))
        diags.append(d)
    return p.returncode, diags, problems


def show(d):
    loc = ':%d' % d['line'] if d['line'] else ''
    return '%s%s: %s: %s [%s]' % (d['file'], loc, d['severity'], d['message'], d['rule'])


rows = []
with open(os.path.join(indir, 'MANIFEST.tsv')) as f:
    for line in f:
        if line.strip():
            rows.append(line.rstrip('\n').split('\t'))

n = len(rows)
# pcifix on every file, in parallel (a run is mostly process start-up)
with concurrent.futures.ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) + 1) as ex:
    results = dict(zip((r[0] for r in rows), ex.map(run_pcifix, (r[0] for r in rows))))
R = A = X = Y = 0
mismatch = surprise = extra = 0
failures = []
for name, machine, kind, expect_lv, rules, what in rows:
    rules = set() if rules == '-' else set(rules.split(','))
    accepted = os.path.exists(os.path.join(lvdir, name + '.out.xml'))
    if not accepted and not os.path.exists(os.path.join(lvdir, name + '.err')):
        print('FAIL: %s: no result from libvirt' % name)
        failures.append(name)
        R += 1
        continue
    rc, diags, problems = results[name]
    errors = [d for d in diags if d['severity'] == 'error']
    head = '%s (%s, %s: %s)' % (name, machine, kind, what)
    if (expect_lv == 'accepts') != accepted:
        surprise += 1
        print('note: %s: libvirt %s it, the generator expected it to %s' % (
            head, 'accepts' if accepted else 'rejects', expect_lv[:-1]))
    if not accepted:
        R += 1
        lvmsg = libvirt_message(name)
        hit = [d for d in errors if d['rule'] in LIBVIRT_RULES]
        ok = rc not in (0, None) and hit and not problems
        if ok:
            X += 1
        else:
            failures.append(name)
        if verbose or not ok:
            print('%s: rejected: %s' % ('ok' if ok else 'FAIL', head))
            for m in lvmsg:
                print('    libvirt: %s' % m)
            for d in (hit or diags):
                print('    pcifix:  %s' % show(d))
            if not diags:
                print('    pcifix:  (no diagnostic)')
            if not ok:
                print('    pcifix exit status %s%s' % (rc, '' if hit else
                      '; no error under one of libvirt\'s rules'))
            for p in problems:
                print('    problem: %s' % p)
        beyond = sorted({d['rule'] for d in diags if d['rule'] in BEYOND_RULES})
        if beyond:
            extra += 1
            print('note: %s: pcifix also reports %s on a domain with one libvirt defect' % (
                head, ','.join(beyond)))
        expected_rule = {r for r in rules if r in LIBVIRT_RULES}
        if hit and expected_rule and not expected_rule & {d['rule'] for d in hit}:
            mismatch += 1
            print('note: %s: pcifix says %s, the kind expects %s' % (
                head, ','.join(sorted({d['rule'] for d in hit})),
                ','.join(sorted(expected_rule))))
        continue
    A += 1
    want = {r for r in rules if r in BEYOND_RULES}
    got = {d['rule'] for d in diags if d['rule'] != 'would-change'}
    want_rc = 1 if errors else 0
    why = []
    if got - want:
        why.append('unexpected %s' % ','.join(sorted(got - want)))
    if want - got:
        why.append('missing %s' % ','.join(sorted(want - got)))
    if rc != want_rc:
        why.append('exit status %s, expected %d' % (rc, want_rc))
    why += problems
    if not why:
        Y += 1
        continue
    failures.append(name)
    print('FAIL: accepted by libvirt: %s: expected %s: %s' % (
        head, ','.join(sorted(want)) or 'no diagnostic', '; '.join(why)))
    for d in diags:
        if d['rule'] != 'would-change':
            print('    pcifix:  %s' % show(d))

print('libvirt-lint: %d domains (%d rejected by libvirt, %d accepted); '
      'rejected-by-pcifix %d/%d; expected-diagnostic %d/%d' % (n, R, A, X, R, Y, A))
if mismatch or surprise or extra:
    print('libvirt-lint: notes (not failures): %d rejected under another libvirt rule than '
          'the kind names, %d beyond-libvirt diagnostics on rejected domains, %d domains '
          'where libvirt did not do what the generator expected' % (mismatch, extra, surprise))
sys.exit(0 if X == R and Y == A else 1)
PY
rc=$?
if [ -n "$KEEP" ]; then
    mkdir -p "$KEEP" && cp -R "$work/in" "$work/lv" "$work/pcifix" "$KEEP"/ &&
        say "kept inputs, libvirt's results and pcifix's JSON in $KEEP"
fi
[ "$rc" -le 1 ] || hard "the checker failed (status $rc)"
exit "$rc"
