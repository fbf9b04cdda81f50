#!/bin/sh
# selftest.sh: check the differential harness itself, without pcifix.
#
# On a few generated domains (fresh and legacy, x86_64 and every other
# architecture whose emulator is installed) that libvirt accepts:
#   * compare.py(libvirt output, itself) and (libvirt output, libvirt run
#     again on that output) report no difference;
#   * a reordered copy with decimal numbers, and (semantic mode) a copy without
#     the PCI controller values libvirt fills in by default, compare equal;
#   * a copy without the default models of unaliased USB controllers, NICs and
#     videos (per architecture and machine) compares equal;
#   * every planted change (plant.py: slot, function, bus, dropped address,
#     renamed alias, multifunction, dropped or changed PCI controller, chassis,
#     dropped implicit device) is reported, and the input without addresses
#     differs from libvirt's output;
#   * compare.py --inserted-only accepts inserted lines and catches a change.
# Exit 0 pass, 1 fail, 77 skip (no python3 or no usable libvirt), 99 error.
#
# Environment: SELFTEST_N (x86_64 domains, default 12), SELFTEST_N_OTHER
# (domains per other architecture, default 6), SELFTEST_SEED (default 7),
# SELFTEST_ARCHES (default "x86_64 aarch64 riscv64 ppc64").

LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
lv=$here/lv-assign
N=${SELFTEST_N:-12}
N_OTHER=${SELFTEST_N_OTHER:-6}
SEED=${SELFTEST_SEED:-7}
ARCHES=${SELFTEST_ARCHES:-x86_64 aarch64 riscv64 ppc64}
me=libvirt-selftest

say() { printf '%s: %s\n' "$me" "$*"; }
command -v python3 >/dev/null 2>&1 || { say "SKIP: python3 not found"; exit 77; }
"$lv" --check || { say "SKIP: libvirt is not usable here"; exit 77; }

w=$(mktemp -d "${TMPDIR:-/tmp}/libvirt-selftest.XXXXXX") || exit 99
trap 'rm -rf "$w"' EXIT
trap 'exit 130' INT TERM

mkdir "$w/in"
for a in $ARCHES; do
    case $a in x86_64) n=$N ;; *) n=$N_OTHER ;; esac
    emu=/usr/bin/qemu-system-$a
    if [ ! -x "$emu" ]; then say "note: skipping $a: $emu not found"; continue; fi
    python3 "$here/gen.py" --arch "$a" --seed "$SEED" -n "$n" --legacy-fraction 0.5 \
        --out "$w/gen-$a" --lv-assign "$lv" || { say "ERROR: gen.py --arch $a failed"; exit 99; }
    mv "$w/gen-$a"/*.xml "$w/in/"
done
"$lv" --batch "$w/in" "$w/out" 2>/dev/null || { say "ERROR: lv-assign failed"; exit 99; }
mkdir "$w/again"
for f in "$w"/out/*.out.xml; do
    [ -e "$f" ] || continue
    b=${f##*/}; cp "$f" "$w/again/${b%.out.xml}.xml"
done
n=$(ls "$w/again" | wc -l | tr -d ' ')
[ "$n" -ge 3 ] || { say "ERROR: libvirt accepted only $n of $N domains"; exit 99; }
"$lv" --batch "$w/again" "$w/again.out" 2>/dev/null || { say "ERROR: lv-assign failed"; exit 99; }

# the checks, in one python process (python start-up can be slow)
python3 - "$here" "$w" <<'EOF'
import contextlib, io, os, re, sys
here, w = sys.argv[1:3]
sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, here)
import compare, plant

checks = fails = 0
def check(cond, msg):
    global checks, fails
    checks += 1
    if not cond:
        fails += 1
        print('libvirt-selftest: FAIL: ' + msg)

def mutate(m, src, dst):
    with contextlib.redirect_stdout(io.StringIO()) as o:
        rc = plant.main([m, src, dst])
    return rc, o.getvalue().strip()

DIFFER = ['slot', 'function', 'bus', 'drop-address', 'alias', 'multifunction',
          'drop-pcictl', 'chassis', 'pcictl-model', 'drop-implicit']
planted = {}
for f in sorted(os.listdir(os.path.join(w, 'again'))):
    b = f[:-4]
    o = os.path.join(w, 'out', b + '.out.xml')
    i = os.path.join(w, 'in', b + '.xml')
    t = os.path.join(w, b)
    d = compare.compare(o, o)
    check(not d, '%s: output differs from itself: %s' % (b, d[:3]))
    d = compare.compare(o, os.path.join(w, 'again.out', b + '.out.xml'))
    check(not d, '%s: libvirt run twice differs: %s' % (b, d[:3]))
    mutate('reorder', o, t + '.reorder.xml')
    d = compare.compare(o, t + '.reorder.xml')
    check(not d, '%s: reordered copy differs: %s' % (b, d[:3]))
    if mutate('strip-models', o, t + '.models.xml')[0] == 0:
        planted['strip-models'] = planted.get('strip-models', 0) + 1
        d = compare.compare(o, t + '.models.xml')
        check(not d, '%s: copy without default models differs: %s' % (b, d[:3]))
    if mutate('strip-defaults', o, t + '.strip.xml')[0] == 0:
        d = compare.compare(o, t + '.strip.xml')
        check(not d, '%s: copy without defaults differs: %s' % (b, d[:3]))
        check(compare.compare(o, t + '.strip.xml', strict=True),
              '%s: --strict misses stripped defaults' % b)
    with open(i) as fh:
        txt = fh.read()
    pinned = re.search('<address type=.pci', txt) is not None
    if not pinned:
        check(compare.compare(i, o), '%s: input without addresses equals libvirt output' % b)
    for m in DIFFER:
        rc, what = mutate(m, o, t + '.' + m + '.xml')
        if rc != 0:
            continue
        planted[m] = planted.get(m, 0) + 1
        d = compare.compare(o, t + '.' + m + '.xml', 'libvirt', 'planted')
        check(d, '%s: planted change not found (%s)' % (b, what))
    check(not compare.inserted_only(i, i), '%s: --inserted-only rejects identical files' % b)
    with open(i) as fh:
        txt = fh.read()
    with open(t + '.ins.xml', 'w') as fh:
        fh.write(txt.replace('<devices>\n', '<devices>\n    <!-- inserted -->\n', 1))
    check(not compare.inserted_only(i, t + '.ins.xml'), '%s: --inserted-only rejects an inserted line' % b)
    with open(t + '.chg.xml', 'w') as fh:
        fh.write(txt.replace('<devices>', '<devices >', 1))
    check(compare.inserted_only(i, t + '.chg.xml'), '%s: --inserted-only misses a changed line' % b)
# the command line too: exit status and output
import subprocess
o = os.path.join(w, 'out', sorted(os.listdir(os.path.join(w, 'out')))[0])
r = subprocess.run([sys.executable, os.path.join(here, 'compare.py'), o, o], capture_output=True, text=True)
check(r.returncode == 0 and r.stdout == '', 'compare.py A A: exit %d, output %r' % (r.returncode, r.stdout))
m = os.path.join(w, 'cli.xml')
if mutate('slot', o, m)[0] == 0:
    r = subprocess.run([sys.executable, os.path.join(here, 'compare.py'), o, m], capture_output=True, text=True)
    check(r.returncode == 1 and len(r.stdout.splitlines()) >= 1, 'compare.py A planted: exit %d' % r.returncode)
print('libvirt-selftest: planted: ' + ', '.join('%s %d' % kv for kv in sorted(planted.items())))
print('libvirt-selftest: %d checks, %d failed' % (checks, fails))
sys.exit(1 if fails else 0)
EOF
rc=$?
say "$n domains checked"
exit $rc
