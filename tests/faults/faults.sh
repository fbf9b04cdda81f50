#!/usr/bin/env bash
# faults.sh - pcifix -i under failing system calls, permissions, symbolic links and kill -9: the file is never half-written.
#
# What `pcifix -i` promises (src/io.c): the new bytes go to a temporary
# .NAME.pcifix-XXXXXX created with openat() in the target's directory (held
# open since before the read), which is written, fsynced, given the old
# mode, owner and extended attributes and renameat()d over the target; on
# any failure the target is untouched and the temporary file is removed.
#
# 1. Injected faults.  shim.c, preloaded, makes the Nth call of open,
#    openat, write, fsync, fchmod, close, rename(at), mkostemp, mkstemp or
#    fsetxattr fail
#    with ENOSPC, EIO or EACCES (and write also with a short write followed
#    by ENOSPC).  A traced run without faults says how many calls of each
#    pcifix makes and in which order; every (call, N, errno) is then run on
#    a fresh copy of a domain that needs changes, mode 0640.  A call before
#    the rename must give exit status 4, one "pcifix: FILE: error: ...
#    [io-error]" line, the file byte-identical to the original (cmp), its
#    mode unchanged and no .NAME.pcifix-* left.  Two kinds of call cannot
#    make -i fail, and are held to a different rule:
#      - the calls after the rename (open, fsync and close of the directory,
#        to make the rename durable): the new content is already in place,
#        so the result must be exit 0 and the complete new bytes;
#      - the close() of the descriptor the input was read from: pcifix may
#        ignore it (exit 0, new bytes) or fail (exit 4, old bytes).
#    A function pcifix never calls gets a note, not a case.
#    Skipped, with a SKIP line, when LD_PRELOAD does not work with this
#    pcifix (an ASan build refuses a preloaded library that comes first).
#    Then SIGKILL right before and right after every call of the good run
#    (the shim sends it): before the rename the target is the old bytes,
#    after it the new; a .NAME.pcifix-XXXXXX may be left only between its
#    creation and the rename (SIGKILL cannot be cleaned up after).
# 2. Permissions, run as nobody when root (setpriv, or su): a read-only
#    directory and a target without write permission give exit 4 and leave
#    the file as it was; a symbolic link (and a link to a link) stays a link
#    while the file it points to gets the new bytes and keeps its mode;
#    root rewriting nobody's file keeps owner and group; a file name so
#    long that .NAME.pcifix-XXXXXX exceeds NAME_MAX is rewritten through a
#    short .pcifix-XXXXXX, mode kept, nothing left behind.
# 3. kill -9.  A ~20 MB domain is rewritten 50 times and killed after a
#    random number of microseconds: half of the kills anywhere in up to 1.2
#    times a full run, the other half (when the shim works) in the window,
#    measured with the shim's timed trace, from the temporary file's creation
#    to the rename.  The target must then be the old bytes or the complete new
#    bytes, never anything else.  SIGKILL cannot be caught, so a process killed
#    in that window leaves its .NAME.pcifix-XXXXXX behind: that is accepted (and
#    counted) only when the target is intact; a process that finished must
#    leave none.  `ls` and `cmp` judge, not pcifix.
#
# Exit status: 0 all passed (a skipped part prints SKIP), 1 a failure, 77
# when there is no C compiler.  Environment: PCIFIX (default ./src/pcifix),
# FAULTS_KILLS (default 50), FAULTS_SEED (default: random; printed),
# FAULTS_BIG_MB (default 20).

set -u
me=faults
. "$(dirname "$0")/../setup"
here=$(cd "$(dirname "$0")" && pwd)
kills=${FAULTS_KILLS:-50}
big_mb=${FAULTS_BIG_MB:-20}
seed=${FAULTS_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$seed

need_pcifix
cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || skip "no C compiler ($cc) to build the preload shim"
make_work
chmod 755 "$work"

if ! "$cc" -O1 -shared -fPIC -o "$work/shim.so" "$here/shim.c" -ldl >"$work/cc.log" 2>&1 ||
	! "$cc" -O1 -o "$work/killafter" "$here/killafter.c" >>"$work/cc.log" 2>&1; then
	echo "faults: SKIP: $cc cannot build shim.c or killafter.c:"
	sed 's/^/  /' "$work/cc.log"
	exit 77
fi
# The program, where nobody can run it too.
mkdir "$work/bin"
cp "$PCIFIX" "$work/bin/pcifix"
chmod 755 "$work/bin" "$work/bin/pcifix"
pcifix=$work/bin/pcifix

passed=0
failed=0
skipped=0

pass() {
	passed=$((passed + 1))
	echo "PASS: $1"
}

failc() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	shift
	for l in "$@"; do
		printf '  %s\n' "$l"
	done
}

# leftovers DIR: the temporary files pcifix left in DIR, one a line.
leftovers() {
	find "$1" -maxdepth 1 -name '.*pcifix-*' -print 2>/dev/null
}

mode_of() {
	stat -c %a "$1"
}

# The domain: q35 with a disk, a NIC and a sound card without addresses.
cat >"$work/orig.xml" <<'EOF'
<domain type='kvm'>
  <name>faults</name>
  <memory unit='GiB'>2</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/faults.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:12:34:56'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <sound model='ich9'/>
  </devices>
</domain>
EOF
if ! "$pcifix" "$work/orig.xml" >"$work/new.xml" 2>"$work/new.err"; then
	echo "faults: pcifix cannot process the test domain:" >&2
	cat "$work/new.err" >&2
	exit 1
fi
if cmp -s "$work/orig.xml" "$work/new.xml"; then
	echo "faults: the test domain needs no change, so -i would write nothing" >&2
	exit 1
fi

# ---- 1. injected faults ----------------------------------------------
preload_env=()
probe_dir=$work/probe
mkdir "$probe_dir"
cp "$work/orig.xml" "$probe_dir/dom.xml"
probe_ok=no
for extra in "" "ASAN_OPTIONS=verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"; do
	rm -f "$work/trace"
	cp "$work/orig.xml" "$probe_dir/dom.xml"
	env ${extra:+"$extra"} LD_PRELOAD="$work/shim.so" PCIFIX_FAULT_TRACE="$work/trace" \
		"$pcifix" -i "$probe_dir/dom.xml" >/dev/null 2>"$work/probe.err"
	st=$?
	# Does the shim see the calls, and does a fault take effect?
	if [ "$st" -eq 0 ] && grep -q '^rename 1 0 ' "$work/trace" 2>/dev/null &&
		cmp -s "$probe_dir/dom.xml" "$work/new.xml"; then
		cp "$work/orig.xml" "$probe_dir/dom.xml"
		env ${extra:+"$extra"} LD_PRELOAD="$work/shim.so" PCIFIX_FAULT_CALL=rename \
			PCIFIX_FAULT_N=1 PCIFIX_FAULT_ERRNO=EIO \
			"$pcifix" -i "$probe_dir/dom.xml" >/dev/null 2>&1
		if [ $? -eq 4 ]; then
			probe_ok=yes
			[ -n "$extra" ] && preload_env=("$extra")
			break
		fi
	fi
done

if [ "$probe_ok" != yes ]; then
	echo "SKIP: fault injection: LD_PRELOAD=shim.so does not take effect with this pcifix" \
		"(an ASan build?); status $st:"
	sed -e 's/^/  /' -e '5q' "$work/probe.err"
	skipped=$((skipped + 1))
else
	# The call sequence of a good run: "FUNCTION N RESULT DETAIL".
	cp "$work/trace" "$work/trace.good"
	echo "faults: the calls of a good run of pcifix -i:"
	sed 's/^/  /' "$work/trace.good"
	commit_line=$(grep -n '^rename 1 0 ' "$work/trace.good" | head -n 1 | cut -d: -f1)
	read_fd=$(awk '($1 == "open" || $1 == "openat") && $4 ~ /(^|\/)dom\.xml$/ { print $3; exit }' \
		"$work/trace.good")
	# The close of the input: the first close of the fd the input was opened on.
	read_close=$(awk -v fd="fd=$read_fd" '$1 == "close" && $4 == fd { print $2; exit }' \
		"$work/trace.good")

	for fn in open openat write fsync fchmod close rename mkostemp mkstemp fsetxattr; do
		count=$(awk -v f="$fn" '$1 == f { n++ } END { print n + 0 }' "$work/trace.good")
		if [ "$count" -eq 0 ]; then
			echo "note: pcifix -i makes no direct call of $fn(): nothing to inject"
			continue
		fi
		errs="ENOSPC EIO EACCES"
		[ "$fn" = write ] && errs="$errs SHORT"
		for n in $(seq 1 "$count"); do
			line=$(awk -v f="$fn" -v n="$n" '$1 == f && $2 == n { print NR; exit }' \
				"$work/trace.good")
			if [ "$line" -gt "$commit_line" ]; then
				kind=after-commit
			elif [ "$fn" = close ] && [ "$n" = "$read_close" ]; then
				kind=read-close
			else
				kind=must-fail
			fi
			for e in $errs; do
				name="inject $fn #$n $e ($kind)"
				d=$work/inj
				rm -rf "$d"
				mkdir "$d"
				cp "$work/orig.xml" "$d/dom.xml"
				chmod 640 "$d/dom.xml"
				rm -f "$work/trace"
				(cd "$d" && env "${preload_env[@]}" LD_PRELOAD="$work/shim.so" \
					PCIFIX_FAULT_CALL="$fn" PCIFIX_FAULT_N="$n" \
					PCIFIX_FAULT_ERRNO="$e" PCIFIX_FAULT_TRACE="$work/trace" \
					"$pcifix" -i dom.xml) >"$work/out" 2>"$work/err"
				st=$?
				why=()
				if ! grep -q '^FAULT ' "$work/trace"; then
					why+=("the fault was not reached (the calls differ from the good run)")
				fi
				left=$(leftovers "$d")
				[ -z "$left" ] || why+=("temporary file left: $left")
				[ "$(mode_of "$d/dom.xml")" = 640 ] ||
					why+=("mode changed to $(mode_of "$d/dom.xml")")
				[ ! -s "$work/out" ] || why+=("wrote to stdout")
				old=no new=no
				cmp -s "$d/dom.xml" "$work/orig.xml" && old=yes
				cmp -s "$d/dom.xml" "$work/new.xml" && new=yes
				case $kind in
				must-fail)
					[ "$st" -eq 4 ] || why+=("exit status $st, expected 4")
					[ "$old" = yes ] || why+=("the file changed: $(cmp "$d/dom.xml" "$work/orig.xml" 2>&1)")
					if [ "$(wc -l <"$work/err")" -ne 1 ] ||
						! grep -q '^pcifix: dom\.xml: error: .* \[io-error\]$' "$work/err"; then
						why+=("stderr is not one io-error line: $(head -c 300 "$work/err")")
					fi
					;;
				after-commit)
					[ "$st" -eq 0 ] || why+=("exit status $st after the rename, expected 0")
					[ "$new" = yes ] || why+=("the file is not the complete new bytes")
					;;
				read-close)
					if ! { [ "$st" -eq 0 ] && [ "$new" = yes ]; } &&
						! { [ "$st" -eq 4 ] && [ "$old" = yes ]; }; then
						why+=("exit status $st with old=$old new=$new: neither a clean success nor a clean failure")
					fi
					name="$name -> exit $st"
					;;
				esac
				if [ ${#why[@]} -eq 0 ]; then
					pass "$name"
				else
					failc "$name" "${why[@]}" "stderr: $(head -c 300 "$work/err")"
				fi
			done
		done
	done
fi

# ---- 1b. SIGKILL right before and right after each call ----------------
# The shim kills the process itself (PCIFIX_FAULT_KILL), so every step of
# the write is hit exactly, which random timing (part 3) rarely manages.
if [ "$probe_ok" = yes ]; then
	# The temporary file is created by openat() in the held directory.
	mk_line=$(awk '($1 == "openat" && $4 ~ /\.pcifix-/) || $1 == "mkostemp" { print NR; exit }' \
		"$work/trace.good")
	nsteps=$(wc -l <"$work/trace.good")
	for i in $(seq 1 "$nsteps"); do
		read -r fn n _ <<EOT
$(sed -n "${i}p" "$work/trace.good")
EOT
		for when in before after; do
			name="kill -9 $when $fn #$n"
			d=$work/stepkill
			rm -rf "$d"
			mkdir "$d"
			cp "$work/orig.xml" "$d/dom.xml"
			chmod 640 "$d/dom.xml"
			# (The braces keep bash's "Killed" report off the log.)
			{ (cd "$d" && env "${preload_env[@]}" LD_PRELOAD="$work/shim.so" \
				PCIFIX_FAULT_KILL="$when:$fn:$n" "$pcifix" -i dom.xml) >/dev/null 2>&1
			  st=$?; } 2>/dev/null
			# Where the kill falls: after the rename the new bytes are in place;
			# between the temporary file's creation and the rename it may stay.
			if [ "$i" -gt "$commit_line" ] || { [ "$i" -eq "$commit_line" ] && [ $when = after ]; }; then
				want=new may_leave=no
			elif [ "$i" -gt "$mk_line" ] || { [ "$i" -eq "$mk_line" ] && [ $when = after ]; }; then
				want=old may_leave=yes
			else
				want=old may_leave=no
			fi
			why=()
			[ "$st" -eq 137 ] || why+=("exit status $st, not killed (137)")
			if [ $want = new ]; then
				cmp -s "$d/dom.xml" "$work/new.xml" || why+=("the target is not the complete new bytes")
			else
				cmp -s "$d/dom.xml" "$work/orig.xml" || why+=("the target is not the old bytes")
			fi
			[ "$(mode_of "$d/dom.xml")" = 640 ] || why+=("mode $(mode_of "$d/dom.xml")")
			left=$(leftovers "$d")
			if [ -n "$left" ] && [ $may_leave = no ]; then
				why+=("temporary file left: $left")
			fi
			[ -n "$left" ] && name="$name (left ${left##*/}, accepted)"
			if [ ${#why[@]} -eq 0 ]; then
				pass "$name -> $want bytes"
			else
				failc "$name" "${why[@]}"
			fi
		done
	done
fi

# ---- 2. permissions and symbolic links -------------------------------
# as_user CMD...: run CMD as an unprivileged user (nobody when root).
as_user=()
unpriv=yes
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1 &&
		setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups true 2>/dev/null; then
		as_user=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups --)
		owner=$(id -u nobody):$(id -g nobody)
	elif command -v su >/dev/null 2>&1 && su nobody -s /bin/sh -c true 2>/dev/null; then
		as_user=(su_nobody)
		owner=$(id -u nobody):$(id -g nobody)
	else
		unpriv=no
	fi
else
	owner=$(id -u):$(id -g)
fi
su_nobody() {
	local q='' a
	for a in "$@"; do
		q="$q '${a//\'/\'\\\'\'}'"
	done
	su nobody -s /bin/sh -c "$q"
}

# check_unchanged NAME DIR FILE MODE STATUS STDERR
check_unchanged() {
	local name=$1 dir=$2 file=$3 mode=$4 st=$5 err=$6 why=()
	[ "$st" -eq 4 ] || why+=("exit status $st, expected 4")
	cmp -s "$dir/$file" "$work/orig.xml" || why+=("the file changed")
	[ "$(mode_of "$dir/$file")" = "$mode" ] || why+=("mode $(mode_of "$dir/$file"), expected $mode")
	[ -z "$(leftovers "$dir")" ] || why+=("temporary file left: $(leftovers "$dir")")
	grep -q "^pcifix: .*: error: .* \[io-error\]$" "$err" || why+=("no io-error message: $(head -c 300 "$err")")
	if [ ${#why[@]} -eq 0 ]; then
		pass "$name"
	else
		failc "$name" "${why[@]}"
	fi
}

if [ "$unpriv" = no ]; then
	echo "SKIP: read-only directory and target: root, and neither setpriv nor su can drop to nobody"
	skipped=$((skipped + 1))
else
	# A read-only directory: the file itself is writable, but no temporary file can be made.
	d=$work/rodir
	mkdir "$d"
	cp "$work/orig.xml" "$d/dom.xml"
	chmod 644 "$d/dom.xml"
	[ "$(id -u)" -eq 0 ] && chown "$owner" "$d/dom.xml"
	chmod 555 "$d"
	(cd "$d" && "${as_user[@]}" "$pcifix" -i dom.xml) >/dev/null 2>"$work/err"
	check_unchanged "read-only directory" "$d" dom.xml 644 $? "$work/err"
	chmod 755 "$d"

	# A target without write permission in a writable directory.
	d=$work/rofile
	mkdir "$d"
	cp "$work/orig.xml" "$d/dom.xml"
	chmod 444 "$d/dom.xml"
	[ "$(id -u)" -eq 0 ] && chown "$owner" "$d" "$d/dom.xml"
	(cd "$d" && "${as_user[@]}" "$pcifix" -i dom.xml) >/dev/null 2>"$work/err"
	check_unchanged "target without write permission" "$d" dom.xml 444 $? "$work/err"
fi

# Root rewriting someone else's file: the new file keeps the owner and group.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	d=$work/owner
	mkdir "$d"
	cp "$work/orig.xml" "$d/dom.xml"
	chown "$(id -u nobody):$(id -g nobody)" "$d/dom.xml"
	chmod 640 "$d/dom.xml"
	(cd "$d" && "$pcifix" -i dom.xml) >/dev/null 2>"$work/err"
	st=$?
	why=()
	[ "$st" -eq 0 ] || why+=("exit status $st: $(head -c 300 "$work/err")")
	cmp -s "$d/dom.xml" "$work/new.xml" || why+=("not the new bytes")
	[ "$(stat -c %u:%g "$d/dom.xml")" = "$(id -u nobody):$(id -g nobody)" ] ||
		why+=("owner now $(stat -c %U:%G "$d/dom.xml")")
	[ "$(mode_of "$d/dom.xml")" = 640 ] || why+=("mode $(mode_of "$d/dom.xml")")
	[ -z "$(leftovers "$d")" ] || why+=("temporary file left: $(leftovers "$d")")
	if [ ${#why[@]} -eq 0 ]; then
		pass "owner and group kept (root rewrites nobody's file)"
	else
		failc "owner and group kept (root rewrites nobody's file)" "${why[@]}"
	fi
fi

# A name so long that .NAME.pcifix-XXXXXX exceeds NAME_MAX: pcifix falls
# back to a short temporary name, and the file is rewritten like any other.
d=$work/longname
mkdir "$d"
long=$(printf '%0245d' 0 | tr 0 n).xml
cp "$work/orig.xml" "$d/$long"
chmod 0640 "$d/$long"
(cd "$d" && "$pcifix" -i "$long") >/dev/null 2>"$work/err"
st=$?
why=()
[ "$st" -eq 0 ] || why+=("exit status $st: $(head -n 1 "$work/err")")
cmp -s "$d/$long" "$work/new.xml" || why+=("not the new bytes")
[ "$(stat -c %a "$d/$long")" = 640 ] || why+=("mode $(stat -c %a "$d/$long"), not 640")
[ "$(ls -A "$d" | wc -l)" -eq 1 ] || why+=("other files left: $(ls -A "$d" | grep -v -x -F "$long" | tr '\n' ' ')")
if [ ${#why[@]} -eq 0 ]; then
	pass "a 249-byte file name: rewritten through a short temporary name"
else
	failc "a 249-byte file name" "${why[@]}"
fi

# A symbolic link to a file in another directory, and a link to that link.
d=$work/links
mkdir -p "$d/real" "$d/ln"
cp "$work/orig.xml" "$d/real/dom.xml"
chmod 640 "$d/real/dom.xml"
ln -s ../real/dom.xml "$d/ln/link.xml"
ln -s link.xml "$d/ln/link2.xml"
for l in link.xml link2.xml; do
	cp "$work/orig.xml" "$d/real/dom.xml"
	(cd "$d/ln" && "$pcifix" -i "$l") >/dev/null 2>"$work/err"
	st=$?
	why=()
	[ "$st" -eq 0 ] || why+=("exit status $st: $(head -c 300 "$work/err")")
	[ -L "$d/ln/link.xml" ] && [ "$(readlink "$d/ln/link.xml")" = ../real/dom.xml ] ||
		why+=("link.xml is no longer the same symbolic link")
	[ -L "$d/ln/link2.xml" ] && [ "$(readlink "$d/ln/link2.xml")" = link.xml ] ||
		why+=("link2.xml is no longer the same symbolic link")
	cmp -s "$d/real/dom.xml" "$work/new.xml" || why+=("the target does not hold the new bytes")
	[ "$(mode_of "$d/real/dom.xml")" = 640 ] || why+=("target mode $(mode_of "$d/real/dom.xml")")
	[ -z "$(leftovers "$d/real")$(leftovers "$d/ln")" ] ||
		why+=("temporary file left: $(leftovers "$d/real") $(leftovers "$d/ln")")
	[ "$(find "$d" -type f | wc -l)" -eq 1 ] || why+=("files now: $(find "$d" | tr '\n' ' ')")
	if [ ${#why[@]} -eq 0 ]; then
		pass "symbolic link ($l)"
	else
		failc "symbolic link ($l)" "${why[@]}"
	fi
done

# ---- 3. kill -9 while a large file is written ------------------------
lines=$((big_mb * 1024 * 1024 / 94))
awk -v n="$lines" 'BEGIN {
	print "<domain type=\x27kvm\x27>"
	print "  <name>big</name>"
	print "  <memory unit=\x27GiB\x27>4</memory>"
	print "  <os>"
	print "    <type arch=\x27x86_64\x27 machine=\x27q35\x27>hvm</type>"
	print "  </os>"
	print "  <description>"
	for (i = 0; i < n; i++)
		printf "    line %08d of a long description that makes the file large, 0123456789 abcdef\n", i
	print "  </description>"
	print "  <devices>"
	print "    <disk type=\x27file\x27 device=\x27disk\x27>"
	print "      <source file=\x27/x.img\x27/>"
	print "      <target dev=\x27vda\x27 bus=\x27virtio\x27/>"
	print "    </disk>"
	print "    <interface type=\x27network\x27>"
	print "      <source network=\x27default\x27/>"
	print "      <model type=\x27virtio\x27/>"
	print "    </interface>"
	print "  </devices>"
	print "</domain>"
}' >"$work/big.xml"
"$pcifix" --max-size=1G "$work/big.xml" >"$work/big.new" 2>/dev/null
d=$work/kill
mkdir "$d"
cp "$work/big.xml" "$d/dom.xml"
t0=$(date +%s%N)
"$pcifix" --max-size=1G -i "$d/dom.xml" 2>/dev/null
st=$?
t1=$(date +%s%N)
full_us=$(( (t1 - t0) / 1000 ))
if [ "$st" -ne 0 ] || ! cmp -s "$d/dom.xml" "$work/big.new" || cmp -s "$work/big.xml" "$work/big.new"; then
	failc "kill -9: a full run on the $(($(wc -c <"$work/big.xml") / 1048576)) MB domain" \
		"status $st, or its result is not what printing gives, or nothing changes"
else
	# Where is the temporary file alive?  The shim's timed trace says (from
	# its openat to the rename); every other kill aims at that window.
	w0=0 w1=0
	if [ "$probe_ok" = yes ]; then
		cp "$work/big.xml" "$d/dom.xml"
		rm -f "$work/trace"
		(cd "$d" && env "${preload_env[@]}" LD_PRELOAD="$work/shim.so" \
			PCIFIX_FAULT_TRACE="$work/trace" PCIFIX_FAULT_TRACE_TIME=1 \
			"$pcifix" --max-size=1G -i dom.xml) >/dev/null 2>&1
		w0=$(awk '($1 == "openat" && $4 ~ /\.pcifix-/) || $1 == "mkostemp" {
			sub("t=", "", $NF); print $NF; exit }' "$work/trace")
		w1=$(awk '$1 == "rename" { sub("t=", "", $NF); print $NF; exit }' "$work/trace")
		[ -n "$w0" ] && [ -n "$w1" ] && [ "$w1" -gt "$w0" ] || { w0=0; w1=0; }
	fi
	echo "faults: kill -9: $(wc -c <"$work/big.xml") bytes, a full -i run takes $full_us us" \
		"(temporary file from $w0 to $w1 us); $kills kills, seed $seed"
	n_old=0 n_old_tmp=0 n_new=0 n_done=0 bad=0
	for i in $(seq 1 "$kills"); do
		rm -f "$d"/.dom.xml.pcifix-*
		cp "$work/big.xml" "$d/dom.xml"
		r=$(( (RANDOM << 15) | RANDOM ))
		if [ $((i % 2)) -eq 0 ] && [ "$w1" -gt 0 ]; then
			# 20 ms either side of the window: process start-up and timing noise.
			lo=$((w0 > 20000 ? w0 - 20000 : 0))
			delay=$((lo + r % (w1 + 20000 - lo)))
		else
			delay=$((r % (full_us * 12 / 10 + 1)))
		fi
		how=$(cd "$d" && "$work/killafter" "$delay" "$pcifix" --max-size=1G -i dom.xml)
		left=$(leftovers "$d")
		if cmp -s "$d/dom.xml" "$work/big.xml"; then
			state=old
		elif cmp -s "$d/dom.xml" "$work/big.new"; then
			state=new
		else
			state=partial
		fi
		case $how:$state in
		killed:old)
			if [ -n "$left" ]; then
				n_old_tmp=$((n_old_tmp + 1))
			else
				n_old=$((n_old + 1))
			fi
			;;
		killed:new)
			[ -z "$left" ] || { bad=$((bad + 1)); failc "kill -9 #$i after $delay us: new bytes but a temporary file left: $left"; }
			n_new=$((n_new + 1))
			;;
		"exited 0:new")
			[ -z "$left" ] || { bad=$((bad + 1)); failc "kill -9 #$i: finished, but left $left"; }
			n_done=$((n_done + 1))
			;;
		*)
			bad=$((bad + 1))
			failc "kill -9 #$i after $delay us: $how, target $state" \
				"$(cmp "$d/dom.xml" "$work/big.xml" 2>&1)" \
				"size $(wc -c <"$d/dom.xml"), leftovers: ${left:-none}"
			;;
		esac
	done
	echo "faults: kill -9: old bytes, no leftover: $n_old; old bytes + the killed run's .dom.xml.pcifix-XXXXXX" \
		"(accepted: SIGKILL cannot be cleaned up after): $n_old_tmp; new bytes: $n_new; finished first: $n_done"
	if [ "$bad" -eq 0 ]; then
		pass "kill -9 at $kills random points: always the old or the complete new bytes"
	fi
fi

echo "faults: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
