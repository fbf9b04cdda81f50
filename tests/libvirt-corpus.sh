#!/bin/sh
# libvirt-corpus.sh: pcifix against real libvirt on libvirt's own test-suite domains.
#
# The domains nobody here wrote: tests/qemuxml2argvdata and qemuxml2xmloutdata
# of the installed libvirt's source package (tests/libvirt/corpus-fetch.sh puts
# them in LIBVIRT_CORPUS; .ci/run does that).  tests/libvirt/corpus.py
# normalises them (type='qemu', the installed emulator; every change in
# MANIFEST.tsv), libvirt defines each one (tests/libvirt/lv-assign), pcifix
# runs on every input libvirt accepts and libvirt defines pcifix's output
# again, and pcifix --check runs on every input libvirt rejects.  Then, by
# device identity (tests/libvirt/compare.py --models):
#   identical  pcifix's addresses, PCI controllers (model, <model name>,
#              <target>), implicit devices and the models libvirt fills in
#              are libvirt's;
#   complete   libvirt, given pcifix's output, changes and adds none of them;
#   rejected   an input libvirt refuses for a PCI-address reason, pcifix
#              refuses too, under the rule that goes with libvirt's message.
# It prints the table and every disagreement.  Passes when every disagreement
# is listed in tests/libvirt/corpus-exceptions.txt with its reason, and no
# listed input agrees now.  Skips (77) without python3, a usable libvirt or
# the corpus.
#
# Environment:
#   PCIFIX          program under test (default ./src/pcifix)
#   LIBVIRT_CORPUS  the corpus (default /var/tmp/pcifix-libvirt-corpus)
#   LIBVIRT_CORPUS_KEEP  directory to keep the work in (in/ lv/ fix/ relv/ check/)

me=libvirt-corpus
. "$(dirname "$0")/setup"
here=$(cd "$(dirname "$0")" && pwd)
lv=$here/libvirt/lv-assign
PCIFIX=${PCIFIX:-./src/pcifix}
CORPUS=${LIBVIRT_CORPUS:-/var/tmp/pcifix-libvirt-corpus}
KEEP=${LIBVIRT_CORPUS_KEEP:-}
me=libvirt-corpus

say() { printf '%s: %s\n' "$me" "$*"; }
hard() { say "ERROR: $*"; exit 99; }

command -v python3 >/dev/null 2>&1 || { say "SKIP: python3 not found"; exit 77; }
if [ ! -d "$CORPUS/argv" ] || [ ! -d "$CORPUS/out" ]; then
    say "SKIP: no corpus in $CORPUS (get it with: sh tests/libvirt/corpus-fetch.sh --enable-deb-src $CORPUS)"
    exit 77
fi
"$lv" --check || { say "SKIP: libvirt is not usable here (see above)"; exit 77; }
case $PCIFIX in */*) ;; *) PCIFIX=$(command -v "$PCIFIX") ;; esac
[ -x "$PCIFIX" ] || hard "PCIFIX=$PCIFIX is not executable"

if [ -n "$KEEP" ]; then
    work=$KEEP
    rm -rf "$work/in" "$work/lv" "$work/fix" "$work/relv" "$work/check"
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/libvirt-corpus.XXXXXX") || hard "mktemp failed"
    trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM
t0=$(date +%s)

say "libvirt $(cat "$CORPUS/VERSION" 2>/dev/null || echo '?') test-suite domains from $CORPUS"
python3 "$here/libvirt/corpus.py" prepare "$CORPUS" "$work" || hard "corpus.py prepare failed"
"$lv" --batch "$work/in" "$work/lv" 2>"$work/lv.log" || { cat "$work/lv.log"; hard "lv-assign failed"; }
cat "$work/lv.log"

mkdir -p "$work/fix" "$work/check"
for f in "$work"/in/*.xml; do
    n=${f##*/}; n=${n%.xml}
    if [ -e "$work/lv/$n.out.xml" ]; then
        if ! "$PCIFIX" "$f" >"$work/fix/$n.xml" 2>"$work/fix/$n.err"; then
            rm -f "$work/fix/$n.xml"
        fi
    else
        "$PCIFIX" --check --format=json "$f" >"$work/check/$n.json" 2>&1
    fi
done
"$lv" --batch "$work/fix" "$work/relv" 2>"$work/relv.log" ||
    { cat "$work/relv.log"; hard "lv-assign failed on pcifix's outputs"; }
sed 's/^/again: /' "$work/relv.log"

python3 "$here/libvirt/corpus.py" evaluate "$work" "$here/libvirt/corpus-exceptions.txt"
rc=$?
say "$(( $(date +%s) - t0 )) s"
[ -z "$KEEP" ] || say "kept in $KEEP"
[ "$rc" = 0 ] || exit 1
say "PASS"
