#!/usr/bin/env python3
"""gen_invalid.py: seeded small x86 domains with exactly one address defect each.

    gen_invalid.py [--seed S] [-n N] --out DIR [--list-kinds]

Writes DIR/NAME.xml and DIR/MANIFEST.tsv for the linter test
(tests/libvirt-lint.sh).  Every domain is x86_64, <domain type='qemu'>,
machine pc / pc-i440fx-7.2 / q35 / pc-q35-7.2, emulator
/usr/bin/qemu-system-x86_64, with a fixed uuid and fixed MACs, a few
ordinary devices without addresses, and ONE defect of one kind.  The kinds
are dealt out evenly (N >= 2 x the number of kinds gives every kind at least
twice) in a seeded order; the details (slots, functions, device types,
indexes) are random.

Each file starts with a comment that names its defect, e.g.

    <!-- gen_invalid: kind=dup-address libvirt=rejects rules=pci-duplicate -->

and MANIFEST.tsv has one line per file, tab-separated:

    NAME  MACHINE  KIND  LIBVIRT  RULES  WHAT

LIBVIRT is what libvirt 9.0 does with such a domain (rejects or accepts),
RULES the pcifix rule(s) the defect must produce, comma-separated, or '-':
  - for a kind libvirt rejects, the libvirt rule pcifix should report it
    under (pci-duplicate, pci-address, address-range, ...);
  - for a kind libvirt accepts, every beyond-libvirt rule it fires
    (function-zero, multifunction-off, multifunction-extra, partial-hostdev,
    hotplug-capacity), or '-' when pcifix must stay silent (libvirt relaxes
    the bus type of user addresses; 0000:00:00.N is no address at all).
WHAT says in words what the defect is.

The same seed gives the same files.  Only the standard library is used.
"""

import argparse
import os
import random
import sys

EMULATOR = '/usr/bin/qemu-system-x86_64'
LIBVIRT_RULES = ('pci-address', 'pci-duplicate', 'pci-controller', 'pci-capacity',
                 'address-type', 'address-none', 'unassigned-misuse', 'address-range',
                 'bad-number', 'bad-value')
BEYOND_RULES = ('function-zero', 'multifunction-off', 'multifunction-extra',
                'partial-hostdev', 'hotplug-capacity')


def pci(bus, slot, fn=0, multi=None, domain=0, spell_bus=None, spell_slot=None,
        spell_fn=None):
    a = "<address type='pci' domain='0x%04x' bus='%s' slot='%s' function='%s'" % (
        domain, spell_bus or '0x%02x' % bus, spell_slot or '0x%02x' % slot,
        spell_fn or '0x%x' % fn)
    if multi:
        a += " multifunction='%s'" % multi
    return a + '/>'


class Dom:
    def __init__(self, rnd, name, uuid, q35, machine):
        self.r = rnd
        self.name = name
        self.uuid = uuid
        self.q35 = q35
        self.machine = machine
        self.lines = []         # device lines (one device each)
        self.mac_n = 0
        self.vd = 0
        self.hostsrc = set()
        self.used = set()       # bus-0 slots taken by the defect
        self.filler = True      # add ordinary devices without addresses
        self.implicit = True    # let libvirt add its memballoon and USB

    # ---- values
    def mac(self):
        self.mac_n += 1
        return '52:54:00:%02x:%02x:%02x' % (self.r.randrange(256), self.r.randrange(256),
                                            self.mac_n)

    def free_slot(self):
        """A bus-0 slot no chipset, default device or other defect uses."""
        pool = range(0x03, 0x1a) if self.q35 else range(0x03, 0x1f)
        while True:
            s = self.r.choice(pool)
            if s not in self.used:
                self.used.add(s)
                return s

    def host_bus(self):
        while True:
            b = self.r.randrange(0x02, 0x80)
            if b not in self.hostsrc:
                self.hostsrc.add(b)
                return b

    # ---- devices (each a one-line XML string)
    def add(self, line):
        self.lines.append('    ' + line)

    def nic(self, addr='', model=None):
        if model is None:
            model = self.r.choice(['virtio', 'virtio', 'e1000e' if self.q35 else 'e1000',
                                   'rtl8139'])
        return ("<interface type='user'><mac address='%s'/><model type='%s'/>%s"
                "</interface>" % (self.mac(), model, addr))

    def vdisk(self, addr=''):
        n = self.vd
        self.vd += 1
        return ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                "<source file='/var/lib/images/%s-vd%d.img'/><target dev='vd%s' bus='virtio'/>"
                "%s</disk>" % (self.name, n, chr(ord('a') + n), addr))

    def rng(self, addr=''):
        return ("<rng model='virtio'><backend model='random'>/dev/urandom</backend>%s"
                "</rng>" % addr)

    def endpoint(self, addr='', kinds=('nic', 'nic', 'vdisk', 'rng')):
        k = self.r.choice(kinds)
        return self.nic(addr) if k == 'nic' else self.vdisk(addr) if k == 'vdisk' else self.rng(addr)

    def hostdev(self, bus, slot, fn, addr=''):
        return ("<hostdev mode='subsystem' type='pci' managed='yes'><source>"
                "<address domain='0x0000' bus='0x%02x' slot='0x%02x' function='0x%x'/>"
                "</source>%s</hostdev>" % (bus, slot, fn, addr))

    def ctrl(self, type_, index=None, model=None, addr='', inner=''):
        a = "<controller type='%s'" % type_
        if index is not None:
            a += " index='%d'" % index
        if model:
            a += " model='%s'" % model
        if not addr and not inner:
            return a + '/>'
        return a + '>' + inner + addr + '</controller>'

    def filler_devices(self):
        r = self.r
        out = []
        for _ in range(r.randrange(1, 4)):
            k = r.choice(['nic', 'nic', 'vdisk', 'vdisk', 'rng', 'cdrom'])
            if k == 'nic':
                out.append(self.nic())
            elif k == 'vdisk':
                out.append(self.vdisk())
            elif k == 'rng':
                out.append(self.rng())
            elif self.q35:
                out.append("<disk type='file' device='cdrom'><target dev='sdz' bus='sata'/>"
                           "<readonly/></disk>")
            else:
                out.append("<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/>"
                           "<readonly/></disk>")
        # at most one cdrom
        seen = False
        res = []
        for x in out:
            if 'cdrom' in x:
                if seen:
                    continue
                seen = True
            res.append(x)
        return res

    def xml(self, comment):
        devs = list(self.lines)
        if self.filler:
            # ordinary devices go before or after the defect
            for x in self.filler_devices():
                devs.insert(self.r.randrange(len(devs) + 1), '    ' + x)
        if not self.implicit:
            devs.append("    <controller type='usb' model='none'/>")
            devs.append("    <memballoon model='none'/>")
        out = ['<!-- %s -->' % comment,
               "<domain type='qemu'>",
               '  <name>%s</name>' % self.name,
               '  <uuid>%s</uuid>' % self.uuid,
               "  <memory unit='MiB'>512</memory>",
               '  <os>',
               "    <type arch='x86_64' machine='%s'>hvm</type>" % self.machine,
               '  </os>',
               '  <devices>',
               '    <emulator>%s</emulator>' % EMULATOR]
        out += devs
        out += ['  </devices>', '</domain>', '']
        return '\n'.join(out)


# ---------------------------------------------------------------------------
# Defect makers.  Each adds its devices to d and returns a short description.

def k_dup_address(d):
    r = d.r
    if not d.q35 and r.random() < 0.3:
        d.add(d.ctrl('pci', 1, 'pci-bridge', pci(0, d.free_slot())))
        bus, s = 1, r.randrange(1, 0x20)
    else:
        bus, s = 0, d.free_slot()
    fn = r.choice([0, 0, 0, r.randrange(1, 8)])
    if fn:
        # function 0 present: the only defect is the duplicate
        d.add(d.endpoint(pci(bus, s, 0, 'on')))
    d.add(d.endpoint(pci(bus, s, fn)))
    d.add(d.endpoint(pci(bus, s, fn)))
    return 'two devices on %02x:%02x.%x' % (bus, s, fn)


def chipset(slot, fn, why):
    def k(d):
        if fn == 1 and not d.q35:
            if d.r.random() < 0.5:
                d.add(d.ctrl('ide', 0))
            else:
                d.add("<disk type='file' device='cdrom'><target dev='hda' bus='ide'/>"
                      "<readonly/></disk>")
        d.add(d.endpoint(pci(0, slot, fn)))
        return 'a device on 00:%02x.%x (%s)' % (slot, fn, why)
    return k


def k_range(what):
    def k(d):
        r = d.r
        s = d.free_slot()
        if what == 'slot':
            v = r.choice([0x20, 0x20, 0x21, 0x3f, 0xff])
            d.add(d.endpoint(pci(0, 0, 0, spell_slot='0x%02x' % v)))
        elif what == 'bus':
            v = r.choice([0x100, 0x100, 0x101, 0x1ff])
            d.add(d.endpoint(pci(0, s, 0, spell_bus='0x%x' % v)))
        else:
            v = r.choice([8, 8, 9, 0xf])
            d.add(d.endpoint(pci(0, s, 0, spell_fn='0x%x' % v)))
        return '%s=0x%x' % (what, v)
    return k


def k_rootport_slot(d):
    r = d.r
    d.add(d.ctrl('pci', 1, 'pcie-root-port'))
    d.add(d.ctrl('pci', 2, 'pcie-root-port'))
    s = r.randrange(1, 0x20)
    d.add(d.endpoint(pci(1, s, 0)))
    return 'slot 0x%02x behind pcie-root-port 1' % s


def k_slot0_bridge(d):
    if d.q35:
        d.add(d.ctrl('pci', 1, 'pcie-root-port'))
        d.add(d.ctrl('pci', 2, 'pcie-to-pci-bridge', pci(1, 0)))
        d.add(d.ctrl('pci', 3, 'pcie-root-port'))
        d.add(d.endpoint(pci(2, 0, 0)))
        return 'slot 0 on a pcie-to-pci-bridge'
    addr = pci(0, d.free_slot()) if d.r.random() < 0.5 else ''
    d.add(d.ctrl('pci', 1, 'pci-bridge', addr))
    d.add(d.endpoint(pci(1, 0, 0)))
    return 'slot 0 on a pci-bridge'


def k_slot0_root(d):
    # 0000:00:00.N is what libvirt calls an empty address: it assigns one
    fn = d.r.randrange(1, 8)
    d.add(d.endpoint(pci(0, 0, fn)))
    return '00:00.%x on the root bus (libvirt: no address, assigns one)' % fn


def k_wrong_bus_endpoint(d):
    r = d.r
    if not d.q35:
        d.add(d.nic(pci(0, d.free_slot()), model='e1000e'))
        return 'PCIe NIC e1000e on pci-root'
    if r.random() < 0.5:
        d.add(d.nic(pci(0, d.free_slot()), model=r.choice(['e1000', 'rtl8139'])))
        return 'conventional PCI NIC on pcie-root'
    d.filler = False
    d.implicit = False
    d.add(d.ctrl('pci', 1, 'pcie-root-port'))
    d.add(d.ctrl('pci', 2, 'pcie-to-pci-bridge', pci(1, 0)))
    d.add(d.ctrl('pci', 3, 'pcie-root-port'))      # the spare one
    d.add(d.nic(pci(2, r.randrange(1, 0x20)), model='e1000e'))
    return 'PCIe NIC e1000e on a pcie-to-pci-bridge'


def k_wrong_bus_controller(d):
    r = d.r
    if not d.q35:
        d.add(d.ctrl('pci', 1, 'pcie-root-port', pci(0, d.free_slot())))
        return 'pcie-root-port on pci-root'
    d.add(d.ctrl('pci', 1, 'pcie-root-port'))
    d.add(d.ctrl('pci', 2, 'pcie-to-pci-bridge', pci(1, 0)))
    m = r.choice(['pcie-root-port', 'dmi-to-pci-bridge', 'pcie-switch-upstream-port'])
    d.add(d.ctrl('pci', 3, m, pci(2, r.randrange(1, 0x20))))
    return '%s on a pcie-to-pci-bridge' % m


def k_function_zero(d):
    r = d.r
    if not d.q35 and r.random() < 0.3:
        d.add(d.ctrl('pci', 1, 'pci-bridge', pci(0, d.free_slot())))
        bus, s = 1, r.randrange(1, 0x20)
    else:
        bus, s = 0, d.free_slot()
    fns = sorted(r.sample(range(1, 8), r.randrange(1, 4)))
    for f in fns:
        d.add(d.endpoint(pci(bus, s, f)))
    return 'functions %s of %02x:%02x, nothing at function 0' % (
        ','.join(str(f) for f in fns), bus, s)


def k_multifunction_off(d):
    r = d.r
    s = d.free_slot()
    d.add(d.endpoint(pci(0, s, 0, 'off')))
    fns = sorted(r.sample(range(1, 8), r.randrange(1, 3)))
    for f in fns:
        d.add(d.endpoint(pci(0, s, f)))
    return "multifunction='off' on 00:%02x.0 with functions %s used" % (
        s, ','.join(str(f) for f in fns))


def k_multifunction_extra(d):
    r = d.r
    s = d.free_slot()
    d.add(d.endpoint(pci(0, s, 0, r.choice([None, 'on']))))
    f = r.randrange(1, 8)
    d.add(d.endpoint(pci(0, s, f, 'on')))
    return "multifunction='on' on 00:%02x.%x" % (s, f)


def k_none_hostdev(d):
    d.add(d.hostdev(d.host_bus(), d.r.randrange(0, 0x20), 0, "<address type='none'/>"))
    return "<address type='none'/> on a PCI hostdev"


def k_none_disk(d):
    d.add(d.vdisk("<address type='none'/>"))
    return "<address type='none'/> on a disk"


def k_unassigned_misuse(d):
    r = d.r
    k = r.choice(['nic', 'vdisk', 'usbhostdev'])
    a = "<address type='unassigned'/>"
    if k == 'nic':
        d.add(d.nic(a))
    elif k == 'vdisk':
        d.add(d.vdisk(a))
    else:
        d.add("<hostdev mode='subsystem' type='usb' managed='yes'><source>"
              "<vendor id='0x1234'/><product id='0x%04x'/></source>%s</hostdev>"
              % (r.randrange(1, 0x10000), a))
    return "<address type='unassigned'/> on a %s" % k


def k_address_notype(d):
    s = d.free_slot()
    d.add(d.endpoint("<address domain='0x0000' bus='0x00' slot='0x%02x' function='0x0'/>" % s))
    return '<address> without type'


def k_address_unknown(d):
    t = d.r.choice(['PCI', 'pcie', 'foo', 'none-such', 'Pci'])
    s = d.free_slot()
    d.add(d.endpoint("<address type='%s' domain='0x0000' bus='0x00' slot='0x%02x' "
                     "function='0x0'/>" % (t, s)))
    return "unknown address type '%s'" % t


def k_virtio_drive(d):
    d.add(d.vdisk("<address type='drive' controller='0' bus='0' target='0' unit='%d'/>"
                  % d.r.randrange(0, 4)))
    return 'virtio disk with a drive address'


def k_pci_domain(d):
    dom = d.r.choice([1, 1, 2, 0x10, 0xffff])
    d.add(d.endpoint(pci(0, d.free_slot(), 0, domain=dom)))
    return 'PCI domain 0x%04x' % dom


def k_dup_controller(d):
    r = d.r
    x = r.random()
    if x < 0.6:
        m = 'pcie-root-port' if d.q35 else 'pci-bridge'
        i = r.randrange(1, 4)
        d.add(d.ctrl('pci', i, m))
        d.add(d.ctrl('pci', i, m))
        return "two pci controllers with index %d" % i
    i = r.randrange(0, 3)
    d.add(d.ctrl('scsi', i, 'virtio-scsi'))
    d.add(d.ctrl('scsi', i, r.choice(['virtio-scsi', 'lsilogic'])))
    return 'two scsi controllers with index %d' % i


def k_root_index(d):
    m = 'pcie-root' if d.q35 else 'pci-root'
    i = d.r.choice([1, 1, 2, 5])
    d.add(d.ctrl('pci', i, m))
    return '%s with index %d' % (m, i)


def k_root_address(d):
    m = 'pcie-root' if d.q35 else 'pci-root'
    d.add(d.ctrl('pci', 0, m, pci(0, d.free_slot())))
    return '%s with an address' % m


def k_wrong_root(d):
    m = 'pci-root' if d.q35 else 'pcie-root'
    d.add(d.ctrl('pci', 0, m))
    return 'root model %s on %s' % (m, d.machine)


def k_no_model(d):
    i = d.r.randrange(1, 4)
    d.add(d.ctrl('pci', i))
    return 'PCI controller index %d without model' % i


def k_bridge_index(d):
    r = d.r
    if r.random() < 0.5:
        # a bridge on its own bus
        d.add(d.ctrl('pci', 1, 'pci-bridge', pci(1, r.randrange(1, 0x20))))
        if d.q35:
            d.add(d.ctrl('pci', 2, 'pcie-root-port'))
        return 'pci-bridge 1 on bus 1'
    # bridge 1 on the bus of bridge 2
    if d.q35:
        d.add(d.ctrl('pci', 3, 'pcie-root-port'))
        d.add(d.ctrl('pci', 2, 'pcie-to-pci-bridge', pci(3, 0)))
    else:
        d.add(d.ctrl('pci', 2, 'pci-bridge', pci(0, d.free_slot())))
    d.add(d.ctrl('pci', 1, 'pci-bridge', pci(2, r.randrange(1, 0x20))))
    return 'pci-bridge 1 on bus 2'


def k_chassis(d):
    r = d.r
    if r.random() < 0.5 or not d.q35:
        if d.q35:
            d.add(d.ctrl('pci', 1, 'pcie-root-port'))
            d.add(d.ctrl('pci', 2, 'pcie-to-pci-bridge', pci(1, 0)))
            d.add(d.ctrl('pci', 3, 'pci-bridge', pci(2, r.randrange(1, 0x20)),
                         "<target chassisNr='0'/>"))
            return 'pci-bridge chassisNr 0'
        d.add(d.ctrl('pci', 1, 'pci-bridge', pci(0, d.free_slot()) if r.random() < 0.5 else '',
                     "<target chassisNr='0'/>"))
        return 'pci-bridge chassisNr 0'
    a, v = r.choice([('port', 256), ('port', 0x1ff), ('chassis', 256)])
    d.add(d.ctrl('pci', 1, 'pcie-root-port', '', "<target %s='%d'/>" % (a, v)))
    return 'pcie-root-port %s %d' % (a, v)


def k_expander(d):
    m = 'pci-expander-bus' if d.q35 else 'pcie-expander-bus'
    d.add(d.ctrl('pci', 1, m, '', "<target busNr='%d'/>" % d.r.choice([100, 200, 254])))
    return '%s on %s' % (m, d.machine)


def k_piix3_usb(d):
    d.add(d.ctrl('usb', 0, 'piix3-uhci', pci(0, d.free_slot(), 0)))
    return 'PIIX3 USB index 0 not at 00:01.2'


def k_primary_ide(d):
    # function 0 of a free slot: a function without function 0 would be a second defect
    d.add(d.ctrl('ide', 0, None, pci(0, d.free_slot(), 0)))
    if d.r.random() < 0.5:
        d.add("<disk type='file' device='cdrom'><target dev='hda' bus='ide'/><readonly/></disk>")
    return 'primary IDE not at 00:01.1'


def k_primary_sata(d):
    s, f = d.r.choice([(d.free_slot(), 0), (0x1f, d.r.choice([4, 5, 6]))])
    d.add(d.ctrl('sata', 0, None, pci(0, s, f)))
    return 'primary SATA not at 00:1f.2'


def k_bad_number(d):
    r = d.r
    x = r.choice(['slot', 'function', 'bus', 'index'])
    if x == 'index':
        v = r.choice(['0x1', 'one', '-1', '1.0'])
        d.add("<controller type='pci' index='%s' model='%s'/>" % (
            v, 'pcie-root-port' if d.q35 else 'pci-bridge'))
        return "controller index='%s'" % v
    v = r.choice(['0x1g', 'five', '-1', '08', '0x', '3 '])
    good = {'slot': '0x%02x' % d.free_slot(), 'function': '0x0', 'bus': '0x00'}
    good[x] = v
    d.add(d.endpoint("<address type='pci' domain='0x0000' bus='%s' slot='%s' function='%s'/>"
                     % (good['bus'], good['slot'], good['function'])))
    return "%s='%s'" % (x, v)


def k_bad_value(d):
    r = d.r
    if d.q35 and r.random() < 0.5:
        v = r.choice(['yes', 'maybe', 'ON'])
        d.add(d.ctrl('pci', 1, 'pcie-root-port', '', "<target hotplug='%s'/>" % v))
        return "hotplug='%s'" % v
    v = r.choice(['yes', 'true', '1', 'On'])
    d.add(d.endpoint(pci(0, d.free_slot(), 0, v)))
    return "multifunction='%s'" % v


def k_partial_hostdev(d):
    r = d.r
    hb, hs = d.host_bus(), r.randrange(0, 0x20)
    nf = r.randrange(2, 5)
    hidden = set(r.sample(range(nf), r.randrange(1, nf)))
    if 0 not in hidden and r.random() < 0.8:
        hidden = (hidden - {max(hidden)}) | {0}
    s = d.free_slot()
    gf = 1
    for f in range(nf):
        if f in hidden:
            d.add(d.hostdev(hb, hs, f, "<address type='unassigned'/>"))
        else:
            d.add(d.hostdev(hb, hs, f, pci(0, s, gf)))
            gf += 1
    return 'host card %02x:%02x functions %s unassigned, the rest on 00:%02x.1+' % (
        hb, hs, ','.join(str(f) for f in sorted(hidden)), s)


def k_hotplug_full(d):
    r = d.r
    n = r.randrange(1, 5)
    off = r.random() < 0.3
    for i in range(1, n + 1):
        d.add(d.ctrl('pci', i, 'pcie-root-port'))
    for i in range(1, n + 1):
        d.add(d.endpoint(pci(i, 0, 0)))
    if off:
        d.add(d.ctrl('pci', n + 1, 'pcie-root-port', '', "<target hotplug='off'/>"))
    return '%d user root ports, all used%s' % (n, ', one more with hotplug off' if off else '')


R, A = 'rejects', 'accepts'
PC, Q35, BOTH = ('pc',), ('q35',), ('pc', 'q35')

# (kind, machines, libvirt, rules, maker)
KINDS = [
    ('dup-address', BOTH, R, 'pci-duplicate', k_dup_address),
    ('chipset-pc-01.0', PC, R, 'pci-duplicate', chipset(1, 0, 'PIIX3 ISA bridge')),
    ('chipset-pc-01.3', PC, R, 'pci-duplicate', chipset(1, 3, 'PIIX3 ACPI/SMBus')),
    ('chipset-pc-01.1-ide', PC, R, 'pci-duplicate', chipset(1, 1, 'IDE controller')),
    ('chipset-pc-01.2-usb', PC, R, 'pci-duplicate', chipset(1, 2, 'default PIIX3 USB')),
    ('chipset-q35-1f.0', Q35, R, 'pci-duplicate', chipset(0x1f, 0, 'ICH9 LPC')),
    ('chipset-q35-1f.3', Q35, R, 'pci-duplicate', chipset(0x1f, 3, 'ICH9 SMBus')),
    ('chipset-q35-1f.2-sata', Q35, R, 'pci-duplicate', chipset(0x1f, 2, 'default SATA')),
    ('range-slot', BOTH, R, 'address-range', k_range('slot')),
    ('range-bus', BOTH, R, 'address-range', k_range('bus')),
    ('range-function', BOTH, R, 'address-range', k_range('function')),
    ('rootport-slot', Q35, R, 'pci-address', k_rootport_slot),
    ('slot0-bridge', BOTH, R, 'pci-address', k_slot0_bridge),
    ('slot0-root', BOTH, A, '-', k_slot0_root),
    ('wrong-bus-endpoint', BOTH, A, '-', k_wrong_bus_endpoint),
    ('wrong-bus-controller', BOTH, R, 'pci-address', k_wrong_bus_controller),
    ('function-zero', BOTH, A, 'function-zero', k_function_zero),
    ('multifunction-off', BOTH, A, 'multifunction-off', k_multifunction_off),
    ('multifunction-extra', BOTH, A, 'multifunction-extra', k_multifunction_extra),
    ('none-hostdev', BOTH, R, 'address-none', k_none_hostdev),
    ('none-disk', BOTH, R, 'address-none', k_none_disk),
    ('unassigned-misuse', BOTH, R, 'unassigned-misuse', k_unassigned_misuse),
    ('address-notype', BOTH, R, 'address-type', k_address_notype),
    ('address-unknown-type', BOTH, R, 'address-type', k_address_unknown),
    ('virtio-disk-drive', BOTH, R, 'address-type', k_virtio_drive),
    ('pci-domain', BOTH, R, 'pci-address', k_pci_domain),
    ('dup-controller-index', BOTH, R, 'pci-controller', k_dup_controller),
    ('root-index', BOTH, R, 'pci-controller', k_root_index),
    ('root-address', BOTH, R, 'pci-controller', k_root_address),
    ('wrong-root-model', BOTH, R, 'pci-controller', k_wrong_root),
    ('pci-no-model', BOTH, R, 'pci-controller', k_no_model),
    ('bridge-index-bus', BOTH, R, 'pci-controller', k_bridge_index),
    ('chassis-port-range', BOTH, R, 'pci-controller', k_chassis),
    ('expander-machine', BOTH, R, 'pci-controller', k_expander),
    ('piix3-usb-address', PC, R, 'pci-address', k_piix3_usb),
    ('primary-ide-address', PC, R, 'pci-address', k_primary_ide),
    ('primary-sata-address', Q35, R, 'pci-address', k_primary_sata),
    ('bad-number', BOTH, R, 'bad-number', k_bad_number),
    ('bad-value', BOTH, R, 'bad-value', k_bad_value),
    ('partial-hostdev', BOTH, A, 'partial-hostdev,function-zero', k_partial_hostdev),
    ('hotplug-capacity', Q35, A, 'hotplug-capacity', k_hotplug_full),
]


def make(seed, i, kind_entry):
    kind, machines, lv, rules, maker = kind_entry
    r = random.Random('%s/%d' % (seed, i))
    fam = r.choice(machines)
    machine = r.choice(['q35', 'pc-q35-7.2'] if fam == 'q35' else ['pc', 'pc-i440fx-7.2'])
    name = 'inv-%04d' % i
    uuid = '3c7b1d0e-%04x-4000-8000-%012x' % (i & 0xffff, r.randrange(1 << 48))
    d = Dom(r, name, uuid, fam == 'q35', machine)
    what = maker(d)
    comment = 'gen_invalid: kind=%s libvirt=%s rules=%s: %s' % (kind, lv, rules, what)
    return name, machine, kind, lv, rules, what, d.xml(comment.replace('--', '- -'))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seed', default='1')
    ap.add_argument('-n', type=int, default=240)
    ap.add_argument('--out')
    ap.add_argument('--list-kinds', action='store_true',
                    help='print kind, machines, libvirt, rules and exit')
    a = ap.parse_args()
    if a.list_kinds:
        for k, m, lv, rules, _ in KINDS:
            print('%-22s %-7s %-8s %s' % (k, '/'.join(m), lv, rules))
        return 0
    if not a.out:
        ap.error('--out is required')
    os.makedirs(a.out, exist_ok=True)
    # deal the kinds out evenly, in a seeded order per round
    order = []
    rnd = random.Random('%s/order' % a.seed)
    while len(order) < a.n:
        batch = list(KINDS)
        rnd.shuffle(batch)
        order += batch
    rows = []
    for i in range(a.n):
        name, machine, kind, lv, rules, what, text = make(a.seed, i, order[i])
        name = '%s-%s' % (name, kind)
        text = text.replace('<name>inv-%04d</name>' % i, '<name>%s</name>' % name)
        with open(os.path.join(a.out, name + '.xml'), 'w') as f:
            f.write(text)
        rows.append('\t'.join((name, machine, kind, lv, rules, what)))
    with open(os.path.join(a.out, 'MANIFEST.tsv'), 'w') as f:
        f.write('\n'.join(rows) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
