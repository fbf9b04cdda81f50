#!/bin/sh
# corpus-fetch.sh: libvirt's own test-suite domains, from Debian's source package.
#
# Usage: corpus-fetch.sh [--enable-deb-src] DIR
#
# Puts the domain XMLs of the installed libvirt's test suite in DIR:
#   DIR/argv/NAME.xml   tests/qemuxml2argvdata/*.xml   (libvirt's test inputs)
#   DIR/out/NAME.xml    tests/qemuxml2xmloutdata/*.xml (its expected outputs,
#                       domains libvirt wrote: good inputs too)
#   DIR/VERSION         the source package version they come from
# and does nothing when DIR/VERSION already names the installed libvirt
# version.  The source comes from `apt-get source --download-only libvirt`
# (the version apt has for the installed libvirt-clients); it needs deb-src
# lines for the distribution's own archive.  With --enable-deb-src (as root,
# for CI) a deb-src entry is added for every deb entry apt already uses, in
# /etc/apt/sources.list.d/pcifix-deb-src.sources or .list, and apt-get update
# runs.  Nothing else on the system changes.
#
# Exit status: 0 the corpus is in DIR; 77 it cannot be had here (no apt, no
# deb-src, no network to the archive), with the reason on stderr; 2 usage.

set -u
me=corpus-fetch
enable=0
[ "${1:-}" = --enable-deb-src ] && { enable=1; shift; }
[ $# = 1 ] || { echo "usage: $me [--enable-deb-src] DIR" >&2; exit 2; }
dir=$1
skip() { echo "$me: $*" >&2; exit 77; }

command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 ||
    skip "needs dpkg and apt-get (Debian)"
ver=$(dpkg-query -W -f '${source:Version}' libvirt-clients 2>/dev/null)
[ -n "$ver" ] || skip "libvirt-clients is not installed"
if [ -f "$dir/VERSION" ] && [ "$(cat "$dir/VERSION")" = "$ver" ] &&
   [ -d "$dir/argv" ] && [ -d "$dir/out" ]; then
    exit 0
fi

# A deb-src twin of every deb entry apt uses (deb822 stanzas and one-line lists).
add_deb_src() {
    local d=/etc/apt/sources.list.d
    [ "$(id -u)" = 0 ] || skip "--enable-deb-src needs root"
    awk '
        FNR == 1 { blank = 1 }
        /^[ \t]*$/ { if (inst) print ""; inst = 0; next }
        /^Types:/ { inst = ($0 ~ /(^|[ \t])deb([ \t]|$)/) ; if (inst) print "Types: deb-src"; next }
        inst { print }
        END { if (inst) print "" }' "$d"/*.sources 2>/dev/null >"$d/pcifix-deb-src.sources.new"
    sed -n 's/^[ \t]*deb[ \t]/deb-src /p' /etc/apt/sources.list "$d"/*.list 2>/dev/null \
        >"$d/pcifix-deb-src.list.new"
    for f in sources list; do
        if [ -s "$d/pcifix-deb-src.$f.new" ]; then
            mv "$d/pcifix-deb-src.$f.new" "$d/pcifix-deb-src.$f"
        else
            rm -f "$d/pcifix-deb-src.$f.new"
        fi
    done
    apt-get update -qq >/dev/null 2>&1 || skip "apt-get update failed"
}

if ! apt-cache showsrc libvirt 2>/dev/null | grep -q "^Version: $ver\$"; then
    [ "$enable" = 1 ] || skip "no deb-src entry gives libvirt $ver (run with --enable-deb-src as root, or add deb-src lines and apt-get update)"
    add_deb_src
    apt-cache showsrc libvirt 2>/dev/null | grep -q "^Version: $ver\$" ||
        skip "apt has no source for libvirt $ver even with deb-src"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corpus-fetch.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
(cd "$tmp" && apt-get source --download-only "libvirt=$ver" >/dev/null 2>&1) ||
    skip "apt-get source --download-only libvirt=$ver failed"
orig=$(ls "$tmp"/libvirt_*.orig.tar.* 2>/dev/null | head -n 1)
[ -n "$orig" ] || skip "no orig tarball in the source package"
mkdir -p "$tmp/x" && tar -xf "$orig" -C "$tmp/x" --wildcards \
    '*/tests/qemuxml2argvdata/*.xml' '*/tests/qemuxml2xmloutdata/*.xml' 2>/dev/null ||
    skip "cannot extract the test data from $orig"
mkdir -p "$dir" || exit 2
rm -rf "$dir/argv" "$dir/out" "$dir/VERSION"
mkdir "$dir/argv" "$dir/out" &&
    cp "$tmp"/x/*/tests/qemuxml2argvdata/*.xml "$dir/argv/" &&
    cp "$tmp"/x/*/tests/qemuxml2xmloutdata/*.xml "$dir/out/" || exit 2
echo "$ver" >"$dir/VERSION"
echo "$me: libvirt $ver: $(ls "$dir/argv" | wc -l) + $(ls "$dir/out" | wc -l) domain XMLs in $dir" >&2
