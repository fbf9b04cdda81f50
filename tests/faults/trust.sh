#!/usr/bin/env bash
# trust.sh - pcifix -i and -o as root can trust them: no link swapped in mid-run is followed, nothing is lost or widened.
#
# Each case runs pcifix on a copy of data/pc-basic.xml (which needs changes)
# in a fresh directory; the preload shim (shim.c, PCIFIX_FAULT_HOOK) runs a
# command at an exact point of the run, as another process might:
#   symlink-swap    after the first close(), the file is replaced by a link to
#                   a root-only "victim": the victim must keep its bytes, the
#                   run must fail (io-error), no temporary file may stay;
#   concurrent-edit after the first close(), another line is appended to the
#                   file: the run must fail saying the file changed, and the
#                   edit must still be there;
#   signal-TERM/INT/HUP  after the first fsync() (the temporary file exists),
#                   the signal arrives: pcifix dies of it, the file keeps its
#                   bytes, and no .NAME.pcifix-* is left;
#   acl-xattr       a POSIX ACL (user nobody rw) and a user.* attribute: both
#                   kept, and the mode (whose group bits are the ACL mask) too;
#                   skipped where the file system keeps neither;
#   hard-link       a second name: a hard-link warning, the other name keeps
#                   the old bytes;
#   long-path       a path longer than PATH_MAX is rewritten;
#   output-device   -o /dev/stdout and -o /dev/null write there (the device
#                   stays a device);
#   output-loop     -o onto a symbolic link loop fails and leaves the link;
#   stdout-full     --version, --help and --rules to /dev/full exit 4.
# Prints PASS/FAIL lines and "trust: N passed, N failed, N skipped"; exit
# status 1 on any failure, 77 without a C compiler.  PCIFIX: the program
# (default ./src/pcifix).

set -u
me=trust
. "$(dirname "$0")/../setup"
need_pcifix
here=$(cd "$(dirname "$0")" && pwd)
top=$top_srcdir
cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || skip "no C compiler"
make_work
"$cc" -O1 -shared -fPIC -o "$work/shim.so" "$here/shim.c" -ldl 2>"$work/cc.log" ||
    { echo "trust: SKIP: cannot build shim.c"; cat "$work/cc.log"; exit 77; }
dom=$top/data/pc-basic.xml
"$PCIFIX" "$dom" >"$work/new.xml" 2>/dev/null || { echo "trust: pcifix fails on $dom"; exit 1; }
cmp -s "$dom" "$work/new.xml" && { echo "trust: $dom needs no change"; exit 1; }

passed=0 failed=0 skipped=0
pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; shift; printf '  %s\n' "$@"; failed=$((failed + 1)); }
skip() { echo "SKIP: $1"; skipped=$((skipped + 1)); }
leftovers() { ls -A "$1" | grep '\.pcifix-' | tr '\n' ' '; }

# fresh NAME: a directory with dom.xml, mode 0640
fresh() {
    d=$work/$1
    rm -rf "$d"
    mkdir "$d"
    cp "$dom" "$d/dom.xml"
    chmod 640 "$d/dom.xml"
}

# hooked WHEN:FN:N:COMMAND ARGS...: pcifix ARGS with the shim's hook
hooked() {
    local hook=$1
    shift
    (cd "$d" && env LD_PRELOAD="$work/shim.so" ASAN_OPTIONS="verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
        PCIFIX_FAULT_HOOK="$hook" PCIFIX_FAULT_TRACE="$work/trace" "$PCIFIX" "$@") \
        >"$work/out" 2>"$work/err"
}

# Does the hook take effect here (not with an ASan build, for one)?
fresh probe
rm -f "$work/trace"
hooked "after:close:1:touch $work/probe/hooked" -i dom.xml
hook_ok=no
[ -e "$work/probe/hooked" ] && hook_ok=yes

# ---- symlink swap -------------------------------------------------------
if [ "$hook_ok" = yes ]; then
    fresh swap
    printf 'SECRET\n' >"$work/victim"
    chmod 600 "$work/victim"
    hooked "after:close:1:mv dom.xml dom.moved && ln -s $work/victim dom.xml" -i dom.xml
    st=$?
    why=()
    [ "$(cat "$work/victim")" = SECRET ] || why+=("the victim was overwritten")
    [ "$st" -ne 0 ] || why+=("exit status 0")
    [ -z "$(leftovers "$d")" ] || why+=("left: $(leftovers "$d")")
    [ -L "$d/dom.xml" ] || why+=("the link the other process made is gone")
    [ ${#why[@]} -eq 0 ] && pass "symlink-swap (exit $st)" || fail symlink-swap "${why[@]}" "$(head -c 300 "$work/err")"

    fresh edit
    hooked "after:close:1:printf '<!-- an edit -->\\n' >>dom.xml" -i dom.xml
    st=$?
    why=()
    [ "$st" -eq 4 ] || why+=("exit status $st, expected 4")
    grep -q 'changed while pcifix was running' "$work/err" || why+=("no 'changed while pcifix was running'")
    [ "$(tail -n 1 "$d/dom.xml")" = '<!-- an edit -->' ] || why+=("the edit is lost")
    [ -z "$(leftovers "$d")" ] || why+=("left: $(leftovers "$d")")
    [ ${#why[@]} -eq 0 ] && pass concurrent-edit || fail concurrent-edit "${why[@]}" "$(head -c 300 "$work/err")"

    for sig in TERM INT HUP; do
        fresh "sig$sig"
        # (The braces keep bash's "Terminated" report off the log.)
        { hooked "after:fsync:1:kill -$sig \$PPID" -i dom.xml; st=$?; } 2>/dev/null
        why=()
        [ "$st" -eq $((128 + $(kill -l "$sig"))) ] || why+=("exit status $st, expected death by SIG$sig")
        cmp -s "$d/dom.xml" "$dom" || why+=("the file changed")
        [ -z "$(leftovers "$d")" ] || why+=("left: $(leftovers "$d")")
        [ ${#why[@]} -eq 0 ] && pass "signal-$sig" || fail "signal-$sig" "${why[@]}"
    done
else
    skip "symlink-swap, concurrent-edit, signals: the preload hook does not take effect here (an ASan build?)"
fi

# ---- ACL and extended attributes -------------------------------------------
fresh acl
if command -v setfacl >/dev/null 2>&1 && command -v getfattr >/dev/null 2>&1 &&
   setfacl -m u:nobody:rw "$d/dom.xml" 2>/dev/null &&
   setfattr -n user.pcifix.test -v kept "$d/dom.xml" 2>/dev/null; then
    acl=$(getfacl -c "$d/dom.xml" 2>/dev/null)
    mode=$(stat -c %a "$d/dom.xml")
    "$PCIFIX" -i "$d/dom.xml" 2>"$work/err"
    st=$?
    why=()
    [ "$st" -eq 0 ] || why+=("exit status $st")
    cmp -s "$d/dom.xml" "$work/new.xml" || why+=("not the new bytes")
    [ "$(getfacl -c "$d/dom.xml" 2>/dev/null)" = "$acl" ] ||
        why+=("ACL changed: $(getfacl -c "$d/dom.xml" 2>/dev/null | tr '\n' ' ')")
    [ "$(stat -c %a "$d/dom.xml")" = "$mode" ] || why+=("mode $mode became $(stat -c %a "$d/dom.xml")")
    [ "$(getfattr --only-values -n user.pcifix.test "$d/dom.xml" 2>/dev/null)" = kept ] ||
        why+=("user.pcifix.test lost")
    [ ${#why[@]} -eq 0 ] && pass acl-xattr || fail acl-xattr "${why[@]}" "$(head -c 300 "$work/err")"
else
    skip "acl-xattr: no setfacl/getfattr (Debian: acl, attr), or this file system keeps no ACL or user.* attribute"
fi

# ---- hard link ----------------------------------------------------------------
fresh hard
ln "$d/dom.xml" "$d/other.xml"
"$PCIFIX" -i "$d/dom.xml" 2>"$work/err"
st=$?
why=()
[ "$st" -eq 0 ] || why+=("exit status $st")
grep -q 'warning: .*\[hard-link\]$' "$work/err" || why+=("no hard-link warning")
cmp -s "$d/other.xml" "$dom" || why+=("the other name changed")
cmp -s "$d/dom.xml" "$work/new.xml" || why+=("not the new bytes")
[ ${#why[@]} -eq 0 ] && pass hard-link || fail hard-link "${why[@]}" "$(head -c 300 "$work/err")"

# ---- a path longer than PATH_MAX ----------------------------------------------
fresh long
long=$d
comp=$(printf 'd%.0s' $(seq 1 200))
( cd "$d" && for i in $(seq 1 24); do mkdir "$comp" && cd "$comp" || exit 1; done &&
  cp "$dom" dom.xml ) || fail long-path "cannot build the directories"
for i in $(seq 1 24); do long=$long/$comp; done
if [ ${#long} -gt 4096 ]; then
    "$PCIFIX" -i "$long/dom.xml" 2>"$work/err"
    st=$?
    new=$(cd "$d" && for i in $(seq 1 24); do cd "$comp"; done && cmp -s dom.xml "$work/new.xml" && echo yes)
    [ "$st" -eq 0 ] && [ "$new" = yes ] && pass "long-path (${#long} bytes)" ||
        fail long-path "exit status $st, new bytes: ${new:-no}" "$(head -c 300 "$work/err")"
fi

# ---- -o onto a device, and onto a link loop ------------------------------------
fresh out
"$PCIFIX" -o /dev/stdout "$d/dom.xml" >"$work/stdout" 2>"$work/err"
st=$?
"$PCIFIX" -o /dev/null "$d/dom.xml" 2>>"$work/err"
st2=$?
if [ "$st" -eq 0 ] && [ "$st2" -eq 0 ] && cmp -s "$work/stdout" "$work/new.xml" && [ -c /dev/null ]; then
    pass output-device
else
    fail output-device "exit status $st and $st2" "$(head -c 300 "$work/err")"
fi
ln -s loop "$d/loop"
"$PCIFIX" -o "$d/loop" "$d/dom.xml" 2>"$work/err"
st=$?
[ "$st" -eq 4 ] && [ -L "$d/loop" ] && pass output-loop ||
    fail output-loop "exit status $st, link kept: $([ -L "$d/loop" ] && echo yes || echo no)"

# ---- informational output to a full disk -------------------------------------
if [ -w /dev/full ]; then
    for o in --version --help --rules; do
        "$PCIFIX" $o >/dev/full 2>"$work/err"
        st=$?
        [ "$st" -eq 4 ] && pass "stdout-full $o" || fail "stdout-full $o" "exit status $st, expected 4"
    done
else
    skip "stdout-full: no /dev/full"
fi

echo "trust: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
