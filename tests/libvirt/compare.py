#!/usr/bin/env python3
"""compare.py: are two libvirt domain XMLs the same for PCI purposes?

    compare.py [--strict] [--models] [--labels A,B] A.xml B.xml
    compare.py [--strict] [--models] [--labels A,B] --batch LIST   LIST: NAME<TAB>A.xml<TAB>B.xml lines
    compare.py --inserted-only [--batch LIST | IN.xml OUT.xml]

Prints nothing and exits 0 when equal; prints one line per difference (in batch
mode prefixed with "NAME: ") and exits 1 otherwise; exit 2 on usage errors.

Devices are matched by identity, never by element order:
  * a device with an <alias name=...> by its alias;
  * a device without one (an implicit device libvirt or pcifix added) by
    (element, kind, ordinal among equals), where the kind is type, index and
    (for USB, whose companions share an index) model for controllers, and the
    model or type for other devices.
Compared:
  * for every device that has a PCI address in either file: the address type,
    and domain/bus/slot/function/multifunction (numbers compared as numbers);
    the device must exist on both sides;
  * every <controller type='pci'> by index: model, <model name>, the <target>
    attributes chassisNr, chassis, port, busNr, index, hotplug, and the
    address; for an aliased PCI controller also its index.
  Values left out count as what libvirt fills in (unless --strict): a PCI
  controller without index has the lowest index no PCI controller uses (in
  document order); a missing <model name> is the model's default name; a
  missing chassisNr (pci-bridge) or chassis (root and downstream ports) is
  the index, a missing root port's port is slot*8+function of its address
  (a downstream port's: the slot).  So pcifix need not rewrite lines the
  user wrote, and check "complete" (libvirt given pcifix's output) still
  catches wrong guesses.  In both modes an unaliased device without a model
  counts as having libvirt's default model for the domain's architecture and
  machine (<os><type arch= machine=>) when it is matched: a USB controller
  (piix3-uhci on x86, armv7l and riscv64, qemu-xhci on aarch64 virt and ppc64
  pseries, none on s390x), a NIC (rtl8139 on x86 and pseries, virtio on virt and s390x), a
  video (cirrus on x86, vga on pseries, virtio on virt and s390x); and on
  pseries a pci-root's missing <model name> is spapr-pci-host-bridge.
--models also compares, for every controller and every device with a PCI
address, the model as written (a controller's model=, an interface's or
video's <model type>, other devices' model=): where B has one, A must have
the same (libvirt writes the defaults it fills in; a file frozen by pcifix
must hold them so that a later default cannot move anything).
Ignored: everything else (MACs, defaults libvirt fills in, element order,
devices without alias and without PCI address such as ps2 inputs and audio,
non-PCI addresses like drive/usb/virtio-serial).

--inserted-only checks instead that OUT is IN with lines inserted: every line
of IN appears in OUT, unchanged and in order (pcifix's byte-preservation
promise).
"""

import sys
import xml.etree.ElementTree as ET

TARGET_ATTRS = ('chassisNr', 'chassis', 'port', 'busNr', 'index', 'hotplug')


def strtoul(s):
    """libvirt parses numbers like C strtoul(s, 0): 0x.. hex, 0.. octal."""
    t = s.strip()
    if t.lower().startswith('0x'):
        return int(t[2:], 16)
    if len(t) > 1 and t.startswith('0'):
        return int(t[1:], 8)
    return int(t, 10)


def num(s):
    if s is None:
        return None
    try:
        return strtoul(s)
    except ValueError:
        return s            # keep the text: unequal to any number


def index_of(s):
    """Controller indexes are decimal in libvirt (unlike addresses/targets)."""
    if s is None:
        return None
    try:
        return int(s.strip(), 10)
    except ValueError:
        return s


def norm_addr(a):
    """Address element -> comparable tuple, or None."""
    if a is None:
        return None
    t = a.get('type')
    if t != 'pci':
        return (t,)
    return ('pci', num(a.get('domain', '0')), num(a.get('bus', '0')),
            num(a.get('slot', '0')), num(a.get('function', '0')),
            a.get('multifunction'))


def fmt_addr(t):
    if t is None:
        return 'no address'
    if t[0] != 'pci':
        return '%s address' % t[0]

    def h(v, w):
        return ('%0*x' % (w, v)) if isinstance(v, int) else repr(v)
    s = 'pci %s:%s:%s.%s' % (h(t[1], 4), h(t[2], 2), h(t[3], 2), h(t[4], 1))
    if t[5] is not None:
        s += ' multifunction=%s' % t[5]
    return s


# libvirt 9.0's default models, checked against its output: USB controller,
# NIC, video and SCSI controller (for reference) without a model, and the
# <model name> of a pci-root
X86_DEFAULTS = {'usb': 'piix3-uhci', 'nic': 'rtl8139', 'video': 'cirrus',
                'scsi': 'lsilogic', 'pci-root': None}
VIRT_DEFAULTS = {'usb': 'qemu-xhci', 'nic': 'virtio', 'video': 'virtio',
                 'scsi': 'lsilogic', 'pci-root': None}
TARGET_DEFAULTS = [  # (arch prefix, machine family or None for any, defaults)
    ('x86_64', None, X86_DEFAULTS),
    ('i686', None, X86_DEFAULTS),
    ('aarch64', 'virt', VIRT_DEFAULTS),
    ('armv7l', 'virt', dict(VIRT_DEFAULTS, usb='piix3-uhci')),
    ('riscv64', 'virt', dict(VIRT_DEFAULTS, usb='piix3-uhci')),
    ('ppc64', 'pseries', {'usb': 'qemu-xhci', 'nic': 'rtl8139', 'video': 'vga',
                          'scsi': 'ibmvscsi', 'pci-root': 'spapr-pci-host-bridge'}),
    ('s390x', None, {'usb': 'none', 'nic': 'virtio', 'video': 'virtio',
                     'scsi': 'virtio-scsi', 'pci-root': None}),
]


def target_defaults(root):
    """Default models for the domain's <os><type arch= machine=>; x86's when
    the target is not one of these (no machine: the arch's default one)."""
    t = root.find('os/type')
    arch = (t.get('arch') if t is not None else None) or 'x86_64'
    machine = (t.get('machine') if t is not None else None) or ''
    for a, m, defs in TARGET_DEFAULTS:
        if not arch.startswith(a):
            continue
        if m is None or machine == '' or machine == m or machine.startswith(m + '-'):
            return defs
    return X86_DEFAULTS


def kind_of(d, defs=X86_DEFAULTS):
    """What an unaliased device is, for the implicit-device key."""
    if d.tag == 'controller':
        typ = d.get('type')
        model = d.get('model')
        if typ == 'usb' and model is None:
            model = defs['usb']         # libvirt's default for this target
        return (typ, index_of(d.get('index')), model if typ == 'usb' else None)
    m = d.find('model')
    mt = m.get('type') if m is not None else None
    if mt is None and d.get('model') is None:
        if d.tag == 'interface':
            mt = defs['nic']
        elif d.tag == 'video':
            mt = defs['video']
    for v in (d.get('model'), mt, d.get('type'), d.get('bus')):
        if v:
            return (v,)
    return ()


def named(d):
    """What names a device for models mode: a disk's target dev (libvirt
    sorts disks); anything else keeps its place among its kind."""
    if d.tag == 'disk' and d.find('target') is not None:
        return ('dev', d.find('target').get('dev'))
    return ()


class Dev:
    __slots__ = ('key', 'tag', 'desc', 'addr', 'pcictl', 'index', 'model')

    def __init__(self, key, tag, desc, addr, pcictl, index, model=None):
        self.key, self.tag, self.desc, self.addr = key, tag, desc, addr
        self.pcictl, self.index, self.model = pcictl, index, model


def written_model(d):
    """The model as the element writes it, or None."""
    if d.tag in ('interface', 'video'):
        m = d.find('model')
        return m.get('type') if m is not None else None
    return d.get('model')


# <model name> libvirt writes for each PCI controller model (none for roots)
MODEL_NAME = {
    'pci-bridge': 'pci-bridge',
    'pcie-root-port': 'pcie-root-port',
    'pcie-to-pci-bridge': 'pcie-pci-bridge',
    'dmi-to-pci-bridge': 'i82801b11-bridge',
    'pcie-switch-upstream-port': 'x3130-upstream',
    'pcie-switch-downstream-port': 'xio3130-downstream',
    'pci-expander-bus': 'pxb',
    'pcie-expander-bus': 'pxb-pcie',
}


def fill_defaults(info, idx, addr, defs=X86_DEFAULTS):
    """Semantic mode: a value left out means what libvirt fills in for it
    (spec 5.4), so pcifix need not rewrite lines the user wrote."""
    m = info['model']
    if info['model name'] is None:
        info['model name'] = defs['pci-root'] if m == 'pci-root' else MODEL_NAME.get(m)
    if m == 'pci-bridge' and info['target chassisNr'] is None:
        info['target chassisNr'] = idx
    if m in ('pcie-root-port', 'pcie-switch-downstream-port'):
        if info['target chassis'] is None:
            info['target chassis'] = idx
        if info['target port'] is None and addr is not None and addr[0] == 'pci' \
                and isinstance(addr[3], int) and isinstance(addr[4], int):
            info['target port'] = addr[3] * 8 + addr[4] if m == 'pcie-root-port' else addr[3]


def effective_pci_indexes(devices):
    """libvirt gives a <controller type='pci'> without index the lowest index
    no PCI controller uses, in document order, counting explicit indexes that
    come later too.  -> {id(element): index}"""
    ctls = [d for d in devices if d.tag == 'controller' and d.get('type') == 'pci']
    used = set()
    for d in ctls:
        if d.get('index') is not None:
            used.add(index_of(d.get('index')))
    eff = {}
    for d in ctls:
        if d.get('index') is not None:
            eff[id(d)] = index_of(d.get('index'))
        else:
            i = 0
            while i in used:
                i += 1
            used.add(i)
            eff[id(d)] = i
    return eff


def load(path, strict=False, models=False):
    """-> (devices by key, pci controllers by index, problems)

    models: an unaliased device other than a controller is keyed by what
    names it (a disk's target dev) or else by its element
    and ordinal, so that a model or type libvirt fills in does not make it
    another device (the model is compared by itself); libvirt's reordering
    (disks by bus and target, the primary video first) then does not matter.
    A NIC model is compared case-insensitively, as libvirt reads it."""
    root = ET.parse(path).getroot()
    defs = target_defaults(root)
    devs = {}
    pcictl = {}
    problems = []
    seen_implicit = {}
    devices = root.find('devices')
    devices = [d for d in devices] if devices is not None else []
    # libvirt's first <console> of serial type is <serial> 0 again (its
    # address, even its alias, are the serial's): compared as that serial
    if any(d.tag == 'serial' for d in devices):
        cons = [d for d in devices if d.tag == 'console'][:1]
        if cons and (cons[0].find('target') is None or
                     cons[0].find('target').get('type') in (None, 'serial')):
            devices = [d for d in devices if d is not cons[0]]
    if models:
        # libvirt lists the video marked primary first
        prim = [d for d in devices if d.tag == 'video' and d.find('model') is not None and
                d.find('model').get('primary') == 'yes'][:1]
        if prim:
            devices = prim + [d for d in devices if d is not prim[0]]
    eff = {} if strict else effective_pci_indexes(devices)
    for d in devices:
        if not isinstance(d.tag, str) or d.tag == 'emulator':
            continue
        al = d.find('alias')
        name = al.get('name') if al is not None else None
        is_pcictl = d.tag == 'controller' and d.get('type') == 'pci'
        if name:
            # a serial console is written twice, as <serial> and <console>,
            # with the same alias: the <console> copy is dropped below
            key = ('alias', name) if d.tag != 'console' else ('alias', name, 'console')
            desc = '%s %s' % (d.tag, name)
        else:
            kind = kind_of(d, defs) if d.tag == 'controller' or not models else \
                named(d)
            if id(d) in eff:
                kind = (kind[0], eff[id(d)]) + kind[2:]
            k = (d.tag,) + kind
            n = seen_implicit.get(k, 0)
            seen_implicit[k] = n + 1
            key = ('implicit',) + k + (n,)
            desc = '%s[%s]' % (d.tag, ' '.join(str(x) for x in kind if x is not None))
            if n:
                desc += '#%d' % n
        if key in devs:
            problems.append('duplicate device key %s' % desc)
            key = key + ('dup', len(devs))
        dev = Dev(key, d.tag, desc, norm_addr(d.find('address')), is_pcictl,
                  eff.get(id(d), index_of(d.get('index'))) if is_pcictl else None,
                  written_model(d))
        devs[key] = dev
        if is_pcictl:
            mn = d.find('model')
            tg = d.find('target')
            info = {
                'model': d.get('model'),
                'model name': mn.get('name') if mn is not None else None,
                'address': fmt_addr(dev.addr),
            }
            for a in TARGET_ATTRS:
                v = tg.get(a) if tg is not None else None
                info['target ' + a] = v if a == 'hotplug' else num(v)
            idx = dev.index
            if not strict:
                fill_defaults(info, idx, dev.addr, defs)
            if idx in pcictl:
                problems.append('two pci controllers with index %s' % idx)
            pcictl[idx] = info
    # libvirt writes serial[0] again as <console> (same alias and address)
    for key in [k for k in devs if k[0] == 'alias' and len(k) == 3]:
        ser = devs.get(key[:2])
        if ser is not None and ser.tag == 'serial':
            del devs[key]
    return devs, pcictl, problems


def compare(pa, pb, la='A', lb='B', strict=False, models=False):
    """List of difference lines between files pa and pb."""
    out = []
    try:
        da, ca, xa = load(pa, strict, models)
    except (ET.ParseError, OSError) as e:
        return ['cannot read %s (%s): %s' % (la, pa, e)]
    try:
        db, cb, xb = load(pb, strict, models)
    except (ET.ParseError, OSError) as e:
        return ['cannot read %s (%s): %s' % (lb, pb, e)]
    out += ['%s: %s' % (la, p) for p in xa] + ['%s: %s' % (lb, p) for p in xb]

    def has_pci(d):
        return d is not None and d.addr is not None and d.addr[0] == 'pci'

    def natural(k):
        return tuple((0, int(x[3:]), '') if isinstance(x, str) and x.startswith('ua-') and x[3:].isdigit()
                     else (1, 0, str(x)) for x in k)

    keys = sorted(set(da) | set(db), key=natural)
    for k in keys:
        a, b = da.get(k), db.get(k)
        if models and a is not None and b is not None and b.model is not None and \
                a.model != b.model and (a.tag == 'controller' or has_pci(a) or has_pci(b)) and \
                not (a.tag == 'interface' and (a.model or '').lower() == b.model.lower()):
            out.append('%s: model %s in %s, %s in %s' % (a.desc, a.model or '(none)', la,
                                                          b.model, lb))
        if (a or b).pcictl:
            if k[0] != 'alias':
                continue        # unaliased PCI controllers: by index below
        elif not (has_pci(a) or has_pci(b)):
            continue
        desc = (a or b).desc
        if a is None:
            out.append('%s: only in %s (%s)' % (desc, lb, fmt_addr(b.addr)))
            continue
        if b is None:
            out.append('%s: only in %s (%s)' % (desc, la, fmt_addr(a.addr)))
            continue
        if a.tag != b.tag:
            out.append('%s: element %s in %s, %s in %s' % (desc, a.tag, la, b.tag, lb))
            continue
        if a.pcictl and b.pcictl:
            if k[0] == 'alias' and a.index != b.index:
                out.append('%s: index %s in %s, %s in %s' % (desc, a.index, la, b.index, lb))
            continue            # the rest is compared by index below
        if a.addr != b.addr:
            out.append('%s: %s in %s, %s in %s' % (desc, fmt_addr(a.addr), la, fmt_addr(b.addr), lb))

    for idx in sorted(set(ca) | set(cb), key=lambda i: (0, i, '') if isinstance(i, int) else (1, 0, str(i))):
        a, b = ca.get(idx), cb.get(idx)
        if a is None:
            out.append('pci controller %s (%s): only in %s' % (idx, b['model'], lb))
            continue
        if b is None:
            out.append('pci controller %s (%s): only in %s' % (idx, a['model'], la))
            continue
        for f in a:
            if a[f] != b[f]:
                out.append('pci controller %s: %s %s in %s, %s in %s' % (
                    idx, f, a[f], la, b[f], lb))
    return out


def inserted_only(pin, pout):
    """[] if every line of pin appears unchanged and in order in pout."""
    try:
        with open(pin, 'rb') as f:
            lin = f.read().split(b'\n')
        with open(pout, 'rb') as f:
            lout = f.read().split(b'\n')
    except OSError as e:
        return ['cannot read: %s' % e]
    j = 0
    for i, line in enumerate(lin):
        while j < len(lout) and lout[j] != line:
            j += 1
        if j == len(lout):
            return ['input line %d changed or missing in output: %r' % (i + 1, line[:80])]
        j += 1
    return []


def main(argv):
    labels = ('A', 'B')
    batch = None
    ins = False
    strict = False
    models = False
    args = []
    it = iter(argv)
    for a in it:
        if a == '--labels':
            labels = tuple(next(it, 'A,B').split(',', 1))
        elif a.startswith('--labels='):
            labels = tuple(a.split('=', 1)[1].split(',', 1))
        elif a == '--batch':
            batch = next(it, None)
        elif a == '--inserted-only':
            ins = True
        elif a == '--strict':
            strict = True
        elif a == '--models':
            models = True
        elif a in ('-h', '--help'):
            print(__doc__)
            return 0
        else:
            args.append(a)
    if len(labels) != 2:
        labels = ('A', 'B')

    def one(pa, pb):
        return inserted_only(pa, pb) if ins else compare(pa, pb, labels[0], labels[1], strict,
                                                         models)

    if batch is not None:
        if args:
            print('compare.py: --batch takes no file arguments', file=sys.stderr)
            return 2
        bad = 0
        with open(batch) as f:
            for line in f:
                line = line.rstrip('\n')
                if not line:
                    continue
                name, pa, pb = line.split('\t')
                diffs = one(pa, pb)
                if diffs:
                    bad += 1
                    for x in diffs:
                        print('%s: %s' % (name, x))
        return 1 if bad else 0
    if len(args) != 2:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    diffs = one(args[0], args[1])
    for x in diffs:
        print(x)
    return 1 if diffs else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
