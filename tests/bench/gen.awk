# gen.awk: write one deterministic libvirt domain for the benchmarks.
#
#   awk -v machine=pc|q35 -v disks=N -v nics=N -v id=N -f gen.awk
#
# A valid libvirt QEMU domain (type='qemu', x86_64) with DISKS virtio disks
# (targets vda, vdb, ..., vdz, vdaa, ...) and NICS virtio interfaces (MACs
# 52:54:00:XX:YY:ZZ from ID and the NIC number, unique within the domain),
# interleaved, none of them with an address, plus the usual serial console,
# VNC, video and memballoon.  Name bench-ID, UUID derived from ID.  No
# randomness: the same variables always give the same bytes.

# Disk target name for index I (0 -> vda, 25 -> vdz, 26 -> vdaa), the
# bijective base-26 libvirt's virDiskNameToIndex() reads.
function diskname(i,    s) {
	s = ""
	i = i + 1
	while (i > 0) {
		i = i - 1
		s = substr("abcdefghijklmnopqrstuvwxyz", i % 26 + 1, 1) s
		i = int(i / 26)
	}
	return "vd" s
}

function disk(i) {
	printf "    <disk type='file' device='disk'>\n"
	printf "      <driver name='qemu' type='qcow2'/>\n"
	printf "      <source file='/var/lib/libvirt/images/bench-%d-%s.qcow2'/>\n", id, diskname(i)
	printf "      <target dev='%s' bus='virtio'/>\n", diskname(i)
	printf "    </disk>\n"
}

function nic(i,    m) {
	m = (id * 65536 + i) % 16777216
	printf "    <interface type='network'>\n"
	printf "      <mac address='52:54:00:%02x:%02x:%02x'/>\n", int(m / 65536), int(m / 256) % 256, m % 256
	printf "      <source network='default'/>\n"
	printf "      <model type='virtio'/>\n"
	printf "    </interface>\n"
}

BEGIN {
	if (machine != "pc" && machine != "q35") {
		print "gen.awk: machine must be pc or q35" > "/dev/stderr"
		exit 2
	}
	disks += 0; nics += 0; id += 0
	printf "<domain type='qemu'>\n"
	printf "  <name>bench-%d</name>\n", id
	printf "  <uuid>6f1c2a4e-3b7d-4c85-9a10-%012x</uuid>\n", id
	printf "  <memory unit='MiB'>2048</memory>\n"
	printf "  <vcpu>2</vcpu>\n"
	printf "  <os>\n"
	printf "    <type arch='x86_64' machine='%s'>hvm</type>\n", machine
	printf "    <boot dev='hd'/>\n"
	printf "  </os>\n"
	printf "  <features>\n    <acpi/>\n    <apic/>\n  </features>\n"
	printf "  <devices>\n"
	printf "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
	d = 0; n = 0
	while (d < disks || n < nics) {
		if (d < disks) disk(d++)
		if (n < nics) nic(n++)
	}
	printf "    <serial type='pty'>\n      <target port='0'/>\n    </serial>\n"
	printf "    <console type='pty'>\n      <target type='serial' port='0'/>\n    </console>\n"
	printf "    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>\n"
	printf "    <video>\n      <model type='vga'/>\n    </video>\n"
	printf "    <memballoon model='virtio'/>\n"
	printf "  </devices>\n"
	printf "</domain>\n"
}
