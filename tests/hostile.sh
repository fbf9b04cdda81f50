#!/usr/bin/env bash
# hostile.sh - pcifix on hostile inputs: a clean error or a correct result, never a crash, in bounded memory.
#
# Each case is generated in a temporary directory (nothing big is kept in
# the tree) and run as `pcifix FILE` with a time limit.  What it expects:
#   error RULE...  exit status 3, nothing on stdout, and on stderr exactly
#                  one "pcifix: FILE:LINE: error: ... [RULE]" line for one
#                  of the RULEs (hint lines may follow it);
#   ok             exit status 0 (notes and warnings allowed) and the case's
#                  own check of the output (addresses added, nothing added
#                  where nothing belongs, the DOCTYPE kept byte for byte).
# Every case: no signal, no sanitizer report, at most its SECONDS (default
# HOSTILE_TIMEOUT; 10 for the cases that take 0.1 s when all is well), and a
# peak RSS (/usr/bin/time -f %M, or getrusage through python3) of at most
# 4 x the input size + 64 MB, or 1.5 x the peak RSS of
# `xmllint --output /dev/null` on the same input when that is more (shown
# but not enforced for an AddressSanitizer build, whose RSS is mostly shadow
# memory).  Cases marked "trace" run a second time under
# strace -f -e trace=open,openat,openat2,connect,socket, which must show no
# open of /etc/passwd or of any DTD, and no socket or connect at all (when
# strace is missing, the column says so and the case does not fail for it).
#
# Prints a table and "hostile: N passed, N failed".  Exit status 0 when all
# passed, 1 otherwise.  Environment: PCIFIX (default ./src/pcifix),
# HOSTILE_TIMEOUT (default 300 s), HOSTILE_CASES (names to run, default all),
# HOSTILE_KEEP=1 keeps the work directory.

set -u
me=hostile
. "$(dirname "$0")/setup"
need_pcifix
limit_s=${HOSTILE_TIMEOUT:-300}
top=$top_srcdir
if [ "${HOSTILE_KEEP:-0}" = 1 ]; then
	make_work keep
else
	make_work
fi

# How to measure the peak RSS (KB) of one command.
if /usr/bin/time -f %M -o "$work/probe.rss" true 2>/dev/null && [ -s "$work/probe.rss" ]; then
	rss_tool='time'
elif command -v python3 >/dev/null 2>&1; then
	rss_tool=python3
else
	rss_tool=none
fi
# An ASan build's RSS counts shadow memory and the quarantine: shown, not held to the limit.
enforce_rss=yes
if grep -q -a __asan_init "$PCIFIX" 2>/dev/null; then
	enforce_rss=no
fi
have_strace=no
if command -v strace >/dev/null 2>&1 && strace -f -qq -o /dev/null true 2>/dev/null; then
	have_strace=yes
fi
have_timeout=no
command -v timeout >/dev/null 2>&1 && have_timeout=yes
# libxml2's own tool on the same input, as the reference for memory: the
# bound is 4 x input + 64 MB, or 1.5 x what `xmllint --output /dev/null`
# needs when that is more (a domain of many tiny elements: libxml2's tree
# costs more than 4 bytes per byte there too).
have_xmllint=no
command -v xmllint >/dev/null 2>&1 && have_xmllint=yes

# measure RSSFILE SECONDS CMD...: run CMD for at most SECONDS, write its peak
# RSS in KB to RSSFILE; returns CMD's status (137 when it was stopped).
measure() {
	local rssf=$1 secs=$2
	shift 2
	local t=()
	[ $have_timeout = yes ] && t=(timeout -s KILL "$secs")
	case $rss_tool in
	time)
		/usr/bin/time -f %M -o "$rssf" "${t[@]}" "$@"
		;;
	python3)
		python3 -c '
import os, resource, subprocess, sys
r = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(r if r >= 0 else 128 - r)' "$rssf" "${t[@]}" "$@"
		;;
	*)
		echo 0 >"$rssf"
		"${t[@]}" "$@"
		;;
	esac
}

# ---- generators: gen_NAME writes the input to stdout ---------------------

# head_dom MACHINE: the start of a domain, up to and with <devices>.
head_dom() {
	printf '%s\n' "<domain type='kvm'>" "  <name>hostile</name>" \
		"  <memory unit='GiB'>1</memory>" "  <os>" \
		"    <type arch='x86_64' machine='${1:-pc}'>hvm</type>" "  </os>" "  <devices>"
}
tail_dom() {
	printf '%s\n' "  </devices>" "</domain>"
}
virtio_disk() {
	printf '%s\n' "    <disk type='file' device='disk'>" \
		"      <source file='/var/lib/libvirt/images/$1.img'/>" \
		"      <target dev='$1' bus='virtio'/>" "    </disk>"
}
# pci_disk NAME ATTRS: a virtio disk with <address type='pci' ATTRS/>.
pci_disk() {
	printf '%s\n' "    <disk type='file' device='disk'>" \
		"      <source file='/var/lib/libvirt/images/$1.img'/>" \
		"      <target dev='$1' bus='virtio'/>" \
		"      <address type='pci' $2/>" "    </disk>"
}

gen_billion_laughs() {
	printf '%s\n' '<?xml version="1.0"?>' '<!DOCTYPE domain [' '  <!ENTITY lol "lol">'
	local i prev=lol
	for i in 1 2 3 4 5 6 7 8 9; do
		printf '  <!ENTITY lol%s "' "$i"
		for _ in 1 2 3 4 5 6 7 8 9 10; do printf '&%s;' "$prev"; done
		printf '">\n'
		prev=lol$i
	done
	printf '%s\n' ']>' "<domain type='kvm'><name>&lol9;</name></domain>"
}

gen_xxe_file() {
	printf '%s\n' '<?xml version="1.0"?>' '<!DOCTYPE domain [' \
		'  <!ENTITY x SYSTEM "file:///etc/passwd">' ']>'
	head_dom pc | sed "s|<name>hostile</name>|<name>\&x;</name>|"
	tail_dom
}

gen_xxe_parameter() {
	printf '%s\n' '<?xml version="1.0"?>' '<!DOCTYPE domain [' \
		'  <!ENTITY % p SYSTEM "file:///etc/passwd">' '  %p;' ']>'
	head_dom pc
	tail_dom
}

gen_xxe_attribute() {
	printf '%s\n' '<?xml version="1.0"?>' '<!DOCTYPE domain [' \
		'  <!ENTITY x SYSTEM "file:///etc/passwd">' ']>'
	head_dom pc
	pci_disk vda "slot='&x;'"
	tail_dom
}

gen_external_dtd_http() {
	printf '%s\n' '<?xml version="1.0"?>' \
		'<!DOCTYPE domain SYSTEM "http://127.0.0.1:9/x.dtd">'
	head_dom pc
	virtio_disk vda
	tail_dom
}

gen_external_dtd_file() {
	printf '%s\n' '<!DOCTYPE domain PUBLIC "-//x//DTD x//EN" "file:///etc/passwd">'
	head_dom pc
	virtio_disk vda
	tail_dom
}

gen_xinclude() {
	head_dom pc
	printf '%s\n' '    <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>'
	virtio_disk vda
	tail_dom
}

gen_deep_10000() {
	head_dom pc
	virtio_disk vda
	printf '%s\n' "  </devices>" "  <metadata>"
	awk 'BEGIN { for (i = 0; i < 10000; i++) printf "<a>"; for (i = 0; i < 10000; i++) printf "</a>"; print "" }'
	printf '%s\n' "  </metadata>" "</domain>"
}

gen_deep_200() {
	head_dom pc
	virtio_disk vda
	printf '%s\n' "  </devices>" "  <metadata>"
	awk 'BEGIN { for (i = 0; i < 200; i++) printf "<a>"; for (i = 0; i < 200; i++) printf "</a>"; print "" }'
	printf '%s\n' "  </metadata>" "</domain>"
}

gen_attribute_100mb() {
	printf "<domain type='kvm' x='"
	head -c 104857600 /dev/zero | tr '\0' A
	printf "'>\n"
	head_dom pc | sed 1d
	virtio_disk vda
	tail_dom
}

gen_name_1mb() {
	head_dom pc
	printf '    <'
	head -c 1048576 /dev/zero | tr '\0' a
	printf '/>\n'
	tail_dom
}

gen_many_attributes() {
	head_dom pc
	printf '    <memballoon model='"'"'none'"'"
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf " a%d=\x27%d\x27", i, i }'
	printf '/>\n'
	virtio_disk vda
	tail_dom
}

gen_nul_in_text() {
	head_dom pc
	printf '    <emulator>/usr/bin/qemu\0-system-x86_64</emulator>\n'
	tail_dom
}

gen_nul_in_attribute() {
	head_dom pc
	printf "    <disk type='file\0' device='disk'/>\n"
	tail_dom
}

gen_nul_after_root() {
	head_dom pc
	virtio_disk vda
	tail_dom
	printf '\0\0\0'
}

gen_invalid_utf8() {
	head_dom pc | sed 's|<name>hostile</name>|<name>caf\xe9</name>|'
	tail_dom
}

gen_overlong_utf8() {
	head_dom pc | sed 's|<name>hostile</name>|<name>\xc0\xaf\xe0\x80\xaf</name>|'
	tail_dom
}

gen_surrogate_utf8() {
	head_dom pc
	printf "    <disk type='file' device='disk' x='\xed\xa0\x80'/>\n"
	tail_dom
}

gen_charref_nul() {
	head_dom pc | sed 's|<name>hostile</name>|<name>a\&#x0;b</name>|'
	tail_dom
}

gen_slot_0x100000000() {
	head_dom pc
	pci_disk vda "domain='0x0000' bus='0x00' slot='0x100000000' function='0x0'"
	tail_dom
}

gen_slot_huge_decimal() {
	head_dom pc
	pci_disk vda "domain='0' bus='0' slot='184467440737095516160' function='0'"
	tail_dom
}

gen_slot_negative() {
	head_dom pc
	pci_disk vda "domain='0x0000' bus='0x00' slot='-1' function='0x0'"
	tail_dom
}

gen_bus_negative_hex() {
	head_dom pc
	pci_disk vda "domain='0x0000' bus='-0x1' slot='0x05' function='0x0'"
	tail_dom
}

gen_function_negative() {
	head_dom pc
	pci_disk vda "domain='0x0000' bus='0x00' slot='0x05' function='-0'"
	tail_dom
}

gen_index_negative() {
	head_dom q35
	printf '%s\n' "    <controller type='pci' index='-1' model='pcie-root-port'/>"
	tail_dom
}

gen_duplicate_attribute() {
	head_dom pc
	pci_disk vda "domain='0x0000' bus='0x00' slot='0x05' slot='0x06' function='0x0'"
	tail_dom
}

gen_namespaced() {
	head_dom q35 | sed "s|<domain type='kvm'>|<domain type='kvm' xmlns:x='urn:x'>|"
	printf '%s\n' "    <x:interface type='network'>" "      <x:model type='virtio'/>" \
		"    </x:interface>" \
		"    <interface xmlns='urn:y' type='network'>" "      <model type='virtio'/>" \
		"    </interface>"
	virtio_disk vda
	tail_dom
}

# A disk's target name is a number to libvirt (sda 0, sdb 1, ..., sdaa 26):
# sdzzzzz is disk 12356653, on SCSI controller 12356653 / 7, so libvirt
# would add 1.7 million lsilogic controllers (and fail to place them).  The
# answer is pci-capacity; it must not take longer to give than a normal run.
gen_scsi_disk_name_index() {
	head_dom pc
	printf '%s\n' "    <disk type='file' device='disk'>" \
		"      <source file='/var/lib/libvirt/images/a.img'/>" \
		"      <target dev='sdzzzzz' bus='scsi'/>" "    </disk>"
	tail_dom
}

gen_ide_disk_name_index() {
	head_dom pc
	printf '%s\n' "    <disk type='file' device='disk'>" \
		"      <source file='/var/lib/libvirt/images/a.img'/>" \
		"      <target dev='hdzzzzz' bus='ide'/>" "    </disk>"
	tail_dom
}

# The same through a drive address: 65536 SCSI controllers.
gen_drive_controller_65535() {
	head_dom pc
	printf '%s\n' "    <disk type='file' device='disk'>" \
		"      <source file='/var/lib/libvirt/images/a.img'/>" \
		"      <target dev='sda' bus='scsi'/>" \
		"      <address type='drive' controller='65535' bus='0' target='0' unit='0'/>" \
		"    </disk>"
	tail_dom
}

# q35, the <devices> children indented by a million spaces: new lines must not copy it.
gen_indent_1m() {
	head_dom q35
	awk 'BEGIN { s = " "; while (length(s) < 1000000) s = s s; s = substr(s, 1, 1000000)
		for (i = 0; i < 8; i++)
		printf "%s<interface type=\x27network\x27><source network=\x27default\x27/><model type=\x27virtio\x27/></interface>\n", s }'
	tail_dom
}
gen_indent_1m_check() {
	gen_indent_1m
}

# About 9 MB on one line: 3000 virtio disks and padding comments, no newline at all.
gen_one_line_9mb() {
	awk 'BEGIN { printf "<domain type=\x27kvm\x27><name>one</name><memory unit=\x27GiB\x27>1</memory><os><type arch=\x27x86_64\x27 machine=\x27pc\x27>hvm</type></os><devices>"
		for (i = 0; i < 3000; i++)
			printf "<disk type=\x27file\x27 device=\x27disk\x27><source file=\x27/i/d%06d.img\x27/><target dev=\x27vd%d\x27 bus=\x27virtio\x27/></disk><!-- %2900s -->", i, i, ""
		printf "</devices></domain>" }'
}

# "<?xml ... encoding='IBM037'?>" in EBCDIC: libxml2 would load iconv modules and print.
gen_ebcdic() {
	{ printf '%s\n' "<?xml version='1.0' encoding='IBM037'?>"; head_dom pc; virtio_disk vda; tail_dom; } |
		iconv -f UTF-8 -t IBM037
}
gen_declared_latin1() {
	printf '%s\n' "<?xml version='1.0' encoding='ISO-8859-1'?>"
	head_dom pc; virtio_disk vda; tail_dom
}
gen_utf16le_bom() {
	{ head_dom pc; virtio_disk vda; tail_dom; } | iconv -f UTF-8 -t UTF-16
}
# An attribute type declared in the internal subset would make libvirt read
# bus=' virtio ' as virtio while the scanner reads it as written.
gen_attlist() {
	printf '%s\n' "<!DOCTYPE domain [" "<!ATTLIST target bus NMTOKEN #IMPLIED>" "]>"
	head_dom pc
	printf '%s\n' "    <disk type='file' device='disk'>" \
		"      <source file='/var/lib/libvirt/images/a.img'/>" \
		"      <target dev='vda' bus=' virtio '/>" "    </disk>"
	tail_dom
}

# A value that would print a diagnostic line of its own, were it printed raw.
gen_forged_diagnostic() {
	head_dom pc
	pci_disk vda "slot='0x05&#10;pcifix: other.xml:7: error: forged [pci-duplicate]'"
	tail_dom
}

# Larger than the default limit (10 MiB): refused before it is read.
gen_over_limit() {
	head_dom pc
	awk 'BEGIN { for (i = 0; i < 200000; i++) printf "    <serial type=\x27pty\x27><target port=\x27%d\x27/></serial>\n", i }'
	tail_dom
}

gen_domain_50mb() {
	# pc: 6000 virtio disks without addresses (pcifix adds pci-bridges for
	# them) and, to reach 50 MB, serial ports, which take no PCI address.
	head_dom pc
	awk 'BEGIN {
		for (i = 0; i < 6000; i++)
			printf "    <disk type=\x27file\x27 device=\x27disk\x27>\n      <source file=\x27/var/lib/libvirt/images/d%06d.img\x27/>\n      <target dev=\x27vd%d\x27 bus=\x27virtio\x27/>\n    </disk>\n", i, i
		for (i = 0; i < 745000; i++)
			printf "    <serial type=\x27pty\x27>\n      <target port=\x27%d\x27/>\n    </serial>\n", i
	}'
	tail_dom
}

# ---- checks of "ok" results: check_NAME INPUT OUTPUT STDERR ---------------

# The DOCTYPE line is kept byte for byte and the disk got an address.
check_external_dtd_http() {
	grep -q -F '<!DOCTYPE domain SYSTEM "http://127.0.0.1:9/x.dtd">' "$2" &&
		grep -q "<address type='pci'" "$2"
}
check_external_dtd_file() {
	grep -q -F '<!DOCTYPE domain PUBLIC "-//x//DTD x//EN" "file:///etc/passwd">' "$2" &&
		grep -q "<address type='pci'" "$2"
}
check_xinclude() {
	grep -q -F '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>' "$2" &&
		! grep -q root: "$2" && grep -q "<address type='pci'" "$2"
}
check_deep_200() {
	cmp -s <(grep -o '<a>' "$1" | wc -l) <(grep -o '<a>' "$2" | wc -l) &&
		grep -q "<address type='pci'" "$2"
}
check_many_attributes() {
	grep -q "<address type='pci'" "$2"
}
# The namespaced interfaces are not libvirt's: they stay as they are; the disk gets its address.
check_namespaced() {
	local a b
	a=$(sed -n '/<x:interface/,/<\/interface>/p' "$1")
	b=$(sed -n '/<x:interface/,/<\/interface>/p' "$2")
	[ "$a" = "$b" ] && [ "$(grep -c "<address type='pci'" "$2")" -ge 2 ] &&
		[ "$(sed -n '/<x:interface/,/<\/interface>/p' "$2" | grep -c '<address')" -eq 0 ]
}
# Every virtio disk has a PCI address, and a second run changes nothing.
check_domain_50mb() {
	local disks addrs
	disks=$(grep -c "bus='virtio'" "$1")
	addrs=$(awk '/<disk /{d=1} d && /<address type=.pci./{n++} /<\/disk>/{d=0} END{print n+0}' "$2")
	[ "$disks" -eq "$addrs" ] || { echo "    $addrs addresses for $disks disks"; return 1; }
	"$PCIFIX" --max-size=64M "$2" >"$2.again" 2>/dev/null && cmp -s "$2" "$2.again" ||
		{ echo "    a second run changed the output"; return 1; }
}
# Every NIC got an address, and the output is not much bigger than the input.
check_indent_1m() {
	[ "$(grep -c "<address type='pci'" "$2")" -ge 8 ] || { echo "    addresses missing"; return 1; }
	[ "$(wc -c <"$2")" -le $(( $(wc -c <"$1") + 1048576 )) ] ||
		{ echo "    output $(wc -c <"$2") bytes for $(wc -c <"$1") in"; return 1; }
}
# Every disk got an address, and the one-line file took at most 3 times what
# the same domain with a newline after each element takes, plus a second.
check_one_line_9mb() {
	local t0 t1 t2 one multi
	[ "$(grep -o "<target dev='vd[0-9]*' bus='virtio'/><address type='pci'" "$2" | wc -l)" -eq 3000 ] ||
		{ echo "    addresses missing"; return 1; }
	sed 's/></>\n</g' "$1" >"$1.lines"
	t0=$(date +%s%N)
	"$PCIFIX" "$1" >/dev/null 2>&1
	t1=$(date +%s%N)
	"$PCIFIX" "$1.lines" >/dev/null 2>&1
	t2=$(date +%s%N)
	one=$(( (t1 - t0) / 1000000 )) multi=$(( (t2 - t1) / 1000000 ))
	echo "    one line $one ms, multi-line $multi ms"
	[ "$one" -le $((3 * multi + 1000)) ] || { echo "    one-line run too slow: $one ms vs $multi ms"; return 1; }
}

# ---- the table -----------------------------------------------------------
# NAME | EXPECTATION | trace? | SECONDS (default HOSTILE_TIMEOUT) | PCIFIX ARGUMENTS
# (a case's input comes from gen_NAME, with - as _)
# EXPECTATION: ok, error RULE..., io MESSAGE-START (exit 4), would-change (--check: exit 1)
cases='
billion-laughs        | error xml-entity                    | trace
xxe-file              | error xml-entity                    | trace
xxe-parameter         | error xml-entity                    | trace
xxe-attribute         | error xml-entity                    | trace
external-dtd-http     | ok                                  | trace
external-dtd-file     | ok                                  | trace
xinclude              | ok                                  | trace
deep-10000            | error xml-syntax                    |
deep-200              | ok                                  |
attribute-100mb       | error xml-syntax                    |       |    | --max-size=200M
name-1mb              | error xml-syntax                    |
many-attributes       | ok                                  |
nul-in-text           | error xml-syntax xml-encoding       |
nul-in-attribute      | error xml-syntax xml-encoding       |
nul-after-root        | error xml-syntax                    |
invalid-utf8          | error xml-encoding                  |
overlong-utf8         | error xml-encoding                  |
surrogate-utf8        | error xml-encoding xml-syntax       |
charref-nul           | error xml-syntax                    |
slot-0x100000000      | error address-range bad-number      |
slot-huge-decimal     | error address-range bad-number      |
slot-negative         | error bad-number                    |
bus-negative-hex      | error bad-number                    |
function-negative     | error bad-number                    |
index-negative        | error bad-number                    |
duplicate-attribute   | error xml-syntax                    |
namespaced            | ok                                  |
domain-50mb           | ok                                  |       |    | --max-size=64M
indent-1m             | ok                                  |
indent-1m-check       | would-change                        |       |    | --check
one-line-9mb          | ok                                  |
ebcdic                | error xml-encoding                  |
declared-latin1       | error xml-encoding                  |
utf16le-bom           | error xml-encoding                  |
attlist               | error xml-entity                    |
forged-diagnostic     | error bad-number                    |
over-limit            | io larger than 10485760 bytes       |
scsi-disk-name-index  | error pci-capacity                  |       | 10
ide-disk-name-index   | error pci-capacity                  |       | 10
drive-controller-65535 | error pci-capacity                 |       | 10
'

passed=0
failed=0
skipped=0
rows=()
details=()

run_case() {
	local name=$1 expect=$2 trace=$3 maxs=${4:-$limit_s} fn f size rss xrss limit_kb st t0 t1 secs why=() kind rules
	local sflag=- args=()
	[ -z "${5:-}" ] || read -r -a args <<<"$5"
	fn=gen_${name//-/_}
	f=$work/$name.xml
	"$fn" >"$f"
	size=$(wc -c <"$f")
	limit_kb=$(( (4 * size) / 1024 + 64 * 1024 ))
	xrss=0
	if [ "$rss_tool" != none ] && [ $have_xmllint = yes ]; then
		(cd "$work" && measure "$work/$name.xrss" "$maxs" xmllint --nonet --output /dev/null \
			"$name.xml") >/dev/null 2>&1
		xrss=$(tail -n 1 "$work/$name.xrss" 2>/dev/null | tr -cd 0-9)
		[ -n "$xrss" ] || xrss=0
		[ $((xrss * 3 / 2)) -le "$limit_kb" ] || limit_kb=$((xrss * 3 / 2))
	fi
	t0=$(date +%s%N)
	(cd "$work" && measure "$work/$name.rss" "$maxs" "$PCIFIX" "${args[@]}" "$name.xml") \
		>"$work/$name.out" 2>"$work/$name.err"
	st=$?
	t1=$(date +%s%N)
	secs=$(( (t1 - t0) / 1000000 ))
	rss=$(tail -n 1 "$work/$name.rss" 2>/dev/null | tr -cd 0-9)
	[ -n "$rss" ] || rss=0
	# (/usr/bin/time may write "Command terminated by signal N" before the number.)

	[ "$st" -ge 128 ] && why+=("killed by signal $((st - 128))$([ $((st - 128)) -eq 9 ] && echo " (still running after the case's $maxs s?)")")
	grep -q -E 'AddressSanitizer|UndefinedBehaviorSanitizer|runtime error|LeakSanitizer' "$work/$name.err" &&
		why+=("sanitizer report")
	kind=${expect%% *}
	rules=${expect#* }
	if [ "$kind" = io ]; then
		[ "$st" -eq 4 ] || why+=("exit status $st, expected 4")
		[ ! -s "$work/$name.out" ] || why+=("wrote to stdout")
		grep -q -F "pcifix: $name.xml: error: $rules" "$work/$name.err" ||
			why+=("no 'pcifix: $name.xml: error: $rules' line")
	elif [ "$kind" = would-change ]; then
		[ "$st" -eq 1 ] || why+=("exit status $st, expected 1")
		[ "$(grep -c ': error: ' "$work/$name.err")" -eq 1 ] &&
			grep -q ': error: .*\[would-change\]$' "$work/$name.err" ||
			why+=("not exactly one error, would-change")
	elif [ "$kind" = error ]; then
		local errlines ok_rule=no r
		[ "$st" -eq 3 ] || why+=("exit status $st, expected 3")
		[ ! -s "$work/$name.out" ] || why+=("wrote $(wc -c <"$work/$name.out") bytes to stdout")
		errlines=$(grep -c ': error: ' "$work/$name.err")
		[ "$errlines" -eq 1 ] || why+=("$errlines error lines")
		for r in $rules; do
			grep -q -E "^pcifix: $name\.xml:[1-9][0-9]*: error: .* \[$r\]\$" "$work/$name.err" && ok_rule=yes
		done
		[ $ok_rule = yes ] || why+=("no 'pcifix: $name.xml:LINE: error: ... [${rules// /|}]' line")
		if grep -v -E "^pcifix: $name\.xml(:[0-9]+)?: (error|hint|note|warning): " "$work/$name.err" |
			grep -q .; then
			why+=("other lines on stderr")
		fi
	else
		[ "$st" -eq 0 ] || why+=("exit status $st, expected 0")
		grep -q ': error: ' "$work/$name.err" && why+=("an error on stderr")
		if [ "$st" -eq 0 ] && declare -f "check_${name//-/_}" >/dev/null; then
			"check_${name//-/_}" "$f" "$work/$name.out" "$work/$name.err" >"$work/$name.check" 2>&1 ||
				why+=("the output is wrong$(head -c 200 "$work/$name.check" | tr '\n' ' ')")
		fi
	fi
	if [ "$rss_tool" != none ] && [ $enforce_rss = yes ] && [ "$rss" -gt "$limit_kb" ]; then
		why+=("peak RSS $((rss / 1024)) MB > max(4 x input + 64 MB, 1.5 x xmllint's $((xrss / 1024)) MB) = $((limit_kb / 1024)) MB")
	fi

	if [ "$trace" = trace ]; then
		if [ $have_strace = yes ]; then
			(cd "$work" && strace -f -qq -o "$work/$name.strace" \
				-e trace=open,openat,openat2,connect,socket "$PCIFIX" "$name.xml") \
				>/dev/null 2>&1
			if ! grep -q -F "\"$name.xml\"" "$work/$name.strace"; then
				why+=("strace saw no open of $name.xml: tracing does not work")
				sflag=BAD
			elif grep -E 'open(at2?)?\(.*(/etc/passwd|\.dtd")' "$work/$name.strace" >"$work/$name.bad" ||
				grep -E '^[0-9]+ +(connect|socket)\(' "$work/$name.strace" >>"$work/$name.bad"; then
				why+=("strace: $(head -n 3 "$work/$name.bad" | tr '\n' ' ')")
				sflag=BAD
			else
				sflag=clean
			fi
		else
			sflag=n/a
		fi
	fi

	local verdict=PASS
	if [ ${#why[@]} -gt 0 ]; then
		verdict=FAIL
		failed=$((failed + 1))
		local w
		details+=("FAIL: $name (expected: $expect)")
		for w in "${why[@]}"; do
			details+=("  $w")
		done
		details+=("  stderr: $(head -c 400 "$work/$name.err" | tr '\n' ' ')")
	else
		passed=$((passed + 1))
	fi
	local got="exit $st"
	[ "$st" -eq 3 ] && got="exit 3 [$(sed -n 's/.*: error: .*\[\([a-z0-9-]*\)\]$/\1/p' "$work/$name.err" | head -n 1)]"
	rows+=("$(printf '%-24s %-34s %-22s %9s %9s %8s %8s %7s %6s' "$name" "$expect" "$got" \
		"$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }')" \
		"$((rss / 1024))/$((limit_kb / 1024))" "$((xrss / 1024))" "$(awk -v m="$secs" 'BEGIN { printf "%.2f", m / 1000 }')" \
		"$sflag" "$verdict")")
	echo "$verdict: $name"
	# Big inputs and outputs are not needed any more.
	[ "$size" -gt 1048576 ] && rm -f "$f" "$work/$name.out" "$work/$name.out.again"
}

while IFS='|' read -r name expect trace maxs args; do
	name=$(echo "$name" | tr -d ' ')
	[ -n "$name" ] || continue
	expect=$(echo "$expect" | sed 's/^ *//; s/ *$//')
	trace=$(echo "$trace" | tr -d ' ')
	maxs=$(echo "$maxs" | tr -d ' ')
	args=$(echo "$args" | sed 's/^ *//; s/ *$//')
	if [ -n "${HOSTILE_CASES:-}" ]; then
		case " $HOSTILE_CASES " in
		*" $name "*) ;;
		*) continue ;;
		esac
	fi
	run_case "$name" "$expect" "$trace" "$maxs" "$args"
done <<EOF
$cases
EOF

# JSON diagnostics of a file whose name is not UTF-8 must still parse, and
# ci-lint.sh on GitHub Actions must not turn a value into a workflow command.
if [ -z "${HOSTILE_CASES:-}" ] || case " $HOSTILE_CASES " in *" json-name "*) true ;; *) false ;; esac; then
	bad=$work/$(printf 'name\377.xml')
	gen_forged_diagnostic >"$bad"
	"$PCIFIX" --format=json "$bad" 2>"$work/json-name.err" >/dev/null
	if python3 -c 'import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    json.loads(line); n += 1
sys.exit(0 if n else 1)' "$work/json-name.err" 2>/dev/null; then
		passed=$((passed + 1)) verdict=PASS
	else
		failed=$((failed + 1)) verdict=FAIL
		details+=("FAIL: json-name: pcifix --format=json on a file named name\\377.xml wrote no valid JSON lines")
	fi
	rm -f "$bad"
	echo "$verdict: json-name"
fi
if [ -z "${HOSTILE_CASES:-}" ] || case " $HOSTILE_CASES " in *" ci-lint-github "*) true ;; *) false ;; esac; then
	if command -v jq >/dev/null 2>&1 && command -v git >/dev/null 2>&1; then
		r=$work/ci-repo
		mkdir -p "$r" && git -C "$r" init -q
		{ head_dom pc; pci_disk vda "slot='0x05&#10;::error file=src/main.c::owned'"; tail_dom; } >"$r/dom.xml"
		git -C "$r" add dom.xml
		(cd "$r" && PATH="$(dirname "$PCIFIX"):$PATH" PCIFIX="$PCIFIX" GITHUB_ACTIONS=true \
			sh "$top/data/ci-lint.sh") >"$work/ci-lint.out" 2>&1
		if grep -q '^::error file=dom.xml,' "$work/ci-lint.out" &&
			! grep -q '^::error file=src/main.c' "$work/ci-lint.out" &&
			[ "$(grep -c '^dom.xml:' "$work/ci-lint.out")" -eq 1 ]; then
			passed=$((passed + 1)) verdict=PASS
		else
			failed=$((failed + 1)) verdict=FAIL
			details+=("FAIL: ci-lint-github: a value became a workflow command or a line of its own:")
			details+=("$(sed 's/^/    /' "$work/ci-lint.out")")
		fi
		echo "$verdict: ci-lint-github"
	else
		skipped=$((skipped + 1))
		echo "SKIP: ci-lint-github (needs jq and git)"
	fi
fi

# An endless stream on standard input: refused at the limit, in bounded memory and time.
if [ -z "${HOSTILE_CASES:-}" ] || case " $HOSTILE_CASES " in *" stream "*) true ;; *) false ;; esac; then
	t0=$(date +%s%N)
	measure "$work/stream.rss" 30 sh -c 'yes "<a>" | "$1" -' sh "$PCIFIX" >/dev/null 2>"$work/stream.err"
	st=$?
	secs=$(( ($(date +%s%N) - t0) / 1000000 ))
	rss=$(tail -n 1 "$work/stream.rss" 2>/dev/null | tr -cd 0-9)
	why=()
	[ "$st" -eq 4 ] || why+=("exit status $st, expected 4")
	grep -q -F 'pcifix: <stdin>: error: larger than 10485760 bytes' "$work/stream.err" ||
		why+=("no 'larger than' io-error")
	[ "$rss_tool" = none ] || [ $enforce_rss = no ] || [ "${rss:-0}" -le $((64 * 1024)) ] ||
		why+=("peak RSS $((rss / 1024)) MB > 64 MB")
	if [ ${#why[@]} -eq 0 ]; then
		passed=$((passed + 1)) verdict=PASS
	else
		failed=$((failed + 1)) verdict=FAIL
		details+=("FAIL: stream (yes '<a>' | pcifix -)")
		for w in "${why[@]}"; do details+=("  $w"); done
	fi
	rows+=("$(printf '%-24s %-34s %-22s %9s %9s %8s %8s %7s %6s' stream "io larger than 10485760 bytes" \
		"exit $st" endless "$((${rss:-0} / 1024))/64" - "$(awk -v m="$secs" 'BEGIN { printf "%.2f", m / 1000 }')" - "$verdict")")
	echo "$verdict: stream"
fi

echo
printf '%-24s %-34s %-22s %9s %9s %8s %8s %7s %6s\n' case expected got "input MB" "RSS/max" xmllint "time s" strace result
for r in "${rows[@]}"; do
	printf '%s\n' "$r"
done
echo "(peak RSS in MB, measured with $rss_tool; max = 4 x input + 64 MB, or 1.5 x xmllint --output /dev/null when more (xmllint: $have_xmllint)$([ $enforce_rss = no ] &&
	echo ", not enforced: AddressSanitizer build"); strace: $have_strace)"
if [ ${#details[@]} -gt 0 ]; then
	echo
	printf '%s\n' "${details[@]}"
fi
echo "hostile: $passed passed, $failed failed$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ "$failed" -eq 0 ]
