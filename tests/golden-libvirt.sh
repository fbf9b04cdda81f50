#!/bin/sh
# golden-libvirt.sh - prove that the golden expectations hold libvirt's addresses, not pcifix's.
#
# tests/golden.sh pins what pcifix prints, byte for byte; this script proves
# that what is pinned is what real libvirt 9.0 does.  For a golden case NAME
# (tests/data/FAMILY/NAME.xml, see golden.sh) there may be, beside it:
#
#   NAME.libvirt.xml  what libvirt wrote back for NAME.xml (`virsh define` +
#                     `dumpxml --inactive`, through tests/libvirt/lv-assign);
#   NAME.libvirt.err  libvirt's message when it refused NAME.xml.
#
# Checks, with python3 and no libvirt (run by `make check`):
#   * every NAME.libvirt.xml: the XML that NAME's expectations stand for is
#     equal to it for PCI purposes (python3 tests/libvirt/compare.py: every
#     PCI address, every PCI controller and its model, target and address,
#     devices matched by identity).  That XML is NAME.out for a plain run;
#     NAME.xml patched with NAME.out for --diff; NAME.xml itself for a --check
#     that passed (pcifix found nothing to change).  For --list, every address
#     in the listing (text or JSON) must be one libvirt gave the same device
#     (kind, disk target, controller type/index/model, hostdev source,
#     multifunction), and libvirt may have no PCI address the listing lacks.
#     NAME must have exited 0.  -W/--warn in NAME.args only change what is
#     reported, so a case may turn a rule beyond libvirt off (function-zero,
#     multifunction-off) to have the layout libvirt accepts proven.
#   * every NAME.libvirt.err: pcifix rejects NAME too (NAME.rc is not 0),
#     unless NAME is in tests/data/libvirt-rejects-accepted.txt, the list of
#     inputs libvirt refuses but pcifix (which is not a validator yet) accepts,
#     each with the reason; an entry whose case pcifix now rejects fails, so
#     the list does not go stale.
#   * every plain .cmd case on several files (multi-*, stdin-and-files): its
#     output is, file by file, the expected output of the plain case with
#     that input (proven there when it has NAME.libvirt.xml), or the file
#     unchanged, or nothing for a file pcifix rejects; so it needs no libvirt
#     file of its own.
# The last line is `golden-libvirt: N passed, N failed'.  Exit status 0 when
# every check passed, 1 otherwise, 77 (skipped) without python3.
#
# Making NAME.libvirt.xml (needs libvirt, see tests/libvirt/README.md):
#   tests/golden-libvirt.sh --make NAME...
# feeds libvirt a copy of NAME.xml with two changes that do not affect PCI
# placement: <domain type='kvm'> becomes type='qemu' (libvirt refuses kvm
# without /dev/kvm), and <emulator>/usr/bin/qemu-system-x86_64</emulator> is
# added to <devices> when there is no <emulator> (libvirt must find the
# binary to learn QEMU's capabilities; a <devices> is added when there is
# none).  It writes NAME.libvirt.xml, or NAME.libvirt.err when libvirt refuses
# the input (the temporary file libvirt names there is called NAME.xml), and
# removes the other one.  Never write or edit these files by
# hand, and never from pcifix's output, with one exception: where libvirt
# fails and pcifix finds a layout instead (the beyond-libvirt note, e.g.
# pc-300-disks),
#   tests/golden-libvirt.sh --make-from-output NAME...
# gives libvirt NAME.out instead and says whether libvirt defines it
# unchanged; NAME.libvirt.xml is then libvirt's acceptance of that layout.
#
# Environment:
#   top_srcdir   the source tree (default: the directory above this script)
#
# Usage: tests/golden-libvirt.sh [NAME...]           (default: every case)
#        tests/golden-libvirt.sh --make NAME...
#        tests/golden-libvirt.sh --make-from-output NAME...

me=golden-libvirt
. "$(dirname "$0")/setup"
command -v python3 >/dev/null 2>&1 || skip "python3 not found"

exec python3 - "$top_srcdir" "$@" <<'PY'
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

top = sys.argv[1]
args = sys.argv[2:]
data = os.path.join(top, 'tests', 'data')
compare_py = os.path.join(top, 'tests', 'libvirt', 'compare.py')
lv_assign = os.path.join(top, 'tests', 'libvirt', 'lv-assign')
allowlist_path = os.path.join(data, 'libvirt-rejects-accepted.txt')
EMULATOR = '/usr/bin/qemu-system-x86_64'


def path(name, ext):
    # tests/data/FAMILY/NAME.EXT, FAMILY being NAME up to its first '-'
    return os.path.join(data, name.split('-', 1)[0], name + ext)


def read_out(name):
    # NAME.out, or nothing when the case expects no output (no file)
    p = path(name, '.out')
    return read(p) if os.path.exists(p) else b''


def read(p, mode='rb'):
    with open(p, mode) as f:
        return f.read()


# ---- --make: libvirt's result for NAME.xml --------------------------------

def markup_only(b):
    """b with comments, CDATA, PIs and the DOCTYPE blanked out (same offsets),
    so that the searches below see only elements."""
    def blank(m):
        return re.sub(rb'[^\r\n]', b' ', m.group(0))
    return re.sub(rb'<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>',
                  blank, b, flags=re.S)


def libvirt_input(b):
    """NAME.xml as libvirt is given it: type='qemu', an <emulator>."""
    m = re.search(rb'''<domain\b[^>]*?\btype\s*=\s*(['"])kvm\1''', markup_only(b))
    if m:
        b = b[:m.end() - 4] + b'qemu' + b[m.end() - 1:]
    mb = markup_only(b)
    if re.search(rb'<emulator[\s>]', mb):
        return b
    emu = b'<emulator>' + EMULATOR.encode() + b'</emulator>'
    m = re.search(rb'<devices(\s[^>]*)?>', mb)
    if m and mb[m.end() - 2:m.end()] != b'/>':
        return b[:m.end()] + emu + b[m.end():]
    m = re.search(rb'<devices\s*/>', mb)
    if m:
        return b[:m.start()] + b'<devices>' + emu + b'</devices>' + b[m.end():]
    i = mb.rindex(b'</domain')
    return b[:i] + b'<devices>' + emu + b'</devices>' + b[i:]


def make(names, source='.xml'):
    tmp = tempfile.mkdtemp(prefix='pcifix-golden-libvirt.')
    try:
        os.mkdir(os.path.join(tmp, 'in'))
        for n in names:
            with open(os.path.join(tmp, 'in', n + '.xml'), 'wb') as f:
                f.write(libvirt_input(read(path(n, source))))
        r = subprocess.run([lv_assign, '--batch', os.path.join(tmp, 'in'),
                            os.path.join(tmp, 'out')])
        if r.returncode != 0:
            print('golden-libvirt: lv-assign failed (exit %d)' % r.returncode, file=sys.stderr)
            return 1
        for n in names:
            out = os.path.join(tmp, 'out', n + '.out.xml')
            err = os.path.join(tmp, 'out', n + '.err')
            for old in (path(n, '.libvirt.xml'), path(n, '.libvirt.err')):
                if os.path.exists(old):
                    os.remove(old)
            if os.path.exists(out):
                shutil.copyfile(out, path(n, '.libvirt.xml'))
                print('%s: NAME.libvirt.xml' % n)
                if source != '.xml':
                    diffs = compare([(n, path(n, source), out)])[n]
                    print('%s: libvirt %s NAME%s' % (
                        n, 'changed' if diffs else 'defines, unchanged,', source))
                    for d in diffs:
                        print('  %s' % d)
            else:
                # the message names the file libvirt was given: call it NAME.xml
                msg = read(err, 'r').replace(os.path.join(tmp, 'in') + os.sep, '')
                with open(path(n, '.libvirt.err'), 'w') as f:
                    f.write(msg)
                print('%s: refused: %s' % (n, read(err, 'r').strip().replace('\n', ' | ')))
    finally:
        shutil.rmtree(tmp)
    return 0


# ---- what a case's expectations stand for ----------------------------------

def words(name):
    for ext, kind in (('.cmd', 'cmd'), ('.args', 'args')):
        if os.path.exists(path(name, ext)):
            return kind, read(path(name, ext), 'r').split()
    return 'plain', []


def case_rc(name):
    if os.path.exists(path(name, '.rc')):
        return int(read(path(name, '.rc'), 'r').strip())
    return 0


# Options whose value is the next word, and options that change only which
# diagnostics are printed (so not what a case's stdout stands for).
WITH_VALUE = ('-W', '--warn', '-o', '--output', '--format')
DIAGNOSTICS_ONLY = ('-W', '--warn')


def split_cmd(name):
    """-> (options, [input files, '-' for stdin], stdin file or None); an
    option with a value is one 'OPTION=VALUE' word; -W/--warn are left out."""
    kind, w = words(name)
    opts, files, stdin = [], [], None
    it = iter(w)
    for x in it:
        if x.startswith('<'):
            stdin = x[1:]
        elif x in WITH_VALUE:
            v = next(it, '')
            if x not in DIAGNOSTICS_ONLY:
                opts.append(x + '=' + v)
        elif x.startswith('-') and x != '-':
            if x.split('=', 1)[0] not in DIAGNOSTICS_ONLY and not re.match(r'-W.', x):
                opts.append(x)
        else:
            files.append(x)
    if kind != 'cmd':
        files.append(name + '.xml')
    return opts, files, stdin


def single_input(name):
    """The options of a case that runs pcifix on NAME.xml alone, or None."""
    opts, files, stdin = split_cmd(name)
    if files == [name + '.xml'] or (files == ['-'] and stdin == name + '.xml'):
        return opts
    return None


def apply_diff(orig, diff):
    """NAME.xml patched with pcifix's unified diff (pcifix's own format)."""
    if not diff:
        return orig
    a = orig.split(b'\n')
    a = [x + b'\n' for x in a[:-1]] + ([a[-1]] if a[-1] else [])
    d = diff.split(b'\n')
    out, pos, i = [], 0, 0
    while i < len(d) and not d[i].startswith(b'@@'):
        i += 1
    while i < len(d):
        m = re.match(rb'@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@', d[i])
        if not m:
            if d[i] == b'':
                i += 1
                continue
            raise ValueError('bad diff line %r' % d[i][:60])
        start = int(m.group(1)) - (0 if m.group(2) == b'0' else 1)
        out.extend(a[pos:start])
        pos = start
        i += 1
        while i < len(d) and d[i][:1] in (b' ', b'-', b'+', b'\\'):
            line, nxt = d[i], d[i + 1] if i + 1 < len(d) else b''
            text = line[1:] + (b'' if nxt.startswith(b'\\') else b'\n')
            if line[:1] == b'\\':
                pass
            elif line[:1] == b'+':
                out.append(text)
            else:
                if pos >= len(a) or a[pos] != text:
                    raise ValueError('diff context does not match the input at line %d' % (pos + 1))
                if line[:1] == b' ':
                    out.append(text)
                pos += 1
            i += 1
    out.extend(a[pos:])
    return b''.join(out)


# ---- --list against libvirt -----------------------------------------------

def ident(kind, words_):
    """What names a device in a listing description, as a comparable key."""
    if kind == 'controller':
        typ = words_[1] if len(words_) > 1 else None
        idx = words_[2] if len(words_) > 2 and words_[2].isdigit() else None
        model = None
        m = re.search(r'\(([^)]*)\)', ' '.join(words_))
        if typ == 'pci' and m:
            model = m.group(1)
        return (typ, idx, model)
    if kind == 'disk':
        return (words_[1] if len(words_) > 1 else None,)
    if kind == 'hostdev':
        for w in words_:
            if w.startswith('host='):
                return (w[5:],)
        return (None,)
    return ()


def listing_entries(out, json_format):
    """(address, multifunction, kind, ident) of every addressed device in a listing."""
    entries = collections.Counter()
    if json_format:
        import json
        for line in out.decode().splitlines():
            doc = json.loads(line)
            devs = [d for b in doc.get('buses', []) for d in b.get('devices', [])]
            devs += doc.get('orphans', [])
            for d in devs:
                if not d.get('address'):
                    continue
                w = d['description'].split()
                entries[(d['address'], d.get('multifunction'), d['kind'], ident(d['kind'], w))] += 1
        return entries
    rx = re.compile(r'^\s*(?:([0-9a-f]{4}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])  (.*?)  \(([^()]*)\)$')
    for line in out.decode().splitlines():
        m = rx.match(line)
        if not m:
            continue
        desc = m.group(5)
        mf = re.search(r' multifunction=(on|off)', desc)
        desc = re.sub(r' multifunction=(on|off).*$', '', desc)
        desc = re.sub(r' (name|chassisNr|chassis|port|busNr|targetIndex|hotplug)=\S+', '', desc)
        w = desc.split()
        addr = '%s:%s:%s.%s' % (m.group(1) or '0000', m.group(2), m.group(3), m.group(4))
        entries[(addr, mf.group(1) if mf else None, w[0], ident(w[0], w))] += 1
    return entries


def libvirt_entries(p):
    entries = collections.Counter()
    devices = ET.parse(p).getroot().find('devices')
    for d in (devices if devices is not None else []):
        a = d.find('address')
        if a is None or a.get('type') != 'pci':
            continue

        def n(k):
            v = a.get(k, '0')
            return int(v, 16) if v.lower().startswith('0x') else int(v, 0)
        addr = '%04x:%02x:%02x.%x' % (n('domain'), n('bus'), n('slot'), n('function'))
        if d.tag == 'controller':
            key = (d.get('type'), d.get('index'), d.get('model') if d.get('type') == 'pci' else None)
        elif d.tag == 'disk':
            t = d.find('target')
            key = (t.get('dev') if t is not None else None,)
        elif d.tag == 'hostdev':
            s = d.find('source/address')
            key = (None,)
            if s is not None:
                def h(k):
                    return int(s.get(k, '0'), 0)
                key = ('%04x:%02x:%02x.%x' % (h('domain'), h('bus'), h('slot'), h('function')),)
        else:
            key = ()
        entries[(addr, a.get('multifunction'), d.tag, key)] += 1
    return entries


# ---- checks -----------------------------------------------------------------

def compare(pairs):
    """compare.py --batch on (name, a, b) triples -> {name: [differences]}"""
    res = {n: [] for n, _, _ in pairs}
    if not pairs:
        return res
    with tempfile.NamedTemporaryFile('w', suffix='.list', delete=False) as f:
        for n, a, b in pairs:
            f.write('%s\t%s\t%s\n' % (n, a, b))
        lst = f.name
    try:
        r = subprocess.run([sys.executable, compare_py, '--models', '--labels', 'expected,libvirt',
                            '--batch', lst], stdout=subprocess.PIPE, universal_newlines=True)
    finally:
        os.remove(lst)
    if r.returncode not in (0, 1):
        for n in res:
            res[n].append('compare.py failed (exit %d)' % r.returncode)
    for line in r.stdout.splitlines():
        n, _, msg = line.partition(': ')
        res.setdefault(n, []).append(msg)
    return res


def load_allowlist():
    allow = {}
    if not os.path.exists(allowlist_path):
        return allow
    for line in read(allowlist_path, 'r').splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        name, _, why = line.partition(' ')
        allow[name] = why.strip()
    return allow


def main():
    if args and args[0] in ('--make', '--make-from-output'):
        if len(args) < 2:
            print('usage: tests/golden-libvirt.sh --make|--make-from-output NAME...',
                  file=sys.stderr)
            return 2
        return make([os.path.basename(a)[:-4] if a.endswith('.xml') else os.path.basename(a)
                     for a in args[1:]], '.xml' if args[0] == '--make' else '.out')
    if args:
        wanted = set(os.path.basename(a)[:-4] if a.endswith('.xml') else os.path.basename(a)
                     for a in args)
    else:
        wanted = None
    names = sorted(f[:-4] for fam in os.listdir(data)
                   if os.path.isdir(os.path.join(data, fam))
                   for f in os.listdir(os.path.join(data, fam))
                   if f.endswith('.xml') and not f.endswith('.libvirt.xml'))
    if wanted is not None:
        names = [n for n in names if n in wanted]
    allow = load_allowlist()
    results = []          # (name, [problems])
    tmp = tempfile.mkdtemp(prefix='pcifix-golden-libvirt.')
    pairs = []
    try:
        for n in names:
            has_xml = os.path.exists(path(n, '.libvirt.xml'))
            has_err = os.path.exists(path(n, '.libvirt.err'))
            if has_xml and has_err:
                results.append((n, ['both NAME.libvirt.xml and NAME.libvirt.err']))
                continue
            if has_err:
                rc = case_rc(n)
                if n in allow:
                    if rc != 0:
                        results.append((n, ['in libvirt-rejects-accepted.txt, but pcifix now '
                                            'rejects it (exit %d): remove it from the list' % rc]))
                    else:
                        results.append((n, []))
                        print('NOTE: %s: libvirt refuses it, pcifix accepts it (listed: %s)'
                              % (n, allow[n]))
                elif rc == 0:
                    results.append((n, ['libvirt refuses it (%s), but pcifix accepts it '
                                        '(exit 0); if that is known, list it in '
                                        'tests/data/libvirt-rejects-accepted.txt'
                                        % read(path(n, '.libvirt.err'), 'r').strip()
                                        .replace('\n', ' | ')]))
                else:
                    results.append((n, []))
                continue
            if not has_xml:
                continue
            if n in allow:
                results.append((n, ['in libvirt-rejects-accepted.txt, but libvirt accepts it']))
                continue
            rc = case_rc(n)
            if rc != 0:
                results.append((n, ['libvirt accepts it, but pcifix exits %d' % rc]))
                continue
            opts = single_input(n)
            out = read_out(n)
            lv = path(n, '.libvirt.xml')
            if opts is None:
                results.append((n, ['NAME.libvirt.xml for a command on several files']))
                continue
            if '--list' in opts:
                json_format = '--format=json' in opts
                try:
                    got = listing_entries(out, json_format)
                    want = libvirt_entries(lv)
                except (ValueError, ET.ParseError) as e:
                    results.append((n, ['cannot read: %s' % e]))
                    continue
                probs = []
                for k in sorted(set(got) | set(want), key=str):
                    if got[k] != want[k]:
                        probs.append('%s %s%s %s: %d in the listing, %d in libvirt' % (
                            k[0], k[2], ' ' + ' '.join(str(x) for x in k[3] if x) if k[3] else '',
                            'multifunction=%s' % k[1] if k[1] else '', got[k], want[k]))
                results.append((n, probs))
                continue
            if '--diff' in opts:
                try:
                    doc = apply_diff(read(path(n, '.xml')), out)
                except ValueError as e:
                    results.append((n, ['cannot apply NAME.out to NAME.xml: %s' % e]))
                    continue
            elif '--check' in opts:
                if out:
                    results.append((n, ['--check printed something']))
                    continue
                doc = read(path(n, '.xml'))
            elif not opts:
                pairs.append((n, path(n, '.out'), lv))
                results.append((n, None))
                continue
            else:
                results.append((n, ['cannot tell what NAME.out holds for options %s'
                                    % ' '.join(opts)]))
                continue
            p = os.path.join(tmp, n + '.xml')
            with open(p, 'wb') as f:
                f.write(doc)
            pairs.append((n, p, lv))
            results.append((n, None))       # filled in by compare()
        diffs = compare(pairs)
        results = [(n, diffs.get(n, []) if probs is None else probs) for n, probs in results]

        # Plain commands on several files: file by file, proven outputs.
        plain_by_input = {}
        for n in names:
            if words(n)[0] == 'plain':
                plain_by_input.setdefault(read(path(n, '.xml')), n)
        for n in names:
            kind, _ = words(n)
            opts, files, stdin = split_cmd(n)
            if kind != 'cmd' or opts or len(files) < 2:
                continue
            out = read_out(n)
            pos, probs = 0, []
            for w in files:
                src = stdin if w == '-' else w
                part = src[:-4] if src and src.endswith('.xml') else None
                if part is None or not os.path.exists(path(part, '.xml')):
                    continue            # a missing file: nothing on stdout
                inp = read(path(part, '.xml'))
                if words(part)[0] != 'plain':
                    part = plain_by_input.get(inp, part)    # the same input as a plain case
                if words(part)[0] == 'plain':
                    want = read_out(part)     # that case's own expectation
                    if out[pos:pos + len(want)] != want:
                        probs.append('the output for %s is not %s.out' % (w, part))
                        break
                    pos += len(want)
                elif out[pos:pos + len(inp)] == inp:
                    pos += len(inp)     # printed unchanged (not x86, nothing to add)
                # else: nothing printed for it (rejected); what follows must fit
            if not probs and pos != len(out):
                probs.append('%d bytes of output that no part accounts for' % (len(out) - pos))
            results.append((n + ' (parts)', probs))
    finally:
        shutil.rmtree(tmp)

    passed = failed = 0
    for n, probs in sorted(results):
        if probs:
            failed += 1
            print('FAIL: %s' % n)
            for p in probs:
                print('  %s' % p)
        else:
            passed += 1
            print('PASS: %s' % n)
    for n in sorted(allow):
        if not os.path.exists(path(n, '.libvirt.err')):
            failed += 1
            print('FAIL: %s: in libvirt-rejects-accepted.txt without NAME.libvirt.err' % n)
    print('golden-libvirt: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


sys.exit(main())
PY
