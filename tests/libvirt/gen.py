#!/usr/bin/env python3
"""gen.py: seeded random libvirt domain XMLs for the differential test.

    gen.py --seed S -n N --out DIR [--lv-assign PATH] [--legacy-fraction F]
           [--arch x86_64|aarch64|riscv64|ppc64|s390x] [--emulator PATH]

Writes DIR/NAME.xml and DIR/MANIFEST.tsv (name, flavour, machine, devices).
Every domain is <domain type='qemu'> with a fixed uuid and fixed MACs, and
every device the generator writes carries a unique user alias
<alias name='ua-N'/>, so that devices can be matched across outputs by
identity.

Architectures (--arch, default x86_64; the emulator is /usr/bin/qemu-system-ARCH):
  x86_64   f-NNNNN, l-NNNNN: machine pc / pc-i440fx-7.2 / q35 / pc-q35-7.2.
           The same seed and arguments give byte for byte the files they
           gave before the other architectures were added.
  aarch64  aarch64-f-NNNNN ...: machine virt / virt-7.2 / virt-6.2 (no ACPI,
           no firmware needed to define).
  riscv64  riscv64-f-NNNNN ...: machine virt.
           On virt: virtio devices, conventional PCI ones (e1000, rtl8139,
           ich6..., lsilogic, transitional virtio) that need a
           pcie-to-pci-bridge, pcie-root-ports and pcie-to-pci-bridges the user
           writes, PCI hostdevs, USB controllers (none, qemu-xhci, no model,
           ...), <graphics> without <video>, consoles/channels, sometimes
           user addresses on pcie-root and user root ports, and in 8% of the
           domains one virtio device with <address type='virtio-mmio'/>.
  ppc64    ppc64-f-NNNNN ...: machine pseries / pseries-7.2 / pseries-6.2:
           extra pci-root PHBs (with and without <target index>, sometimes
           with <model name>, index gaps), spapr-vlan NICs and ibmvscsi
           (VIO bus), rtl8139 and virtio NICs, user addresses on PHB 0..N,
           domains with more devices than a PHB holds, PCI hostdevs (source
           buses 0x80-0xfe, so that no host has them: libvirt's IOMMU group
           lookup for pseries isolation fails the same way everywhere).
  s390x    s390x-f-NNNNN ...: s390-ccw-virtio, virtio devices only (ccw).

Flavours:
  fresh   f-NNNNN.xml  no addresses at all (on virt and pseries some have
                       user addresses, and virt ones virtio-mmio, see above).
  legacy  l-NNNNN.xml  a fresh domain is run through libvirt (--lv-assign,
                       batch mode); its addresses are copied back into the
                       input by alias (often with the controllers and implicit
                       devices libvirt added, as a saved config would have them),
                       the addresses of a random subset are dropped again, and
                       new devices without addresses are added: the migration
                       use case.  Without --lv-assign only fresh domains are made.

The same seed always gives the same files (for the same libvirt, for legacy).
Each architecture draws from its own random streams.  Only the standard
library is used.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

EMULATOR = '/usr/bin/qemu-system-x86_64'

# ---------------------------------------------------------------------------
# A tiny element model: (tag, [(attr, value)], [children]) or (tag, attrs, text)


class E:
    __slots__ = ('tag', 'attrs', 'kids', 'text')

    def __init__(self, tag, attrs=(), kids=(), text=None):
        self.tag = tag
        self.attrs = list(attrs)
        self.kids = list(kids)
        self.text = text

    def get(self, k):
        for a, v in self.attrs:
            if a == k:
                return v
        return None

    def set(self, k, v):
        for i, (a, _) in enumerate(self.attrs):
            if a == k:
                self.attrs[i] = (k, v)
                return
        self.attrs.append((k, v))

    def find(self, tag):
        for k in self.kids:
            if k.tag == tag:
                return k
        return None

    def remove(self, tag):
        self.kids = [k for k in self.kids if k.tag != tag]


def esc(s):
    return (s.replace('&', '&amp;').replace('<', '&lt;')
            .replace('>', '&gt;').replace("'", '&apos;'))


def render(e, ind, step, out, q="'"):
    """Append lines for e; step '' means everything on one line."""
    a = ''.join(' %s=%s%s%s' % (k, q, esc(v), q) for k, v in e.attrs)
    if e.text is not None:
        out.append('%s<%s%s>%s</%s>' % (ind, e.tag, a, esc(e.text), e.tag))
    elif not e.kids:
        out.append('%s<%s%s/>' % (ind, e.tag, a))
    elif not step:
        inner = []
        for k in e.kids:
            render(k, '', '', inner, q)
        out.append('%s<%s%s>%s</%s>' % (ind, e.tag, a, ''.join(inner), e.tag))
    else:
        out.append('%s<%s%s>' % (ind, e.tag, a))
        for k in e.kids:
            render(k, ind + step, step, out, q)
        out.append('%s</%s>' % (ind, e.tag))


def from_et(x):
    """ElementTree element -> E (whitespace-only text dropped)."""
    t = x.text.strip() if x.text and x.text.strip() else None
    return E(x.tag, x.attrib.items(), [from_et(c) for c in x], t if len(x) == 0 else None)


# ---------------------------------------------------------------------------
# Per-domain generator state


def disk_name(prefix, n):
    # vda..vdz, vdaa..vdaz, ... like libvirt's virDiskNameToIndex inverse
    s = ''
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(ord('a') + r) + s
    return prefix + s


class Dom:
    def __init__(self, rnd, name, uuid, q35, machine, arch='x86_64'):
        self.r = rnd
        self.arch = arch
        self.name = name
        self.uuid = uuid
        self.q35 = q35
        self.machine = machine
        self.devs = []          # E elements, in document order
        self.alias_n = 0
        self.mac_n = 0
        self.vd = 0
        self.sd = 0
        self.hd = 0
        self.fs = 0
        self.shm = 0
        self.chan = 0
        self.hostsrc = set()
        self.count = {}         # kind -> how many
        self.usb_none = False
        self.pci_index_max = 0  # highest explicit pci controller index written
        self.need_root = False  # index-less pci controllers need index 0 written
        self.root_written = False
        self.compact = False
        self.quote = "'"
        # other architectures (see "Other architectures" below)
        self.pool = DEVICE_POOL
        self.add_pci_ctrl = add_pci_ctrl
        self.usb_model = Ellipsis   # Ellipsis: no USB controller written
        self.phbs = []              # pseries: indexes of user-written PHBs

    def alias(self):
        self.alias_n += 1
        return 'ua-%d' % self.alias_n

    def add(self, e, kind):
        e.kids.append(E('alias', [('name', self.alias())]))
        self.devs.append(e)
        self.count[kind] = self.count.get(kind, 0) + 1
        return e

    def mac(self):
        self.mac_n += 1
        return '52:54:00:%02x:%02x:%02x' % (
            (self.mac_n >> 16) & 0xff, (self.mac_n >> 8) & 0xff, self.mac_n & 0xff)

    def xml(self):
        step = '' if self.compact else '  '
        out = ["<domain type='qemu'>",
               '  <name>%s</name>' % self.name,
               '  <uuid>%s</uuid>' % self.uuid,
               "  <memory unit='MiB'>512</memory>",
               '  <os>',
               "    <type arch='%s' machine='%s'>hvm</type>" % (self.arch, self.machine),
               '  </os>']
        if self.arch == 'x86_64':
            # ACPI on aarch64 needs UEFI; pseries and riscv64 have none of these
            out += ['  <features>',
                    '    <acpi/>',
                    '    <apic/>',
                    '  </features>']
        out += ['  <devices>',
                '    <emulator>%s</emulator>' % EMULATOR]
        for d in self.devs:
            render(d, '    ', step, out, self.quote)
        out += ['  </devices>', '</domain>', '']
        return '\n'.join(out)


# ---- device makers --------------------------------------------------------
# Each returns an E (without alias) or None when it does not fit this domain.

def mk_virtio_disk(d, model=None):
    r = d.r
    attrs = [('type', 'file'), ('device', 'disk')]
    if model is None and r.random() < 0.12:
        model = r.choice(['virtio-transitional', 'virtio-non-transitional'])
    if model:
        attrs.append(('model', model))
    n = d.vd
    d.vd += 1
    return E('disk', attrs, [
        E('driver', [('name', 'qemu'), ('type', 'raw')]),
        E('source', [('file', '/var/lib/images/%s-vd%d.img' % (d.name, n))]),
        E('target', [('dev', disk_name('vd', n)), ('bus', 'virtio')])])


def mk_bus_disk(d, bus):
    r = d.r
    if bus == 'ide':
        if d.q35 or d.hd >= 4:
            return None
        dev = disk_name('hd', d.hd)
        d.hd += 1
    else:
        dev = disk_name('sd', d.sd)
        d.sd += 1
    cdrom = r.random() < 0.25
    kids = [E('driver', [('name', 'qemu'), ('type', 'raw')]),
            E('source', [('file', '/var/lib/images/%s-%s.%s' % (d.name, dev, 'iso' if cdrom else 'img'))]),
            E('target', [('dev', dev), ('bus', bus)])]
    if cdrom:
        kids.append(E('readonly'))
    return E('disk', [('type', 'file'), ('device', 'cdrom' if cdrom else 'disk')], kids)


def mk_iface(d, model=Ellipsis):
    r = d.r
    t = r.choice(['user', 'user', 'network', 'bridge'])
    kids = [E('mac', [('address', d.mac())])]
    if t == 'network':
        kids.insert(0, E('source', [('network', 'default')]))
    elif t == 'bridge':
        kids.insert(0, E('source', [('bridge', 'br0')]))
    if model is Ellipsis:
        model = r.choice(['virtio'] * 6 + ['e1000', 'e1000e', 'e1000e', 'rtl8139',
                                           None, None, 'virtio-transitional',
                                           'virtio-non-transitional'])
    if model:
        kids.append(E('model', [('type', model)]))
    return E('interface', [('type', t)], kids)


def mk_sound(d):
    return E('sound', [('model', d.r.choice(['ich6', 'ich9', 'ac97', 'es1370']))])


def mk_rng(d):
    m = 'virtio' if d.r.random() < 0.85 else d.r.choice(['virtio-transitional', 'virtio-non-transitional'])
    return E('rng', [('model', m)], [E('backend', [('model', 'random')], text='/dev/urandom')])


def mk_watchdog(d):
    if d.count.get('watchdog'):
        return None
    return E('watchdog', [('model', 'i6300esb'), ('action', 'reset')])


def mk_input(d):
    r = d.r
    bus = r.choice(['virtio', 'virtio', 'virtio', 'usb', 'ps2'])
    if bus == 'usb' and d.usb_none:
        bus = 'virtio'
    if bus == 'ps2':
        return E('input', [('type', r.choice(['mouse', 'keyboard'])), ('bus', 'ps2')])
    return E('input', [('type', r.choice(['tablet', 'keyboard', 'mouse'])), ('bus', bus)])


def mk_scsi_ctrl(d):
    m = d.r.choice(['virtio-scsi', 'virtio-scsi', 'lsilogic', None])
    attrs = [('type', 'scsi')]
    if m:
        attrs.append(('model', m))
    return E('controller', attrs)


def mk_vserial_ctrl(d):
    if d.count.get('vserial', 0) >= 2:
        return None
    return E('controller', [('type', 'virtio-serial')])


def mk_console(d):
    return E('console', [('type', 'pty')], [E('target', [('type', 'virtio')])])


def mk_channel(d):
    d.chan += 1
    return E('channel', [('type', 'unix')],
             [E('target', [('type', 'virtio'), ('name', 'org.example.ch%d' % d.chan)])])


def mk_hostdev(d):
    r = d.r
    while True:
        a = (r.randrange(1, 0x40), r.randrange(0, 0x20), r.choice([0, 0, 0, 1]))
        if a not in d.hostsrc:
            break
    d.hostsrc.add(a)
    src = E('address', [('domain', '0x0000'), ('bus', '0x%02x' % a[0]),
                        ('slot', '0x%02x' % a[1]), ('function', '0x%x' % a[2])])
    return E('hostdev', [('mode', 'subsystem'), ('type', 'pci'), ('managed', 'yes')],
             [E('source', [], [src])])


def mk_fs(d):
    d.fs += 1
    attrs = [('type', 'mount'), ('accessmode', 'mapped')]
    if d.r.random() < 0.15:
        attrs.append(('model', d.r.choice(['virtio-transitional', 'virtio-non-transitional'])))
    return E('filesystem', attrs, [E('source', [('dir', '/srv/share%d' % d.fs)]),
                                   E('target', [('dir', 'share%d' % d.fs)])])


def mk_vsock(d):
    if d.count.get('vsock'):
        return None
    return E('vsock', [('model', 'virtio')], [E('cid', [('auto', 'no'), ('address', '3')])])


def mk_shmem(d):
    d.shm += 1
    return E('shmem', [('name', 'shm%d' % d.shm)],
             [E('model', [('type', 'ivshmem-plain')]), E('size', [('unit', 'M')], text='4')])


def mk_iommu(d):
    if not d.q35 or d.count.get('iommu'):
        return None
    return E('iommu', [('model', 'virtio')])


def mk_pci_serial(d):
    return E('serial', [('type', 'pty')],
             [E('target', [('type', 'pci-serial')], [E('model', [('name', 'pci-serial')])])])


def mk_pci_ctrl(d, model=None, with_index=None):
    """A user-written PCI controller; index explicit (maybe leaving a gap) or absent.

    Tuned so that libvirt accepts most of them: on q35 a pci-bridge comes only
    after a bridge it can sit on and then gets a higher explicit index, and a
    pcie-to-pci-bridge usually brings a root port for itself (the caller adds
    it).  A few unlikely combinations are still made on purpose.
    """
    r = d.r
    if model is None:
        if d.q35:
            model = r.choice(['pcie-root-port'] * 5 + ['pcie-to-pci-bridge', 'dmi-to-pci-bridge', 'pci-bridge'])
            if model == 'pci-bridge' and not d.count.get('pcibus') and r.random() < 0.9:
                model = 'pcie-root-port'
        else:
            model = 'pci-bridge'
    if model == 'dmi-to-pci-bridge' and d.count.get('dmi'):
        return None
    attrs = [('type', 'pci')]
    if with_index is None:
        with_index = r.random() < 0.7
        if d.q35 and model == 'pci-bridge' and r.random() < 0.9:
            with_index = True
    if with_index:
        gap = r.choice([0, 0, 0, 1, 2])
        d.pci_index_max += 1 + gap
        attrs.append(('index', str(d.pci_index_max)))
    else:
        d.need_root = True
    attrs.append(('model', model))
    kids = []
    if model == 'pcie-root-port' and r.random() < 0.15:
        kids.append(E('target', [('hotplug', 'off')]))
    if model == 'dmi-to-pci-bridge':
        d.count['dmi'] = 1
    if model == 'pcie-to-pci-bridge':   # dmi-to-pci-bridge: no auto-assign
        d.count['pcibus'] = d.count.get('pcibus', 0) + 1
    return E('controller', attrs, kids)


def add_pci_ctrl(d, **kw):
    e = mk_pci_ctrl(d, **kw)
    if e is None:
        return
    d.add(e, 'pcictl')
    if e.get('model') == 'pcie-to-pci-bridge' and d.r.random() < 0.85:
        d.add(mk_pci_ctrl(d, 'pcie-root-port', with_index=e.get('index') is not None), 'pcictl')


def shuffle_devices(d):
    """Shuffle the device list, but keep videos (the first is the primary) and
    USB controllers (index-less companions join the controller before them)
    in their relative order."""
    r = d.r
    r.shuffle(d.devs)
    for pred in (lambda e: e.tag == 'video',
                 lambda e: e.tag == 'controller' and e.get('type') == 'usb'):
        pos = [i for i, e in enumerate(d.devs) if pred(e)]
        els = sorted((d.devs[i] for i in pos), key=lambda e: int(e.find('alias').get('name')[3:]))
        for i, e in zip(pos, els):
            d.devs[i] = e


def mk_memballoon(d, model):
    return E('memballoon', [('model', model)])


DEVICE_POOL = [  # (kind, weight, maker)
    ('vdisk', 14, mk_virtio_disk),
    ('sata', 4, lambda d: mk_bus_disk(d, 'sata')),
    ('scsi', 4, lambda d: mk_bus_disk(d, 'scsi')),
    ('ide', 2, lambda d: mk_bus_disk(d, 'ide')),
    ('iface', 14, mk_iface),
    ('sound', 3, mk_sound),
    ('rng', 3, mk_rng),
    ('watchdog', 2, mk_watchdog),
    ('input', 4, mk_input),
    ('scsictl', 3, mk_scsi_ctrl),
    ('vserial', 2, mk_vserial_ctrl),
    ('console', 2, mk_console),
    ('channel', 3, mk_channel),
    ('pcictl', 4, None),
    ('hostdev', 4, mk_hostdev),
    ('fs', 3, mk_fs),
    ('vsock', 1, mk_vsock),
    ('shmem', 2, mk_shmem),
    ('iommu', 1, mk_iommu),
    ('pciserial', 2, mk_pci_serial),
]


def add_random_devices(d, k):
    kinds = [p for p in d.pool]
    weights = [p[1] for p in kinds]
    added = 0
    tries = 0
    while added < k and tries < 4 * k + 10:
        tries += 1
        kind, _, maker = d.r.choices(kinds, weights)[0]
        if kind == 'pcictl':
            d.add_pci_ctrl(d)
            added += 1
            continue
        e = maker(d)
        if e is None:
            continue
        d.add(e, kind)
        added += 1


def add_usb(d):
    r = d.r
    x = r.random()

    def ctl(model, index=None, kids=()):
        attrs = [('type', 'usb')]
        if index is not None:
            attrs.append(('index', str(index)))
        if model:
            attrs.append(('model', model))
        return d.add(E('controller', attrs, list(kids)), 'usb')

    def ehci_set(index, full=True):
        idx = index if r.random() < 0.7 else None
        ctl('ich9-ehci1', idx)
        comps = [('ich9-uhci1', 0), ('ich9-uhci2', 2), ('ich9-uhci3', 4)]
        if not full:
            comps = comps[:1]
        for m, sp in comps:
            ctl(m, idx, [E('master', [('startport', str(sp))])])

    if x < 0.25:
        return                          # libvirt adds its default
    if x < 0.35:
        ctl('none', 0 if r.random() < 0.5 else None)
        d.usb_none = True
    elif x < 0.50:
        ctl('piix3-uhci', 0 if r.random() < 0.7 else None)
    elif x < 0.65:
        ctl('qemu-xhci', 0 if r.random() < 0.7 else None)
    elif x < 0.73:
        ctl('nec-xhci', 0 if r.random() < 0.7 else None)
    elif x < 0.83:
        ehci_set(0, r.random() < 0.8)
    elif x < 0.90:
        ctl(None, 0 if r.random() < 0.5 else None)
    else:
        # several
        ms = ['qemu-xhci', 'nec-xhci', 'piix3-uhci', 'ehci', None]
        ctl(r.choice(ms), 0)
        if r.random() < 0.3:
            ehci_set(1)
        else:
            ctl(r.choice(ms), 1)
            if r.random() < 0.3:
                ctl(r.choice(ms), 2)


def add_video(d):
    r = d.r
    x = r.random()
    allv = ['vga', 'cirrus', 'qxl', 'virtio', 'bochs']
    sec = ['qxl', 'virtio']

    def vid(t, primary=False):
        m = E('model', [('type', t)] + ([('primary', 'yes')] if primary else []))
        return d.add(E('video', [], [m]), 'video')

    if x < 0.2:
        return
    if x < 0.28:
        vid('none')
    elif x < 0.8:
        vid(r.choice(allv))
    else:
        if r.random() < 0.3:
            # the second one is the primary: the first must work as secondary
            vid(r.choice(sec))
            vid(r.choice(allv), primary=True)
        else:
            vid(r.choice(allv))
            vid(r.choice(sec))
            if r.random() < 0.15:
                vid(r.choice(sec))


def add_balloon(d):
    x = d.r.random()
    if x < 0.4:
        return
    if x < 0.82:
        d.add(mk_memballoon(d, 'virtio'), 'balloon')
    elif x < 0.85:
        d.add(mk_memballoon(d, d.r.choice(['virtio-transitional', 'virtio-non-transitional'])), 'balloon')
    else:
        d.add(mk_memballoon(d, 'none'), 'balloon')


def add_user_pci_controllers(d):
    r = d.r
    if r.random() >= 0.3:
        return
    if d.q35:
        for _ in range(r.randint(1, 6)):
            add_pci_ctrl(d)
    else:
        for _ in range(r.randint(1, 3)):
            add_pci_ctrl(d, model='pci-bridge')


def ensure_root(d):
    """Index-less PCI controllers would take index 0: write the root explicitly."""
    has_root = any(e.tag == 'controller' and e.get('type') == 'pci' and e.get('index') == '0'
                   for e in d.devs)
    if (d.need_root or d.r.random() < 0.05) and not has_root:
        root = E('controller', [('type', 'pci'), ('index', '0'),
                                ('model', 'pcie-root' if d.q35 else 'pci-root')])
        d.add(root, 'pciroot')
        # anywhere in the list: libvirt sorts controllers by index
        d.devs.insert(d.r.randrange(len(d.devs)), d.devs.pop())


def new_domain(seed, i, name):
    r = random.Random('%s:%d:%s' % (seed, i, name))
    q35 = r.random() < 0.5
    if q35:
        machine = r.choice(['q35', 'q35', 'q35', 'pc-q35-7.2'])
    else:
        machine = r.choice(['pc', 'pc', 'pc', 'pc-i440fx-7.2'])
    uuid = '%08x-%04x-4%03x-8%03x-%012x' % (r.getrandbits(32), r.getrandbits(16),
                                            r.getrandbits(12), r.getrandbits(12), i)
    d = Dom(r, name, uuid, q35, machine)
    d.compact = r.random() < 0.2
    d.quote = "'" if r.random() < 0.85 else '"'
    big = r.random() < 0.03
    add_usb(d)
    add_video(d)
    add_user_pci_controllers(d)
    if big and not q35:
        for _ in range(r.randint(100, 290)):
            d.add(mk_virtio_disk(d, model=None if r.random() < 0.5 else 'virtio'), 'vdisk')
        add_random_devices(d, r.randint(0, 5))
    elif big:
        for _ in range(r.randint(100, 200)):
            d.add(mk_iface(d, model=r.choice(['virtio', 'virtio', 'e1000e'])), 'iface')
        add_random_devices(d, r.randint(0, 5))
    else:
        k = int(r.triangular(0, 40, 6))
        add_random_devices(d, k)
    add_balloon(d)
    # shuffle a little: a user's device order is not libvirt's
    if r.random() < 0.3:
        shuffle_devices(d)
    ensure_root(d)
    d.big = big
    return d


# ---------------------------------------------------------------------------
# Other architectures: aarch64 and riscv64 'virt', ppc64 'pseries'
#
# Their own device mix (what libvirt 9.0 accepts there), drawn from their own
# random streams (the domain names carry the architecture), so the x86 output
# above stays what it was.

ARCHES = {
    # arch: (emulator, name prefix, machines to pick from)
    'x86_64': ('/usr/bin/qemu-system-x86_64', '', None),
    'aarch64': ('/usr/bin/qemu-system-aarch64', 'aarch64-',
                ['virt', 'virt', 'virt', 'virt-7.2', 'virt-6.2']),
    'riscv64': ('/usr/bin/qemu-system-riscv64', 'riscv64-', ['virt']),
    'ppc64': ('/usr/bin/qemu-system-ppc64', 'ppc64-',
              ['pseries', 'pseries', 'pseries', 'pseries-7.2', 'pseries-6.2']),
    # 32-bit PowerPC boards: a plain pci-root, conventional PCI
    'ppc': ('/usr/bin/qemu-system-ppc', 'ppc-', ['g3beige', 'mac99', 'ppce500']),
    # s390x: virtio devices only, which get ccw addresses (pcifix must leave
    # these domains alone)
    's390x': ('/usr/bin/qemu-system-s390x', 's390x-',
              ['s390-ccw-virtio', 's390-ccw-virtio', 's390-ccw-virtio-7.2']),
}


def is_pseries(d):
    return d.arch.startswith('ppc64')


def usb_usable(d):
    """Can a USB device be added?  virt has no default USB controller; pseries
    adds qemu-xhci unless the user wrote one (model='none' disables USB)."""
    if d.usb_model is Ellipsis:
        return is_pseries(d)
    return d.usb_model != 'none'


def mk_hostdev_other(d):
    # source buses 0x80-0xfe: far from real host devices, so that libvirt's
    # IOMMU group lookup (pseries isolation groups) finds nothing on any host
    r = d.r
    while True:
        a = (r.randrange(0x80, 0xff), r.randrange(0, 0x20), r.choice([0, 0, 0, 1]))
        if a not in d.hostsrc:
            break
    d.hostsrc.add(a)
    src = E('address', [('domain', '0x0000'), ('bus', '0x%02x' % a[0]),
                        ('slot', '0x%02x' % a[1]), ('function', '0x%x' % a[2])])
    return E('hostdev', [('mode', 'subsystem'), ('type', 'pci'), ('managed', 'yes')],
             [E('source', [], [src])])


def mk_iface_other(d):
    if is_pseries(d):
        ms = [None] * 3 + ['virtio'] * 5 + ['spapr-vlan'] * 3 + [
            'rtl8139', 'e1000', 'virtio-transitional', 'virtio-non-transitional']
    else:
        ms = ['virtio'] * 6 + [None] * 2 + ['e1000', 'rtl8139', 'e1000e',
                                            'virtio-transitional', 'virtio-non-transitional']
    return mk_iface(d, model=d.r.choice(ms))


def mk_input_other(d):
    r = d.r
    bus = r.choice(['virtio', 'virtio', 'virtio', 'usb'])
    if bus == 'usb' and not usb_usable(d):
        bus = 'virtio'
    return E('input', [('type', r.choice(['tablet', 'keyboard', 'mouse'])), ('bus', bus)])


def mk_scsi_ctrl_other(d):
    if is_pseries(d):
        ms = ['virtio-scsi', 'virtio-scsi', 'ibmvscsi', None, 'lsilogic']
    else:
        ms = ['virtio-scsi', 'virtio-scsi', 'lsilogic', None]
    m = d.r.choice(ms)
    attrs = [('type', 'scsi')]
    if m:
        attrs.append(('model', m))
    return E('controller', attrs)


def mk_console_other(d):
    # a plain console is a serial one (pl011, 16550a or spapr-vty): not PCI.
    # Only the first console may be one: then it stays the only console.
    if d.count.get('serialconsole'):
        return None
    if not d.count.get('console') and d.r.random() < 0.3:
        d.count['serialconsole'] = 1
        return E('console', [('type', 'pty')])
    return mk_console(d)


def mk_bus_disk_other(d, bus):
    if bus == 'scsi' or d.r.random() < 0.5:
        return mk_bus_disk(d, bus)
    return None


def mk_pci_ctrl_virt(d, model=None, with_index=None):
    """A user-written PCI controller on virt (pcie-root): mostly root ports and
    pcie-to-pci-bridges; a pci-bridge only once a pcie-to-pci-bridge exists."""
    r = d.r
    if model is None:
        model = r.choice(['pcie-root-port'] * 6 + ['pcie-to-pci-bridge'] * 2 + ['pci-bridge'])
        if model == 'pci-bridge' and not d.count.get('pcibus_idx'):
            model = 'pcie-root-port'    # it needs a bridge with a lower index
    attrs = [('type', 'pci')]
    if with_index is None:
        with_index = r.random() < 0.7 or model == 'pci-bridge'
    if with_index:
        d.pci_index_max += 1 + r.choice([0, 0, 0, 1, 2])
        attrs.append(('index', str(d.pci_index_max)))
    else:
        d.need_root = True
    attrs.append(('model', model))
    kids = []
    if model == 'pcie-root-port' and r.random() < 0.15:
        kids.append(E('target', [('hotplug', 'off')]))
    if model == 'pcie-to-pci-bridge' and with_index:
        d.count['pcibus_idx'] = 1
    return E('controller', attrs, kids)


def add_pci_ctrl_virt(d, **kw):
    e = mk_pci_ctrl_virt(d, **kw)
    d.add(e, 'pcictl')
    if e.get('model') == 'pcie-to-pci-bridge' and d.r.random() < 0.92:
        d.add(mk_pci_ctrl_virt(d, 'pcie-root-port', with_index=e.get('index') is not None), 'pcictl')


def mk_phb(d, with_index=None):
    """pseries: another PHB (pci-root), with or without <target index>."""
    r = d.r
    attrs = [('type', 'pci')]
    if with_index is None:
        with_index = r.random() < 0.85
    if with_index:
        d.pci_index_max += 1 + r.choice([0, 0, 0, 0, 1, 3])
        attrs.append(('index', str(d.pci_index_max)))
        d.phbs.append(d.pci_index_max)
    else:
        d.need_root = True
    attrs.append(('model', 'pci-root'))
    kids = []
    x = r.random()
    if x < 0.35:
        kids.append(E('target', [('index', str(r.randint(1, 30)))]))
    elif x < 0.45:
        kids.append(E('model', [('name', 'spapr-pci-host-bridge')]))
    return E('controller', attrs, kids)


def add_pci_ctrl_pseries(d, with_index=None, model=None):
    if model == 'pci-bridge' or (model is None and d.r.random() < 0.12):
        attrs = [('type', 'pci')]
        d.pci_index_max += 1
        attrs += [('index', str(d.pci_index_max)), ('model', 'pci-bridge')]
        d.add(E('controller', attrs), 'pcictl')
        return
    d.add(mk_phb(d, with_index), 'pcictl')


VIRT_POOL = [  # (kind, weight, maker)
    ('vdisk', 14, mk_virtio_disk),
    ('sata', 2, lambda d: mk_bus_disk_other(d, 'sata')),
    ('scsi', 4, lambda d: mk_bus_disk_other(d, 'scsi')),
    ('iface', 14, mk_iface_other),
    ('sound', 2, mk_sound),
    ('rng', 3, mk_rng),
    ('watchdog', 1, mk_watchdog),
    ('input', 4, mk_input_other),
    ('scsictl', 3, mk_scsi_ctrl_other),
    ('vserial', 2, mk_vserial_ctrl),
    ('console', 2, mk_console_other),
    ('channel', 3, mk_channel),
    ('pcictl', 4, None),
    ('hostdev', 4, mk_hostdev_other),
    ('fs', 2, mk_fs),
    ('vsock', 1, mk_vsock),
    ('shmem', 1, mk_shmem),
    ('pciserial', 1, mk_pci_serial),
]

PSERIES_POOL = [
    ('vdisk', 14, mk_virtio_disk),
    ('sata', 1, lambda d: mk_bus_disk_other(d, 'sata')),
    ('scsi', 5, lambda d: mk_bus_disk_other(d, 'scsi')),
    ('iface', 14, mk_iface_other),
    ('sound', 1, mk_sound),
    ('rng', 3, mk_rng),
    ('watchdog', 1, mk_watchdog),
    ('input', 4, mk_input_other),
    ('scsictl', 4, mk_scsi_ctrl_other),
    ('vserial', 2, mk_vserial_ctrl),
    ('console', 2, mk_console_other),
    ('channel', 3, mk_channel),
    ('pcictl', 3, None),
    ('hostdev', 4, mk_hostdev_other),
    ('fs', 2, mk_fs),
    ('vsock', 1, mk_vsock),
    ('shmem', 1, mk_shmem),
    ('pciserial', 1, mk_pci_serial),
]


def mk_iface_s390(d):
    return mk_iface(d, model=d.r.choice(['virtio', 'virtio', None]))


def mk_scsi_ctrl_s390(d):
    return E('controller', [('type', 'scsi')] + ([('model', 'virtio-scsi')] if d.r.random() < 0.6 else []))


def mk_video_s390(d):
    if d.count.get('video'):
        return None
    return E('video', [], [E('model', [('type', 'virtio')])])


def mk_fs_plain(d):
    d.fs += 1
    return E('filesystem', [('type', 'mount'), ('accessmode', 'mapped')],
             [E('source', [('dir', '/srv/share%d' % d.fs)]), E('target', [('dir', 'share%d' % d.fs)])])


S390_POOL = [
    ('vdisk', 14, lambda d: mk_virtio_disk(d, model='')),
    ('scsi', 4, lambda d: mk_bus_disk(d, 'scsi')),
    ('iface', 14, mk_iface_s390),
    ('rng', 3, lambda d: E('rng', [('model', 'virtio')],
                           [E('backend', [('model', 'random')], text='/dev/urandom')])),
    ('input', 2, lambda d: E('input', [('type', d.r.choice(['tablet', 'keyboard', 'mouse'])),
                                       ('bus', 'virtio')])),
    ('scsictl', 3, mk_scsi_ctrl_s390),
    ('vserial', 2, mk_vserial_ctrl),
    ('console', 2, mk_console_other),
    ('channel', 3, mk_channel),
    ('fs', 2, mk_fs_plain),
    ('vsock', 1, mk_vsock),
    ('video', 1, mk_video_s390),
]


def new_domain_s390(d):
    r = d.r
    d.pool = S390_POOL
    d.add_pci_ctrl = lambda d, **kw: None    # no PCI controllers here
    if r.random() < 0.3:
        d.add(E('controller', [('type', 'usb'), ('model', 'none')]), 'usb')
    add_random_devices(d, int(r.triangular(0, 30, 6)))
    x = r.random()
    if x < 0.6:
        d.add(mk_memballoon(d, 'virtio'), 'balloon')
    elif x < 0.7:
        d.add(mk_memballoon(d, 'none'), 'balloon')
    if r.random() < 0.3:
        shuffle_devices(d)
    d.big = False
    return d


def add_usb_other(d):
    r = d.r
    x = r.random()

    def ctl(model, index=None, kids=()):
        attrs = [('type', 'usb')]
        if index is not None:
            attrs.append(('index', str(index)))
        if model:
            attrs.append(('model', model))
        return d.add(E('controller', attrs, list(kids)), 'usb')

    idx = 0 if r.random() < 0.6 else None
    if x < 0.35:
        return                          # virt: no USB; pseries: libvirt adds qemu-xhci
    if x < 0.50:
        ctl('none', idx)
        d.usb_model = 'none'
    elif x < 0.72:
        ctl('qemu-xhci', idx)
        d.usb_model = 'qemu-xhci'
    elif x < 0.82:
        ctl(None, idx)                  # qemu-xhci on aarch64/pseries, piix3-uhci on riscv64
        d.usb_model = None
    elif x < 0.97:
        m = r.choice(['nec-xhci', 'piix3-uhci', 'pci-ohci', 'ehci', 'qemu-xhci'])
        ctl(m, idx)
        d.usb_model = m
        if r.random() < 0.3:
            ctl(r.choice(['qemu-xhci', 'nec-xhci', 'pci-ohci']), 1)
    else:
        ctl('ich9-ehci1', 0)
        for m, sp in [('ich9-uhci1', 0), ('ich9-uhci2', 2), ('ich9-uhci3', 4)]:
            ctl(m, 0, [E('master', [('startport', str(sp))])])
        d.usb_model = 'ich9-ehci1'


def add_video_other(d):
    """Video, and sometimes <graphics> without <video> (libvirt then adds the
    default video: virtio on virt, vga on pseries)."""
    r = d.r

    def vid(t, primary=False):
        kids = [E('model', [('type', t)] + ([('primary', 'yes')] if primary else []))] if t else []
        return d.add(E('video', [], kids), 'video')

    # (on pseries <graphics> also brings USB keyboard and mouse)
    if r.random() < 0.3 and not (is_pseries(d) and d.usb_model == 'none'):
        d.add(E('graphics', [('type', 'vnc')]), 'graphics')
    x = r.random()
    if is_pseries(d):
        allv, sec = ['vga', 'vga', 'virtio', 'bochs', None], ['virtio']
    else:
        allv, sec = ['virtio', 'virtio', 'virtio', 'vga', 'bochs', 'ramfb', None], ['virtio']
    if x < 0.45:
        return
    if x < 0.52:
        vid('none')
    elif x < 0.9:
        vid(r.choice(allv))
    elif r.random() < 0.3:
        vid(r.choice(sec))
        vid(r.choice([v for v in allv if v]), primary=True)
    else:
        vid(r.choice(allv))
        vid(r.choice(sec))


def add_user_pci_controllers_other(d):
    r = d.r
    if is_pseries(d):
        if r.random() < 0.35:
            for _ in range(r.choice([1, 1, 1, 2, 2, 3, 5])):
                add_pci_ctrl_pseries(d)
    elif r.random() < 0.35:
        for _ in range(r.randint(1, 6)):
            add_pci_ctrl_virt(d)


PCI_TAGS = ('disk', 'interface', 'rng', 'hostdev', 'sound', 'watchdog', 'shmem',
            'video', 'memballoon', 'filesystem', 'vsock', 'input', 'serial', 'controller')


def may_pin(e):
    """Is e a device that takes a PCI address whatever the rest of the domain?"""
    if e.tag not in PCI_TAGS or e.find('address') is not None:
        return False
    if e.tag == 'disk':
        return e.find('target').get('bus') == 'virtio'
    if e.tag == 'interface':
        m = e.find('model')
        return m is not None and m.get('type') != 'spapr-vlan'
    if e.tag == 'video':
        m = e.find('model')
        return m is not None and m.get('type') not in ('none', 'ramfb')
    if e.tag == 'memballoon':
        return e.get('model') != 'none'
    if e.tag == 'input':
        return e.get('bus') == 'virtio'
    if e.tag == 'serial':
        return True
    if e.tag == 'controller':
        t, m = e.get('type'), e.get('model')
        if t == 'scsi':
            return m in ('virtio-scsi', 'lsilogic')
        if t == 'usb':
            return m not in (None, 'none', 'ich9-ehci1', 'ich9-uhci1', 'ich9-uhci2', 'ich9-uhci3')
        return t == 'virtio-serial'
    return True


def pin_addresses(d):
    """Give some devices user addresses: on pseries on PHB 0 and the user's
    PHBs (slots 1-31); on virt on pcie-root (slots 1-31) and in slot 0 of the
    root ports the user wrote with an index."""
    r = d.r
    if is_pseries(d):
        spots = [(b, s) for b in [0] + d.phbs for s in range(1, 32)]
    else:
        ports = [int(e.get('index')) for e in d.devs
                 if e.tag == 'controller' and e.get('model') == 'pcie-root-port' and e.get('index')]
        spots = [(0, s) for s in range(1, 32)] + [(p, 0) for p in ports] * 3
    cands = [e for e in d.devs if may_pin(e)]
    if not cands:
        return
    r.shuffle(cands)
    used = set()
    for e in cands[:r.randint(1, min(len(cands), 8))]:
        spot = r.choice(spots)
        if spot in used:
            continue
        used.add(spot)
        e.kids.insert(len(e.kids) - 1, E('address', [
            ('type', 'pci'), ('domain', '0x0000'), ('bus', '0x%02x' % spot[0]),
            ('slot', '0x%02x' % spot[1]), ('function', '0x0')]))


def use_virtio_mmio(d):
    """virt: one virtio device with a virtio-mmio address (libvirt then gives
    every virtio device without an address one too)."""
    cands = [e for e in d.devs
             if (e.tag == 'disk' and e.find('target').get('bus') == 'virtio')
             or (e.tag == 'interface' and e.find('model') is not None
                 and e.find('model').get('type') == 'virtio')
             or (e.tag == 'rng' and e.get('model') == 'virtio')]
    if cands:
        e = d.r.choice(cands)
        e.kids.insert(len(e.kids) - 1, E('address', [('type', 'virtio-mmio')]))


def ensure_root_other(d):
    has_root = any(e.tag == 'controller' and e.get('type') == 'pci' and e.get('index') == '0'
                   for e in d.devs)
    if (d.need_root or d.r.random() < 0.05) and not has_root:
        kids = []
        if is_pseries(d) and d.r.random() < 0.5:
            kids = [E('model', [('name', 'spapr-pci-host-bridge')]), E('target', [('index', '0')])]
        root = E('controller', [('type', 'pci'), ('index', '0'),
                                ('model', 'pci-root' if is_pseries(d) else 'pcie-root')], kids)
        d.add(root, 'pciroot')
        d.devs.insert(d.r.randrange(len(d.devs)), d.devs.pop())


def new_domain_other(seed, i, name, arch):
    r = random.Random('%s:%d:%s' % (seed, i, name))
    machine = r.choice(ARCHES[arch][2])
    uuid = '%08x-%04x-4%03x-8%03x-%012x' % (r.getrandbits(32), r.getrandbits(16),
                                            r.getrandbits(12), r.getrandbits(12), i)
    d = Dom(r, name, uuid, False, machine, arch)
    d.compact = r.random() < 0.2
    if arch == 's390x':
        return new_domain_s390(d)
    pseries = is_pseries(d)
    d.pool = PSERIES_POOL if pseries else VIRT_POOL
    d.add_pci_ctrl = add_pci_ctrl_pseries if pseries else add_pci_ctrl_virt
    d.quote = "'" if r.random() < 0.85 else '"'
    big = r.random() < 0.04
    add_usb_other(d)
    add_video_other(d)
    add_user_pci_controllers_other(d)
    if big:
        for _ in range(r.randint(35, 130 if pseries else 110)):
            if r.random() < 0.5:
                d.add(mk_virtio_disk(d, model='virtio' if r.random() < 0.3 else None), 'vdisk')
            else:
                d.add(mk_iface(d, model=r.choice(['virtio', 'virtio', 'rtl8139' if pseries else 'e1000e'])),
                      'iface')
        add_random_devices(d, r.randint(0, 5))
    else:
        add_random_devices(d, int(r.triangular(0, 36, 6)))
    add_balloon(d)
    if r.random() < 0.3:
        shuffle_devices(d)
    mmio = not pseries and r.random() < 0.08
    if mmio:
        use_virtio_mmio(d)
    elif r.random() < (0.3 if pseries else 0.12):
        pin_addresses(d)
    ensure_root_other(d)
    d.big = big
    return d


PPC_POOL = [  # (kind, weight, maker): what a plain-PCI PowerPC board takes
    ('vdisk', 14, mk_virtio_disk),
    ('scsi', 4, lambda d: mk_bus_disk(d, 'scsi')),
    ('iface', 14, lambda d: mk_iface(d, model=d.r.choice(['virtio', 'virtio', 'rtl8139',
                                                          'e1000', None]))),
    ('sound', 2, mk_sound),
    ('rng', 3, mk_rng),
    ('input', 4, mk_input),
    ('scsictl', 3, mk_scsi_ctrl),
    ('vserial', 2, mk_vserial_ctrl),
    ('console', 2, mk_console),
    ('channel', 3, mk_channel),
    ('pcictl', 3, None),
    ('hostdev', 4, mk_hostdev),
    ('fs', 2, mk_fs),
    ('vsock', 1, mk_vsock),
    ('pciserial', 1, mk_pci_serial),
]


def new_domain_ppc(seed, i, name):
    r = random.Random('%s:%d:%s' % (seed, i, name))
    machine = r.choice(ARCHES['ppc'][2])
    uuid = '%08x-%04x-4%03x-8%03x-%012x' % (r.getrandbits(32), r.getrandbits(16),
                                            r.getrandbits(12), r.getrandbits(12), i)
    d = Dom(r, name, uuid, False, machine, 'ppc')
    d.compact = r.random() < 0.2
    d.quote = "'" if r.random() < 0.85 else '"'
    d.pool = PPC_POOL
    if machine == 'g3beige' and r.random() < 0.4:
        d.add(mk_bus_disk(d, 'ide'), 'ide')     # its IDE is on the board
    if r.random() < 0.6:
        m = E('model', [('type', r.choice(['vga', 'cirrus', 'virtio', 'bochs']))])
        d.add(E('video', [], [m]), 'video')
    add_user_pci_controllers(d)
    add_random_devices(d, int(r.triangular(0, 36, 6)))
    add_balloon(d)
    if r.random() < 0.3:
        shuffle_devices(d)
    ensure_root(d)
    d.big = False
    return d


def make_domain(seed, i, name, arch):
    if arch == 'x86_64':
        d = new_domain(seed, i, name)
    elif arch == 'ppc':
        d = new_domain_ppc(seed, i, name)
    else:
        d = new_domain_other(seed, i, name, arch)
    corpus_lessons(d, random.Random('%s:%d:%s:lessons' % (seed, i, name)))
    return d


# ---------------------------------------------------------------------------
# What libvirt's own test suite taught (tests/libvirt-corpus.sh): shapes the
# makers above never wrote.  Drawn from a stream of their own, so the rest of
# a domain is what it was before.

DISK_PREFIX_BUS = {'vd': 'virtio', 'sd': 'scsi', 'hd': 'ide'}


def lesson_disks_without_bus(d, r):
    # <target dev='vda'/>: libvirt takes the bus from the name
    for e in d.devs:
        t = e.find('target') if e.tag == 'disk' else None
        if t is None or r.random() < 0.5:
            continue
        dev, bus = t.get('dev') or '', t.get('bus')
        if DISK_PREFIX_BUS.get(dev[:2]) == bus:
            t.attrs = [(k, v) for k, v in t.attrs if k != 'bus']


def lesson_channels(d, r):
    # enough virtio channels (and consoles) to fill a virtio-serial controller
    if d.arch == 's390x':
        return
    for _ in range(r.randint(20, 45)):
        d.add(mk_channel(d), 'channel')
    for _ in range(r.randint(0, 2)):
        d.add(mk_console(d), 'console')


def lesson_console_twin(d, r):
    # a console that is serial 0 again
    if d.arch == 's390x' or d.count.get('serial-twin'):
        return
    d.add(E('serial', [('type', 'pty')], [E('target', [('port', '0')])]), 'serial-twin')
    d.add(E('console', [('type', 'pty')], [E('target', [('type', 'serial'), ('port', '0')])]),
          'console-twin')


def lesson_mdev(d, r):
    # a mediated device: vfio-pci ones take a PCI address
    if d.arch != 'x86_64':
        return
    for _ in range(r.randint(1, 2)):
        u = '%08x-%04x-4%03x-8%03x-%012x' % (r.getrandbits(32), r.getrandbits(16),
                                              r.getrandbits(12), r.getrandbits(12),
                                              r.getrandbits(48))
        d.add(E('hostdev', [('mode', 'subsystem'), ('type', 'mdev'), ('model', 'vfio-pci')],
                [E('source', [], [E('address', [('uuid', u)])])]), 'mdev')


LESSONS = [(lesson_disks_without_bus, 0.3), (lesson_channels, 0.08),
           (lesson_console_twin, 0.2), (lesson_mdev, 0.1)]


def corpus_lessons(d, r):
    for lesson, p in LESSONS:
        if r.random() < p:
            lesson(d, r)


# ---------------------------------------------------------------------------
# Legacy: copy libvirt's addresses back, drop some, add new devices

def legacy_from(d, out_xml, tag):
    """d: the Dom that produced the accepted libvirt output out_xml."""
    r = d.r
    root = ET.fromstring(out_xml)
    devs_out = root.find('devices')
    by_alias = {}
    implicit = []
    for x in devs_out:
        al = x.find('alias')
        if al is not None and al.get('name', '').startswith('ua-'):
            by_alias[al.get('name')] = x
        elif x.tag in ('controller', 'memballoon'):
            implicit.append(x)

    keep_p = r.choice([1.0, 0.9, 0.7, 0.5])      # how many addresses survive
    # A saved config has the PCI controllers libvirt added; usually also its
    # implicit USB/SATA/IDE/SCSI controllers and memballoon.  Sometimes leave
    # them out (libvirt then has to re-create the buses the addresses name).
    copy_pci = r.random() < 0.9
    copy_other = r.random() < 0.7
    for e in d.devs:
        al = e.find('alias').get('name')
        x = by_alias.get(al)
        if x is None:
            continue
        addr = x.find('address')
        if e.tag == 'controller':
            # a saved config has the index libvirt chose, and for PCI
            # controllers the <model name> and <target> it filled in
            if x.get('index') is not None and e.get('index') is None:
                e.set('index', x.get('index'))
            if e.get('type') == 'pci' and r.random() < 0.8:
                for sub in ('model', 'target'):
                    s = x.find(sub)
                    if s is not None:
                        e.remove(sub)
                        e.kids.insert(len(e.kids) - 1, from_et(s))   # before alias
        if addr is not None and r.random() < keep_p:
            e.kids.append(from_et(addr))
    for x in devs_out:
        if x.tag == 'controller' and x.get('type') == 'pci':
            d.pci_index_max = max(d.pci_index_max, int(x.get('index') or '0'))
    for x in implicit:
        is_pci = x.tag == 'controller' and x.get('type') == 'pci'
        # user-written usb model='none' and memballoon model='none' lose their
        # alias in libvirt's output: they are not implicit, skip them
        if not is_pci and x.find('address') is None:
            continue
        if not (copy_pci if is_pci else copy_other):
            continue
        e = from_et(x)
        addr = e.find('address')
        e.remove('address')
        e.kids.append(E('alias', [('name', d.alias())]))
        if addr is not None and r.random() < keep_p:
            e.kids.append(addr)
        d.devs.append(e)
        if e.tag == 'memballoon':
            d.count['balloon'] = 1
    # new devices, no addresses; new PCI controllers get explicit indexes
    n_new = r.choice([0, 1, 1, 2, 2, 3, 4, 6, 8])
    kinds = [p for p in d.pool if p[0] != 'pcictl']
    for _ in range(n_new):
        if r.random() < 0.08:
            d.add_pci_ctrl(d, with_index=True)
            continue
        kind, _, maker = r.choices(kinds, [p[1] for p in kinds])[0]
        e = maker(d)
        if e is not None:
            d.add(e, kind)
    if r.random() < 0.3:
        # new devices are not always at the end
        shuffle_devices(d)
    old = d.name
    d.name = tag
    text = d.xml()
    d.name = old
    return text


# ---------------------------------------------------------------------------

def run_lv(lv, indir, outdir):
    subprocess.run([lv, '--batch', indir, outdir], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    global EMULATOR
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seed', default='1')
    ap.add_argument('-n', type=int, default=100)
    ap.add_argument('--out', required=True)
    ap.add_argument('--lv-assign', help='lv-assign path; enables the legacy flavour')
    ap.add_argument('--legacy-fraction', type=float, default=0.4)
    ap.add_argument('--arch', default='x86_64', choices=sorted(ARCHES),
                    help='guest architecture (default x86_64)')
    ap.add_argument('--emulator', help='default: /usr/bin/qemu-system-ARCH')
    a = ap.parse_args()
    EMULATOR = a.emulator or ARCHES[a.arch][0]
    pre = ARCHES[a.arch][1]
    os.makedirs(a.out, exist_ok=True)
    n_leg = int(round(a.n * a.legacy_fraction)) if a.lv_assign else 0
    n_fresh = a.n - n_leg
    manifest = []

    def write(name, text, flavour, d):
        with open(os.path.join(a.out, name + '.xml'), 'w') as f:
            f.write(text)
        manifest.append((name, flavour, d.machine, len(d.devs)))

    for i in range(n_fresh):
        name = pre + 'f-%05d' % i
        d = make_domain(a.seed, i, name, a.arch)
        write(name, d.xml(), 'fresh', d)

    if n_leg:
        tmp = tempfile.mkdtemp(prefix='gen-legacy.', dir=os.environ.get('TMPDIR', '/tmp'))
        try:
            bases = {}          # legacy index -> accepted (Dom, output)
            attempt = {i: 0 for i in range(n_leg)}
            for rnd in range(4):
                todo = [i for i in range(n_leg) if i not in bases]
                if not todo:
                    break
                bdir = os.path.join(tmp, 'b%d' % rnd)
                odir = os.path.join(tmp, 'o%d' % rnd)
                os.makedirs(bdir)
                doms = {}
                for i in todo:
                    bname = pre + 'b-%05d-%d' % (i, attempt[i])
                    d = make_domain(a.seed, i, bname, a.arch)
                    attempt[i] += 1
                    doms[i] = d
                    with open(os.path.join(bdir, bname + '.xml'), 'w') as f:
                        f.write(d.xml())
                run_lv(a.lv_assign, bdir, odir)
                for i, d in doms.items():
                    p = os.path.join(odir, d.name + '.out.xml')
                    if os.path.exists(p):
                        with open(p) as f:
                            bases[i] = (d, f.read())
            for i in range(n_leg):
                name = pre + 'l-%05d' % i
                if i in bases:
                    d, out = bases[i]
                    write(name, legacy_from(d, out, name), 'legacy', d)
                else:       # no accepted base after retries: a fresh one instead
                    d = make_domain(a.seed, i, name, a.arch)
                    write(name, d.xml(), 'legacy-nobase', d)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    with open(os.path.join(a.out, 'MANIFEST.tsv'), 'w') as f:
        for row in manifest:
            f.write('%s\t%s\t%s\t%d\n' % row)
    return 0

if __name__ == '__main__':
    sys.exit(main())
