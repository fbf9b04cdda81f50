#!/bin/sh
# build.sh - build the libFuzzer targets tests/fuzz/fuzz_pcifix and fuzz_diff with ASan and UBSan from src/*.c.
#
# Usage: tests/fuzz/build.sh [OUTDIR]     (default: tests/fuzz/out)
# Prints the path of fuzz_pcifix; fuzz_diff (the differential target, see
# fuzz_diff.c) is beside it.  Exit status 77 when clang or libFuzzer is
# missing (apt-get install -y clang libclang-rt-14-dev), 1 when the build fails.
#
# The sources are compiled directly (every src/*.c but main's src/main.c),
# not taken from src/libpcifix.a, so the fuzzer is instrumented whatever the
# tree was configured with; they are copied to OUTDIR/src first (with
# OUTDIR/src/SNAPSHOT naming the commit) so stack traces match the code
# that ran even after src/ has changed.  A two-line config.h in OUTDIR stands in for
# configure's, so an unconfigured tree builds too.
#
# Environment: CC (default clang), FUZZ_CFLAGS (extra flags, e.g. -O2),
# FUZZ_SANITIZE (default fuzzer,address,undefined; "fuzzer" alone builds a
# throughput build, several times faster, whose finds are then replayed on
# the sanitizer build: tests/fuzz/run.sh does that with FUZZ_FAST=1).

set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$here/out}
cc=${CC:-clang}
san=${FUZZ_SANITIZE:-fuzzer,address,undefined}

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz/build.sh: $cc not found (apt-get install -y clang libclang-rt-14-dev)" >&2
	exit 77
fi
if ! command -v xml2-config >/dev/null 2>&1; then
	echo "fuzz/build.sh: xml2-config not found (apt-get install -y libxml2-dev)" >&2
	exit 77
fi
mkdir -p "$out"

# Can this compiler link a libFuzzer target at all?
probe=$out/probe.c
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	>"$probe"
if ! "$cc" -fsanitize="$san" "$probe" -o "$out/probe" >"$out/probe.log" 2>&1; then
	echo "fuzz/build.sh: $cc cannot build a libFuzzer target with -fsanitize=$san:" >&2
	sed 's/^/  /' "$out/probe.log" >&2
	echo "  (apt-get install -y clang libclang-rt-14-dev)" >&2
	exit 77
fi
rm -f "$probe" "$out/probe" "$out/probe.log"

cat >"$out/config.h" <<'EOH'
/* config.h for the fuzzer build (tests/fuzz/build.sh): what src/ needs of configure's. */
#define _GNU_SOURCE 1
#define PACKAGE_VERSION "fuzz"
EOH

# Compile a snapshot: src/ may change while a long run goes on, and a crash
# must be replayable against the code that found it.  SNAPSHOT says which.
rm -rf "$out/src"
mkdir "$out/src"
cp "$top"/src/*.c "$top"/src/*.h "$out/src/"
{
	date -u '+built %Y-%m-%dT%H:%M:%SZ'
	if git -C "$top" rev-parse HEAD >/dev/null 2>&1; then
		echo "HEAD $(git -C "$top" rev-parse HEAD)"
		echo "uncommitted src/ changes: $(git -C "$top" diff HEAD -- src | wc -l) diff lines," \
			"saved in src.diff"
		git -C "$top" diff HEAD -- src >"$out/src/src.diff"
	fi
} >"$out/src/SNAPSHOT"
srcs=
for f in "$out"/src/*.c; do
	case $f in
	*/src/main.c) ;;
	*) srcs="$srcs $f" ;;
	esac
done

# shellcheck disable=SC2086,SC2046 # word splitting of the flag lists is intended
case $san in
*address*) opt=-O1 ;;
*) opt=-O2 ;;
esac
# The sources once, then each target (fuzz_pcifix, and the differential fuzz_diff).
rm -rf "$out/obj"
mkdir -p "$out/obj"   # (a source that does not compile leaves no object: the link fails)
for f in $srcs; do
	o=$out/obj/$(basename "$f" .c).o
	"$cc" -c -g $opt -fno-omit-frame-pointer -fsanitize="$san" \
		-fno-sanitize-recover=all -Wall -Wno-unused-parameter \
		${FUZZ_CFLAGS:-} -I"$out" -I"$out/src" $(xml2-config --cflags) "$f" -o "$o" &
done
wait
objs=$(ls "$out"/obj/*.o)
for t in fuzz_pcifix fuzz_diff; do
	"$cc" -g $opt -fno-omit-frame-pointer -fsanitize="$san" \
		-fno-sanitize-recover=all -Wall -Wno-unused-parameter \
		${FUZZ_CFLAGS:-} -I"$out" -I"$out/src" $(xml2-config --cflags) \
		"$here/$t.c" $objs $(xml2-config --libs) -o "$out/$t.new"
	mv "$out/$t.new" "$out/$t"
done
echo "$out/fuzz_pcifix"
