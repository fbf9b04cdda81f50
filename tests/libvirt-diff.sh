#!/bin/sh
# libvirt-diff.sh: differential test, pcifix against real libvirt.
#
# Generates LIBVIRT_DIFF_N random domains (tests/libvirt/gen.py, seed
# LIBVIRT_DIFF_SEED), has libvirt define them (tests/libvirt/lv-assign), runs
# $PCIFIX on every domain libvirt accepted, and checks for each one:
#   identical  compare.py(pcifix output, libvirt output) finds no difference
#   complete   libvirt, given pcifix's output, moves and adds nothing:
#              compare.py(pcifix output, libvirt of pcifix output) is clean
# Passes only if both hold for every accepted domain.  Domains libvirt rejects
# are counted and kept (LIBVIRT_DIFF_KEEP) for the linter, not failed on.
# Skips (77) without python3 or a usable libvirt (lv-assign --check).
#
# Environment:
#   PCIFIX              program under test (default ./src/pcifix)
#   LIBVIRT_DIFF_N      number of domains (default 1000)
#   LIBVIRT_DIFF_SEED   generator seed (default 1)
#   LIBVIRT_DIFF_KEEP   directory: failing cases go to KEEP/fail (input/NAME.xml,
#                       libvirt/NAME.out.xml, pcifix/NAME.xml, pcifix-libvirt/
#                       NAME.out.xml or .err, NAME.diff), rejected inputs to
#                       KEEP/rejected/NAME.{xml,err}
#   LIBVIRT_DIFF_SHOW   failure lines printed per check (default 50; 0 = all)
#   LIBVIRT_DIFF_JOBS   parallel pcifix/virsh processes (default: CPUs)
#   LIBVIRT_DIFF_LEGACY fraction of legacy+additions domains (default 0.4)
#   LIBVIRT_DIFF_TIMEOUT seconds one pcifix run may take (default 30)

LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
lv=$here/libvirt/lv-assign
gen=$here/libvirt/gen.py
cmp=$here/libvirt/compare.py
PCIFIX=${PCIFIX:-./src/pcifix}
N=${LIBVIRT_DIFF_N:-1000}
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

command -v python3 >/dev/null 2>&1 || { say "SKIP: python3 not found"; exit 77; }
if ! "$lv" --check; then
    say "SKIP: libvirt is not usable here (see above)"
    exit 77
fi
case $PCIFIX in */*) ;; *) PCIFIX=$(command -v "$PCIFIX") ;; esac
[ -x "$PCIFIX" ] || hard "PCIFIX=$PCIFIX is not executable"
PCIFIX=$(cd "$(dirname "$PCIFIX")" && pwd)/$(basename "$PCIFIX")

work=$(mktemp -d "${TMPDIR:-/tmp}/libvirt-diff.XXXXXX") || hard "mktemp failed"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
t_start=$(date +%s)
now() { echo $(( $(date +%s) - t_start )); }

# ---- 1. generate, 2. libvirt on the inputs -------------------------------
python3 "$gen" --seed "$SEED" -n "$N" --out "$work/in" --lv-assign "$lv" \
    --legacy-fraction "$LEGACY" || hard "gen.py failed"
say "generated $N domains (seed $SEED) in $(now) s"
"$lv" --batch "$work/in" "$work/lv" 2>"$work/lv.log" || { cat "$work/lv.log"; hard "lv-assign failed"; }
cat "$work/lv.log"

: >"$work/accepted"
: >"$work/rejected"
while IFS="$(printf '\t')" read -r name flavour machine ndev; do
    if [ -e "$work/lv/$name.out.xml" ]; then
        echo "$name $flavour" >>"$work/accepted"
    else
        echo "$name $flavour" >>"$work/rejected"
    fi
done <"$work/in/MANIFEST.tsv"
A=$(wc -l <"$work/accepted" | tr -d ' ')
R=$(wc -l <"$work/rejected" | tr -d ' ')
[ "$A" -gt 0 ] || hard "libvirt accepted none of the $N domains"
for fl in $(cut -d' ' -f2 "$work/accepted" "$work/rejected" | sort -u); do
    say "  $fl: $(grep -c " $fl\$" "$work/accepted") accepted, $(grep -c " $fl\$" "$work/rejected") rejected"
done
if [ "$R" -gt 0 ]; then
    say "rejected by libvirt (for the linter; not a failure), by message:"
    while read -r name fl; do
        grep -v '^error: Failed to define domain' "$work/lv/$name.err" | head -n 1
    done <"$work/rejected" | sed 's/[0-9][0-9a-fx:.]*/N/g' | sort | uniq -c | sort -rn |
        sed "s/^/$me:   /"
    if [ -n "$KEEP" ]; then
        mkdir -p "$KEEP/rejected"
        while read -r name fl; do
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
    $to "$pcifix" "$in/$name.xml" >"$ok/$name.xml" 2>"$raw/$name.stderr"
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
while read -r name fl; do
    [ -e "$work/fix/$name.xml" ] || continue
    echo "$name$tab$work/fix/$name.xml$tab$work/lv/$name.out.xml" >>"$work/ident.lst"
    echo "$name$tab$work/in/$name.xml$tab$work/fix/$name.xml" >>"$work/ins.lst"
    [ -e "$work/lv2/$name.out.xml" ] &&
        echo "$name$tab$work/fix/$name.xml$tab$work/lv2/$name.out.xml" >>"$work/compl.lst"
done <"$work/accepted"
python3 "$cmp" --labels pcifix,libvirt --batch "$work/ident.lst" >"$work/ident.diff"
python3 "$cmp" --labels pcifix,libvirt-again --batch "$work/compl.lst" >"$work/compl.diff"
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
while read -r name fl; do        # libvirt rejected pcifix's output
    [ -e "$work/fix/$name.xml" ] || continue
    [ -e "$work/lv2/$name.out.xml" ] && continue
    echo "$name libvirt rejects pcifix's output: $(grep -v '^error: Failed to define' "$work/lv2/$name.err" | head -n 1)" >>"$work/fail.compl"
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

# per flavour: identical and complete among the accepted
awk -v fi="$work/fail.ident" -v fc="$work/fail.compl" -v me="$me" '
    BEGIN { while ((getline l < fi) > 0) { split(l, a, " "); bi[a[1]] = 1 }
            while ((getline l < fc) > 0) { split(l, a, " "); bc[a[1]] = 1 } }
    { n[$2]++; if (!($1 in bi)) x[$2]++; if (!($1 in bc)) y[$2]++; if (!($2 in seen)) { seen[$2] = 1; o[++k] = $2 } }
    END { for (i = 1; i <= k; i++) { f = o[i]
          printf "%s:   %s: identical %d/%d, complete %d/%d\n", me, f, x[f], n[f], y[f], n[f] } }
' "$work/accepted"
nins=$(cut -d: -f1 "$work/ins.diff" | sort -u | wc -l | tr -d ' ')
nfix=$(wc -l <"$work/ins.lst" | tr -d ' ')
say "(info) pcifix output is its input plus inserted lines for $((nfix - nins))/$nfix domains"
say "time: $(now) s"
say "$N domains ($A accepted by libvirt, $R rejected), identical $X/$A, complete $Y/$A"
[ "$X" = "$A" ] && [ "$Y" = "$A" ] || exit 1
exit 0
