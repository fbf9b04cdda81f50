#!/bin/sh
# libvirt-diff.sh: differential test, pcifix against real libvirt.
#
# For every architecture in LIBVIRT_DIFF_ARCHES, generates random domains
# (tests/libvirt/gen.py --arch, seed LIBVIRT_DIFF_SEED): x86_64 pc/q35,
# aarch64 and riscv64 virt, ppc64 pseries.  libvirt defines them all
# (tests/libvirt/lv-assign), $PCIFIX runs on every domain libvirt accepted,
# and for each one:
#   identical  compare.py(pcifix output, libvirt output) finds no difference
#   complete   libvirt, given pcifix's output, moves and adds nothing:
#              compare.py(pcifix output, libvirt of pcifix output) is clean
# Passes only if both hold for every accepted domain of every architecture.
# s390x (not in the default list): the domains have virtio devices only, on
# ccw; identical and complete as above (libvirt adds a pci-root, and so must
# pcifix), and libvirt must give no device a PCI address.
# Domains libvirt rejects are counted and kept (LIBVIRT_DIFF_KEEP) for the
# linter, not failed on.  An architecture whose emulator is missing is skipped
# with a note.  Skips (77) without python3 or a usable libvirt.
#
# Environment:
#   PCIFIX              program under test (default ./src/pcifix)
#   LIBVIRT_DIFF_ARCHES architectures (default "x86_64 aarch64 riscv64 ppc64 ppc";
#                       s390x may be added)
#   LIBVIRT_DIFF_N      domains per architecture (default: 1000 for x86_64,
#                       300 for the others)
#   LIBVIRT_DIFF_N_X86_64, LIBVIRT_DIFF_N_AARCH64, LIBVIRT_DIFF_N_RISCV64,
#   LIBVIRT_DIFF_N_PPC64, LIBVIRT_DIFF_N_S390X
#                       the same for one architecture (wins over _N)
#   LIBVIRT_DIFF_SEED   generator seed (default 1)
#   LIBVIRT_DIFF_KEEP   directory: failing cases go to KEEP/fail (input/NAME.xml,
#                       libvirt/NAME.out.xml, pcifix/NAME.xml, pcifix-libvirt/
#                       NAME.out.xml or .err, NAME.diff), rejected inputs to
#                       KEEP/rejected/NAME.{xml,err}
#   LIBVIRT_DIFF_SHOW   failure lines printed per check (default 50; 0 = all)
#   LIBVIRT_DIFF_JOBS   parallel pcifix/virsh processes (default: CPUs)
#   LIBVIRT_DIFF_LEGACY fraction of legacy+additions domains (default 0.4)
#   LIBVIRT_DIFF_TIMEOUT seconds one pcifix run may take (default 30)
# Domain names: x86_64 ones are f-NNNNN (fresh) and l-NNNNN (legacy), the
# others carry the architecture: aarch64-f-NNNNN, ppc64-l-NNNNN, ...

me=libvirt-diff
. "$(dirname "$0")/setup"
here=$(cd "$(dirname "$0")" && pwd)
lv=$here/libvirt/lv-assign
gen=$here/libvirt/gen.py
cmp=$here/libvirt/compare.py
PCIFIX=${PCIFIX:-./src/pcifix}
ARCHES=${LIBVIRT_DIFF_ARCHES:-x86_64 aarch64 riscv64 ppc64 ppc}
SEED=${LIBVIRT_DIFF_SEED:-1}
SHOW=${LIBVIRT_DIFF_SHOW:-50}
JOBS=${LIBVIRT_DIFF_JOBS:-$(nproc 2>/dev/null || echo 2)}
LEGACY=${LIBVIRT_DIFF_LEGACY:-0.4}
TIMEOUT=${LIBVIRT_DIFF_TIMEOUT:-30}
KEEP=${LIBVIRT_DIFF_KEEP:-}
export LV_ASSIGN_JOBS="$JOBS"
me=libvirt-diff

say() { printf '%s: %s\n' "$me" "$*"; }
hard() { say "ERROR: $*"; exit 99; }

emulator_of() {  # arch -> emulator path
    case $1 in
        x86_64) echo /usr/bin/qemu-system-x86_64 ;;
        aarch64) echo /usr/bin/qemu-system-aarch64 ;;
        riscv64) echo /usr/bin/qemu-system-riscv64 ;;
        ppc64) echo /usr/bin/qemu-system-ppc64 ;;
        ppc) echo /usr/bin/qemu-system-ppc ;;
        s390x) echo /usr/bin/qemu-system-s390x ;;
        *) return 1 ;;
    esac
}
package_of() {  # arch -> Debian package with its emulator
    case $1 in
        x86_64) echo qemu-system-x86 ;;
        aarch64) echo qemu-system-arm ;;
        ppc64 | ppc) echo qemu-system-ppc ;;
        *) echo qemu-system-misc ;;
    esac
}
count_of() {  # arch -> number of domains
    u=$(echo "$1" | tr 'a-z' 'A-Z')
    eval "c=\${LIBVIRT_DIFF_N_$u:-}"
    if [ -n "$c" ]; then echo "$c"
    elif [ -n "${LIBVIRT_DIFF_N:-}" ]; then echo "$LIBVIRT_DIFF_N"
    elif [ "$1" = x86_64 ]; then echo 1000
    else echo 300; fi
}

command -v python3 >/dev/null 2>&1 || { say "SKIP: python3 not found"; exit 77; }
use=
for a in $ARCHES; do
    emu=$(emulator_of "$a") || hard "unknown architecture '$a' in LIBVIRT_DIFF_ARCHES"
    if [ -x "$emu" ]; then
        use="$use $a"
    else
        say "note: skipping $a: $emu not found (Debian: apt-get install $(package_of "$a"))"
    fi
done
[ -n "$use" ] || { say "SKIP: no emulator for any of: $ARCHES"; exit 77; }
case " $use " in
    *" x86_64 "*)
        lvcheck=
        if ! "$lv" --check; then
            say "SKIP: libvirt is not usable here (see above)"
            exit 77
        fi ;;
    *)  # lv-assign --check makes an x86_64 domain: a round trip of our own
        lvcheck=${use# }; lvcheck=${lvcheck%% *}
        d=$(mktemp -d "${TMPDIR:-/tmp}/libvirt-diff-check.XXXXXX") || hard "mktemp failed"
        case $lvcheck in ppc64) m=pseries ;; s390x) m=s390-ccw-virtio ;; *) m=virt ;; esac
        printf '%s\n' "<domain type='qemu'><name>libvirt-diff-check</name>" \
            "<memory unit='MiB'>64</memory><os><type arch='$lvcheck' machine='$m'>hvm</type></os>" \
            "<devices><emulator>$(emulator_of "$lvcheck")</emulator><interface type='user'>" \
            "<model type='virtio'/></interface></devices></domain>" >"$d/check.xml"
        if ! "$lv" "$d/check.xml" >"$d/out.xml" 2>"$d/err" ||
                ! grep -q "<address type=" "$d/out.xml"; then
            sed 's/^/  /' "$d/err"
            rm -rf "$d"
            say "SKIP: libvirt is not usable here (see above)"
            exit 77
        fi
        rm -rf "$d" ;;
esac
case $PCIFIX in */*) ;; *) PCIFIX=$(command -v "$PCIFIX") ;; esac
[ -x "$PCIFIX" ] || hard "PCIFIX=$PCIFIX is not executable"
PCIFIX=$(cd "$(dirname "$PCIFIX")" && pwd)/$(basename "$PCIFIX")

work=$(mktemp -d "${TMPDIR:-/tmp}/libvirt-diff.XXXXXX") || hard "mktemp failed"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
t_start=$(date +%s)
now() { echo $(( $(date +%s) - t_start )); }

# ---- 1. generate, 2. libvirt on the inputs -------------------------------
# every architecture into one directory (names differ), one lv-assign batch
mkdir -p "$work/in"
: >"$work/manifest"            # name arch flavour
total=0
for a in $use; do
    n=$(count_of "$a")
    [ "$n" -gt 0 ] 2>/dev/null || continue
    t0=$(now)
    python3 "$gen" --arch "$a" --seed "$SEED" -n "$n" --out "$work/gen-$a" --lv-assign "$lv" \
        --legacy-fraction "$LEGACY" || hard "gen.py --arch $a failed"
    mv "$work/gen-$a"/*.xml "$work/in/"
    awk -F '\t' -v a="$a" '{ print $1, a, $2 }' "$work/gen-$a/MANIFEST.tsv" >>"$work/manifest"
    say "generated $n $a domains (seed $SEED) in $(( $(now) - t0 )) s"
    total=$((total + n))
done
N=$total
[ "$N" -gt 0 ] || hard "no domains to test (LIBVIRT_DIFF_N=0?)"
"$lv" --batch "$work/in" "$work/lv" 2>"$work/lv.log" || { cat "$work/lv.log"; hard "lv-assign failed"; }
cat "$work/lv.log"

# libvirt's first real error line for a rejected file (warnings come first)
lverr() { grep '^error: ' "$1" | grep -v '^error: Failed to define' | head -n 1; }

: >"$work/accepted"            # name arch flavour
: >"$work/rejected"
while read -r name arch flavour; do
    if [ -e "$work/lv/$name.out.xml" ]; then
        echo "$name $arch $flavour" >>"$work/accepted"
    else
        echo "$name $arch $flavour" >>"$work/rejected"
    fi
done <"$work/manifest"
A=$(wc -l <"$work/accepted" | tr -d ' ')
R=$(wc -l <"$work/rejected" | tr -d ' ')
[ "$A" -gt 0 ] || hard "libvirt accepted none of the $N domains"
for a in $use; do     # an emulator libvirt cannot use is an error, not a skip
    grep -q " $a " "$work/accepted" || ! grep -q " $a " "$work/rejected" ||
        hard "libvirt accepted no $a domain: $(lverr "$work/lv/$(grep -m1 " $a " "$work/rejected" | cut -d' ' -f1).err")"
done
cut -d' ' -f2,3 "$work/accepted" "$work/rejected" | awk '!s[$0]++' | while read -r a fl; do
    say "  $a $fl: $(grep -c " $a $fl\$" "$work/accepted") accepted, $(grep -c " $a $fl\$" "$work/rejected") rejected"
done
if [ "$R" -gt 0 ]; then
    say "rejected by libvirt (for the linter; not a failure), by message:"
    while read -r name a fl; do
        lverr "$work/lv/$name.err"
    done <"$work/rejected" | sed 's/[0-9][0-9a-fx:.]*/N/g' | sort | uniq -c | sort -rn |
        sed "s/^/$me:   /"
    if [ -n "$KEEP" ]; then
        mkdir -p "$KEEP/rejected"
        while read -r name a fl; do
            cp "$work/in/$name.xml" "$work/lv/$name.err" "$KEEP/rejected/"
        done <"$work/rejected"
        say "rejected inputs kept in $KEEP/rejected"
    fi
fi

# ---- 3. pcifix on every accepted input ------------------------------------
mkdir -p "$work/fixraw" "$work/fix"
# a hanging pcifix must not hang make check: timeout(1) when available
to=
command -v timeout >/dev/null 2>&1 && to="timeout $TIMEOUT"
cat >"$work/run-pcifix" <<'EOF'
# run-pcifix TIMEOUT-CMD PCIFIX INDIR OKDIR RAWDIR NAME...: OKDIR/NAME.xml when
# pcifix exits 0; otherwise RAWDIR/NAME.xml and "NAME RC" in RAWDIR/failed.PID
# (no fork per file beyond pcifix itself: forks are slow on small machines)
to=$1 pcifix=$2 in=$3 ok=$4 raw=$5
shift 5
for name in "$@"; do
    # The guest-side lint errors (a slot without function 0, multifunction
    # off) are pcifix's own rules, tested in libvirt-lint.sh; libvirt accepts
    # such domains, so here they must not stop pcifix from writing them.
    $to "$pcifix" -W no-function-zero -W no-function-zero-pseries \
        -W no-multifunction-off "$in/$name.xml" >"$ok/$name.xml" 2>"$raw/$name.stderr"
    rc=$?
    if [ $rc != 0 ]; then
        [ $rc = 124 ] && [ -n "$to" ] && echo "timed out (${to#timeout }s)" >>"$raw/$name.stderr"
        mv "$ok/$name.xml" "$raw/$name.xml"
        echo "$name $rc" >>"$raw/failed.$$"
    fi
done
EOF
cut -d' ' -f1 "$work/accepted" |
    xargs -n 40 -P "$JOBS" sh "$work/run-pcifix" "$to" "$PCIFIX" "$work/in" "$work/fix" "$work/fixraw"
cat "$work"/fixraw/failed.* 2>/dev/null >"$work/pcifix-failed"
say "pcifix ran on $A domains by $(now) s ($(wc -l <"$work/pcifix-failed" | tr -d ' ') exited non-zero)"

# ---- 4. libvirt on pcifix's outputs ----------------------------------------
if ls "$work/fix" | grep -q '\.xml$'; then
    "$lv" --batch "$work/fix" "$work/lv2" 2>"$work/lv2.log" || { cat "$work/lv2.log"; hard "lv-assign failed"; }
else
    mkdir -p "$work/lv2"
fi

# ---- 5. compare -----------------------------------------------------------
tab=$(printf '\t')
: >"$work/ident.lst"; : >"$work/compl.lst"; : >"$work/ins.lst"
: >"$work/s390.ident"; : >"$work/s390.compl"
while read -r name a fl; do
    [ -e "$work/fix/$name.xml" ] || continue
    echo "$name$tab$work/in/$name.xml$tab$work/fix/$name.xml" >>"$work/ins.lst"
    if [ "$a" = s390x ]; then
        # s390x: virtio devices only, all on ccw; libvirt adds a pci-root (and
        # pcifix writes it), but gives no device a PCI address
        ! grep -q "<address type=.pci" "$work/lv/$name.out.xml" ||
            echo "$name: libvirt gave an s390x device a PCI address" >>"$work/s390.compl"
    fi
    echo "$name$tab$work/fix/$name.xml$tab$work/lv/$name.out.xml" >>"$work/ident.lst"
    [ -e "$work/lv2/$name.out.xml" ] &&
        echo "$name$tab$work/fix/$name.xml$tab$work/lv2/$name.out.xml" >>"$work/compl.lst"
done <"$work/accepted"
python3 "$cmp" --models --labels pcifix,libvirt --batch "$work/ident.lst" >"$work/ident.diff"
python3 "$cmp" --models --labels pcifix,libvirt-again --batch "$work/compl.lst" >"$work/compl.diff"
cat "$work/s390.ident" >>"$work/ident.diff"
cat "$work/s390.compl" >>"$work/compl.diff"
python3 "$cmp" --inserted-only --batch "$work/ins.lst" >"$work/ins.diff"

# one line per domain and check: the first difference and how many more
: >"$work/fail.ident"; : >"$work/fail.compl"
while read -r name rc; do
    m=$(head -n 3 "$work/fixraw/$name.stderr" 2>/dev/null | tr '\n' ' ')
    echo "$name pcifix exited $rc: $m" >>"$work/fail.ident"
    echo "$name pcifix exited $rc" >>"$work/fail.compl"
done <"$work/pcifix-failed"
summarise() {  # diff-file -> "name: first (+k more)"
    awk -F': ' '{ n = $1; if (!(n in c)) { first[n] = substr($0, length(n) + 3); o[++k] = n } c[n]++ }
        END { for (i = 1; i <= k; i++) { n = o[i]; printf "%s %s%s\n", n, first[n],
              (c[n] > 1 ? " (+" (c[n] - 1) " more)" : "") } }' "$1"
}
summarise "$work/ident.diff" >>"$work/fail.ident"
summarise "$work/compl.diff" >>"$work/fail.compl"
while read -r name a fl; do      # libvirt rejected pcifix's output
    [ -e "$work/fix/$name.xml" ] || continue
    [ -e "$work/lv2/$name.out.xml" ] && continue
    echo "$name libvirt rejects pcifix's output: $(lverr "$work/lv2/$name.err")" >>"$work/fail.compl"
done <"$work/accepted"

nfail_i=$(cut -d' ' -f1 "$work/fail.ident" | sort -u | wc -l | tr -d ' ')
nfail_c=$(cut -d' ' -f1 "$work/fail.compl" | sort -u | wc -l | tr -d ' ')
X=$((A - nfail_i))
Y=$((A - nfail_c))
show() {  # check-name file
    [ -s "$2" ] || return 0
    if [ "$SHOW" = 0 ]; then cat "$2"; else head -n "$SHOW" "$2"; fi |
        sed "s/^/$me: FAIL $1 /"
    n=$(wc -l <"$2" | tr -d ' ')
    [ "$SHOW" = 0 ] || [ "$n" -le "$SHOW" ] ||
        say "... $((n - SHOW)) more $1 failures (LIBVIRT_DIFF_SHOW=0 shows all)"
}
show identical "$work/fail.ident"
show complete "$work/fail.compl"

if [ -n "$KEEP" ] && { [ -s "$work/fail.ident" ] || [ -s "$work/fail.compl" ]; }; then
    # bulk copies (one cp per directory), one awk pass for the diffs
    k=$KEEP/fail
    mkdir -p "$k/input" "$k/libvirt" "$k/pcifix" "$k/pcifix-libvirt"
    cut -d' ' -f1 "$work/fail.ident" "$work/fail.compl" | sort -u >"$work/fail.names"
    bulk() {  # SRCDIR SUFFIX DESTDIR: copy SRCDIR/NAME+SUFFIX that exist
        sed "s|^|$1/|; s|\$|$2|" "$work/fail.names" | while read -r f; do
            [ -e "$f" ] && echo "$f"; done | xargs -r cp -t "$3"
    }
    bulk "$work/in" .xml "$k/input"
    bulk "$work/lv" .out.xml "$k/libvirt"
    bulk "$work/fix" .xml "$k/pcifix"
    bulk "$work/fixraw" .xml "$k/pcifix"
    bulk "$work/fixraw" .stderr "$k/pcifix"
    bulk "$work/lv2" .out.xml "$k/pcifix-libvirt"
    bulk "$work/lv2" .err "$k/pcifix-libvirt"
    find "$k/pcifix" -name '*.stderr' -size 0 -exec rm -f {} +
    awk -v k="$k" 'FNR == 1 { check = (FILENAME ~ /ident/) ? "identical" : "complete" }
        { i = index($0, ": "); n = substr($0, 1, i - 1); f = k "/" n ".diff"
          print check ": " substr($0, i + 2) >> f; close(f) }' \
        "$work/ident.diff" "$work/compl.diff"
    awk -v k="$k" '{ f = k "/" $1 ".diff"; print "pcifix failed: " $0 >> f; close(f) }' "$work/pcifix-failed"
    say "failing cases kept in $k: input/, libvirt/, pcifix/, pcifix-libvirt/ and NAME.diff"
fi

# per architecture and flavour: identical and complete among the accepted
awk -v fi="$work/fail.ident" -v fc="$work/fail.compl" -v rj="$work/rejected" -v me="$me" '
    BEGIN { while ((getline l < fi) > 0) { split(l, w, " "); bi[w[1]] = 1 }
            while ((getline l < fc) > 0) { split(l, w, " "); bc[w[1]] = 1 }
            while ((getline l < rj) > 0) { split(l, w, " "); rja[w[2]]++ } }
    { g = $2 " " $3; n[g]++; na[$2]++; if (!($1 in bi)) { x[g]++; xa[$2]++ }
      if (!($1 in bc)) { y[g]++; ya[$2]++ }
      if (!(g in seen)) { seen[g] = 1; o[++k] = g }
      if (!($2 in seena)) { seena[$2] = 1; oa[++ka] = $2 } }
    END { for (i = 1; i <= k; i++) { g = o[i]
              printf "%s:   %s: identical %d/%d, complete %d/%d\n", me, g, x[g], n[g], y[g], n[g] }
          for (i = 1; i <= ka; i++) { t = oa[i]
              printf "%s: %s: %d domains (%d accepted by libvirt, %d rejected), identical %d/%d, complete %d/%d%s\n",
                  me, t, na[t] + rja[t], na[t], rja[t], xa[t], na[t], ya[t], na[t],
                  (xa[t] == na[t] && ya[t] == na[t]) ? "" : "  FAIL" } }
' "$work/accepted"
nins=$(cut -d: -f1 "$work/ins.diff" | sort -u | wc -l | tr -d ' ')
nfix=$(wc -l <"$work/ins.lst" | tr -d ' ')
say "(info) pcifix output is its input plus inserted lines for $((nfix - nins))/$nfix domains"
say "time: $(now) s"
say "$N domains ($A accepted by libvirt, $R rejected), identical $X/$A, complete $Y/$A"
[ "$X" = "$A" ] && [ "$Y" = "$A" ] || exit 1
exit 0
