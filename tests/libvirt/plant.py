#!/usr/bin/env python3
"""plant.py: make a changed copy of a libvirt output, for compare.py's self-test.

    plant.py MUTATION IN.xml OUT.xml

Prints what it changed; exit 0, or 3 when IN has nothing to apply it to.
Mutations that compare.py must report as a difference:
  slot           bump the slot of the first aliased device with a PCI address
  function       change the function of such a device
  bus            move such a device to another bus number
  drop-address   remove such a device's <address>
  alias          rename such a device's alias
  multifunction  drop multifunction='on' from an address that has it
  drop-pcictl    remove the last PCI controller that is not the root
  chassis        change a root port's or bridge's chassis/chassisNr
  pcictl-model   change the model of the last PCI controller that is not the root
  drop-implicit  remove an unaliased device that has a PCI address
Mutations compare.py must NOT report (same meaning):
  reorder        reverse the device list and write numbers in decimal
  strip-defaults remove <model name> and the chassis/port values that are the
                 defaults from PCI controllers (equal unless compare.py --strict)
  strip-models   remove the model of unaliased USB controllers, NICs and videos
                 where it is libvirt's default for the domain's architecture
                 and machine (compare.target_defaults)
"""

import os
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402  (for the per-target default models)


def pci_devices(devs):
    return [d for d in devs if d.find('alias') is not None
            and d.find('address') is not None and d.find('address').get('type') == 'pci'
            and not (d.tag == 'controller' and d.get('type') == 'pci')]


def pci_controllers(devs):
    return [d for d in devs if d.tag == 'controller' and d.get('type') == 'pci'
            and d.get('model') not in ('pci-root', 'pcie-root')]


def name(d):
    al = d.find('alias')
    if al is not None:
        return '%s %s' % (d.tag, al.get('name'))
    return '%s %s' % (d.tag, ' '.join('%s=%s' % kv for kv in sorted(d.attrib.items())))


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    mut, pin, pout = argv
    tree = ET.parse(pin)
    devices = tree.getroot().find('devices')
    devs = list(devices)
    what = None
    if mut in ('slot', 'function', 'bus', 'drop-address', 'alias'):
        c = pci_devices(devs)
        if not c:
            return 3
        d = c[0]
        a = d.find('address')
        if mut == 'slot':
            a.set('slot', '0x%02x' % ((int(a.get('slot'), 16) + 1) % 32))
        elif mut == 'function':
            a.set('function', '0x%x' % ((int(a.get('function'), 16) + 1) % 8))
        elif mut == 'bus':
            a.set('bus', '0x%02x' % (int(a.get('bus'), 16) + 1))
        elif mut == 'drop-address':
            d.remove(a)
        else:
            d.find('alias').set('name', d.find('alias').get('name') + '-renamed')
        what = name(d)
    elif mut == 'multifunction':
        for d in devs:
            a = d.find('address')
            if a is not None and a.get('multifunction') == 'on':
                del a.attrib['multifunction']
                what = name(d)
                break
    elif mut in ('drop-pcictl', 'pcictl-model'):
        c = pci_controllers(devs)
        if not c:
            return 3
        d = c[-1]
        if mut == 'drop-pcictl':
            devices.remove(d)
        else:
            d.set('model', 'pci-bridge' if d.get('model') != 'pci-bridge' else 'pcie-root-port')
        what = name(d)
    elif mut == 'chassis':
        for d in pci_controllers(devs):
            t = d.find('target')
            if t is None:
                continue
            for k in ('chassis', 'chassisNr'):
                if t.get(k) is not None:
                    t.set(k, str(int(t.get(k)) + 100))
                    what = name(d)
                    break
            if what:
                break
    elif mut == 'drop-implicit':
        for d in devs:
            a = d.find('address')
            if d.find('alias') is None and a is not None and a.get('type') == 'pci' \
                    and not (d.tag == 'controller' and d.get('type') == 'pci'):
                devices.remove(d)
                what = name(d)
                break
    elif mut == 'reorder':
        for d in devs:
            devices.remove(d)
        for d in reversed(devs):
            a = d.find('address')
            if a is not None and a.get('type') == 'pci':
                for k in ('domain', 'bus', 'slot', 'function'):
                    if a.get(k) is not None:
                        a.set(k, str(int(a.get(k), 16)))
            devices.append(d)
        what = 'all devices'
    elif mut == 'strip-defaults':
        for d in pci_controllers(devs):
            m = d.find('model')
            if m is not None:
                d.remove(m)
                what = name(d)
            t = d.find('target')
            if t is not None:
                # only values that are the defaults (a saved config may
                # keep a port its controller's new address would not give)
                idx = d.get('index')
                a = d.find('address')
                dflt = {'chassis': idx, 'chassisNr': idx}
                if a is not None and a.get('type') == 'pci':
                    slot, fn = int(a.get('slot'), 16), int(a.get('function'), 16)
                    if d.get('model') == 'pcie-root-port':
                        dflt['port'] = slot * 8 + fn
                    elif d.get('model') == 'pcie-switch-downstream-port':
                        dflt['port'] = slot
                for k in ('chassis', 'chassisNr', 'port'):
                    v = t.get(k)
                    if v is not None and dflt.get(k) is not None and \
                            compare.strtoul(v) == int(dflt[k]):
                        del t.attrib[k]
                if not t.attrib:
                    d.remove(t)
    elif mut == 'strip-models':
        defs = compare.target_defaults(tree.getroot())
        for d in devs:
            if d.find('alias') is not None:
                continue
            if d.tag == 'controller' and d.get('type') == 'usb' and \
                    d.get('model') is not None and d.get('model') == defs['usb']:
                del d.attrib['model']
                what = name(d)
            elif d.tag in ('interface', 'video'):
                m = d.find('model')
                if m is not None and m.get('type') == defs['nic' if d.tag == 'interface' else 'video']:
                    del m.attrib['type']
                    what = name(d)
    else:
        print('plant.py: unknown mutation %s' % mut, file=sys.stderr)
        return 2
    if what is None:
        return 3
    tree.write(pout)
    print('%s: %s' % (mut, what))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
