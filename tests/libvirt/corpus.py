#!/usr/bin/env python3
"""corpus.py: libvirt's own test-suite domains as a corpus for pcifix (see ../libvirt-corpus.sh).

    corpus.py prepare SRC WORK    SRC/{argv,out}/*.xml -> WORK/in/NAME.xml, WORK/MANIFEST.tsv
    corpus.py evaluate WORK EXCEPTIONS
                                  WORK/{lv,fix,relv,check}: the table, the disagreements,
                                  and the exceptions check; exit 0 when all agree or are listed

prepare normalises each domain as little as libvirt needs to define it here,
and records every change in MANIFEST.tsv (NAME, source, arch, changes):
  * <domain type='kvm'> (or hvf, ...) becomes type='qemu': no KVM here;
  * <emulator> becomes the installed QEMU for the domain's arch
    (/usr/bin/qemu-system-x86_64 for x86_64, -i386 for i686, -ppc64 for
    ppc64/ppc64le, -arm for armv7l, ...); a domain whose arch has no QEMU
    here is left out (listed as "skipped").
Only those bytes change; everything else is as libvirt wrote its test.
Files whose normalised bytes are the same as an earlier file's are counted
once (the first name is kept).  Names: a.NAME (qemuxml2argvdata) and o.NAME
(qemuxml2xmloutdata).

evaluate compares, for every input libvirt accepted (WORK/lv/NAME.out.xml):
  identical  pcifix's output (WORK/fix/NAME.xml) against libvirt's, with
             compare.py in models mode: every PCI address, every PCI
             controller (model, <model name>, <target>), devices present on
             one side only, and the model of every device pcifix places or
             adds where libvirt writes one;
  complete   libvirt given pcifix's output (WORK/relv/NAME.out.xml) against
             pcifix's output, the same way, strictly (nothing libvirt adds or
             fills in may be missing);
and for every input libvirt rejected for an address reason (its message
names a PCI address, slot, function, bus, controller, zPCI id or address
type), that pcifix rejects it too (WORK/check/NAME.json: an error) under the
rule that goes with libvirt's message.
EXCEPTIONS lists "NAME<TAB>reason" lines: inputs whose disagreement is known
and explained.  evaluate fails on a disagreement not listed, and on a listed
name that now agrees (so the list does not go stale).
"""

import hashlib
import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

EMULATOR = {
    'x86_64': 'x86_64', 'i686': 'i386', 'aarch64': 'aarch64', 'armv7l': 'arm',
    'armv6l': 'arm', 'ppc64': 'ppc64', 'ppc64le': 'ppc64', 'ppc': 'ppc',
    'riscv64': 'riscv64', 'riscv32': 'riscv32', 's390x': 's390x', 'mips': 'mips',
    'mipsel': 'mipsel', 'mips64': 'mips64', 'mips64el': 'mips64el', 'sparc': 'sparc',
    'sparc64': 'sparc64', 'loongarch64': 'loongarch64',
}

ROOT_TYPE = re.compile(rb'(<domain\b[^>]*?\stype\s*=\s*)([\'"])([^\'"]*)\2')
OS_ARCH = re.compile(rb'<type\b[^>]*\sarch\s*=\s*([\'"])([^\'"]*)\1')
EMU = re.compile(rb'(<emulator>)([^<]*)(</emulator>)')


def normalise(data):
    """-> (bytes, arch, [changes]) or (None, arch, [reason])."""
    changes = []
    m = ROOT_TYPE.search(data)
    if m and m.group(3) != b'qemu':
        changes.append("type='%s' -> 'qemu'" % m.group(3).decode('utf-8', 'replace'))
        data = data[:m.start(3)] + b'qemu' + data[m.end(3):]
    a = OS_ARCH.search(data)
    arch = a.group(2).decode('utf-8', 'replace') if a else 'x86_64'
    e = EMU.search(data)
    if e:
        want = '/usr/bin/qemu-system-%s' % EMULATOR.get(arch, arch)
        if not os.access(want, os.X_OK):
            return None, arch, ['no QEMU for arch %s here (%s)' % (arch, want)]
        have = e.group(2).decode('utf-8', 'replace').strip()
        if have != want:
            changes.append('emulator %s -> %s' % (have, want))
            data = data[:e.start(2)] + want.encode() + data[e.end(2):]
    return data, arch, changes


def prepare(src, work):
    out = os.path.join(work, 'in')
    os.makedirs(out, exist_ok=True)
    seen = {}
    rows = []
    counts = {'files': 0, 'duplicates': 0, 'skipped': 0, 'changed': 0}
    for sub, prefix in (('argv', 'a.'), ('out', 'o.')):
        d = os.path.join(src, sub)
        for f in sorted(os.listdir(d)):
            if not f.endswith('.xml'):
                continue
            counts['files'] += 1
            with open(os.path.join(d, f), 'rb') as fh:
                raw = fh.read()
            if b'<domain' not in raw:
                counts['skipped'] += 1
                rows.append((prefix + f[:-4], '%s/%s' % (sub, f), '-', 'skipped: not a domain'))
                continue
            data, arch, changes = normalise(raw)
            name = prefix + f[:-4]
            if data is None:
                counts['skipped'] += 1
                rows.append((name, '%s/%s' % (sub, f), arch, 'skipped: ' + changes[0]))
                continue
            h = hashlib.sha256(data).hexdigest()
            if h in seen:
                counts['duplicates'] += 1
                continue
            seen[h] = name
            counts['changed'] += bool(changes)
            with open(os.path.join(out, name + '.xml'), 'wb') as fh:
                fh.write(data)
            rows.append((name, '%s/%s' % (sub, f), arch, '; '.join(changes) or '-'))
    with open(os.path.join(work, 'MANIFEST.tsv'), 'w') as fh:
        for r in rows:
            fh.write('\t'.join(r) + '\n')
    print('corpus: %d files, %d duplicates, %d skipped, %d inputs (%d normalised)' % (
        counts['files'], counts['duplicates'], counts['skipped'],
        len(seen), counts['changed']))
    return 0


# libvirt's messages for a PCI-address reason, and pcifix's rule for each
# (the first pattern that matches decides).
ADDRESS_REASONS = [
    (r'double use of PCI [Aa]ddress', {'pci-duplicate'}),
    (r'zPCI|zpci|\buid\b|\bfid\b', {'pci-address', 'address-range'}),
    (r'unknown address type|address type|needs a PCI address', {'address-type', 'address-none'}),
    (r'must have PCI address|Invalid PCI address|PCI address|slot must be|function must be',
     {'pci-address', 'address-range'}),
    (r'[Nn]o more available PCI slots|PCI slot|no PCI buses', {'pci-capacity'}),
    (r'PCI controller|pci-root|pcie-root|busNr|chassis|PHB|[Ee]xpander|'
     r'configured for a NUMA node|target index', {'pci-controller'}),
    (r'multifunction', {'pci-address'}),
    (r'IDE controllers|SATA controller', {'pci-controller', 'pci-address'}),
]


def address_reason(err):
    """libvirt's first error line and the rules it maps to, or (line, None)."""
    lines = [x for x in err.splitlines() if x.startswith('error: ') and
             not x.startswith('error: Failed to define')]
    first = lines[0][7:] if lines else err.strip()
    for pat, rules in ADDRESS_REASONS:
        if re.search(pat, first):
            return first, rules
    return first, None


def read(path):
    try:
        with open(path, encoding='utf-8', errors='replace') as fh:
            return fh.read()
    except OSError:
        return None


def one_line(text, n=300):
    return ' | '.join(x for x in (text or '').strip().splitlines() if x)[:n]


def evaluate(work, exceptions_path):
    names = sorted(f[:-4] for f in os.listdir(os.path.join(work, 'in')) if f.endswith('.xml'))
    exceptions = {}
    with open(exceptions_path) as fh:
        for line in fh:
            line = line.rstrip('\n')
            if line and not line.startswith('#'):
                n, _, why = line.partition('\t')
                exceptions[n] = why
    stats = dict.fromkeys(('inputs', 'accepted', 'identical', 'complete', 'rejected',
                           'address', 'address-rejected', 'address-same-rule'), 0)
    stats['inputs'] = len(names)
    bad = {}   # name -> [lines]
    for n in names:
        lvout = os.path.join(work, 'lv', n + '.out.xml')
        if os.path.exists(lvout):
            stats['accepted'] += 1
            fix = os.path.join(work, 'fix', n + '.xml')
            if not os.path.exists(fix):
                bad[n] = ['pcifix failed on an input libvirt accepts: %s' %
                          one_line(read(os.path.join(work, 'fix', n + '.err')))]
                continue
            d1 = compare.compare(fix, lvout, 'pcifix', 'libvirt', strict=False, models=True)
            if not d1:
                stats['identical'] += 1
            relv = os.path.join(work, 'relv', n + '.out.xml')
            if os.path.exists(relv):
                d2 = compare.compare(fix, relv, 'pcifix', 'libvirt-again', strict=True,
                                     models=True)
            else:
                d2 = ['libvirt rejects pcifix\'s output: %s' %
                      one_line(read(os.path.join(work, 'relv', n + '.err')))]
            if not d2:
                stats['complete'] += 1
            if d1 or d2:
                bad[n] = ['identical: ' + x for x in d1] + ['complete: ' + x for x in d2]
            continue
        stats['rejected'] += 1
        err = read(os.path.join(work, 'lv', n + '.err')) or ''
        first, rules = address_reason(err)
        if rules is None:
            continue
        stats['address'] += 1
        js = read(os.path.join(work, 'check', n + '.json')) or ''
        got = set()
        for line in js.splitlines():
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if isinstance(d, dict) and d.get('severity') == 'error' and \
                    d.get('rule') != 'would-change':
                got.add(d.get('rule'))
        if got:
            stats['address-rejected'] += 1
        if got & rules:
            stats['address-same-rule'] += 1
        else:
            bad[n] = ['libvirt rejects (%s) and pcifix %s' % (
                first, 'reports only %s' % ','.join(sorted(r for r in got if r)) if got
                else 'accepts it')]
    print('corpus: %(inputs)d inputs; libvirt accepts %(accepted)d: identical %(identical)d, '
          'complete %(complete)d; libvirt rejects %(rejected)d, %(address)d for an address '
          'reason: pcifix rejects %(address-rejected)d, under the same rule '
          '%(address-same-rule)d' % stats)
    unlisted = sorted(n for n in bad if n not in exceptions)
    stale = sorted(n for n in exceptions if n not in bad and n in names)
    listed = sorted(n for n in bad if n in exceptions)
    for n in listed:
        print('corpus: known (%s): %s: %s' % (exceptions[n], n, bad[n][0]))
    for n in unlisted:
        for x in bad[n][:8]:
            print('corpus: FAIL %s: %s' % (n, x))
        if len(bad[n]) > 8:
            print('corpus: FAIL %s: ... %d more' % (n, len(bad[n]) - 8))
    for n in stale:
        print('corpus: FAIL %s is listed as an exception (%s) but now agrees: '
              'remove it from the list' % (n, exceptions[n]))
    print('corpus: %d disagreements, %d of them listed as known, %d not; %d stale exceptions'
          % (len(bad), len(listed), len(unlisted), len(stale)))
    return 1 if unlisted or stale else 0


def main(argv):
    if len(argv) == 3 and argv[0] == 'prepare':
        return prepare(argv[1], argv[2])
    if len(argv) == 3 and argv[0] == 'evaluate':
        return evaluate(argv[1], argv[2])
    print(__doc__.split('\n\n')[1], file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
