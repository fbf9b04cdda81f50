#!/bin/sh
# mandoc-lint.sh - lint the man page and check that the docs name every rule id and option.
#
# Run by "make check" with top_srcdir set; exits 77 (skipped) without mandoc.
# Fails when mandoc -Tlint -Wwarning prints anything, when a rule id of
# src/diag.c is missing from the man page's rule list (or listed there with
# another severity, or listed there but not in src/diag.c), or when a long
# option of the popt table in src/main.c is missing from the man page or
# from README.md.

set -u

me=mandoc-lint
. "$(dirname "$0")/setup"
man=$top_srcdir/man/pcifix.1
diag=$top_srcdir/src/diag.c
main=$top_srcdir/src/main.c
readme=$top_srcdir/README.md
fail=0

err() {
	echo "mandoc-lint: $*" >&2
	fail=1
}

for f in "$man" "$diag" "$main" "$readme"; do
	if [ ! -r "$f" ]; then
		echo "mandoc-lint: cannot read $f" >&2
		exit 1
	fi
done

# 1. mandoc's own lint, warnings and worse.
if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -Tlint -Wwarning "$man" 2>&1)
	if [ -n "$out" ]; then
		printf '%s\n' "$out" >&2
		err "mandoc -Tlint -Wwarning reported the problems above"
	fi
else
	echo "mandoc-lint: mandoc not found (apt-get install mandoc): skipped" >&2
	exit 77
fi

# The man page source with \- turned into -, as a reader sees it.
mansrc=$(sed 's/\\-/-/g' "$man")

# 2. Every rule of src/diag.c's table, with its severity, in the rule list:
#    ".It Li RULE-ID Pq SEVERITY".  Table entries look like
#    { .id = "io-error", .severity = PCIFIX_SEVERITY_ERROR, ...
rules=$(sed -n 's/.*\.id = "\([a-z0-9-]*\)", \.severity = PCIFIX_SEVERITY_\([A-Z]*\).*/\1 \2/p' "$diag")
if [ -z "$rules" ]; then
	err "found no rule ids in $diag (has the table's layout changed?)"
fi
nrules=0
while read -r id sev; do
	[ -n "$id" ] || continue
	nrules=$((nrules + 1))
	sev=$(printf '%s' "$sev" | tr '[:upper:]' '[:lower:]')
	if ! printf '%s\n' "$mansrc" | grep -qx "\\.It Li $id Pq $sev"; then
		if printf '%s\n' "$mansrc" | grep -q -- "$id"; then
			err "rule $id is not listed as '.It Li $id Pq $sev' in the man page"
		else
			err "rule $id (src/diag.c) is missing from the man page"
		fi
	fi
done <<EOF
$rules
EOF
for id in $(printf '%s\n' "$mansrc" | sed -n 's/^\.It Li \([a-z0-9-]*\) Pq [a-z]*$/\1/p'); do
	if ! printf '%s\n' "$rules" | grep -q "^$id "; then
		err "the man page lists rule $id, which src/diag.c does not have"
	fi
done

# 3. Every long option of the popt table, in the man page (as "Fl -NAME")
#    and in README.md (as "--NAME").  Entries look like
#    { "in-place", 'i', POPT_ARG_NONE, ...
opts=$(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", .*/\1/p' "$main")
if grep -q 'POPT_AUTOHELP' "$main"; then
	opts="$opts help usage"
fi
if [ -z "$opts" ]; then
	err "found no long options in $main (has the popt table's layout changed?)"
fi
nopts=0
for o in $opts; do
	nopts=$((nopts + 1))
	if ! printf '%s\n' "$mansrc" | grep -q -- "Fl -$o\\([^a-z0-9-]\\|\$\\)"; then
		err "option --$o (src/main.c) is missing from the man page"
	fi
	if ! grep -q -- "--$o\\([^a-z0-9-]\\|\$\\)" "$readme"; then
		err "option --$o (src/main.c) is missing from README.md"
	fi
done

if [ "$fail" -ne 0 ]; then
	exit 1
fi
echo "mandoc-lint: man page clean; $nrules rules and $nopts long options documented"
exit 0
