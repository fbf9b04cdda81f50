#!/bin/sh
# ci-lint.sh - a CI step: pcifix --check on every libvirt domain XML of the repository.
#
# Copy it into a CI job (or call it from one), in the repository's top
# directory.  It writes pcifix's diagnostics as JSON lines to pcifix.json (one
# object per diagnostic: file, line, severity, rule, message, hint; keep it as
# an artifact), prints them readably with jq when jq is there (and as
# annotations on GitHub Actions), and exits with pcifix's status: 0 all well,
# 1 an error-level finding or a file pcifix would change, 3 a file that is not
# valid XML or has a bad number, 4 a file that cannot be read.
#
# Settings (environment):
#   PCIFIX        the program (default: pcifix in PATH)
#   PCIFIX_PATHS  pathspecs of the files to check, separated by spaces
#                 (default: git config pcifix.paths, else '*.xml'); other XML
#                 (a pom.xml, a libvirt network) is not a domain: pcifix
#                 fails on it [not-domain], so name the domain files here
#   PCIFIX_FLAGS  more pcifix options, e.g. '-W error' (warnings fail the job)
#   PCIFIX_JSON   where the JSON lines go (default pcifix.json)

PCIFIX=${PCIFIX:-pcifix}
json=${PCIFIX_JSON:-pcifix.json}
paths=${PCIFIX_PATHS:-$(git config --get pcifix.paths)}
: "${paths:=*.xml}"

# The tracked files, one a line (paths with spaces are fine).
set -f
IFS=' '
# shellcheck disable=SC2086
set -- $paths
IFS='
'
files=$(git -c core.quotePath=false ls-files -- "$@")
if [ -z "$files" ]; then
	echo "ci-lint: no files match $paths"
	: >"$json"
	exit 0
fi
IFS=' '
# shellcheck disable=SC2086
set -- ${PCIFIX_FLAGS:-}
IFS='
'
# shellcheck disable=SC2086
"$PCIFIX" --check --format=json "$@" -- $files 2>"$json"
status=$?
unset IFS
set +f

if command -v jq >/dev/null 2>&1; then
	# A value from a file (a name, an attribute) may hold anything: printed
	# on one line, and as GitHub documents for workflow commands (% CR LF in
	# the message; also : and , in a property), so it cannot forge a line or
	# a command of its own.
	jq -r 'def line: gsub("\r"; "\\r") | gsub("\n"; "\\n");
	       "\(.file | line):\(.line): \(.severity): \(.message | line) [\(.rule)]"
	       + (if .hint then "\n    hint: \(.hint | line)" else "" end)' "$json"
	if [ "${GITHUB_ACTIONS:-}" = true ]; then
		jq -r 'def data: gsub("%"; "%25") | gsub("\r"; "%0D") | gsub("\n"; "%0A");
		       def prop: data | gsub(":"; "%3A") | gsub(","; "%2C");
		       "::\(if .severity == "error" then "error" elif .severity == "warning"
		        then "warning" else "notice" end) file=\(.file | prop),line=\(.line),title=pcifix \(.rule | prop)::\(.message | data)"' "$json"
	fi
	jq -s -r 'if length == 0 then "ci-lint: no diagnostics" else
	          "ci-lint: \(length) diagnostics (" + ([group_by(.severity)[]
	          | "\(length) \(.[0].severity)"] | join(", ")) + ")" end' "$json"
else
	cat "$json"
fi
echo "ci-lint: pcifix --check exited $status"
exit "$status"
