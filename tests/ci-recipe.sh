#!/bin/sh
# ci-recipe.sh - try the "Use in CI" recipes for real: data/pre-commit and data/ci-lint.sh.
#
# In a temporary git repository with the built pcifix first in PATH:
#  * the pre-commit hook (installed as .git/hooks/pre-commit) lets a good
#    domain XML be committed, refuses a bad one with pcifix's diagnostic on
#    stderr, checks the STAGED content (not the work tree), handles a path
#    with a space, ignores files outside its pathspecs and deleted files,
#    and refuses when pcifix cannot be found;
#  * the CI step (data/ci-lint.sh) exits with pcifix's status (1 with the bad
#    file tracked, 0 without it, 0 with no XML at all) and writes JSON lines
#    that parse (checked with python3 when it is there, else skipped).
# Skips (77) without git.
#
# Environment: PCIFIX (default ./src/pcifix), top_srcdir (default: the
# directory above this script).

me=ci-recipe
. "$(dirname "$0")/setup"
command -v git >/dev/null 2>&1 || skip "git not found"
need_pcifix
make_work

passed=0
failed=0
ok() { echo "PASS: $1"; passed=$((passed + 1)); }
bad() {
	echo "FAIL: $1"
	shift
	for f in "$@"; do
		[ -s "$f" ] && sed -e 's/^/    /' -e '20q' "$f"
	done
	failed=$((failed + 1))
}

# pcifix first in PATH, under its own name, as a user would have it.
mkdir "$work/bin" && ln -s "$PCIFIX" "$work/bin/pcifix" || exit 99
PATH=$work/bin:$PATH
export PATH
unset PCIFIX_PATHS PCIFIX_FLAGS PCIFIX_JSON GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

repo=$work/repo
mkdir "$repo" && cd "$repo" || exit 99
git init -q . || exit 99
git config user.name "CI recipe test"
git config user.email "ci-recipe@example.invalid"
git config commit.gpgsign false
git config core.hooksPath .git/hooks
cp "$top_srcdir/data/pre-commit" .git/hooks/pre-commit || exit 99
chmod +x .git/hooks/pre-commit

# A complete pc domain (every address the one libvirt gives), and the same
# with the NIC on function 1 of a slot without function 0 [function-zero].
domain() {
	cat <<EOF
<domain type='kvm'>
  <name>$1</name>
  <memory unit='MiB'>1024</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/$1.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
    </disk>
    <controller type='usb' index='0' model='piix3-uhci'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>
    </controller>
    <controller type='pci' index='0' model='pci-root'/>
    <interface type='network'>
      <mac address='52:54:00:4c:00:01'/>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x$2'/>
    </interface>
    <memballoon model='virtio'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>
    </memballoon>
  </devices>
</domain>
EOF
}
mkdir vms
domain good 0 >vms/good.xml
domain bad 1 >"$work/bad.xml"
domain good2 0 >"$work/good2.xml"

# commit: git commit, stdout and stderr to $work/out and $work/err; $? kept
commit() {
	git commit -q "$@" >"$work/out" 2>"$work/err"
}
head_is() { [ "$(git rev-parse HEAD 2>/dev/null)" = "$1" ]; }

# ---- the hook ----------------------------------------------------------------
git add vms/good.xml
if commit -m "good domain" && [ -n "$(git rev-parse -q --verify HEAD)" ]; then
	ok "hook: a good domain XML is committed (first commit, no HEAD before)"
else
	bad "hook: a good domain XML was refused" "$work/err"
fi
h1=$(git rev-parse HEAD)

cp "$work/bad.xml" vms/bad.xml
git add vms/bad.xml
if commit -m "bad domain"; then
	bad "hook: a domain with a function-zero error was committed" "$work/err"
elif head_is "$h1" &&
	grep "^pcifix: vms/bad.xml:[0-9]*: error: .*\[function-zero\]$" "$work/err" >/dev/null &&
	grep "commit refused" "$work/err" >/dev/null; then
	ok "hook: the bad domain is refused, pcifix's diagnostic names vms/bad.xml"
else
	bad "hook: refused, but without the diagnostic for vms/bad.xml (stderr:)" "$work/err"
fi

# The staged content counts, not the work tree: fixed in the work tree only...
cp vms/good.xml vms/bad.xml
if commit -m "bad staged, good in work tree"; then
	bad "hook: the staged bad content was committed (the hook read the work tree)" "$work/err"
else
	ok "hook: the staged bad content is refused although the work tree file is good"
fi
# ...and the other way round: good staged, broken in the work tree.
git add vms/bad.xml
cp "$work/bad.xml" vms/bad.xml
if commit -m "good staged, bad in work tree" && ! head_is "$h1"; then
	ok "hook: good staged content is committed although the work tree file is bad"
else
	bad "hook: good staged content was refused (the hook read the work tree?)" "$work/err"
fi
git checkout -q -- vms/bad.xml

# A path with a space, good and then bad.
cp "$work/good2.xml" "vms/my vm.xml"
git add "vms/my vm.xml"
if commit -m "a name with a space"; then
	ok "hook: a good file named 'vms/my vm.xml' is committed"
else
	bad "hook: a good file named 'vms/my vm.xml' was refused" "$work/err"
fi
cp "$work/bad.xml" "vms/my vm.xml"
git add "vms/my vm.xml"
if commit -m "bad, with a space"; then
	bad "hook: a bad 'vms/my vm.xml' was committed" "$work/err"
elif grep "^pcifix: vms/my vm.xml:[0-9]*: error: .*\[function-zero\]$" "$work/err" >/dev/null; then
	ok "hook: a bad 'vms/my vm.xml' is refused with its diagnostic"
else
	bad "hook: a bad 'vms/my vm.xml' is refused, but the diagnostic does not name it" "$work/err"
fi
git reset -q HEAD -- "vms/my vm.xml" && git checkout -q -- "vms/my vm.xml"

# Outside the pathspecs, deleted files: not checked.
echo "not xml <domain" >notes.txt
git add notes.txt
if commit -m "a text file"; then
	ok "hook: a commit without XML files is not checked"
else
	bad "hook: a commit without XML files was refused" "$work/err"
fi
git config pcifix.paths 'vms/*.xml'
printf '<project/>\n' >pom.xml
git add pom.xml
if commit -m "an XML file outside pcifix.paths"; then
	ok "hook: an XML file outside pcifix.paths ('vms/*.xml') is not checked"
else
	bad "hook: pom.xml was checked although pcifix.paths is 'vms/*.xml'" "$work/err"
fi
git rm -q vms/bad.xml
if commit -m "remove a domain"; then
	ok "hook: removing a domain XML is not checked"
else
	bad "hook: removing a domain XML was refused" "$work/err"
fi

# Warnings pass; pcifix.flags '-W error' makes them refuse.
sed -e "s/function='0x1'/function='0x0'/" -e "s/<name>bad</<name>warn</" \
	-e "s|slot='0x02' function='0x0'/>|slot='0x02' function='0x0' multifunction='on'/>|" \
	"$work/bad.xml" >vms/warn.xml
sed -e "s|slot='0x03' function='0x0'/>|slot='0x02' function='0x1' multifunction='on'/>|" \
	vms/warn.xml >"$work/warn.xml" && mv "$work/warn.xml" vms/warn.xml
git add vms/warn.xml
git config pcifix.flags '-W error'
if commit -m "a warning, -W error"; then
	bad "hook: with pcifix.flags '-W error' a multifunction-extra warning was committed" "$work/err"
elif grep "\[multifunction-extra\]$" "$work/err" >/dev/null; then
	ok "hook: pcifix.flags '-W error' refuses a warning"
else
	bad "hook: refused with -W error, but not for multifunction-extra" "$work/err"
fi
git config --unset pcifix.flags
if commit -m "a warning" && grep "^pcifix: vms/warn.xml:[0-9]*: warning: .*\[multifunction-extra\]$" \
	"$work/err" >/dev/null; then
	ok "hook: a warning is shown and the commit goes through"
else
	bad "hook: a file with a warning only was refused, or the warning not shown" "$work/err"
fi

# No pcifix at all: refuse, and say why.
cp "$work/good2.xml" vms/other.xml
git add vms/other.xml
if PCIFIX=$work/no-such-pcifix commit -m "no pcifix"; then
	bad "hook: committed although pcifix cannot be found" "$work/err"
elif grep "not found" "$work/err" >/dev/null; then
	ok "hook: without pcifix the commit is refused, and the hook says why"
else
	bad "hook: without pcifix the commit is refused, but the hook does not say why" "$work/err"
fi
git reset -q HEAD -- vms/other.xml && rm -f vms/other.xml
git config --unset pcifix.paths
# A CI clone has no local git config: the CI step gets the paths from the
# environment (pom.xml is tracked and is no domain).
PCIFIX_PATHS='vms/*.xml'
export PCIFIX_PATHS

# ---- the CI step ----------------------------------------------------------------
ci=$top_srcdir/data/ci-lint.sh
# check_json FILE: every line one JSON object with the six keys
check_json() {
	python3 - "$1" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    d = json.loads(line)
    assert isinstance(d, dict), line
    missing = {'file', 'line', 'severity', 'rule', 'message', 'hint'} - set(d)
    assert not missing, 'missing %s in %s' % (missing, line)
    n += 1
print(n)
PY
}
have_python=no
command -v python3 >/dev/null 2>&1 && have_python=yes

cp "$work/bad.xml" vms/bad.xml
git add vms/bad.xml
commit --no-verify -m "a bad domain, past the hook" || bad "git commit --no-verify failed" "$work/err"
sh "$ci" >"$work/out" 2>"$work/err"
st=$?
if [ "$st" = 1 ] && [ -f pcifix.json ]; then
	ok "ci-lint: exit status 1 with a bad domain tracked"
else
	bad "ci-lint: exit status $st with a bad domain tracked (expected 1)" "$work/out" "$work/err"
fi
if [ "$have_python" = yes ]; then
	if n=$(check_json pcifix.json 2>"$work/err") && [ "$n" -ge 1 ] &&
		grep '"file":"vms/bad.xml".*"rule":"function-zero"' pcifix.json >/dev/null &&
		! grep '"file":"vms/good.xml"' pcifix.json >/dev/null; then
		ok "ci-lint: pcifix.json is JSON lines ($n), with function-zero for vms/bad.xml only"
	else
		bad "ci-lint: pcifix.json does not parse or says the wrong thing" pcifix.json "$work/err"
	fi
else
	echo "SKIP: ci-lint: python3 not found, pcifix.json not parsed"
fi
if command -v jq >/dev/null 2>&1; then
	if grep "^vms/bad.xml:[0-9]*: error: .*\[function-zero\]$" "$work/out" >/dev/null &&
		grep "^ci-lint: pcifix --check exited 1$" "$work/out" >/dev/null; then
		ok "ci-lint: jq prints the diagnostics and the status"
	else
		bad "ci-lint: jq's summary is not as expected" "$work/out"
	fi
	GITHUB_ACTIONS=true sh "$ci" >"$work/out" 2>&1
	if grep "^::error file=vms/bad.xml,line=[0-9]*,title=pcifix function-zero::" "$work/out" >/dev/null; then
		ok "ci-lint: GitHub Actions annotations"
	else
		bad "ci-lint: no GitHub Actions annotation for vms/bad.xml" "$work/out"
	fi
else
	echo "SKIP: ci-lint: jq not found, its summary not checked"
fi

if ! { git rm -q vms/bad.xml && commit -m "without the bad domain"; }; then
	bad "git rm and commit of vms/bad.xml failed" "$work/err"
fi
rm -f pcifix.json
sh "$ci" >"$work/out" 2>"$work/err"
st=$?
if [ "$st" = 0 ] && [ -f pcifix.json ] && ! grep '"severity":"error"' pcifix.json >/dev/null; then
	ok "ci-lint: exit status 0 when every domain XML is good"
else
	bad "ci-lint: exit status $st when every domain XML is good (expected 0)" "$work/out" \
		pcifix.json
fi
if [ "$have_python" = yes ]; then
	if check_json pcifix.json >/dev/null 2>"$work/err"; then
		ok "ci-lint: pcifix.json parses when all is well"
	else
		bad "ci-lint: pcifix.json does not parse" pcifix.json "$work/err"
	fi
fi
PCIFIX_PATHS='nothing/*.xml' sh "$ci" >"$work/out" 2>"$work/err"
st=$?
if [ "$st" = 0 ] && [ ! -s pcifix.json ]; then
	ok "ci-lint: exit status 0 and empty pcifix.json when no file matches"
else
	bad "ci-lint: exit status $st when no file matches (expected 0)" "$work/out" "$work/err"
fi

echo "$me: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
